// Reporting periods: validation and the wording the report uses for them.
import { vnDate, vnToday } from "../documents/numbering";

export type PeriodProblem = "format" | "reversed" | "too_long" | "too_early" | "future";

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
 * day (to ≤ from + 1 year); nothing before 2000-01-01; `to` at most tomorrow (Vietnam time) —
 * a report quotes figures that exist, so a period that ends later is drafted "đến ngày" today.
 */
export function checkPeriod(from: string, to: string, today: string = vnToday()): PeriodProblem | undefined {
  if (!isRealDate(from) || !isRealDate(to)) return "format";
  if (to < from) return "reversed";
  if (from < "2000-01-01") return "too_early";
  if (to > addDays(today, 1)) return "future";
  if (to > addYears(from, 1)) return "too_long";
  return undefined;
}

type Kind = "h1" | "h2" | "year" | "other";

function kindOf(from: string, to: string): Kind {
  const y = from.slice(0, 4);
  if (to.slice(0, 4) !== y) return "other";
  if (from.endsWith("-01-01") && to.endsWith("-06-30")) return "h1";
  if (from.endsWith("-07-01") && to.endsWith("-12-31")) return "h2";
  if (from.endsWith("-01-01") && to.endsWith("-12-31")) return "year";
  return "other";
}

/** "06 tháng đầu năm 2024", "06 tháng cuối năm 2024", "năm 2024", or "từ ngày … đến ngày …". */
export function periodLabel(from: string, to: string): string {
  const y = from.slice(0, 4);
  switch (kindOf(from, to)) {
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
  switch (kindOf(from, to)) {
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
