// Cost of the calendar's storage side on the embedded PostgreSQL: getAgencyCalendar (cache hit =
// one version query; cache miss = rebuild), and dossier-code throughput (one agency: receipts
// serialise on its counter row; many agencies: they do not).
// Run: node --import tsx bench/calendar-storage.ts
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbedded } from "../src/db/embedded";
import { migrate } from "../src/db/migrate";
import { createPool } from "../src/db/pool";
import { Db } from "../src/db/scope";
import { importUnits, readUnitsFile } from "../src/modules/agencies/units-import";
import { clearCalendarCache, getAgencyCalendar } from "../src/modules/calendar/service";
import { nextDossierCode } from "../src/modules/codes/dossier-codes";
import { seedDemo } from "../src/modules/demo/seed";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "motcua-bench-cal-"));
const server = await startEmbedded({ dataDir });
const pool = createPool({ connectionString: server.connectionString, max: 20 });
const db = new Db(pool);
try {
  await migrate(pool);
  await db.system((tx) => importUnits(tx, readUnitsFile()));
  const { communeId } = await db.system((tx) => seedDemo(tx, { production: false }));
  const scope = { agencyIds: [communeId], userId: null };

  const timeIt = async (n: number, fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fn();
    return (performance.now() - t0) / n;
  };
  await db.scoped(scope, (tx) => getAgencyCalendar(tx, communeId));
  const plain = await db.scoped(scope, (tx) => timeIt(2000, () => tx.query("select 1")));
  console.log(`baseline: "select 1" round trip: ${(plain * 1000).toFixed(0)} µs`);
  const plan = await db.system((tx) =>
    tx.query<{ "QUERY PLAN": string }>(
      `explain analyze with recursive chain(id, parent_id, depth) as (
         select id, parent_id, 0 from agencies where id = $1
         union all select a.id, a.parent_id, c.depth + 1 from agencies a join chain c on a.id = c.parent_id where c.depth < 10)
       select c.id, c.depth, coalesce(v.version, 0)::int as version from chain c left join calendar_versions v on v.agency_id = c.id order by c.depth`,
      [communeId],
    ),
  );
  if (process.env.PLAN) console.log(plan.map((r) => r["QUERY PLAN"]).join("\n"));
  const hit = await db.scoped(scope, (tx) => timeIt(2000, () => getAgencyCalendar(tx, communeId)));
  const miss = await db.scoped(scope, (tx) =>
    timeIt(300, async () => {
      clearCalendarCache();
      const c = await getAgencyCalendar(tx, communeId);
      c.yearTable(2026);
    }),
  );
  console.log(`getAgencyCalendar, cache hit (version query), inside one transaction: ${(hit * 1000).toFixed(0)} µs/call`);
  console.log(`getAgencyCalendar, cache miss (load office + schedules, build 2026 table): ${miss.toFixed(2)} ms/call`);

  const burst = async (label: string, agencies: number[], n: number, concurrency: number) => {
    const at = new Date(Date.UTC(2030, 0, 1 + agencies.length, 3));
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) {
          const agencyId = agencies[next++ % agencies.length]!;
          await db.scoped({ agencyIds: [agencyId], userId: null }, (tx) => nextDossierCode(tx, { agencyId, at }));
        }
      }),
    );
    const s = (performance.now() - t0) / 1000;
    console.log(`${label}: ${n} codes in ${s.toFixed(2)} s = ${(n / s).toFixed(0)} codes/s (${concurrency} concurrent transactions)`);
  };
  const others = await db.system((tx) => tx.query<{ id: number }>("select id from agencies where kind = 'commune' order by id limit 20"));
  await burst("nextDossierCode, one agency", [communeId], 2000, 20);
  await burst("nextDossierCode, 20 agencies", others.map((o) => o.id), 2000, 20);
} finally {
  await pool.end();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
