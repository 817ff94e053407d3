import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import type { Block, SlipLayout } from "../../domain/slips/layout";

// Slips are A5 portrait (Thông tư 01/2018/TT-VPCP), in Tinos (metric-compatible with Times New
// Roman, Nghị định 30/2020/NĐ-CP), fonts embedded so every Vietnamese letter prints and extracts.
const FONT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../assets/fonts");
const FONTS = {
  regular: path.join(FONT_DIR, "Tinos-Regular.ttf"),
  bold: path.join(FONT_DIR, "Tinos-Bold.ttf"),
  italic: path.join(FONT_DIR, "Tinos-Italic.ttf"),
  boldItalic: path.join(FONT_DIR, "Tinos-BoldItalic.ttf"),
} as const;

// Read once per process. (Sharing pdfkit's parsed font objects between documents would be much
// faster, but fontkit glyph state leaks between subsets and letters go missing: measured, rejected.)
const fontBuffers = new Map<string, Buffer>();
function fontBuffer(file: string): Buffer {
  let b = fontBuffers.get(file);
  if (!b) {
    b = readFileSync(file);
    fontBuffers.set(file, b);
  }
  return b;
}

const MM = 72 / 25.4;
const MARGIN = { top: 10 * MM, bottom: 12 * MM, left: 15 * MM, right: 10 * MM };
const BODY = 11;
const QR_SIZE = 19 * MM;

type Doc = PDFKit.PDFDocument;

function fontOf(run: { bold?: boolean | undefined; italic?: boolean | undefined }): keyof typeof FONTS {
  if (run.bold && run.italic) return "boldItalic";
  if (run.bold) return "bold";
  if (run.italic) return "italic";
  return "regular";
}

/** The QR code as vector squares: sharp at any print resolution and cheaper than a PNG. */
function drawQr(doc: Doc, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const n = qr.modules.size;
  const cell = size / n;
  doc.save();
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.modules.get(r, c)) doc.rect(x + c * cell, y + r * cell, cell + 0.01, cell + 0.01);
    }
  }
  doc.fill("black");
  doc.restore();
}

function header(doc: Doc, l: SlipLayout): void {
  const left = MARGIN.left;
  const width = doc.page.width - MARGIN.left - MARGIN.right;
  const top = MARGIN.top;
  // Thông tư 01/2023/TT-VPCP: the QR code sits at the top left of the document.
  drawQr(doc, l.qrText, left - 4 * MM, top - 4 * MM, QR_SIZE);
  const agencyX = left + QR_SIZE - 3 * MM;
  const agencyW = 38 * MM;
  const nationX = agencyX + agencyW + 1 * MM;
  const nationW = left + width - nationX;

  let y = top;
  if (l.header.parent) {
    doc.font("regular").fontSize(8.5).text(l.header.parent.toUpperCase(), agencyX, y, { width: agencyW, align: "center" });
    y = doc.y;
  }
  doc.font("bold").fontSize(8.5).text(l.header.agency.toUpperCase(), agencyX, y, { width: agencyW, align: "center" });
  doc.font("bold").fontSize(8).text(l.header.unit, agencyX, doc.y, { width: agencyW, align: "center" });
  const leftBottom = doc.y;
  doc.moveTo(agencyX + agencyW * 0.3, leftBottom + 2).lineTo(agencyX + agencyW * 0.7, leftBottom + 2).lineWidth(0.5).stroke();

  doc.font("bold").fontSize(8.5).text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", nationX, top, { width: nationW, align: "center" });
  doc.font("bold").fontSize(10).text("Độc lập - Tự do - Hạnh phúc", nationX, doc.y, { width: nationW, align: "center", underline: true });
  const rightBottom = doc.y;

  y = Math.max(leftBottom, rightBottom, top + QR_SIZE - 4 * MM) + 6;
  doc.font("regular").fontSize(9.5).text(l.header.number, left, y, { width: width * 0.5 });
  doc.font("italic").fontSize(9.5).text(l.header.dateLine, left + width * 0.42, y, { width: width * 0.58, align: "right" });
  doc.x = left;
  doc.y = Math.max(doc.y, y + 12) + 6;
}

function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN.bottom) doc.addPage();
}

function drawBlock(doc: Doc, b: Block): void {
  const left = MARGIN.left;
  const width = doc.page.width - MARGIN.left - MARGIN.right;
  switch (b.kind) {
    case "title": {
      doc.moveDown(0.3);
      doc.font("bold").fontSize(12.5).text(b.text, left, doc.y, { width, align: "center" });
      if (b.subtitle) doc.font("italic").fontSize(BODY).text(b.subtitle, { width, align: "center" });
      doc.moveDown(0.5);
      return;
    }
    case "para": {
      const size = b.size ?? BODY;
      const indent = b.indent ? 6 * MM : 0;
      doc.fontSize(size);
      if (b.align === "center" && b.runs.length > 1) {
        // pdfkit misplaces centred text written in several `continued` runs: lay the line out here.
        const widths = b.runs.map((run) => doc.font(fontOf(run)).widthOfString(run.text));
        const total = widths.reduce((a, w) => a + w, 0);
        if (total <= width - indent) {
          const y = doc.y;
          let x = left + indent + (width - indent - total) / 2;
          b.runs.forEach((run, i) => {
            doc.font(fontOf(run)).text(run.text, x, y, { lineBreak: false });
            x += widths[i]!;
          });
          doc.x = left;
          doc.y = y + doc.currentLineHeight(true) + 1.5;
        } else {
          doc.font("regular").text(b.runs.map((r) => r.text).join(""), left + indent, doc.y, { width: width - indent, align: "center", lineGap: 1.5 });
          doc.x = left;
        }
        doc.moveDown(0.15);
        return;
      }
      b.runs.forEach((run, i) => {
        const last = i === b.runs.length - 1;
        doc.font(fontOf(run));
        const opts = { width: width - indent, align: b.align ?? "left", continued: !last, lineGap: 1.5 } as const;
        if (i === 0) doc.text(run.text, left + indent, doc.y, opts);
        else doc.text(run.text, opts);
      });
      doc.x = left;
      doc.moveDown(0.15);
      return;
    }
    case "table": {
      const size = 9;
      const pad = 3;
      const widths = b.columns.map((c) => c.width * width);
      const rowHeight = (cells: string[], font: keyof typeof FONTS) => {
        doc.font(font).fontSize(size);
        return Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: widths[i]! - 2 * pad }))) + 2 * pad;
      };
      const drawRow = (cells: string[], font: keyof typeof FONTS) => {
        const h = rowHeight(cells, font);
        ensureRoom(doc, h);
        const y = doc.y;
        let x = left;
        cells.forEach((c, i) => {
          const w = widths[i]!;
          doc.rect(x, y, w, h).lineWidth(0.5).stroke();
          doc.font(font).fontSize(size).text(c, x + pad, y + pad, { width: w - 2 * pad, align: font === "bold" ? "center" : "left" });
          x += w;
        });
        doc.x = left;
        doc.y = y + h;
      };
      doc.moveDown(0.3);
      drawRow(
        b.columns.map((c) => c.title),
        "bold",
      );
      for (const r of b.rows) drawRow(r, "regular");
      doc.moveDown(0.5);
      return;
    }
    case "signatures": {
      ensureRoom(doc, 90);
      doc.moveDown(0.6);
      const y = doc.y;
      const n = b.columns.length;
      // A single signer signs on the right, as on the printed forms.
      const colW = n === 1 ? width / 2 : width / n;
      b.columns.forEach((c, i) => {
        const x = n === 1 ? left + width / 2 : left + i * colW;
        doc.font("bold").fontSize(10).text(c.title, x, y, { width: colW, align: "center" });
        doc.font("italic").fontSize(9).text(c.note, x, doc.y, { width: colW, align: "center" });
        doc.font("bold").fontSize(10).text(c.name, x, y + 70, { width: colW, align: "center" });
      });
      doc.x = left;
      doc.y = y + 90;
      return;
    }
    case "space":
      doc.y += b.height;
      return;
  }
}

function footer(doc: Doc, l: SlipLayout): void {
  const width = doc.page.width - MARGIN.left - MARGIN.right;
  const y = doc.page.height - MARGIN.bottom + 2;
  // Writing inside the bottom margin would make pdfkit start a new page.
  doc.page.margins.bottom = 0;
  doc.font("italic").fontSize(7.5).text(`Tra cứu tình trạng hồ sơ: ${l.trackingUrl}`, MARGIN.left, y, { width, align: "center", lineBreak: false });
}

/** Renders one slip to PDF bytes (A5 portrait, fonts embedded, QR top left). */
export async function renderSlipPdf(l: SlipLayout): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A5",
    layout: "portrait",
    margins: MARGIN,
    autoFirstPage: true,
    bufferPages: true,
    info: { Title: `${l.documentName} — ${l.header.number}`, Subject: l.form === "receipt" ? l.documentName : `Mẫu ${l.form} Thông tư 01/2018/TT-VPCP`, Creator: "Một Cửa", Producer: "Một Cửa" },
  });
  for (const [name, file] of Object.entries(FONTS)) doc.registerFont(name, fontBuffer(file));
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  header(doc, l);
  for (const b of l.blocks) drawBlock(doc, b);
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    footer(doc, l);
  }
  doc.end();
  return done;
}
