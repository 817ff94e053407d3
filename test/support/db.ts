import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createPool } from "../../src/db/pool";
import { Db } from "../../src/db/scope";
import { withDatabase } from "./global-db";

export type TestDb = { db: Db; url: string; name: string; drop: () => Promise<void> };

/** A fresh database cloned from the run's template (migrated, units imported, demo seeded). */
export async function createTestDb(): Promise<TestDb> {
  const adminUrl = inject("adminUrl");
  const template = inject("templateDb");
  const name = template.replace("motcua_tpl_", "motcua_t_") + "_" + randomBytes(3).toString("hex");
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // The template may be briefly busy while another file clones it; retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database "${name}" template "${template}"`);
        break;
      } catch (e) {
        if (attempt > 40 || !/being accessed/.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const pool = createPool({ connectionString: url, max: 10 });
  const db = new Db(pool);
  return {
    db,
    url,
    name,
    drop: async () => {
      await pool.end();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`).catch(() => {});
      await a.end();
    },
  };
}
