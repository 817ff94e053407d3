import type { Db } from "../../src/db/scope";

/** Stored files that no row names, or still waiting for their transaction: what a refused upload must not leave. */
export async function unrecordedFiles(db: Db): Promise<string[]> {
  const r = await db.pool.query<{ key: string }>(
    "select key from file_objects where cardinality(file_keys_in_use(array[key])) = 0 union select key from file_pending order by 1",
  );
  return r.rows.map((x) => x.key);
}
