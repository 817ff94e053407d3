// The province's supervision page (issue 16) over 100 communes and 1,000,000 dossiers: server time
// and page weight, with the data made by `motcua demo generate`. Goal: ≤ 1 s server time, ≤ 60 KB.
// Run: node --import tsx bench/supervision.ts
//   BENCH_DATA_DIR  data directory kept between runs (default /tmp/motcua-bench-supervision): the
//                   first run seeds it and generates the dossiers (a few minutes), later runs reuse it
//   BENCH_PROVINCE  GSO code of the province (default 82, Đồng Tháp: 102 communes)
//   BENCH_COMMUNES, BENCH_PER_COMMUNE  (default 100 × 10,000)
//   BENCH_RUNS      requests per page (default 15)
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/config";
import { createSession, SESSION_COOKIE } from "../src/modules/accounts/sessions";
import { createUser } from "../src/modules/accounts/users";
import { findProvince, supervise } from "../src/modules/supervision/service";
import { openRuntime } from "../src/runtime";
import { buildApp } from "../src/web/app";
import "../src/web/modules";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DATA_DIR = process.env.BENCH_DATA_DIR ?? "/tmp/motcua-bench-supervision";
const PROVINCE = process.env.BENCH_PROVINCE ?? "82";
const COMMUNES = Number(process.env.BENCH_COMMUNES ?? 100);
const PER_COMMUNE = Number(process.env.BENCH_PER_COMMUNE ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
let REINDEX = false;

const cli = (...args: string[]) => {
  const t = performance.now();
  execFileSync(process.execPath, [path.join(ROOT, "bin/motcua.js"), ...args], { env: { ...process.env, DATA_DIR, LOG_LEVEL: "warn" }, stdio: ["ignore", "ignore", "inherit"] });
  return performance.now() - t;
};

if (!existsSync(path.join(DATA_DIR, ".generated"))) {
  console.log(`seeding ${DATA_DIR} …`);
  console.log(`motcua seed --demo: ${(cli("seed", "--demo") / 1000).toFixed(1)} s`);
  const ms = cli("demo", "generate", "--province", PROVINCE, "--communes", String(COMMUNES), "--dossiers", String(PER_COMMUNE), "--days", "365");
  console.log(`motcua demo generate --province ${PROVINCE} --communes ${COMMUNES} --dossiers ${PER_COMMUNE} --days 365: ${(ms / 1000).toFixed(1)} s`);
  execFileSync("touch", [path.join(DATA_DIR, ".generated")]);
  // After a bulk load the covering index is rebuilt, as after any bulk import (inserted row by row
  // it ends about 80 % larger: 196 MB instead of 109 MB here).
  REINDEX = true;
}

const rt = await openRuntime(loadConfig({ MOTCUA_DATA_KEY: process.env.MOTCUA_DATA_KEY ?? randomBytes(32).toString("base64"), DATA_DIR, NODE_ENV: "production", LOG_LEVEL: "silent" }), { poolMax: 8 });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
try {
  const { provinceId, communeIds, dossiers } = await rt.db.system(async (tx) => {
    const p = await tx.one<{ id: number }>("select id from agencies where kind = 'province' and gso_code = $1", [PROVINCE]);
    const c = await tx.query<{ id: number }>("select id from agencies where parent_id = $1 and kind = 'commune' order by id", [p.id]);
    const n = await tx.one<{ n: number }>("select count(*)::int as n from dossiers where agency_id = any($1)", [c.map((x) => x.id)]);
    return { provinceId: p.id, communeIds: c.map((x) => x.id), dossiers: n.n };
  });
  // A supervisor of the province, and one office account per commune: the communes are "on the
  // system", so the reporting calendar counts what each owes.
  const supervisor = await rt.db.system(async (tx) => {
    const found = await tx.maybeOne<{ id: number }>("select id from users where username = 'bench-supervisor'");
    if (found) return found.id;
    for (const id of communeIds)
      await createUser(tx, { agencyId: id, username: `bench-office-${id}`, fullName: "Văn phòng xã", role: "commune_admin", password: "bench-password-123", isDemo: true, mustChangePassword: false }, { userId: null, label: "bench" });
    return (await createUser(tx, { agencyId: provinceId, username: "bench-supervisor", fullName: "Chuyên viên Sở Nội vụ", role: "province_supervisor", password: "bench-password-123", isDemo: true, mustChangePassword: false }, { userId: null, label: "bench" })).id;
  });
  if (REINDEX) await rt.db.pool.query("reindex index dossiers_statistics");
  await rt.db.pool.query("vacuum analyze dossiers");
  console.log(`province ${PROVINCE}: ${communeIds.length} communes, ${dossiers.toLocaleString("en")} dossiers in them`);

  const app = await buildApp({ db: rt.db, config: rt.config, version: "bench", secret: rt.secret });
  await app.ready();
  const token = await createSession(rt.db, { userId: supervisor, agencyId: provinceId });
  const headers = { cookie: `${SESSION_COOKIE}=${token}` };
  const measure = async (label: string, url: string) => {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < RUNS + 2; i++) {
      const t = performance.now();
      const res = await app.inject({ method: "GET", url, headers });
      const ms = performance.now() - t;
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      bytes = Buffer.byteLength(res.body);
      if (i >= 2) times.push(ms);
    }
    console.log(`${label.padEnd(58)} median ${pct(times, 50).toFixed(0).padStart(5)} ms, p95 ${pct(times, 95).toFixed(0).padStart(5)} ms, ${(bytes / 1024).toFixed(1)} KB`);
  };

  // The database part alone: the same call the page makes.
  const province = (await rt.db.system((tx) => findProvince(tx, { fallbackId: provinceId })))!.province;
  const scope = { agencyIds: [provinceId, ...communeIds], userId: supervisor };
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  const times: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const t = performance.now();
    await rt.db.scoped(scope, (tx) => supervise(tx, { province, from: `${today.slice(0, 4)}-01-01`, to: today }));
    if (i >= 2) times.push(performance.now() - t);
  }
  console.log(`${"supervise() — every figure of every commune (queries only)".padEnd(58)} median ${pct(times, 50).toFixed(0).padStart(5)} ms, p95 ${pct(times, 95).toFixed(0).padStart(5)} ms`);

  // CPU of the counting query in its PostgreSQL backend (one core, no parallel worker): the cost
  // that does not depend on how busy the machine is.
  const client = await rt.db.pool.connect();
  try {
    await client.query(`select set_config('app.agency_ids', '{${[provinceId, ...communeIds].join(",")}}', false)`);
    await client.query("set max_parallel_workers_per_gather = 0");
    const pid = (await client.query<{ p: number }>("select pg_backend_pid() as p")).rows[0]!.p;
    const cpu = () => {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return (Number(f[11]) + Number(f[12])) * 10;
    };
    const cpus: number[] = [];
    let rows = 0;
    for (let i = 0; i < 5; i++) {
      const c0 = cpu();
      const r = await client.query("select * from dossier_statistics($1, $2, $3, now())", [communeIds, new Date(`${today.slice(0, 4)}-01-01T00:00:00+07:00`), new Date(Date.now() + 86_400_000)]);
      cpus.push(cpu() - c0);
      rows = r.rowCount ?? 0;
    }
    const scanned = (await client.query<{ n: number }>("select count(*)::int as n from dossiers where agency_id = any($1) and received_at < now()", [communeIds])).rows[0]!.n;
    console.log(`${"dossier_statistics(): backend CPU, one core".padEnd(58)} median ${pct(cpus, 50).toFixed(0).padStart(5)} ms (${scanned.toLocaleString("en")} dossiers → ${rows} rows)`);
  } finally {
    await client.query("reset max_parallel_workers_per_gather").catch(() => {});
    client.release();
  }

  const last365 = new Date(Date.now() - 365 * 86_400_000 + 7 * 3600_000).toISOString().slice(0, 10);
  await measure("GET /staff/supervision (year to date)", "/staff/supervision");
  await measure("GET /staff/supervision (last 365 days: every dossier)", `/staff/supervision?from=${last365}&to=${today}`);
  await measure("GET /staff/supervision (one field: Hộ tịch)", `/staff/supervision?field=${encodeURIComponent("Hộ tịch")}`);
  await measure("GET /api/v1/supervision (JSON, year to date)", "/api/v1/supervision");
  const code = (await rt.db.system((tx) => tx.one<{ code: string }>("select code from agencies where id = $1", [communeIds[0]]))).code;
  await measure("GET /staff/supervision/:commune", `/staff/supervision/${encodeURIComponent(code)}`);
  await measure("GET /staff/supervision/:commune/dossiers?list=overdue", `/staff/supervision/${encodeURIComponent(code)}/dossiers?list=overdue`);
  await app.close();
} finally {
  await rt.close();
}
