// Catalog figures for the six-monthly report (contract: src/domain/reports/contracts.ts).
import type { Tx } from "../../db/scope";
import type { CatalogSummary, ReportPeriod } from "../../domain/reports/contracts";

/**
 * Procedures the agency offers and has published, as of the end of the period: in force by
 * `to` (a version effective on or before it) and not abolished by then. What the agency offers
 * (its own decisions, else a commune's default: agency_offering) is taken as it is now.
 */
export async function catalogSummary(tx: Tx, period: ReportPeriod): Promise<CatalogSummary> {
  const rows = await tx.query<{ field: string; count: number; full: number; partial: number }>(
    `select p.field, count(*)::int as count,
            count(*) filter (where ao.online_level = 'full')::int as full,
            count(*) filter (where ao.online_level = 'partial')::int as partial
     from procedures p join agency_offering($1) ao on ao.procedure_id = p.id
     where ao.enabled and ao.published
       and (p.abolished_on is null or p.abolished_on > $2::date)
       and exists (select 1 from procedure_versions pv where pv.procedure_id = p.id and pv.effective_from <= $2::date)
     group by p.field order by count(*) desc, p.field`,
    [period.agencyId, period.to],
  );
  return {
    proceduresPublished: rows.reduce((n, r) => n + r.count, 0),
    byField: rows.map((r) => ({ field: r.field, count: r.count })),
    onlineFull: rows.reduce((n, r) => n + r.full, 0),
    onlinePartial: rows.reduce((n, r) => n + r.partial, 0),
  };
}
