// Appointment dates (ngày hẹn trả kết quả) from a receipt instant and a time limit.
//
// Counting rule (docs/calendar.md): time limits in working days or hours are counted in WORKING
// TIME from the receipt instant, as one-stop systems do: 1 working day = the length of a standard
// office day (7.5 h with 07:30–11:30 + 13:30–17:00), so a dossier received Monday 09:00 with 1
// working day is due Tuesday 09:00. Counting from the receipt instant leaves the rest of the receipt
// day to the agency, which is the working-time reading of Bộ luật Dân sự 2015 Điều 147 (the period
// starts after the event). Calendar days follow Điều 147–148 literally: count from the next day and,
// if the last day is not worked, end at closing time of the next working day.

import { MINUTES_PER_DAY, type WallMinutes, formatWallMinutes, toWallMinutes } from "./civil";
import type { DayReason } from "./holidays";
import type { DeadlineUnit } from "./validation";
import type { WorkingCalendar, YearTable } from "./working-calendar";

export type InstantInput = Date | string;

/** A period during which the clock stops (waiting for the applicant to supplement the dossier). */
export type Pause = { from: InstantInput; to: InstantInput };

export type DeadlineInput = {
  start: InstantInput;
  amount: number;
  unit: DeadlineUnit;
  calendar: WorkingCalendar;
  pauses?: readonly Pause[];
  /** Apply the agency's receipt cut-off to `start` (default true; a re-date starts from a due time, not a receipt). */
  applyCutoff?: boolean;
};

export type SkippedDay = { date: string; reason: DayReason };

export type DeadlineResult = {
  /** ISO-8601 local time with offset, e.g. "2026-02-24T09:00:00+07:00". */
  due: string;
  /** Days off between the receipt day and the due day, for the appointment slip. */
  skipped: SkippedDay[];
};

type Interval = { from: WallMinutes; to: WallMinutes };

/** Working minutes of a day's profile before minute-of-day `m`. */
function workedBefore(flat: Int16Array, m: number): number {
  let sum = 0;
  for (let i = 0; i < flat.length; i += 2) {
    const s = flat[i]!;
    if (m <= s) break;
    const e = flat[i + 1]!;
    sum += Math.min(m, e) - s;
  }
  return sum;
}

type Position = { table: YearTable; index: number; cum: number };

/** Where wall time `w` sits: its year table, day index, and working minutes since the year began. */
function locate(calendar: WorkingCalendar, w: WallMinutes): Position {
  const day = Math.floor(w / MINUTES_PER_DAY);
  const table = calendar.tableForDay(day);
  const index = day - table.firstDay;
  const flat = calendar.profiles[table.profile[index]!]!;
  return { table, index, cum: table.prefix[index]! + workedBefore(flat, w - day * MINUTES_PER_DAY) };
}

/** Working minutes in [a, b] (a ≤ b). */
export function workingMinutesBetween(calendar: WorkingCalendar, a: WallMinutes, b: WallMinutes): number {
  const pa = locate(calendar, a);
  const pb = locate(calendar, b);
  if (pa.table === pb.table) return pb.cum - pa.cum;
  let sum = pa.table.total - pa.cum + pb.cum;
  for (let year = pa.table.year + 1; year < pb.table.year; year++) sum += calendar.yearTable(year).total;
  return sum;
}

/** The earliest wall time at which `minutes` (> 0) working minutes have elapsed after `w`. */
export function addWorkingMinutes(calendar: WorkingCalendar, w: WallMinutes, minutes: number): WallMinutes {
  const position = locate(calendar, w);
  let table = position.table;
  let target = position.cum + minutes;
  let low = position.index;
  while (target > table.total) {
    target -= table.total;
    table = calendar.yearTable(table.year + 1);
    low = 0;
  }
  // Smallest day j with prefix[j + 1] ≥ target: that day holds the target minute.
  const prefix = table.prefix;
  let high = table.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (prefix[mid + 1]! >= target) high = mid;
    else low = mid + 1;
  }
  let need = target - prefix[low]!;
  const flat = calendar.profiles[table.profile[low]!]!;
  const base = (table.firstDay + low) * MINUTES_PER_DAY;
  for (let i = 0; i < flat.length; i += 2) {
    const length = flat[i + 1]! - flat[i]!;
    if (need <= length) return base + flat[i]! + need;
    need -= length;
  }
  throw new Error("unreachable: prefix sums and profiles disagree");
}

/** `w` itself when it is within office hours (ends included), else the next opening. */
export function nextWorkingInstant(calendar: WorkingCalendar, w: WallMinutes): WallMinutes {
  let day = Math.floor(w / MINUTES_PER_DAY);
  let m = w - day * MINUTES_PER_DAY;
  for (;;) {
    const table = calendar.tableForDay(day);
    const flat = calendar.profiles[table.profile[day - table.firstDay]!]!;
    for (let i = 0; i < flat.length; i += 2) {
      if (m <= flat[i + 1]!) return day * MINUTES_PER_DAY + Math.max(m, flat[i]!);
    }
    day++;
    m = 0;
  }
}

/** The same-day cut-off: a "same day" dossier received later is returned on the next working day. */
export const SAME_DAY_CUTOFF_MINUTE = 15 * 60;

/** Closing time (end of the last office range) of the working day that holds `w`. */
function closingOf(calendar: WorkingCalendar, w: WallMinutes): WallMinutes {
  const day = Math.floor(w / MINUTES_PER_DAY);
  const table = calendar.tableForDay(day);
  const flat = calendar.profiles[table.profile[day - table.firstDay]!]!;
  return day * MINUTES_PER_DAY + flat[flat.length - 1]!;
}

/** Receipt after the cut-off on a working day counts from the next day's opening. */
function afterCutoff(calendar: WorkingCalendar, w: WallMinutes, applyCutoff: boolean): boolean {
  const cutoff = calendar.cutoffMinute;
  if (!applyCutoff || cutoff === undefined) return false;
  const day = Math.floor(w / MINUTES_PER_DAY);
  return w - day * MINUTES_PER_DAY > cutoff && calendar.isWorkingDayNumber(day);
}

function normalisePauses(pauses: readonly Pause[] | undefined): Interval[] {
  if (!pauses || pauses.length === 0) return [];
  const list = pauses
    .map((p) => ({ from: toWallMinutes(p.from), to: toWallMinutes(p.to) }))
    .filter((p) => p.to > p.from)
    .sort((a, b) => a.from - b.from);
  const merged: Interval[] = [];
  for (const p of list) {
    const last = merged[merged.length - 1];
    if (last && p.from <= last.to) last.to = Math.max(last.to, p.to);
    else merged.push({ ...p });
  }
  return merged;
}

function dueInWorkingTime(calendar: WorkingCalendar, start: WallMinutes, minutes: number, pauses: Interval[]): WallMinutes {
  if (minutes === 0) {
    let w = start;
    for (const p of pauses) if (p.from <= w && w < p.to) w = p.to;
    return nextWorkingInstant(calendar, w);
  }
  let cursor = start;
  let remaining = minutes;
  for (const p of pauses) {
    if (p.to <= cursor) continue;
    if (p.from > cursor) {
      const available = workingMinutesBetween(calendar, cursor, p.from);
      if (available >= remaining) break;
      remaining -= available;
    }
    cursor = p.to;
  }
  return addWorkingMinutes(calendar, cursor, remaining);
}

function dueInCalendarDays(calendar: WorkingCalendar, options: { start: WallMinutes; days: number; pauses: Interval[] }): WallMinutes {
  const { start, days, pauses } = options;
  // Like working time, the count starts from the day of the next opening: a dossier received after
  // closing, on a day off or after the cut-off counts as received on the next working day.
  const day = Math.floor(nextWorkingInstant(calendar, start) / MINUTES_PER_DAY);
  // The clock stops for whole calendar days: each pause (after the receipt) adds its length rounded up to days.
  let extra = 0;
  for (const p of pauses) {
    const from = Math.max(p.from, start);
    if (p.to > from) extra += Math.ceil((p.to - from) / MINUTES_PER_DAY);
  }
  let end = day + days + extra;
  while (!calendar.isWorkingDayNumber(end)) end++;
  const table = calendar.tableForDay(end);
  const flat = calendar.profiles[table.profile[end - table.firstDay]!]!;
  return end * MINUTES_PER_DAY + flat[flat.length - 1]!;
}

function skippedDays(calendar: WorkingCalendar, fromDay: number, toDay: number): SkippedDay[] {
  const skipped: SkippedDay[] = [];
  let table = calendar.tableForDay(fromDay);
  for (let day = fromDay; day < toDay; day++) {
    if (day >= table.firstDay + table.length) table = calendar.tableForDay(day);
    const index = day - table.firstDay;
    if (table.profile[index] === 0) {
      const reason = calendar.reasonAt(table, index);
      if (reason) skipped.push({ date: isoOfDay(table, index), reason });
    }
  }
  return skipped;
}

const isoCache = new WeakMap<YearTable, string[]>();

function isoOfDay(table: YearTable, index: number): string {
  let list = isoCache.get(table);
  if (!list) {
    list = [];
    isoCache.set(table, list);
  }
  let iso = list[index];
  if (iso === undefined) {
    iso = formatWallMinutes((table.firstDay + index) * MINUTES_PER_DAY).slice(0, 10);
    list[index] = iso;
  }
  return iso;
}

/** Wall minutes of a deadline, without formatting: for callers comparing many deadlines. */
export function computeDueWallMinutes(input: DeadlineInput): { start: WallMinutes; due: WallMinutes } {
  const { calendar, amount, unit } = input;
  if (!Number.isInteger(amount) || amount < 0) throw new RangeError(`amount must be a non-negative integer, got ${amount}`);
  const received = toWallMinutes(input.start);
  const lateReceipt = afterCutoff(calendar, received, input.applyCutoff ?? true);
  // Working time only starts at the next opening anyway, so midnight stands for "next working day".
  const start = lateReceipt ? (Math.floor(received / MINUTES_PER_DAY) + 1) * MINUTES_PER_DAY : received;
  const pauses = normalisePauses(input.pauses);
  let due: WallMinutes;
  if (unit === "calendar_days") due = dueInCalendarDays(calendar, { start, days: amount, pauses });
  else if (unit === "same_day") {
    const sameDay = Math.floor(start / MINUTES_PER_DAY);
    const late = (input.applyCutoff ?? true) && start - sameDay * MINUTES_PER_DAY > SAME_DAY_CUTOFF_MINUTE && calendar.isWorkingDayNumber(sameDay);
    const open = nextWorkingInstant(calendar, late ? (sameDay + 1) * MINUTES_PER_DAY : start);
    // Whole working days are counted as days, not minutes: a short Saturday must still end at closing.
    let day = Math.floor(open / MINUTES_PER_DAY);
    for (let k = 0; k < amount; k++) {
      day++;
      while (!calendar.isWorkingDayNumber(day)) day++;
    }
    const base = closingOf(calendar, day * MINUTES_PER_DAY);
    // A supplement pause adds back the working time it covers; the result stays a closing time.
    due = pauses.length ? closingOf(calendar, dueInWorkingTime(calendar, open, workingMinutesBetween(calendar, open, base), pauses)) : base;
  } else {
    const minutes = unit === "working_days" ? amount * calendar.standardDayMinutes : amount * 60;
    due = dueInWorkingTime(calendar, start, minutes, pauses);
  }
  return { start: received, due };
}

/**
 * Appointment for a time limit. Throws RangeError for a negative or fractional amount, an invalid
 * instant, or a date outside 1900–2100 (validate inputs with the schemas of validation.ts first).
 */
export function computeDeadline(input: DeadlineInput): DeadlineResult {
  const { start, due } = computeDueWallMinutes(input);
  return {
    due: formatWallMinutes(due),
    skipped: skippedDays(input.calendar, Math.floor(start / MINUTES_PER_DAY), Math.floor(due / MINUTES_PER_DAY)),
  };
}

/**
 * New appointment after an apology (Mẫu 04, Phiếu xin lỗi và hẹn lại ngày trả kết quả): the extra
 * time counted from the previous appointment, without the receipt cut-off. Because counting is
 * additive, re-dating by m after a limit of n equals a limit of n + m.
 */
export function redate(input: {
  previousDue: InstantInput;
  amount: number;
  unit: DeadlineUnit;
  calendar: WorkingCalendar;
  pauses?: readonly Pause[];
}): DeadlineResult {
  return computeDeadline({ ...input, start: input.previousDue, applyCutoff: false });
}
