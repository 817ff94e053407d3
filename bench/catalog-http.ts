// Search over HTTP: the app in its own process on a random port, 50 concurrent connections
// (autocannon, in this process), with all 2,642 procedures of the national dump loaded; and the
// size of the public pages.
// Run: node --import tsx bench/catalog-http.ts [/work/shared/data/procedures/tthc-all-levels.json.gz]
import { randomBytes } from "node:crypto";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { loadConfig } from "../src/config";
import { createPool } from "../src/db/pool";
import { Db } from "../src/db/scope";
import { buildApp } from "../src/web/app";
import { benchQueries, DEFAULT_DUMP, importDump, prepareDb } from "./catalog-import";

async function server(url: string): Promise<void> {
  const db = new Db(createPool({ connectionString: url, max: 10 }));
  const config = loadConfig({ MOTCUA_DATA_KEY: process.env.MOTCUA_DATA_KEY ?? randomBytes(32).toString("base64"), NODE_ENV: "production", LOG_LEVEL: "silent", DATA_DIR: "/tmp/motcua-bench-unused", DATABASE_URL: url });
  const app = await buildApp({ db, config, version: "bench", secret: "bench-secret-0123456789abcdef" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  process.send?.({ port: typeof address === "object" && address ? address.port : 0 });
  process.on("message", async () => {
    await app.close();
    await db.close();
    process.exit(0);
  });
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? DEFAULT_DUMP;
  const b = await prepareDb();
  try {
    await importDump(b, file);
    const child = fork(fileURLToPath(import.meta.url), ["--server", b.url], { execArgv: ["--import", "tsx"] });
    const port = await new Promise<number>((resolve, reject) => {
      child.once("message", (m) => resolve((m as { port: number }).port));
      child.once("exit", (code) => reject(new Error(`server exited ${code}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      const queries = benchQueries().slice(0, 200);
      const requests = queries.map((q) => ({ method: "GET" as const, path: `/api/v1/procedures?q=${encodeURIComponent(q)}&limit=10` }));
      // Warm up: the first request builds the index; then a few seconds for the JIT.
      await fetch(`${base}${requests[0]!.path}`);
      await autocannon({ url: base, connections: 10, duration: 3, requests });
      for (const [label, connections] of [
        ["50 connections", 50],
        ["1 connection", 1],
      ] as const) {
        const r = await autocannon({ url: base, connections, duration: 10, requests });
        console.log(
          `HTTP search API, ${label}, 10 s: ${r.requests.average.toFixed(0)} req/s, latency p50 ${r.latency.p50} ms, p97.5 ${r.latency.p97_5} ms, p99 ${r.latency.p99} ms, errors/non-2xx ${r.errors + r.non2xx}`,
        );
      }
      for (const url of ["/procedures?q=dang+ky+khai+sinh", "/procedures?q=dat", "/procedures", `/procedures?field=${encodeURIComponent("Hộ tịch")}`, "/procedures/1.001193"]) {
        const res = await fetch(`${base}${url}`);
        const body = await res.text();
        console.log(`page ${url}: ${res.status}, ${Buffer.byteLength(body)} bytes HTML (+ shared site.css/site.js)`);
      }
      // Detail pages carry the procedure's own text; the markup around it is what we control.
      const codes = await b.db.system((tx) => tx.query<{ code: string }>("select code from procedures order by code"));
      const sizes: { code: string; bytes: number }[] = [];
      for (const { code } of codes) {
        const res = await fetch(`${base}/procedures/${code}`);
        sizes.push({ code, bytes: Buffer.byteLength(await res.text()) });
      }
      sizes.sort((a, b2) => a.bytes - b2.bytes);
      const median = sizes[Math.floor(sizes.length / 2)]!;
      const over = sizes.filter((s) => s.bytes > 30_000).length;
      console.log(`detail pages of ${sizes.length} procedures: median ${median.bytes} bytes, largest ${sizes.at(-1)!.bytes} (${sizes.at(-1)!.code}), ${over} over 30 KB`);
    } finally {
      child.send("stop");
      await new Promise((r) => child.once("exit", r));
    }
  } finally {
    await b.close();
  }
}

if (process.argv[2] === "--server") await server(process.argv[3]!);
else await main();
