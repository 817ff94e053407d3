import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FILES_PER_DOCUMENT } from "../../src/domain/catalog/requirements";
import type { Tx } from "../../src/db/scope";
import { listOfferedProcedures } from "../../src/modules/catalog/service";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { type Client, createTestApp, newClient, signIn, type TestApp } from "../support/app";
import { pdfText } from "../support/pdf";

// The public online form as a browser sends it: one multipart part per file input, chosen or not.

let t: TestApp;
let communeId: number;
const sys = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);
const BIRTH = "1.001193";
const MARRIAGE = "1.000894";
const formUrl = (code: string) => `/submit/${DEMO_COMMUNE_CODE}/${code}`;

function pdf(): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${randomBytes(8).toString("hex")}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
}

type Part = { field: string; fileName: string; data: Buffer };

async function postForm(c: Client, url: string, fields: Record<string, string>, files: Part[] = []) {
  const boundary = `----form${randomBytes(6).toString("hex")}`;
  const parts: Buffer[] = [];
  // The token travels in the form's body, as the page's hidden field sends it.
  for (const [k, v] of Object.entries({ _csrf: c.csrf, ...fields })) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.fileName}"\r\nContent-Type: ${f.data.length ? "application/pdf" : "application/octet-stream"}\r\n\r\n`));
    parts.push(f.data, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const res = await t.app.inject({
    method: "POST",
    url,
    payload: Buffer.concat(parts),
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": `multipart/form-data; boundary=${boundary}` },
  });
  for (const ck of res.cookies as { name: string; value: string }[]) c.cookies.set(ck.name, ck.value);
  return res;
}

/** The file inputs of a rendered form, in order: name and label text. */
function fileInputs(html: string): { name: string; label: string; required: boolean }[] {
  const out: { name: string; label: string; required: boolean }[] = [];
  for (const m of html.matchAll(/<div class="field doc-input[^"]*"><label for="f-(file_\d+)">([^<]*)<\/label><p class="hint"[^>]*><span class="tag([^"]*)">/g)) {
    out.push({ name: m[1]!, label: m[2]!, required: m[3]!.includes("warn") });
  }
  return out;
}

const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
const applicant = { fullName: "Vũ Thị Hạnh", idNumber: "019190001234", phone: "0987 111 222", addressLine: "Thôn Đồng Kiệm" };

beforeAll(async () => {
  t = await createTestApp();
  communeId = (await sys((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE]))).id;
});
afterAll(async () => {
  await t?.close();
});

describe("the online form of every procedure offered online", () => {
  it("fits its own multipart limit: all inputs sent empty is a form error, never a 413, and what was typed comes back", async () => {
    const online = await sys((tx) => listOfferedProcedures(tx, { agencyId: communeId, onlineOnly: true }));
    expect(online.length).toBeGreaterThan(50);
    let most = 0;
    for (const p of online) {
      const c = await newClient(t.app);
      const page = await c.get(formUrl(p.code));
      expect(page.statusCode, p.code).toBe(200);
      const inputs = fileInputs(page.body);
      expect(inputs.length, p.code).toBe((page.body.match(/type="file"/g) ?? []).length);
      most = Math.max(most, inputs.length);
      // A browser sends every file input, empty ones included; the applicant forgot the consent.
      const res = await postForm(
        c,
        formUrl(p.code),
        { idempotencyKey: hidden(page.body, "idempotencyKey"), ...applicant, intent: "submit" },
        inputs.map((i) => ({ field: i.name, fileName: "", data: Buffer.alloc(0) })),
      );
      expect(res.statusCode, p.code).toBe(400);
      expect(res.body, p.code).toContain("Vũ Thị Hạnh");
      expect(res.body, p.code).toContain("Hồ sơ chưa được gửi.");
    }
    // The largest forms (land, household business) have over 20 inputs: more than the old fixed limit of 20 files.
    expect(most).toBeGreaterThan(20);
  });

  it("birth registration asks for the birth certificate alone, and is submitted with it alone", async () => {
    const c = await newClient(t.app);
    const page = await c.get(formUrl(BIRTH));
    const inputs = fileInputs(page.body);
    const required = inputs.filter((i) => i.required);
    expect(required.map((r) => r.label)).toEqual([expect.stringMatching(/^Giấy chứng sinh/)]);
    expect(page.body).toContain("Lưu ý khi nộp hồ sơ");
    expect(page.body).toContain("Trả trong ngày (nhận sau 15 giờ: trả trong ngày làm việc tiếp theo)");
    const res = await postForm(c, formUrl(BIRTH), { idempotencyKey: hidden(page.body, "idempotencyKey"), ...applicant, consent: "yes", intent: "submit" }, [
      ...inputs.map((i) => (i.required ? { field: i.name, fileName: "giay-chung-sinh.pdf", data: pdf() } : { field: i.name, fileName: "", data: Buffer.alloc(0) })),
    ]);
    expect(res.statusCode).toBe(303);
    const done = await c.get(res.headers.location as string);
    expect(done.statusCode).toBe(200);
    const code = new URL(`http://x${res.headers.location}`).searchParams.get("code")!;
    expect(done.body).toContain(code);
    expect(done.body).toContain("giay-chung-sinh.pdf");
    // The receipt PDF: with the link's token only.
    const receipt = /href="(\/submit\/receipt\/[^"]+)"/.exec(done.body)![1]!.replace(/&amp;/g, "&");
    const r = await t.app.inject({ method: "GET", url: receipt });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toContain("application/pdf");
    const text = await pdfText(r.rawPayload);
    expect(text).toContain("PHIẾU XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN");
    expect(text).toContain(code);
    expect(text).toContain("Thủ tục đăng ký khai sinh");
    expect((await t.app.inject({ method: "GET", url: receipt.replace(/t=[^&]+/, "t=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") })).statusCode).toBe(404);
    const atts = await sys((tx) => tx.query<{ document_name: string }>("select a.document_name from dossier_attachments a join dossiers d on d.id = a.dossier_id where d.code = $1", [code]));
    expect(atts.map((a) => a.document_name)).toEqual([expect.stringMatching(/^Giấy chứng sinh/)]);
  });

  it("marriage needs no upload online and is submitted with the form alone", async () => {
    const c = await newClient(t.app);
    const page = await c.get(formUrl(MARRIAGE));
    expect(fileInputs(page.body)).toEqual([]);
    expect(page.body).toContain("không yêu cầu tải giấy tờ lên");
    const res = await postForm(c, formUrl(MARRIAGE), { idempotencyKey: hidden(page.body, "idempotencyKey"), ...applicant, consent: "yes", intent: "submit" });
    expect(res.statusCode).toBe(303);
  });

  it("a refused submission keeps what was typed and the files received; the next one needs only what was missing", async () => {
    const c = await newClient(t.app);
    const page = await c.get(formUrl(BIRTH));
    const inputs = fileInputs(page.body);
    const cert = inputs.find((i) => i.required)!;
    const key = hidden(page.body, "idempotencyKey");
    // A bad phone number and no consent; the certificate is attached.
    const first = await postForm(c, formUrl(BIRTH), { idempotencyKey: key, ...applicant, phone: "12345", intent: "submit" }, [{ field: cert.name, fileName: "chung-sinh.pdf", data: pdf() }]);
    expect(first.statusCode).toBe(400);
    expect(first.body).toContain("Vũ Thị Hạnh");
    expect(first.body).toContain("Đã đính kèm: chung-sinh.pdf");
    expect(first.body).toContain("Hồ sơ chưa được gửi.");
    const draft = hidden(first.body, "draft");
    expect(draft).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // Corrected, without choosing the file again.
    const second = await postForm(c, formUrl(BIRTH), { idempotencyKey: key, draft, ...applicant, consent: "yes", intent: "submit" }, [{ field: cert.name, fileName: "", data: Buffer.alloc(0) }]);
    expect(second.statusCode).toBe(303);
    const code = new URL(`http://x${second.headers.location}`).searchParams.get("code")!;
    const n = await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from dossier_attachments a join dossiers d on d.id = a.dossier_id where d.code = $1", [code]));
    expect(n.n).toBe(1);
    // The missing mandatory document is named at its own input.
    const c2 = await newClient(t.app);
    const p2 = await c2.get(formUrl(BIRTH));
    const missing = await postForm(c2, formUrl(BIRTH), { idempotencyKey: hidden(p2.body, "idempotencyKey"), ...applicant, consent: "yes", intent: "submit" });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain("Chưa có tệp cho giấy tờ bắt buộc: Giấy chứng sinh");
  });

  it("several files for one document are kept together; more than allowed is named, the rest kept", async () => {
    const c = await newClient(t.app);
    const page = await c.get(formUrl(BIRTH));
    const cert = fileInputs(page.body).find((i) => i.required)!;
    const files = Array.from({ length: FILES_PER_DOCUMENT + 1 }, (_, i) => ({ field: cert.name, fileName: `trang-${i + 1}.pdf`, data: pdf() }));
    const res = await postForm(c, formUrl(BIRTH), { idempotencyKey: hidden(page.body, "idempotencyKey"), ...applicant, consent: "yes", intent: "submit" }, files);
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain(`chọn tối đa ${FILES_PER_DOCUMENT} tệp`);
    expect(res.body).toContain("Đã đính kèm: trang-1.pdf");
    expect(res.body).toContain(`Đã đính kèm: trang-${FILES_PER_DOCUMENT}.pdf`);
    expect(res.body).not.toContain(`Đã đính kèm: trang-${FILES_PER_DOCUMENT + 1}.pdf`);
  });

  it("keeps and serves a file as what its bytes are: a PDF called report.html is report.pdf", async () => {
    const c = await newClient(t.app);
    const page = await c.get(formUrl(BIRTH));
    const cert = fileInputs(page.body).find((i) => i.required)!;
    const res = await postForm(c, formUrl(BIRTH), { idempotencyKey: hidden(page.body, "idempotencyKey"), ...applicant, consent: "yes", intent: "submit" }, [{ field: cert.name, fileName: "report.html", data: pdf() }]);
    expect(res.statusCode).toBe(303);
    const code = new URL(`http://x${res.headers.location}`).searchParams.get("code")!;
    const att = await sys((tx) => tx.one<{ id: number; file_name: string }>("select a.id, a.file_name from dossier_attachments a join dossiers d on d.id = a.dossier_id where d.code = $1", [code]));
    expect(att.file_name).toBe("report.pdf");
    const desk = await signIn(t.app, "demo-desk");
    const dl = await desk.get(`/staff/dossiers/${encodeURIComponent(code)}/attachments/${att.id}`);
    expect(dl.headers["content-disposition"]).toContain('filename="report.pdf"');
  });

  it("takes the CSRF token from the form's body only, and refuses another site's form", async () => {
    const c = await newClient(t.app);
    const page = await c.get(formUrl(BIRTH));
    const boundary = "----csrf";
    const body = (fields: Record<string, string>) =>
      Object.entries(fields)
        .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
        .join("") + `--${boundary}--\r\n`;
    const headers = { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": `multipart/form-data; boundary=${boundary}` };
    const fields = { idempotencyKey: hidden(page.body, "idempotencyKey"), ...applicant, intent: "draft" };
    // The token in the URL (where logs and Referer would carry it) counts for nothing.
    const inUrl = await t.app.inject({ method: "POST", url: `${formUrl(BIRTH)}?_csrf=${encodeURIComponent(c.csrf)}`, payload: body(fields), headers });
    expect(inUrl.statusCode).toBe(403);
    const elsewhere = await t.app.inject({ method: "POST", url: formUrl(BIRTH), payload: body({ _csrf: c.csrf, ...fields }), headers: { ...headers, origin: "https://evil.example" } });
    expect(elsewhere.statusCode).toBe(403);
    const ok = await t.app.inject({ method: "POST", url: formUrl(BIRTH), payload: body({ _csrf: c.csrf, ...fields }), headers: { ...headers, origin: "http://localhost:80", host: "localhost:80" } });
    expect(ok.statusCode).toBe(200);
    expect(page.body).not.toContain("_csrf=");
  });

  it("a signed-in citizen finds their details filled in; the phone field opens the number pad", async () => {
    const citizen = await signIn(t.app, "demo-citizen");
    const page = await citizen.get(formUrl(BIRTH));
    const name = (await sys((tx) => tx.one<{ full_name: string }>("select full_name from users where username = 'demo-citizen'"))).full_name;
    expect(page.body).toContain(`value="${name}"`);
    const phone = /<input[^>]*name="phone"[^>]*>/.exec(page.body)![0];
    expect(phone).toContain('type="tel"');
    expect(phone).toContain('inputmode="tel"');
  });
});
