import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import { AUDIT_LANES, appendAudit, auditLaneOf, canonicalJson } from "../../src/modules/audit/audit";
import { configureCheckpointExport, createCheckpoint, verifyIntegrity } from "../../src/modules/audit/integrity";
import { createTestDb, type TestDb } from "../support/db";

// The audit chain against someone who holds the database (its owner) but not the keys, which live
// outside it: each rewrite the issue found undetected is now detected.

let t: TestDb;
let dir: string;
let communeId: number;
const sys = <T>(fn: (tx: Tx) => Promise<T>) => t.db.system(fn);
const ENTITY = "dossier";
const ID = "tamper-target";

async function append(n: number) {
  for (let i = 0; i < n; i++) {
    await t.db.scoped({ agencyIds: [communeId], userId: null }, (tx) =>
      appendAudit(tx, { agencyId: communeId, actor: "test", action: "dossier.note", entity: ENTITY, entityId: ID, data: { i, text: "Ghi chú có dấu" } }),
    );
  }
}

/** What an attacker without the key can do: recompute links with the project's public algorithm, SHA-256. */
async function recomputeUnkeyed(tx: Tx, lane: number, fromSeq: number) {
  const rows = await tx.query<{ id: number; seq: number; prev_hash: string; body: string }>(
    `select id, seq, prev_hash, jsonb_build_object('agency_id', agency_id, 'lane', lane, 'seq', seq, 'at', to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
       'actor_user_id', actor_user_id, 'actor', actor, 'action', action, 'entity', entity, 'entity_id', entity_id, 'data', data)::text as body
     from audit_log where agency_id = $1 and lane = $2 and seq >= $3 order by seq`,
    [communeId, lane, fromSeq],
  );
  let prev = (await tx.maybeOne<{ hash: string }>("select hash from audit_log where agency_id = $1 and lane = $2 and seq = $3", [communeId, lane, fromSeq - 1]))?.hash ?? "0".repeat(64);
  for (const r of rows) {
    const hash = createHash("sha256").update(prev).update("\n").update(canonicalJson(JSON.parse(r.body))).digest("hex");
    await tx.exec("update audit_log set alg = 0, prev_hash = $2, hash = $3 where id = $1", [r.id, prev, hash]);
    prev = hash;
  }
  await tx.exec("update audit_heads set hash = $3, seq = (select max(seq) from audit_log where agency_id = $1 and lane = $2) where agency_id = $1 and lane = $2", [communeId, lane, prev]);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "motcua-checkpoints-"));
  configureCheckpointExport({ dir });
});
beforeEach(async () => {
  await t?.drop();
  t = await createTestDb();
  communeId = (await sys((tx) => tx.one<{ id: number }>("select id from agencies where code = '000.00.25.H12'"))).id;
  rmSync(dir, { recursive: true, force: true });
  await append(6);
  await sys((tx) => createCheckpoint(tx));
});
afterAll(async () => {
  configureCheckpointExport({});
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const lane = auditLaneOf(ENTITY, ID);
const report = () => sys((tx) => verifyIntegrity(tx, { dir }));

describe("a keyed, anchored audit chain", () => {
  it("verifies an untouched log, its heads and its checkpoint", async () => {
    const r = await report();
    expect(r.problems).toEqual([]);
    expect(r.checkpoints).toBe(1);
    const heads = await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from audit_heads where agency_id = $1", [communeId]));
    expect(heads.n).toBe(AUDIT_LANES);
  });

  it("detects an edited row whose chain was recomputed with the unkeyed hash", async () => {
    await sys(async (tx) => {
      await tx.exec("update audit_log set data = '{\"i\": 99}' where agency_id = $1 and lane = $2 and seq = 3", [communeId, lane]);
      await recomputeUnkeyed(tx, lane, 3);
    });
    const kinds = new Set((await report()).problems.map((p) => p.problem));
    expect(kinds.has("downgraded") || kinds.has("edited")).toBe(true);
    expect(kinds.has("checkpoint_mismatch")).toBe(true);
  });

  it("detects the newest row deleted with its head rewound", async () => {
    await sys(async (tx) => {
      const last = await tx.one<{ seq: number }>("select max(seq) as seq from audit_log where agency_id = $1 and lane = $2", [communeId, lane]);
      const prev = await tx.one<{ hash: string }>("select hash from audit_log where agency_id = $1 and lane = $2 and seq = $3", [communeId, lane, last.seq - 1]);
      await tx.exec("delete from audit_log where agency_id = $1 and lane = $2 and seq = $3", [communeId, lane, last.seq]);
      await tx.exec("update audit_heads set seq = $3, hash = $4 where agency_id = $1 and lane = $2", [communeId, lane, last.seq - 1, prev.hash]);
    });
    expect((await report()).problems).toContainEqual(expect.objectContaining({ agencyId: communeId, lane, problem: "checkpoint_mismatch" }));
  });

  it("detects a whole lane deleted with its head", async () => {
    await sys(async (tx) => {
      await tx.exec("delete from audit_log where agency_id = $1 and lane = $2", [communeId, lane]);
      await tx.exec("delete from audit_heads where agency_id = $1 and lane = $2", [communeId, lane]);
    });
    const problems = (await report()).problems;
    expect(problems).toContainEqual(expect.objectContaining({ agencyId: communeId, lane, problem: "head_missing" }));
    expect(problems).toContainEqual(expect.objectContaining({ agencyId: communeId, lane, problem: "checkpoint_mismatch" }));
  });

  it("keeps its anchor when the checkpoint rows are deleted (the exported file remains), and refuses a forged one", async () => {
    await sys(async (tx) => {
      await tx.exec("delete from audit_checkpoints");
      await tx.exec("delete from audit_log where agency_id = $1 and lane = $2", [communeId, lane]);
      await tx.exec("update audit_heads set seq = 0, hash = repeat('0', 64) where agency_id = $1 and lane = $2", [communeId, lane]);
    });
    expect((await report()).problems).toContainEqual(expect.objectContaining({ lane, problem: "checkpoint_mismatch" }));
    const stranger = generateKeyPairSync("ed25519").privateKey;
    const payload = { at: new Date().toISOString(), rows: 0, heads: [] as [number, number, number, string][] };
    await sys((tx) =>
      tx.exec("insert into audit_checkpoints (at, payload, signature, key_id) values ($1, $2, $3, 'x')", [payload.at, JSON.stringify(payload), sign(null, Buffer.from(canonicalJson(payload)), stranger).toString("base64")]),
    );
    expect((await report()).problems).toContainEqual(expect.objectContaining({ problem: "checkpoint_forged" }));
  });
});
