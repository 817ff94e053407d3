import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// First: the modules register their demo data in the server's order before any is imported here.
import { counterDocuments, createDemoDatabase, inParallel, type Instance, payCashOver, receiveAtCounterOver, signInOver, startInstance } from "./instances";
import { DEMO_PAID_PROCEDURE } from "../../src/modules/payments/demo";

// Two app processes on the machine's PostgreSQL, as a province runs them behind a proxy: 2 × 500
// concurrent counter receipts (each assessed its fee, then paid in cash with a receipt) give
// every dossier its own code and every payment its own receipt number, with no 5xx; a session
// opened on one instance works on the other; a scheduled job runs once per slot, not per instance.
// Run: npm run test:cluster (CLUSTER_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres).

const ADMIN_URL = process.env.CLUSTER_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const PER_INSTANCE = Number(process.env.CLUSTER_RECEIPTS ?? 500);

let database: Awaited<ReturnType<typeof createDemoDatabase>>;
let a: Instance;
let b: Instance;
let startedAt: Date;

beforeAll(async () => {
  database = await createDemoDatabase(ADMIN_URL);
  const port = 4100 + Math.floor(Math.random() * 400) * 2;
  startedAt = new Date();
  // Ports two apart: each instance's payment stand-in takes the next one.
  [a, b] = await Promise.all([
    startInstance({ name: "a", port, databaseUrl: database.url }),
    startInstance({ name: "b", port: port + 2, databaseUrl: database.url }),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await database?.drop();
});

describe("two instances on one database", () => {
  it(`receive ${2 * PER_INSTANCE} dossiers at the counter at once with unique codes and receipt numbers, and no 5xx`, async () => {
    // Signed in on A, the same session serves B.
    const session = await signInOver(a.base, "demo-desk");
    const documents = await counterDocuments(b.base, session, DEMO_PAID_PROCEDURE);
    expect(documents.length).toBeGreaterThan(0);

    const tasks = Array.from({ length: 2 * PER_INSTANCE }, (_, n) => () => receiveAtCounterOver(n % 2 ? b.base : a.base, session, { procedure: DEMO_PAID_PROCEDURE, documents, n }));
    const received = await inParallel(2 * PER_INSTANCE, tasks);
    const statuses = new Map<number, number>();
    for (const r of received) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    expect(Object.fromEntries(statuses)).toEqual({ 303: 2 * PER_INSTANCE });
    const codes = received.map((r) => r.code!);
    expect(new Set(codes).size).toBe(codes.length);

    // Each paid in cash on the other instance than the one that received it.
    const paid = await inParallel(
      2 * PER_INSTANCE,
      codes.map((code, n) => () => payCashOver(n % 2 ? a.base : b.base, session, code)),
    );
    const paidStatuses = new Map<number, number>();
    for (const r of paid) paidStatuses.set(r.status, (paidStatuses.get(r.status) ?? 0) + 1);
    expect(Object.fromEntries(paidStatuses)).toEqual({ 201: 2 * PER_INSTANCE });

    const c = new pg.Client({ connectionString: database.url });
    await c.connect();
    try {
      const d = await c.query<{ n: number; distinct: number }>("select count(*)::int as n, count(distinct code)::int as distinct from dossiers where code = any($1)", [codes]);
      expect(d.rows[0]).toEqual({ n: codes.length, distinct: codes.length });
      const r = await c.query<{ n: number; distinct: number; min: number; max: number }>(
        "select count(*)::int as n, count(distinct (symbol, number))::int as distinct, min(number) as min, max(number) as max from receipts where dossier_code = any($1)",
        [codes],
      );
      // Unique and without gaps: one series, numbers 1…N taken in the writing transactions.
      expect(r.rows[0]).toEqual({ n: codes.length, distinct: codes.length, min: r.rows[0]!.max - codes.length + 1, max: r.rows[0]!.max });
    } finally {
      await c.end();
    }
  }, 600_000);

  it("runs a scheduled job once per slot, not once per instance", async () => {
    // The minute jobs (notification delivery, refunds, OCR…): wait for two slots after both started.
    const c = new pg.Client({ connectionString: database.url });
    await c.connect();
    try {
      const slots = async () =>
        (
          await c.query<{ name: string; minute: string; n: number }>(
            `select name, date_trunc('minute', created_on)::text as minute, count(*)::int as n from pgboss.job
             where name = 'notifications.deliver' and created_on > $1 group by 1, 2 order by 2`,
            [startedAt],
          )
        ).rows;
      for (let i = 0; i < 150 && (await slots()).length < 2; i++) await new Promise((r) => setTimeout(r, 1000));
      const rows = await slots();
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const row of rows) expect(row.n, row.minute).toBe(1);
      // Both instances work the queue: the job table names no instance, so count what each ran via /metrics.
      const ran = await Promise.all(
        [a, b].map(async (i) => {
          const text = await (await fetch(`${i.base}/metrics`)).text();
          return [...text.matchAll(/motcua_job_runs_total\{job="notifications\.deliver",outcome="ok"\} (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
        }),
      );
      // Never more runs than slots (the last slot's run may still be under way).
      expect(ran[0]! + ran[1]!).toBeLessThanOrEqual(rows.length);
      expect(ran[0]! + ran[1]!).toBeGreaterThanOrEqual(rows.length - 1);
    } finally {
      await c.end();
    }
  }, 200_000);
});
