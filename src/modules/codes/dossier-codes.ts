// Dossier codes from the agency's pattern and a counter row per (agency, scope key). At the counter
// the number is taken inside the receipt's transaction: a rolled-back receipt rolls its number back
// too, so there are no gaps, and concurrent receipts of one agency queue on that row until commit.
// Online submissions take it in a transaction of its own instead (allocateDossierCode), so that
// many submissions to one commune do not wait for each other's commit.

import { type Db, prepared, type Scope, type Tx } from "../../db/scope";
import { formatDossierCode, sequenceScopeKey } from "../../domain/codes/dossier-code";
import { codePatternOf, officeFromStored } from "../calendar/service";

/** Local (UTC+7) calendar date of an instant: the receipt date a code shows. */
export function localDateOf(at: Date): { year: number; month: number; day: number } {
  const local = new Date(at.getTime() + 7 * 3600_000);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

/**
 * Next dossier code of an agency for a receipt at `at`, e.g. "000.00.25.H12-261128-0001". Must run
 * in the transaction that records the receipt. Throws NotFoundError for an unknown agency.
 */
export async function nextDossierCode(tx: Tx, input: { agencyId: number; at: Date }): Promise<string> {
  const agency = await tx.one<{ code: string; office: unknown }>(prepared("select code, office from agencies where id = $1"), [input.agencyId]);
  const pattern = codePatternOf(officeFromStored(agency.office));
  const date = localDateOf(input.at);
  const scopeKey = sequenceScopeKey(pattern, date);
  const row = await tx.one<{ last_seq: number }>(
    prepared(`insert into dossier_code_counters as counter (agency_id, scope_key, last_seq) values ($1, $2, 1)
     on conflict (agency_id, scope_key) do update set last_seq = counter.last_seq + 1, updated_at = now()
     returning last_seq`),
    [input.agencyId, scopeKey],
  );
  return formatDossierCode(pattern, { agencyCode: agency.code, date, seq: Number(row.last_seq) });
}

/** What numbering a code needs, read inside the caller's transaction (see allocateDossierCode). */
export type DossierCodeTerms = { agencyId: number; agencyCode: string; pattern: string; date: { year: number; month: number; day: number }; scopeKey: string };

export async function dossierCodeTerms(tx: Tx, input: { agencyId: number; at: Date }): Promise<DossierCodeTerms> {
  const agency = await tx.one<{ code: string; office: unknown }>(prepared("select code, office from agencies where id = $1"), [input.agencyId]);
  const pattern = codePatternOf(officeFromStored(agency.office));
  const date = localDateOf(input.at);
  return { agencyId: input.agencyId, agencyCode: agency.code, pattern, date, scopeKey: sequenceScopeKey(pattern, date) };
}

/**
 * Takes the next numbers in ONE round trip — begin, scope, the increments, commit sent together —
 * and commits without waiting for the WAL flush, so each counter row is locked only while the
 * server runs that script, not while the application schedules its next statement. Safe: the
 * counter's commit record precedes, in the WAL, that of any dossier stored under its codes
 * afterwards, so a durable dossier implies a durable counter. A code is skipped (never reused)
 * when the dossier's own transaction then fails or the server stops in between. Returns, per
 * request, `count` consecutive codes.
 */
export async function allocateDossierCodes(db: Db, input: { scope: Scope; requests: readonly { terms: DossierCodeTerms; count: number }[] }): Promise<string[][]> {
  if (input.requests.length === 0) return [];
  const statements = input.requests.map(({ terms, count }) => {
    if (!Number.isSafeInteger(terms.agencyId) || !Number.isSafeInteger(count) || count < 1 || !/^[0-9A-Za-z-]{1,20}$/.test(terms.scopeKey)) {
      throw new Error(`bad counter request ${terms.agencyId}/${terms.scopeKey}/${count}`);
    }
    return `insert into dossier_code_counters as counter (agency_id, scope_key, last_seq) values (${terms.agencyId}, '${terms.scopeKey}', ${count})
     on conflict (agency_id, scope_key) do update set last_seq = counter.last_seq + ${count}, updated_at = now()
     returning last_seq`;
  });
  const results = await db.scopedScript(input.scope, `set local synchronous_commit = off; ${statements.join("; ")}`);
  return input.requests.map(({ terms, count }, i) => {
    const row = results[i + 1]?.rows[0] as { last_seq: number } | undefined;
    if (!row) throw new Error("dossier code counter returned no row");
    const last = Number(row.last_seq);
    return Array.from({ length: count }, (_, j) => formatDossierCode(terms.pattern, { agencyCode: terms.agencyCode, date: terms.date, seq: last - count + 1 + j }));
  });
}
