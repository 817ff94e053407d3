// What the process knows about itself for operations, shared by the web layer and the job queue:
// the request being handled (async context, so that jobs queued from it carry its id) and the
// Prometheus registry with the counters both sides feed (src/web/metrics.ts serves it).

import { AsyncLocalStorage } from "node:async_hooks";
import client from "prom-client";

type RequestContext = { requestId: string };
const context = new AsyncLocalStorage<RequestContext>();

/** The id of the request being handled, if any (for jobs queued from it, and log lines). */
export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}

/** Runs `fn` as if inside the request `requestId` (a job continuing a request's work, or the request itself). */
export function withRequestId<T>(requestId: string | undefined, fn: () => T): T {
  return requestId ? context.run({ requestId }, fn) : fn();
}

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: "motcua_" });

export const jobRuns = new client.Counter({
  name: "motcua_job_runs_total",
  help: "Background jobs run by this instance, by job and outcome (ok, failed)",
  labelNames: ["job", "outcome"] as const,
  registers: [registry],
});
