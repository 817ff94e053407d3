// The province's report combining its communes' (issue 16): totals and a table by commune from
// the communes' own figures, what their reports said quoted with attribution, and who has not
// reported. Pure: the data is gathered by src/modules/reports/combine.ts and frozen with the draft.
import type { DocBlock, DocTable } from "../documents/model";
import { vnDate } from "../documents/numbering";
import type { DossierStatisticsRow } from "./contracts";
import type { CombinedCommune, CombinedData, CombinedQuote, ReportData } from "./report-data";

const nf = new Intl.NumberFormat("vi-VN");
const n = (v: number) => nf.format(v);

export const emptyRow = (field: string): DossierStatisticsRow => ({
  field,
  received: { total: 0, online: 0, inPersonOrPost: 0, carriedOver: 0 },
  resolved: { total: 0, early: 0, onTime: 0, late: 0 },
  inProgress: { total: 0, withinTime: 0, overdue: 0 },
});

/** Sum of Biểu 06 rows, field by field (the province's rows are the sum of its communes'). */
export function sumRows(rows: readonly DossierStatisticsRow[], field = ""): DossierStatisticsRow {
  const out = emptyRow(field);
  for (const r of rows) {
    for (const group of ["received", "resolved", "inProgress"] as const) {
      const target = out[group] as Record<string, number>;
      for (const [k, v] of Object.entries(r[group])) target[k] = (target[k] ?? 0) + v;
    }
  }
  return out;
}

/** Rows of several agencies merged by field, sorted as the report prints them. */
export function mergeByField(rowSets: readonly (readonly DossierStatisticsRow[])[]): DossierStatisticsRow[] {
  const byField = new Map<string, DossierStatisticsRow[]>();
  for (const rows of rowSets) for (const r of rows) byField.set(r.field, [...(byField.get(r.field) ?? []), r]);
  return [...byField].map(([field, rs]) => sumRows(rs, field)).sort((a, b) => a.field.localeCompare(b.field, "vi"));
}

/** Dossiers late: resolved after their appointment plus those still open past it. */
export function overdueCount(r: DossierStatisticsRow): number {
  return r.resolved.late + r.inProgress.overdue;
}

/** Share of the resolved that were on time or early, 0..1; undefined when nothing was resolved. */
export function onTimeShare(r: DossierStatisticsRow): number | undefined {
  return r.resolved.total ? (r.resolved.early + r.resolved.onTime) / r.resolved.total : undefined;
}

/** Share of the new dossiers that came online, 0..1; undefined when none came. */
export function onlineShare(r: DossierStatisticsRow): number | undefined {
  const fresh = r.received.online + r.received.inPersonOrPost;
  return fresh ? r.received.online / fresh : undefined;
}

const pct = (v: number | undefined) => (v === undefined ? "—" : `${nf.format(Math.round(v * 1000) / 10)}%`);

/** The table by commune: one row each, then the province's total. */
export function communeTable(c: CombinedData): DocTable | undefined {
  if (c.communes.length === 0) return undefined;
  const cells = (x: { dossiers: DossierStatisticsRow | null; onlineProcedures: number }) => {
    const d = x.dossiers ?? emptyRow("");
    return [n(d.received.total), n(d.resolved.total), pct(onTimeShare(d)), n(overdueCount(d)), pct(onlineShare(d)), n(x.onlineProcedures)];
  };
  const total = { dossiers: sumRows(c.communes.map((x) => x.dossiers ?? emptyRow(""))), onlineProcedures: c.communes.reduce((s, x) => s + x.onlineProcedures, 0) };
  return {
    columns: [
      { label: "STT", width: 5 },
      { label: "Xã, phường", width: 20 },
      { label: "Hồ sơ tiếp nhận", width: 10 },
      { label: "Đã giải quyết", width: 10 },
      { label: "Đúng hạn, trước hạn", width: 10 },
      { label: "Quá hạn", width: 8 },
      { label: "Nộp trực tuyến", width: 9 },
      { label: "DVC trực tuyến", width: 9 },
      { label: "Báo cáo của xã", width: 19 },
    ],
    rows: [
      ...c.communes.map((x, i) => [String(i + 1), x.unitName, ...cells(x), x.report ? `${x.report.code} (${vnDate(x.report.date)})` : "Chưa gửi"]),
      ["", "Toàn tỉnh", ...cells(total), `${n(c.communes.filter((x) => x.report).length)}/${n(c.communes.length)} xã`],
    ],
    boldRows: [c.communes.length],
  };
}

/** Figures of the whole province, each a line of the report. */
export function combinedFacts(data: ReportData): string[] {
  const c = data.combined;
  if (!c) return [];
  const d = sumRows(c.communes.map((x) => x.dossiers ?? emptyRow("")));
  const sent = c.communes.filter((x) => x.report).length;
  const lines = [
    `Tổng hợp từ số liệu của ${n(c.communes.length)} xã, phường và ${n(sent)} báo cáo của các xã đã gửi qua hệ thống.`,
    `Các xã, phường tiếp nhận ${n(d.received.total)} hồ sơ (trực tuyến ${n(d.received.online)}, tỷ lệ ${pct(onlineShare(d))}); đã giải quyết ${n(d.resolved.total)}, trong đó đúng hạn và trước hạn ${pct(onTimeShare(d))}; ${n(overdueCount(d))} hồ sơ quá hạn.`,
    `Các xã cung cấp ${n(c.communes.reduce((s, x) => s + x.onlineProcedures, 0))} dịch vụ công trực tuyến; đăng ${n(c.communes.reduce((s, x) => s + x.communications.items, 0))} tin, bài, phát thanh ${n(c.communes.reduce((s, x) => s + x.communications.broadcasts, 0))} buổi, tổ chức ${n(c.communes.reduce((s, x) => s + x.communications.conferences, 0))} hội nghị tuyên truyền.`,
  ];
  const overdueTasks = c.communes.reduce((s, x) => s + x.tasksOverdue, 0);
  if (overdueTasks) lines.push(`${n(overdueTasks)} nhiệm vụ trong kế hoạch của các xã quá hạn chưa hoàn thành.`);
  if (c.missing.length) lines.push(`Các xã chưa gửi báo cáo: ${c.missing.join(", ")}.`);
  return lines;
}

/** "UBND xã Minh Tiến (Báo cáo số 05/BC-UBND ngày 14/06/2026): …" for each passage quoted under a section. */
export function quoteLines(quotes: readonly CombinedQuote[], section: string): string[] {
  return quotes
    .filter((q) => q.section === section)
    .map((q) => `${q.unitName.replace(/^X/u, "x").replace(/^P/u, "p").replace(/^/, "UBND ")} (Báo cáo số ${q.reportCode} ngày ${vnDate(q.reportDate)}): “${q.text.replace(/\s*\n\s*/g, " ").trim()}”`);
}

/** The blocks a combined report adds: the province's figures and the table by commune. */
export function combinedBlocks(data: ReportData, heading: string): DocBlock[] {
  const c = data.combined;
  if (!c) return [];
  const table = communeTable(c);
  return [
    { type: "heading", level: 2, text: heading },
    ...combinedFacts(data).map((text) => ({ type: "bullet", text }) as DocBlock),
    ...(table ? [{ type: "table", caption: "Biểu tổng hợp kết quả của các xã, phường", table } as DocBlock] : []),
  ];
}

/** Quoted passages as blocks under a section heading of the province's report. */
export function quoteBlocks(data: ReportData, section: string): DocBlock[] {
  const lines = data.combined ? quoteLines(data.combined.quotes, section) : [];
  if (!lines.length) return [];
  return [{ type: "paragraph", text: "Ý kiến của các xã, phường:", italic: true }, ...lines.map((text) => ({ type: "bullet", text }) as DocBlock)];
}

/** The communes' figures a province reads as one (for its own data parts). */
export function communeDossierRows(communes: readonly CombinedCommune[]): DossierStatisticsRow[] {
  return communes.map((x) => ({ ...(x.dossiers ?? emptyRow("")), field: x.unitName }));
}
