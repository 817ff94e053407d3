import { webcrypto } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

// An independent check of PDF signatures with PKIjs (a CMS implementation of its own), so that the
// product's signer and verifier are not only checked by each other.

pkijs.setEngine("node", new pkijs.CryptoEngine({ name: "node", crypto: webcrypto as unknown as Crypto }));

/** The byte ranges a PDF signature covers and its CMS, as pdfsig reads them (the last signature). */
export function signatureOf(pdf: Buffer): { signed: Buffer; cms: Buffer; coversAll: boolean } {
  const text = pdf.toString("latin1");
  const m = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].at(-1);
  if (!m) throw new Error("no signature");
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  const signed = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  const cms = Buffer.from(text.slice(b + 1, c - 1), "hex");
  return { signed, cms, coversAll: a === 0 && c + d === pdf.length };
}

/** PKIjs's verdict on the PDF's signature (digest of the byte ranges and the signature over the signed attributes). */
export async function pkijsVerify(pdf: Buffer): Promise<boolean> {
  const { signed, cms, coversAll } = signatureOf(pdf);
  const parsed = asn1js.fromBER(new Uint8Array(cms).buffer);
  if (parsed.offset === -1) return false;
  const content = new pkijs.ContentInfo({ schema: parsed.result });
  const sd = new pkijs.SignedData({ schema: content.content });
  try {
    const ok = await sd.verify({ signer: 0, data: new Uint8Array(signed).buffer, checkChain: false });
    return coversAll && ok === true;
  } catch {
    return false;
  }
}
