// LISTEN on a dedicated connection that reopens itself: how an instance learns at once of a change
// another instance committed (a trigger's pg_notify is delivered at commit only). While the
// connection is down, `connected()` is false and the caller falls back to polling; on every
// (re)connection `onConnect` runs, since notifications sent meanwhile are lost.

import pg from "pg";

export type Listening = { connected: () => boolean; stop: () => Promise<void> };

export function listen(o: {
  connectionString: string;
  channel: string;
  onNotify: (payload: string | undefined) => void;
  onConnect?: () => void;
  log?: (line: string) => void;
  retryMs?: number;
}): Listening {
  if (!/^[a-z_][a-z0-9_]*$/.test(o.channel)) throw new Error(`invalid channel name: ${o.channel}`);
  let client: pg.Client | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const retry = () => {
    if (!stopped) timer = setTimeout(() => void connect(), o.retryMs ?? 2000).unref();
  };
  const connect = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: o.connectionString, application_name: `motcua-listen-${o.channel}`, keepAlive: true });
    c.on("notification", (n) => o.onNotify(n.payload));
    c.on("error", (e) => {
      o.log?.(`listen ${o.channel}: ${e.message}`);
      if (client === c) client = undefined;
      c.end().catch(() => {});
      retry();
    });
    c.on("end", () => {
      if (client === c) {
        client = undefined;
        retry();
      }
    });
    try {
      await c.connect();
      await c.query(`listen ${o.channel}`);
      if (stopped) {
        await c.end().catch(() => {});
        return;
      }
      client = c;
      o.onConnect?.();
    } catch (e) {
      o.log?.(`listen ${o.channel}: ${(e as Error).message}`);
      await c.end().catch(() => {});
      retry();
    }
  };
  void connect();
  return {
    connected: () => client !== undefined,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
