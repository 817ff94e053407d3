import JSZip from "jszip";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { launchBrowser, type LiveServer, startLiveServer } from "../support/browser";

// Issue 16, the province's journey in a browser without JavaScript: a commune issues its
// six-monthly report; the province's supervisor opens the workspace, drills down to the commune
// and to a masked dossier, receives the report and acknowledges it, drafts the combined report
// with the commune's numbers and words in it, and downloads the DOCX.

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

const DIFFICULTY = "Thiếu máy quét để số hóa hồ sơ tại Bộ phận Một cửa.";

describe("the province above the communes, in a browser", () => {
  it("a commune's report goes up, the province supervises, receives it and combines it", async () => {
    // The commune drafts its six-monthly report for the period the form proposes, writes its difficulties.
    const comms = await signedIn("demo-comms");
    await comms.getByRole("link", { name: "Báo cáo", exact: true }).click();
    await comms.getByRole("button", { name: "Lập dự thảo báo cáo" }).click();
    await comms.waitForURL(/\/staff\/reports\/\d+$/);
    const reportUrl = comms.url();
    const reportId = reportUrl.split("/").at(-1)!;
    await comms.locator("#f-n-difficulties").fill(`- ${DIFFICULTY}`);
    await comms.getByRole("button", { name: "Lưu dự thảo" }).click();
    await comms.waitForURL(/saved=1/);
    await comms.context().close();

    const leader = await signedIn("demo-leader");
    await leader.goto(reportUrl);
    await leader.getByRole("button", { name: "Duyệt báo cáo" }).click();
    await leader.waitForURL(/saved=1/);
    await leader.context().close();

    const admin = await signedIn("demo-admin");
    await admin.goto(reportUrl);
    await admin.getByRole("button", { name: "Cấp số và ban hành" }).click();
    await admin.waitForURL(/saved=1/);
    expect(await admin.locator("main").textContent()).toContain("Ủy ban nhân dân tỉnh Thái Nguyên");
    const commune = await (await admin.request.get(`${server.url}/api/v1/reports/${reportId}`)).json();
    await admin.context().close();
    const number: string = commune.number;
    const received: number = commune.data.dossiers.totals.received.total;
    expect(number).toMatch(/\/BC-UBND$/);

    // The province's supervisor: the workspace, the commune, a masked dossier.
    const sup = await signedIn("demo-province");
    await sup.getByRole("link", { name: "Giám sát các xã" }).click();
    expect(await sup.locator("h1").textContent()).toBe("Giám sát các xã, phường – Tỉnh Thái Nguyên");
    expect(await sup.locator("svg").count()).toBeGreaterThan(0);
    await sup.locator("table.sup").getByRole("link", { name: "Xã Minh Tiến" }).click();
    await sup.waitForURL(/\/staff\/supervision\/000\.00\.25\.H12/);
    await sup.locator('main dl a[href*="list=new"]').first().click();
    await sup.waitForURL(/\/dossiers\?/);
    await sup.locator("main table tbody a").first().click();
    await sup.waitForURL(/\/staff\/supervision\/[^/]+\/dossiers\/[^/?]+$/);
    const dossier = (await sup.locator("main").textContent()) ?? "";
    expect(dossier).toContain("thông tin cá nhân của người nộp đã được che");
    expect(dossier).toMatch(/••••••••\d{3}/);
    expect(await sup.locator("main form").count()).toBe(0);

    // The report has arrived in the province's register: opened and acknowledged.
    await sup.getByRole("link", { name: "Văn bản đến" }).click();
    const row = sup.locator("tbody tr", { hasText: "Ủy ban nhân dân xã Minh Tiến" });
    expect(await row.textContent()).toContain(number);
    await row.getByRole("link").first().click();
    await sup.getByRole("button", { name: "Xác nhận đã nhận" }).click();
    await sup.waitForURL(/done=acknowledge/);
    expect(await sup.locator("main").textContent()).toContain("Đã xác nhận đã nhận văn bản.");

    // The combined report for the same kind and period, with the commune's numbers and words.
    await sup.getByRole("link", { name: "Báo cáo", exact: true }).click();
    await sup.getByLabel("Từ ngày").fill(commune.period.from);
    await sup.getByLabel("Đến ngày").fill(commune.period.to);
    await sup.getByRole("button", { name: "Lập dự thảo báo cáo" }).click();
    await sup.waitForURL(/\/staff\/reports\/\d+$/);
    const combined = (await sup.locator("main").textContent()) ?? "";
    expect(combined).toContain("Tổng hợp kết quả của các xã, phường");
    expect(combined).toContain(`UBND xã Minh Tiến (Báo cáo số ${number}`);
    expect(combined).toContain(DIFFICULTY);
    const id = sup.url().split("/").at(-1)!;
    const docx = await sup.request.get(`${server.url}/api/v1/reports/${id}.docx`);
    expect(docx.status()).toBe(200);
    const xml = await (await JSZip.loadAsync(await docx.body())).file("word/document.xml")!.async("string");
    const communeRow = xml.split("<w:tr").find((r) => r.includes(">Xã Minh Tiến<"));
    expect(communeRow, "the commune's row of the table by commune").toBeDefined();
    const cells = [...communeRow!.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]);
    expect(cells[1]).toBe("Xã Minh Tiến");
    expect(cells[2]).toBe(new Intl.NumberFormat("vi-VN").format(received));
    expect(cells.at(-1)).toContain(number);
    expect(xml).toContain("TỈNH THÁI NGUYÊN");
    await sup.context().close();
  });
});
