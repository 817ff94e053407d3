import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { migrateDiskFiles } from "../../src/modules/storage/migrate-disk";
import { CHUNK_BYTES, PostgresFileStore } from "../../src/modules/storage/postgres";
import { S3FileStore } from "../../src/modules/storage/s3";
import { configureFileStore, removeStoredFiles, sweepPendingFiles } from "../../src/modules/storage/storage";
import type { FileStore } from "../../src/modules/storage/store";
import { createTestDb, type TestDb } from "../support/db";
import { type LocalS3, startLocalS3 } from "../support/s3";

// The storage interface's contract: the same tests against both implementations, PostgreSQL
// (on a test database) and S3 (through @aws-sdk/client-s3 against a real local S3 server).

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const bytes = (n: number) => randomBytes(n);
async function drain(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(Buffer.from(c as Buffer));
  return Buffer.concat(parts);
}
async function keys(store: FileStore, prefix?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list(prefix)) out.push(o.key);
  return out;
}

type Backend = { name: string; open: (t: TestDb) => Promise<{ store: FileStore; close: () => Promise<void> }> };

const BACKENDS: Backend[] = [
  { name: "PostgreSQL", open: async (t) => ({ store: new PostgresFileStore(t.db.pool), close: async () => {} }) },
  {
    name: "S3",
    open: async (t) => {
      const s3: LocalS3 = await startLocalS3();
      const store = new S3FileStore(s3.settings, t.db.pool);
      return {
        store,
        close: async () => {
          await store.close();
          await s3.close();
        },
      };
    },
  },
];

for (const backend of BACKENDS) {
  describe(`file store contract: ${backend.name}`, () => {
    let t: TestDb;
    let store: FileStore;
    let close: () => Promise<void>;
    let agencyId: number;
    beforeAll(async () => {
      t = await createTestDb();
      ({ store, close } = await backend.open(t));
      configureFileStore(t.db, store);
      agencyId = (await t.db.system((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE]))).id;
    });
    afterAll(async () => {
      await close?.();
      await t?.drop();
    });

    it("gives back every byte it was given, with its size and hash", async () => {
      const data = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), bytes(1000)]);
      const put = await store.put(`${agencyId}/2026/every-byte`, data, { contentType: "application/pdf" });
      expect(put).toEqual({ key: `${agencyId}/2026/every-byte`, size: data.length, sha256: sha(data) });
      expect((await store.get(`${agencyId}/2026/every-byte`))!.equals(data)).toBe(true);
      expect(await store.head(`${agencyId}/2026/every-byte`)).toEqual(put);
    });

    it("streams a file of several chunks in order", async () => {
      const data = bytes(Math.floor(CHUNK_BYTES * 2.5));
      await store.put(`${agencyId}/2026/large`, data);
      const opened = await store.open(`${agencyId}/2026/large`);
      expect(opened!.size).toBe(data.length);
      expect((await drain(opened!.body)).equals(data)).toBe(true);
    });

    it("keeps an empty file", async () => {
      await store.put(`${agencyId}/2026/empty`, Buffer.alloc(0));
      expect((await store.get(`${agencyId}/2026/empty`))!.length).toBe(0);
      expect((await drain((await store.open(`${agencyId}/2026/empty`))!.body)).length).toBe(0);
    });

    it("answers undefined for a missing key or one it never writes", async () => {
      for (const k of [`${agencyId}/2026/never-written`, "", "../etc/passwd", "/abs", "a/../../b"]) {
        expect(await store.get(k)).toBeUndefined();
        expect(await store.open(k)).toBeUndefined();
        expect(await store.head(k)).toBeUndefined();
      }
      await expect(store.put("../escape", Buffer.from("x"))).rejects.toThrow();
    });

    it("replaces an object written again under its key", async () => {
      await store.put(`${agencyId}/2026/again`, Buffer.from("first"));
      await store.put(`${agencyId}/2026/again`, Buffer.from("second, longer"));
      expect((await store.get(`${agencyId}/2026/again`))!.toString()).toBe("second, longer");
    });

    it("copies under a new key, which outlives the original", async () => {
      const data = bytes(5000);
      await store.put(`${agencyId}/2026/original`, data);
      const c = await store.copy(`${agencyId}/2026/original`, `${agencyId}/2026/copy`);
      expect(c).toEqual({ key: `${agencyId}/2026/copy`, size: data.length, sha256: sha(data) });
      await store.remove([`${agencyId}/2026/original`]);
      expect(await store.get(`${agencyId}/2026/original`)).toBeUndefined();
      expect((await store.get(`${agencyId}/2026/copy`))!.equals(data)).toBe(true);
      expect(await store.copy(`${agencyId}/2026/original`, `${agencyId}/2026/copy-2`)).toBeUndefined();
    });

    it("removes what it is asked to, ignoring keys it does not have", async () => {
      await store.put(`${agencyId}/2026/r1`, Buffer.from("1"));
      await store.put(`${agencyId}/2026/r2`, Buffer.from("2"));
      await store.remove([`${agencyId}/2026/r1`, `${agencyId}/2026/not-there`]);
      expect(await store.head(`${agencyId}/2026/r1`)).toBeUndefined();
      expect(await store.head(`${agencyId}/2026/r2`)).toBeDefined();
    });

    it("lists objects by key, under a prefix", async () => {
      for (const k of ["b", "a", "c"]) await store.put(`${agencyId}/2030/${k}`, Buffer.from(k));
      expect(await keys(store, `${agencyId}/2030/`)).toEqual([`${agencyId}/2030/a`, `${agencyId}/2030/b`, `${agencyId}/2030/c`]);
    });

    it("lists a staged file as pending; the sweep removes it once its transaction is clearly gone, unless a row names it", async () => {
      await store.put(`${agencyId}/2026/orphan`, Buffer.from("never recorded"), { stagedFor: agencyId });
      await store.put(`${agencyId}/2026/recorded`, Buffer.from("recorded by a row"), { stagedFor: agencyId });
      const pending = await t.db.pool.query<{ key: string }>("select key from file_pending where key like $1 order by key", [`${agencyId}/2026/%`]);
      expect(pending.rows.map((r) => r.key)).toEqual([`${agencyId}/2026/orphan`, `${agencyId}/2026/recorded`]);
      // A row names the second one (its transaction committed but the listing stayed: the sweep must not remove it).
      await t.db.system((tx) =>
        tx.exec(
          `with d as (insert into dossier_drafts (agency_id, token_hash, procedure_code, data, expires_at) values ($1, 'contract-draft', '1.000001', '{}', now() + interval '1 day') returning id)
           insert into dossier_draft_files (agency_id, draft_id, document_index, document_name, file_name, content_type, size, sha256, storage_path)
           select $1, d.id, 0, 'Giấy', 'g.pdf', 'application/pdf', 17, 'x', $2 from d`,
          [agencyId, `${agencyId}/2026/recorded`],
        ),
      );
      expect(await sweepPendingFiles(t.db)).toBe(0); // both younger than the grace period
      await t.db.pool.query("update file_pending set staged_at = now() - interval '2 hours'");
      expect(await sweepPendingFiles(t.db)).toBe(1);
      expect(await store.head(`${agencyId}/2026/orphan`)).toBeUndefined();
      expect(await store.head(`${agencyId}/2026/recorded`)).toBeDefined();
      expect((await t.db.pool.query("select 1 from file_pending")).rowCount).toBe(0);
    });

    it("removes a stored file only when no row names it any more", async () => {
      await store.put(`${agencyId}/2026/named`, Buffer.from("named"));
      await store.put(`${agencyId}/2026/unnamed`, Buffer.from("unnamed"));
      await t.db.system((tx) => tx.exec("update dossier_draft_files set storage_path = $1 where draft_id = (select id from dossier_drafts where token_hash = 'contract-draft')", [`${agencyId}/2026/named`]));
      expect(await removeStoredFiles(t.db, [`${agencyId}/2026/named`, `${agencyId}/2026/unnamed`, "../x"])).toBe(1);
      expect(await store.head(`${agencyId}/2026/named`)).toBeDefined();
      expect(await store.head(`${agencyId}/2026/unnamed`)).toBeUndefined();
    });

    it("takes in the files an older version left on disk, by their path, and then removes them there", async () => {
      const root = mkdtempSync(path.join(os.tmpdir(), "motcua-disk-files-"));
      try {
        const files = new Map<string, Buffer>([
          [`${agencyId}/2025/AbC_-1`, bytes(3000)],
          [`${agencyId}/2026/dEf-2`, bytes(CHUNK_BYTES + 10)],
          [`${agencyId}/2026/same-as-first`, Buffer.alloc(0)],
        ]);
        files.set(`${agencyId}/2026/same-as-first`, files.get(`${agencyId}/2025/AbC_-1`)!);
        for (const [k, v] of files) {
          mkdirSync(path.dirname(path.join(root, k)), { recursive: true });
          writeFileSync(path.join(root, k), v);
        }
        writeFileSync(path.join(root, `${agencyId}/2026/half-written.part`), "x");
        writeFileSync(path.join(root, "ghi chú.txt"), "not ours");
        const seen: [number, number][] = [];
        const r = await migrateDiskFiles({ root, store, onProgress: (d, n) => seen.push([d, n]) });
        expect(r.migrated).toBe(3);
        expect(r.skipped).toEqual(["ghi chú.txt"]);
        expect(seen.at(-1)).toEqual([4, 4]);
        for (const [k, v] of files) expect((await store.get(k))!.equals(v)).toBe(true);
        // Only what was not ours (or not finished) is left on disk.
        expect(existsSync(path.join(root, `${agencyId}/2025`))).toBe(false);
        expect(readdirSync(root).sort()).toEqual([String(agencyId), "ghi chú.txt"].sort());
        // A second run has nothing to do.
        expect((await migrateDiskFiles({ root, store })).migrated).toBe(0);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  });
}

describe("PostgreSQL file store: deduplication", () => {
  let t: TestDb;
  let store: PostgresFileStore;
  beforeAll(async () => {
    t = await createTestDb();
    store = new PostgresFileStore(t.db.pool);
  });
  afterAll(async () => t?.drop());

  const counts = async (data: Buffer) =>
    (
      await t.db.pool.query<{ contents: number; chunks: number }>(
        "select (select count(*) from file_contents where sha256 = $1)::int as contents, (select count(*) from file_chunks where sha256 = $1)::int as chunks",
        [createHash("sha256").update(data).digest()],
      )
    ).rows[0]!;

  it("keeps the same bytes once however many keys name them, and drops them with the last key", async () => {
    const data = bytes(CHUNK_BYTES * 2 + 1);
    await Promise.all(["d1", "d2", "d3"].map((k) => store.put(`1/2026/${k}`, data)));
    expect(await counts(data)).toEqual({ contents: 1, chunks: 3 });
    await store.copy("1/2026/d1", "1/2026/d4");
    expect(await counts(data)).toEqual({ contents: 1, chunks: 3 });
    await store.remove(["1/2026/d1", "1/2026/d2", "1/2026/d3"]);
    expect(await counts(data)).toEqual({ contents: 1, chunks: 3 });
    expect((await store.get("1/2026/d4"))!.equals(data)).toBe(true);
    await store.remove(["1/2026/d4"]);
    expect(await counts(data)).toEqual({ contents: 0, chunks: 0 });
  });

  it("drops the old bytes when a key is written again with others", async () => {
    const a = bytes(100);
    const b = bytes(100);
    await store.put("1/2026/over", a);
    await store.put("1/2026/over", b);
    expect(await counts(a)).toEqual({ contents: 0, chunks: 0 });
    expect(await counts(b)).toEqual({ contents: 1, chunks: 1 });
  });

  it("survives puts and removes of the same bytes racing each other", async () => {
    const data = bytes(2000);
    for (let round = 0; round < 5; round++) {
      await Promise.all([store.put(`1/2026/race-${round}-a`, data), store.remove([`1/2026/race-${round - 1}-a`, `1/2026/race-${round - 1}-b`]), store.put(`1/2026/race-${round}-b`, data)]);
      expect((await store.get(`1/2026/race-${round}-a`))!.equals(data)).toBe(true);
    }
  });
});
