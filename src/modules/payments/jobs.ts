// Background work of payments (pg-boss, src/jobs/queue.ts): the reconciliation that asks the
// gateway (querydr) about orders left pending past their expiry, and refunds requested when a paid
// dossier is refused or withdrawn (or paid twice). Plain functions of the database, so tests call
// them directly; the queue runs them on a schedule.
import type { Db, Tx } from "../../db/scope";
import type { IpnReport } from "../../domain/payments/vnpay";
import { registerJob } from "../../jobs/queue";
import { appendAudit } from "../audit/audit";
import { type GatewayConfig, paymentGateway, queryTransaction, refundTransaction } from "./gateway";
import { confirmFromGateway, type PayActor } from "./payments";

/** The server's address as the gateway's API asks for it (vnp_IpAddr). */
const SERVER_IP = process.env.VNPAY_SERVER_IP || "127.0.0.1";

/** Marks the dossier's paid payments for refund (in the refusal's or withdrawal's transaction); the job sends them. */
export async function requestRefunds(tx: Tx, o: { dossierId: number; dossierCode: string; agencyId: number; reason: string; actor: PayActor }): Promise<number> {
  const rows = await tx.query<{ txn_ref: string; amount_vnd: string }>(
    `update payments set status = 'refund_requested', refund_reason = $2, refund_requested_at = now()
     where dossier_id = $1 and status = 'paid' returning txn_ref, amount_vnd`,
    [o.dossierId, o.reason],
  );
  if (rows.length) {
    await appendAudit(tx, {
      agencyId: o.agencyId,
      actorUserId: o.actor.userId,
      actor: o.actor.label,
      action: "payment.refund_request",
      entity: "dossier",
      entityId: o.dossierCode,
      data: { payments: rows.map((r) => ({ txnRef: r.txn_ref, amountVnd: Number(r.amount_vnd) })), reason: o.reason },
    });
  }
  return rows.length;
}

async function markRefunded(tx: Tx, p: { id: number; agency_id: number; dossier_id: number; code: string; txn_ref: string; amount_vnd: string }, actor: PayActor, response: string): Promise<void> {
  const n = await tx.exec("update payments set status = 'refunded', refunded_at = now(), refund_response = $2 where id = $1 and status = 'refund_requested'", [p.id, response]);
  if (n === 0) return;
  await tx.exec("update dossier_fees set paid_vnd = greatest(0, paid_vnd - $2), updated_at = now() where dossier_id = $1", [p.dossier_id, Number(p.amount_vnd)]);
  await appendAudit(tx, { agencyId: p.agency_id, actorUserId: actor.userId, actor: actor.label, action: "payment.refund", entity: "dossier", entityId: p.code, data: { txnRef: p.txn_ref, amountVnd: Number(p.amount_vnd), response } });
}

type RefundRow = { id: number; agency_id: number; dossier_id: number; code: string; txn_ref: string; amount_vnd: string; gateway_txn_no: string | null; created_at: Date; refund_reason: string | null };

/** Sends the online refunds waiting; returns how many the gateway accepted. Cash refunds wait for the desk. */
export async function runRefunds(db: Db, cfg: GatewayConfig | undefined, o: { limit?: number } = {}): Promise<number> {
  if (!cfg) return 0;
  const rows = await db.system((tx) =>
    tx.query<RefundRow>(
      `select p.id, p.agency_id, p.dossier_id, d.code, p.txn_ref, p.amount_vnd, p.gateway_txn_no, p.created_at, p.refund_reason
       from payments p join dossiers d on d.id = p.dossier_id where p.status = 'refund_requested' and p.channel = 'vnpay' order by p.refund_requested_at limit $1`,
      [o.limit ?? 50],
    ),
  );
  let done = 0;
  for (const p of rows) {
    const r = await refundTransaction(cfg, {
      txnRef: p.txn_ref,
      amountVnd: Number(p.amount_vnd),
      transactionNo: p.gateway_txn_no ?? "0",
      createdAt: p.created_at,
      createdBy: "motcua",
      reason: `Hoan phi ho so ${p.code}`,
      ipAddr: SERVER_IP,
    }).catch((e: unknown) => ({ verified: false, responseCode: "network", message: (e as Error).message }) as const);
    await db.system(async (tx) => {
      await tx.exec("insert into payment_gateway_log (agency_id, kind, txn_ref, answer, params) values ($1, 'refund', $2, $3, $4)", [p.agency_id, p.txn_ref, r.responseCode, JSON.stringify(r)]);
      // 00 accepted; 94: asked already (an earlier answer was lost): either way the refund stands.
      if (r.verified && (r.responseCode === "00" || r.responseCode === "94")) {
        await markRefunded(tx, p, { userId: null, label: "system:refund" }, r.responseCode);
        done++;
      }
    });
  }
  return done;
}

/** The desk gave the cash back: the refund of a cash payment is recorded. */
export async function markCashRefunded(tx: Tx, o: { dossierId: number; txnRef: string; actor: PayActor }): Promise<boolean> {
  const p = await tx.maybeOne<RefundRow>(
    `select p.id, p.agency_id, p.dossier_id, d.code, p.txn_ref, p.amount_vnd, p.gateway_txn_no, p.created_at, p.refund_reason
     from payments p join dossiers d on d.id = p.dossier_id where p.dossier_id = $1 and p.txn_ref = $2 and p.channel = 'cash' and p.status = 'refund_requested' for update of p`,
    [o.dossierId, o.txnRef],
  );
  if (!p) return false;
  await markRefunded(tx, p, o.actor, "cash");
  return true;
}

type PendingRow = { id: number; agency_id: number; dossier_id: number; code: string; txn_ref: string; amount_vnd: string; status: string; created_at: Date };

/**
 * Asks the gateway about online orders left pending past their expiry (the IPN may have been
 * lost): a paid one is confirmed through the same path as an IPN; one the gateway never saw, or
 * that was not paid, expires. Each order is asked at most a few times, five minutes apart.
 */
export async function reconcilePending(db: Db, cfg: GatewayConfig | undefined, o: { now?: Date; limit?: number } = {}): Promise<{ asked: number; confirmed: number; expired: number }> {
  const out = { asked: 0, confirmed: 0, expired: 0 };
  if (!cfg) return out;
  const now = o.now ?? new Date();
  const rows = await db.system((tx) =>
    tx.query<PendingRow>(
      `update payments p set last_query_at = $1, query_count = p.query_count + 1 from dossiers d
       where d.id = p.dossier_id and p.id in (
         select id from payments where channel = 'vnpay' and status in ('pending', 'expired') and expires_at < $1
           and query_count < 6 and (last_query_at is null or last_query_at < $1::timestamptz - interval '5 minutes') and created_at > $1::timestamptz - interval '7 days'
         order by created_at limit $2 for update skip locked)
       returning p.id, p.agency_id, p.dossier_id, d.code, p.txn_ref, p.amount_vnd, p.status, p.created_at`,
      [now, o.limit ?? 50],
    ),
  );
  for (const p of rows) {
    out.asked++;
    const r = await queryTransaction(cfg, { txnRef: p.txn_ref, createdAt: p.created_at, ipAddr: SERVER_IP, now }).catch(() => undefined);
    if (!r?.verified) continue;
    if (r.responseCode === "00" && (r.transactionStatus === "00" || r.transactionStatus === "02")) {
      const report: IpnReport = {
        txnRef: p.txn_ref,
        amountVnd: r.amountVnd,
        responseCode: r.transactionStatus === "00" ? "00" : "99",
        transactionStatus: r.transactionStatus,
        transactionNo: r.transactionNo,
        bankCode: r.bankCode,
        payDate: undefined,
        tmnCode: cfg.tmnCode,
      };
      const d = await confirmFromGateway(db, paymentGateway, { source: "querydr", params: { vnp_ResponseCode: r.responseCode, vnp_TransactionStatus: r.transactionStatus, vnp_TransactionNo: r.transactionNo, vnp_PayDate: r.payDate, vnp_Message: r.message }, report, verified: true });
      if (d.code === "00" && "outcome" in d && d.outcome === "paid") out.confirmed++;
    } else if (p.status === "pending" && (r.responseCode === "91" || (r.responseCode === "00" && r.transactionStatus === "01"))) {
      await db.system(async (tx) => {
        const n = await tx.exec("update payments set status = 'expired' where id = $1 and status = 'pending'", [p.id]);
        if (n) {
          out.expired++;
          await appendAudit(tx, { agencyId: p.agency_id, actor: "system:querydr", action: "payment.expire", entity: "dossier", entityId: p.code, data: { txnRef: p.txn_ref, responseCode: r.responseCode } });
        }
      });
    }
  }
  return out;
}

registerJob({ name: "payments.reconcile", cron: "*/5 * * * *", run: async ({ db }) => void (await reconcilePending(db, paymentGateway())) });
registerJob({ name: "payments.refunds", cron: "* * * * *", run: async ({ db }) => void (await runRefunds(db, paymentGateway())) });
