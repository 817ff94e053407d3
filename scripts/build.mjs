#!/usr/bin/env node
// Compiles src/ into dist/ (one JavaScript file per source file, the same tree, no bundling and no
// source maps), so that `motcua serve` starts on plain JavaScript instead of transpiling ~350
// TypeScript files through tsx at every start and keeping their inline source maps in memory
// (docs/benchmarks.md, "Footprint"). dist/ sits at the same depth as src/, so every path a module
// computes from its own location (../../../assets, ../../migrations) stays right; files that are
// not TypeScript (browser scripts, the TTS worker, stylesheets, icons) are copied beside.
//
// Written into a fresh directory and renamed into place, so that a server starting meanwhile sees
// either the old build or the new one, never half of one. bin/motcua.js runs dist/ only while it
// is newer than every file of src/ (else the sources through tsx): scripts/dist-current.mjs.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { distIsCurrent } from "./dist-current.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SRC = path.join(ROOT, "src");
// --out-dir: another directory beside src/ (the build test's own, so a running server's dist/
// is never swapped under it); dist/ by default.
const outFlag = process.argv.indexOf("--out-dir");
const DIST = outFlag > 0 ? path.resolve(ROOT, process.argv[outFlag + 1]) : path.join(ROOT, "dist");
if (path.dirname(DIST) !== ROOT) throw new Error("--out-dir must be a directory beside src/ (paths are computed from each module's depth)");

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

const files = walk(SRC);
const isSource = (f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.endsWith(".d.ts");
const entries = files.filter(isSource);
const copies = files.filter((f) => !/\.tsx?$/.test(f));

// Node resolves ES module specifiers literally: "../config" must become "../config.js".
function resolveRelative(spec, from) {
  const base = path.resolve(path.dirname(from), spec);
  for (const [suffix, out] of [
    ["", null],
    [".ts", ".js"],
    [".tsx", ".js"],
    ["/index.ts", "/index.js"],
    ["/index.tsx", "/index.js"],
  ]) {
    const candidate = base + suffix;
    if (existsSync(candidate) && statSync(candidate).isFile()) {
      if (out === null) return /\.tsx?$/.test(spec) ? spec.replace(/\.tsx?$/, ".js") : spec;
      return spec + out;
    }
  }
  throw new Error(`cannot resolve ${spec} from ${path.relative(ROOT, from)}`);
}

const relativeImports = {
  name: "relative-imports",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      if (args.path.startsWith(".")) return { path: resolveRelative(args.path, args.importer), external: true };
      return { path: args.path, external: true };
    });
  },
};

// `npm start` (prestart) builds only what an edit made stale.
if (process.argv.includes("--if-stale") && outFlag < 0 && distIsCurrent()) process.exit(0);

const { build } = await import("esbuild");
const started = Date.now();
const tmp = `${DIST}.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: tmp,
  outbase: SRC,
  bundle: true,
  plugins: [relativeImports],
  format: "esm",
  platform: "node",
  target: "node20",
  jsx: "automatic",
  jsxImportSource: "preact",
  // Class and function names stay as written (error names, logs), as tsx keeps them.
  keepNames: true,
  sourcemap: false,
  logLevel: "warning",
});
for (const f of copies) {
  const to = path.join(tmp, path.relative(SRC, f));
  mkdirSync(path.dirname(to), { recursive: true });
  cpSync(f, to);
}
// The stamp bin/motcua.js compares with the sources' modification times.
writeFileSync(path.join(tmp, ".built"), `${new Date(started).toISOString()}\n`);
const old = `${DIST}.old-${process.pid}`;
if (existsSync(DIST)) renameSync(DIST, old);
renameSync(tmp, DIST);
rmSync(old, { recursive: true, force: true });
// The stamp's time is the build's start: a source saved during the build makes it stale.
const stamp = path.join(DIST, ".built");
const t = new Date(started);
utimesSync(stamp, t, t);
console.log(`dist/: ${entries.length} modules compiled, ${copies.length} files copied in ${Date.now() - started} ms`);
