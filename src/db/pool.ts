import pg from "pg";

// Dates stay calendar dates (no time-zone shift through JS Date); counts and ids come back as numbers.
pg.types.setTypeParser(1082, (v) => v); // date → "YYYY-MM-DD"
pg.types.setTypeParser(20, (v) => Number(v)); // int8
pg.types.setTypeParser(1700, (v) => Number(v)); // numeric

export type PoolOptions = { connectionString: string; max?: number; applicationName?: string };

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 20,
    application_name: options.applicationName ?? "motcua",
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its server (restart, network) must not crash the process.
  pool.on("error", () => {});
  return pool;
}
