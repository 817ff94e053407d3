// Overdue / due soon are DERIVED from the appointment, the clock and the status, never stored.
// Due soon: the appointment falls within the next 1 working day of the agency's calendar (7.5
// working hours with standard office hours), so a dossier due Monday 09:00 is "due soon" from
// Friday 09:00 — not from Sunday. A paused dossier (supplement requested) is neither: its clock
// is stopped and its appointment will move when the applicant supplies the documents.
// On-time rule for reports (Quyết định 766/QĐ-TTg): on time if finished ≤ appointment, the
// appointment already having the supplement time added back; more than one supplement → late.

import { toWallMinutes, epochMsOfWallMinutes } from "../calendar/civil";
import { addWorkingMinutes } from "../calendar/deadline";
import type { WorkingCalendar } from "../calendar/working-calendar";
import { type DossierStatus, STATUS_INFO } from "./state-machine";

export type Timeliness = "overdue" | "due_soon" | "on_track" | "no_deadline" | "finished" | "paused";

export const DUE_SOON_WORKING_DAYS = 1;

/** The instant before which an appointment counts as "due soon" when seen at `now`. */
export function dueSoonHorizon(calendar: WorkingCalendar, now: Date): Date {
  const w = addWorkingMinutes(calendar, toWallMinutes(now), DUE_SOON_WORKING_DAYS * calendar.standardDayMinutes);
  return new Date(epochMsOfWallMinutes(w));
}

export function timeliness(options: {
  dueAt: Date | null;
  now: Date;
  status: DossierStatus;
  calendar: WorkingCalendar;
  finishedAt?: Date | null;
}): Timeliness {
  const { dueAt, now, status } = options;
  if (STATUS_INFO[status].terminal || status === "result_ready") {
    if (dueAt && options.finishedAt && options.finishedAt.getTime() > dueAt.getTime()) return "overdue";
    return "finished";
  }
  if (status === "supplement_requested") return "paused";
  if (!dueAt) return "no_deadline";
  if (now.getTime() > dueAt.getTime()) return "overdue";
  if (dueAt.getTime() <= dueSoonHorizon(options.calendar, now).getTime()) return "due_soon";
  return "on_track";
}

export type Resolution = "early" | "on_time" | "late";

/**
 * How a finished dossier counts in Biểu 06 (Thông tư 01/2020/TT-VPCP) and the QĐ 766 index:
 * late if finished after the appointment or if the applicant was asked for supplements more than
 * once; early if finished on a calendar day (UTC+7) before the appointment's day; else on time.
 */
export function classifyResolution(options: { finishedAt: Date; dueAt: Date | null; supplementCount: number }): Resolution {
  if (options.supplementCount > 1) return "late";
  if (!options.dueAt) return "on_time";
  if (options.finishedAt.getTime() > options.dueAt.getTime()) return "late";
  const day = (d: Date) => Math.floor(toWallMinutes(d) / 1440);
  return day(options.finishedAt) < day(options.dueAt) ? "early" : "on_time";
}
