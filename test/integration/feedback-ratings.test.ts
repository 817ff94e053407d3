import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { type Client, createTestApp, newClient, signIn, type TestApp } from "../support/app";

// Issue 14, ratings of dossiers: once per dossier (under concurrency too), only when finished,
// only with the right phone digits; the kiosk link the desk opens is bound to one dossier and
// spent by its use; officers see aggregates of their own dossiers only, leaders all.

let t: TestApp;
let communeId: number;
const sys = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);

const ITEMS = { "1": 2, "2": 2, "3": 1, "4": 2, "5": 2, "6": 1, "7": 2, "8": 2, "9": 1 };

type D = { id: number; code: string; phone: string };

/** Finished dossiers of the demo commune that nobody rated yet. */
async function unrated(status: "returned" | "refused" | "in_progress", n: number): Promise<D[]> {
  return sys((tx) =>
    tx.query<D>(
      `select d.id, d.code, right(d.applicant_phone, 4) as phone from dossiers d
       where d.agency_id = $1 and d.status = $2 and not exists (select 1 from dossier_ratings r where r.dossier_id = d.id)
       order by d.id limit $3`,
      [communeId, status, n],
    ),
  );
}

function api(body: unknown, code: string) {
  return t.app.inject({ method: "POST", url: `/api/v1/dossiers/${encodeURIComponent(code)}/rating`, payload: body as object, headers: { "content-type": "application/json" } });
}

const ratingCount = (dossierId: number) => sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from dossier_ratings where dossier_id = $1", [dossierId])).then((r) => r.n);

beforeAll(async () => {
  t = await createTestApp();
  communeId = (await sys((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE]))).id;
});
afterAll(async () => {
  await t?.close();
});

describe("rating a dossier over the API", () => {
  it("refuses wrong phone digits (404), an unfinished dossier (422), a bad item (422) — nothing stored — then takes one rating (201) and refuses the second (409)", async () => {
    const [d] = await unrated("returned", 1);
    const [open] = await unrated("in_progress", 1);
    const wrong = String((Number(d!.phone) + 1) % 10000).padStart(4, "0");
    expect((await api({ phone: wrong, overall: "satisfied", items: ITEMS }, d!.code)).statusCode).toBe(404);
    const early = await api({ phone: open!.phone, overall: "satisfied", items: ITEMS }, open!.code);
    expect(early.statusCode).toBe(422);
    expect(early.json().error.message).toContain("chưa có kết quả");
    const bad = await api({ phone: d!.phone, overall: "satisfied", items: { ...ITEMS, "9": 3 } }, d!.code);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details[0].path).toBe("items.9");
    expect(await ratingCount(d!.id)).toBe(0);
    expect(await ratingCount(open!.id)).toBe(0);

    const ok = await api({ phone: d!.phone, overall: "satisfied", items: ITEMS, comment: "Cán bộ nhiệt tình" }, d!.code);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toEqual({ code: d!.code, rated: true });
    const again = await api({ phone: d!.phone, overall: "dissatisfied", items: ITEMS }, d!.code);
    expect(again.statusCode).toBe(409);
    const stored = await sys((tx) => tx.one<{ overall: string; points: number; channel: string; comment: string }>("select overall, points, channel, comment from dossier_ratings where dossier_id = $1", [d!.id]));
    expect(stored).toEqual({ overall: "satisfied", points: 15, channel: "api", comment: "Cán bộ nhiệt tình" });
  });

  it("one rating per dossier under concurrency: of 12 sent at once exactly one is stored, the others get 409", async () => {
    const [d] = await unrated("refused", 1);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => api({ phone: d!.phone, overall: i % 2 ? "satisfied" : "very_satisfied", items: ITEMS }, d!.code)));
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(11);
    expect(await ratingCount(d!.id)).toBe(1);
  });
});

describe("rating pages", () => {
  it("the tracking page of a returned dossier links to the rating page, which takes the form once", async () => {
    const [d] = await unrated("returned", 1);
    const c = await newClient(t.app);
    const track = await c.get(`/track?code=${encodeURIComponent(d!.code)}&phone=${d!.phone}`);
    expect(track.statusCode).toBe(200);
    const link = /href="(\/rate\?[^"]+)"/.exec(track.body)?.[1]?.replace(/&amp;/g, "&");
    expect(link).toBe(`/rate?code=${encodeURIComponent(d!.code)}&phone=${d!.phone}`);
    const page = await c.get(link!);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Mức độ hài lòng chung");
    expect(page.body).toContain("Thái độ, tác phong của cán bộ, công chức");
    const form: Record<string, string> = { code: d!.code, phone: d!.phone, overall: "very_satisfied", comment: "" };
    // A form missing an item comes back with its message, nothing stored.
    const missing = await c.post("/rate", { ...form, item1: "2" });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain("Hãy chấm tiêu chí này 0, 1 hoặc 2 điểm.");
    expect(await ratingCount(d!.id)).toBe(0);
    for (let i = 1; i <= 9; i++) form[`item${i}`] = "2";
    const sent = await c.post("/rate", form);
    expect(sent.statusCode).toBe(303);
    expect((await c.get(sent.headers.location as string)).body).toContain("Cảm ơn Ông/Bà đã đánh giá.");
    expect((await c.post("/rate", form)).statusCode).toBe(409);
    expect((await c.get(link!)).body).toContain("Hồ sơ này đã được đánh giá.");
    expect(await sys((tx) => tx.one<{ channel: string; points: number }>("select channel, points from dossier_ratings where dossier_id = $1", [d!.id]))).toEqual({ channel: "online", points: 18 });
  });

  it("the desk opens the kiosk for a dossier just returned: no sign-in on the tablet, one use, nothing personal shown", async () => {
    const [d] = await unrated("returned", 1);
    const full = await sys((tx) => tx.one<{ applicant_full_name: string; applicant_phone: string }>("select applicant_full_name, applicant_phone from dossiers where id = $1", [d!.id]));
    const desk = await signIn(t.app, "demo-desk");
    // Returned days ago: no kiosk (nobody may rate an old dossier in its applicant's place).
    await sys((tx) => tx.exec("update dossiers set returned_at = now() - interval '3 days' where id = $1", [d!.id]));
    expect((await desk.get(`/staff/dossiers/${encodeURIComponent(d!.code)}`)).body).not.toContain("Mời người nộp đánh giá tại quầy");
    const old = await desk.post("/staff/satisfaction/kiosk", { dossier: d!.code });
    expect(old.statusCode).toBe(422);
    expect(old.body).toContain("vừa trả kết quả");
    // Just returned.
    await sys((tx) => tx.exec("update dossiers set returned_at = now() - interval '5 minutes' where id = $1", [d!.id]));
    const page = await desk.get(`/staff/dossiers/${encodeURIComponent(d!.code)}`);
    expect(page.body).toContain("Mời người nộp đánh giá tại quầy");
    const opened = await desk.post("/staff/satisfaction/kiosk", { dossier: d!.code });
    expect(opened.statusCode).toBe(303);
    const kioskUrl = opened.headers.location as string;
    expect(kioskUrl).toMatch(/^\/kiosk\/[A-Za-z0-9_-]{32}$/);

    // The tablet: a browser of its own, nobody signed in.
    const tablet = await newClient(t.app);
    const kiosk = await tablet.get(kioskUrl);
    expect(kiosk.statusCode).toBe(200);
    expect(kiosk.body).toContain(d!.code);
    expect(kiosk.body).not.toContain(full.applicant_full_name);
    expect(kiosk.body).not.toContain(full.applicant_phone);
    expect(kiosk.body).not.toContain('href="/staff');
    const form: Record<string, string> = { overall: "dissatisfied", comment: "Chờ lâu" };
    for (let i = 1; i <= 9; i++) form[`item${i}`] = "1";
    const sent = await tablet.post(kioskUrl, form);
    expect(sent.statusCode).toBe(303);
    expect((await tablet.get(sent.headers.location as string)).body).toContain("Cảm ơn Ông/Bà!");
    // Spent: the same link refuses a second rating, and the dossier has one.
    expect((await tablet.post(kioskUrl, form)).statusCode).toBe(409);
    expect((await tablet.get(kioskUrl)).statusCode).toBe(410);
    expect(await sys((tx) => tx.one<{ channel: string }>("select channel from dossier_ratings where dossier_id = $1", [d!.id]))).toEqual({ channel: "kiosk" });
    // A rated dossier offers no second kiosk.
    expect((await desk.post("/staff/satisfaction/kiosk", { dossier: d!.code })).statusCode).toBe(409);
    // Others may not open one, nor for an unfinished dossier.
    const [open] = await unrated("in_progress", 1);
    expect((await desk.post("/staff/satisfaction/kiosk", { dossier: open!.code })).statusCode).toBe(422);
    const specialist = await signIn(t.app, "demo-specialist");
    const [other] = await unrated("returned", 1);
    await sys((tx) => tx.exec("update dossiers set returned_at = now() where id = $1", [other!.id]));
    expect((await specialist.post("/staff/satisfaction/kiosk", { dossier: other!.code })).statusCode).toBe(403);
    expect((await tablet.get("/kiosk/not-a-real-token-at-all-xx")).statusCode).toBe(404);
  });

  it("a citizen rates their own dossier from 'my dossiers' without typing phone digits", async () => {
    const [d] = await unrated("returned", 1);
    const citizenId = (await sys((tx) => tx.one<{ id: number }>("select id from users where username = 'demo-citizen'"))).id;
    await sys((tx) => tx.exec("update dossiers set applicant_user_id = $1 where id = $2", [citizenId, d!.id]));
    const citizen: Client = await signIn(t.app, "demo-citizen");
    const mine = await citizen.get(`/my/dossiers/${encodeURIComponent(d!.code)}`);
    const link = /href="(\/rate\?code=[^"]+)"/.exec(mine.body)?.[1]?.replace(/&amp;/g, "&");
    expect(link).toBe(`/rate?code=${encodeURIComponent(d!.code)}`);
    expect((await citizen.get(link!)).body).toContain("Mức độ hài lòng chung");
    const form: Record<string, string> = { code: d!.code, phone: "", overall: "satisfied" };
    for (let i = 1; i <= 9; i++) form[`item${i}`] = "2";
    expect((await citizen.post("/rate", form)).statusCode).toBe(303);
    expect(await sys((tx) => tx.one<{ channel: string }>("select channel from dossier_ratings where dossier_id = $1", [d!.id]))).toEqual({ channel: "account" });
    expect((await citizen.get(link!)).body).toContain("Hồ sơ này đã được đánh giá.");
  });
});

describe("who sees what of the ratings", () => {
  it("officers see their own aggregates only (from 3 ratings), never a rating of one dossier; leaders see all and the low ratings", async () => {
    const year = new Date().getFullYear();
    const q = `?from=${year - 1}-01-01&to=${year}-12-31`;
    const leaderPage = await (await signIn(t.app, "demo-leader")).get(`/staff/satisfaction${q.replace(`${year - 1}-01-01`, `${year}-01-01`)}`);
    expect(leaderPage.statusCode).toBe(200);
    expect(leaderPage.body).toContain("Theo cán bộ giải quyết");
    expect(leaderPage.body).toContain("Đánh giá thấp cần xem xét");
    expect(leaderPage.body).toContain("5.4. Mức độ hài lòng trong giải quyết thủ tục hành chính");
    const specialist = await signIn(t.app, "demo-specialist");
    const own = await specialist.get(`/staff/satisfaction${q.replace(`${year - 1}-01-01`, `${year}-01-01`)}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain("Kết quả đánh giá các hồ sơ bạn đã giải quyết");
    expect(own.body).not.toContain("Đánh giá thấp cần xem xét");
    expect(own.body).not.toContain("Theo cán bộ giải quyết");
    expect(own.body).not.toContain("Bùi Thị Mai");
    // Officials choose whole quarters only (overlapping periods compared would tell one rating).
    const specialistId = (await sys((tx) => tx.one<{ id: number }>("select id from users where username = 'demo-specialist'"))).id;
    const q3 = await sys((tx) =>
      tx.one<{ n: number }>(
        "select count(*)::int as n from dossier_ratings where handled_by @> array[$1::int] and rated_at >= '2026-07-01T00:00:00+07:00' and rated_at < '2026-10-01T00:00:00+07:00'",
        [specialistId],
      ),
    );
    const quarter = await specialist.get("/staff/satisfaction?quarter=2026-3");
    expect(quarter.statusCode).toBe(200);
    expect(quarter.body).toContain("Từ ngày 01/07/2026 đến ngày 30/09/2026.");
    if (q3.n >= 3) expect(quarter.body).toContain(`<span class="num">${q3.n}</span>`);
    else expect(quarter.body).toContain(`có ${q3.n} lượt đánh giá trong quý`);
    expect(quarter.body).not.toContain('name="from"');
    expect((await specialist.get("/staff/satisfaction?quarter=1999-1")).statusCode).toBe(400);
    // The dossier page shows no rating to anyone.
    const rated = await sys((tx) => tx.one<{ code: string; comment: string | null }>("select d.code, r.comment from dossier_ratings r join dossiers d on d.id = r.dossier_id where r.comment is not null limit 1"));
    const dossierPage = await specialist.get(`/staff/dossiers/${encodeURIComponent(rated.code)}`);
    expect(dossierPage.body).not.toContain(rated.comment!);
    // A communication officer has no figures page.
    expect((await (await signIn(t.app, "demo-comms")).get("/staff/satisfaction")).statusCode).toBe(403);
  });

  it("the public page gives each quarter's share satisfied and item averages, with a chart that is SVG in the page", async () => {
    const res = await t.app.inject({ method: "GET", url: `/c/${DEMO_COMMUNE_CODE}/satisfaction` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("<svg");
    expect(res.body).toMatch(/<title id="sat-share-t">Tỷ lệ hài lòng theo quý năm \d{4}<\/title>/);
    expect(res.body).toContain("Hài lòng và rất hài lòng");
    expect(res.body).toContain("Việc công khai thủ tục hành chính");
    expect(res.body).not.toContain("<script>");
  });
});
