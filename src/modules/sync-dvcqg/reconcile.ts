// The nightly reconciliation: for each agency that synchronises, the last 30 days' counts (received,
// synced), every dossier of the period that never entered the outbox (received before the
// connection was set up, or while it was switched off) sent whole, and a sample of the dossiers
// believed synced looked up at the portal (TraCuuHoSo): one it does not hold, or holds with
// another status, is sent whole again. The outcome is kept for the administrator's page.

import type { Db } from "../../db/scope";
import { PORTAL_ERRORS } from "../../domain/sync/dvcqg";
import type { DossierStatus } from "../../domain/dossiers/state-machine";
import { appendAudit } from "../audit/audit";
import { PortalClient, PortalError } from "./client";
import { enqueueFullSync } from "./outbox";
import { listEnabledSettings, type SyncSettings } from "./settings";
import { syncCounts } from "./status";

export type ReconcileResult = { agencyId: number; received: number; synced: number; checked: number; missing: number; resent: number; error: string | null };

function localDay(d: Date): string {
  return new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

export async function reconcileAgency(
  db: Db,
  s: SyncSettings,
  opts: { now?: Date; days?: number; sample?: number; timeoutMs?: number; actor?: { userId: number | null; label: string } } = {},
): Promise<ReconcileResult> {
  const now = opts.now ?? new Date();
  const from = localDay(new Date(now.getTime() - (opts.days ?? 30) * 86_400_000));
  const to = localDay(now);
  const scope = { agencyIds: [s.agencyId], userId: opts.actor?.userId ?? null };
  const counts = await db.scoped(scope, (tx) => syncCounts(tx, { agencyId: s.agencyId, from, to }));
  const never = await db.scoped(scope, (tx) =>
    tx.query<{ id: number }>(
      `select d.id from dossiers d where d.agency_id = $1 and coalesce(d.submitted_at, d.received_at, d.created_at) >= $2::date
         and not exists (select 1 from sync_dvcqg_outbox o where o.dossier_id = d.id) order by d.id`,
      [s.agencyId, from],
    ),
  );
  const resendIds = new Set(never.map((r) => r.id));
  let checked = 0;
  let missing = 0;
  let error: string | null = null;
  const sample = await db.scoped(scope, (tx) =>
    tx.query<{ id: number; code: string; status: DossierStatus }>(
      `select d.id, d.code, d.status from dossiers d
       where d.agency_id = $1 and coalesce(d.submitted_at, d.received_at, d.created_at) >= $2::date
         and exists (select 1 from sync_dvcqg_outbox o where o.dossier_id = d.id and o.status = 'sent')
         and not exists (select 1 from sync_dvcqg_outbox o where o.dossier_id = d.id and o.status <> 'sent')
       order by random() limit $3`,
      [s.agencyId, from, opts.sample ?? 100],
    ),
  );
  const client = new PortalClient({ ...s, timeoutMs: opts.timeoutMs ?? 30_000 });
  for (const d of sample) {
    try {
      const r = await client.call("TraCuuHoSo", { MaHoSo: d.code });
      checked++;
      const status = (r.data as { TrangThaiHoSo?: unknown } | undefined)?.TrangThaiHoSo;
      if (status !== s.mapping.status[d.status]) {
        missing++;
        resendIds.add(d.id);
      }
    } catch (e) {
      if (e instanceof PortalError && e.code === PORTAL_ERRORS.notFound) {
        checked++;
        missing++;
        resendIds.add(d.id);
        continue;
      }
      // The portal cannot be asked now: the counts and the local part still stand.
      error = (e as Error).message.slice(0, 500);
      break;
    }
  }
  const resent = await db.scoped(scope, async (tx) => {
    const n = await enqueueFullSync(tx, { agencyId: s.agencyId, dossierIds: [...resendIds] });
    await tx.exec(
      `insert into sync_dvcqg_reconciliations (agency_id, period_from, period_to, received, synced, checked_at_portal, missing_at_portal, resent, error)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [s.agencyId, from, to, counts.received, counts.synced, checked, missing, n, error],
    );
    await appendAudit(tx, {
      agencyId: s.agencyId,
      actorUserId: opts.actor?.userId ?? null,
      actor: opts.actor?.label ?? "system",
      action: "sync.reconcile",
      entity: "sync_settings",
      entityId: "dvcqg",
      data: { from, to, received: counts.received, synced: counts.synced, checked, missing, resent: n },
    });
    return n;
  });
  return { agencyId: s.agencyId, received: counts.received, synced: counts.synced, checked, missing, resent, error };
}

export async function reconcileAll(db: Db, opts: { now?: Date } = {}): Promise<ReconcileResult[]> {
  const all = await db.system((tx) => listEnabledSettings(tx));
  const out: ReconcileResult[] = [];
  for (const s of all) out.push(await reconcileAgency(db, s, opts));
  return out;
}
