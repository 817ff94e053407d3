import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "../../src/db/pool";
import { Db, type Tx } from "../../src/db/scope";
import { secureHash, signData } from "../../src/domain/payments/vnpay";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { TRACK_LIMIT } from "../../src/modules/dossiers/route-support";
import { applyAction, requiredDocuments } from "../../src/modules/dossiers/service";
import { configurePaymentGateway, DEMO_HASH_SECRET, DEMO_TMN_CODE } from "../../src/modules/payments/gateway";
import { reconcilePending, runRefunds } from "../../src/modules/payments/jobs";
import { applyGatewayWords } from "../../src/modules/payments/payments";
import { type PaymentStandin, startPaymentStandin } from "../../src/modules/payments/standin/standin";
import { createTestApp, signIn, type TestApp } from "../support/app";
import { pdfText } from "../support/pdf";

// Fees, online payment through the gateway stand-in (real HTTP both ways), the IPN as the only
// source of truth, receipts numbered without gaps, refunds and reconciliation.

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
const PAID = "2.000635"; // Cấp bản sao Trích lục hộ tịch: 8.000 đồng/bản in the demo commune
let t: TestApp;
let appUrl: string;
let standin: PaymentStandin;
let communeId: number;
let mandatory: string[];

const sys = <T,>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);

beforeAll(async () => {
  // Every request here comes from 127.0.0.1: lift the per-address limit of look-ups by code and phone.
  TRACK_LIMIT.max = 100_000;
  t = await createTestApp();
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  appUrl = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  t.app.deps.config.baseUrl = appUrl;
  standin = await startPaymentStandin({ tmnCode: DEMO_TMN_CODE, hashSecret: DEMO_HASH_SECRET, ipnUrl: `${appUrl}/api/v1/payments/vnpay/ipn`, ipnDelayMs: 20 });
  configurePaymentGateway({ url: standin.url, apiUrl: standin.url, tmnCode: DEMO_TMN_CODE, hashSecret: DEMO_HASH_SECRET });
  communeId = (await sys((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE]))).id;
  const p = await sys((tx) => findOfferedProcedure(tx, { agencyId: communeId, code: PAID }));
  mandatory = requiredDocuments(p!, "online").mandatory;
});

afterAll(async () => {
  configurePaymentGateway(undefined);
  await standin?.close();
  await t?.close();
});

let phoneSeq = 0;
async function submit(code = PAID): Promise<{ code: string; phone: string }> {
  const phone = `0912${String(100000 + ++phoneSeq).slice(-6)}`;
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/dossiers",
    payload: {
      procedureCode: code,
      agencyCode: DEMO_COMMUNE_CODE,
      applicant: { fullName: "Đỗ Thị Lan", idNumber: "019190001234", phone, address: { line: "Thôn Đồng Kiệm" } },
      attachments: mandatory.map((n) => ({ documentName: n, fileName: "to-khai.pdf", dataBase64: PDF.toString("base64") })),
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { code: res.json().code as string, phone };
}

const last4 = (phone: string) => phone.slice(-4);
const dossierId = (code: string) => sys((tx) => tx.one<{ id: number }>("select id from dossiers where code = $1", [code])).then((r) => r.id);

async function open(d: { code: string; phone: string }) {
  const res = await t.app.inject({ method: "POST", url: `/api/v1/dossiers/${encodeURIComponent(d.code)}/payments`, payload: { phone: last4(d.phone) } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { txnRef: string; amount: number; paymentUrl: string };
}

/** The tester at the stand-in's bank page: opens the page, presses a button; returns where the browser is sent. */
async function bank(paymentUrl: string, action: "pay" | "cancel"): Promise<string> {
  const pageRes = await fetch(paymentUrl);
  expect(pageRes.status).toBe(200);
  const html = await pageRes.text();
  expect(html).toContain("8.000");
  const txnRef = /name="txnRef" value="([^"]+)"/.exec(html)![1]!;
  const r = await fetch(`${standin.url}/paymentv2/pay`, { method: "POST", body: new URLSearchParams({ txnRef, action }), redirect: "manual" });
  expect(r.status).toBe(302);
  return r.headers.get("location")!;
}

const ipn = (params: Record<string, string>) => t.app.inject({ method: "GET", url: `/api/v1/payments/vnpay/ipn?${new URLSearchParams(params).toString()}` }).then((r) => r.json() as { RspCode: string; Message: string });

describe("procedures payable online", () => {
  it("lists the commune's procedures whose fee can be paid online, and the public page says so", async () => {
    const res = await t.app.inject({ method: "GET", url: `/api/v1/procedures?agency=${DEMO_COMMUNE_CODE}&payable=true&limit=100` });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { code: string; feeVnd: number }[];
    expect(items.find((i) => i.code === PAID)).toMatchObject({ feeVnd: 8000 });
    expect(items.some((i) => i.code === "1.001193")).toBe(false);
    const searched = await t.app.inject({ method: "GET", url: `/api/v1/procedures?agency=${DEMO_COMMUNE_CODE}&payable=true&q=${encodeURIComponent("trich luc ho tich")}` });
    expect(searched.json().items[0].code).toBe(PAID);
    const bad = await t.app.inject({ method: "GET", url: `/api/v1/procedures?payable=maybe` });
    expect(bad.statusCode).toBe(400);
    const page = await t.app.inject({ method: "GET", url: `/procedures/${PAID}` });
    expect(page.body).toContain("8.000 đồng/bản");
    expect(page.body).toContain("Thanh toán trực tuyến");
  });
});

describe("a fee paid online", () => {
  it("assesses the fee at intake from the commune's terms, pays at the bank page, confirms by IPN and issues the receipt", async () => {
    const d = await submit();
    const before = await t.app.inject({ method: "GET", url: `/api/v1/dossiers/${encodeURIComponent(d.code)}/payments?phone=${last4(d.phone)}` });
    expect(before.json()).toEqual({ fee: { status: "due", amount: 8000, paid: 0, outstanding: 8000, due: "result" }, items: [] });
    const wrongPhone = await t.app.inject({ method: "POST", url: `/api/v1/dossiers/${encodeURIComponent(d.code)}/payments`, payload: { phone: "0000" } });
    expect(wrongPhone.statusCode).toBe(404);

    const order = await open(d);
    expect(order.amount).toBe(8000);
    expect(order.paymentUrl.startsWith(`${standin.url}/paymentv2/vpcpay.html?`)).toBe(true);
    const returnTo = await bank(order.paymentUrl, "pay");
    expect(returnTo.startsWith(`${appUrl}/pay/return?`)).toBe(true);

    const after = (await t.app.inject({ method: "GET", url: `/api/v1/dossiers/${encodeURIComponent(d.code)}/payments?phone=${last4(d.phone)}` })).json();
    expect(after.fee).toMatchObject({ status: "paid", paid: 8000, outstanding: 0 });
    expect(after.items).toHaveLength(1);
    expect(after.items[0]).toMatchObject({ txnRef: order.txnRef, amount: 8000, status: "paid", channel: "vnpay" });
    const pdf = await t.app.inject({ method: "GET", url: after.items[0].receiptUrl });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers["content-type"]).toContain("application/pdf");
    const text = (await pdfText(pdf.rawPayload)).replace(/\s+/g, " ");
    expect(text).toContain("BIÊN LAI THU PHÍ, LỆ PHÍ");
    expect(text).toContain("Tám nghìn đồng");
    expect(text).toContain("8.000 đồng");
    expect(text).toContain(d.code);
    expect(text).toContain("Đỗ Thị Lan");
    expect(text).toMatch(/Ký hiệu: MT-\d{2}E/);
    expect(text).toContain("Số: 0000001");
    expect(text).toContain(standin.transactions.get(order.txnRef)!.transactionNo);

    // The return page only displays what the IPN recorded.
    const ret = await t.app.inject({ method: "GET", url: returnTo.slice(appUrl.length) });
    expect(ret.statusCode).toBe(200);
    expect(ret.body).toContain("Thanh toán thành công");
    const forged = await t.app.inject({ method: "GET", url: `/pay/return?vnp_TxnRef=${order.txnRef}&vnp_ResponseCode=00&vnp_SecureHash=${"0".repeat(128)}` });
    expect(forged.statusCode).toBe(400);

    // The QR's page verifies the receipt without personal data.
    const publicId = (after.items[0].receiptUrl as string).split("/").pop()!.replace(/\.pdf$/, "");
    const verify = await t.app.inject({ method: "GET", url: `/receipts/${publicId}` });
    expect(verify.statusCode).toBe(200);
    expect(verify.body).toContain("Biên lai hợp lệ");
    expect(verify.body).not.toContain("Đỗ Thị Lan");

    // Paid: a second payment is refused with a clear message.
    const again = await t.app.inject({ method: "POST", url: `/api/v1/dossiers/${encodeURIComponent(d.code)}/payments`, payload: { phone: last4(d.phone) } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe("Hồ sơ đã nộp đủ phí, lệ phí.");
  });

  it("answers IPN replays 02, tampered or unsigned 97, unknown 01, another amount 04 — and changes nothing", async () => {
    const d = await submit();
    const order = await open(d);
    await bank(order.paymentUrl, "pay");
    const signed = standin.resultParams(order.txnRef);
    expect(await ipn(signed)).toEqual({ RspCode: "02", Message: "Order already confirmed" });
    expect((await ipn({ ...signed, vnp_Amount: "100" })).RspCode).toBe("97");
    const { vnp_SecureHash: _h, ...unsigned } = signed;
    expect((await ipn(unsigned)).RspCode).toBe("97");
    const resign = (p: Record<string, string>) => ({ ...p, vnp_SecureHash: secureHash(p, DEMO_HASH_SECRET) });
    const { vnp_SecureHash: _x, vnp_SecureHashType: _y, ...body } = signed;
    expect((await ipn(resign({ ...body, vnp_TxnRef: "MCNOSUCHORDER1234" }))).RspCode).toBe("01");
    // Another order of this dossier, answered with the wrong amount: 04, the order stays pending.
    const d2 = await submit();
    const order2 = await open(d2);
    expect((await ipn(resign({ ...body, vnp_TxnRef: order2.txnRef, vnp_Amount: "700000" }))).RspCode).toBe("04");
    expect((await ipn(resign({ ...body, vnp_TxnRef: order2.txnRef, vnp_TmnCode: "OTHER001" }))).RspCode).toBe("97");
    const states = await sys((tx) => tx.query<{ status: string }>("select status from payments where txn_ref = $1", [order2.txnRef]));
    expect(states).toEqual([{ status: "pending" }]);
    const receipts = await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from receipts r join payments p on p.id = r.payment_id where p.txn_ref = any($1)", [[order.txnRef, order2.txnRef]]));
    expect(receipts.n).toBe(1);
    const logged = await sys((tx) => tx.query<{ answer: string }>("select answer from payment_gateway_log where txn_ref = $1 order by id", [order2.txnRef]));
    expect(logged.map((l) => l.answer)).toEqual(["04", "97"]);
  });

  it("ten identical IPNs at once confirm one payment and issue one receipt", async () => {
    const d = await submit();
    const order = await open(d);
    const p = { vnp_Amount: "800000", vnp_BankCode: "NCB", vnp_OrderInfo: "x", vnp_PayDate: "20261207101500", vnp_ResponseCode: "00", vnp_TmnCode: DEMO_TMN_CODE, vnp_TransactionNo: "99000001", vnp_TransactionStatus: "00", vnp_TxnRef: order.txnRef };
    const params = { ...p, vnp_SecureHash: secureHash(p, DEMO_HASH_SECRET) };
    expect(signData(params)).not.toContain("SecureHash");
    const answers = await Promise.all(Array.from({ length: 10 }, () => ipn(params)));
    expect(answers.filter((a) => a.RspCode === "00")).toHaveLength(1);
    expect(answers.filter((a) => a.RspCode === "02")).toHaveLength(9);
    const r = await sys((tx) => tx.one<{ n: number; paid: string }>("select count(r.id)::int as n, max(f.paid_vnd) as paid from payments p join dossier_fees f on f.dossier_id = p.dossier_id left join receipts r on r.payment_id = p.id where p.txn_ref = $1", [order.txnRef]));
    expect({ n: r.n, paid: Number(r.paid) }).toEqual({ n: 1, paid: 8000 });
  });

  it("a cancelled payment leaves the fee unpaid; the applicant pays again", async () => {
    const d = await submit();
    const first = await open(d);
    const back = await bank(first.paymentUrl, "cancel");
    const page = await t.app.inject({ method: "GET", url: back.slice(appUrl.length) });
    expect(page.body).toContain("không thành công hoặc đã bị hủy");
    const second = await open(d);
    expect(second.txnRef).not.toBe(first.txnRef);
    await bank(second.paymentUrl, "pay");
    const items = (await t.app.inject({ method: "GET", url: `/api/v1/dossiers/${encodeURIComponent(d.code)}/payments?phone=${last4(d.phone)}` })).json().items;
    expect(items.map((i: { status: string }) => i.status)).toEqual(["failed", "paid"]);
  });
});

describe("receipt numbers", () => {
  it("are consecutive, without gaps or duplicates, when confirmations race on two app instances", async () => {
    const other = new Db(createPool({ connectionString: t.tdb.url, max: 10 }));
    try {
      const orders: string[] = [];
      for (let i = 0; i < 24; i++) {
        const d = await submit();
        orders.push((await open(d)).txnRef);
      }
      const before = await sys((tx) => tx.maybeOne<{ last_no: number }>("select last_no from receipt_counters where agency_id = $1", [communeId]));
      const word = (ref: string, i: number) => {
        const p = { vnp_Amount: "800000", vnp_BankCode: "NCB", vnp_OrderInfo: "x", vnp_PayDate: "20261207101500", vnp_ResponseCode: "00", vnp_TmnCode: DEMO_TMN_CODE, vnp_TransactionNo: String(88000000 + i), vnp_TransactionStatus: "00", vnp_TxnRef: ref };
        return { source: "ipn" as const, params: { ...p, vnp_SecureHash: secureHash(p, DEMO_HASH_SECRET) } };
      };
      const cfg = { tmnCode: DEMO_TMN_CODE, hashSecret: DEMO_HASH_SECRET };
      // Each order confirmed twice, once per "instance", one transaction each, all at once; a few fail and roll back.
      const attempts = orders.flatMap((ref, i) => [
        other.system((tx) => applyGatewayWords(tx, cfg, [word(ref, i)])),
        t.tdb.db.system(async (tx) => {
          const r = await applyGatewayWords(tx, cfg, [word(ref, i)]);
          if (i % 5 === 0) throw new Error("rolled back on purpose");
          return r;
        }),
      ]);
      await Promise.allSettled(attempts);
      const rows = await sys((tx) => tx.query<{ number: number }>("select r.number from receipts r join payments p on p.id = r.payment_id where p.txn_ref = any($1) order by r.number", [orders]));
      expect(rows).toHaveLength(orders.length);
      const start = (before?.last_no ?? 0) + 1;
      expect(rows.map((r) => r.number)).toEqual(Array.from({ length: orders.length }, (_, i) => start + i));
      const counter = await sys((tx) => tx.one<{ last_no: number }>("select last_no from receipt_counters where agency_id = $1", [communeId]));
      expect(counter.last_no).toBe(start + orders.length - 1);
    } finally {
      await other.close();
    }
  });
});

describe("fees at the desk", () => {
  it("an unknown fee is set by the desk with a reason before anyone can pay; cash is recorded with a receipt; each change is kept", async () => {
    const desk = await signIn(t.app, "demo-desk");
    // 1.001193 (khai sinh) is free in the catalog: make a dossier whose fee is unknown by clearing it.
    const d = await submit();
    const id = await dossierId(d.code);
    await sys((tx) => tx.exec("update dossier_fees set status = 'unknown', amount_vnd = 0, lines = '[]' where dossier_id = $1", [id]));
    const refused = await t.app.inject({ method: "POST", url: `/api/v1/dossiers/${encodeURIComponent(d.code)}/payments`, payload: { phone: last4(d.phone) } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain("chưa được xác định");
    const page = await desk.get(`/staff/dossiers/${encodeURIComponent(d.code)}`);
    expect(page.body).toContain("Chưa xác định mức thu");
    const noReason = await desk.json("POST", `/api/v1/dossiers/${encodeURIComponent(d.code)}/fee`, { amount: 16000, reason: "" });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().error.message).toContain("lý do");
    const set = await desk.post(`/staff/dossiers/${encodeURIComponent(d.code)}/fee`, { kind: "amount", amount: "16.000", reason: "Người nộp yêu cầu 2 bản sao" });
    expect(set.statusCode).toBe(303);
    const cash = await desk.post(`/staff/dossiers/${encodeURIComponent(d.code)}/payments/cash`, {});
    expect(cash.statusCode).toBe(303);
    const after = await desk.get(`/staff/dossiers/${encodeURIComponent(d.code)}`);
    expect(after.body).toContain("Đã nộp đủ 16.000 đồng");
    expect(after.body).toContain("Người nộp yêu cầu 2 bản sao");
    expect(after.body).toMatch(/Biên lai MT-\d{2}E số \d{7}/);
    const changes = await sys((tx) => tx.query<{ reason: string; actor_label: string }>("select reason, actor_label from dossier_fee_changes where dossier_id = $1 order by id", [id]));
    expect(changes.map((c) => c.reason)).toEqual(["payment.reason.intake", "Người nộp yêu cầu 2 bản sao"]);
    expect(changes[1]!.actor_label).toBe("demo-desk");
    // Below what was paid: refused.
    const lower = await desk.json("POST", `/api/v1/dossiers/${encodeURIComponent(d.code)}/fee`, { amount: 8000, reason: "Giảm" });
    expect(lower.statusCode).toBe(409);
    // The receipts of the month, on the page and as the register.
    const list = await desk.get("/staff/payments");
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(d.code);
    const xlsx = await desk.get("/staff/payments/receipts.xlsx");
    expect(xlsx.statusCode).toBe(200);
    const sheet = await (await JSZip.loadAsync(xlsx.rawPayload)).file("xl/sharedStrings.xml")!.async("string");
    expect(sheet).toContain("SỔ THEO DÕI BIÊN LAI THU PHÍ, LỆ PHÍ");
    expect(sheet).toContain(d.code);
    expect((await desk.get("/staff/payments?from=2026-01-01&to=2028-01-01")).statusCode).toBe(400);
  });

  it("no result is handed over while a known fee is unpaid; a fee due at submission holds back acceptance", async () => {
    const d = await submit();
    const id = await dossierId(d.code);
    const actor = (u: string, role: "desk_officer" | "specialist" | "leader") =>
      sys((tx) => tx.one<{ id: number }>("select id from users where username = $1", [u])).then((r) => ({ userId: r.id, role, label: u, agencyId: communeId }));
    await sys((tx) => tx.exec("update dossier_fees set due = 'submission' where dossier_id = $1", [id]));
    const desk = await actor("demo-desk", "desk_officer");
    const scoped = <T,>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.scoped({ agencyIds: [communeId], userId: desk.userId }, fn);
    await expect(scoped((tx) => applyAction(tx, { dossierCode: d.code, agencyId: communeId, action: "accept", actor: desk }))).rejects.toMatchObject({ kind: "conflict", messageKey: "payment.err.unpaidAtSubmission" });
    expect((await sys((tx) => tx.one<{ status: string }>("select status from dossiers where id = $1", [id]))).status).toBe("submitted");
    await sys((tx) => tx.exec("update dossier_fees set due = 'result' where dossier_id = $1", [id]));
    await scoped((tx) => applyAction(tx, { dossierCode: d.code, agencyId: communeId, action: "accept", actor: desk }));
    const spec = await actor("demo-specialist", "specialist");
    const current = await sys((tx) => tx.one<{ status: string }>("select status from dossiers where id = $1", [id]));
    if (current.status === "received") await scoped((tx) => applyAction(tx, { dossierCode: d.code, agencyId: communeId, action: "assign", actor: desk, input: { assigneeUserId: spec.userId } }));
    await scoped((tx) => applyAction(tx, { dossierCode: d.code, agencyId: communeId, action: "mark_result_ready", actor: spec }));
    const deskClient = await signIn(t.app, "demo-desk");
    const denied = await deskClient.json("POST", `/api/v1/dossiers/${encodeURIComponent(d.code)}/actions/return`, { returnChannel: "counter" });
    expect(denied.statusCode).toBe(409);
    expect(denied.json().error.message).toBe("Người nộp chưa nộp phí, lệ phí (8.000 đồng): chưa thể trả kết quả. Thu tiền mặt hoặc chờ thanh toán trực tuyến.");
    await expect(scoped((tx) => applyAction(tx, { dossierCode: d.code, agencyId: communeId, action: "return", actor: desk, input: { returnChannel: "counter" } }))).rejects.toMatchObject({
      kind: "conflict",
      messageKey: "payment.err.unpaidBeforeResult",
    });
  });

  it("refuses to pay a refused or withdrawn dossier, and refunds a paid one that is refused", async () => {
    const d = await submit();
    const order = await open(d);
    await bank(order.paymentUrl, "pay");
    const desk = await signIn(t.app, "demo-desk");
    const refuse = await desk.json("POST", `/api/v1/dossiers/${encodeURIComponent(d.code)}/actions/refuse`, { note: "Không đủ điều kiện cấp bản sao" });
    expect(refuse.statusCode).toBe(200);
    const again = await t.app.inject({ method: "POST", url: `/api/v1/dossiers/${encodeURIComponent(d.code)}/payments`, payload: { phone: last4(d.phone) } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe("Hồ sơ đang ở trạng thái «Từ chối giải quyết»: không thể thanh toán.");
    expect((await sys((tx) => tx.one<{ status: string }>("select status from payments where txn_ref = $1", [order.txnRef]))).status).toBe("refund_requested");
    expect(await runRefunds(t.tdb.db, { url: standin.url, apiUrl: standin.url, tmnCode: DEMO_TMN_CODE, hashSecret: DEMO_HASH_SECRET })).toBeGreaterThanOrEqual(1);
    expect((await sys((tx) => tx.one<{ status: string }>("select status from payments where txn_ref = $1", [order.txnRef]))).status).toBe("refunded");
    expect(standin.transactions.get(order.txnRef)!.state).toBe("refunded");
    const items = (await t.app.inject({ method: "GET", url: `/api/v1/dossiers/${encodeURIComponent(d.code)}/payments?phone=${last4(d.phone)}` })).json().items;
    expect(items[0].status).toBe("refunded");
  });

  it("reconciliation asks querydr about an order whose IPN was lost, and confirms it", async () => {
    const d = await submit();
    const order = await open(d);
    // The merchant's IPN address is wrong for a while: every retry is lost.
    standin.setIpnUrl(`${appUrl}/nowhere`);
    try {
      await bank(order.paymentUrl, "pay");
      await standin.settled();
    } finally {
      standin.setIpnUrl(`${appUrl}/api/v1/payments/vnpay/ipn`);
    }
    expect(standin.transactions.get(order.txnRef)!.ipn).toMatchObject({ attempts: 5, delivered: false });
    expect((await sys((tx) => tx.one<{ status: string }>("select status from payments where txn_ref = $1", [order.txnRef]))).status).toBe("pending");
    const cfg = { url: standin.url, apiUrl: standin.url, tmnCode: DEMO_TMN_CODE, hashSecret: DEMO_HASH_SECRET };
    const early = await reconcilePending(t.tdb.db, cfg);
    expect(early.asked).toBe(0);
    const r = await reconcilePending(t.tdb.db, cfg, { now: new Date(Date.now() + 20 * 60_000) });
    expect(r.confirmed).toBeGreaterThanOrEqual(1);
    const p = await sys((tx) => tx.one<{ status: string; n: number }>("select p.status, (select count(*)::int from receipts r where r.payment_id = p.id) as n from payments p where txn_ref = $1", [order.txnRef]));
    expect(p).toEqual({ status: "paid", n: 1 });
  });
});
