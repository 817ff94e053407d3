import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { applyAction } from "../../src/modules/dossiers/service";
import { launchBrowser, type LiveServer, startLiveServer } from "../support/browser";

// Every main page, public and staff, checked with axe-core (WCAG 2.1 A/AA rules) in Chromium.
// Serious and critical violations fail the test; each page is also checked for a single h1,
// a lang attribute and labelled form controls.
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let server: LiveServer;
let browser: Browser;
beforeAll(async () => {
  server = await startLiveServer();
  browser = await launchBrowser();
  STAFF_PAGES["demo-citizen"]!.push(await citizenDossierPage(server));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

type AxeResult = { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] };

async function audit(page: Page, path: string): Promise<string[]> {
  const res = await page.goto(`${server.url}${path}`);
  expect(res?.status(), path).toBeLessThan(400);
  const bytes = await ownBytes(page);
  await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<unknown> } }).axe;
    return axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
  })) as AxeResult;
  const problems = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${path}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  expect(await page.locator("h1").count(), `${path} has one h1`).toBe(1);
  expect(await page.locator("html").getAttribute("lang")).toMatch(/^(vi|en)$/);
  if (bytes.assets > 30 * 1024) problems.push(`${path}: ${bytes.assets} bytes of own CSS/JS (limit 30 KB)`);
  if (LIGHT_PAGES.has(path) && bytes.html + bytes.assets > 30 * 1024) problems.push(`${path}: ${bytes.html + bytes.assets} bytes of HTML/CSS/JS (limit 30 KB)`);
  return problems;
}

const PUBLIC_PAGES = ["/", "/login", "/procedures", "/procedures?q=khai%20sinh", "/procedures/1.001193", "/track", "/news", "/radio", "/submit", "/feedback", "/feedback/send", "/satisfaction", "/rate", "/c/000.00.25.H12/cchc", "/c/000.00.00.P19/cchc"];
const STAFF_PAGES: Record<string, string[]> = {
  "demo-desk": ["/staff", "/staff/dossiers", "/staff/dossiers?queue=overdue", "/staff/dossiers/new", "/staff/calendar", "/staff/notifications", "/staff/dossiers/statistics", "/staff/feedback", "/staff/satisfaction"],
  "demo-admin": ["/staff/users", "/staff/agency", "/staff/audit", "/staff/procedures", "/staff/plans", "/staff/documents"],
  "demo-comms": [
    "/staff/communications",
    "/staff/communications/items/new",
    "/staff/communications/radio",
    "/staff/communications/signage",
    "/staff/communications/conferences",
    "/staff/communications/summary",
    "/staff/reports",
  ],
  "demo-leader": ["/staff/indexes/cchc", "/staff/indexes/cchc/rewards", "/staff/indexes/cchc/leaders", "/staff", "/account/password", "/staff/dossiers/rules", "/staff/dossiers/statistics?period=2026", "/staff/feedback?queue=all", "/staff/satisfaction", "/staff/indexes/766", "/staff/indexes/766/records?preset=year&code=2.1&side=den"],
  "demo-province": ["/staff/indexes/cchc", "/staff/indexes/cchc/criteria", "/staff/indexes/cchc/ranking", "/staff/indexes/cchc/commune/000.00.25.H12", "/staff/supervision", "/staff/supervision/000.00.25.H12", "/staff/reports/calendar", "/staff/documents/incoming", "/staff/indexes/766", "/staff/indexes/766/breakdown?preset=year&code=2.1"],
  "demo-citizen": ["/account", "/my/dossiers"],
};

/** A demo dossier made the demo citizen's and sent back for a supplement: its page shows both citizen forms. */
async function citizenDossierPage(s: LiveServer): Promise<string> {
  const d = await s.tdb.db.system((tx) =>
    tx.one<{ code: string; agency_id: number; desk: number }>(
      `update dossiers set applicant_user_id = (select id from users where username = 'demo-citizen')
       where id = (select d.id from dossiers d join users u on u.agency_id = d.agency_id and u.username = 'demo-desk'
                   where d.status in ('received', 'in_progress') order by d.id limit 1)
       returning code, agency_id, (select id from users where username = 'demo-desk') as desk`,
    ),
  );
  await s.tdb.db.scoped({ agencyIds: [d.agency_id], userId: null }, (tx) =>
    applyAction(tx, {
      dossierCode: d.code,
      agencyId: d.agency_id,
      action: "request_supplement",
      actor: { userId: d.desk, role: "desk_officer", label: "demo-desk", agencyId: d.agency_id },
      input: { note: "Bổ sung bản chụp rõ nét của giấy tờ tùy thân" },
    }),
  );
  return `/my/dossiers/${encodeURIComponent(d.code)}`;
}

/** The page's own weight: its HTML, and the same-origin CSS and JS it loads (images apart). */
async function ownBytes(page: Page): Promise<{ html: number; assets: number }> {
  const html = Buffer.byteLength(await page.content());
  const urls = await page.evaluate(() =>
    [...document.querySelectorAll("link[rel=stylesheet], script[src]")].map((e) => (e as HTMLLinkElement).href || (e as HTMLScriptElement).src),
  );
  let assets = 0;
  for (const u of urls) if (u.startsWith(server.url)) assets += (await (await fetch(u)).arrayBuffer()).byteLength;
  return { html, assets };
}

// Issue 2: every page's own CSS+JS ≤ 30 KB. Issues 4 and 6: these public pages ≤ 30 KB in all.
const LIGHT_PAGES = new Set(["/", "/procedures?q=khai%20sinh", "/news"]);

describe("accessibility (axe-core, WCAG 2.1 AA)", () => {
  it("public pages have no serious violations", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const problems: string[] = [];
    for (const path of PUBLIC_PAGES) problems.push(...(await audit(page, path)));
    await context.close();
    expect(problems).toEqual([]);
  });

  for (const [username, pages] of Object.entries(STAFF_PAGES)) {
    it(`staff pages of ${username} have no serious violations`, async () => {
      const context = await browser.newContext({ bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`${server.url}/login`);
      await page.getByLabel("Tên đăng nhập").fill(username);
      await page.getByLabel("Mật khẩu").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Đăng nhập" }).click();
      await page.waitForURL(/\/staff|\/account/);
      const problems: string[] = [];
      for (const path of pages) problems.push(...(await audit(page, path)));
      await context.close();
      expect(problems).toEqual([]);
    });
  }
});
