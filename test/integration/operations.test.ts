import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { createPool } from "../../src/db/pool";
import { Db } from "../../src/db/scope";
import { registerJob, startJobQueue } from "../../src/jobs/queue";
import { currentRequestId, withRequestId } from "../../src/observability";
import { buildApp } from "../../src/web/app";
import { createTestApp, type TestApp } from "../support/app";

// What an operator of several instances relies on: metrics to scrape, request ids that follow a
// request into the jobs it queues, readiness that tells the proxy the truth, and a shutdown that
// lets requests in flight finish.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ METRICS_TOKEN: "jeton-do-luong-0123456789" });
});
afterAll(async () => t?.close());

describe("/metrics", () => {
  it("counts requests by route pattern and status, and shows the pool and the queue", async () => {
    await t.app.inject({ method: "GET", url: "/procedures/1.001193" });
    await t.app.inject({ method: "GET", url: "/khong-co-trang-nay" });
    const res = await t.app.inject({ method: "GET", url: "/metrics", headers: { authorization: "Bearer jeton-do-luong-0123456789" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/motcua_http_requests_total\{method="GET",route="\/procedures\/:code",status="200"\} 1/);
    expect(res.body).toMatch(/motcua_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    expect(res.body).toMatch(/motcua_http_request_duration_seconds_bucket\{le="[0-9.]+",method="GET",route="\/procedures\/:code"\}/);
    expect(res.body).toMatch(/motcua_db_pool_connections\{pool="app",state="total"\} \d+/);
    expect(res.body).toContain("# TYPE motcua_job_queue_depth gauge");
    expect(res.body).toContain("# TYPE motcua_job_runs_total counter");
    expect(res.body).toContain("motcua_process_resident_memory_bytes");
  });

  it("answers only with the token when a token is set, and says nothing of itself otherwise", async () => {
    expect((await t.app.inject({ method: "GET", url: "/metrics", remoteAddress: "10.0.0.7" })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: "/metrics", remoteAddress: "10.0.0.7", headers: { authorization: "Bearer sai-jeton-0123456789" } })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: "/metrics", remoteAddress: "10.0.0.7", headers: { authorization: "Bearer jeton-do-luong-0123456789" } })).statusCode).toBe(200);
  });
});

describe("request ids", () => {
  it("keeps the proxy's id (or makes one) and carries it into a job the request queues", async () => {
    const given = await t.app.inject({ method: "GET", url: "/healthz", headers: { "x-request-id": "haproxy-7f3a-0001" } });
    expect(given.headers["x-request-id"]).toBe("haproxy-7f3a-0001");
    const made = await t.app.inject({ method: "GET", url: "/healthz", headers: { "x-request-id": "bad id\nwith a newline" } });
    expect(made.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);

    const seen: { data: Record<string, unknown>; requestId: string | undefined }[] = [];
    registerJob({ name: "test.request-id", run: async ({ data }) => void seen.push({ data, requestId: currentRequestId() }) });
    const queue = await startJobQueue({ connectionString: t.tdb.url, db: t.tdb.db, log: () => {} });
    // As a route does: queued while handling a request (its id in async context).
    await withRequestId("req-from-proxy-0042", () => queue.send("test.request-id", { n: 1 }));
    for (let i = 0; i < 200 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([{ data: { n: 1 }, requestId: "req-from-proxy-0042" }]);
    await queue.stop();
  });
});

describe("readiness and shutdown", () => {
  it("is not ready while the database does not answer", async () => {
    const pool = createPool({ connectionString: "postgresql://nobody@127.0.0.1:9/none", max: 1 });
    const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", DATABASE_URL: "postgresql://nobody@127.0.0.1:9/none", DATA_DIR: "/tmp/motcua-unreachable" });
    const app = await buildApp({ db: new Db(pool), config, version: "test", secret: "test-secret-0123456789abcdef" });
    try {
      const started = Date.now();
      const res = await app.inject({ method: "GET", url: "/readyz" });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: "database_unreachable" });
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    } finally {
      await app.close();
      await pool.end();
    }
  });

  it("turns unready when draining, and finishes a request in flight before closing", async () => {
    const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", DATABASE_URL: t.tdb.url, DATA_DIR: "/tmp/motcua-drain", PORT: "0" });
    const app = await buildApp({ db: t.tdb.db, config, version: "test", secret: "test-secret-0123456789abcdef" });
    app.get("/__slow", async () => {
      await new Promise((r) => setTimeout(r, 800));
      return { finished: true };
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const slow = fetch(`${base}/__slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await new Promise((r) => setTimeout(r, 100));
    app.deps.draining = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    const closed = app.close();
    expect(await slow).toEqual({ status: 200, body: { finished: true } });
    await closed;
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
