// A citizen's rating of a dossier once its result is returned (or the dossier refused): the overall
// level (Part II of the evaluation form) and the 9 items of the official form, each 0–2 points
// (18 in all), as the one-stop systems score them (notes: indexes.md, "Dossier evaluation form";
// the criteria of Nghị định 61/2018/NĐ-CP Điều 32). Pure: parsing and aggregates.

import { z } from "zod";

export const OVERALL_LEVELS = ["very_satisfied", "satisfied", "dissatisfied"] as const;
export type OverallLevel = (typeof OVERALL_LEVELS)[number];

/** The 9 items, in the form's order (item n is RATING_ITEMS[n - 1]). */
export const RATING_ITEMS = [
  "total_time", // total time of the dossier against the rule
  "agency_time", // time at each agency, coordination included
  "contacts", // times the applicant had to come back to complete the dossier
  "agencies", // agencies the applicant had to go to
  "desk", // how the one-stop desk is organised
  "publication", // publication of the procedure
  "attitude", // officials' attitude
  "feedback", // how feedback was handled
  "online", // quality of the online service
] as const;
export type RatingItem = (typeof RATING_ITEMS)[number];
export const ITEM_POINTS = [0, 1, 2] as const;
export const MAX_POINTS = RATING_ITEMS.length * 2;
export const MAX_COMMENT = 1000;

/** Dossiers a rating may be given for: the result handed over, or the dossier refused. */
export const RATEABLE_DOSSIER_STATUSES = ["returned", "refused"] as const;

const point = z.coerce
  .number({ error: "msg:feedback.rating.err.item" })
  .int({ error: "msg:feedback.rating.err.item" })
  .min(0, { error: "msg:feedback.rating.err.item" })
  .max(2, { error: "msg:feedback.rating.err.item" });

/** Items keyed "1".."9" (the API's shape, and the form's field names item1..item9 mapped to it). */
export const RatingItems = z.object(Object.fromEntries(RATING_ITEMS.map((_, i) => [String(i + 1), point])) as Record<`${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`, typeof point>, {
  error: "msg:feedback.rating.err.item",
});
export type RatingItems = z.infer<typeof RatingItems>;

export const RatingInput = z.object({
  overall: z.enum(OVERALL_LEVELS, { error: "msg:feedback.rating.err.overall" }),
  items: RatingItems,
  comment: z
    .string()
    .max(MAX_COMMENT * 2, { error: "msg:feedback.rating.err.comment" })
    .transform((s) => s.normalize("NFC").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").trim())
    .pipe(z.string().max(MAX_COMMENT, { error: "msg:feedback.rating.err.comment" }))
    .optional(),
});
export type RatingInput = z.infer<typeof RatingInput>;

/** The items as an array of 9 points, item 1 first. */
export function itemPoints(items: RatingItems): number[] {
  return RATING_ITEMS.map((_, i) => items[String(i + 1) as keyof RatingItems]);
}

export function totalPoints(items: RatingItems): number {
  return itemPoints(items).reduce((a, b) => a + b, 0);
}

/** Ratings that ask for follow-up: overall "Không hài lòng", or half the points or fewer. */
export function isLowRating(r: { overall: OverallLevel; points: number }): boolean {
  return r.overall === "dissatisfied" || r.points <= MAX_POINTS / 2;
}

export type RatingRow = { overall: OverallLevel; items: readonly number[] };

export type RatingSummary = {
  count: number;
  /** Shares 0–1 (null without ratings). */
  satisfied: number | null;
  verySatisfied: number | null;
  dissatisfied: number | null;
  /** Average points of each item, item 1 first (null without ratings). */
  itemAverages: (number | null)[];
  /** Average total out of MAX_POINTS. */
  averagePoints: number | null;
};

/** Counts of a set of ratings, as a database sums them. */
export type RatingTotals = { count: number; verySatisfied: number; satisfied: number; dissatisfied: number; itemSums: readonly number[] };

/** Share satisfied = "Rất hài lòng" + "Hài lòng"; averages of each item and of the total. */
export function summaryOf(t: RatingTotals): RatingSummary {
  const n = t.count;
  if (n === 0) return { count: 0, satisfied: null, verySatisfied: null, dissatisfied: null, itemAverages: RATING_ITEMS.map(() => null), averagePoints: null };
  const sums = RATING_ITEMS.map((_, i) => t.itemSums[i] ?? 0);
  return {
    count: n,
    satisfied: (t.verySatisfied + t.satisfied) / n,
    verySatisfied: t.verySatisfied / n,
    dissatisfied: t.dissatisfied / n,
    itemAverages: sums.map((s) => s / n),
    averagePoints: sums.reduce((a, b) => a + b, 0) / n,
  };
}

export function summarise(rows: readonly RatingRow[]): RatingSummary {
  const count = (level: OverallLevel) => rows.filter((r) => r.overall === level).length;
  return summaryOf({
    count: rows.length,
    verySatisfied: count("very_satisfied"),
    satisfied: count("satisfied"),
    dissatisfied: count("dissatisfied"),
    itemSums: RATING_ITEMS.map((_, i) => rows.reduce((s, r) => s + (r.items[i] ?? 0), 0)),
  });
}

/** Calendar quarter (1–4) of an instant in Vietnam time. */
export function quarterOf(at: Date): { year: number; quarter: 1 | 2 | 3 | 4 } {
  const local = new Date(at.getTime() + 7 * 3_600_000);
  return { year: local.getUTCFullYear(), quarter: (Math.floor(local.getUTCMonth() / 3) + 1) as 1 | 2 | 3 | 4 };
}

/** First and last day (ISO dates, Vietnam time) of a quarter. */
export function quarterRange(year: number, quarter: 1 | 2 | 3 | 4): { from: string; to: string } {
  const m = (quarter - 1) * 3;
  const last = new Date(Date.UTC(year, m + 3, 0)).getUTCDate();
  return { from: `${year}-${String(m + 1).padStart(2, "0")}-01`, to: `${year}-${String(m + 3).padStart(2, "0")}-${String(last).padStart(2, "0")}` };
}
