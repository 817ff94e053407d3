// Indicators 5.2–5.4 of the national service-quality index (QĐ 766/QĐ-TTg, as the national
// portal's "Mô tả công thức tính chỉ số 766" describes them), for the index work to use:
//   5.2 PAKN handled on time     = PAKN on time ÷ PAKN                                  (max 6)
//   5.3 satisfaction with PAKN    = (PAKN − disliked − overdue) ÷ PAKN                   (max 6)
//   5.4 satisfaction with TTHC    = 100 % − (% overdue dossiers + % with a PAKN or a dislike)
//                                                                   (max 6, full at ≥ 90 %)
// The formulas are applied as the portal writes them: in 5.3 a PAKN both disliked and overdue is
// subtracted twice, in 5.4 a dossier both overdue and complained about counts in both shares; the
// result is kept within 0–100 %. Points: the share of the maximum that the rate reaches of its
// "full at" level (our reading for 5.2 and 5.3, whose full level the source does not give: 100 %).

export type Rate = {
  /** What counts for the indicator (the numerator). */
  count: number;
  /** Of how many (the denominator). */
  of: number;
  /** 0–1; null when there is nothing to measure (no PAKN, no dossier in the period). */
  rate: number | null;
};

function rateOf(count: number, of: number): Rate {
  return { count, of, rate: of === 0 ? null : Math.min(1, Math.max(0, count / of)) };
}

/** 5.2: the share of PAKN whose every limited step kept its limit. */
export function onTimeFeedbackRate(items: readonly { late: boolean }[]): Rate {
  return rateOf(items.filter((i) => !i.late).length, items.length);
}

/** 5.3: (all − disliked − overdue) ÷ all, each subtraction counted on its own. */
export function feedbackSatisfactionRate(items: readonly { late: boolean; disliked: boolean }[]): Rate {
  const disliked = items.filter((i) => i.disliked).length;
  const late = items.filter((i) => i.late).length;
  return rateOf(Math.max(0, items.length - disliked - late), items.length);
}

export type ProcedureSatisfaction = Rate & {
  /** Share of the dossiers that were (or are) overdue. */
  overdueShare: number | null;
  /** Share of the dossiers with a PAKN about them or an overall "Không hài lòng". */
  complainedShare: number | null;
};

/** 5.4: 100 % − (% overdue + % with a PAKN or a dislike), kept within 0–100 %. */
export function procedureSatisfactionRate(items: readonly { overdue: boolean; feedback: boolean; disliked: boolean }[]): ProcedureSatisfaction {
  const n = items.length;
  if (n === 0) return { count: 0, of: 0, rate: null, overdueShare: null, complainedShare: null };
  const overdue = items.filter((i) => i.overdue).length;
  const complained = items.filter((i) => i.feedback || i.disliked).length;
  const rate = Math.min(1, Math.max(0, 1 - overdue / n - complained / n));
  return { count: Math.round(rate * n), of: n, rate, overdueShare: overdue / n, complainedShare: complained / n };
}

export const FEEDBACK_INDICATORS = {
  "5.2": { max: 6, fullAt: 1 },
  "5.3": { max: 6, fullAt: 1 },
  "5.4": { max: 6, fullAt: 0.9 },
} as const satisfies Record<string, { max: number; fullAt: number }>;
export type FeedbackIndicator = keyof typeof FEEDBACK_INDICATORS;

/** Points of an indicator: max × min(1, rate ÷ full level), two decimals; null without a rate. */
export function indicatorPoints(indicator: FeedbackIndicator, rate: number | null): number | null {
  if (rate === null) return null;
  const { max, fullAt } = FEEDBACK_INDICATORS[indicator];
  return Math.round(max * Math.min(1, rate / fullAt) * 100) / 100;
}
