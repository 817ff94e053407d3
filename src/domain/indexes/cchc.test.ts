import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  approvalBlockers,
  bandOf,
  type Criterion,
  indexTotals,
  leavesOf,
  measuredPoints,
  nodePoints,
  rankBy,
  stepVerdict,
  validateCriteriaFile,
} from "./cchc";
import { DEMO_CCHC_CRITERIA_FILE } from "./cchc-demo-set";

const file = (criteria: unknown[], extra: Record<string, unknown> = {}) => ({ year: 2025, title: "Bộ chỉ số thử", thresholds: { excellent: 90, good: 80, fair: 70, average: 50 }, criteria, ...extra });
const row = (code: string, parent: string | null, maxPoints: unknown, o: Record<string, unknown> = {}) => ({ code, parent, name: `Tiêu chí ${code}`, maxPoints, method: "self", evidenceRequired: true, kind: "score", ...o });

describe("criteria file validation", () => {
  it("accepts the demo set, a tree of 100 points with bonus and penalty areas", () => {
    const r = validateCriteriaFile(DEMO_CCHC_CRITERIA_FILE);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const t = indexTotals(r.set.criteria, new Map());
    expect(t.max).toBe(100);
    expect(t.byArea.map((a) => a.code)).toEqual(["LV1", "LV2", "LV3", "LV4", "LV5", "LV6", "LV7", "LV8", "LV9A", "LV9B"]);
  });

  it("lists every problem of a broken tree at once: children above the parent, a cycle, a duplicate, an unknown parent, a bad number", () => {
    const r = validateCriteriaFile(
      file([
        row("A", null, 10),
        row("A.1", "A", 6),
        row("A.2", "A", 6), // 12 > 10
        row("B", null, 5),
        row("B.1", "B", 2),
        row("B.1", "B", 1), // duplicate
        row("C.1", "C.2", 1), // cycle C.1 → C.2 → C.1
        row("C.2", "C.1", 1),
        row("D.1", "ZZ", 1), // unknown parent
        row("E", null, "mười"), // not a number
        row("F", null, -2), // negative
        row("G", null, 1.234), // more than hundredths
      ]),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const keys = r.problems.map((p) => `${p.key}:${Object.values(p.vars ?? {}).join("|")}`);
    expect(keys).toContain("cchc.file.childrenAbove:A|12|10");
    expect(keys).toContain("cchc.file.duplicate:B.1");
    expect(keys.some((k) => k.startsWith("cchc.file.cycle:") && k.includes("C.1") && k.includes("C.2"))).toBe(true);
    expect(keys).toContain("cchc.file.unknownParent:D.1|ZZ");
    expect(keys).toContain("cchc.file.points:E|mười");
    expect(keys).toContain("cchc.file.points:F|-2");
    expect(keys).toContain("cchc.file.points:G|1.234");
    // each problem once
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("refuses a file that is not an object, a bad year, bands out of order, unknown words", () => {
    expect(validateCriteriaFile([]).ok).toBe(false);
    const r = validateCriteriaFile(file([row("A", null, 10, { method: "đoán", kind: "khác", measure: "weather" })], { year: 1990, thresholds: { excellent: 50, good: 80, fair: 70, average: 60 } }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.key)).toEqual(expect.arrayContaining(["cchc.file.year", "cchc.file.thresholdOrder", "cchc.file.method", "cchc.file.kind", "cchc.file.measure"]));
  });

  it("refuses bonus criteria under a score area and measures on a parent", () => {
    const r = validateCriteriaFile(file([row("A", null, 10, { measure: "online-share" }), row("A.1", "A", 5, { kind: "bonus" })]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.key)).toEqual(expect.arrayContaining(["cchc.file.kindMismatch", "cchc.file.measureOnLeaf"]));
  });

  it("reads numbers as people type them in a spreadsheet (1,5) and Vietnamese words for method and kind", () => {
    const r = validateCriteriaFile(file([row("A", null, "3", { method: "Tự đánh giá" }), row("A.1", "A", "1,5", { method: "thẩm định", evidenceRequired: "có" }), row("P", null, 2, { kind: "Điểm trừ" }), row("P.1", "P", 2, { kind: "trừ", evidenceRequired: "không" })]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.set.criteria[1]).toMatchObject({ maxPoints: 1.5, method: "appraised", evidenceRequired: true });
    expect(r.set.criteria[3]).toMatchObject({ kind: "penalty", evidenceRequired: false });
  });
});

const tree: Criterion[] = [
  { code: "A", parent: null, name: "A", maxPoints: 10, method: "self", evidenceRequired: false, rule: "", kind: "score", measure: null },
  { code: "A.1", parent: "A", name: "A1", maxPoints: 6, method: "self", evidenceRequired: false, rule: "", kind: "score", measure: null },
  { code: "A.2", parent: "A", name: "A2", maxPoints: 4, method: "self", evidenceRequired: false, rule: "", kind: "score", measure: null },
  { code: "B", parent: null, name: "B", maxPoints: 10, method: "self", evidenceRequired: false, rule: "", kind: "score", measure: null },
  { code: "T", parent: null, name: "Thưởng", maxPoints: 3, method: "self", evidenceRequired: false, rule: "", kind: "bonus", measure: null },
  { code: "P", parent: null, name: "Trừ", maxPoints: 5, method: "self", evidenceRequired: false, rule: "", kind: "penalty", measure: null },
];

describe("totals, index and band", () => {
  it("adds leaves up to their areas, caps each node at its maximum, adds bonus and takes penalty", () => {
    const t = indexTotals(tree, new Map([["A.1", 7], ["A.2", 3], ["B", 8.5], ["T", 5], ["P", 1]]));
    // A.1 capped at 6 → A = 9; B 8.5; bonus capped at 3; penalty 1
    expect(t).toMatchObject({ score: 17.5, bonus: 3, penalty: 1, total: 19.5, max: 20, index: 97.5 });
    expect(bandOf(t.index, { excellent: 90, good: 80, fair: 70, average: 50 })).toBe("excellent");
    expect(bandOf(79.99, { excellent: 90, good: 80, fair: 70, average: 50 })).toBe("fair");
    expect(bandOf(10, { excellent: 90, good: 80, fair: 70, average: 50 })).toBe("below");
  });

  it("never lets a node pass its maximum nor fall below zero, whatever the leaves hold", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 5, maxLength: 5 }), (vals) => {
        const leaves = leavesOf(tree);
        const pts = nodePoints(tree, new Map(leaves.map((l, i) => [l.code, vals[i]!])));
        for (const c of tree) {
          const p = pts.get(c.code)!;
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(c.maxPoints);
        }
        const t = indexTotals(tree, new Map(leaves.map((l, i) => [l.code, vals[i]!])));
        expect(t.index).toBeGreaterThanOrEqual(0);
        expect(t.index).toBeLessThanOrEqual(100);
      }),
    );
  });

  it("scores a measured criterion min(max, max × value ÷ target), and nothing without data", () => {
    expect(measuredPoints("online-share", 6, 0.25)).toBe(3);
    expect(measuredPoints("online-share", 6, 0.8)).toBe(6);
    expect(measuredPoints("dossiers-on-time", 8, 0.9)).toBe(7.2);
    expect(measuredPoints("communication-items", 3, 12)).toBe(1.5);
    expect(measuredPoints("reports-on-time", 2, null)).toBeNull();
  });

  it("ranks ties together (1, 2, 2, 4)", () => {
    const r = rankBy([{ n: "a", v: 90 }, { n: "b", v: 80 }, { n: "c", v: 95 }, { n: "d", v: 80 }], (x) => x.v);
    expect(r.map((x) => `${x.item.n}${x.rank}`)).toEqual(["c1", "a2", "b3", "d3"]);
  });
});

describe("the way to publication", () => {
  const commune = 7;
  const province = 1;
  it("lets only the commune's leader submit, never a province supervisor", () => {
    expect(stepVerdict("submit", { role: "leader", agencyId: commune }, { communeId: commune, status: "draft" })).toBe("ok");
    expect(stepVerdict("submit", { role: "desk_officer", agencyId: commune }, { communeId: commune, status: "draft" })).toBe("forbidden");
    expect(stepVerdict("fill", { role: "province_supervisor", agencyId: province }, { communeId: commune, status: "draft" })).toBe("forbidden");
    expect(stepVerdict("submit", { role: "leader", agencyId: 8 }, { communeId: commune, status: "draft" })).toBe("forbidden");
    expect(stepVerdict("submit", { role: "leader", agencyId: commune }, { communeId: commune, status: "submitted" })).toBe("conflict");
  });
  it("lets the province appraise a submitted assessment only; a commune never appraises itself", () => {
    expect(stepVerdict("appraise", { role: "province_supervisor", agencyId: province }, { communeId: commune, status: "submitted" })).toBe("ok");
    expect(stepVerdict("appraise", { role: "province_supervisor", agencyId: province }, { communeId: commune, status: "draft" })).toBe("conflict");
    expect(stepVerdict("appraise", { role: "leader", agencyId: commune }, { communeId: commune, status: "submitted" })).toBe("forbidden");
    expect(stepVerdict("appraise", { role: "province_supervisor", agencyId: commune }, { communeId: commune, status: "submitted" })).toBe("forbidden");
    expect(stepVerdict("publish", { role: "province_leader", agencyId: province }, { communeId: commune, status: "approved" })).toBe("ok");
    expect(stepVerdict("publish", { role: "province_supervisor", agencyId: province }, { communeId: commune, status: "submitted" })).toBe("conflict");
  });
  it("approves only when every criterion is reviewed and none waits for evidence", () => {
    const leaves = [{ code: "a" }, { code: "b" }, { code: "c" }];
    expect(approvalBlockers(leaves, new Map([["a", "accept"], ["b", "evidence"]]))).toEqual({ unreviewed: ["c"], awaitingEvidence: ["b"] });
    expect(approvalBlockers(leaves, new Map([["a", "accept"], ["b", "adjust"], ["c", "accept"]]))).toEqual({ unreviewed: [], awaitingEvidence: [] });
  });
});
