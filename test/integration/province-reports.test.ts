import { createHash } from "node:crypto";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/reports/period";
import { vnToday } from "../../src/domain/documents/numbering";
import { dueDate, periodsOf } from "../../src/domain/reports/kinds";
import { createUser } from "../../src/modules/accounts/users";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { runReportReminders } from "../../src/modules/reports/calendar";
import { type Client, createTestApp, newClient, signIn, type TestApp } from "../support/app";

// Issue 16: report kinds, documents sent and received between the tiers, the reporting calendar
// and the province's combined report.

let t: TestApp;
let comms: Client;
let leader: Client;
let admin: Client;
let province: Client;
let provinceLeader: Client;
let provinceCode: string;
let reportId: number;
let incomingId: number;
const H1 = { kind: "cchc-communication", from: "2024-01-01", to: "2024-06-30" };
const PASSWORD = "sibling-commune-password";

beforeAll(async () => {
  t = await createTestApp();
  [comms, leader, admin, province, provinceLeader] = (await Promise.all(["demo-comms", "demo-leader", "demo-admin", "demo-province", "demo-province-leader"].map((u) => signIn(t.app, u)))) as [Client, Client, Client, Client, Client];
  provinceCode = (await t.tdb.db.system((tx) => tx.one<{ code: string }>("select p.code from agencies a join agencies p on p.id = a.parent_id where a.code = $1", [DEMO_COMMUNE_CODE]))).code;
});
afterAll(async () => {
  await t?.close();
});

async function multipart(client: Client, url: string, fields: Record<string, string>, file?: { name: string; type: string; data: Buffer }) {
  const boundary = "----mc-test-boundary";
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries({ _csrf: client.csrf, ...fields })) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="scan"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return t.app.inject({
    method: "POST",
    url,
    payload: Buffer.concat(parts),
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": `multipart/form-data; boundary=${boundary}` },
  });
}

describe("an issued report goes up: sent, received, read, acknowledged", () => {
  it("the commune issues its six-monthly report and it lands in the province's incoming register", async () => {
    const draft = await comms.json("POST", "/api/v1/reports", { ...H1, agency: DEMO_COMMUNE_CODE });
    expect(draft.statusCode, draft.body).toBe(201);
    reportId = draft.json().id;
    expect(draft.json().kind).toBe("cchc-communication");
    expect((await comms.json("PATCH", `/api/v1/reports/${reportId}`, { narratives: { difficulties: "- Thiếu máy quét để số hóa hồ sơ." } })).statusCode).toBe(200);
    expect((await leader.json("POST", `/api/v1/reports/${reportId}/approve`, {})).statusCode).toBe(200);
    const issued = await admin.json("POST", `/api/v1/reports/${reportId}/issue`, {});
    expect(issued.statusCode, issued.body).toBe(200);
    const number = issued.json().number as string;

    const dispatches = (await admin.get(`/api/v1/reports/${reportId}/dispatches`)).json().items;
    const system = dispatches.filter((d: { channel: string }) => d.channel === "system");
    expect(system).toHaveLength(1);
    expect(system[0].toName).toBe("Ủy ban nhân dân tỉnh Thái Nguyên");
    expect(system[0].line).toContain("Sở Nội vụ tỉnh Thái Nguyên");
    expect(system[0].receivedAt).not.toBeNull();
    expect(dispatches.filter((d: { channel: string }) => d.channel === "paper").map((d: { line: string }) => d.line)).toEqual([
      "TT Đảng ủy, HĐND, UBND xã Minh Tiến;",
      "Chủ tịch, các Phó Chủ tịch UBND;",
      "Ban, ngành, đoàn thể xã Minh Tiến;",
      "Bí thư chi bộ, trưởng các thôn;",
    ]);

    const reg = (await province.get("/api/v1/documents/incoming")).json();
    expect(reg.items).toHaveLength(1);
    const entry = reg.items[0];
    incomingId = entry.id;
    expect(entry).toMatchObject({ number: 1, fromName: "Ủy ban nhân dân xã Minh Tiến", docCode: number, reportId, reportKind: "cchc-communication", period: { from: "2024-01-01", to: "2024-06-30" }, byHand: false, acknowledgedAt: null });
    // The file received is the issued PDF, byte for byte.
    const file = await province.get(`/staff/documents/incoming/${incomingId}/file`);
    expect(file.statusCode).toBe(200);
    const stored = await t.tdb.db.system((tx) => tx.one<{ pdf_sha256: string }>("select pdf_sha256 from reports where id = $1", [reportId]));
    expect(createHash("sha256").update(file.rawPayload).digest("hex")).toBe(stored.pdf_sha256);
    // The sender sees it read.
    const read = (await admin.get(`/api/v1/reports/${reportId}/dispatches`)).json().items.find((d: { channel: string }) => d.channel === "system");
    expect(read.readAt).not.toBeNull();
    expect(read.acknowledgedAt).toBeNull();
  });

  it("the province acknowledges; the commune sees who and when", async () => {
    const ack = await province.json("POST", `/api/v1/documents/incoming/${incomingId}/acknowledge`, {});
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json().acknowledgedAt).not.toBeNull();
    const again = await province.json("POST", `/api/v1/documents/incoming/${incomingId}/acknowledge`, {});
    expect(again.json().acknowledgedAt).toBe(ack.json().acknowledgedAt);
    const page = await admin.get(`/staff/reports/${reportId}`);
    expect(page.body).toContain("đã xác nhận nhận lúc");
    expect(page.body).toContain("Ủy ban nhân dân tỉnh Thái Nguyên");
    // The commune cannot act on the province's register.
    // The commune cannot act on the province's register: the entry is not in its own.
    expect((await admin.json("POST", `/api/v1/documents/incoming/${incomingId}/acknowledge`, {})).statusCode).toBe(404);
    expect((await comms.json("POST", `/api/v1/documents/incoming/${incomingId}/acknowledge`, {})).statusCode).toBe(403);
  });

  it("sending again is idempotent: one incoming entry per recipient", async () => {
    for (let i = 0; i < 2; i++) {
      const r = await admin.json("POST", `/api/v1/reports/${reportId}/send`, {});
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().items).toHaveLength(5);
    }
    const n = await t.tdb.db.system((tx) => tx.one<{ n: number }>("select count(*)::int as n from incoming_documents where report_id = $1", [reportId]));
    expect(n.n).toBe(1);
    // A draft cannot be sent; someone else's report neither.
    const draft = (await comms.json("POST", "/api/v1/reports", { ...H1, agency: DEMO_COMMUNE_CODE })).json();
    expect((await admin.json("POST", `/api/v1/reports/${draft.id}/send`, {})).statusCode).toBe(409);
    expect((await province.json("POST", `/api/v1/reports/${reportId}/send`, {})).statusCode).toBe(403);
  });

  it("the province assigns it for handling and asks for a correction; the commune sees the reason", async () => {
    const leaderId = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from users where username = 'demo-province-leader'"))).id;
    const assigned = await province.json("POST", `/api/v1/documents/incoming/${incomingId}/assign`, { assigneeUserId: leaderId, note: "Tổng hợp vào báo cáo của tỉnh" });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().assignee.name).toBe("Trịnh Quang Vinh");
    const commsUser = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from users where username = 'demo-comms'"))).id;
    expect((await province.json("POST", `/api/v1/documents/incoming/${incomingId}/assign`, { assigneeUserId: commsUser })).statusCode).toBe(400);
    expect((await province.json("POST", `/api/v1/documents/incoming/${incomingId}/correction`, { reason: "x" })).statusCode).toBe(400);
    const corr = await province.json("POST", `/api/v1/documents/incoming/${incomingId}/correction`, { reason: "Biểu 06 thiếu số liệu lĩnh vực đất đai." });
    expect(corr.statusCode).toBe(200);
    const dispatch = (await admin.get(`/api/v1/reports/${reportId}/dispatches`)).json().items.find((d: { channel: string }) => d.channel === "system");
    expect(dispatch.correctionReason).toBe("Biểu 06 thiếu số liệu lĩnh vực đất đai.");
    expect((await admin.get(`/staff/reports/${reportId}`)).body).toContain("Biểu 06 thiếu số liệu lĩnh vực đất đai.");
    const audit = await t.tdb.db.system((tx) => tx.query<{ action: string }>("select action from audit_log where entity = 'incoming_document' and entity_id = $1 order by at, id", [String(incomingId)]));
    expect(audit.map((a) => a.action)).toEqual(["document.acknowledge", "document.assign", "document.correction"]);
  });

  it("a document from outside is registered by hand with its scan; wrong files are refused in words", async () => {
    await province.get("/staff/documents/incoming");
    const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(2000, 0x20), Buffer.from("\n%%EOF\n")]);
    const fields = { fromName: "Bộ Nội vụ", docCode: "123/BNV-CCHC", docDate: "2026-11-20", subject: "Hướng dẫn báo cáo cải cách hành chính năm 2026" };
    const ok = await multipart(province, "/staff/documents/incoming", fields, { name: "cong-van.pdf", type: "application/pdf", data: pdf });
    expect(ok.statusCode, ok.body.slice(0, 500)).toBe(303);
    const reg = (await province.get("/api/v1/documents/incoming")).json().items;
    expect(reg[0]).toMatchObject({ number: 2, fromName: "Bộ Nội vụ", docCode: "123/BNV-CCHC", byHand: true, reportId: null });
    const exe = await multipart(province, "/staff/documents/incoming", fields, { name: "scan.pdf", type: "application/pdf", data: Buffer.from("MZ\x90\x00 not a pdf at all") });
    expect(exe.statusCode).toBe(415);
    expect(exe.body).toContain("PDF");
    const missing = await multipart(province, "/staff/documents/incoming", fields);
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain("Hãy đính kèm bản quét");
    const bad = await multipart(province, "/staff/documents/incoming", { ...fields, docDate: "2026-02-30" }, { name: "a.pdf", type: "application/pdf", data: pdf });
    expect(bad.statusCode).toBe(400);
    // A correction cannot be asked of a sender outside the installation.
    expect((await province.json("POST", `/api/v1/documents/incoming/${reg[0].id}/correction`, { reason: "Thiếu trang 2." })).statusCode).toBe(409);
  });
});

describe("the reporting calendar", () => {
  let sibling: Client;
  let siblingCode: string;
  beforeAll(async () => {
    const s = await t.tdb.db.system((tx) => tx.one<{ id: number; code: string }>("select id, code from agencies where parent_id = (select parent_id from agencies where code = $1) and kind = 'commune' and code <> $1 order by id limit 1", [DEMO_COMMUNE_CODE]));
    siblingCode = s.code;
    await t.tdb.db.system((tx) => createUser(tx, { agencyId: s.id, username: "sibling-admin", fullName: "Cán bộ xã bên", role: "commune_admin", email: "sibling@example.vn", password: PASSWORD, isDemo: false, mustChangePassword: false }, { userId: null, label: "test" }));
    sibling = await signIn(t.app, "sibling-admin", PASSWORD);
  });

  it("the province sets what its communes owe; a commune drafts what it owes and no other kind (400)", async () => {
    const set = await province.json("POST", "/api/v1/reports/schedules", { kind: "dossier-statistics", frequency: "quarter", dueMonth: "next", dueDay: 10, remindDays: 3, communes: [DEMO_COMMUNE_CODE] });
    expect(set.statusCode, set.body).toBe(200);
    const q1 = { kind: "dossier-statistics", from: "2026-01-01", to: "2026-03-31" };
    const ok = await comms.json("POST", "/api/v1/reports", q1);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().subject).toBe("Tình hình, kết quả giải quyết thủ tục hành chính quý I năm 2026");
    expect(ok.json().sections.map((s: { key: string }) => s.key)).toEqual(["figures", "assessment", "proposals"]);
    const notOwed = await sibling.json("POST", "/api/v1/reports", q1);
    expect(notOwed.statusCode).toBe(400);
    expect(notOwed.json().error.message).toBe("Xã không phải gửi loại báo cáo này theo lịch báo cáo của tỉnh.");
    expect((await comms.json("POST", "/api/v1/reports", { kind: "feedback-statistics", from: "2026-01-01", to: "2026-03-31" })).statusCode).toBe(400);
    // A kind's own periods only.
    expect((await comms.json("POST", "/api/v1/reports", { kind: "dossier-statistics", from: "2026-01-05", to: "2026-03-31" })).statusCode).toBe(400);
    expect((await comms.json("POST", "/api/v1/reports", { kind: "no-such-kind", from: "2026-01-01", to: "2026-03-31" })).statusCode).toBe(400);
    // Editing a section the kind does not have.
    expect((await comms.json("PATCH", `/api/v1/reports/${ok.json().id}`, { narratives: { visual: "x" } })).statusCode).toBe(400);
  });

  it("refuses bad schedules in words, and commune staff cannot set them", async () => {
    const bad = async (body: Record<string, unknown>) => (await province.json("POST", "/api/v1/reports/schedules", { kind: "cchc-periodic", frequency: "quarter", dueMonth: "last", dueDay: 15, remindDays: 5, ...body })).json();
    expect((await bad({ kind: "cchc-communication", frequency: "quarter" })).error.details[0].message).toBe("Loại báo cáo này không lập theo kỳ đã chọn.");
    expect((await bad({ dueDay: 31 })).error.details[0].message).toBe("Ngày hạn phải từ 1 đến 28.");
    expect((await bad({ communes: ["000.99999.00.P99"] })).error.message).toContain("000.99999.00.P99");
    expect((await admin.json("POST", "/api/v1/reports/schedules", { kind: "cchc-periodic", frequency: "quarter", dueMonth: "last", dueDay: 15, remindDays: 5 })).statusCode).toBe(403);
  });

  it("the province sees who has sent, late or not; the commune sees what it owes", async () => {
    const cal = (await province.get("/api/v1/reports/calendar?year=2024")).json();
    const h1 = cal.items.filter((i: { kind: string; period: { from: string } }) => i.kind === "cchc-communication" && i.period.from === "2024-01-01");
    // Communes with staff on the system owe it: the demo commune sent it (late: issued after 15/06/2024), the sibling did not.
    const mine = h1.find((i: { commune: { name: string } }) => i.commune.name === "Xã Minh Tiến");
    expect(mine).toMatchObject({ status: "late", reportId, due: "2024-06-15" });
    expect(h1.find((i: { commune: { name: string } }) => i.commune.name !== "Xã Minh Tiến")?.status).toBe("missing");
    const own = (await comms.get("/api/v1/reports/calendar?year=2024")).json();
    expect(own.items.every((i: { commune: { name: string } }) => i.commune.name === "Xã Minh Tiến")).toBe(true);
    expect((await province.get("/staff/reports/calendar?year=2024&kind=cchc-communication&from=2024-01-01")).body).toContain("Gửi muộn");
    expect((await comms.get("/staff/reports/calendar")).statusCode).toBe(200);
  });

  it("reminds the commune's report writers before and on the due day, once each", async () => {
    const today = vnToday();
    const next = periodsOf("quarter", Number(today.slice(0, 4)) + 1)[0]!;
    const due = dueDate(next, { month: "next", day: 10 });
    const first = addDays(due, -3);
    const r1 = await runReportReminders(t.tdb.db, first);
    expect(r1.notices).toBeGreaterThan(0);
    expect((await runReportReminders(t.tdb.db, first)).notices).toBe(0);
    const onDue = await runReportReminders(t.tdb.db, due);
    expect(onDue.notices).toBeGreaterThan(0);
    expect((await runReportReminders(t.tdb.db, addDays(due, -1))).notices).toBe(0);
    const notes = await t.tdb.db.system((tx) =>
      tx.query<{ title: string; username: string }>("select n.title, u.username from staff_notifications n join users u on u.id = n.user_id where n.kind = 'report_due' order by n.id"),
    );
    expect(notes.some((n) => n.username === "demo-comms" && n.title.startsWith("Sắp đến hạn gửi báo cáo: Tình hình, kết quả giải quyết thủ tục hành chính quý I"))).toBe(true);
    expect(notes.some((n) => n.title.startsWith("Hôm nay là hạn gửi"))).toBe(true);
    // The sibling does not owe this kind: reminded of nothing of it.
    expect(notes.some((n) => n.username === "sibling-admin" && n.title.includes("Tình hình, kết quả giải quyết"))).toBe(false);
  });

  it("reminds by e-mail too, those who have an address", async () => {
    // The six-monthly report every commune on the system owes by default: due 15/12, reminded from 10/12.
    const year = vnToday().slice(0, 4);
    const r = await runReportReminders(t.tdb.db, `${year}-12-10`);
    expect(r.emails).toBeGreaterThan(0);
    const mail = await t.tdb.db.system((tx) => tx.query<{ recipient: string; subject: string }>("select recipient, subject from notification_outbox where kind = 'report_due'"));
    expect(mail).toContainEqual({ recipient: "sibling@example.vn", subject: `Sắp đến hạn gửi báo cáo: Công tác tuyên truyền cải cách hành chính 06 tháng cuối năm ${year} (hạn 15/12/${year})` });
    expect((await runReportReminders(t.tdb.db, `${year}-12-10`)).emails).toBe(0);
    expect(siblingCode).toMatch(/^\d{3}\./);
  });
});

describe("the combined province report", () => {
  it("is drafted by the province from its communes' data and reports, approved, numbered and issued", async () => {
    // A commune may not draft for the province.
    expect((await comms.json("POST", "/api/v1/reports", { ...H1, agency: provinceCode })).statusCode).toBe(403);
    const r = await province.json("POST", "/api/v1/reports", { ...H1, agency: provinceCode });
    expect(r.statusCode, r.body).toBe(201);
    const report = r.json();
    const text = JSON.stringify(report.sections);
    expect(text).toContain("Tổng hợp từ số liệu của");
    expect(text).toContain("UBND xã Minh Tiến (Báo cáo số");
    expect(text).toContain("Thiếu máy quét để số hóa hồ sơ.");
    expect(report.recipients[0]).toBe("Bộ Nội vụ (b/c);");
    const docx = await province.get(`/api/v1/reports/${report.id}.docx`);
    expect(docx.statusCode).toBe(200);
    const xml = await (await JSZip.loadAsync(docx.rawPayload)).file("word/document.xml")!.async("string");
    expect(xml).toContain("Xã Minh Tiến");
    expect(xml).toContain("TỈNH THÁI NGUYÊN");
    const commune = report.data.combined.communes.find((c: { unitName: string }) => c.unitName === "Xã Minh Tiến");
    expect(commune.report.code).toMatch(/\/BC-UBND$/);
    expect(xml).toContain(commune.report.code);
    // Only the province's own staff act on it; a commune's leader cannot approve it, the supervisor cannot approve.
    expect((await leader.json("POST", `/api/v1/reports/${report.id}/approve`, {})).statusCode).toBe(404);
    expect((await province.json("POST", `/api/v1/reports/${report.id}/approve`, {})).statusCode).toBe(403);
    const approved = await provinceLeader.json("POST", `/api/v1/reports/${report.id}/approve`, {});
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().signer).toMatchObject({ mode: "KT", name: "Trịnh Quang Vinh" });
    const issued = await province.json("POST", `/api/v1/reports/${report.id}/issue`, {});
    expect(issued.statusCode, issued.body).toBe(200);
    expect(issued.json().number).toMatch(/^\d{2}\/BC-UBND$/);
    const dispatches = (await province.get(`/api/v1/reports/${report.id}/dispatches`)).json().items;
    expect(dispatches.every((d: { channel: string }) => d.channel === "paper")).toBe(true);
    // A supervisor reads a commune's report but cannot change it.
    expect((await province.json("PATCH", `/api/v1/reports/${reportId}`, { subject: "Sửa hộ" })).statusCode).toBe(403);
    const anon = await newClient(t.app);
    expect((await anon.get("/api/v1/supervision")).statusCode).toBe(401);
  });
});
