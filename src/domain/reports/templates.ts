// The templates of the report kinds (src/domain/reports/kinds.ts): default wording of each
// narrative section, the figures shown under each, and the document in the state format
// (Nghị định 30/2020/NĐ-CP, Phụ lục I). One entry per kind, checked by the compiler against the
// kinds and by src/domain/reports/kinds.test.ts section by section.
import type { DocBlock, DocTable, OfficialDocument } from "../documents/model";
import { agencyLines, documentCode, placeDate, placeName } from "../documents/numbering";
import {
  composeReport,
  DEFAULT_TEMPLATES,
  dossierFacts,
  fillTemplate,
  figuresNote,
  type Narratives,
  narrativeBlocks,
  normaliseRecipients,
  placeholderValues,
  rowCells,
  sectionFacts,
} from "./cchc-communication";
import { combinedBlocks, combinedFacts, quoteBlocks, quoteLines } from "./combined";
import { type IssuerLevel, type ReportKind, REPORT_KINDS, recipientLines } from "./kinds";
import { nextPeriodLabel, periodLabel } from "./period";
import type { ReportData } from "./report-data";

/** A section as the report page shows it: its figures, and its editable text (null: figures only). */
export type PageSection = { key: string; title: string; narrative: string | null; facts: string[] };

export type ReportForDocument = {
  data: ReportData;
  subject: string;
  narratives: Readonly<Record<string, string>>;
  recipients: string[];
  /** Issued: number and date; draft: absent. */
  issued?: { number: number; symbol: string; date: string };
  draftDate: string;
  signer: { mode: "TM" | "KT"; name: string } | null;
};

export type ReportTemplate = {
  /** Default wording of each narrative section, with {placeholders} (src/domain/reports/cchc-communication.ts PLACEHOLDERS). */
  defaults: Readonly<Record<string, string>>;
  page(data: ReportData, narratives: Readonly<Record<string, string>>): PageSection[];
  compose(r: ReportForDocument): OfficialDocument;
};

const nf = new Intl.NumberFormat("vi-VN");
const n = (v: number) => nf.format(v);
const NO_DATA = "Trong kỳ chưa có số liệu";
const bullets = (lines: readonly string[]): DocBlock[] => lines.map((text) => ({ type: "bullet", text }));

/** Header, title, signature and recipients around a body: the same frame for every kind. */
export function documentFrame(r: ReportForDocument, body: DocBlock[]): OfficialDocument {
  const { data } = r;
  const symbol = r.issued?.symbol ?? "BC-UBND";
  return {
    header: {
      parentLines: data.agency.parentLine ? [data.agency.parentLine.toLocaleUpperCase("vi")] : [],
      agencyLines: agencyLines(data.agency.name),
      numberLine: r.issued ? `Số: ${documentCode(r.issued.number, symbol)}` : `Số:       /${symbol}`,
      placeDate: placeDate(placeName(data.agency.unitName), r.issued?.date ?? r.draftDate),
    },
    kindTitle: "BÁO CÁO",
    subject: r.subject,
    body,
    signature: {
      authorityLines: r.signer?.mode === "KT" ? ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] : ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
      name: r.signer?.name ?? "",
    },
    recipients: normaliseRecipients(r.recipients),
    ...(r.issued ? {} : { draftMark: "DỰ THẢO" }),
  };
}

/** Biểu 06 by level and field (Thông tư 01/2020/TT-VPCP): the communes' level, its fields, the total. */
export function dossierTableByLevel(data: ReportData): DocTable | undefined {
  const d = data.dossiers;
  if (!d || d.rows.length === 0) return undefined;
  const level = data.combined ? `Cấp xã (${n(data.combined.communes.length)} xã, phường)` : "Cấp xã";
  return {
    groups: [
      { label: "", span: 2 },
      { label: "Số hồ sơ nhận giải quyết", span: 4 },
      { label: "Kết quả giải quyết", span: 4 },
      { label: "Đang giải quyết", span: 3 },
    ],
    columns: [
      { label: "STT", width: 5 },
      { label: "Cấp, lĩnh vực", width: 19 },
      { label: "Tổng số", width: 7 },
      { label: "Trực tuyến", width: 7 },
      { label: "Trực tiếp, bưu chính", width: 8 },
      { label: "Kỳ trước chuyển qua", width: 8 },
      { label: "Tổng số", width: 7 },
      { label: "Trước hạn", width: 7 },
      { label: "Đúng hạn", width: 7 },
      { label: "Quá hạn", width: 7 },
      { label: "Tổng số", width: 7 },
      { label: "Trong hạn", width: 7 },
      { label: "Quá hạn", width: 7 },
    ],
    rows: [["I", level, ...rowCells(d.totals)], ...d.rows.map((r, i) => [String(i + 1), r.field, ...rowCells(r)]), ["", "Tổng cộng", ...rowCells(d.totals)]],
    boldRows: [0, d.rows.length + 1],
  };
}

function periodHeading(data: ReportData, text: string): DocBlock[] {
  const note = figuresNote(data);
  return [{ type: "heading", level: 1, text }, ...(note ? [{ type: "paragraph", text: `(${note.replace(/\.$/, "")})`, italic: true } as DocBlock] : [])];
}

function closingLine(data: ReportData, subject: string): string {
  const v = placeholderValues(data);
  return `Trên đây là báo cáo ${subject.charAt(0).toLocaleLowerCase("vi")}${subject.slice(1)} của ${v.coQuan}./.`;
}

function section(title: string, text: string | undefined, level: 1 | 2 = 2): DocBlock[] {
  return [{ type: "heading", level, text: title }, ...narrativeBlocks(text ?? "")];
}

// ---------------------------------------------------------------------------------------------
// cchc-communication: the seed report's own template (src/domain/reports/cchc-communication.ts).

const communication: ReportTemplate = {
  defaults: DEFAULT_TEMPLATES,
  page(data, narratives) {
    const s = REPORT_KINDS["cchc-communication"].sections;
    const f = sectionFacts(data);
    return [
      { key: "organisation", title: s.organisation, narrative: narratives.organisation ?? "", facts: f.organisation },
      { key: "visual", title: s.visual, narrative: narratives.visual ?? "", facts: f.visual },
      { key: "media", title: s.media, narrative: narratives.media ?? "", facts: f.media },
      { key: "conferences", title: s.conferences, narrative: narratives.conferences ?? "", facts: f.conferences },
      { key: "dossiers", title: "3. Kết quả tiếp nhận, giải quyết thủ tục hành chính", narrative: null, facts: f.dossiers },
      { key: "advantages", title: s.advantages, narrative: narratives.advantages ?? "", facts: [] },
      { key: "difficulties", title: s.difficulties, narrative: narratives.difficulties ?? "", facts: [] },
      { key: "directions", title: s.directions, narrative: narratives.directions ?? "", facts: [] },
      { key: "closing", title: s.closing, narrative: narratives.closing ?? "", facts: [] },
    ];
  },
  compose: (r) => composeReport({ ...r, narratives: r.narratives as Narratives }),
};

// ---------------------------------------------------------------------------------------------
// cchc-periodic: the provincial template's areas of reform.

const PERIODIC = REPORT_KINDS["cchc-periodic"].sections;

const periodic: ReportTemplate = {
  defaults: {
    direction:
      "- {coQuan} ban hành và tổ chức thực hiện {soKeHoach}; phân công nhiệm vụ cụ thể cho từng cán bộ, công chức, bộ phận.\n" +
      "- Thường xuyên kiểm tra, đôn đốc việc thực hiện nhiệm vụ cải cách hành chính; gắn kết quả thực hiện với đánh giá, xếp loại cán bộ, công chức.",
    institutions: "- Rà soát văn bản quy phạm pháp luật do địa phương ban hành; kiến nghị sửa đổi, bổ sung những quy định không còn phù hợp.",
    procedures:
      "- Niêm yết công khai, đầy đủ, kịp thời thủ tục hành chính tại Bộ phận Một cửa và trên Trang thông tin điện tử; tiếp nhận, giải quyết hồ sơ theo đúng quy trình.",
    organisation: "- Tiếp tục rà soát chức năng, nhiệm vụ, sắp xếp tổ chức bộ máy theo mô hình chính quyền địa phương hai cấp.",
    civilService: "- Siết chặt kỷ luật, kỷ cương hành chính; đánh giá, xếp loại cán bộ, công chức gắn với kết quả thực hiện nhiệm vụ.",
    publicFinance: "- Thực hiện nghiêm quy định về quản lý, sử dụng ngân sách; công khai dự toán, quyết toán theo quy định.",
    digitalGovernment: "- Đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình, một phần; số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.",
    assessment:
      "- Công tác cải cách hành chính {ky} được triển khai đồng bộ, đạt nhiều kết quả tích cực.\n" +
      "- Tồn tại, hạn chế: tỷ lệ hồ sơ nộp trực tuyến chưa cao; một số nhiệm vụ còn chậm so với kế hoạch.",
    proposals: "- Đề nghị cấp trên quan tâm bố trí kinh phí, trang thiết bị phục vụ công tác cải cách hành chính.",
    nextTasks:
      "- Tiếp tục thực hiện có hiệu quả {soKeHoach}.\n" +
      "- Nâng cao tỷ lệ hồ sơ giải quyết đúng hạn, tỷ lệ hồ sơ nộp trực tuyến trong {kyToi}.",
  },
  page(data, narratives) {
    const f = sectionFacts(data);
    const facts: Record<string, string[]> = {
      direction: [...f.organisation, ...f.media.filter((l) => !/dịch vụ công trực tuyến/u.test(l)), ...f.conferences],
      procedures: [...f.visual.slice(0, 1), ...f.dossiers],
      digitalGovernment: f.media.filter((l) => /dịch vụ công trực tuyến/u.test(l)),
    };
    return Object.entries(PERIODIC).map(([key, title]) => ({ key, title, narrative: narratives[key] ?? "", facts: facts[key] ?? [] }));
  },
  compose(r) {
    const { data } = r;
    const ky = periodLabel(data.period.from, data.period.to);
    const page = Object.fromEntries(this.page(data, r.narratives).map((s) => [s.key, s]));
    const part = (key: keyof typeof PERIODIC, extra: DocBlock[] = []) => [...section(PERIODIC[key], r.narratives[key]), ...bullets(page[key]!.facts), ...extra];
    const table = dossierTableByLevel(data);
    const body: DocBlock[] = [
      ...periodHeading(data, `I. Kết quả thực hiện công tác cải cách hành chính ${ky}`),
      ...part("direction"),
      ...part("institutions"),
      ...part("procedures", table ? [{ type: "table", caption: `Biểu 06. Tình hình, kết quả giải quyết thủ tục hành chính ${ky}`, table }] : []),
      ...part("organisation"),
      ...part("civilService"),
      ...part("publicFinance"),
      ...part("digitalGovernment"),
      ...combinedBlocks(data, "8. Tổng hợp kết quả của các xã, phường"),
      ...section(PERIODIC.assessment, r.narratives.assessment, 1),
      ...quoteBlocks(data, "assessment"),
      ...section(PERIODIC.proposals, r.narratives.proposals, 1),
      ...quoteBlocks(data, "proposals"),
      ...section(`${PERIODIC.nextTasks} (${nextPeriodLabel(data.period.from, data.period.to)})`, r.narratives.nextTasks, 1),
      { type: "paragraph", text: closingLine(data, r.subject) },
    ];
    return documentFrame(r, body);
  },
};

// ---------------------------------------------------------------------------------------------
// dossier-statistics: Biểu 06 by level and field, with a commentary.

const STATS = REPORT_KINDS["dossier-statistics"].sections;

const statistics: ReportTemplate = {
  defaults: {
    assessment: "- Hồ sơ quá hạn chủ yếu do hồ sơ phải xác minh, lấy ý kiến cơ quan liên quan; {coQuan} đã thực hiện xin lỗi người dân theo quy định.",
    proposals: "- Đề nghị các cơ quan có liên quan phối hợp giải quyết hồ sơ liên thông đúng thời hạn.",
  },
  page(data, narratives) {
    const cat = data.catalog;
    const figures = [
      ...(cat ? [`Số thủ tục hành chính đang thực hiện: ${n(cat.proceduresPublished)}; cung cấp dịch vụ công trực tuyến: ${n(cat.onlineFull + cat.onlinePartial)} (toàn trình ${n(cat.onlineFull)}, một phần ${n(cat.onlinePartial)}).`] : []),
      ...dossierFacts(data.dossiers),
    ];
    return [
      { key: "figures", title: `I. Tình hình, kết quả giải quyết thủ tục hành chính ${periodLabel(data.period.from, data.period.to)}`, narrative: null, facts: figures },
      ...Object.entries(STATS).map(([key, title]) => ({ key, title, narrative: narratives[key] ?? "", facts: [] })),
    ];
  },
  compose(r) {
    const { data } = r;
    const [figures] = this.page(data, r.narratives);
    const table = dossierTableByLevel(data);
    const body: DocBlock[] = [
      ...periodHeading(data, figures!.title),
      ...bullets(figures!.facts),
      ...(table ? [{ type: "table", caption: "Biểu 06. Tình hình, kết quả giải quyết thủ tục hành chính theo cấp và lĩnh vực", table } as DocBlock] : []),
      ...combinedBlocks(data, "Kết quả của từng xã, phường"),
      ...section(STATS.assessment, r.narratives.assessment, 1),
      ...quoteBlocks(data, "assessment"),
      ...section(STATS.proposals, r.narratives.proposals, 1),
      ...quoteBlocks(data, "proposals"),
      { type: "paragraph", text: closingLine(data, r.subject) },
    ];
    return documentFrame(r, body);
  },
};

// ---------------------------------------------------------------------------------------------
// feedback-statistics: feedback on administrative regulations.

const FEEDBACK = REPORT_KINDS["feedback-statistics"].sections;

function feedbackFacts(data: ReportData): string[] {
  if (data.combined) {
    const with_ = data.combined.communes.filter((c) => c.feedback);
    if (with_.length === 0) return [`${NO_DATA} về phản ánh, kiến nghị của các xã, phường.`];
    const rec = with_.reduce((s, c) => s + c.feedback!.received, 0);
    const res = with_.reduce((s, c) => s + c.feedback!.resolved, 0);
    return [`Các xã, phường tiếp nhận ${n(rec)} phản ánh, kiến nghị; đã xử lý ${n(res)}.`];
  }
  const f = data.feedback;
  if (!f || f.received + f.inProgress.total === 0) return [`${NO_DATA} về phản ánh, kiến nghị về quy định hành chính.`];
  return [
    `Tiếp nhận ${n(f.received)} phản ánh, kiến nghị${f.byCategory.length ? ` (${f.byCategory.map((c) => `${c.category}: ${n(c.count)}`).join("; ")})` : ""}.`,
    `Đã xử lý ${n(f.resolved.total)} (đúng hạn ${n(f.resolved.onTime)}, quá hạn ${n(f.resolved.late)}); từ chối tiếp nhận ${n(f.refused)}; đang xử lý ${n(f.inProgress.total)} (quá hạn ${n(f.inProgress.overdue)}).`,
    `Công khai kết quả xử lý ${n(f.published)} phản ánh, kiến nghị.`,
  ];
}

const feedback: ReportTemplate = {
  defaults: {
    assessment: "- Phản ánh, kiến nghị của người dân, doanh nghiệp được tiếp nhận, xử lý kịp thời, công khai kết quả theo quy định.",
    proposals: "- Đề nghị cấp trên hướng dẫn, giải đáp những quy định hành chính còn vướng mắc mà người dân phản ánh.",
  },
  page(data, narratives) {
    return [
      { key: "figures", title: `I. Kết quả tiếp nhận, xử lý phản ánh, kiến nghị ${periodLabel(data.period.from, data.period.to)}`, narrative: null, facts: feedbackFacts(data) },
      ...Object.entries(FEEDBACK).map(([key, title]) => ({ key, title, narrative: narratives[key] ?? "", facts: [] })),
    ];
  },
  compose(r) {
    const { data } = r;
    const [figures] = this.page(data, r.narratives);
    const body: DocBlock[] = [
      ...periodHeading(data, figures!.title),
      ...bullets(figures!.facts),
      ...section(FEEDBACK.assessment, r.narratives.assessment, 1),
      ...quoteBlocks(data, "assessment"),
      ...section(FEEDBACK.proposals, r.narratives.proposals, 1),
      ...quoteBlocks(data, "proposals"),
      { type: "paragraph", text: closingLine(data, r.subject) },
    ];
    return documentFrame(r, body);
  },
};

export const TEMPLATES = {
  "cchc-communication": communication,
  "cchc-periodic": periodic,
  "dossier-statistics": statistics,
  "feedback-statistics": feedback,
} as const satisfies Record<ReportKind, ReportTemplate>;

export function templateOf(kind: ReportKind): ReportTemplate {
  return TEMPLATES[kind];
}

/**
 * The report page's sections of a kind: the template's, and for a province's combined report the
 * communes' figures after the first section with figures, and the communes' words quoted under the
 * sections the kind quotes (as the document prints them).
 */
export function pageSections(kind: ReportKind, data: ReportData, narratives: Readonly<Record<string, string>>): PageSection[] {
  const sections = TEMPLATES[kind].page(data, narratives);
  const c = data.combined;
  if (!c) return sections;
  const quoted = new Set<string>(REPORT_KINDS[kind].quoted);
  const out = sections.map((s) => (quoted.has(s.key) ? { ...s, facts: [...s.facts, ...quoteLines(c.quotes, s.key)] } : s));
  const at = Math.max(0, out.findIndex((s) => s.narrative === null || s.facts.length > 0)) + 1;
  out.splice(at, 0, { key: "communes", title: "Tổng hợp kết quả của các xã, phường", narrative: null, facts: combinedFacts(data) });
  return out;
}

export function issuerLevel(data: ReportData): IssuerLevel {
  return data.combined ? "province" : "commune";
}

/** "Kết quả thực hiện công tác cải cách hành chính quý I năm 2026" */
export function subjectOf(kind: ReportKind, data: ReportData): string {
  return `${REPORT_KINDS[kind].subject} ${periodLabel(data.period.from, data.period.to)}`;
}

/** The kind's narrative sections filled from the agency's overrides or the defaults, placeholders replaced. */
export function narrativesOf(kind: ReportKind, data: ReportData, overrides: Partial<Record<string, string>> = {}): Record<string, string> {
  const values = placeholderValues(data);
  const t = TEMPLATES[kind];
  return Object.fromEntries(Object.keys(REPORT_KINDS[kind].sections).map((s) => [s, fillTemplate(overrides[s] ?? t.defaults[s] ?? "", values)]));
}

export function recipientsOf(kind: ReportKind, data: ReportData): string[] {
  const level = issuerLevel(data);
  return recipientLines(kind, level, { province: level === "province" ? data.agency.unitName : data.agency.parentName, commune: data.agency.unitName });
}

/** The document of a report of any kind. */
export function composeKind(kind: ReportKind, r: ReportForDocument): OfficialDocument {
  return TEMPLATES[kind].compose(r);
}
