import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { requiredDocuments } from "../../src/modules/dossiers/service";
import { createTestApp, newClient, signIn, type TestApp } from "../support/app";
import { pdfText } from "../support/pdf";

// The desk's and the leader's journeys around time limits and the result, and tracking as people type.

let t: TestApp;
const sys = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
const applicant = { fullName: "Ngô Văn Bình", idNumber: "019190001234", phone: "0912 345 678", address: { line: "Thôn Cây Thị" } };
// Thủ tục đăng ký lại khai sinh: the catalog says "5" with no unit and the demo sets no limit.
const NO_LIMIT = "1.004884";
const BIRTH = "1.001193";

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** The files a citizen attaches online for a procedure: one per required document. */
async function attachments(code: string) {
  const p = await sys(async (tx) => {
    const communeId = (await tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE])).id;
    return findOfferedProcedure(tx, { agencyId: communeId, code });
  });
  return requiredDocuments(p!, "online").mandatory.map((name) => ({ documentName: name, fileName: "giay-to.pdf", dataBase64: PDF.toString("base64") }));
}

const post = (body: unknown) => t.app.inject({ method: "POST", url: "/api/v1/dossiers", payload: JSON.stringify(body), headers: { "content-type": "application/json" } });

describe("a procedure without a time limit", () => {
  it("is received at the counter only with a limit the officer enters, with its basis; Mẫu 01 then states it", async () => {
    const desk = await signIn(t.app, "demo-desk");
    const form = await desk.get(`/staff/dossiers/new?procedure=${NO_LIMIT}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain("Thủ tục chưa có thời hạn trong danh mục của đơn vị");
    const required = [...form.body.matchAll(/<input type="checkbox" name="doc" value="([^"]+)"[^>]*\/> [^<]*<span class="tag warn">/g)].map((m) => m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, "&"));
    const base = { procedure: NO_LIMIT, fullName: "Ngô Văn Bình", idNumber: "019190001234", phone: "0912345678", addressLine: "Thôn Cây Thị", consent: "yes" };
    const body = (extra: Record<string, string>) => {
      const p = new URLSearchParams({ _csrf: desk.csrf, ...base, ...extra });
      for (const r of required) p.append("doc", r);
      return p.toString();
    };
    const send = (extra: Record<string, string>) =>
      t.app.inject({ method: "POST", url: "/staff/dossiers/new", payload: body(extra), headers: { cookie: [...desk.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": "application/x-www-form-urlencoded" } });
    const without = await send({});
    expect(without.statusCode).toBe(422);
    expect(without.body).toContain("chưa có thời hạn giải quyết: nhập thời hạn và căn cứ pháp lý");
    expect(without.body).toContain('value="Ngô Văn Bình"');
    const noBasis = await send({ tlAmount: "5", tlUnit: "working_days", tlBasis: "" });
    expect(noBasis.statusCode).toBe(422);
    expect(noBasis.body).toContain("Thời hạn giải quyết nhập chưa hợp lệ");
    const ok = await send({ tlAmount: "5", tlUnit: "working_days", tlBasis: "Nghị định 123/2015/NĐ-CP, Điều 26" });
    expect(ok.statusCode).toBe(303);
    const code = decodeURIComponent((ok.headers.location as string).split("/")[3]!.split("?")[0]!);
    const d = await sys((tx) => tx.one<{ time_limit_amount: number; time_limit_unit: string; due_at: Date }>("select time_limit_amount, time_limit_unit, due_at from dossiers where code = $1", [code]));
    expect(d).toMatchObject({ time_limit_amount: 5, time_limit_unit: "working_days" });
    expect(d.due_at).toBeInstanceOf(Date);
    const event = await sys((tx) => tx.one<{ data: { timeLimitEntered?: { basis: string } } }>("select e.data from dossier_events e join dossiers d on d.id = e.dossier_id where d.code = $1 and e.action = 'receive'", [code]));
    expect(event.data.timeLimitEntered?.basis).toBe("Nghị định 123/2015/NĐ-CP, Điều 26");
    const slip = await desk.get(`/staff/dossiers/${encodeURIComponent(code)}/slips/01.pdf`);
    expect((await pdfText(slip.rawPayload)).replace(/\s+/g, " ")).toContain("Thời gian giải quyết hồ sơ theo quy định là: 5 ngày làm việc");
  });

  it("submitted online, is accepted only with an entered limit", async () => {
    const created = await post({ procedureCode: NO_LIMIT, agencyCode: DEMO_COMMUNE_CODE, applicant, attachments: await attachments(NO_LIMIT) });
    expect(created.statusCode, created.body).toBe(201);
    const code = created.json().code as string;
    const desk = await signIn(t.app, "demo-desk");
    const page = await desk.get(`/staff/dossiers/${encodeURIComponent(code)}`);
    expect(page.body).toContain('name="tlAmount"');
    const url = `/api/v1/dossiers/${encodeURIComponent(code)}/actions/accept`;
    const refused = await desk.json("POST", url, {});
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.message).toContain("chưa có thời hạn giải quyết");
    const accepted = await desk.json("POST", url, { timeLimit: { amount: 5, unit: "working_days", basis: "Nghị định 123/2015/NĐ-CP, Điều 26" } });
    expect(accepted.statusCode).toBe(200);
    const d = await sys((tx) => tx.one<{ status: string; time_limit_amount: number; due_at: Date | null }>("select status, time_limit_amount, due_at from dossiers where code = $1", [code]));
    expect(d.time_limit_amount).toBe(5);
    expect(d.due_at).not.toBeNull();
  });
});

describe("the leader approves what they see", () => {
  it("the specialist sends the draft result with the request; the leader's approval form links it", async () => {
    const created = await post({ procedureCode: BIRTH, agencyCode: DEMO_COMMUNE_CODE, applicant, attachments: await attachments(BIRTH) });
    expect(created.statusCode, created.body).toBe(201);
    const code = created.json().code as string;
    const desk = await signIn(t.app, "demo-desk");
    expect((await desk.json("POST", `/api/v1/dossiers/${encodeURIComponent(code)}/actions/accept`, {})).statusCode).toBe(200);
    const status = (await desk.json("GET", `/api/v1/dossiers/${encodeURIComponent(code)}`)).json().dossier.status;
    const specialistId = (await sys((tx) => tx.one<{ id: number }>("select id from users where username = 'demo-specialist'"))).id;
    if (status === "received") expect((await desk.json("POST", `/api/v1/dossiers/${encodeURIComponent(code)}/actions/assign`, { assigneeUserId: specialistId })).statusCode).toBe(200);
    const spec = await signIn(t.app, "demo-specialist");
    const detail = await spec.get(`/staff/dossiers/${encodeURIComponent(code)}`);
    expect(detail.body).toContain("Dự thảo văn bản kết quả trình ký");
    const sent = await spec.json("POST", `/api/v1/dossiers/${encodeURIComponent(code)}/actions/send_to_leader`, {
      attachments: [{ documentName: "Dự thảo văn bản kết quả trình ký", fileName: "trich-luc-khai-sinh.pdf", dataBase64: PDF.toString("base64") }],
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const leader = await signIn(t.app, "demo-leader");
    const page = await leader.get(`/staff/dossiers/${encodeURIComponent(code)}`);
    const approve = page.body.slice(page.body.indexOf('class="approve-result"'));
    expect(approve).toContain("Văn bản kết quả trình ký:");
    expect(approve).toContain("trich-luc-khai-sinh.pdf");
  });
});

describe("tracking as people type", () => {
  it("finds a dossier by its code in any case and with spaces, from the home page's two fields", async () => {
    const created = await post({ procedureCode: BIRTH, agencyCode: DEMO_COMMUNE_CODE, applicant, attachments: await attachments(BIRTH) });
    const code = created.json().code as string;
    const c = await newClient(t.app);
    const home = await c.get("/");
    expect(home.body).toContain('id="track-phone"');
    const lower = await c.get(`/track?code=${encodeURIComponent(` ${code.toLowerCase()} `)}&phone=5678`);
    expect(lower.statusCode).toBe(200);
    expect(lower.body).toContain(code);
    // No appointment yet: shown as a dash, not an empty cell.
    expect(lower.body).toMatch(/<dt>Ngày hẹn trả kết quả<\/dt><dd>—<\/dd>/);
  });
});
