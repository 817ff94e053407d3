import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { createTestApp, type TestApp } from "../support/app";

// Issue 12: what a browser tab and a feed reader see of the portal — the title, the icon and the
// announced news feed.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const get = (url: string) => t.app.inject({ method: "GET", url });

describe("portal head", () => {
  it("the home page names the commune once in its title", async () => {
    for (const url of ["/", `/c/${DEMO_COMMUNE_CODE}`]) {
      const html = (await get(url)).body;
      expect(/<title>([^<]*)<\/title>/.exec(html)?.[1], url).toBe("Ủy ban nhân dân xã Minh Tiến");
    }
    // Other pages keep "page – commune".
    expect(/<title>([^<]*)<\/title>/.exec((await get("/procedures")).body)?.[1]).toBe("Thủ tục hành chính – Ủy ban nhân dân xã Minh Tiến");
  });

  it("every page links an SVG icon served as image/svg+xml from the site itself (CSP img-src 'self')", async () => {
    const res = await get("/");
    const href = /<link rel="icon" type="image\/svg\+xml" href="([^"]+)"/.exec(res.body)?.[1];
    expect(href).toMatch(/^\/assets\/favicon\.svg/);
    expect(String(res.headers["content-security-policy"])).toMatch(/img-src 'self'/);
    const icon = await get(href!);
    expect(icon.statusCode).toBe(200);
    expect(icon.headers["content-type"]).toMatch(/^image\/svg\+xml/);
    expect(icon.body).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const ico = await get("/favicon.ico");
    expect(ico.statusCode).toBe(301);
    expect(ico.headers.location).toBe(href);
    const staff = (await get("/login")).body;
    expect(staff).toContain('rel="icon"');
  });

  it("the home page announces the news feed, which lists the published news", async () => {
    const home = (await get("/")).body;
    const m = /<link rel="alternate" type="application\/rss\+xml" href="([^"]+)" title="([^"]+)"/.exec(home);
    expect(m?.[1]).toBe(`/c/${DEMO_COMMUNE_CODE}/news/feed.xml`);
    expect(m?.[2]).toBe("Tin tức – Ủy ban nhân dân xã Minh Tiến");
    const feed = await get(m![1]!);
    expect(feed.statusCode).toBe(200);
    expect(feed.headers["content-type"]).toMatch(/^application\/rss\+xml/);
    const published = await t.tdb.db.system((tx) =>
      tx.query<{ title: string }>(
        "select i.title from comm_items i join agencies a on a.id = i.agency_id where a.code = $1 and i.status = 'published' order by i.published_at desc limit 30",
        [DEMO_COMMUNE_CODE],
      ),
    );
    expect(published.length).toBeGreaterThan(3);
    const titles = [...feed.body.matchAll(/<item><title>([^<]*)<\/title>/g)].map((x) => x[1]);
    expect(titles).toEqual(published.map((p) => p.title.replace(/&/g, "&amp;")));
    // Drafts and items waiting for approval stay out of the feed.
    const unpublished = await t.tdb.db.system((tx) => tx.query<{ title: string }>("select title from comm_items where status <> 'published'"));
    for (const u of unpublished) expect(feed.body).not.toContain(`<title>${u.title}</title>`);
    // The news page announces it too.
    const news = await get(`/c/${DEMO_COMMUNE_CODE}/news`);
    expect(news.body).toContain(`<link rel="alternate" type="application/rss+xml" href="/c/${DEMO_COMMUNE_CODE}/news/feed.xml"`);
    expect(news.headers.link).toContain("/news/feed.xml");
    expect((await get("/c/000.00.00.X99/news/feed.xml")).statusCode).toBe(404);
  });
});
