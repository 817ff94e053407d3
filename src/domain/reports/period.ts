// Reporting periods: validation and the wording the report uses for them.
import { vnDate, vnToday } from "../documents/numbering";

export type PeriodProblem = "format" | "reversed" | "too_long" | "too_early" | "future" | "too_soon";

/**
 * The periods reports cover (quarters, half-years, the year), and from which day of the period's
 * year each may be drafted. Offices write the report in the last month of the period (82/BC-UBND of
 * 14/6/2024 covers "06 tháng đầu năm 2024"), quoting the figures of the day it is drafted; so a
 * standard period may end after today once its last month has begun. The form's hint is written
 * from this same table.
 */
export const STANDARD_PERIODS = {
  q1: { from: "01-01", to: "03-31", draftFrom: "03-01" },
  q2: { from: "04-01", to: "06-30", draftFrom: "06-01" },
  q3: { from: "07-01", to: "09-30", draftFrom: "09-01" },
  q4: { from: "10-01", to: "12-31", draftFrom: "12-01" },
  h1: { from: "01-01", to: "06-30", draftFrom: "06-01" },
  h2: { from: "07-01", to: "12-31", draftFrom: "12-01" },
  year: { from: "01-01", to: "12-31", draftFrom: "12-01" },
} as const satisfies Record<string, { from: string; to: string; draftFrom: string }>;
export type StandardPeriod = keyof typeof STANDARD_PERIODS;
export type PeriodKind = StandardPeriod | "other";

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(s: string): boolean {
  const m = ISO.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function addYears(iso: string, years: number): string {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  // 29/02 + 1 year → 01/03 (Date rolls over), which is the generous reading.
  const r = new Date(Date.UTC(y + years, m - 1, d));
  return r.toISOString().slice(0, 10);
}

/**
 * The rules (docs/reports.md): both dates real; from ≤ to; the period at most one year plus one
 * day (to ≤ from + 1 year); nothing before 2000-01-01; `to` at most tomorrow (Vietnam time) — a
 * report quotes figures that exist — except for a standard period (STANDARD_PERIODS) from the
 * first day of its last month, whose figures are then those of the day it is drafted.
 */
export function checkPeriod(from: string, to: string, today: string = vnToday()): PeriodProblem | undefined {
  if (!isRealDate(from) || !isRealDate(to)) return "format";
  if (to < from) return "reversed";
  if (from < "2000-01-01") return "too_early";
  if (to > addYears(from, 1)) return "too_long";
  if (to > addDays(today, 1)) {
    const kind = kindOf(from, to);
    if (kind === "other") return "future";
    if (today < `${from.slice(0, 4)}-${STANDARD_PERIODS[kind].draftFrom}`) return "too_soon";
  }
  return undefined;
}

/** The last day the figures of a period can cover: its end, or today for a period still running. */
export function figuresUntil(to: string, today: string = vnToday()): string {
  return to < today ? to : today;
}

/**
 * What the drafting form proposes: the standard period being drafted (its last month has begun),
 * else the current half-year up to today.
 */
export function defaultPeriod(today: string = vnToday()): { from: string; to: string } {
  const y = today.slice(0, 4);
  const md = today.slice(5);
  if (md >= STANDARD_PERIODS.h2.draftFrom) return { from: `${y}-${STANDARD_PERIODS.h2.from}`, to: `${y}-${STANDARD_PERIODS.h2.to}` };
  if (md >= STANDARD_PERIODS.h1.draftFrom && md <= STANDARD_PERIODS.h1.to) return { from: `${y}-${STANDARD_PERIODS.h1.from}`, to: `${y}-${STANDARD_PERIODS.h1.to}` };
  return { from: md <= STANDARD_PERIODS.h1.to ? `${y}-${STANDARD_PERIODS.h1.from}` : `${y}-${STANDARD_PERIODS.h2.from}`, to: today };
}

export function kindOf(from: string, to: string): PeriodKind {
  if (to.slice(0, 4) !== from.slice(0, 4)) return "other";
  for (const [kind, p] of Object.entries(STANDARD_PERIODS) as [StandardPeriod, (typeof STANDARD_PERIODS)[StandardPeriod]][]) {
    if (from.slice(5) === p.from && to.slice(5) === p.to) return kind;
  }
  return "other";
}

const QUARTER_NUMERALS = { q1: "I", q2: "II", q3: "III", q4: "IV" } as const;

/** "06 tháng đầu năm 2024", "06 tháng cuối năm 2024", "quý I năm 2026", "năm 2024", or "từ ngày … đến ngày …". */
export function periodLabel(from: string, to: string): string {
  const y = from.slice(0, 4);
  const kind = kindOf(from, to);
  if (kind === "q1" || kind === "q2" || kind === "q3" || kind === "q4") return `quý ${QUARTER_NUMERALS[kind]} năm ${y}`;
  switch (kind) {
    case "h1":
      return `06 tháng đầu năm ${y}`;
    case "h2":
      return `06 tháng cuối năm ${y}`;
    case "year":
      return `năm ${y}`;
    default:
      return `từ ngày ${vnDate(from)} đến ngày ${vnDate(to)}`;
  }
}

/** The period the "directions" section speaks of. */
export function nextPeriodLabel(from: string, to: string): string {
  const y = Number(from.slice(0, 4));
  const kind = kindOf(from, to);
  if (kind === "q1" || kind === "q2" || kind === "q3") return `quý ${QUARTER_NUMERALS[kind === "q1" ? "q2" : kind === "q2" ? "q3" : "q4"]} năm ${y}`;
  if (kind === "q4") return `quý I năm ${y + 1}`;
  switch (kind) {
    case "h1":
      return `06 tháng cuối năm ${y}`;
    case "h2":
      return `06 tháng đầu năm ${y + 1}`;
    case "year":
      return `năm ${y + 1}`;
    default:
      return "thời gian tới";
  }
}
