// The six-monthly (or yearly) report on communicating administrative reform, modelled on
// Báo cáo 82/BC-UBND of xã Minh Tiến (14/6/2024). Figures come only from ReportData; the
// narrative paragraphs come from editable templates with placeholders.
import { agencyLines, documentCode, placeDate, placeName, vnDate } from "../documents/numbering";
import type { DocBlock, DocTable, OfficialDocument } from "../documents/model";
import type { SignageKind } from "../communications/schemas";
import { combinedBlocks, quoteBlocks } from "./combined";
import type { DossierStatisticsRow } from "./contracts";
import { lowerUnit, REPORT_KINDS, recipientLines } from "./kinds";
import { nextPeriodLabel, periodLabel } from "./period";
import type { ReportData } from "./report-data";

export const REPORT_KIND = "cchc-communication" as const;

export const NARRATIVE_SECTIONS = ["organisation", "visual", "media", "conferences", "advantages", "difficulties", "directions", "closing"] as const;
export type NarrativeSection = (typeof NARRATIVE_SECTIONS)[number];
export type Narratives = Record<NarrativeSection, string>;

/** The kind's declared sections (src/domain/reports/kinds.ts). */
export const SECTION_TITLES = REPORT_KINDS[REPORT_KIND].sections satisfies Record<NarrativeSection, string>;

/** Default templates (the seed report's wording). Agencies override them in report_templates. */
export const DEFAULT_TEMPLATES = {
  organisation:
    "- Thực hiện {soKeHoach}, {coQuan} đã phân công trách nhiệm, chỉ đạo các cán bộ, công chức tổ chức triển khai thực hiện với những định hướng trọng tâm tuyên truyền phù hợp theo từng giai đoạn và hằng năm.\n" +
    "- Chỉ đạo công chức Văn phòng – Thống kê, Bộ phận Một cửa, công chức Văn hóa – Xã hội, Trang thông tin điện tử của xã, Đài truyền thanh xã đẩy mạnh tuyên truyền công tác cải cách hành chính; chuyển tải thông tin về đường lối, chủ trương, chính sách của Đảng, Nhà nước về cải cách hành chính nhằm nâng cao nhận thức của các cấp, các ngành, cơ quan, đơn vị, doanh nghiệp và Nhân dân.",
  visual:
    "- Chỉ đạo Bộ phận Một cửa tổ chức niêm yết kịp thời, công khai các bộ thủ tục hành chính, giúp người dân, doanh nghiệp dễ dàng tiếp cận, nắm bắt thông tin.\n" +
    "- Triển khai tuyên truyền bằng pano, áp phích, khẩu hiệu tại các tuyến đường chính của {tenXa}.",
  media:
    "- Chỉ đạo Đài truyền thanh xã, Trang thông tin điện tử xã đổi mới, đa dạng phương thức tuyên truyền, nâng cao chất lượng tin, bài, xây dựng chuyên mục. Chủ động cập nhật, đăng tải thủ tục hành chính mới ban hành hoặc sửa đổi, bổ sung lên Trang thông tin điện tử của xã.",
  conferences:
    "Tập trung quán triệt cán bộ, công chức tích cực thực hiện tuyên truyền cải cách hành chính, xem nhiệm vụ cải cách hành chính là mục tiêu hàng đầu. Công khai việc đánh giá, xác định chỉ số CCHC bảo đảm khách quan; hằng năm lấy kết quả thực hiện CCHC làm cơ sở đánh giá mức độ hoàn thành nhiệm vụ, làm tiêu chí xét thi đua, khen thưởng.",
  advantages:
    "- Công tác cải cách hành chính luôn được sự quan tâm, chỉ đạo của cấp ủy Đảng, chính quyền, sự đồng thuận của Mặt trận, các đoàn thể và Nhân dân.\n" +
    "- Cơ chế một cửa, một cửa liên thông được thực hiện có hiệu quả, ứng dụng công nghệ thông tin, giải quyết nhanh chóng hồ sơ thủ tục trên nhiều lĩnh vực.",
  difficulties:
    "- Công tác tuyên truyền về cải cách hành chính vẫn chưa đáp ứng mục tiêu đề ra.\n" +
    "- Việc nhận thức về quan điểm, mục tiêu, nhiệm vụ, giải pháp cải cách hành chính nói chung và tuyên truyền CCHC nói riêng chưa đầy đủ.\n" +
    "- Nguồn lực phục vụ công tác tuyên truyền về cải cách hành chính chưa bảo đảm.",
  directions:
    "- Tiếp tục đẩy mạnh công tác tuyên truyền cải cách hành chính theo {soKeHoach} với nội dung đa dạng, phong phú.\n" +
    "- Tập trung rà soát, đơn giản hóa, công bố công khai các thủ tục hành chính thuộc thẩm quyền giải quyết trên Trang thông tin điện tử của xã; cung cấp dịch vụ công trực tuyến toàn trình và một phần.\n" +
    "- Công khai việc đánh giá, xác định chỉ số CCHC; lấy kết quả thực hiện CCHC làm cơ sở đánh giá mức độ hoàn thành nhiệm vụ và bình xét thi đua, khen thưởng.",
  closing: "Trên đây là kết quả thực hiện công tác tuyên truyền cải cách hành chính {ky} và phương hướng, nhiệm vụ {kyToi}, {coQuan} trân trọng báo cáo./.",
} as const satisfies Narratives;

export const PLACEHOLDERS = ["soKeHoach", "coQuan", "tenXa", "ky", "kyToi", "nam"] as const;

const nf = new Intl.NumberFormat("vi-VN");
const n = (v: number) => nf.format(v);

/** "UBND xã Minh Tiến" */
export function shortAgencyName(name: string): string {
  return name.replace(/^Ủy ban nhân dân|^Uỷ ban nhân dân/iu, "UBND").trim();
}

export function placeholderValues(data: ReportData): Record<(typeof PLACEHOLDERS)[number], string> {
  const plans = data.plans.filter((p) => p.code);
  const soKeHoach = plans.length
    ? plans.map((p) => `Kế hoạch số ${p.code}${p.issuedOn ? ` ngày ${vnDate(p.issuedOn)}` : ""} về ${p.title}`).join(", ")
    : "các văn bản chỉ đạo về cải cách hành chính";
  return {
    soKeHoach,
    coQuan: shortAgencyName(data.agency.name),
    tenXa: lowerUnit(data.agency.unitName),
    ky: periodLabel(data.period.from, data.period.to),
    kyToi: nextPeriodLabel(data.period.from, data.period.to),
    nam: data.period.from.slice(0, 4),
  };
}

/** Replaces {name} placeholders; unknown names stay as written so the drafter sees them. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (Object.hasOwn(values, k) ? values[k]! : m));
}

export function initialNarratives(data: ReportData, overrides: Partial<Record<string, string>> = {}): Narratives {
  const values = placeholderValues(data);
  const out = {} as Narratives;
  for (const s of NARRATIVE_SECTIONS) out[s] = fillTemplate(overrides[s] ?? DEFAULT_TEMPLATES[s], values);
  return out;
}

export function defaultSubject(data: ReportData): string {
  return `Công tác tuyên truyền cải cách hành chính ${periodLabel(data.period.from, data.period.to)}`;
}

export function defaultRecipients(data: ReportData): string[] {
  return recipientLines(REPORT_KIND, data.combined ? "province" : "commune", { province: data.combined ? data.agency.unitName : data.agency.parentName, commune: data.agency.unitName });
}

/** The register's last line must be the file copy ("Lưu: VT"); added when the drafter removed it. */
export function normaliseRecipients(lines: string[]): string[] {
  const clean = lines.map((l) => l.replace(/^[-–•]\s*/u, "").trim()).filter(Boolean);
  const withoutFile = clean.filter((l) => !/^Lưu\s*:/iu.test(l));
  const file = clean.find((l) => /^Lưu\s*:/iu.test(l)) ?? "Lưu: VT.";
  return [...withoutFile, file];
}

const NO_DATA = "Trong kỳ chưa có số liệu";

/**
 * The report's words for the values the data stores as codes. A report is a state document in
 * Vietnamese: no code reaches its text (facts, DOCX, PDF, preview).
 */
export const SIGNAGE_KIND_WORDS = {
  panel: "pano",
  poster: "áp phích",
  slogan: "khẩu hiệu",
  banner: "băng rôn",
} as const satisfies Record<SignageKind, string>;

/** A kind frozen into an old draft that the table no longer knows reads as "khác", never as its code. */
export function signageKindWords(kinds: readonly string[]): string {
  return kinds.map((k) => (Object.hasOwn(SIGNAGE_KIND_WORDS, k) ? SIGNAGE_KIND_WORDS[k as SignageKind] : "loại khác")).join(", ");
}

/** "(Số liệu tính đến ngày 07/12/2026)" for a period drafted before its end. */
export function figuresNote(data: ReportData): string | undefined {
  return data.period.figuresTo ? `Số liệu tính đến ngày ${vnDate(data.period.figuresTo)}.` : undefined;
}

/** Facts (not editable) per section, each a bullet line drawn from the data. */
export function sectionFacts(data: ReportData): Record<"organisation" | "visual" | "media" | "conferences" | "dossiers", string[]> {
  const c = data.communications;
  const cat = data.catalog;
  const d = data.dossiers;
  const organisation: string[] = [];
  if (data.plans.length === 0) organisation.push(`${NO_DATA} về kế hoạch cải cách hành chính, kế hoạch tuyên truyền của ${data.period.from.slice(0, 4)}.`);
  for (const p of data.plans) {
    const done = p.tasks.filter((t) => t.status === "done").length;
    const active = p.tasks.filter((t) => t.status !== "cancelled").length;
    const overdue = p.tasks.filter((t) => t.overdue).length;
    organisation.push(
      `${p.code ? `Kế hoạch số ${p.code}` : "Kế hoạch"}${p.issuedOn ? ` ngày ${vnDate(p.issuedOn)}` : ""} (${p.title}): ${n(active)} nhiệm vụ, đã hoàn thành ${n(done)}` +
        (overdue ? `, ${n(overdue)} nhiệm vụ quá hạn chưa hoàn thành.` : "."),
    );
  }
  if (data.assignments.length) {
    organisation.push(`Phân công thực hiện: ${data.assignments.map((a) => `${a.owner} (${n(a.tasks)} nhiệm vụ, hoàn thành ${n(a.done)})`).join("; ")}.`);
  }

  if (data.combined) return { organisation, ...combinedCommunicationFacts(data), dossiers: dossierFacts(d) };

  const visual: string[] = [];
  if (!cat) visual.push(`${NO_DATA} về bộ thủ tục hành chính niêm yết.`);
  else if (cat.proceduresPublished === 0) visual.push(`${NO_DATA} về thủ tục hành chính được công bố, niêm yết.`);
  else {
    visual.push(
      `Niêm yết công khai ${n(cat.proceduresPublished)} thủ tục hành chính tại Bộ phận Một cửa và trên Trang thông tin điện tử` +
        (cat.byField.length ? `, thuộc ${n(cat.byField.length)} lĩnh vực (${cat.byField.map((f) => `${f.field}: ${n(f.count)}`).join("; ")}).` : "."),
    );
  }
  if (!c) visual.push(`${NO_DATA} về pano, áp phích, khẩu hiệu.`);
  else if (c.signage.installed === 0 && c.signage.standing === 0) visual.push(`${NO_DATA} về pano, áp phích, khẩu hiệu.`);
  else {
    visual.push(`Trong kỳ lắp đặt ${n(c.signage.installed)} pano, áp phích, khẩu hiệu; đến cuối kỳ có ${n(c.signage.standing)} đang được duy trì.`);
    for (const p of c.signage.byPlace) visual.push(`Tại ${p.place}: ${n(p.count)} (${signageKindWords(p.kinds)}).`);
  }

  const media: string[] = [];
  if (!c) media.push(`${NO_DATA} về tin, bài trên Trang thông tin điện tử và chương trình truyền thanh.`);
  else {
    if (c.itemsTotal === 0) media.push(`${NO_DATA} về tin, bài đăng trên Trang thông tin điện tử.`);
    else media.push(`Trang thông tin điện tử đăng ${n(c.itemsTotal)} tin, bài: ${c.itemsByColumn.map((col) => `chuyên mục "${col.columnName}" ${n(col.items)}`).join("; ")}.`);
    const a = c.procedureAnnouncements;
    if (a.total === 0) media.push(`${NO_DATA} về công bố thủ tục hành chính mới ban hành, sửa đổi, bổ sung hoặc bãi bỏ.`);
    else media.push(`Đăng tải ${n(a.total)} thông báo công bố thủ tục hành chính (mới ban hành: ${n(a.new)}; sửa đổi, bổ sung: ${n(a.amended)}; bãi bỏ: ${n(a.abolished)}).`);
    if (c.broadcasts.count === 0) media.push(`${NO_DATA} về chương trình phát thanh tuyên truyền cải cách hành chính.`);
    else media.push(`Đài truyền thanh xã phát ${n(c.broadcasts.count)} buổi phát thanh tuyên truyền cải cách hành chính, tổng thời lượng ${n(c.broadcasts.minutes)} phút.`);
  }
  const online = d ? d.onlineProcedures : cat ? { full: cat.onlineFull, partial: cat.onlinePartial } : null;
  if (online && online.full + online.partial > 0) {
    media.push(`Cung cấp ${n(online.full + online.partial)} dịch vụ công trực tuyến (toàn trình: ${n(online.full)}; một phần: ${n(online.partial)}).`);
  } else if (online) media.push(`${NO_DATA} về dịch vụ công trực tuyến được cung cấp.`);

  const conferences: string[] = [];
  if (!c || c.conferences.count === 0) conferences.push(`${NO_DATA} về hội nghị, buổi tuyên truyền chuyên đề.`);
  else {
    conferences.push(`Tổ chức ${n(c.conferences.count)} hội nghị, buổi tuyên truyền với ${n(c.conferences.attendees)} lượt người tham dự.`);
    for (const e of c.conferences.items) conferences.push(`Ngày ${vnDate(e.date)}: ${e.topic} (${n(e.attendees)} người).`);
  }

  return { organisation, visual, media, conferences, dossiers: dossierFacts(d) };
}

/** A province's figures are its communes' sums, said as theirs. */
function combinedCommunicationFacts(data: ReportData): { visual: string[]; media: string[]; conferences: string[] } {
  const cs = data.combined?.communes ?? [];
  const sum = (f: (c: (typeof cs)[number]) => number) => cs.reduce((s, c) => s + f(c), 0);
  const with_ = (f: (c: (typeof cs)[number]) => number) => cs.filter((c) => f(c) > 0).length;
  return {
    visual: [`Các xã, phường niêm yết công khai thủ tục hành chính tại Bộ phận Một cửa và trên Trang thông tin điện tử; ${n(with_((c) => c.communications.signage))} xã lắp đặt ${n(sum((c) => c.communications.signage))} pano, áp phích, khẩu hiệu trong kỳ.`],
    media: [
      `Trang thông tin điện tử của các xã, phường đăng ${n(sum((c) => c.communications.items))} tin, bài; đài truyền thanh các xã phát ${n(sum((c) => c.communications.broadcasts))} buổi tuyên truyền cải cách hành chính.`,
      `Các xã, phường cung cấp ${n(sum((c) => c.onlineProcedures))} dịch vụ công trực tuyến.`,
    ],
    conferences: [`Các xã, phường tổ chức ${n(sum((c) => c.communications.conferences))} hội nghị, buổi tuyên truyền.`],
  };
}

/** The dossier figures of the period in one line (Biểu 06 follows). */
export function dossierFacts(d: ReportData["dossiers"]): string[] {
  const dossiers: string[] = [];
  if (!d || d.rows.length === 0 || d.totals.received.total + d.totals.received.carriedOver === 0) {
    dossiers.push(`${NO_DATA} về tiếp nhận, giải quyết hồ sơ thủ tục hành chính.`);
  } else {
    const t = d.totals;
    dossiers.push(
      `Tiếp nhận ${n(t.received.total)} hồ sơ (trực tuyến ${n(t.received.online)}; trực tiếp, qua dịch vụ bưu chính ${n(t.received.inPersonOrPost)}; kỳ trước chuyển qua ${n(t.received.carriedOver)}); ` +
        `đã giải quyết ${n(t.resolved.total)} (trước hạn ${n(t.resolved.early)}, đúng hạn ${n(t.resolved.onTime)}, quá hạn ${n(t.resolved.late)}); ` +
        `đang giải quyết ${n(t.inProgress.total)} (trong hạn ${n(t.inProgress.withinTime)}, quá hạn ${n(t.inProgress.overdue)}). Chi tiết theo Biểu 06 dưới đây.`,
    );
  }
  return dossiers;
}

export function rowCells(r: DossierStatisticsRow): string[] {
  return [
    r.received.total, r.received.online, r.received.inPersonOrPost, r.received.carriedOver,
    r.resolved.total, r.resolved.early, r.resolved.onTime, r.resolved.late,
    r.inProgress.total, r.inProgress.withinTime, r.inProgress.overdue,
  ].map(n);
}

/** Biểu 06: one row per field, then the totals. */
export function dossierTable(data: ReportData): DocTable | undefined {
  const d = data.dossiers;
  if (!d || d.rows.length === 0) return undefined;
  return {
    groups: [
      { label: "", span: 2 },
      { label: "Số hồ sơ nhận giải quyết", span: 4 },
      { label: "Kết quả giải quyết", span: 4 },
      { label: "Đang giải quyết", span: 3 },
    ],
    columns: [
      { label: "STT", width: 5 },
      { label: "Lĩnh vực", width: 19 },
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
    rows: [...d.rows.map((r, i) => [String(i + 1), r.field, ...rowCells(r)]), ["", "Tổng cộng", ...rowCells(d.totals)]],
    boldRows: [d.rows.length],
  };
}

/** Splits an edited narrative into paragraphs and bullets ("- " lines), one per line. */
export function narrativeBlocks(text: string): DocBlock[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => (/^[-–•]\s+/u.test(l) ? { type: "bullet", text: l.replace(/^[-–•]\s+/u, "") } : { type: "paragraph", text: l }));
}

export type ReportForDocument = {
  data: ReportData;
  subject: string;
  narratives: Narratives;
  recipients: string[];
  /** Issued: number and date; draft: absent. */
  issued?: { number: number; symbol: string; date: string };
  draftDate: string;
  signer: { mode: "TM" | "KT"; name: string } | null;
};

const facts = (lines: string[]): DocBlock[] => lines.map((text) => ({ type: "bullet", text }));

export function composeReport(r: ReportForDocument): OfficialDocument {
  const { data } = r;
  const f = sectionFacts(data);
  const ky = periodLabel(data.period.from, data.period.to);
  const kyToi = nextPeriodLabel(data.period.from, data.period.to);
  const table = dossierTable(data);
  const note = figuresNote(data);
  const body: DocBlock[] = [
    { type: "heading", level: 1, text: `I. Kết quả thực hiện công tác tuyên truyền cải cách hành chính ${ky}` },
    ...(note ? [{ type: "paragraph", text: `(${note.replace(/\.$/, "")})`, italic: true } as DocBlock] : []),
    { type: "heading", level: 2, text: SECTION_TITLES.organisation },
    ...narrativeBlocks(r.narratives.organisation),
    ...facts(f.organisation),
    { type: "heading", level: 2, text: "2. Công tác tuyên truyền" },
    { type: "heading", level: 3, text: SECTION_TITLES.visual },
    ...narrativeBlocks(r.narratives.visual),
    ...facts(f.visual),
    { type: "heading", level: 3, text: SECTION_TITLES.media },
    ...narrativeBlocks(r.narratives.media),
    ...facts(f.media),
    { type: "heading", level: 3, text: SECTION_TITLES.conferences },
    ...narrativeBlocks(r.narratives.conferences),
    ...facts(f.conferences),
    { type: "heading", level: 2, text: "3. Kết quả tiếp nhận, giải quyết thủ tục hành chính" },
    ...facts(f.dossiers),
    ...(table ? [{ type: "table", caption: `Biểu 06. Tình hình, kết quả giải quyết thủ tục hành chính ${ky}${data.period.figuresTo ? ` (đến ngày ${vnDate(data.period.figuresTo)})` : ""}`, table } as DocBlock] : []),
    ...combinedBlocks(data, "4. Tổng hợp kết quả của các xã, phường"),
    { type: "heading", level: 1, text: "II. Những thuận lợi, khó khăn" },
    { type: "heading", level: 2, text: SECTION_TITLES.advantages },
    ...narrativeBlocks(r.narratives.advantages),
    { type: "heading", level: 2, text: SECTION_TITLES.difficulties },
    ...narrativeBlocks(r.narratives.difficulties),
    ...quoteBlocks(data, "difficulties"),
    { type: "heading", level: 1, text: `III. Phương hướng, nhiệm vụ tuyên truyền cải cách hành chính ${kyToi}` },
    ...narrativeBlocks(r.narratives.directions),
    ...narrativeBlocks(r.narratives.closing),
  ];
  const place = placeName(data.agency.unitName);
  const symbol = r.issued?.symbol ?? "BC-UBND";
  return {
    header: {
      parentLines: data.agency.parentLine ? [data.agency.parentLine.toLocaleUpperCase("vi")] : [],
      agencyLines: agencyLines(data.agency.name),
      numberLine: r.issued ? `Số: ${documentCode(r.issued.number, symbol)}` : `Số:       /${symbol}`,
      placeDate: placeDate(place, r.issued?.date ?? r.draftDate),
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
