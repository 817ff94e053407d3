import { randomBytes } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import formbody from "@fastify/formbody";
import {
  API_PATH,
  type ApiResponse,
  apiResponseHashData,
  hmacSha512,
  PAY_PATH,
  parseVnpDate,
  queryDrHashData,
  type QueryDrRequest,
  type RefundRequest,
  refundHashData,
  sameDigest,
  secureHash,
  signData,
  VNP_VERSION,
  verifyParams,
  vnpDate,
} from "../../../domain/payments/vnpay";

// A local stand-in of the VNPay 2.1.0 gateway (docs/payments.md): the payment page checks what the
// real one checks (terminal code, signature, amount, dates, a reference paid twice), shows a bank
// page where the tester pays or cancels, then calls the merchant's IPN URL (registered with the
// terminal, as at VNPay) with retries and sends the browser back to vnp_ReturnUrl; querydr and
// refund answer signed JSON. Nothing leaves the machine and no money moves.

export type StandinTransaction = {
  txnRef: string;
  amountVnd: number;
  orderInfo: string;
  returnUrl: string;
  createdAt: string;
  /** pending until paid or cancelled at the bank page. */
  state: "pending" | "paid" | "cancelled" | "refunded";
  transactionNo: string;
  payDate: string;
  responseCode: string;
  transactionStatus: string;
  ipn: { attempts: number; answers: string[]; delivered: boolean };
};

export type PaymentStandinOptions = {
  tmnCode: string;
  hashSecret: string;
  /** The merchant's IPN URL, as registered with the terminal; may be set after start (setIpnUrl). */
  ipnUrl?: string;
  /** IPN attempts before giving up (VNPay retries a merchant that does not answer 00/02). */
  ipnRetries?: number;
  ipnDelayMs?: number;
  port?: number;
  host?: string;
};

export type PaymentStandin = {
  url: string;
  transactions: Map<string, StandinTransaction>;
  setIpnUrl: (url: string) => void;
  /** Resolves when every IPN delivery scheduled so far has finished. */
  settled: () => Promise<void>;
  /** The signed parameters the gateway sends about a transaction (IPN and return URL alike), for tests that replay them. */
  resultParams: (txnRef: string) => Record<string, string>;
  close: () => Promise<void>;
  app: FastifyInstance;
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const vnd = (n: number) => `${new Intl.NumberFormat("vi-VN").format(n)} đ`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}h1{font-size:1.3rem;color:#005baa}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dt{font-weight:600}.amount{font-size:1.6rem;font-weight:700;color:#c00}
button{font-size:1.05rem;padding:.6rem 1.2rem;margin:.3rem .3rem 0 0}.cancel{background:#eee}.note{color:#555;font-size:.9rem}.err{color:#b00}</style></head>
<body><p class="note">CỔNG THANH TOÁN THỬ NGHIỆM (stand-in của VNPay) — không có giao dịch tiền thật</p>${body}</body></html>`;
}

export async function startPaymentStandin(opts: PaymentStandinOptions): Promise<PaymentStandin> {
  const app = Fastify({ logger: false });
  await app.register(formbody);
  const transactions = new Map<string, StandinTransaction>();
  const pending = new Set<Promise<void>>();
  let ipnUrl = opts.ipnUrl;
  let nextNo = 14_000_000 + Math.floor(Math.random() * 1_000_000);
  const retries = opts.ipnRetries ?? 5;
  const delay = opts.ipnDelayMs ?? 300;
  let closing = false;

  function resultParams(tx: StandinTransaction): Record<string, string> {
    const p: Record<string, string> = {
      vnp_Amount: String(tx.amountVnd * 100),
      vnp_BankCode: "NCB",
      vnp_BankTranNo: tx.transactionNo === "0" ? "" : `VNP${tx.transactionNo}`,
      vnp_CardType: "ATM",
      vnp_OrderInfo: tx.orderInfo,
      vnp_PayDate: tx.payDate,
      vnp_ResponseCode: tx.responseCode,
      vnp_TmnCode: opts.tmnCode,
      vnp_TransactionNo: tx.transactionNo,
      vnp_TransactionStatus: tx.transactionStatus,
      vnp_TxnRef: tx.txnRef,
    };
    return { ...p, vnp_SecureHashType: "HmacSHA512", vnp_SecureHash: secureHash(p, opts.hashSecret) };
  }

  function query(params: Record<string, string>): string {
    return `${signData(params)}&vnp_SecureHashType=HmacSHA512&vnp_SecureHash=${params.vnp_SecureHash}`;
  }

  /** One IPN call; true when the merchant's answer ends the retries (00 or 02, or a definite refusal). */
  async function callIpn(tx: StandinTransaction): Promise<boolean> {
    if (!ipnUrl) return false;
    tx.ipn.attempts++;
    try {
      const url = `${ipnUrl}${ipnUrl.includes("?") ? "&" : "?"}${query(resultParams(tx))}`;
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      const body = (await res.json().catch(() => ({}))) as { RspCode?: string };
      const code = String(body.RspCode ?? `HTTP ${res.status}`);
      tx.ipn.answers.push(code);
      if (code === "00" || code === "02") tx.ipn.delivered = true;
      // 01, 04, 97: the merchant refuses it; asking again would get the same answer.
      return ["00", "02", "01", "04", "97"].includes(code);
    } catch {
      tx.ipn.answers.push("unreachable");
      return false;
    }
  }

  /** The retries after the first attempt, with growing delays; `retries` attempts in all. */
  async function retryIpn(tx: StandinTransaction): Promise<void> {
    for (let attempt = 2; attempt <= retries && !closing; attempt++) {
      await new Promise((r) => setTimeout(r, delay * 2 ** (attempt - 2)));
      if (await callIpn(tx)) return;
    }
  }

  function schedule(p: Promise<void>): void {
    const q = p.finally(() => pending.delete(q));
    pending.add(q);
  }

  function refusal(reply: import("fastify").FastifyReply, message: string) {
    return reply.code(400).type("text/html; charset=utf-8").send(page("Lỗi giao dịch", `<h1>Giao dịch không hợp lệ</h1><p class="err">${esc(message)}</p>`));
  }

  app.get(PAY_PATH, async (req, reply) => {
    const params: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(req.url.split("?")[1] ?? "")) if (!(k in params)) params[k] = v;
    if (!verifyParams(params, opts.hashSecret)) return refusal(reply, "Sai chữ ký (vnp_SecureHash) — mã lỗi 70");
    if (params.vnp_Version !== VNP_VERSION || params.vnp_Command !== "pay") return refusal(reply, "Sai phiên bản hoặc lệnh — mã lỗi 03");
    if (params.vnp_TmnCode !== opts.tmnCode) return refusal(reply, "Website chưa được phê duyệt — mã lỗi 02");
    const amount = Number(params.vnp_Amount);
    if (!/^\d+$/.test(params.vnp_Amount ?? "") || amount <= 0 || amount % 100 !== 0) return refusal(reply, "Số tiền không hợp lệ — mã lỗi 03");
    if (params.vnp_CurrCode !== "VND") return refusal(reply, "Loại tiền không hợp lệ — mã lỗi 03");
    const txnRef = params.vnp_TxnRef ?? "";
    if (!/^[A-Za-z0-9]{1,100}$/.test(txnRef)) return refusal(reply, "Mã tham chiếu không hợp lệ — mã lỗi 03");
    const expires = parseVnpDate(params.vnp_ExpireDate ?? "");
    if (!expires || !parseVnpDate(params.vnp_CreateDate ?? "")) return refusal(reply, "Thời gian tạo hoặc hết hạn không hợp lệ — mã lỗi 03");
    if (expires.getTime() < Date.now()) return refusal(reply, "Giao dịch đã quá thời gian chờ thanh toán — mã lỗi 11");
    if (!/^https?:\/\//.test(params.vnp_ReturnUrl ?? "")) return refusal(reply, "Địa chỉ trả về không hợp lệ — mã lỗi 03");
    const existing = transactions.get(txnRef);
    if (existing && existing.state !== "pending") return refusal(reply, "Giao dịch đã tồn tại — mã lỗi 94");
    const tx: StandinTransaction = existing ?? {
      txnRef,
      amountVnd: amount / 100,
      orderInfo: params.vnp_OrderInfo ?? "",
      returnUrl: params.vnp_ReturnUrl!,
      createdAt: params.vnp_CreateDate!,
      state: "pending",
      transactionNo: "0",
      payDate: "",
      responseCode: "",
      transactionStatus: "",
      ipn: { attempts: 0, answers: [], delivered: false },
    };
    transactions.set(txnRef, tx);
    return reply.type("text/html; charset=utf-8").send(
      page(
        "Thanh toán — Ngân hàng NCB (thử nghiệm)",
        `<h1>Thanh toán qua Ngân hàng NCB (thử nghiệm)</h1>
<dl><dt>Đơn vị nhận</dt><dd>${esc(opts.tmnCode)}</dd><dt>Nội dung</dt><dd>${esc(tx.orderInfo)}</dd><dt>Mã giao dịch</dt><dd>${esc(txnRef)}</dd>
<dt>Số tiền</dt><dd class="amount">${esc(vnd(tx.amountVnd))}</dd></dl>
<form method="post" action="/paymentv2/pay"><input type="hidden" name="txnRef" value="${esc(txnRef)}">
<button type="submit" name="action" value="pay">Thanh toán</button><button type="submit" name="action" value="cancel" class="cancel">Hủy giao dịch</button></form>`,
      ),
    );
  });

  app.post("/paymentv2/pay", async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const tx = transactions.get(String(body.txnRef ?? ""));
    if (tx?.state !== "pending") return refusal(reply, "Giao dịch không tồn tại hoặc đã xử lý");
    const pay = body.action === "pay";
    tx.state = pay ? "paid" : "cancelled";
    tx.transactionNo = pay ? String(nextNo++) : "0";
    tx.payDate = vnpDate(new Date());
    tx.responseCode = pay ? "00" : "24";
    tx.transactionStatus = pay ? "00" : "02";
    // The first IPN attempt before the browser returns, so a tester sees the result at once; the
    // retries (if the merchant did not confirm) go on in the background.
    const first = await callIpn(tx);
    if (!first) schedule(retryIpn(tx));
    return reply.code(302).redirect(`${tx.returnUrl}${tx.returnUrl.includes("?") ? "&" : "?"}${query(resultParams(tx))}`);
  });

  function answer(base: Omit<ApiResponse, "vnp_SecureHash">): ApiResponse {
    return { ...base, vnp_SecureHash: hmacSha512(opts.hashSecret, apiResponseHashData(base)) };
  }

  app.post(API_PATH, async (req) => {
    const b = (req.body ?? {}) as Record<string, string>;
    const responseId = randomBytes(8).toString("hex");
    const tx = transactions.get(String(b.vnp_TxnRef ?? ""));
    const base = (code: string, message: string): Omit<ApiResponse, "vnp_SecureHash"> => ({
      vnp_ResponseId: responseId,
      vnp_Command: String(b.vnp_Command ?? ""),
      vnp_ResponseCode: code,
      vnp_Message: message,
      vnp_TmnCode: opts.tmnCode,
      vnp_TxnRef: String(b.vnp_TxnRef ?? ""),
      vnp_Amount: tx ? String(tx.amountVnd * 100) : "",
      vnp_BankCode: tx && tx.state !== "pending" ? "NCB" : "",
      vnp_PayDate: tx?.payDate ?? "",
      vnp_TransactionNo: tx?.transactionNo ?? "",
      vnp_TransactionType: b.vnp_Command === "refund" ? "02" : "01",
      vnp_TransactionStatus: tx ? (tx.state === "paid" ? "00" : tx.state === "refunded" ? "05" : tx.state === "pending" ? "01" : "02") : "",
      vnp_OrderInfo: tx?.orderInfo ?? "",
      ...(b.vnp_Command === "querydr" ? { vnp_PromotionCode: "", vnp_PromotionAmount: "" } : {}),
    });
    if (b.vnp_Command === "querydr") {
      const r = b as unknown as QueryDrRequest;
      const { vnp_SecureHash: hash, ...rest } = r;
      if (!hash || !sameDigest(hmacSha512(opts.hashSecret, queryDrHashData(rest)), hash)) return answer(base("97", "Invalid Checksum"));
      if (r.vnp_TmnCode !== opts.tmnCode) return answer(base("02", "Merchant is not valid"));
      if (!tx) return answer(base("91", "Transaction not found"));
      return answer(base("00", "QueryDR Success"));
    }
    if (b.vnp_Command === "refund") {
      const r = b as unknown as RefundRequest;
      const { vnp_SecureHash: hash, ...rest } = r;
      if (!hash || !sameDigest(hmacSha512(opts.hashSecret, refundHashData(rest)), hash)) return answer(base("97", "Invalid Checksum"));
      if (r.vnp_TmnCode !== opts.tmnCode) return answer(base("02", "Merchant is not valid"));
      if (!tx) return answer(base("91", "Transaction not found"));
      if (tx.state === "refunded") return answer(base("94", "Refund request already sent"));
      if (tx.state !== "paid") return answer(base("95", "Transaction not successful, refund refused"));
      if (r.vnp_Amount !== String(tx.amountVnd * 100)) return answer(base("03", "Invalid amount"));
      tx.state = "refunded";
      return answer({ ...base("00", "Refund success"), vnp_TransactionStatus: "05" });
    }
    return answer(base("03", "Invalid command"));
  });

  app.get("/_transactions", async () => ({ transactions: [...transactions.values()] }));

  const address = await app.listen({ port: opts.port ?? 0, host: opts.host ?? "127.0.0.1" });
  return {
    url: address,
    transactions,
    app,
    setIpnUrl: (url) => {
      ipnUrl = url;
    },
    settled: async () => {
      while (pending.size) await Promise.all([...pending]);
    },
    resultParams: (txnRef) => {
      const tx = transactions.get(txnRef);
      if (!tx) throw new Error(`no transaction ${txnRef}`);
      return resultParams(tx);
    },
    close: async () => {
      closing = true;
      await app.close();
    },
  };
}
