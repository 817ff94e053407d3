// Compliance cost of a procedure (chi phí tuân thủ thủ tục hành chính) by the standard cost model
// of Thông tư 02/2017/TT-VPCP (its guide to calculating compliance costs and the worksheet,
// Biểu mẫu 03/SCM-KSTT), as docs/reviews.md explains:
//
//   hourly income  W  = yearly income per head ÷ 12 months ÷ 22 working days ÷ 8 hours
//   one dossier    C1 = Σ (hours of each activity × W) + Σ other costs of each activity + fees and charges
//   one year       C  = C1 × number of dossiers a year
//   saving         S  = C(before) − C(after);  rate = S ÷ C(before) × 100 %
//   simplification rate of several procedures = Σ S ÷ Σ C(before)
//
// Activities are the requirements a citizen meets: preparing each document, travelling to the
// desk and back, waiting, and anything else the review finds. Pure; money in whole đồng.
import { z } from "zod";

export const MONTHS_PER_YEAR = 12;
export const WORKING_DAYS_PER_MONTH = 22;
export const HOURS_PER_DAY = 8;

/** The income figure the hourly value of a citizen's time is derived from, with its source. */
export const WageSetting = z.object({
  annualIncomeVnd: z.number().int().min(1_000_000).max(100_000_000_000),
  year: z.number().int().min(2000).max(2100),
  source: z.string().min(3).max(500),
});
export type WageSetting = z.infer<typeof WageSetting>;

/**
 * The default until an administrator sets the current figure: GDP per head of 2024 at current
 * prices, 114 million đồng (General Statistics Office, socio-economic report of January 2025).
 * [?] Whether the circular means GDP per head or the household survey's income per head is not
 * confirmed here; the setting names its own source.
 */
export const DEFAULT_WAGE: WageSetting = {
  annualIncomeVnd: 114_000_000,
  year: 2024,
  source: "GDP bình quân đầu người năm 2024 theo giá hiện hành (Tổng cục Thống kê, báo cáo tình hình kinh tế – xã hội quý IV và năm 2024)",
};

/** Value of one hour of a citizen's time, in đồng (not rounded: the totals are). */
export function hourlyIncome(w: Pick<WageSetting, "annualIncomeVnd">): number {
  return w.annualIncomeVnd / MONTHS_PER_YEAR / WORKING_DAYS_PER_MONTH / HOURS_PER_DAY;
}

export const COST_ACTIVITIES = ["document", "travel", "waiting", "submission", "other"] as const;
export type CostActivity = (typeof COST_ACTIVITIES)[number];
export const COST_ACTIVITY_WORDS = {
  document: "Chuẩn bị giấy tờ",
  travel: "Đi lại",
  waiting: "Chờ đợi",
  submission: "Nộp hồ sơ, nhận kết quả",
  other: "Khác",
} as const satisfies Record<CostActivity, string>;

const hours = z.number().min(0).max(10_000);
const vnd = z.number().int().min(0).max(1_000_000_000_000);

/** One requirement of the procedure, before and after the proposed simplification (0 hours after = removed). */
export const CostItem = z.object({
  activity: z.enum(COST_ACTIVITIES),
  label: z.string().min(1).max(500),
  hoursBefore: hours,
  hoursAfter: hours,
  /** Other costs of the activity for one dossier: copies, certification, fares, postage. */
  otherBefore: vnd,
  otherAfter: vnd,
});
export type CostItem = z.infer<typeof CostItem>;

export type CostInput = {
  items: readonly CostItem[];
  /** Fees and charges of one dossier. */
  feeBefore: number;
  feeAfter: number;
  /** Dossiers a year (số lượng hồ sơ/năm: those who comply × how often). */
  dossiersPerYear: number;
};

export type CostLine = { label: string; activity: CostActivity; before: number; after: number };

export type CostResult = {
  hourly: number;
  /** One dossier, in đồng (rounded to whole đồng). */
  perDossier: { before: number; after: number };
  /** Each activity's cost for one dossier (time × W + other costs), then the fees line. */
  lines: CostLine[];
  dossiersPerYear: number;
  /** A year, in đồng. */
  before: number;
  after: number;
  saving: number;
  /** Percent, two decimals; 0 when nothing cost anything before. */
  savingRate: number;
};

const round2 = (x: number) => Math.round(x * 100) / 100;

export function complianceCost(input: CostInput, wage: Pick<WageSetting, "annualIncomeVnd">): CostResult {
  const w = hourlyIncome(wage);
  const lines: CostLine[] = input.items.map((i) => ({
    label: i.label,
    activity: i.activity,
    before: i.hoursBefore * w + i.otherBefore,
    after: i.hoursAfter * w + i.otherAfter,
  }));
  lines.push({ label: "Phí, lệ phí", activity: "other", before: input.feeBefore, after: input.feeAfter });
  const oneBefore = lines.reduce((s, l) => s + l.before, 0);
  const oneAfter = lines.reduce((s, l) => s + l.after, 0);
  const before = Math.round(oneBefore * input.dossiersPerYear);
  const after = Math.round(oneAfter * input.dossiersPerYear);
  const saving = before - after;
  return {
    hourly: w,
    perDossier: { before: Math.round(oneBefore), after: Math.round(oneAfter) },
    lines: lines.map((l) => ({ ...l, before: Math.round(l.before), after: Math.round(l.after) })),
    dossiersPerYear: input.dossiersPerYear,
    before,
    after,
    saving,
    savingRate: before > 0 ? round2((saving / before) * 100) : 0,
  };
}

/** The simplification rate across several reviewed procedures: total saving over total cost before. */
export function simplificationRate(costs: readonly Pick<CostResult, "before" | "after">[]): { before: number; after: number; saving: number; savingRate: number } {
  const before = costs.reduce((s, c) => s + c.before, 0);
  const after = costs.reduce((s, c) => s + c.after, 0);
  const saving = before - after;
  return { before, after, saving, savingRate: before > 0 ? round2((saving / before) * 100) : 0 };
}

/** "12,34 %" the Vietnamese way. */
export function percentText(rate: number): string {
  return `${rate.toFixed(2).replace(".", ",")}%`;
}
