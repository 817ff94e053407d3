// App instances as separate processes on one database (the machine's PostgreSQL, or a cluster
// behind HAProxy): what the cross-instance test and the failover script start, sign in to and
// drive over HTTP, as a proxy in front of them would.

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createPool } from "../../src/db/pool";
import { Db } from "../../src/db/scope";
import { migrate } from "../../src/db/migrate";
import { importUnits, readUnitsFile } from "../../src/modules/agencies/units-import";
import { DEMO_PASSWORD, seedDemo } from "../../src/modules/demo/seed";
// Every module registers its demo data and jobs on import, as in the server.
import "../../src/web/modules";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A new database on the server of `adminUrl`, migrated, with the units and the demo commune. */
export async function createDemoDatabase(adminUrl: string, prefix = "motcua_xi"): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}" template template0 encoding 'UTF8'`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const pool = createPool({ connectionString: url, max: 2 });
  try {
    await migrate(pool);
    const db = new Db(pool);
    await db.system((tx) => importUnits(tx, readUnitsFile()));
    await db.system((tx) => seedDemo(tx, { production: false }));
  } finally {
    await pool.end();
  }
  return {
    url,
    drop: async () => {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`).catch(() => {});
      await a.end();
    },
  };
}

export type Instance = { name: string; port: number; base: string; child: ChildProcess; output: string[]; stop: (signal?: NodeJS.Signals) => Promise<void> };

/** `motcua serve` on `port` against `databaseUrl` (jobs on), ready when /readyz answers 200. */
export async function startInstance(o: { name: string; port: number; databaseUrl: string; env?: Record<string, string>; readyTimeoutMs?: number }): Promise<Instance> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `motcua-${o.name}-`));
  const output: string[] = [];
  const child = spawn(process.execPath, [path.join(ROOT, "bin/motcua.js"), "serve"], {
    env: {
      ...process.env,
      NODE_ENV: "test",
      DATABASE_URL: o.databaseUrl,
      DATA_DIR: dataDir,
      PORT: String(o.port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      SUBMISSIONS_PER_ADDRESS: "1000000",
      SUBMISSIONS_PER_PHONE: "1000000",
      ...o.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (b: Buffer) => {
    output.push(b.toString());
    if (output.length > 400) output.splice(0, output.length - 400);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const base = `http://127.0.0.1:${o.port}`;
  const until = Date.now() + (o.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${o.name} exited (${child.exitCode}): ${output.join("").slice(-2000)}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {}
    if (Date.now() > until) throw new Error(`${o.name} not ready: ${output.join("").slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name: o.name,
    port: o.port,
    base,
    child,
    output,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill(signal);
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A signed-in staff session, usable on every instance (sessions and CSRF secret live in the database). */
export type Session = { cookie: string; csrf: string };

function cookiesOf(res: Response, jar: Map<string, string>): void {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    const i = pair!.indexOf("=");
    jar.set(pair!.slice(0, i), pair!.slice(i + 1));
  }
}

export async function signInOver(base: string, username: string): Promise<Session> {
  const jar = new Map<string, string>();
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const form = await fetch(`${base}/login`);
  cookiesOf(form, jar);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
  const res = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: header(), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrf, username, password: DEMO_PASSWORD }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in of ${username} failed: ${res.status}`);
  cookiesOf(res, jar);
  return { cookie: header(), csrf };
}

/** The documents the counter form asks for, read from the form itself. */
export async function counterDocuments(base: string, s: Session, procedure: string): Promise<string[]> {
  const html = await (await fetch(`${base}/staff/dossiers/new?procedure=${encodeURIComponent(procedure)}`, { headers: { cookie: s.cookie } })).text();
  const decode = (v: string) => v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return [...html.matchAll(/name="doc" value="([^"]*)"/g)].map((m) => decode(m[1]!));
}

/** Receives one dossier at the counter; answers the HTTP status and the new code (from the redirect). */
export async function receiveAtCounterOver(base: string, s: Session, o: { procedure: string; documents: readonly string[]; n: number }): Promise<{ status: number; code?: string }> {
  const body = new URLSearchParams({
    _csrf: s.csrf,
    procedure: o.procedure,
    fullName: `Người Nộp Số ${o.n}`,
    idNumber: `019190${String(o.n).padStart(6, "0")}`,
    phone: "0987654321",
    addressLine: "Thôn Tân Lập",
    consent: "yes",
  });
  for (const d of o.documents) body.append("doc", d);
  const res = await fetch(`${base}/staff/dossiers/new`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: s.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: body.toString(),
  });
  await res.arrayBuffer();
  const code = /\/staff\/dossiers\/([^?]+)/.exec(res.headers.get("location") ?? "")?.[1];
  return { status: res.status, ...(code ? { code: decodeURIComponent(code) } : {}) };
}

/** Records the fee paid in cash at the desk: the receipt's URL on success. */
export async function payCashOver(base: string, s: Session, code: string): Promise<{ status: number }> {
  const res = await fetch(`${base}/api/v1/dossiers/${encodeURIComponent(code)}/payments/cash`, {
    method: "POST",
    headers: { cookie: s.cookie, "x-csrf-token": s.csrf, "content-type": "application/json" },
    body: "{}",
  });
  await res.arrayBuffer();
  return { status: res.status };
}

/** Runs `tasks` with at most `limit` at once; keeps order. */
export async function inParallel<T>(limit: number, tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= tasks.length) return;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}
