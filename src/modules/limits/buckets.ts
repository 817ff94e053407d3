// Rate limits that hold across instances: one row per key and window in PostgreSQL, counted with
// one statement. Used where one process's memory would not do (several app instances behind a
// load balancer must share the count).
import type { Db } from "../../db/scope";
import { DomainError } from "../../domain/errors";

export type Bucket = { key: string; limit: number; windowSeconds: number };

/** Counts a hit; over the limit, a DomainError "too_many" with the seconds to wait. */
export async function hitBucket(db: Db, b: Bucket, now = new Date()): Promise<void> {
  const r = await db.system((tx) =>
    tx.one<{ hits: number; window_start: Date }>(
      `insert into rate_buckets as r (key, window_start, hits) values ($1, $2, 1)
       on conflict (key) do update set
         window_start = case when r.window_start <= $2::timestamptz - make_interval(secs => $3) then $2::timestamptz else r.window_start end,
         hits = case when r.window_start <= $2::timestamptz - make_interval(secs => $3) then 1 else r.hits + 1 end
       returning hits, window_start`,
      [b.key, now, b.windowSeconds],
    ),
  );
  if (r.hits > b.limit) {
    const retryAfter = Math.max(1, Math.ceil((r.window_start.getTime() + b.windowSeconds * 1000 - now.getTime()) / 1000));
    throw new DomainError("too_many", "error.tooManySubmissions", { vars: { seconds: retryAfter } });
  }
}

/**
 * Anonymous online submissions: per address (generous, many citizens share a mobile network's
 * address) and per phone number (one person rarely files more than a few dossiers an hour). The
 * numbers are settings (SUBMISSIONS_PER_ADDRESS, SUBMISSIONS_PER_PHONE; defaults 30 per 10 minutes
 * and 6 per hour).
 */
export const SUBMISSION_WINDOWS = { address: 10 * 60, phone: 60 * 60 } as const;

export async function countAnonymousSubmission(db: Db, o: { address: string; phone: string | null; perAddress: number; perPhone: number }): Promise<void> {
  await hitBucket(db, { key: `submit:ip:${o.address}`, limit: o.perAddress, windowSeconds: SUBMISSION_WINDOWS.address });
  const digits = o.phone?.replace(/\D/g, "").replace(/^84/, "0");
  if (digits) await hitBucket(db, { key: `submit:phone:${digits}`, limit: o.perPhone, windowSeconds: SUBMISSION_WINDOWS.phone });
}
