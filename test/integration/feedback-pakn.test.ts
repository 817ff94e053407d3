import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import { FeedbackSubmission } from "../../src/domain/feedback/submission";
import type { FeedbackAction } from "../../src/domain/feedback/workflow";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { indexFigures } from "../../src/modules/feedback/indicators";
import { applyFeedbackAction, rateAnswer, receiveFeedback } from "../../src/modules/feedback/service";
import { runOverdueSweep } from "../../src/modules/notifications/sweep";
import { createTestApp, newClient, signIn, type TestApp } from "../support/app";
import { unrecordedFiles } from "../support/files";
import { feedbackStatistics } from "../../src/modules/feedback/report-statistics";

// Issue 14, feedback and petitions (PAKN): sent over the API and the portal, followed with the
// code and the contact, handled through the state table by the desk, an officer and a leader,
// the answer published with personal data masked and found by a search without tones; due times
// from the agency's calendar; abuse refused with nothing stored; the overdue sweep; 5.2–5.4.

let t: TestApp;
let communeId: number;
let users: Record<string, { id: number; role: string }>;
const sys = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);
const scoped = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.scoped({ agencyIds: [communeId], userId: null }, fn);

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

function post(url: string, body: unknown, headers: Record<string, string> = {}, remoteAddress = "127.0.0.1") {
  return t.app.inject({ method: "POST", url, payload: body as object, headers: { "content-type": "application/json", ...headers }, remoteAddress });
}

const base = {
  agencyCode: DEMO_COMMUNE_CODE,
  topic: "procedure",
  subject: "Thời gian chờ chứng thực",
  content: "Đề nghị xã bố trí thêm người chứng thực vào sáng thứ Hai, nhiều người phải chờ lâu.",
  anonymous: true,
  contact: { phone: "0912 000 111" },
};

async function act(code: string, username: string, action: FeedbackAction, input: Record<string, unknown> = {}, now?: Date) {
  const u = users[username]!;
  return scoped((tx) => applyFeedbackAction(tx, { agencyId: communeId, code, action, actor: { userId: u.id, role: u.role as "leader", label: username }, input, ...(now ? { now } : {}) }));
}

async function receiveAt(now: Date, extra: Record<string, unknown> = {}) {
  const submission = FeedbackSubmission.parse({ ...base, ...extra });
  const r = await scoped((tx) => receiveFeedback(tx, { agencyId: communeId, submission, files: [], sourceHash: null, user: null, lang: "vi", now }));
  if (!r.ok) throw new Error("rate limited");
  return r.feedback;
}

beforeAll(async () => {
  t = await createTestApp();
  communeId = (await sys((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE]))).id;
  users = Object.fromEntries((await sys((tx) => tx.query<{ id: number; username: string; role: string }>("select id, username, role from users where agency_id = $1", [communeId]))).map((u) => [u.username, { id: u.id, role: u.role }]));
});
afterAll(async () => {
  await t?.close();
});

describe("sending and following a PAKN", () => {
  it("over the API: 201 with a code and a tracking link; followed with the phone's last 4 digits, not with others", async () => {
    const res = await post("/api/v1/feedback", { ...base, content: "<p>Đề nghị <b>giảm</b> thời gian chờ chứng thực</p><script>alert(1)</script>" }, {}, "10.0.0.1");
    expect(res.statusCode).toBe(201);
    const { code, trackingUrl } = res.json() as { code: string; trackingUrl: string };
    expect(code).toMatch(/^PAKN-\d{6}-[2-9A-HJ-NP-Z]{6}$/);
    expect(trackingUrl).toContain(`/feedback/track?code=${code}`);
    const stored = await sys((tx) => tx.one<{ content: string; status: string; anonymous: boolean; contact_phone: string }>("select content, status, anonymous, contact_phone from feedback where code = $1", [code]));
    expect(stored).toEqual({ content: "Đề nghị giảm thời gian chờ chứng thực", status: "received", anonymous: true, contact_phone: "0912000111" });
    const seen = await t.app.inject({ method: "GET", url: `/api/v1/feedback/${code}?contact=0111` });
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ code, status: "received", topic: "procedure", answer: null, history: [{ status: "received" }] });
    expect(JSON.stringify(seen.json())).not.toContain("0912000111");
    expect((await t.app.inject({ method: "GET", url: `/api/v1/feedback/${code}?contact=0112` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: `/api/v1/feedback/${code}` })).statusCode).toBe(404);
    // The receipt notice went to the contact, and a notice to the desk.
    const out = await sys((tx) => tx.query<{ channel: string; recipient: string; body: string }>("select channel, recipient, body from notification_outbox where kind = 'feedback_received' and body like $1", [`%${code}%`]));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ channel: "sms", recipient: "0912000111" });
    expect(out[0]!.body).toMatch(/^UBND xa Minh Tien: da nhan phan anh, kien nghi PAKN-/);
  });

  it("refuses bad input with its reasons and a 4xx, nothing stored", async () => {
    const before = (await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from feedback"))).n;
    const bad = await post("/api/v1/feedback", { ...base, anonymous: false, contact: {}, subject: "ab", topic: "weather", agencyCode: "nope" }, {}, "10.0.0.2");
    expect(bad.statusCode).toBe(422);
    const paths = (bad.json().error.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(["agencyCode", "contact.fullName", "contact.phone", "subject", "topic"]);
    const big = await post("/api/v1/feedback", { ...base, content: "x".repeat(5001) }, {}, "10.0.0.2");
    expect(big.statusCode).toBe(422);
    // A file that lies about its type is refused as dossier uploads are.
    const lie = await post("/api/v1/feedback", { ...base, attachments: [{ fileName: "don.pdf", dataBase64: Buffer.from("not a pdf at all").toString("base64") }] }, {}, "10.0.0.2");
    expect(lie.statusCode).toBe(415);
    expect((await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from feedback"))).n).toBe(before);
  });

  it("limits anonymous senders per address: the 6th within the hour gets 429 and is not stored; another address is not affected", async () => {
    const ip = "10.9.9.9";
    for (let i = 0; i < 5; i++) expect((await post("/api/v1/feedback", { ...base, subject: `Góp ý số ${i + 1} về thủ tục` }, {}, ip)).statusCode).toBe(201);
    const sixth = await post("/api/v1/feedback", { ...base, subject: "Góp ý số 6 về thủ tục" }, {}, ip);
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().error.message).toContain("nhiều phản ánh");
    expect((await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from feedback where subject = 'Góp ý số 6 về thủ tục'"))).n).toBe(0);
    expect((await post("/api/v1/feedback", { ...base, subject: "Góp ý từ nơi khác" }, {}, "10.9.9.10")).statusCode).toBe(201);
  });

  it("from the portal's form, with a file, anonymously; bad files and missing contact come back with messages", async () => {
    const c = await newClient(t.app);
    const form = await c.get(`/c/${DEMO_COMMUNE_CODE}/feedback/send`);
    expect(form.statusCode).toBe(200);
    const boundary = "----fb";
    const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const body = (fields: Record<string, string>, file?: { name: string; data: Buffer }) =>
      Buffer.concat([
        Buffer.from(Object.entries({ _csrf: c.csrf, ...fields }).map(([k, v]) => part(k, v)).join("")),
        ...(file ? [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${file.name}"\r\nContent-Type: application/pdf\r\n\r\n`), file.data, Buffer.from("\r\n")] : []),
        Buffer.from(`--${boundary}--\r\n`),
      ]);
    const send = (fields: Record<string, string>, file?: { name: string; data: Buffer }) =>
      t.app.inject({
        method: "POST",
        url: `/c/${DEMO_COMMUNE_CODE}/feedback/send`,
        payload: body(fields, file),
        headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": `multipart/form-data; boundary=${boundary}` },
        remoteAddress: "10.1.1.1",
      });
    const fields = { topic: "conduct", subject: "Thái độ tiếp dân", content: "Cán bộ tiếp dân chưa niềm nở khi tôi hỏi thủ tục đăng ký khai sinh.", who: "anonymous", phone: "", email: "" };
    const noContact = await send(fields);
    expect(noContact.statusCode).toBe(400);
    expect(noContact.body).toContain("Hãy cho một số điện thoại hoặc một địa chỉ thư điện tử");
    const badFile = await send({ ...fields, email: "dan@example.vn" }, { name: "anh.pdf", data: Buffer.from("plain text") });
    expect(badFile.statusCode).toBe(415);
    expect(badFile.body).toContain("anh.pdf");
    const ok = await send({ ...fields, email: "dan@example.vn", consent: "yes" }, { name: "bien-ban.pdf", data: PDF });
    expect(ok.statusCode).toBe(303);
    const code = /\/feedback\/sent\/(PAKN-[\w-]+)$/.exec(ok.headers.location as string)![1]!;
    expect((await c.get(ok.headers.location as string)).body).toContain(code);
    const row = await sys((tx) => tx.one<{ id: number; consent_publish: boolean; contact_email: string; source_hash: string }>("select id, consent_publish, contact_email, source_hash from feedback where code = $1", [code]));
    expect(row).toMatchObject({ consent_publish: true, contact_email: "dan@example.vn" });
    expect(row.source_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.source_hash).not.toContain("10.1.1.1");
    const files = await sys((tx) => tx.query<{ file_name: string; content_type: string }>("select file_name, content_type from feedback_attachments where feedback_id = $1", [row.id]));
    expect(files).toEqual([{ file_name: "bien-ban.pdf", content_type: "application/pdf" }]);
    // The refused file left nothing behind in the file store.
    expect(await unrecordedFiles(t.tdb.db)).toEqual([]);
    // Followed by e-mail address, as no phone was given.
    const page = await c.get(`/feedback/track?code=${code}&contact=dan@example.vn`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Thái độ tiếp dân");
  });
});

describe("handling a PAKN through the state table", () => {
  it("the desk assigns, the officer answers, the leader approves and publishes: masked on the public page, found without tones; the petitioner is answered and rates once", async () => {
    const res = await post(
      "/api/v1/feedback",
      {
        ...base,
        anonymous: false,
        subject: "Trả kết quả chậm hồ sơ đăng ký kết hôn",
        content: "Tôi là Hoàng Thị Lan, số điện thoại 0987 111 222. Hồ sơ của tôi trả kết quả chậm ba ngày so với giấy hẹn mà không được báo trước.",
        contact: { fullName: "Hoàng Thị Lan", phone: "0987111222", email: "lan.ht@example.vn" },
        consentToPublish: true,
      },
      {},
      "10.2.2.2",
    );
    const { code } = res.json() as { code: string };
    const desk = await signIn(t.app, "demo-desk");
    const queue = await desk.get("/staff/feedback");
    expect(queue.body).toContain(code);
    expect((await desk.post(`/staff/feedback/${code}/actions/assign`, { assigneeUserId: String(users["demo-specialist"]!.id) })).statusCode).toBe(303);

    const specialist = await signIn(t.app, "demo-specialist");
    expect((await specialist.get("/staff/feedback?queue=mine")).body).toContain(code);
    // Another officer may not draft the answer: only the assigned one.
    const other = await signIn(t.app, "demo-landofficer");
    expect((await other.post(`/staff/feedback/${code}/actions/send_for_approval`, { answer: "Trả lời thử của người không được giao." })).statusCode).toBe(403);
    const tooShort = await specialist.post(`/staff/feedback/${code}/actions/send_for_approval`, { answer: "Ngắn" });
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.body).toContain("Hãy viết câu trả lời");
    const answer = "Kính gửi bà Hoàng Thị Lan: hồ sơ trả chậm do phải xác minh với nơi cư trú trước đây. UBND xã xin lỗi và đã chấn chỉnh việc báo trước cho người dân qua số 0987111222.";
    expect((await specialist.post(`/staff/feedback/${code}/actions/send_for_approval`, { answer })).statusCode).toBe(303);

    const leader = await signIn(t.app, "demo-leader");
    const page = await leader.get(`/staff/feedback/${code}`);
    expect(page.body).toContain("Bản sẽ công khai (đã ẩn thông tin cá nhân)");
    expect((await leader.post(`/staff/feedback/${code}/actions/approve`, { publish: "true" })).statusCode).toBe(303);
    expect(await sys((tx) => tx.one<{ status: string }>("select status from feedback where code = $1", [code]))).toEqual({ status: "published" });

    // Public: masked, findable by a search typed without tones.
    const list = await t.app.inject({ method: "GET", url: `/c/${DEMO_COMMUNE_CODE}/feedback?q=${encodeURIComponent("tra ket qua cham ket hon")}` });
    expect(list.body).toContain("Trả kết quả chậm hồ sơ đăng ký kết hôn");
    const detail = await t.app.inject({ method: "GET", url: `/c/${DEMO_COMMUNE_CODE}/feedback/${code}` });
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain("Tôi là [họ tên], số điện thoại [số điện thoại].");
    expect(detail.body).toContain("Kính gửi bà [họ tên]:");
    for (const secret of ["Hoàng Thị Lan", "0987", "lan.ht@example.vn"]) expect(detail.body).not.toContain(secret);
    const apiList = await t.app.inject({ method: "GET", url: `/api/v1/feedback?agency=${DEMO_COMMUNE_CODE}&answered=true&q=cham%20tra` });
    expect(apiList.statusCode).toBe(200);
    expect((apiList.json() as { items: { code: string }[] }).items.map((i) => i.code)).toContain(code);
    expect(JSON.stringify(apiList.json())).not.toContain("Hoàng Thị Lan");

    // The petitioner got the answer, and rates it once from the tracking page.
    const mail = await sys((tx) => tx.one<{ body: string }>("select body from notification_outbox where kind = 'feedback_answered' and channel = 'email' and recipient = 'lan.ht@example.vn'"));
    expect(mail.body).toContain("hồ sơ trả chậm do phải xác minh");
    const petitioner = await newClient(t.app);
    const track = await petitioner.get(`/feedback/track?code=${code}&contact=1222`);
    expect(track.body).toContain("Ông/Bà có hài lòng với câu trả lời không?");
    const rated = await petitioner.post("/feedback/track/rate", { code, contact: "1222", rating: "dissatisfied" });
    expect(rated.statusCode).toBe(303);
    expect((await petitioner.post("/feedback/track/rate", { code, contact: "1222", rating: "satisfied" })).statusCode).toBe(409);
    expect(await sys((tx) => tx.one<{ petitioner_rating: string }>("select petitioner_rating from feedback where code = $1", [code]))).toEqual({ petitioner_rating: "dissatisfied" });
    // The audit log tells the steps in words.
    const audit = await sys((tx) => tx.query<{ action: string }>("select action from audit_log where entity = 'feedback' and data->>'code' = $1 order by seq", [code]));
    expect(audit.map((a) => a.action)).toEqual(["feedback.submit", "feedback.assign", "feedback.send_for_approval", "feedback.approve", "feedback.publish", "feedback.rate"]);
  });

  it("steps out of turn are refused: wrong status 409, wrong role 403, publishing without consent 409", async () => {
    const f = await receiveAt(new Date(), { consentToPublish: false });
    const apiAs = async (username: string) => {
      const c = await signIn(t.app, username);
      return (action: string, body: unknown = {}) => c.json("POST", `/api/v1/feedback/${f.code}/actions/${action}`, body);
    };
    const specialist = await apiAs("demo-specialist");
    expect((await specialist("approve")).statusCode).toBe(409);
    expect((await specialist("reject", { note: "Không thuộc phạm vi" })).statusCode).toBe(403);
    const desk = await apiAs("demo-desk");
    expect((await desk("assign", { assigneeUserId: 999999 })).statusCode).toBe(400);
    expect((await desk("assign", { assigneeUserId: users["demo-specialist"]!.id })).statusCode).toBe(200);
    await act(f.code, "demo-specialist", "send_for_approval", { answer: "Câu trả lời đầy đủ cho người gửi." });
    const leader = await apiAs("demo-leader");
    const approved = await leader("approve", { publish: true });
    expect(approved.statusCode).toBe(200);
    // No consent: approved, answered, not published.
    expect(approved.json()).toMatchObject({ status: "answered", publishedAt: null, answer: "Câu trả lời đầy đủ cho người gửi." });
    const refused = await leader("publish");
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain("không đồng ý công khai");
    const comms = await signIn(t.app, "demo-comms");
    expect((await comms.json("POST", `/api/v1/feedback/${f.code}/actions/close`, {})).statusCode).toBe(403);
    expect((await comms.get("/staff/feedback")).statusCode).toBe(403);
  });

  it("asked for more, the petitioner answers from the tracking page: the PAKN goes back to its officer and the answer's due time moves by the working time waited", async () => {
    // Received Monday 02/03/2026 09:00: answer due Monday 23/03 09:00 (15 working days).
    const f = await receiveAt(new Date("2026-03-02T09:00:00+07:00"), { contact: { phone: "0912888777" } });
    expect(f.due.answer.toISOString()).toBe(new Date("2026-03-23T09:00:00+07:00").toISOString());
    await act(f.code, "demo-desk", "assign", { assigneeUserId: users["demo-specialist"]!.id }, new Date("2026-03-03T09:00:00+07:00"));
    await act(f.code, "demo-specialist", "request_info", { note: "Đề nghị cho biết ngày nộp hồ sơ." }, new Date("2026-03-04T09:00:00+07:00"));
    const outbox = await sys((tx) => tx.one<{ body: string }>("select body from notification_outbox where kind = 'feedback_info_requested' and recipient = '0912888777'"));
    expect(outbox.body).toContain("can bo sung thong tin");
    // The petitioner answers through the page (today: long after the request).
    const c = await newClient(t.app);
    const page = await c.get(`/feedback/track?code=${f.code}&contact=8777`);
    expect(page.body).toContain("Đề nghị cho biết ngày nộp hồ sơ.");
    const empty = await c.post("/feedback/track/supply", { code: f.code, contact: "8777", note: "" });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain("Hãy ghi thông tin bổ sung hoặc đính kèm tệp.");
    const sent = await c.post("/feedback/track/supply", { code: f.code, contact: "8777", note: "Tôi nộp ngày 20/02/2026." });
    expect(sent.statusCode).toBe(303);
    const after = await sys((tx) => tx.one<{ status: string; answer_due_at: Date }>("select status, answer_due_at from feedback where id = $1", [f.id]));
    expect(after.status).toBe("assigned");
    // Waited from Wednesday 04/03 09:00 until today: the due time moved by that much working time, months on.
    expect(after.answer_due_at.getTime()).toBeGreaterThan(Date.now());
    const notice = await sys((tx) => tx.query<{ title: string }>("select title from staff_notifications where user_id = $1 and kind = 'feedback_info_supplied'", [users["demo-specialist"]!.id]));
    expect(notice.map((n) => n.title)).toContain(`Người gửi đã bổ sung thông tin cho phản ánh ${f.code}`);
  });

  it("an answer given three working days after the request moves the answer's due time by three working days", async () => {
    const f = await receiveAt(new Date("2026-03-02T09:00:00+07:00"));
    await act(f.code, "demo-desk", "request_info", { note: "Đề nghị cho biết mã hồ sơ." }, new Date("2026-03-04T09:00:00+07:00"));
    const back = await act(f.code, "demo-desk", "supply_info", { note: "Người gửi báo qua điện thoại: mã hồ sơ 000.00.25.H12-260220-0003." }, new Date("2026-03-09T09:00:00+07:00"));
    expect(back.status).toBe("received");
    expect(back.due.answer.toISOString()).toBe(new Date("2026-03-26T09:00:00+07:00").toISOString());
  });

  it("due times come from the agency's calendar: received Friday 13/02/2026 before Tết, refuse by Tuesday 24/02, answer by Friday 13/03", async () => {
    const f = await receiveAt(new Date("2026-02-13T09:00:00+07:00"));
    expect(f.due.triage.toISOString()).toBe(new Date("2026-02-24T09:00:00+07:00").toISOString());
    expect(f.due.info.toISOString()).toBe(new Date("2026-02-27T09:00:00+07:00").toISOString());
    expect(f.due.answer.toISOString()).toBe(new Date("2026-03-13T09:00:00+07:00").toISOString());
  });
});

describe("overdue PAKN", () => {
  it("show in the overdue queue and the sweep notifies the desk and the leaders once", async () => {
    const f = await receiveAt(new Date(Date.now() - 10 * 86_400_000));
    const desk = await signIn(t.app, "demo-desk");
    const overdue = await desk.get("/staff/feedback?queue=overdue");
    expect(overdue.body).toContain(f.code);
    await runOverdueSweep(t.tdb.db, new Date());
    const notices = await sys((tx) =>
      tx.query<{ user_id: number; title: string; body: string }>("select user_id, title, body from staff_notifications where kind = 'feedback_overdue' and title like $1", [`%${f.code}%`]),
    );
    const to = new Set(notices.map((n) => n.user_id));
    expect(to.has(users["demo-desk"]!.id)).toBe(true);
    expect(to.has(users["demo-leader"]!.id)).toBe(true);
    expect(notices[0]!.body).toContain("Phân loại, từ chối hoặc chuyển: hạn");
    await runOverdueSweep(t.tdb.db, new Date());
    expect((await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from staff_notifications where kind = 'feedback_overdue' and title like $1", [`%${f.code}%`]))).n).toBe(notices.length);
  });
});

describe("figures of indicators 5.2–5.4 for a quarter", () => {
  it("worked example, Q4 2025: 5 PAKN (2 late, 1 disliked) and 10 dossiers (2 overdue, 1 with a PAKN, 1 rated Không hài lòng)", async () => {
    const at = (s: string) => new Date(`${s}+07:00`);
    const answered = async (received: string, approved: string) => {
      const f = await receiveAt(at(received), { contact: { phone: "0900000001" } });
      await act(f.code, "demo-desk", "assign", { assigneeUserId: users["demo-specialist"]!.id }, at(received.replace("09:", "10:")));
      await act(f.code, "demo-specialist", "send_for_approval", { answer: "Trả lời đầy đủ cho người gửi." }, at(approved.replace("09:", "08:")));
      await act(f.code, "demo-leader", "approve", {}, at(approved));
      return f;
    };
    const a = await answered("2025-10-06T09:00:00", "2025-10-14T09:00:00");
    const b = await answered("2025-10-06T09:30:00", "2025-10-15T09:00:00");
    await answered("2025-10-06T09:45:00", "2025-11-05T09:00:00");
    const d = await receiveAt(at("2025-10-08T09:00:00"));
    await act(d.code, "demo-desk", "reject", { note: "Không thuộc phạm vi." }, at("2025-10-09T09:00:00"));
    const e = await receiveAt(at("2025-12-01T09:00:00"));
    await act(e.code, "demo-desk", "assign", { assigneeUserId: users["demo-specialist"]!.id }, at("2025-12-02T09:00:00"));
    await rateAnswer(t.tdb.db, { code: a.code, contact: "0001", rating: "satisfied" });
    await rateAnswer(t.tdb.db, { code: b.code, contact: "0001", rating: "dissatisfied" });

    // Ten dossiers received in the quarter.
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const late = i === 0;
      const open = i === 1;
      const row = await sys((tx) =>
        tx.one<{ id: number }>(
          `insert into dossiers (agency_id, code, procedure_code, procedure_name, channel, status, applicant_full_name, applicant_id_number, applicant_phone,
             received_at, due_at, finished_at, returned_at)
           values ($1, $2, '1.001193', 'Đăng ký khai sinh', 'in_person', $3, 'Người thử', '', '0912345678',
             '2025-11-03T09:00:00+07:00', '2025-11-05T09:00:00+07:00', $4, $4) returning id`,
          [communeId, `Q4-2025-${i}`, open ? "in_progress" : "returned", open ? null : late ? "2025-11-06T09:00:00+07:00" : "2025-11-04T09:00:00+07:00"],
        ),
      );
      ids.push(row.id);
    }
    await sys((tx) => tx.exec("update feedback set dossier_id = $1 where id = $2", [ids[2], a.id]));
    await sys((tx) =>
      tx.exec(
        `insert into dossier_ratings (agency_id, dossier_id, procedure_code, procedure_name, overall, item1, item2, item3, item4, item5, item6, item7, item8, item9, channel)
         values ($1, $2, '1.001193', 'Đăng ký khai sinh', 'dissatisfied', 0, 0, 1, 1, 1, 1, 0, 1, 1, 'online')`,
        [communeId, ids[3]],
      ),
    );

    const figures = await scoped((tx) => indexFigures(tx, { agencyId: communeId, from: "2025-10-01", to: "2025-12-31" }));
    expect(figures.feedback).toEqual({ received: 5, late: 2, disliked: 1 });
    expect(figures.byTopic).toEqual({ procedure: 5, dossier: 0, conduct: 0, rule: 0, other: 0 });
    expect(figures.onTime).toMatchObject({ count: 3, of: 5, rate: 0.6, points: 3.6 });
    expect(figures.feedbackSatisfaction).toMatchObject({ count: 2, of: 5, rate: 0.4, points: 2.4 });
    expect(figures.procedureSatisfaction.of).toBe(10);
    expect(figures.procedureSatisfaction.overdueShare).toBeCloseTo(0.2, 10);
    expect(figures.procedureSatisfaction.complainedShare).toBeCloseTo(0.2, 10);
    expect(figures.procedureSatisfaction.rate).toBeCloseTo(0.6, 10);
    expect(figures.procedureSatisfaction.points).toBe(4);

    // The same quarter as the periodic report quotes it (the reports' feedback provider).
    const report = await scoped((tx) => feedbackStatistics(tx, { agencyId: communeId, from: "2025-10-01", to: "2025-12-31" }));
    // a and b answered on time, the third late; d refused; e open and past its limit at the end.
    expect(report).toEqual({
      period: { from: "2025-10-01", to: "2025-12-31" },
      received: 5,
      byCategory: [{ category: "Thủ tục hành chính", count: 5 }],
      resolved: { total: 3, onTime: 2, late: 1 },
      refused: 1,
      inProgress: { total: 1, overdue: 1 },
      published: 0,
    });
    // The late ones are the indicator's late ones.
    expect(report.resolved.late + report.inProgress.overdue).toBe(figures.feedback.late);
  });
});

describe("the OpenAPI document", () => {
  it("describes sending, following and listing PAKN, rating a dossier and the staff's steps", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/api/v1/openapi.json" })).json();
    const body = (p: string) => doc.paths[p].post.requestBody.content["application/json"].schema.properties as Record<string, unknown>;
    expect(Object.keys(body("/api/v1/feedback"))).toEqual(expect.arrayContaining(["agencyCode", "topic", "subject", "content", "procedureCode", "dossierCode", "anonymous", "contact"]));
    expect(doc.paths["/api/v1/feedback"].post.responses["201"]).toBeDefined();
    expect(doc.paths["/api/v1/feedback"].post.responses["429"]).toBeDefined();
    expect(doc.paths["/api/v1/feedback"].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["agency", "answered", "q"]));
    expect(doc.paths["/api/v1/feedback/{code}"].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["code", "contact"]));
    expect(Object.keys(body("/api/v1/dossiers/{code}/rating"))).toEqual(expect.arrayContaining(["phone", "overall", "items", "comment"]));
    expect(Object.keys(doc.paths["/api/v1/dossiers/{code}/rating"].post.responses)).toEqual(expect.arrayContaining(["201", "404", "409", "422"]));
    const action = doc.paths["/api/v1/feedback/{code}/actions/{action}"].post;
    expect(action.parameters.find((p: { name: string }) => p.name === "action").schema.enum).toEqual(["reject", "request_info", "supply_info", "transfer", "assign", "send_for_approval", "approve", "send_back", "publish", "close"]);
  });
});

describe("the demo commune", () => {
  it("has published answers with personal data masked, PAKN at every stage and ratings", async () => {
    // The demo's PAKN: received before the seed's closing audit entry, whatever the tests of this file added since.
    const statuses = await sys((tx) =>
      tx.query<{ status: string }>(
        "select f.status from feedback f where exists (select 1 from audit_log l where l.entity = 'feedback' and l.entity_id = f.id::text and l.action = 'feedback.submit' and l.id < (select min(id) from audit_log where action = 'demo.seed')) order by 1",
      ),
    );
    expect(statuses.map((s) => s.status)).toEqual(["assigned", "awaiting_approval", "closed", "info_requested", "published", "published", "received", "received", "rejected"]);
    const page = await t.app.inject({ method: "GET", url: `/c/${DEMO_COMMUNE_CODE}/feedback?q=chung%20thuc` });
    expect(page.body).toContain("Thời gian chờ chứng thực bản sao vào sáng thứ Hai");
    const published = await sys((tx) => tx.one<{ question: string }>("select question from feedback_publications where subject like 'Thời gian chờ chứng thực%'"));
    expect(published.question).toContain("Tôi là [họ tên], ở thôn Đồng Tiến.");
    expect(published.question).toContain("[số điện thoại]");
    expect((await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from dossier_ratings"))).n).toBeGreaterThan(30);
  });
});

describe("the pages in English", () => {
  it("show words, not message keys", async () => {
    const f = await sys((tx) => tx.one<{ code: string; phone: string }>("select code, right(contact_phone, 4) as phone from feedback where status = 'published' and contact_phone is not null limit 1"));
    const open = await sys((tx) => tx.one<{ code: string }>("select code from feedback where status = 'awaiting_approval' limit 1"));
    const leader = await signIn(t.app, "demo-leader");
    const pages = [
      `/c/${DEMO_COMMUNE_CODE}/feedback`,
      `/c/${DEMO_COMMUNE_CODE}/feedback/send`,
      `/c/${DEMO_COMMUNE_CODE}/feedback/${f.code}`,
      `/c/${DEMO_COMMUNE_CODE}/satisfaction`,
      `/feedback/track?code=${f.code}&contact=${f.phone}`,
      "/rate",
      "/staff/feedback",
      `/staff/feedback/${open.code}`,
      "/staff/satisfaction",
    ];
    for (const url of pages) {
      const res = await leader.get(`${url}${url.includes("?") ? "&" : "?"}lang=en`);
      expect(res.statusCode, url).toBe(200);
      const text = res.body.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]+>/g, " ");
      expect(text.match(/\bfeedback\.[a-zA-Z_.]+/g) ?? [], url).toEqual([]);
      expect(res.body, url).toContain('lang="en"');
    }
  });
});
