// Search over HTTP: the app on a random port, 50 concurrent connections (autocannon), with all
// 2,642 procedures of the national dump loaded; and the size of the search results page.
// Run: node --import tsx bench/catalog-http.ts [/work/shared/data/procedures/tthc-all-levels.json.gz]
import autocannon from "autocannon";
import { loadConfig } from "../src/config";
import { buildApp } from "../src/web/app";
import { benchQueries, DEFAULT_DUMP, importDump, prepareDb } from "./catalog-import";

const file = process.argv[2] ?? DEFAULT_DUMP;
const b = await prepareDb();
try {
  await importDump(b, file);
  const config = loadConfig({ NODE_ENV: "production", LOG_LEVEL: "silent", DATA_DIR: "/tmp/motcua-bench-unused", DATABASE_URL: b.url, PORT: "0", HOST: "127.0.0.1" });
  const app = await buildApp({ db: b.db, config, version: "bench", secret: "bench-secret-0123456789abcdef" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  try {
    const queries = benchQueries().slice(0, 200);
    const requests = queries.map((q) => ({ method: "GET" as const, path: `/api/v1/procedures?q=${encodeURIComponent(q)}&limit=10` }));
    // Warm up: the first request builds the index.
    await fetch(`${base}${requests[0]!.path}`);
    for (const [label, connections] of [
      ["50 connections", 50],
      ["1 connection", 1],
    ] as const) {
      const r = await autocannon({ url: base, connections, duration: 10, requests });
      const errors = r.errors + r.non2xx;
      console.log(
        `HTTP search API, ${label}, 10 s: ${r.requests.average.toFixed(0)} req/s, latency p50 ${r.latency.p50} ms, p97.5 ${r.latency.p97_5} ms, p99 ${r.latency.p99} ms, errors/non-2xx ${errors}`,
      );
    }
    for (const url of ["/procedures?q=dang+ky+khai+sinh", "/procedures?q=dat", "/procedures", "/procedures/1.001193"]) {
      const res = await fetch(`${base}${url}`);
      const body = await res.text();
      console.log(`page ${url}: ${res.status}, ${Buffer.byteLength(body)} bytes HTML (+ shared site.css/site.js)`);
    }
  } finally {
    await app.close();
  }
} finally {
  await b.close();
}
