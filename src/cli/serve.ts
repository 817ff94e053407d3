import { loadConfig, publicBaseUrl } from "../config";
import { withStartupLock } from "../db/migrate";
import { seedDemo } from "../modules/demo/seed";
import { openRuntime, VERSION } from "../runtime";
import { startJobQueue } from "../jobs/queue";
import { createCheckpoint } from "../modules/audit/integrity";
import { buildApp } from "../web/app";
import { startDemoPortal } from "../modules/sync-dvcqg/demo";
import { drainSyncOutbox } from "../modules/sync-dvcqg/outbox";
import { startSyncWaker, type SyncWaker } from "../modules/sync-dvcqg/waker";
import { importUnitsWithProgress, log, printDemoAccounts } from "./setup";
import { configurePaymentGateway, DEMO_HASH_SECRET, DEMO_TMN_CODE, paymentGateway } from "../modules/payments/gateway";
import { startPaymentStandin } from "../modules/payments/standin/standin";
import type { Config } from "../config";

async function startDemoGateway(config: Config) {
  const standin = await startPaymentStandin({
    tmnCode: DEMO_TMN_CODE,
    hashSecret: DEMO_HASH_SECRET,
    ipnUrl: `${publicBaseUrl(config)}/api/v1/payments/vnpay/ipn`,
    port: config.port === 0 ? 0 : config.port + 1,
    host: config.host,
  });
  configurePaymentGateway({ url: standin.url, apiUrl: standin.url, tmnCode: DEMO_TMN_CODE, hashSecret: DEMO_HASH_SECRET });
  log(`Cổng thanh toán thử nghiệm (VNPay 2.1.0) / payment gateway stand-in: ${standin.url} — TMN ${DEMO_TMN_CODE}, secret ${DEMO_HASH_SECRET}`);
  return standin;
}


export async function serve(opts: { demoIfEmpty: boolean }): Promise<void> {
  const config = loadConfig();
  const started = Date.now();
  const rt = await openRuntime(config, { log });
  let closing = false;
  // Graceful: /readyz turns 503 at once so a proxy stops sending new requests (after its next
  // check: SHUTDOWN_DELAY_MS, e.g. 3000 behind HAProxy), then the server stops accepting and
  // finishes the requests in flight; past SHUTDOWN_TIMEOUT_MS (default 25 s) it exits anyway.
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log(`${signal}: đang dừng / shutting down…`);
    app.deps.draining = true;
    setTimeout(() => {
      log("shutdown timed out: exiting with requests still open");
      process.exit(1);
    }, Number(process.env.SHUTDOWN_TIMEOUT_MS) || 25_000).unref();
    try {
      const delay = Number(process.env.SHUTDOWN_DELAY_MS) || 0;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      await app.close();
      await standin?.close();
      await waker?.stop();
      await portal?.close();
      await jobs?.stop();
    } finally {
      await rt.close();
      process.exit(0);
    }
  };

  if (opts.demoIfEmpty) {
    const empty = (await rt.db.system((tx) => tx.one<{ n: number }>("select count(*) as n from agencies"))).n === 0;
    if (empty) {
      await importUnitsWithProgress(rt);
      if (config.nodeEnv !== "production") {
        await rt.db.system((tx) => seedDemo(tx, { production: false }));
        printDemoAccounts(publicBaseUrl(config));
      }
    }
  }

  // Anchor the audit chain at start when the last checkpoint is old (or there is none yet); one
  // instance at a time, so that instances starting together write one checkpoint, not a deadlock.
  await withStartupLock(rt.db.pool, () =>
    rt.db.system(async (tx) => {
      const last = await tx.maybeOne<{ at: Date }>("select at from audit_checkpoints order by at desc limit 1");
      if (!last || Date.now() - last.at.getTime() > 6 * 3600_000) await createCheckpoint(tx);
    }),
  );
  const app = await buildApp({ db: rt.db, config, version: VERSION, secret: rt.secret });
  // The payment stand-in, the job queue and the national-portal stand-in start side by side: each
  // mostly waits for the database or a socket (~0.3 s off a start).
  const [standin, jobs, portal] = await Promise.all([
    // Demo mode without a configured gateway: the local stand-in plays VNPay on the next port.
    !paymentGateway() && config.nodeEnv !== "production" ? startDemoGateway(config) : undefined,
    process.env.MOTCUA_JOBS !== "off"
      ? // JOBS_DATABASE_URL: the queue's own connections may go through PgBouncer in transaction mode.
        withStartupLock(rt.db.pool, () => startJobQueue({ connectionString: process.env.JOBS_DATABASE_URL || rt.connectionString, db: rt.db, log, logger: app.log }))
      : undefined,
    // Demo mode: the demo commune synchronises with a local stand-in of the national portal.
    config.nodeEnv !== "production" && opts.demoIfEmpty ? startDemoPortal(rt.db, { log, ...(process.env.DVCQG_STANDIN_PORT ? { port: Number(process.env.DVCQG_STANDIN_PORT) } : {}) }) : undefined,
  ]);
  if (jobs) app.deps.jobs = jobs;
  // Outbox rows are sent as soon as their transaction commits (by the job queue when it runs here).
  const waker: SyncWaker = startSyncWaker({
    connectionString: rt.connectionString,
    log,
    wake: () => void (jobs ? jobs.send("sync.dvcqg.push") : drainSyncOutbox(rt.db)).catch((e: Error) => log(`sync: ${e.message}`)),
  });
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  await app.listen({ port: config.port, host: config.host });
  log(`Một Cửa đang chạy tại / running at ${publicBaseUrl(config)} (${Date.now() - started} ms)`);
}
