// The CCHC index's two documents in the layout of Nghị định 30/2020/NĐ-CP, drawn by the same DOCX
// and PDF renderers as reports and plans: the commune's self-assessment report (BÁO CÁO, numbered
// from the commune's register at submission) and the province's appraisal decision (QUYẾT ĐỊNH,
// numbered from the province's register at approval), each with the table of points.
import type { DocBlock, DocTable, OfficialDocument } from "../documents/model";
import { agencyLines, placeDate, placeName, symbolOf } from "../documents/numbering";
import { type Band, type Criterion, type IndexTotals, nodePoints } from "./cchc";

export const BAND_WORDS = { excellent: "Xuất sắc", good: "Tốt", fair: "Khá", average: "Trung bình", below: "Chưa đạt" } as const satisfies Record<Band, string>;

const pts = (n: number | null | undefined) => (n === null || n === undefined ? "" : String(Math.round(n * 100) / 100).replace(".", ","));

export type CchcDocInput = {
  agency: { name: string; unitName: string };
  commune: { unitName: string };
  year: number;
  criteria: readonly Criterion[];
  selfPoints: ReadonlyMap<string, number | null>;
  totals: IndexTotals;
  band: Band;
  issued?: { code: string; date: string };
  draftDate: string;
  signer: { name: string; title?: string | null } | null;
};

function pointsTable(criteria: readonly Criterion[], columns: { label: string; values: ReadonlyMap<string, number> }[]): DocTable {
  return {
    columns: [{ label: "Mã", width: 9 }, { label: "Lĩnh vực, tiêu chí", width: 51 }, { label: "Điểm tối đa", width: 12 }, ...columns.map((c) => ({ label: c.label, width: Math.floor(28 / columns.length) }))],
    rows: criteria.map((c) => [c.code, c.kind === "penalty" ? `${c.name} (điểm trừ)` : c.name, pts(c.maxPoints), ...columns.map((col) => pts(col.values.get(c.code)))]),
    boldRows: criteria.map((c, i) => (c.parent ? -1 : i)).filter((i) => i >= 0),
  };
}

function signature(title: string | null | undefined, committee: string): OfficialDocument["signature"]["authorityLines"] {
  return /phó/iu.test(title ?? "") ? [`TM. ${committee}`, "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] : [`TM. ${committee}`, "CHỦ TỊCH"];
}

/** BÁO CÁO Kết quả tự đánh giá, chấm điểm Chỉ số CCHC năm … of the commune. */
export function composeSelfAssessmentReport(p: CchcDocInput): OfficialDocument {
  const nodes = nodePoints(p.criteria, p.selfPoints);
  const xa = p.agency.unitName.replace(/^X/u, "x").replace(/^P/u, "p");
  const body: DocBlock[] = [
    { type: "heading", level: 1, text: "I. KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM" },
    {
      type: "paragraph",
      text: `Thực hiện Bộ Chỉ số cải cách hành chính năm ${p.year} của tỉnh, Ủy ban nhân dân ${xa} đã tự đánh giá, chấm điểm các tiêu chí, tiêu chí thành phần và đính kèm tài liệu kiểm chứng trên hệ thống; các tiêu chí đo được từ số liệu (kế hoạch, báo cáo, thủ tục, hồ sơ, tuyên truyền) được lấy từ dữ liệu của hệ thống.`,
    },
    { type: "paragraph", text: `Tổng điểm tự đánh giá: ${pts(p.totals.total)}/${pts(p.totals.max)} điểm (${pts(p.totals.index)}%), trong đó điểm thưởng ${pts(p.totals.bonus)}, điểm trừ ${pts(p.totals.penalty)}; tự xếp loại: ${BAND_WORDS[p.band]}.` },
    { type: "table", caption: "Bảng điểm tự đánh giá", table: pointsTable(p.criteria, [{ label: "Tự chấm", values: nodes }]) },
    { type: "heading", level: 1, text: "II. ĐỀ NGHỊ" },
    { type: "paragraph", text: `Ủy ban nhân dân ${xa} đề nghị Hội đồng thẩm định Chỉ số cải cách hành chính của tỉnh xem xét, thẩm định kết quả tự đánh giá nêu trên./.` },
  ];
  const symbol = symbolOf("BC");
  return {
    header: {
      parentLines: [],
      agencyLines: agencyLines(p.agency.name),
      numberLine: p.issued ? `Số: ${p.issued.code}` : `Số:       /${symbol}`,
      placeDate: placeDate(placeName(p.agency.unitName), p.issued?.date ?? p.draftDate),
    },
    kindTitle: "BÁO CÁO",
    subject: `Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm ${p.year}`,
    body,
    signature: { authorityLines: signature(p.signer?.title, "ỦY BAN NHÂN DÂN"), name: p.signer?.name ?? "" },
    recipients: ["Hội đồng thẩm định Chỉ số CCHC tỉnh;", "Sở Nội vụ;", "Lưu: VT."],
    ...(p.issued ? {} : { draftMark: "DỰ THẢO" }),
  };
}

/** QUYẾT ĐỊNH Phê duyệt kết quả thẩm định Chỉ số CCHC năm … of a commune, by the province. */
export function composeAppraisalDecision(p: CchcDocInput & { finalPoints: ReadonlyMap<string, number | null>; adjustments: { code: string; reason: string }[] }): OfficialDocument {
  const self = nodePoints(p.criteria, p.selfPoints);
  const final = nodePoints(p.criteria, p.finalPoints);
  const province = p.agency.unitName;
  const body: DocBlock[] = [
    { type: "paragraph", text: `Căn cứ Bộ Chỉ số cải cách hành chính năm ${p.year} của ${province};` },
    { type: "paragraph", text: `Căn cứ kết quả tự đánh giá của ${p.commune.unitName} và kết quả thẩm định của Hội đồng thẩm định Chỉ số cải cách hành chính;` },
    { type: "heading", level: 2, text: "QUYẾT ĐỊNH:" },
    {
      type: "paragraph",
      text: `Điều 1. Phê duyệt kết quả Chỉ số cải cách hành chính năm ${p.year} của ${p.commune.unitName}: ${pts(p.totals.total)}/${pts(p.totals.max)} điểm, đạt ${pts(p.totals.index)}%, xếp loại ${BAND_WORDS[p.band]} (điểm thưởng ${pts(p.totals.bonus)}, điểm trừ ${pts(p.totals.penalty)}). Chi tiết tại bảng kèm theo.`,
    },
    { type: "table", caption: "Kết quả thẩm định", table: pointsTable(p.criteria, [{ label: "Tự chấm", values: self }, { label: "Thẩm định", values: final }]) },
    ...(p.adjustments.length
      ? ([{ type: "paragraph", text: "Các tiêu chí điều chỉnh điểm khi thẩm định:" }, ...p.adjustments.map((a): DocBlock => ({ type: "bullet", text: `${a.code}: ${a.reason}` }))] as DocBlock[])
      : []),
    { type: "paragraph", text: `Điều 2. Kết quả Chỉ số cải cách hành chính là căn cứ đánh giá mức độ hoàn thành nhiệm vụ của tập thể, người đứng đầu và là tiêu chí xét thi đua, khen thưởng năm ${p.year}.` },
    { type: "paragraph", text: `Điều 3. Quyết định có hiệu lực kể từ ngày ký. Chủ tịch Ủy ban nhân dân ${p.commune.unitName.replace(/^X/u, "x").replace(/^P/u, "p")} và các cơ quan, đơn vị liên quan chịu trách nhiệm thi hành Quyết định này./.` },
  ];
  const symbol = symbolOf("QĐ");
  return {
    header: {
      parentLines: [],
      agencyLines: agencyLines(p.agency.name),
      numberLine: p.issued ? `Số: ${p.issued.code}` : `Số:       /${symbol}`,
      placeDate: placeDate(placeName(p.agency.unitName), p.issued?.date ?? p.draftDate),
    },
    kindTitle: "QUYẾT ĐỊNH",
    subject: `Phê duyệt kết quả thẩm định Chỉ số cải cách hành chính năm ${p.year} của ${p.commune.unitName}`,
    body,
    signature: { authorityLines: signature(p.signer?.title, "ỦY BAN NHÂN DÂN"), name: p.signer?.name ?? "" },
    recipients: ["Như Điều 3;", "Sở Nội vụ;", "Lưu: VT."],
    ...(p.issued ? {} : { draftMark: "DỰ THẢO" }),
  };
}
