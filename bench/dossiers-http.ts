// Dossiers: online submissions per second over HTTP at 50 connections on the embedded database
// (p99 latency), against a floor route (same JSON body, one insert into one table, 201) that exists
// only in this script's app instance; memory under load; and the time to open an officer's queue
// with 100,000 dossiers in the agency (made by the demo generator).
// Run: node --import tsx bench/dossiers-http.ts
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { loadConfig } from "../src/config";
import { createSession, SESSION_COOKIE } from "../src/modules/accounts/sessions";
import { findOfferedProcedure } from "../src/modules/catalog/service";
import { generateDossiers } from "../src/modules/dossiers/demo";
import { intakeStatistics } from "../src/modules/dossiers/online-intake";
import { requiredDocuments } from "../src/modules/dossiers/service";
import { refreshIndex766 } from "../src/modules/indexes/qd766-service";
import { buildApp } from "../src/web/app";
import { prepareDb } from "./catalog-import";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const b = await prepareDb();
const dataDir = mkdtempSync(path.join(os.tmpdir(), "motcua-bench-files-"));
try {
  // Production refuses to start without a data key: a throwaway one for this temporary database.
  const config = loadConfig({ MOTCUA_DATA_KEY: process.env.MOTCUA_DATA_KEY ?? randomBytes(32).toString("base64"), NODE_ENV: "production", LOG_LEVEL: "silent", DATA_DIR: dataDir, DATABASE_URL: b.url, PORT: "0", HOST: "127.0.0.1", SUBMISSIONS_PER_ADDRESS: "1000000", SUBMISSIONS_PER_PHONE: "1000000" });
  const app = await buildApp({ db: b.db, config, version: "bench", secret: "bench-secret-0123456789abcdef" });
  // The floor: the same request, JSON inserted into one table, 201. Only in this bench's app, under
  // /api/ like the real route so that both pass the same request hooks.
  await b.db.system((tx) => tx.exec("create table if not exists bench_floor (id bigint generated always as identity primary key, body jsonb not null)"));
  app.post("/api/v1/bench-floor", { bodyLimit: 60 * 1024 * 1024 }, async (req, reply) => {
    const r = await b.db.pool.query<{ id: string }>("insert into bench_floor (body) values ($1) returning id", [JSON.stringify(req.body)]);
    return reply.code(201).send({ id: r.rows[0]!.id });
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

  // A procedure of xã Minh Tiến offered online with its required documents, one small PDF each.
  const codes = await b.db.system((tx) =>
    tx.query<{ code: string }>("select p.code from procedures p join agency_offering($1) ap on ap.procedure_id = p.id where ap.enabled and ap.online_level <> 'none' order by p.code", [b.communeId]),
  );
  // The online procedure with the fewest required documents (at least one), like a birth registration.
  let proc: { code: string; docs: string[] } | undefined;
  for (const c of codes) {
    const p = await b.db.system((tx) => findOfferedProcedure(tx, { agencyId: b.communeId, code: c.code }));
    const docs = p ? requiredDocuments(p).mandatory : [];
    if (p && docs.length > 0 && (!proc || docs.length < proc.docs.length)) proc = { code: p.code, docs };
  }
  if (!proc) throw new Error("no online procedure with required documents");
  const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(20_000, 0x20), Buffer.from("\n%%EOF\n")]).toString("base64");
  const body = JSON.stringify({
    procedureCode: proc.code,
    agencyCode: "000.00.25.H12",
    applicant: { fullName: "Nguyễn Văn Bình", idNumber: "019085001234", phone: "0912345678", email: "binh@example.vn", address: { line: "Thôn Đồng Tiến" } },
    fields: { note: "Nộp qua bench" },
    attachments: proc.docs.map((d) => ({ documentName: d, fileName: "giay-to.pdf", contentType: "application/pdf", dataBase64: pdf })),
  });
  console.log(`procedure ${proc.code}, ${proc.docs.length} attachment(s) of 20 KB, request body ${(Buffer.byteLength(body) / 1024).toFixed(0)} KB`);

  const headers = { "content-type": "application/json" };
  const run = async (label: string, url: string) => {
    // Each run starts from a settled server: the floor writes ~0.5 GB of WAL, whose checkpoint would
    // otherwise land in the next run.
    await b.db.pool.query("checkpoint");
    let peakRss = 0;
    let peakHeap = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 200);
    const r = await autocannon({
      url: base,
      connections: 50,
      duration: DURATION,
      requests: [{ method: "POST", path: url, headers, body, setupRequest: (req) => ({ ...req, headers: { ...headers, "idempotency-key": randomUUID() } }) }],
    });
    clearInterval(sampler);
    console.log(
      `${label}: ${r.requests.average.toFixed(0)} req/s, latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, 2xx ${r["2xx"]}, errors/non-2xx ${r.errors + r.non2xx}; ` +
        `peak RSS ${(peakRss / 1048576).toFixed(0)} MB, peak heap ${(peakHeap / 1048576).toFixed(0)} MB (server and load generator in one process)`,
    );
  };
  // BENCH_PARTS=submit (or floor, queue) runs only those parts; default all.
  const parts = new Set((process.env.BENCH_PARTS ?? "floor,submit,queue").split(","));
  for (const url of ["/api/v1/bench-floor", "/api/v1/dossiers"]) {
    const res = await fetch(`${base}${url}`, { method: "POST", headers: { ...headers, "idempotency-key": randomUUID() }, body });
    console.log(`check ${url}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  }
  if (parts.has("floor")) await run("floor (insert JSON, 201)", "/api/v1/bench-floor");
  // BENCH_PARTS=…,index766: the cost of keeping the QĐ 766 counters current (issue 15) — intake with
  // the index's triggers disabled and its index dropped, then as shipped with the rebuild job
  // running every 5 s beside it (in production it runs every minute), then without again.
  if (parts.has("index766")) {
    const triggers = await b.db.system((tx) => tx.query<{ tgname: string; tbl: string }>("select tgname, tgrelid::regclass::text as tbl from pg_trigger where tgname like 'index766_%'"));
    for (const tr of triggers) await b.db.pool.query(`alter table ${tr.tbl} disable trigger ${tr.tgname}`);
    await b.db.pool.query("drop index if exists dossiers_open766");
    await run("POST /api/v1/dossiers WITHOUT the QĐ 766 triggers and index", "/api/v1/dossiers");
    for (const tr of triggers) await b.db.pool.query(`alter table ${tr.tbl} enable trigger ${tr.tgname}`);
    await b.db.pool.query("create index dossiers_open766 on dossiers (agency_id, (coalesce(finished_at, closed_at))) include (received_at, due_at, finished_at, supplement_count, status)");
    let stop = false;
    let rebuilds = 0;
    let rebuildMs = 0;
    const loop = (async () => {
      while (!stop) {
        await new Promise((r) => setTimeout(r, 5000));
        const t0 = performance.now();
        rebuilds += await refreshIndex766(b.db);
        rebuildMs += performance.now() - t0;
      }
    })();
    await run("POST /api/v1/dossiers WITH the QĐ 766 triggers, index and job", "/api/v1/dossiers");
    stop = true;
    await loop;
    console.log(`QĐ 766 rebuilds during the run: ${rebuilds} agency rebuilds, ${rebuildMs.toFixed(0)} ms in all`);
    // Without again (A-B-A), so that a drift of the machine's load shows.
    for (const tr of triggers) await b.db.pool.query(`alter table ${tr.tbl} disable trigger ${tr.tgname}`);
    await b.db.pool.query("drop index if exists dossiers_open766");
    await run("POST /api/v1/dossiers WITHOUT the QĐ 766 triggers and index (again)", "/api/v1/dossiers");
    for (const tr of triggers) await b.db.pool.query(`alter table ${tr.tbl} enable trigger ${tr.tgname}`);
    await b.db.pool.query("create index dossiers_open766 on dossiers (agency_id, (coalesce(finished_at, closed_at))) include (received_at, due_at, finished_at, supplement_count, status)");
  }
  if (parts.has("submit")) {
    const before = intakeStatistics(b.db);
    await run("POST /api/v1/dossiers (online submission)", "/api/v1/dossiers");
    const after = intakeStatistics(b.db);
    const batches = after.batches - before.batches;
    console.log(`intake batches: ${batches}, mean ${((after.submissions - before.submissions) / Math.max(1, batches)).toFixed(1)} submissions per batch, largest ${after.largest}`);
  }
  const made = await b.db.system((tx) => tx.one<{ n: number }>("select count(*) as n from dossiers where channel = 'online' and fields ? 'note'"));
  console.log(`dossiers created by the run: ${made.n}`);

  // Queue with 100,000 dossiers in the agency.
  if (!parts.has("queue")) {
    await app.close();
    process.exit(0);
  }
  let t = performance.now();
  const n = await b.db.system((tx) => generateDossiers(tx, { agencyIds: [b.communeId], perAgency: 100_000, days: 730 }));
  await b.db.pool.query("analyze dossiers");
  console.log(`generated ${n} dossiers in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const total = await b.db.system((tx) => tx.one<{ n: number }>("select count(*) as n from dossiers where agency_id = $1", [b.communeId]));
  for (const username of ["demo-desk", "demo-specialist", "demo-leader"]) {
    const u = await b.db.system((tx) => tx.one<{ id: number; agency_id: number }>("select id, agency_id from users where username = $1", [username]));
    const token = await createSession(b.db, { userId: u.id, agencyId: u.agency_id });
    for (const queue of ["to_accept", "to_process", "to_approve", "to_return", "due_soon", "overdue", "all"]) {
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        t = performance.now();
        const res = await app.inject({ method: "GET", url: `/api/v1/dossiers?queue=${queue}`, cookies: { [SESSION_COOKIE]: token } });
        times.push(performance.now() - t);
        if (res.statusCode !== 200) throw new Error(`${queue}: ${res.statusCode}`);
      }
      const pageT: number[] = [];
      for (let i = 0; i < 10; i++) {
        t = performance.now();
        await app.inject({ method: "GET", url: `/staff/dossiers?queue=${queue}`, cookies: { [SESSION_COOKIE]: token } });
        pageT.push(performance.now() - t);
      }
      times.sort((a, c) => a - c);
      pageT.sort((a, c) => a - c);
      console.log(
        `${username} queue ${queue} (${total.n} dossiers in the agency): API median ${times[15]!.toFixed(1)} ms, p95 ${times[28]!.toFixed(1)} ms; HTML page with queue counts median ${pageT[5]!.toFixed(1)} ms`,
      );
    }
  }
  await app.close();
} finally {
  await b.close();
  rmSync(dataDir, { recursive: true, force: true });
}
