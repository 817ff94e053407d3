import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeDeadline } from "../../src/domain/calendar/deadline";
import { slipMoment } from "../../src/domain/slips/format";
import { getAgencyCalendar } from "../../src/modules/calendar/service";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { DEMO_COMMUNE_CODE, DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { dossierTimeLimit } from "../../src/modules/dossiers/service";
import { launchBrowser, type LiveServer, startLiveServer } from "../support/browser";
import { pdfText } from "../support/pdf";

// The ten most common commune procedures, as their users meet them: the citizen submits online
// where the commune offers it (attaching only what is required), else the desk receives at the
// counter (finding the procedure by typing without tones, ticking only what is required); the
// desk accepts, and Mẫu 01 states the appointment the working calendar gives.

type Case = { code: string; search: string; js: boolean; name: RegExp };
const TEN: Case[] = [
  { code: "1.001193", search: "dang ky khai sinh", js: false, name: /khai sinh/ },
  { code: "1.000894", search: "dang ky ket hon", js: true, name: /kết hôn/ },
  { code: "1.000656", search: "dang ky khai tu", js: false, name: /khai tử/ },
  { code: "1.004873", search: "xac nhan tinh trang hon nhan", js: true, name: /tình trạng hôn nhân/ },
  { code: "2.000635", search: "ban sao trich luc ho tich", js: false, name: /Trích lục hộ tịch/ },
  { code: "2.000815", search: "chung thuc ban sao tu ban chinh", js: true, name: /Chứng thực bản sao/ },
  { code: "2.000884", search: "chung thuc chu ky", js: false, name: /Chứng thực chữ ký/ },
  // Land: first registration of land use rights (the chair of the commune People's Committee decides).
  { code: "1.012753", search: "dang ky dat dai lan dau", js: true, name: /Đăng ký đất đai/ },
  // Social protection: poor and near-poor households, recognised through the year.
  { code: "1.011607", search: "cong nhan ho ngheo thuong xuyen", js: false, name: /hộ nghèo/ },
  // Household businesses, registered by the commune since 1 July 2025.
  { code: "1.001612", search: "dang ky thanh lap ho kinh doanh", js: true, name: /hộ kinh doanh/ },
];

let server: LiveServer;
let browser: Browser;
let communeId: number;
const pdfPath = path.join(os.tmpdir(), `motcua-e2e-common-${process.pid}.pdf`);

beforeAll(async () => {
  server = await startLiveServer();
  browser = await launchBrowser();
  writeFileSync(pdfPath, Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"));
  communeId = (await server.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE]))).id;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(username: string, javaScriptEnabled: boolean): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${server.url}/staff`);
  return { context, page };
}

async function fillApplicant(page: Page, who: { name: string; phone: string }): Promise<void> {
  await page.getByLabel("Họ và tên").fill(who.name);
  await page.getByLabel(/Số định danh cá nhân/).fill("019190001234");
  await page.getByLabel("Số điện thoại").fill(who.phone);
  await page.getByLabel(/Địa chỉ: số nhà/).fill("Thôn Đồng Kiệm");
}

/** The citizen on the portal: finds the procedure without tones, attaches only what is required. */
async function submitOnline(c: Case): Promise<{ code: string; attached: number }> {
  const context = await browser.newContext({ javaScriptEnabled: c.js });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.getByRole("link", { name: "Nộp hồ sơ trực tuyến" }).first().click();
  await page.getByLabel(/Tìm thủ tục nộp trực tuyến/).fill(c.search);
  await page.getByRole("button", { name: "Tìm", exact: true }).click();
  await page.locator(`a[href$="/${c.code}"]`).first().click();
  await expect.poll(() => page.locator("h1").textContent()).toMatch(c.name);
  await fillApplicant(page, { name: "Đỗ Thị Lan", phone: "0987 111 222" });
  let attached = 0;
  for (const input of await page.locator(".doc-input").all()) {
    if ((await input.locator(".tag").textContent()) !== "Bắt buộc") continue;
    await input.locator('input[type="file"]').setInputFiles(pdfPath);
    attached++;
  }
  await page.getByLabel(/Tôi đồng ý/).check();
  await page.getByRole("button", { name: "Nộp hồ sơ", exact: true }).click();
  await page.waitForURL(/\/submit\/done\?code=/);
  const code = decodeURIComponent(new URL(page.url()).searchParams.get("code")!);
  expect(await page.locator(".notice").textContent()).toContain(code);
  await context.close();
  return { code, attached };
}

/** The desk officer at the counter: types without tones, picks with the keyboard (or the list), ticks only what is required. */
async function receiveAtCounter(c: Case): Promise<string> {
  const { context, page } = await signIn("demo-desk", c.js);
  await page.goto(`${server.url}/staff/dossiers/new`);
  const search = page.getByLabel(/Tìm thủ tục/);
  if (c.js) {
    await search.pressSequentially(c.search, { delay: 10 });
    const option = page.locator(`[role=option] a[href$="procedure=${c.code}"]`);
    await option.waitFor();
    // Arrow keys to the procedure, Enter to pick it.
    for (let i = 0; i < 10 && (await option.locator("xpath=..").getAttribute("aria-selected")) !== "true"; i++) await search.press("ArrowDown");
    await search.press("Enter");
  } else {
    await search.fill(c.search);
    await search.press("Enter");
    await page.locator(`a[href$="procedure=${c.code}"]`).click();
  }
  await page.waitForURL(new RegExp(`procedure=${c.code.replace(/\./g, "\\.")}`));
  await fillApplicant(page, { name: "Đặng Văn Tú", phone: "0912 345 678" });
  for (const row of await page.locator(".check-row").all()) {
    if ((await row.locator(".tag").textContent()) === "Bắt buộc") await row.locator("input").check();
  }
  await page.locator('input[name="consent"]').check();
  await page.getByRole("button", { name: "Tiếp nhận và cấp giấy hẹn" }).click();
  await page.waitForURL(/\/staff\/dossiers\/[^/?]+\?received=1/);
  const code = decodeURIComponent(new URL(page.url()).pathname.split("/")[3]!);
  await context.close();
  return code;
}

/** The desk accepts an online dossier from its queue. */
async function accept(code: string): Promise<void> {
  const { context, page } = await signIn("demo-desk", false);
  await page.goto(`${server.url}/staff/dossiers?queue=to_accept`);
  await page.getByRole("link", { name: code }).click();
  await page.getByRole("button", { name: "Tiếp nhận hồ sơ trực tuyến", exact: true }).click();
  await page.waitForURL(/\?done=accept/);
  await context.close();
}

/** Mẫu 01 as printed, and the appointment the working calendar gives for the procedure's time limit. */
async function slipAndExpected(c: Case, code: string): Promise<{ text: string; expected: string; documents: string[] }> {
  const { context } = await signIn("demo-desk", false);
  const res = await context.request.get(`${server.url}/staff/dossiers/${encodeURIComponent(code)}/slips/01.pdf`);
  expect(res.status()).toBe(200);
  const text = (await pdfText(await res.body())).replace(/\s+/g, " ");
  await context.close();
  const expected = await server.tdb.db.system(async (tx) => {
    const d = await tx.one<{ received_at: Date; documents: { name: string; received: boolean; kind?: string }[] }>("select received_at, documents from dossiers where code = $1", [code]);
    const p = await findOfferedProcedure(tx, { agencyId: communeId, code: c.code });
    const limit = dossierTimeLimit(p!.timeLimit);
    expect(limit, `${c.code} has a time limit`).not.toBeNull();
    const due = computeDeadline({ start: d.received_at, amount: limit!.amount, unit: limit!.unit, calendar: await getAgencyCalendar(tx, communeId) }).due;
    return { moment: slipMoment(new Date(due)), documents: d.documents.filter((x) => x.received && x.kind !== "present").map((x) => x.name) };
  });
  return { text, expected: expected.moment, documents: expected.documents };
}

describe("the ten most common commune procedures, end to end", () => {
  for (const c of TEN) {
    it(`${c.code} (${c.search}), JavaScript ${c.js ? "on" : "off"}`, async () => {
      const offered = await server.tdb.db.system((tx) => findOfferedProcedure(tx, { agencyId: communeId, code: c.code }));
      expect(offered, `${c.code} is offered`).toBeDefined();
      let code: string;
      if (offered!.onlineLevel !== "none") {
        const sent = await submitOnline(c);
        code = sent.code;
        const files = await server.tdb.db.system((tx) => tx.one<{ n: number }>("select count(*)::int as n from dossier_attachments a join dossiers d on d.id = a.dossier_id where d.code = $1", [code]));
        expect(files.n).toBe(sent.attached);
        await accept(code);
      } else {
        code = await receiveAtCounter(c);
      }
      const { text, expected, documents } = await slipAndExpected(c, code);
      expect(text).toContain("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
      expect(text).toContain(code);
      expect(text).toContain(`hẹn trả kết quả vào lúc ${expected}`);
      // What the slip lists as handed in is what was ticked or attached, and nothing only shown.
      for (const d of documents) expect(text).toContain(d.slice(0, 40).replace(/\s+/g, " "));
      if (offered!.timeLimit?.unit === "same_day") expect(text).toContain("tiếp nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo");
    });
  }

  it("birth registration also goes through with JavaScript on", async () => {
    const sent = await submitOnline({ ...TEN[0]!, js: true });
    expect(sent.attached).toBe(1);
  });
});
