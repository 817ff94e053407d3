// Public holidays of Bộ luật Lao động 2019 (Luật 45/2019/QH14), Điều 112, and the default rules
// used for a year that has no official schedule (schedules.ts). The exact Tết days and any day swaps
// are decided by the Prime Minister each year, so the defaults here are only a fallback; see
// docs/calendar.md for why each default was chosen.

import { dayNumber, formatIsoDate, fromDayNumber, type LocalDate, weekday } from "./civil";
import { lunarToSolar, tetDate } from "./lunar";

export type Bilingual = { vi: string; en: string };

export type HolidayKind = "new_year" | "tet" | "hung_kings" | "victory_day" | "labour_day" | "national_day" | "other";

/** Why a day is off (or, for make_up, why a rest day is worked). */
export type DayReasonCode =
  | HolidayKind
  | "compensatory"
  | "swapped"
  | "saturday"
  | "sunday"
  | "weekly_rest"
  | "make_up";

export type DayReason = { code: DayReasonCode } & Bilingual;

export const DAY_REASONS = {
  new_year: { code: "new_year", vi: "Tết Dương lịch", en: "New Year's Day" },
  tet: { code: "tet", vi: "Tết Nguyên đán", en: "Lunar New Year (Tết)" },
  hung_kings: { code: "hung_kings", vi: "Giỗ Tổ Hùng Vương", en: "Hung Kings' Commemoration Day" },
  victory_day: { code: "victory_day", vi: "Ngày Chiến thắng", en: "Victory Day (30 April)" },
  labour_day: { code: "labour_day", vi: "Ngày Quốc tế lao động", en: "International Labour Day" },
  national_day: { code: "national_day", vi: "Quốc khánh", en: "National Day" },
  other: { code: "other", vi: "Ngày nghỉ lễ", en: "Public holiday" },
  compensatory: { code: "compensatory", vi: "Nghỉ bù", en: "Compensatory day off" },
  swapped: { code: "swapped", vi: "Nghỉ hoán đổi", en: "Swapped day off" },
  saturday: { code: "saturday", vi: "Thứ Bảy", en: "Saturday" },
  sunday: { code: "sunday", vi: "Chủ nhật", en: "Sunday" },
  weekly_rest: { code: "weekly_rest", vi: "Ngày nghỉ hằng tuần", en: "Weekly rest day" },
  make_up: { code: "make_up", vi: "Làm bù", en: "Make-up working day" },
} as const satisfies { [K in DayReasonCode]: DayReason };

export type Holiday = { date: string; kind: HolidayKind; name: Bilingual };

function holiday(date: LocalDate, kind: HolidayKind): Holiday {
  const { vi, en } = DAY_REASONS[kind];
  return { date: formatIsoDate(date), kind, name: { vi, en } };
}

/**
 * The day that joins 2/9 as the second National Day holiday (Điều 112: "02 ngày (ngày 02 tháng 9
 * dương lịch và 01 ngày liền kề trước hoặc sau)"). Practice 2021–2026 was always the neighbour that
 * links the holiday to the weekend: 3/9 when 2/9 is a Monday (2024) or Thursday (2021), otherwise 1/9
 * (2022 Fri, 2023 Sat, 2025 Tue, 2026 Wed).
 */
export function nationalDayAdjacent(year: number): LocalDate {
  const wd = weekday(dayNumber({ year, month: 9, day: 2 }));
  return wd === 1 || wd === 4 ? { year, month: 9, day: 3 } : { year, month: 9, day: 1 };
}

/**
 * The five Tết days by the default rule: the last day of the lunar year (29 or 30 tháng Chạp) and
 * mùng 1–4, which is what most Prime Minister decisions since 2021 amount to when no swap is made.
 */
export function defaultTetDays(lunarYear: number): LocalDate[] {
  const first = dayNumber(tetDate(lunarYear));
  return [first - 1, first, first + 1, first + 2, first + 3].map(fromDayNumber);
}

/** The statutory holidays of a solar year by the default rules, in date order, without compensatory days. */
export function statutoryHolidays(year: number): Holiday[] {
  const hungKings = lunarToSolar({ year, month: 3, day: 10, leap: false });
  if (!hungKings) throw new RangeError(`Year ${year} is outside the supported range`);
  const list: Holiday[] = [
    holiday({ year, month: 1, day: 1 }, "new_year"),
    ...defaultTetDays(year).map((d) => holiday(d, "tet")),
    holiday(hungKings, "hung_kings"),
    holiday({ year, month: 4, day: 30 }, "victory_day"),
    holiday({ year, month: 5, day: 1 }, "labour_day"),
    holiday({ year, month: 9, day: 2 }, "national_day"),
    holiday(nationalDayAdjacent(year), "national_day"),
  ];
  return list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

export type DayOff = { date: string; reason: DayReasonCode; label?: Bilingual };

/**
 * Adds the compensatory days of Điều 111 khoản 3: each holiday that falls on a weekly rest day gives
 * a day off on the next day that is neither a rest day, a holiday nor an earlier compensatory day.
 */
export function withCompensatoryDays(holidays: readonly Holiday[], options: { isWeeklyRest: (weekday: number) => boolean }): DayOff[] {
  const taken = new Set(holidays.map((h) => h.date));
  const result: DayOff[] = holidays.map((h) => ({ date: h.date, reason: h.kind }));
  for (const h of holidays) {
    let day = dayNumber(parseLocal(h.date));
    if (!options.isWeeklyRest(weekday(day))) continue;
    for (let guard = 0; guard < 60; guard++) {
      day++;
      const iso = formatIsoDate(fromDayNumber(day));
      if (!options.isWeeklyRest(weekday(day)) && !taken.has(iso)) {
        taken.add(iso);
        result.push({ date: iso, reason: "compensatory" });
        break;
      }
    }
  }
  return result.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

function parseLocal(iso: string): LocalDate {
  return { year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)) };
}

/** Default days off of a year: statutory holidays plus compensatory days, Saturday and Sunday being the rest days unless told otherwise. */
export function defaultDaysOff(year: number, options: { isWeeklyRest?: (weekday: number) => boolean } = {}): DayOff[] {
  return withCompensatoryDays(statutoryHolidays(year), { isWeeklyRest: options.isWeeklyRest ?? ((wd) => wd >= 6) });
}
