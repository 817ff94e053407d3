import type { Browser, Page } from "playwright-core";
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

async function signedIn(username: string): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${server.url}/staff`);
  return page;
}

describe("a report from draft to issue, in a browser without JavaScript", () => {
  it("drafts, edits, approves, issues and downloads", async () => {
    const comms = await signedIn("demo-comms");
    await comms.getByRole("link", { name: "Báo cáo", exact: true }).click();
    await comms.getByLabel("Từ ngày").fill("2024-01-01");
    await comms.getByLabel("Đến ngày").fill("2024-06-30");
    await comms.getByRole("button", { name: "Lập dự thảo báo cáo" }).click();
    await comms.waitForURL(/\/staff\/reports\/\d+$/);
    const reportUrl = comms.url();
    expect(await comms.locator("h1").textContent()).toBe("Công tác tuyên truyền cải cách hành chính 06 tháng đầu năm 2024");
    const html = await comms.content();
    expect(Buffer.byteLength(html)).toBeLessThan(30 * 1024);
    const box = comms.locator("#f-n-difficulties");
    await box.fill("- Kinh phí cho tuyên truyền còn hạn chế.");
    await comms.getByRole("button", { name: "Lưu dự thảo" }).click();
    await comms.waitForURL(/saved=1/);
    expect(await comms.locator("#f-n-difficulties").inputValue()).toBe("- Kinh phí cho tuyên truyền còn hạn chế.");
    await comms.context().close();

    const leader = await signedIn("demo-leader");
    await leader.goto(reportUrl);
    await leader.getByRole("button", { name: "Duyệt báo cáo" }).click();
    await leader.waitForURL(/saved=1/);
    expect(await leader.locator("main").textContent()).toContain("Đã duyệt, chờ ban hành");
    await leader.context().close();

    const admin = await signedIn("demo-admin");
    await admin.goto(reportUrl);
    await admin.getByRole("button", { name: "Cấp số và ban hành" }).click();
    await admin.waitForURL(/saved=1/);
    const main = (await admin.locator("main").textContent()) ?? "";
    expect(main).toMatch(/\d{2}\/BC-UBND/);
    expect(main).toContain("Đã ban hành");
    expect(await admin.locator("#f-n-difficulties").getAttribute("readonly")).not.toBeNull();
    const pdf = await admin.request.get(`${reportUrl.replace("/staff/reports/", "/api/v1/reports/")}.pdf`);
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
    await admin.goto(`${server.url}/staff/documents`);
    expect(await admin.locator("table").textContent()).toContain("/BC-UBND");
    await admin.context().close();
  });
});
