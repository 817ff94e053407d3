// One-off generator of seed/procedures/commune-catalog.json from the crawler's dump of the
// national portal. The app never reads the dump; it ships the cleaned structured array.
// Run: node --import tsx scripts/build-catalog-seed.ts /work/shared/data/procedures/tthc-cap-xa.json
import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { parsePortalCatalog } from "../src/domain/catalog/parse";

const input = process.argv[2];
const output = process.argv[3] ?? new URL("../seed/procedures/commune-catalog.json", import.meta.url).pathname;
if (!input) {
  console.error("usage: build-catalog-seed.ts RAW.json[.gz] [OUT.json]");
  process.exit(2);
}
const buf = readFileSync(input);
const raw: unknown = JSON.parse((input.endsWith(".gz") ? gunzipSync(buf) : buf).toString("utf8"));
const { procedures, problems } = parsePortalCatalog(raw);
procedures.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
// One procedure per line: diffs of a re-import show which procedures changed.
writeFileSync(output, `[\n${procedures.map((p) => JSON.stringify(p)).join(",\n")}\n]\n`);
console.log(`${procedures.length} procedures → ${output}; ${problems.length} with problems`);
