import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/modules/demo/seed";
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

describe("staff calendar page", () => {
  it("the admin marks a day off on the calendar page and sees it (JavaScript off)", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("Tên đăng nhập").fill("demo-admin");
    await page.getByLabel("Mật khẩu").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Đăng nhập" }).click();
    await page.waitForURL(`${server.url}/staff`);
    await page.getByRole("link", { name: "Lịch làm việc" }).first().click();
    await page.waitForURL(/\/staff\/calendar$/);
    await page.goto(`${server.url}/staff/calendar?year=2026`);
    const may = page.locator("table", { has: page.locator("caption", { hasText: "Tháng 5 năm 2026" }) });
    expect(await may.locator("td", { hasText: /^19$/ }).getAttribute("class")).toBeNull();

    const daysOff = page.getByLabel("Ngày nghỉ (mỗi dòng: ngày lý-do [tên ngày lễ])");
    await daysOff.fill(`${await daysOff.inputValue()}\n2026-05-19 other Ngày hội văn hóa xã`);
    // Same deciding document as the shipped 2026 schedule: its note is kept.
    await page.getByRole("button", { name: "Lưu" }).first().click();
    await page.waitForURL(/saved=schedule/);
    expect(await page.getByRole("status").textContent()).toContain("Đã lưu lịch nghỉ");
    const cell = page.locator("table", { has: page.locator("caption", { hasText: "Tháng 5 năm 2026" }) }).locator("td", { hasText: "Ngày hội văn hóa xã" });
    expect(await cell.textContent()).toBe("19Ngày hội văn hóa xã");
    expect(await cell.getAttribute("class")).toBe("cal-off");
    expect(await page.textContent("body")).toContain("12729/VPCP-KGVX");
    expect(await page.textContent("body")).toContain("Giỗ Tổ 26/4 là Chủ nhật");
    expect(await page.textContent("body")).toContain("Lịch do cơ quan nhập");
    await context.close();
  });
});
