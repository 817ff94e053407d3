// Payments on the web: the fee panel of a dossier's pages, paying online (the redirect to the
// gateway, its return page for display only, its IPN as the only source of truth), cash at the
// desk, receipts (PDF, verification by QR, the register as XLSX) and the JSON API.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { VNode } from "preact";
import { z } from "zod";
import { publicBaseUrl } from "../../config";
import { can } from "../../domain/auth/permissions";
import { FEE_BASIS_LABELS } from "../../domain/catalog/model";
import { DomainError } from "../../domain/errors";
import { DEFAULT_RECEIPT_TEMPLATE, formatReceiptNumber } from "../../domain/payments/receipt";
import { appendAudit } from "../audit/audit";
import { IPN_MESSAGES, paymentUrl, queryParams, readIpn, verifyParams } from "../../domain/payments/vnpay";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { asHttpError, HttpError, notFound, parseWith, requirePermission } from "../../web/http";
import { formatDate, formatDateTime, formatVnd } from "../../web/i18n";
import { registerDashboard, registerNav } from "../../web/registry";
import { CsrfField, Layout } from "../../web/views/layout";
import { registerDossierPanel } from "../dossiers/panels";
import { rateLimit } from "../dossiers/route-support";
import { localise } from "../dossiers/views";
import { type Access, dossierAccess, type Proof } from "./access";
import { changeFee, type DossierFee, type FeeChange, feeTermsOf, findDossierFee, listFeeChanges } from "./fees";
import { configurePaymentGateway, gatewayFromEnv, newTxnRef, paymentGateway } from "./gateway";
import { markCashRefunded } from "./jobs";
import "./demo";
import "./jobs";
import "./listeners";
import "./messages";
import { confirmFromGateway, createOnlinePayment, listPayments, ORDER_MINUTES, type PaymentView, recordCash } from "./payments";
import { findReceipt, listReceipts, renderReceiptPdf, renderReceiptRegisterXlsx } from "./receipts";

registerNav({ href: "/staff/payments", labelKey: "payment.nav", area: "staff", permission: "dossier.view", order: 36 });

registerDashboard(async (req, tx) => {
  if (!req.user || !can(req.user.role, "dossier.receive")) return [];
  const r = await tx.one<{ n: number; total: string | null }>(
    `select count(*)::int as n, sum(amount_vnd) as total from receipts where agency_id = $1 and issued_at >= date_trunc('day', now() at time zone 'Asia/Ho_Chi_Minh') at time zone 'Asia/Ho_Chi_Minh'`,
    [req.user.agencyId],
  );
  return r.n > 0 ? [{ labelKey: "payment.dashboard.today", value: formatVnd(Number(r.total ?? 0), req.lang), href: "/staff/payments" }] : [];
});

function baseUrl(app: FastifyInstance): string {
  return (app.deps.config.baseUrl ?? publicBaseUrl(app.deps.config)).replace(/\/$/, "");
}

export function receiptPdfUrl(publicId: string): string {
  return `/api/v1/receipts/${publicId}.pdf`;
}

export function receiptVerifyUrl(app: FastifyInstance, publicId: string): string {
  return `${baseUrl(app)}/receipts/${publicId}`;
}

/** The API's four words for a payment's state. */
function apiStatus(s: PaymentView["status"]): "pending" | "paid" | "failed" | "refunded" {
  if (s === "pending") return "pending";
  if (s === "paid" || s === "refund_requested") return "paid";
  if (s === "refunded") return "refunded";
  return "failed";
}

// ---------------------------------------------------------------------------------------------
// The fee panel

function FeeSummary({ ctx, fee }: { ctx: PageCtx; fee: DossierFee }): VNode {
  const t = ctx.t;
  const money = (n: number) => formatVnd(n, ctx.lang);
  let text: string;
  if (fee.status === "unknown") text = t("payment.fee.status.unknown");
  else if (fee.status === "free") text = t("payment.fee.status.free");
  else if (fee.status === "exempt") text = t("payment.fee.status.exempt", { exemption: fee.exemption ?? "" });
  else if (fee.settled) text = t("payment.fee.status.paid", { amount: money(fee.amountVnd) });
  else text = t("payment.fee.status.due", { amount: money(fee.amountVnd) });
  return (
    <>
      <p class={fee.status === "due" && !fee.settled ? "lead" : undefined}>
        <strong>{text}</strong>
        {fee.status === "due" && !fee.settled && fee.paidVnd > 0 ? ` ${t("payment.fee.outstanding", { amount: money(fee.outstandingVnd) })}` : ""}
      </p>
      {fee.lines.length ? (
        <ul class="fee-lines">
          {fee.lines.map((l, i) => (
            <li key={i}>
              {t("payment.fee.line", {
                unit: money(l.unitVnd),
                per: l.per ? t("catalog.fee.per", { basis: FEE_BASIS_LABELS[l.per] }) : "",
                quantity: l.quantity,
                cap: l.capVnd !== null && l.amountVnd === l.capVnd ? t("payment.fee.capped", { cap: money(l.capVnd) }) : "",
                amount: money(l.amountVnd),
              })}
            </li>
          ))}
        </ul>
      ) : null}
      {fee.status === "due" ? <p class="hint">{t(`payment.fee.due.${fee.due}`)}</p> : null}
    </>
  );
}

function PaymentList({ ctx, items }: { ctx: PageCtx; items: PaymentView[] }): VNode {
  const t = ctx.t;
  if (items.length === 0) return <p class="muted">{t("payment.list.none")}</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption>{t("payment.list.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("payment.list.when")}</th>
            <th scope="col">{t("payment.list.channel")}</th>
            <th scope="col">{t("payment.list.amount")}</th>
            <th scope="col">{t("payment.list.status")}</th>
            <th scope="col">{t("payment.list.receipt")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((p) => (
            <tr key={p.txnRef}>
              <td>{formatDateTime(p.paidAt ?? p.createdAt)}</td>
              <td>{t(`payment.channel.${p.channel}`)}</td>
              <td>{formatVnd(p.amountVnd, ctx.lang)}</td>
              <td>{t(`payment.status.${p.status}`)}</td>
              <td>{p.receipt ? <a href={receiptPdfUrl(p.receipt.publicId)}>{t("payment.receipt.link", { symbol: p.receipt.symbol, number: formatReceiptNumber(p.receipt.number) })}</a> : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PayForm({ ctx, code, amount, proof }: { ctx: PageCtx; code: string; amount: number; proof: Proof }): VNode {
  const t = ctx.t;
  return (
    <form method="post" action={`/pay/${encodeURIComponent(code)}`} class="pay-form">
      <CsrfField ctx={ctx} />
      {proof.phoneLast4 ? <input type="hidden" name="phone" value={proof.phoneLast4} /> : null}
      {proof.token ? <input type="hidden" name="t" value={proof.token} /> : null}
      <p class="hint">{t("payment.pay.hint")}</p>
      <button type="submit">{t("payment.pay.button", { amount: formatVnd(amount, ctx.lang) })}</button>
    </form>
  );
}

type StaffData = { fee: DossierFee | undefined; payments: PaymentView[]; history: Awaited<ReturnType<typeof listFeeChanges>>; exemptions: string[]; names: Map<number, string> };

function StaffFeeForms({ ctx, code, data, canReceive }: { ctx: PageCtx; code: string; data: StaffData; canReceive: boolean }): VNode | null {
  const t = ctx.t;
  const fee = data.fee;
  if (!canReceive) return null;
  const base = `/staff/dossiers/${encodeURIComponent(code)}`;
  return (
    <div class="stack">
      {fee && fee.status === "due" && fee.outstandingVnd > 0 ? (
        <form method="post" action={`${base}/payments/cash`}>
          <CsrfField ctx={ctx} />
          <button type="submit">{t("payment.cash.button", { amount: formatVnd(fee.outstandingVnd, ctx.lang) })}</button>
        </form>
      ) : null}
      {data.payments
        .filter((p) => p.channel === "cash" && p.status === "refund_requested")
        .map((p) => (
          <form key={p.txnRef} method="post" action={`${base}/payments/${p.txnRef}/cash-refunded`}>
            <CsrfField ctx={ctx} />
            <button type="submit" class="secondary">
              {t("payment.cashRefund.button")} — {formatVnd(p.amountVnd, ctx.lang)}
            </button>
          </form>
        ))}
      <details open={fee?.status === "unknown" ? true : undefined}>
        <summary>{t("payment.fee.change.title")}</summary>
        <form method="post" action={`${base}/fee`} class="stack">
          <CsrfField ctx={ctx} />
          <div class="field">
            <label for="fee-kind">{t("payment.fee.change.kind")}</label>
            <select id="fee-kind" name="kind">
              <option value="amount">{t("payment.fee.change.amount")}</option>
              <option value="quantity">{t("payment.fee.change.quantity")}</option>
              {data.exemptions.length ? <option value="exemption">{t("payment.fee.change.exemption")}</option> : null}
            </select>
          </div>
          <div class="field">
            <label for="fee-amount">{t("payment.fee.change.amount")}</label>
            <p class="hint">{t("payment.fee.change.amountHint")}</p>
            <input id="fee-amount" name="amount" inputMode="numeric" pattern="[0-9. ]*" maxLength={14} />
          </div>
          <div class="field">
            <label for="fee-quantity">{t("payment.fee.change.quantity")}</label>
            <input id="fee-quantity" name="quantity" inputMode="numeric" pattern="[0-9]*" maxLength={4} value={fee ? String(fee.quantity) : "1"} />
          </div>
          {data.exemptions.length ? (
            <div class="field">
              <label for="fee-exemption">{t("payment.fee.change.exemption")}</label>
              <select id="fee-exemption" name="exemption">
                <option value="">{t("payment.fee.change.noExemption")}</option>
                {data.exemptions.map((e) => (
                  <option key={e} value={e} selected={fee?.exemption === e}>
                    {e}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <div class="field">
            <label for="fee-reason">{t("payment.fee.change.reason")}</label>
            <input id="fee-reason" name="reason" required minLength={3} maxLength={1000} />
          </div>
          <button type="submit">{t("payment.fee.change.submit")}</button>
        </form>
      </details>
    </div>
  );
}

function FeeHistory({ ctx, data }: { ctx: PageCtx; data: StaffData }): VNode | null {
  const t = ctx.t;
  if (data.history.length === 0) return null;
  const amount = (v: Record<string, unknown> | null) => (v ? `${t(`payment.histStatus.${String(v.status)}`)}${v.status === "due" ? ` ${formatVnd(Number(v.amountVnd ?? 0), ctx.lang)}` : ""}` : "—");
  return (
    <details>
      <summary>{t("payment.fee.history")}</summary>
      <ul>
        {data.history.map((h, i) => (
          <li key={i}>
            {formatDateTime(h.at)} · {h.actorUserId ? (data.names.get(h.actorUserId) ?? "—") : h.actorLabel.startsWith("applicant:") ? h.actorLabel.slice(10) : t("payment.histSystem")}: {amount(h.before)} → {amount(h.after)} —{" "}
            {h.reason.startsWith("payment.reason.") ? t(h.reason) : h.reason}
          </li>
        ))}
      </ul>
    </details>
  );
}

registerDossierPanel({
  order: 10,
  places: ["staff", "citizen", "tracking", "submitted"],
  render: async ({ app, req, place, code, proof }) => {
    const ctx = req.pageCtx();
    const t = ctx.t;
    const data = await app.deps.db.system(async (tx) => {
      const d = await tx.maybeOne<{ id: number; agency_id: number; status: string; procedure_version_id: number | null; procedure_code: string }>(
        "select id, agency_id, status, procedure_version_id, procedure_code from dossiers where code = $1 order by id limit 1",
        [code],
      );
      if (!d) return undefined;
      const fee = await findDossierFee(tx, d.id);
      const payments = await listPayments(tx, d.id);
      const history = place === "staff" ? await listFeeChanges(tx, d.id) : [];
      const ids = [...new Set(history.map((h) => h.actorUserId).filter((x): x is number => x !== null))];
      const names = new Map((ids.length ? await tx.query<{ id: number; full_name: string }>("select id, full_name from users where id = any($1)", [ids]) : []).map((u) => [u.id, u.full_name]));
      const exemptions = place === "staff" ? ((await feeTermsOf(tx, { agencyId: d.agency_id, procedureVersionId: d.procedure_version_id, procedureCode: d.procedure_code }))?.exemptions ?? []) : [];
      return { d, fee, payments, history, names, exemptions };
    });
    if (!data?.fee) return null;
    const { fee, payments } = data;
    if (place !== "staff" && fee.status === "free" && payments.length === 0) return null;
    const open = !["refused", "withdrawn"].includes(data.d.status);
    const canPay = place !== "staff" && open && fee.status === "due" && fee.outstandingVnd > 0 && paymentGateway() !== undefined;
    return (
      <section class="panel" aria-labelledby="fee-title" id="fee">
        <h2 id="fee-title">{t("payment.fee.title")}</h2>
        <FeeSummary ctx={ctx} fee={fee} />
        {canPay ? <PayForm ctx={ctx} code={code} amount={fee.outstandingVnd} proof={proof ?? {}} /> : null}
        <PaymentList ctx={ctx} items={payments} />
        {place === "staff" ? (
          <>
            <StaffFeeForms ctx={ctx} code={code} data={data} canReceive={Boolean(req.user && can(req.user.role, "dossier.receive"))} />
            <FeeHistory ctx={ctx} data={data} />
          </>
        ) : null}
      </section>
    );
  },
});

// ---------------------------------------------------------------------------------------------
// Routes

const CodeParam = z.object({ code: z.string().min(1, { error: "msg:dossier.err.notFound" }).max(80, { error: "msg:dossier.err.notFound" }) });
const PhoneBody = z.object({ phone: z.string().max(20).optional() }).default({});

/** Reads the amount an officer typed ("8.000", "8 000"): whole đồng. */
function amountOf(raw: unknown): number | undefined {
  const s = String(raw ?? "")
    .trim()
    .replace(/[.\s]/g, "");
  return /^\d{1,12}$/.test(s) ? Number(s) : undefined;
}

function feeChangeOf(body: Record<string, unknown>): FeeChange {
  const kind = String(body.kind ?? "amount");
  if (kind === "quantity") {
    const q = Number(String(body.quantity ?? "").trim());
    return { kind: "quantity", quantity: Number.isInteger(q) ? q : -1 };
  }
  if (kind === "exemption") {
    const e = String(body.exemption ?? "").trim();
    return { kind: "exemption", exemption: e === "" ? null : e };
  }
  return { kind: "amount", amountVnd: amountOf(body.amount) ?? -1 };
}

export async function paymentRoutes(app: FastifyInstance): Promise<void> {
  if (!paymentGateway()) configurePaymentGateway(gatewayFromEnv(process.env, app.deps.config.nodeEnv));
  const db = app.deps.db;

  async function access(req: FastifyRequest, code: string, proof: Proof): Promise<Access> {
    if (!req.user && (proof.phoneLast4 || proof.token)) await rateLimit(app, req, "track");
    const a = await dossierAccess(app, req, code, proof);
    if (!a) throw notFound("dossier.err.notFound");
    return a;
  }

  /** Opens an order and returns where to send the payer. */
  async function openOrder(req: FastifyRequest, a: Access) {
    const cfg = paymentGateway();
    if (!cfg) throw new HttpError(503, "payment.err.notConfigured");
    const order = await localisedCall(req, () => db.system((tx) => createOnlinePayment(tx, { dossierId: a.dossier.id, txnRef: newTxnRef(), actor: a.actor })));
    const url = paymentUrl({
      tmnCode: cfg.tmnCode,
      secret: cfg.hashSecret,
      gatewayUrl: cfg.url,
      txnRef: order.txnRef,
      amountVnd: order.amountVnd,
      orderInfo: `Phi le phi ho so ${order.dossierCode}`,
      returnUrl: `${baseUrl(app)}/pay/return`,
      ipAddr: req.ip,
      createdAt: order.createdAt,
      expiresAt: order.expiresAt,
      locale: req.lang === "en" ? "en" : "vn",
    });
    return { order, url };
  }

  defineApi(app, {
    method: "POST",
    url: "/api/v1/dossiers/:code/payments",
    summary:
      "Open an online payment of a dossier's fee (VNPay 2.1.0). The applicant proves it with the last 4 digits of the phone (as tracking does); a signed-in citizen or staff member needs none. Allowed from submission until the fee is paid.",
    tags: ["payments"],
    auth: "public",
    params: CodeParam,
    body: PhoneBody,
    successStatus: 201,
    response: z.object({ txnRef: z.string(), amount: z.number(), paymentUrl: z.string() }),
    errors: { 404: "Unknown code or wrong phone digits", 409: "Refused, withdrawn, already paid, no fee, or the fee not set yet", 429: "Too many attempts", 503: "No payment gateway configured" },
    handler: async ({ req, params, body }) => {
      const a = await access(req, params.code, { phoneLast4: body.phone });
      const { order, url } = await openOrder(req, a);
      return { txnRef: order.txnRef, amount: order.amountVnd, paymentUrl: url };
    },
  });

  const PaymentItem = z.object({
    txnRef: z.string(),
    amount: z.number(),
    status: z.enum(["pending", "paid", "failed", "refunded"]),
    state: z.string(),
    channel: z.string(),
    paidAt: z.string().nullable(),
    receiptUrl: z.string().nullable(),
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/dossiers/:code/payments",
    summary: "A dossier's fee and payments, with the receipt of each paid one; for the applicant (phone digits), the citizen who submitted it, or staff.",
    tags: ["payments"],
    auth: "public",
    params: CodeParam,
    query: z.object({ phone: z.string().max(20).optional() }),
    response: z.object({
      fee: z.object({ status: z.string(), amount: z.number(), paid: z.number(), outstanding: z.number(), due: z.string() }).nullable(),
      items: z.array(PaymentItem),
    }),
    errors: { 404: "Unknown code or wrong phone digits", 429: "Too many attempts" },
    handler: async ({ req, params, query }) => {
      const a = await access(req, params.code, { phoneLast4: query.phone });
      const { fee, items } = await db.system(async (tx) => ({ fee: await findDossierFee(tx, a.dossier.id), items: await listPayments(tx, a.dossier.id) }));
      return {
        fee: fee ? { status: fee.settled && fee.status === "due" ? "paid" : fee.status, amount: fee.amountVnd, paid: fee.paidVnd, outstanding: fee.outstandingVnd, due: fee.due } : null,
        items: items.map((p) => ({
          txnRef: p.txnRef,
          amount: p.amountVnd,
          status: apiStatus(p.status),
          state: p.status,
          channel: p.channel,
          paidAt: p.paidAt?.toISOString() ?? null,
          receiptUrl: p.receipt ? receiptPdfUrl(p.receipt.publicId) : null,
        })),
      };
    },
  });

  // The gateway calls this (GET, signed query string); the answer is what VNPay's protocol expects,
  // always 200: a refusal is in RspCode, never in the HTTP status.
  defineApi(app, {
    method: "GET",
    url: "/api/v1/payments/vnpay/ipn",
    summary: "VNPay's IPN call: the only message that makes an online payment paid (and issues its receipt). Answers { RspCode, Message }: 00 confirmed, 01 order not found, 02 already confirmed, 04 invalid amount, 97 bad checksum, 99 other.",
    tags: ["payments"],
    auth: "public",
    response: z.object({ RspCode: z.string(), Message: z.string() }),
    handler: async ({ req }) => {
      const params = queryParams(req.url.split("?")[1] ?? "");
      try {
        const d = await confirmFromGateway(db, paymentGateway, { source: "ipn", params });
        return { RspCode: d.code, Message: IPN_MESSAGES[d.code] };
      } catch (e) {
        req.log.error({ err: e }, "IPN failed");
        return { RspCode: "99", Message: IPN_MESSAGES["99"] };
      }
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/receipts/:file",
    summary: "An electronic receipt as PDF, by the random id its links and QR code carry (…/receipts/{id}.pdf).",
    tags: ["payments"],
    auth: "public",
    params: z.object({ file: z.string().regex(/^[A-Za-z0-9_-]{16,40}\.pdf$/, { error: "msg:error.404.body" }) }),
    errors: { 404: "Unknown receipt" },
    handler: async ({ params, reply }) => {
      const id = params.file.slice(0, -4);
      const r = await db.system((tx) => findReceipt(tx, id));
      if (!r) throw notFound();
      const pdf = await renderReceiptPdf(r, { verifyUrl: receiptVerifyUrl(app, id) });
      return reply
        .type("application/pdf")
        .header("cache-control", "private, no-store")
        .header("content-disposition", `inline; filename="bien-lai_${r.symbol}_${formatReceiptNumber(r.number)}.pdf"`)
        .send(pdf);
    },
  });

  const FeeBody = z.object({
    quantity: z.number().int().optional(),
    exemption: z.string().max(300).nullable().optional(),
    amount: z.number().int().optional(),
    reason: z.string().max(1000),
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/dossiers/:code/fee",
    summary: "Set a dossier's fee (desk officer): an amount (required when the catalog's is unknown), another quantity, or an exemption the procedure lists, with the reason; each change is kept with who and when.",
    tags: ["payments"],
    auth: "dossier.receive",
    params: CodeParam,
    body: FeeBody,
    errors: { 404: "Unknown or not visible", 409: "Closed dossier, or below what was paid", 422: "Invalid amount, quantity or exemption" },
    handler: async ({ req, params, body }) => {
      const a = await access(req, params.code, {});
      const change: FeeChange =
        body.amount !== undefined ? { kind: "amount", amountVnd: body.amount } : body.quantity !== undefined ? { kind: "quantity", quantity: body.quantity } : { kind: "exemption", exemption: body.exemption ?? null };
      const fee = await localisedCall(req, () => req.tx((tx) => changeFee(tx, { dossierId: a.dossier.id, change, reason: body.reason, actor: a.actor })));
      return { status: fee.status, amount: fee.amountVnd, paid: fee.paidVnd, outstanding: fee.outstandingVnd, due: fee.due };
    },
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/dossiers/:code/payments/cash",
    summary: "Record the fee paid in cash at the desk (desk officer): the payment and its receipt.",
    tags: ["payments"],
    auth: "dossier.receive",
    params: CodeParam,
    successStatus: 201,
    response: z.object({ txnRef: z.string(), amount: z.number(), receiptUrl: z.string() }),
    errors: { 404: "Unknown or not visible", 409: "Nothing to pay" },
    handler: async ({ req, params }) => {
      const a = await access(req, params.code, {});
      const r = await localisedCall(req, () => req.tx((tx) => recordCash(tx, { dossierId: a.dossier.id, txnRef: newTxnRef(), actor: a.actor })));
      return { txnRef: r.txnRef, amount: r.amountVnd, receiptUrl: receiptPdfUrl(r.receipt.publicId) };
    },
  });

  // Pages -------------------------------------------------------------------------------------

  app.post("/pay/:code", async (req, reply) => {
    const { code } = parseWith(CodeParam, req.params, req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const a = await access(req, code, { phoneLast4: typeof body.phone === "string" ? body.phone : undefined, token: typeof body.t === "string" ? body.t : undefined });
    const { order, url } = await openOrder(req, a);
    // A link, not a redirect: the pages' Content-Security-Policy keeps form posts on this site
    // (form-action 'self'), and browsers apply it to a form's redirect too.
    const ctx = req.pageCtx();
    const t = ctx.t;
    return reply.header("cache-control", "no-store").page(
      <Layout ctx={ctx} title={t("payment.go.title")}>
        <h1>{t("payment.go.title")}</h1>
        <p>{t("payment.go.body", { code: order.dossierCode, amount: formatVnd(order.amountVnd, ctx.lang), minutes: ORDER_MINUTES })}</p>
        <p>
          <a class="button" href={url} rel="noreferrer">
            {t("payment.go.link")}
          </a>
        </p>
      </Layout>,
    );
  });

  app.get("/pay/return", async (req, reply) => {
    const ctx = req.pageCtx();
    const t = ctx.t;
    const params = queryParams(req.url.split("?")[1] ?? "");
    const cfg = paymentGateway();
    // For display only: what we show is read from our own records, which only the IPN changes.
    const ok = cfg !== undefined && verifyParams(params, cfg.hashSecret);
    const ref = readIpn(params).txnRef;
    const p = ok
      ? await db.system((tx) =>
          tx.maybeOne<{ status: string; amount_vnd: string; code: string; public_id: string | null }>(
            "select p.status, p.amount_vnd, d.code, r.public_id from payments p join dossiers d on d.id = p.dossier_id left join receipts r on r.payment_id = p.id where p.txn_ref = $1",
            [ref],
          ),
        )
      : undefined;
    const page = (body: VNode, status = 200) =>
      reply.page(
        <Layout ctx={ctx} title={t("payment.return.title")}>
          <h1>{t("payment.return.title")}</h1>
          {body}
        </Layout>,
        status,
      );
    if (!p) return page(<p class="error" role="alert">{t("payment.return.invalid")}</p>, 400);
    const vars = { code: p.code, amount: formatVnd(Number(p.amount_vnd), ctx.lang) };
    const key = p.status === "paid" ? "paid" : p.status === "refund_requested" || p.status === "refunded" ? "refund" : p.status === "pending" ? "pending" : "failed";
    return page(
      <>
        <p class={key === "paid" ? "notice" : key === "pending" ? "notice warn" : "error"} role="status">
          {t(`payment.return.${key}`, vars)}
        </p>
        {p.public_id ? (
          <p>
            <a class="button" href={receiptPdfUrl(p.public_id)}>
              {t("payment.verify.download")}
            </a>
          </p>
        ) : null}
        <p>
          <a href={`/track?code=${encodeURIComponent(p.code)}`}>{t("payment.return.track")}</a>
        </p>
      </>,
    );
  });

  app.get("/receipts/:id", async (req, reply) => {
    const { id } = req.params as { id: string };
    const r = await db.system((tx) => findReceipt(tx, id));
    if (!r) throw notFound();
    const ctx = req.pageCtx();
    const t = ctx.t;
    return reply.page(
      <Layout ctx={ctx} title={t("payment.verify.title")}>
        <h1>{t("payment.verify.title")}</h1>
        <p class="notice" role="status">
          {t("payment.verify.valid", { agency: r.agencyName })}
        </p>
        {r.paymentStatus === "refunded" ? <p class="notice warn">{t("payment.verify.refunded")}</p> : null}
        <dl class="proc-facts">
          <dt>{t("payment.verify.symbol")}</dt>
          <dd>
            {r.templateCode} · {r.symbol}
          </dd>
          <dt>{t("payment.verify.number")}</dt>
          <dd>{formatReceiptNumber(r.number)}</dd>
          <dt>{t("payment.verify.date")}</dt>
          <dd>{formatDateTime(r.issuedAt)}</dd>
          <dt>{t("payment.verify.amount")}</dt>
          <dd>{formatVnd(r.amountVnd, ctx.lang)}</dd>
          <dt>{t("payment.verify.procedure")}</dt>
          <dd>
            {r.procedureName} ({r.procedureCode})
          </dd>
        </dl>
      </Layout>,
    );
  });

  // Staff: fee changes and cash on the dossier page.
  async function staffForm(req: FastifyRequest, reply: FastifyReply, code: string, run: (a: Access) => Promise<unknown>, done: string) {
    requirePermission(req, "dossier.receive");
    const a = await access(req, code, {});
    if (a.via !== "staff") throw notFound("dossier.err.notFound");
    await localisedCall(req, () => run(a));
    return reply.code(303).redirect(`/staff/dossiers/${encodeURIComponent(code)}?${done}#fee`);
  }

  app.post("/staff/dossiers/:code/fee", async (req, reply) => {
    const { code } = parseWith(CodeParam, req.params, req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    return staffForm(req, reply, code, (a) => req.tx((tx) => changeFee(tx, { dossierId: a.dossier.id, change: feeChangeOf(body), reason: String(body.reason ?? ""), actor: a.actor })), "fee=1");
  });

  app.post("/staff/dossiers/:code/payments/cash", async (req, reply) => {
    const { code } = parseWith(CodeParam, req.params, req);
    return staffForm(req, reply, code, (a) => req.tx((tx) => recordCash(tx, { dossierId: a.dossier.id, txnRef: newTxnRef(), actor: a.actor })), "cash=1");
  });

  app.post("/staff/dossiers/:code/payments/:ref/cash-refunded", async (req, reply) => {
    const p = parseWith(CodeParam.extend({ ref: z.string().regex(/^[A-Za-z0-9]{8,34}$/) }), req.params, req);
    return staffForm(req, reply, p.code, (a) => req.tx((tx) => markCashRefunded(tx, { dossierId: a.dossier.id, txnRef: p.ref, actor: a.actor })), "refund=1");
  });

  // Staff: the receipts of a period, and the register.
  const Period = z.object({
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  });
  function period(req: FastifyRequest): { from: string; to: string } {
    const q = parseWith(Period, req.query, req);
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const from = q.from ?? `${today.slice(0, 8)}01`;
    const to = q.to ?? today;
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (!(days >= 0 && days <= 366)) throw new HttpError(400, "payment.err.period");
    return { from, to };
  }

  app.get("/staff/payments", async (req, reply) => {
    const user = requirePermission(req, "dossier.view");
    const p = period(req);
    const rows = await req.tx((tx) => listReceipts(tx, { agencyId: user.agencyId, ...p }));
    const ctx = req.pageCtx();
    const t = ctx.t;
    const total = rows.filter((r) => r.paymentStatus === "paid").reduce((n, r) => n + r.amountVnd, 0);
    const canSet = can(user.role, "dossier.rules");
    const settings = canSet
      ? await req.tx((tx) => tx.maybeOne<{ receipt_template: string; receipt_prefix: string; tax_code: string | null }>("select receipt_template, receipt_prefix, tax_code from payment_settings where agency_id = $1", [user.agencyId]))
      : undefined;
    const saved = (req.query as Record<string, unknown>).saved === "1";
    const qs = new URLSearchParams(p).toString();
    return reply.page(
      <Layout ctx={ctx} title={t("payment.register.title")} area="staff">
        <h1>{t("payment.register.title")}</h1>
        {saved ? (
          <p class="notice" role="status">
            {t("payment.settings.saved")}
          </p>
        ) : null}
        <form method="get" action="/staff/payments" class="panel row">
          <div class="field">
            <label for="f-from">{t("payment.register.from")}</label>
            <input id="f-from" name="from" type="date" value={p.from} />
          </div>
          <div class="field">
            <label for="f-to">{t("payment.register.to")}</label>
            <input id="f-to" name="to" type="date" value={p.to} />
          </div>
          <button type="submit">{t("payment.register.show")}</button>
        </form>
        <p>
          {t("payment.register.period", { from: formatDate(p.from), to: formatDate(p.to) })} · {t("payment.register.total", { amount: formatVnd(total, ctx.lang), n: rows.length })} ·{" "}
          <a href={`/staff/payments/receipts.xlsx?${qs}`}>{t("payment.register.xlsx")}</a>
        </p>
        {rows.length === 0 ? (
          <p>{t("payment.register.none")}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("payment.verify.symbol")}</th>
                  <th scope="col">{t("payment.verify.number")}</th>
                  <th scope="col">{t("payment.verify.date")}</th>
                  <th scope="col">{t("payment.register.payer")}</th>
                  <th scope="col">{t("payment.register.dossier")}</th>
                  <th scope="col">{t("payment.verify.amount")}</th>
                  <th scope="col">{t("payment.list.channel")}</th>
                  <th scope="col">{t("payment.list.status")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.symbol}-${r.number}`}>
                    <td>{r.symbol}</td>
                    <td>
                      <a href={receiptPdfUrl(r.publicId)}>{formatReceiptNumber(r.number)}</a>
                    </td>
                    <td>{formatDateTime(r.issuedAt)}</td>
                    <td>{r.payerName}</td>
                    <td>
                      <a href={`/staff/dossiers/${encodeURIComponent(r.dossierCode)}`}>{r.dossierCode}</a>
                    </td>
                    <td>{formatVnd(r.amountVnd, ctx.lang)}</td>
                    <td>{t(`payment.channel.${r.channel}`)}</td>
                    <td>{t(`payment.status.${r.paymentStatus}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {canSet ? (
          <details class="panel">
            <summary>{t("payment.settings.title")}</summary>
            <form method="post" action="/staff/payments/settings" class="stack">
              <CsrfField ctx={ctx} />
              <div class="field">
                <label for="f-prefix">{t("payment.settings.prefix")}</label>
                <input id="f-prefix" name="prefix" required pattern="[A-Z]{2}" maxLength={2} value={settings?.receipt_prefix ?? ""} />
              </div>
              <div class="field">
                <label for="f-template">{t("payment.settings.template")}</label>
                <input id="f-template" name="template" required maxLength={12} value={settings?.receipt_template ?? DEFAULT_RECEIPT_TEMPLATE} />
              </div>
              <div class="field">
                <label for="f-tax">{t("payment.settings.taxCode")}</label>
                <input id="f-tax" name="taxCode" inputMode="numeric" maxLength={14} value={settings?.tax_code ?? ""} />
              </div>
              <button type="submit">{t("payment.settings.save")}</button>
            </form>
          </details>
        ) : null}
      </Layout>,
    );
  });

  const Settings = z.object({
    prefix: z.string().trim().regex(/^[A-Z]{2}$/, { error: "msg:payment.err.settings" }),
    template: z.string().trim().regex(/^\d{2}[A-Z]{3}\d-\d{3}$/, { error: "msg:payment.err.settings" }),
    taxCode: z
      .string()
      .trim()
      .regex(/^(\d{10}(-\d{3})?)?$/, { error: "msg:payment.err.settings" }),
    _csrf: z.string().optional(),
  });

  app.post("/staff/payments/settings", async (req, reply) => {
    const user = requirePermission(req, "dossier.rules");
    const f = parseWith(Settings, req.body, req);
    await req.tx(async (tx) => {
      await tx.exec(
        `insert into payment_settings (agency_id, receipt_template, receipt_prefix, tax_code, updated_by) values ($1, $2, $3, $4, $5)
         on conflict (agency_id) do update set receipt_template = excluded.receipt_template, receipt_prefix = excluded.receipt_prefix,
           tax_code = excluded.tax_code, updated_by = excluded.updated_by, updated_at = now()`,
        [user.agencyId, f.template, f.prefix, f.taxCode || null, user.id],
      );
      await appendAudit(tx, { agencyId: user.agencyId, actorUserId: user.id, actor: user.username, action: "payment.settings", entity: "agency", entityId: user.agencyId, data: { template: f.template, prefix: f.prefix, taxCode: f.taxCode || null } });
    });
    return reply.code(303).redirect("/staff/payments?saved=1");
  });

  app.get("/staff/payments/receipts.xlsx", async (req, reply) => {
    const user = requirePermission(req, "dossier.view");
    const p = period(req);
    const rows = await req.tx((tx) => listReceipts(tx, { agencyId: user.agencyId, ...p }));
    const xlsx = await renderReceiptRegisterXlsx({ agencyName: user.agencyName, ...p, rows });
    return reply
      .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      .header("content-disposition", `attachment; filename="so-bien-lai_${p.from}_${p.to}.xlsx"`)
      .header("cache-control", "private, no-store")
      .send(xlsx);
  });
}

/** Runs a service call and gives its refusal the reader's words (status names…). */
async function localisedCall<T>(req: FastifyRequest, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DomainError || asHttpError(e)) throw localise(e, req);
    throw e;
  }
}
