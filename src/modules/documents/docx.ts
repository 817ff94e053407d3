// DOCX output of an OfficialDocument, laid out per Nghị định 30/2020/NĐ-CP, Phụ lục I:
// A4, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman in every font slot
// (ascii, hAnsi, cs, eastAsia) so Word never substitutes a font for Vietnamese letters.
import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from "docx";
import { MOTTO, NATIONAL_TITLE, type DocBlock, type DocTable, type OfficialDocument } from "../../domain/documents/model";

const FONT = { ascii: "Times New Roman", hAnsi: "Times New Roman", cs: "Times New Roman", eastAsia: "Times New Roman" };
const mm = (v: number) => Math.round((v * 1440) / 25.4);
const pt = (v: number) => v * 2; // half-points
const BODY = 14;
const PAGE_W = 11906;
const MARGIN = { top: mm(20), bottom: mm(20), left: mm(30), right: mm(15) };
const CONTENT_W = PAGE_W - MARGIN.left - MARGIN.right;
const NONE = { style: BorderStyle.NONE, size: 0, color: "FFFFFF" };
const NO_BORDERS = { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE };

type RunOpts = { bold?: boolean; italics?: boolean; underline?: boolean; size?: number };
function run(text: string, o: RunOpts = {}): TextRun {
  return new TextRun({
    text,
    font: FONT,
    size: pt(o.size ?? BODY),
    ...(o.bold ? { bold: true } : {}),
    ...(o.italics ? { italics: true } : {}),
    ...(o.underline ? { underline: {} } : {}),
  });
}

function centred(text: string, o: RunOpts = {}, after = 0): Paragraph {
  return new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 0, after }, children: [run(text, o)] });
}

/** A short centred rule (the line under the agency name and under the subject), as a paragraph border. */
function rule(containerWidth: number, fraction: number, after = 0): Paragraph {
  const side = Math.round((containerWidth * (1 - fraction)) / 2);
  return new Paragraph({
    indent: { left: side, right: side },
    spacing: { before: 0, after },
    border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: "000000", space: 1 } },
    children: [run("", { size: 4 })],
  });
}

function headerTable(doc: OfficialDocument): Table {
  const left = [
    ...doc.header.parentLines.map((l) => centred(l, { size: 13 })),
    ...doc.header.agencyLines.map((l) => centred(l, { bold: true, size: 13 })),
    rule(Math.round(CONTENT_W * 0.4), 0.35, 120),
    centred(doc.header.numberLine, { size: 13 }),
  ];
  const right = [centred(NATIONAL_TITLE, { bold: true, size: 12 }), centred(MOTTO, { bold: true, size: 13, underline: true }, 200), centred(doc.header.placeDate, { italics: true, size: 14 })];
  const leftW = Math.round(CONTENT_W * 0.4);
  return new Table({
    width: { size: CONTENT_W, type: WidthType.DXA },
    columnWidths: [leftW, CONTENT_W - leftW],
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        children: [
          new TableCell({ width: { size: leftW, type: WidthType.DXA }, borders: NO_BORDERS, children: left }),
          new TableCell({ width: { size: CONTENT_W - leftW, type: WidthType.DXA }, borders: NO_BORDERS, children: right }),
        ],
      }),
    ],
  });
}

function bodyParagraph(text: string, o: { bullet?: boolean; italics?: boolean } = {}): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: mm(10) },
    spacing: { before: 60, after: 60, line: 300 },
    children: [run(o.bullet ? `- ${text}` : text, { ...(o.italics ? { italics: true } : {}) })],
  });
}

function dataTable(t: DocTable): Table {
  const total = t.columns.reduce((s, c) => s + c.width, 0);
  const widths = t.columns.map((c) => Math.floor((c.width / total) * CONTENT_W));
  const cell = (text: string, o: { bold?: boolean; span?: number; width: number; align?: "left" | "center" }) =>
    new TableCell({
      width: { size: o.width, type: WidthType.DXA },
      ...(o.span && o.span > 1 ? { columnSpan: o.span } : {}),
      verticalAlign: VerticalAlign.CENTER,
      children: [
        new Paragraph({
          alignment: o.align === "left" ? AlignmentType.LEFT : AlignmentType.CENTER,
          children: [run(text, { size: 10, ...(o.bold ? { bold: true } : {}) })],
        }),
      ],
    });
  const rows: TableRow[] = [];
  if (t.groups) {
    let i = 0;
    rows.push(
      new TableRow({
        tableHeader: true,
        children: t.groups.map((g) => {
          const w = widths.slice(i, i + g.span).reduce((s, x) => s + x, 0);
          i += g.span;
          return cell(g.label, { bold: true, span: g.span, width: w });
        }),
      }),
    );
  }
  rows.push(new TableRow({ tableHeader: true, children: t.columns.map((c, i) => cell(c.label, { bold: true, width: widths[i]! })) }));
  t.rows.forEach((r, ri) => {
    const bold = t.boldRows?.includes(ri) ?? false;
    rows.push(new TableRow({ children: r.map((v, i) => cell(v, { bold, width: widths[i]!, align: i === 1 ? "left" : "center" })) }));
  });
  return new Table({ width: { size: CONTENT_W, type: WidthType.DXA }, columnWidths: widths, rows });
}

function blocks(list: DocBlock[]): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [];
  for (const b of list) {
    switch (b.type) {
      case "heading":
        out.push(
          new Paragraph({
            alignment: AlignmentType.JUSTIFIED,
            indent: { firstLine: mm(10) },
            spacing: { before: 120, after: 60 },
            keepNext: true,
            children: [run(b.text, { bold: true, ...(b.level === 3 ? { italics: true } : {}) })],
          }),
        );
        break;
      case "paragraph":
        out.push(bodyParagraph(b.text, { ...(b.italic ? { italics: true } : {}) }));
        break;
      case "bullet":
        out.push(bodyParagraph(b.text, { bullet: true }));
        break;
      case "table":
        if (b.caption) out.push(centred(b.caption, { bold: true, size: 12 }, 60));
        out.push(dataTable(b.table));
        out.push(new Paragraph({ children: [] }));
        break;
    }
  }
  return out;
}

function signatureTable(doc: OfficialDocument): Table {
  const leftW = Math.round(CONTENT_W * 0.5);
  const left = [
    new Paragraph({ children: [run("Nơi nhận:", { bold: true, italics: true, size: 12 })] }),
    ...doc.recipients.map((r) => new Paragraph({ children: [run(`- ${r}`, { size: 11 })] })),
  ];
  const right = [
    ...doc.signature.authorityLines.map((l) => centred(l, { bold: true, size: 14 })),
    new Paragraph({ spacing: { before: 1200 }, children: [] }),
    centred(doc.signature.name, { bold: true, size: 14 }),
  ];
  return new Table({
    width: { size: CONTENT_W, type: WidthType.DXA },
    columnWidths: [leftW, CONTENT_W - leftW],
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        cantSplit: true,
        children: [
          new TableCell({ width: { size: leftW, type: WidthType.DXA }, borders: NO_BORDERS, children: left }),
          new TableCell({ width: { size: CONTENT_W - leftW, type: WidthType.DXA }, borders: NO_BORDERS, children: right }),
        ],
      }),
    ],
  });
}

export async function renderDocx(doc: OfficialDocument): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [
    headerTable(doc),
    ...(doc.draftMark ? [centred(doc.draftMark, { bold: true, size: 12 }, 0)] : []),
    centred(doc.kindTitle, { bold: true, size: 14 }, 0),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 240, after: 0 }, children: [] }),
    centred(doc.subject, { bold: true, size: 14 }),
    rule(CONTENT_W, 0.2, 240),
    ...blocks(doc.body),
    new Paragraph({ children: [] }),
    signatureTable(doc),
  ];
  // Spacing was reset above; restore the space before the title (one-line gap after the header).
  children.splice(doc.draftMark ? 2 : 1, 0, new Paragraph({ spacing: { before: 240 }, children: [] }));
  const document = new Document({
    creator: "Một Cửa",
    title: `${doc.kindTitle} ${doc.subject}`,
    styles: { default: { document: { run: { font: FONT, size: pt(BODY) } } } },
    sections: [
      {
        properties: {
          page: { size: { width: PAGE_W, height: 16838 }, margin: { ...MARGIN, header: mm(10), footer: mm(10) } },
          titlePage: true,
        },
        headers: {
          // Page numbers centred in the top margin, from page 2 (the first page has an empty header).
          first: new Header({ children: [new Paragraph({ children: [] })] }),
          default: new Header({
            children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], font: FONT, size: pt(13) })] })],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
