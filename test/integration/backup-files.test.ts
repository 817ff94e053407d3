import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createPool } from "../../src/db/pool";
import { MIGRATIONS_DIR, migrate } from "../../src/db/migrate";
import { backupDatabase, BackupFormatError, restoreDatabase } from "../../src/modules/backup/backup";
import { runScheduledBackup } from "../../src/modules/backup/schedule";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { filesRoot } from "../../src/modules/dossiers/files";
import { requiredDocuments } from "../../src/modules/dossiers/service";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { S3FileStore } from "../../src/modules/storage/s3";
import { fileStore } from "../../src/modules/storage/storage";
import { createTestApp, signIn, type TestApp } from "../support/app";
import { startLocalS3 } from "../support/s3";
import { withDatabase } from "../support/global-db";

// A backup is only worth what it restores: the dossiers' files with their rows (in the PostgreSQL
// file store they are rows; an S3 store's objects are written into the backup; files an older
// version kept on disk are restored into the store), an encrypted copy only with its passphrase,
// and a copy taken by an older version into the newer one.

let t: TestApp;
let dir: string;
let root: string;
// Bytes a PDF viewer accepts, with every byte value in them so nothing is lost in encoding.
const PDF = Buffer.concat([Buffer.from("%PDF-1.4\n%"), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from("\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")]);

beforeAll(async () => {
  t = await createTestApp();
  dir = mkdtempSync(path.join(os.tmpdir(), "motcua-backup-files-"));
  const cfg = (t.app as unknown as { deps: { config: { dataDir: string } } }).deps.config;
  root = filesRoot(cfg.dataDir);
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One file per document the procedure requires online, as a citizen attaches them. */
async function attachments(code: string) {
  const p = await t.tdb.db.system(async (tx) => {
    const communeId = (await tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE])).id;
    return findOfferedProcedure(tx, { agencyId: communeId, code });
  });
  return requiredDocuments(p!, "online").mandatory.map((name, i) => ({ documentName: name, fileName: `giay-to-${i + 1}.pdf`, dataBase64: PDF.toString("base64") }));
}

async function submitWithFile(): Promise<string> {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/dossiers",
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({
      procedureCode: "1.001193",
      agencyCode: DEMO_COMMUNE_CODE,
      applicant: { fullName: "Trần Thị Hoa", idNumber: "019190005678", phone: "0987654321", address: { line: "Xóm Chùa" } },
      attachments: await attachments("1.001193"),
    }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { code: string }).code;
}

async function attachmentUrl(code: string): Promise<string> {
  const row = await t.tdb.db.system((tx) =>
    tx.one<{ id: number }>("select a.id from dossier_attachments a join dossiers d on d.id = a.dossier_id where d.code = $1 order by a.id limit 1", [code]),
  );
  return `/staff/dossiers/${encodeURIComponent(code)}/attachments/${row.id}`;
}

describe("backup with the stored files", () => {
  it("restores a dossier's attachment byte for byte after the stored files are lost (PostgreSQL store: files are rows)", async () => {
    const code = await submitWithFile();
    const desk = await signIn(t.app, "demo-desk");
    const url = await attachmentUrl(code);
    const before = await desk.get(url);
    expect(before.statusCode).toBe(200);
    expect(before.rawPayload.equals(PDF)).toBe(true);

    const file = path.join(dir, "with-files.backup");
    const r = await backupDatabase(t.tdb.db.pool, file, { filesRoot: root, store: fileStore(t.tdb.db) });
    expect(r.files).toBe(0); // nothing left on disk, nothing outside the database
    const stored = await t.tdb.db.pool.query<{ n: number }>("select count(*)::int as n from file_objects");
    expect(stored.rows[0]!.n).toBeGreaterThanOrEqual(1);

    // The stored files are lost and the dossier's attachments are gone from the database.
    await t.tdb.db.pool.query("delete from file_objects; delete from file_contents");
    await t.tdb.db.system((tx) => tx.exec("delete from dossier_attachments where dossier_id = (select id from dossiers where code = $1)", [code]));
    const gone = await desk.get(url);
    expect(gone.statusCode).not.toBe(200);

    const back = await restoreDatabase(t.tdb.db.pool, file, { store: fileStore(t.tdb.db) });
    expect(back.migrated).toEqual([]);
    expect((await t.tdb.db.pool.query<{ n: number }>("select count(*)::int as n from file_objects")).rows[0]!.n).toBe(stored.rows[0]!.n);
    const again = await signIn(t.app, "demo-desk");
    const after = await again.get(url);
    expect(after.statusCode).toBe(200);
    expect(after.rawPayload.equals(PDF)).toBe(true);
  });

  it("restores the files of a backup taken before the file store (files on disk) into the store", async () => {
    const code = await submitWithFile();
    const key = (
      await t.tdb.db.system((tx) => tx.one<{ k: string }>("select a.storage_path as k from dossier_attachments a join dossiers d on d.id = a.dossier_id where d.code = $1 order by a.id limit 1", [code]))
    ).k;
    // An older install: the file on disk under its key, not in the store.
    const oldRoot = mkdtempSync(path.join(os.tmpdir(), "motcua-old-files-"));
    mkdirSync(path.dirname(path.join(oldRoot, key)), { recursive: true });
    writeFileSync(path.join(oldRoot, key), PDF);
    await fileStore(t.tdb.db).remove([key]);
    const file = path.join(dir, "disk-files.backup");
    const r = await backupDatabase(t.tdb.db.pool, file, { filesRoot: oldRoot });
    expect(r.files).toBe(1);
    rmSync(oldRoot, { recursive: true, force: true });

    const back = await restoreDatabase(t.tdb.db.pool, file, { store: fileStore(t.tdb.db) });
    expect(back.files).toBe(1);
    expect((await fileStore(t.tdb.db).get(key))!.equals(PDF)).toBe(true);
    const desk = await signIn(t.app, "demo-desk");
    expect((await desk.get(await attachmentUrl(code))).rawPayload.equals(PDF)).toBe(true);
  });

  it("writes an S3 store's objects into the backup and puts them back into the bucket", async () => {
    const s3 = await startLocalS3("motcua-backup");
    const store = new S3FileStore(s3.settings, t.tdb.db.pool);
    try {
      await store.put("1/2026/s3-object", PDF);
      const file = path.join(dir, "s3.backup");
      expect((await backupDatabase(t.tdb.db.pool, file, { store })).files).toBe(1);
      // Left out on request (a province backs its bucket up on its own): the header says so.
      const skipped = path.join(dir, "s3-skipped.backup");
      expect((await backupDatabase(t.tdb.db.pool, skipped, { store, skipObjects: true })).files).toBe(0);
      await store.remove(["1/2026/s3-object"]);
      expect((await restoreDatabase(t.tdb.db.pool, file, { store })).files).toBe(1);
      expect((await store.get("1/2026/s3-object"))!.equals(PDF)).toBe(true);
    } finally {
      await store.close();
      await s3.close();
    }
  });

  it("encrypts with a passphrase and restores only with it, changing nothing otherwise", async () => {
    const file = path.join(dir, "encrypted.backup");
    await backupDatabase(t.tdb.db.pool, file, { filesRoot: root, passphrase: "mật khẩu sao lưu của xã" });
    const { readFileSync } = await import("node:fs");
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 8).toString()).toBe("MCBKENC1");
    expect(bytes.includes(Buffer.from("Trần Thị Hoa"))).toBe(false);

    const marker = "Người sửa sau sao lưu";
    await t.tdb.db.system((tx) => tx.exec("update users set full_name = $1 where username = 'demo-desk'", [marker]));
    const name = () => t.tdb.db.system((tx) => tx.one<{ full_name: string }>("select full_name from users where username = 'demo-desk'"));
    await expect(restoreDatabase(t.tdb.db.pool, file, { filesRoot: root })).rejects.toBeInstanceOf(BackupFormatError);
    await expect(restoreDatabase(t.tdb.db.pool, file, { filesRoot: root, passphrase: "sai mật khẩu" })).rejects.toBeInstanceOf(BackupFormatError);
    expect((await name()).full_name).toBe(marker);

    // A flipped byte in the middle is caught by the authentication tag.
    const { writeFileSync } = await import("node:fs");
    const tampered = path.join(dir, "tampered.backup");
    const copy = Buffer.from(bytes);
    copy[Math.floor(copy.length / 2)]! ^= 1;
    writeFileSync(tampered, copy);
    await expect(restoreDatabase(t.tdb.db.pool, tampered, { filesRoot: root, passphrase: "mật khẩu sao lưu của xã" })).rejects.toThrow();
    expect((await name()).full_name).toBe(marker);

    await restoreDatabase(t.tdb.db.pool, file, { filesRoot: root, passphrase: "mật khẩu sao lưu của xã" });
    expect((await name()).full_name).not.toBe(marker);
  });
});

describe("the nightly backup", () => {
  it("writes a dated file and keeps only the newest ones", async () => {
    const nightly = path.join(dir, "nightly");
    const s = { dir: nightly, filesRoot: root, keep: 2 };
    const days = ["2026-12-01T18:30:00Z", "2026-12-02T18:30:00Z", "2026-12-03T18:30:00Z"];
    const written: string[] = [];
    for (const d of days) written.push(path.basename(await runScheduledBackup(t.tdb.db.pool, s, new Date(d))));
    expect(written[0]).toBe("motcua-20261201-183000.backup");
    expect(readdirSync(nightly).sort()).toEqual(written.slice(1));
    // What it wrote restores.
    const r = await restoreDatabase(t.tdb.db.pool, path.join(nightly, written[2]!), { filesRoot: root });
    expect(r.rows).toBeGreaterThan(3000);
  });
});

describe("a backup taken by an older version", () => {
  it("restores into the newer one, which then applies its newer migrations", async () => {
    // An install that stopped at an older migration: a database migrated with only the first ones.
    const all = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith(".sql")).sort();
    const cut = all.indexOf("0740_rate_buckets.sql");
    expect(cut).toBeGreaterThan(0);
    const oldDir = mkdtempSync(path.join(os.tmpdir(), "motcua-old-migrations-"));
    for (const f of all.slice(0, cut)) cpSync(path.join(MIGRATIONS_DIR, f), path.join(oldDir, f));
    const adminUrl = inject("adminUrl");
    const name = `motcua_old_${Math.random().toString(16).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    const oldPool = createPool({ connectionString: withDatabase(adminUrl, name), max: 2 });
    try {
      await migrate(oldPool, oldDir);
      await oldPool.query("insert into app_settings (key, value) values ('old-install', to_jsonb('có dấu: Đồng Văn'::text)) on conflict (key) do update set value = excluded.value");
      const file = path.join(dir, "old.backup");
      await backupDatabase(oldPool, file);

      const r = await restoreDatabase(t.tdb.db.pool, file);
      expect(r.migrated).toEqual(all.slice(cut));
      const setting = await t.tdb.db.system((tx) => tx.one<{ value: string }>("select value from app_settings where key = 'old-install'"));
      expect(setting.value).toBe("có dấu: Đồng Văn");
      // The newer tables exist and work after the restore.
      await t.tdb.db.system((tx) => tx.exec("insert into rate_buckets (key, window_start, hits) values ('restore-test', now(), 1)"));
      const applied = await t.tdb.db.system((tx) => tx.one<{ n: number }>("select count(*)::int as n from schema_migrations"));
      expect(applied.n).toBe(all.length);
    } finally {
      await oldPool.end();
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
      rmSync(oldDir, { recursive: true, force: true });
    }
  });

  it("refuses a backup newer than the software", async () => {
    const file = path.join(dir, "current.backup");
    await backupDatabase(t.tdb.db.pool, file);
    const { readFileSync, writeFileSync } = await import("node:fs");
    const { gunzipSync, gzipSync } = await import("node:zlib");
    const text = gunzipSync(readFileSync(file)).toString("utf8");
    const nl = text.indexOf("\n");
    const header = JSON.parse(text.slice(0, nl));
    header.migrations.push("9999_from_the_future");
    const newer = path.join(dir, "newer.backup");
    writeFileSync(newer, gzipSync(JSON.stringify(header) + text.slice(nl)));
    await expect(restoreDatabase(t.tdb.db.pool, newer)).rejects.toThrow(/mới hơn phần mềm/);
  });
});
