// Official yearly holiday schedules for civil servants (công chức, viên chức), as data. The Prime
// Minister fixes the Tết days and day swaps every year; the Ministry (Bộ Lao động - Thương binh và
// Xã hội until 2025, Bộ Nội vụ since) announces them. A schedule is COMPLETE for its year: when a
// year has one, the default rules of holidays.ts are not used for that year at all, so every day
// off (statutory holidays, compensatory days, swapped days) is listed, and every make-up Saturday.

import { z } from "zod";
import { IsoDate } from "./validation";

const ScheduleDocument = z.object({
  /** Number and symbol as printed, e.g. "5015/TB-LĐTBXH". */
  number: z.string().trim().min(1).max(100),
  title: z.string().trim().min(1).max(500),
  date: IsoDate,
  issuer: z.string().trim().min(1).max(200),
});
export type ScheduleDocument = z.infer<typeof ScheduleDocument>;

export const DayOffReasonCode = z.enum([
  "new_year",
  "tet",
  "hung_kings",
  "victory_day",
  "labour_day",
  "national_day",
  "other",
  "compensatory",
  "swapped",
]);
export type DayOffReasonCode = z.infer<typeof DayOffReasonCode>;

const Label = z.object({ vi: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) });

/**
 * How far the shipped data was checked: the document's own text, press or government-site reports
 * that quote it by number, or neither (then an administrator should confirm it).
 */
export const Verification = z.enum(["official_text", "press_reports", "unverified"]);
export type Verification = z.infer<typeof Verification>;

export const YearSchedule = z
  .object({
    year: z.number().int().min(1900).max(2100),
    document: ScheduleDocument,
    relatedDocuments: z.array(ScheduleDocument).max(20).readonly().optional(),
    verification: Verification,
    note: z.string().max(2000).optional(),
    daysOff: z
      .array(
        z.object({
          date: IsoDate,
          reason: DayOffReasonCode,
          /** Name of a holiday not in Điều 112 (reason "other"), e.g. a newly created one. */
          label: Label.optional(),
        }),
      )
      .max(60)
      .readonly(),
    /** Rest days that are worked instead (làm bù), usually a Saturday making up a swapped day. */
    workingDays: z.array(z.object({ date: IsoDate, reason: z.string().trim().min(1).max(200) })).max(20).readonly(),
  })
  .superRefine((schedule, ctx) => {
    const seen = new Set<string>();
    const entries = [...schedule.daysOff.map((d, i) => ["daysOff", i, d.date] as const), ...schedule.workingDays.map((d, i) => ["workingDays", i, d.date] as const)];
    for (const [list, index, date] of entries) {
      if (Number(date.slice(0, 4)) !== schedule.year) {
        ctx.addIssue({ code: "custom", path: [list, index, "date"], message: "calendar.schedule_wrong_year" });
      }
      if (seen.has(date)) ctx.addIssue({ code: "custom", path: [list, index, "date"], message: "calendar.schedule_duplicate" });
      seen.add(date);
    }
  });
export type YearSchedule = z.infer<typeof YearSchedule>;

const MOLISA = "Bộ Lao động - Thương binh và Xã hội";
const VPCP = "Văn phòng Chính phủ";

export const OFFICIAL_SCHEDULES = [
  {
    year: 2024,
    document: {
      number: "5015/TB-LĐTBXH",
      title: "Thông báo về việc nghỉ Tết Âm lịch và nghỉ lễ Quốc khánh năm 2024 đối với cán bộ, công chức, viên chức và người lao động",
      date: "2023-11-22",
      issuer: MOLISA,
    },
    relatedDocuments: [
      {
        number: "8662/VPCP-KGVX",
        title: "Ý kiến Thủ tướng Chính phủ về nghỉ Tết Âm lịch và nghỉ lễ Quốc khánh năm 2024",
        date: "2023-11-03",
        issuer: VPCP,
      },
      {
        number: "2450/VPCP-KGVX",
        title: "Hoán đổi ngày làm việc dịp nghỉ lễ Ngày Chiến thắng 30/4 và Ngày Quốc tế lao động 1/5/2024",
        date: "2024-04-12",
        issuer: VPCP,
      },
    ],
    verification: "press_reports",
    note: "Tết 08/02–14/02 (29 tháng Chạp Quý Mão – mùng 5 Giáp Thìn): 5 ngày Tết + 2 ngày nghỉ bù; 30/4–1/5: nghỉ 27/4–01/5, hoán đổi thứ Hai 29/4 sang thứ Bảy 04/5; Quốc khánh 31/8–03/9.",
    daysOff: [
      { date: "2024-01-01", reason: "new_year" },
      { date: "2024-02-08", reason: "tet" },
      { date: "2024-02-09", reason: "tet" },
      { date: "2024-02-10", reason: "tet" },
      { date: "2024-02-11", reason: "tet" },
      { date: "2024-02-12", reason: "tet" },
      { date: "2024-02-13", reason: "compensatory" },
      { date: "2024-02-14", reason: "compensatory" },
      { date: "2024-04-18", reason: "hung_kings" },
      { date: "2024-04-29", reason: "swapped" },
      { date: "2024-04-30", reason: "victory_day" },
      { date: "2024-05-01", reason: "labour_day" },
      { date: "2024-09-02", reason: "national_day" },
      { date: "2024-09-03", reason: "national_day" },
    ],
    workingDays: [{ date: "2024-05-04", reason: "Làm bù cho thứ Hai 29/4/2024" }],
  },
  {
    year: 2025,
    document: {
      number: "8726/VPCP-KGVX",
      title: "Ý kiến Thủ tướng Chính phủ về việc nghỉ Tết Âm lịch và một số dịp nghỉ lễ trong năm 2025",
      date: "2024-11-26",
      issuer: VPCP,
    },
    verification: "press_reports",
    note:
      "Tết 25/01–02/02 (26 tháng Chạp Giáp Thìn – mùng 5 Ất Tỵ), 9 ngày không hoán đổi, nên 5 ngày Tết là thứ Hai 27/01 – thứ Sáu 31/01; " +
      "30/4–1/5: nghỉ 30/4–04/5, hoán đổi thứ Sáu 02/5 sang thứ Bảy 26/4; Quốc khánh 30/8–02/9 (1/9 và 2/9). " +
      "Số thông báo của Bộ LĐTBXH chưa được đối chiếu.",
    daysOff: [
      { date: "2025-01-01", reason: "new_year" },
      { date: "2025-01-27", reason: "tet" },
      { date: "2025-01-28", reason: "tet" },
      { date: "2025-01-29", reason: "tet" },
      { date: "2025-01-30", reason: "tet" },
      { date: "2025-01-31", reason: "tet" },
      { date: "2025-04-07", reason: "hung_kings" },
      { date: "2025-04-30", reason: "victory_day" },
      { date: "2025-05-01", reason: "labour_day" },
      { date: "2025-05-02", reason: "swapped" },
      { date: "2025-09-01", reason: "national_day" },
      { date: "2025-09-02", reason: "national_day" },
    ],
    workingDays: [{ date: "2025-04-26", reason: "Làm bù cho thứ Sáu 02/5/2025" }],
  },
  {
    year: 2026,
    document: {
      number: "12729/VPCP-KGVX",
      title: "Ý kiến Phó Thủ tướng Chính phủ về việc nghỉ Tết Dương lịch năm 2026",
      date: "2025-12-25",
      issuer: VPCP,
    },
    verification: "unverified",
    note:
      "Tết Dương lịch 01/01–04/01, hoán đổi thứ Sáu 02/01 sang thứ Bảy 10/01 (12729/VPCP-KGVX, theo báo chí). " +
      "Tết 14/02–22/02 (27 tháng Chạp Ất Tỵ – mùng 6 Bính Ngọ), 9 ngày không hoán đổi: theo báo chí, chưa thấy số văn bản. " +
      "Giỗ Tổ 26/4 là Chủ nhật nên nghỉ bù thứ Hai 27/4 (Điều 111 khoản 3). " +
      "Quốc khánh 29/8–02/9, hoán đổi thứ Hai 31/8 sang thứ Bảy 22/8: theo đề xuất của Bộ Nội vụ, chưa thấy văn bản chấp thuận.",
    daysOff: [
      { date: "2026-01-01", reason: "new_year" },
      { date: "2026-01-02", reason: "swapped" },
      { date: "2026-02-16", reason: "tet" },
      { date: "2026-02-17", reason: "tet" },
      { date: "2026-02-18", reason: "tet" },
      { date: "2026-02-19", reason: "tet" },
      { date: "2026-02-20", reason: "tet" },
      { date: "2026-04-26", reason: "hung_kings" },
      { date: "2026-04-27", reason: "compensatory" },
      { date: "2026-04-30", reason: "victory_day" },
      { date: "2026-05-01", reason: "labour_day" },
      { date: "2026-08-31", reason: "swapped" },
      { date: "2026-09-01", reason: "national_day" },
      { date: "2026-09-02", reason: "national_day" },
    ],
    workingDays: [
      { date: "2026-01-10", reason: "Làm bù cho thứ Sáu 02/01/2026" },
      { date: "2026-08-22", reason: "Làm bù cho thứ Hai 31/8/2026" },
    ],
  },
] as const satisfies readonly YearSchedule[];
