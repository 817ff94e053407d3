import type { Tx } from "../../db/scope";
import type { SignageKind } from "../../domain/communications/schemas";
import type { CommunicationsSummary, ReportPeriod } from "../../domain/reports/contracts";
import { listAnnouncements } from "../catalog/service";
import { monthRange } from "../../domain/reports/months";
import { broadcastTotals } from "./radio";

const LOCAL_DAY = "(i.published_at at time zone 'Asia/Ho_Chi_Minh')::date";

/**
 * The communication figures of a period (inclusive local dates) that the six-monthly report
 * quotes. Items count when published in the period and still published; signage by place
 * lists what stood at any time in the period; broadcasts are the programme's slots.
 */
export async function communicationsSummary(tx: Tx, p: ReportPeriod): Promise<CommunicationsSummary> {
  if (p.from > p.to) throw new RangeError("period from is after to");
  const itemsByColumn = await tx.query<{ columnSlug: string; columnName: string; items: number }>(
    `select c.slug as "columnSlug", c.name as "columnName",
        (select count(*)::int from comm_items i where i.column_id = c.id and i.status = 'published' and ${LOCAL_DAY} between $2 and $3) as items
     from comm_columns c where c.agency_id = $1 order by c.sort_order, c.name`,
    [p.agencyId, p.from, p.to],
  );
  const announcements = await listAnnouncements(tx, { agencyId: p.agencyId, from: p.from, to: p.to, limit: 1000 });
  const count = (k: string) => announcements.filter((a) => a.kind === k).length;
  const broadcasts = await broadcastTotals(tx, p);
  const sig = await tx.one<{ installed: number; standing: number }>(
    `select coalesce(sum(quantity) filter (where installed_on between $2 and $3), 0)::int as installed,
        coalesce(sum(quantity) filter (where installed_on <= $3 and (removed_on is null or removed_on > $3)), 0)::int as standing
     from signage where agency_id = $1`,
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
    itemsTotal: itemsByColumn.reduce((s, c) => s + c.items, 0),
    procedureAnnouncements: { new: count("new"), amended: count("amended"), abolished: count("abolished"), total: announcements.length },
    broadcasts,
    signage: { installed: sig.installed, standing: sig.standing, byPlace },
    conferences: { count: conferences.length, attendees: conferences.reduce((s, c) => s + c.attendees, 0), items: conferences },
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
