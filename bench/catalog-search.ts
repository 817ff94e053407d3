// Catalog parse + search benchmark.
// Run: node --import tsx bench/catalog-search.ts /work/shared/data/procedures/tthc-all-levels.json.gz
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { gunzipSync } from "node:zlib";
import { EVAL_QUERIES } from "../src/domain/catalog/eval-queries";
import { parsePortalCatalog } from "../src/domain/catalog/parse";
import { createSearchIndex, search } from "../src/domain/catalog/search";

const file = process.argv[2];
if (!file) {
  console.error("usage: bench/catalog-search.ts RAW.json[.gz]");
  process.exit(2);
}
const buf = readFileSync(file);
const raw: unknown = JSON.parse((file.endsWith(".gz") ? gunzipSync(buf) : buf).toString("utf8"));

let t = performance.now();
const { procedures, problems } = parsePortalCatalog(raw);
const parseMs = performance.now() - t;

t = performance.now();
const index = createSearchIndex(procedures);
const indexMs = performance.now() - t;

// Random queries: words of real titles, cut, mistyped, folded or not, plus codes and junk.
let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const random: string[] = [];
for (let i = 0; i < 2000; i++) {
  const p = pick(procedures);
  const ws = p.name.split(/\s+/);
  const from = Math.floor(rand() * ws.length);
  let q = ws.slice(from, from + 1 + Math.floor(rand() * 5)).join(" ");
  const r = rand();
  if (r < 0.3) q = q.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
  else if (r < 0.45) q = q.slice(0, Math.max(1, q.length - 2)); // type-ahead
  else if (r < 0.55) q = q.replace(/[aeiou]/, "");
  else if (r < 0.6) q = p.code.replace(".", "");
  else if (r < 0.62) q = "x".repeat(10_000);
  random.push(q);
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
function time(queries: readonly string[], rounds: number): number[] {
  for (const q of queries) search(index, q, { limit: 10 }); // warm-up
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const s = performance.now();
      search(index, q, { limit: 10 });
      out.push(performance.now() - s);
    }
  }
  return out;
}
const evalTimes = time(
  EVAL_QUERIES.map((q) => q.query),
  20,
);
const randomTimes = time(random, 3);

let at1 = 0;
let at5 = 0;
for (const q of EVAL_QUERIES) {
  const expected = new Set<string>(q.expected);
  const got = search(index, q.query, { limit: 5 }).items.map((h) => h.code);
  if (got[0] !== undefined && expected.has(got[0])) at1++;
  if (got.some((c) => expected.has(c))) at5++;
}
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
const rss = process.memoryUsage().rss / 1024 / 1024;
console.log(`procedures: ${procedures.length} (${problems.length} with parse problems)`);
console.log(`parse: ${fmt(parseMs)}  index: ${fmt(indexMs)}  rss: ${rss.toFixed(0)} MB`);
console.log(`eval queries (${EVAL_QUERIES.length} × 20): p50 ${fmt(percentile(evalTimes, 50))}  p95 ${fmt(percentile(evalTimes, 95))}  max ${fmt(Math.max(...evalTimes))}`);
console.log(`random queries (${random.length} × 3): p50 ${fmt(percentile(randomTimes, 50))}  p95 ${fmt(percentile(randomTimes, 95))}  max ${fmt(Math.max(...randomTimes))}`);
console.log(`recall over ${procedures.length} procedures: @1 ${(at1 / EVAL_QUERIES.length).toFixed(3)}  @5 ${(at5 / EVAL_QUERIES.length).toFixed(3)}`);
