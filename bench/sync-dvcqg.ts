// Synchronisation throughput to the national portal stand-in: dossiers (and steps) per second the
// outbox sender delivers over HTTP, with the stand-in answering at once and with a latency per
// call (a remote portal), at two batch sizes; and the cost the outbox trigger adds to writing events.
// Run: node --import tsx bench/sync-dvcqg.ts   (BENCH_DOSSIERS sets the number, default 3000)
import { performance } from "node:perf_hooks";
import { DEFAULT_MAPPING } from "../src/domain/sync/dvcqg";
import { generateDossiers } from "../src/modules/dossiers/demo";
import { startDvcqgStandin } from "../src/modules/dvcqg-standin/standin";
import { drainSyncOutbox } from "../src/modules/sync-dvcqg/outbox";
import { saveSyncSettings } from "../src/modules/sync-dvcqg/settings";
import { prepareDb } from "./catalog-import";

const N = Number(process.env.BENCH_DOSSIERS ?? 3000);
const UNIT = "000.00.25.H12";
const account = { username: "bench", password: "bench-password", dstCode: "BENCH", units: [UNIT] };

const b = await prepareDb();
const standin = await startDvcqgStandin({ accounts: [account] });
try {
  const settings = (enabled: boolean) =>
    b.db.system((tx) =>
      saveSyncSettings(tx, {
        agencyId: b.communeId,
        input: { enabled, endpoint: standin.url, username: account.username, password: account.password, unitCode: UNIT, dstCode: account.dstCode, mapping: DEFAULT_MAPPING },
        actor: { userId: null, label: "bench" },
      }),
    );

  // The trigger's cost on writing events: the same generated dossiers with synchronisation off, then on.
  await settings(false);
  let t = performance.now();
  await b.db.system((tx) => generateDossiers(tx, { agencyIds: [b.communeId], perAgency: N, days: 60, seed: 1 }));
  const off = performance.now() - t;
  await b.db.system((tx) => tx.exec("truncate dossier_events, dossier_pauses, dossier_transfers, dossier_attachments, sync_dvcqg_outbox, notification_outbox, staff_notifications, dossier_deadline_marks, personal_data_access, privacy_requests cascade"));
  await b.db.system((tx) => tx.exec("delete from dossiers"));
  await settings(true);
  t = performance.now();
  await b.db.system((tx) => generateDossiers(tx, { agencyIds: [b.communeId], perAgency: N, days: 60, seed: 1 }));
  const on = performance.now() - t;
  const rows = await b.db.system((tx) => tx.one<{ n: number }>("select count(*)::int as n from sync_dvcqg_outbox"));
  console.log(`writing ${N} dossiers with their events: sync off ${off.toFixed(0)} ms, on ${on.toFixed(0)} ms (${rows.n} outbox rows written by the trigger)`);

  const run = async (label: string, o: { batch: number; latencyMs: number; budgetMs?: number }) => {
    await b.db.system((tx) => tx.exec("update sync_dvcqg_outbox set status = 'pending', attempts = 0, next_attempt_at = now(), sent_at = null"));
    standin.reset();
    standin.slow(o.latencyMs);
    const start = performance.now();
    let r = { sent: 0, rounds: 0 };
    const budget = o.budgetMs ?? 600_000;
    for (;;) {
      const x = await drainSyncOutbox(b.db, { batch: o.batch, timeBudgetMs: Math.max(1, budget - (performance.now() - start)) });
      r = { sent: r.sent + x.sent, rounds: r.rounds + x.rounds };
      if (x.rounds === 0 || performance.now() - start >= budget) break;
    }
    const s = (performance.now() - start) / 1000;
    const dossiers = standin.dossiers.get(UNIT)?.size ?? 0;
    console.log(
      `${label}: ${dossiers} dossiers, ${standin.steps.length} steps in ${s.toFixed(1)} s → ${(dossiers / s).toFixed(0)} dossiers/s, ${(r.sent / s).toFixed(0)} outbox rows/s (${r.rounds} rounds, ${standin.calls.length} calls)`,
    );
  };
  await run("batch 100, stand-in answers at once", { batch: 100, latencyMs: 0 });
  await run("batch 20, stand-in answers at once", { batch: 20, latencyMs: 0 });
  await run("batch 100, 50 ms per call (a remote portal)", { batch: 100, latencyMs: 50 });
  await run("batch 1 (no batching), 50 ms per call, stopped after 20 s", { batch: 1, latencyMs: 50, budgetMs: 20_000 });
} finally {
  await standin.close();
  await b.close();
}
