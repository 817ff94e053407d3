// The documents of the yearly review, in the layout of Nghị định 30/2020/NĐ-CP, drawn by the same
// DOCX and PDF renderers as reports and plans: the review report (BÁO CÁO kết quả rà soát, đánh
// giá thủ tục hành chính), the simplification proposal (PHƯƠNG ÁN đơn giản hóa thủ tục hành chính,
// per procedure: a) what is simplified and why, b) what to amend to carry it out, c) the benefit:
// compliance cost before and after, saving and rate, with the cost table), and the province's
// summary of its communes' proposals.
import type { DocBlock, DocTable, OfficialDocument } from "../documents/model";
import { agencyLines, documentCode, placeDate, placeName, vnDate } from "../documents/numbering";
import { formatNumber } from "../text/format";
import { COST_ACTIVITY_WORDS, type CostItem, type CostResult, HOURS_PER_DAY, MONTHS_PER_YEAR, percentText, simplificationRate, type WageSetting, WORKING_DAYS_PER_MONTH } from "./compliance-cost";
import { CONCLUSION_WORDS, type Conclusion, REVIEW_PART_WORDS, type ReviewPart } from "./review";

export type ReviewForDocument = {
  code: string;
  name: string;
  field: string;
  reviewer: string | null;
  completedOn: string | null;
  conclusion: Conclusion;
  recommendation: string;
  changes: { part: ReviewPart; proposal: string; reason: string }[];
  items: CostItem[];
  cost: CostResult;
};

export type Signer = { mode: "TM" | "KT"; name: string };

export type RoundForDocument = {
  agency: { name: string; unitName: string };
  /** The province it reports to ("Ủy ban nhân dân tỉnh Thái Nguyên"), for the recipients. */
  parentName: string | null;
  year: number;
  plan: { code: string | null; issuedOn: string | null } | null;
  wage: WageSetting;
  reviews: ReviewForDocument[];
  issued?: { number: number; symbol: string; date: string };
  draftDate: string;
  signer: Signer | null;
};

const vnd = (n: number) => formatNumber(n);
const lower = (unitName: string) => unitName.replace(/^X/u, "x").replace(/^P/u, "p").replace(/^T/u, "t");

/** A vice-chair signs "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"; the chair signs for the committee (TM.). */
export function signerMode(title: string | null | undefined): "TM" | "KT" {
  return /phó/iu.test(title ?? "") ? "KT" : "TM";
}

function signature(s: Signer | null): OfficialDocument["signature"] {
  return {
    authorityLines: s?.mode === "KT" ? ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] : ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
    name: s?.name ?? "",
  };
}

function header(r: { agency: { name: string; unitName: string }; issued?: { number: number; symbol: string; date: string } | undefined; draftDate: string }, symbol: string): OfficialDocument["header"] {
  return {
    parentLines: [],
    agencyLines: agencyLines(r.agency.name),
    numberLine: r.issued ? `Số: ${documentCode(r.issued.number, r.issued.symbol)}` : `Số:       /${symbol}`,
    placeDate: placeDate(placeName(r.agency.unitName), r.issued?.date ?? r.draftDate),
  };
}

function totalsOf(reviews: readonly ReviewForDocument[]) {
  return simplificationRate(reviews.map((r) => r.cost));
}

/** One row per procedure: cost a year before, after, saving, rate; the totals row in bold. */
function costSummaryTable(reviews: readonly ReviewForDocument[]): DocTable {
  const t = totalsOf(reviews);
  return {
    columns: [
      { label: "STT", width: 6 },
      { label: "Thủ tục hành chính", width: 34 },
      { label: "Chi phí trước (đồng/năm)", width: 15 },
      { label: "Chi phí sau (đồng/năm)", width: 15 },
      { label: "Tiết kiệm (đồng/năm)", width: 15 },
      { label: "Tỷ lệ cắt giảm", width: 10 },
    ],
    rows: [
      ...reviews.map((r, i) => [String(i + 1), `${r.name} (${r.code})`, vnd(r.cost.before), vnd(r.cost.after), vnd(r.cost.saving), percentText(r.cost.savingRate)]),
      ["", "Tổng cộng", vnd(t.before), vnd(t.after), vnd(t.saving), percentText(t.savingRate)],
    ],
    boldRows: [reviews.length],
  };
}

/** Biểu mẫu 03/SCM-KSTT in short: each requirement's time and other costs, before and after, and its cost. */
export function costItemsTable(r: Pick<ReviewForDocument, "items" | "cost">): DocTable {
  const rows = r.items.map((i, k) => {
    const line = r.cost.lines[k];
    return [
      String(k + 1),
      `${i.label} (${COST_ACTIVITY_WORDS[i.activity].toLocaleLowerCase("vi")})`,
      formatHours(i.hoursBefore),
      vnd(i.otherBefore),
      vnd(line?.before ?? 0),
      formatHours(i.hoursAfter),
      vnd(i.otherAfter),
      vnd(line?.after ?? 0),
    ];
  });
  const fee = r.cost.lines.at(-1)!;
  rows.push([String(r.items.length + 1), "Phí, lệ phí", "", "", vnd(fee.before), "", "", vnd(fee.after)]);
  rows.push(["", "Một hồ sơ", "", "", vnd(r.cost.perDossier.before), "", "", vnd(r.cost.perDossier.after)]);
  rows.push(["", `Một năm (${formatNumber(r.cost.dossiersPerYear)} hồ sơ)`, "", "", vnd(r.cost.before), "", "", vnd(r.cost.after)]);
  return {
    groups: [
      { label: "", span: 2 },
      { label: "Trước đơn giản hóa", span: 3 },
      { label: "Sau đơn giản hóa", span: 3 },
    ],
    columns: [
      { label: "STT", width: 5 },
      { label: "Yêu cầu, hoạt động", width: 31 },
      { label: "Thời gian (giờ)", width: 8 },
      { label: "Chi phí khác (đồng)", width: 10 },
      { label: "Chi phí (đồng)", width: 11 },
      { label: "Thời gian (giờ)", width: 8 },
      { label: "Chi phí khác (đồng)", width: 10 },
      { label: "Chi phí (đồng)", width: 11 },
    ],
    rows,
    boldRows: [rows.length - 2, rows.length - 1],
  };
}

export function formatHours(h: number): string {
  return String(Math.round(h * 100) / 100).replace(".", ",");
}

/** The formula and the income figure, as the documents state them. */
export function wageSentence(w: WageSetting, hourly: number): string {
  return `Chi phí tuân thủ được tính theo phương pháp chuẩn (Thông tư số 02/2017/TT-VPCP): thời gian thực hiện từng yêu cầu nhân với thu nhập bình quân một giờ làm việc, cộng các chi phí khác và phí, lệ phí, nhân với số hồ sơ một năm. Thu nhập bình quân một giờ: ${formatNumber(w.annualIncomeVnd)} đồng/năm (${w.source}) : ${MONTHS_PER_YEAR} tháng : ${WORKING_DAYS_PER_MONTH} ngày : ${HOURS_PER_DAY} giờ = ${formatNumber(Math.round(hourly))} đồng/giờ.`;
}

function benefitBullets(r: ReviewForDocument): DocBlock[] {
  return [
    { type: "bullet", text: `Chi phí tuân thủ thủ tục hành chính trước khi đơn giản hóa: ${vnd(r.cost.before)} đồng/năm.` },
    { type: "bullet", text: `Chi phí tuân thủ thủ tục hành chính sau khi đơn giản hóa: ${vnd(r.cost.after)} đồng/năm.` },
    { type: "bullet", text: `Chi phí tiết kiệm: ${vnd(r.cost.saving)} đồng/năm.` },
    { type: "bullet", text: `Tỷ lệ cắt giảm chi phí: ${percentText(r.cost.savingRate)}.` },
  ];
}

function planSentence(r: RoundForDocument): string {
  if (!r.plan?.code) return "";
  return ` và Kế hoạch số ${r.plan.code}${r.plan.issuedOn ? ` ngày ${vnDate(r.plan.issuedOn)}` : ""} của Ủy ban nhân dân ${lower(r.agency.unitName)} về rà soát, đánh giá thủ tục hành chính năm ${r.year}`;
}

export function defaultReviewRecipients(r: Pick<RoundForDocument, "parentName" | "agency">): string[] {
  return [...(r.parentName ? [`${r.parentName} (qua Văn phòng);`] : []), `Chủ tịch, các Phó Chủ tịch UBND ${lower(r.agency.unitName)};`, "Lưu: VT."];
}

/** BÁO CÁO Kết quả rà soát, đánh giá thủ tục hành chính năm … */
export function composeReviewReport(r: RoundForDocument): OfficialDocument {
  const xa = lower(r.agency.unitName);
  const counts = Object.fromEntries((Object.keys(CONCLUSION_WORDS) as Conclusion[]).map((c) => [c, r.reviews.filter((x) => x.conclusion === c).length])) as Record<Conclusion, number>;
  const totals = totalsOf(r.reviews);
  const hourly = r.reviews[0]?.cost.hourly ?? r.wage.annualIncomeVnd / MONTHS_PER_YEAR / WORKING_DAYS_PER_MONTH / HOURS_PER_DAY;
  const simplified = r.reviews.filter((x) => x.conclusion !== "keep");
  const body: DocBlock[] = [
    {
      type: "paragraph",
      text: `Thực hiện Nghị định số 63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ về kiểm soát thủ tục hành chính (được sửa đổi, bổ sung bởi Nghị định số 92/2017/NĐ-CP ngày 07/8/2017), Thông tư số 02/2017/TT-VPCP ngày 31/10/2017 của Văn phòng Chính phủ hướng dẫn về nghiệp vụ kiểm soát thủ tục hành chính${planSentence(r)}, Ủy ban nhân dân ${xa} báo cáo kết quả như sau:`,
    },
    { type: "heading", level: 1, text: "I. KẾT QUẢ RÀ SOÁT, ĐÁNH GIÁ" },
    {
      type: "paragraph",
      text: `Năm ${r.year}, Ủy ban nhân dân ${xa} đã rà soát, đánh giá ${r.reviews.length} thủ tục hành chính thuộc thẩm quyền giải quyết; trong đó đề nghị giữ nguyên ${counts.keep} thủ tục, sửa đổi, bổ sung ${counts.amend} thủ tục, bãi bỏ ${counts.abolish} thủ tục, thay thế ${counts.replace} thủ tục. Mỗi thủ tục được rà soát theo từng bộ phận tạo thành (tên, trình tự, cách thức, hồ sơ, thời hạn, đối tượng, cơ quan thực hiện, kết quả, phí, lệ phí, mẫu đơn, tờ khai, yêu cầu, điều kiện, căn cứ pháp lý) về sự cần thiết, tính hợp lý và tính hợp pháp (Biểu mẫu 02/RS-KSTT).`,
    },
    {
      type: "table",
      table: {
        columns: [
          { label: "STT", width: 6 },
          { label: "Thủ tục hành chính", width: 40 },
          { label: "Lĩnh vực", width: 16 },
          { label: "Kết quả", width: 16 },
          { label: "Người rà soát", width: 22 },
        ],
        rows: r.reviews.map((x, i) => [String(i + 1), `${x.name} (${x.code})`, x.field, CONCLUSION_WORDS[x.conclusion], x.reviewer ?? ""]),
      },
    },
    { type: "heading", level: 1, text: "II. PHƯƠNG ÁN ĐƠN GIẢN HÓA VÀ CHI PHÍ TUÂN THỦ" },
    {
      type: "paragraph",
      text: simplified.length
        ? `Ủy ban nhân dân ${xa} đề xuất phương án đơn giản hóa ${simplified.length} thủ tục hành chính (Phương án kèm theo Báo cáo này). Tổng chi phí tuân thủ của các thủ tục đã rà soát trước khi đơn giản hóa là ${vnd(totals.before)} đồng/năm, sau khi đơn giản hóa là ${vnd(totals.after)} đồng/năm; chi phí tiết kiệm ${vnd(totals.saving)} đồng/năm; tỷ lệ cắt giảm chi phí đạt ${percentText(totals.savingRate)}.`
        : `Qua rà soát, các thủ tục hành chính đều cần thiết, hợp lý, hợp pháp; không đề xuất đơn giản hóa. Tổng chi phí tuân thủ của các thủ tục đã rà soát là ${vnd(totals.before)} đồng/năm.`,
    },
    { type: "table", table: costSummaryTable(r.reviews) },
    { type: "paragraph", text: wageSentence(r.wage, hourly), italic: true },
    { type: "heading", level: 1, text: "III. KIẾN NGHỊ" },
    ...(simplified.length
      ? simplified.map((x): DocBlock => ({ type: "bullet", text: `${x.name} (${x.code}): ${x.recommendation || CONCLUSION_WORDS[x.conclusion].toLocaleLowerCase("vi")}.`.replace(/\.\.$/, ".") }))
      : [{ type: "paragraph", text: "Không có kiến nghị sửa đổi, bổ sung văn bản quy phạm pháp luật." } as DocBlock]),
    {
      type: "paragraph",
      text: `Ủy ban nhân dân ${xa} kính báo cáo${r.parentName ? ` ${r.parentName}` : ""} xem xét, tổng hợp./.`,
    },
  ];
  return {
    header: header(r, "BC-UBND"),
    kindTitle: "BÁO CÁO",
    subject: `Kết quả rà soát, đánh giá thủ tục hành chính năm ${r.year}`,
    body,
    signature: signature(r.signer),
    recipients: defaultReviewRecipients(r),
    ...(r.issued ? {} : { draftMark: "DỰ THẢO" }),
  };
}

/** PHƯƠNG ÁN Đơn giản hóa thủ tục hành chính … năm … (kèm theo the report). */
export function composeSimplificationProposal(r: RoundForDocument): OfficialDocument {
  const xa = lower(r.agency.unitName);
  const simplified = r.reviews.filter((x) => x.conclusion !== "keep");
  const body: DocBlock[] = [
    {
      type: "paragraph",
      text: r.issued
        ? `(Kèm theo Báo cáo số ${documentCode(r.issued.number, r.issued.symbol)} ngày ${vnDate(r.issued.date)} của Ủy ban nhân dân ${xa})`
        : `(Kèm theo Báo cáo kết quả rà soát, đánh giá thủ tục hành chính năm ${r.year} của Ủy ban nhân dân ${xa})`,
      italic: true,
    },
  ];
  if (simplified.length === 0) body.push({ type: "paragraph", text: "Không có thủ tục hành chính nào được đề xuất đơn giản hóa." });
  simplified.forEach((x, i) => {
    body.push({ type: "heading", level: 1, text: `${i + 1}. ${x.name} (mã ${x.code}, lĩnh vực ${x.field || "chưa phân loại"})` });
    body.push({ type: "heading", level: 2, text: "a) Nội dung đơn giản hóa" });
    if (x.conclusion === "abolish") body.push({ type: "bullet", text: "Bãi bỏ thủ tục hành chính." });
    if (x.conclusion === "replace") body.push({ type: "bullet", text: "Thay thế thủ tục hành chính." });
    for (const c of x.changes) body.push({ type: "bullet", text: `${REVIEW_PART_WORDS[c.part]}: ${c.proposal.replace(/[.\s]+$/u, "")}. Lý do: ${c.reason.replace(/[.\s]+$/u, "")}.` });
    body.push({ type: "heading", level: 2, text: "b) Kiến nghị thực thi" });
    body.push({ type: "paragraph", text: x.recommendation || "Không có." });
    body.push({ type: "heading", level: 2, text: "c) Lợi ích phương án đơn giản hóa" });
    body.push(...benefitBullets(x));
    body.push({ type: "table", caption: "Chi phí tuân thủ trước và sau đơn giản hóa (một hồ sơ và một năm)", table: costItemsTable(x) });
  });
  const hourly = r.reviews[0]?.cost.hourly ?? r.wage.annualIncomeVnd / MONTHS_PER_YEAR / WORKING_DAYS_PER_MONTH / HOURS_PER_DAY;
  body.push({ type: "paragraph", text: wageSentence(r.wage, hourly), italic: true });
  return {
    header: header(r, "BC-UBND"),
    kindTitle: "PHƯƠNG ÁN",
    subject: `Đơn giản hóa thủ tục hành chính thuộc thẩm quyền giải quyết của Ủy ban nhân dân ${xa} năm ${r.year}`,
    body,
    signature: signature(r.signer),
    recipients: defaultReviewRecipients(r),
    ...(r.issued ? {} : { draftMark: "DỰ THẢO" }),
  };
}

export type CommuneSubmission = {
  name: string;
  reportCode: string;
  issuedOn: string;
  reviews: ReviewForDocument[];
};

/** The province's summary of its communes' review results and proposals. */
export function composeProvinceSummary(p: { agency: { name: string; unitName: string }; year: number; communes: CommuneSubmission[]; draftDate: string }): OfficialDocument {
  const all = p.communes.flatMap((c) => c.reviews);
  const totals = totalsOf(all);
  const rows = p.communes.map((c, i) => {
    const t = totalsOf(c.reviews);
    return [
      String(i + 1),
      c.name,
      `${c.reportCode} ngày ${vnDate(c.issuedOn)}`,
      String(c.reviews.length),
      String(c.reviews.filter((r) => r.conclusion !== "keep").length),
      vnd(t.before),
      vnd(t.after),
      vnd(t.saving),
      percentText(t.savingRate),
    ];
  });
  rows.push(["", "Tổng cộng", "", String(all.length), String(all.filter((r) => r.conclusion !== "keep").length), vnd(totals.before), vnd(totals.after), vnd(totals.saving), percentText(totals.savingRate)]);
  const body: DocBlock[] = [
    {
      type: "paragraph",
      text: `Thực hiện Nghị định số 63/2010/NĐ-CP (được sửa đổi, bổ sung bởi Nghị định số 92/2017/NĐ-CP) và Thông tư số 02/2017/TT-VPCP, ${p.communes.length} đơn vị cấp xã đã gửi kết quả rà soát, đánh giá thủ tục hành chính năm ${p.year}: ${all.length} thủ tục được rà soát, ${all.filter((r) => r.conclusion !== "keep").length} thủ tục có phương án đơn giản hóa; chi phí tuân thủ tiết kiệm ${vnd(totals.saving)} đồng/năm, tỷ lệ cắt giảm ${percentText(totals.savingRate)}.`,
    },
    { type: "heading", level: 1, text: "I. TỔNG HỢP THEO ĐƠN VỊ" },
    {
      type: "table",
      table: {
        columns: [
          { label: "STT", width: 5 },
          { label: "Đơn vị", width: 17 },
          { label: "Báo cáo", width: 17 },
          { label: "Số TTHC rà soát", width: 8 },
          { label: "Có phương án", width: 8 },
          { label: "Chi phí trước (đồng/năm)", width: 12 },
          { label: "Chi phí sau (đồng/năm)", width: 12 },
          { label: "Tiết kiệm (đồng/năm)", width: 12 },
          { label: "Tỷ lệ", width: 9 },
        ],
        rows,
        boldRows: [rows.length - 1],
      },
    },
    { type: "heading", level: 1, text: "II. PHƯƠNG ÁN ĐƠN GIẢN HÓA CỦA CÁC ĐƠN VỊ" },
  ];
  p.communes.forEach((c, i) => {
    const simplified = c.reviews.filter((r) => r.conclusion !== "keep");
    body.push({ type: "heading", level: 2, text: `${i + 1}. ${c.name}` });
    if (simplified.length === 0) body.push({ type: "paragraph", text: "Không đề xuất đơn giản hóa." });
    for (const r of simplified) {
      body.push({
        type: "bullet",
        text: `${r.name} (${r.code}) — ${CONCLUSION_WORDS[r.conclusion]}: ${r.changes.map((x) => `${REVIEW_PART_WORDS[x.part].toLocaleLowerCase("vi")}: ${x.proposal.replace(/[.\s]+$/u, "")}`).join("; ") || "—"}; tiết kiệm ${vnd(r.cost.saving)} đồng/năm (${percentText(r.cost.savingRate)}).`,
      });
    }
  });
  return {
    header: header({ agency: p.agency, draftDate: p.draftDate }, "BC-UBND"),
    kindTitle: "BÁO CÁO",
    subject: `Tổng hợp kết quả rà soát, đánh giá và phương án đơn giản hóa thủ tục hành chính cấp xã năm ${p.year}`,
    body,
    signature: signature(null),
    recipients: ["Văn phòng Chính phủ (Cục Kiểm soát thủ tục hành chính);", "Chủ tịch, các Phó Chủ tịch UBND tỉnh;", "Lưu: VT."],
    draftMark: "DỰ THẢO",
  };
}
