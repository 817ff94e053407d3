import { loadConfig, publicBaseUrl } from "../config";
import { seedDemo } from "../modules/demo/seed";
import { openRuntime, VERSION } from "../runtime";
import { startJobQueue, type JobQueue } from "../jobs/queue";
import { buildApp } from "../web/app";
import { startDemoPortal } from "../modules/sync-dvcqg/demo";
import { drainSyncOutbox } from "../modules/sync-dvcqg/outbox";
import { startSyncWaker, type SyncWaker } from "../modules/sync-dvcqg/waker";
import { importUnitsWithProgress, log, printDemoAccounts } from "./setup";


export async function serve(opts: { demoIfEmpty: boolean }): Promise<void> {
  const config = loadConfig();
  const started = Date.now();
  const rt = await openRuntime(config, { log });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log(`${signal}: đang dừng / shutting down…`);
    try {
      await app.close();
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

  const app = await buildApp({ db: rt.db, config, version: VERSION, secret: rt.secret });
  let jobs: JobQueue | undefined;
  if (process.env.MOTCUA_JOBS !== "off") {
    jobs = await startJobQueue({ connectionString: rt.connectionString, db: rt.db, log });
    app.deps.jobs = jobs;
  }
  // Demo mode: the demo commune synchronises with a local stand-in of the national portal.
  const portal = config.nodeEnv !== "production" && opts.demoIfEmpty ? await startDemoPortal(rt.db, { log, ...(process.env.DVCQG_STANDIN_PORT ? { port: Number(process.env.DVCQG_STANDIN_PORT) } : {}) }) : undefined;
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
