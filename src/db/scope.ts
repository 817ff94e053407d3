import { createHash } from "node:crypto";
import type pg from "pg";

/**
 * Who a transaction acts for. Row-level security policies in the database read these values
 * (see migrations/0001_core.sql): a scoped transaction runs as the role `motcua_app`, which
 * cannot bypass RLS, so a query can only see and change rows of `agencyIds` (or every agency
 * when `allAgencies`), whatever SQL a module writes.
 */
export type Scope = {
  agencyIds: readonly number[];
  allAgencies?: boolean;
  userId?: number | null;
};

export const PUBLIC_SCOPE: Scope = { agencyIds: [], userId: null };

export class NotFoundError extends Error {
  constructor(what = "row") {
    super(`${what} not found`);
    this.name = "NotFoundError";
  }
}

/** SQL text, or a statement each connection parses and plans once (see `prepared`). */
export type Statement = string | { readonly name: string; readonly text: string };

const preparedByText = new Map<string, Statement>();

/**
 * Marks a hot statement of fixed text as prepared: each pooled connection parses and plans it
 * once and afterwards only binds values (a large statement's planning can cost more than running
 * it). Only for texts from a small fixed set, never for SQL that varies with input (lists, filters):
 * every distinct text stays prepared on every connection.
 */
export function prepared(text: string): Statement {
  let s = preparedByText.get(text);
  if (!s) {
    s = { name: `mc_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`, text };
    preparedByText.set(text, s);
  }
  return s;
}

export type Tx = {
  query<R = Record<string, unknown>>(text: Statement, values?: readonly unknown[]): Promise<R[]>;
  /** Exactly one row, else throws NotFoundError. */
  one<R = Record<string, unknown>>(text: Statement, values?: readonly unknown[]): Promise<R>;
  maybeOne<R = Record<string, unknown>>(text: Statement, values?: readonly unknown[]): Promise<R | undefined>;
  /** Runs a statement and returns the number of rows it touched. */
  exec(text: Statement, values?: readonly unknown[]): Promise<number>;
  readonly scope: Scope | "system";
};

function makeTx(client: pg.PoolClient, scope: Scope | "system"): Tx {
  const run = (s: Statement, values: readonly unknown[] | undefined) =>
    typeof s === "string" ? client.query(s, values as unknown[] | undefined) : client.query({ name: s.name, text: s.text, values: values as unknown[] | undefined });
  return {
    scope,
    async query(text, values) {
      return (await run(text, values)).rows;
    },
    async one(text, values) {
      const r = await run(text, values);
      if (r.rows.length !== 1) throw new NotFoundError();
      return r.rows[0];
    },
    async maybeOne(text, values) {
      return (await run(text, values)).rows[0];
    },
    async exec(text, values) {
      return (await run(text, values)).rowCount ?? 0;
    },
  };
}

function integerOf(v: unknown): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new TypeError(`scope ids must be integers, got ${String(v)}`);
  return v;
}

/**
 * `begin` and the scope settings in one simple-protocol round trip (no parameters, so several
 * statements may share it): every scoped transaction pays one round trip less. Only integers are
 * interpolated, each checked.
 */
export function scopeStatement(scope: Scope): string {
  const ids = scope.agencyIds.map(integerOf).join(",");
  const user = scope.userId == null ? "" : String(integerOf(scope.userId));
  return `begin; select set_config('app.agency_ids', '{${ids}}', true), set_config('app.all_agencies', '${scope.allAgencies ? "on" : "off"}', true), set_config('app.user_id', '${user}', true), set_config('role', 'motcua_app', true)`;
}

export class Db {
  constructor(readonly pool: pg.Pool) {}

  /** A transaction confined by row-level security to the scope's agencies. */
  async scoped<T>(scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(scopeStatement(scope));
      const result = await fn(makeTx(client, scope));
      await client.query("commit");
      return result;
    } catch (e) {
      await client.query("rollback").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  /**
   * A scoped transaction sent as one script in one round trip — begin, scope, `script`, commit —
   * so that locks it takes are held only while the server runs it. Simple protocol: no
   * parameters, so the script may only interpolate values the caller has checked (integers, keys
   * it made). Returns the result of every statement, the script's last.
   */
  async scopedScript(scope: Scope, script: string): Promise<pg.QueryResult[]> {
    const client = await this.pool.connect();
    try {
      const results = (await client.query(`${scopeStatement(scope)}; ${script}; commit`)) as unknown as pg.QueryResult[];
      // begin, set_config, …script…, commit: the caller wants the script's.
      return results.slice(2, -1);
    } catch (e) {
      await client.query("rollback").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  /**
   * A transaction as the schema owner, outside tenant scoping. Only for work that is not done on
   * behalf of a tenant user: sign-in look-ups, migrations, imports, the CLI and background jobs.
   */
  async system<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("begin");
      const result = await fn(makeTx(client, "system"));
      await client.query("commit");
      return result;
    } catch (e) {
      await client.query("rollback").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
