import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit, verifyAudit } from "../../src/modules/audit/audit";
import { backupDatabase, BackupFormatError, restoreDatabase } from "../../src/modules/backup/backup";
import { createTestDb, type TestDb } from "../support/db";

let t: TestDb;
let dir: string;
let communeId: number;
beforeAll(async () => {
  t = await createTestDb();
  dir = mkdtempSync(path.join(os.tmpdir(), "motcua-backup-"));
  communeId = (await t.db.system((tx) => tx.one<{ id: number }>("select id from agencies where code = '000.00.25.H12'"))).id;
  for (let i = 0; i < 5; i++) {
    await t.db.scoped({ agencyIds: [communeId], userId: null }, (tx) =>
      appendAudit(tx, { agencyId: communeId, actor: "test", action: "agency.update", entity: "agency", entityId: "one-chain", data: { i, text: "Tiếng Việt có dấu" } }),
    );
  }
});
afterAll(async () => {
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("audit hash chain", () => {
  it("verifies an untouched log", async () => {
    const r = await t.db.system((tx) => verifyAudit(tx));
    expect(r.problems).toEqual([]);
    expect(r.rows).toBeGreaterThan(5);
  });

  it("cannot be edited or deleted by the application role", async () => {
    await expect(
      t.db.scoped({ agencyIds: [communeId], userId: null }, (tx) => tx.exec("update audit_log set actor = 'x' where agency_id = $1", [communeId])),
    ).rejects.toThrow(/permission denied/);
    await expect(
      t.db.scoped({ agencyIds: [communeId], userId: null }, (tx) => tx.exec("delete from audit_log where agency_id = $1", [communeId])),
    ).rejects.toThrow(/permission denied/);
  });

  it("detects an edited row", async () => {
    await t.db.system((tx) => tx.exec("update audit_log set data = '{\"i\": 99}' where agency_id = $1 and seq = 3", [communeId]));
    const r = await t.db.system((tx) => verifyAudit(tx));
    expect(r.problems).toContainEqual(expect.objectContaining({ agencyId: communeId, seq: 3, problem: "edited" }));
  });

  it("detects a deleted row and a deleted tail", async () => {
    const before = await t.db.system((tx) => tx.one<{ n: number }>("select max(seq) as n from audit_log where agency_id = $1", [communeId]));
    await t.db.system((tx) => tx.exec("delete from audit_log where agency_id = $1 and seq = 2", [communeId]));
    let r = await t.db.system((tx) => verifyAudit(tx));
    expect(r.problems.some((p) => p.agencyId === communeId && p.problem === "missing")).toBe(true);
    await t.db.system((tx) => tx.exec("delete from audit_log where agency_id = $1 and seq = $2", [communeId, before.n]));
    r = await t.db.system((tx) => verifyAudit(tx));
    expect(r.problems.some((p) => p.agencyId === communeId && p.problem === "head_mismatch")).toBe(true);
  });

  it("detects an inserted row", async () => {
    const other = (await t.db.system((tx) => tx.one<{ id: number }>("select id from agencies where gso_code = '00004'"))).id;
    await t.db.scoped({ agencyIds: [other], userId: null }, (tx) => appendAudit(tx, { agencyId: other, actor: "a", action: "agency.update", entity: "agency", entityId: 1 }));
    await t.db.system((tx) =>
      tx.exec(
        `insert into audit_log (agency_id, seq, at, actor, action, entity, entity_id, data, prev_hash, hash)
         select agency_id, 2, at, 'forger', action, entity, entity_id, data, hash, hash from audit_log where agency_id = $1 and seq = 1`,
        [other],
      ),
    );
    const r = await t.db.system((tx) => verifyAudit(tx));
    expect(r.problems.some((p) => p.agencyId === other)).toBe(true);
  });
});

describe("backup and restore", () => {
  it("round-trips every table, then restores over changed data", async () => {
    const file = path.join(dir, "b.gz");
    const count = async () =>
      t.db.system((tx) =>
        tx.one<{ a: number; u: number; l: number; s: string }>(
          "select (select count(*) from agencies) as a, (select count(*) from users) as u, (select count(*) from audit_log) as l, (select string_agg(full_name, ',' order by id) from users) as s",
        ),
      );
    const before = await count();
    const r = await backupDatabase(t.db.pool, file);
    expect(r.rows).toBeGreaterThan(3000);
    await t.db.system((tx) => tx.exec("update users set full_name = 'Đã sửa' where username = 'demo-desk'"));
    await t.db.system((tx) => tx.exec("delete from sessions"));
    await restoreDatabase(t.db.pool, file);
    expect(await count()).toEqual(before);
    // Identity counters continue after the restored rows.
    const next = await t.db.system((tx) =>
      tx.one<{ id: number; max: number }>(
        "with i as (insert into app_settings (key, value) values ('x', '1') returning 1) select nextval(pg_get_serial_sequence('agencies','id')) as id, (select max(id) from agencies) as max",
      ),
    );
    expect(next.id).toBeGreaterThan(next.max);
  });

  it("refuses a file that is not a backup, changing nothing", async () => {
    const junk = path.join(dir, "junk.gz");
    const { gzipSync } = await import("node:zlib");
    writeFileSync(junk, gzipSync("hello\nworld\n"));
    await expect(restoreDatabase(t.db.pool, junk)).rejects.toBeInstanceOf(BackupFormatError);
    const n = await t.db.system((tx) => tx.one<{ n: number }>("select count(*) as n from agencies"));
    expect(n.n).toBeGreaterThan(3000);
  });
});
