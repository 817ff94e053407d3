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

const ROLES = [
  { username: "demo-desk", landing: "/staff", heading: "Nguyễn Thị Hoa", role: "Cán bộ Bộ phận Một cửa" },
  { username: "demo-specialist", landing: "/staff", heading: "Trần Văn Hùng", role: "Chuyên viên" },
  { username: "demo-leader", landing: "/staff", heading: "Hoàng Văn Minh", role: "Lãnh đạo UBND" },
  { username: "demo-comms", landing: "/staff", heading: "Lê Thị Thu", role: "Công chức Văn hóa – Xã hội" },
  { username: "demo-admin", landing: "/staff", heading: "Phạm Quốc Bảo", role: "Quản trị đơn vị" },
  { username: "demo-province", landing: "/staff", heading: "Đỗ Thị Lan", role: "Giám sát cấp tỉnh" },
  { username: "demo-sysadmin", landing: "/staff", heading: "Quản trị hệ thống", role: "Quản trị hệ thống" },
  { username: "demo-citizen", landing: "/account", heading: "Tài khoản của tôi", role: "" },
] as const;

for (const javaScriptEnabled of [true, false]) {
  describe(`sign-in as each demo role (JavaScript ${javaScriptEnabled ? "on" : "off"})`, () => {
    for (const r of ROLES) {
      it(`${r.username} lands on ${r.landing}`, async () => {
        const context = await browser.newContext({ javaScriptEnabled });
        const page = await context.newPage();
        await page.goto(`${server.url}/`);
        await page.getByRole("link", { name: "Đăng nhập" }).click();
        await page.getByLabel("Tên đăng nhập").fill(r.username);
        await page.getByLabel("Mật khẩu").fill(DEMO_PASSWORD);
        await page.getByRole("button", { name: "Đăng nhập" }).click();
        await page.waitForURL(`${server.url}${r.landing}`);
        expect(await page.locator("h1").textContent()).toContain(r.heading);
        if (r.role) expect(await page.locator(".lead").first().textContent()).toContain(r.role);
        // Sign out from the header form.
        await page.getByRole("button", { name: "Đăng xuất" }).click();
        await page.waitForURL(`${server.url}/`);
        await context.close();
      });
    }
  });
}

describe("language switch", () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`switches vi → en → vi with JavaScript ${javaScriptEnabled ? "on" : "off"}`, async () => {
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${server.url}/login`);
      expect(await page.locator("h1").textContent()).toBe("Đăng nhập");
      await page.getByRole("link", { name: "English" }).click();
      await page.waitForURL(`${server.url}/login`);
      expect(await page.locator("h1").textContent()).toBe("Sign in");
      expect(await page.locator("html").getAttribute("lang")).toBe("en");
      await page.getByLabel("Username").fill("demo-leader");
      await page.getByLabel("Password").fill("wrong-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      expect(await page.locator(".error-summary").textContent()).toContain("Wrong username or password.");
      await page.getByRole("link", { name: "Tiếng Việt" }).click();
      expect(await page.locator("h1").textContent()).toBe("Đăng nhập");
      await context.close();
    });
  }

  it("shows the 404 page in the same design", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const res = await page.goto(`${server.url}/khong-co-trang-nay`);
    expect(res?.status()).toBe(404);
    expect(await page.locator("h1").textContent()).toBe("Không tìm thấy trang");
    expect(await page.locator("header.top").count()).toBe(1);
    await context.close();
  });
});
