// Biểu 06 (Thông tư 01/2020/TT-VPCP): dossiers received, resolved and in progress in a period, per
// field. Rules (docs/dossiers.md):
// - received: receipt (received_at) in the period; online vs in person / by post by channel;
//   carried over: received before the period and not finished (nor closed) before it started.
// - resolved: finished (result ready, or refused after receipt) in the period; early / on time /
//   late as classifyResolution (src/domain/dossiers/timeliness.ts) says (QĐ 766: the appointment
//   already has supplement time added back; more than one supplement request counts as late).
// - in progress at the end of the period: received by then, not finished nor closed by then;
//   overdue when its appointment is before the end of the period (or now, if earlier).
// Withdrawn dossiers count as received but never as resolved.
//
// The counting is one SQL function, dossier_statistics (migrations/0950_province.sql): a commune's
// report and its province's supervision page (issue 16) read the same figures from it, for one
// agency or a hundred.

import type { Tx } from "../../db/scope";
import type { DossierStatistics, DossierStatisticsRow } from "../../domain/reports/contracts";
import { listOfferedProcedures } from "../catalog/service";
import { visibleToAgency } from "./visibility";
import { addMonths, monthRange } from "../../domain/reports/months";

export const emptyStatisticsRow = (field: string): DossierStatisticsRow => ({
  field,
  received: { total: 0, online: 0, inPersonOrPost: 0, carriedOver: 0 },
  resolved: { total: 0, early: 0, onTime: 0, late: 0 },
  inProgress: { total: 0, withinTime: 0, overdue: 0 },
});

/** Start of a local (UTC+7) day as an instant. */
function localDayStart(iso: string): Date {
  return new Date(`${iso}T00:00:00+07:00`);
}

/** Adds one row's figures into another (totals, sums over communes). */
export function addStatisticsRow(into: DossierStatisticsRow, r: DossierStatisticsRow): DossierStatisticsRow {
  for (const group of ["received", "resolved", "inProgress"] as const) {
    const target = into[group] as Record<string, number>;
    for (const [k, v] of Object.entries(r[group])) target[k] = (target[k] ?? 0) + v;
  }
  return into;
}

export type AgencyDossierFigures = { rows: DossierStatisticsRow[]; totals: DossierStatisticsRow };

type Counted = {
  agency_id: number;
  field: string;
  received: number;
  online: number;
  in_person_or_post: number;
  carried_over: number;
  resolved: number;
  early: number;
  on_time: number;
  late: number;
  in_progress: number;
  within_time: number;
  overdue: number;
};

/**
 * Biểu 06 rows of several agencies at once, per agency: rows by field (sorted as the report prints
 * them) and the agency's totals. Agencies outside the caller's scope get nothing (an agency asked
 * for and absent from the map had no dossier, or is not the caller's). `field` keeps one field.
 */
export async function dossierStatisticsByAgency(
  tx: Tx,
  q: { agencyIds: readonly number[]; from: string; to: string; now?: Date; field?: string },
): Promise<Map<number, AgencyDossierFigures>> {
  const start = localDayStart(q.from);
  const end = new Date(localDayStart(q.to).getTime() + 86_400_000);
  const now = q.now ?? new Date();
  const cut = now.getTime() < end.getTime() ? now : end;
  const counted = await tx.query<Counted>(
    `select * from dossier_statistics($1::int[], $2, $3, $4) s where ($5::text is null or s.field = $5)`,
    [q.agencyIds, start, end, cut, q.field ?? null],
  );
  const out = new Map<number, AgencyDossierFigures>();
  for (const c of counted) {
    let a = out.get(c.agency_id);
    if (!a) {
      a = { rows: [], totals: emptyStatisticsRow("") };
      out.set(c.agency_id, a);
    }
    const row: DossierStatisticsRow = {
      field: c.field || "",
      received: { total: c.received, online: c.online, inPersonOrPost: c.in_person_or_post, carriedOver: c.carried_over },
      resolved: { total: c.resolved, early: c.early, onTime: c.on_time, late: c.late },
      inProgress: { total: c.in_progress, withinTime: c.within_time, overdue: c.overdue },
    };
    a.rows.push(row);
    addStatisticsRow(a.totals, row);
  }
  for (const a of out.values()) a.rows.sort((x, y) => x.field.localeCompare(y.field, "vi"));
  return out;
}

export async function dossierStatistics(tx: Tx, q: { agencyId: number; from: string; to: string; now?: Date }): Promise<DossierStatistics> {
  const figures = (await dossierStatisticsByAgency(tx, { agencyIds: [q.agencyId], from: q.from, to: q.to, ...(q.now ? { now: q.now } : {}) })).get(q.agencyId);
  const offered = await listOfferedProcedures(tx, { agencyId: q.agencyId, onlineOnly: true });
  return {
    period: { from: q.from, to: q.to },
    rows: figures?.rows ?? [],
    totals: figures?.totals ?? emptyStatisticsRow(""),
    onlineProcedures: {
      full: offered.filter((p) => p.onlineLevel === "full").length,
      partial: offered.filter((p) => p.onlineLevel === "partial").length,
    },
  };
}

/**
 * The dossiers behind each figure of Biểu 06, for drilling down from a number to the records. The
 * predicates restate dossier_statistics' rules (migrations/0950_province.sql) over the same
 * columns; test/integration/supervision.test.ts checks that every list has exactly as many
 * dossiers as its figure counts.
 */
export const STATISTICS_LISTS = {
  // received in the period, or carried over into it
  received: "true",
  // received in the period
  new: "d.received_at >= $2",
  online: "d.received_at >= $2 and d.channel = 'online'",
  resolved: "d.finished_at >= $2 and d.finished_at < $3",
  late: "d.finished_at >= $2 and d.finished_at < $3 and (d.supplement_count > 1 or d.finished_at > d.due_at)",
  open: "not coalesce(d.finished_at >= $2 and d.finished_at < $3, false) and (coalesce(d.finished_at, d.closed_at) is null or coalesce(d.finished_at, d.closed_at) >= $3)",
  overdue:
    "not coalesce(d.finished_at >= $2 and d.finished_at < $3, false) and (coalesce(d.finished_at, d.closed_at) is null or coalesce(d.finished_at, d.closed_at) >= $3) and d.due_at < $5::timestamptz",
} as const satisfies Record<string, string>;
export type StatisticsList = keyof typeof STATISTICS_LISTS;

export function isStatisticsList(v: unknown): v is StatisticsList {
  return typeof v === "string" && Object.hasOwn(STATISTICS_LISTS, v);
}

export type StatisticsDossier = {
  code: string;
  procedureName: string;
  field: string;
  applicantName: string;
  channel: string;
  status: string;
  receivedAt: Date | null;
  dueAt: Date | null;
  finishedAt: Date | null;
};

/**
 * One page of the dossiers behind a figure of an agency (held by it, as the figures count them),
 * selected through the dossier-visibility rule of `viewer` — the caller names the applicant as
 * the viewer may read it.
 */
export async function listStatisticsDossiers(
  tx: Tx,
  q: { agencyId: number; list: StatisticsList; from: string; to: string; field?: string; now?: Date; limit: number; offset: number },
): Promise<{ total: number; items: StatisticsDossier[] }> {
  const start = localDayStart(q.from);
  const end = new Date(localDayStart(q.to).getTime() + 86_400_000);
  const now = q.now ?? new Date();
  const cut = now.getTime() < end.getTime() ? now : end;
  const where = `d.agency_id = $1 and ${visibleToAgency("d", "$1")} and d.received_at is not null and d.received_at < $3
    and (d.received_at >= $2 or coalesce(d.finished_at, d.closed_at) is null or coalesce(d.finished_at, d.closed_at) >= $2)
    and ($4::text is null or d.procedure_field = $4) and (${STATISTICS_LISTS[q.list]})`;
  // $5, the cut-off of "overdue", only where a list compares with it (an unused parameter has no type).
  const values = [q.agencyId, start, end, q.field ?? null, ...(STATISTICS_LISTS[q.list].includes("$5") ? [cut] : [])];
  const total = (await tx.one<{ n: number }>(`select count(*)::int as n from dossiers d where ${where}`, values)).n;
  const rows = await tx.query<{ code: string; procedure_name: string; procedure_field: string; applicant_full_name: string; channel: string; status: string; received_at: Date | null; due_at: Date | null; finished_at: Date | null }>(
    `select d.code, d.procedure_name, d.procedure_field, d.applicant_full_name, d.channel, d.status, d.received_at, d.due_at, d.finished_at
     from dossiers d where ${where} order by d.received_at desc, d.id desc limit ${Math.min(200, Math.max(1, q.limit))} offset ${Math.max(0, q.offset)}`,
    values,
  );
  return {
    total,
    items: rows.map((r) => ({
      code: r.code,
      procedureName: r.procedure_name,
      field: r.procedure_field,
      applicantName: r.applicant_full_name,
      channel: r.channel,
      status: r.status,
      receivedAt: r.received_at,
      dueAt: r.due_at,
      finishedAt: r.finished_at,
    })),
  };
}

export type MonthStatistics = { month: string; totals: DossierStatisticsRow };

/**
 * Biểu 06's totals month by month ("YYYY-MM", local months, both ends included) for the charts,
 * each month counted by dossier_statistics like any period, so a month's figures are exactly what
 * the report of that month would say.
 */
export async function dossierStatisticsByMonth(tx: Tx, q: { agencyId: number; fromMonth: string; toMonth: string; now?: Date }): Promise<MonthStatistics[]> {
  const months = monthRange(q.fromMonth, q.toMonth);
  if (months.length === 0) throw new RangeError("month range is reversed");
  if (months.length > 120) throw new RangeError("month range is longer than ten years");
  const lastDay = (ym: string) => new Date(localDayStart(`${addMonths(ym, 1)}-01`).getTime() - 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 10);
  const out: MonthStatistics[] = [];
  for (const month of months) {
    const figures = await dossierStatisticsByAgency(tx, { agencyIds: [q.agencyId], from: `${month}-01`, to: lastDay(month), ...(q.now ? { now: q.now } : {}) });
    out.push({ month, totals: figures.get(q.agencyId)?.totals ?? emptyStatisticsRow("") });
  }
  return out;
}
