import { describe, expect, it } from "vitest";
import { addMonths, lastDayOfMonth, monthRange, monthsEndingAt } from "../reports/months";
import { currentHalf, parseStatPeriod, periodChoices, statPeriodParam } from "./statistics-period";

describe("statistics periods", () => {
  it("reads months, quarters, half-years and years", () => {
    expect(parseStatPeriod("2026-06")).toMatchObject({ kind: "month", n: 6, from: "2026-06-01", to: "2026-06-30" });
    expect(parseStatPeriod("2024-02")).toMatchObject({ from: "2024-02-01", to: "2024-02-29" });
    expect(parseStatPeriod("2026-Q4")).toMatchObject({ kind: "quarter", n: 4, from: "2026-10-01", to: "2026-12-31" });
    expect(parseStatPeriod("2026-H1")).toMatchObject({ kind: "half", n: 1, from: "2026-01-01", to: "2026-06-30" });
    expect(parseStatPeriod("2026-H2")).toMatchObject({ from: "2026-07-01", to: "2026-12-31" });
    expect(parseStatPeriod("2026")).toMatchObject({ kind: "year", from: "2026-01-01", to: "2026-12-31" });
    for (const bad of ["2026-13", "2026-00", "2026-Q5", "2026-H3", "26", "2026-6", "", "2026-06-01", "x2026"]) expect(parseStatPeriod(bad)).toBeUndefined();
  });

  it("counts months across years", () => {
    expect(addMonths("2026-01", -1)).toBe("2025-12");
    expect(addMonths("2025-12", 1)).toBe("2026-01");
    expect(addMonths("2026-06", -11)).toBe("2025-07");
    expect(lastDayOfMonth("2025-02")).toBe("2025-02-28");
    expect(monthRange("2025-11", "2026-02")).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    expect(monthRange("2026-02", "2026-01")).toEqual([]);
    expect(monthsEndingAt("2026-06", 12)).toHaveLength(12);
    expect(monthsEndingAt("2026-06", 12)[0]).toBe("2025-07");
  });

  it("defaults to the half-year of today", () => {
    expect(currentHalf("2026-06-30").key).toBe("2026-H1");
    expect(currentHalf("2026-07-01").key).toBe("2026-H2");
  });

  it("refuses malformed, too early and not yet begun periods with a message key", () => {
    const schema = statPeriodParam("2026-12-07");
    expect(schema.parse(" 2026-Q4 ").key).toBe("2026-Q4");
    const msg = (v: string) => {
      const r = schema.safeParse(v);
      return r.success ? undefined : r.error.issues[0]?.message;
    };
    expect(msg("2026-13")).toBe("msg:dossier.stats.err.period");
    expect(msg("1999")).toBe("msg:dossier.stats.err.period");
    expect(msg("<script>")).toBe("msg:dossier.stats.err.period");
    expect(msg("2027-01")).toBe("msg:dossier.stats.err.future");
    expect(msg("2026-12")).toBeUndefined();
  });

  it("offers only periods that have begun", () => {
    const c = periodChoices("2026-05-10");
    expect(c.year.map((p) => p.key)).toEqual(["2026", "2025", "2024"]);
    expect(c.half[0]!.key).toBe("2026-H1");
    expect(c.quarter[0]!.key).toBe("2026-Q2");
    expect(c.month[0]!.key).toBe("2026-05");
    expect(c.month).toHaveLength(5 + 24);
  });
});
