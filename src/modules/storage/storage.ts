// Which store a database's files go to, removal of files no row names, and the sweep of files
// whose recording transaction never committed.

import type { Config } from "../../config";
import type { Db } from "../../db/scope";
import { registerJob } from "../../jobs/queue";
import { PostgresFileStore } from "./postgres";
import { S3FileStore } from "./s3";
import { type FileStore, isFileKey } from "./store";

const stores = new WeakMap<Db, FileStore>();

/** The store of this database's files: the one configured at start, else PostgreSQL itself. */
export function fileStore(db: Db): FileStore {
  let s = stores.get(db);
  if (!s) {
    s = new PostgresFileStore(db.pool);
    stores.set(db, s);
  }
  return s;
}

export function configureFileStore(db: Db, store: FileStore): void {
  stores.set(db, store);
}

/** The store the configuration names (STORAGE, S3_*), for this database. */
export function storeFromConfig(config: Pick<Config, "storage" | "s3">, db: Db): FileStore {
  if (config.storage === "s3") {
    if (!config.s3) throw new Error("STORAGE=s3 needs S3_BUCKET (and S3_ENDPOINT for MinIO/Ceph)");
    return new S3FileStore(config.s3, db.pool);
  }
  return new PostgresFileStore(db.pool);
}

/** Sets the configured store for `db` once (buildApp and the runtime both call it). */
export function useConfiguredStore(config: Pick<Config, "storage" | "s3">, db: Db): FileStore {
  const current = stores.get(db);
  if (current && current.kind === config.storage) return current;
  const s = storeFromConfig(config, db);
  stores.set(db, s);
  return s;
}

/**
 * Removes stored files that no row names any more (a scan can be named by a dossier and by the
 * applicant's document store at once), with their pending listings. Call after the transaction
 * that dropped the rows has committed.
 */
export async function removeStoredFiles(db: Db, keys: readonly string[]): Promise<number> {
  const wanted = [...new Set(keys.filter(isFileKey))];
  if (wanted.length === 0) return 0;
  const inUse = new Set((await db.pool.query<{ k: string[] }>("select file_keys_in_use($1::text[]) as k", [wanted])).rows[0]!.k);
  const gone = wanted.filter((k) => !inUse.has(k));
  if (gone.length === 0) return 0;
  await fileStore(db).remove(gone);
  await db.pool.query("delete from file_pending where key = any($1::text[])", [gone]);
  return gone.length;
}

/** How long a staged file may wait for its transaction: far beyond any request. */
export const PENDING_GRACE_MINUTES = 60;

/** Removes files staged more than the grace period ago whose transaction never recorded them. */
export async function sweepPendingFiles(db: Db, o: { olderThanMinutes?: number; batch?: number } = {}): Promise<number> {
  let removed = 0;
  for (;;) {
    const rows = await db.pool.query<{ key: string }>(
      "select key from file_pending where staged_at < now() - make_interval(mins => $1) order by staged_at limit $2",
      [o.olderThanMinutes ?? PENDING_GRACE_MINUTES, o.batch ?? 500],
    );
    if (rows.rows.length === 0) return removed;
    const keys = rows.rows.map((r) => r.key);
    const inUse = new Set((await db.pool.query<{ k: string[] }>("select file_keys_in_use($1::text[]) as k", [keys])).rows[0]!.k);
    const orphans = keys.filter((k) => !inUse.has(k));
    await fileStore(db).remove(orphans);
    await db.pool.query("delete from file_pending where key = any($1::text[])", [keys]);
    removed += orphans.length;
    if (rows.rows.length < (o.batch ?? 500)) return removed;
  }
}

registerJob({
  name: "storage.pending-sweep",
  cron: "*/15 * * * *",
  run: async ({ db }) => {
    await sweepPendingFiles(db);
  },
});

/** The stored file's bytes; throws when the store has none under the key. */
export async function getStoredFile(db: Db, key: string): Promise<Buffer> {
  const data = await fileStore(db).get(key);
  if (!data) throw new Error(`stored file missing: ${key}`);
  return data;
}
