// Operations: a request id on every request (the proxy's X-Request-Id when it sends a sane one,
// else a new UUID), kept in async context so that jobs queued while handling the request carry it
// (src/jobs/queue.ts), and /metrics in Prometheus' text format — request rate and latency by
// route, database pool use, job queue depth, job runs and failures, the process's own figures.

import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import client from "prom-client";
import type { Db } from "../db/scope";
import { registry, withRequestId } from "../observability";

const SANE_ID = /^[A-Za-z0-9._:-]{8,100}$/;

/** Fastify's genReqId: the proxy's id when it is one we can log safely, else a UUID. */
export function requestIdOf(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && SANE_ID.test(given) ? given : randomUUID();
}

const requests = new client.Counter({
  name: "motcua_http_requests_total",
  help: "HTTP requests answered, by method, route pattern and status code",
  labelNames: ["method", "route", "status"] as const,
  registers: [registry],
});
const latency = new client.Histogram({
  name: "motcua_http_request_duration_seconds",
  help: "Time from receiving a request to sending its answer, by method and route pattern",
  labelNames: ["method", "route"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});
const pools = new Map<string, Db>();
new client.Gauge({
  name: "motcua_db_pool_connections",
  help: "Database pool connections of this instance by state (total, idle, waiting = requests queued for a connection)",
  labelNames: ["pool", "state"] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const [name, db] of pools) {
      this.set({ pool: name, state: "total" }, db.pool.totalCount);
      this.set({ pool: name, state: "idle" }, db.pool.idleCount);
      this.set({ pool: name, state: "waiting" }, db.pool.waitingCount);
    }
  },
});
new client.Gauge({
  name: "motcua_job_queue_depth",
  help: "Jobs in the shared queue by job name and state (created/retry = waiting, active = running on some instance)",
  labelNames: ["job", "state"] as const,
  registers: [registry],
  async collect() {
    this.reset();
    const db = pools.get("app");
    if (!db) return;
    const r = await db.pool
      .query<{ name: string; state: string; n: number }>(
        "select name, state::text, count(*)::int as n from pgboss.job where state in ('created', 'retry', 'active') group by 1, 2",
      )
      .catch(() => undefined); // no queue schema (tests, MOTCUA_JOBS=off) or the database is away
    for (const row of r?.rows ?? []) this.set({ job: row.name, state: row.state }, row.n);
  },
});

function routeOf(req: FastifyRequest): string {
  return req.routeOptions?.url ?? "unmatched";
}

/**
 * Registers the request id context, the request metrics and GET /metrics. The endpoint answers
 * a loopback caller, or one presenting METRICS_TOKEN as a bearer token; anyone else gets 404.
 */
export function registerMetrics(app: FastifyInstance, o: { token?: string }): void {
  pools.set("app", app.deps.db);
  app.addHook("onRequest", (req, reply, done) => {
    reply.header("x-request-id", req.id);
    withRequestId(req.id, done);
  });
  app.addHook("onResponse", async (req, reply) => {
    const route = routeOf(req);
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    latency.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });
  app.get("/metrics", async (req, reply) => {
    const loopback = req.socket.remoteAddress === "127.0.0.1" || req.socket.remoteAddress === "::1" || req.socket.remoteAddress === "::ffff:127.0.0.1";
    const bearer = req.headers.authorization?.startsWith("Bearer ") ? req.headers.authorization.slice(7) : undefined;
    if (!(o.token ? bearer === o.token : loopback)) return reply.callNotFound();
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
