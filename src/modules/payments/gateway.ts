// The online payment gateway as this installation reaches it: VNPay 2.1.0 (src/domain/payments/
// vnpay.ts), configured by the environment (VNPAY_URL, VNPAY_API_URL, VNPAY_TMN_CODE,
// VNPAY_HASH_SECRET). In demo and test mode the local stand-in plays the gateway with the demo
// terminal code and secret; an installation in production refuses those (they are public).
import { randomBytes } from "node:crypto";
import { z } from "zod";
import {
  API_PATH,
  type ApiResponse,
  apiResponseHashData,
  hmacSha512,
  orderInfo,
  queryDrHashData,
  type QueryDrRequest,
  type RefundRequest,
  refundHashData,
  sameDigest,
  VNP_VERSION,
  vnpDate,
} from "../../domain/payments/vnpay";

export const DEMO_TMN_CODE = "MOTCUA01";
export const DEMO_HASH_SECRET = "motcua-demo-hash-secret";

export const GatewayConfig = z.object({
  /** Base of the payment page (…/paymentv2/vpcpay.html is appended). */
  url: z.string().url(),
  /** Base of the merchant API (querydr, refund); the same host by default. */
  apiUrl: z.string().url(),
  tmnCode: z.string().regex(/^[A-Z0-9]{8}$/, "VNPAY_TMN_CODE: 8 capital letters or digits"),
  hashSecret: z.string().min(16, "VNPAY_HASH_SECRET: at least 16 characters"),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export class GatewayConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GatewayConfigError";
  }
}

/** The demo terminal and secret must never take real money: refused outside demo and test mode. */
export function checkNotDemo(cfg: Pick<GatewayConfig, "tmnCode" | "hashSecret">, nodeEnv: string): void {
  if (nodeEnv === "production" && (cfg.tmnCode === DEMO_TMN_CODE || cfg.hashSecret === DEMO_HASH_SECRET)) {
    throw new GatewayConfigError(
      "VNPAY_TMN_CODE/VNPAY_HASH_SECRET là mã và khóa mẫu, không được dùng khi NODE_ENV=production / the demo terminal code and hash secret are refused in production",
    );
  }
}

/** The gateway the environment names, or undefined when none is configured (payments then answer 503). */
export function gatewayFromEnv(env: NodeJS.ProcessEnv, nodeEnv: string): GatewayConfig | undefined {
  if (!env.VNPAY_URL) return undefined;
  const parsed = GatewayConfig.safeParse({ url: env.VNPAY_URL, apiUrl: env.VNPAY_API_URL || env.VNPAY_URL, tmnCode: env.VNPAY_TMN_CODE, hashSecret: env.VNPAY_HASH_SECRET });
  if (!parsed.success) throw new GatewayConfigError(`Cấu hình cổng thanh toán không hợp lệ / invalid payment gateway configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  checkNotDemo(parsed.data, nodeEnv);
  return parsed.data;
}

let current: GatewayConfig | undefined;

/** Set at start-up (serve, tests): the routes and the reconciliation job use it. */
export function configurePaymentGateway(cfg: GatewayConfig | undefined): void {
  current = cfg;
}

export function paymentGateway(): GatewayConfig | undefined {
  return current;
}

export function newRequestId(): string {
  return randomBytes(12).toString("hex");
}

/** Order references: 16 random letters and digits, as VNPay accepts ([A-Za-z0-9], at most 100). */
export function newTxnRef(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(16);
  return `MC${[...bytes].map((b) => alphabet[b % alphabet.length]).join("")}`;
}

export type QueryDrResult = { verified: boolean; responseCode: string; transactionStatus: string; transactionNo: string; amountVnd: number | undefined; bankCode: string; payDate: string; message: string };

async function post(cfg: GatewayConfig, body: object): Promise<ApiResponse> {
  const res = await fetch(`${cfg.apiUrl.replace(/\/$/, "")}${API_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) throw new Error(`payment gateway HTTP ${res.status}`);
  return (await res.json()) as ApiResponse;
}

function readAnswer(cfg: GatewayConfig, a: ApiResponse): QueryDrResult {
  const { vnp_SecureHash: hash, ...rest } = a;
  const verified = typeof hash === "string" && sameDigest(hmacSha512(cfg.hashSecret, apiResponseHashData(rest)), hash);
  const raw = String(a.vnp_Amount ?? "");
  return {
    verified,
    responseCode: String(a.vnp_ResponseCode ?? ""),
    transactionStatus: String(a.vnp_TransactionStatus ?? ""),
    transactionNo: String(a.vnp_TransactionNo ?? ""),
    amountVnd: /^\d+$/.test(raw) ? Number(raw) / 100 : undefined,
    bankCode: String(a.vnp_BankCode ?? ""),
    payDate: String(a.vnp_PayDate ?? ""),
    message: String(a.vnp_Message ?? ""),
  };
}

/** Asks the gateway what became of an order (querydr). */
export async function queryTransaction(cfg: GatewayConfig, q: { txnRef: string; createdAt: Date; ipAddr: string; now?: Date }): Promise<QueryDrResult> {
  const req: Omit<QueryDrRequest, "vnp_SecureHash"> = {
    vnp_RequestId: newRequestId(),
    vnp_Version: VNP_VERSION,
    vnp_Command: "querydr",
    vnp_TmnCode: cfg.tmnCode,
    vnp_TxnRef: q.txnRef,
    vnp_OrderInfo: orderInfo(`Kiem tra giao dich ${q.txnRef}`),
    vnp_TransactionDate: vnpDate(q.createdAt),
    vnp_CreateDate: vnpDate(q.now ?? new Date()),
    vnp_IpAddr: q.ipAddr,
  };
  return readAnswer(cfg, await post(cfg, { ...req, vnp_SecureHash: hmacSha512(cfg.hashSecret, queryDrHashData(req)) }));
}

/** Asks the gateway to refund a paid order in full. */
export async function refundTransaction(
  cfg: GatewayConfig,
  r: { txnRef: string; amountVnd: number; transactionNo: string; createdAt: Date; createdBy: string; reason: string; ipAddr: string; now?: Date },
): Promise<QueryDrResult> {
  const req: Omit<RefundRequest, "vnp_SecureHash"> = {
    vnp_RequestId: newRequestId(),
    vnp_Version: VNP_VERSION,
    vnp_Command: "refund",
    vnp_TmnCode: cfg.tmnCode,
    vnp_TransactionType: "02",
    vnp_TxnRef: r.txnRef,
    vnp_Amount: String(r.amountVnd * 100),
    vnp_OrderInfo: orderInfo(r.reason),
    vnp_TransactionNo: r.transactionNo,
    vnp_TransactionDate: vnpDate(r.createdAt),
    vnp_CreateBy: r.createdBy.replace(/[^A-Za-z0-9._-]/g, "").slice(0, 100) || "system",
    vnp_CreateDate: vnpDate(r.now ?? new Date()),
    vnp_IpAddr: r.ipAddr,
  };
  return readAnswer(cfg, await post(cfg, { ...req, vnp_SecureHash: hmacSha512(cfg.hashSecret, refundHashData(req)) }));
}
