// CMS (RFC 5652) detached signatures of a PDF's byte ranges, built from the SHA-256 digest alone,
// so that the document never has to leave the server: a soft token signs the signed attributes
// here, a remote signing service receives only the digest. Signed attributes: content type,
// message digest and the signing certificate's hash (ESS signing-certificate-v2, as PAdES B-B
// asks); the signing time goes in the PDF's signature dictionary (/M). Parsed and checked with
// the same ASN.1 reader for verification (the tests check against pkijs, an independent CMS).
import { createHash, verify as verifySignature, X509Certificate } from "node:crypto";
import forge from "node-forge";

const asn1 = forge.asn1;
type Asn1 = forge.asn1.Asn1;

export const OID = {
  signedData: "1.2.840.113549.1.7.2",
  data: "1.2.840.113549.1.7.1",
  sha256: "2.16.840.1.101.3.4.2.1",
  rsaEncryption: "1.2.840.113549.1.1.1",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
} as const;

const { Class, Type } = asn1;

function der(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), "binary");
}

function fromDer(buf: Buffer): Asn1 {
  // A signature read from a PDF is followed by the placeholder's zero padding: parse the first value only.
  return asn1.fromDer(forge.util.createBuffer(buf.toString("binary")), { strict: false, parseAllBytes: false } as unknown as boolean);
}

const oid = (o: string) => asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(o).getBytes());
const octets = (b: Buffer) => asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, b.toString("binary"));
const seq = (items: Asn1[]) => asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items);
const set = (items: Asn1[]) => asn1.create(Class.UNIVERSAL, Type.SET, true, items);
const int = (n: number) => asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(n).getBytes());
const nul = () => asn1.create(Class.UNIVERSAL, Type.NULL, false, "");
const algorithm = (o: string, withNull = true) => seq(withNull ? [oid(o), nul()] : [oid(o)]);

/** A SET OF in DER order (sorted by encoding), built from encoded members. */
function derSetOf(members: Buffer[], tag = 0x31): Buffer {
  const body = Buffer.concat([...members].sort(Buffer.compare));
  return Buffer.concat([Buffer.from([tag]), lengthOf(body.length), body]);
}

function lengthOf(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export type CertificateInfo = { subject: string; issuer: string; serial: string; sha256: string; commonName: string; notBefore: Date; notAfter: Date };

/** An attribute's value as text: UTF8String values come from forge as UTF-8 bytes. */
function attrText(a: { value?: unknown; valueTagClass?: number }): string {
  const v = String(a.value ?? "");
  if (a.valueTagClass !== forge.asn1.Type.UTF8) return v;
  try {
    return forge.util.decodeUtf8(v);
  } catch {
    return v;
  }
}

function nameText(name: forge.pki.Certificate["subject"]): string {
  return name.attributes.map((a) => `${a.shortName ?? a.name ?? a.type}=${attrText(a)}`).join(", ");
}

/** What a certificate says about its holder (names decoded as UTF-8). */
export function certificateInfo(certDer: Buffer): CertificateInfo {
  const cert = forge.pki.certificateFromAsn1(fromDer(certDer));
  const cn = cert.subject.getField("CN");
  return {
    subject: nameText(cert.subject),
    issuer: nameText(cert.issuer),
    serial: cert.serialNumber,
    sha256: createHash("sha256").update(certDer).digest("hex"),
    commonName: cn ? attrText(cn) : nameText(cert.subject),
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
  };
}

/** The issuer Name and serial INTEGER of a certificate, as ASN.1 nodes (for IssuerAndSerialNumber). */
function issuerAndSerial(certDer: Buffer): Asn1 {
  const cert = fromDer(certDer);
  const tbs = (cert.value as Asn1[])[0]!;
  const parts = tbs.value as Asn1[];
  // tbsCertificate: [0] version (explicit, optional), serialNumber, signature, issuer, …
  const offset = parts[0]!.tagClass === Class.CONTEXT_SPECIFIC ? 1 : 0;
  return seq([parts[offset + 2]!, parts[offset]!]);
}

/** The signed attributes of a signature over `digest`, DER as a SET (what is signed). */
export function signedAttributes(digest: Buffer, certDer: Buffer): Buffer {
  const certHash = createHash("sha256").update(certDer).digest();
  const attrs = [
    seq([oid(OID.contentType), set([oid(OID.data)])]),
    seq([oid(OID.messageDigest), set([octets(digest)])]),
    seq([oid(OID.signingCertificateV2), set([seq([seq([seq([octets(certHash)])])])])]),
  ].map(der);
  return derSetOf(attrs);
}

/** A detached CMS SignedData (DER) around a signature of `signedAttrs`, with the signer's chain. */
export function signedData(o: { signedAttrs: Buffer; signature: Buffer; certDer: Buffer; chainDer?: readonly Buffer[] }): Buffer {
  // The signed attributes go in as [0] IMPLICIT: same bytes, context tag 0xA0 instead of SET.
  const attrsImplicit = Buffer.concat([Buffer.from([0xa0]), o.signedAttrs.subarray(1)]);
  const signerInfo = seq([int(1), issuerAndSerial(o.certDer), algorithm(OID.sha256), fromDer(attrsImplicit), algorithm(OID.rsaEncryption), octets(o.signature)]);
  const certs = [o.certDer, ...(o.chainDer ?? [])];
  const certificates = fromDer(derSetOf(certs, 0xa0));
  const sd = seq([int(1), set([algorithm(OID.sha256)]), seq([oid(OID.data)]), certificates, set([signerInfo])]);
  return der(seq([oid(OID.signedData), asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [sd])]));
}

export type CmsCheck = { valid: boolean; reason?: "malformed" | "digest" | "signature" | "certificate"; certificate?: CertificateInfo; certificateDer?: Buffer };

function bytesOf(node: Asn1): Buffer {
  return Buffer.from(node.value as string, "binary");
}

/**
 * Checks a detached CMS signature against the SHA-256 digest of the signed content: the
 * messageDigest attribute must equal it, and the signature over the signed attributes must verify
 * with the public key of the certificate named by the signer's issuer and serial.
 */
export function verifyCms(cmsDer: Buffer, digest: Buffer): CmsCheck {
  try {
    const ci = fromDer(cmsDer);
    const [typeNode, content] = ci.value as Asn1[];
    if (asn1.derToOid(forge.util.createBuffer(typeNode!.value as string)) !== OID.signedData) return { valid: false, reason: "malformed" };
    const sd = (content!.value as Asn1[])[0]!.value as Asn1[];
    const certsNode = sd.find((n) => n.tagClass === Class.CONTEXT_SPECIFIC && n.type === 0);
    const signerInfos = sd[sd.length - 1]!.value as Asn1[];
    const si = signerInfos[0]!.value as Asn1[];
    const sid = si[1]!;
    const signedAttrsNode = si.find((n) => n.tagClass === Class.CONTEXT_SPECIFIC && n.type === 0);
    const signature = bytesOf(si[si.length - 1]!);
    if (!signedAttrsNode || !certsNode) return { valid: false, reason: "malformed" };
    const sidDer = der(sid);
    const certDer = (certsNode.value as Asn1[]).map(der).find((c) => der(issuerAndSerial(c)).equals(sidDer));
    if (!certDer) return { valid: false, reason: "certificate" };
    const certificate = certificateInfo(certDer);
    let messageDigest: Buffer | undefined;
    for (const attr of signedAttrsNode.value as Asn1[]) {
      const [t, values] = attr.value as Asn1[];
      if (asn1.derToOid(forge.util.createBuffer(t!.value as string)) === OID.messageDigest) messageDigest = bytesOf((values!.value as Asn1[])[0]!);
    }
    if (!messageDigest?.equals(digest)) return { valid: false, reason: "digest", certificate, certificateDer: certDer };
    const attrsAsSet = Buffer.concat([Buffer.from([0x31]), der(signedAttrsNode).subarray(1)]);
    const ok = verifySignature("sha256", attrsAsSet, new X509Certificate(certDer).publicKey, signature);
    return ok ? { valid: true, certificate, certificateDer: certDer } : { valid: false, reason: "signature", certificate, certificateDer: certDer };
  } catch (e) {
    if (process.env.DEBUG_CMS) console.error(e);
    return { valid: false, reason: "malformed" };
  }
}
