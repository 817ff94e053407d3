import { readFileSync } from "node:fs";
import { SaxesParser } from "saxes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_SCOPE } from "../../src/db/scope";
import { publishDue } from "../../src/modules/communications/items";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { type Client, createTestApp, newClient, signIn, type TestApp } from "../support/app";

let t: TestApp;
let comms: Client;
let leader: Client;
let columnId: number;

beforeAll(async () => {
  t = await createTestApp();
  comms = await signIn(t.app, "demo-comms");
  leader = await signIn(t.app, "demo-leader");
  const c = await t.tdb.db.system((tx) =>
    tx.one<{ id: number }>("select c.id from comm_columns c join agencies a on a.id = c.agency_id where a.code = $1 and c.slug = 'chuyen-doi-so'", [DEMO_COMMUNE_CODE]),
  );
  columnId = c.id;
});
afterAll(async () => {
  await t?.close();
});

async function createDraft(title: string, body: string): Promise<number> {
  await comms.get("/staff/communications/items/new");
  const res = await comms.post("/staff/communications/items", { kind: "news", columnId: String(columnId), title, summary: "", body, tags: "chuyển đổi số, thử" });
  expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
  return Number(/items\/(\d+)/.exec(res.headers.location as string)![1]);
}

async function act(c: Client, id: number, form: Record<string, string>) {
  await c.get(`/staff/communications/items/${id}`);
  return c.post(`/staff/communications/items/${id}/action`, form);
}

describe("communications: editorial workflow through the web", () => {
  it("officer writes (script cleaned), leader approves, the item is on the public home page, column, feed", async () => {
    const id = await createDraft("Xã Minh Tiến ra mắt ứng dụng tra cứu hồ sơ", '<p>Nội dung <a href="javascript:alert(1)">xem</a></p><script>alert(1)</script><img src=x onerror=alert(1)>');
    const page = await comms.get(`/staff/communications/items/${id}?saved=1&cleaned=1`);
    expect(page.body).toContain("hệ thống đã tự loại bỏ");
    const stored = await t.tdb.db.system((tx) => tx.one<{ body: string; status: string; author_id: number }>("select body, status, author_id from comm_items where id = $1", [id]));
    // A link the sanitiser cannot keep leaves its text, not an empty anchor.
    expect(stored.body).toBe("<p>Nội dung xem</p>");
    expect(stored.status).toBe("draft");

    // Not public yet.
    expect((await (await newClient(t.app)).get("/")).body).not.toContain("ra mắt ứng dụng tra cứu hồ sơ");
    // The officer cannot approve their own item.
    expect((await act(comms, id, { action: "submit" })).statusCode).toBe(303);
    const selfPublish = await act(comms, id, { action: "publish" });
    expect(selfPublish.statusCode).toBe(403);
    expect(selfPublish.body).toContain("không có quyền");
    // The leader cannot edit.
    await leader.get(`/staff/communications/items/${id}`);
    expect((await leader.post(`/staff/communications/items/${id}`, { columnId: String(columnId), title: "x", body: "<p>x</p>" })).statusCode).toBe(403);
    // Sent back needs a note.
    expect((await act(leader, id, { action: "send_back", note: "" })).statusCode).toBe(400);
    expect((await act(leader, id, { action: "publish" })).statusCode).toBe(303);

    const row = await t.tdb.db.system((tx) => tx.one<{ status: string; approver_id: number; published_at: Date }>("select status, approver_id, published_at from comm_items where id = $1", [id]));
    expect(row.status).toBe("published");
    expect(row.approver_id).toBeGreaterThan(0);
    const audit = await t.tdb.db.system((tx) => tx.query<{ action: string }>("select action from audit_log where entity = 'comm_item' and entity_id = $1 order by seq", [String(id)]));
    expect(audit.map((a) => a.action)).toEqual(["communications.item.create", "communications.item.submit", "communications.item.publish"]);

    const visitor = await newClient(t.app);
    const home = await visitor.get("/");
    expect(home.body).toContain("Xã Minh Tiến ra mắt ứng dụng tra cứu hồ sơ");
    const link = /href="(\/c\/[^"]+\/news\/chuyen-doi-so\/\d+-[^"]+)"/.exec(home.body)![1]!;
    const itemPage = await visitor.get(link);
    expect(itemPage.statusCode).toBe(200);
    expect(itemPage.body).toContain("<p>Nội dung xem</p>");
    expect(itemPage.body).not.toContain("<script>alert");
    expect(Buffer.byteLength(itemPage.body)).toBeLessThan(30 * 1024);
    const column = await visitor.get(`/c/${DEMO_COMMUNE_CODE}/news/chuyen-doi-so`);
    expect(column.body).toContain("ra mắt ứng dụng");

    const feed = await visitor.get(`/c/${DEMO_COMMUNE_CODE}/news/chuyen-doi-so/feed.xml`);
    expect(feed.headers["content-type"]).toContain("application/rss+xml");
    const links: string[] = [];
    let inLink = false;
    const p = new SaxesParser();
    p.on("opentag", (tag) => {
      inLink = tag.name === "link";
    });
    p.on("text", (s) => {
      if (inLink) links.push(s);
    });
    p.on("closetag", () => {
      inLink = false;
    });
    p.write(feed.body).close();
    expect(links.length).toBeGreaterThan(1);
    for (const l of links) expect(l).toMatch(/^https?:\/\/[^/]+\/c\//);
  });

  it("schedules: the job publishes at the time, not before", async () => {
    const id = await createDraft("Thông báo lịch tiếp nhận hồ sơ dịp Tết", "<p>Bộ phận Một cửa nghỉ Tết theo lịch chung.</p>");
    await act(comms, id, { action: "submit" });
    expect((await act(leader, id, { action: "schedule", publishAt: "2020-01-01T08:00" })).statusCode).toBe(400);
    const when = new Date(Date.now() + 3600_000);
    const res = await leader.json("POST", `/api/v1/communications/items/${id}/actions`, { action: "schedule", publishAt: when.toISOString() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe("scheduled");
    expect(await t.tdb.db.system((tx) => publishDue(tx, new Date()))).toBe(0);
    expect(await t.tdb.db.system((tx) => publishDue(tx, new Date(when.getTime() + 1000)))).toBe(1);
    const row = await t.tdb.db.system((tx) => tx.one<{ status: string; published_at: Date }>("select status, published_at from comm_items where id = $1", [id]));
    expect(row.status).toBe("published");
    expect(row.published_at.getTime()).toBe(Math.floor(when.getTime() / 1000) * 1000 + (when.getTime() % 1000));
  });

  it("unpublishing removes the item from public view; drafts are invisible to visitors at the database level", async () => {
    const id = await createDraft("Bài sẽ bị gỡ", "<p>Nội dung.</p>");
    await act(comms, id, { action: "submit" });
    await act(leader, id, { action: "publish" });
    const visitor = await newClient(t.app);
    const api = await visitor.get(`/api/v1/communications/items?agency=${DEMO_COMMUNE_CODE}&column=chuyen-doi-so`);
    expect(api.json().items.map((i: { id: number }) => i.id)).toContain(id);
    expect((await act(leader, id, { action: "unpublish" })).statusCode).toBe(303);
    const api2 = await visitor.get(`/api/v1/communications/items?agency=${DEMO_COMMUNE_CODE}&column=chuyen-doi-so`);
    expect(api2.json().items.map((i: { id: number }) => i.id)).not.toContain(id);
    expect((await visitor.get(`/c/${DEMO_COMMUNE_CODE}/news/chuyen-doi-so/${id}-bai-se-bi-go`)).statusCode).toBe(404);
    const seen = await t.tdb.db.scoped(PUBLIC_SCOPE, (tx) => tx.query<{ status: string }>("select distinct status from comm_items"));
    expect(seen.map((s) => s.status)).toEqual(["published"]);
    // Republishing from unpublished is an approver's action; an invalid transition is a 409.
    const bad = await comms.json("POST", `/api/v1/communications/items/${id}/actions`, { action: "submit" });
    expect(bad.statusCode).toBe(409);
    expect(bad.json().error.message).toContain("trạng thái");
  });

  it("checks roles: citizens and desk officers cannot write, staff of another commune cannot see drafts", async () => {
    const citizen = await signIn(t.app, "demo-citizen").catch(() => undefined);
    if (citizen) expect((await citizen.get("/staff/communications/items/new")).statusCode).toBe(403);
    const desk = await signIn(t.app, "demo-desk");
    expect((await desk.get("/staff/communications/items/new")).statusCode).toBe(403);
    expect((await desk.get("/api/v1/communications/staff/items")).statusCode).toBe(403);
    expect((await leader.get("/api/v1/communications/staff/items?status=submitted")).statusCode).toBe(200);
    expect((await desk.json("POST", "/api/v1/communications/items", { columnId, title: "x", body: "<p>x</p>" })).statusCode).toBe(403);
    const draft = await createDraft("Bản nháp riêng", "<p>riêng</p>");
    const province = await signIn(t.app, "demo-province");
    expect((await province.get(`/staff/communications/items/${draft}`)).statusCode).toBe(403);
    // Another commune: its scope does not include Minh Tiến's rows.
    const other = await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where kind = 'commune' and code <> $1 limit 1", [DEMO_COMMUNE_CODE]));
    const rows = await t.tdb.db.scoped({ agencyIds: [other.id] }, (tx) => tx.query("select id from comm_items where id = $1", [draft]));
    expect(rows).toHaveLength(0);
  });

  // Issue 12: the editor asks the server to clean what is pasted, so the writer sees what will be saved.
  it("cleans pasted Word HTML or plain text for the editor: writers only, with the form's CSRF token", async () => {
    const word = readFileSync(new URL("../unit/fixtures/word-clipboard.txt", import.meta.url), "utf8");
    const res = await comms.json("POST", "/api/v1/communications/clean", { html: word });
    expect(res.statusCode, res.body).toBe(200);
    const html: string = res.json().html;
    expect(html).toContain("<h2>Thông báo lịch tiếp công dân tháng 12</h2>");
    expect(html).toContain("<ol><li>Mang theo thẻ căn cước;</li>");
    expect(html).not.toMatch(/mso|o:p|style=/);
    expect((await comms.json("POST", "/api/v1/communications/clean", { html: "Dòng một\n- ý" })).json().html).toBe("<p>Dòng một</p><ul><li>ý</li></ul>");
    const desk = await signIn(t.app, "demo-desk");
    expect((await desk.json("POST", "/api/v1/communications/clean", { html: "<p>x</p>" })).statusCode).toBe(403);
    const noToken = await t.app.inject({
      method: "POST",
      url: "/api/v1/communications/clean",
      payload: JSON.stringify({ html: "<p>x</p>" }),
      headers: { "content-type": "application/json", cookie: [...comms.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    expect(noToken.statusCode).toBe(403);
    expect((await comms.json("POST", "/api/v1/communications/clean", { html: 5 })).statusCode).toBe(400);
  });

  it("JSON API: creates a draft with cleaned HTML and reports invalid input with clear messages", async () => {
    const res = await comms.json("POST", "/api/v1/communications/items", {
      columnId,
      title: "Tin qua API",
      body: '<p onclick="x()">A <a href="JaVaScRiPt:alert(1)">b</a> <a href="https://dichvucong.gov.vn">c</a></p><iframe src="https://evil"></iframe>',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().body).toBe('<p>A b <a href="https://dichvucong.gov.vn" rel="noopener noreferrer">c</a></p>');
    expect(res.json().cleaned).toBe(true);
    const bad = await comms.json("POST", "/api/v1/communications/items", { columnId: 999999, title: "x" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe("Chuyên mục không tồn tại.");
    const empty = await comms.json("POST", "/api/v1/communications/items", { columnId, title: "  " });
    expect(empty.statusCode).toBe(400);
    // Submitting an item without text is refused: nothing half-made reaches review.
    const blank = await comms.json("POST", "/api/v1/communications/items", { columnId, title: "Không nội dung", body: "<script>x</script>" });
    const sub = await comms.json("POST", `/api/v1/communications/items/${blank.json().id}/actions`, { action: "submit" });
    expect(sub.statusCode).toBe(400);
    expect(sub.json().error.message).toContain("chưa có nội dung");
  });

  it("shows the procedure announcements column and the public news pages with pagination", async () => {
    const visitor = await newClient(t.app);
    const news = await visitor.get(`/c/${DEMO_COMMUNE_CODE}/news`);
    expect(news.statusCode).toBe(200);
    expect(news.body).toContain("Thủ tục hành chính mới");
    const col = await visitor.get(`/c/${DEMO_COMMUNE_CODE}/news/thu-tuc-hanh-chinh-moi`);
    expect(col.statusCode).toBe(200);
    // The catalog's announcements (new / amended / abolished procedures) link their procedure, there and on the home page.
    const ann = await t.tdb.db.system((tx) =>
      tx.one<{ n: number }>("select count(*)::int as n from catalog_announcements x join agencies a on a.id = x.agency_id where a.code = $1", [DEMO_COMMUNE_CODE]),
    );
    if (ann.n > 0) {
      expect(col.body).toMatch(/href="\/procedures\/[^"]+"/);
      const home = await visitor.get("/");
      expect(home.body).toContain('id="home-proc-h"');
      const feed = await visitor.get(`/c/${DEMO_COMMUNE_CODE}/news/thu-tuc-hanh-chinh-moi/feed.xml`);
      expect(feed.body).toMatch(/<link>https?:\/\/[^<]+\/procedures\//);
    }
    expect((await visitor.get(`/c/${DEMO_COMMUNE_CODE}/news/khong-co`)).statusCode).toBe(404);
    expect((await visitor.get(`/c/${DEMO_COMMUNE_CODE}/news?page=99`)).statusCode).toBe(200);
    expect((await visitor.get("/news")).statusCode).toBe(302);
    // Light pages: the page's own HTML (CSS and JS are shared, small static files) stays under 30 KB.
    for (const url of ["/", `/c/${DEMO_COMMUNE_CODE}/news`, `/c/${DEMO_COMMUNE_CODE}/news/thu-tuc-hanh-chinh-moi`, `/c/${DEMO_COMMUNE_CODE}/radio`]) {
      const r = await visitor.get(url);
      expect(r.statusCode, url).toBe(200);
      expect(Buffer.byteLength(r.body), url).toBeLessThan(30 * 1024);
    }
    for (const url of ["/staff/communications/items/new", "/staff/communications/radio", "/staff/communications/signage", "/staff/communications/conferences"]) {
      const r = await comms.get(url);
      expect(r.statusCode, url).toBe(200);
      expect(Buffer.byteLength(r.body), url).toBeLessThan(30 * 1024);
    }
    const leaderHome = await leader.get("/staff");
    expect(leaderHome.body).toContain('href="/staff/communications"');
  });
});
