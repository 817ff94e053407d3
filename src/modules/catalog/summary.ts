// Catalog figures for the six-monthly report (contract: src/domain/reports/contracts.ts), and for
// the province's supervision page, from the same query (issue 16).
import type { Tx } from "../../db/scope";
import type { CatalogSummary, ReportPeriod } from "../../domain/reports/contracts";

/**
 * Procedures each agency offers and has published, as of `to`: in force by then (a version
 * effective on or before it) and not abolished by then. What an agency offers (its own
 * decisions, else a commune's default: agency_offering) is taken as it is now. Agencies with
 * nothing published are absent from the map.
 */
export async function catalogSummaries(tx: Tx, q: { agencyIds: readonly number[]; to: string; field?: string | undefined }): Promise<Map<number, CatalogSummary>> {
  const rows = await tx.query<{ agency_id: number; field: string; count: number; full: number; partial: number }>(
    `select a.id as agency_id, p.field, count(*)::int as count,
            count(*) filter (where ao.online_level = 'full')::int as full,
            count(*) filter (where ao.online_level = 'partial')::int as partial
     from unnest($1::int[]) as a(id)
     cross join lateral agency_offering(a.id) ao
     join procedures p on p.id = ao.procedure_id
     where ao.enabled and ao.published
       and (p.abolished_on is null or p.abolished_on > $2::date)
       and exists (select 1 from procedure_versions pv where pv.procedure_id = p.id and pv.effective_from <= $2::date)
       and ($3::text is null or p.field = $3)
     group by a.id, p.field order by a.id, count(*) desc, p.field`,
    [q.agencyIds, q.to, q.field ?? null],
  );
  const out = new Map<number, CatalogSummary>();
  for (const r of rows) {
    let s = out.get(r.agency_id);
    if (!s) {
      s = { proceduresPublished: 0, byField: [], onlineFull: 0, onlinePartial: 0 };
      out.set(r.agency_id, s);
    }
    s.proceduresPublished += r.count;
    s.byField.push({ field: r.field, count: r.count });
    s.onlineFull += r.full;
    s.onlinePartial += r.partial;
  }
  return out;
}

export async function catalogSummary(tx: Tx, period: ReportPeriod): Promise<CatalogSummary> {
  return (await catalogSummaries(tx, { agencyIds: [period.agencyId], to: period.to })).get(period.agencyId) ?? { proceduresPublished: 0, byField: [], onlineFull: 0, onlinePartial: 0 };
}
