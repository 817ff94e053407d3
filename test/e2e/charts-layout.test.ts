import { createRequire } from "node:module";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { launchBrowser, type LiveServer, startLiveServer } from "../support/browser";

// The charts in a real browser, without JavaScript and under the real CSP: on a 360 px phone and
// on a desktop nothing spills out of the page, every label drawn by the server fits inside its
// chart with the browser's own fonts, axe-core finds nothing at all (not only the serious
// findings accessibility.test.ts fails on), and printing keeps the charts and drops the menus.
// CHART_SCREENSHOTS=<dir> also saves a screenshot of each page, to look at.

let server: LiveServer;
let browser: Browser;
beforeAll(async () => {
  server = await startLiveServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const PAGES = [
  { username: "demo-desk", path: "/staff", name: "dashboard", charts: 3 },
  { username: "demo-leader", path: "/staff/dossiers/statistics?period=2026", name: "dossier-statistics", charts: 4 },
  { username: "demo-comms", path: "/staff/communications/summary?from=2026-01-01&to=2026-12-31", name: "communications-summary", charts: 2 },
] as const;

async function signedIn(username: string, width: number, javaScriptEnabled = false): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
  // The axe-core run injects a script, which only a context that bypasses the CSP allows.
  const context = await browser.newContext({ javaScriptEnabled, bypassCSP: javaScriptEnabled, viewport: { width, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused/.test(m.text())) problems.push(m.text());
  });
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(/\/staff/);
  return { page, problems, close: () => context.close() };
}

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** Every axe-core finding (WCAG 2.1 AA, whatever its impact) inside the charts and the figures' tables. */
async function axeOnCharts(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate(() => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } }).axe;
    return axe.run({ include: [["figure.chart"], [".stats-table"]] }, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
  })) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
  return result.violations.map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Text drawn outside its SVG's viewBox, and charts wider than the window. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const vw = document.documentElement.clientWidth;
    for (const svg of document.querySelectorAll<SVGSVGElement>("svg.chart-svg")) {
      const id = svg.closest("figure")?.id ?? "?";
      const box = svg.getBoundingClientRect();
      if (box.right > vw + 0.5) out.push(`${id}: chart ends at ${box.right}px, window is ${vw}px`);
      const vb = svg.viewBox.baseVal;
      for (const text of svg.querySelectorAll<SVGTextElement>("text")) {
        const b = text.getBBox();
        if (b.x < vb.x - 1 || b.x + b.width > vb.x + vb.width + 1 || b.y < vb.y - 1 || b.y + b.height > vb.y + vb.height + 1) {
          out.push(`${id}: "${text.textContent}" at x ${b.x.toFixed(1)}…${(b.x + b.width).toFixed(1)}, y ${b.y.toFixed(1)}…${(b.y + b.height).toFixed(1)} outside ${vb.width}×${vb.height}`);
        }
      }
    }
    if (document.documentElement.scrollWidth > vw + 1) {
      const wide = [...document.querySelectorAll("main > *")].filter((e) => e.getBoundingClientRect().right > vw + 1 && !e.closest(".table-wrap"));
      for (const e of wide) out.push(`page is wider than the window: <${e.tagName.toLowerCase()} class="${e.className}">`);
    }
    return out;
  });
}

describe("charts in the browser", () => {
  for (const width of [360, 1280]) {
    for (const p of PAGES) {
      it(`${p.name} fits a ${width} px window`, async () => {
        const { page, problems, close } = await signedIn(p.username, width);
        const res = await page.goto(`${server.url}${p.path}`);
        expect(res?.status()).toBe(200);
        expect(await page.locator("svg.chart-svg[role=img]").count()).toBe(p.charts);
        problems.push(...(await overflow(page)));
        if (process.env.CHART_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.CHART_SCREENSHOTS, `${p.name}-${width}.png`), fullPage: true });
        if (width === 1280) {
          await page.emulateMedia({ media: "print" });
          expect(await page.locator("header.top").isVisible()).toBe(false);
          expect(await page.locator("svg.chart-svg").first().isVisible()).toBe(true);
          if (process.env.CHART_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.CHART_SCREENSHOTS, `${p.name}-print.png`), fullPage: true });
        }
        await close();
        // axe-core needs JavaScript (and an exception to the CSP), which the pages themselves do not
        const js = await signedIn(p.username, width, true);
        await js.page.goto(`${server.url}${p.path}`);
        problems.push(...(await axeOnCharts(js.page)));
        await js.close();
        expect(problems).toEqual([]);
      });
    }
  }
});
