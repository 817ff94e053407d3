import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { launchBrowser, type LiveServer, startLiveServer } from "../support/browser";
import { forgetProcedure, rawCommuneRecords } from "../support/catalog";

// Issue 17: an administrator uploads a province's announcement file, reviews the preview, applies
// it, and the new procedure appears on the public catalog and in the portal's announcements. The
// file is the national portal's 588 commune records (5 MB), the catalog without one of them, so
// reading it shows the progress; then the same journey without JavaScript, on a small file.

const NEW = "2.001016"; // Chứng thực văn bản từ chối nhận di sản
const NEW_NAME = "Chứng thực văn bản từ chối nhận di sản";

let server: LiveServer;
let browser: Browser;
beforeAll(async () => {
  server = await startLiveServer();
  await forgetProcedure(server.tdb.db, NEW);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Tên đăng nhập").fill("demo-admin");
  await page.getByLabel("Mật khẩu").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(/\/staff/);
  return page;
}

describe("importing an announcement decision in the browser", () => {
  it("uploads the file, follows the progress, reviews the preview, applies it; the public catalog and the portal show the new procedure", async () => {
    const page = await signIn(true);
    await page.getByRole("link", { name: "Cập nhật danh mục TTHC" }).click();
    await page.waitForURL(/\/staff\/catalog\/imports$/);
    await page.getByLabel("Tệp dữ liệu thủ tục").setInputFiles({ name: "qd-1234-tthc-cap-xa.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(rawCommuneRecords())) });
    await page.getByLabel("Số quyết định").fill("1234/QĐ-UBND");
    await page.getByLabel("Ngày ban hành quyết định").fill("2026-06-02");
    // The upload shows its own progress while the file is sent (held back here so it can be seen).
    await page.route(/\/staff\/catalog\/imports$/, async (route) => {
      await new Promise((r) => setTimeout(r, 400));
      await route.continue();
    });
    await page.getByRole("button", { name: "Tải lên và xem trước" }).click();
    await page.locator(".upload-progress:not([hidden]) progress").waitFor();
    await page.waitForURL(/\/staff\/catalog\/imports\/\d+$/);
    await page.getByRole("heading", { name: "Xem trước các thay đổi" }).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator("main, body").first().textContent()).toContain("1 mới, 0 sửa đổi, 0 áp dụng lại, 0 bãi bỏ, 587 không đổi");
    expect(await page.getByRole("table", { name: "Thủ tục mới (1)" }).textContent()).toContain(NEW_NAME);
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Áp dụng và công bố" }).click();
    await page.getByRole("heading", { name: "Đã áp dụng" }).waitFor({ timeout: 60_000 });
    expect(await page.locator("body").textContent()).toMatch(/1 thủ tục mới, 0 sửa đổi, 0 áp dụng lại, 0 bãi bỏ; \d+ thông báo đã đăng trên cổng thông tin/);

    // The public catalog: found by a citizen typing without tones.
    await page.getByRole("link", { name: "Xem danh mục thủ tục công khai" }).click();
    await page.getByLabel("Tìm thủ tục").fill("tu choi nhan di san");
    await page.getByRole("button", { name: "Tìm" }).click();
    await page.getByRole("link", { name: NEW_NAME }).first().click();
    await page.waitForURL(new RegExp(`/procedures/${NEW.replace(".", "\\.")}`));
    expect(await page.locator("h1").textContent()).toBe(NEW_NAME);
    // The portal's announcements, citing the decision.
    await page.goto(server.url);
    const section = page.locator("section", { has: page.getByRole("heading", { name: "Thủ tục hành chính mới", exact: true }) });
    const announced = section.getByRole("listitem").filter({ hasText: NEW_NAME });
    expect(await announced.textContent()).toContain("theo Quyết định số 1234/QĐ-UBND ngày 02/06/2026");
    await page.context().close();
  });

  it("while a large file is read, the page follows the reader's progress and shows the outcome by itself", async () => {
    // A file being read, as the background reader leaves it half-way through the national dump.
    const db = server.tdb.db;
    const id = await db.system(async (tx) => {
      const a = await tx.one<{ commune: number; province: number }>("select c.id as commune, c.parent_id as province from agencies c where c.code = '000.00.25.H12'");
      const r = await tx.one<{ id: number }>(
        `insert into catalog_imports (agency_id, importing_agency_id, file_name, file_size, file_sha256, effective_from, status, progress_stage, progress_done, progress_total)
         values ($1, $2, 'tthc-all-levels.json.gz', 2022327, repeat('a', 64), current_date, 'reading', 'checking', 1200, 2642) returning id`,
        [a.commune, a.province],
      );
      return r.id;
    });
    const page = await signIn(true);
    await page.goto(`${server.url}/staff/catalog/imports/${id}`);
    expect(await page.locator(".progress-text").textContent()).toBe("Đã kiểm tra 1.200/2.642 bản ghi (45%)");
    await db.system((tx) => tx.exec("update catalog_imports set progress_done = 2000, updated_at = now() where id = $1", [id]));
    await page.locator(".progress-text", { hasText: "Đã kiểm tra 2.000/2.642 bản ghi (75%)" }).waitFor();
    expect(await page.locator("progress").getAttribute("value")).toBe("75");
    await db.system((tx) =>
      tx.exec(
        `update catalog_imports set status = 'invalid', progress_stage = 'done', updated_at = now(),
           preview = '{"shape":"portal","records":2642,"added":[],"amended":[],"reinstated":[],"abolished":[],"unchanged":0,"errors":[{"row":17,"code":"1.000001","field":"Tên thủ tục (ten_thu_tuc)","message":"tên thủ tục trống"}],"errorCount":1,"problems":[],"problemCount":0}'
         where id = $1`,
        [id],
      ),
    );
    await page.getByRole("heading", { name: "Tệp có 1 lỗi: không thể áp dụng" }).waitFor();
    expect(await page.getByRole("table", { name: "Các lỗi theo bản ghi" }).textContent()).toContain("tên thủ tục trống");
    await page.context().close();
  });

  it("works without JavaScript: the preview of an amendment, then apply", async () => {
    const page = await signIn(false);
    await page.goto(`${server.url}/staff/catalog/imports`);
    const record = { ...rawCommuneRecords().find((r) => r.ma_thu_tuc === "2.001019")!, yeu_cau_dieu_kien: "Người lập di chúc xuất trình giấy tờ tùy thân." };
    await page.getByLabel("Tệp dữ liệu thủ tục").setInputFiles({ name: "sua-doi.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify([record])) });
    await page.getByRole("button", { name: "Tải lên và xem trước" }).click();
    await page.waitForURL(/\/staff\/catalog\/imports\/\d+$/);
    await page.getByRole("heading", { name: "Xem trước các thay đổi" }).waitFor({ timeout: 30_000 });
    const amended = page.locator("section[aria-labelledby=amended-h] details", { hasText: "2.001019" });
    expect(await amended.textContent()).toContain("Người lập di chúc xuất trình giấy tờ tùy thân.");
    await page.getByRole("button", { name: "Áp dụng và công bố" }).click();
    await page.getByRole("heading", { name: "Đã áp dụng" }).waitFor({ timeout: 30_000 });
    await page.context().close();
  });
});
