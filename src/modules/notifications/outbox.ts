import { randomBytes } from "node:crypto";
import type { Db, Tx } from "../../db/scope";
import { PermanentSendError, type Transports } from "./transports";

// The outbox: a message is written in the same transaction as the change it reports, so it exists
// if and only if the change committed; deliverPending sends it afterwards (job every minute) and
// retries with back-off. A lease (next_attempt_at pushed ahead while sending) keeps two workers
// from sending the same row.

export type OutboxMessage = {
  agencyId: number;
  dossierId?: number | null;
  kind: string;
  channel: "email" | "sms";
  recipient: string;
  lang?: "vi" | "en";
  subject?: string;
  body: string;
  dedupeKey?: string;
};

export async function enqueueMessage(tx: Tx, m: OutboxMessage): Promise<boolean> {
  const n = await tx.exec(
    `insert into notification_outbox (agency_id, dossier_id, kind, channel, recipient, lang, subject, body, dedupe_key, request_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict do nothing`,
    [m.agencyId, m.dossierId ?? null, m.kind, m.channel, m.recipient, m.lang ?? "vi", m.subject ?? "", m.body, m.dedupeKey ?? null, `mc-${randomBytes(12).toString("hex")}`],
  );
  return n === 1;
}

/** Several messages in one statement (a batch of online submissions); duplicates by key skipped. */
export async function enqueueMessages(tx: Tx, ms: readonly OutboxMessage[]): Promise<number> {
  if (ms.length === 0) return 0;
  const rows = ms.map((m) => ({
    agency_id: m.agencyId,
    dossier_id: m.dossierId ?? null,
    kind: m.kind,
    channel: m.channel,
    recipient: m.recipient,
    lang: m.lang ?? "vi",
    subject: m.subject ?? "",
    body: m.body,
    dedupe_key: m.dedupeKey ?? null,
    request_id: `mc-${randomBytes(12).toString("hex")}`,
  }));
  return tx.exec(
    `insert into notification_outbox (agency_id, dossier_id, kind, channel, recipient, lang, subject, body, dedupe_key, request_id)
     select agency_id, dossier_id, kind, channel, recipient, lang, subject, body, dedupe_key, request_id
     from jsonb_to_recordset($1::jsonb) as x(agency_id integer, dossier_id integer, kind text, channel text, recipient text, lang text, subject text, body text, dedupe_key text, request_id text)
     on conflict do nothing`,
    [JSON.stringify(rows)],
  );
}

export type StaffNotice = {
  agencyId: number;
  userId: number;
  dossierId?: number | null;
  kind: string;
  title: string;
  body?: string;
  href?: string | null;
  isTask?: boolean;
  dedupeKey?: string;
};

export async function notifyStaff(tx: Tx, n: StaffNotice): Promise<boolean> {
  const count = await tx.exec(
    `insert into staff_notifications (agency_id, user_id, dossier_id, kind, title, body, href, is_task, dedupe_key)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict do nothing`,
    [n.agencyId, n.userId, n.dossierId ?? null, n.kind, n.title, n.body ?? "", n.href ?? null, n.isTask ?? false, n.dedupeKey ?? null],
  );
  return count === 1;
}

/** Minutes to wait after the n-th failed attempt; after the last one the message is marked failed. */
export const RETRY_MINUTES = [1, 5, 30, 120, 720] as const;

type Claimed = { id: number; channel: "email" | "sms"; recipient: string; subject: string; body: string; attempts: number; request_id: string; is_demo: boolean };

export type DeliveryResult = { sent: number; retried: number; failed: number; skipped: number };

/**
 * Sends due messages. Messages of demo agencies (seeded applicants' phone numbers may belong to
 * real people) are skipped unless `includeDemo` (tests, or NOTIFY_DEMO_AGENCIES=1 for the job).
 */
export async function deliverPending(db: Db, transports: Transports, opts: { now?: Date; limit?: number; includeDemo?: boolean } = {}): Promise<DeliveryResult> {
  const now = opts.now ?? new Date();
  const result: DeliveryResult = { sent: 0, retried: 0, failed: 0, skipped: 0 };
  const claimed = await db.system((tx) =>
    tx.query<Claimed>(
      `update notification_outbox set attempts = attempts + 1, next_attempt_at = $1::timestamptz + interval '10 minutes'
       where id in (select id from notification_outbox where status = 'pending' and next_attempt_at <= $1
                    order by id for update skip locked limit $2)
       returning id, channel, recipient, subject, body, attempts, request_id,
         (select is_demo from agencies a where a.id = notification_outbox.agency_id) as is_demo`,
      [now, opts.limit ?? 100],
    ),
  );
  for (const m of claimed.sort((a, b) => a.id - b.id)) {
    if (m.is_demo && !opts.includeDemo) {
      await db.system((tx) => tx.exec("update notification_outbox set status = 'skipped', last_error = 'demo agency' where id = $1", [m.id]));
      result.skipped++;
      continue;
    }
    const transport = m.channel === "email" ? transports.email : transports.sms;
    if (!transport) {
      await db.system((tx) => tx.exec("update notification_outbox set status = 'skipped', last_error = $2 where id = $1", [m.id, `no ${m.channel} transport configured`]));
      result.skipped++;
      continue;
    }
    try {
      const { id } =
        m.channel === "email"
          ? await transports.email!.send({ to: m.recipient, subject: m.subject, text: m.body })
          : await transports.sms!.send({ phone: m.recipient, content: m.body, requestId: m.request_id });
      await db.system((tx) => tx.exec("update notification_outbox set status = 'sent', sent_at = now(), provider_id = $2, last_error = null where id = $1", [m.id, id]));
      result.sent++;
    } catch (e) {
      const message = (e as Error).message.slice(0, 500);
      const wait = RETRY_MINUTES[m.attempts - 1];
      if (e instanceof PermanentSendError || wait === undefined) {
        await db.system((tx) => tx.exec("update notification_outbox set status = 'failed', last_error = $2 where id = $1", [m.id, message]));
        result.failed++;
      } else {
        await db.system((tx) =>
          tx.exec("update notification_outbox set last_error = $2, next_attempt_at = $3::timestamptz + make_interval(mins => $4) where id = $1", [m.id, message, now, wait]),
        );
        result.retried++;
      }
    }
  }
  return result;
}

/**
 * A delivery report from the SMS gateway (eSMS: SMSID, SendStatus, RequestId…). Accepted only if
 * both ids match a message we sent. Returns whether a row was updated.
 */
export async function recordSmsDeliveryReport(db: Db, r: { smsId: string; requestId: string; sendStatus: string }): Promise<boolean> {
  const n = await db.system((tx) =>
    tx.exec(
      `update notification_outbox set delivery_status = $3, delivered_at = case when $3 = '5' then now() else delivered_at end
       where channel = 'sms' and provider_id = $1 and request_id = $2`,
      [r.smsId, r.requestId, r.sendStatus],
    ),
  );
  return n > 0;
}
