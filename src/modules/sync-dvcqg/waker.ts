// Wakes the sender as soon as a transaction that wrote outbox rows commits: the trigger's
// pg_notify is delivered at commit only. One LISTEN connection per process; a lost connection is
// opened again (the minute job sends meanwhile, so nothing waits for it).

import pg from "pg";
import { SYNC_CHANNEL } from "./outbox";

export type SyncWaker = { stop: () => Promise<void> };

export function startSyncWaker(opts: { connectionString: string; wake: () => void; log?: (line: string) => void; debounceMs?: number }): SyncWaker {
  let client: pg.Client | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      opts.wake();
    }, opts.debounceMs ?? 300);
  };
  const connect = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: opts.connectionString, application_name: "motcua-sync-waker" });
    c.on("notification", fire);
    c.on("error", (e) => {
      opts.log?.(`sync waker: ${e.message}`);
      client = undefined;
      c.end().catch(() => {});
      if (!stopped) setTimeout(() => void connect(), 5000).unref();
    });
    try {
      await c.connect();
      await c.query(`listen ${SYNC_CHANNEL}`);
      client = c;
      // Rows written while nobody listened (start-up, a reconnection) are sent now.
      fire();
    } catch (e) {
      opts.log?.(`sync waker: ${(e as Error).message}`);
      await c.end().catch(() => {});
      if (!stopped) setTimeout(() => void connect(), 5000).unref();
    }
  };
  void connect();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
}
