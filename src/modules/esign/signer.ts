// Pluggable signers of result documents. Officials sign with USB tokens or remote signing services
// (VNPT SmartCA, Viettel MySign…) whose certificates chain to the national root CA; the server
// computes the document's digest and accepts a CMS signature from whichever signer is configured:
//   - a PKCS#12 soft token (SIGNER_P12_PATH, SIGNER_P12_PASSWORD): the key signs here;
//   - a remote signer (SIGNER_REMOTE_URL, SIGNER_REMOTE_TOKEN): POST { hashAlgorithm, hash } with
//     the SHA-256 digest in base64, answer { cms } — a detached CMS signature in base64;
//   - in demo and test mode without either, a demo soft token generated on first use under
//     DATA_DIR/esign (a self-signed certificate whose name says it has no legal value).
import { createPrivateKey, generateKeyPairSync, randomBytes, sign as rsaSign } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import forge from "node-forge";
import { z } from "zod";
import { signedAttributes, signedData } from "./cms";

export type Signer = {
  kind: "p12" | "remote";
  /** A detached CMS signature (DER) of content whose SHA-256 digest is given. */
  signDigest: (digest: Buffer) => Promise<Buffer>;
};

export class SignerError extends Error {
  constructor(
    message: string,
    readonly messageKey = "esign.err.signer",
  ) {
    super(message);
    this.name = "SignerError";
  }
}

export type SoftToken = { keyPem: string; certDer: Buffer; chainDer: Buffer[] };

/** Reads a PKCS#12 file: the first private key and its certificate, then the rest of the chain. */
export function readP12(p12: Buffer, password: string): SoftToken {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(p12.toString("binary"))), password);
  } catch (e) {
    throw new SignerError(`PKCS#12: ${(e as Error).message}`, "esign.err.p12");
  }
  const keyBag = [...(parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []), ...(parsed.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? [])][0];
  const certs = (parsed.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? []).flatMap((b) => (b.cert ? [b.cert] : []));
  if (!keyBag?.key || certs.length === 0) throw new SignerError("PKCS#12 without a key and its certificate", "esign.err.p12");
  const keyPem = forge.pki.privateKeyToPem(keyBag.key);
  const publicPem = forge.pki.publicKeyToPem(forge.pki.setRsaPublicKey((keyBag.key as forge.pki.rsa.PrivateKey).n, (keyBag.key as forge.pki.rsa.PrivateKey).e));
  const derOf = (c: forge.pki.Certificate) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes(), "binary");
  const own = certs.find((c) => forge.pki.publicKeyToPem(c.publicKey) === publicPem) ?? certs[0]!;
  return { keyPem, certDer: derOf(own), chainDer: certs.filter((c) => c !== own).map(derOf) };
}

/** Signs with a key held here (a soft token): RSA PKCS#1 v1.5 over the signed attributes. */
export function softTokenSigner(token: SoftToken): Signer {
  const key = createPrivateKey(token.keyPem);
  return {
    kind: "p12",
    signDigest: async (digest) => {
      const attrs = signedAttributes(digest, token.certDer);
      return signedData({ signedAttrs: attrs, signature: rsaSign("sha256", attrs, key), certDer: token.certDer, chainDer: token.chainDer });
    },
  };
}

const RemoteAnswer = z.object({ cms: z.string().regex(/^[A-Za-z0-9+/=\s]+$/) });

/** A remote signing service: only the digest leaves the server; the answer is the CMS signature. */
export function remoteSigner(o: { url: string; token?: string | undefined; timeoutMs?: number }): Signer {
  return {
    kind: "remote",
    signDigest: async (digest) => {
      let res: Response;
      try {
        res = await fetch(o.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
          body: JSON.stringify({ hashAlgorithm: "SHA-256", hash: digest.toString("base64") }),
          signal: AbortSignal.timeout(o.timeoutMs ?? 120_000),
        });
      } catch (e) {
        throw new SignerError(`remote signer unreachable: ${(e as Error).message}`, "esign.err.remote");
      }
      if (!res.ok) throw new SignerError(`remote signer HTTP ${res.status}`, "esign.err.remote");
      const body = RemoteAnswer.safeParse(await res.json().catch(() => ({})));
      if (!body.success) throw new SignerError("remote signer answered without a CMS signature", "esign.err.remote");
      return Buffer.from(body.data.cms, "base64");
    },
  };
}

export const DEMO_P12_PASSWORD = "motcua-demo-p12";

/** A self-signed certificate and key for demo and tests, saved as PKCS#12; its name says it is a demo. */
export function makeDemoP12(o: { commonName: string; organisation: string; password?: string; years?: number }): Buffer {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = `01${randomBytes(8).toString("hex")}`;
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 86_400_000);
  cert.validity.notAfter = new Date(now.getTime() + (o.years ?? 5) * 365 * 86_400_000);
  const attrs = [
    { shortName: "CN", value: o.commonName, valueTagClass: forge.asn1.Type.UTF8 },
    { shortName: "O", value: o.organisation, valueTagClass: forge.asn1.Type.UTF8 },
    { shortName: "C", value: "VN" },
  ];
  cert.setSubject(attrs as forge.pki.CertificateField[]);
  cert.setIssuer(attrs as forge.pki.CertificateField[]);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, nonRepudiation: true },
  ]);
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString());
  cert.sign(key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], o.password ?? DEMO_P12_PASSWORD, { algorithm: "3des" });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), "binary");
}

/**
 * The signer this installation uses: the configured PKCS#12 file or remote service, else (demo
 * and test mode only) the demo soft token, created once under DATA_DIR/esign. Production without
 * a configured signer: undefined (signing is refused with a message; nothing changes).
 */
export async function configuredSigner(o: { env: NodeJS.ProcessEnv; nodeEnv: string; dataDir: string }): Promise<Signer | undefined> {
  const { env } = o;
  if (env.SIGNER_REMOTE_URL) return remoteSigner({ url: env.SIGNER_REMOTE_URL, token: env.SIGNER_REMOTE_TOKEN });
  if (env.SIGNER_P12_PATH) return softTokenSigner(readP12(await readFile(env.SIGNER_P12_PATH), env.SIGNER_P12_PASSWORD ?? ""));
  if (o.nodeEnv === "production") return undefined;
  const file = path.join(o.dataDir, "esign", "demo-signer.p12");
  let p12: Buffer | undefined = await readFile(file).catch(() => undefined);
  if (!p12) {
    const made = makeDemoP12({ commonName: "CHỮ KÝ SỐ THỬ NGHIỆM — không có giá trị pháp lý", organisation: "Một Cửa (demo)" });
    await mkdir(path.dirname(file), { recursive: true });
    // Two processes starting together: the first file written wins, the other reads it.
    p12 = await writeFile(file, made, { flag: "wx" }).then(
      () => made,
      async (e: NodeJS.ErrnoException) => {
        if (e.code !== "EEXIST") throw e;
        return readFile(file);
      },
    );
  }
  return softTokenSigner(readP12(p12, DEMO_P12_PASSWORD));
}
