import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The real CLI, as a newcomer runs it: `motcua serve --demo-if-empty` on its embedded PostgreSQL.
const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "bin/motcua.js");
const run = promisify(execFile);

let dataDir: string;
let port: number;
let server: ChildProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" };
  delete e.DATABASE_URL;
  return e;
}

async function startServer(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, "serve", "--demo-if-empty"], { env: env(), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.ok) return child;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`server did not become ready: ${output}`);
}

/** Resolves when the child has exited, also if it already has (no lost "exit" event). */
function exited(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once("exit", () => r()));
}

function postgresPids(): Promise<number[]> {
  return run("pgrep", ["-f", `postgres -D ${path.join(dataDir, "pg")}`]).then(
    (r) => r.stdout.trim().split("\n").filter(Boolean).map(Number),
    () => [],
  );
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "motcua-crash-"));
  port = await freePort();
});
afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill("SIGTERM");
    await exited(server);
  }
  for (const pid of await postgresPids()) process.kill(pid, "SIGINT");
  await new Promise((r) => setTimeout(r, 500));
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the CLI on its embedded database", () => {
  it("starts on an empty data directory with the demo commune, survives kill -9, and keeps its data", async () => {
    server = await startServer();
    const home = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(home).toContain("Ủy ban nhân dân xã Minh Tiến");

    // Something written before the crash must be there after it.
    const { stdout: token } = await run(process.execPath, [BIN, "token", "create", "--user", "demo-admin"], { env: env() }).catch((e) => e);
    // The server holds the database; a second process uses the same server through its socket.
    expect(String(token)).toMatch(/^mc_[A-Za-z0-9_-]{40,}\n$/);

    server.kill("SIGKILL");
    await exited(server);
    const orphans = await postgresPids();
    if (orphans.length === 0) throw new Error(`no orphan: ${(await run("ps", ["-eo", "pid,ppid,args"])).stdout}`);

    server = await startServer();
    const api = await fetch(`http://127.0.0.1:${port}/api/v1/agencies?q=minh%20tien`, { headers: { authorization: `Bearer ${String(token).trim()}` } });
    expect(api.status).toBe(200);
    expect(JSON.stringify(await api.json())).toContain("Minh Tiến");

    // Operations commands next to the running server.
    const backupFile = path.join(dataDir, "backup.gz");
    await run(process.execPath, [BIN, "backup", backupFile], { env: env() });
    const verify = await run(process.execPath, [BIN, "audit", "verify"], { env: env() });
    expect(verify.stderr).toContain("Nhật ký toàn vẹn");
    const bad = await run(process.execPath, [BIN, "user", "create", "--username", "x", "--full-name", "X", "--role", "boss", "--agency", "000.00.25.H12"], { env: env() }).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(String(bad.stderr)).toContain("role");

    // A clean stop on SIGTERM stops postgres too.
    server.kill("SIGTERM");
    await exited(server);
    expect(await postgresPids()).toEqual([]);
  }, 180_000);
});
