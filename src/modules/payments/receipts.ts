// Electronic receipts as documents: the PDF a payer keeps (what Nghị định 123/2020/NĐ-CP, Điều 32,
// asks a receipt to state: type, template and series, number, the collecting organisation and its
// tax code, the payer, the fee, the amount in figures and in words, the date; plus the payment
// channel, the gateway's transaction number and a QR code to verify it), and the register (XLSX).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Tx } from "../../db/scope";
import { formatReceiptNumber } from "../../domain/payments/receipt";
import { vndInWords } from "../../domain/payments/words";
import { formatDate, formatDateTime, formatVnd } from "../../domain/text/format";
import { unseal } from "../privacy/sealing";

export type ReceiptDoc = {
  publicId: string;
  agencyId: number;
  agencyName: string;
  parentName: string | null;
  agencyAddress: string | null;
  taxCode: string | null;
  templateCode: string;
  symbol: string;
  number: number;
  issuedAt: Date;
  amountVnd: number;
  payerName: string;
  payerIdNumber: string | null;
  payerAddress: string | null;
  dossierCode: string;
  procedureCode: string;
  procedureName: string;
  channel: "vnpay" | "cash";
  gatewayTxnNo: string | null;
  collector: string | null;
  paymentStatus: string;
};

const RECEIPT_COLUMNS = `r.public_id as "publicId", r.agency_id as "agencyId", a.name as "agencyName", pa.name as "parentName", a.address as "agencyAddress", s.tax_code as "taxCode",
  r.template_code as "templateCode", r.symbol, r.number, r.issued_at as "issuedAt", r.amount_vnd::float8 as "amountVnd", r.payer_name as "payerName",
  r.payer_id_number as "payerIdNumber", r.payer_address as "payerAddress", r.dossier_code as "dossierCode", r.procedure_code as "procedureCode",
  r.procedure_name as "procedureName", r.channel, r.gateway_txn_no as "gatewayTxnNo", r.collector_label as collector, p.status as "paymentStatus"`;
const RECEIPT_FROM = `from receipts r join agencies a on a.id = r.agency_id left join agencies pa on pa.id = a.parent_id
  left join payment_settings s on s.agency_id = r.agency_id join payments p on p.id = r.payment_id`;

/** A receipt by the random id its QR and links carry (read as the system: the id is the proof). */
export async function findReceipt(tx: Tx, publicId: string): Promise<ReceiptDoc | undefined> {
  if (!/^[A-Za-z0-9_-]{16,40}$/.test(publicId)) return undefined;
  return opened(await tx.maybeOne<ReceiptDoc>(`select ${RECEIPT_COLUMNS} ${RECEIPT_FROM} where r.public_id = $1`, [publicId]));
}

/** The payer's ID number is stored sealed like the dossier's (docs/privacy.md); the receipt prints it whole. */
function opened<T extends ReceiptDoc | undefined>(r: T): T {
  return (r ? { ...r, payerIdNumber: r.payerIdNumber ? unseal(r.payerIdNumber) : r.payerIdNumber } : r) as T;
}

/** An agency's receipts issued between two local dates (inclusive), in series order. */
export async function listReceipts(tx: Tx, q: { agencyId: number; from: string; to: string }): Promise<ReceiptDoc[]> {
  const rows = await tx.query<ReceiptDoc>(
    `select ${RECEIPT_COLUMNS} ${RECEIPT_FROM}
     where r.agency_id = $1 and r.issued_at >= ($2::date)::timestamp at time zone 'Asia/Ho_Chi_Minh' and r.issued_at < ($3::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh'
     order by r.symbol, r.number`,
    [q.agencyId, q.from, q.to],
  );
  return rows.map((r) => opened(r));
}

const FONT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../assets/fonts");
const fonts = new Map<string, Buffer>();
function font(name: string): Buffer {
  let b = fonts.get(name);
  if (!b) {
    b = readFileSync(path.join(FONT_DIR, name));
    fonts.set(name, b);
  }
  return b;
}

const MM = 72 / 25.4;

/** A QR code drawn as vector squares (sharp when printed). */
export async function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): Promise<void> {
  const { default: QRCode } = await import("qrcode");
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const n = qr.modules.size;
  const cell = size / n;
  doc.save();
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.modules.get(r, c)) doc.rect(x + c * cell, y + r * cell, cell + 0.01, cell + 0.01);
  doc.fill("black");
  doc.restore();
}

// pdfkit and qrcode are imported on first use: an idle server never renders a PDF.
export async function newPdf(size: "A4" | "A5"): Promise<PDFKit.PDFDocument> {
  const { default: PDFDocument } = await import("pdfkit");
  const doc = new PDFDocument({ size, margins: { top: 12 * MM, bottom: 12 * MM, left: 15 * MM, right: 12 * MM }, autoFirstPage: true, info: { Producer: "Một Cửa", Creator: "Một Cửa" } });
  doc.registerFont("regular", font("Tinos-Regular.ttf"));
  doc.registerFont("bold", font("Tinos-Bold.ttf"));
  doc.registerFont("italic", font("Tinos-Italic.ttf"));
  return doc;
}

export function pdfBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.end();
  });
}

function dateWords(at: Date): string {
  const [d, m, y] = formatDate(at).split("/");
  return `Ngày ${d} tháng ${m} năm ${y}`;
}

export function channelText(r: Pick<ReceiptDoc, "channel" | "gatewayTxnNo">): string {
  return r.channel === "vnpay" ? `Trực tuyến qua cổng thanh toán VNPay${r.gatewayTxnNo ? `, mã giao dịch ${r.gatewayTxnNo}` : ""}` : "Tiền mặt tại Bộ phận Một cửa";
}

/** The receipt as A5 PDF, Vietnamese throughout (the legal document), fonts embedded. */
export async function renderReceiptPdf(r: ReceiptDoc, o: { verifyUrl: string }): Promise<Buffer> {
  const doc = await newPdf("A5");
  doc.info.Title = `Biên lai ${r.symbol} số ${formatReceiptNumber(r.number)}`;
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const top = doc.page.margins.top;
  const qr = 22 * MM;
  await drawQr(doc, o.verifyUrl, left, top, qr);
  const headX = left + qr + 3 * MM;
  const headW = width * 0.5 - qr;
  doc.font("regular").fontSize(8.5);
  if (r.parentName) doc.text(r.parentName.toUpperCase(), headX, top, { width: headW, align: "center" });
  doc.font("bold").fontSize(8.5).text(r.agencyName.toUpperCase(), headX, doc.y, { width: headW, align: "center" });
  doc.font("regular").fontSize(8).text(`Mã số thuế: ${r.taxCode ?? "—"}`, headX, doc.y + 2, { width: headW, align: "center" });
  const rightX = left + width * 0.62;
  const rightW = width * 0.38;
  doc.font("regular").fontSize(9);
  doc.text(`Mẫu số: ${r.templateCode}`, rightX, top, { width: rightW });
  doc.text(`Ký hiệu: ${r.symbol}`, rightX, doc.y, { width: rightW });
  doc.font("bold").text(`Số: ${formatReceiptNumber(r.number)}`, rightX, doc.y, { width: rightW });
  let y = Math.max(doc.y, top + qr) + 6 * MM;
  doc.font("bold").fontSize(13).text("BIÊN LAI THU PHÍ, LỆ PHÍ", left, y, { width, align: "center" });
  doc.font("italic").fontSize(9.5).text("(Biên lai điện tử)", left, doc.y, { width, align: "center" });
  doc.text(dateWords(r.issuedAt), left, doc.y + 2, { width, align: "center" });
  y = doc.y + 5 * MM;
  const line = (label: string, value: string, bold = false) => {
    doc.font("regular").fontSize(10).text(`${label}: `, left, y, { continued: true, width });
    doc.font(bold ? "bold" : "regular").text(value);
    y = doc.y + 1.5;
  };
  line("Tổ chức thu", r.agencyName);
  if (r.agencyAddress) line("Địa chỉ", r.agencyAddress);
  line("Người nộp", r.payerName, true);
  if (r.payerIdNumber) line("Số định danh cá nhân", r.payerIdNumber);
  if (r.payerAddress) line("Địa chỉ người nộp", r.payerAddress);
  line("Tên loại phí, lệ phí", `Phí, lệ phí giải quyết thủ tục hành chính "${r.procedureName}" (mã ${r.procedureCode})`);
  line("Mã hồ sơ", r.dossierCode);
  line("Số tiền", formatVnd(r.amountVnd), true);
  line("Viết bằng chữ", vndInWords(r.amountVnd));
  line("Hình thức thanh toán", channelText(r));
  y += 2 * MM;
  doc.font("italic").fontSize(9).text(`Tra cứu, xác thực biên lai: ${o.verifyUrl}`, left, y, { width });
  y = doc.y + 6 * MM;
  const half = width / 2;
  doc.font("bold").fontSize(10).text("Người nộp tiền", left, y, { width: half, align: "center" });
  doc.text("Đơn vị thu", left + half, y, { width: half, align: "center" });
  doc.font("italic").fontSize(8.5).text("(Thanh toán điện tử)", left, doc.y, { width: half, align: "center" });
  doc.text(r.channel === "cash" ? `Người thu: ${r.collector ?? ""}` : "Biên lai điện tử do hệ thống lập", left + half, doc.y - doc.currentLineHeight(), { width: half, align: "center" });
  if (r.paymentStatus === "refunded") {
    doc.font("bold").fontSize(11).fillColor("#b00000").text("ĐÃ HOÀN TRẢ", left, doc.y + 6 * MM, { width, align: "center" }).fillColor("black");
  }
  return pdfBuffer(doc);
}

const thin = { top: { style: "thin" }, left: { style: "thin" }, bottom: { style: "thin" }, right: { style: "thin" } } as const;

/** The register of receipts issued in a period (sổ theo dõi biên lai), one row per receipt, totals at the end. */
export async function renderReceiptRegisterXlsx(input: { agencyName: string; from: string; to: string; rows: readonly ReceiptDoc[] }): Promise<Buffer> {
  // exceljs on first use (~8 MB of heap and ~0.5 s to load, for an occasional export).
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  wb.creator = "Một Cửa";
  wb.created = new Date(0);
  const ws = wb.addWorksheet("So bien lai", { pageSetup: { paperSize: 9, orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0 }, views: [{ state: "frozen", ySplit: 4 }] });
  const columns = [
    { header: "STT", width: 5 },
    { header: "Ký hiệu", width: 10 },
    { header: "Số biên lai", width: 11 },
    { header: "Ngày lập", width: 17 },
    { header: "Người nộp", width: 24 },
    { header: "Mã hồ sơ", width: 26 },
    { header: "Thủ tục hành chính", width: 40 },
    { header: "Số tiền (đồng)", width: 14 },
    { header: "Hình thức", width: 12 },
    { header: "Mã giao dịch", width: 14 },
    { header: "Ghi chú", width: 14 },
  ];
  ws.columns = columns.map((c) => ({ width: c.width }));
  const f = { name: "Times New Roman", size: 11 };
  ws.mergeCells(1, 1, 1, columns.length);
  ws.getCell(1, 1).value = `${input.agencyName.toUpperCase()} — SỔ THEO DÕI BIÊN LAI THU PHÍ, LỆ PHÍ`;
  ws.getCell(1, 1).font = { ...f, bold: true, size: 13 };
  ws.mergeCells(2, 1, 2, columns.length);
  ws.getCell(2, 1).value = `Từ ngày ${formatDate(input.from)} đến ngày ${formatDate(input.to)}`;
  ws.getCell(2, 1).font = { ...f, italic: true };
  columns.forEach((c, i) => {
    const cell = ws.getCell(4, i + 1);
    cell.value = c.header;
    cell.font = { ...f, bold: true };
    cell.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
    cell.border = thin;
  });
  let total = 0;
  input.rows.forEach((r, i) => {
    const refunded = r.paymentStatus === "refunded" || r.paymentStatus === "refund_requested";
    if (!refunded) total += r.amountVnd;
    const row = ws.getRow(5 + i);
    row.values = [
      i + 1,
      r.symbol,
      formatReceiptNumber(r.number),
      formatDateTime(r.issuedAt),
      r.payerName,
      r.dossierCode,
      r.procedureName,
      r.amountVnd,
      r.channel === "vnpay" ? "VNPay" : "Tiền mặt",
      r.gatewayTxnNo ?? "",
      r.paymentStatus === "refunded" ? "Đã hoàn trả" : r.paymentStatus === "refund_requested" ? "Chờ hoàn trả" : "",
    ];
    row.eachCell((cell) => {
      cell.font = f;
      cell.border = thin;
      cell.alignment = { vertical: "top", wrapText: true };
    });
    row.getCell(8).numFmt = "#,##0";
  });
  const sum = ws.getRow(5 + input.rows.length);
  sum.getCell(7).value = "Tổng số tiền thu (trừ khoản hoàn trả)";
  sum.getCell(8).value = total;
  sum.getCell(8).numFmt = "#,##0";
  for (const c of [7, 8]) {
    sum.getCell(c).font = { ...f, bold: true };
    sum.getCell(c).border = thin;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
