// Integer arithmetic on Vietnamese wall-clock dates and times.
// Vietnam has used UTC+7 without daylight saving since 1975, so a local date is a day number and a
// local time is a minute count: no Date time-zone conversion is needed except at the edges, where an
// instant is turned into wall minutes (and back) by a fixed 420-minute offset.

export type LocalDate = { year: number; month: number; day: number };

/** Days since 1970-01-01 of a local (wall) date. */
export type DayNumber = number;

/** Minutes since 1970-01-01T00:00 local (wall) time. */
export type WallMinutes = number;

export const UTC_OFFSET_MINUTES = 420;
export const MINUTES_PER_DAY = 1440;

/** Earliest and latest year the calendar supports: the lunar method is validated on this span. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

export function isValidDate(date: LocalDate): boolean {
  const { year, month, day } = date;
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

// Proleptic Gregorian conversions after H. Hinnant's "days_from_civil": shifting the year to start
// in March puts the leap day last, so every era of 400 years has the same shape.
export function dayNumber(date: LocalDate): DayNumber {
  const y = date.month <= 2 ? date.year - 1 : date.year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (date.month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + date.day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function fromDayNumber(days: DayNumber): LocalDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** ISO weekday: 1 = Monday … 7 = Sunday. 1970-01-01 was a Thursday. */
export function weekday(days: DayNumber): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

function pad4(n: number): string {
  return n < 1000 ? String(n).padStart(4, "0") : String(n);
}

export function formatIsoDate(date: LocalDate): string {
  return pad4(date.year) + "-" + pad2(date.month) + "-" + pad2(date.day);
}

export function isoDateOfDay(days: DayNumber): string {
  return formatIsoDate(fromDayNumber(days));
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD`; undefined for anything else, including impossible dates like 2025-02-30. */
export function parseIsoDate(text: string): LocalDate | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isValidDate(date) ? date : undefined;
}

/** Like parseIsoDate but throws: for inputs that were validated at the boundary already. */
export function getIsoDate(text: string): LocalDate {
  const date = parseIsoDate(text);
  if (!date) throw new RangeError(`Invalid date "${text}" (expected an existing YYYY-MM-DD date)`);
  return date;
}

export function dayNumberOfIso(text: string): DayNumber {
  return dayNumber(getIsoDate(text));
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "07:30" → 450; undefined when not a valid 24-hour HH:MM. "24:00" is accepted as end of day. */
export function parseClock(text: string): number | undefined {
  if (text === "24:00") return MINUTES_PER_DAY;
  const m = HH_MM.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

export function formatClock(minutes: number): string {
  return pad2(Math.floor(minutes / 60)) + ":" + pad2(minutes % 60);
}

/**
 * Instant → local wall minutes. Seconds are rounded UP so a computed deadline is never earlier than
 * the exact one (a dossier received at 09:00:30 counts from 09:01).
 */
export function wallMinutesOfEpochMs(epochMs: number): WallMinutes {
  return Math.ceil(epochMs / 60000) + UTC_OFFSET_MINUTES;
}

// "+07:00" is the wall time itself, so it skips Date.parse (the common case, and 3x faster).
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:\+07:00)?$/;

/**
 * Accepts a Date or an ISO-8601 string. A string with an offset or Z is an instant; a string without
 * one is read as Vietnamese wall time, because that is what a clerk types.
 */
export function toWallMinutes(input: Date | string): WallMinutes {
  if (input instanceof Date) {
    const ms = input.getTime();
    if (Number.isNaN(ms)) throw new RangeError("Invalid Date");
    return wallMinutesOfEpochMs(ms);
  }
  const local = LOCAL_DATE_TIME.exec(input);
  if (local) {
    const date = { year: Number(local[1]), month: Number(local[2]), day: Number(local[3]) };
    const hour = Number(local[4]);
    const minute = Number(local[5]);
    if (!isValidDate(date) || hour > 23 || minute > 59) throw new RangeError(`Invalid local date-time "${input}"`);
    // Any part of a minute rounds up, as for a Date, so a deadline is never early.
    const seconds = (local[6] ? Number(local[6]) : 0) + (local[7] ? Number(local[7]) : 0);
    return dayNumber(date) * MINUTES_PER_DAY + hour * 60 + minute + (seconds > 0 ? 1 : 0);
  }
  const ms = Date.parse(input);
  if (Number.isNaN(ms)) throw new RangeError(`Invalid ISO-8601 instant "${input}"`);
  return wallMinutesOfEpochMs(ms);
}

/** Wall minutes → "2026-02-24T09:00:00+07:00". */
export function formatWallMinutes(wall: WallMinutes): string {
  const days = Math.floor(wall / MINUTES_PER_DAY);
  const minutes = wall - days * MINUTES_PER_DAY;
  return isoDateOfDay(days) + "T" + formatClock(minutes) + ":00+07:00";
}

export function epochMsOfWallMinutes(wall: WallMinutes): number {
  return (wall - UTC_OFFSET_MINUTES) * 60000;
}
