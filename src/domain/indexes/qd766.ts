// The national service-quality index of Quyết định 766/QĐ-TTg (the "Bộ chỉ số chỉ đạo, điều hành
// và đánh giá chất lượng phục vụ người dân, doanh nghiệp" the national portal scores every agency
// by), as data: each version of the indicator table is a row, the period picks the version in
// force on its last day, so a revised decision is a new row and not a code change.
//
// The indicator table follows ../shared/notes/indexes.md (a transcription of the portal's "Mô tả
// công thức tính chỉ số 766"). Where the transcription gives a group's points but not each
// indicator's (3.1–3.4 share 12 points) or gives no "full at" level, the split and the 100 % level
// are our reading, written here and in docs/indexes.md; a corrected reading is a new version.
//
// Rules (pure; the queries in src/modules/indexes/qd766-*.ts count what these rules say):
// - a rate is numerator ÷ denominator; nothing to measure (denominator 0, or no data source in the
//   product) is "no-data", never 0 % nor 100 %;
// - points = min(max, max × rate ÷ target), two decimals;
// - total = sum of points of the indicators measured, out of the sum of their maxima (an indicator
//   without data neither gives nor takes points);
// - a province is the sum of its communes' numerators and denominators, never an average of rates.

export type Bilingual = { vi: string; en: string };

/** How an indicator's figure becomes a rate. */
export const QD766_FORMULAS = ["share", "pakn-satisfaction", "procedure-satisfaction", "average-days", "count"] as const;
export type Qd766Formula = (typeof QD766_FORMULAS)[number];

/** Where the product keeps the data an indicator is counted from ("none": not held, always no-data). */
export const QD766_SOURCES = ["announcements", "catalog", "sync", "dossiers", "payments", "e-results", "digitisation", "feedback", "none"] as const;
export type Qd766Source = (typeof QD766_SOURCES)[number];

export type Qd766Indicator = {
  code: string;
  name: Bilingual;
  /** Points at full marks (0: followed, not scored). */
  max: number;
  formula: Qd766Formula;
  /** Rate at which the indicator earns its maximum (0–1]. */
  target: number;
  /** "province": measured on the province's own work (catalog decisions), not per commune. */
  level: "province" | "any";
  source: Qd766Source;
  /** Why the product cannot measure it (source "none"). */
  noDataReason?: Bilingual;
};

export type Qd766Version = {
  id: string;
  decision: string;
  /** First day (yyyy-mm-dd) the version applies to. */
  effectiveFrom: string;
  indicators: readonly Qd766Indicator[];
};

const NOT_HELD: Bilingual = {
  vi: "Phần mềm chưa có nguồn dữ liệu cho chỉ tiêu này.",
  en: "The product holds no data for this indicator.",
};

export const QD766_VERSIONS = [
  {
    id: "766-2022",
    decision: "Quyết định 766/QĐ-TTg ngày 23/6/2022",
    effectiveFrom: "2022-06-23",
    indicators: [
      { code: "1.1", name: { vi: "TTHC được công bố đúng hạn", en: "Procedures announced on time" }, max: 6, formula: "share", target: 1, level: "province", source: "announcements" },
      { code: "1.2", name: { vi: "TTHC được cập nhật, công khai đúng hạn", en: "Procedures updated and published on time" }, max: 4, formula: "share", target: 1, level: "province", source: "announcements" },
      { code: "1.3", name: { vi: "TTHC công khai đầy đủ các bộ phận", en: "Procedures published with all their parts" }, max: 2, formula: "share", target: 1, level: "any", source: "catalog" },
      { code: "1.4", name: { vi: "Hồ sơ đồng bộ lên Cổng DVCQG", en: "Dossiers synchronised to the national portal" }, max: 6, formula: "share", target: 1, level: "any", source: "sync" },
      { code: "2.1", name: { vi: "Hồ sơ xử lý trước hạn, đúng hạn", en: "Dossiers handled early or on time" }, max: 20, formula: "share", target: 1, level: "any", source: "dossiers" },
      { code: "2.2", name: { vi: "Thời gian giải quyết trung bình (ngày)", en: "Average resolution time (days)" }, max: 0, formula: "average-days", target: 1, level: "any", source: "dossiers" },
      { code: "3.1", name: { vi: "TTHC cung cấp dịch vụ công trực tuyến", en: "Procedures offered as online services" }, max: 2, formula: "share", target: 0.8, level: "any", source: "catalog" },
      { code: "3.2", name: { vi: "DVCTT có phát sinh hồ sơ trực tuyến", en: "Online services with online dossiers" }, max: 2, formula: "share", target: 1, level: "any", source: "dossiers" },
      { code: "3.3", name: { vi: "Tỷ lệ hồ sơ nộp trực tuyến", en: "Share of dossiers submitted online" }, max: 4, formula: "share", target: 0.5, level: "any", source: "dossiers" },
      { code: "3.4", name: { vi: "Hồ sơ trực tuyến toàn trình trên hồ sơ đủ điều kiện", en: "Full-online dossiers of those eligible" }, max: 4, formula: "share", target: 1, level: "any", source: "dossiers" },
      { code: "3.5", name: { vi: "TTHC có phí, lệ phí tích hợp thanh toán trực tuyến", en: "Fee-bearing procedures with online payment" }, max: 2, formula: "share", target: 0.8, level: "any", source: "catalog" },
      { code: "3.5b", name: { vi: "TTHC có giao dịch thanh toán trực tuyến", en: "Procedures with online payment transactions" }, max: 2, formula: "share", target: 1, level: "any", source: "payments" },
      { code: "3.6", name: { vi: "Hồ sơ thanh toán trực tuyến trên hồ sơ có phí", en: "Dossiers paid online of those with a fee" }, max: 6, formula: "share", target: 1, level: "any", source: "payments" },
      { code: "4.1", name: { vi: "Hồ sơ trả kết quả điện tử", en: "Dossiers with an electronic result" }, max: 6, formula: "share", target: 1, level: "any", source: "e-results" },
      { code: "4.2", name: { vi: "Hồ sơ được số hóa (thành phần và kết quả)", en: "Dossiers digitised (documents and result)" }, max: 4, formula: "share", target: 0.8, level: "any", source: "digitisation" },
      { code: "4.2b", name: { vi: "Cấp bản sao điện tử từ sổ gốc", en: "Electronic certified copies" }, max: 2, formula: "share", target: 1, level: "any", source: "none", noDataReason: NOT_HELD },
      { code: "4.3", name: { vi: "Tái sử dụng dữ liệu số hóa", en: "Reuse of digitised data" }, max: 2, formula: "share", target: 0.8, level: "any", source: "digitisation" },
      { code: "4.4", name: { vi: "Kết nối kho dữ liệu cá nhân của người dân", en: "Linked to the citizen's personal store" }, max: 4, formula: "share", target: 1, level: "any", source: "digitisation" },
      {
        code: "4.5a",
        name: { vi: "TTHC khai thác CSDL quốc gia về dân cư", en: "Procedures using the national population database" },
        max: 2,
        formula: "share",
        target: 1,
        level: "any",
        source: "none",
        noDataReason: { vi: "Phần mềm chưa kết nối CSDL quốc gia về dân cư.", en: "The product is not connected to the national population database." },
      },
      {
        code: "4.5b",
        name: { vi: "Hồ sơ sử dụng tài khoản định danh điện tử VNeID", en: "Dossiers using VNeID identities" },
        max: 2,
        formula: "share",
        target: 1,
        level: "any",
        source: "none",
        noDataReason: { vi: "Phần mềm chưa ghi nhận đăng nhập bằng VNeID.", en: "The product does not record VNeID sign-ins." },
      },
      { code: "5.1", name: { vi: "Phản ánh, kiến nghị tiếp nhận (theo dõi)", en: "Feedback received (followed)" }, max: 0, formula: "count", target: 1, level: "any", source: "feedback" },
      { code: "5.2", name: { vi: "Phản ánh, kiến nghị xử lý đúng hạn", en: "Feedback handled on time" }, max: 6, formula: "share", target: 1, level: "any", source: "feedback" },
      { code: "5.3", name: { vi: "Mức độ hài lòng trong xử lý phản ánh, kiến nghị", en: "Satisfaction with the handling of feedback" }, max: 6, formula: "pakn-satisfaction", target: 1, level: "any", source: "feedback" },
      { code: "5.4", name: { vi: "Mức độ hài lòng trong giải quyết TTHC", en: "Satisfaction with administrative procedures" }, max: 6, formula: "procedure-satisfaction", target: 0.9, level: "any", source: "dossiers" },
    ],
  },
] as const satisfies readonly Qd766Version[];

export type Qd766Code = (typeof QD766_VERSIONS)[number]["indicators"][number]["code"];

/** The version in force on a day (yyyy-mm-dd): the latest that took effect on or before it; the first before any. */
export function versionInForce(day: string, versions: readonly Qd766Version[] = QD766_VERSIONS): Qd766Version {
  const sorted = [...versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  let found = sorted[0]!;
  for (const v of sorted) if (v.effectiveFrom <= day) found = v;
  return found;
}

/**
 * What was counted for one indicator of one agency. `parts` carry what a composite formula
 * subtracts (5.3: disliked and late PAKN; 5.4: overdue and complained-about dossiers), summed as
 * they are for a province. `noData` names why nothing could be counted.
 */
export type Qd766Figure = {
  numerator: number;
  denominator: number;
  parts?: { overdue?: number; complained?: number; disliked?: number; late?: number };
  noData?: "no-source" | "province-level" | "not-connected" | "nothing-to-measure";
};

export const NO_SOURCE: Qd766Figure = { numerator: 0, denominator: 0, noData: "no-source" };

/** Sum of figures (a province = its communes): numerators, denominators and parts added, never rates averaged. */
export function sumFigures(figures: readonly Qd766Figure[]): Qd766Figure {
  const measured = figures.filter((f) => !f.noData);
  if (measured.length === 0) return figures.find((f) => f.noData)?.noData === "not-connected" ? { numerator: 0, denominator: 0, noData: "not-connected" } : { numerator: 0, denominator: 0, noData: figures[0]?.noData ?? "nothing-to-measure" };
  const out: Qd766Figure = { numerator: 0, denominator: 0 };
  for (const f of measured) {
    out.numerator += f.numerator;
    out.denominator += f.denominator;
    if (f.parts) {
      out.parts ??= {};
      for (const [k, v] of Object.entries(f.parts) as [keyof NonNullable<Qd766Figure["parts"]>, number][]) out.parts[k] = (out.parts[k] ?? 0) + v;
    }
  }
  return out;
}

/** score = min(max, max × rate ÷ target), two decimals. */
export function pointsFor(max: number, rate: number, target: number): number {
  if (max === 0) return 0;
  return Math.round(Math.min(max, (max * rate) / target) * 100) / 100;
}

export type Qd766Status = "ok" | "no-data";

export type Qd766Result = {
  code: string;
  name: Bilingual;
  /** The rate (0–1) for shares, days for 2.2, a count for 5.1; null without data. */
  value: number | null;
  numerator: number;
  denominator: number;
  points: number | null;
  maxPoints: number;
  target: number;
  formula: Qd766Formula;
  status: Qd766Status;
  reason: Bilingual | null;
};

const REASONS: Record<NonNullable<Qd766Figure["noData"]>, Bilingual> = {
  "no-source": NOT_HELD,
  "province-level": { vi: "Chỉ tiêu tính cho cấp tỉnh.", en: "Measured for the province as a whole." },
  "not-connected": { vi: "Cơ quan chưa kết nối đồng bộ với Cổng DVCQG.", en: "The agency is not connected to the national portal." },
  "nothing-to-measure": { vi: "Chưa có số liệu trong kỳ.", en: "No data yet in the period." },
};

/**
 * The rate of a figure by its formula: a share is numerator ÷ denominator; 5.3 is (all − disliked
 * − late) ÷ all and 5.4 is 1 − overdue share − complained share, each kept within 0–100 % as the
 * portal's formulas write them (src/domain/feedback/indicators.ts has the same rules per item).
 */
export function rateOf(formula: Qd766Formula, f: Qd766Figure): number | null {
  if (f.noData) return null;
  if (formula === "count") return f.numerator;
  if (f.denominator === 0) return null;
  switch (formula) {
    case "share":
      return Math.min(1, Math.max(0, f.numerator / f.denominator));
    case "average-days":
      return Math.round((f.numerator / f.denominator) * 10) / 10;
    case "pakn-satisfaction":
      return Math.min(1, Math.max(0, (f.denominator - (f.parts?.disliked ?? 0) - (f.parts?.late ?? 0)) / f.denominator));
    case "procedure-satisfaction":
      return Math.min(1, Math.max(0, 1 - (f.parts?.overdue ?? 0) / f.denominator - (f.parts?.complained ?? 0) / f.denominator));
    default: {
      const never: never = formula;
      throw new Error(`unknown formula ${String(never)}`);
    }
  }
}

export function scoreIndicator(ind: Qd766Indicator, f: Qd766Figure): Qd766Result {
  const base = { code: ind.code, name: ind.name, maxPoints: ind.max, target: ind.target, formula: ind.formula };
  const noData = ind.source === "none" ? "no-source" : f.noData;
  if (noData) return { ...base, value: null, numerator: 0, denominator: 0, points: null, status: "no-data", reason: ind.source === "none" ? (ind.noDataReason ?? NOT_HELD) : REASONS[noData] };
  const value = rateOf(ind.formula, f);
  // The satisfaction formulas' numerator is what remains after the subtractions, so the pair reads as the rate.
  const numerator =
    ind.formula === "pakn-satisfaction" && value !== null
      ? Math.max(0, f.denominator - (f.parts?.disliked ?? 0) - (f.parts?.late ?? 0))
      : ind.formula === "procedure-satisfaction" && value !== null
        ? Math.max(0, f.denominator - (f.parts?.overdue ?? 0) - (f.parts?.complained ?? 0))
        : f.numerator;
  if (value === null) return { ...base, value: null, numerator, denominator: f.denominator, points: null, status: "no-data", reason: REASONS["nothing-to-measure"] };
  const scored = ind.formula === "share" || ind.formula === "pakn-satisfaction" || ind.formula === "procedure-satisfaction";
  return { ...base, value, numerator, denominator: f.denominator, points: scored ? pointsFor(ind.max, value, ind.target) : 0, status: "ok", reason: null };
}

/** Total points of the measured indicators, out of their maxima. */
export function totalOf(results: readonly Qd766Result[]): { total: number; max: number; maxAll: number } {
  let total = 0;
  let max = 0;
  let maxAll = 0;
  for (const r of results) {
    maxAll += r.maxPoints;
    if (r.status !== "ok") continue;
    total += r.points ?? 0;
    max += r.maxPoints;
  }
  return { total: Math.round(total * 100) / 100, max, maxAll };
}

/** Competition ranking (1, 2, 2, 4): equal totals share a rank; ties listed by agency code. */
export function rankAgencies<T extends { agency: string; total: number }>(rows: readonly T[]): (T & { rank: number })[] {
  const sorted = [...rows].sort((a, b) => b.total - a.total || a.agency.localeCompare(b.agency));
  let rank = 0;
  let last: number | undefined;
  return sorted.map((r, i) => {
    if (r.total !== last) {
      rank = i + 1;
      last = r.total;
    }
    return { ...r, rank };
  });
}

/**
 * How one dossier counts in 2.1 for a period [start, end) judged at `cut` (the end, or now if
 * earlier): resolved in the period — late if finished after the appointment (which already has
 * the supplement waiting time added back) or asked for supplements more than once; still open at
 * the end — late if its appointment passed by the cut. Not counted: received after the period,
 * or finished (or closed) before it began.
 */
export function judgeDossier21(
  d: { receivedAt: Date | null; dueAt: Date | null; finishedAt: Date | null; closedAt: Date | null; supplementCount: number },
  p: { start: Date; end: Date; cut: Date },
): "on-time" | "late" | "not-counted" {
  if (!d.receivedAt || d.receivedAt.getTime() >= p.end.getTime()) return "not-counted";
  const ended = d.finishedAt ?? d.closedAt;
  if (ended && ended.getTime() < p.start.getTime()) return "not-counted";
  if (d.finishedAt && d.finishedAt.getTime() >= p.start.getTime() && d.finishedAt.getTime() < p.end.getTime()) {
    return d.supplementCount > 1 || (d.dueAt !== null && d.finishedAt.getTime() > d.dueAt.getTime()) ? "late" : "on-time";
  }
  // Closed without a result during the period (withdrawn): neither resolved nor in progress.
  if (ended && ended.getTime() < p.end.getTime()) return "not-counted";
  return d.dueAt !== null && d.dueAt.getTime() < p.cut.getTime() ? "late" : "on-time";
}

// ----- periods -----

export type PeriodError = "badDate" | "reversed" | "future" | "tooLong";

const ISO = /^\d{4}-\d{2}-\d{2}$/;
export function isIsoDay(s: string): boolean {
  return ISO.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
}

/** Longest period asked for at once (five years): the daily counters are summed, so this bounds the work. */
export const MAX_PERIOD_DAYS = 5 * 366;

/** Why a period cannot be computed (reversed, ending after today, too long), or undefined. */
export function checkPeriod(from: string, to: string, today: string): PeriodError | undefined {
  if (!isIsoDay(from) || !isIsoDay(to)) return "badDate";
  if (from > to) return "reversed";
  if (to > today) return "future";
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_PERIOD_DAYS) return "tooLong";
  return undefined;
}

const pad = (n: number) => String(n).padStart(2, "0");
const lastDayOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

export const PERIOD_PRESETS = ["month", "quarter", "year", "last-month", "last-quarter", "last-year"] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

/** A preset period around `today`; the current ones end today (a period may not reach into the future). */
export function presetPeriod(preset: PeriodPreset, today: string): { from: string; to: string } {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const q = Math.floor((m - 1) / 3);
  switch (preset) {
    case "month":
      return { from: `${y}-${pad(m)}-01`, to: today };
    case "quarter":
      return { from: `${y}-${pad(q * 3 + 1)}-01`, to: today };
    case "year":
      return { from: `${y}-01-01`, to: today };
    case "last-month": {
      const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1];
      return { from: `${py}-${pad(pm)}-01`, to: `${py}-${pad(pm)}-${pad(lastDayOfMonth(py, pm))}` };
    }
    case "last-quarter": {
      const [py, pq] = q === 0 ? [y - 1, 3] : [y, q - 1];
      const last = pq * 3 + 3;
      return { from: `${py}-${pad(pq * 3 + 1)}-01`, to: `${py}-${pad(last)}-${pad(lastDayOfMonth(py, last))}` };
    }
    case "last-year":
      return { from: `${y - 1}-01-01`, to: `${y - 1}-12-31` };
    default: {
      const never: never = preset;
      throw new Error(`unknown preset ${String(never)}`);
    }
  }
}
