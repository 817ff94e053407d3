import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, Tx } from "../../src/db/scope";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { applyAction, type DossierActor } from "../../src/modules/dossiers/service";
import { deliverPending } from "../../src/modules/notifications/outbox";
import { runOverdueSweep } from "../../src/modules/notifications/sweep";
import { SMS_TEMPLATES } from "../../src/modules/notifications/templates";
import { esmsTransport, smtpTransport } from "../../src/modules/notifications/transports";
import { type SmsGatewayStandin, startSmsGatewayStandin } from "../../src/modules/sms-gateway-standin/standin";
import { createTestApp, signIn, type TestApp } from "../support/app";

// Dossier transitions (the core's applyAction) → outbox rows in the same transaction → delivery
// after commit to a REAL local SMTP server and to the eSMS stand-in, whose delivery report comes
// back to the app over HTTP. Then the overdue sweep.

type Mail = { to: string[]; raw: string };
let t: TestApp;
let db: Db;
let smtp: SMTPServer;
let smtpPort: number;
const mails: Mail[] = [];
let gateway: SmsGatewayStandin;
let appUrl: string;
let agencyId: number;
let users: Record<string, number>;

function decodeQp(s: string): string {
  const bytes: number[] = [];
  const text = s.replace(/=\r?\n/g, "");
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "=" && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

function decodeHeader(v: string): string {
  return v
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, body: string) =>
      enc.toUpperCase() === "B" ? Buffer.from(body, "base64").toString("utf8") : decodeQp(body.replace(/_/g, " ")),
    );
}

function parseMail(raw: string): { subject: string; body: string } {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const unfolded = head!.replace(/\r?\n[ \t]+/g, " ");
  const subject = decodeHeader(/^Subject: (.*)$/im.exec(unfolded)?.[1] ?? "");
  return { subject, body: decodeQp(rest.join("\n\n")) };
}

const actor = (username: string, role: DossierActor["role"]): DossierActor => ({ userId: users[username]!, role, label: username, agencyId });
const scoped = <T>(username: string, fn: (tx: Tx) => Promise<T>) => db.scoped({ agencyIds: [agencyId], userId: users[username]! }, fn);

async function insertSubmitted(code: string, opts: { email?: string | null; lang?: string; phone?: string } = {}): Promise<void> {
  await db.system((tx) =>
    tx.exec(
      `insert into dossiers (agency_id, code, procedure_code, procedure_name, procedure_field, channel, status, applicant_full_name, applicant_id_number,
         applicant_phone, applicant_email, applicant_address, fields, documents, submitted_at, time_limit_amount, time_limit_unit)
       values ($1, $2, '1.001193', 'Đăng ký khai sinh', 'Hộ tịch', 'online', 'submitted', 'Vũ Thị Hương', '', $3, $4,
         '{"line":"Xóm Đồng Tâm"}', $5, '[]', now(), 3, 'working_days')`,
      [agencyId, code, opts.phone ?? "0912345678", opts.email === undefined ? "huong@example.vn" : opts.email, JSON.stringify(opts.lang ? { lang: opts.lang } : {})],
    ),
  );
}

beforeAll(async () => {
  t = await createTestApp();
  db = t.tdb.db;
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  appUrl = await t.app.listen({ port: 0, host: "127.0.0.1" });
  gateway = await startSmsGatewayStandin({
    apiKey: "k-test",
    secretKey: "s-test",
    brandnames: ["UBNDMINHTIEN"],
    templates: Object.values(SMS_TEMPLATES),
    blockedPhones: ["0987000111"],
    callbackDelayMs: 20,
  });
  await db.system(async (tx) => {
    agencyId = (await tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE])).id;
    users = Object.fromEntries((await tx.query<{ id: number; username: string }>("select id, username from users where agency_id = $1", [agencyId])).map((r) => [r.username, r.id]));
  });
});

afterAll(async () => {
  await gateway?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await t?.close();
});

const transports = () => ({
  email: smtpTransport({ url: `smtp://127.0.0.1:${smtpPort}?ignoreTLS=true`, from: "UBND xã Minh Tiến <motcua@minhtien.example.vn>" }),
  sms: esmsTransport({ url: gateway.url, apiKey: "k-test", secretKey: "s-test", brandname: "UBNDMINHTIEN", sandbox: false, callbackUrl: `${appUrl}/hooks/sms/esms` }),
});

describe("notifications of dossier steps", () => {
  it("accepting a dossier queues e-mail and SMS in the same transaction, sent after commit", async () => {
    await insertSubmitted("MT-0001");
    // A failed transition leaves no message behind.
    await expect(
      scoped("demo-desk", async (tx) => {
        await applyAction(tx, { dossierCode: "MT-0001", agencyId, action: "accept", actor: actor("demo-desk", "desk_officer") });
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(await db.system((tx) => tx.query("select 1 from notification_outbox"))).toHaveLength(0);

    await scoped("demo-desk", (tx) => applyAction(tx, { dossierCode: "MT-0001", agencyId, action: "accept", actor: actor("demo-desk", "desk_officer") }));
    const queued = await db.system((tx) => tx.query<{ channel: string; status: string }>("select channel, status from notification_outbox order by id"));
    expect(queued).toEqual([
      { channel: "email", status: "pending" },
      { channel: "sms", status: "pending" },
    ]);
    const r = await deliverPending(db, transports(), { includeDemo: true });
    expect(r).toEqual({ sent: 2, retried: 0, failed: 0, skipped: 0 });

    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(["huong@example.vn"]);
    const mail = parseMail(mails[0]!.raw);
    expect(mail.subject).toBe("Đã tiếp nhận hồ sơ MT-0001");
    expect(mail.body).toContain("Kính gửi Ông/Bà Vũ Thị Hương");
    expect(mail.body).toContain("Ủy ban nhân dân xã Minh Tiến đã tiếp nhận hồ sơ MT-0001 — Đăng ký khai sinh");
    expect(mail.body).toMatch(/Hẹn trả kết quả vào lúc \d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/);
    expect(mail.body).toContain("/track?code=MT-0001");

    expect(gateway.inbox).toHaveLength(1);
    const sms = gateway.inbox[0]!;
    expect(sms.phone).toBe("84912345678");
    expect(sms.isUnicode).toBe(false);
    expect(sms.content).toMatch(/^UBND xa Minh Tien: da tiep nhan ho so MT-0001, hen tra ket qua \d{2}:\d{2} \d{2}\/\d{2}\/\d{4}\. Tra cuu: http/);
    expect(sms.content).toMatch(/^[\x20-\x7e]+$/);

    // The stand-in reports delivery to the app's callback; the outbox row records it.
    await gateway.settled();
    expect(sms.callback?.delivered).toBe(true);
    const row = await db.system((tx) => tx.one<{ delivery_status: string; delivered_at: Date | null }>("select delivery_status, delivered_at from notification_outbox where channel = 'sms'"));
    expect(row.delivery_status).toBe("5");
    expect(row.delivered_at).not.toBeNull();

    // Nothing is sent twice.
    expect(await deliverPending(db, transports(), { includeDemo: true })).toEqual({ sent: 0, retried: 0, failed: 0, skipped: 0 });
  });

  it("ignores forged delivery reports", async () => {
    const res = await fetch(`${appUrl}/hooks/sms/esms?SMSID=${gateway.inbox[0]!.smsId}&SendStatus=4&RequestId=guess`);
    expect(res.status).toBe(404);
    expect((await fetch(`${appUrl}/hooks/sms/esms?SMSID=x`)).status).toBe(400);
  });

  it("supplement, refusal, result and apology reach the applicant in their language; officers get in-app notices", async () => {
    await insertSubmitted("MT-0002", { lang: "en" });
    await scoped("demo-desk", async (tx) => {
      await applyAction(tx, { dossierCode: "MT-0002", agencyId, action: "accept", actor: actor("demo-desk", "desk_officer") });
      await applyAction(tx, { dossierCode: "MT-0002", agencyId, action: "request_supplement", actor: actor("demo-desk", "desk_officer"), input: { note: "Bản sao Giấy chứng nhận kết hôn" } });
      await applyAction(tx, { dossierCode: "MT-0002", agencyId, action: "supply_supplement", actor: actor("demo-desk", "desk_officer"), input: {} });
      await applyAction(tx, { dossierCode: "MT-0002", agencyId, action: "assign", actor: actor("demo-desk", "desk_officer"), input: { assigneeUserId: users["demo-specialist"] } });
    });
    await scoped("demo-specialist", (tx) =>
      applyAction(tx, { dossierCode: "MT-0002", agencyId, action: "send_to_leader", actor: actor("demo-specialist", "specialist"), input: { leaderUserId: users["demo-leader"] } }),
    );
    await scoped("demo-leader", (tx) =>
      applyAction(tx, { dossierCode: "MT-0002", agencyId, action: "redate", actor: actor("demo-leader", "leader"), input: { amount: 2, note: "Chờ xác minh của cơ quan khác" } }),
    );
    mails.length = 0;
    gateway.inbox.length = 0;
    const r = await deliverPending(db, transports(), { includeDemo: true });
    expect(r.failed).toBe(0);
    const subjects = mails.map((m) => parseMail(m.raw).subject);
    expect(subjects).toEqual(["Dossier MT-0002 received", "Dossier MT-0002: documents needed", "Apology: new date for dossier MT-0002"]);
    expect(parseMail(mails[2]!.raw).body).toContain("because: Chờ xác minh của cơ quan khác");
    // SMS are always Vietnamese without diacritics, from the registered templates.
    expect(gateway.inbox.map((m) => m.content.split(":")[1]!.trim().slice(0, 20))).toEqual(["da tiep nhan ho so M", "ho so MT-0002 can bo", "ho so MT-0002 tre he"].map((s) => s.slice(0, 20)));

    const specialist = await signIn(t.app, "demo-specialist");
    const page = await specialist.get("/staff/notifications");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Hồ sơ MT-0002 được giao cho bạn");
    const dash = await specialist.get("/staff");
    expect(dash.body).toContain("Thông báo chưa đọc");
    // The demo data may already hold notices: look at this dossier's.
    type Listing = { unread: number; items: { id: number; kind: string; title: string; read: boolean }[] };
    const list = JSON.parse((await specialist.get("/api/v1/notifications")).body) as Listing;
    const mine = list.items.filter((i) => i.title.includes("MT-0002"));
    expect(mine.map((i) => [i.kind, i.read])).toEqual([["assigned", false]]);
    await specialist.post(`/staff/notifications/${mine[0]!.id}/read`, {});
    const after = JSON.parse((await specialist.get("/api/v1/notifications")).body) as Listing;
    expect(after.unread).toBe(list.unread - 1);

    const leader = await signIn(t.app, "demo-leader");
    const leaderList = JSON.parse((await leader.get("/api/v1/notifications")).body) as Listing;
    expect(leaderList.items.filter((i) => i.title.includes("MT-0002")).map((i) => i.kind)).toEqual(["awaiting_approval"]);
    // An officer cannot mark someone else's notice: row-level security hides it.
    const notMine = leaderList.items.find((i) => !i.read && i.title.includes("MT-0002"))!;
    await specialist.post(`/staff/notifications/${notMine.id}/read`, {});
    const leaderAfter = JSON.parse((await leader.get("/api/v1/notifications")).body) as Listing;
    expect(leaderAfter.items.find((i) => i.id === notMine.id)!.read).toBe(false);
  });

  it("retries when the SMTP server is down, and fails permanently on gateway refusals", async () => {
    await insertSubmitted("MT-0003", { phone: "0987000111" }); // opted out at the gateway (99)
    await scoped("demo-desk", (tx) => applyAction(tx, { dossierCode: "MT-0003", agencyId, action: "accept", actor: actor("demo-desk", "desk_officer") }));
    const down = { ...transports(), email: smtpTransport({ url: "smtp://127.0.0.1:1?connectionTimeout=2000", from: "x@example.vn" }) };
    const r = await deliverPending(db, down, { includeDemo: true });
    expect(r).toEqual({ sent: 0, retried: 1, failed: 1, skipped: 0 });
    const rows = await db.system((tx) =>
      tx.query<{ channel: string; status: string; attempts: number; last_error: string }>("select channel, status, attempts, last_error from notification_outbox where dossier_id = (select id from dossiers where code = 'MT-0003') order by id"),
    );
    expect(rows[0]).toMatchObject({ channel: "email", status: "pending", attempts: 1 });
    expect(rows[1]).toMatchObject({ channel: "sms", status: "failed" });
    expect(rows[1]!.last_error).toContain("99");
    // Not due yet: nothing happens; a minute later it goes through.
    expect((await deliverPending(db, transports(), { includeDemo: true })).sent).toBe(0);
    expect((await deliverPending(db, transports(), { now: new Date(Date.now() + 2 * 60_000), includeDemo: true })).sent).toBe(1);
  });
});

describe("demo agencies", () => {
  it("never message seeded applicants unless asked to", async () => {
    await insertSubmitted("MT-0004");
    await scoped("demo-desk", (tx) => applyAction(tx, { dossierCode: "MT-0004", agencyId, action: "accept", actor: actor("demo-desk", "desk_officer") }));
    const before = { mails: mails.length, sms: gateway.inbox.length };
    expect(await deliverPending(db, transports())).toEqual({ sent: 0, retried: 0, failed: 0, skipped: 2 });
    expect({ mails: mails.length, sms: gateway.inbox.length }).toEqual(before);
  });
});

describe("overdue sweep", () => {
  it("notifies the assignee and the leaders once, opens the apology task, and is idempotent", async () => {
    await db.system((tx) =>
      tx.exec(
        `insert into dossiers (agency_id, code, procedure_code, procedure_name, procedure_field, channel, status, applicant_full_name, applicant_id_number,
           applicant_phone, received_at, due_at, assignee_user_id)
         values ($1, 'MT-OVER', '1.001193', 'Đăng ký khai sinh', 'Hộ tịch', 'in_person', 'in_progress', 'Lê Văn Nam', '', '0912000000',
           '2026-11-02T02:00:00Z', '2026-11-04T09:00:00Z', $2),
         ($1, 'MT-SOON', '1.001193', 'Đăng ký khai sinh', 'Hộ tịch', 'in_person', 'received', 'Lê Văn Bình', '', '0912000001',
           '2026-11-03T02:00:00Z', '2026-11-05T08:00:00Z', null),
         ($1, 'MT-LATER', '1.001193', 'Đăng ký khai sinh', 'Hộ tịch', 'in_person', 'received', 'Lê Văn Cường', '', '0912000002',
           '2026-11-03T02:00:00Z', '2026-11-12T08:00:00Z', null),
         ($1, 'MT-PAUSED', '1.001193', 'Đăng ký khai sinh', 'Hộ tịch', 'in_person', 'supplement_requested', 'Lê Văn Dũng', '', '0912000003',
           '2026-11-01T02:00:00Z', '2026-11-03T08:00:00Z', null)`,
        [agencyId, users["demo-specialist"]],
      ),
    );
    const now = new Date("2026-11-04T10:00:00Z"); // Wednesday 17:00 in Vietnam
    // (Counts cover every agency, demo dossiers included: check this test's dossiers by their notices.)
    const first = await runOverdueSweep(db, now);
    expect(first.overdue).toBeGreaterThanOrEqual(1);
    expect(first.dueSoon).toBeGreaterThanOrEqual(1);
    const notices = await db.system((tx) =>
      tx.query<{ user_id: number; kind: string; href: string; is_task: boolean; code: string }>(
        "select n.user_id, n.kind, n.href, n.is_task, d.code from staff_notifications n join dossiers d on d.id = n.dossier_id where d.code like 'MT-%' and n.kind in ('overdue','due_soon','prepare_apology') order by n.id",
      ),
    );
    const over = notices.filter((n) => n.code === "MT-OVER");
    expect(over.filter((n) => n.kind === "overdue").map((n) => n.user_id).sort()).toEqual([users["demo-specialist"], users["demo-leader"], users["demo-vicechair"]].sort());
    expect(over.find((n) => n.kind === "prepare_apology")).toMatchObject({ user_id: users["demo-specialist"], is_task: true, href: "/staff/dossiers/MT-OVER/slips/04.pdf" });
    expect(notices.filter((n) => n.code === "MT-SOON").map((n) => n.kind)).toEqual(["due_soon", "due_soon"]);
    expect(notices.some((n) => n.code === "MT-LATER" || n.code === "MT-PAUSED")).toBe(false);

    // Run again (and concurrently): nothing new.
    const again = await Promise.all([runOverdueSweep(db, now), runOverdueSweep(db, new Date(now.getTime() + 15 * 60_000))]);
    for (const r of again) expect(r).toEqual({ dueSoon: 0, overdue: 0, notices: 0 });

    // MT-SOON becomes overdue later: announced once more, as overdue.
    await runOverdueSweep(db, new Date("2026-11-05T09:00:00Z"));
    const marks = await db.system((tx) =>
      tx.query<{ kind: string }>("select m.kind from dossier_deadline_marks m join dossiers d on d.id = m.dossier_id where d.code = 'MT-SOON' order by m.notified_at"),
    );
    expect(marks.map((m) => m.kind)).toEqual(["due_soon", "overdue"]);

    // The apology task's link gives the Mẫu 04 draft to the assignee.
    const specialist = await signIn(t.app, "demo-specialist");
    const pdf = await specialist.get("/staff/dossiers/MT-OVER/slips/04.pdf");
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers["content-type"]).toContain("application/pdf");
    const page = await specialist.get("/staff/notifications");
    expect(page.body).toContain("Lập Phiếu xin lỗi và hẹn lại (Mẫu 04) cho hồ sơ MT-OVER");
  });
});
