// Vietnamese OCR of scanned documents, in-process and offline: tesseract.js (WebAssembly) with the
// `vie` model shipped in assets/ocr (tessdata_fast, Apache-2.0, 0.5 MB), so a fresh machine needs
// nothing from apt. PDF scans are rendered page by page (pdf.js on @napi-rs/canvas) at 200 dpi.
// One worker per process, created on first use and kept: loading the model costs ~0.4 s.
// tesseract.js, pdf.js, the canvas and sharp are imported on first use: OCR is a rare path, and
// pdf.js alone held ~55 MB of an idle server (its 8 MB source and source map).
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Worker } from "tesseract.js";

export const OCR_LANG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../assets/ocr");
const standardFontDataUrl = path.join(path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts") + path.sep;

/** At most this many pages of a PDF are read (a scan of a few papers, not a book). */
export const MAX_OCR_PAGES = 20;
const PDF_DPI = 200;

let worker: Promise<Worker> | undefined;
let queue: Promise<unknown> = Promise.resolve();

function getWorker(): Promise<Worker> {
  worker ??= import("tesseract.js").then(({ createWorker, OEM }) => createWorker("vie", OEM.LSTM_ONLY, { langPath: OCR_LANG_DIR, gzip: false, cacheMethod: "none", logger: () => {}, errorHandler: () => {} })).catch((e: unknown) => {
    worker = undefined;
    throw e;
  });
  return worker;
}

/** Ends the worker (tests, shutdown); the next call starts a new one. */
export async function stopOcr(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (w) await (await w).terminate().catch(() => {});
}

/** Text of one image (PNG/JPEG bytes); calls are queued: one worker reads one page at a time. */
export function ocrImage(image: Buffer): Promise<string> {
  const run = queue.then(async () => {
    const w = await getWorker();
    const r = await w.recognize(image);
    return r.data.text;
  });
  queue = run.catch(() => undefined);
  return run;
}

async function pdfPages(bytes: Buffer): Promise<Buffer[]> {
  const [{ getDocument }, { createCanvas }] = await Promise.all([import("pdfjs-dist/legacy/build/pdf.mjs"), import("@napi-rs/canvas")]);
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, standardFontDataUrl }).promise;
  try {
    const out: Buffer[] = [];
    for (let n = 1; n <= Math.min(doc.numPages, MAX_OCR_PAGES); n++) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: PDF_DPI / 72 });
      const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
      await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: canvas.getContext("2d") as unknown as CanvasRenderingContext2D, viewport, background: "white" }).promise;
      out.push(canvas.toBuffer("image/png"));
    }
    return out;
  } finally {
    await doc.destroy();
  }
}

/** The text of a scanned document (PDF, JPEG or PNG), pages separated by a blank line, NFC. */
export async function ocrDocument(bytes: Buffer, contentType: string): Promise<string> {
  let pages: Buffer[];
  if (contentType === "application/pdf") pages = await pdfPages(bytes);
  // Grey and at most 3,500 px on the long side: what tesseract reads best, and bounded work.
  else {
    const { default: sharp } = await import("sharp");
    pages = [await sharp(bytes, { limitInputPixels: 50_000_000 }).rotate().greyscale().resize(3500, 3500, { fit: "inside", withoutEnlargement: true }).png().toBuffer()];
  }
  const texts: string[] = [];
  for (const p of pages) texts.push((await ocrImage(p)).trim());
  return texts.join("\n\n").normalize("NFC");
}
