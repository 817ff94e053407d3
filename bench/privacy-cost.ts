// The cost of personal data protection (ID numbers sealed at rest, masking, the access log) on the
// online intake and on the desk's queue page, measured in ONE run against the tree from before it:
// the commit before migrations/1000_privacy.sql is extracted to a temporary directory (git archive,
// sharing this tree's node_modules) and the same measurement (bench/privacy-cost-run.ts) runs in
// both trees, alternately, BENCH_ROUNDS times (default 3); medians and ratios are printed.
// Run: node --import tsx bench/privacy-cost.ts   (BENCH_BASE=<commit> to compare with another)
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { maskIdNumber } from "../src/domain/privacy/mask";
import { idLookupHash, seal, unseal } from "../src/modules/privacy/sealing";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();

const added = git("log", "--format=%H", "--diff-filter=A", "--", "migrations/1000_privacy.sql").split("\n").filter(Boolean).pop();
const baseCommit = process.env.BENCH_BASE ?? (added ? `${added}^` : "");
if (!baseCommit) throw new Error("no base commit: set BENCH_BASE");
const baseSha = git("rev-parse", baseCommit);
const baseDir = mkdtempSync(path.join(os.tmpdir(), "motcua-bench-base-"));
execFileSync("sh", ["-c", `git archive ${baseSha} | tar -x -C "${baseDir}"`], { cwd: ROOT });
symlinkSync(path.join(ROOT, "node_modules"), path.join(baseDir, "node_modules"), "dir");
mkdirSync(path.join(baseDir, "bench"), { recursive: true });
copyFileSync(path.join(ROOT, "bench/privacy-cost-run.ts"), path.join(baseDir, "bench/privacy-cost-run.ts"));

type Result = { intake: { rps: number; p50: number; p99: number; errors: number }; queuePageMs: Record<string, number>; dossierPageMs: number };

function runIn(dir: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/privacy-cost-run.ts"], {
      cwd: dir,
      env: { ...process.env, MOTCUA_DATA_KEY: randomBytes(32).toString("base64"), NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (code !== 0 || !line) reject(new Error(`run in ${dir} failed (${code}): ${out.slice(-500)}`));
      else resolve(JSON.parse(line.slice(7)) as Result);
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The CPU the new code adds, measured alone (steady whatever the load): per submission a seal and a hash; per queue row an unseal and a mask. */
function unitCosts(): string {
  const ids = Array.from({ length: 20_000 }, (_, i) => `0190850${String(i % 100_000).padStart(5, "0")}`);
  const per = (fn: () => void, n: number) => {
    const t = performance.now();
    fn();
    return ((performance.now() - t) * 1000) / n;
  };
  const sealed = ids.map((id) => seal(id));
  const sealAll = () => {
    for (const id of ids) seal(id);
  };
  const hashAll = () => {
    for (const id of ids) idLookupHash(id);
  };
  const openAll = () => {
    for (const x of sealed) maskIdNumber(unseal(x));
  };
  const [s, h, u] = [sealAll, hashAll, openAll].map((fn) => median([0, 1, 2].map(() => per(fn, ids.length))));
  return `per submission: seal ${s!.toFixed(1)} µs + look-up hash ${h!.toFixed(1)} µs; per listed row: unseal + mask ${u!.toFixed(1)} µs (a 50-row queue page: ${((u! * 50) / 1000).toFixed(2)} ms)`;
}

const runs: { before: Result[]; after: Result[] } = { before: [], after: [] };
try {
  console.log(`before: ${baseSha.slice(0, 10)} (${git("log", "-1", "--format=%s", baseSha).slice(0, 70)}); after: this tree (${git("rev-parse", "--short", "HEAD")})`);
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate the order so that neither side always runs on a warmer (or busier) machine.
    const order: ("before" | "after")[] = i % 2 === 0 ? ["before", "after"] : ["after", "before"];
    for (const side of order) {
      const r = await runIn(side === "before" ? baseDir : ROOT);
      runs[side].push(r);
      console.log(
        `round ${i + 1} ${side}: intake ${r.intake.rps.toFixed(0)} req/s (p50 ${r.intake.p50} ms, p99 ${r.intake.p99} ms, errors ${r.intake.errors}); queue page ` +
          `${Object.entries(r.queuePageMs).map(([q, ms]) => `${q} ${ms.toFixed(1)} ms`).join(", ")}; dossier page ${r.dossierPageMs.toFixed(1)} ms`,
      );
    }
  }
  const m = (side: "before" | "after", f: (r: Result) => number) => median(runs[side].map(f));
  const row = (label: string, f: (r: Result) => number, higherIsBetter: boolean) => {
    const b = m("before", f);
    const a = m("after", f);
    const change = higherIsBetter ? (b - a) / b : (a - b) / b;
    console.log(`${label}: before ${b.toFixed(1)}, after ${a.toFixed(1)} → cost ${(change * 100).toFixed(1)} %`);
  };
  console.log(unitCosts());
  console.log(`medians of ${ROUNDS} rounds:`);
  row("online intake, req/s", (r) => r.intake.rps, true);
  row("online intake, p50 ms", (r) => r.intake.p50, false);
  for (const q of Object.keys(runs.after[0]!.queuePageMs)) row(`queue page ${q}, ms`, (r) => r.queuePageMs[q]!, false);
  row("dossier page (whole data, access log), ms", (r) => r.dossierPageMs, false);
} finally {
  rmSync(baseDir, { recursive: true, force: true });
}
