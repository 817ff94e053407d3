// Issue 18: synchronisation with the National Public Service Portal through the outbox, against
// the local stand-in (its own HTTP server). The stand-in dies in the middle of a run, answers
// errors and times out; every dossier still arrives, each dossier's steps in order, and nothing
// is applied twice. Records are validated field by field on both sides; what the portal refuses
// is shown with its error and resent by the administrator; the nightly reconciliation finds what
// the portal lost; the catalog comparison flags what differs.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import type { DossierStatus } from "../../src/domain/dossiers/state-machine";
import { DEFAULT_MAPPING, DossierRecord, nationalFromProcedure, parsePortalDate, recordProblems } from "../../src/domain/sync/dvcqg";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { stageFiles } from "../../src/modules/dossiers/files";
import { submissionHash, submitOnlineTx } from "../../src/modules/dossiers/online-intake";
import { applyAction, type DossierActor, receiveAtCounter, requiredDocuments } from "../../src/modules/dossiers/service";
import { type DvcqgStandin, startDvcqgStandin } from "../../src/modules/dvcqg-standin/standin";
import { PortalClient } from "../../src/modules/sync-dvcqg/client";
import { checkCatalog } from "../../src/modules/sync-dvcqg/catalog-check";
import { drainSyncOutbox } from "../../src/modules/sync-dvcqg/outbox";
import { reconcileAgency } from "../../src/modules/sync-dvcqg/reconcile";
import { findSyncSettings, saveSyncSettings } from "../../src/modules/sync-dvcqg/settings";
import { createTestApp, signIn, type TestApp } from "../support/app";

const UNIT = "000.00.25.H12";
const ACCOUNT = { username: "motcua-minhtien", password: "mat-khau-cong-2026", dstCode: "DST-H12", units: [UNIT] };
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

let t: TestApp;
let standin: DvcqgStandin;
let communeId: number;
let users: Record<string, number>;
let online: { code: string; mandatory: string[] };
let counter: { code: string; mandatory: string[] };

const sys = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);
const scoped = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.scoped({ agencyIds: [communeId], userId: null }, fn);
const actor = (username: string, role: DossierActor["role"]): DossierActor => ({ userId: users[username]!, role, label: username, agencyId: communeId });
/** Drains with no waiting between attempts and a short timeout, as the job would over minutes. */
const drain = () => drainSyncOutbox(t.tdb.db, { batch: 7, timeoutMs: 1500, backoffSeconds: () => 0 });

async function submitOnline(name: string): Promise<string> {
  const applicant = { fullName: name, idNumber: "019085001234", phone: "0912345678", email: "nguoinop@example.vn", address: { line: "Thôn Đồng Tiến", communeCode: undefined } };
  const files = await stageFiles({
    db: t.tdb.db,
    agencyId: communeId,
    uploads: online.mandatory.map((d) => ({ documentName: d, fileName: "giay-to.pdf", data: PDF })),
  });
  const r = await submitOnlineTx(t.tdb.db, {
    agencyId: communeId,
    procedureCode: online.code,
    applicant,
    fields: {},
    files,
    idempotencyKey: randomUUID(),
    requestHash: submissionHash({ agencyCode: UNIT, procedureCode: online.code, applicant, fields: {}, files }),
    applicantUserId: null,
    consentVersion: "2026-01",
  });
  return r.dossier.code;
}

async function receive(name: string, idNumber = "019190001234"): Promise<string> {
  const d = await scoped((tx) =>
    receiveAtCounter(tx, {
      agencyId: communeId,
      procedureCode: counter.code,
      applicant: { fullName: name, idNumber, phone: "0987654321", address: { line: "Thôn Tân Lập", communeCode: undefined } },
      documentsReceived: counter.mandatory,
      timeLimit: { amount: 5, unit: "working_days", basis: "Nghị định 123/2015/NĐ-CP" },
      actor: actor("demo-desk", "desk_officer"),
      consentVersion: "2026-01",
    }),
  );
  return d.code;
}

const ROLE_OF: Record<string, [string, DossierActor["role"]]> = {
  accept: ["demo-desk", "desk_officer"],
  assign: ["demo-desk", "desk_officer"],
  request_supplement: ["demo-desk", "desk_officer"],
  supply_supplement: ["demo-desk", "desk_officer"],
  send_to_leader: ["demo-specialist", "specialist"],
  approve: ["demo-leader", "leader"],
  mark_result_ready: ["demo-desk", "desk_officer"],
  return: ["demo-desk", "desk_officer"],
  note: ["demo-desk", "desk_officer"],
};

async function act(code: string, action: string, input: Record<string, unknown> = {}): Promise<void> {
  const [username, role] = ROLE_OF[action]!;
  await scoped((tx) => applyAction(tx, { dossierCode: code, agencyId: communeId, action: action as never, actor: actor(username, role), input }));
}

async function walk(code: string, online: boolean): Promise<void> {
  if (online) await act(code, "accept", { timeLimit: { amount: "5", unit: "working_days", basis: "Nghị định 123/2015/NĐ-CP" } });
  await act(code, "request_supplement", { note: "Bổ sung bản sao giấy khai sinh" });
  await act(code, "supply_supplement", { note: "Đã nộp" });
  const st = await sys((tx) => tx.one<{ status: DossierStatus }>("select status from dossiers where code = $1", [code]));
  if (st.status === "received") await act(code, "assign", { assigneeUserId: users["demo-specialist"] });
  await act(code, "send_to_leader", { leaderUserId: users["demo-leader"] });
  await act(code, "approve", {});
  await act(code, "mark_result_ready", {});
  await act(code, "return", { returnChannel: "counter" });
}

async function eventsOf(code: string) {
  return sys((tx) =>
    tx.query<{ id: number; at: Date; to_status: DossierStatus }>("select e.id, e.at, e.to_status from dossier_events e join dossiers d on d.id = e.dossier_id where d.code = $1 order by e.id", [code]),
  );
}

beforeAll(async () => {
  t = await createTestApp();
  communeId = (await sys((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [UNIT]))).id;
  users = Object.fromEntries((await sys((tx) => tx.query<{ id: number; username: string }>("select id, username from users where agency_id = $1", [communeId]))).map((u) => [u.username, u.id]));
  const offered = await sys((tx) =>
    tx.query<{ code: string; online_level: string }>(
      "select p.code, ap.online_level from procedures p join agency_offering($1) ap on ap.procedure_id = p.id where ap.enabled order by p.code",
      [communeId],
    ),
  );
  for (const c of offered) {
    const p = await sys((tx) => findOfferedProcedure(tx, { agencyId: communeId, code: c.code }));
    if (!p) continue;
    const on = requiredDocuments(p, "online").mandatory;
    const desk = requiredDocuments(p, "counter").mandatory;
    if (!online && c.online_level !== "none" && on.length > 0 && on.every((d) => d.length < 200)) online = { code: p.code, mandatory: on };
    if (!counter && p.timeLimit === null && desk.every((d) => d.length < 200)) counter = { code: p.code, mandatory: desk };
    if (online && counter) break;
  }
  expect(online).toBeDefined();
  expect(counter).toBeDefined();
  const offeredProcs = await sys(async (tx) => {
    const out = [];
    for (const o of offered.slice(0, 40)) out.push(await findOfferedProcedure(tx, { agencyId: communeId, code: o.code }));
    return out;
  });
  const national = offeredProcs.filter((p) => p !== undefined).map((p) => nationalFromProcedure({ ...p.procedure, channels: p.procedure.channels }));
  // The national catalog renamed one procedure since this installation imported it.
  national[1] = { ...national[1]!, TenTTHC: `${national[1]!.TenTTHC} (sửa đổi)` };
  standin = await startDvcqgStandin({ accounts: [ACCOUNT], procedures: national });
  await sys((tx) =>
    saveSyncSettings(tx, {
      agencyId: communeId,
      input: { enabled: true, endpoint: standin.url, username: ACCOUNT.username, password: ACCOUNT.password, unitCode: UNIT, dstCode: ACCOUNT.dstCode, mapping: DEFAULT_MAPPING },
      actor: { userId: null, label: "system" },
    }),
  );
});
afterAll(async () => {
  await standin?.close();
  await t?.close();
});

describe("the outbox under a failing stand-in", () => {
  it("loses nothing when the portal dies mid-stream, answers errors and times out: every dossier arrives, steps in order", async () => {
    const codes: { code: string; online: boolean }[] = [];
    for (let i = 0; i < 6; i++) codes.push({ code: await submitOnline(`Nguyễn Văn Trực ${i}`), online: true });
    for (let i = 0; i < 6; i++) codes.push({ code: await receive(`Trần Thị Quầy ${i}`), online: false });
    for (const c of codes.slice(0, 8)) await walk(c.code, c.online);
    const queued = await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from sync_dvcqg_outbox where status = 'pending'"));
    expect(queued.n).toBeGreaterThan(60);

    // Dies after three service calls, in the middle of the run.
    standin.dieAfter(3);
    const first = await drain();
    expect(first.sent).toBeGreaterThan(0);
    expect(first.retried).toBeGreaterThan(0);
    // While it is down: more steps, and the runs only retry.
    await walk(codes[8]!.code, codes[8]!.online);
    const down = await drain();
    expect(down.sent).toBe(0);
    await standin.revive();
    // Back, but failing inside twice, then once too slow to answer.
    standin.fail({ kind: "http500", times: 1 });
    await drain();
    standin.fail({ kind: "internal", times: 1 });
    await drain();
    standin.fail({ kind: "timeout", times: 1 });
    await drain();
    // Then recovering by itself.
    for (let i = 0; i < 30; i++) {
      const r = await drain();
      if (r.rounds === 0) break;
    }
    const left = await sys((tx) => tx.one<{ pending: number; failed: number }>("select count(*) filter (where status = 'pending')::int as pending, count(*) filter (where status = 'failed')::int as failed from sync_dvcqg_outbox"));
    expect(left).toEqual({ pending: 0, failed: 0 });

    const unit = standin.dossiers.get(UNIT)!;
    for (const { code } of codes) {
      const rec = unit.get(code);
      expect(rec, code).toBeDefined();
      const d = await sys((tx) => tx.one<{ status: DossierStatus }>("select status from dossiers where code = $1", [code]));
      expect(rec!.TrangThaiHoSo, code).toBe(DEFAULT_MAPPING.status[d.status]);
      const events = await eventsOf(code);
      const steps = standin.steps.filter((s) => s.MaHoSo === code);
      // Every step once, in the order of the events.
      expect(steps.map((s) => s.TrangThai), code).toEqual(events.map((e) => DEFAULT_MAPPING.status[e.to_status]));
      const times = steps.map((s) => parsePortalDate(s.ThoiDiemXuLy)!.getTime());
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
    expect(standin.outOfOrder).toEqual([]);
    // A returned dossier carries its supplement round with the appointment before and after it.
    const returned = unit.get(codes[0]!.code)!;
    expect(returned.TrangThaiHoSo).toBe("10");
    expect(returned.NgayTra).toMatch(/^\d{14}$/);
    expect(returned.DanhSachHoSoBoSung).toHaveLength(1);
    expect(returned.DanhSachHoSoBoSung[0]!.TrangThaiBoSung).toBe("2");
    expect(returned.DanhSachHoSoBoSung[0]!.NgayHenTraMoi).toMatch(/^\d{14}$/);
    expect(returned.TaiLieuNop.length).toBeGreaterThan(0);
    expect(returned.MaDoiTuong).toBe("019085001234");
  }, 120_000);

  it("a new dossier arrives with its first step (the record as it stood then)", async () => {
    const code = await receive("Lê Văn Mới");
    await drain();
    const rec = standin.dossiers.get(UNIT)!.get(code)!;
    expect(rec.TrangThaiHoSo === "2" || rec.TrangThaiHoSo === "4").toBe(true);
    expect(rec.NgayHenTra).toMatch(/^\d{14}$/);
    // Vietnam time: the portal date is the local wall clock of the receipt.
    const received = await sys((tx) => tx.one<{ received_at: Date }>("select received_at from dossiers where code = $1", [code]));
    expect(parsePortalDate(rec.NgayTiepNhan)!.getTime()).toBe(Math.floor(received.received_at.getTime() / 1000) * 1000);
  });
});

describe("field validation of the records sent", () => {
  it("the stand-in refuses a malformed record with the portal's error shape, naming the field", async () => {
    const client = new PortalClient({ endpoint: standin.url, username: ACCOUNT.username, password: ACCOUNT.password, unitCode: UNIT, dstCode: ACCOUNT.dstCode });
    const good = [...standin.dossiers.get(UNIT)!.values()][0]!;
    const res = await fetch(`${standin.url}/login`, { method: "POST", headers: { "content-type": "application/json", dstcode: ACCOUNT.dstCode }, body: JSON.stringify({ username: ACCOUNT.username, password: ACCOUNT.password }) });
    const { session } = (await res.json()) as { session: string };
    const bad = { ...good, MaHoSo: "X-1", NgayTiepNhan: "2026-01-05", SoDienThoai: "12345", MaDoiTuong: "0190" };
    const reply = (await (
      await fetch(`${standin.url}/service`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ session, madonvi: UNIT, service: "DongBoHoSoMC", isUpdating: false, data: [bad] }) })
    ).json()) as { error_code: number; message: string; errors: { MaHoSo: string; message: string }[] };
    expect(reply.error_code).toBe(2);
    expect(reply.errors.map((e) => e.message.split(":")[0])).toEqual(expect.arrayContaining(["NgayTiepNhan", "SoDienThoai", "MaDoiTuong"]));
    expect(standin.dossiers.get(UNIT)!.has("X-1")).toBe(false);
    // Wrong credentials, an unknown unit, an unknown service: the portal's codes.
    expect((await (await fetch(`${standin.url}/login`, { method: "POST", headers: { "content-type": "application/json", dstcode: "x" }, body: JSON.stringify({ username: ACCOUNT.username, password: ACCOUNT.password }) })).json()) as { error_code: number }).toMatchObject({ error_code: 1 });
    await expect(new PortalClient({ endpoint: standin.url, username: ACCOUNT.username, password: ACCOUNT.password, unitCode: "000.00.99.H99", dstCode: ACCOUNT.dstCode }).call("LayDanhSachTTHC", {})).rejects.toMatchObject({ code: 5, kind: "rejected" });
    // A progress step for a dossier the portal does not hold.
    await expect(client.call("CapNhatTienDoHoSoMC", { data: [{ ...standin.steps[0]!, MaHoSo: "KHONG-CO" }] })).rejects.toMatchObject({ code: 4 });
    // Every record the adapter sent passed the schema.
    for (const r of standin.dossiers.get(UNIT)!.values()) expect(recordProblems(DossierRecord, r)).toEqual([]);
  });

  it("a dossier whose data breaks a field is held back with the error shown, then resent once corrected", async () => {
    const code = await receive("Phạm Văn Sai");
    // A phone number the portal does not accept (written by an old import, say).
    await sys((tx) => tx.exec("update dossiers set applicant_phone = '12345' where code = $1", [code]));
    await act(code, "note", { note: "Kiểm tra" });
    await drain();
    const rows = await sys((tx) =>
      tx.query<{ status: string; last_error: string | null }>("select o.status, o.last_error from sync_dvcqg_outbox o join dossiers d on d.id = o.dossier_id where d.code = $1 order by o.id", [code]),
    );
    // The first step failed with the field named; the next waits behind it (order kept).
    expect(rows[0]!.status).toBe("failed");
    expect(rows[0]!.last_error).toContain("SoDienThoai");
    expect(rows.slice(1).every((r) => r.status === "pending")).toBe(true);
    expect(standin.dossiers.get(UNIT)!.has(code)).toBe(false);

    const admin = await signIn(t.app, "demo-admin");
    const page = await admin.get("/staff/sync");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(code);
    expect(page.body).toContain("SoDienThoai");
    const counts = await admin.json("GET", `/api/v1/sync/dvcqg/status?agency=${UNIT}`);
    expect(counts.statusCode).toBe(200);
    expect(counts.json()).toMatchObject({ agency: UNIT });
    expect(counts.json().failed).toBeGreaterThanOrEqual(1);

    await sys((tx) => tx.exec("update dossiers set applicant_phone = '0987000111' where code = $1", [code]));
    const r = await admin.json("POST", "/api/v1/sync/dvcqg/resend", { dossierCode: code });
    expect(r.statusCode).toBe(200);
    expect(r.json().resent).toBe(1);
    await drain();
    await drain();
    expect(standin.dossiers.get(UNIT)!.get(code)?.SoDienThoai).toBe("0987000111");
    const after = await admin.json("GET", `/api/v1/sync/dvcqg/status?agency=${UNIT}`);
    expect(after.json().failed).toBe(0);
    expect(after.json().received).toBe(after.json().synced + after.json().pending);
    // Someone else's agency is not the admin's to read; a province supervisor reads its commune.
    expect((await admin.json("GET", "/api/v1/sync/dvcqg/status?agency=000.00.01.H56")).statusCode).toBe(404);
    const province = await signIn(t.app, "demo-province");
    expect((await province.json("GET", `/api/v1/sync/dvcqg/status?agency=${UNIT}&from=2026-01-01&to=2026-12-31`)).statusCode).toBe(200);
    expect((await province.json("POST", "/api/v1/sync/dvcqg/resend", {})).statusCode).toBe(403);
    expect((await admin.json("GET", `/api/v1/sync/dvcqg/status?from=2026-05-01&to=2026-01-01`)).statusCode).toBe(400);
  });
});

describe("reconciliation and the catalog", () => {
  it("sends dossiers that never entered the outbox and those the portal lost", async () => {
    // Dossiers from before the connection (the demo's), and one the portal lost.
    const lostCode = [...standin.dossiers.get(UNIT)!.keys()][0]!;
    standin.dossiers.get(UNIT)!.delete(lostCode);
    const s = (await sys((tx) => findSyncSettings(tx, communeId)))!;
    const r = await reconcileAgency(t.tdb.db, s, { sample: 1000, timeoutMs: 2000 });
    expect(r.error).toBeNull();
    expect(r.missing).toBeGreaterThanOrEqual(1);
    expect(r.resent).toBeGreaterThan(1);
    for (let i = 0; i < 40 && (await drain()).rounds > 0; i++);
    expect(standin.dossiers.get(UNIT)!.has(lostCode)).toBe(true);
    const never = await sys((tx) =>
      tx.one<{ n: number }>("select count(*)::int as n from dossiers d where d.agency_id = $1 and coalesce(d.submitted_at, d.received_at, d.created_at) > now() - interval '29 days' and not exists (select 1 from sync_dvcqg_outbox o where o.dossier_id = d.id)", [communeId]),
    );
    expect(never.n).toBe(0);
  }, 60_000);

  it("flags the procedures that differ from the national catalog", async () => {
    const s = (await sys((tx) => findSyncSettings(tx, communeId)))!;
    const r = await checkCatalog(t.tdb.db, s, { timeoutMs: 2000 });
    expect(r.error).toBeNull();
    expect(r.compared).toBeGreaterThan(10);
    const diffs = await sys((tx) => tx.query<{ procedure_code: string; differences: { what: string }[] }>("select procedure_code, differences from sync_dvcqg_catalog_diffs where agency_id = $1", [communeId]));
    const whats = new Set(diffs.flatMap((d) => d.differences.map((x) => x.what)));
    expect(whats.has("name")).toBe(true);
    // Procedures beyond the stand-in's list are not in the national catalog it knows.
    expect(whats.has("missing")).toBe(true);
    const admin = await signIn(t.app, "demo-admin");
    const page = await admin.get("/staff/sync");
    expect(page.body).toContain("(sửa đổi)");
  });
});
