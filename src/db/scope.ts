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

export type Tx = {
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<R[]>;
  /** Exactly one row, else throws NotFoundError. */
  one<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<R>;
  maybeOne<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<R | undefined>;
  /** Runs a statement and returns the number of rows it touched. */
  exec(text: string, values?: readonly unknown[]): Promise<number>;
  readonly scope: Scope | "system";
};

function makeTx(client: pg.PoolClient, scope: Scope | "system"): Tx {
  return {
    scope,
    async query(text, values) {
      const r = await client.query(text, values as unknown[] | undefined);
      return r.rows;
    },
    async one(text, values) {
      const r = await client.query(text, values as unknown[] | undefined);
      if (r.rows.length !== 1) throw new NotFoundError();
      return r.rows[0];
    },
    async maybeOne(text, values) {
      const r = await client.query(text, values as unknown[] | undefined);
      return r.rows[0];
    },
    async exec(text, values) {
      const r = await client.query(text, values as unknown[] | undefined);
      return r.rowCount ?? 0;
    },
  };
}

export class Db {
  constructor(readonly pool: pg.Pool) {}

  /** A transaction confined by row-level security to the scope's agencies. */
  async scoped<T>(scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("begin");
      await client.query(
        "select set_config('app.agency_ids', $1, true), set_config('app.all_agencies', $2, true), set_config('app.user_id', $3, true), set_config('role', 'motcua_app', true)",
        [`{${scope.agencyIds.join(",")}}`, scope.allAgencies ? "on" : "off", scope.userId == null ? "" : String(scope.userId)],
      );
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
