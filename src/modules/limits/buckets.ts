// Rate limits that hold across instances: one row per key and window in PostgreSQL, counted with
// one statement. Used where one process's memory would not do (several app instances behind a
// load balancer must share the count).
import type { Db } from "../../db/scope";
import { DomainError } from "../../domain/errors";

export type Bucket = { key: string; limit: number; windowSeconds: number };

/** Counts a hit; over the limit, a DomainError "too_many" with the seconds to wait. */
export async function hitBucket(db: Db, b: Bucket, now = new Date()): Promise<void> {
  await hitBuckets(db, [b], now);
}

/**
 * Counts a hit in each bucket with one statement, outside any transaction (it is on the path of
 * every anonymous submission: one round trip, not a begin/insert/commit per bucket). Over any
 * limit: "too_many" with the longest wait.
 */
export async function hitBuckets(db: Db, buckets: readonly Bucket[], now = new Date()): Promise<void> {
  if (buckets.length === 0) return;
  const r = await db.pool.query<{ key: string; hits: number; window_start: Date }>(
    `insert into rate_buckets as r (key, window_start, hits)
     select key, $2::timestamptz, 1 from unnest($1::text[]) as k(key)
     on conflict (key) do update set
       window_start = case when r.window_start <= $2::timestamptz - make_interval(secs => (select w from unnest($1::text[], $3::int[]) as x(k, w) where x.k = r.key)) then $2::timestamptz else r.window_start end,
       hits = case when r.window_start <= $2::timestamptz - make_interval(secs => (select w from unnest($1::text[], $3::int[]) as x(k, w) where x.k = r.key)) then 1 else r.hits + 1 end
     returning key, hits, window_start`,
    [buckets.map((b) => b.key), now, buckets.map((b) => b.windowSeconds)],
  );
  let retryAfter = 0;
  for (const row of r.rows) {
    const b = buckets.find((x) => x.key === row.key);
    if (b && row.hits > b.limit) retryAfter = Math.max(retryAfter, Math.ceil((row.window_start.getTime() + b.windowSeconds * 1000 - now.getTime()) / 1000), 1);
  }
  if (retryAfter > 0) throw new DomainError("too_many", "error.tooManySubmissions", { vars: { seconds: retryAfter } });
}

/**
 * Anonymous online submissions: per address (generous, many citizens share a mobile network's
 * address) and per phone number (one person rarely files more than a few dossiers an hour). The
 * numbers are settings (SUBMISSIONS_PER_ADDRESS, SUBMISSIONS_PER_PHONE; defaults 30 per 10 minutes
 * and 6 per hour).
 */
export const SUBMISSION_WINDOWS = { address: 10 * 60, phone: 60 * 60 } as const;

export async function countAnonymousSubmission(db: Db, o: { address: string; phone: string | null; perAddress: number; perPhone: number }): Promise<void> {
  const digits = o.phone?.replace(/\D/g, "").replace(/^84/, "0");
  await hitBuckets(db, [
    { key: `submit:ip:${o.address}`, limit: o.perAddress, windowSeconds: SUBMISSION_WINDOWS.address },
    ...(digits ? [{ key: `submit:phone:${digits}`, limit: o.perPhone, windowSeconds: SUBMISSION_WINDOWS.phone }] : []),
  ]);
}
