import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNE_CODE, DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { applyAction } from "../../src/modules/dossiers/service";
import { verifyPdfSignature } from "../../src/modules/esign/pdf";
import { configurePaymentGateway, DEMO_HASH_SECRET, DEMO_TMN_CODE } from "../../src/modules/payments/gateway";
import { type PaymentStandin, startPaymentStandin } from "../../src/modules/payments/standin/standin";
import { launchBrowser, type LiveServer, startLiveServer } from "../support/browser";
import { pkijsVerify } from "../support/cms";
import { pdfText } from "../support/pdf";

// A full-online public service as its users meet it: the citizen submits "Cấp bản sao Trích lục hộ
// tịch" (8.000 đồng), pays at the gateway's bank page, keeps the electronic receipt; the leader
// approves and signs the result; the citizen downloads the signed result from the tracking page
// with a one-time code. The desk and the specialist's steps in between go through the service.

let server: LiveServer;
let browser: Browser;
let standin: PaymentStandin;
const pdfPath = path.join(os.tmpdir(), `motcua-e2e-full-online-${process.pid}.pdf`);

beforeAll(async () => {
  server = await startLiveServer();
  standin = await startPaymentStandin({ tmnCode: DEMO_TMN_CODE, hashSecret: DEMO_HASH_SECRET, ipnUrl: `${server.url}/api/v1/payments/vnpay/ipn` });
  configurePaymentGateway({ url: standin.url, apiUrl: standin.url, tmnCode: DEMO_TMN_CODE, hashSecret: DEMO_HASH_SECRET });
  browser = await launchBrowser();
  writeFileSync(pdfPath, Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"));
});
afterAll(async () => {
  configurePaymentGateway(undefined);
  await browser?.close();
  await standin?.close();
  await server?.close();
});

async function download(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [d] = await Promise.all([page.waitForEvent("download"), click()]);
  const file = await d.path();
  const { readFileSync } = await import("node:fs");
  return readFileSync(file!);
}

describe("a full-online procedure: submit, pay, receipt, signed result", () => {
  it("the citizen pays at the bank page and downloads the receipt and the signed result", async () => {
    const citizen = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
    const page = await citizen.newPage();
    // Submit online without an account.
    await page.goto(`${server.url}/submit/${DEMO_COMMUNE_CODE}/2.000635`);
    await page.getByLabel("Họ và tên").fill("Đỗ Thị Lan");
    await page.getByLabel(/Số định danh cá nhân/).fill("019190001234");
    await page.getByLabel("Số điện thoại").fill("0987 111 222");
    await page.getByLabel(/Địa chỉ: số nhà/).fill("Thôn Đồng Kiệm");
    for (const input of await page.locator(".doc-input").all()) {
      if ((await input.locator(".tag").textContent()) === "Bắt buộc") await input.locator('input[type="file"]').setInputFiles(pdfPath);
    }
    await page.getByLabel(/Tôi đồng ý/).check();
    await page.getByRole("button", { name: "Nộp hồ sơ", exact: true }).click();
    await page.waitForURL(/\/submit\/done\?code=/);
    const code = decodeURIComponent(new URL(page.url()).searchParams.get("code")!);

    // The confirmation asks for the fee; the bank page takes it; the return page shows the receipt.
    expect(await page.locator("#fee").textContent()).toContain("Phải nộp 8.000 đồng");
    await page.getByRole("button", { name: "Thanh toán trực tuyến 8.000 đồng" }).click();
    await page.getByRole("link", { name: "Tiếp tục đến cổng thanh toán VNPay" }).click();
    await page.waitForURL(/\/paymentv2\/vpcpay\.html/);
    expect(await page.locator(".amount").textContent()).toContain("8.000");
    await page.getByRole("button", { name: "Thanh toán", exact: true }).click();
    await page.waitForURL(/\/pay\/return\?/);
    expect(await page.locator("[role=status]").textContent()).toContain("Thanh toán thành công 8.000 đồng");
    // The receipt opens in the browser's PDF viewer (inline): read what the link serves.
    const receiptLink = await page.getByRole("link", { name: "Tải biên lai (PDF)" }).getAttribute("href");
    const receiptRes = await citizen.request.get(new URL(receiptLink!, server.url).toString());
    expect(receiptRes.headers()["content-type"]).toContain("application/pdf");
    const receipt = await receiptRes.body();
    const text = (await pdfText(receipt)).replace(/\s+/g, " ");
    expect(text).toContain("BIÊN LAI THU PHÍ, LỆ PHÍ");
    expect(text).toContain("Tám nghìn đồng");
    expect(text).toContain(code);

    // The desk accepts, the specialist sends it to the leader (service calls, as in the other tests).
    const db = server.tdb.db;
    const ids = await db.system((tx) => tx.query<{ id: number; username: string; agency_id: number }>("select id, username, agency_id from users where username in ('demo-desk', 'demo-specialist')"));
    const who = (u: string) => ids.find((x) => x.username === u)!;
    const agencyId = who("demo-desk").agency_id;
    const act = (u: string, role: "desk_officer" | "specialist", action: "accept" | "assign" | "send_to_leader", input: Record<string, unknown> = {}) =>
      db.scoped({ agencyIds: [agencyId], userId: who(u).id }, (tx) => applyAction(tx, { dossierCode: code, agencyId, action, actor: { userId: who(u).id, role, label: u, agencyId }, input }));
    const accepted = await act("demo-desk", "desk_officer", "accept");
    if (accepted.status === "received") await act("demo-desk", "desk_officer", "assign", { assigneeUserId: who("demo-specialist").id });
    await act("demo-specialist", "specialist", "send_to_leader");

    // The leader approves and signs on the dossier page.
    const leader = await browser.newContext({ javaScriptEnabled: false });
    const lp = await leader.newPage();
    await lp.goto(`${server.url}/login`);
    await lp.getByLabel("Tên đăng nhập").fill("demo-leader");
    await lp.getByLabel("Mật khẩu").fill(DEMO_PASSWORD);
    await lp.getByRole("button", { name: "Đăng nhập" }).click();
    await lp.waitForURL(`${server.url}/staff`);
    await lp.goto(`${server.url}/staff/dossiers/${encodeURIComponent(code)}`);
    await lp.getByLabel("Ý kiến phê duyệt").fill("Đồng ý cấp bản sao");
    await lp.getByRole("button", { name: "Phê duyệt và ký số", exact: true }).click();
    await lp.waitForURL(/\?done=approve/);
    expect(await lp.locator(".lead .tag").first().textContent()).toContain("Lãnh đạo đã phê duyệt");
    await leader.close();

    // The citizen tracks the dossier and downloads the signed result with a one-time code.
    await page.goto(`${server.url}/track`);
    await page.getByLabel("Mã hồ sơ").fill(code);
    await page.getByLabel("4 số cuối").fill("1222");
    await page.getByRole("button", { name: "Tra cứu" }).click();
    await page.getByRole("button", { name: "Gửi mã xác thực" }).click();
    const sms = await db.system((tx) => tx.one<{ body: string }>("select o.body from notification_outbox o join dossiers d on d.id = o.dossier_id where d.code = $1 and o.kind = 'result_otp' order by o.id desc limit 1", [code]));
    await page.getByLabel("Mã xác thực (6 chữ số)").fill(/la (\d{6}),/.exec(sms.body)![1]!);
    await page.getByRole("button", { name: "Xác nhận và tải kết quả" }).click();
    const result = await download(page, () => page.locator("#results a[href*='/file']").first().click());
    expect(verifyPdfSignature(result).valid).toBe(true);
    expect(await pkijsVerify(result)).toBe(true);
    expect((await pdfText(result)).replace(/\s+/g, " ")).toContain("Đã ký số");
    // Its QR page verifies it, without personal data.
    await page.locator("#results a[href^='/verify/']").first().click();
    expect(await page.locator("[role=status]").textContent()).toContain("Chữ ký số hợp lệ");
    expect(await page.content()).not.toContain("Đỗ Thị Lan");
    await citizen.close();
  });
});
