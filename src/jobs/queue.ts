import type { FastifyBaseLogger } from "fastify";
import PgBoss from "pg-boss";
import type { Db } from "../db/scope";
import { currentRequestId, jobRuns, withRequestId } from "../observability";

/** Where a queued job keeps the id of the request that queued it (removed before the job runs). */
const REQUEST_ID = "_requestId";

/**
 * Background work on the PostgreSQL job queue (pg-boss 10), so any number of app instances share
 * it. A module registers a job: a plain async function of the database (callable directly from
 * tests), an optional cron schedule (Asia/Ho_Chi_Minh), and the queue runs it.
 */
export type JobDefinition = {
  name: string;
  /** Cron in the installation's time zone, e.g. every 15 minutes: "*\/15 * * * *". */
  cron?: string;
  run: (ctx: { db: Db; data: Record<string, unknown> }) => Promise<void>;
};

const jobs: JobDefinition[] = [];

export function registerJob(job: JobDefinition): void {
  if (jobs.some((j) => j.name === job.name)) throw new Error(`job ${job.name} registered twice`);
  jobs.push(job);
}

export function registeredJobs(): readonly JobDefinition[] {
  return jobs;
}

export type JobQueue = { send: (name: string, data?: Record<string, unknown>) => Promise<void>; stop: () => Promise<void> };

/**
 * Starts the queue on this instance. Scheduled jobs run once per schedule across all instances
 * (pg-boss keeps one schedule row per job and one instance wins each minute's slot). Each run is
 * logged (JSON, through the app's logger when given) with the id of the request that queued it.
 */
export async function startJobQueue(opts: { connectionString: string; db: Db; log: (line: string) => void; logger?: FastifyBaseLogger }): Promise<JobQueue> {
  const boss = new PgBoss({ connectionString: opts.connectionString, schema: "pgboss", max: 4 });
  boss.on("error", (e: Error) => opts.log(`job queue: ${e.message}`));
  await boss.start();
  for (const job of jobs) {
    await boss.createQueue(job.name);
    await boss.work(job.name, async (batch: { id: string; data: unknown }[]) => {
      for (const item of batch) {
        const { [REQUEST_ID]: requestId, ...data } = (item.data ?? {}) as Record<string, unknown>;
        const rid = typeof requestId === "string" ? requestId : undefined;
        const log = opts.logger?.child({ job: job.name, jobId: item.id, ...(rid ? { reqId: rid } : {}) });
        const started = performance.now();
        try {
          await withRequestId(rid, () => job.run({ db: opts.db, data }));
          jobRuns.inc({ job: job.name, outcome: "ok" });
          log?.debug({ ms: Math.round(performance.now() - started) }, "job done");
        } catch (e) {
          jobRuns.inc({ job: job.name, outcome: "failed" });
          if (log) log.error({ err: e, ms: Math.round(performance.now() - started) }, "job failed");
          else opts.log(`job ${job.name} failed: ${(e as Error).message}`);
          throw e; // pg-boss retries it
        }
      }
    });
    if (job.cron) await boss.schedule(job.name, job.cron, {}, { tz: "Asia/Ho_Chi_Minh" });
  }
  return {
    send: async (name, data = {}) => {
      const requestId = currentRequestId();
      await boss.send(name, requestId ? { ...data, [REQUEST_ID]: requestId } : data);
    },
    stop: () => boss.stop({ graceful: true, timeout: 10_000 }),
  };
}
