// Checking the signature of a signed PDF: the byte ranges must cover the whole file but the
// signature, the CMS must verify against their digest. Apart from ./pdf (pdf-lib, @signpdf,
// fontkit), which is only imported when a result is signed.
import { createHash } from "node:crypto";
import { type CertificateInfo, verifyCms } from "./cms";

export type PdfSignatureCheck = {
  valid: boolean;
  reason?: "no_signature" | "byte_range" | "malformed" | "digest" | "signature" | "certificate";
  certificate?: CertificateInfo;
};

/** Checks the (last) signature of a PDF: byte ranges over the whole file but the signature, CMS valid for their digest. */
export function verifyPdfSignature(pdf: Buffer): PdfSignatureCheck {
  const text = pdf.toString("latin1");
  const at = text.lastIndexOf("/ByteRange");
  if (at < 0) return { valid: false, reason: "no_signature" };
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text.slice(at, at + 200));
  if (!m) return { valid: false, reason: "byte_range" };
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  if (a !== 0 || c + d !== pdf.length || c <= b || pdf[b] !== 0x3c || pdf[c - 1] !== 0x3e) return { valid: false, reason: "byte_range" };
  const hex = text.slice(b + 1, c - 1);
  if (!/^[0-9a-fA-F]*$/.test(hex)) return { valid: false, reason: "malformed" };
  const digest = createHash("sha256").update(pdf.subarray(a, a + b)).update(pdf.subarray(c, c + d)).digest();
  const r = verifyCms(Buffer.from(hex, "hex"), digest);
  return { valid: r.valid, ...(r.reason ? { reason: r.reason } : {}), ...(r.certificate ? { certificate: r.certificate } : {}) };
}
