// The province's supervision workspace (issue 16): one row per commune with the figures that
// matter, each from the query the commune's own pages and reports read — dossier_statistics
// (Biểu 06), the catalog and communication totals, plan tasks overdue, the reporting calendar.
import type { Tx } from "../../db/scope";
import { vnToday } from "../../domain/documents/numbering";
import { addStatisticsRow, dossierStatisticsByAgency, emptyStatisticsRow } from "../dossiers/statistics";
import { attentionReasons, type AttentionReason, type CommuneFigures } from "../../domain/supervision/figures";
import { catalogSummaries } from "../catalog/summary";
import { communicationTotals } from "../communications/summary";
import { overdueTaskCounts } from "../plans/plans";
import { communesOf, obligations } from "../reports/calendar";

export type Province = { id: number; code: string; name: string; unitName: string };

export type SupervisionRow = CommuneFigures & { attention: AttentionReason[] };

export type Supervision = {
  province: Province;
  period: { from: string; to: string };
  field: string | null;
  rows: SupervisionRow[];
  totals: CommuneFigures;
};

/** The province whose communes a caller supervises: the one named (in scope), else the caller's own when it is a province. */
export async function findProvince(tx: Tx, q: { code?: string | undefined; fallbackId: number }): Promise<{ province: Province; inScope: boolean } | undefined> {
  const r = q.code
    ? await tx.maybeOne<{ id: number; code: string; name: string; unit_name: string; kind: string; in_scope: boolean }>(
        "select id, code, name, unit_name, kind, app_in_scope(id) as in_scope from agencies where (code = $1 or gso_code = $1) and kind = 'province' limit 1",
        [q.code],
      )
    : await tx.maybeOne<{ id: number; code: string; name: string; unit_name: string; kind: string; in_scope: boolean }>(
        "select id, code, name, unit_name, kind, app_in_scope(id) as in_scope from agencies where id = $1 and kind = 'province'",
        [q.fallbackId],
      );
  return r ? { province: { id: r.id, code: r.code, name: r.name, unitName: r.unit_name }, inScope: r.in_scope } : undefined;
}

/** Fields (lĩnh vực) of the catalog, for the filter. */
export async function catalogFields(tx: Tx): Promise<string[]> {
  return (await tx.query<{ field: string }>("select distinct field from procedures where field <> '' order by field")).map((r) => r.field);
}

export async function supervise(
  tx: Tx,
  q: { province: Province; from: string; to: string; field?: string | undefined; communeIds?: readonly number[]; today?: string; now?: Date },
): Promise<Supervision> {
  const today = q.today ?? vnToday();
  const all = await communesOf(tx, q.province.id);
  const communes = q.communeIds ? all.filter((c) => q.communeIds!.includes(c.id)) : all;
  const ids = communes.map((c) => c.id);
  const until = [q.to, today].sort()[0]!;
  const dossiers = await dossierStatisticsByAgency(tx, { agencyIds: ids, from: q.from, to: q.to, ...(q.now ? { now: q.now } : {}), ...(q.field ? { field: q.field } : {}) });
  const catalog = await catalogSummaries(tx, { agencyIds: ids, to: until, field: q.field });
  const comms = await communicationTotals(tx, { agencyIds: ids, from: q.from, to: until });
  const tasks = await overdueTaskCounts(tx, { agencyIds: ids, today });
  const owed = await obligations(tx, { provinceId: q.province.id, communes, from: q.from, to: until, today });
  const reports = new Map<number, CommuneFigures["reports"]>();
  for (const o of owed) {
    const r = reports.get(o.communeId) ?? { due: 0, received: 0, late: 0, missing: 0 };
    r.due++;
    if (o.status === "sent" || o.status === "late") r.received++;
    if (o.status === "late") r.late++;
    if (o.status === "missing") r.missing++;
    reports.set(o.communeId, r);
  }
  const rows: SupervisionRow[] = communes.map((c) => {
    const cat = catalog.get(c.id);
    const cm = comms.get(c.id)!;
    const f: CommuneFigures = {
      agencyId: c.id,
      code: c.code,
      gso: c.gso,
      unitName: c.unitName,
      dossiers: dossiers.get(c.id)?.totals ?? emptyStatisticsRow(""),
      procedures: { published: cat?.proceduresPublished ?? 0, onlineFull: cat?.onlineFull ?? 0, onlinePartial: cat?.onlinePartial ?? 0 },
      communications: { items: cm.items, broadcasts: cm.broadcasts.count, conferences: cm.conferences.count, signage: cm.signage.installed },
      tasksOverdue: tasks.get(c.id) ?? 0,
      reports: reports.get(c.id) ?? { due: 0, received: 0, late: 0, missing: 0 },
    };
    return { ...f, attention: attentionReasons(f) };
  });
  const totals: CommuneFigures = {
    agencyId: q.province.id,
    code: q.province.code,
    unitName: q.province.unitName,
    dossiers: rows.reduce((t, r) => addStatisticsRow(t, r.dossiers), emptyStatisticsRow("")),
    procedures: rows.reduce((t, r) => ({ published: t.published + r.procedures.published, onlineFull: t.onlineFull + r.procedures.onlineFull, onlinePartial: t.onlinePartial + r.procedures.onlinePartial }), { published: 0, onlineFull: 0, onlinePartial: 0 }),
    communications: rows.reduce(
      (t, r) => ({ items: t.items + r.communications.items, broadcasts: t.broadcasts + r.communications.broadcasts, conferences: t.conferences + r.communications.conferences, signage: t.signage + r.communications.signage }),
      { items: 0, broadcasts: 0, conferences: 0, signage: 0 },
    ),
    tasksOverdue: rows.reduce((t, r) => t + r.tasksOverdue, 0),
    reports: rows.reduce((t, r) => ({ due: t.due + r.reports.due, received: t.received + r.reports.received, late: t.late + r.reports.late, missing: t.missing + r.reports.missing }), { due: 0, received: 0, late: 0, missing: 0 }),
  };
  return { province: q.province, period: { from: q.from, to: q.to }, field: q.field ?? null, rows, totals };
}
