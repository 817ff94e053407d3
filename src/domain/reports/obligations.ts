// The reporting calendar (issue 16): what a commune owes its province and when, and where each
// obligation stands. Pure: the schedules and what was sent come from src/modules/reports/calendar.ts.
import { addDays } from "./period";
import { dueDate, type Frequency, periodsOf, type ReportKind } from "./kinds";

/** A province's rule for one kind (or a kind's default when the province has set none). */
export type DueRule = { kind: ReportKind; frequency: Frequency; month: "last" | "next"; day: number; remindDays: number };

export type Obligation = { kind: ReportKind; from: string; to: string; due: string };

export const OBLIGATION_STATUSES = ["sent", "late", "missing", "due_soon", "upcoming"] as const;
export type ObligationStatus = (typeof OBLIGATION_STATUSES)[number];

/**
 * Sent: arrived on or before the due day; late: after it; missing: not arrived and the due day
 * has passed; due soon: within the reminder days before the due day (or on it); else upcoming.
 */
export function obligationStatus(o: { due: string; sentOn: string | null; today: string; remindDays: number }): ObligationStatus {
  if (o.sentOn) return o.sentOn <= o.due ? "sent" : "late";
  if (o.today > o.due) return "missing";
  return o.today >= addDays(o.due, -o.remindDays) ? "due_soon" : "upcoming";
}

/** The obligations of a rule whose due day falls between two dates (inclusive). */
export function obligationsDue(rule: DueRule, from: string, to: string): Obligation[] {
  const out: Obligation[] = [];
  // A period's due day lies in its last month or the month after: periods of the year before `from` may be due in it.
  for (let y = Number(from.slice(0, 4)) - 1; y <= Number(to.slice(0, 4)); y++) {
    for (const p of periodsOf(rule.frequency, y)) {
      const due = dueDate(p, rule);
      if (due >= from && due <= to) out.push({ kind: rule.kind, from: p.from, to: p.to, due });
    }
  }
  return out;
}

/** Whether a reminder goes out today: on the first reminder day and on the due day. */
export function remindToday(due: string, remindDays: number, today: string): "first" | "due" | undefined {
  if (today === due) return "due";
  if (remindDays > 0 && today === addDays(due, -remindDays)) return "first";
  return undefined;
}
