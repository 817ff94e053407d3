// Signing result PDFs: a visible stamp on the last page (who signed, when, and the QR code of the
// public verification page), a signature placeholder (pdf-lib + @signpdf, measured valid with
// Debian's pdfsig), the digest of the byte ranges signed by the pluggable signer. And reading a
// signed PDF back: the byte ranges must cover the whole file but the signature, the CMS must
// verify against their digest.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fontkit from "@pdf-lib/fontkit";
import { pdflibAddPlaceholder } from "@signpdf/placeholder-pdf-lib";
import { SignPdf } from "@signpdf/signpdf";
import { SUBFILTER_ETSI_CADES_DETACHED, Signer as SignPdfSigner } from "@signpdf/utils";
import { PDFDocument, rgb } from "pdf-lib";
import QRCode from "qrcode";
import { formatDateTime } from "../../domain/text/format";
import type { Signer } from "./signer";

const FONT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../assets/fonts/Tinos-Regular.ttf");
const BOLD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../assets/fonts/Tinos-Bold.ttf");
let fonts: { regular: Buffer; bold: Buffer } | undefined;
function fontBytes() {
  fonts ??= { regular: readFileSync(FONT), bold: readFileSync(BOLD) };
  return fonts;
}

/** Room for the CMS in the placeholder: a 2048-bit signature and a chain of a few certificates. */
const SIGNATURE_BYTES = 16_384;

export type Stamp = { verifyUrl: string; signerName: string; signerTitle: string | null; agencyName: string; signedAt: Date };

/** An image (JPEG or PNG) on an A4 page of its own, for a result the specialist scanned. */
export async function imageToPdf(image: Buffer, type: "image/jpeg" | "image/png"): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const img = type === "image/png" ? await doc.embedPng(image) : await doc.embedJpg(image);
  const page = doc.addPage([595.28, 841.89]);
  const scale = Math.min((595.28 - 56) / img.width, (841.89 - 56) / img.height, 1);
  page.drawImage(img, { x: (595.28 - img.width * scale) / 2, y: 841.89 - 28 - img.height * scale, width: img.width * scale, height: img.height * scale });
  return Buffer.from(await doc.save());
}

function drawQr(page: import("pdf-lib").PDFPage, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const n = qr.modules.size;
  const cell = size / n;
  page.drawRectangle({ x: x - 2, y: y - 2, width: size + 4, height: size + 4, color: rgb(1, 1, 1) });
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.modules.get(r, c)) page.drawRectangle({ x: x + c * cell, y: y + (n - 1 - r) * cell, width: cell + 0.01, height: cell + 0.01, color: rgb(0, 0, 0) });
}

/** The stamp at the bottom right of the last page: QR code, signer, time, where to verify. */
async function addStamp(doc: PDFDocument, s: Stamp): Promise<void> {
  doc.registerFontkit(fontkit);
  const regular = await doc.embedFont(fontBytes().regular, { subset: true });
  const bold = await doc.embedFont(fontBytes().bold, { subset: true });
  const page = doc.getPages().at(-1)!;
  const { width } = page.getSize();
  const boxW = 250;
  const boxH = 74;
  const x = width - boxW - 24;
  const y = 24;
  page.drawRectangle({ x, y, width: boxW, height: boxH, color: rgb(1, 1, 1), borderColor: rgb(0.75, 0, 0), borderWidth: 1 });
  drawQr(page, s.verifyUrl, x + 6, y + 8, 58);
  const tx = x + 72;
  const lines: [string, typeof regular, number][] = [
    ["Đã ký số", bold, 9],
    [s.signerName, bold, 8],
    [s.signerTitle ? `${s.signerTitle}, ${s.agencyName}` : s.agencyName, regular, 7],
    [`Thời gian ký: ${formatDateTime(s.signedAt)}`, regular, 7],
    ["Xác thực: quét mã QR", regular, 7],
  ];
  let ly = y + boxH - 13;
  for (const [text, font, size] of lines) {
    let t = text;
    while (t.length > 3 && font.widthOfTextAtSize(t, size) > boxW - 78) t = `${t.slice(0, -2)}…`;
    page.drawText(t, { x: tx, y: ly, size, font, color: rgb(0.6, 0, 0) });
    ly -= size + 4;
  }
}

class DigestSigner extends SignPdfSigner {
  constructor(private readonly signer: Signer) {
    super();
  }
  override async sign(content: Buffer): Promise<Buffer> {
    return this.signer.signDigest(createHash("sha256").update(content).digest());
  }
}

/**
 * Stamps and signs a PDF. Throws on a PDF that cannot be read or a signer that fails: the caller
 * changes nothing then.
 */
export async function signPdf(pdf: Buffer, signer: Signer, o: { stamp: Stamp; reason: string; location: string }): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  await addStamp(doc, o.stamp);
  pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: o.reason,
    contactInfo: o.stamp.verifyUrl,
    name: o.stamp.signerName,
    location: o.location,
    signingTime: o.stamp.signedAt,
    signatureLength: SIGNATURE_BYTES,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    appName: "Một Cửa",
  });
  const prepared = Buffer.from(await doc.save({ useObjectStreams: false }));
  return new SignPdf().sign(prepared, new DigestSigner(signer), o.stamp.signedAt);
}

// Reading a signature back needs neither pdf-lib nor @signpdf (routes import it from ./verify).
export { type PdfSignatureCheck, verifyPdfSignature } from "./verify";
