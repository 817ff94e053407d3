import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkPeriod,
  judgeDossier21,
  pointsFor,
  presetPeriod,
  QD766_VERSIONS,
  type Qd766Figure,
  type Qd766Indicator,
  type Qd766Version,
  rankAgencies,
  rateOf,
  scoreIndicator,
  sumFigures,
  totalOf,
  versionInForce,
} from "./qd766";

const at = (s: string) => new Date(`${s}+07:00`);
// March 2026, judged at its end.
const MARCH = { start: at("2026-03-01T00:00:00"), end: at("2026-04-01T00:00:00"), cut: at("2026-04-01T00:00:00") };
const indicator = (code: string): Qd766Indicator => QD766_VERSIONS[0].indicators.find((i) => i.code === code)!;

describe("the indicator table", () => {
  it("has unique codes, points summing to 100, targets within (0, 1], a reason for every indicator without a source", () => {
    for (const v of QD766_VERSIONS) {
      const codes = v.indicators.map((i) => i.code);
      expect(new Set(codes).size).toBe(codes.length);
      expect(v.indicators.reduce((s, i) => s + i.max, 0)).toBe(100);
      for (const i of v.indicators) {
        expect(i.target).toBeGreaterThan(0);
        expect(i.target).toBeLessThanOrEqual(1);
        if (i.source === "none") expect((i as Qd766Indicator).noDataReason).toBeDefined();
      }
    }
  });

  it("the period picks the version in force on its last day: a revised decision is a new row", () => {
    const revised: Qd766Version = { id: "766-rev", decision: "revised", effectiveFrom: "2027-01-01", indicators: [{ ...indicator("2.1"), max: 30 }] };
    const versions = [...QD766_VERSIONS, revised];
    expect(versionInForce("2026-12-31", versions).id).toBe("766-2022");
    expect(versionInForce("2027-01-01", versions).id).toBe("766-rev");
    // Before the first decision: the first version (nothing older exists).
    expect(versionInForce("2020-01-01", versions).id).toBe("766-2022");
  });
});

describe("points = min(max, max × rate ÷ target)", () => {
  it("worked examples", () => {
    // 3.3: 40 % of dossiers online, full marks at 50 %, 4 points → 3.2.
    expect(pointsFor(4, 0.4, 0.5)).toBe(3.2);
    // Above the target: capped at the maximum.
    expect(pointsFor(4, 0.6, 0.5)).toBe(4);
    // 2.1: 4 of 7 dossiers on time, 20 points → 11.43.
    expect(pointsFor(20, 4 / 7, 1)).toBe(11.43);
    expect(pointsFor(0, 0.5, 1)).toBe(0);
  });

  it("never above the maximum nor below zero, and never less for a higher rate (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.1, max: 1, noNaN: true }), (max, a, b, target) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const p = pointsFor(max, lo, target);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(max);
        expect(pointsFor(max, hi, target)).toBeGreaterThanOrEqual(p);
      }),
    );
  });
});

describe("2.1: dossiers handled early or on time — the dossier rules", () => {
  const d = (o: Partial<Parameters<typeof judgeDossier21>[0]>) => ({ receivedAt: null, dueAt: null, finishedAt: null, closedAt: null, supplementCount: 0, ...o });

  it("finished before the appointment: on time", () => {
    expect(judgeDossier21(d({ receivedAt: at("2026-03-02T09:00:00"), dueAt: at("2026-03-10T17:00:00"), finishedAt: at("2026-03-09T10:00:00") }), MARCH)).toBe("on-time");
  });

  it("supplement waiting time subtracted: the appointment moved by the 4 days waited, finished after the first appointment but before the moved one → on time", () => {
    // Received 03/03, due 09/03; paused 04/03–08/03 waiting for the applicant: due moves to 13/03.
    const moved = at("2026-03-13T17:00:00");
    expect(judgeDossier21(d({ receivedAt: at("2026-03-03T09:00:00"), dueAt: moved, finishedAt: at("2026-03-12T10:00:00"), supplementCount: 1 }), MARCH)).toBe("on-time");
  });

  it("more than one supplement request: late, even finished well before the appointment", () => {
    expect(judgeDossier21(d({ receivedAt: at("2026-03-04T09:00:00"), dueAt: at("2026-03-20T17:00:00"), finishedAt: at("2026-03-15T10:00:00"), supplementCount: 2 }), MARCH)).toBe("late");
  });

  it("finished after the appointment: late", () => {
    expect(judgeDossier21(d({ receivedAt: at("2026-03-05T09:00:00"), dueAt: at("2026-03-10T17:00:00"), finishedAt: at("2026-03-11T08:00:00") }), MARCH)).toBe("late");
  });

  it("still open at the period's end: judged then — due after the end is on time, due before it is late", () => {
    expect(judgeDossier21(d({ receivedAt: at("2026-03-20T09:00:00"), dueAt: at("2026-04-05T17:00:00") }), MARCH)).toBe("on-time");
    expect(judgeDossier21(d({ receivedAt: at("2026-03-10T09:00:00"), dueAt: at("2026-03-25T17:00:00") }), MARCH)).toBe("late");
    // Finished in April: at March's end it was open, and its appointment had passed.
    expect(judgeDossier21(d({ receivedAt: at("2026-03-10T09:00:00"), dueAt: at("2026-03-25T17:00:00"), finishedAt: at("2026-04-02T09:00:00") }), MARCH)).toBe("late");
    // Finished late in April but due after March: on time at March's end.
    expect(judgeDossier21(d({ receivedAt: at("2026-03-28T09:00:00"), dueAt: at("2026-04-01T17:00:00"), finishedAt: at("2026-04-08T09:00:00") }), MARCH)).toBe("on-time");
  });

  it("judged at the cut, not later: a current period's open dossier due tomorrow is on time today", () => {
    const now = { ...MARCH, cut: at("2026-03-15T12:00:00") };
    expect(judgeDossier21(d({ receivedAt: at("2026-03-10T09:00:00"), dueAt: at("2026-03-16T17:00:00") }), now)).toBe("on-time");
  });

  it("not counted: received after the period, finished before it, withdrawn during it", () => {
    expect(judgeDossier21(d({ receivedAt: at("2026-04-02T09:00:00") }), MARCH)).toBe("not-counted");
    expect(judgeDossier21(d({ receivedAt: at("2026-02-01T09:00:00"), finishedAt: at("2026-02-10T09:00:00") }), MARCH)).toBe("not-counted");
    expect(judgeDossier21(d({ receivedAt: at("2026-03-25T09:00:00"), closedAt: at("2026-03-26T09:00:00") }), MARCH)).toBe("not-counted");
    // Carried over from February and finished in March: counted.
    expect(judgeDossier21(d({ receivedAt: at("2026-02-20T09:00:00"), dueAt: at("2026-03-05T17:00:00"), finishedAt: at("2026-03-03T09:00:00") }), MARCH)).toBe("on-time");
  });
});

describe("a province is the sum of its communes' numerators and denominators", () => {
  it("not an average of rates: 1/1 and 1/9 make 2/10 = 20 %, not (100 % + 11 %) ÷ 2", () => {
    const sum = sumFigures([
      { numerator: 1, denominator: 1 },
      { numerator: 1, denominator: 9 },
    ]);
    expect(sum).toEqual({ numerator: 2, denominator: 10 });
    expect(rateOf("share", sum)).toBe(0.2);
  });

  it("parts of the satisfaction formulas are summed too; communes without data are left out", () => {
    const sum = sumFigures([
      { numerator: 0, denominator: 6, parts: { overdue: 3, complained: 1 } },
      { numerator: 0, denominator: 4, parts: { overdue: 0, complained: 0 } },
      { numerator: 0, denominator: 0, noData: "not-connected" },
    ]);
    expect(sum).toEqual({ numerator: 0, denominator: 10, parts: { overdue: 3, complained: 1 } });
    expect(sumFigures([{ numerator: 0, denominator: 0, noData: "not-connected" }]).noData).toBe("not-connected");
  });

  it("sum of figures equals figures of the pooled dossiers (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(50), fc.nat(50)), { minLength: 1, maxLength: 20 }), (pairs) => {
        const figures: Qd766Figure[] = pairs.map(([a, b]) => ({ numerator: Math.min(a, a + b), denominator: a + b }));
        const s = sumFigures(figures);
        expect(s.numerator).toBe(figures.reduce((x, f) => x + f.numerator, 0));
        expect(s.denominator).toBe(figures.reduce((x, f) => x + f.denominator, 0));
      }),
    );
  });
});

describe("scoring an indicator", () => {
  it("no data source in the product: no-data with its reason, no points", () => {
    const r = scoreIndicator(indicator("4.5b"), { numerator: 5, denominator: 10 });
    expect(r).toMatchObject({ status: "no-data", value: null, points: null, numerator: 0, denominator: 0 });
    expect(r.reason?.vi).toContain("VNeID");
  });

  it("nothing to measure in the period (denominator 0): no-data, never 0 % nor 100 %", () => {
    expect(scoreIndicator(indicator("3.3"), { numerator: 0, denominator: 0 })).toMatchObject({ status: "no-data", value: null, points: null });
  });

  it("5.3: (all − disliked − late) ÷ all — 10 PAKN, 1 disliked, 2 late → 70 %, 4.2 points", () => {
    expect(scoreIndicator(indicator("5.3"), { numerator: 0, denominator: 10, parts: { disliked: 1, late: 2 } })).toMatchObject({ value: 0.7, numerator: 7, denominator: 10, points: 4.2, status: "ok" });
  });

  it("5.4: 100 % − (% overdue + % complained), full at 90 % — 6 dossiers, 3 overdue, 1 complained → 1/3, 2.22 points", () => {
    const r = scoreIndicator(indicator("5.4"), { numerator: 0, denominator: 6, parts: { overdue: 3, complained: 1 } });
    expect(r.value).toBeCloseTo(1 / 3);
    expect(r).toMatchObject({ numerator: 2, denominator: 6, points: 2.22 });
  });

  it("2.2 (followed): average days, no points", () => {
    expect(scoreIndicator(indicator("2.2"), { numerator: 12.5, denominator: 5 })).toMatchObject({ value: 2.5, points: 0, maxPoints: 0, status: "ok" });
  });

  it("total: the points of the indicators with data, out of their maxima", () => {
    const results = [scoreIndicator(indicator("2.1"), { numerator: 4, denominator: 7 }), scoreIndicator(indicator("3.3"), { numerator: 0, denominator: 0 }), scoreIndicator(indicator("4.5a"), { numerator: 0, denominator: 0 })];
    expect(totalOf(results)).toEqual({ total: 11.43, max: 20, maxAll: 26 });
  });
});

describe("ranking", () => {
  it("equal totals share a rank, the next rank skips (1, 2, 2, 4)", () => {
    expect(rankAgencies([{ agency: "A", total: 50 }, { agency: "B", total: 70 }, { agency: "C", total: 50 }, { agency: "D", total: 80 }]).map((r) => [r.agency, r.rank])).toEqual([
      ["D", 1],
      ["B", 2],
      ["A", 3],
      ["C", 3],
    ]);
  });
});

describe("periods", () => {
  it("refuses a reversed period, one ending after today, an impossible date, one longer than five years", () => {
    expect(checkPeriod("2026-03-31", "2026-03-01", "2026-12-07")).toBe("reversed");
    expect(checkPeriod("2026-12-01", "2026-12-08", "2026-12-07")).toBe("future");
    expect(checkPeriod("2026-02-30", "2026-03-01", "2026-12-07")).toBe("badDate");
    expect(checkPeriod("2015-01-01", "2026-01-01", "2026-12-07")).toBe("tooLong");
    expect(checkPeriod("2026-03-01", "2026-03-31", "2026-12-07")).toBeUndefined();
    expect(checkPeriod("2026-12-07", "2026-12-07", "2026-12-07")).toBeUndefined();
  });

  it("ready-made periods: months, quarters, years; current ones end today", () => {
    expect(presetPeriod("month", "2026-12-07")).toEqual({ from: "2026-12-01", to: "2026-12-07" });
    expect(presetPeriod("quarter", "2026-12-07")).toEqual({ from: "2026-10-01", to: "2026-12-07" });
    expect(presetPeriod("last-quarter", "2026-02-10")).toEqual({ from: "2025-10-01", to: "2025-12-31" });
    expect(presetPeriod("last-month", "2026-03-10")).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(presetPeriod("last-year", "2026-03-10")).toEqual({ from: "2025-01-01", to: "2025-12-31" });
  });
});
