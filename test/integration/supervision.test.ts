import ExcelJS from "exceljs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scope } from "../../src/db/scope";
import { MASK } from "../../src/domain/dossiers/masking";
import { classifyResolution } from "../../src/domain/dossiers/timeliness";
import type { DossierStatisticsRow } from "../../src/domain/reports/contracts";
import { createUser } from "../../src/modules/accounts/users";
import { catalogSummary } from "../../src/modules/catalog/summary";
import { communicationsSummary } from "../../src/modules/communications/summary";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { generateDossiers } from "../../src/modules/dossiers/demo";
import { dossierStatistics, listStatisticsDossiers, STATISTICS_LISTS, type StatisticsList } from "../../src/modules/dossiers/statistics";
import { overdueTaskCounts } from "../../src/modules/plans/plans";
import { findProvince, supervise } from "../../src/modules/supervision/service";
import { type Client, createTestApp, signIn, type TestApp } from "../support/app";

import { unseal } from "../../src/modules/privacy/sealing";

// The commune's day (Asia/Ho_Chi_Minh): after 17:00 UTC a dossier received now belongs to the next UTC+7 day.
const localDay = (d: Date): string => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh" }).format(d);

// Issue 16: the province's supervision workspace. Its figures are the communes' own (the same
// queries), a supervisor sees its own province only, and what it opens is read-only and masked.

let t: TestApp;
let province: Client;
let provinceId: number;
let communeIds: number[];
let otherProvinceCode: string;
let otherCommune: { id: number; code: string };
const OTHER_PASSWORD = "other-commune-password";

const scopeOf = (id: number): Scope => ({ agencyIds: [id], userId: null });

beforeAll(async () => {
  t = await createTestApp();
  const db = t.tdb.db;
  const demo = await db.system((tx) => tx.one<{ id: number; parent_id: number }>("select id, parent_id from agencies where code = $1", [DEMO_COMMUNE_CODE]));
  provinceId = demo.parent_id;
  const siblings = await db.system((tx) => tx.query<{ id: number }>("select id from agencies where parent_id = $1 and kind = 'commune' and id <> $2 order by id limit 3", [provinceId, demo.id]));
  communeIds = [demo.id, ...siblings.map((s) => s.id)];
  const other = await db.system((tx) =>
    tx.one<{ id: number; code: string; parent_code: string }>(
      "select a.id, a.code, p.code as parent_code from agencies a join agencies p on p.id = a.parent_id where a.kind = 'commune' and a.parent_id <> $1 order by a.id limit 1",
      [provinceId],
    ),
  );
  otherCommune = { id: other.id, code: other.code };
  otherProvinceCode = other.parent_code;
  // Dossiers in the other communes of the province and in one commune of another province.
  await db.system((tx) => generateDossiers(tx, { agencyIds: siblings.map((s) => s.id), perAgency: 60, days: 200, seed: 7 }));
  await db.system((tx) => generateDossiers(tx, { agencyIds: [other.id], perAgency: 40, days: 200, seed: 8 }));
  await db.system((tx) =>
    createUser(tx, { agencyId: demo.id, username: "sup-desk", fullName: "Cán bộ một cửa", role: "desk_officer", password: OTHER_PASSWORD, isDemo: false, mustChangePassword: false }, { userId: null, label: "test" }),
  );
  province = await signIn(t.app, "demo-province");
}, 180_000);
afterAll(async () => {
  await t?.close();
});

type Raw = { channel: string; received_at: Date | null; due_at: Date | null; finished_at: Date | null; closed_at: Date | null; supplement_count: number };

/** Biểu 06 counted in TypeScript from the raw rows (docs/dossiers.md), the reference the SQL function must agree with. */
function reference(rows: readonly Raw[], from: string, to: string, now: Date): DossierStatisticsRow {
  const start = new Date(`${from}T00:00:00+07:00`);
  const end = new Date(new Date(`${to}T00:00:00+07:00`).getTime() + 86_400_000);
  const cut = now < end ? now : end;
  const out: DossierStatisticsRow = { field: "", received: { total: 0, online: 0, inPersonOrPost: 0, carriedOver: 0 }, resolved: { total: 0, early: 0, onTime: 0, late: 0 }, inProgress: { total: 0, withinTime: 0, overdue: 0 } };
  for (const r of rows) {
    const ended = r.finished_at ?? r.closed_at;
    // Submitted online and not yet received: not in Biểu 06.
    if (!r.received_at) continue;
    if (!(r.received_at < end && (r.received_at >= start || !ended || ended >= start))) continue;
    out.received.total++;
    if (r.received_at >= start) {
      if (r.channel === "online") out.received.online++;
      else out.received.inPersonOrPost++;
    } else out.received.carriedOver++;
    if (r.finished_at && r.finished_at >= start && r.finished_at < end) {
      const k = classifyResolution({ finishedAt: r.finished_at, dueAt: r.due_at, supplementCount: r.supplement_count });
      out.resolved.total++;
      if (k === "early") out.resolved.early++;
      else if (k === "on_time") out.resolved.onTime++;
      else out.resolved.late++;
    } else if (!ended || ended >= end) {
      out.inProgress.total++;
      if (r.due_at && r.due_at < cut) out.inProgress.overdue++;
      else out.inProgress.withinTime++;
    }
  }
  return out;
}

const strip = (r: DossierStatisticsRow) => ({ received: r.received, resolved: r.resolved, inProgress: r.inProgress });

describe("supervision figures are the communes' own", () => {
  it("equal the sum of what each commune sees for itself, and the rules of Biểu 06 (property over generated data)", async () => {
    const db = t.tdb.db;
    const day = fc.integer({ min: 0, max: 260 }).map((n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10));
    await fc.assert(
      fc.asyncProperty(day, day, fc.integer({ min: 0, max: 25 }), fc.integer({ min: 1, max: 1_000_000 }), async (a, b, more, seed) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        // More dossiers in a random commune each run: the figures must follow.
        const target = communeIds[seed % communeIds.length]!;
        if (more) await db.system((tx) => generateDossiers(tx, { agencyIds: [target], perAgency: more, days: 240, seed }));
        const now = new Date();
        const p = (await db.system((tx) => findProvince(tx, { fallbackId: provinceId })))!.province;
        const sup = await db.scoped({ agencyIds: [provinceId, ...communeIds], userId: null }, (tx) => supervise(tx, { province: p, from, to, communeIds, now }));
        expect(sup.rows.map((r) => r.agencyId).sort()).toEqual([...communeIds].sort());
        let sumReceived = 0;
        for (const row of sup.rows) {
          // What the commune sees for itself, in its own scope.
          const own = await db.scoped(scopeOf(row.agencyId), (tx) => dossierStatistics(tx, { agencyId: row.agencyId, from, to, now }));
          expect(strip(row.dossiers), `commune ${row.agencyId} ${from}..${to}`).toEqual(strip(own.totals));
          const raw = await db.system((tx) => tx.query<Raw>("select channel, received_at, due_at, finished_at, closed_at, supplement_count from dossiers where agency_id = $1", [row.agencyId]));
          expect(strip(row.dossiers), "Biểu 06 rules").toEqual(strip(reference(raw, from, to, now)));
          const cat = await db.scoped(scopeOf(row.agencyId), (tx) => catalogSummary(tx, { agencyId: row.agencyId, from, to }));
          expect(row.procedures).toEqual({ published: cat.proceduresPublished, onlineFull: cat.onlineFull, onlinePartial: cat.onlinePartial });
          const comms = await db.scoped(scopeOf(row.agencyId), (tx) => communicationsSummary(tx, { agencyId: row.agencyId, from, to: [to, now.toISOString().slice(0, 10)].sort()[0]! }));
          expect(row.communications.items).toBe(comms.itemsTotal);
          expect(row.communications.broadcasts).toBe(comms.broadcasts.count);
          const tasks = await db.scoped(scopeOf(row.agencyId), (tx) => overdueTaskCounts(tx, { agencyIds: [row.agencyId] }));
          expect(row.tasksOverdue).toBe(tasks.get(row.agencyId) ?? 0);
          sumReceived += row.dossiers.received.total;
        }
        expect(sup.totals.dossiers.received.total).toBe(sumReceived);
        expect(sup.totals.dossiers.inProgress.overdue).toBe(sup.rows.reduce((s, r) => s + r.dossiers.inProgress.overdue, 0));
      }),
      { numRuns: 8 },
    );
  });

  it("classifies early, on time and late as the domain rule does, at the edges of the local day (property)", async () => {
    const db = t.tdb.db;
    const scratch = (await db.system((tx) => tx.one<{ id: number }>("select id from agencies where parent_id = $1 and kind = 'commune' and id <> all($2) order by id limit 1", [provinceId, communeIds]))).id;
    const base = Date.parse("2026-03-10T00:00:00+07:00");
    // Instants a few hours either side of local midnights, and a supplement count around the limit of one.
    const instant = fc.integer({ min: -72, max: 72 }).chain((h) => fc.integer({ min: -59, max: 59 }).map((m) => new Date(base + h * 3_600_000 + m * 60_000)));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ received: instant, due: fc.option(instant, { nil: null }), finished: instant, supplements: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 8 }), async (rows) => {
        await db.system(async (tx) => {
          await tx.exec("delete from dossier_events where agency_id = $1", [scratch]);
          await tx.exec("delete from dossiers where agency_id = $1", [scratch]);
          for (const r of rows) {
            const received = new Date(Math.min(r.received.getTime(), r.finished.getTime()));
            await tx.exec(
              `insert into dossiers (agency_id, code, procedure_code, procedure_name, channel, status, applicant_full_name, applicant_id_number, applicant_phone, received_at, due_at, finished_at, supplement_count)
               values ($1, $2, '1.001193', 'Đăng ký khai sinh', 'in_person', 'returned', 'Nguyễn Văn A', '', '0912345678', $3, $4, $5, $6)`,
              [scratch, `EDGE-${n++}`, received, r.due, r.finished, r.supplements],
            );
          }
        });
        const now = new Date(base + 10 * 86_400_000);
        const own = await db.scoped(scopeOf(scratch), (tx) => dossierStatistics(tx, { agencyId: scratch, from: "2026-03-06", to: "2026-03-14", now }));
        const raw = await db.system((tx) => tx.query<Raw>("select channel, received_at, due_at, finished_at, closed_at, supplement_count from dossiers where agency_id = $1", [scratch]));
        expect(strip(own.totals)).toEqual(strip(reference(raw, "2026-03-06", "2026-03-14", now)));
      }),
      { numRuns: 25 },
    );
  });

  it("every figure's list of records holds exactly the dossiers it counts", async () => {
    const db = t.tdb.db;
    const from = new Date(Date.now() - 120 * 86_400_000).toISOString().slice(0, 10);
    const to = localDay(new Date());
    const now = new Date();
    for (const id of communeIds) {
      const own = await db.scoped(scopeOf(id), (tx) => dossierStatistics(tx, { agencyId: id, from, to, now }));
      const tt = own.totals;
      const expected: Record<StatisticsList, number> = {
        received: tt.received.total,
        new: tt.received.online + tt.received.inPersonOrPost,
        online: tt.received.online,
        resolved: tt.resolved.total,
        late: tt.resolved.late,
        open: tt.inProgress.total,
        overdue: tt.inProgress.overdue,
      };
      for (const list of Object.keys(STATISTICS_LISTS) as StatisticsList[]) {
        const r = await db.scoped(scopeOf(id), (tx) => listStatisticsDossiers(tx, { agencyId: id, list, from, to, now, limit: 1, offset: 0 }));
        expect(r.total, `${id} ${list}`).toBe(expected[list]);
      }
    }
  });
});

describe("a supervisor sees its own province, read-only and masked", () => {
  it("the workspace lists the province's communes and drills down to a masked dossier", async () => {
    const page = await province.get("/staff/supervision");
    expect(page.statusCode, page.body.slice(0, 300)).toBe(200);
    expect(page.body).toContain("Xã Minh Tiến");
    expect(page.body).toContain("<svg");
    expect(Buffer.byteLength(page.body)).toBeLessThan(60 * 1024);
    const commune = await province.get(`/staff/supervision/${encodeURIComponent(DEMO_COMMUNE_CODE)}`);
    expect(commune.statusCode).toBe(200);
    const listHref = /href="(\/staff\/supervision\/[^"]+\/dossiers\?[^"]*list=new[^"]*)"/.exec(commune.body)?.[1]?.replace(/&amp;/g, "&");
    expect(listHref).toBeDefined();
    const list = await province.get(listHref!);
    expect(list.statusCode).toBe(200);
    const dossierHref = /href="(\/staff\/supervision\/[^"]+\/dossiers\/[^"?]+)"/.exec(list.body)![1]!;
    const code = decodeURIComponent(dossierHref.split("/").at(-1)!);
    const d = await t.tdb.db.system((tx) => tx.one<{ applicant_full_name: string; applicant_phone: string; applicant_id_number: string }>("select applicant_full_name, applicant_phone, applicant_id_number from dossiers where code = $1", [code]));
    const detail = await province.get(dossierHref);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain(code);
    for (const secret of [d.applicant_full_name, d.applicant_phone, unseal(d.applicant_id_number), d.applicant_phone.slice(-4)]) expect(detail.body).not.toContain(secret);
    expect(detail.body).toContain(MASK);
    expect(list.body).not.toContain(d.applicant_full_name);
    // Read-only: no action form, and the actions refuse.
    expect(detail.body).not.toContain("/actions/");
    const act = await province.post(`/staff/dossiers/${encodeURIComponent(code)}/actions/note`, { note: "x" });
    expect([403, 404]).toContain(act.statusCode);
    // The control slip and the register, through the same rule: masked.
    const slip = await province.get(`/staff/dossiers/${encodeURIComponent(code)}/slips/05.pdf?agency=${encodeURIComponent(DEMO_COMMUNE_CODE)}`);
    expect(slip.statusCode).toBe(200);
    const reg = await province.get(`/staff/dossiers/register.xlsx?agency=${encodeURIComponent(DEMO_COMMUNE_CODE)}&from=${new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10)}&to=${localDay(new Date())}`);
    expect(reg.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(reg.rawPayload as unknown as ArrayBuffer);
    const values = JSON.stringify(wb.worksheets[0]!.getSheetValues());
    expect(values).toContain(code);
    expect(values).not.toContain(d.applicant_full_name);
    expect(values).not.toContain(d.applicant_phone);
    // The commune's own desk sees the same dossier in full.
    const desk = await signIn(t.app, "sup-desk", OTHER_PASSWORD);
    expect((await desk.get(`/staff/dossiers/${encodeURIComponent(code)}`)).body).toContain(d.applicant_phone);
  });

  it("nothing of another province: 403 for its workspace, 404 for its communes and dossiers", async () => {
    const api = await province.get("/api/v1/supervision");
    expect(api.statusCode).toBe(200);
    const body = api.json();
    const codes = body.items.map((i: { commune: { code: string } }) => i.commune.code);
    expect(codes).toContain(DEMO_COMMUNE_CODE);
    expect(codes).not.toContain(otherCommune.code);
    const inProvince = await t.tdb.db.system((tx) => tx.one<{ n: number }>("select count(*)::int as n from agencies where parent_id = $1 and kind = 'commune'", [provinceId]));
    expect(body.items).toHaveLength(inProvince.n);
    expect((await province.get(`/api/v1/supervision?province=${encodeURIComponent(otherProvinceCode)}`)).statusCode).toBe(403);
    expect((await province.get(`/staff/supervision?province=${encodeURIComponent(otherProvinceCode)}`)).statusCode).toBe(403);
    expect((await province.get(`/staff/supervision/${encodeURIComponent(otherCommune.code)}`)).statusCode).toBe(404);
    const otherCode = (await t.tdb.db.system((tx) => tx.one<{ code: string }>("select code from dossiers where agency_id = $1 limit 1", [otherCommune.id]))).code;
    expect((await province.get(`/staff/supervision/${encodeURIComponent(otherCommune.code)}/dossiers/${encodeURIComponent(otherCode)}`)).statusCode).toBe(404);
    expect((await province.get(`/staff/dossiers/register.xlsx?agency=${encodeURIComponent(otherCommune.code)}`)).statusCode).toBe(404);
    expect((await province.get(`/api/v1/documents/incoming?agency=${encodeURIComponent(otherCommune.code)}`)).statusCode).toBe(403);
  });

  it("a commune's staff get 403 for the supervision view and for another agency's incoming register", async () => {
    const desk = await signIn(t.app, "demo-admin");
    expect((await desk.get("/api/v1/supervision")).statusCode).toBe(403);
    expect((await desk.get("/staff/supervision")).statusCode).toBe(403);
    expect((await desk.get(`/api/v1/documents/incoming?agency=${encodeURIComponent(otherCommune.code)}`)).statusCode).toBe(403);
    const provinceCode = (await t.tdb.db.system((tx) => tx.one<{ code: string }>("select code from agencies where id = $1", [provinceId]))).code;
    expect((await desk.get(`/api/v1/documents/incoming?agency=${encodeURIComponent(provinceCode)}`)).statusCode).toBe(403);
    expect((await desk.get("/api/v1/documents/incoming")).statusCode).toBe(200);
    // Staff naming another commune's register or slips find nothing.
    expect((await desk.get(`/staff/dossiers/register.xlsx?agency=${encodeURIComponent(otherCommune.code)}`)).statusCode).toBe(404);
  });

  it("the new endpoints are in the OpenAPI document", async () => {
    const paths = Object.keys((await province.get("/api/v1/openapi.json")).json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/api/v1/supervision",
        "/api/v1/documents/incoming",
        "/api/v1/documents/incoming/{id}/acknowledge",
        "/api/v1/documents/incoming/{id}/assign",
        "/api/v1/documents/incoming/{id}/correction",
        "/api/v1/reports/{id}/send",
        "/api/v1/reports/{id}/dispatches",
        "/api/v1/reports/calendar",
        "/api/v1/reports/schedules",
      ]),
    );
    // The supervisors' queue page says where the communes' dossiers are.
    expect((await province.get("/staff/dossiers")).body).toContain('href="/staff/supervision"');
  });

  it("sorts and filters by commune and field; bad input is a 400 in words", async () => {
    const byName = (await province.get("/api/v1/supervision?sort=name&dir=asc")).json();
    const flagged = byName.items.filter((i: { attention: string[] }) => i.attention.length > 0).length;
    const rest = byName.items.slice(flagged).map((i: { commune: { name: string } }) => i.commune.name);
    expect(rest).toEqual([...rest].sort((a: string, b: string) => a.localeCompare(b, "vi")));
    const one = (await province.get(`/api/v1/supervision?q=${encodeURIComponent("minh tien")}`)).json();
    expect(one.items.map((i: { commune: { code: string } }) => i.commune.code)).toContain(DEMO_COMMUNE_CODE);
    const field = (await province.get(`/api/v1/supervision?field=${encodeURIComponent("Hộ tịch")}`)).json();
    const all = (await province.get("/api/v1/supervision")).json();
    expect(field.totals.dossiers.received).toBeLessThanOrEqual(all.totals.dossiers.received);
    expect(field.field).toBe("Hộ tịch");
    // The same table in Excel, same order.
    const xlsx = await province.get("/staff/supervision.xlsx?sort=name&dir=asc");
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const names = wb.worksheets[0]!.getColumn(1).values.slice(4);
    expect(names).toEqual(byName.items.map((i: { commune: { name: string } }) => i.commune.name));
    const bad = await province.get("/api/v1/supervision?from=2026-13-01");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].message).toContain("năm-tháng-ngày");
    expect((await province.get("/api/v1/supervision?sort=color")).statusCode).toBe(400);
    expect((await province.get("/staff/supervision?from=2026-06-01&to=2025-01-01")).statusCode).toBe(400);
  });
});
