import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { launchBrowser, type LiveServer, startLiveServer } from "../support/browser";

// Issue 12: journeys of new users in Chromium — the tabs they see open, the desk finds the
// register where it looks for it, the leader decides on a plan, the portal has an icon and a feed.

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

async function signIn(username: string): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(/\/staff/);
  return page;
}

describe("journeys of new users", () => {
  it("every communications tab a leader or commune administrator sees opens for them", async () => {
    for (const [username, expected] of [
      ["demo-leader", ["Tin, bài", "Số liệu truyền thông theo kỳ"]],
      ["demo-admin", ["Tin, bài", "Pano, áp phích, khẩu hiệu", "Hội nghị, chuyên đề", "Số liệu truyền thông theo kỳ"]],
    ] as const) {
      const page = await signIn(username);
      await page.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Truyền thông" }).click();
      const tabs = page.getByRole("navigation", { name: "Truyền thông" }).getByRole("link");
      expect(await tabs.allTextContents(), username).toEqual(expected);
      for (const name of expected) {
        const res = await Promise.all([page.waitForResponse((r) => r.request().isNavigationRequest()), page.getByRole("navigation", { name: "Truyền thông" }).getByRole("link", { name }).click()]);
        expect(res[0].status(), `${username} → ${name}`).toBe(200);
      }
      await page.context().close();
    }
  });

  it("the desk officer downloads the dossier register (Mẫu 06) from the queues page", async () => {
    const page = await signIn("demo-desk");
    await page.getByRole("link", { name: "Hồ sơ", exact: true }).click();
    await page.getByRole("heading", { name: "Sổ theo dõi hồ sơ (Mẫu 06)" }).waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Tải sổ (Excel)" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^so-theo-doi-ho-so_\d{4}-\d{2}-01_\d{4}-\d{2}-\d{2}\.xlsx$/);
    await page.context().close();
  });

  it("the writer submits a plan, the leader sends it back with a reason, then approves it and downloads it", async () => {
    const comms = await signIn("demo-comms");
    await comms.goto(`${server.url}/staff/plans`);
    await comms.getByLabel("Tên kế hoạch").fill("Kế hoạch tuyên truyền cải cách hành chính năm 2027");
    await comms.getByLabel("Năm", { exact: true }).last().fill("2027");
    await comms.getByRole("button", { name: "Thêm kế hoạch" }).click();
    await comms.waitForURL(/\/staff\/plans\/\d+$/);
    const planUrl = comms.url();
    await comms.getByLabel("Nhiệm vụ", { exact: true }).fill("Phát thanh hằng tuần về dịch vụ công trực tuyến");
    await comms.getByLabel("Đơn vị thực hiện").fill("Đài truyền thanh xã");
    await comms.getByRole("button", { name: "Thêm nhiệm vụ" }).click();
    await comms.getByRole("button", { name: "Trình lãnh đạo duyệt" }).click();
    await comms.getByText("Chờ lãnh đạo duyệt").first().waitFor();

    const leader = await signIn("demo-leader");
    await leader.getByRole("link", { name: "Kế hoạch chờ duyệt" }).click();
    await leader.goto(planUrl);
    await leader.getByRole("button", { name: "Trả lại để sửa" }).click();
    expect(await leader.getByRole("alert").textContent()).toContain("Hãy ghi lý do trả lại");
    await leader.getByLabel("Lý do trả lại").fill("Ghi rõ mục đích, yêu cầu của kế hoạch.");
    await leader.getByRole("button", { name: "Trả lại để sửa" }).click();

    await comms.reload();
    expect(await comms.getByText("Ghi rõ mục đích, yêu cầu của kế hoạch.").count()).toBe(1);
    await comms.getByText("Sửa nội dung kế hoạch").click();
    await comms.getByLabel("Mục đích, yêu cầu").fill("Người dân biết và dùng dịch vụ công trực tuyến.");
    await comms.getByRole("button", { name: "Lưu" }).last().click();
    await comms.getByRole("button", { name: "Trình lãnh đạo duyệt" }).click();

    await leader.goto(planUrl);
    await leader.getByRole("button", { name: "Duyệt và ban hành" }).click();
    const heading = await leader.getByRole("heading", { level: 1 }).textContent();
    expect(heading).toMatch(/^\d{2}\/KH-UBND – Kế hoạch tuyên truyền cải cách hành chính năm 2027$/);
    const [download] = await Promise.all([leader.waitForEvent("download"), leader.getByRole("link", { name: "Tải văn bản DOCX" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^ke-hoach-\d{2}-KH-UBND-\d{4}\.docx$/);
    await comms.context().close();
    await leader.context().close();
  });

  it("the portal shows its icon under the CSP and announces its news feed", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    const icon = page.waitForResponse((r) => r.url().includes("/assets/favicon.svg"));
    await page.goto(`${server.url}/`);
    const res = await icon;
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toMatch(/^image\/svg\+xml/);
    expect(await page.title()).toBe("Ủy ban nhân dân xã Minh Tiến");
    const feed = await page.locator('link[rel="alternate"][type="application/rss+xml"]').getAttribute("href");
    const xml = await page.evaluate(async (href) => (await fetch(href!)).text(), feed);
    expect(xml).toContain("<rss version=\"2.0\"");
    expect(xml).toContain("<item><title>");
    expect(problems).toEqual([]);
    await context.close();
  });
});
