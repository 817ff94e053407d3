import PgBoss from "pg-boss";
import type { Db } from "../db/scope";

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

export async function startJobQueue(opts: { connectionString: string; db: Db; log: (line: string) => void }): Promise<JobQueue> {
  const boss = new PgBoss({ connectionString: opts.connectionString, schema: "pgboss", max: 4 });
  boss.on("error", (e: Error) => opts.log(`job queue: ${e.message}`));
  await boss.start();
  for (const job of jobs) {
    await boss.createQueue(job.name);
    await boss.work(job.name, async (batch: { data: unknown }[]) => {
      for (const item of batch) await job.run({ db: opts.db, data: (item.data ?? {}) as Record<string, unknown> });
    });
    if (job.cron) await boss.schedule(job.name, job.cron, {}, { tz: "Asia/Ho_Chi_Minh" });
  }
  return {
    send: async (name, data = {}) => {
      await boss.send(name, data);
    },
    stop: () => boss.stop({ graceful: true, timeout: 10_000 }),
  };
}
