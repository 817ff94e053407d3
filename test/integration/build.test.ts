import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

// The compiled build that `npm start` runs (scripts/build.mjs → dist/, bin/motcua.js): every
// module's relative imports resolve to a file of the build, the files that are not TypeScript
// are there, and the command line starts from it.

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
// Its own output beside src/ (same depth as dist/), so that the dist/ a server may be running is left alone.
const DIST = path.join(ROOT, `.dist-test-${process.pid}`);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe("the compiled build", () => {
  it("compiles every source, resolves every relative import to a file of dist/, and runs the command line", async () => {
    await run(process.execPath, [path.join(ROOT, "scripts/build.mjs"), "--out-dir", path.basename(DIST)], { cwd: ROOT, timeout: 120_000 });
    const files = walk(DIST);
    const sources = walk(path.join(ROOT, "src")).filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.endsWith(".d.ts"));
    for (const s of sources) expect(files).toContain(path.join(DIST, path.relative(path.join(ROOT, "src"), s)).replace(/\.tsx?$/, ".js"));
    // Browser scripts, the TTS worker, stylesheet and icon, read beside the modules that use them.
    for (const s of walk(path.join(ROOT, "src")).filter((f) => !/\.tsx?$/.test(f))) expect(files).toContain(path.join(DIST, path.relative(path.join(ROOT, "src"), s)));

    const unresolved: string[] = [];
    for (const f of files.filter((x) => x.endsWith(".js"))) {
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"(\.{1,2}\/[^"]*)"/g)) {
        const target = path.resolve(path.dirname(f), m[1]!);
        if (!/\.(m?js|json)$/.test(m[1]!) || !existsSync(target)) unresolved.push(`${path.relative(DIST, f)}: ${m[1]}`);
      }
    }
    expect(unresolved).toEqual([]);

    const version = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    const out = await run(process.execPath, [path.join(DIST, "cli/main.js"), "--version"], { cwd: ROOT, timeout: 60_000 });
    expect(out.stdout.trim()).toBe(version);
  }, 180_000);

  afterAll(() => rmSync(DIST, { recursive: true, force: true }));
});
