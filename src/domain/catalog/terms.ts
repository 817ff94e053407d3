// The terms a commune applies to a procedure it offers: time limit (with its legal basis), fees
// and document list. The national catalog gives them for the whole country and is often
// incomplete (200 of the 588 commune procedures have no readable time limit: "1", "3" without a
// unit, or nothing); the commune sets what is missing or local (fees decided by the provincial
// People's Council), and the appointment date and the slips use the result.
import { z } from "zod";
import { DEFAULT_FEE_DUE, FeeDue, FeeExemption } from "../payments/fees";
import { type ChannelOption, Fee, type Procedure, type TimeLimit } from "./model";
import { DocumentRequirements, requirementsFromCatalog } from "./requirements";

/** Units a commune may set (hours and months of the catalog are not offered: nobody sets them locally). */
export const LOCAL_TIME_UNITS = ["same_day", "working_days", "working_hours", "calendar_days"] as const;
export const LocalTimeUnit = z.enum(LOCAL_TIME_UNITS);
export type LocalTimeUnit = z.infer<typeof LocalTimeUnit>;

export const LocalTimeLimit = z
  .object({
    amount: z.number().int().min(0).max(365),
    unit: LocalTimeUnit,
    /** The legal basis: the article that sets the limit ("Luật Hộ tịch 2014, Điều 16"). */
    basis: z.string().trim().min(3).max(1000),
  })
  .refine((t) => t.unit === "same_day" || t.amount >= 1, { path: ["amount"], message: "msg:catalog.terms.err.amount" });
export type LocalTimeLimit = z.infer<typeof LocalTimeLimit>;

export const LocalFees = z.object({
  fees: z.array(Fee).min(1).max(10),
  /** The decision that sets a local fee (the provincial People's Council's resolution). */
  basis: z.string().trim().max(1000).nullable(),
  /** When the fee is due (docs/payments.md); absent in terms saved before payments existed. */
  due: FeeDue.default(DEFAULT_FEE_DUE),
  /** Who does not pay (the procedure's own list: "Người thuộc hộ nghèo"…), offered to the desk. */
  exemptions: z.array(FeeExemption).max(10).default([]),
});
export type LocalFees = z.infer<typeof LocalFees>;

export const LocalTerms = z.object({
  timeLimit: LocalTimeLimit.nullable(),
  fees: LocalFees.nullable(),
  documents: DocumentRequirements.nullable(),
});
export type LocalTerms = z.infer<typeof LocalTerms>;

export const NO_LOCAL_TERMS: LocalTerms = { timeLimit: null, fees: null, documents: null };

/**
 * The catalog's channels that concern a commune: rows for Vietnam's representative missions
 * abroad ("Tại cơ quan đại diện: 10 USD/bản") are charged in foreign currency by the consulate,
 * never at a commune's desk.
 */
export function communeChannels(p: Pick<Procedure, "channels">): ChannelOption[] {
  return p.channels.filter((c) => !/^\s*Tại cơ quan đại diện/iu.test(c.description ?? "") && !(c.fees.length > 0 && c.fees.every((f) => f.kind === "foreign")));
}

/** The counter channel's time limit and fees (what the desk quotes), else the first channel that has them. */
export function catalogDeskTerms(p: Pick<Procedure, "channels">): { timeLimit: TimeLimit | null; fees: Fee[] } {
  const order = [...communeChannels(p)].sort((a, b) => (a.channel === "in_person" ? -1 : 0) - (b.channel === "in_person" ? -1 : 0));
  return {
    timeLimit: order.find((c) => c.timeLimit)?.timeLimit ?? null,
    fees: order.find((c) => c.fees.length)?.fees ?? [],
  };
}

export type TermsSource = "local" | "catalog";

export type EffectiveTerms = {
  timeLimit: TimeLimit | null;
  /** null when neither the catalog nor the commune gives a limit: the procedure is flagged. */
  timeLimitSource: TermsSource | null;
  timeLimitBasis: string | null;
  fees: Fee[];
  feesSource: TermsSource;
  feesBasis: string | null;
  /** When the fee is due and who is exempt: the agency's decision, else the defaults. */
  feeDue: FeeDue;
  feeExemptions: string[];
  requirements: DocumentRequirements;
  documentsSource: TermsSource;
};

/** What applies: the commune's own terms where it set them, the catalog's otherwise. */
export function effectiveTerms(p: Procedure, local: LocalTerms | null): EffectiveTerms {
  const desk = catalogDeskTerms(p);
  const l = local ?? NO_LOCAL_TERMS;
  return {
    timeLimit: l.timeLimit ? { amount: l.timeLimit.amount, unit: l.timeLimit.unit } : desk.timeLimit,
    timeLimitSource: l.timeLimit ? "local" : desk.timeLimit ? "catalog" : null,
    timeLimitBasis: l.timeLimit?.basis ?? null,
    fees: l.fees ? l.fees.fees : desk.fees,
    feesSource: l.fees ? "local" : "catalog",
    feesBasis: l.fees?.basis ?? null,
    feeDue: l.fees?.due ?? DEFAULT_FEE_DUE,
    feeExemptions: l.fees?.exemptions ?? [],
    requirements: l.documents ?? requirementsFromCatalog(p.documents),
    documentsSource: l.documents ? "local" : "catalog",
  };
}

/** Reads stored local terms leniently: a column that no longer validates counts as unset. */
export function parseLocalTerms(row: { time_limit: unknown; fees: unknown; documents: unknown }): LocalTerms {
  const t = LocalTimeLimit.safeParse(row.time_limit);
  const f = LocalFees.safeParse(row.fees);
  const d = DocumentRequirements.safeParse(row.documents);
  return { timeLimit: t.success ? t.data : null, fees: f.success ? f.data : null, documents: d.success ? d.data : null };
}

export type TimeLimitSuggestion = { timeLimit: { amount: number; unit: LocalTimeUnit }; quote: string };

const SAME_DAY_STEP = /[^.;]{0,160}sau 15 giờ[^.;]{0,200}trong ngày làm việc tiếp theo[^.;]{0,80}/iu;
const WORKING_DAYS_STEP = /[^.;]{0,120}trong (?:thời hạn|vòng) (\d{1,3}) ngày làm việc,? (?:kể )?từ (?:ngày|khi) (?:nhận|tiếp nhận)[^.;]{0,120}/iu;

/**
 * A time limit the procedure's own steps state ("nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày
 * làm việc tiếp theo", "trong thời hạn 03 ngày làm việc kể từ ngày nhận hồ sơ"), offered to the
 * administrator with the sentence it comes from; never applied without them.
 */
export function suggestTimeLimit(p: Pick<Procedure, "steps">): TimeLimitSuggestion | undefined {
  const text = p.steps.join(" ");
  const same = SAME_DAY_STEP.exec(text);
  if (same) return { timeLimit: { amount: 0, unit: "same_day" }, quote: same[0].trim() };
  const days = WORKING_DAYS_STEP.exec(text);
  if (days) return { timeLimit: { amount: Number(days[1]), unit: "working_days" }, quote: days[0].trim() };
  return undefined;
}
