import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNE_CODE, DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { DEMO_CCHC_YEAR } from "../../src/modules/indexes/cchc-demo";
import { launchBrowser, type LiveServer, startLiveServer } from "../support/browser";

// Issue 15 in a browser without JavaScript: the commune's leader submits the self-assessment of
// the reform index, the province's appraisal council appraises, approves and publishes it, and
// the ranking shows on the province's public page with the commune in it.

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

describe("the reform index, in a browser", () => {
  it("a leader submits, the province appraises and publishes, the ranking shows on the public page", async () => {
    const leader = await signedIn("demo-leader");
    await leader.getByRole("link", { name: "Chỉ số CCHC", exact: true }).click();
    expect(await leader.locator("h1").textContent()).toBe(`Chỉ số CCHC năm ${DEMO_CCHC_YEAR} – Xã Minh Tiến`);
    expect(await leader.locator("main").textContent()).toContain("Số liệu hệ thống");
    await leader.getByRole("button", { name: "Gửi kết quả tự đánh giá" }).click();
    await leader.waitForURL(/saved=1/);
    const submitted = (await leader.locator("main").textContent()) ?? "";
    expect(submitted).toContain("Chờ thẩm định");
    expect(submitted).toMatch(/Báo cáo tự đánh giá \d+\/BC-UBND/);
    await leader.context().close();

    const sup = await signedIn("demo-province");
    await sup.getByRole("link", { name: "Chỉ số CCHC", exact: true }).click();
    expect(await sup.locator("main").textContent()).toContain("1 xã, phường đang chờ thẩm định.");
    await sup.locator("main table").getByRole("link", { name: "Xã Minh Tiến" }).click();
    await sup.waitForURL(/\/staff\/indexes\/cchc\/\d+$/);
    // One criterion adjusted with its reason, the rest accepted.
    await sup.getByLabel("Ý kiến thẩm định 2.1").selectOption("adjust");
    await sup.locator('[name="q:2.1"]').fill("1,5");
    await sup.locator('[name="r:2.1"]').fill("Chưa rà soát đủ văn bản");
    await sup.getByRole("button", { name: "Lưu ý kiến thẩm định" }).click();
    await sup.waitForURL(/saved=1/);
    await sup.getByRole("button", { name: "Chấp nhận các tiêu chí chưa thẩm định" }).click();
    await sup.waitForURL(/saved=1/);
    await sup.getByRole("button", { name: "Phê duyệt kết quả" }).click();
    await sup.waitForURL(/saved=1/);
    expect(await sup.locator("main").textContent()).toMatch(/Quyết định phê duyệt \d+\/QĐ-UBND/);
    await sup.getByRole("button", { name: "Công bố kết quả" }).click();
    await sup.waitForURL(/saved=1/);
    expect(await sup.locator("main").textContent()).toContain("Đã công bố");
    const provinceCode = await server.tdb.db.system((tx) => tx.one<{ code: string }>("select p.code from agencies a join agencies p on p.id = a.parent_id where a.code = $1", [DEMO_COMMUNE_CODE]));
    await sup.context().close();

    // Anyone: the province's portal ranks the commune; the commune's portal shows its result and chart.
    const visitor = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await visitor.goto(`${server.url}/c/${encodeURIComponent(provinceCode.code)}/cchc`);
    expect(await visitor.locator("h1").textContent()).toContain(`Xếp hạng Chỉ số cải cách hành chính năm ${DEMO_CCHC_YEAR}`);
    const row = visitor.locator("table.ranking tbody tr", { hasText: "Xã Minh Tiến" });
    expect(await row.count()).toBe(1);
    const rank = Number((await row.locator("td").first().textContent())?.trim());
    expect(rank).toBeGreaterThanOrEqual(1);
    await row.getByRole("link", { name: "Xã Minh Tiến" }).click();
    await visitor.waitForURL(/\/cchc$/);
    const commune = (await visitor.locator("main").textContent()) ?? "";
    expect(commune).toContain(`Chỉ số cải cách hành chính năm ${DEMO_CCHC_YEAR}`);
    expect(commune).toContain(`xếp thứ ${rank}/`);
    expect(await visitor.locator("main svg").count()).toBeGreaterThan(0);
    await visitor.context().close();
  });
});
