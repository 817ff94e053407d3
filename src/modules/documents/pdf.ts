// PDF output of an OfficialDocument with pdfkit and the Tinos fonts (metric-compatible with
// Times New Roman, full Vietnamese coverage) embedded. Same layout as the DOCX renderer.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { create as parseFont, type Font } from "fontkit";
import PDFDocument from "pdfkit";
import { MOTTO, NATIONAL_TITLE, type DocTable, type OfficialDocument } from "../../domain/documents/model";

const FONTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../assets/fonts");
const MM = 72 / 25.4;
const MARGINS = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM };
const BODY = 14;
const INDENT = 10 * MM;

type Doc = PDFKit.PDFDocument;

const FONT_FILES = { Tinos: "Tinos-Regular.ttf", TinosB: "Tinos-Bold.ttf", TinosI: "Tinos-Italic.ttf", TinosBI: "Tinos-BoldItalic.ttf" } as const;
let parsed: Record<keyof typeof FONT_FILES, Font> | undefined;
/**
 * Parsed once per process (four ~550 KB files): parsing them per document cost ~3/4 of a
 * render. pdfkit accepts a fontkit font object and still embeds only the glyphs used.
 */
function fonts(): Record<keyof typeof FONT_FILES, Font> {
  parsed ??= Object.fromEntries(Object.entries(FONT_FILES).map(([k, f]) => [k, parseFont(readFileSync(path.join(FONTS_DIR, f)))])) as Record<keyof typeof FONT_FILES, Font>;
  return parsed;
}

function setFont(doc: Doc, o: { bold?: boolean; italic?: boolean; size: number }): Doc {
  const name = o.bold && o.italic ? "TinosBI" : o.bold ? "TinosB" : o.italic ? "TinosI" : "Tinos";
  return doc.font(name).fontSize(o.size);
}

function contentWidth(doc: Doc): number {
  return doc.page.width - MARGINS.left - MARGINS.right;
}

function ensureSpace(doc: Doc, h: number): void {
  if (doc.y + h > doc.page.height - MARGINS.bottom) doc.addPage();
}

function column(doc: Doc, x: number, y: number, width: number, lines: { text: string; bold?: boolean; italic?: boolean; underline?: boolean; size: number; gapAfter?: number }[]): number {
  let cy = y;
  for (const l of lines) {
    setFont(doc, l).text(l.text, x, cy, { width, align: "center", underline: l.underline ?? false });
    cy = doc.y + (l.gapAfter ?? 0);
  }
  return cy;
}

function drawTable(doc: Doc, t: DocTable): void {
  const cw = contentWidth(doc);
  const total = t.columns.reduce((s, c) => s + c.width, 0);
  const widths = t.columns.map((c) => (c.width / total) * cw);
  const pad = 2;
  const size = 8.5;
  const drawRow = (cells: { text: string; width: number; bold?: boolean; align?: "left" | "center" }[]) => {
    const h = Math.max(...cells.map((c) => setFont(doc, { size, bold: c.bold ?? false }).heightOfString(c.text || " ", { width: c.width - 2 * pad }))) + 2 * pad;
    ensureSpace(doc, h);
    const y = doc.y;
    let x = MARGINS.left;
    for (const c of cells) {
      doc.rect(x, y, c.width, h).lineWidth(0.5).stroke();
      setFont(doc, { size, bold: c.bold ?? false }).text(c.text, x + pad, y + pad, { width: c.width - 2 * pad, align: c.align ?? "center" });
      x += c.width;
    }
    doc.x = MARGINS.left;
    doc.y = y + h;
  };
  if (t.groups) {
    let i = 0;
    drawRow(
      t.groups.map((g) => {
        const w = widths.slice(i, i + g.span).reduce((s, v) => s + v, 0);
        i += g.span;
        return { text: g.label, width: w, bold: true };
      }),
    );
  }
  drawRow(t.columns.map((c, i) => ({ text: c.label, width: widths[i]!, bold: true })));
  t.rows.forEach((r, ri) => {
    const bold = t.boldRows?.includes(ri) ?? false;
    drawRow(r.map((v, i) => ({ text: v, width: widths[i]!, bold, align: i === 1 ? ("left" as const) : ("center" as const) })));
  });
  doc.moveDown(0.5);
}

export async function renderPdf(d: OfficialDocument): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margins: MARGINS,
    bufferPages: true,
    info: { Title: `${d.kindTitle} ${d.subject}`, Creator: "Một Cửa", Producer: "Một Cửa" },
  });
  for (const [name, font] of Object.entries(fonts())) doc.registerFont(name, font as unknown as Buffer);
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on("end", () => resolve());
    doc.on("error", reject);
  });

  const cw = contentWidth(doc);
  const leftW = cw * 0.4;
  const rightW = cw - leftW;
  const top = MARGINS.top;
  const leftEnd = column(doc, MARGINS.left, top, leftW, [
    ...d.header.parentLines.map((text) => ({ text, size: 13 })),
    ...d.header.agencyLines.map((text) => ({ text, bold: true, size: 13 })),
  ]);
  // The short rule under the agency name.
  doc.moveTo(MARGINS.left + leftW * 0.35, leftEnd + 2).lineTo(MARGINS.left + leftW * 0.65, leftEnd + 2).lineWidth(0.6).stroke();
  const numberEnd = column(doc, MARGINS.left, leftEnd + 8, leftW, [{ text: d.header.numberLine, size: 13 }]);
  const rightEnd = column(doc, MARGINS.left + leftW, top, rightW, [
    { text: NATIONAL_TITLE, bold: true, size: 12 },
    { text: MOTTO, bold: true, size: 13, underline: true, gapAfter: 10 },
    { text: d.header.placeDate, italic: true, size: 14 },
  ]);
  doc.x = MARGINS.left;
  doc.y = Math.max(numberEnd, rightEnd) + 18;
  if (d.draftMark) setFont(doc, { bold: true, size: 12 }).text(d.draftMark, MARGINS.left, doc.y, { width: cw, align: "center" });
  setFont(doc, { bold: true, size: 14 }).text(d.kindTitle, MARGINS.left, doc.y, { width: cw, align: "center" });
  setFont(doc, { bold: true, size: 14 }).text(d.subject, MARGINS.left, doc.y, { width: cw, align: "center" });
  const ruleY = doc.y + 3;
  doc.moveTo(MARGINS.left + cw * 0.4, ruleY).lineTo(MARGINS.left + cw * 0.6, ruleY).lineWidth(0.6).stroke();
  doc.y = ruleY + 12;

  for (const b of d.body) {
    doc.x = MARGINS.left;
    switch (b.type) {
      case "heading":
        ensureSpace(doc, 40);
        setFont(doc, { bold: true, italic: b.level === 3, size: BODY }).text(b.text, MARGINS.left, doc.y, { width: cw, align: "justify", indent: INDENT, paragraphGap: 3, lineGap: 1.5 });
        break;
      case "paragraph":
        setFont(doc, { italic: b.italic ?? false, size: BODY }).text(b.text, MARGINS.left, doc.y, { width: cw, align: "justify", indent: INDENT, paragraphGap: 3, lineGap: 1.5 });
        break;
      case "bullet":
        setFont(doc, { size: BODY }).text(`- ${b.text}`, MARGINS.left, doc.y, { width: cw, align: "justify", indent: INDENT, paragraphGap: 3, lineGap: 1.5 });
        break;
      case "table":
        if (b.caption) {
          ensureSpace(doc, 80);
          setFont(doc, { bold: true, size: 12 }).text(b.caption, MARGINS.left, doc.y, { width: cw, align: "center", paragraphGap: 4 });
        }
        drawTable(doc, b.table);
        break;
    }
  }

  // Recipients (left) and signature (right) side by side, kept on one page.
  doc.moveDown(0.5);
  const recipH = 16 + d.recipients.length * 14;
  ensureSpace(doc, Math.max(recipH, 150));
  const y0 = doc.y;
  const half = cw / 2;
  setFont(doc, { bold: true, italic: true, size: 12 }).text("Nơi nhận:", MARGINS.left, y0, { width: half });
  for (const r of d.recipients) setFont(doc, { size: 11 }).text(`- ${r}`, MARGINS.left, doc.y, { width: half - 6 });
  const leftBottom = doc.y;
  let sy = y0;
  for (const l of d.signature.authorityLines) {
    setFont(doc, { bold: true, size: 14 }).text(l, MARGINS.left + half, sy, { width: half, align: "center" });
    sy = doc.y;
  }
  setFont(doc, { bold: true, size: 14 }).text(d.signature.name || " ", MARGINS.left + half, sy + 70, { width: half, align: "center" });
  doc.y = Math.max(leftBottom, doc.y);

  // Page numbers centred in the top margin, from page 2.
  const range = doc.bufferedPageRange();
  for (let i = range.start + 1; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const saved = doc.page.margins.top;
    doc.page.margins.top = 0;
    setFont(doc, { size: 13 }).text(String(i + 1), MARGINS.left, 10 * MM, { width: cw, align: "center", lineBreak: false });
    doc.page.margins.top = saved;
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
