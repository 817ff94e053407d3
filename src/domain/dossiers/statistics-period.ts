// Periods of the dossier statistics page: a month ("2026-06"), a quarter ("2026-Q2"), a half-year
// ("2026-H1") or a year ("2026"), as one URL parameter. Dates are local (Asia/Ho_Chi_Minh)
// "YYYY-MM-DD", inclusive, like the report periods (src/domain/reports/contracts.ts).

import { z } from "zod";
import { addMonths, lastDayOfMonth } from "../reports/months";

const pad = (n: number) => String(n).padStart(2, "0");

export type StatPeriodKind = "month" | "quarter" | "half" | "year";
export type StatPeriod = { key: string; kind: StatPeriodKind; year: number; n: number; from: string; to: string };

const KEY = /^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4])|-H([12]))?$/;
export const FIRST_YEAR = 2000;

export function parseStatPeriod(key: string): StatPeriod | undefined {
  const m = KEY.exec(key);
  if (!m) return undefined;
  const year = Number(m[1]);
  const [month, quarter, half] = [m[2], m[3], m[4]].map((x) => (x ? Number(x) : undefined));
  const span = (kind: StatPeriodKind, n: number, first: number, months: number): StatPeriod => {
    const a = `${year}-${pad(first)}`;
    return { key, kind, year, n, from: `${a}-01`, to: lastDayOfMonth(addMonths(a, months - 1)) };
  };
  if (month) return span("month", month, month, 1);
  if (quarter) return span("quarter", quarter, quarter * 3 - 2, 3);
  if (half) return span("half", half, half * 6 - 5, 6);
  return span("year", year, 1, 12);
}

/** The half-year that contains `today`, the statistics' default period (the report's rhythm). */
export function currentHalf(today: string): StatPeriod {
  return parseStatPeriod(`${today.slice(0, 4)}-H${today.slice(5, 7) <= "06" ? 1 : 2}`)!;
}

/** The `?period=` parameter: a real period of 2000 or later that has begun by `today`. */
export function statPeriodParam(today: string) {
  return z
    .string({ error: "msg:dossier.stats.err.period" })
    .trim()
    .max(10, "msg:dossier.stats.err.period")
    .transform((v, ctx) => {
      const p = parseStatPeriod(v);
      if (!p || p.year < FIRST_YEAR) {
        ctx.addIssue({ code: "custom", message: "msg:dossier.stats.err.period" });
        return z.NEVER;
      }
      if (p.from > today) {
        ctx.addIssue({ code: "custom", message: "msg:dossier.stats.err.future" });
        return z.NEVER;
      }
      return p;
    });
}

/** The periods offered in the selector, newest first by kind: this year and the `years - 1` before it, as far as today. */
export function periodChoices(today: string, years = 3): Record<StatPeriodKind, StatPeriod[]> {
  const y0 = Number(today.slice(0, 4));
  const out: Record<StatPeriodKind, StatPeriod[]> = { year: [], half: [], quarter: [], month: [] };
  for (let y = y0; y > y0 - years && y >= FIRST_YEAR; y--) {
    const keys: [StatPeriodKind, string[]][] = [
      ["year", [`${y}`]],
      ["half", [`${y}-H2`, `${y}-H1`]],
      ["quarter", [4, 3, 2, 1].map((q) => `${y}-Q${q}`)],
      ["month", [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((m) => `${y}-${pad(m)}`)],
    ];
    for (const [kind, list] of keys) for (const k of list) {
      const p = parseStatPeriod(k)!;
      if (p.from <= today) out[kind].push(p);
    }
  }
  return out;
}
