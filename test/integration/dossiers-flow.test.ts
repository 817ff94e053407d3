import { crc32 } from "node:zlib";
import sharp from "sharp";
import { findDossierFee } from "../../src/modules/payments/fees";
import { newTxnRef } from "../../src/modules/payments/gateway";
import { recordCash } from "../../src/modules/payments/payments";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import type { DOSSIER_ACTIONS } from "../../src/domain/dossiers/state-machine";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { onDossierEvent } from "../../src/modules/dossiers/events";
import { applyAction, type DossierActor, getDossier, listEvents, receiveAtCounter, requiredDocuments, trackDossier } from "../../src/modules/dossiers/service";
import { dossierStatistics } from "../../src/modules/dossiers/statistics";
import { asHttpError } from "../../src/web/http";
import { createTestApp, newClient, signIn, type TestApp } from "../support/app";
import { unrecordedFiles } from "../support/files";

let t: TestApp;
let communeId: number;
let users: Record<string, number>;
let proc: { code: string; mandatory: string[]; field: string };
let onlineProc: { code: string; mandatory: string[] };

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
const applicant = { fullName: "Vũ Văn An", idNumber: "019085001234", phone: "0912345678", email: "an@example.vn", address: { line: "Thôn Đồng Tiến", communeCode: undefined } };

function actor(username: string, role: DossierActor["role"]): DossierActor {
  return { userId: users[username]!, role, label: username, agencyId: communeId };
}

const sys = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);
const scoped = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.scoped({ agencyIds: [communeId], userId: null }, fn);

/** A PNG whose header claims 100,000 × 100,000 pixels: an image bomb. */
function bombPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk("IEND", Buffer.alloc(0))]);
}

beforeAll(async () => {
  t = await createTestApp();
  const c = await sys((tx) => tx.one<{ id: number }>("select id from agencies where code = '000.00.25.H12'"));
  communeId = c.id;
  users = Object.fromEntries((await sys((tx) => tx.query<{ username: string; id: number }>("select username, id from users where is_demo"))).map((u) => [u.username, u.id]));
  // A procedure with one document list and a time limit in working days, in a field without an assignment rule.
  const candidates = await sys((tx) =>
    tx.query<{ code: string; online_level: string }>(
      `select p.code, ap.online_level from procedures p join agency_offering($1) ap on ap.procedure_id = p.id where ap.enabled order by p.code`,
      [communeId],
    ),
  );
  for (const cand of candidates) {
    const p = await sys((tx) => findOfferedProcedure(tx, { agencyId: communeId, code: cand.code }));
    if (p?.timeLimit?.unit !== "working_days" || !Number.isInteger(p.timeLimit.amount) || p.timeLimit.amount < 3) continue;
    const counter = requiredDocuments(p, "counter");
    const online = requiredDocuments(p, "online");
    if (!proc && counter.mandatory.length > 0 && !["Hộ tịch", "Chứng thực", "Đất đai", "Bảo trợ xã hội"].includes(p.field)) proc = { code: p.code, mandatory: counter.mandatory, field: p.field };
    if (!onlineProc && online.mandatory.length > 0 && p.onlineLevel !== "none") onlineProc = { code: p.code, mandatory: online.mandatory };
    if (proc && onlineProc) break;
  }
  expect(proc).toBeDefined();
  expect(onlineProc).toBeDefined();
});
afterAll(async () => {
  await t?.close();
});

async function counterDossier(): Promise<string> {
  const d = await scoped((tx) =>
    receiveAtCounter(tx, { agencyId: communeId, procedureCode: proc.code, applicant, documentsReceived: proc.mandatory, actor: actor("demo-desk", "desk_officer") }),
  );
  return d.code;
}

/** A refusal as the web layer answers it (the service raises DomainErrors), so the statuses asserted are what a client sees. */
function asClientSees<T>(p: Promise<T>): Promise<T> {
  return p.catch((e: unknown) => {
    throw asHttpError(e) ?? e;
  });
}

function act(code: string, action: (typeof DOSSIER_ACTIONS)[number], who: [string, DossierActor["role"]], input: Record<string, unknown> = {}) {
  return asClientSees(scoped((tx) => applyAction(tx, { dossierCode: code, agencyId: communeId, action, actor: actor(who[0], who[1]), input })));
}

const DESK: [string, "desk_officer"] = ["demo-desk", "desk_officer"];
const SPEC: [string, "specialist"] = ["demo-specialist", "specialist"];
const LEAD: [string, "leader"] = ["demo-leader", "leader"];

describe("dossier transitions through the service", () => {
  it("receives at the counter with a code, an appointment, an event, an audit entry and the hook called", async () => {
    const seen: string[] = [];
    const off = onDossierEvent(async ({ event, dossier }) => {
      seen.push(`${event.action}:${dossier.status}`);
    });
    const code = await counterDossier();
    off();
    const d = await scoped((tx) => getDossier(tx, { agencyId: communeId, code }));
    expect(code).toMatch(/^000\.00\.25\.H12-\d{6}-\d{4}$/);
    expect(d.status).toBe("received");
    expect(d.dueAt!.getTime()).toBeGreaterThan(d.receivedAt!.getTime());
    expect(seen).toEqual(["receive:received"]);
    const audit = await sys((tx) => tx.query<{ action: string }>("select action from audit_log where entity = 'dossier' and entity_id = $1", [code]));
    expect(audit.map((a) => a.action)).toEqual(["dossier.receive"]);
  });

  it("walks the main path: assign → send to leader → approve → result ready → returned; terminal afterwards", async () => {
    const code = await counterDossier();
    expect((await act(code, "assign", DESK, { assigneeUserId: users["demo-specialist"] })).status).toBe("in_progress");
    expect((await act(code, "note", SPEC, { note: "Đã kiểm tra giấy tờ" })).status).toBe("in_progress");
    expect((await act(code, "send_to_leader", SPEC, {})).status).toBe("awaiting_approval");
    expect((await act(code, "send_back", LEAD, { note: "Bổ sung ý kiến" })).status).toBe("in_progress");
    await act(code, "send_to_leader", SPEC, { leaderUserId: users["demo-vicechair"] });
    expect((await act(code, "approve", LEAD, {})).status).toBe("approved");
    const ready = await act(code, "mark_result_ready", SPEC, {});
    expect(ready.status).toBe("result_ready");
    expect(ready.finishedAt).not.toBeNull();
    // No result is handed over while a known fee is unpaid: the desk takes it in cash first.
    const fee = await scoped((tx) => findDossierFee(tx, ready.id));
    if (fee?.status === "due") await scoped((tx) => recordCash(tx, { dossierId: ready.id, txnRef: newTxnRef(), actor: { userId: users["demo-desk"]!, label: "demo-desk" } }));
    const returned = await act(code, "return", DESK, { returnChannel: "counter" });
    expect(returned.status).toBe("returned");
    expect(returned.closedAt).not.toBeNull();
    await expect(act(code, "note", DESK, { note: "x" })).rejects.toMatchObject({ status: 409 });
    const events = await scoped((tx) => listEvents(tx, returned.id));
    expect(events.map((e) => e.action)).toEqual(["receive", "assign", "note", "send_to_leader", "send_back", "send_to_leader", "approve", "mark_result_ready", "return"]);
    expect(events[3]!.data).toMatchObject({ leader: { id: users["demo-leader"] } });
  });

  it("refuses actions out of status (409), by the wrong role (403) and with bad input (422)", async () => {
    const code = await counterDossier();
    await expect(act(code, "approve", LEAD)).rejects.toMatchObject({ status: 409, messageKey: "dossier.err.status" });
    await expect(act(code, "assign", SPEC, { assigneeUserId: users["demo-specialist"] })).rejects.toMatchObject({ status: 403 });
    await expect(act(code, "refuse", DESK, { note: "" })).rejects.toMatchObject({ status: 422 });
    await expect(act(code, "assign", DESK, { assigneeUserId: 999999 })).rejects.toMatchObject({ status: 422 });
    await expect(act("000.00.25.H12-000000-9999", "note", DESK)).rejects.toMatchObject({ status: 404 });
    const refused = await act(code, "refuse", DESK, { note: "Không thuộc thẩm quyền của xã" });
    expect(refused.status).toBe("refused");
  });

  it("pauses the clock for a supplement: the appointment moves by exactly the paused working time", async () => {
    const code = await counterDossier();
    const before = await scoped((tx) => getDossier(tx, { agencyId: communeId, code }));
    // Back-date the receipt so the pause has a known length: Monday 2026-03-02 08:00 → pause Tue 08:00–Wed 10:00 (working time 1 day + 2 h).
    const received = new Date("2026-03-02T08:00:00+07:00");
    await sys((tx) => tx.exec("update dossiers set received_at = $2 where code = $1", [code, received]));
    await scoped((tx) =>
      applyAction(tx, { dossierCode: code, agencyId: communeId, action: "request_supplement", actor: actor(...DESK), input: { note: "Thiếu bản sao giấy tờ" }, now: new Date("2026-03-03T08:00:00+07:00") }),
    );
    const paused = await scoped((tx) => getDossier(tx, { agencyId: communeId, code }));
    expect(paused.status).toBe("supplement_requested");
    expect(paused.supplementCount).toBe(1);
    const resumed = await scoped((tx) =>
      applyAction(tx, { dossierCode: code, agencyId: communeId, action: "supply_supplement", actor: actor(...DESK), input: {}, now: new Date("2026-03-04T10:00:00+07:00") }),
    );
    expect(resumed.status).toBe("received");
    const limit = before.timeLimit!.amount;
    // Without the pause: received Mon 08:00 + N working days. With it: + 1 working day + 2 h.
    const { computeAgencyDeadline } = await import("../../src/modules/calendar/service");
    const plain = await scoped((tx) => computeAgencyDeadline(tx, { agencyId: communeId, start: received, amount: limit, unit: "working_days" }));
    const shifted = await scoped((tx) => computeAgencyDeadline(tx, { agencyId: communeId, start: plain.dueAt, amount: 1 * 60 * 7.5 / 60 * 0 + 0, unit: "working_hours" }));
    expect(shifted.dueAt.getTime()).toBe(plain.dueAt.getTime());
    const expected = await scoped((tx) =>
      computeAgencyDeadline(tx, { agencyId: communeId, start: received, amount: limit, unit: "working_days", pauses: [{ from: "2026-03-03T08:00:00+07:00", to: "2026-03-04T10:00:00+07:00" }] }),
    );
    expect(resumed.dueAt!.toISOString()).toBe(expected.dueAt.toISOString());
    // 7.5 h + 2 h = 9.5 working hours later than without the pause (08:00 is before opening: 07:30–08:00 counts).
    const { getAgencyCalendar } = await import("../../src/modules/calendar/service");
    const { workingMinutesBetween } = await import("../../src/domain/calendar/deadline");
    const { toWallMinutes } = await import("../../src/domain/calendar/civil");
    const cal = await scoped((tx) => getAgencyCalendar(tx, communeId));
    expect(workingMinutesBetween(cal, toWallMinutes(plain.dueAt), toWallMinutes(resumed.dueAt!))).toBe(workingMinutesBetween(cal, toWallMinutes("2026-03-03T08:00:00+07:00"), toWallMinutes("2026-03-04T10:00:00+07:00")));
  });

  it("re-dates with an apology: the appointment moves by the extension and the event keeps both dates", async () => {
    const code = await counterDossier();
    const before = await scoped((tx) => getDossier(tx, { agencyId: communeId, code }));
    const after = await act(code, "redate", LEAD, { amount: 2, note: "Chờ xác minh thông tin tại thôn" });
    expect(after.extensionAmount).toBe(2);
    expect(after.dueAt!.getTime()).toBeGreaterThan(before.dueAt!.getTime());
    const events = await scoped((tx) => listEvents(tx, after.id));
    expect(events.at(-1)).toMatchObject({ action: "redate", note: "Chờ xác minh thông tin tại thôn", data: { amount: 2 } });
  });

  it("transfers to another agency and back; the receiving agency sees it under RLS, a third one does not", async () => {
    const code = await counterDossier();
    const other = await sys((tx) => tx.one<{ id: number; code: string }>("select id, code from agencies where kind = 'commune' and id <> $1 and parent_id = (select parent_id from agencies where id = $1) order by id limit 1", [communeId]));
    const third = await sys((tx) => tx.one<{ id: number }>("select id from agencies where kind = 'commune' and id not in ($1, $2) order by id limit 1", [communeId, other.id]));
    const officer = await sys((tx) =>
      tx.one<{ id: number }>("insert into users (agency_id, username, full_name, role, password_hash) values ($1, 'other-desk', 'Cán bộ xã khác', 'desk_officer', 'x') returning id", [other.id]),
    );
    const sent = await act(code, "transfer", DESK, { toAgencyCode: other.code, note: "Xác minh nơi cư trú" });
    expect(sent.status).toBe("transferred");
    // The owner cannot send it back for the receiver.
    await expect(act(code, "transfer_back", DESK, {})).rejects.toMatchObject({ status: 409 });
    const otherActor: DossierActor = { userId: officer.id, role: "desk_officer", label: "other-desk", agencyId: other.id };
    const seen = await t.tdb.db.scoped({ agencyIds: [other.id], userId: officer.id }, (tx) => getDossier(tx, { agencyId: other.id, code }));
    expect(seen.status).toBe("transferred");
    const notSeen = await t.tdb.db.scoped({ agencyIds: [third.id], userId: null }, (tx) => tx.query("select id from dossiers where code = $1", [code]));
    expect(notSeen).toEqual([]);
    // The receiver may not process it beyond notes and the return.
    await expect(
      asClientSees(t.tdb.db.scoped({ agencyIds: [other.id], userId: officer.id }, (tx) => applyAction(tx, { dossierCode: code, agencyId: other.id, action: "refuse", actor: otherActor, input: { note: "Không" } }))),
    ).rejects.toMatchObject({ status: 409 });
    const back = await t.tdb.db.scoped({ agencyIds: [other.id], userId: officer.id }, (tx) =>
      applyAction(tx, { dossierCode: code, agencyId: other.id, action: "transfer_back", actor: otherActor, input: { note: "Đã xác minh" } }),
    );
    expect(back.status).toBe("received");
    const transfers = await sys((tx) => tx.query<{ returned_at: Date | null }>("select returned_at from dossier_transfers where dossier_id = $1", [back.id]));
    expect(transfers).toHaveLength(1);
    expect(transfers[0]!.returned_at).not.toBeNull();
  });

  it("withdraws at the applicant's request", async () => {
    const code = await counterDossier();
    const d = await act(code, "withdraw", DESK, { note: "Công dân xin rút hồ sơ" });
    expect(d.status).toBe("withdrawn");
  });

  it("issues distinct codes to 50 parallel counter intakes", async () => {
    const codes = await Promise.all(Array.from({ length: 50 }, () => counterDossier()));
    expect(new Set(codes).size).toBe(50);
  });

  it("tracks with the code and the right last 4 phone digits only", async () => {
    const code = await counterDossier();
    const ok = await sys((tx) => trackDossier(tx, { code, phoneLast4: "5678" }));
    expect(ok).toMatchObject({ code, status: "received", overdue: false });
    expect(ok!.history[0]).toMatchObject({ status: "received" });
    expect(JSON.stringify(ok)).not.toContain("Vũ Văn An");
    expect(await sys((tx) => trackDossier(tx, { code, phoneLast4: "1111" }))).toBeUndefined();
  });

  it("computes Biểu 06 statistics with the on-time rule", async () => {
    const s = await scoped((tx) => dossierStatistics(tx, { agencyId: communeId, from: "2026-01-01", to: "2026-12-31" }));
    expect(s.totals.received.total).toBeGreaterThan(50);
    expect(s.totals.received.online + s.totals.received.inPersonOrPost + s.totals.received.carriedOver).toBe(s.totals.received.total);
    expect(s.totals.resolved.early + s.totals.resolved.onTime + s.totals.resolved.late).toBe(s.totals.resolved.total);
    expect(s.totals.inProgress.withinTime + s.totals.inProgress.overdue).toBe(s.totals.inProgress.total);
    expect(s.rows.reduce((a, r) => a + r.received.total, 0)).toBe(s.totals.received.total);
    expect(s.onlineProcedures.full + s.onlineProcedures.partial).toBeGreaterThan(0);
  });
});

describe("dossiers over HTTP", () => {
  const submitBody = (over: Record<string, unknown> = {}) => ({
    procedureCode: onlineProc.code,
    agencyCode: "000.00.25.H12",
    applicant,
    attachments: onlineProc.mandatory.map((name) => ({ documentName: name, fileName: "giay-to.pdf", contentType: "application/pdf", dataBase64: PDF.toString("base64") })),
    ...over,
  });
  const post = (body: unknown, key?: string) =>
    t.app.inject({ method: "POST", url: "/api/v1/dossiers", payload: JSON.stringify(body), headers: { "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) } });

  it("submits online idempotently: same key twice → one dossier; same key, other body → 422", async () => {
    const a = await post(submitBody(), "key-aaaaaaaa-1");
    expect(a.statusCode).toBe(201);
    const b = await post(submitBody(), "key-aaaaaaaa-1");
    expect(b.statusCode).toBe(201);
    expect(b.json().code).toBe(a.json().code);
    const n = await sys((tx) => tx.one<{ n: number }>("select count(*) as n from dossiers where idempotency_key = 'key-aaaaaaaa-1'"));
    expect(n.n).toBe(1);
    const c = await post(submitBody({ applicant: { ...applicant, fullName: "Người Khác" } }), "key-aaaaaaaa-1");
    expect(c.statusCode).toBe(422);
    expect(c.json().error.message).toContain("Idempotency-Key");
    // Parallel retries of one submission still make one dossier.
    const rs = await Promise.all(Array.from({ length: 5 }, () => post(submitBody(), "key-bbbbbbbb-2")));
    expect(new Set(rs.map((r) => r.json().code)).size).toBe(1);
    const files = await sys((tx) => tx.one<{ n: number }>("select count(*) as n from dossier_attachments a join dossiers d on d.id = a.dossier_id where d.idempotency_key = 'key-bbbbbbbb-2'"));
    expect(files.n).toBe(onlineProc.mandatory.length);
  });

  it("names every missing or invalid part (422) and refuses lying, oversize and bomb files", async () => {
    const before = await sys((tx) => tx.one<{ n: number }>("select (select count(*) from dossiers) + (select count(*) from dossier_attachments) as n"));
    const bad = await post({ agencyCode: "000.00.25.H12", applicant: { fullName: "", idNumber: "123", phone: "12" } });
    expect(bad.statusCode).toBe(422);
    const paths = bad.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["procedureCode", "applicant.fullName", "applicant.idNumber", "applicant.phone", "applicant.address.line"]));
    const missing = await post(submitBody({ attachments: [] }));
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.message).toContain(onlineProc.mandatory[0]!.slice(0, 20));
    const liar = await post(submitBody({ attachments: [{ documentName: onlineProc.mandatory[0], fileName: "x.pdf", dataBase64: Buffer.from("hello, not a pdf").toString("base64") }] }));
    expect(liar.statusCode).toBe(415);
    const big = await post(submitBody({ attachments: [{ documentName: "x", fileName: "x.pdf", dataBase64: Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]).toString("base64") }] }));
    expect(big.statusCode).toBe(413);
    const bomb = await post(submitBody({ attachments: [{ documentName: onlineProc.mandatory[0], fileName: "anh.png", dataBase64: bombPng().toString("base64") }] }));
    expect(bomb.statusCode).toBe(422);
    expect(bomb.json().error.message).toMatch(/quá lớn/);
    const after = await sys((tx) => tx.one<{ n: number }>("select (select count(*) from dossiers) + (select count(*) from dossier_attachments) as n"));
    expect(after.n).toBe(before.n);
    expect(await unrecordedFiles(t.tdb.db)).toEqual([]);
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#fff" } }).png().toBuffer();
    const good = await post(submitBody({ attachments: onlineProc.mandatory.map((n) => ({ documentName: n, fileName: "anh.png", dataBase64: png.toString("base64") })) }));
    expect(good.statusCode).toBe(201);
  });

  it("runs every staff action over the API with a session, answers 409/403 clearly, and tracks", async () => {
    const created = await post(submitBody(), "key-cccccccc-3");
    const code = created.json().code as string;
    const desk = await signIn(t.app, "demo-desk");
    const spec = await signIn(t.app, "demo-specialist");
    const lead = await signIn(t.app, "demo-leader");
    const url = (a: string) => `/api/v1/dossiers/${encodeURIComponent(code)}/actions/${a}`;
    const wrong = await spec.json("POST", url("accept"), {});
    expect(wrong.statusCode).toBe(403);
    expect((await desk.json("POST", url("accept"), {})).statusCode).toBe(200);
    let r = await desk.json("POST", url("accept"), {});
    expect(r.statusCode).toBe(409);
    expect(r.json().error.message).toMatch(/«(Đã tiếp nhận|Đang giải quyết)»/);
    const dossier = (await desk.json("GET", `/api/v1/dossiers/${encodeURIComponent(code)}`)).json();
    if (dossier.dossier.status === "received") expect((await desk.json("POST", url("assign"), { assigneeUserId: users["demo-specialist"] })).statusCode).toBe(200);
    expect((await spec.json("POST", url("request_supplement"), { note: "Ảnh chụp mờ, nộp lại" })).statusCode).toBe(200);
    expect((await desk.json("POST", url("supply_supplement"), {})).statusCode).toBe(200);
    expect((await spec.json("POST", url("send_to_leader"), {})).statusCode).toBe(200);
    expect((await lead.json("POST", url("approve"), { note: "Đồng ý" })).statusCode).toBe(200);
    r = await spec.json("POST", url("mark_result_ready"), { attachments: [{ documentName: "Giấy khai sinh", fileName: "ket-qua.pdf", dataBase64: PDF.toString("base64") }] });
    expect(r.statusCode).toBe(200);
    expect((await desk.json("POST", url("return"), { returnChannel: "online" })).statusCode).toBe(200);
    const status = await t.app.inject({ method: "GET", url: `/api/v1/dossiers/${encodeURIComponent(code)}/status?phone=5678` });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ code, status: "returned", overdue: false });
    expect(status.json().history.map((h: { status: string }) => h.status)).toContain("supplement_requested");
    const wrongPhone = await t.app.inject({ method: "GET", url: `/api/v1/dossiers/${encodeURIComponent(code)}/status?phone=0000` });
    const unknown = await t.app.inject({ method: "GET", url: `/api/v1/dossiers/NOPE/status?phone=5678` });
    expect(wrongPhone.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(wrongPhone.json()).toEqual(unknown.json());
    const page = await newClient(t.app).then((c) => c.get(`/track?code=${encodeURIComponent(code)}&phone=5678`));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Đã trả kết quả");
  });

  it("keeps staff of another commune out: 404 on read and action", async () => {
    const code = await counterDossier();
    const other = await sys((tx) => tx.one<{ id: number }>("select id from agencies where kind = 'commune' and id <> $1 order by id limit 1", [communeId]));
    const { hashPassword } = await import("../../src/modules/accounts/passwords");
    await sys(async (tx) =>
      tx.exec("insert into users (agency_id, username, full_name, role, password_hash) values ($1, 'stranger-desk', 'Người lạ', 'desk_officer', $2)", [other.id, await hashPassword("stranger-pass-2026")]),
    );
    const c = await signIn(t.app, "stranger-desk", "stranger-pass-2026");
    expect((await c.json("GET", `/api/v1/dossiers/${encodeURIComponent(code)}`)).statusCode).toBe(404);
    expect((await c.get(`/staff/dossiers/${encodeURIComponent(code)}`)).statusCode).toBe(404);
    expect((await c.json("POST", `/api/v1/dossiers/${encodeURIComponent(code)}/actions/note`, { note: "x" })).statusCode).toBe(404);
  });

  it("serves queues, the counter intake form, the dossier page with its action forms, and dashboard numbers", async () => {
    const desk = await signIn(t.app, "demo-desk");
    const form = await desk.get(`/staff/dossiers/new?procedure=${encodeURIComponent(proc.code)}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain("Kiểm tra thành phần hồ sơ");
    expect(form.body).toContain('name="doc"');
    // The procedure is found by the catalog's search, without tones.
    const search = await desk.get(`/staff/dossiers/new?q=${encodeURIComponent("chung thuc ban sao tu ban chinh")}`);
    expect(search.body).toContain("/staff/dossiers/new?procedure=2.000815");
    const res = await desk.post("/staff/dossiers/new", { procedure: proc.code, fullName: "Lê Thị Mai", idNumber: "019190001234", phone: "0987654321", addressLine: "Thôn Tân Lập", consent: "yes", doc: proc.mandatory[0]! });
    if (proc.mandatory.length > 1) {
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain(proc.mandatory[1]!.slice(0, 15));
    }
    const full = new URLSearchParams({ _csrf: desk.csrf, procedure: proc.code, fullName: "Lê Thị Mai", idNumber: "019190001234", phone: "0987654321", addressLine: "Thôn Tân Lập", consent: "yes" });
    for (const m of proc.mandatory) full.append("doc", m);
    const ok = await t.app.inject({ method: "POST", url: "/staff/dossiers/new", payload: full.toString(), headers: { cookie: [...desk.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": "application/x-www-form-urlencoded" } });
    expect(ok.statusCode).toBe(303);
    const detail = await desk.get(ok.headers.location as string);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain("/slips/01.pdf");
    expect(detail.body).toContain("Phân công xử lý");
    const badId = await desk.post("/staff/dossiers/new", { procedure: proc.code, fullName: "A B", idNumber: "003085001234", phone: "0987654321", addressLine: "x" });
    expect(badId.statusCode).toBe(400);
    expect(badId.body).toContain("mã tỉnh");
    for (const q of ["to_accept", "to_process", "to_approve", "to_return", "due_soon", "overdue"]) {
      const list = await desk.get(`/staff/dossiers?queue=${q}`);
      expect(list.statusCode, `${q}: ${list.body.slice(0, 300)}`).toBe(200);
    }
    const api = await desk.json("GET", "/api/v1/dossiers?queue=overdue");
    expect(api.statusCode).toBe(200);
    const dash = await desk.get("/staff");
    expect(dash.body).toContain("Hồ sơ quá hạn");
  });

  it("takes an online submission through the no-JS form with files, draft and idempotency", async () => {
    const c = await newClient(t.app);
    const formUrl = `/submit/000.00.25.H12/${encodeURIComponent(onlineProc.code)}`;
    const page = await c.get(formUrl);
    expect(page.statusCode).toBe(200);
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.body)![1]!;
    const docs = [...page.body.matchAll(/name="(file_\d+)"/g)].map((m) => m[1]!);
    const boundary = "----motcua";
    const parts: Buffer[] = [];
    const field = (n: string, v: string) => parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`));
    field("idempotencyKey", key);
    field("fullName", "Đỗ Thị Lan");
    field("idNumber", "019190001234");
    field("phone", "+84 987 111 222");
    field("addressLine", "Thôn Đồng Kiệm");
    field("consent", "yes");
    field("intent", "submit");
    field("_csrf", c.csrf);
    for (const d of docs) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${d}"; filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n`));
      parts.push(PDF, Buffer.from("\r\n"));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const send = () =>
      t.app.inject({
        method: "POST",
        url: formUrl,
        payload: Buffer.concat(parts),
        headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": `multipart/form-data; boundary=${boundary}` },
      });
    const r1 = await send();
    expect(r1.statusCode).toBe(303);
    const r2 = await send();
    expect(r2.headers.location).toBe(r1.headers.location);
    const done = await c.get(r1.headers.location as string);
    expect(done.body).toContain("/track?code=");
  });
});

describe("applicants with an account, drafts and the OpenAPI document", () => {
  it("lets a citizen account submit, supply a supplement and withdraw its own dossier; the desk accepts", async () => {
    const citizen = await signIn(t.app, "demo-citizen").catch(async () => {
      const c = await newClient(t.app);
      const { DEMO_PASSWORD } = await import("../../src/modules/demo/seed");
      await c.post("/login", { username: "demo-citizen", password: DEMO_PASSWORD });
      return c;
    });
    const body = {
      procedureCode: onlineProc.code,
      agencyCode: "000.00.25.H12",
      applicant,
      attachments: onlineProc.mandatory.map((name) => ({ documentName: name, fileName: "a.pdf", dataBase64: PDF.toString("base64") })),
    };
    const r = await citizen.json("POST", "/api/v1/dossiers", body);
    expect(r.statusCode).toBe(201);
    const code = r.json().code as string;
    const own = await sys((tx) => tx.one<{ applicant_user_id: number | null }>("select applicant_user_id from dossiers where code = $1", [code]));
    expect(own.applicant_user_id).toBe(users["demo-citizen"]);
    const mine = await citizen.get("/my/dossiers");
    expect(mine.body).toContain(code);
    const accepted = await scoped((tx) => applyAction(tx, { dossierCode: code, agencyId: communeId, action: "accept", actor: actor(...DESK) }));
    expect(accepted.receivedAt).not.toBeNull();
    expect(accepted.dueAt).not.toBeNull();
    await act(code, "request_supplement", DESK, { note: "Thiếu bản chụp rõ nét" });
    const url = (a: string) => `/api/v1/dossiers/${encodeURIComponent(code)}/actions/${a}`;
    // A citizen may not act on someone else's dossier: another code is invisible.
    const other = await counterDossier();
    expect((await citizen.json("POST", `/api/v1/dossiers/${encodeURIComponent(other)}/actions/withdraw`, { note: "Không phải của tôi" })).statusCode).toBe(404);
    expect((await citizen.json("POST", url("supply_supplement"), { note: "Đã nộp lại ảnh" })).statusCode).toBe(200);
    expect((await citizen.json("POST", url("approve"), {})).statusCode).toBe(409);
    expect((await citizen.json("POST", url("note"), { note: "x" })).statusCode).toBe(403);
    const w = await citizen.json("POST", url("withdraw"), { note: "Tôi không cần nữa" });
    expect(w.statusCode).toBe(200);
    expect(w.json().dossier.status).toBe("withdrawn");
  });

  it("transfers over the API and back by the receiving agency's officer", async () => {
    const code = await counterDossier();
    const other = await sys((tx) => tx.one<{ id: number; code: string }>("select id, code from agencies where kind = 'commune' and id <> $1 order by id desc limit 1", [communeId]));
    const { hashPassword } = await import("../../src/modules/accounts/passwords");
    await sys(async (tx) =>
      tx.exec("insert into users (agency_id, username, full_name, role, password_hash) values ($1, 'receiver-leader', 'Lãnh đạo xã nhận', 'leader', $2)", [other.id, await hashPassword("receiver-pass-2026")]),
    );
    const desk = await signIn(t.app, "demo-desk");
    const receiver = await signIn(t.app, "receiver-leader", "receiver-pass-2026");
    const url = (a: string) => `/api/v1/dossiers/${encodeURIComponent(code)}/actions/${a}`;
    expect((await receiver.json("GET", `/api/v1/dossiers/${encodeURIComponent(code)}`)).statusCode).toBe(404);
    expect((await desk.json("POST", url("transfer"), { toAgencyCode: other.code, note: "Xin ý kiến" })).statusCode).toBe(200);
    const seen = await receiver.json("GET", `/api/v1/dossiers?queue=transferred_in`);
    expect(seen.json().items.map((i: { code: string }) => i.code)).toContain(code);
    const view = await receiver.json("GET", `/api/v1/dossiers/${encodeURIComponent(code)}`);
    expect(view.statusCode).toBe(200);
    expect(view.json().dossier.status).toBe("transferred");
    expect((await receiver.json("POST", url("note"), { note: "Đang xác minh" })).statusCode).toBe(200);
    expect((await desk.json("POST", url("transfer_back"), {})).statusCode).toBe(409);
    const back = await receiver.json("POST", url("transfer_back"), { note: "Đã có ý kiến" });
    expect(back.statusCode).toBe(200);
    expect(back.json().dossier.status).toBe("received");
  });

  it("saves a draft and shows it again from the link", async () => {
    const c = await newClient(t.app);
    const formUrl = `/submit/000.00.25.H12/${encodeURIComponent(onlineProc.code)}`;
    await c.get(formUrl);
    const boundary = "----draft";
    const payload = ["fullName=Trần Thị Draft", "phone=0911222333", "intent=draft", `_csrf=${c.csrf}`]
      .map((kv) => {
        const [k, v] = kv.split("=");
        return `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
      })
      .join("");
    const saved = await t.app.inject({
      method: "POST",
      url: formUrl,
      payload: `${payload}--${boundary}--\r\n`,
      headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": `multipart/form-data; boundary=${boundary}` },
    });
    expect(saved.statusCode).toBe(200);
    const token = /\?draft=([A-Za-z0-9_-]+)/.exec(saved.body)?.[1];
    expect(token).toBeDefined();
    const fresh = await newClient(t.app);
    const again = await fresh.get(`${formUrl}?draft=${token}`);
    expect(again.body).toContain("Trần Thị Draft");
    expect(again.body).toContain("0911222333");
  });

  it("documents every dossier operation in OpenAPI", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/api/v1/openapi.json" })).json();
    for (const p of ["/api/v1/dossiers", "/api/v1/dossiers/{code}", "/api/v1/dossiers/{code}/actions/{action}", "/api/v1/dossiers/{code}/status"]) expect(doc.paths[p]).toBeDefined();
  });
});

describe("the remaining actions over the API", () => {
  it("re-dates, sends back and refuses with reasons; the events keep what the slips need", async () => {
    const code = await counterDossier();
    const desk = await signIn(t.app, "demo-desk");
    const spec = await signIn(t.app, "demo-specialist");
    const lead = await signIn(t.app, "demo-leader");
    const url = (a: string) => `/api/v1/dossiers/${encodeURIComponent(code)}/actions/${a}`;
    const r0 = await lead.json("POST", url("redate"), { amount: 0, note: "x" });
    expect(r0.statusCode).toBe(422);
    const r1 = await lead.json("POST", url("redate"), { amount: 3, note: "Cần xác minh thêm tại thôn" });
    expect(r1.statusCode).toBe(200);
    expect(r1.json().dossier.extensionAmount).toBe(3);
    expect((await desk.json("POST", url("assign"), { assigneeUserId: users["demo-specialist"] })).statusCode).toBe(200);
    expect((await spec.json("POST", url("send_to_leader"), {})).statusCode).toBe(200);
    expect((await lead.json("POST", url("send_back"), { note: "Thiếu biên bản xác minh" })).statusCode).toBe(200);
    const refused = await lead.json("POST", url("refuse"), { note: "Hồ sơ không đủ điều kiện theo quy định" });
    expect(refused.statusCode).toBe(200);
    expect(refused.json().dossier.status).toBe("refused");
    const detail = (await desk.json("GET", `/api/v1/dossiers/${encodeURIComponent(code)}`)).json();
    expect(detail.actions).toEqual([]);
    const redate = detail.events.find((e: { action: string }) => e.action === "redate");
    expect(redate.data.previousDueAt).toBeTruthy();
    expect(redate.data.dueAt).toBeTruthy();
    expect(detail.events.at(-1)).toMatchObject({ action: "refuse", note: "Hồ sơ không đủ điều kiện theo quy định", toStatus: "refused" });
  });
});

describe("tracking is rate-limited", () => {
  it("answers 429 after 30 look-ups a minute from one address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      const r = await t.app.inject({ method: "GET", url: `/api/v1/dossiers/X-${i}/status?phone=1234`, remoteAddress: "10.9.8.7" });
      statuses.push(r.statusCode);
    }
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
