// Retention and anonymisation. A closed dossier keeps its applicant's personal data for the
// retention period of its procedure field (settings, src/domain/privacy/rules.ts defaults); then
// the daily job removes it: name, ID number, phone, e-mail, address, form fields, the text of
// notes, the stored files and the messages sent about it. What the statistics read stays — the
// procedure, field, channel, statuses, dates, supplement count — so every report of the past
// gives the same numbers afterwards. An accepted deletion request uses the same function.

import type { Db, Tx } from "../../db/scope";
import { anonymiseAfter, type RetentionRule, retentionFor } from "../../domain/privacy/rules";
import { registerJob } from "../../jobs/queue";
import { type AuditEntry, appendAuditBatch } from "../audit/audit";
import { removeStoredFiles } from "../storage/storage";

export async function retentionSettings(tx: Tx, agencyId: number): Promise<(Pick<RetentionRule, "field" | "years"> & { basis: string; updatedAt: Date })[]> {
  return tx.query("select field, years, basis, updated_at as \"updatedAt\" from privacy_retention where agency_id = $1 order by field", [agencyId]);
}

/**
 * Removes the personal data of the given dossiers of one agency, in the caller's system
 * transaction (notes and events are not the application role's to change). Returns the stored
 * files to delete once the transaction has committed.
 */
export async function anonymiseInTx(
  tx: Tx,
  q: { agencyId: number; dossierIds: readonly number[]; why: "retention" | "request"; actor: { userId: number | null; label: string } },
): Promise<{ codes: string[]; files: string[] }> {
  if (q.dossierIds.length === 0) return { codes: [], files: [] };
  const rows = await tx.query<{ id: number; code: string }>(
    `update dossiers d set applicant_full_name = '', applicant_id_number = '', applicant_id_hash = null, applicant_phone = '', applicant_email = null,
       applicant_address = '{}'::jsonb, fields = '{}'::jsonb, request_hash = null, search_text = fold(d.code || ' ' || d.procedure_name), anonymised_at = now()
     where d.agency_id = $1 and d.id = any($2::int[]) and d.anonymised_at is null
     returning d.id, d.code`,
    [q.agencyId, q.dossierIds],
  );
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return { codes: [], files: [] };
  // Notes may quote the applicant; the steps themselves (who, when, which status) stay for Mẫu 05 and the statistics.
  await tx.exec("update dossier_events set note = null, data = data - 'reasons' - 'reason' where dossier_id = any($1::int[]) and (note is not null or data ? 'reasons' or data ? 'reason')", [ids]);
  await tx.exec("update dossier_pauses set reasons = '' where dossier_id = any($1::int[])", [ids]);
  const files = await tx.query<{ storage_path: string }>("select storage_path from dossier_attachments where dossier_id = any($1::int[]) and storage_path <> ''", [ids]);
  // The papers are gone; the list of what was submitted (its names, sizes) stays.
  await tx.exec("update dossier_attachments set file_name = '', storage_path = '' where dossier_id = any($1::int[])", [ids]);
  await tx.exec("update notification_outbox set recipient = '', body = '', subject = '' where dossier_id = any($1::int[])", [ids]);
  await tx.exec("update privacy_requests set requested = '{}'::jsonb where dossier_id = any($1::int[])", [ids]);
  const retention = q.why === "retention";
  await appendAuditBatch(
    tx,
    rows.map(
      (r): AuditEntry => ({
        agencyId: q.agencyId,
        actorUserId: q.actor.userId,
        actor: q.actor.label,
        action: retention ? "privacy.anonymise" : "privacy.request.delete",
        entity: "dossier",
        entityId: r.code,
        data: { why: q.why },
      }),
    ),
  );
  return { codes: rows.map((r) => r.code), files: files.map((f) => f.storage_path) };
}

/** Removes the stored files of anonymised dossiers that nothing else names (the applicant's document store may keep a scan). */
export async function removeFiles(db: Db, storagePaths: readonly string[]): Promise<void> {
  await removeStoredFiles(db, storagePaths);
}

export type RetentionRun = { agencyId: number; anonymised: number };

/** The daily job: every agency's closed dossiers past their field's retention period. */
export async function runRetention(db: Db, opts: { now?: Date; agencyIds?: readonly number[]; batch?: number } = {}): Promise<RetentionRun[]> {
  const now = opts.now ?? new Date();
  const agencies = opts.agencyIds
    ? [...opts.agencyIds]
    : (await db.system((tx) => tx.query<{ agency_id: number }>("select distinct agency_id from dossiers where closed_at is not null and anonymised_at is null"))).map((r) => r.agency_id);
  const out: RetentionRun[] = [];
  for (const agencyId of agencies) {
    const settings = await db.system((tx) => retentionSettings(tx, agencyId));
    let anonymised = 0;
    let after = 0;
    for (;;) {
      const candidates = await db.system((tx) =>
        tx.query<{ id: number; field: string; closed_at: Date }>(
          `select id, procedure_field as field, closed_at from dossiers
           where agency_id = $1 and closed_at is not null and anonymised_at is null and id > $2 order by id limit $3`,
          [agencyId, after, opts.batch ?? 1000],
        ),
      );
      if (candidates.length === 0) break;
      after = candidates[candidates.length - 1]!.id;
      const due = candidates.filter((c) => {
        const until = anonymiseAfter(c.closed_at, retentionFor(c.field, settings).years);
        return until !== null && until.getTime() <= now.getTime();
      });
      if (due.length === 0) continue;
      const r = await db.system((tx) => anonymiseInTx(tx, { agencyId, dossierIds: due.map((c) => c.id), why: "retention", actor: { userId: null, label: "system" } }));
      await removeFiles(db, r.files);
      anonymised += r.codes.length;
    }
    out.push({ agencyId, anonymised });
  }
  return out;
}

registerJob({
  name: "privacy.retention",
  cron: "45 2 * * *",
  run: async ({ db }) => {
    await runRetention(db);
  },
});
