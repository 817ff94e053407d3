// Issue 18, personal data protection (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15): the access log
// written by a dossier view (and read by the applicant), masked data outside the officer's queue,
// the data subject's export and requests, anonymisation that leaves the statistics unchanged, the
// ID number encrypted at rest (absent from a dump of the database and from its files), the breach
// register.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { randomUUID } from "node:crypto";
import pg from "pg";
import copyStreams from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import { createUser } from "../../src/modules/accounts/users";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { saveDraft } from "../../src/modules/dossiers/drafts";
import { fileStore } from "../../src/modules/storage/storage";
import { applyAction, type DossierActor, receiveAtCounter, requiredDocuments } from "../../src/modules/dossiers/service";
import { dossierStatistics } from "../../src/modules/dossiers/statistics";
import { runRetention } from "../../src/modules/privacy/retention";
import { type Client, createTestApp, signIn, type TestApp } from "../support/app";
import { pdfText } from "../support/pdf";

const UNIT = "000.00.25.H12";
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").toString("base64");

let t: TestApp;
let communeId: number;
let users: Record<string, number>;
let online: { code: string; mandatory: string[] };
let counter: { code: string; mandatory: string[] };
let citizen: Client;
let stranger: Client;
let mine = "";
const MY_ID = "019190009876";

const sys = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);
const scoped = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.scoped({ agencyIds: [communeId], userId: null }, fn);
const actor = (username: string, role: DossierActor["role"]): DossierActor => ({ userId: users[username]!, role, label: username, agencyId: communeId });

async function submitAs(c: Client, name: string, idNumber: string): Promise<string> {
  const res = await c.json("POST", "/api/v1/dossiers", {
    procedureCode: online.code,
    agencyCode: UNIT,
    applicant: { fullName: name, idNumber, phone: "0912345678", email: "vuvanan@example.vn", address: { line: "Thôn Đồng Tiến" } },
    consentVersion: "2026-01",
    attachments: online.mandatory.map((d) => ({ documentName: d, fileName: "giay-to.pdf", contentType: "application/pdf", dataBase64: PDF })),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().code as string;
}

async function accessRows(code: string) {
  return sys((tx) =>
    tx.query<{ username: string; kind: string; whole: boolean; in_queue: boolean; reason: string | null }>(
      "select u.username, a.kind, a.whole, a.in_queue, a.reason from personal_data_access a join users u on u.id = a.user_id join dossiers d on d.id = a.dossier_id where d.code = $1 order by a.id",
      [code],
    ),
  );
}

beforeAll(async () => {
  t = await createTestApp();
  communeId = (await sys((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [UNIT]))).id;
  users = Object.fromEntries((await sys((tx) => tx.query<{ id: number; username: string }>("select id, username from users where agency_id = $1", [communeId]))).map((u) => [u.username, u.id]));
  const offered = await sys((tx) =>
    tx.query<{ code: string; online_level: string }>("select p.code, ap.online_level from procedures p join agency_offering($1) ap on ap.procedure_id = p.id where ap.enabled order by p.code", [communeId]),
  );
  for (const c of offered) {
    const p = await sys((tx) => findOfferedProcedure(tx, { agencyId: communeId, code: c.code }));
    if (!p) continue;
    const on = requiredDocuments(p, "online").mandatory;
    const desk = requiredDocuments(p, "counter").mandatory;
    // Not a civil-status procedure: those are kept permanently, and the retention test needs one that expires.
    if (!online && c.online_level !== "none" && on.length > 0 && on.every((d) => d.length < 200) && p.field !== "Hộ tịch") online = { code: p.code, mandatory: on };
    if (!counter && p.timeLimit === null && desk.every((d) => d.length < 200)) counter = { code: p.code, mandatory: desk };
    if (online && counter) break;
  }
  expect(online).toBeDefined();
  await sys((tx) =>
    createUser(tx, { agencyId: communeId, username: "cong-dan-khac", fullName: "Lê Văn Khác", role: "citizen", password: "mat-khau-khac-2026", isDemo: true, mustChangePassword: false }, { userId: null, label: "test" }),
  );
  citizen = await signIn(t.app, "demo-citizen");
  stranger = await signIn(t.app, "cong-dan-khac", "mat-khau-khac-2026");
  mine = await submitAs(citizen, "Vũ Văn An", MY_ID);
});
afterAll(async () => {
  await t?.close();
});

describe("the access log", () => {
  it("is written by a dossier view; outside the queue the data is masked until a reason is given; the applicant sees who and why", async () => {
    const desk = await signIn(t.app, "demo-desk");
    const deskView = await desk.get(`/staff/dossiers/${encodeURIComponent(mine)}`);
    expect(deskView.statusCode).toBe(200);
    expect(deskView.body).toContain(MY_ID);
    expect(await accessRows(mine)).toEqual([{ username: "demo-desk", kind: "view", whole: true, in_queue: true, reason: null }]);

    const admin = await signIn(t.app, "demo-admin");
    const masked = await admin.get(`/staff/dossiers/${encodeURIComponent(mine)}`);
    expect(masked.statusCode).toBe(200);
    expect(masked.body).not.toContain(MY_ID);
    expect(masked.body).toContain("******9876");
    expect(masked.body).not.toContain("vuvanan@example.vn");
    expect((await admin.post(`/staff/dossiers/${encodeURIComponent(mine)}/reveal`, { reason: "ok" })).statusCode).toBe(400);
    const reveal = await admin.post(`/staff/dossiers/${encodeURIComponent(mine)}/reveal`, { reason: "Xác minh đơn phản ánh của công dân" });
    expect(reveal.statusCode).toBe(303);
    const whole = await admin.get(`/staff/dossiers/${encodeURIComponent(mine)}`);
    expect(whole.body).toContain(MY_ID);
    const rows = await accessRows(mine);
    expect(rows.slice(1)).toEqual([
      { username: "demo-admin", kind: "view", whole: false, in_queue: false, reason: null },
      { username: "demo-admin", kind: "reveal", whole: true, in_queue: false, reason: "Xác minh đơn phản ánh của công dân" },
      { username: "demo-admin", kind: "view", whole: true, in_queue: false, reason: null },
    ]);
    // The API view is logged too, and masked for someone not handling the dossier.
    const leader = await signIn(t.app, "demo-leader");
    const api = await leader.json("GET", `/api/v1/dossiers/${encodeURIComponent(mine)}`);
    expect(api.json().identifiers).toBe("masked");
    expect(api.body).not.toContain(MY_ID);

    const page = await citizen.get("/my/access-log");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Phạm Quốc Bảo");
    expect(page.body).toContain("Nguyễn Thị Hoa");
    expect(page.body).toContain("Xác minh đơn phản ánh của công dân");
    expect((await citizen.get("/my/dossiers")).body).toContain('href="/my/access-log"');
    const log = (await citizen.json("GET", "/api/v1/me/access-log")).json();
    expect(log.items.length).toBe(5);
    expect(log.items.map((i: { dossierCode: string }) => i.dossierCode)).toEqual(Array(5).fill(mine));
    // Someone else's log is not theirs.
    expect((await stranger.json("GET", "/api/v1/me/access-log")).json().items).toEqual([]);
    expect((await desk.json("GET", "/api/v1/me/access-log")).statusCode).toBe(403);
  });
});

describe("the data subject's rights", () => {
  it("exports the citizen's own data as JSON and a readable PDF; someone else gets nothing", async () => {
    const data = (await citizen.json("GET", "/api/v1/me/data")).json();
    const d = data.dossiers.find((x: { code: string }) => x.code === mine);
    expect(d.applicant.idNumber).toBe(MY_ID);
    expect(d.consent).toMatchObject({ version: "2026-01", channel: "online" });
    expect(d.attachments.length).toBe(online.mandatory.length);
    expect(data.accessLog.length).toBeGreaterThanOrEqual(5);
    expect(data.account.username).toBe("demo-citizen");
    const json = await citizen.get("/my/data.json");
    expect(json.headers["content-disposition"]).toContain("attachment");
    expect(JSON.parse(json.body).dossiers.length).toBe(data.dossiers.length);
    const pdf = await t.app.inject({ method: "GET", url: "/my/data.pdf", headers: { cookie: [...citizen.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    const text = await pdfText(pdf.rawPayload);
    expect(text).toContain("Dữ liệu cá nhân do cơ quan lưu giữ");
    expect(text).toContain(MY_ID);
    expect(text).toContain("Vũ Văn An");
    // The page itself lists the data masked.
    const page = await citizen.get("/my/data");
    expect(page.body).toContain("******9876");
    expect(page.body).not.toContain(MY_ID);

    const other = (await stranger.json("GET", "/api/v1/me/data")).json();
    expect(other.dossiers).toEqual([]);
    expect(JSON.stringify(other)).not.toContain(MY_ID);
    const steal = await stranger.post("/my/data/requests", { dossier: mine, kind: "deletion", details: "Xóa hồ sơ này giúp tôi" });
    expect(steal.statusCode).toBe(404);
    expect((await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from privacy_requests"))).n).toBe(0);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/me/data" })).statusCode).toBe(401);
  });

  it("a correction is applied by staff before its deadline; a deletion of a dossier still handled is refused with its basis", async () => {
    const before = Date.now();
    const sent = await citizen.post("/my/data/requests", { dossier: mine, kind: "correction", details: "Tôi đã đổi số điện thoại", phone: "0987 111 222" });
    expect(sent.statusCode).toBe(303);
    const req = await sys((tx) => tx.one<{ id: number; due_at: Date; status: string }>("select id, due_at, status from privacy_requests order by id desc limit 1"));
    expect(req.status).toBe("open");
    expect(req.due_at.getTime() - before).toBeGreaterThan(71 * 3_600_000);
    expect(req.due_at.getTime() - before).toBeLessThan(73 * 3_600_000);
    const notice = await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from staff_notifications where kind = 'privacy_request' and user_id = $1", [users["demo-desk"]]));
    expect(notice.n).toBe(1);

    const desk = await signIn(t.app, "demo-desk");
    expect((await desk.get("/staff/privacy")).body).toContain(`/staff/privacy/requests/${req.id}`);
    const form = await desk.get(`/staff/privacy/requests/${req.id}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain("0987111222");
    const bad = await desk.post(`/staff/privacy/requests/${req.id}/correct`, { phone: "12" });
    expect(bad.statusCode).toBe(400);
    const done = await desk.post(`/staff/privacy/requests/${req.id}/correct`, { phone: "0987111222", answer: "" });
    expect(done.statusCode).toBe(303);
    const d = await sys((tx) => tx.one<{ applicant_phone: string }>("select applicant_phone from dossiers where code = $1", [mine]));
    expect(d.applicant_phone).toBe("0987111222");
    expect((await sys((tx) => tx.one<{ status: string }>("select status from privacy_requests where id = $1", [req.id]))).status).toBe("done");
    expect((await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from audit_log where action = 'privacy.request.correct'"))).n).toBe(1);
    expect((await desk.post(`/staff/privacy/requests/${req.id}/correct`, { phone: "0987111333" })).statusCode).toBe(409);
    expect((await citizen.get("/my/data")).body).toContain("Đã thực hiện");

    await citizen.post("/my/data/requests", { dossier: mine, kind: "deletion", details: "Xin xóa dữ liệu của tôi" });
    const del = await sys((tx) => tx.one<{ id: number }>("select id from privacy_requests where kind = 'deletion' order by id desc limit 1"));
    const proposal = await desk.get(`/staff/privacy/requests/${del.id}`);
    expect(proposal.body).toContain("Hồ sơ đang giải quyết");
    expect((await desk.post(`/staff/privacy/requests/${del.id}/refuse`, { answer: "" })).statusCode).toBe(400);
    const refused = await desk.post(`/staff/privacy/requests/${del.id}/refuse`, { answer: "Hồ sơ đang giải quyết: cần dữ liệu để thực hiện thủ tục (Luật 91/2025/QH15)." });
    expect(refused.statusCode).toBe(303);
    expect((await citizen.get("/my/data")).body).toContain("Hồ sơ đang giải quyết: cần dữ liệu");
  });
});

/** Every row of every table of every schema as COPY text: what pg_dump --data-only writes. */
async function dumpAllTables(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables = await c.query<{ s: string; t: string }>(
      "select table_schema as s, table_name as t from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')",
    );
    const parts: string[] = [];
    for (const { s, t: table } of tables.rows) {
      const chunks: Buffer[] = [];
      await pipeline(
        c.query(copyStreams.to(`copy "${s}"."${table}" to stdout`)),
        new Writable({
          write(chunk: Buffer, _e, cb) {
            chunks.push(chunk);
            cb();
          },
        }),
      );
      parts.push(`-- ${s}.${table}\n${Buffer.concat(chunks).toString("utf8")}`);
    }
    return parts.join("\n");
  } finally {
    await c.end();
  }
}

/** The database's own files on disk (heap, TOAST, indexes), dead row versions included; undefined when they cannot be read. */
async function databaseFiles(url: string): Promise<Buffer | undefined> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const su = (await c.query<{ s: boolean }>("select rolsuper as s from pg_roles where rolname = current_user")).rows[0]?.s;
    if (!su) return undefined;
    await c.query("checkpoint");
    const dir = (await c.query<{ d: string }>("select current_setting('data_directory') as d")).rows[0]!.d;
    const rels = await c.query<{ p: string }>("select pg_relation_filepath(oid) as p from pg_class where pg_relation_filepath(oid) is not null and relkind in ('r', 't', 'i', 'm')");
    const bufs: Buffer[] = [];
    for (const { p } of rels.rows) {
      const base = path.join(dir, p);
      const folder = path.dirname(base);
      if (!existsSync(folder)) continue;
      for (const f of readdirSync(folder)) if (f === path.basename(base) || f.startsWith(`${path.basename(base)}.`)) if (statSync(path.join(folder, f)).isFile()) bufs.push(readFileSync(path.join(folder, f)));
    }
    return Buffer.concat(bufs);
  } finally {
    await c.end();
  }
}

describe("ID numbers encrypted at rest", () => {
  it("are in no dump of the database nor in its files, while tracking and search still work", async () => {
    const counterId = "019085004321";
    const draftId = "019205001122";
    const correctedId = "019190007777";
    // A dossier received at the counter, a draft saved online, a correction asking for another number.
    const received = await scoped((tx) =>
      receiveAtCounter(tx, {
        agencyId: communeId,
        procedureCode: counter.code,
        applicant: { fullName: "Hà Thị Quầy", idNumber: counterId, phone: "0977123456", address: { line: "Thôn Tân Lập", communeCode: undefined } },
        documentsReceived: counter.mandatory,
        timeLimit: { amount: 5, unit: "working_days", basis: "Nghị định 123/2015/NĐ-CP" },
        actor: actor("demo-desk", "desk_officer"),
        consentVersion: "2026-01",
      }),
    );
    await saveDraft(t.tdb.db, {
      agencyId: communeId,
      procedureCode: online.code,
      token: undefined,
      values: { fullName: "Đỗ Thị Nháp", idNumber: draftId, phone: "0933444555", idempotencyKey: randomUUID() },
      uploads: [],
    });
    await citizen.post("/my/data/requests", { dossier: mine, kind: "correction", details: "Số căn cước mới", idNumber: correctedId });

    const ids = [MY_ID, counterId, draftId, correctedId];
    const dump = await dumpAllTables(t.tdb.url);
    expect(dump).toContain(received.code);
    for (const id of ids) expect(dump.includes(id), `${id} in the dump`).toBe(false);
    const files = await databaseFiles(t.tdb.url);
    // The embedded server's files are always readable here; an external one may not be.
    if (inject("dbKind") === "embedded") expect(files).toBeDefined();
    if (files) {
      expect(files.includes(Buffer.from(received.code))).toBe(true);
      for (const id of ids) expect(files.includes(Buffer.from(id)), `${id} in the database files`).toBe(false);
    }
    const stored = await sys((tx) => tx.query<{ v: string }>("select applicant_id_number as v from dossiers where code = any($1)", [[mine, received.code]]));
    for (const r of stored) expect(r.v).toMatch(/^v1\./);

    // Search by the whole number (its look-up hash) and tracking by code and phone still find it.
    const desk = await signIn(t.app, "demo-desk");
    const found = await desk.get(`/staff/dossiers?queue=all&q=${counterId}`);
    expect(found.body).toContain(received.code);
    // The list shows it masked (the search box keeps what was typed).
    const rows = /<tbody>[\s\S]*<\/tbody>/.exec(found.body)![0];
    expect(rows).not.toContain(counterId);
    expect(rows).toContain("******4321");
    const track = await t.app.inject({ method: "GET", url: `/api/v1/dossiers/${encodeURIComponent(received.code)}/status?phone=3456` });
    expect(track.statusCode).toBe(200);
    expect((await desk.get(`/staff/dossiers/${encodeURIComponent(received.code)}`)).body).toContain(counterId);
  });
});

describe("retention and anonymisation", () => {
  it("removes the personal data of closed dossiers past their period and leaves the statistics unchanged", async () => {
    // Carry the citizen's dossier through to its return.
    const act = (action: string, [u, role]: [string, DossierActor["role"]], input: Record<string, unknown> = {}) =>
      scoped((tx) => applyAction(tx, { dossierCode: mine, agencyId: communeId, action: action as never, actor: actor(u, role), input }));
    await act("accept", ["demo-desk", "desk_officer"], { timeLimit: { amount: "5", unit: "working_days", basis: "Nghị định 123/2015/NĐ-CP" } });
    const st = await sys((tx) => tx.one<{ status: string; procedure_field: string }>("select status, procedure_field from dossiers where code = $1", [mine]));
    if (st.status === "received") await act("assign", ["demo-desk", "desk_officer"], { assigneeUserId: users["demo-specialist"] });
    await act("mark_result_ready", ["demo-desk", "desk_officer"]);
    await act("return", ["demo-desk", "desk_officer"], { returnChannel: "counter" });
    const files = await sys((tx) => tx.query<{ storage_path: string }>("select a.storage_path from dossier_attachments a join dossiers d on d.id = a.dossier_id where d.code = $1", [mine]));
    const store = fileStore(t.tdb.db);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(await store.head(f.storage_path)).toBeDefined();

    const period = { agencyId: communeId, from: "2020-01-01", to: "2031-12-31", now: new Date("2032-01-01T00:00:00Z") };
    const statsBefore = await scoped((tx) => dossierStatistics(tx, period));
    const permanentBefore = await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from dossiers where agency_id = $1 and procedure_field = 'Hộ tịch' and closed_at is not null", [communeId]));
    const admin = await signIn(t.app, "demo-admin");
    expect((await admin.post("/staff/privacy/retention", { field: st.procedure_field, years: "1", basis: "Quy định lưu trữ của xã" })).statusCode).toBe(303);
    expect((await admin.post("/staff/privacy/retention", { field: st.procedure_field, years: "abc" })).statusCode).toBe(400);
    const runs = await runRetention(t.tdb.db, { agencyIds: [communeId], now: new Date(Date.now() + 3 * 365 * 86_400_000) });
    expect(runs[0]!.anonymised).toBeGreaterThan(1);

    const statsAfter = await scoped((tx) => dossierStatistics(tx, period));
    expect(statsAfter).toEqual(statsBefore);
    const d = await sys((tx) =>
      tx.one<{ applicant_full_name: string; applicant_id_number: string; applicant_phone: string; applicant_email: string | null; anonymised_at: Date | null; status: string; received_at: Date | null }>(
        "select applicant_full_name, applicant_id_number, applicant_phone, applicant_email, anonymised_at, status, received_at from dossiers where code = $1",
        [mine],
      ),
    );
    expect(d).toMatchObject({ applicant_full_name: "", applicant_id_number: "", applicant_phone: "", applicant_email: null, status: "returned" });
    expect(d.anonymised_at).not.toBeNull();
    expect(d.received_at).not.toBeNull();
    for (const f of files) expect(await store.head(f.storage_path)).toBeUndefined();
    // Civil-status records are kept permanently: none was touched.
    expect((await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from dossiers where agency_id = $1 and procedure_field = 'Hộ tịch' and anonymised_at is not null", [communeId]))).n).toBe(0);
    expect(permanentBefore.n).toBeGreaterThan(0);
    expect((await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from audit_log where action = 'privacy.anonymise'"))).n).toBe(runs[0]!.anonymised);
    const desk = await signIn(t.app, "demo-desk");
    expect((await desk.get(`/staff/dossiers/${encodeURIComponent(mine)}`)).body).toContain("đã được ẩn danh");
    expect((await desk.get(`/staff/dossiers?queue=all&q=${MY_ID}`)).body).not.toContain(mine);
    // The export still lists the dossier, without the data.
    const exported = (await citizen.json("GET", "/api/v1/me/data")).json().dossiers.find((x: { code: string }) => x.code === mine);
    expect(exported.applicant.idNumber).toBe("");
    expect(exported.anonymisedAt).not.toBeNull();
  });
});

describe("the API", () => {
  it("documents the new operations in the OpenAPI document", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/api/v1/openapi.json" })).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths["/api/v1/sync/dvcqg/status"] ?? {})).toContain("get");
    expect(Object.keys(doc.paths["/api/v1/sync/dvcqg/resend"] ?? {})).toContain("post");
    expect(Object.keys(doc.paths["/api/v1/me/data"] ?? {})).toContain("get");
    expect(Object.keys(doc.paths["/api/v1/me/access-log"] ?? {})).toContain("get");
  });
});

describe("the breach register", () => {
  it("keeps each incident with the 72-hour deadline until the authority is notified", async () => {
    const admin = await signIn(t.app, "demo-admin");
    const fmt = (d: Date) => {
      const v = new Date(d.getTime() + 7 * 3_600_000);
      const p = (n: number) => String(n).padStart(2, "0");
      return `${p(v.getUTCDate())}/${p(v.getUTCMonth() + 1)}/${v.getUTCFullYear()} ${p(v.getUTCHours())}:${p(v.getUTCMinutes())}`;
    };
    const recent = await admin.post("/staff/privacy/breaches", { discoveredAt: fmt(new Date(Date.now() - 24 * 3_600_000)), description: "Gửi nhầm danh sách hồ sơ có số điện thoại cho một đơn vị khác", dataAffected: "Họ tên, số điện thoại", subjectsCount: "12", measures: "Đề nghị đơn vị nhận xóa" });
    expect(recent.statusCode).toBe(303);
    const old = await admin.post("/staff/privacy/breaches", { discoveredAt: fmt(new Date(Date.now() - 4 * 24 * 3_600_000)), description: "Máy tính của bộ phận một cửa bị nhiễm mã độc", dataAffected: "", subjectsCount: "", measures: "" });
    expect(old.statusCode).toBe(303);
    expect((await admin.post("/staff/privacy/breaches", { discoveredAt: "32/13/2026", description: "Mô tả đủ dài để hợp lệ" })).statusCode).toBe(400);
    expect((await admin.post("/staff/privacy/breaches", { discoveredAt: fmt(new Date(Date.now() + 3 * 24 * 3_600_000)), description: "Mô tả đủ dài để hợp lệ" })).statusCode).toBe(422);
    let page = (await admin.get("/staff/privacy/breaches")).body;
    expect(page).toContain("Phải thông báo trước");
    expect(page).toContain("Quá hạn thông báo");
    const ids = await sys((tx) => tx.query<{ id: number }>("select id from privacy_breaches order by discovered_at desc"));
    expect((await admin.post(`/staff/privacy/breaches/${ids[0]!.id}`, { step: "authority_notified", measures: "" })).statusCode).toBe(303);
    page = (await admin.get("/staff/privacy/breaches")).body;
    expect(page).toContain("Đã thông báo đúng hạn");
    expect((await admin.post(`/staff/privacy/breaches/${ids[0]!.id}`, { step: "bogus" })).statusCode).toBe(400);
    // Not the desk's to keep.
    expect((await (await signIn(t.app, "demo-desk")).get("/staff/privacy/breaches")).statusCode).toBe(403);
  });
});
