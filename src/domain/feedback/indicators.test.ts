import { describe, expect, it } from "vitest";
import { feedbackSatisfactionRate, indicatorPoints, onTimeFeedbackRate, procedureSatisfactionRate } from "./indicators";

const many = <T>(n: number, item: T): T[] => Array.from({ length: n }, () => item);

describe("indicator 5.2: PAKN handled on time", () => {
  it("worked example: 20 PAKN in the quarter, 2 answered late, 1 refused after 3 working days → 17 ÷ 20 = 85 %, 5.1 of 6 points", () => {
    const items = [...many(17, { late: false }), ...many(3, { late: true })];
    const r = onTimeFeedbackRate(items);
    expect(r).toEqual({ count: 17, of: 20, rate: 0.85 });
    expect(indicatorPoints("5.2", r.rate)).toBe(5.1);
  });

  it("no PAKN in the period: nothing to measure (not 0 %, not 100 %)", () => {
    expect(onTimeFeedbackRate([])).toEqual({ count: 0, of: 0, rate: null });
    expect(indicatorPoints("5.2", null)).toBeNull();
  });
});

describe("indicator 5.3: satisfaction with PAKN = (all − disliked − overdue) ÷ all", () => {
  it("worked example: 10 PAKN, 1 disliked, 2 overdue → (10 − 1 − 2) ÷ 10 = 70 %, 4.2 of 6 points", () => {
    const items = [...many(7, { late: false, disliked: false }), { late: false, disliked: true }, ...many(2, { late: true, disliked: false })];
    const r = feedbackSatisfactionRate(items);
    expect(r).toEqual({ count: 7, of: 10, rate: 0.7 });
    expect(indicatorPoints("5.3", r.rate)).toBe(4.2);
  });

  it("as the portal writes it: a PAKN both disliked and overdue is subtracted twice", () => {
    const items = [...many(8, { late: false, disliked: false }), { late: true, disliked: true }, { late: false, disliked: false }];
    expect(feedbackSatisfactionRate(items)).toEqual({ count: 8, of: 10, rate: 0.8 });
  });

  it("never below 0 %", () => {
    expect(feedbackSatisfactionRate(many(3, { late: true, disliked: true }))).toEqual({ count: 0, of: 3, rate: 0 });
  });
});

describe("indicator 5.4: satisfaction with procedures = 100 % − (% overdue + % with a PAKN or a dislike)", () => {
  const ok = { overdue: false, feedback: false, disliked: false };
  it("worked example: 200 dossiers, 6 overdue, 4 with a PAKN, 6 rated Không hài lòng → 100 % − (3 % + 5 %) = 92 %, full 6 points", () => {
    const items = [...many(184, ok), ...many(6, { ...ok, overdue: true }), ...many(4, { ...ok, feedback: true }), ...many(6, { ...ok, disliked: true })];
    const r = procedureSatisfactionRate(items);
    expect(r.of).toBe(200);
    expect(r.overdueShare).toBeCloseTo(0.03, 10);
    expect(r.complainedShare).toBeCloseTo(0.05, 10);
    expect(r.rate).toBeCloseTo(0.92, 10);
    expect(indicatorPoints("5.4", r.rate)).toBe(6);
  });

  it("a dossier with both a PAKN and a dislike counts once in the second share; overdue and complained about counts in both", () => {
    const items = [...many(16, ok), { overdue: false, feedback: true, disliked: true }, { overdue: true, feedback: true, disliked: false }, ...many(2, ok)];
    const r = procedureSatisfactionRate(items);
    // 20 dossiers: overdue 1 (5 %), with a PAKN or a dislike 2 (10 %) → 85 %; below the 90 % for full points: 6 × 0.85 ÷ 0.9.
    expect(r.overdueShare).toBeCloseTo(0.05, 10);
    expect(r.complainedShare).toBeCloseTo(0.1, 10);
    expect(r.rate).toBeCloseTo(0.85, 10);
    expect(indicatorPoints("5.4", r.rate)).toBe(5.67);
  });

  it("no dossier: nothing to measure; the rate never goes below 0 %", () => {
    expect(procedureSatisfactionRate([]).rate).toBeNull();
    expect(procedureSatisfactionRate(many(4, { overdue: true, feedback: true, disliked: false })).rate).toBe(0);
  });
});
