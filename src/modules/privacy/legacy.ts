// Rows written before ID numbers were sealed (migration 1000): sealed by the application at start,
// since the key is in its environment and never in the database. Idempotent and in small batches,
// so an installation with many dossiers starts serving after a few seconds more, once.

import type { Db } from "../../db/scope";
import { idLookupHash, isSealed, seal } from "./sealing";

const BATCH = 2000;

export async function sealLegacyRows(db: Db): Promise<{ dossiers: number; drafts: number; documents: number }> {
  let dossiers = 0;
  for (;;) {
    const rows = await db.system((tx) =>
      tx.query<{ id: number; v: string }>(
        "select id, applicant_id_number as v from dossiers where applicant_id_number <> '' and applicant_id_number not like 'v1.%' order by id limit $1",
        [BATCH],
      ),
    );
    if (rows.length === 0) break;
    await db.system((tx) =>
      tx.exec(
        `update dossiers d set applicant_id_number = x.sealed, applicant_id_hash = x.hash,
           search_text = fold(d.code || ' ' || d.applicant_full_name || ' ' || d.applicant_phone || ' ' || d.procedure_name)
         from unnest($1::int[], $2::text[], $3::text[]) as x(id, sealed, hash) where d.id = x.id`,
        [rows.map((r) => r.id), rows.map((r) => seal(r.v)), rows.map((r) => idLookupHash(r.v))],
      ),
    );
    dossiers += rows.length;
  }
  const drafts = await db.system(async (tx) => {
    const rows = await tx.query<{ id: number; v: string }>("select id, data->>'idNumber' as v from dossier_drafts where coalesce(data->>'idNumber', '') <> ''");
    let n = 0;
    for (const r of rows) {
      if (isSealed(r.v)) continue;
      await tx.exec("update dossier_drafts set data = jsonb_set(data, '{idNumber}', to_jsonb($2::text)) where id = $1", [r.id, seal(r.v)]);
      n++;
    }
    return n;
  });
  // The same numbers copied elsewhere: the applicant's document store and the receipts' payer.
  const documents = await db.system(async (tx) => {
    const rows = await tx.query<{ id: number; v: string }>("select id, id_number as v from applicant_documents where id_number not like 'v1.%'");
    for (const r of rows) await tx.exec("update applicant_documents set id_number = $2, id_hash = $3 where id = $1", [r.id, seal(r.v), idLookupHash(r.v)]);
    const receipts = await tx.query<{ id: number; v: string }>("select id, payer_id_number as v from receipts where coalesce(payer_id_number, '') <> '' and payer_id_number not like 'v1.%'");
    for (const r of receipts) await tx.exec("update receipts set payer_id_number = $2 where id = $1", [r.id, seal(r.v)]);
    for (const c of ["applicant_documents.applicant_documents_id_sealed", "receipts.receipts_payer_id_sealed"]) {
      const [table, name] = c.split(".") as [string, string];
      if (await tx.maybeOne("select 1 from pg_constraint where conname = $1 and not convalidated", [name])) await tx.exec(`alter table ${table} validate constraint ${name}`);
    }
    return rows.length + receipts.length;
  });
  // The check refuses plain numbers in new rows already; once none is left it holds for all.
  if (dossiers > 0 || (await db.system((tx) => tx.maybeOne("select 1 from pg_constraint where conname = 'dossiers_id_sealed' and not convalidated")))) {
    await db.system((tx) => tx.exec("alter table dossiers validate constraint dossiers_id_sealed"));
  }
  return { dossiers, drafts, documents };
}
