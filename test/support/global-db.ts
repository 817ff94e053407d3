import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { type EmbeddedServer, startEmbedded } from "../../src/db/embedded";
import { migrate } from "../../src/db/migrate";
import { createPool } from "../../src/db/pool";
import { Db } from "../../src/db/scope";
import { importUnits, readUnitsFile } from "../../src/modules/agencies/units-import";
import { seedDemo } from "../../src/modules/demo/seed";
import "../../src/web/modules";

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
    dbKind: string;
  }
}

let embedded: EmbeddedServer | undefined;
let dataDir: string | undefined;
let adminUrl = "";
let templateDb = "";

/** The same server, another database: handles both URL forms (TCP host, or a Unix socket in ?host=). */
export function withDatabase(url: string, database: string): string {
  if (url.includes("@/")) return url.replace(/@\/[^?]*/, `@/${database}`);
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * One PostgreSQL for the whole run: the embedded server in a temporary directory, or the server
 * at TEST_DATABASE_URL. A template database is migrated and seeded once (units + demo commune);
 * each test file clones it (test/support/db.ts), so files never see each other's rows.
 */
export async function setup(project: TestProject): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL;
  } else {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "motcua-test-"));
    embedded = await startEmbedded({ dataDir });
    adminUrl = withDatabase(embedded.connectionString, "postgres");
  }
  templateDb = `motcua_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${templateDb}" template template0 encoding 'UTF8'`);
  await admin.end();
  const pool = createPool({ connectionString: withDatabase(adminUrl, templateDb), max: 2 });
  try {
    await migrate(pool);
    const db = new Db(pool);
    await db.system((tx) => importUnits(tx, readUnitsFile()));
    await db.system((tx) => seedDemo(tx, { production: false }));
  } finally {
    await pool.end();
  }
  project.provide("adminUrl", adminUrl);
  project.provide("templateDb", templateDb);
  project.provide("dbKind", embedded ? "embedded" : "external");
}

export async function teardown(): Promise<void> {
  if (adminUrl && templateDb) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const leftovers = await admin.query<{ datname: string }>("select datname from pg_database where datname like $1", [`motcua_t%_${process.pid}_%`]);
    for (const r of leftovers.rows) await admin.query(`drop database if exists "${r.datname}" with (force)`).catch(() => {});
    await admin.query(`drop database if exists "${templateDb}" with (force)`).catch(() => {});
    await admin.end();
  }
  if (embedded) await embedded.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
