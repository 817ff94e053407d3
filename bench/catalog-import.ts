// Catalog import and server-side search benchmark, on a real PostgreSQL.
// Run: node --import tsx bench/catalog-import.ts [/work/shared/data/procedures/tthc-all-levels.json.gz]
// Uses a throw-away embedded PostgreSQL (or BENCH_DATABASE_URL: a database that will be filled).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { EVAL_QUERIES } from "../src/domain/catalog/eval-queries";
import { createSearchIndex, search } from "../src/domain/catalog/search";
import { type EmbeddedServer, startEmbedded } from "../src/db/embedded";
import { migrate } from "../src/db/migrate";
import { createPool } from "../src/db/pool";
import { Db } from "../src/db/scope";
import { importUnits, readUnitsFile } from "../src/modules/agencies/units-import";
import { readCatalogFile } from "../src/modules/catalog/file";
import { importProcedures } from "../src/modules/catalog/importer";
import { searchProcedures } from "../src/modules/catalog/search-cache";
import { DEMO_COMMUNE_CODE, seedDemo } from "../src/modules/demo/seed";
import "../src/web/modules";

export const DEFAULT_DUMP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../shared/data/procedures/tthc-all-levels.json.gz");

export type BenchDb = { db: Db; url: string; communeId: number; provinceId: number; close: () => Promise<void> };

/** A database with units, the demo commune (588 seed procedures offered) and nothing else. */
export async function prepareDb(): Promise<BenchDb> {
  let embedded: EmbeddedServer | undefined;
  let dataDir: string | undefined;
  let url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "motcua-bench-"));
    embedded = await startEmbedded({ dataDir });
    url = embedded.connectionString;
  }
  const pool = createPool({ connectionString: url, max: 20 });
  await migrate(pool);
  const db = new Db(pool);
  const t = performance.now();
  await db.system((tx) => importUnits(tx, readUnitsFile()));
  const ctx = await db.system((tx) => seedDemo(tx, { production: false }));
  console.log(`units + demo seed (incl. 588 catalog procedures): ${(performance.now() - t).toFixed(0)} ms`);
  return {
    db,
    url,
    communeId: ctx.communeId,
    provinceId: ctx.provinceId,
    close: async () => {
      await pool.end();
      if (embedded) await embedded.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function importDump(b: BenchDb, file: string): Promise<{ parseMs: number; writeMs: number; reimportMs: number; count: number }> {
  let t = performance.now();
  const { procedures } = readCatalogFile(file);
  const parseMs = performance.now() - t;
  t = performance.now();
  const r = await b.db.system((tx) => importProcedures(tx, procedures, { agencyId: b.provinceId, actor: "bench" }));
  const writeMs = performance.now() - t;
  t = performance.now();
  const again = await b.db.system((tx) => importProcedures(tx, procedures, { agencyId: b.provinceId, actor: "bench" }));
  const reimportMs = performance.now() - t;
  console.log(`import ${procedures.length} records: read+parse ${parseMs.toFixed(0)} ms, write ${writeMs.toFixed(0)} ms (${r.created} new, ${r.unchanged} unchanged); re-import (nothing changes: ${again.unchanged} unchanged) ${reimportMs.toFixed(0)} ms`);
  return { parseMs, writeMs, reimportMs, count: procedures.length };
}

export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

export function benchQueries(): string[] {
  const qs = EVAL_QUERIES.map((q) => q.query);
  return [...qs, ...qs.map((q) => q.slice(0, Math.max(3, Math.floor(q.length / 2)))), "1.001193", "khai sinh", "x".repeat(300)];
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? DEFAULT_DUMP;
  const b = await prepareDb();
  try {
    await importDump(b, file);
    const queries = benchQueries();
    // Warm up (the first call builds the index), then measure searchProcedures as a request would call it.
    let t = performance.now();
    await searchProcedures(b.db, { agencyId: b.communeId, q: "khai sinh" });
    console.log(`first search (builds the index over the catalog in force): ${(performance.now() - t).toFixed(0)} ms`);
    for (const q of queries) await searchProcedures(b.db, { agencyId: b.communeId, q });
    for (const [label, agencyId] of [
      ["commune (588 offered)", b.communeId],
      ["whole catalog", null],
    ] as const) {
      const times: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let round = 0; round < 5; round++) {
        for (const q of queries) {
          t = performance.now();
          await searchProcedures(b.db, { agencyId, q });
          times.push(performance.now() - t);
        }
      }
      const cpu = process.cpuUsage(cpu0);
      console.log(
        `server search (searchProcedures), ${label}, ${times.length} queries: p50 ${pct(times, 50).toFixed(2)} ms, p95 ${pct(times, 95).toFixed(2)} ms; CPU ${((cpu.user + cpu.system) / 1000 / times.length).toFixed(2)} ms/query`,
      );
    }
    // The in-memory part alone, for comparison.
    const rows = await b.db.system((tx) => tx.query<{ code: string; name: string; field: string }>("select code, name, field from procedures"));
    const index = createSearchIndex(rows);
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const q of queries) {
        t = performance.now();
        search(index, q, { limit: 10 });
        times.push(performance.now() - t);
      }
    }
    console.log(`in-memory search alone over ${rows.length}: p50 ${pct(times, 50).toFixed(2)} ms, p95 ${pct(times, 95).toFixed(2)} ms`);
  } finally {
    await b.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
