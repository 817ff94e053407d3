import type { Tx } from "../../db/scope";
import type { SignageKind } from "../../domain/communications/schemas";
import type { CommunicationsSummary, ReportPeriod } from "../../domain/reports/contracts";
import { monthRange } from "../../domain/reports/months";

const LOCAL_DAY = "(i.published_at at time zone 'Asia/Ho_Chi_Minh')::date";

/** The headline communication figures of a period for one agency. */
export type CommunicationTotals = {
  items: number;
  announcements: { new: number; amended: number; abolished: number; total: number };
  broadcasts: { count: number; minutes: number };
  signage: { installed: number; standing: number };
  conferences: { count: number; attendees: number };
};

export const emptyCommunicationTotals = (): CommunicationTotals => ({
  items: 0,
  announcements: { new: 0, amended: 0, abolished: 0, total: 0 },
  broadcasts: { count: 0, minutes: 0 },
  signage: { installed: 0, standing: 0 },
  conferences: { count: 0, attendees: 0 },
});

/**
 * The headline figures of several agencies at once (inclusive local dates): what the six-monthly
 * report quotes and what the province's supervision page shows (issue 16), from the same queries.
 * Items count when published in the period and still published; announcements when published in
 * it; broadcasts are the programme's slots; signage installed in the period and standing at its
 * end; conferences held in it.
 */
export async function communicationTotals(tx: Tx, p: { agencyIds: readonly number[]; from: string; to: string }): Promise<Map<number, CommunicationTotals>> {
  if (p.from > p.to) throw new RangeError("period from is after to");
  const out = new Map<number, CommunicationTotals>(p.agencyIds.map((id) => [id, emptyCommunicationTotals()]));
  const of = (id: number) => out.get(id)!;
  const ids = [...p.agencyIds];
  for (const r of await tx.query<{ agency_id: number; n: number }>(
    `select c.agency_id, count(*)::int as n from comm_columns c join comm_items i on i.column_id = c.id
     where c.agency_id = any($1) and i.status = 'published' and ${LOCAL_DAY} between $2 and $3 group by c.agency_id`,
    [ids, p.from, p.to],
  ))
    of(r.agency_id).items = r.n;
  for (const r of await tx.query<{ agency_id: number; kind: "new" | "amended" | "abolished"; n: number }>(
    `select agency_id, kind, count(*)::int as n from catalog_announcements
     where agency_id = any($1) and published_at >= ($2::date)::timestamp at time zone 'Asia/Ho_Chi_Minh'
       and published_at < ($3::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh'
     group by agency_id, kind`,
    [ids, p.from, p.to],
  )) {
    const a = of(r.agency_id).announcements;
    if (r.kind in a) a[r.kind] += r.n;
    a.total += r.n;
  }
  for (const r of await tx.query<{ agency_id: number; count: number; minutes: number }>(
    "select agency_id, count(*)::int as count, coalesce(sum(duration_minutes), 0)::int as minutes from radio_slots where agency_id = any($1) and date between $2 and $3 group by agency_id",
    [ids, p.from, p.to],
  ))
    of(r.agency_id).broadcasts = { count: r.count, minutes: r.minutes };
  for (const r of await tx.query<{ agency_id: number; installed: number; standing: number }>(
    `select agency_id, coalesce(sum(quantity) filter (where installed_on between $2 and $3), 0)::int as installed,
        coalesce(sum(quantity) filter (where installed_on <= $3 and (removed_on is null or removed_on > $3)), 0)::int as standing
     from signage where agency_id = any($1) group by agency_id`,
    [ids, p.from, p.to],
  ))
    of(r.agency_id).signage = { installed: r.installed, standing: r.standing };
  for (const r of await tx.query<{ agency_id: number; count: number; attendees: number }>(
    "select agency_id, count(*)::int as count, coalesce(sum(attendees), 0)::int as attendees from conferences where agency_id = any($1) and date between $2 and $3 group by agency_id",
    [ids, p.from, p.to],
  ))
    of(r.agency_id).conferences = { count: r.count, attendees: r.attendees };
  return out;
}

/**
 * The communication figures of a period (inclusive local dates) that the six-monthly report
 * quotes: the totals above, with the lists behind them (items by column, signage by place — what
 * stood at any time in the period —, the conferences).
 */
export async function communicationsSummary(tx: Tx, p: ReportPeriod): Promise<CommunicationsSummary> {
  if (p.from > p.to) throw new RangeError("period from is after to");
  const totals = (await communicationTotals(tx, { agencyIds: [p.agencyId], from: p.from, to: p.to })).get(p.agencyId)!;
  const itemsByColumn = await tx.query<{ columnSlug: string; columnName: string; items: number }>(
    `select c.slug as "columnSlug", c.name as "columnName",
        (select count(*)::int from comm_items i where i.column_id = c.id and i.status = 'published' and ${LOCAL_DAY} between $2 and $3) as items
     from comm_columns c where c.agency_id = $1 order by c.sort_order, c.name`,
    [p.agencyId, p.from, p.to],
  );
  const byPlace = await tx.query<{ place: string; kinds: SignageKind[]; count: number }>(
    `select place, array_agg(distinct kind order by kind) as kinds, sum(quantity)::int as count
     from signage where agency_id = $1 and installed_on <= $3 and (removed_on is null or removed_on >= $2)
     group by place order by place`,
    [p.agencyId, p.from, p.to],
  );
  const conferences = await tx.query<{ date: string; topic: string; attendees: number }>(
    "select to_char(date, 'YYYY-MM-DD') as date, topic, attendees from conferences where agency_id = $1 and date between $2 and $3 order by date, id",
    [p.agencyId, p.from, p.to],
  );
  return {
    period: { from: p.from, to: p.to },
    itemsByColumn,
    itemsTotal: totals.items,
    procedureAnnouncements: totals.announcements,
    broadcasts: totals.broadcasts,
    signage: { ...totals.signage, byPlace },
    conferences: { ...totals.conferences, items: conferences },
  };
}

export type CommunicationsMonth = { month: string; items: number; broadcasts: number; signageInstalled: number; conferences: number };

/**
 * The period's activities month by month ("YYYY-MM"; the first and last months cut at the
 * period's ends), counted as communicationsSummary counts them, so the months add up to its
 * totals: items published, broadcast slots, signage installed, conferences held.
 */
export async function communicationsByMonth(tx: Tx, p: ReportPeriod): Promise<CommunicationsMonth[]> {
  if (p.from > p.to) throw new RangeError("period from is after to");
  const rows = await tx.query<{ month: string; kind: "items" | "broadcasts" | "signageInstalled" | "conferences"; n: number }>(
    `select to_char(${LOCAL_DAY}, 'YYYY-MM') as month, 'items' as kind, count(*)::int as n
       from comm_items i join comm_columns c on c.id = i.column_id
       where c.agency_id = $1 and i.status = 'published' and ${LOCAL_DAY} between $2 and $3 group by 1
     union all
     select to_char(date, 'YYYY-MM'), 'broadcasts', count(*)::int from radio_slots where agency_id = $1 and date between $2 and $3 group by 1
     union all
     select to_char(installed_on, 'YYYY-MM'), 'signageInstalled', sum(quantity)::int from signage where agency_id = $1 and installed_on between $2 and $3 group by 1
     union all
     select to_char(date, 'YYYY-MM'), 'conferences', count(*)::int from conferences where agency_id = $1 and date between $2 and $3 group by 1`,
    [p.agencyId, p.from, p.to],
  );
  const byMonth = new Map(monthRange(p.from.slice(0, 7), p.to.slice(0, 7)).map((month) => [month, { month, items: 0, broadcasts: 0, signageInstalled: 0, conferences: 0 }]));
  for (const r of rows) {
    const m = byMonth.get(r.month);
    if (m) m[r.kind] += r.n;
  }
  return [...byMonth.values()];
}
