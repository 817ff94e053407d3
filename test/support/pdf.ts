import { createRequire } from "node:module";
import path from "node:path";
import { createCanvas } from "@napi-rs/canvas";
import { getDocument, OPS, type PDFDocumentProxy, type PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { TextItem } from "pdfjs-dist/types/src/display/api";

// PDFs read in-process with pdf.js (and rendered on @napi-rs/canvas), so the tests need no
// poppler-utils: `npm test` runs on a machine that has Node alone.

const standardFontDataUrl = path.join(path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts") + path.sep;

/**
 * `standardFonts: false` keeps pdf.js from loading its own copy of a non-embedded standard font
 * (Helvetica, Times…), so that a font's `missingFile` tells whether the PDF itself embeds it.
 */
async function withPdf<T>(bytes: Uint8Array, use: (doc: PDFDocumentProxy) => Promise<T>, { standardFonts = true } = {}): Promise<T> {
  // A copy: pdf.js refuses a Node Buffer, and may take over the array it is given.
  const doc = await getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    ...(standardFonts ? { standardFontDataUrl } : {}),
  }).promise;
  try {
    return await use(doc);
  } finally {
    await doc.destroy();
  }
}

type Run = { str: string; x: number; y: number; width: number; size: number };

/**
 * One page's text as `pdftotext -layout` lays it out: lines top to bottom, a blank line where
 * the page leaves a gap, runs on a line placed by x on a character grid from the left margin.
 */
async function pageText(page: PDFPageProxy): Promise<string> {
  const content = await page.getTextContent();
  const runs: Run[] = [];
  for (const item of content.items as TextItem[]) {
    if (item.str === undefined || item.str.length === 0) continue;
    const [a, b, , , x, y] = item.transform as number[];
    runs.push({ str: item.str, x: x!, y: y!, width: item.width, size: Math.hypot(a!, b!) || item.height });
  }
  if (runs.length === 0) return "";
  const perChar = runs.filter((r) => r.str.trim().length > 0).map((r) => r.width / r.str.length).sort((p, q) => p - q);
  const cell = perChar[Math.floor(perChar.length / 2)] || 5;
  const left = Math.min(...runs.map((r) => r.x));
  // Runs whose baselines lie within half a font size of each other share a line.
  runs.sort((p, q) => q.y - p.y || p.x - q.x);
  const lines: Run[][] = [];
  for (const run of runs) {
    const line = lines.at(-1);
    if (line && Math.abs(line[0]!.y - run.y) < Math.min(line[0]!.size, run.size) / 2) line.push(run);
    else lines.push([run]);
  }
  const out: string[] = [];
  lines.forEach((line, i) => {
    const above = lines[i - 1]?.[0];
    if (above && above.y - line[0]!.y > 1.6 * Math.max(above.size, line[0]!.size)) out.push("");
    line.sort((p, q) => p.x - q.x);
    let text = "";
    let end = Number.NEGATIVE_INFINITY;
    for (const run of line) {
      const column = Math.round((run.x - left) / cell);
      const gap = run.x - end;
      // A gap under a fifth of the font size joins two runs of one word (a change of font);
      // wider, a space between words; wider than two font sizes, a column break.
      if (text.length === 0) text = " ".repeat(column);
      else if (gap > 2 * run.size) text += " ".repeat(Math.max(3, column - text.length));
      else if (gap > run.size / 5) text += " ".repeat(Math.max(1, column - text.length));
      text += run.str;
      end = Math.max(end, run.x + run.width);
    }
    out.push(text.trimEnd());
  });
  return out.join("\n");
}

/** The text of every page in reading order, a line break per printed line, pages separated by a form feed; NFC. */
export function pdfText(bytes: Uint8Array): Promise<string> {
  return withPdf(bytes, async (doc) => {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) pages.push(`${await pageText(await doc.getPage(n))}\n`);
    return pages.join("\f").normalize("NFC");
  });
}

export type PdfFont = { name: string; embedded: boolean };
export type PdfInfo = { pages: { width: number; height: number }[]; fonts: PdfFont[] };

/** Page sizes in points (two decimals, as pdfinfo prints them) and the fonts the pages use (as pdffonts lists them). */
export function pdfInfo(bytes: Uint8Array): Promise<PdfInfo> {
  return withPdf(bytes, async (doc) => {
    const pages: PdfInfo["pages"] = [];
    const fonts = new Map<string, PdfFont>();
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const { width, height } = page.getViewport({ scale: 1 });
      pages.push({ width: Math.round(width * 100) / 100, height: Math.round(height * 100) / 100 });
      const ops = await page.getOperatorList();
      ops.fnArray.forEach((fn, i) => {
        if (fn !== OPS.setFont) return;
        const font = page.commonObjs.get(ops.argsArray[i][0]) as { name?: string; missingFile?: boolean };
        const name = font.name ?? String(ops.argsArray[i][0]);
        fonts.set(name, { name, embedded: font.missingFile === false });
      });
    }
    return { pages, fonts: [...fonts.values()] };
  }, { standardFonts: false });
}

export type Pixels = { width: number; height: number; rgba: Uint8ClampedArray };

/** Renders one page at `dpi` on a white background; `crop` (in pixels of that rendering) keeps a part. */
export function renderPdfPage(
  bytes: Uint8Array,
  options: { dpi: number; page?: number; crop?: { x: number; y: number; width: number; height: number } },
): Promise<Pixels> {
  return withPdf(bytes, async (doc) => {
    const page = await doc.getPage(options.page ?? 1);
    const viewport = page.getViewport({ scale: options.dpi / 72 });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext("2d");
    await page.render({
      canvas: canvas as unknown as HTMLCanvasElement,
      canvasContext: context as unknown as CanvasRenderingContext2D,
      viewport,
      background: "white",
    }).promise;
    const { x, y, width, height } = options.crop ?? { x: 0, y: 0, width: canvas.width, height: canvas.height };
    const image = context.getImageData(x, y, width, height);
    return { width: image.width, height: image.height, rgba: image.data };
  });
}
