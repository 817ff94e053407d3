import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNE_CODE, DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { runOverdueSweep } from "../../src/modules/notifications/sweep";
import { launchBrowser, type LiveServer, startLiveServer } from "../support/browser";
import { pdfInfo, pdfText } from "../support/pdf";

// In the browser, JavaScript off: a counter intake prints Mẫu 01; an overdue dossier gives its
// officer a task whose link is the Mẫu 04 apology slip.

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

async function signIn(username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${server.url}/staff`);
  return { context, page };
}

async function pdfTextOf(context: BrowserContext, href: string): Promise<string> {
  const res = await context.request.get(new URL(href, server.url).toString());
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("application/pdf");
  const pdf = await res.body();
  expect((await pdfInfo(pdf)).pages[0]).toEqual({ width: 419.53, height: 595.28 }); // A5
  return pdfText(pdf);
}

describe("printing slips", () => {
  it("a counter intake prints Mẫu 01 with the code and the appointment", async () => {
    const { context, page } = await signIn("demo-desk");
    await page.goto(`${server.url}/staff/dossiers/new`);
    // Certification of a copy: typed without tones, picked from the results.
    await page.getByLabel(/Tìm thủ tục/).fill("chung thuc ban sao tu ban chinh");
    await page.getByRole("button", { name: "Tìm", exact: true }).click();
    await page.locator('a[href$="procedure=2.000815"]').click();
    await page.getByLabel("Họ và tên").fill("Đặng Thị Thủy");
    await page.getByLabel(/Số định danh cá nhân/).fill("019190001234");
    await page.getByLabel("Số điện thoại").fill("0912 345 678");
    await page.getByLabel(/Địa chỉ/).fill("Xóm Đồng Tâm");
    for (const box of await page.locator('input[name="doc"]').all()) await box.check();
    await page.locator('input[name="consent"]').check();
    await page.getByRole("button", { name: "Tiếp nhận và cấp giấy hẹn" }).click();
    await page.waitForURL(/\/staff\/dossiers\/[^/?]+\?received=1/);
    const code = decodeURIComponent(new URL(page.url()).pathname.split("/")[3]!);
    const href = await page.getByRole("link", { name: /Mẫu 01/ }).getAttribute("href");
    expect(href).toBe(`/staff/dossiers/${encodeURIComponent(code)}/slips/01.pdf`);
    const text = await pdfTextOf(context, href!);
    expect(text).toContain("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    expect(text).toContain(code);
    expect(text).toContain("Đặng Thị Thủy");
    expect(text.replace(/\s+/g, " ")).toMatch(/hẹn trả kết quả vào lúc \d{2} giờ \d{2} phút, ngày \d{2} tháng \d{2} năm \d{4}/);
    expect(text).toContain("Nguyễn Thị Hoa");
    await context.close();
  });

  it("an overdue dossier gives its officer a task linking to the Mẫu 04 apology slip", async () => {
    const db = server.tdb.db;
    await db.system(async (tx) => {
      const agency = await tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE]);
      const specialist = await tx.one<{ id: number }>("select id from users where username = 'demo-specialist'");
      await tx.exec(
        `insert into dossiers (agency_id, code, procedure_code, procedure_name, procedure_field, channel, status, applicant_full_name, applicant_id_number,
           applicant_phone, received_at, due_at, assignee_user_id)
         values ($1, 'E2E-QUAHAN-01', '1.001193', 'Đăng ký khai sinh', 'Hộ tịch', 'in_person', 'in_progress', 'Lê Văn Nam', '', '0912000000',
           now() - interval '10 days', now() - interval '2 days', $2)`,
        [agency.id, specialist.id],
      );
    });
    await runOverdueSweep(db, new Date());
    const { context, page } = await signIn("demo-specialist");
    expect(await page.textContent("body")).toContain("Việc cần làm");
    await page.goto(`${server.url}/staff/notifications`);
    const task = page.getByRole("link", { name: "Lập Phiếu xin lỗi và hẹn lại (Mẫu 04) cho hồ sơ E2E-QUAHAN-01" });
    const href = await task.getAttribute("href");
    expect(href).toBe("/staff/dossiers/E2E-QUAHAN-01/slips/04.pdf");
    const text = (await pdfTextOf(context, href!)).replace(/\s+/g, " ");
    expect(text).toContain("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ");
    expect(text).toContain("Kính gửi: Ông/Bà Lê Văn Nam");
    expect(text).toContain("E2E-QUAHAN-01");
    // Marking the task done clears it.
    await page.getByRole("button", { name: "Đã xong" }).first().click();
    await page.waitForURL(`${server.url}/staff/notifications`);
    expect(await page.textContent("body")).toContain("[Đã xong]");
    await context.close();
  });
});
