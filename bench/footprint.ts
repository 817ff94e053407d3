// Footprint of the single-commune install (`npm start` = build dist/ if stale, then
// `bin/motcua.js serve --demo-if-empty` on the embedded PostgreSQL), issue 20 §6: first start on a
// fresh DATA_DIR and warm start on the same one (until /readyz answers 200; wall time and the CPU
// time of the app process), memory of the idle app after start + 30 s, and after a light load of
// 200 requests (pages crawled as a visitor, a desk officer and a leader, and API reads). The app
// process and the PostgreSQL processes (postmaster and children) are reported apart.
// Runs the compiled build (dist/, as `npm start` does) and the TypeScript sources through tsx
// (MOTCUA_FROM_SOURCES=1), each on its own fresh data directory.
// Run: node --import tsx bench/footprint.ts [compiled|sources]   (IDLE_SECONDS=30 by default)
// FOOTPRINT_SNAPSHOTS=<dir>: heap snapshots of the app when idle and after the load, into <dir>
// (node --heapsnapshot-signal), to see what holds the memory (taken after the figures are read).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { signInOver } from "../test/cluster/instances";

const ROOT = path.resolve(import.meta.dirname, "..");
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 30);
const LOAD_REQUESTS = 200;
// Node's own flags as `npm start` gives them (package.json), for both modes.
const START = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
const NODE_FLAGS = /^node ((?:--\S+ )*)bin\/motcua\.js/.exec(START)?.[1]?.trim().split(" ").filter(Boolean) ?? [];
const modes = (process.argv.slice(2).length ? process.argv.slice(2) : ["compiled", "sources"]) as ("compiled" | "sources")[];

type Memory = { rss: number; pss: number };

function memory(pid: number): Memory {
  let rollup = "";
  try {
    rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  } catch {} // a backend that ended meanwhile counts 0
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(rollup)?.[1] ?? 0);
  return { rss: kb("Rss") / 1024, pss: kb("Pss") / 1024 };
}

/** User + system CPU seconds the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function pgrep(args: string[]): number[] {
  try {
    return execFileSync("pgrep", args).toString().trim().split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function sum(ms: Memory[]): Memory {
  return { rss: ms.reduce((s, m) => s + m.rss, 0), pss: ms.reduce((s, m) => s + m.pss, 0) };
}

const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);

async function run(mode: "compiled" | "sources"): Promise<void> {
  if (mode === "compiled") {
    const t = performance.now();
    execFileSync(process.execPath, [path.join(ROOT, "scripts/build.mjs"), "--if-stale"], { stdio: "inherit" });
    console.log(`[${mode}] build if stale (prestart): ${f0(performance.now() - t)} ms`);
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "motcua-bench-footprint-"));
  const port = 3900 + Math.floor(Math.random() * 90);
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", NODE_ENV: "development" };
  delete env.DATABASE_URL;
  const snapshots = process.env.FOOTPRINT_SNAPSHOTS;
  if (snapshots) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ""} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshots}`;
  if (mode === "sources") env.MOTCUA_FROM_SOURCES = "1";
  else delete env.MOTCUA_FROM_SOURCES;

  /** The postmaster of this data directory and all its children (checkpointer, workers, backends). */
  const postgres = () => {
    const master = pgrep(["-f", `postgres -D ${dataDir}`]);
    return [...master, ...master.flatMap((p) => pgrep(["-P", String(p)]))];
  };

  // Every server started, stopped in `finally` whatever fails (none left running on a deleted directory).
  const started = new Set<ChildProcess>();
  const start = async (): Promise<{ child: ChildProcess; ms: number; cpu: number }> => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...NODE_FLAGS, path.join(ROOT, "bin/motcua.js"), "serve", "--demo-if-empty"], { env, stdio: ["ignore", "ignore", "pipe"] });
    started.add(child);
    let errors = "";
    child.stderr!.on("data", (b: Buffer) => {
      errors = (errors + b.toString()).slice(-3000);
    });
    for (;;) {
      try {
        if ((await fetch(`${base}/readyz`)).ok) return { child, ms: performance.now() - t0, cpu: cpuSeconds(child.pid!) };
      } catch {}
      if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${errors}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  /** Signals the app to write a heap snapshot and waits until the file is complete. */
  const snapshot = async (pid: number) => {
    if (!snapshots) return;
    const before = new Set(readdirSync(snapshots));
    process.kill(pid, "SIGUSR2");
    for (let last = -1; ; ) {
      await new Promise((r) => setTimeout(r, 2000));
      const file = readdirSync(snapshots).find((f) => !before.has(f) && f.endsWith(".heapsnapshot"));
      const size = file ? statSync(path.join(snapshots, file)).size : -1;
      if (file && size === last && size > 0) return console.log(`[${mode}] heap snapshot: ${path.join(snapshots, file)}`);
      last = size;
    }
  };
  const stop = async (child: ChildProcess) => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };

  try {
    const first = await start();
    await stop(first.child);
    const warm = await start();
    const pid = warm.child.pid!;
    console.log(`[${mode}] first start (initdb, migrations, units, demo data): ${f1(first.ms / 1000)} s (app CPU ${f1(first.cpu)} s)`);
    console.log(`[${mode}] warm start: ${f1(warm.ms / 1000)} s (app CPU ${f1(warm.cpu)} s)`);
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const idle = memory(pid);
    const idlePg = postgres();
    const idlePgMem = sum(idlePg.map(memory));
    console.log(`[${mode}] idle ${IDLE_SECONDS} s after start: app RSS ${f0(idle.rss)} MB (PSS ${f0(idle.pss)}); postgres ${idlePg.length} processes RSS ${f0(idlePgMem.rss)} MB summed (PSS ${f0(idlePgMem.pss)}, shared memory counted once)`);
    await snapshot(pid);

    // Light load: crawled pages (same-origin links, GET) as a visitor and two officers, API reads.
    const sessions = [undefined, await signInOver(base, "demo-desk"), await signInOver(base, "demo-leader")];
    const api = ["/api/v1/agencies", "/api/v1/dossiers", "/api/v1/communications/items", "/api/v1/documents", "/api/v1/feedback", "/api/v1/calendar/solar"];
    const seen = new Set<string>();
    const queue: { url: string; s: (typeof sessions)[number] }[] = sessions.map((s) => ({ url: s ? "/staff" : "/", s }));
    let done = 0;
    const statuses: Record<string, number> = {};
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memory(pid).rss);
    }, 100);
    const get = async (url: string, s: (typeof sessions)[number]) => {
      const res = await fetch(base + url, { redirect: "manual", headers: s ? { cookie: s.cookie } : {} });
      const body = await res.text();
      done++;
      const k = `${String(res.status)[0]}xx`;
      statuses[k] = (statuses[k] ?? 0) + 1;
      return { res, body };
    };
    const pagesBudget = LOAD_REQUESTS - api.length * sessions.length;
    while (queue.length > 0 && done < pagesBudget) {
      const { url, s } = queue.shift()!;
      const { res, body } = await get(url, s);
      if (!(res.headers.get("content-type") ?? "").includes("text/html")) continue;
      for (const m of body.matchAll(/<a\b[^>]*\shref="(\/[^"#]*)"/g)) {
        const next = m[1]!.replace(/&amp;/g, "&");
        const key = `${sessions.indexOf(s)} ${next.split("?")[0]}`;
        if (seen.has(key) || /logout|sign-out|dang-xuat/.test(next)) continue;
        seen.add(key);
        queue.push({ url: next, s });
      }
    }
    for (const s of sessions) for (const a of api) await get(a, s);
    while (done < LOAD_REQUESTS) await get("/", undefined);
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, 2000));
    const loaded = memory(pid);
    const loadedPg = sum(postgres().map(memory));
    console.log(
      `[${mode}] after ${done} requests (${Object.entries(statuses).map(([k, v]) => `${v} ${k}`).join(", ")}): app RSS ${f0(loaded.rss)} MB (PSS ${f0(loaded.pss)}, peak RSS ${f0(peak)}); postgres RSS ${f0(loadedPg.rss)} MB summed (PSS ${f0(loadedPg.pss)})`,
    );
    await snapshot(pid);
    await stop(warm.child);
  } finally {
    for (const child of started) await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; node ${process.version} ${NODE_FLAGS.join(" ")}`);
for (const m of modes) await run(m);
