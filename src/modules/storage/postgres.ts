// Files in PostgreSQL (migration 1150): an object names a content by its SHA-256; a content is
// stored once in chunks however many objects name it, and removed with the last of them. One
// statement writes a file (content, chunks, object and its pending listing), so a put is one
// round trip; reading streams the chunks one at a time.

import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type pg from "pg";
import { type FileStore, isFileKey, type PutOptions, type StoredObject } from "./store";

/** 512 KB: a 10 MB scan is 20 rows; a chunk is read and sent before the next is fetched. */
export const CHUNK_BYTES = 512 * 1024;

type Queryable = Pick<pg.ClientBase, "query">;

function chunksOf(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += CHUNK_BYTES) out.push(data.subarray(i, i + CHUNK_BYTES));
  return out;
}

const PUT_SQL = `with old as (
    select sha256 from file_objects where key = $5
  ), c as (
    insert into file_contents (sha256, size, chunks) values ($1, $2, $3) on conflict (sha256) do nothing returning sha256
  ), ch as (
    insert into file_chunks (sha256, seq, data) select c.sha256, s.seq - 1, s.data from c, unnest($4::bytea[]) with ordinality as s(data, seq)
  ), o as (
    insert into file_objects as o (key, sha256, content_type) values ($5, $1, $6)
    on conflict (key) do update set sha256 = excluded.sha256, content_type = excluded.content_type, created_at = now()
  ), p as (
    insert into file_pending (key, agency_id) select $5, $7 where $7::int is not null on conflict (key) do nothing
  )
  select (select sha256 from old) as before`;

/**
 * Writes one object through `q` (a pooled client, or the restore's transaction). A content
 * removed by a concurrent delete between our conflict check and our reference fails the foreign
 * key (23503): written again once, it is then inserted anew.
 */
export async function putObject(q: Queryable, key: string, data: Buffer, opts: PutOptions = {}): Promise<StoredObject> {
  if (!isFileKey(key)) throw new Error(`invalid file key: ${key}`);
  const sha = createHash("sha256").update(data).digest();
  const chunks = chunksOf(data);
  const values = [sha, data.length, chunks.length, chunks, key, opts.contentType ?? null, opts.stagedFor ?? null];
  let r: pg.QueryResult<{ before: Buffer | null }>;
  try {
    r = await q.query(PUT_SQL, values);
  } catch (e) {
    if ((e as { code?: string }).code !== "23503") throw e;
    r = await q.query(PUT_SQL, values);
  }
  // An overwrite with other bytes leaves the old content unnamed.
  const before = r.rows[0]?.before;
  if (before && !before.equals(sha)) await dropUnnamed(q, [before]);
  return { key, size: data.length, sha256: sha.toString("hex") };
}

/**
 * Removes contents no object names. A put naming one of them at this moment makes the delete
 * fail its foreign key: then the content stays (it is named again), nothing else changes.
 */
const DROP_UNNAMED = "delete from file_contents c where c.sha256 = any($1::bytea[]) and not exists (select 1 from file_objects o where o.sha256 = c.sha256)";

async function dropUnnamed(q: Queryable, shas: readonly Buffer[]): Promise<void> {
  if (shas.length === 0) return;
  try {
    await q.query(DROP_UNNAMED, [shas]);
  } catch (e) {
    if ((e as { code?: string }).code !== "23503") throw e;
  }
}

export class PostgresFileStore implements FileStore {
  readonly kind = "postgres" as const;
  constructor(private readonly pool: pg.Pool) {}

  put(key: string, data: Buffer, opts?: PutOptions): Promise<StoredObject> {
    return putObject(this.pool, key, data, opts);
  }

  async head(key: string): Promise<StoredObject | undefined> {
    if (!isFileKey(key)) return undefined;
    const r = await this.pool.query<{ size: number; sha256: Buffer }>(
      "select c.size, c.sha256 from file_objects o join file_contents c on c.sha256 = o.sha256 where o.key = $1",
      [key],
    );
    const row = r.rows[0];
    return row ? { key, size: row.size, sha256: row.sha256.toString("hex") } : undefined;
  }

  async get(key: string): Promise<Buffer | undefined> {
    if (!isFileKey(key)) return undefined;
    const r = await this.pool.query<{ size: number; data: Buffer[] | null }>(
      `select c.size, (select array_agg(ch.data order by ch.seq) from file_chunks ch where ch.sha256 = c.sha256) as data
       from file_objects o join file_contents c on c.sha256 = o.sha256 where o.key = $1`,
      [key],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    return Buffer.concat(row.data ?? [], row.size);
  }

  async open(key: string): Promise<{ size: number; body: Readable } | undefined> {
    if (!isFileKey(key)) return undefined;
    const r = await this.pool.query<{ size: number; sha256: Buffer; chunks: number }>(
      "select c.size, c.sha256, c.chunks from file_objects o join file_contents c on c.sha256 = o.sha256 where o.key = $1",
      [key],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    const pool = this.pool;
    async function* chunks() {
      for (let seq = 0; seq < row!.chunks; seq++) {
        const c = await pool.query<{ data: Buffer }>("select data from file_chunks where sha256 = $1 and seq = $2", [row!.sha256, seq]);
        // The content went away while it was being sent: end the response short rather than hang.
        if (!c.rows[0]) throw new Error(`file ${key} removed while being read`);
        yield c.rows[0].data;
      }
    }
    return { size: row.size, body: Readable.from(chunks(), { objectMode: false }) };
  }

  async copy(from: string, to: string, opts: PutOptions = {}): Promise<StoredObject | undefined> {
    if (!isFileKey(from) || !isFileKey(to)) return undefined;
    const r = await this.pool.query<{ size: number; sha256: Buffer }>(
      `with o as (
         insert into file_objects (key, sha256, content_type) select $2, sha256, coalesce($3, content_type) from file_objects where key = $1
         on conflict (key) do update set sha256 = excluded.sha256, content_type = excluded.content_type returning sha256
       ), p as (
         insert into file_pending (key, agency_id) select $2, $4 from o where $4::int is not null on conflict (key) do nothing
       )
       select c.size, c.sha256 from o join file_contents c on c.sha256 = o.sha256`,
      [from, to, opts.contentType ?? null, opts.stagedFor ?? null],
    );
    const row = r.rows[0];
    return row ? { key: to, size: row.size, sha256: row.sha256.toString("hex") } : undefined;
  }

  async remove(keys: readonly string[]): Promise<void> {
    const valid = keys.filter(isFileKey);
    if (valid.length === 0) return;
    const client = await this.pool.connect();
    try {
      await client.query("begin");
      const gone = await client.query<{ sha256: Buffer }>("delete from file_objects where key = any($1::text[]) returning sha256", [valid]);
      await client.query("savepoint gc");
      try {
        await client.query(DROP_UNNAMED, [gone.rows.map((r) => r.sha256)]);
      } catch (e) {
        // A put naming the content again at this moment: it stays, the objects are still gone.
        if ((e as { code?: string }).code !== "23503") throw e;
        await client.query("rollback to savepoint gc");
      }
      await client.query("commit");
    } catch (e) {
      await client.query("rollback").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async *list(prefix = ""): AsyncIterable<StoredObject> {
    let after = "";
    for (;;) {
      const r = await this.pool.query<{ key: string; size: number; sha256: Buffer }>(
        `select o.key, c.size, c.sha256 from file_objects o join file_contents c on c.sha256 = o.sha256
         where o.key > $1 and starts_with(o.key, $2) order by o.key limit 500`,
        [after, prefix],
      );
      for (const row of r.rows) yield { key: row.key, size: row.size, sha256: row.sha256.toString("hex") };
      if (r.rows.length < 500) return;
      after = r.rows[r.rows.length - 1]!.key;
    }
  }

  async close(): Promise<void> {
    // The pool belongs to the application.
  }
}
