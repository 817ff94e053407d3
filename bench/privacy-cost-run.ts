// One measurement run for bench/privacy-cost.ts, written against what every version of the app
// has (buildApp, the demo generator, sessions), so the same file measures the tree before the
// personal-data work and the tree after it. Prints one line: RESULT {json}.
// Run alone: node --import tsx bench/privacy-cost-run.ts
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { loadConfig } from "../src/config";
import { createSession, SESSION_COOKIE } from "../src/modules/accounts/sessions";
import { findOfferedProcedure } from "../src/modules/catalog/service";
import { generateDossiers } from "../src/modules/dossiers/demo";
import { requiredDocuments } from "../src/modules/dossiers/service";
import { buildApp } from "../src/web/app";
import { prepareDb } from "./catalog-import";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const QUEUE_SIZE = Number(process.env.BENCH_QUEUE_DOSSIERS ?? 20_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const b = await prepareDb();
const dataDir = mkdtempSync(path.join(os.tmpdir(), "motcua-bench-files-"));
try {
  const config = loadConfig({
    NODE_ENV: "production",
    LOG_LEVEL: "silent",
    DATA_DIR: dataDir,
    DATABASE_URL: b.url,
    PORT: "0",
    HOST: "127.0.0.1",
    MOTCUA_DATA_KEY: process.env.MOTCUA_DATA_KEY,
  });
  const app = await buildApp({ db: b.db, config, version: "bench", secret: "bench-secret-0123456789abcdef" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

  // The online procedure with the fewest required documents, one small PDF each (as bench/dossiers-http.ts).
  const codes = await b.db.system((tx) =>
    tx.query<{ code: string }>("select p.code from procedures p join agency_offering($1) ap on ap.procedure_id = p.id where ap.enabled and ap.online_level <> 'none' order by p.code", [b.communeId]),
  );
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
    attachments: proc.docs.map((d) => ({ documentName: d, fileName: "giay-to.pdf", contentType: "application/pdf", dataBase64: pdf })),
  });
  const headers = { "content-type": "application/json" };
  await fetch(`${base}/api/v1/dossiers`, { method: "POST", headers: { ...headers, "idempotency-key": randomUUID() }, body });
  await b.db.pool.query("checkpoint");
  const intake = await autocannon({
    url: base,
    connections: 50,
    duration: SECONDS,
    requests: [{ method: "POST", path: "/api/v1/dossiers", headers, body, setupRequest: (req) => ({ ...req, headers: { ...headers, "idempotency-key": randomUUID() } }) }],
  });

  // The queue with QUEUE_SIZE generated dossiers, as the desk opens it; then a dossier's own page.
  await b.db.system((tx) => generateDossiers(tx, { agencyIds: [b.communeId], perAgency: QUEUE_SIZE, days: 365 }));
  await b.db.pool.query("analyze dossiers");
  await b.db.pool.query("checkpoint");
  const u = await b.db.system((tx) => tx.one<{ id: number; agency_id: number }>("select id, agency_id from users where username = 'demo-desk'"));
  const token = await createSession(b.db, { userId: u.id, agencyId: u.agency_id });
  const time = async (url: string, n: number) => {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const res = await app.inject({ method: "GET", url, cookies: { [SESSION_COOKIE]: token } });
      xs.push(performance.now() - t);
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
    }
    return median(xs.slice(3));
  };
  const queues: Record<string, number> = {};
  for (const q of ["to_accept", "to_process", "all"]) queues[q] = await time(`/staff/dossiers?queue=${q}`, 33);
  const code = (await b.db.system((tx) => tx.one<{ code: string }>("select code from dossiers where agency_id = $1 and status = 'submitted' order by id desc limit 1", [b.communeId]))).code;
  const dossierPage = await time(`/staff/dossiers/${encodeURIComponent(code)}`, 43);
  await app.close();
  console.log(
    `RESULT ${JSON.stringify({
      intake: { rps: intake.requests.average, p50: intake.latency.p50, p99: intake.latency.p99, errors: intake.errors + intake.non2xx },
      queuePageMs: queues,
      dossierPageMs: dossierPage,
    })}`,
  );
} finally {
  await b.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
