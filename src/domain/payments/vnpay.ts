// VNPay payment gateway, protocol version 2.1.0 (public merchant documentation and VNPay's own
// sample code; see docs/payments.md). Pure: the adapter and the local stand-in both build and
// check messages with these functions, and the tests check them against hand-computed values.
//
// Signing (vnp_SecureHash): HMAC-SHA512 with the merchant's hash secret over the vnp_ parameters
// (except vnp_SecureHash / vnp_SecureHashType) sorted by name and joined as `k=v&k=v`, names and
// values form-urlencoded as VNPay's samples do (space → "+", UTF-8 percent-escapes). Encoders
// disagree on ( ) ! ~ * ': we send only plain ASCII values, so the question never arises for what
// we sign, and we verify exactly the values received. querydr and refund sign fields joined by "|".
import { createHmac, timingSafeEqual } from "node:crypto";

export const VNP_VERSION = "2.1.0";
export const PAY_PATH = "/paymentv2/vpcpay.html";
export const API_PATH = "/merchant_webapi/api/transaction";

/** The merchant's answer to an IPN call. */
export const IPN_CODES = {
  confirmed: "00",
  orderNotFound: "01",
  alreadyConfirmed: "02",
  invalidAmount: "04",
  badChecksum: "97",
  other: "99",
} as const;
export type IpnCode = (typeof IPN_CODES)[keyof typeof IPN_CODES];

export const IPN_MESSAGES: Record<IpnCode, string> = {
  "00": "Confirm Success",
  "01": "Order not found",
  "02": "Order already confirmed",
  "04": "Invalid amount",
  "97": "Invalid signature",
  "99": "Unknown error",
};

/** vnp_ResponseCode values of a payment the stand-in produces and the pages explain. */
export const RESPONSE_CODES = {
  success: "00",
  suspicious: "07",
  timeout: "11",
  cancelled: "24",
  insufficient: "51",
} as const;

/** application/x-www-form-urlencoded as VNPay's samples produce it (Java URLEncoder, PHP urlencode): space → "+". */
export function formEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, "+")
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The text that is signed: every vnp_ parameter but the hash fields, sorted by name, `k=v` joined by "&". */
export function signData(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    // Empty values received are signed too (VNPay's own IPN samples keep them); requests send none.
    .filter((k) => k.startsWith("vnp_") && k !== "vnp_SecureHash" && k !== "vnp_SecureHashType" && params[k] !== undefined)
    .sort()
    .map((k) => `${formEncode(k)}=${formEncode(params[k]!)}`)
    .join("&");
}

export function hmacSha512(secret: string, data: string): string {
  return createHmac("sha512", secret).update(Buffer.from(data, "utf8")).digest("hex");
}

export function secureHash(params: Readonly<Record<string, string>>, secret: string): string {
  return hmacSha512(secret, signData(params));
}

/** Compares two hex digests in constant time (case-insensitive, as VNPay sends upper or lower case). */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase(), "utf8");
  const y = Buffer.from(b.toLowerCase(), "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether a received parameter set carries a valid vnp_SecureHash: verified over the raw values received. */
export function verifyParams(params: Readonly<Record<string, string>>, secret: string): boolean {
  const given = params.vnp_SecureHash;
  if (typeof given !== "string" || !/^[0-9a-fA-F]{128}$/.test(given)) return false;
  return sameDigest(secureHash(params, secret), given);
}

/** yyyyMMddHHmmss in Vietnam (GMT+7), as every VNPay date is written. */
export function vnpDate(at: Date): string {
  const d = new Date(at.getTime() + 7 * 3600_000);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

export function parseVnpDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  const t = Date.UTC(y!, mo! - 1, d!, h! - 7, mi!, se!);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/**
 * vnp_OrderInfo: ASCII without diacritics, as the gateway requires; kept to letters, digits, spaces
 * and . , : - / so that no encoder disagreement can touch the signature.
 */
export function orderInfo(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .replace(/[^a-z0-9 .,:/-]+/gi, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 255);
}

export type PaymentRequest = {
  tmnCode: string;
  secret: string;
  gatewayUrl: string;
  txnRef: string;
  amountVnd: number;
  orderInfo: string;
  /** "other" in VNPay's list of order types; public fees have no category of their own [?]. */
  orderType?: string;
  returnUrl: string;
  ipAddr: string;
  createdAt: Date;
  expiresAt: Date;
  locale: "vn" | "en";
};

/** The signed redirect URL to the gateway's payment page. */
export function paymentUrl(r: PaymentRequest): string {
  if (!Number.isSafeInteger(r.amountVnd) || r.amountVnd <= 0) throw new RangeError("amount must be a positive integer of đồng");
  const params: Record<string, string> = {
    vnp_Version: VNP_VERSION,
    vnp_Command: "pay",
    vnp_TmnCode: r.tmnCode,
    vnp_Amount: String(r.amountVnd * 100),
    vnp_CurrCode: "VND",
    vnp_TxnRef: r.txnRef,
    vnp_OrderInfo: orderInfo(r.orderInfo),
    vnp_OrderType: r.orderType ?? "other",
    vnp_Locale: r.locale,
    vnp_ReturnUrl: r.returnUrl,
    vnp_IpAddr: r.ipAddr,
    vnp_CreateDate: vnpDate(r.createdAt),
    vnp_ExpireDate: vnpDate(r.expiresAt),
  };
  const query = signData(params);
  return `${r.gatewayUrl.replace(/\/$/, "")}${PAY_PATH}?${query}&vnp_SecureHash=${secureHash(params, r.secret)}`;
}

/** The parameters of a query string, decoded once, as they were received (repeated names: the first). */
export function queryParams(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(search)) if (!(k in out)) out[k] = v;
  return out;
}

/** What an IPN call says about the payment, once its signature is verified. */
export type IpnReport = {
  txnRef: string;
  amountVnd: number | undefined;
  responseCode: string;
  transactionStatus: string;
  transactionNo: string;
  bankCode: string;
  payDate: Date | undefined;
  tmnCode: string;
};

export function readIpn(p: Readonly<Record<string, string>>): IpnReport {
  const raw = p.vnp_Amount ?? "";
  const amount = /^\d{1,15}$/.test(raw) && Number(raw) % 100 === 0 ? Number(raw) / 100 : undefined;
  return {
    txnRef: p.vnp_TxnRef ?? "",
    amountVnd: amount,
    responseCode: p.vnp_ResponseCode ?? "",
    transactionStatus: p.vnp_TransactionStatus ?? "",
    transactionNo: p.vnp_TransactionNo ?? "",
    bankCode: p.vnp_BankCode ?? "",
    payDate: parseVnpDate(p.vnp_PayDate ?? ""),
    tmnCode: p.vnp_TmnCode ?? "",
  };
}

/** Paid only when both codes say so. */
export function isSuccess(r: Pick<IpnReport, "responseCode" | "transactionStatus">): boolean {
  return r.responseCode === "00" && r.transactionStatus === "00";
}

export type OrderState = { amountVnd: number; status: "pending" | "paid" | "failed" | "refund_requested" | "refunded" | "expired" };

export type IpnDecision =
  | { code: "97" | "01" | "04" | "02" | "99" }
  | { code: "00"; outcome: "paid" | "failed" };

/**
 * The merchant's answer to an IPN, the only message that changes a payment: a bad signature or a
 * foreign terminal changes nothing (97); an unknown order 01; another amount 04; an order already
 * settled 02; else 00 with the outcome to record (paid only if both codes are "00").
 */
export function decideIpn(input: { checksumOk: boolean; tmnCode: string; report: IpnReport; order: OrderState | undefined }): IpnDecision {
  if (!input.checksumOk || input.report.tmnCode !== input.tmnCode) return { code: "97" };
  if (!input.order) return { code: "01" };
  if (input.report.amountVnd === undefined || input.report.amountVnd !== input.order.amountVnd) return { code: "04" };
  // A pending order that expired on our side may still be paid at the bank: the bank's word wins.
  if (input.order.status !== "pending" && input.order.status !== "expired") return { code: "02" };
  return { code: "00", outcome: isSuccess(input.report) ? "paid" : "failed" };
}

// ---------------------------------------------------------------------------------------------
// querydr and refund: JSON over POST to API_PATH, HMAC-SHA512 over pipe-joined fields.

export type QueryDrRequest = {
  vnp_RequestId: string;
  vnp_Version: string;
  vnp_Command: "querydr";
  vnp_TmnCode: string;
  vnp_TxnRef: string;
  vnp_OrderInfo: string;
  vnp_TransactionDate: string;
  vnp_CreateDate: string;
  vnp_IpAddr: string;
  vnp_SecureHash: string;
};

export type RefundRequest = {
  vnp_RequestId: string;
  vnp_Version: string;
  vnp_Command: "refund";
  vnp_TmnCode: string;
  /** 02 full refund, 03 partial. */
  vnp_TransactionType: "02" | "03";
  vnp_TxnRef: string;
  vnp_Amount: string;
  vnp_OrderInfo: string;
  vnp_TransactionNo: string;
  vnp_TransactionDate: string;
  vnp_CreateBy: string;
  vnp_CreateDate: string;
  vnp_IpAddr: string;
  vnp_SecureHash: string;
};

const pipe = (fields: readonly (string | undefined)[]) => fields.map((f) => f ?? "").join("|");

export function queryDrHashData(r: Omit<QueryDrRequest, "vnp_SecureHash">): string {
  return pipe([r.vnp_RequestId, r.vnp_Version, r.vnp_Command, r.vnp_TmnCode, r.vnp_TxnRef, r.vnp_TransactionDate, r.vnp_CreateDate, r.vnp_IpAddr, r.vnp_OrderInfo]);
}

export function refundHashData(r: Omit<RefundRequest, "vnp_SecureHash">): string {
  return pipe([
    r.vnp_RequestId,
    r.vnp_Version,
    r.vnp_Command,
    r.vnp_TmnCode,
    r.vnp_TransactionType,
    r.vnp_TxnRef,
    r.vnp_Amount,
    r.vnp_TransactionNo,
    r.vnp_TransactionDate,
    r.vnp_CreateBy,
    r.vnp_CreateDate,
    r.vnp_IpAddr,
    r.vnp_OrderInfo,
  ]);
}

export type ApiResponse = {
  vnp_ResponseId: string;
  vnp_Command: string;
  vnp_ResponseCode: string;
  vnp_Message: string;
  vnp_TmnCode: string;
  vnp_TxnRef: string;
  vnp_Amount: string;
  vnp_BankCode: string;
  vnp_PayDate: string;
  vnp_TransactionNo: string;
  vnp_TransactionType: string;
  vnp_TransactionStatus: string;
  vnp_OrderInfo: string;
  vnp_PromotionCode?: string;
  vnp_PromotionAmount?: string;
  vnp_SecureHash: string;
};

/** The signed fields of a querydr answer (refund answers stop after vnp_OrderInfo). */
export function apiResponseHashData(r: Omit<ApiResponse, "vnp_SecureHash">): string {
  const base = [
    r.vnp_ResponseId,
    r.vnp_Command,
    r.vnp_ResponseCode,
    r.vnp_Message,
    r.vnp_TmnCode,
    r.vnp_TxnRef,
    r.vnp_Amount,
    r.vnp_BankCode,
    r.vnp_PayDate,
    r.vnp_TransactionNo,
    r.vnp_TransactionType,
    r.vnp_TransactionStatus,
    r.vnp_OrderInfo,
  ];
  return pipe(r.vnp_Command === "querydr" ? [...base, r.vnp_PromotionCode, r.vnp_PromotionAmount] : base);
}
