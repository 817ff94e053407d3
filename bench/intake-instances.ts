// Online intake through one app instance and through two, side by side in one run, on one
// PostgreSQL (issue 20, "Figures"): two `motcua serve` processes on a fresh demo database of the
// machine's PostgreSQL, the same online submission as bench/dossiers-http.ts (POST
// /api/v1/dossiers, JSON with one 20 KB PDF per required document, a new Idempotency-Key each),
// 50 connections in all: first all on instance 1 (instance 2 idle), then 25 on each, and again,
// alternating, so that a drift of the machine's load hits both alike. For each phase the CPU
// seconds used by each instance, by PostgreSQL (the backends of the bench database and the
// server's own processes) and by the load generator tell
// where the cores went.
// Run: node --import tsx bench/intake-instances.ts
//   BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres), BENCH_SECONDS (10),
//   BENCH_ROUNDS (2).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import autocannon from "autocannon";
import type pg from "pg";
// First: the modules register their demo data in the server's order (as in the cluster test).
import { createDemoDatabase, type Instance, startInstance } from "../test/cluster/instances";
import { createPool } from "../src/db/pool";
import { Db } from "../src/db/scope";
import { findOfferedProcedure } from "../src/modules/catalog/service";
import { requiredDocuments } from "../src/modules/dossiers/service";

const ADMIN_URL = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = 50;
const COMMUNE = "000.00.25.H12";

/** User + system CPU seconds of a process so far (0 once it is gone). */
function cpuOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * The PostgreSQL processes that work for this run: the backends of the bench database and the
 * server's own (WAL writer, checkpointer…), not those of other databases on the same server.
 */
async function postgresPids(pool: pg.Pool): Promise<number[]> {
  const r = await pool.query<{ pid: number }>("select pid from pg_stat_activity where datname = current_database() or datname is null");
  return r.rows.map((x) => x.pid);
}

const database = await createDemoDatabase(ADMIN_URL, "bench_intake");
const instances: Instance[] = [];
try {
  // The submission: the online procedure of xã Minh Tiến with the fewest required documents.
  const pool = createPool({ connectionString: database.url, max: 2 });
  const db = new Db(pool);
  const commune = await db.system((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [COMMUNE]));
  const codes = await db.system((tx) =>
    tx.query<{ code: string }>("select p.code from procedures p join agency_offering($1) ap on ap.procedure_id = p.id where ap.enabled and ap.online_level <> 'none' order by p.code", [commune.id]),
  );
  let proc: { code: string; docs: string[] } | undefined;
  for (const c of codes) {
    const p = await db.system((tx) => findOfferedProcedure(tx, { agencyId: commune.id, code: c.code }));
    const docs = p ? requiredDocuments(p).mandatory : [];
    if (p && docs.length > 0 && (!proc || docs.length < proc.docs.length)) proc = { code: p.code, docs };
  }
  if (!proc) throw new Error("no online procedure with required documents");
  const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(20_000, 0x20), Buffer.from("\n%%EOF\n")]).toString("base64");
  const body = JSON.stringify({
    procedureCode: proc.code,
    agencyCode: COMMUNE,
    applicant: { fullName: "Nguyễn Văn Bình", idNumber: "019085001234", phone: "0912345678", email: "binh@example.vn", address: { line: "Thôn Đồng Tiến" } },
    fields: { note: "Nộp qua bench" },
    attachments: proc.docs.map((d) => ({ documentName: d, fileName: "giay-to.pdf", contentType: "application/pdf", dataBase64: pdf })),
  });

  // Ports apart: each instance's payment stand-in takes the next one.
  const port = 4600 + Math.floor(Math.random() * 200) * 4;
  instances.push(...(await Promise.all([0, 1].map((i) => startInstance({ name: `intake${i + 1}`, port: port + 2 * i, databaseUrl: database.url, readyTimeoutMs: 180_000 })))));
  const headers = { "content-type": "application/json" };
  for (const inst of instances) {
    const res = await fetch(`${inst.base}/api/v1/dossiers`, { method: "POST", headers: { ...headers, "idempotency-key": randomUUID() }, body });
    if (res.status !== 201) throw new Error(`${inst.name}: ${res.status} ${await res.text()}`);
  }
  console.log(
    `${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; procedure ${proc.code}, ${proc.docs.length} attachment(s) of 20 KB, body ${(Buffer.byteLength(body) / 1024).toFixed(0)} KB; ${CONNECTIONS} connections, ${SECONDS} s per phase`,
  );

  const phase = async (through: Instance[]) => {
    await pool.query("checkpoint");
    const pgStart = new Map((await postgresPids(pool)).map((p) => [p, cpuOf(p)]));
    const cpu0 = { apps: instances.map((i) => cpuOf(i.child.pid!)), gen: process.cpuUsage() };
    const results = await Promise.all(
      through.map((inst) =>
        autocannon({
          url: inst.base,
          connections: CONNECTIONS / through.length,
          duration: SECONDS,
          requests: [{ method: "POST", path: "/api/v1/dossiers", headers, body, setupRequest: (req) => ({ ...req, headers: { ...headers, "idempotency-key": randomUUID() } }) }],
        }),
      ),
    );
    const gen = process.cpuUsage(cpu0.gen);
    const apps = instances.map((i, n) => cpuOf(i.child.pid!) - cpu0.apps[n]!);
    const pgEnd = await postgresPids(pool);
    const pg = pgEnd.reduce((sum, p) => sum + cpuOf(p) - (pgStart.get(p) ?? 0), 0);
    const ok = results.reduce((s, r) => s + r["2xx"], 0);
    const bad = results.reduce((s, r) => s + r.errors + r.non2xx, 0);
    const rate = results.reduce((s, r) => s + r.requests.average, 0);
    const share = (s: number) => `${((s / SECONDS) * 100).toFixed(0)} %`;
    const p50 = Math.max(...results.map((r) => r.latency.p50));
    const p99 = Math.max(...results.map((r) => r.latency.p99));
    console.log(
      `through ${through.length} instance(s): ${rate.toFixed(0)} submissions/s (2xx ${ok}, errors/non-2xx ${bad}), latency p50 ${p50} ms, p99 ${p99} ms; ` +
        `CPU: ${apps.map((a, n) => `instance ${n + 1} ${share(a)}`).join(", ")}, PostgreSQL ${share(pg)}, load generator ${share((gen.user + gen.system) / 1e6)} (of ${os.cpus().length * 100} %)`,
    );
    return rate;
  };

  const one: number[] = [];
  const two: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    one.push(await phase([instances[0]!]));
    two.push(await phase(instances));
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  console.log(`mean: 1 instance ${mean(one).toFixed(0)}/s, 2 instances ${mean(two).toFixed(0)}/s: ×${(mean(two) / mean(one)).toFixed(2)}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  await pool.end();
} finally {
  await Promise.all(instances.map((i) => i.stop()));
  await database.drop();
}
