import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Fee } from "../catalog/model";
import { assessFee, isPayableOnline, isSettled, outstandingVnd } from "./fees";
import { defaultReceiptPrefix, formatReceiptNumber, receiptSymbol } from "./receipt";
import {
  apiResponseHashData,
  decideIpn,
  formEncode,
  type IpnReport,
  orderInfo,
  parseVnpDate,
  paymentUrl,
  queryDrHashData,
  queryParams,
  readIpn,
  refundHashData,
  secureHash,
  signData,
  verifyParams,
  vnpDate,
} from "./vnpay";
import { numberInWords, vndInWords } from "./words";

const SECRET = "motcua-demo-hash-secret";

describe("amount in Vietnamese words", () => {
  it("reads the amounts receipts print", () => {
    expect(vndInWords(0)).toBe("Không đồng");
    expect(vndInWords(1_000)).toBe("Một nghìn đồng");
    expect(vndInWords(8_000)).toBe("Tám nghìn đồng");
    expect(vndInWords(1_005_000)).toBe("Một triệu không trăm linh năm nghìn đồng");
    expect(vndInWords(2_000_000_000)).toBe("Hai tỷ đồng");
  });

  it("follows the reading rules (mười, mươi, mốt, lăm, tư, linh, empty groups)", () => {
    expect(numberInWords(10)).toBe("mười");
    expect(numberInWords(15)).toBe("mười lăm");
    expect(numberInWords(14)).toBe("mười bốn");
    expect(numberInWords(21)).toBe("hai mươi mốt");
    expect(numberInWords(24)).toBe("hai mươi tư");
    expect(numberInWords(105)).toBe("một trăm linh năm");
    expect(numberInWords(110)).toBe("một trăm mười");
    expect(numberInWords(50_000)).toBe("năm mươi nghìn");
    expect(numberInWords(1_000_000_005)).toBe("một tỷ không trăm linh năm");
    expect(numberInWords(1_000_000_000_000)).toBe("một nghìn tỷ");
    expect(numberInWords(2_500_100)).toBe("hai triệu năm trăm nghìn một trăm");
    expect(() => numberInWords(-1)).toThrow(RangeError);
    expect(() => numberInWords(1.5)).toThrow(RangeError);
  });

  it("never leaves a doubled space or an empty word", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999 }), (n) => {
        const w = numberInWords(n);
        expect(w).not.toMatch(/\s{2}|^\s|\s$/);
        expect(w.split(" ").every((x) => x.length > 0)).toBe(true);
      }),
    );
  });
});

describe("fees of a dossier", () => {
  const fixed = (amountVnd: number, per: Extract<Fee, { kind: "fixed" }>["per"] = null, capVnd: number | null = null): Fee => ({ kind: "fixed", amountVnd, per, capVnd, note: null });

  it("charges a fixed fee once, per page or copy × quantity, within its cap", () => {
    expect(assessFee({ fees: [fixed(8_000)] })).toMatchObject({ kind: "amount", amountVnd: 8_000 });
    expect(assessFee({ fees: [fixed(8_000)], quantity: 3 })).toMatchObject({ kind: "amount", amountVnd: 8_000 });
    expect(assessFee({ fees: [fixed(8_000, "copy")], quantity: 3 })).toMatchObject({ kind: "amount", amountVnd: 24_000 });
    expect(assessFee({ fees: [fixed(2_000, "page", 200_000)], quantity: 12 })).toMatchObject({ amountVnd: 24_000 });
    expect(assessFee({ fees: [fixed(2_000, "page", 200_000)], quantity: 500 })).toMatchObject({ amountVnd: 200_000 });
    expect(assessFee({ fees: [fixed(50_000, "dossier")], quantity: 4 })).toMatchObject({ amountVnd: 50_000 });
  });

  it("exempts the applicant the procedure's exemption covers, and knows free procedures", () => {
    expect(assessFee({ fees: [fixed(8_000, "copy")], exemption: "Người thuộc hộ nghèo" })).toEqual({ kind: "exempt", amountVnd: 0, exemption: "Người thuộc hộ nghèo" });
    expect(assessFee({ fees: [{ kind: "free", note: "Miễn lệ phí" }] })).toEqual({ kind: "free", amountVnd: 0, note: "Miễn lệ phí" });
  });

  it("never guesses: unknown, local, unparsed, consulate and several amounts must be set by the desk", () => {
    expect(assessFee({ fees: [] })).toMatchObject({ kind: "unknown", reason: "no_information" });
    expect(assessFee({ fees: [{ kind: "unknown" }] })).toMatchObject({ kind: "unknown", reason: "unknown" });
    expect(assessFee({ fees: [{ kind: "local", note: "Theo Nghị quyết HĐND tỉnh" }] })).toMatchObject({ kind: "unknown", reason: "local" });
    expect(assessFee({ fees: [{ kind: "unparsed", text: "tùy trường hợp" }] })).toMatchObject({ kind: "unknown", reason: "unparsed" });
    expect(assessFee({ fees: [fixed(10_000), fixed(20_000)] })).toMatchObject({ kind: "unknown", reason: "several" });
    expect(isPayableOnline([fixed(8_000)])).toBe(true);
    expect(isPayableOnline([{ kind: "free", note: null }])).toBe(false);
    expect(isPayableOnline([{ kind: "unknown" }])).toBe(false);
    expect(() => assessFee({ fees: [fixed(1)], quantity: 0 })).toThrow(RangeError);
  });

  it("a fee is settled once paid in full, never while unknown", () => {
    expect(outstandingVnd({ status: "due", amountVnd: 8_000, paidVnd: 0, due: "result" })).toBe(8_000);
    expect(isSettled({ status: "due", amountVnd: 8_000, paidVnd: 8_000, due: "result" })).toBe(true);
    expect(isSettled({ status: "unknown", amountVnd: 0, paidVnd: 0, due: "result" })).toBe(false);
    expect(isSettled({ status: "exempt", amountVnd: 0, paidVnd: 0, due: "submission" })).toBe(true);
  });

  it("the amount never exceeds the cap nor falls below one unit (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1000 }), fc.option(fc.integer({ min: 1, max: 5_000_000 }), { nil: null }), (amount, q, cap) => {
        const capVnd = cap === null ? null : Math.max(cap, amount);
        const r = assessFee({ fees: [fixed(amount, "page", capVnd)], quantity: q });
        expect(r.kind).toBe("amount");
        expect(r.amountVnd).toBeGreaterThanOrEqual(amount);
        if (capVnd !== null) expect(r.amountVnd).toBeLessThanOrEqual(capVnd);
      }),
    );
  });
});

describe("receipt series", () => {
  it("numbers with seven digits in a yearly electronic series", () => {
    expect(formatReceiptNumber(1)).toBe("0000001");
    expect(receiptSymbol("MT", 2026)).toBe("MT-26E");
    expect(defaultReceiptPrefix("Minh Tiến")).toBe("MT");
    expect(defaultReceiptPrefix("Đồng Hỷ")).toBe("DH");
    expect(() => formatReceiptNumber(0)).toThrow(RangeError);
    expect(() => receiptSymbol("mt", 2026)).toThrow(RangeError);
  });
});

describe("VNPay 2.1.0 signatures", () => {
  // Written out by hand from the protocol (sorted names, form-urlencoded values, "&"), hashed
  // with node:crypto directly: the implementation must produce exactly this text and digest.
  const params = {
    vnp_Version: "2.1.0",
    vnp_Command: "pay",
    vnp_TmnCode: "MOTCUA01",
    vnp_Amount: "800000",
    vnp_CurrCode: "VND",
    vnp_TxnRef: "MC1A2B3C4D",
    vnp_OrderInfo: "Le phi ho so 000.00.25.H12-261203-0001",
    vnp_OrderType: "other",
    vnp_Locale: "vn",
    vnp_ReturnUrl: "http://127.0.0.1:3000/pay/return",
    vnp_IpAddr: "127.0.0.1",
    vnp_CreateDate: "20261203101500",
  };
  const expectedData =
    "vnp_Amount=800000&vnp_Command=pay&vnp_CreateDate=20261203101500&vnp_CurrCode=VND&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Le+phi+ho+so+000.00.25.H12-261203-0001&vnp_OrderType=other&vnp_ReturnUrl=http%3A%2F%2F127.0.0.1%3A3000%2Fpay%2Freturn&vnp_TmnCode=MOTCUA01&vnp_TxnRef=MC1A2B3C4D&vnp_Version=2.1.0";

  it("signs the sorted, form-urlencoded parameters with HMAC-SHA512 (spaces as +)", () => {
    expect(signData(params)).toBe(expectedData);
    expect(secureHash(params, SECRET)).toBe("b9ec6752fdd1579ee89e36cbb9a674dffaff07ef94c0cf0ca642b9e2094ed9ed29480eb6a8b9d2d4afa29edf3855af8630a8025653299f39f12e24a016eb9959");
  });

  it("signs Vietnamese text as UTF-8 percent-escapes and verifies what was received", () => {
    const p = { vnp_TxnRef: "X1", vnp_OrderInfo: "Thanh toán lệ phí đồng", vnp_Amount: "800000" };
    expect(signData(p)).toBe("vnp_Amount=800000&vnp_OrderInfo=Thanh+to%C3%A1n+l%E1%BB%87+ph%C3%AD+%C4%91%E1%BB%93ng&vnp_TxnRef=X1");
    const hash = createHmac("sha512", SECRET).update("vnp_Amount=800000&vnp_OrderInfo=Thanh+to%C3%A1n+l%E1%BB%87+ph%C3%AD+%C4%91%E1%BB%93ng&vnp_TxnRef=X1").digest("hex");
    expect(secureHash(p, SECRET)).toBe(hash);
    expect(verifyParams({ ...p, vnp_SecureHash: hash.toUpperCase(), vnp_SecureHashType: "HmacSHA512" }, SECRET)).toBe(true);
    expect(verifyParams({ ...p, vnp_OrderInfo: "Thanh toán lệ phí đồng ", vnp_SecureHash: hash }, SECRET)).toBe(false);
    expect(verifyParams({ ...p, vnp_SecureHash: hash }, "another-secret")).toBe(false);
    expect(verifyParams(p, SECRET)).toBe(false);
    expect(verifyParams({ ...p, vnp_SecureHash: "00" }, SECRET)).toBe(false);
  });

  it("round-trips through a real URL: what the gateway receives verifies (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.integer({ min: 1, max: 1_000_000_000 }), (text, amount) => {
        const url = paymentUrl({
          tmnCode: "MOTCUA01",
          secret: SECRET,
          gatewayUrl: "http://127.0.0.1:9",
          txnRef: "T1",
          amountVnd: amount,
          orderInfo: text,
          returnUrl: "http://127.0.0.1:3000/pay/return?x=1 2",
          ipAddr: "127.0.0.1",
          createdAt: new Date(0),
          expiresAt: new Date(900_000),
          locale: "vn",
        });
        const received = queryParams(new URL(url).search);
        expect(verifyParams(received, SECRET)).toBe(true);
        expect(received.vnp_Amount).toBe(String(amount * 100));
        expect(received.vnp_OrderInfo).toMatch(/^[a-z0-9 .,:/-]*$/i);
      }),
    );
  });

  it("writes OrderInfo without diacritics and dates in GMT+7", () => {
    expect(orderInfo("Lệ phí hồ sơ Đỗ Thị (Lan) #1")).toBe("Le phi ho so Do Thi Lan 1");
    expect(vnpDate(new Date("2026-12-03T03:15:00Z"))).toBe("20261203101500");
    expect(parseVnpDate("20261203101500")?.toISOString()).toBe("2026-12-03T03:15:00.000Z");
    expect(parseVnpDate("2026-12-03")).toBeUndefined();
    expect(formEncode("a b*c(d)~!'")).toBe("a+b*c%28d%29%7E%21%27");
  });

  it("signs querydr, refund and their answers over pipe-joined fields", () => {
    expect(
      queryDrHashData({
        vnp_RequestId: "R1",
        vnp_Version: "2.1.0",
        vnp_Command: "querydr",
        vnp_TmnCode: "MOTCUA01",
        vnp_TxnRef: "T1",
        vnp_OrderInfo: "Kiem tra",
        vnp_TransactionDate: "20261203101500",
        vnp_CreateDate: "20261203111500",
        vnp_IpAddr: "127.0.0.1",
      }),
    ).toBe("R1|2.1.0|querydr|MOTCUA01|T1|20261203101500|20261203111500|127.0.0.1|Kiem tra");
    expect(
      refundHashData({
        vnp_RequestId: "R2",
        vnp_Version: "2.1.0",
        vnp_Command: "refund",
        vnp_TmnCode: "MOTCUA01",
        vnp_TransactionType: "02",
        vnp_TxnRef: "T1",
        vnp_Amount: "800000",
        vnp_OrderInfo: "Hoan phi",
        vnp_TransactionNo: "14422574",
        vnp_TransactionDate: "20261203101500",
        vnp_CreateBy: "demo-desk",
        vnp_CreateDate: "20261203111500",
        vnp_IpAddr: "127.0.0.1",
      }),
    ).toBe("R2|2.1.0|refund|MOTCUA01|02|T1|800000|14422574|20261203101500|demo-desk|20261203111500|127.0.0.1|Hoan phi");
    const answer = {
      vnp_ResponseId: "A",
      vnp_Command: "querydr",
      vnp_ResponseCode: "00",
      vnp_Message: "OK",
      vnp_TmnCode: "MOTCUA01",
      vnp_TxnRef: "T1",
      vnp_Amount: "800000",
      vnp_BankCode: "NCB",
      vnp_PayDate: "20261203101600",
      vnp_TransactionNo: "1",
      vnp_TransactionType: "01",
      vnp_TransactionStatus: "00",
      vnp_OrderInfo: "x",
    };
    expect(apiResponseHashData(answer)).toBe("A|querydr|00|OK|MOTCUA01|T1|800000|NCB|20261203101600|1|01|00|x||");
    expect(apiResponseHashData({ ...answer, vnp_Command: "refund" })).toBe("A|refund|00|OK|MOTCUA01|T1|800000|NCB|20261203101600|1|01|00|x");
  });
});

describe("IPN answers", () => {
  const report = (o: Partial<IpnReport> = {}): IpnReport => ({
    ...readIpn({
      vnp_TxnRef: "T1",
      vnp_Amount: "800000",
      vnp_ResponseCode: "00",
      vnp_TransactionStatus: "00",
      vnp_TransactionNo: "14422574",
      vnp_BankCode: "NCB",
      vnp_PayDate: "20261203101600",
      vnp_TmnCode: "MOTCUA01",
    }),
    ...o,
  });
  const order = { amountVnd: 8_000, status: "pending" as const };
  const decide = (o: Partial<Parameters<typeof decideIpn>[0]>) => decideIpn({ checksumOk: true, tmnCode: "MOTCUA01", report: report(), order, ...o }).code;

  it("answers 00, 01, 02, 04, 97 as the protocol says", () => {
    expect(decideIpn({ checksumOk: true, tmnCode: "MOTCUA01", report: report(), order })).toEqual({ code: "00", outcome: "paid" });
    expect(decideIpn({ checksumOk: true, tmnCode: "MOTCUA01", report: report({ responseCode: "24", transactionStatus: "02" }), order })).toEqual({ code: "00", outcome: "failed" });
    expect(decideIpn({ checksumOk: true, tmnCode: "MOTCUA01", report: report({ responseCode: "00", transactionStatus: "01" }), order })).toEqual({ code: "00", outcome: "failed" });
    expect(decide({ order: undefined })).toBe("01");
    expect(decide({ order: { amountVnd: 8_000, status: "paid" } })).toBe("02");
    expect(decide({ order: { amountVnd: 8_000, status: "failed" } })).toBe("02");
    expect(decide({ report: report({ amountVnd: 7_000 }) })).toBe("04");
    expect(decide({ report: report({ amountVnd: undefined }) })).toBe("04");
    expect(decide({ checksumOk: false })).toBe("97");
    expect(decide({ report: report({ tmnCode: "OTHER001" }) })).toBe("97");
    expect(decide({ order: { amountVnd: 8_000, status: "expired" } })).toBe("00");
  });

  it("reads amounts in hundredths of đồng and refuses fractions", () => {
    expect(readIpn({ vnp_Amount: "800000" }).amountVnd).toBe(8_000);
    expect(readIpn({ vnp_Amount: "800050" }).amountVnd).toBeUndefined();
    expect(readIpn({ vnp_Amount: "-800000" }).amountVnd).toBeUndefined();
  });
});
