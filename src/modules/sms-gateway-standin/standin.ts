import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";

// A local stand-in of a brandname SMS gateway speaking the eSMS.vn protocol (see
// /work/shared/notes/protocols.md): the same endpoint, request and reply fields, error codes and
// asynchronous delivery report. It checks what the real gateway checks — keys, client IP,
// brandname, phone number, registered templates, RequestId de-duplication, balance — so an
// adapter that passes here fails for the same reasons there. Messages land in an inbox that
// tests (or a developer, GET /_inbox) can read. Nothing is ever sent to a phone.

export const SEND_PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/";

export const ESMS_CODES = {
  ok: "100",
  blocked: "99",
  wrongKey: "101",
  noBalance: "103",
  unknownBrandname: "104",
  badPhone: "108",
  duplicateRequest: "124",
  ipNotAllowed: "140",
  templateMismatch: "146",
} as const;

const SendRequest = z.object({
  ApiKey: z.string(),
  SecretKey: z.string(),
  Phone: z.string(),
  Content: z.string().min(1),
  Brandname: z.string().optional(),
  SmsType: z.string().optional(),
  IsUnicode: z.enum(["0", "1"]).optional(),
  Sandbox: z.enum(["0", "1"]).optional(),
  RequestId: z.string().optional(),
  CallbackUrl: z.string().optional(),
  SendDate: z.string().optional(),
});
export type SendRequest = z.infer<typeof SendRequest>;

export type InboxMessage = {
  smsId: string;
  requestId?: string | undefined;
  phone: string;
  content: string;
  brandname: string;
  isUnicode: boolean;
  sandbox: boolean;
  receivedAt: Date;
  /** SendStatus reported (5 sent, 4 rejected). */
  sendStatus: "5" | "4";
  callback?: { url: string; attempts: number; delivered: boolean } | undefined;
};

export type StandinOptions = {
  apiKey: string;
  secretKey: string;
  brandnames: readonly string[];
  /** Registered templates; {placeholders} match any text. Empty → every content is accepted. */
  templates?: readonly string[];
  /** Client IPs allowed; empty/absent → any. */
  allowedIps?: readonly string[];
  /** Messages that can still be paid for. */
  balance?: number;
  /** Numbers that have opted out (code 99). */
  blockedPhones?: readonly string[];
  /** Delay before the delivery report, and between its retries (eSMS retries up to 5 times). */
  callbackDelayMs?: number;
  callbackRetries?: number;
  /** Simulated telco outcome per phone; default delivered. */
  outcome?: (phone: string) => "5" | "4";
  port?: number;
  host?: string;
};

export type SmsGatewayStandin = {
  url: string;
  inbox: InboxMessage[];
  /** Resolves when every scheduled delivery report has finished (delivered or given up). */
  settled: () => Promise<void>;
  close: () => Promise<void>;
  app: FastifyInstance;
};

/** Vietnamese mobile numbers: 0 or 84 followed by 9 digits starting with 3, 5, 7, 8 or 9. */
export function normaliseVnMobile(phone: string): string | undefined {
  const digits = phone.replace(/[\s.\-()]/g, "").replace(/^\+/, "");
  const m = /^(?:0|84)([35789]\d{8})$/.exec(digits);
  return m ? `84${m[1]}` : undefined;
}

// Network prefixes (after 84) → eSMS telco ids [?]: 1 Viettel, 2 MobiFone, 3 VinaPhone, 4 Vietnamobile, 5 Gmobile.
function telcoOf(msisdn: string): string {
  const p = msisdn.slice(2, 4);
  if (["32", "33", "34", "35", "36", "37", "38", "39", "86", "96", "97", "98"].includes(p)) return "1";
  if (["70", "76", "77", "78", "79", "89", "90", "93"].includes(p)) return "2";
  if (["81", "82", "83", "84", "85", "88", "91", "94"].includes(p)) return "3";
  if (["52", "56", "58", "92"].includes(p)) return "4";
  return "5";
}

function templateRegex(t: string): RegExp {
  const parts = t.split(/\{\w+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".+?")}$`, "s");
}

export async function startSmsGatewayStandin(opts: StandinOptions): Promise<SmsGatewayStandin> {
  const app = Fastify({ logger: false });
  const inbox: InboxMessage[] = [];
  const seenRequestIds = new Set<string>();
  const pending = new Set<Promise<void>>();
  const templates = (opts.templates ?? []).map(templateRegex);
  let balance = opts.balance ?? Number.POSITIVE_INFINITY;
  const delay = opts.callbackDelayMs ?? 200;
  const retries = opts.callbackRetries ?? 5;
  let closing = false;

  async function report(msg: InboxMessage): Promise<void> {
    if (!msg.callback) return;
    const url = new URL(msg.callback.url);
    const params: Record<string, string> = {
      SMSID: msg.smsId,
      SendStatus: msg.sendStatus,
      SendSuccess: msg.sendStatus === "5" ? "1" : "0",
      SendFailed: msg.sendStatus === "5" ? "0" : "1",
      RequestId: msg.requestId ?? "",
      phonenumber: msg.phone,
      telcoid: telcoOf(msg.phone),
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    for (let attempt = 1; attempt <= retries && !closing; attempt++) {
      await new Promise((r) => setTimeout(r, delay * (attempt === 1 ? 1 : 2 ** (attempt - 1))));
      msg.callback.attempts = attempt;
      try {
        const res = await fetch(url, { method: "GET", signal: AbortSignal.timeout(5000) });
        if (res.ok) {
          msg.callback.delivered = true;
          return;
        }
      } catch {
        // the receiver is down: try again, as the real gateway does
      }
    }
  }

  app.post(SEND_PATH, async (req, reply) => {
    const parsed = SendRequest.safeParse(req.body);
    if (!parsed.success) return reply.code(200).send({ CodeResult: "118", ErrorMessage: "Invalid request" });
    const r = parsed.data;
    if (r.ApiKey !== opts.apiKey || r.SecretKey !== opts.secretKey) return { CodeResult: ESMS_CODES.wrongKey, ErrorMessage: "ApiKey or SecretKey is invalid" };
    if (opts.allowedIps?.length && !opts.allowedIps.includes(req.ip)) return { CodeResult: ESMS_CODES.ipNotAllowed, ErrorMessage: "IP not allowed" };
    if (!r.Brandname || !opts.brandnames.includes(r.Brandname)) return { CodeResult: ESMS_CODES.unknownBrandname, ErrorMessage: "Brandname not registered" };
    const phone = normaliseVnMobile(r.Phone);
    if (!phone) return { CodeResult: ESMS_CODES.badPhone, ErrorMessage: "Phone number is invalid" };
    if (opts.blockedPhones?.some((b) => normaliseVnMobile(b) === phone)) return { CodeResult: ESMS_CODES.blocked, ErrorMessage: "Phone number is blocked" };
    if (r.RequestId && seenRequestIds.has(r.RequestId)) return { CodeResult: ESMS_CODES.duplicateRequest, ErrorMessage: "Duplicate RequestId" };
    if (templates.length && !templates.some((t) => t.test(r.Content))) return { CodeResult: ESMS_CODES.templateMismatch, ErrorMessage: "Content does not match a registered template" };
    if (balance < 1) return { CodeResult: ESMS_CODES.noBalance, ErrorMessage: "Not enough balance" };
    balance -= 1;
    if (r.RequestId) seenRequestIds.add(r.RequestId);
    const msg: InboxMessage = {
      smsId: randomUUID(),
      requestId: r.RequestId,
      phone,
      content: r.Content,
      brandname: r.Brandname,
      isUnicode: r.IsUnicode === "1",
      sandbox: r.Sandbox === "1",
      receivedAt: new Date(),
      sendStatus: opts.outcome?.(phone) ?? "5",
      callback: r.CallbackUrl ? { url: r.CallbackUrl, attempts: 0, delivered: false } : undefined,
    };
    inbox.push(msg);
    const p = report(msg).finally(() => pending.delete(p));
    pending.add(p);
    return { CodeResult: ESMS_CODES.ok, CountRegenerate: 0, SMSID: msg.smsId };
  });

  app.get("/_inbox", async () => ({ messages: inbox }));

  const address = await app.listen({ port: opts.port ?? 0, host: opts.host ?? "127.0.0.1" });
  return {
    url: address,
    inbox,
    app,
    settled: async () => {
      while (pending.size) await Promise.all([...pending]);
    },
    close: async () => {
      closing = true;
      await app.close();
    },
  };
}
