import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { TRACK_LIMIT } from "../../src/modules/dossiers/route-support";
import { verifyPdfSignature, signPdf } from "../../src/modules/esign/pdf";
import { configureSigner } from "../../src/modules/esign/routes";
import { makeDemoP12, readP12, remoteSigner, softTokenSigner } from "../../src/modules/esign/signer";
import { createTestApp, signIn, type TestApp } from "../support/app";
import { pkijsVerify } from "../support/cms";
import { pdfText } from "../support/pdf";
import { idLookupHash } from "../../src/modules/privacy/sealing";

// Signed electronic results: the CMS signature checked by the product's verifier, by PKIjs and by
// Debian's pdfsig where it is installed; one changed byte makes each of them refuse it. The leader
// approves and signs; a failing signer leaves the dossier where it was; the applicant downloads
// with a one-time code; the QR's page verifies without personal data.

const token = readP12(makeDemoP12({ commonName: "Hoàng Văn Minh (THỬ NGHIỆM)", organisation: "UBND xã Minh Tiến" }), "motcua-demo-p12");
const soft = softTokenSigner(token);
const hasPdfsig = spawnSync("pdfsig", ["-v"]).status !== null;
const tmp = mkdtempSync(path.join(os.tmpdir(), "motcua-esign-"));

async function samplePdf(text = "Trích lục khai sinh"): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText(text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d"), { x: 60, y: 760, size: 14 });
  return Buffer.from(await doc.save());
}

const stamp = { verifyUrl: "http://127.0.0.1/verify/x", signerName: "Hoàng Văn Minh", signerTitle: "Chủ tịch UBND xã", agencyName: "UBND xã Minh Tiến", signedAt: new Date() };

function pdfsig(pdf: Buffer): string {
  const file = path.join(tmp, `p${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return spawnSync("pdfsig", [file], { encoding: "utf8" }).stdout;
}

describe("a signed PDF", () => {
  let signed: Buffer;
  let tampered: Buffer;
  beforeAll(async () => {
    signed = await signPdf(await samplePdf(), soft, { stamp, reason: "Phê duyệt", location: "Minh Tiến" });
    tampered = Buffer.from(signed);
    // One byte of the signed content (inside the first byte range), not of the signature.
    tampered[300] = tampered[300]! ^ 0x01;
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("is valid for the product's verifier and for PKIjs; one changed byte makes it invalid for both", async () => {
    const ok = verifyPdfSignature(signed);
    expect(ok.valid).toBe(true);
    expect(ok.certificate?.commonName).toBe("Hoàng Văn Minh (THỬ NGHIỆM)");
    expect(await pkijsVerify(signed)).toBe(true);
    expect(verifyPdfSignature(tampered)).toMatchObject({ valid: false, reason: "digest" });
    expect(await pkijsVerify(tampered)).toBe(false);
    // A byte changed after the signature (an appended update that the ranges do not cover) is refused too.
    expect(verifyPdfSignature(Buffer.concat([signed, Buffer.from("\n% appended\n")])).valid).toBe(false);
    // The stamp on the page names the signer.
    expect((await pdfText(signed)).replace(/\s+/g, " ")).toContain("Đã ký số Hoàng Văn Minh");
  });

  it.skipIf(!hasPdfsig)("is valid for Debian's pdfsig; one changed byte gives a digest mismatch", () => {
    expect(pdfsig(signed)).toContain("Signature Validation: Signature is Valid.");
    expect(pdfsig(tampered)).toContain("Digest Mismatch");
  });

  it("signs through the remote shape: only the digest leaves, a CMS signature comes back", async () => {
    const seen: string[] = [];
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", async () => {
        const { hash, hashAlgorithm } = JSON.parse(body) as { hash: string; hashAlgorithm: string };
        seen.push(hashAlgorithm);
        const cms = await soft.signDigest(Buffer.from(hash, "base64"));
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ cms: cms.toString("base64") }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/sign`;
      const remote = await signPdf(await samplePdf(), remoteSigner({ url, token: "t" }), { stamp, reason: "Phê duyệt", location: "Minh Tiến" });
      expect(verifyPdfSignature(remote).valid).toBe(true);
      expect(await pkijsVerify(remote)).toBe(true);
      expect(seen).toEqual(["SHA-256"]);
    } finally {
      server.close();
    }
  });
});

describe("approving and signing a result", () => {
  let t: TestApp;
  let communeId: number;
  const sys = <T,>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);

  beforeAll(async () => {
    TRACK_LIMIT.max = 100_000;
    t = await createTestApp();
    configureSigner(t.app, soft);
    communeId = (await sys((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE]))).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A counter dossier of 1.001193 (free) brought to the leader, with the specialist's draft result. */
  async function awaitingApproval(draft: Buffer, phone = "0987654321"): Promise<string> {
    const desk = await signIn(t.app, "demo-desk");
    const spec = await signIn(t.app, "demo-specialist");
    const res = await desk.post("/staff/dossiers/new", { procedure: "1.001193", fullName: "Lê Thị Mai", idNumber: "019190001234", phone, addressLine: "Thôn Tân Lập", consent: "yes", doc: "" });
    let code = /\/staff\/dossiers\/([^?]+)\?received=1/.exec(String(res.headers.location ?? ""))?.[1];
    if (!code) {
      // The checklist: tick every mandatory document the form lists.
      const form = await desk.get("/staff/dossiers/new?procedure=1.001193");
      const docs = [...form.body.matchAll(/name="doc" value="([^"]+)"/g)].map((m) => m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, "&"));
      const payload = new URLSearchParams({ _csrf: desk.csrf, procedure: "1.001193", fullName: "Lê Thị Mai", idNumber: "019190001234", phone, addressLine: "Thôn Tân Lập", consent: "yes" });
      for (const d of docs) payload.append("doc", d);
      const r2 = await t.app.inject({ method: "POST", url: "/staff/dossiers/new", payload: payload.toString(), headers: { cookie: [...desk.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": "application/x-www-form-urlencoded" } });
      code = /\/staff\/dossiers\/([^?]+)\?received=1/.exec(String(r2.headers.location ?? ""))![1]!;
    }
    code = decodeURIComponent(code);
    const url = (a: string) => `/api/v1/dossiers/${encodeURIComponent(code!)}/actions/${a}`;
    const d = (await desk.json("GET", `/api/v1/dossiers/${encodeURIComponent(code)}`)).json();
    if (d.dossier.status === "received") {
      const specId = (await sys((tx) => tx.one<{ id: number }>("select id from users where username = 'demo-specialist'"))).id;
      expect((await desk.json("POST", url("assign"), { assigneeUserId: specId })).statusCode).toBe(200);
    }
    const sent = await spec.json("POST", url("send_to_leader"), { attachments: [{ documentName: "Trích lục khai sinh", fileName: "trich-luc.pdf", dataBase64: draft.toString("base64") }] });
    expect(sent.statusCode, sent.body).toBe(200);
    return code;
  }

  const status = (code: string) => sys((tx) => tx.one<{ status: string }>("select status from dossiers where code = $1", [code])).then((r) => r.status);

  it("signs the specialist's draft when the leader approves; the applicant downloads it with a one-time code; the QR page verifies it", async () => {
    const code = await awaitingApproval(await samplePdf("Trich luc khai sinh so 15"));
    const lead = await signIn(t.app, "demo-leader");
    const page = await lead.get(`/staff/dossiers/${encodeURIComponent(code)}`);
    expect(page.body).toContain("Phê duyệt và ký số");
    const signedRes = await lead.json("POST", `/api/v1/dossiers/${encodeURIComponent(code)}/results`, { note: "Đồng ý" });
    expect(signedRes.statusCode, signedRes.body).toBe(201);
    const items = signedRes.json().items as { id: string; downloadUrl: string; verifyUrl: string; sha256: string }[];
    expect(items).toHaveLength(1);
    expect(await status(code)).toBe("approved");
    const file = await lead.get(items[0]!.downloadUrl);
    expect(file.statusCode).toBe(200);
    const bytes = file.rawPayload;
    expect(verifyPdfSignature(bytes).valid).toBe(true);
    expect(await pkijsVerify(bytes)).toBe(true);
    expect((await pdfText(bytes)).replace(/\s+/g, " ")).toContain("Trich luc khai sinh so 15");
    // The QR's page: issuer, date, a valid signature — no personal data.
    const verify = await t.app.inject({ method: "GET", url: `/verify/${items[0]!.id}` });
    expect(verify.statusCode).toBe(200);
    expect(verify.body).toContain("Chữ ký số hợp lệ");
    expect(verify.body).toContain("Ủy ban nhân dân xã Minh Tiến");
    expect(verify.body).not.toContain("Lê Thị Mai");
    expect(verify.body).not.toContain("019190001234");
    // A copy checked against it: the same file matches, one changed byte does not.
    const check = async (data: Buffer) => {
      const boundary = "----x";
      const head = (csrf: string) => Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`);
      const body = (csrf: string) => Buffer.concat([head(csrf), Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="kq.pdf"\r\ncontent-type: application/pdf\r\n\r\n`), data, Buffer.from(`\r\n--${boundary}--\r\n`)]);
      const anon = await t.app.inject({ method: "GET", url: `/verify/${items[0]!.id}` });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(anon.body)![1]!;
      const cookie = anon.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
      return t.app.inject({ method: "POST", url: `/verify/${items[0]!.id}`, payload: body(csrf), headers: { cookie, "content-type": `multipart/form-data; boundary=${boundary}` } });
    };
    expect((await check(bytes)).body).toContain("Trùng khớp");
    const changed = Buffer.from(bytes);
    changed[400] = changed[400]! ^ 1;
    expect((await check(changed)).body).toContain("Không trùng khớp");
    // The applicant: code + phone digits + a one-time code sent by SMS.
    const listed = (await t.app.inject({ method: "GET", url: `/api/v1/dossiers/${encodeURIComponent(code)}/results?phone=4321` })).json();
    expect(listed.items[0].downloadUrl).toBeNull();
    expect((await t.app.inject({ method: "POST", url: `/api/v1/dossiers/${encodeURIComponent(code)}/results/otp`, payload: { phone: "4321" } })).statusCode).toBe(202);
    const sms = await sys((tx) => tx.one<{ body: string }>("select o.body from notification_outbox o join dossiers d on d.id = o.dossier_id where d.code = $1 and o.kind = 'result_otp' order by o.id desc limit 1", [code]));
    const otp = /la (\d{6}),/.exec(sms.body)![1]!;
    expect((await t.app.inject({ method: "POST", url: `/api/v1/dossiers/${encodeURIComponent(code)}/results/grant`, payload: { phone: "4321", otp: otp === "000000" ? "111111" : "000000" } })).statusCode).toBe(422);
    const grant = await t.app.inject({ method: "POST", url: `/api/v1/dossiers/${encodeURIComponent(code)}/results/grant`, payload: { phone: "4321", otp } });
    expect(grant.statusCode, grant.body).toBe(200);
    const withGrant = (await t.app.inject({ method: "GET", url: `/api/v1/dossiers/${encodeURIComponent(code)}/results?phone=4321&grant=${encodeURIComponent(grant.json().grant)}` })).json();
    const download = await t.app.inject({ method: "GET", url: withGrant.items[0].downloadUrl });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(bytes)).toBe(true);
    expect((await t.app.inject({ method: "GET", url: `/results/${items[0]!.id}/file` })).statusCode).toBe(404);
    // The result went into the applicant's document store.
    const stored = await sys((tx) => tx.query<{ kind: string; id_number: string }>("select kind, id_number from applicant_documents where agency_id = $1 and id_hash = $2 and kind = 'result'", [communeId, idLookupHash("019190001234")]));
    // The store holds the number sealed, like the dossier.
    expect(stored.every((s) => s.id_number.startsWith("v1.") && !s.id_number.includes("019190001234"))).toBe(true);
    expect(stored.length).toBeGreaterThanOrEqual(1);
  });

  it("a result that fails to sign keeps the dossier awaiting approval, with nothing added", async () => {
    const code = await awaitingApproval(Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"));
    const lead = await signIn(t.app, "demo-leader");
    const before = await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from dossier_attachments a join dossiers d on d.id = a.dossier_id where d.code = $1", [code]));
    const broken = await lead.json("POST", `/api/v1/dossiers/${encodeURIComponent(code)}/results`, {});
    expect(broken.statusCode).toBe(422);
    expect(broken.json().error.message).toContain("hồ sơ giữ nguyên trạng thái");
    // A remote signer that refuses: the same.
    configureSigner(t.app, remoteSigner({ url: "http://127.0.0.1:9/unreachable", timeoutMs: 2000 }));
    try {
      const good = await lead.json("POST", `/api/v1/dossiers/${encodeURIComponent(code)}/results`, { attachments: [{ documentName: "Trích lục", fileName: "tl.pdf", dataBase64: (await samplePdf()).toString("base64") }] });
      expect(good.statusCode).toBe(422);
      expect(good.json().error.message).toContain("Dịch vụ ký số từ xa");
    } finally {
      configureSigner(t.app, soft);
    }
    expect(await status(code)).toBe("awaiting_approval");
    const after = await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from dossier_attachments a join dossiers d on d.id = a.dossier_id where d.code = $1", [code]));
    expect(after.n).toBe(before.n);
    // With no draft at all the leader signs a result generated from the dossier, through the page.
    const form = await lead.get(`/staff/dossiers/${encodeURIComponent(code)}`);
    expect(form.statusCode).toBe(200);
    const boundary = "----s";
    const body = `--${boundary}\r\ncontent-disposition: form-data; name="_csrf"\r\n\r\n${lead.csrf}\r\n--${boundary}\r\ncontent-disposition: form-data; name="note"\r\n\r\nĐồng ý cấp\r\n--${boundary}--\r\n`;
    const signedPage = await t.app.inject({
      method: "POST",
      url: `/staff/dossiers/${encodeURIComponent(code)}/sign`,
      payload: body,
      headers: { cookie: [...lead.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": `multipart/form-data; boundary=${boundary}` },
    });
    // The draft is still the broken file: refused again, the page keeps the dossier as it is.
    expect(signedPage.statusCode).toBe(422);
    expect(await status(code)).toBe("awaiting_approval");
  });
});
