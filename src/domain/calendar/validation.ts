// zod schemas for calendar inputs coming from outside (API, forms, an administrator's schedule).
// Each issue's message is a key of CALENDAR_MESSAGES so a route can answer 400 in Vietnamese or
// English: `calendarMessage(issue.message, lang)`.

import { z } from "zod";
import { dayNumber, MAX_YEAR, MIN_YEAR, parseClock, parseIsoDate } from "./civil";
import { lunarToSolar } from "./lunar";

export const CALENDAR_MESSAGES = {
  "calendar.date_format": { vi: "Ngày phải có dạng YYYY-MM-DD", en: "Date must be formatted YYYY-MM-DD" },
  "calendar.date_invalid": { vi: "Ngày không tồn tại", en: "This date does not exist" },
  "calendar.date_out_of_range": {
    vi: `Chỉ hỗ trợ ngày từ năm ${MIN_YEAR} đến năm ${MAX_YEAR}`,
    en: `Only dates from ${MIN_YEAR} to ${MAX_YEAR} are supported`,
  },
  "calendar.lunar_invalid": { vi: "Ngày âm lịch không tồn tại", en: "This lunar date does not exist" },
  "calendar.range_order": { vi: "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu", en: "The end date must not be before the start date" },
  "calendar.range_too_long": { vi: "Khoảng thời gian tối đa là 3 năm", en: "The range may span at most 3 years" },
  "calendar.amount_integer": { vi: "Thời hạn phải là số nguyên không âm", en: "The time limit must be a whole number, zero or more" },
  "calendar.amount_too_large": { vi: "Thời hạn vượt quá giới hạn cho phép", en: "The time limit exceeds the allowed maximum" },
  "calendar.unit_invalid": { vi: "Đơn vị thời hạn không hợp lệ", en: "Unknown time-limit unit" },
  "calendar.time_format": { vi: "Giờ phải có dạng HH:MM (24 giờ)", en: "Time must be formatted HH:MM (24-hour)" },
  "calendar.instant_invalid": { vi: "Thời điểm không hợp lệ", en: "Invalid date and time" },
  "calendar.schedule_wrong_year": { vi: "Ngày không thuộc năm của lịch nghỉ", en: "The date is not in the schedule's year" },
  "calendar.schedule_duplicate": { vi: "Ngày bị khai báo hai lần", en: "The date is listed twice" },
  "calendar.hours_invalid": {
    vi: "Giờ làm việc phải tăng dần, không chồng lấn, giờ bắt đầu trước giờ kết thúc",
    en: "Office hours must be in order, not overlap, and start before they end",
  },
  "calendar.weekdays_invalid": { vi: "Ngày làm việc trong tuần phải từ 1 (thứ Hai) đến 7 (Chủ nhật), không trùng", en: "Working weekdays must be 1 (Monday) to 7 (Sunday), without repeats" },
} as const satisfies Record<string, { vi: string; en: string }>;

export type CalendarMessageKey = keyof typeof CALENDAR_MESSAGES;

/** Localises a message key from an issue of these schemas; other text passes through unchanged. */
export function calendarMessage(key: string, lang: "vi" | "en"): string {
  const entry = (CALENDAR_MESSAGES as Record<string, { vi: string; en: string }>)[key];
  return entry ? entry[lang] : key;
}

/** An existing calendar date `YYYY-MM-DD` within 1900–2100 (2025-02-30 is rejected). */
export const IsoDate = z
  .string({ error: "calendar.date_format" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "calendar.date_format", abort: true })
  .refine((text) => parseIsoDate(text) !== undefined, { error: "calendar.date_invalid", abort: true })
  .refine(
    (text) => {
      const year = Number(text.slice(0, 4));
      return year >= MIN_YEAR && year <= MAX_YEAR;
    },
    { error: "calendar.date_out_of_range" },
  );
export type IsoDate = z.infer<typeof IsoDate>;

/** A 24-hour wall-clock time `HH:MM`. */
export const ClockTime = z
  .string({ error: "calendar.time_format" })
  .refine((text) => parseClock(text) !== undefined && text !== "24:00", { error: "calendar.time_format" });
export type ClockTime = z.infer<typeof ClockTime>;

/** An instant: ISO-8601 with an offset (or Z), or a local `YYYY-MM-DDTHH:MM` read as Vietnamese time. */
export const Instant = z
  .string({ error: "calendar.instant_invalid" })
  .refine(
    (text) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.test(text) &&
      parseIsoDate(text.slice(0, 10)) !== undefined &&
      !Number.isNaN(Date.parse(/[Z+-]\d{2}:\d{2}$|Z$/.test(text.slice(10)) ? text : text + "+07:00")),
    { error: "calendar.instant_invalid", abort: true },
  )
  .refine(
    (text) => {
      const year = Number(text.slice(0, 4));
      return year >= MIN_YEAR && year <= MAX_YEAR;
    },
    { error: "calendar.date_out_of_range" },
  );
export type Instant = z.infer<typeof Instant>;

export const LunarDateInput = z
  .object({
    year: z.number().int().min(MIN_YEAR, { error: "calendar.date_out_of_range" }).max(MAX_YEAR, { error: "calendar.date_out_of_range" }),
    month: z.number().int().min(1, { error: "calendar.lunar_invalid" }).max(12, { error: "calendar.lunar_invalid" }),
    day: z.number().int().min(1, { error: "calendar.lunar_invalid" }).max(30, { error: "calendar.lunar_invalid" }),
    leap: z.boolean().default(false),
  })
  .refine((d) => lunarToSolar(d) !== undefined, { error: "calendar.lunar_invalid" });
export type LunarDateInput = z.infer<typeof LunarDateInput>;

/** Longest span a days-listing request may ask for, so one request cannot ask for a century. */
export const MAX_RANGE_YEARS = 3;

export const DateRange = z
  .object({ from: IsoDate, to: IsoDate })
  .refine((r) => r.from <= r.to, { error: "calendar.range_order", path: ["to"], abort: true })
  .refine(
    (r) => {
      const from = parseIsoDate(r.from)!;
      const limit = { year: from.year + MAX_RANGE_YEARS, month: from.month, day: from.month === 2 && from.day === 29 ? 28 : from.day };
      return dayNumber(parseIsoDate(r.to)!) <= dayNumber(limit);
    },
    { error: "calendar.range_too_long", path: ["to"] },
  );
export type DateRange = z.infer<typeof DateRange>;

/**
 * `same_day` is "trả kết quả trong ngày": the closing time of the receipt day, or of the next
 * working day when the dossier arrives after the same-day cut-off (15:00; e.g. Nghị định
 * 23/2015/NĐ-CP Điều 7 for certification, and the civil-status procedures' own steps). Its amount
 * is the number of further working days (0 = the same day), so a re-date adds whole days.
 */
export const DeadlineUnit = z.enum(["working_days", "working_hours", "calendar_days", "same_day"], { error: "calendar.unit_invalid" });
export type DeadlineUnit = z.infer<typeof DeadlineUnit>;

/**
 * Caps: a year of working days, the same in working hours (365 × 8), five calendar years. No
 * administrative procedure comes close; the caps stop absurd inputs from walking the calendar far.
 */
export const AMOUNT_LIMITS = { working_days: 365, working_hours: 2920, calendar_days: 1825, same_day: 365 } as const satisfies Record<DeadlineUnit, number>;

export const DeadlineAmount = z
  .object({
    amount: z.number({ error: "calendar.amount_integer" }).int({ error: "calendar.amount_integer" }).min(0, { error: "calendar.amount_integer" }),
    unit: DeadlineUnit,
  })
  .refine((a) => a.amount <= AMOUNT_LIMITS[a.unit], { error: "calendar.amount_too_large", path: ["amount"] });
export type DeadlineAmount = z.infer<typeof DeadlineAmount>;
