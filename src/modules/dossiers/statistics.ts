// Biểu 06 (Thông tư 01/2020/TT-VPCP): dossiers received, resolved and in progress in a period, per
// field. Rules (docs/dossiers.md):
// - received: receipt (received_at) in the period; online vs in person / by post by channel;
//   carried over: received before the period and not finished (nor closed) before it started.
// - resolved: finished (result ready, or refused after receipt) in the period; early / on time /
//   late by classifyResolution (QĐ 766: the appointment already has supplement time added back;
//   more than one supplement request counts as late).
// - in progress at the end of the period: received by then, not finished nor closed by then;
//   overdue when its appointment is before the end of the period (or now, if earlier).
// Withdrawn dossiers count as received but never as resolved.

import type { Tx } from "../../db/scope";
import type { DossierStatistics, DossierStatisticsRow } from "../../domain/reports/contracts";
import { addMonths, monthRange } from "../../domain/reports/months";
import { classifyResolution } from "../../domain/dossiers/timeliness";
import { listOfferedProcedures } from "../catalog/service";

const emptyRow = (field: string): DossierStatisticsRow => ({
  field,
  received: { total: 0, online: 0, inPersonOrPost: 0, carriedOver: 0 },
  resolved: { total: 0, early: 0, onTime: 0, late: 0 },
  inProgress: { total: 0, withinTime: 0, overdue: 0 },
});

/** Start of a local (UTC+7) day as an instant. */
function localDayStart(iso: string): Date {
  return new Date(`${iso}T00:00:00+07:00`);
}

type Row = {
  field: string;
  channel: string;
  received_at: Date;
  due_at: Date | null;
  finished_at: Date | null;
  closed_at: Date | null;
  status: string;
  supplement_count: number;
};

/** The dossiers that count in some part of [start, end): received before its end and not ended before its start. */
function dossiersBetween(tx: Tx, agencyId: number, start: Date, end: Date): Promise<Row[]> {
  return tx.query<Row>(
    `select procedure_field as field, channel, received_at, due_at, finished_at, closed_at, status, supplement_count
     from dossiers
     where agency_id = $1 and received_at is not null and received_at < $3
       and (received_at >= $2 or coalesce(finished_at, closed_at) is null or coalesce(finished_at, closed_at) >= $2)`,
    [agencyId, start, end],
  );
}

/** Biểu 06's figures of [start, end) from the rows of a span that contains it. */
function tally(rows: readonly Row[], start: Date, end: Date, now: Date): { byField: Map<string, DossierStatisticsRow>; totals: DossierStatisticsRow } {
  const cut = now.getTime() < end.getTime() ? now : end;
  const byField = new Map<string, DossierStatisticsRow>();
  const totals = emptyRow("");
  for (const r of rows) {
    const endedAt = r.finished_at ?? r.closed_at;
    // Received after, or ended before, this part of the span: nothing of it counts here.
    if (r.received_at >= end || (r.received_at < start && endedAt && endedAt < start)) continue;
    const field = r.field || "";
    let row = byField.get(field);
    if (!row) {
      row = emptyRow(field);
      byField.set(field, row);
    }
    const targets = [row, totals];
    if (r.received_at >= start) {
      for (const t of targets) {
        t.received.total++;
        if (r.channel === "online") t.received.online++;
        else t.received.inPersonOrPost++;
      }
    } else {
      for (const t of targets) {
        t.received.total++;
        t.received.carriedOver++;
      }
    }
    if (r.finished_at && r.finished_at >= start && r.finished_at < end) {
      const kind = classifyResolution({ finishedAt: r.finished_at, dueAt: r.due_at, supplementCount: r.supplement_count });
      for (const t of targets) {
        t.resolved.total++;
        if (kind === "early") t.resolved.early++;
        else if (kind === "on_time") t.resolved.onTime++;
        else t.resolved.late++;
      }
    } else if (!endedAt || endedAt >= end) {
      const overdue = r.due_at !== null && r.due_at.getTime() < cut.getTime();
      for (const t of targets) {
        t.inProgress.total++;
        if (overdue) t.inProgress.overdue++;
        else t.inProgress.withinTime++;
      }
    }
  }
  return { byField, totals };
}

export async function dossierStatistics(tx: Tx, q: { agencyId: number; from: string; to: string; now?: Date }): Promise<DossierStatistics> {
  const start = localDayStart(q.from);
  const end = new Date(localDayStart(q.to).getTime() + 86_400_000);
  const rows = await dossiersBetween(tx, q.agencyId, start, end);
  const { byField, totals } = tally(rows, start, end, q.now ?? new Date());
  const offered = await listOfferedProcedures(tx, { agencyId: q.agencyId, onlineOnly: true });
  return {
    period: { from: q.from, to: q.to },
    rows: [...byField.values()].sort((a, b) => a.field.localeCompare(b.field, "vi")),
    totals,
    onlineProcedures: {
      full: offered.filter((p) => p.onlineLevel === "full").length,
      partial: offered.filter((p) => p.onlineLevel === "partial").length,
    },
  };
}

export type MonthStatistics = { month: string; totals: DossierStatisticsRow };

/**
 * Biểu 06's totals month by month ("YYYY-MM", local months, both ends included), counted by the
 * same rules as dossierStatistics from one read of the whole span: the charts by month.
 */
export async function dossierStatisticsByMonth(tx: Tx, q: { agencyId: number; fromMonth: string; toMonth: string; now?: Date }): Promise<MonthStatistics[]> {
  const months = monthRange(q.fromMonth, q.toMonth);
  if (months.length === 0) throw new RangeError("month range is reversed");
  if (months.length > 120) throw new RangeError("month range is longer than ten years");
  const startOf = (ym: string) => localDayStart(`${ym}-01`);
  const rows = await dossiersBetween(tx, q.agencyId, startOf(months[0]!), startOf(addMonths(months[months.length - 1]!, 1)));
  const now = q.now ?? new Date();
  return months.map((month) => ({ month, totals: tally(rows, startOf(month), startOf(addMonths(month, 1)), now).totals }));
}
