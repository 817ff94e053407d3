// Failover under load on the one-machine province deployment (deploy/province/up.sh --demo, with
// SUBMISSIONS_PER_ADDRESS/PHONE raised): N online submissions through HAProxy to both app
// instances, 16 at a time, each retried with its Idempotency-Key until acknowledged (as the
// portal's client does); at 30 % the PostgreSQL primary's machine is "lost" (kill -9 of its
// Patroni and its postmaster), at 60 % one app instance is killed -9 (its supervisor restarts it).
// Prints: acknowledged dossiers, lost ones (acknowledged but not in the database: must be 0),
// duplicate codes, the longest time without any acknowledgement after each kill, the new
// primary, and the killed node's return as a replica.
// Run (as root, after up.sh): node --import tsx bench/failover.ts [N=1000]
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { createPool } from "../src/db/pool";
import { Db } from "../src/db/scope";
import { findOfferedProcedure } from "../src/modules/catalog/service";
import { requiredDocuments } from "../src/modules/dossiers/service";

const ROOT = path.resolve(import.meta.dirname, "..");
const DIR = process.env.PROVINCE_DIR ?? "/var/tmp/motcua-province";
const env = Object.fromEntries(
  [...readFileSync(path.join(DIR, "ports.env"), "utf8").split("\n"), ...readFileSync(path.join(DIR, "secrets.env"), "utf8").split("\n")]
    .map((l) => /^([A-Z0-9_]+)="?([^"]*)"?$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1]!, m[2]!]),
);
const N = Number(process.argv[2] ?? 1000);
const CONCURRENCY = 16;
const FRONT = `http://127.0.0.1:${env.HTTP_PORT}`;
const REST = env.REST_PORTS!.split(" ").map(Number);
const DB_URL = `postgresql://postgres:${env.SUPERUSER_PASSWORD}@127.0.0.1:${env.PRIMARY_PORT}/motcua`;
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").toString("base64");
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: ROOT, encoding: "utf8" });

async function primaryNode(): Promise<number | undefined> {
  for (const [i, port] of REST.entries()) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/primary`, { signal: AbortSignal.timeout(1000) })).status === 200) return i + 1;
    } catch {}
  }
  return undefined;
}

const procedure = "1.001193";

const body = (n: number) =>
  JSON.stringify({
    procedureCode: procedure,
    agencyCode: "000.00.25.H12",
    applicant: { fullName: `Người Nộp Thử ${n}`, idNumber: `019190${String(n).padStart(6, "0")}`, phone: "0987654321", address: { line: "Thôn Tân Lập" } },
    attachments: documents.map((d, i) => ({ documentName: d, fileName: `giay-to-${i + 1}.pdf`, dataBase64: PDF })),
  });

// The documents the procedure requires online, as the form lists them.
let documents: string[] = [];
{
  const pool = createPool({ connectionString: DB_URL, max: 1 });
  documents = await new Db(pool).system(async (tx) => {
    const agencyId = (await tx.one<{ id: number }>("select id from agencies where code = '000.00.25.H12'")).id;
    return requiredDocuments((await findOfferedProcedure(tx, { agencyId, code: procedure }))!, "online").mandatory;
  });
  await pool.end();
}

type Outcome = { n: number; code: string; attempts: number; ackAt: number };
const acked: Outcome[] = [];
const failures = new Map<string, number>();
const t0 = performance.now();
const now = () => (performance.now() - t0) / 1000;
const events: { what: string; at: number }[] = [];

async function submit(n: number): Promise<Outcome> {
  const key = randomUUID();
  const payload = body(n);
  for (let attempts = 1; ; attempts++) {
    try {
      const res = await fetch(`${FRONT}/api/v1/dossiers`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: payload,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      if (res.status === 201) return { n, code: (JSON.parse(text) as { code: string }).code, attempts, ackAt: now() };
      failures.set(String(res.status), (failures.get(String(res.status)) ?? 0) + 1);
      if (res.status < 500 && res.status !== 429 && res.status !== 409) throw new Error(`refused ${res.status}: ${text.slice(0, 300)}`);
    } catch (e) {
      if ((e as Error).message.startsWith("refused")) throw e;
      failures.set("network", (failures.get("network") ?? 0) + 1);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

const before = await primaryNode();
console.log(`primary before: pg${before}; submitting ${N} dossiers (${documents.length} documents each) through ${FRONT}, ${CONCURRENCY} at a time`);
let next = 0;
let killedDb = false;
let killedApp = false;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    for (;;) {
      const n = next++;
      if (n >= N) return;
      if (!killedDb && n >= N * 0.3) {
        killedDb = true;
        events.push({ what: `kill -9 primary pg${before} (Patroni and postmaster)`, at: now() });
        sh("deploy/province/node.sh", ["kill", String(before)]);
      }
      if (!killedApp && n >= N * 0.6) {
        killedApp = true;
        events.push({ what: "kill -9 app instance 1", at: now() });
        sh("deploy/province/app.sh", ["kill", "1"]);
      }
      acked.push(await submit(n));
    }
  }),
);
const elapsed = now();
const after = await primaryNode();

// Verify against the database (through HAProxy: the new primary).
const c = new pg.Client({ connectionString: DB_URL });
await c.connect();
const codes = acked.map((a) => a.code);
const found = await c.query<{ code: string }>("select code from dossiers where code = any($1)", [codes]);
const dup = await c.query<{ n: number }>("select count(*)::int as n from (select code from dossiers group by code having count(*) > 1) x");
const perKey = await c.query<{ n: number }>("select count(*)::int as n from (select idempotency_key from dossiers where idempotency_key is not null group by agency_id, idempotency_key having count(*) > 1) x");
await c.end();
const foundSet = new Set(found.rows.map((r) => r.code));
const lost = codes.filter((x) => !foundSet.has(x));

/** The longest stretch without any acknowledgement, from `from` on. */
function gapAfter(from: number): number {
  const times = acked.map((a) => a.ackAt).filter((t) => t >= from).sort((a, b) => a - b);
  let gap = (times[0] ?? elapsed) - from;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!);
  return gap;
}

console.log(`acknowledged: ${acked.length}/${N} in ${elapsed.toFixed(1)} s; retried attempts: ${JSON.stringify(Object.fromEntries(failures))}`);
console.log(`lost (acknowledged, not in the database): ${lost.length}; duplicate codes: ${dup.rows[0]!.n}; dossiers per idempotency key > 1: ${perKey.rows[0]!.n}; distinct codes acknowledged: ${new Set(codes).size}`);
for (const e of events) console.log(`${e.what} at ${e.at.toFixed(1)} s: first acknowledgement after it ${((acked.map((a) => a.ackAt).filter((t) => t > e.at).sort((a, b) => a - b)[0] ?? elapsed) - e.at).toFixed(1)} s later; longest gap without acknowledgement from then ${gapAfter(e.at).toFixed(1)} s`);
console.log(`primary after: pg${after}`);

// The lost machine comes back: its node rejoins as a replica (pg_rewind) without a human.
const back = Date.now();
sh("deploy/province/node.sh", ["start", String(before)]);
let rejoined = "";
for (let i = 0; i < 120 && !rejoined; i++) {
  try {
    const r = await fetch(`http://127.0.0.1:${REST[before! - 1]}/replica`, { signal: AbortSignal.timeout(1000) });
    if (r.status === 200) rejoined = `pg${before} back as a replica after ${((Date.now() - back) / 1000).toFixed(1)} s`;
  } catch {}
  if (!rejoined) await new Promise((r) => setTimeout(r, 1000));
}
console.log(rejoined || `pg${before} not back as a replica within 2 minutes`);
console.log(sh("runuser", ["-u", "postgres", "--", "patronictl", "-c", path.join(DIR, "pg1/patroni.yml"), "list"]));
process.exit(lost.length === 0 && dup.rows[0]!.n === 0 && acked.length === N ? 0 : 1);
