// The sync share (QĐ 766/QĐ-TTg indicator 1.4: synchronised ÷ received) per agency and period,
// and the failures an administrator must see.

import type { Tx } from "../../db/scope";

export type SyncCounts = { received: number; synced: number; pending: number; failed: number };

/** Start of a local (UTC+7) day. */
function dayStart(iso: string): Date {
  return new Date(`${iso}T00:00:00+07:00`);
}

/**
 * Dossiers of the agency registered in the period (submitted online or received, dd inclusive,
 * Vietnam time): synced = every step at the portal; failed = a step the portal refused; pending =
 * the rest (waiting, being retried, or never sent — which counts against the share too).
 */
export async function syncCounts(tx: Tx, q: { agencyId: number; from: string; to: string }): Promise<SyncCounts> {
  const r = await tx.one<{ received: number; synced: number; failed: number }>(
    `select count(*)::int as received,
       count(*) filter (where s.failed)::int as failed,
       count(*) filter (where not s.failed and s.pending = 0 and s.sent > 0)::int as synced
     from dossiers d
     cross join lateral (
       select count(*) filter (where o.status = 'sent') as sent, count(*) filter (where o.status = 'pending') as pending,
              coalesce(bool_or(o.status = 'failed'), false) as failed
       from sync_dvcqg_outbox o where o.dossier_id = d.id
     ) s
     where d.agency_id = $1 and coalesce(d.submitted_at, d.received_at, d.created_at) >= $2 and coalesce(d.submitted_at, d.received_at, d.created_at) < $3`,
    [q.agencyId, dayStart(q.from), new Date(dayStart(q.to).getTime() + 86_400_000)],
  );
  return { received: r.received, synced: r.synced, failed: r.failed, pending: r.received - r.synced - r.failed };
}

export type SyncProblem = {
  id: number;
  dossierCode: string;
  status: "pending" | "failed";
  attempts: number;
  lastError: string | null;
  portalCode: number | null;
  nextAttemptAt: Date;
  createdAt: Date;
};

/** Rows the portal refused, then rows still retried after an error, oldest first. */
export async function listSyncProblems(tx: Tx, q: { agencyId: number; limit?: number }): Promise<SyncProblem[]> {
  return tx.query<SyncProblem>(
    `select o.id, d.code as "dossierCode", o.status, o.attempts, o.last_error as "lastError", o.portal_code as "portalCode",
       o.next_attempt_at as "nextAttemptAt", o.created_at as "createdAt"
     from sync_dvcqg_outbox o join dossiers d on d.id = o.dossier_id
     where o.agency_id = $1 and (o.status = 'failed' or (o.status = 'pending' and o.attempts > 0))
     order by (o.status = 'failed') desc, o.id limit $2`,
    [q.agencyId, q.limit ?? 100],
  );
}

export async function outboxBacklog(tx: Tx, agencyId: number): Promise<{ pending: number; failed: number; oldestPending: Date | null; lastSent: Date | null }> {
  return tx.one(
    `select count(*) filter (where status = 'pending')::int as pending, count(*) filter (where status = 'failed')::int as failed,
       min(created_at) filter (where status = 'pending') as "oldestPending", max(sent_at) as "lastSent"
     from sync_dvcqg_outbox where agency_id = $1 and (status in ('pending', 'failed') or sent_at > now() - interval '1 day')`,
    [agencyId],
  );
}
