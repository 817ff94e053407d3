import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { requiredDocuments } from "../../src/modules/dossiers/service";
import { launchBrowser, type LiveServer, startLiveServer } from "../support/browser";

let server: LiveServer;
let browser: Browser;
let proc: { code: string; name: string; docs: number };
const pdfPath = path.join(os.tmpdir(), `motcua-e2e-${process.pid}.pdf`);

beforeAll(async () => {
  server = await startLiveServer();
  browser = await launchBrowser();
  writeFileSync(pdfPath, Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"));
  const commune = await server.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where code = '000.00.25.H12'"));
  const codes = await server.tdb.db.system((tx) =>
    tx.query<{ code: string }>(
      "select p.code from procedures p join agency_offering($1) ap on ap.procedure_id = p.id where ap.enabled and ap.online_level <> 'none' order by p.field = 'Hộ tịch' desc, p.code",
      [commune.id],
    ),
  );
  for (const c of codes) {
    const p = await server.tdb.db.system((tx) => findOfferedProcedure(tx, { agencyId: commune.id, code: c.code }));
    const docs = p ? requiredDocuments(p) : undefined;
    if (p && p.field === "Hộ tịch" && p.timeLimit && docs && docs.mandatory.length > 0 && (!proc || docs.items.length < proc.docs)) proc = { code: p.code, name: p.name, docs: docs.items.length };
  }
  expect(proc).toBeDefined();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function submitOnline(javaScriptEnabled: boolean): Promise<string> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.getByRole("link", { name: "Nộp hồ sơ trực tuyến" }).first().click();
  // The commune's online procedures come by field or by search; the citizen searches by code.
  await page.getByLabel(/Tìm thủ tục nộp trực tuyến/).fill(proc.code);
  await page.getByRole("button", { name: "Tìm", exact: true }).click();
  await page.locator(`a[href$="/${proc.code}"]`).click();
  await page.getByLabel("Họ và tên").fill("Đỗ Thị Lan");
  await page.getByLabel("Số định danh cá nhân").fill("019190001234");
  await page.getByLabel("Số điện thoại").fill("0987 111 222");
  await page.getByLabel("Địa chỉ: số nhà").fill("Thôn Đồng Kiệm");
  for (const input of await page.locator('input[type="file"]').all()) await input.setInputFiles(pdfPath);
  await page.getByLabel(/Tôi đồng ý/).check();
  await page.getByRole("button", { name: "Nộp hồ sơ", exact: true }).click();
  await page.waitForURL(/\/submit\/done\?code=/, { timeout: 5000 }).catch(async (e) => {
    throw new Error(`${e}\n${await page.locator("main").textContent()}`);
  });
  const code = decodeURIComponent(new URL(page.url()).searchParams.get("code")!);
  expect(await page.locator(".notice").textContent()).toContain(code);
  await context.close();
  return code;
}

async function staff(username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${server.url}/staff`);
  return { context, page };
}

async function act(page: Page, code: string, button: string): Promise<void> {
  await page.goto(`${server.url}/staff/dossiers/${encodeURIComponent(code)}`);
  await page.getByRole("button", { name: button, exact: true }).click();
  await page.waitForURL(/\?done=/);
}

describe("a dossier from online submission to the returned result", () => {
  it("is submitted without JavaScript and with it, processed by desk, specialist and leader, and tracked", async () => {
    const code = await submitOnline(false);
    const second = await submitOnline(true);
    expect(second).not.toBe(code);

    const desk = await staff("demo-desk");
    await desk.page.goto(`${server.url}/staff/dossiers?queue=to_accept`);
    await desk.page.getByRole("link", { name: code }).click();
    await desk.page.getByRole("button", { name: "Tiếp nhận hồ sơ trực tuyến", exact: true }).click();
    await desk.page.waitForURL(/\?done=accept/);
    if ((await desk.page.locator(".lead .tag").first().textContent())?.includes("Đã tiếp nhận")) {
      await desk.page.getByLabel("Người xử lý").selectOption({ label: "Trần Văn Hùng" });
      await desk.page.getByRole("button", { name: "Phân công xử lý", exact: true }).click();
      await desk.page.waitForURL(/\?done=assign/);
    }

    const specialist = await staff("demo-specialist");
    await specialist.page.goto(`${server.url}/staff/dossiers?queue=to_process`);
    expect(await specialist.page.getByRole("link", { name: code }).count()).toBe(1);
    await act(specialist.page, code, "Trình lãnh đạo");

    const leader = await staff("demo-leader");
    await leader.page.goto(`${server.url}/staff/dossiers?queue=to_approve`);
    await leader.page.getByRole("link", { name: code }).click();
    await leader.page.getByRole("button", { name: "Phê duyệt", exact: true }).click();
    await leader.page.waitForURL(/\?done=approve/);

    await act(specialist.page, code, "Có kết quả");
    await act(desk.page, code, "Trả kết quả");
    expect(await desk.page.locator(".lead .tag").first().textContent()).toContain("Đã trả kết quả");
    const history = await desk.page.locator("ol li").allTextContents();
    expect(history.length).toBeGreaterThanOrEqual(6);
    for (const s of [desk, specialist, leader]) await s.context.close();

    const citizen = await browser.newContext({ javaScriptEnabled: false });
    const page = await citizen.newPage();
    await page.goto(`${server.url}/track`);
    await page.getByLabel("Mã hồ sơ").fill(code);
    await page.getByLabel("4 số cuối").fill("1222");
    await page.getByRole("button", { name: "Tra cứu" }).click();
    expect(await page.locator("main").textContent()).toContain("Đã trả kết quả");
    await page.getByLabel("4 số cuối").fill("9999");
    await page.getByRole("button", { name: "Tra cứu" }).click();
    expect(await page.locator("main").textContent()).toContain("Không tìm thấy hồ sơ");
    await citizen.close();
  });
});
