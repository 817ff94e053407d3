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

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${server.url}/staff`);
}

describe("communications: publish an article in the browser", () => {
  it("the officer writes, the leader approves, the article is on the public home page", async () => {
    const title = "Minh Tiến đưa dịch vụ công trực tuyến về tận thôn";
    // The officer, with JavaScript on (the editor toolbar appears).
    const officerCtx = await browser.newContext();
    const officer = await officerCtx.newPage();
    await signIn(officer, "demo-comms");
    await officer.getByRole("link", { name: "Truyền thông" }).first().click();
    await officer.waitForURL(/\/staff\/communications$/);
    await officer.getByRole("link", { name: "Viết tin, bài mới" }).click();
    await officer.waitForURL(/\/items\/new$/);
    await officer.getByLabel("Loại").selectOption("article");
    await officer.getByLabel("Chuyên mục").selectOption({ label: "Chuyển đổi số" });
    await officer.getByLabel("Tiêu đề").fill(title);
    await officer.getByLabel("Tóm tắt (sapo)").fill("Tổ công nghệ số cộng đồng hướng dẫn bà con nộp hồ sơ trên điện thoại.");
    expect(await officer.locator(".comm-toolbar button").count()).toBeGreaterThan(3);
    // HTML typed by hand goes in the editor's HTML view (the textarea the form posts).
    await officer.getByRole("button", { name: "HTML" }).click();
    await officer
      .locator("#f-body")
      .fill('<p>Tại nhà văn hóa các thôn, tổ công nghệ số hướng dẫn bà con <strong>nộp hồ sơ trực tuyến</strong>.</p><script>alert("x")</script><p><a href="javascript:alert(1)">bấm</a></p>');
    await officer.getByRole("button", { name: "Lưu" }).click();
    await officer.waitForURL(/\/staff\/communications\/items\/\d+\?saved=1/);
    expect(await officer.getByRole("status").filter({ hasText: "tự loại bỏ" }).count()).toBe(1);
    const itemUrl = officer.url().split("?")[0]!;
    await officer.getByRole("button", { name: "Gửi duyệt" }).click();
    await officer.waitForURL(/done=1/);
    expect(await officer.textContent("body")).toContain("Chờ duyệt");
    // The officer has no approve button.
    expect(await officer.getByRole("button", { name: "Duyệt và đăng ngay" }).count()).toBe(0);
    await officerCtx.close();

    // The leader, with JavaScript off.
    const leaderCtx = await browser.newContext({ javaScriptEnabled: false });
    const leader = await leaderCtx.newPage();
    await signIn(leader, "demo-leader");
    await leader.goto(`${server.url}/staff/communications`);
    await leader.locator("section", { hasText: "Tin, bài chờ duyệt" }).getByRole("link", { name: title }).click();
    await leader.waitForURL(itemUrl);
    await leader.getByRole("button", { name: "Duyệt và đăng ngay" }).click();
    await leader.waitForURL(/done=1/);
    expect(await leader.textContent("body")).toContain("Đã đăng");
    await leaderCtx.close();

    // A visitor: the home page lists it; the article shows the cleaned text.
    const visitorCtx = await browser.newContext({ javaScriptEnabled: false });
    const visitor = await visitorCtx.newPage();
    const dialogs: string[] = [];
    visitor.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await visitor.goto(`${server.url}/`);
    await visitor.getByRole("link", { name: title }).click();
    await visitor.waitForURL(/\/news\/chuyen-doi-so\/\d+-minh-tien-dua-dich-vu-cong/);
    expect(await visitor.getByRole("heading", { level: 1 }).textContent()).toBe(title);
    expect(await visitor.locator("article strong").textContent()).toBe("nộp hồ sơ trực tuyến");
    expect(await visitor.locator("article script").count()).toBe(0);
    // The javascript: link is no link at all; its word stays.
    expect(await visitor.locator("article a", { hasText: "bấm" }).count()).toBe(0);
    expect(await visitor.locator("article").textContent()).toContain("bấm");
    expect(dialogs).toEqual([]);
    await visitorCtx.close();
  });
});
