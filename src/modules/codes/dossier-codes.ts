// Dossier codes from the agency's pattern and a counter row per (agency, scope key). The counter is
// incremented inside the caller's (receipt's) transaction: a rolled-back receipt rolls its number
// back too, so there are no gaps, and concurrent receipts of one agency queue on that row.

import type { Tx } from "../../db/scope";
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
  const agency = await tx.one<{ code: string; office: unknown }>("select code, office from agencies where id = $1", [input.agencyId]);
  const pattern = codePatternOf(officeFromStored(agency.office));
  const date = localDateOf(input.at);
  const scopeKey = sequenceScopeKey(pattern, date);
  const row = await tx.one<{ last_seq: number }>(
    `insert into dossier_code_counters as counter (agency_id, scope_key, last_seq) values ($1, $2, 1)
     on conflict (agency_id, scope_key) do update set last_seq = counter.last_seq + 1, updated_at = now()
     returning last_seq`,
    [input.agencyId, scopeKey],
  );
  return formatDossierCode(pattern, { agencyCode: agency.code, date, seq: Number(row.last_seq) });
}
