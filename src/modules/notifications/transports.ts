import type { Transporter } from "nodemailer";
import { z } from "zod";

// How messages leave the building. Each transport sends one message and returns the provider's
// id, or throws: the outbox (outbox.ts) retries with back-off and never loses a row.

export type EmailMessage = { to: string; subject: string; text: string };
export type EmailTransport = { send: (m: EmailMessage) => Promise<{ id: string }> };

export type SmsMessage = { phone: string; content: string; requestId: string };
export type SmsTransport = { send: (m: SmsMessage) => Promise<{ id: string }> };

export type Transports = { email?: EmailTransport | undefined; sms?: SmsTransport | undefined };

/** A failure the provider will repeat whatever we do (bad number, wrong template): no retry. */
export class PermanentSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentSendError";
  }
}

export function smtpTransport(opts: { url: string; from: string }): EmailTransport {
  // nodemailer is imported with the first message sent, not with the server.
  let transporter: Promise<Transporter> | undefined;
  return {
    async send(m) {
      transporter ??= import("nodemailer").then((n) => n.default.createTransport(opts.url));
      const info = await (await transporter).sendMail({ from: opts.from, to: m.to, subject: m.subject, text: m.text, textEncoding: "quoted-printable" });
      return { id: String(info.messageId ?? "") };
    },
  };
}

export const EsmsConfig = z.object({
  url: z.string().url(),
  apiKey: z.string().min(1),
  secretKey: z.string().min(1),
  brandname: z.string().min(1),
  sandbox: z.boolean().default(false),
  /** Where the gateway sends delivery reports: `${baseUrl}/hooks/sms/esms`. */
  callbackUrl: z.string().url().optional(),
});
export type EsmsConfig = z.infer<typeof EsmsConfig>;

// eSMS errors that a retry will not fix (see /work/shared/notes/protocols.md).
const PERMANENT = new Set(["99", "101", "104", "108", "124", "140", "146"]);

/** SMS over a brandname gateway speaking the eSMS protocol (SendMultipleMessage_V4_post_json). */
export function esmsTransport(cfg: EsmsConfig): SmsTransport {
  const endpoint = `${cfg.url.replace(/\/$/, "")}/MainService.svc/json/SendMultipleMessage_V4_post_json/`;
  return {
    async send(m) {
      const isAscii = /^[\x20-\x7e\n]*$/.test(m.content);
      // The report is trusted only when its SMSID and RequestId (random, never published) both
      // match a message we sent, so the callback URL itself needs no secret.
      const callback = cfg.callbackUrl;
      const res = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          ApiKey: cfg.apiKey,
          SecretKey: cfg.secretKey,
          Phone: m.phone,
          Content: m.content,
          Brandname: cfg.brandname,
          SmsType: "2",
          IsUnicode: isAscii ? "0" : "1",
          Sandbox: cfg.sandbox ? "1" : "0",
          RequestId: m.requestId,
          ...(callback ? { CallbackUrl: callback } : {}),
        }),
        signal: AbortSignal.timeout(15_000),
      });
      if (!res.ok) throw new Error(`SMS gateway HTTP ${res.status}`);
      const body = (await res.json()) as { CodeResult?: string; SMSID?: string; ErrorMessage?: string };
      if (body.CodeResult === "100") return { id: String(body.SMSID ?? "") };
      const msg = `SMS gateway code ${body.CodeResult ?? "?"}: ${body.ErrorMessage ?? ""}`.trim();
      if (body.CodeResult && PERMANENT.has(body.CodeResult)) throw new PermanentSendError(msg);
      throw new Error(msg);
    },
  };
}

/** Transports configured by the environment (SMTP_URL, SMTP_FROM, SMS_GATEWAY_URL, SMS_API_KEY…). */
export function transportsFromEnv(env: NodeJS.ProcessEnv, baseUrl: string): Transports {
  const t: Transports = {};
  if (env.SMTP_URL) t.email = smtpTransport({ url: env.SMTP_URL, from: env.SMTP_FROM ?? "Một Cửa <no-reply@localhost>" });
  if (env.SMS_GATEWAY_URL) {
    const cfg = EsmsConfig.safeParse({
      url: env.SMS_GATEWAY_URL,
      apiKey: env.SMS_API_KEY,
      secretKey: env.SMS_SECRET_KEY,
      brandname: env.SMS_BRANDNAME,
      sandbox: env.SMS_SANDBOX === "1",
      callbackUrl: `${baseUrl}/hooks/sms/esms`,
    });
    if (cfg.success) t.sms = esmsTransport(cfg.data);
  }
  return t;
}
