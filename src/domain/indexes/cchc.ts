// The administrative-reform (CCHC) index of a commune (issue 15): a province's criteria tree for a
// year (area → criterion → sub-criterion, bonus and penalty nodes), checked whole before anything
// is imported; totals, the index and its band; the ranking; the way from the commune's
// self-assessment to the province's published result. Pure: no I/O.
import type { Permission } from "../auth/permissions";
import { can } from "../auth/permissions";
import type { Role } from "../auth/roles";

/** How a criterion is scored: by the commune and checked (self), by the council only (appraised), or from the province's survey. */
export const CRITERION_METHODS = ["self", "appraised", "survey"] as const;
export type CriterionMethod = (typeof CRITERION_METHODS)[number];

/** Score nodes add to the index; bonus nodes add on top (capped); penalty nodes take away (capped). */
export const CRITERION_KINDS = ["score", "bonus", "penalty"] as const;
export type CriterionKind = (typeof CRITERION_KINDS)[number];

/**
 * Criteria the product can measure from its own data. `target` is the rate (or, for counts, the
 * number) that earns full points; below it points fall in proportion: min(max, max × rate ÷ target),
 * the rule QĐ 766 uses for its own indicators.
 */
export const CCHC_MEASURES = {
  "plan-tasks-on-time": { target: 1, unit: "rate" },
  "reports-on-time": { target: 1, unit: "rate" },
  "procedures-published": { target: 1, unit: "rate" },
  "online-share": { target: 0.5, unit: "rate" },
  "dossiers-on-time": { target: 1, unit: "rate" },
  "communication-items": { target: 24, unit: "count" },
} as const satisfies Record<string, { target: number; unit: "rate" | "count" }>;
export type CchcMeasure = keyof typeof CCHC_MEASURES;
export const MEASURE_KEYS = Object.keys(CCHC_MEASURES) as CchcMeasure[];
export function isMeasure(v: string): v is CchcMeasure {
  return Object.hasOwn(CCHC_MEASURES, v);
}

export type Criterion = {
  code: string;
  parent: string | null;
  name: string;
  maxPoints: number;
  method: CriterionMethod;
  evidenceRequired: boolean;
  rule: string;
  kind: CriterionKind;
  measure: CchcMeasure | null;
};

/** Lower bounds (index in %, 0–100) of each band, highest first; below the last: "below". */
export type BandThresholds = { excellent: number; good: number; fair: number; average: number };
export const BANDS = ["excellent", "good", "fair", "average", "below"] as const;
export type Band = (typeof BANDS)[number];

export type CriteriaSet = {
  year: number;
  title: string;
  source: string;
  thresholds: BandThresholds;
  criteria: Criterion[];
};

/** One thing wrong with a criteria file: where (row or field), a message key and its words. */
export type CriteriaProblem = { path: string; key: string; vars?: Record<string, string | number> };

// ---------------------------------------------------------------------------------------------
// Reading a criteria file (already parsed from JSON or XLSX into plain values)

const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const METHOD_WORDS: Record<string, CriterionMethod> = {
  self: "self",
  "tự đánh giá": "self",
  "tu danh gia": "self",
  appraised: "appraised",
  "thẩm định": "appraised",
  "tham dinh": "appraised",
  survey: "survey",
  "điều tra": "survey",
  "dieu tra": "survey",
  "điều tra xã hội học": "survey",
};
const KIND_WORDS: Record<string, CriterionKind> = {
  score: "score",
  "điểm": "score",
  "": "score",
  bonus: "bonus",
  "thưởng": "bonus",
  "điểm thưởng": "bonus",
  penalty: "penalty",
  "trừ": "penalty",
  "điểm trừ": "penalty",
};
const YES = new Set(["true", "1", "yes", "có", "x", "co"]);
const NO = new Set(["false", "0", "no", "không", "", "khong"]);

/** A number as a person types it: 1.5, "1,5", " 2 "; undefined for anything else. */
export function readPoints(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string") return undefined;
  const s = v.trim().replace(",", ".");
  if (!/^-?\d+(\.\d+)?$/.test(s)) return undefined;
  return Number(s);
}

const text = (v: unknown): string => (typeof v === "string" ? v.normalize("NFC").trim() : typeof v === "number" ? String(v) : "");
const hundredths = (n: number) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9;

/**
 * Checks a criteria file as a whole and lists EVERY problem (rows, numbers, duplicate codes,
 * unknown parents, cycles, children worth more than their parent, misplaced bonus and penalty
 * nodes); returns the set only when there are none, so an import is all or nothing.
 */
export function validateCriteriaFile(raw: unknown): { ok: true; set: CriteriaSet } | { ok: false; problems: CriteriaProblem[] } {
  const problems: CriteriaProblem[] = [];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { ok: false, problems: [{ path: "", key: "cchc.file.notObject" }] };
  const f = raw as Record<string, unknown>;
  const year = readPoints(f.year);
  if (year === undefined || !Number.isInteger(year) || year < 2000 || year > 2100) problems.push({ path: "year", key: "cchc.file.year" });
  const title = text(f.title);
  if (title.length < 3 || title.length > 500) problems.push({ path: "title", key: "cchc.file.title" });
  const source = text(f.source).slice(0, 1000);
  const th = (typeof f.thresholds === "object" && f.thresholds !== null ? f.thresholds : {}) as Record<string, unknown>;
  const thresholds = { excellent: readPoints(th.excellent ?? 90), good: readPoints(th.good ?? 80), fair: readPoints(th.fair ?? 70), average: readPoints(th.average ?? 50) };
  for (const [k, v] of Object.entries(thresholds)) if (v === undefined || v < 0 || v > 100) problems.push({ path: `thresholds.${k}`, key: "cchc.file.threshold" });
  if (Object.values(thresholds).every((v) => v !== undefined) && !(thresholds.excellent! > thresholds.good! && thresholds.good! > thresholds.fair! && thresholds.fair! > thresholds.average!)) {
    problems.push({ path: "thresholds", key: "cchc.file.thresholdOrder" });
  }
  const rows = Array.isArray(f.criteria) ? (f.criteria as unknown[]) : undefined;
  if (!rows || rows.length === 0) problems.push({ path: "criteria", key: "cchc.file.noCriteria" });
  else if (rows.length > 2000) problems.push({ path: "criteria", key: "cchc.file.tooMany", vars: { max: 2000 } });
  const criteria: Criterion[] = [];
  for (const [i, r] of (rows ?? []).slice(0, 2000).entries()) {
    const row = (typeof r === "object" && r !== null ? r : {}) as Record<string, unknown>;
    const at = `criteria.${i + 1}`;
    const code = text(row.code);
    const label = code || `#${i + 1}`;
    if (!CODE.test(code)) problems.push({ path: `${at}.code`, key: "cchc.file.code", vars: { row: i + 1 } });
    const parentText = text(row.parent);
    const name = text(row.name);
    if (name.length < 2 || name.length > 1000) problems.push({ path: `${at}.name`, key: "cchc.file.name", vars: { code: label } });
    const max = readPoints(row.maxPoints);
    if (max === undefined || max < 0 || max > 1000 || !hundredths(max)) problems.push({ path: `${at}.maxPoints`, key: "cchc.file.points", vars: { code: label, value: text(row.maxPoints) || "—" } });
    const method = METHOD_WORDS[text(row.method).toLowerCase() || "self"];
    if (!method) problems.push({ path: `${at}.method`, key: "cchc.file.method", vars: { code: label, value: text(row.method) } });
    const kind = KIND_WORDS[text(row.kind).toLowerCase()];
    if (!kind) problems.push({ path: `${at}.kind`, key: "cchc.file.kind", vars: { code: label, value: text(row.kind) } });
    const ev = typeof row.evidenceRequired === "boolean" ? row.evidenceRequired : text(row.evidenceRequired).toLowerCase();
    const evidenceRequired = typeof ev === "boolean" ? ev : YES.has(ev) ? true : NO.has(ev) ? false : undefined;
    if (evidenceRequired === undefined) problems.push({ path: `${at}.evidenceRequired`, key: "cchc.file.evidence", vars: { code: label } });
    const measureText = text(row.measure);
    if (measureText && !isMeasure(measureText)) problems.push({ path: `${at}.measure`, key: "cchc.file.measure", vars: { code: label, value: measureText } });
    criteria.push({
      code,
      parent: parentText || null,
      name,
      maxPoints: max ?? 0,
      method: method ?? "self",
      evidenceRequired: evidenceRequired ?? false,
      rule: text(row.rule).slice(0, 4000),
      kind: kind ?? "score",
      measure: measureText && isMeasure(measureText) ? measureText : null,
    });
  }
  problems.push(...treeProblems(criteria));
  if (problems.length) return { ok: false, problems };
  return { ok: true, set: { year: year!, title, source, thresholds: thresholds as BandThresholds, criteria } };
}

/** The tree's own rules, on rows already read: every problem, each once. */
export function treeProblems(criteria: readonly Criterion[]): CriteriaProblem[] {
  const problems: CriteriaProblem[] = [];
  const byCode = new Map<string, Criterion>();
  const seenDup = new Set<string>();
  for (const c of criteria) {
    if (!c.code) continue;
    if (byCode.has(c.code)) {
      if (!seenDup.has(c.code)) problems.push({ path: `criteria.${c.code}`, key: "cchc.file.duplicate", vars: { code: c.code } });
      seenDup.add(c.code);
    } else byCode.set(c.code, c);
  }
  for (const c of criteria) {
    if (c.parent && !byCode.has(c.parent)) problems.push({ path: `criteria.${c.code}.parent`, key: "cchc.file.unknownParent", vars: { code: c.code, parent: c.parent } });
    if (c.parent === c.code && c.code) problems.push({ path: `criteria.${c.code}.parent`, key: "cchc.file.ownParent", vars: { code: c.code } });
  }
  // Cycles: follow parents; a walk that meets itself names the loop once.
  const reported = new Set<string>();
  for (const start of byCode.values()) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let cur: Criterion | undefined = start;
    while (cur && !onPath.has(cur.code)) {
      path.push(cur.code);
      onPath.add(cur.code);
      cur = cur.parent && cur.parent !== cur.code ? byCode.get(cur.parent) : undefined;
    }
    if (cur && onPath.has(cur.code)) {
      const loop = path.slice(path.indexOf(cur.code));
      const key = [...loop].sort().join(",");
      if (!reported.has(key) && loop.length > 1) {
        reported.add(key);
        problems.push({ path: `criteria.${cur.code}.parent`, key: "cchc.file.cycle", vars: { codes: [...loop, cur.code].join(" → ") } });
      }
    }
  }
  const children = childrenOf(criteria.filter((c) => byCode.get(c.code) === c));
  for (const c of byCode.values()) {
    const kids = children.get(c.code) ?? [];
    const sum = kids.reduce((s, k) => s + k.maxPoints, 0);
    if (kids.length && sum > c.maxPoints + 1e-9) problems.push({ path: `criteria.${c.code}.maxPoints`, key: "cchc.file.childrenAbove", vars: { code: c.code, sum: round2(sum), max: c.maxPoints } });
    const parent = c.parent ? byCode.get(c.parent) : undefined;
    if (parent && parent.kind !== c.kind) problems.push({ path: `criteria.${c.code}.kind`, key: "cchc.file.kindMismatch", vars: { code: c.code, parent: parent.code } });
    if (c.measure && kids.length) problems.push({ path: `criteria.${c.code}.measure`, key: "cchc.file.measureOnLeaf", vars: { code: c.code } });
  }
  if (criteria.length && ![...byCode.values()].some((c) => !c.parent && c.kind === "score" && c.maxPoints > 0)) problems.push({ path: "criteria", key: "cchc.file.noScoreArea" });
  return problems;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

export function childrenOf<T extends { code: string; parent: string | null }>(criteria: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const c of criteria) {
    if (!c.parent) continue;
    const list = out.get(c.parent) ?? [];
    list.push(c);
    out.set(c.parent, list);
  }
  return out;
}

export function leavesOf<T extends { code: string; parent: string | null }>(criteria: readonly T[]): T[] {
  const parents = new Set(criteria.map((c) => c.parent).filter(Boolean));
  return criteria.filter((c) => !parents.has(c.code));
}

// ---------------------------------------------------------------------------------------------
// Scores, totals, index, band, ranking

/**
 * Points of each node from the points of the leaves: a parent is the sum of its children, never
 * above its own maximum; a leaf never above its maximum nor below zero. Missing leaves count 0.
 */
export function nodePoints(criteria: readonly Criterion[], leafPoints: ReadonlyMap<string, number | null | undefined>): Map<string, number> {
  const kids = childrenOf(criteria);
  const out = new Map<string, number>();
  const visit = (c: Criterion, depth: number): number => {
    if (depth > 50) return 0;
    const list = kids.get(c.code);
    const raw = list?.length ? list.reduce((s, k) => s + visit(k, depth + 1), 0) : (leafPoints.get(c.code) ?? 0);
    const v = round2(Math.min(c.maxPoints, Math.max(0, raw)));
    out.set(c.code, v);
    return v;
  };
  for (const c of criteria) if (!c.parent) visit(c, 0);
  return out;
}

export type IndexTotals = {
  /** Score areas only. */
  score: number;
  bonus: number;
  penalty: number;
  /** score + bonus − penalty, at least 0. */
  total: number;
  /** Sum of the score areas' maxima (bonus not included). */
  max: number;
  /** total ÷ max in % (may pass 100 with bonus points: the published figure is capped at 100). */
  index: number;
  byArea: { code: string; name: string; kind: CriterionKind; points: number; max: number }[];
};

export function indexTotals(criteria: readonly Criterion[], leafPoints: ReadonlyMap<string, number | null | undefined>): IndexTotals {
  const pts = nodePoints(criteria, leafPoints);
  const areas = criteria.filter((c) => !c.parent);
  const sum = (kind: CriterionKind) => round2(areas.filter((a) => a.kind === kind).reduce((s, a) => s + (pts.get(a.code) ?? 0), 0));
  const score = sum("score");
  const bonus = sum("bonus");
  const penalty = sum("penalty");
  const max = round2(areas.filter((a) => a.kind === "score").reduce((s, a) => s + a.maxPoints, 0));
  const total = round2(Math.max(0, score + bonus - penalty));
  const index = max > 0 ? Math.min(100, round2((total / max) * 100)) : 0;
  return { score, bonus, penalty, total, max, index, byArea: areas.map((a) => ({ code: a.code, name: a.name, kind: a.kind, points: pts.get(a.code) ?? 0, max: a.maxPoints })) };
}

export function bandOf(index: number, th: BandThresholds): Band {
  if (index >= th.excellent) return "excellent";
  if (index >= th.good) return "good";
  if (index >= th.fair) return "fair";
  if (index >= th.average) return "average";
  return "below";
}

/** Points a measured criterion earns: min(max, max × value ÷ target); none when there is nothing to measure. */
export function measuredPoints(measure: CchcMeasure, maxPoints: number, value: number | null): number | null {
  if (value === null) return null;
  const target = CCHC_MEASURES[measure].target;
  return round2(Math.min(maxPoints, Math.max(0, (maxPoints * value) / target)));
}

/** Standard competition ranking (1, 2, 2, 4): higher value first; ties share a rank. */
export function rankBy<T>(items: readonly T[], value: (t: T) => number): { item: T; rank: number }[] {
  const sorted = [...items].sort((a, b) => value(b) - value(a));
  const out: { item: T; rank: number }[] = [];
  sorted.forEach((item, i) => {
    const prev = out[i - 1];
    out.push({ item, rank: prev && value(prev.item) === value(item) ? prev.rank : i + 1 });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// The way from self-assessment to publication

export const ASSESSMENT_STATUSES = ["draft", "submitted", "returned", "approved", "published"] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

/**
 * Each step: the statuses it starts from, the permission it takes and whose step it is. A
 * commune's step is taken only by staff of that commune; a province's only by staff of an agency
 * above it — so a commune cannot appraise itself and a province supervisor cannot self-assess.
 */
export const CCHC_STEPS = {
  fill: { from: ["draft", "returned"], permission: "cchc.fill", side: "commune" },
  submit: { from: ["draft", "returned"], permission: "cchc.submit", side: "commune" },
  appraise: { from: ["submitted"], permission: "cchc.appraise", side: "province" },
  return: { from: ["submitted"], permission: "cchc.appraise", side: "province" },
  approve: { from: ["submitted"], permission: "cchc.appraise", side: "province" },
  publish: { from: ["approved"], permission: "cchc.publish", side: "province" },
} as const satisfies Record<string, { from: readonly AssessmentStatus[]; permission: Permission; side: "commune" | "province" }>;
export type CchcStep = keyof typeof CCHC_STEPS;
export const CCHC_STEP_NAMES = Object.keys(CCHC_STEPS) as CchcStep[];

export type StepActor = { role: Role | undefined; agencyId: number };
export type StepVerdict = "ok" | "forbidden" | "conflict";

/** Whether `actor` may take `step` on the assessment of `communeId` in `status` (the province side also needs the commune in scope: row-level security). */
export function stepVerdict(step: CchcStep, actor: StepActor, a: { communeId: number; status: AssessmentStatus }): StepVerdict {
  const s = CCHC_STEPS[step];
  if (!can(actor.role, s.permission)) return "forbidden";
  const own = actor.agencyId === a.communeId;
  if (s.side === "commune" ? !own : own) return "forbidden";
  if (!(s.from as readonly AssessmentStatus[]).includes(a.status)) return "conflict";
  return "ok";
}

/** The council's word on one criterion. */
export const REVIEW_DECISIONS = ["accept", "adjust", "evidence"] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** Points the council settles on: the commune's own on accept, its own on adjust, none while it waits for evidence. */
export function finalPointsOf(decision: ReviewDecision | null, selfPoints: number | null, adjusted: number | null): number | null {
  if (decision === "accept") return selfPoints ?? 0;
  if (decision === "adjust") return adjusted;
  return null;
}

/** What keeps the council from approving: criteria not yet reviewed, or waiting for evidence. */
export function approvalBlockers(leaves: readonly { code: string }[], reviews: ReadonlyMap<string, ReviewDecision | null>): { unreviewed: string[]; awaitingEvidence: string[] } {
  const unreviewed: string[] = [];
  const awaitingEvidence: string[] = [];
  for (const l of leaves) {
    const d = reviews.get(l.code) ?? null;
    if (d === null) unreviewed.push(l.code);
    else if (d === "evidence") awaitingEvidence.push(l.code);
  }
  return { unreviewed, awaitingEvidence };
}
