// Working calendar of one agency: office settings + public holidays (official schedule of the year
// when there is one, default rules otherwise) → whether each day is worked, and during which hours.
// Per year it builds a compact table (working-hour profile per day and prefix sums of working
// minutes), cached, so a deadline is a binary search instead of a day-by-day walk.

import { z } from "zod";
import {
  type DayNumber,
  dayNumber,
  dayNumberOfIso,
  formatClock,
  isoDateOfDay,
  MAX_YEAR,
  MIN_YEAR,
  parseClock,
  weekday,
} from "./civil";
import { type Bilingual, DAY_REASONS, type DayReason, type DayReasonCode, defaultDaysOff } from "./holidays";
import { OFFICIAL_SCHEDULES, type YearSchedule } from "./schedules";
import { ClockTime } from "./validation";

export const TimeRange = z
  .object({ start: ClockTime, end: ClockTime })
  .refine((r) => parseClock(r.start)! < parseClock(r.end)!, { error: "calendar.hours_invalid", path: ["end"] });
export type TimeRange = z.infer<typeof TimeRange>;

const Ranges = z
  .array(TimeRange)
  .min(1, { error: "calendar.hours_invalid" })
  .max(6, { error: "calendar.hours_invalid" })
  .readonly()
  .refine((ranges) => ranges.every((r, i) => i === 0 || parseClock(ranges[i - 1]!.end)! <= parseClock(r.start)!), {
    error: "calendar.hours_invalid",
  });

const WeekdayKey = z.enum(["1", "2", "3", "4", "5", "6", "7"]);

export const OfficeSettings = z.object({
  /** ISO weekdays the office works: 1 = Monday … 7 = Sunday. */
  workingWeekdays: z
    .array(z.number().int().min(1, { error: "calendar.weekdays_invalid" }).max(7, { error: "calendar.weekdays_invalid" }))
    .min(1, { error: "calendar.weekdays_invalid" })
    .max(7)
    .readonly()
    .refine((days) => new Set(days).size === days.length, { error: "calendar.weekdays_invalid" }),
  /** Office hours of an ordinary working day; a "working day" of a time limit is their total length. */
  hours: Ranges,
  /** Hours that differ on some weekdays (keys "1"–"7"). */
  hoursByWeekday: z.partialRecord(WeekdayKey, Ranges).optional(),
  /** Saturday is worked, mornings only (the ranges of `hours` that end by 12:00). */
  saturdayMorningOnly: z.boolean().optional(),
  /** Receipt after this time counts from the next working day (a per-agency/per-procedure rule, not a law). */
  receiptCutoff: ClockTime.optional(),
  /** Fixed: Vietnam has one time zone, UTC+7, without daylight saving. */
  timeZone: z.literal("Asia/Ho_Chi_Minh").default("Asia/Ho_Chi_Minh"),
});
export type OfficeSettings = z.infer<typeof OfficeSettings>;
export type OfficeSettingsInput = z.input<typeof OfficeSettings>;

export const DEFAULT_OFFICE_SETTINGS: OfficeSettings = {
  workingWeekdays: [1, 2, 3, 4, 5],
  hours: [
    { start: "07:30", end: "11:30" },
    { start: "13:30", end: "17:00" },
  ],
  timeZone: "Asia/Ho_Chi_Minh",
};

export type DayInfo = {
  date: string;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  working: boolean;
  /** Why the day is off, or "make_up" for a worked rest day; absent on an ordinary working day. */
  reason?: DayReason;
};

/** Reason codes numbered for the compact tables; 0 means "ordinary working day". */
const REASON_CODES: readonly (DayReasonCode | undefined)[] = [undefined, ...(Object.keys(DAY_REASONS) as DayReasonCode[])];
const REASON_INDEX = new Map(REASON_CODES.map((code, i) => [code, i]));

/** Working-hour profile ids: 0 = none, 1–7 = that weekday's hours, 8 = standard hours (make-up days). */
const STANDARD_PROFILE = 8;

export type YearTable = {
  readonly year: number;
  readonly firstDay: DayNumber;
  readonly length: number;
  /** Working-hour profile of each day of the year. */
  readonly profile: Uint8Array;
  readonly reason: Uint8Array;
  readonly labels: ReadonlyMap<number, Bilingual>;
  /** prefix[i] = working minutes in days 0 … i−1 of the year. */
  readonly prefix: Int32Array;
  readonly total: number;
};

export type WorkingCalendarOptions = {
  settings?: OfficeSettingsInput;
  /** Official schedules; defaults to the shipped ones. Later entries for the same year win. */
  schedules?: readonly YearSchedule[];
};

function toMinutes(ranges: readonly TimeRange[]): Int16Array {
  const flat = new Int16Array(ranges.length * 2);
  ranges.forEach((r, i) => {
    flat[2 * i] = parseClock(r.start)!;
    flat[2 * i + 1] = parseClock(r.end)!;
  });
  return flat;
}

function total(flat: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < flat.length; i += 2) sum += flat[i + 1]! - flat[i]!;
  return sum;
}

export class WorkingCalendar {
  readonly settings: OfficeSettings;
  /** Working minutes in one standard working day (sum of `hours`); a time limit of N working days is N times this. */
  readonly standardDayMinutes: number;
  /** Receipt cut-off in minutes after midnight, if any. */
  readonly cutoffMinute: number | undefined;
  /** Ranges per profile id as flat [start, end, start, end, …] minute pairs. */
  readonly profiles: readonly Int16Array[];
  readonly profileMinutes: Int32Array;
  private readonly workingWeekday: boolean[];
  private readonly schedules: Map<number, YearSchedule>;
  private readonly tables = new Map<number, YearTable>();

  constructor(options: WorkingCalendarOptions = {}) {
    const settings = OfficeSettings.parse(options.settings ?? DEFAULT_OFFICE_SETTINGS);
    this.settings = settings;
    const standard = toMinutes(settings.hours);
    // Saturday morning: the office ranges clipped at noon (a single 07:00–17:00 range gives 07:00–12:00).
    const morning = toMinutes(
      settings.hours
        .filter((r) => parseClock(r.start)! < 720)
        .map((r) => ({ start: r.start, end: parseClock(r.end)! <= 720 ? r.end : "12:00" })),
    );
    this.workingWeekday = [false];
    const profiles: Int16Array[] = [new Int16Array(0)];
    for (let wd = 1; wd <= 7; wd++) {
      const saturdayMorning = wd === 6 && settings.saturdayMorningOnly === true;
      this.workingWeekday.push(settings.workingWeekdays.includes(wd) || saturdayMorning);
      const own = settings.hoursByWeekday?.[String(wd) as z.infer<typeof WeekdayKey>];
      profiles.push(own ? toMinutes(own) : saturdayMorning && morning.length > 0 ? morning : standard);
    }
    profiles.push(standard);
    this.profiles = profiles;
    this.profileMinutes = Int32Array.from(profiles.map(total));
    this.standardDayMinutes = total(standard);
    this.cutoffMinute = settings.receiptCutoff === undefined ? undefined : parseClock(settings.receiptCutoff);
    this.schedules = new Map((options.schedules ?? OFFICIAL_SCHEDULES).map((s) => [s.year, s]));
  }

  isWorkingWeekday(wd: number): boolean {
    return this.workingWeekday[wd] === true;
  }

  /** The official schedule used for `year`, if any (otherwise the default rules apply). */
  scheduleFor(year: number): YearSchedule | undefined {
    return this.schedules.get(year);
  }

  /** Compact table of a year, built on first use and cached. Throws RangeError outside 1900–2100. */
  yearTable(year: number): YearTable {
    let table = this.tables.get(year);
    if (!table) {
      table = this.buildYear(year);
      this.tables.set(year, table);
    }
    return table;
  }

  /** Table of the year containing a day number. */
  tableForDay(day: DayNumber): YearTable {
    let year = Math.floor(day / 365.2425) + 1970;
    let table = this.yearTable(year);
    while (day < table.firstDay) table = this.yearTable(--year);
    while (day >= table.firstDay + table.length) table = this.yearTable(++year);
    return table;
  }

  private buildYear(year: number): YearTable {
    if (!(Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR)) {
      throw new RangeError(`Year ${year} is outside the supported range ${MIN_YEAR}–${MAX_YEAR}`);
    }
    const firstDay = dayNumber({ year, month: 1, day: 1 });
    const length = dayNumber({ year: year + 1, month: 1, day: 1 }) - firstDay;
    const profile = new Uint8Array(length);
    const reason = new Uint8Array(length);
    const labels = new Map<number, Bilingual>();
    const schedule = this.schedules.get(year);
    const daysOff = schedule ? schedule.daysOff : defaultDaysOff(year, { isWeeklyRest: (wd) => !this.isWorkingWeekday(wd) });
    const offIndex = new Map<number, { reason: DayReasonCode; label?: Bilingual }>();
    for (const off of daysOff) offIndex.set(dayNumberOfIso(off.date) - firstDay, off);
    const makeUp = new Set((schedule?.workingDays ?? []).map((w) => dayNumberOfIso(w.date) - firstDay));
    const prefix = new Int32Array(length + 1);
    for (let i = 0; i < length; i++) {
      const wd = weekday(firstDay + i);
      const off = offIndex.get(i);
      if (off) {
        reason[i] = REASON_INDEX.get(off.reason)!;
        if (off.label) labels.set(i, off.label);
      } else if (makeUp.has(i)) {
        profile[i] = STANDARD_PROFILE;
        reason[i] = REASON_INDEX.get("make_up")!;
      } else if (this.workingWeekday[wd]) {
        profile[i] = wd;
      } else {
        reason[i] = REASON_INDEX.get(wd === 6 ? "saturday" : wd === 7 ? "sunday" : "weekly_rest")!;
      }
      prefix[i + 1] = prefix[i]! + this.profileMinutes[profile[i]!]!;
    }
    return { year, firstDay, length, profile, reason, labels, prefix, total: prefix[length]! };
  }

  /** The reason stored for a day of a year table, if any. */
  reasonAt(table: YearTable, index: number): DayReason | undefined {
    const code = REASON_CODES[table.reason[index]!];
    if (!code) return undefined;
    const label = table.labels.get(index);
    return label ? { code, vi: label.vi, en: label.en } : DAY_REASONS[code];
  }

  dayInfoOfDayNumber(day: DayNumber): DayInfo {
    const table = this.tableForDay(day);
    const index = day - table.firstDay;
    const reason = this.reasonAt(table, index);
    const info: DayInfo = { date: isoDateOfDay(day), weekday: weekday(day), working: table.profile[index] !== 0 };
    if (reason) info.reason = reason;
    return info;
  }

  /** Whether a `YYYY-MM-DD` date is worked, and why not (or why a rest day is worked). */
  dayInfo(date: string): DayInfo {
    return this.dayInfoOfDayNumber(dayNumberOfIso(date));
  }

  isWorkingDay(date: string): boolean {
    return this.dayInfo(date).working;
  }

  /** Every day from `from` to `to` inclusive. Callers at a boundary limit the span (see DateRange). */
  days(from: string, to: string): DayInfo[] {
    const first = dayNumberOfIso(from);
    const last = dayNumberOfIso(to);
    const result: DayInfo[] = [];
    for (let day = first; day <= last; day++) result.push(this.dayInfoOfDayNumber(day));
    return result;
  }

  /** Office hours of a date (empty on a day off). */
  hoursOf(date: string): TimeRange[] {
    const day = dayNumberOfIso(date);
    const table = this.tableForDay(day);
    const flat = this.profiles[table.profile[day - table.firstDay]!]!;
    const ranges: TimeRange[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      ranges.push({ start: formatClock(flat[i]!), end: formatClock(flat[i + 1]!) });
    }
    return ranges;
  }

  /** First working day strictly after `date`. */
  nextWorkingDay(date: string): string {
    let day = dayNumberOfIso(date) + 1;
    while (!this.isWorkingDayNumber(day)) day++;
    return isoDateOfDay(day);
  }

  isWorkingDayNumber(day: DayNumber): boolean {
    const table = this.tableForDay(day);
    return table.profile[day - table.firstDay] !== 0;
  }
}

/** A calendar with the given settings and the shipped official schedules. */
export function createWorkingCalendar(options: WorkingCalendarOptions = {}): WorkingCalendar {
  return new WorkingCalendar(options);
}
