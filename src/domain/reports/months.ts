// Calendar months as "YYYY-MM": the charts by month of the dossier and communication figures.

const pad = (n: number) => String(n).padStart(2, "0");

/** "2026-06" → "2026-06-30". */
export function lastDayOfMonth(ym: string): string {
  const [y, m] = ym.split("-").map(Number) as [number, number];
  return `${ym}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}`;
}

/** "2026-06" moved by n months (n may be negative). */
export function addMonths(ym: string, n: number): string {
  const [y, m] = ym.split("-").map(Number) as [number, number];
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${pad((i % 12) + 1)}`;
}

/** The months from `from` to `to`, both included ("YYYY-MM"); empty when reversed. */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** The `n` months ending with `last`, oldest first. */
export function monthsEndingAt(last: string, n: number): string[] {
  return monthRange(addMonths(last, -(n - 1)), last);
}

