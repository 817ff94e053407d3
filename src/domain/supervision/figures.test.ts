import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ATTENTION, attentionReasons, type CommuneFigures, SORT_KEYS, sharesOf, sortCommunes } from "./figures";

const row = (received: number, late: number, overdue: number, resolved: number, open: number, missing = 0, name = "Xã A"): CommuneFigures => ({
  agencyId: 1,
  code: "X",
  unitName: name,
  dossiers: {
    field: "",
    received: { total: received, online: Math.floor(received / 2), inPersonOrPost: received - Math.floor(received / 2), carriedOver: 0 },
    resolved: { total: resolved, early: 0, onTime: resolved - late, late },
    inProgress: { total: open, withinTime: open - overdue, overdue },
  },
  procedures: { published: 100, onlineFull: 30, onlinePartial: 20 },
  communications: { items: 1, broadcasts: 2, conferences: 0, signage: 0 },
  tasksOverdue: 0,
  reports: { due: 2, received: 2 - missing, late: 0, missing },
});

describe("what the province watches", () => {
  it("derives the shares from the counts", () => {
    const s = sharesOf(row(100, 5, 5, 80, 20));
    expect(s.overdue).toBe(10);
    expect(s.overdueShare).toBe(0.1);
    expect(s.onTimeShare).toBe(75 / 80);
    expect(s.onlineShare).toBe(0.5);
    expect(s.onlineProcedures).toBe(50);
    expect(sharesOf(row(0, 0, 0, 0, 0)).overdueShare).toBeUndefined();
  });
  it("flags a commune over the overdue threshold, or with reports missing", () => {
    expect(attentionReasons(row(100, 5, 5, 80, 20))).toEqual([]);
    expect(attentionReasons(row(100, 6, 5, 80, 20))).toEqual(["overdue"]);
    // Too few dossiers for a share to mean much.
    expect(attentionReasons(row(5, 2, 2, 3, 2))).toEqual([]);
    expect(attentionReasons(row(100, 0, 0, 80, 20, 1))).toEqual(["reports_missing"]);
    expect(ATTENTION.overdueShare).toBeGreaterThan(0);
  });
  it("lists communes needing attention first, whatever the sort, and loses none (property)", () => {
    const arb = fc.array(
      fc.record({ late: fc.nat(30), overdue: fc.nat(30), resolved: fc.integer({ min: 30, max: 200 }), open: fc.integer({ min: 30, max: 50 }), missing: fc.nat(2), name: fc.string({ minLength: 1, maxLength: 8 }) }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, fc.constantFrom(...SORT_KEYS), fc.constantFrom("asc" as const, "desc" as const), (specs, key, dir) => {
        const rows = specs.map((x, i) => ({ ...row(x.resolved, x.late, x.overdue, x.resolved, x.open, x.missing, x.name), agencyId: i }));
        const sorted = sortCommunes(rows, key, dir);
        expect(sorted.map((r) => r.agencyId).sort((a, b) => a - b)).toEqual(rows.map((r) => r.agencyId));
        const flags = sorted.map((r) => attentionReasons(r).length);
        for (let i = 1; i < flags.length; i++) expect(flags[i - 1]!).toBeGreaterThanOrEqual(flags[i]!);
      }),
    );
  });
});
