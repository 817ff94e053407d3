import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNE_CODE, DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { launchBrowser, type LiveServer, startLiveServer } from "../support/browser";

// Issue 14 in Chromium: a citizen rates a returned dossier from the tracking page and sends a
// PAKN anonymously; the leader assigns it, an officer answers, the leader approves, and the answer
// is on the commune's public page with the personal data masked. Without JavaScript throughout.

let server: LiveServer;
let browser: Browser;
let dossier: { code: string; phone: string };

beforeAll(async () => {
  server = await startLiveServer();
  browser = await launchBrowser();
  dossier = await server.tdb.db.system((tx) =>
    tx.one<{ code: string; phone: string }>(
      `select d.code, right(d.applicant_phone, 4) as phone from dossiers d join agencies a on a.id = d.agency_id
       where a.code = $1 and d.status = 'returned' and not exists (select 1 from dossier_ratings r where r.dossier_id = d.id) order by d.id limit 1`,
      [DEMO_COMMUNE_CODE],
    ),
  );
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function visitor(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  return { context, page: await context.newPage() };
}

async function staff(username: string): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await visitor();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${server.url}/staff`);
  return { context, page };
}

describe("citizens' voice", () => {
  it("a citizen rates a returned dossier and sends a PAKN anonymously; it is answered, approved and published masked", async () => {
    const citizen = await visitor();
    const page = citizen.page;
    // Rating from the tracking page.
    await page.goto(`${server.url}/track`);
    await page.getByLabel("Mã hồ sơ").fill(dossier.code);
    await page.getByLabel(/4 số cuối/).fill(dossier.phone);
    await page.getByRole("button", { name: "Tra cứu" }).click();
    await page.getByRole("link", { name: "Đánh giá mức độ hài lòng" }).click();
    await page.getByRole("group", { name: "Mức độ hài lòng chung" }).getByLabel("Rất hài lòng").check();
    for (let i = 1; i <= 9; i++) await page.locator(`input[name="item${i}"][value="2"]`).check();
    await page.getByLabel("Ý kiến khác (nếu có)").fill("Cán bộ hướng dẫn tận tình.");
    await page.getByRole("button", { name: "Gửi đánh giá" }).click();
    await page.getByText("Cảm ơn Ông/Bà đã đánh giá.").waitFor();

    // A PAKN, anonymously, from the portal.
    await page.goto(`${server.url}/`);
    await page.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Phản ánh, kiến nghị" }).click();
    await page.getByRole("link", { name: "Gửi phản ánh, kiến nghị" }).first().click();
    await page.getByRole("radio", { name: /^Thủ tục hành chính/ }).check();
    await page.getByLabel("Tiêu đề").fill("Giờ tiếp nhận hồ sơ chứng thực buổi chiều");
    await page.getByLabel("Nội dung", { exact: true }).fill("Chiều thứ Sáu tôi đến chứng thực nhưng Bộ phận Một cửa nghỉ sớm. Gọi lại cho tôi số 0988 765 432 nếu cần.");
    await page.getByLabel("Gửi ẩn danh (không ghi họ tên)").check();
    await page.getByLabel("Số điện thoại", { exact: true }).fill("0988765432");
    await page.getByLabel(/Tôi đồng ý công khai/).check();
    await page.getByRole("button", { name: "Gửi phản ánh, kiến nghị" }).click();
    await page.waitForURL(/\/feedback\/sent\/PAKN-/);
    const code = (await page.locator(".fb-code").textContent())!.trim();
    await citizen.context.close();

    // The leader assigns it to the civil-status officer.
    const leader = await staff("demo-leader");
    await leader.page.goto(`${server.url}/staff/feedback?queue=to_triage`);
    await leader.page.getByRole("link", { name: code }).click();
    await leader.page.getByLabel("Người xử lý").selectOption({ label: "Trần Văn Hùng — Chuyên viên" });
    await leader.page.getByRole("button", { name: "Giao xử lý" }).click();
    await leader.page.waitForURL(/\?done=assign/);

    // The officer answers.
    const officer = await staff("demo-specialist");
    await officer.page.getByRole("link", { name: "Phản ánh, kiến nghị", exact: true }).first().click();
    await officer.page.getByRole("link", { name: code }).click();
    await officer.page
      .getByLabel("Dự thảo câu trả lời")
      .fill("Từ tháng sau, Bộ phận Một cửa tiếp nhận hồ sơ chứng thực đến 17 giờ 00 các ngày làm việc, kể cả chiều thứ Sáu. Xin cảm ơn Ông/Bà đã phản ánh.");
    await officer.page.getByRole("button", { name: "Trình dự thảo trả lời" }).click();
    await officer.page.waitForURL(/\?done=send_for_approval/);
    await officer.context.close();

    // The leader approves and publishes in one step.
    await leader.page.goto(`${server.url}/staff/feedback/${code}`);
    await expect.poll(() => leader.page.getByLabel(/Công khai ngay câu trả lời/).isChecked()).toBe(true);
    await leader.page.getByRole("button", { name: "Duyệt câu trả lời" }).click();
    await leader.page.waitForURL(/\?done=approve/);
    await leader.context.close();

    // On the public page, masked.
    const reader = await visitor();
    await reader.page.goto(`${server.url}/feedback`);
    await reader.page.getByLabel("Tìm trong câu hỏi và câu trả lời").fill("chung thuc buoi chieu");
    await reader.page.getByRole("button", { name: "Tìm", exact: true }).click();
    await reader.page.getByRole("link", { name: "Giờ tiếp nhận hồ sơ chứng thực buổi chiều" }).click();
    const article = reader.page.locator("article");
    await article.getByText("kể cả chiều thứ Sáu").waitFor();
    const text = (await article.textContent()) ?? "";
    expect(text).toContain("Gọi lại cho tôi số [số điện thoại] nếu cần.");
    expect(text).not.toContain("0988");
    await reader.context.close();

    const rated = await server.tdb.db.system((tx) =>
      tx.one<{ overall: string; points: number }>("select r.overall, r.points from dossier_ratings r join dossiers d on d.id = r.dossier_id where d.code = $1", [dossier.code]),
    );
    expect(rated).toEqual({ overall: "very_satisfied", points: 18 });
  });
});
