// The QĐ 766 index (issue 15) over a province of 100 communes and 1,000,000 dossiers: rebuilding
// the daily counters (the job), the index of one commune and of the province (goal ≤ 50 ms and
// ≤ 1 s), and the staff page. Same data as bench/supervision.ts (`motcua demo generate`).
// Run: node --import tsx bench/index766.ts
//   BENCH_DATA_DIR  data directory kept between runs (default /tmp/motcua-bench-supervision, shared
//                   with bench/supervision.ts): the first run seeds it and generates the dossiers
//   BENCH_PROVINCE  GSO code of the province (default 82, Đồng Tháp: 102 communes)
//   BENCH_COMMUNES, BENCH_PER_COMMUNE  (default 100 × 10,000)
//   BENCH_RUNS      repetitions per measure (default 15)
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/config";
import { createSession, SESSION_COOKIE } from "../src/modules/accounts/sessions";
import { createUser } from "../src/modules/accounts/users";
import { computeIndex766, refreshIndex766 } from "../src/modules/indexes/qd766-service";
import { openRuntime } from "../src/runtime";
import { buildApp } from "../src/web/app";
import "../src/web/modules";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DATA_DIR = process.env.BENCH_DATA_DIR ?? "/tmp/motcua-bench-supervision";
const PROVINCE = process.env.BENCH_PROVINCE ?? "82";
const COMMUNES = Number(process.env.BENCH_COMMUNES ?? 100);
const PER_COMMUNE = Number(process.env.BENCH_PER_COMMUNE ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

const cli = (...args: string[]) => {
  const t = performance.now();
  execFileSync(process.execPath, [path.join(ROOT, "bin/motcua.js"), ...args], { env: { ...process.env, DATA_DIR, LOG_LEVEL: "warn" }, stdio: ["ignore", "ignore", "inherit"] });
  return performance.now() - t;
};

let generated = false;
if (!existsSync(path.join(DATA_DIR, ".generated"))) {
  console.log(`seeding ${DATA_DIR} …`);
  console.log(`motcua seed --demo: ${(cli("seed", "--demo") / 1000).toFixed(1)} s`);
  const ms = cli("demo", "generate", "--province", PROVINCE, "--communes", String(COMMUNES), "--dossiers", String(PER_COMMUNE), "--days", "365");
  console.log(`motcua demo generate --province ${PROVINCE} --communes ${COMMUNES} --dossiers ${PER_COMMUNE} --days 365: ${(ms / 1000).toFixed(1)} s`);
  execFileSync("touch", [path.join(DATA_DIR, ".generated")]);
  generated = true;
}

const rt = await openRuntime(loadConfig({ DATA_DIR, NODE_ENV: "development", LOG_LEVEL: "silent" }), { poolMax: 8 });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const line = (label: string, xs: number[], extra = "") => console.log(`${label.padEnd(64)} median ${pct(xs, 50).toFixed(1).padStart(7)} ms, p95 ${pct(xs, 95).toFixed(1).padStart(7)} ms${extra}`);
try {
  const { provinceId, provinceCode, communeIds, dossiers } = await rt.db.system(async (tx) => {
    const p = await tx.one<{ id: number; code: string }>("select id, code from agencies where kind = 'province' and gso_code = $1", [PROVINCE]);
    const c = await tx.query<{ id: number }>("select id from agencies where parent_id = $1 and kind = 'commune' order by id", [p.id]);
    const n = await tx.one<{ n: number }>("select count(*)::int as n from dossiers where agency_id = any($1)", [c.map((x) => x.id)]);
    return { provinceId: p.id, provinceCode: p.code, communeIds: c.map((x) => x.id), dossiers: n.n };
  });
  const supervisor = await rt.db.system(async (tx) => {
    const found = await tx.maybeOne<{ id: number }>("select id from users where username = 'bench-supervisor'");
    if (found) return found.id;
    return (await createUser(tx, { agencyId: provinceId, username: "bench-supervisor", fullName: "Chuyên viên Sở Nội vụ", role: "province_supervisor", password: "bench-password-123", isDemo: true, mustChangePassword: false }, { userId: null, label: "bench" })).id;
  });
  if (generated) await rt.db.pool.query("reindex index dossiers_statistics");
  await rt.db.pool.query("vacuum analyze dossiers");
  console.log(`province ${PROVINCE}: ${communeIds.length} communes, ${dossiers.toLocaleString("en")} dossiers in them`);

  // The job's work: every commune's counters rebuilt from its dossiers (what the migration's first
  // run, or `refreshIndex766(db, { all: true })`, does); then one commune alone, as after a change.
  const before = await rt.db.system((tx) => tx.one<{ n: number }>("select count(*)::int as n from index766_dirty"));
  let t0 = performance.now();
  const rebuilt = await refreshIndex766(rt.db, { agencyIds: communeIds });
  const full = performance.now() - t0;
  console.log(`${"rebuild of every commune's counters (the job, all dirty)".padEnd(64)} ${(full / 1000).toFixed(1)} s for ${rebuilt} communes (${(full / rebuilt).toFixed(0)} ms each; ${before.n} marked dirty before)`);
  const sizes = await rt.db.system((tx) =>
    tx.one<{ daily: number; procs: number; bytes: string }>(
      "select (select count(*)::int from index766_daily) as daily, (select count(*)::int from index766_procedure_daily) as procs, pg_size_pretty(pg_total_relation_size('index766_daily') + pg_total_relation_size('index766_procedure_daily')) as bytes",
    ),
  );
  console.log(`counters: ${sizes.daily.toLocaleString("en")} agency-day rows, ${sizes.procs.toLocaleString("en")} agency-day-procedure rows, ${sizes.bytes}`);
  const one: number[] = [];
  for (let i = 0; i < 7; i++) {
    t0 = performance.now();
    await refreshIndex766(rt.db, { agencyIds: [communeIds[i % communeIds.length]!] });
    one.push(performance.now() - t0);
  }
  line("rebuild of one commune (10,000 dossiers)", one);

  const scope = { agencyIds: [provinceId, ...communeIds], userId: supervisor };
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  const last365 = new Date(Date.now() - 364 * 86_400_000 + 7 * 3600_000).toISOString().slice(0, 10);
  const periods = [
    ["year to date", `${today.slice(0, 4)}-01-01`, today],
    ["last 365 days (every dossier)", last365, today],
    ["last quarter", "2026-07-01", "2026-09-30"],
  ] as const;
  for (const [label, from, to] of periods) {
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < RUNS + 2; i++) {
      const t = performance.now();
      const r = await rt.db.scoped(scope, (tx) => computeIndex766(tx, { agency: provinceId, from, to }));
      if (i >= 2) times.push(performance.now() - t);
      total = r.total;
    }
    line(`computeIndex766(province, ${label})`, times, ` (total ${total}/${100})`);
  }
  for (const [label, from, to] of periods) {
    const times: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const id = communeIds[i % communeIds.length]!;
      const t = performance.now();
      await rt.db.scoped({ agencyIds: [id], userId: null }, (tx) => computeIndex766(tx, { agency: id, from, to }));
      if (i >= 2) times.push(performance.now() - t);
    }
    line(`computeIndex766(one commune, ${label})`, times);
  }

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
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      bytes = Buffer.byteLength(res.body);
      if (i >= 2) times.push(ms);
    }
    line(label, times, `, ${(bytes / 1024).toFixed(1)} KB`);
  };
  const commune = (await rt.db.system((tx) => tx.one<{ code: string }>("select code from agencies where id = $1", [communeIds[0]]))).code;
  await measure("GET /staff/indexes/766 (province, year to date)", `/staff/indexes/766?agency=${provinceCode}`);
  await measure("GET /api/v1/indexes/766 (province, year to date)", `/api/v1/indexes/766?agency=${provinceCode}&from=${today.slice(0, 4)}-01-01&to=${today}`);
  await measure("GET /staff/indexes/766 (one commune, year to date)", `/staff/indexes/766?agency=${encodeURIComponent(commune)}`);
  await measure("GET …/records?code=2.1&side=den (one commune, 50 rows)", `/staff/indexes/766/records?agency=${encodeURIComponent(commune)}&from=${today.slice(0, 4)}-01-01&to=${today}&code=2.1&side=den`);
  await app.close();
} finally {
  await rt.close();
}
