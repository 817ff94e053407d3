import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_SCOPE } from "../../src/db/scope";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { readFileSync } from "node:fs";
import type { Procedure } from "../../src/domain/catalog/model";
import { defaultOffer } from "../../src/domain/catalog/offering";
import { CATALOG_SEED } from "../../src/modules/catalog/file";
import { changeAssignment, findAssignment, findOfferedProcedure, listAnnouncements, listOfferedProcedures } from "../../src/modules/catalog/service";
import { catalogChangesHeard, LISTENING_TTL_MS, MARKS_TTL_MS } from "../../src/modules/catalog/search-cache";
import { catalogSummary } from "../../src/modules/catalog/summary";
import { createTestApp, newClient, signIn, type TestApp } from "../support/app";

let t: TestApp;
let communeId: number;
beforeAll(async () => {
  t = await createTestApp();
  communeId = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE]))).id;
});
afterAll(async () => {
  await t?.close();
});

const BIRTH = "1.001193"; // Thủ tục đăng ký khai sinh

// What the commune offers by default: what its People's Committee carries out (offering.ts).
const SEED = JSON.parse(readFileSync(CATALOG_SEED, "utf8")) as Procedure[];
const EXPECTED_OFFER = SEED.filter((p) => defaultOffer(p).offered);

describe("demo catalog", () => {
  it("the demo commune offers what the commune People's Committee carries out, not customs, tax or maritime procedures", async () => {
    // About a quarter of the 588 commune-level procedures; the rest stay in the catalog for search.
    expect(EXPECTED_OFFER.length).toBeGreaterThan(100);
    expect(EXPECTED_OFFER.length).toBeLessThan(200);
    const rows = await t.tdb.db.system((tx) =>
      tx.query<{ field: string; online_level: string; n: number }>(
        "select p.field, ao.online_level, count(*)::int as n from procedures p join agency_offering($1) ao on ao.procedure_id = p.id where ao.enabled and ao.published group by 1, 2",
        [communeId],
      ),
    );
    expect(rows.reduce((n, r) => n + r.n, 0)).toBe(EXPECTED_OFFER.length);
    const fields = new Set(rows.map((r) => r.field));
    for (const f of ["Hộ tịch", "Chứng thực", "Nuôi con nuôi", "Hòa giải ở cơ sở", "Đất đai"]) expect(fields).toContain(f);
    for (const f of ["Hải quan", "Thuế", "Kho bạc Nhà nước", "Quản lý xuất nhập cảnh", "Thực hiện chính sách BHXH"]) expect(fields).not.toContain(f);
    const offered = await t.tdb.db.scoped(PUBLIC_SCOPE, (tx) => findOfferedProcedure(tx, { agencyId: communeId, code: BIRTH }));
    expect(offered?.name).toMatch(/khai sinh/i);
    expect(offered?.onlineLevel).toBe("full");
    expect(offered?.procedure.code).toBe(BIRTH);
    // The commune's own time limit (the catalog gives "1" without a unit), with its legal basis.
    expect(offered?.timeLimit).toEqual({ amount: 0, unit: "same_day" });
    expect(offered?.terms.timeLimitSource).toBe("local");
    expect(offered?.terms.timeLimitBasis).toContain("Luật Hộ tịch");
    const land = rows.find((r) => r.field === "Đất đai" && r.online_level !== "none");
    expect(land?.online_level).toBe("partial");
    // A customs procedure is in the catalog but not offered.
    const customs = SEED.find((p) => p.field === "Hải quan")!;
    expect(await t.tdb.db.scoped(PUBLIC_SCOPE, (tx) => findOfferedProcedure(tx, { agencyId: communeId, code: customs.code }))).toBeUndefined();
  });

  it("lists offered procedures and online ones for other modules", async () => {
    const all = await t.tdb.db.system((tx) => listOfferedProcedures(tx, { agencyId: communeId }));
    const online = await t.tdb.db.system((tx) => listOfferedProcedures(tx, { agencyId: communeId, onlineOnly: true }));
    expect(all).toHaveLength(EXPECTED_OFFER.length);
    expect(online.length).toBeLessThan(all.length);
    expect(online.every((p) => p.onlineLevel !== "none")).toBe(true);
    expect(all[0]).toEqual({ code: expect.any(String), name: expect.any(String), field: expect.any(String), onlineLevel: expect.any(String) });
  });

  it("catalogSummary counts what the commune has published", async () => {
    const s = await t.tdb.db.system((tx) => catalogSummary(tx, { agencyId: communeId, from: "2026-01-01", to: "2026-06-30" }));
    expect(s.proceduresPublished).toBe(EXPECTED_OFFER.length);
    expect(s.byField.reduce((n, f) => n + f.count, 0)).toBe(EXPECTED_OFFER.length);
    expect(s.byField[0]).toEqual({ field: "Hộ tịch", count: 41 });
    expect(s.byField.some((f) => f.field === "Hải quan")).toBe(false);
    const levels = await t.tdb.db.system((tx) =>
      tx.one<{ full: number; partial: number }>(
        "select count(*) filter (where online_level = 'full')::int as full, count(*) filter (where online_level = 'partial')::int as partial from agency_offering($1) where enabled and published",
        [communeId],
      ),
    );
    expect(s.onlineFull).toBe(levels.full);
    expect(s.onlinePartial).toBe(levels.partial);
    // Before the catalog was in force there was nothing to publish.
    const before = await t.tdb.db.system((tx) => catalogSummary(tx, { agencyId: communeId, from: "2025-01-01", to: "2025-06-30" }));
    expect(before.proceduresPublished).toBe(0);
  });

  it("the demo announcements are listed for the commune with a url", async () => {
    const list = await t.tdb.db.system((tx) => listAnnouncements(tx, { agencyId: communeId }));
    expect(list.length).toBeGreaterThan(0);
    expect(list[0]!.url).toMatch(/^\/procedures\/\d\.\d{6}/);
    expect(list[0]!.publishedAt).toBeInstanceOf(Date);
  });
});

describe("public pages", () => {
  it("/procedures browses by field with counts, and searches", async () => {
    const c = await newClient(t.app);
    const browse = await c.get("/procedures");
    expect(browse.statusCode).toBe(200);
    expect(browse.body).toContain("Hộ tịch");
    expect(browse.body).toContain(`${EXPECTED_OFFER.length} thủ tục`);
    const res = await c.get("/procedures?q=dang+ky+khai+sinh");
    expect(res.statusCode).toBe(200);
    const first = /<ol class="proc-list"><li><a href="([^"]+)">([^<]+)</.exec(res.body);
    expect(first?.[2]).toMatch(/khai sinh/i);
    // The page's own HTML stays light.
    expect(Buffer.byteLength(res.body)).toBeLessThan(30_000);
    const field = await c.get(`/procedures?field=${encodeURIComponent("Hộ tịch")}`);
    expect(field.body).toContain("41 thủ tục thuộc lĩnh vực");
    const nav = await c.get("/");
    expect(nav.body).toContain('href="/procedures"');
  });

  it("/procedures/{code} shows everything, with VND fees and form names", async () => {
    const c = await newClient(t.app);
    const res = await c.get(`/procedures/${BIRTH}`);
    expect(res.statusCode).toBe(200);
    for (const s of ["Thành phần hồ sơ", "Cách thức thực hiện", "Trình tự thực hiện", "Căn cứ pháp lý", "Toàn trình (mức độ 4)", "Lịch sử thay đổi"]) expect(res.body).toContain(s);
    const fee = await t.tdb.db.system((tx) =>
      tx.one<{ code: string }>(
        "select p.code from procedures p join procedure_versions v on v.procedure_id = p.id where v.content @> '{\"channels\":[{\"fees\":[{\"kind\":\"fixed\"}]}]}' order by p.code limit 1",
      ),
    );
    const withFee = await c.get(`/procedures/${fee.code}`);
    expect(withFee.body).toMatch(/\d{1,3}(\.\d{3})* đồng/);
    const unknown = await c.get("/procedures/9.999999");
    expect(unknown.statusCode).toBe(404);
    const bad = await c.get("/procedures/%3Cscript%3E");
    expect(bad.statusCode).toBe(400);
    const history = await c.get(`/procedures/${BIRTH}/history`);
    expect(history.statusCode).toBe(200);
    expect(history.body).toContain("Phiên bản 1");
  });
});

describe("search API", () => {
  it("ranks best first and limits to what the agency publishes", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/procedures?q=dang%20ky%20khai%20sinh&limit=5" });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { total: number; items: { code: string; name: string; onlineLevel: string; url: string }[] };
    expect(body.items.length).toBeLessThanOrEqual(5);
    expect(body.items[0]!.name).toMatch(/khai sinh/i);
    expect(body.items[0]!.url).toBe(`/procedures/${body.items[0]!.code}`);
    expect(body.items[0]!.onlineLevel).toBe("full");
    const detail = await t.app.inject({ method: "GET", url: `/api/v1/procedures/${BIRTH}` });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().procedure.code).toBe(BIRTH);
    expect(detail.json().agency).toMatchObject({ code: DEMO_COMMUNE_CODE, offered: true, onlineLevel: "full" });
  });

  it("answers bad input with a normal result or 400, never 500", async () => {
    const junk = "x'; drop table procedures; -- <script>alert(1)</script> %_\\ ".repeat(200);
    const urls = [
      "/api/v1/procedures?q=",
      `/api/v1/procedures?q=${encodeURIComponent(junk)}`,
      `/api/v1/procedures?q=${encodeURIComponent("🙂 北京 Привет ' \" ; -- /* */")}`,
      `/api/v1/procedures?q=${encodeURIComponent("a".repeat(12_000))}`,
      "/api/v1/procedures?q=a&q=b",
      "/api/v1/procedures?limit=abc",
      "/api/v1/procedures?limit=1000",
      "/api/v1/procedures?agency=nope",
      `/api/v1/procedures?field=${encodeURIComponent("<b>")}`,
      "/api/v1/procedures/abc",
      "/api/v1/procedures/1.001193?version=x",
      `/procedures?q=${encodeURIComponent(junk)}`,
      "/procedures?page=-1",
      `/procedures?agency=${encodeURIComponent("'; select")}`,
    ];
    for (const url of urls) {
      const res = await t.app.inject({ method: "GET", url });
      expect([200, 400, 404], url).toContain(res.statusCode);
      if (res.statusCode !== 200 && url.startsWith("/api/")) expect(res.json().error.message, url).toBeTruthy();
    }
  });

  it("rebuilds the index when an assignment changes (here, or in another instance: announced by NOTIFY at its commit)", async () => {
    const search = async () => ((await t.app.inject({ method: "GET", url: `/api/v1/procedures?q=${BIRTH}` })).json() as { items: { code: string }[] }).items.map((i) => i.code);
    for (let i = 0; i < 100 && !catalogChangesHeard(t.tdb.db); i++) await new Promise((r) => setTimeout(r, 20));
    expect(catalogChangesHeard(t.tdb.db)).toBe(true);
    expect(await search()).toContain(BIRTH);
    // As another instance would: straight in the database. The marks are trusted for a minute
    // while notifications flow, so only the notification can make this instance see it now.
    await t.tdb.db.system((tx) => changeAssignment(tx, { agencyId: communeId, code: BIRTH, published: false, actor: "test", actorUserId: null }));
    let after = await search();
    for (let i = 0; i < 50 && after.includes(BIRTH); i++) {
      await new Promise((r) => setTimeout(r, 20));
      after = await search();
    }
    expect(after).not.toContain(BIRTH);
    expect(MARKS_TTL_MS).toBeLessThan(LISTENING_TTL_MS);
    // Through this instance: seen at once.
    const admin = await signIn(t.app, "demo-admin");
    expect((await admin.json("PUT", `/api/v1/agency-procedures/${BIRTH}`, { published: true })).statusCode).toBe(200);
    const again = (await t.app.inject({ method: "GET", url: `/api/v1/procedures?q=${BIRTH}` })).json() as { items: { code: string }[] };
    expect(again.items.map((i) => i.code)).toContain(BIRTH);
  });
});

describe("assignment and publication", () => {
  const MARRIAGE_FILTER = "/staff/procedures?q=k%E1%BA%BFt+h%C3%B4n";

  it("the commune admin turns a procedure off and on, sets the level, publishes; each change audited", async () => {
    const c = await signIn(t.app, "demo-admin");
    const page = await c.get(MARRIAGE_FILTER);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Một phần (mức độ 3)");
    const code = /action="\/staff\/procedures\/([\d.A-Z]+)"/.exec(page.body)![1]!;
    const off = await c.post(`/staff/procedures/${code}`, { onlineLevel: "partial", back: MARRIAGE_FILTER });
    expect(off.statusCode).toBe(303);
    expect(off.headers.location).toContain(`saved=${code}`);
    let row = await t.tdb.db.system((tx) =>
      tx.one<{ enabled: boolean; online_level: string; published: boolean }>(
        "select enabled, online_level, published from agency_procedures ap join procedures p on p.id = ap.procedure_id where ap.agency_id = $1 and p.code = $2",
        [communeId, code],
      ),
    );
    expect(row).toEqual({ enabled: false, online_level: "partial", published: false });
    // Publishing a procedure that is off is refused.
    expect((await c.post(`/staff/procedures/${code}/publish`, { published: "1" })).statusCode).toBe(409);
    await c.post(`/staff/procedures/${code}`, { enabled: "1", onlineLevel: "full" });
    await c.post(`/staff/procedures/${code}/publish`, { published: "1" });
    row = await t.tdb.db.system((tx) =>
      tx.one("select enabled, online_level, published from agency_procedures ap join procedures p on p.id = ap.procedure_id where ap.agency_id = $1 and p.code = $2", [
        communeId,
        code,
      ]),
    );
    expect(row).toEqual({ enabled: true, online_level: "full", published: true });
    const audits = await t.tdb.db.system((tx) =>
      tx.query<{ actor: string }>("select actor from audit_log where agency_id = $1 and action = 'catalog.assignment' and entity_id = $2", [communeId, code]),
    );
    expect(audits.length).toBe(3);
    expect(audits[0]!.actor).toBe("demo-admin");
    // Bad level → 400.
    expect((await c.post(`/staff/procedures/${code}`, { enabled: "1", onlineLevel: "level9" })).statusCode).toBe(400);
  });

  it("permissions: the leader publishes but does not assign; the desk officer does neither; citizens neither", async () => {
    const leader = await signIn(t.app, "demo-leader");
    const list = await leader.get("/staff/procedures?status=published");
    expect(list.statusCode).toBe(200);
    const code = /action="\/staff\/procedures\/([\d.A-Z]+)\/publish"/.exec(list.body)![1]!;
    expect((await leader.post(`/staff/procedures/${code}`, { enabled: "1", onlineLevel: "none" })).statusCode).toBe(403);
    expect((await leader.post(`/staff/procedures/${code}/publish`, { published: "0" })).statusCode).toBe(303);
    expect((await leader.post(`/staff/procedures/${code}/publish`, { published: "1" })).statusCode).toBe(303);
    const desk = await signIn(t.app, "demo-desk");
    expect((await desk.get("/staff/procedures")).statusCode).toBe(403);
    expect((await desk.post(`/staff/procedures/${code}/publish`, { published: "0" })).statusCode).toBe(403);
    const api = await desk.json("PUT", `/api/v1/agency-procedures/${code}`, { published: false });
    expect(api.statusCode).toBe(403);
    const anon = await newClient(t.app);
    expect((await anon.post(`/staff/procedures/${code}/publish`, { published: "0" })).statusCode).toBe(401);
  });

  it("tenant scoping: an agency cannot change another agency's assignment", async () => {
    const other = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where kind = 'commune' and id <> $1 order by id limit 1", [communeId]))).id;
    await expect(
      t.tdb.db.scoped({ agencyIds: [communeId], userId: null }, (tx) =>
        changeAssignment(tx, { agencyId: other, code: BIRTH, enabled: true, onlineLevel: "full", actor: "x", actorUserId: null }),
      ),
    ).rejects.toThrow();
    // What another agency offers is public, but not writable: an update from this scope touches nothing.
    await t.tdb.db.system((tx) => changeAssignment(tx, { agencyId: other, code: BIRTH, enabled: true, onlineLevel: "partial", actor: "x", actorUserId: null }));
    const touched = await t.tdb.db.scoped({ agencyIds: [communeId], userId: null }, (tx) =>
      tx.query("update agency_procedures set enabled = false where agency_id = $1 returning 1", [other]),
    );
    expect(touched).toHaveLength(0);
    const still = await t.tdb.db.system((tx) => findAssignment(tx, { agencyId: other, code: BIRTH }));
    expect(still).toMatchObject({ enabled: true, onlineLevel: "partial" });
    // The API of the admin acts on their own agency only.
    const admin = await signIn(t.app, "demo-admin");
    const res = await admin.json("PUT", `/api/v1/agency-procedures/${BIRTH}`, { onlineLevel: "partial" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ code: BIRTH, onlineLevel: "partial", enabled: true, published: true });
  });
});
