// Delivery of the synchronisation outbox (migrations/1010_sync_dvcqg.sql) to the national portal.
//
// - Order per dossier: only the oldest unsent row of a dossier is ever sent; a later step waits
//   until the earlier one is through, so the portal never sees a step before the one before it.
//   A row the portal refused (failed) holds back the rest of its dossier until it is resent.
// - One sender at a time per installation (an advisory lock), so that order holds across
//   instances; each round takes the heads of many dossiers and sends them in a few requests.
// - Retries: the portal down, slow or failing inside (transient) → the rows wait with growing
//   back-off (5 s doubling up to 10 min) and are tried again, forever: nothing is lost and it
//   recovers by itself. The portal refusing the data → the row is marked failed with the portal's
//   message for the administrator, who fixes the dossier and resends it.
// - Idempotent on the far side: a dossier record is an upsert by MaHoSo, and a step sent twice
//   (a reply lost in the network) is the same step with the same time.

import type { Db, Tx } from "../../db/scope";
import { DossierRecord, ProgressStep, recordProblems } from "../../domain/sync/dvcqg";
import { PortalClient, PortalError } from "./client";
import { type BuiltItem, buildItems, loadSyncData } from "./records";
import { findSyncSettings, type SyncSettings } from "./settings";

const LOCK_KEY = 731_001;
export const SYNC_CHANNEL = "sync_dvcqg";

export type DrainOptions = {
  /** Dossiers per round (one record request and one progress request per round). */
  batch?: number;
  /** Stop starting new rounds after this long (the job runs again soon). */
  timeBudgetMs?: number;
  /** How long to wait for the portal's answer. */
  timeoutMs?: number;
  /** Seconds to wait after the n-th failed attempt. */
  backoffSeconds?: (attempts: number) => number;
};

export type DrainResult = { sent: number; retried: number; failed: number; rounds: number; busy: boolean };

export function defaultBackoffSeconds(attempts: number): number {
  return Math.min(600, 5 * 2 ** Math.max(0, attempts - 1));
}

type Head = { id: number; agency_id: number; dossier_id: number; event_id: number | null; attempts: number };
type Item = Head & { built: BuiltItem };

/** Sessions survive between runs: one client per agency and connection settings. */
const clients = new Map<string, PortalClient>();
function clientFor(s: SyncSettings, timeoutMs: number): PortalClient {
  const key = JSON.stringify([s.agencyId, s.endpoint, s.username, s.password, s.unitCode, s.dstCode, timeoutMs]);
  let c = clients.get(key);
  if (!c) {
    for (const k of clients.keys()) if (k.startsWith(`[${s.agencyId},`)) clients.delete(k);
    c = new PortalClient({ ...s, timeoutMs });
    clients.set(key, c);
  }
  return c;
}

/** Sends what is due; returns at once (busy) when another sender holds the lock. */
export async function drainSyncOutbox(db: Db, opts: DrainOptions = {}): Promise<DrainResult> {
  const lock = await db.pool.connect();
  try {
    const got = await lock.query<{ ok: boolean }>("select pg_try_advisory_lock($1) as ok", [LOCK_KEY]);
    if (!got.rows[0]?.ok) return { sent: 0, retried: 0, failed: 0, rounds: 0, busy: true };
    try {
      return await drainLocked(db, opts);
    } finally {
      await lock.query("select pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => {});
    }
  } finally {
    lock.release();
  }
}

async function drainLocked(db: Db, opts: DrainOptions): Promise<DrainResult> {
  const batch = opts.batch ?? 100;
  const budget = opts.timeBudgetMs ?? 50_000;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const backoff = opts.backoffSeconds ?? defaultBackoffSeconds;
  const started = Date.now();
  const result: DrainResult = { sent: 0, retried: 0, failed: 0, rounds: 0, busy: false };
  // Agencies whose portal did not answer in this run: their rows wait for the back-off.
  const paused = new Set<number>();
  const settings = new Map<number, { s: SyncSettings; agency: { code: string; name: string } } | null>();

  const mark = {
    sent: (ids: number[]) =>
      db.system((tx) => tx.exec("update sync_dvcqg_outbox set status = 'sent', sent_at = now(), last_error = null, portal_code = null where id = any($1::bigint[])", [ids])),
    retry: (ids: number[], e: PortalError) =>
      db.system((tx) =>
        tx.exec(
          `update sync_dvcqg_outbox set attempts = attempts + 1, last_error = $2, portal_code = $3,
             next_attempt_at = now() + make_interval(secs => ($4::float8[])[least(attempts + 1, 20)])
           where id = any($1::bigint[])`,
          [ids, e.message.slice(0, 1000), e.code, Array.from({ length: 20 }, (_, i) => backoff(i + 1))],
        ),
      ),
    failed: (id: number, message: string, code: number | null) =>
      db.system((tx) =>
        tx.exec("update sync_dvcqg_outbox set status = 'failed', attempts = attempts + 1, last_error = $2, portal_code = $3 where id = $1", [id, message.slice(0, 1000), code]),
      ),
  };

  while (Date.now() - started < budget) {
    const heads = await db.system((tx) =>
      tx.query<Head>(
        `select h.id, h.agency_id, h.dossier_id, h.event_id, h.attempts from (
           select distinct on (o.dossier_id) o.id, o.agency_id, o.dossier_id, o.event_id, o.attempts, o.status, o.next_attempt_at
           from sync_dvcqg_outbox o where o.status <> 'sent' order by o.dossier_id, o.id
         ) h
         where h.status = 'pending' and h.next_attempt_at <= now() and not (h.agency_id = any($2::int[]))
         order by h.id limit $1`,
        [batch, [...paused]],
      ),
    );
    if (heads.length === 0) break;
    result.rounds++;
    const byAgency = new Map<number, Head[]>();
    for (const h of heads) byAgency.set(h.agency_id, [...(byAgency.get(h.agency_id) ?? []), h]);
    for (const [agencyId, rows] of byAgency) {
      if (!settings.has(agencyId)) {
        settings.set(
          agencyId,
          await db.system(async (tx) => {
            const s = await findSyncSettings(tx, agencyId);
            const a = await tx.maybeOne<{ code: string; name: string }>("select code, name from agencies where id = $1", [agencyId]);
            return s?.enabled && a ? { s, agency: a } : null;
          }),
        );
      }
      const conf = settings.get(agencyId);
      if (!conf) {
        // Synchronisation switched off since these were written: they wait for it to be on again.
        paused.add(agencyId);
        continue;
      }
      const built = await db.system(async (tx) => {
        const data = await loadSyncData(tx, rows.map((r) => r.dossier_id));
        return buildItems(tx, { items: rows.map((r) => ({ dossierId: r.dossier_id, eventId: r.event_id })), data, agency: conf.agency, mapping: conf.s.mapping });
      });
      const items: Item[] = [];
      for (const [k, row] of rows.entries()) {
        const b = built.get(k)!;
        if ("missing" in b) {
          await mark.failed(row.id, `Không dựng được bản ghi: ${b.missing}`, null);
          result.failed++;
          continue;
        }
        // Checked here first: a record the portal would refuse fails with the field that is wrong.
        const problems = [...recordProblems(DossierRecord, b.record), ...b.steps.flatMap((s) => recordProblems(ProgressStep, s))];
        if (problems.length) {
          await mark.failed(row.id, `Dữ liệu chưa đúng quy định của Cổng DVCQG: ${problems.slice(0, 5).join("; ")}`, null);
          result.failed++;
          continue;
        }
        items.push({ ...row, built: b });
      }
      const client = clientFor(conf.s, timeoutMs);
      const outcome = await sendItems(client, items, mark);
      result.sent += outcome.sent;
      result.failed += outcome.failed;
      result.retried += outcome.retried;
      if (outcome.retried > 0) paused.add(agencyId);
    }
  }
  return result;
}

type Marks = {
  sent: (ids: number[]) => Promise<number>;
  retry: (ids: number[], e: PortalError) => Promise<number>;
  failed: (id: number, message: string, code: number | null) => Promise<number>;
};

/** One record request and one progress request for the items; a refusal is narrowed down by halves. */
async function sendItems(client: PortalClient, items: readonly Item[], mark: Marks): Promise<{ sent: number; failed: number; retried: number }> {
  if (items.length === 0) return { sent: 0, failed: 0, retried: 0 };
  try {
    // A batch of first steps only (submission, receipt) creates records; anything else updates them.
    const creating = items.every((i) => i.built.isNew);
    await client.call("DongBoHoSoMC", { isUpdating: !creating, data: items.map((i) => i.built.record) });
    const steps = items.flatMap((i) => i.built.steps);
    for (let k = 0; k < steps.length; k += 500) await client.call("CapNhatTienDoHoSoMC", { data: steps.slice(k, k + 500) });
    await mark.sent(items.map((i) => i.id));
    return { sent: items.length, failed: 0, retried: 0 };
  } catch (e) {
    if (!(e instanceof PortalError)) throw e;
    if (e.kind !== "rejected") {
      await mark.retry(
        items.map((i) => i.id),
        e,
      );
      return { sent: 0, failed: 0, retried: items.length };
    }
    if (items.length === 1) {
      await mark.failed(items[0]!.id, e.message, e.code);
      return { sent: 0, failed: 1, retried: 0 };
    }
    const half = Math.ceil(items.length / 2);
    const a = await sendItems(client, items.slice(0, half), mark);
    const b = await sendItems(client, items.slice(half), mark);
    return { sent: a.sent + b.sent, failed: a.failed + b.failed, retried: a.retried + b.retried };
  }
}

// ---------------------------------------------------------------------------------------------
// Resending

/** Puts a dossier (its whole record and every step) in the outbox again, if its agency synchronises. */
export async function enqueueFullSync(tx: Tx, q: { agencyId: number; dossierIds: readonly number[] }): Promise<number> {
  if (q.dossierIds.length === 0) return 0;
  const n = await tx.exec(
    `insert into sync_dvcqg_outbox (agency_id, dossier_id, event_id)
     select $1, d, null from unnest($2::int[]) as d where exists (select 1 from sync_dvcqg_settings s where s.agency_id = $1 and s.enabled)`,
    [q.agencyId, q.dossierIds],
  );
  if (n > 0) await tx.exec(`select pg_notify('${SYNC_CHANNEL}', '')`);
  return n;
}

/**
 * The administrator's "resend": failed rows of the agency (or of one dossier) go back to the
 * queue, tried at once; a dossier without failed rows is sent whole again. Returns how many rows.
 */
export async function resend(tx: Tx, q: { agencyId: number; dossierCode?: string | undefined }): Promise<number> {
  let dossierId: number | null = null;
  if (q.dossierCode) {
    const d = await tx.maybeOne<{ id: number }>("select id from dossiers where agency_id = $1 and code = $2", [q.agencyId, q.dossierCode]);
    if (!d) return -1;
    dossierId = d.id;
  }
  let n = await tx.exec(
    `update sync_dvcqg_outbox set status = 'pending', attempts = 0, next_attempt_at = now(), last_error = null, portal_code = null
     where agency_id = $1 and status = 'failed' and ($2::int is null or dossier_id = $2)`,
    [q.agencyId, dossierId],
  );
  if (n === 0 && dossierId !== null) n = await enqueueFullSync(tx, { agencyId: q.agencyId, dossierIds: [dossierId] });
  // Pending rows waiting for their back-off are tried now too.
  await tx.exec(
    "update sync_dvcqg_outbox set next_attempt_at = now() where agency_id = $1 and status = 'pending' and next_attempt_at > now() and ($2::int is null or dossier_id = $2)",
    [q.agencyId, dossierId],
  );
  await tx.exec(`select pg_notify('${SYNC_CHANNEL}', '')`);
  return n;
}
