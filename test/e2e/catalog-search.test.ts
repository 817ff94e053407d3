import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type LiveServer, startLiveServer } from "../support/browser";

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

describe("public procedure search", () => {
  it("a citizen searches “dang ky khai sinh” from the nav and opens the first result (JavaScript off)", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole("link", { name: "Thủ tục hành chính" }).first().click();
    await page.waitForURL(/\/procedures$/);
    await page.getByLabel("Tìm thủ tục").fill("dang ky khai sinh");
    await page.getByRole("button", { name: "Tìm" }).click();
    await page.waitForURL(/\/procedures\?q=dang\+ky\+khai\+sinh/);
    const first = page.locator("ol.proc-list li a").first();
    const name = (await first.textContent()) ?? "";
    expect(name.toLowerCase()).toContain("khai sinh");
    await first.click();
    await page.waitForURL(/\/procedures\/\d\.\d{6}/);
    expect(await page.locator("h1").textContent()).toBe(name);
    expect(await page.getByRole("heading", { name: "Thành phần hồ sơ" }).count()).toBe(1);
    await context.close();
  });
});
