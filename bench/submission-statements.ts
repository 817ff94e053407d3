// Every SQL statement of one online submission (a lone submission: a batch of one), with its time,
// to see where round trips go. Run: node --import tsx bench/submission-statements.ts
import { randomBytes } from "node:crypto";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { loadConfig } from "../src/config";
import { findOfferedProcedure } from "../src/modules/catalog/service";
import { requiredDocuments } from "../src/modules/dossiers/service";
import { buildApp } from "../src/web/app";
import { prepareDb } from "./catalog-import";

const b = await prepareDb();
const dataDir = mkdtempSync(path.join(os.tmpdir(), "motcua-trace-"));
const config = loadConfig({ MOTCUA_DATA_KEY: process.env.MOTCUA_DATA_KEY ?? randomBytes(32).toString("base64"), NODE_ENV: "production", LOG_LEVEL: "silent", DATA_DIR: dataDir, DATABASE_URL: b.url, PORT: "0", HOST: "127.0.0.1", SUBMISSIONS_PER_ADDRESS: "1000000", SUBMISSIONS_PER_PHONE: "1000000" });
const app = await buildApp({ db: b.db, config, version: "bench", secret: "bench-secret-0123456789abcdef" });
const codes = await b.db.system((tx) => tx.query<{ code: string }>("select p.code from procedures p join agency_offering($1) ap on ap.procedure_id = p.id where ap.enabled and ap.online_level <> 'none' order by p.code", [b.communeId]));
let proc: { code: string; docs: string[] } | undefined;
for (const c of codes) {
  const p = await b.db.system((tx) => findOfferedProcedure(tx, { agencyId: b.communeId, code: c.code }));
  const docs = p ? requiredDocuments(p).mandatory : [];
  if (p && docs.length > 0 && (!proc || docs.length < proc.docs.length)) proc = { code: p.code, docs };
}
const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(20_000, 0x20), Buffer.from("\n%%EOF\n")]).toString("base64");
const body = JSON.stringify({
  procedureCode: proc!.code, agencyCode: "000.00.25.H12",
  applicant: { fullName: "Nguyễn Văn Bình", idNumber: "019085001234", phone: "0912345678", email: "binh@example.vn", address: { line: "Thôn Đồng Tiến" } },
  fields: { note: "x" },
  attachments: proc!.docs.map((d) => ({ documentName: d, fileName: "giay-to.pdf", contentType: "application/pdf", dataBase64: pdf })),
});
const log: { text: string; ms: number }[] = [];
const orig = pg.Client.prototype.query;
let tracing = false;
// biome-ignore lint/suspicious/noExplicitAny: trace
(pg.Client.prototype as any).query = function (this: pg.Client, ...args: any[]) {
  const t = performance.now();
  // biome-ignore lint/suspicious/noExplicitAny: trace
  const r: any = (orig as any).apply(this, args);
  if (tracing && r && typeof r.then === "function") {
    const text = typeof args[0] === "string" ? args[0] : args[0]?.text;
    r.then(() => log.push({ text: String(text).replace(/\s+/g, " ").slice(0, 140), ms: performance.now() - t }), () => {});
  }
  return r;
};
for (let i = 0; i < 5; i++) await app.inject({ method: "POST", url: "/api/v1/dossiers", headers: { "content-type": "application/json", "idempotency-key": randomUUID() }, payload: body });
tracing = true;
const t0 = performance.now();
const res = await app.inject({ method: "POST", url: "/api/v1/dossiers", headers: { "content-type": "application/json", "idempotency-key": randomUUID() }, payload: body });
const total = performance.now() - t0;
await new Promise((r) => setTimeout(r, 300));
tracing = false;
console.log(res.statusCode, `total ${total.toFixed(1)} ms, ${log.length} statements, sum ${log.reduce((s, l) => s + l.ms, 0).toFixed(1)} ms`);
for (const l of log) console.log(l.ms.toFixed(2).padStart(7), l.text);
await app.close();
await b.close();
