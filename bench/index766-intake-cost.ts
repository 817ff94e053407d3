// What keeping the QĐ 766 counters current adds to each write of the intake path, measured on one
// connection so the machine's load matters less than in the HTTP bench: single-row inserts of a
// dossier, then single-row status updates (a transition), N of each, with the index's statement
// triggers and its index on dossiers, and without them — alternated, in transactions that are rolled
// back (nothing is left behind). Uses the data directory of bench/index766.ts (1,000,000 dossiers).
// Run: node --import tsx bench/index766-intake-cost.ts   (BENCH_DATA_DIR; BENCH_N rows per round, default 2000; BENCH_ROUNDS, default 10)
import { performance } from "node:perf_hooks";
import { loadConfig } from "../src/config";
import { openRuntime } from "../src/runtime";

const DATA_DIR = process.env.BENCH_DATA_DIR ?? "/tmp/motcua-bench-supervision";
const N = Number(process.env.BENCH_N ?? 2000);
const rt = await openRuntime(loadConfig({ DATA_DIR, NODE_ENV: "development", LOG_LEVEL: "silent" }), { poolMax: 2 });
const client = await rt.db.pool.connect();
try {
  const agency = (await client.query<{ id: number }>("select agency_id as id from dossiers group by agency_id order by agency_id limit 1")).rows[0]!.id;
  const triggers = (await client.query<{ tgname: string; tbl: string }>("select tgname, tgrelid::regclass::text as tbl from pg_trigger where tgname like 'index766_%'")).rows;
  const round = async (withIndex: boolean) => {
    await client.query("begin");
    try {
      if (!withIndex) {
        for (const t of triggers) await client.query(`alter table ${t.tbl} disable trigger ${t.tgname}`);
        await client.query("drop index dossiers_open766");
      }
      const ids: number[] = [];
      let t0 = performance.now();
      for (let i = 0; i < N; i++) {
        const r = await client.query<{ id: number }>(
          `insert into dossiers (agency_id, code, procedure_code, procedure_name, channel, status, applicant_full_name, applicant_id_number, applicant_phone, submitted_at, received_at, due_at)
           values ($1, $2, '1.001193', 'Đăng ký khai sinh', 'online', 'received', 'Người nộp', '', '0900000000', now(), now(), now() + interval '3 days') returning id`,
          [agency, `BENCH766-${withIndex ? "A" : "B"}-${i}-${Date.now()}`],
        );
        ids.push(r.rows[0]!.id);
      }
      const insertMs = (performance.now() - t0) / N;
      t0 = performance.now();
      for (const id of ids) await client.query("update dossiers set status = 'in_progress', updated_at = now() where id = $1", [id]);
      const updateMs = (performance.now() - t0) / N;
      return { insertMs, updateMs };
    } finally {
      await client.query("rollback");
    }
  };
  const rows: { withIndex: boolean; insertMs: number; updateMs: number }[] = [];
  for (let r = 0; r < Number(process.env.BENCH_ROUNDS ?? 10); r++) {
    const withIndex = r % 2 === 0;
    rows.push({ withIndex, ...(await round(withIndex)) });
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const w of [true, false]) {
    const sel = rows.filter((r) => r.withIndex === w);
    console.log(
      `${w ? "with" : "without"} the QĐ 766 triggers and index: insert median ${(med(sel.map((r) => r.insertMs)) * 1000).toFixed(0)} µs, update median ${(med(sel.map((r) => r.updateMs)) * 1000).toFixed(0)} µs per row (rounds: ${sel.map((r) => `${(r.insertMs * 1000).toFixed(0)}/${(r.updateMs * 1000).toFixed(0)}`).join(", ")})`,
    );
  }
} finally {
  client.release();
  await rt.close();
}
