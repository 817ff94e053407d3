// Reading the review pages' forms (no JavaScript: one field per answer, one row per cost line)
// into the service's inputs, with a message key per field that is wrong.
import { COST_ACTIVITIES, type CostItem, WageSetting } from "../../domain/catalog/compliance-cost";
import { type Assessment, CONCLUSIONS, type Conclusion, REVIEW_CRITERIA, REVIEW_PARTS } from "../../domain/catalog/review";

export type FormValues = Record<string, string>;
export type FormErrors = Record<string, string>;

/** Blank cost rows offered under the existing ones, to add requirements. */
export const NEW_COST_ROWS = 3;
const MAX_COST_ROWS = 60;
const MAX_TEXT = 4000;

/** "1,5" or "1.5" hours (two decimals at most); "" is 0. */
export function parseHours(v: string | undefined): number | undefined {
  const s = (v ?? "").trim();
  if (s === "") return 0;
  if (!/^\d{1,5}([.,]\d{1,2})?$/.test(s)) return undefined;
  return Number(s.replace(",", "."));
}

/** "30.000", "30 000" or "30000" đồng; "" is 0 (or null where `blank` says). */
export function parseVnd(v: string | undefined): number | undefined {
  const s = (v ?? "").trim().replace(/\s/g, "").replace(/đồng|đ$/iu, "");
  if (s === "") return 0;
  if (!/^\d{1,3}(\.\d{3})+$|^\d{1,13}$/.test(s)) return undefined;
  return Number(s.replace(/\./g, ""));
}

const nfc = (s: string | undefined) => (s ?? "").normalize("NFC").trim();

export function assessmentFieldName(part: string, what: string): string {
  return `a_${part}_${what}`;
}

/** The form of Biểu mẫu 02/RS-KSTT: three answers, a proposal and a reason per part; the conclusion. */
export function parseAssessmentForm(v: FormValues): { ok: true; value: { assessment: Assessment; conclusion: Conclusion | null; recommendation: string } } | { ok: false; errors: FormErrors } {
  const errors: FormErrors = {};
  const assessment: Assessment = {};
  for (const part of REVIEW_PARTS) {
    const answers = Object.fromEntries(
      REVIEW_CRITERIA.map((c) => {
        const name = assessmentFieldName(part, c);
        const raw = v[name] ?? "";
        if (raw !== "" && raw !== "yes" && raw !== "no") errors[name] = "reviews.err.answer";
        return [c, raw === "yes" || raw === "no" ? raw : null];
      }),
    ) as Record<(typeof REVIEW_CRITERIA)[number], "yes" | "no" | null>;
    const proposal = nfc(v[assessmentFieldName(part, "proposal")]);
    const reason = nfc(v[assessmentFieldName(part, "reason")]);
    if (proposal.length > MAX_TEXT) errors[assessmentFieldName(part, "proposal")] = "reviews.err.tooLong";
    if (reason.length > MAX_TEXT) errors[assessmentFieldName(part, "reason")] = "reviews.err.tooLong";
    assessment[part] = { ...answers, proposal, reason };
  }
  const c = v.conclusion ?? "";
  if (c !== "" && !(CONCLUSIONS as readonly string[]).includes(c)) errors.conclusion = "reviews.err.conclusion";
  const recommendation = nfc(v.recommendation);
  if (recommendation.length > MAX_TEXT) errors.recommendation = "reviews.err.tooLong";
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { assessment, conclusion: c === "" ? null : (c as Conclusion), recommendation } };
}

export type CostForm = { items: CostItem[]; feeBefore: number | null; feeAfter: number | null; dossiersPerYear: number | null };

/** The cost table (Biểu mẫu 03/SCM-KSTT): rows c{i}_…; a row with no label and no figures is dropped. */
export function parseCostForm(v: FormValues): { ok: true; value: CostForm } | { ok: false; errors: FormErrors } {
  const errors: FormErrors = {};
  const rows = new Set<number>();
  for (const k of Object.keys(v)) {
    const m = /^c(\d{1,3})_/.exec(k);
    if (m) rows.add(Number(m[1]));
  }
  const items: CostItem[] = [];
  for (const i of [...rows].sort((a, b) => a - b)) {
    const f = (name: string) => `c${i}_${name}`;
    const label = nfc(v[f("label")]);
    const figures = ["hoursBefore", "hoursAfter", "otherBefore", "otherAfter"].map((n) => (v[f(n)] ?? "").trim());
    if (label === "" && figures.every((x) => x === "" || x === "0")) continue;
    if (label === "") errors[f("label")] = "reviews.err.costLabel";
    if (label.length > 500) errors[f("label")] = "reviews.err.tooLong";
    const activity = v[f("activity")] ?? "other";
    if (!(COST_ACTIVITIES as readonly string[]).includes(activity)) errors[f("activity")] = "reviews.err.activity";
    const hoursBefore = parseHours(v[f("hoursBefore")]);
    const hoursAfter = parseHours(v[f("hoursAfter")]);
    const otherBefore = parseVnd(v[f("otherBefore")]);
    const otherAfter = parseVnd(v[f("otherAfter")]);
    if (hoursBefore === undefined) errors[f("hoursBefore")] = "reviews.err.hours";
    if (hoursAfter === undefined) errors[f("hoursAfter")] = "reviews.err.hours";
    if (otherBefore === undefined) errors[f("otherBefore")] = "reviews.err.vnd";
    if (otherAfter === undefined) errors[f("otherAfter")] = "reviews.err.vnd";
    if (hoursBefore !== undefined && hoursAfter !== undefined && otherBefore !== undefined && otherAfter !== undefined && label) {
      items.push({ activity: activity as CostItem["activity"], label: label.slice(0, 500), hoursBefore, hoursAfter, otherBefore, otherAfter });
    }
  }
  if (items.length > MAX_COST_ROWS) errors._ = "reviews.err.tooManyRows";
  const fee = (name: "feeBefore" | "feeAfter") => {
    const raw = (v[name] ?? "").trim();
    if (raw === "") return null;
    const n = parseVnd(raw);
    if (n === undefined) errors[name] = "reviews.err.vnd";
    return n ?? null;
  };
  const feeBefore = fee("feeBefore");
  const feeAfter = fee("feeAfter");
  let dossiersPerYear: number | null = null;
  const d = (v.dossiersPerYear ?? "").trim().replace(/\./g, "");
  if (d !== "") {
    if (!/^\d{1,8}$/.test(d)) errors.dossiersPerYear = "reviews.err.dossiers";
    else dossiersPerYear = Number(d);
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { items, feeBefore, feeAfter: feeAfter ?? feeBefore, dossiersPerYear } };
}

/** The income setting's form. */
export function parseWageForm(v: FormValues): { ok: true; value: WageSetting } | { ok: false; errors: FormErrors } {
  const errors: FormErrors = {};
  const income = parseVnd(v.annualIncomeVnd);
  const year = Number((v.year ?? "").trim());
  const source = nfc(v.source);
  if (income === undefined || income < 1_000_000 || income > 100_000_000_000) errors.annualIncomeVnd = "reviews.err.income";
  if (!Number.isInteger(year) || year < 2000 || year > 2100) errors.year = "reviews.err.year";
  if (source.length < 3 || source.length > 500) errors.source = "reviews.err.source";
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: WageSetting.parse({ annualIncomeVnd: income, year, source }) };
}
