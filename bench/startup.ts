// Start-up and idle memory of `motcua serve --demo-if-empty` on its embedded PostgreSQL.
// Run: node --import tsx bench/startup.ts
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const dataDir = mkdtempSync(path.join(os.tmpdir(), "motcua-bench-start-"));
const port = 3900 + Math.floor(Math.random() * 90);
const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "warn" };
delete env.DATABASE_URL;

async function start(): Promise<{ child: ChildProcess; ms: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, "bin/motcua.js"), "serve", "--demo-if-empty"], { env, stdio: "ignore" });
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return { child, ms: performance.now() - t0 };
    } catch {}
    if (child.exitCode !== null) throw new Error("server exited");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

function memory(pid: number): { rss: number; pss: number } {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(rollup)?.[1] ?? 0);
  return { rss: kb("Rss") / 1024, pss: kb("Pss") / 1024 };
}

function pgrep(args: string[]): number[] {
  try {
    return execFileSync("pgrep", args).toString().trim().split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The postmaster of this data directory and all its children (checkpointer, workers, backends). */
function postgresPids(): number[] {
  const master = pgrep(["-f", `postgres -D ${dataDir}`]);
  return [...master, ...master.flatMap((p) => pgrep(["-P", String(p)]))];
}

const first = await start();
await stop(first.child);
const warm = await start();
await new Promise((r) => setTimeout(r, 5000)); // settle: idle
const node = memory(warm.child.pid!);
const pg = postgresPids().map(memory);
const pgRss = pg.reduce((s, m) => s + m.rss, 0);
const pgPss = pg.reduce((s, m) => s + m.pss, 0);
await stop(warm.child);
rmSync(dataDir, { recursive: true, force: true });

const f = (n: number) => n.toFixed(0);
console.log(`first start on an empty data dir (initdb + migrate + units + demo seed): ${f(first.ms)} ms`);
console.log(`warm start (existing data): ${f(warm.ms)} ms`);
console.log(`idle memory: node RSS ${f(node.rss)} MB (PSS ${f(node.pss)} MB); postgres ${pg.length} processes RSS sum ${f(pgRss)} MB (PSS ${f(pgPss)} MB, shared buffers counted once)`);
