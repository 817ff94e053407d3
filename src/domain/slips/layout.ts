// Content of the standard slips (Mẫu 01–05, Phụ lục of Thông tư 01/2018/TT-VPCP) as plain data:
// the header, title, paragraphs, tables and signature blocks of each form. The PDF renderer
// (src/modules/dossier-docs/pdf.ts) only draws what is here, so the wording is tested without PDFs.

import { placeDateLine, slipDate, slipDateTime, slipMoment } from "./format";
import { buildQrPayload, encodeQrPayload } from "./qr";
import type { SlipData, SlipForm } from "./types";

export type Run = { text: string; bold?: boolean; italic?: boolean };

export type Block =
  | { kind: "para"; runs: Run[]; align?: "left" | "center" | "justify"; indent?: boolean; size?: number }
  | { kind: "title"; text: string; subtitle?: string }
  | { kind: "table"; columns: { title: string; width: number }[]; rows: string[][] }
  | { kind: "signatures"; columns: { title: string; note: string; name: string }[] }
  | { kind: "space"; height: number };

export type SlipLayout = {
  /** A standard form, or "receipt": the confirmation of an online submission before acceptance. */
  form: SlipForm | "receipt";
  documentName: string;
  header: { parent?: string | undefined; agency: string; unit: string; number: string; dateLine: string };
  qrText: string;
  trackingUrl: string;
  blocks: Block[];
};

export const SLIP_NAMES: Record<SlipForm, string> = {
  "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
  "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
  "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
  "04": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
  "05": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
};

export class SlipDataMissingError extends Error {
  constructor(readonly form: SlipForm, what: string) {
    super(`Mẫu ${form}: ${what}`);
    this.name = "SlipDataMissingError";
  }
}

const DOTS = "…………";
const p = (text: string, extra: Partial<Extract<Block, { kind: "para" }>> = {}): Block => ({ kind: "para", runs: [{ text }], ...extra });
const labelled = (label: string, value: string | null | undefined): Block => ({
  kind: "para",
  runs: [{ text: `${label}: ` }, { text: value && value.trim() !== "" ? value : DOTS, bold: Boolean(value) }],
});

function applicantLines(d: SlipData): Block[] {
  const a = d.applicant;
  return [
    labelled("Tiếp nhận hồ sơ của", a.fullName),
    labelled("Số định danh cá nhân/CCCD", a.idNumber),
    labelled("Địa chỉ", a.address),
    { kind: "para", runs: [{ text: "Số điện thoại: " }, { text: a.phone || DOTS, bold: Boolean(a.phone) }, { text: "   Email: " }, { text: a.email || DOTS, bold: Boolean(a.email) }] },
    labelled("Nội dung yêu cầu giải quyết", `${d.dossier.procedureName} (mã thủ tục ${d.dossier.procedureCode})`),
  ];
}

function documentsList(d: SlipData): Block[] {
  if (d.documents.length === 0) return [p(`${DOTS}`, { indent: true })];
  return d.documents.map((doc, i) => {
    const counts: string[] = [];
    if (doc.originals) counts.push(`${doc.originals} bản chính`);
    if (doc.copies) counts.push(`${doc.copies} bản sao`);
    return p(`(${i + 1}) ${doc.name}${counts.length ? ` — ${counts.join(", ")}` : ""}`, { indent: true });
  });
}

function signature(title: string, name: string | undefined, note = "(Ký và ghi rõ họ tên)") {
  return { title, note, name: name ?? "" };
}

function form01(d: SlipData): Block[] {
  const due = d.dossier.dueAt;
  return [
    p(`Bộ phận Tiếp nhận và Trả kết quả — ${d.agency.name}`, { align: "left" }),
    ...applicantLines(d),
    p("1. Thành phần hồ sơ nộp gồm:"),
    ...documentsList(d),
    p(`2. Số lượng hồ sơ: ${d.dossier.sets ?? 1} (bộ)`),
    p(`3. Thời gian giải quyết hồ sơ theo quy định là: ${d.dossier.timeLimitText || DOTS}`),
    p(`4. Thời gian nhận hồ sơ: ${slipMoment(d.dossier.receivedAt)}`),
    {
      kind: "para",
      runs: [{ text: "5. Thời gian trả kết quả giải quyết hồ sơ: hẹn trả kết quả vào lúc " }, { text: due ? slipMoment(due) : DOTS, bold: true }],
    },
    p(`6. Đăng ký nhận kết quả tại: ${d.dossier.resultDelivery || `Bộ phận Tiếp nhận và Trả kết quả — ${d.agency.name}`}`),
    p(`Vào Sổ theo dõi hồ sơ, mã hồ sơ ${d.dossier.code}.`, { size: 10 }),
    { kind: "signatures", columns: [signature("NGƯỜI NỘP HỒ SƠ", d.applicant.fullName), signature("NGƯỜI TIẾP NHẬN HỒ SƠ", d.officer?.fullName)] },
  ];
}

function form02(d: SlipData): Block[] {
  const s = d.supplement;
  if (!s || s.items.length === 0) throw new SlipDataMissingError("02", "chưa có yêu cầu bổ sung");
  return [
    labelled("Hồ sơ của", d.applicant.fullName),
    labelled("Nội dung yêu cầu giải quyết", `${d.dossier.procedureName} (mã thủ tục ${d.dossier.procedureCode})`),
    p(
      `Ngày ${slipDate(d.dossier.receivedAt)}, Bộ phận Tiếp nhận và Trả kết quả — ${d.agency.name} đã tiếp nhận hồ sơ của Ông/Bà ${d.applicant.fullName}. ` +
        "Sau khi xem xét thành phần, hồ sơ của Ông/Bà, đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:",
      { align: "justify", indent: true },
    ),
    ...s.items.map((item, i) => p(`${i + 1}. ${item}`, { indent: true })),
    labelled("Lý do", s.reason),
    p(
      `Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ với ${d.officer?.fullName ?? DOTS}` +
        `${d.agency.phone ? `, số điện thoại ${d.agency.phone}` : ""} để được hướng dẫn.`,
      { align: "justify", indent: true },
    ),
    { kind: "signatures", columns: [signature("NGƯỜI HƯỚNG DẪN", d.officer?.fullName)] },
  ];
}

function form03(d: SlipData): Block[] {
  const r = d.refusal;
  if (!r || r.reasons.length === 0) throw new SlipDataMissingError("03", "chưa có lý do từ chối");
  return [
    p(`Bộ phận Tiếp nhận và Trả kết quả — ${d.agency.name}`),
    ...applicantLines(d),
    p("Qua xem xét, Bộ phận Tiếp nhận và Trả kết quả thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:", {
      align: "justify",
      indent: true,
    }),
    ...r.reasons.map((reason, i) => p(`${i + 1}. ${reason}`, { indent: true })),
    p("Xin thông báo cho Ông/Bà được biết và thực hiện./.", { indent: true }),
    { kind: "signatures", columns: [signature("NGƯỜI TIẾP NHẬN HỒ SƠ", d.officer?.fullName)] },
  ];
}

function form04(d: SlipData): Block[] {
  const a = d.apology;
  if (!a) throw new SlipDataMissingError("04", "chưa có lý do chậm trả kết quả");
  return [
    { kind: "para", runs: [{ text: "Kính gửi: " }, { text: `Ông/Bà ${d.applicant.fullName}`, bold: true }], align: "center" },
    p(
      `Ngày ${slipDate(d.dossier.receivedAt)}, ${d.agency.name} tiếp nhận giải quyết hồ sơ của Ông/Bà ${d.applicant.fullName}.`,
      { align: "justify", indent: true },
    ),
    labelled("Nội dung yêu cầu giải quyết", d.dossier.procedureName),
    labelled("Mã hồ sơ", d.dossier.code),
    labelled("Ngày hẹn trả kết quả", d.dossier.dueAt ? slipDate(d.dossier.dueAt) : undefined),
    p(
      `Tuy nhiên đến nay, ${d.agency.name} chưa trả kết quả giải quyết hồ sơ của Ông/Bà đúng thời hạn như đã hẹn, lý do: ${a.reason || DOTS}`,
      { align: "justify", indent: true },
    ),
    {
      kind: "para",
      align: "justify",
      indent: true,
      runs: [
        { text: `Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của Ông/Bà. ${d.agency.name} xin lỗi Ông/Bà và sẽ trả kết quả vào lúc ` },
        { text: a.newDueAt ? slipMoment(a.newDueAt) : "…… giờ …… phút, ngày …… tháng …… năm ……", bold: true },
        { text: "." },
      ],
    },
    p("Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.", { indent: true }),
    { kind: "signatures", columns: [signature("THỦ TRƯỞNG CƠ QUAN", d.officer?.fullName, "(Ký, ghi rõ họ tên và đóng dấu)")] },
  ];
}

function form05(d: SlipData): Block[] {
  const rows: string[][] = [
    ["1. Giao: Người nộp hồ sơ\nNhận: Bộ phận Tiếp nhận và Trả kết quả", slipDateTime(d.dossier.receivedAt), "Tiếp nhận", ""],
  ];
  (d.handovers ?? []).forEach((h, i) => {
    rows.push([`${i + 2}. Giao: ${h.from}\nNhận: ${h.to}`, slipDateTime(h.at), h.result ? `${h.action} — ${h.result}` : h.action, h.note ?? ""]);
  });
  return [
    { kind: "para", runs: [{ text: "(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả, mã hồ sơ " }, { text: d.dossier.code, bold: true }, { text: ")" }], align: "center", size: 10 },
    labelled("Cơ quan (bộ phận) giải quyết hồ sơ", d.agency.name),
    labelled("Thủ tục", `${d.dossier.procedureName} (${d.dossier.procedureCode})`),
    labelled("Người nộp hồ sơ", d.applicant.fullName),
    labelled("Hẹn trả kết quả", d.dossier.dueAt ? slipDateTime(d.dossier.dueAt) : undefined),
    {
      kind: "table",
      columns: [
        { title: "Giao, nhận hồ sơ", width: 0.38 },
        { title: "Thời gian giao, nhận", width: 0.2 },
        { title: "Kết quả giải quyết (trước hạn / đúng hạn / quá hạn)", width: 0.26 },
        { title: "Ghi chú", width: 0.16 },
      ],
      rows,
    },
  ];
}

const BUILDERS: Record<SlipForm, (d: SlipData) => Block[]> = { "01": form01, "02": form02, "03": form03, "04": form04, "05": form05 };

export function buildSlipLayout(form: SlipForm, d: SlipData): SlipLayout {
  const documentName = SLIP_NAMES[form];
  const qrText = encodeQrPayload(
    buildQrPayload({ dossierCode: d.dossier.code, procedureCode: d.dossier.procedureCode, applicantId: d.applicant.idNumber, documentName, trackingUrl: d.trackingUrl }),
  );
  return {
    form,
    documentName,
    header: {
      parent: d.agency.parentName,
      agency: d.agency.name,
      unit: "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
      number: `Mã hồ sơ: ${d.dossier.code}`,
      dateLine: placeDateLine(d.agency.placeName, d.issuedAt),
    },
    qrText,
    trackingUrl: d.trackingUrl,
    blocks: [{ kind: "title", text: documentName.toUpperCase() }, ...BUILDERS[form](d)],
  };
}

/** Every text of a layout, in order: for tests and for a plain-text fallback. */
export function layoutText(l: SlipLayout): string {
  const out: string[] = [l.header.parent ?? "", l.header.agency, l.header.unit, l.header.number, l.header.dateLine];
  for (const b of l.blocks) {
    if (b.kind === "para") out.push(b.runs.map((r) => r.text).join(""));
    else if (b.kind === "title") out.push(b.text, b.subtitle ?? "");
    else if (b.kind === "table") out.push(b.columns.map((c) => c.title).join(" | "), ...b.rows.map((r) => r.join(" | ")));
    else if (b.kind === "signatures") out.push(...b.columns.flatMap((c) => [c.title, c.note, c.name]));
  }
  return out.filter(Boolean).join("\n");
}

export const SUBMISSION_RECEIPT_NAME = "Phiếu xác nhận nộp hồ sơ trực tuyến";

/**
 * What the applicant keeps after submitting online, before the desk accepts the dossier (then
 * Mẫu 01 follows with the appointment): the code, what was sent, when, and by when the desk
 * must accept or ask for more (8 working hours, Nghị định 45/2020/NĐ-CP).
 */
export function buildSubmissionReceipt(d: SlipData, o: { submittedAt: Date; acceptDueAt: Date | null; files: readonly { documentName: string; fileName: string }[] }): SlipLayout {
  const documentName = SUBMISSION_RECEIPT_NAME;
  const qrText = encodeQrPayload(
    buildQrPayload({ dossierCode: d.dossier.code, procedureCode: d.dossier.procedureCode, applicantId: d.applicant.idNumber, documentName, trackingUrl: d.trackingUrl }),
  );
  const a = d.applicant;
  const blocks: Block[] = [
    { kind: "title", text: documentName.toUpperCase() },
    labelled("Mã hồ sơ", d.dossier.code),
    labelled("Người nộp", a.fullName),
    labelled("Số định danh cá nhân/CCCD", a.idNumber),
    labelled("Số điện thoại", a.phone),
    labelled("Thủ tục", `${d.dossier.procedureName} (mã thủ tục ${d.dossier.procedureCode})`),
    labelled("Thời điểm nộp", slipMoment(o.submittedAt)),
    p("Giấy tờ đã gửi kèm:"),
    ...(o.files.length ? o.files.map((f, i) => p(`(${i + 1}) ${f.documentName} — tệp ${f.fileName}`, { indent: true })) : [p("Không có tệp đính kèm.", { indent: true })]),
    {
      kind: "para",
      runs: [
        { text: "Cơ quan tiếp nhận xem xét và tiếp nhận hồ sơ hoặc hướng dẫn bổ sung chậm nhất vào lúc " },
        { text: o.acceptDueAt ? slipMoment(o.acceptDueAt) : DOTS, bold: true },
        { text: ". Khi hồ sơ được tiếp nhận, người nộp nhận Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01) với ngày hẹn trả." },
      ],
    },
    p(`Tra cứu tình trạng hồ sơ: ${d.trackingUrl} (mã hồ sơ và 4 số cuối điện thoại).`, { size: 10 }),
  ];
  return {
    form: "receipt",
    documentName,
    header: {
      parent: d.agency.parentName,
      agency: d.agency.name,
      unit: "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
      number: `Mã hồ sơ: ${d.dossier.code}`,
      dateLine: placeDateLine(d.agency.placeName, o.submittedAt),
    },
    qrText,
    trackingUrl: d.trackingUrl,
    blocks,
  };
}
