import { readFileSync } from "node:fs";
import path from "node:path";
import type { Db } from "../../src/db/scope";
import { invalidateCatalogSearch } from "../../src/modules/catalog/search-cache";

/** The national portal's commune-level records (../shared/data), as the crawler stored them. */
export const RAW_XA_FILE = path.resolve(import.meta.dirname, "../../../shared/data/procedures/tthc-cap-xa.json");

export type RawRecord = Record<string, string>;

let raw: RawRecord[] | undefined;
export function rawCommuneRecords(): RawRecord[] {
  raw ??= JSON.parse(readFileSync(RAW_XA_FILE, "utf8")) as RawRecord[];
  return raw;
}

/**
 * Removes a procedure from a test database as if the province had never announced it, so that
 * its real record can be imported as a new procedure.
 */
export async function forgetProcedure(db: Db, code: string): Promise<void> {
  await db.system(async (tx) => {
    const p = await tx.one<{ id: number }>("select id from procedures where code = $1", [code]);
    for (const table of ["catalog_announcements", "agency_procedure_changes", "agency_procedures", "procedure_versions"]) {
      await tx.exec(`delete from ${table} where procedure_id = $1`, [p.id]);
    }
    await tx.exec("delete from procedures where id = $1", [p.id]);
  });
  invalidateCatalogSearch(db);
}
