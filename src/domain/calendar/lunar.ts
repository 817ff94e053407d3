// Vietnamese lunisolar calendar (âm lịch), computed astronomically as Hồ Ngọc Đức describes it:
// a month starts on the local day (UTC+7) of a new moon; the month containing the winter solstice is
// month 11; when 13 new moons fall between two months 11, the first month without a major solar term
// (a multiple of 30° of solar longitude) is the leap month and repeats the previous month's number.
// New moons and solar longitude use the short series from J. Meeus; their error (minutes) only
// matters when an event falls near local midnight, which is exactly why Vietnam (UTC+7) and China
// (UTC+8) disagree in some years (Tết 1985, 2007). The same code with `timeZoneHours: 8` reproduces
// the Chinese calendar, which the tests use as an independent check against ICU.

import { dayNumber, fromDayNumber, isValidDate, type LocalDate, MAX_YEAR, MIN_YEAR } from "./civil";

export type LunarDate = { year: number; month: number; day: number; leap: boolean };

type LunarMonth = { start: number; month: number; leap: boolean };

/** The lunar months from one month 11 to the next (exclusive), as Julian day numbers. */
type SolsticeCycle = { months: readonly LunarMonth[]; end: number };

const JD_UNIX_EPOCH = 2440588; // Julian day number of 1970-01-01
const SYNODIC_MONTH = 29.530588853;
const JD_NEW_MOON_1900 = 2415021.076998695; // the new moon of 1900-01-01, k = 0
const DEG = Math.PI / 180;

export function julianDayNumber(date: LocalDate): number {
  return dayNumber(date) + JD_UNIX_EPOCH;
}

export function fromJulianDayNumber(jdn: number): LocalDate {
  return fromDayNumber(jdn - JD_UNIX_EPOCH);
}

/** Julian date (UT) of the k-th new moon after the one of 1900-01-01 (Meeus, low-precision series). */
function newMoon(k: number): number {
  const t = k / 1236.85;
  const t2 = t * t;
  const t3 = t2 * t;
  const mean =
    2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3 + 0.00033 * Math.sin((166.56 + 132.87 * t - 0.009173 * t2) * DEG);
  const sunAnomaly = (359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3) * DEG;
  const moonAnomaly = (306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3) * DEG;
  const latitude = (21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3) * DEG;
  const correction =
    (0.1734 - 0.000393 * t) * Math.sin(sunAnomaly) +
    0.0021 * Math.sin(2 * sunAnomaly) -
    0.4068 * Math.sin(moonAnomaly) +
    0.0161 * Math.sin(2 * moonAnomaly) -
    0.0004 * Math.sin(3 * moonAnomaly) +
    0.0104 * Math.sin(2 * latitude) -
    0.0051 * Math.sin(sunAnomaly + moonAnomaly) -
    0.0074 * Math.sin(sunAnomaly - moonAnomaly) +
    0.0004 * Math.sin(2 * latitude + sunAnomaly) -
    0.0004 * Math.sin(2 * latitude - sunAnomaly) -
    0.0006 * Math.sin(2 * latitude + moonAnomaly) +
    0.001 * Math.sin(2 * latitude - moonAnomaly) +
    0.0005 * Math.sin(2 * moonAnomaly + sunAnomaly);
  // ΔT (TT − UT) in days: the series gives dynamical time, civil days need universal time.
  const deltaT =
    t < -11
      ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
      : -0.000278 + 0.000265 * t + 0.000262 * t2;
  return mean + correction - deltaT;
}

/** Apparent solar longitude in radians [0, 2π) at Julian date `jd` (Meeus, low precision). */
function sunLongitude(jd: number): number {
  const t = (jd - 2451545.0) / 36525;
  const t2 = t * t;
  const anomaly = (357.5291 + 35999.0503 * t - 0.0001559 * t2 - 0.00000048 * t * t2) * DEG;
  const mean = (280.46645 + 36000.76983 * t + 0.0003032 * t2) * DEG;
  const center =
    ((1.9146 - 0.004817 * t - 0.000014 * t2) * Math.sin(anomaly) +
      (0.019993 - 0.000101 * t) * Math.sin(2 * anomaly) +
      0.00029 * Math.sin(3 * anomaly)) *
    DEG;
  const longitude = mean + center;
  const turn = 2 * Math.PI;
  return longitude - turn * Math.floor(longitude / turn);
}

/** Local day (Julian day number) of the k-th new moon. */
function newMoonDay(k: number, timeZoneHours: number): number {
  return Math.floor(newMoon(k) + 0.5 + timeZoneHours / 24);
}

/** Which 30° sector (0–11) the sun is in at local midnight starting day `jdn`; 9 starts at the winter solstice. */
function sunSector(jdn: number, timeZoneHours: number): number {
  return Math.floor((sunLongitude(jdn - 0.5 - timeZoneHours / 24) / Math.PI) * 6);
}

/** Julian day number on which month 11 (the one containing the winter solstice) of solar year `year` starts. */
function month11Start(year: number, timeZoneHours: number): number {
  const offset = julianDayNumber({ year, month: 12, day: 31 }) - 2415021;
  const k = Math.floor(offset / SYNODIC_MONTH);
  const candidate = newMoonDay(k, timeZoneHours);
  // The last new moon before 31 December may already be past the solstice: then month 11 began one
  // lunation earlier.
  return sunSector(candidate, timeZoneHours) >= 9 ? newMoonDay(k - 1, timeZoneHours) : candidate;
}

function buildCycle(solarYear: number, timeZoneHours: number): SolsticeCycle {
  const start = month11Start(solarYear, timeZoneHours);
  const end = month11Start(solarYear + 1, timeZoneHours);
  const k0 = Math.round((start - JD_NEW_MOON_1900) / SYNODIC_MONTH);
  const starts: number[] = [start];
  for (let k = k0 + 1; ; k++) {
    const day = newMoonDay(k, timeZoneHours);
    if (day >= end) break;
    if (day > starts[starts.length - 1]!) starts.push(day);
  }
  // Only a 13-month cycle has a leap month: the first one (never month 11 itself, which holds the
  // solstice) whose start and the next month's start lie in the same solar-term sector.
  let leapIndex = -1;
  if (starts.length === 13) {
    for (let i = 1; i < 13; i++) {
      const next = i + 1 < 13 ? starts[i + 1]! : end;
      if (sunSector(starts[i]!, timeZoneHours) === sunSector(next, timeZoneHours)) {
        leapIndex = i;
        break;
      }
    }
  }
  const months: LunarMonth[] = [];
  let number = 10;
  for (let i = 0; i < starts.length; i++) {
    const leap = i === leapIndex;
    if (!leap) number = (number % 12) + 1;
    months.push({ start: starts[i]!, month: number, leap });
  }
  return { months, end };
}

const cycleCaches = new Map<number, Map<number, SolsticeCycle>>();

function cycle(solarYear: number, timeZoneHours: number): SolsticeCycle {
  let cache = cycleCaches.get(timeZoneHours);
  if (!cache) {
    cache = new Map();
    cycleCaches.set(timeZoneHours, cache);
  }
  let found = cache.get(solarYear);
  if (!found) {
    found = buildCycle(solarYear, timeZoneHours);
    cache.set(solarYear, found);
  }
  return found;
}

export type LunarOptions = {
  /** Hours east of UTC for which new moons and solar terms are reckoned; Vietnam is 7. */
  timeZoneHours?: number;
};

function assertSolarRange(year: number): void {
  if (!(year >= MIN_YEAR && year <= MAX_YEAR)) {
    throw new RangeError(`Year ${year} is outside the supported range ${MIN_YEAR}–${MAX_YEAR}`);
  }
}

/** Solar (Gregorian) date → Vietnamese lunar date. Throws RangeError for invalid dates or years outside 1900–2100. */
export function solarToLunar(date: LocalDate, options: LunarOptions = {}): LunarDate {
  const tz = options.timeZoneHours ?? 7;
  if (!isValidDate(date)) throw new RangeError(`Invalid date ${JSON.stringify(date)}`);
  assertSolarRange(date.year);
  const jdn = julianDayNumber(date);
  let solarYear = date.year;
  let current = cycle(solarYear, tz);
  if (jdn < current.months[0]!.start) {
    solarYear -= 1;
    current = cycle(solarYear, tz);
  }
  const months = current.months;
  let index = months.length - 1;
  while (months[index]!.start > jdn) index--;
  const month = months[index]!;
  // Months 11 and 12 (leap or not) only occur at the head of a cycle and belong to the lunar year
  // that began in the solar year the cycle starts in; months 1–10 belong to the next lunar year.
  return {
    year: month.month >= 11 ? solarYear : solarYear + 1,
    month: month.month,
    day: jdn - month.start + 1,
    leap: month.leap,
  };
}

function findMonth(
  lunarYear: number,
  month: number,
  leap: boolean,
  tz: number,
): { start: number; length: number } | undefined {
  const solarYear = month >= 11 ? lunarYear : lunarYear - 1;
  const { months, end } = cycle(solarYear, tz);
  for (let i = 0; i < months.length; i++) {
    const candidate = months[i]!;
    if (candidate.month === month && candidate.leap === leap) {
      const next = i + 1 < months.length ? months[i + 1]!.start : end;
      return { start: candidate.start, length: next - candidate.start };
    }
  }
  return undefined;
}

function validLunarFields(date: LunarDate): boolean {
  return (
    Number.isInteger(date.year) &&
    Number.isInteger(date.month) &&
    Number.isInteger(date.day) &&
    date.month >= 1 &&
    date.month <= 12 &&
    date.day >= 1 &&
    date.day <= 30 &&
    date.year >= MIN_YEAR - 1 &&
    date.year <= MAX_YEAR + 1
  );
}

/**
 * Vietnamese lunar date → solar date; undefined when that lunar date does not exist (a leap month
 * the year does not have, day 30 of a 29-day month) or falls outside 1900–2100.
 */
export function lunarToSolar(date: LunarDate, options: LunarOptions = {}): LocalDate | undefined {
  const tz = options.timeZoneHours ?? 7;
  if (!validLunarFields(date)) return undefined;
  const found = findMonth(date.year, date.month, date.leap, tz);
  if (!found || date.day > found.length) return undefined;
  const solar = fromJulianDayNumber(found.start + date.day - 1);
  return solar.year >= MIN_YEAR && solar.year <= MAX_YEAR ? solar : undefined;
}

/** 29 or 30; undefined when the month does not exist in that lunar year. */
export function lunarMonthLength(
  month: { year: number; month: number; leap?: boolean },
  options: LunarOptions = {},
): number | undefined {
  if (!Number.isInteger(month.month) || month.month < 1 || month.month > 12) return undefined;
  return findMonth(month.year, month.month, month.leap ?? false, options.timeZoneHours ?? 7)?.length;
}

/** The leap month (1–12) of lunar year `year`, or undefined when the year has none. */
export function leapMonthOfYear(year: number, options: LunarOptions = {}): number | undefined {
  const tz = options.timeZoneHours ?? 7;
  // Months 1–10 of lunar year Y sit in the cycle starting in solar Y−1; months 11–12 in the one starting in Y.
  const early = cycle(year - 1, tz).months.find((m) => m.leap && m.month <= 10);
  if (early) return early.month;
  const late = cycle(year, tz).months.find((m) => m.leap && m.month >= 11);
  return late?.month;
}

/** Solar date of Tết (1 tháng Giêng) of lunar year `year`. */
export function tetDate(year: number, options: LunarOptions = {}): LocalDate {
  const date = lunarToSolar({ year, month: 1, day: 1, leap: false }, options);
  if (!date) throw new RangeError(`Year ${year} is outside the supported range ${MIN_YEAR}–${MAX_YEAR}`);
  return date;
}
