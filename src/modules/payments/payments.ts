// Payments of a dossier's fee: online orders through the gateway, cash recorded at the desk,
// confirmation (the gateway's IPN is the only message that makes an online order paid; querydr
// answers of the reconciliation job are the same signed word, asked for), receipts, refunds.
//
// Confirmations that arrive together are written in ONE transaction (like online intake): the
// orders locked in id order, each agency's receipt counter advanced once for all its receipts,
// the receipts, payments, fees, gateway log and audit entries written with a fixed number of
// statements. Receipt numbers come from the counter row in the transaction that writes the
// receipts, so a failed confirmation takes its numbers back with it: no gaps, no duplicates.
import { randomBytes } from "node:crypto";
import { type Db, prepared, type Tx } from "../../db/scope";
import { DomainError } from "../../domain/errors";
import { DEFAULT_RECEIPT_TEMPLATE, defaultReceiptPrefix, type PaymentChannel, receiptSymbol } from "../../domain/payments/receipt";
import { decideIpn, type IpnCode, type IpnDecision, type IpnReport, readIpn, verifyParams } from "../../domain/payments/vnpay";
import { type AuditEntry, appendAudit, appendAuditBatch } from "../audit/audit";
import { localDateOf } from "../codes/dossier-codes";
import { findDossierFee } from "./fees";
import type { GatewayConfig } from "./gateway";

export type PaymentStatus = "pending" | "paid" | "failed" | "refund_requested" | "refunded" | "expired";

export type PaymentView = {
  id: number;
  txnRef: string;
  channel: PaymentChannel;
  amountVnd: number;
  status: PaymentStatus;
  createdAt: Date;
  paidAt: Date | null;
  refundedAt: Date | null;
  refundReason: string | null;
  gatewayTxnNo: string | null;
  receipt: { publicId: string; symbol: string; number: number } | null;
};

export async function listPayments(tx: Tx, dossierId: number): Promise<PaymentView[]> {
  const rows = await tx.query<Omit<PaymentView, "receipt" | "amountVnd"> & { amountVnd: string; r_public_id: string | null; r_symbol: string | null; r_number: number | null }>(
    `select p.id, p.txn_ref as "txnRef", p.channel, p.amount_vnd as "amountVnd", p.status, p.created_at as "createdAt", p.paid_at as "paidAt",
       p.refunded_at as "refundedAt", p.refund_reason as "refundReason", p.gateway_txn_no as "gatewayTxnNo",
       r.public_id as r_public_id, r.symbol as r_symbol, r.number as r_number
     from payments p left join receipts r on r.payment_id = p.id where p.dossier_id = $1 order by p.created_at, p.id`,
    [dossierId],
  );
  return rows.map(({ r_public_id, r_symbol, r_number, ...p }) => ({
    ...p,
    amountVnd: Number(p.amountVnd),
    receipt: r_public_id && r_symbol && r_number ? { publicId: r_public_id, symbol: r_symbol, number: r_number } : null,
  }));
}

export type PayActor = { userId: number | null; label: string };

type PayableDossier = { id: number; agency_id: number; code: string; status: string; procedure_name: string };

/** The dossier and its fee as a payment needs them, locked; refuses (409) what cannot be paid now. */
async function payable(tx: Tx, dossierId: number): Promise<{ d: PayableDossier; outstanding: number }> {
  const d = await tx.maybeOne<PayableDossier>("select id, agency_id, code, status, procedure_name from dossiers where id = $1 for update", [dossierId]);
  if (!d) throw new DomainError("not_found", "dossier.err.notFound");
  if (d.status === "refused" || d.status === "withdrawn") throw new DomainError("conflict", "payment.err.closed", { vars: { status: `dossier.status.${d.status}` } });
  const fee = await findDossierFee(tx, d.id, { lock: true });
  if (!fee || fee.status === "free" || fee.status === "exempt") throw new DomainError("conflict", "payment.err.noFee");
  if (fee.status === "unknown") throw new DomainError("conflict", "payment.err.feeUnknown");
  if (fee.outstandingVnd === 0) throw new DomainError("conflict", "payment.err.alreadyPaid");
  return { d, outstanding: fee.outstandingVnd };
}

export const ORDER_MINUTES = 15;

export type NewOrder = { paymentId: number; txnRef: string; amountVnd: number; createdAt: Date; expiresAt: Date; dossierCode: string; procedureName: string };

/** Opens an online order for what remains to be paid; earlier open orders of the dossier expire. */
export async function createOnlinePayment(tx: Tx, o: { dossierId: number; txnRef: string; actor: PayActor; now?: Date }): Promise<NewOrder> {
  const now = o.now ?? new Date();
  const { d, outstanding } = await payable(tx, o.dossierId);
  await tx.exec("update payments set status = 'expired' where dossier_id = $1 and channel = 'vnpay' and status = 'pending'", [d.id]);
  const expiresAt = new Date(now.getTime() + ORDER_MINUTES * 60_000);
  const p = await tx.one<{ id: number }>(
    `insert into payments (agency_id, dossier_id, txn_ref, channel, amount_vnd, status, created_at, expires_at, created_by, created_label)
     values ($1, $2, $3, 'vnpay', $4, 'pending', $5, $6, $7, $8) returning id`,
    [d.agency_id, d.id, o.txnRef, outstanding, now, expiresAt, o.actor.userId, o.actor.label],
  );
  await appendAudit(tx, { agencyId: d.agency_id, actorUserId: o.actor.userId, actor: o.actor.label, action: "payment.create", entity: "dossier", entityId: d.code, data: { txnRef: o.txnRef, amountVnd: outstanding } });
  return { paymentId: p.id, txnRef: o.txnRef, amountVnd: outstanding, createdAt: now, expiresAt, dossierCode: d.code, procedureName: d.procedure_name };
}

// ---------------------------------------------------------------------------------------------
// Receipts

type ReceiptInput = { paymentId: number; agencyId: number; dossierId: number; amountVnd: number; channel: PaymentChannel; gatewayTxnNo: string | null; collector: string | null };
export type IssuedReceipt = { paymentId: number; publicId: string; symbol: string; number: number };

export function newPublicId(): string {
  return randomBytes(15).toString("base64url");
}

/**
 * Issues one receipt per paid payment inside the caller's transaction: each agency's counter for
 * this year's series advanced once by its count (the row stays locked until commit, so numbers
 * follow commit order), then the receipts in one statement with the payer and dossier copied in.
 */
export async function issueReceipts(tx: Tx, items: readonly ReceiptInput[], now = new Date()): Promise<IssuedReceipt[]> {
  if (items.length === 0) return [];
  const agencyIds = [...new Set(items.map((i) => i.agencyId))].sort((a, b) => a - b);
  const settings = await tx.query<{ id: number; unit_name: string; receipt_template: string | null; receipt_prefix: string | null }>(
    prepared(`select a.id, a.unit_name, s.receipt_template, s.receipt_prefix from agencies a left join payment_settings s on s.agency_id = a.id where a.id = any($1::int[])`),
    [agencyIds],
  );
  const year = localDateOf(now).year;
  const seriesOf = new Map(
    settings.map((s) => [s.id, { template: s.receipt_template ?? DEFAULT_RECEIPT_TEMPLATE, symbol: receiptSymbol(s.receipt_prefix ?? defaultReceiptPrefix(s.unit_name.replace(/^(xã|phường|thị trấn|đặc khu)\s+/iu, "")), year) }]),
  );
  const counts = agencyIds.map((a) => items.filter((i) => i.agencyId === a).length);
  const last = await tx.query<{ agency_id: number; last_no: number }>(
    prepared(`insert into receipt_counters as c (agency_id, symbol, last_no)
     select a, s, n from unnest($1::int[], $2::text[], $3::int[]) as k(a, s, n) order by a
     on conflict (agency_id, symbol) do update set last_no = c.last_no + excluded.last_no
     returning agency_id, last_no`),
    [agencyIds, agencyIds.map((a) => seriesOf.get(a)!.symbol), counts],
  );
  const next = new Map(last.map((r) => [r.agency_id, r.last_no - counts[agencyIds.indexOf(r.agency_id)]! + 1]));
  const rows = items.map((i) => {
    const n = next.get(i.agencyId)!;
    next.set(i.agencyId, n + 1);
    const series = seriesOf.get(i.agencyId)!;
    return { ...i, publicId: newPublicId(), template: series.template, symbol: series.symbol, number: n };
  });
  await tx.exec(
    prepared(`insert into receipts (public_id, agency_id, dossier_id, payment_id, template_code, symbol, number, amount_vnd, payer_name, payer_id_number, payer_address,
       dossier_code, procedure_code, procedure_name, channel, gateway_txn_no, collector_label, issued_at)
     select r.public_id, r.agency_id, r.dossier_id, r.payment_id, r.template, r.symbol, r.number, r.amount_vnd, d.applicant_full_name, d.applicant_id_number,
       d.applicant_address->>'line', d.code, d.procedure_code, d.procedure_name, r.channel, r.gateway_txn_no, r.collector, $2
     from jsonb_to_recordset($1::jsonb) as r(public_id text, agency_id int, dossier_id int, payment_id int, template text, symbol text, number int, amount_vnd bigint,
       channel text, gateway_txn_no text, collector text)
     join dossiers d on d.id = r.dossier_id`),
    [
      JSON.stringify(
        rows.map((r) => ({
          public_id: r.publicId,
          agency_id: r.agencyId,
          dossier_id: r.dossierId,
          payment_id: r.paymentId,
          template: r.template,
          symbol: r.symbol,
          number: r.number,
          amount_vnd: r.amountVnd,
          channel: r.channel,
          gateway_txn_no: r.gatewayTxnNo,
          collector: r.collector,
        })),
      ),
      now,
    ],
  );
  return rows.map((r) => ({ paymentId: r.paymentId, publicId: r.publicId, symbol: r.symbol, number: r.number }));
}

/** Cash paid at the desk: a payment already paid, with its receipt, in the caller's transaction. */
export async function recordCash(tx: Tx, o: { dossierId: number; txnRef: string; actor: PayActor; now?: Date }): Promise<{ txnRef: string; amountVnd: number; receipt: IssuedReceipt }> {
  const now = o.now ?? new Date();
  const { d, outstanding } = await payable(tx, o.dossierId);
  const p = await tx.one<{ id: number }>(
    `insert into payments (agency_id, dossier_id, txn_ref, channel, amount_vnd, status, created_at, paid_at, created_by, created_label)
     values ($1, $2, $3, 'cash', $4, 'paid', $5, $5, $6, $7) returning id`,
    [d.agency_id, d.id, o.txnRef, outstanding, now, o.actor.userId, o.actor.label],
  );
  const [receipt] = await issueReceipts(tx, [{ paymentId: p.id, agencyId: d.agency_id, dossierId: d.id, amountVnd: outstanding, channel: "cash", gatewayTxnNo: null, collector: o.actor.label }], now);
  await tx.exec("update dossier_fees set paid_vnd = paid_vnd + $2, updated_at = now() where dossier_id = $1", [d.id, outstanding]);
  await appendAudit(tx, {
    agencyId: d.agency_id,
    actorUserId: o.actor.userId,
    actor: o.actor.label,
    action: "payment.cash",
    entity: "dossier",
    entityId: d.code,
    data: { txnRef: o.txnRef, amountVnd: outstanding, receipt: `${receipt!.symbol}/${receipt!.number}` },
  });
  return { txnRef: o.txnRef, amountVnd: outstanding, receipt: receipt! };
}

// ---------------------------------------------------------------------------------------------
// Confirmation

/**
 * What the gateway said: an IPN call's signed parameters, or a querydr answer whose own signature
 * the adapter has verified (read into the same report).
 */
export type GatewayWord = { source: "ipn"; params: Record<string, string> } | { source: "querydr"; params: Record<string, string>; report: IpnReport; verified: boolean };

type LockedOrder = {
  id: number;
  txn_ref: string;
  agency_id: number;
  dossier_id: number;
  dossier_code: string;
  amount_vnd: string;
  status: PaymentStatus;
  fee_amount: string | null;
  fee_paid: string | null;
  fee_status: string | null;
};

/**
 * Applies what the gateway said about orders, in the caller's (system) transaction. Returns the
 * answer to each word, in order: a word repeated within the batch or already applied is answered
 * 02 and changes nothing more.
 */
export async function applyGatewayWords(tx: Tx, cfg: Pick<GatewayConfig, "tmnCode" | "hashSecret">, words: readonly GatewayWord[], now = new Date()): Promise<IpnDecision[]> {
  const checked = words.map((w) => (w.source === "querydr" ? { w, report: w.report, ok: w.verified } : { w, report: readIpn(w.params), ok: verifyParams(w.params, cfg.hashSecret) }));
  const refs = [...new Set(checked.filter((c) => c.ok && c.report.txnRef).map((c) => c.report.txnRef))];
  const orders = refs.length
    ? await tx.query<LockedOrder>(
        prepared(`select p.id, p.txn_ref, p.agency_id, p.dossier_id, d.code as dossier_code, p.amount_vnd, p.status,
           f.amount_vnd as fee_amount, f.paid_vnd as fee_paid, f.status as fee_status
         from payments p join dossiers d on d.id = p.dossier_id left join dossier_fees f on f.dossier_id = p.dossier_id
         where p.txn_ref = any($1::text[]) and p.channel = 'vnpay' order by p.id for update of p`),
        [refs],
      )
    : [];
  const byRef = new Map(orders.map((o) => [o.txn_ref, { ...o, amount: Number(o.amount_vnd) }]));
  // What each dossier has paid so far in this batch: a second order paid for a settled fee is refunded.
  const paidSoFar = new Map(orders.map((o) => [o.dossier_id, Number(o.fee_paid ?? 0)]));
  const decisions: IpnDecision[] = [];
  type Applied = { o: LockedOrder; report: IpnReport; w: GatewayWord };
  const paid: (Applied & { duplicate: boolean })[] = [];
  const failed: Applied[] = [];
  for (const c of checked) {
    const o = c.ok ? byRef.get(c.report.txnRef) : undefined;
    const d = decideIpn({ checksumOk: c.ok, tmnCode: cfg.tmnCode, report: c.report, order: o ? { amountVnd: o.amount, status: o.status } : undefined });
    decisions.push(d);
    if (d.code !== "00" || !o) continue;
    if (d.outcome === "paid") {
      const before = paidSoFar.get(o.dossier_id) ?? 0;
      const duplicate = o.fee_status !== "due" || before >= Number(o.fee_amount ?? 0);
      paidSoFar.set(o.dossier_id, before + o.amount);
      o.status = duplicate ? "refund_requested" : "paid";
      paid.push({ o, report: c.report, w: c.w, duplicate });
    } else {
      o.status = "failed";
      failed.push({ o, report: c.report, w: c.w });
    }
  }
  const receipts = await issueReceipts(
    tx,
    paid.map(({ o, report }) => ({ paymentId: o.id, agencyId: o.agency_id, dossierId: o.dossier_id, amountVnd: Number(o.amount_vnd), channel: "vnpay", gatewayTxnNo: report.transactionNo, collector: null })),
    now,
  );
  const changed = [...paid.map((p) => ({ ...p, outcome: p.duplicate ? "refund_requested" : "paid" })), ...failed.map((f) => ({ ...f, outcome: "failed", duplicate: false }))];
  if (changed.length) {
    await tx.exec(
      prepared(`update payments p set status = c.outcome, paid_at = case when c.outcome = 'failed' then null else $2::timestamptz end,
         gateway_txn_no = c.txn_no, bank_code = c.bank_code, pay_date = c.pay_date, response_code = c.response_code,
         refund_reason = case when c.outcome = 'refund_requested' then 'payment.reason.duplicate' else p.refund_reason end,
         refund_requested_at = case when c.outcome = 'refund_requested' then $2::timestamptz else p.refund_requested_at end
       from jsonb_to_recordset($1::jsonb) as c(id int, outcome text, txn_no text, bank_code text, pay_date text, response_code text) where p.id = c.id`),
      [
        JSON.stringify(changed.map((c) => ({ id: c.o.id, outcome: c.outcome, txn_no: c.report.transactionNo, bank_code: c.report.bankCode, pay_date: c.w.params.vnp_PayDate ?? null, response_code: c.report.responseCode }))),
        now,
      ],
    );
  }
  const perDossier = new Map<number, number>();
  for (const p of paid) perDossier.set(p.o.dossier_id, (perDossier.get(p.o.dossier_id) ?? 0) + Number(p.o.amount_vnd));
  if (perDossier.size) {
    await tx.exec(prepared("update dossier_fees f set paid_vnd = f.paid_vnd + k.amount, updated_at = now() from unnest($1::int[], $2::bigint[]) as k(id, amount) where f.dossier_id = k.id"), [
      [...perDossier.keys()],
      [...perDossier.values()],
    ]);
  }
  await tx.exec(
    prepared(`insert into payment_gateway_log (agency_id, kind, txn_ref, answer, params)
     select agency_id, kind, txn_ref, answer, params from jsonb_to_recordset($1::jsonb) as r(agency_id int, kind text, txn_ref text, answer text, params jsonb)`),
    [JSON.stringify(checked.map((c, i) => ({ agency_id: byRef.get(c.report.txnRef)?.agency_id ?? null, kind: c.w.source, txn_ref: c.report.txnRef || null, answer: decisions[i]!.code, params: c.w.params })))],
  );
  const receiptOf = new Map(receipts.map((r) => [r.paymentId, r]));
  await appendAuditBatch(
    tx,
    changed.map((c): AuditEntry => {
      const r = receiptOf.get(c.o.id);
      const failure = c.outcome === "failed";
      return {
        agencyId: c.o.agency_id,
        actor: `system:${c.w.source}`,
        action: failure ? "payment.fail" : "payment.confirm",
        entity: "dossier",
        entityId: c.o.dossier_code,
        data: { txnRef: c.o.txn_ref, amountVnd: Number(c.o.amount_vnd), responseCode: c.report.responseCode, ...(r ? { receipt: `${r.symbol}/${r.number}` } : {}), ...(c.duplicate ? { duplicate: true } : {}) },
      };
    }),
  );
  return decisions;
}

type Pending = { word: GatewayWord; resolve: (d: IpnDecision) => void; reject: (e: unknown) => void; settled: boolean };

const MAX_BATCH = 100;
const MAX_IN_FLIGHT = 2;

/** Forms batches of the gateway's words arriving while earlier ones are being written (see the file's head). */
class ConfirmQueue {
  private readonly waiting: Pending[] = [];
  private inFlight = 0;
  readonly stats = { batches: 0, words: 0, largest: 0 };

  constructor(
    private readonly db: Db,
    private readonly cfg: () => GatewayConfig | undefined,
  ) {}

  submit(word: GatewayWord): Promise<IpnDecision> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ word, resolve, reject, settled: false });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.waiting.length > 0) {
      this.inFlight += 1;
      const batch = this.waiting.splice(0, MAX_BATCH);
      this.stats.batches += 1;
      this.stats.words += batch.length;
      this.stats.largest = Math.max(this.stats.largest, batch.length);
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async apply(batch: readonly Pending[]): Promise<void> {
    const cfg = this.cfg();
    if (!cfg) {
      for (const p of batch) settle(p, { ok: { code: "99" } });
      return;
    }
    const decisions = await this.db.system((tx) => applyGatewayWords(tx, cfg, batch.map((p) => p.word)));
    for (const [i, p] of batch.entries()) settle(p, { ok: decisions[i]! });
  }

  private async run(batch: Pending[]): Promise<void> {
    try {
      await this.apply(batch);
    } catch (e) {
      if (batch.length === 1) settle(batch[0]!, { error: e });
      else for (const p of batch) await this.apply([p]).catch((error: unknown) => settle(p, { error }));
    }
    for (const p of batch) settle(p, { error: new Error("gateway word left unsettled") });
  }
}

function settle(p: Pending, outcome: { ok: IpnDecision } | { error: unknown }): void {
  if (p.settled) return;
  p.settled = true;
  if ("ok" in outcome) p.resolve(outcome.ok);
  else p.reject(outcome.error);
}

const queues = new WeakMap<Db, ConfirmQueue>();

/** Applies one word of the gateway (an IPN call, a querydr answer) through the batching queue. */
export function confirmFromGateway(db: Db, cfg: () => GatewayConfig | undefined, word: GatewayWord): Promise<IpnDecision> {
  let q = queues.get(db);
  if (!q) {
    q = new ConfirmQueue(db, cfg);
    queues.set(db, q);
  }
  return q.submit(word);
}

export function confirmStatistics(db: Db): { batches: number; words: number; largest: number } {
  return queues.get(db)?.stats ?? { batches: 0, words: 0, largest: 0 };
}

export type IpnAnswer = { RspCode: IpnCode; Message: string };
