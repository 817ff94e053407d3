import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import readline from "node:readline";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import type pg from "pg";
import copyStreams from "pg-copy-streams";

// A logical backup made by the app itself (the embedded PostgreSQL ships no pg_dump, and the
// machine's pg_dump may be older than the server): a gzip file holding a JSON header line, then
// for each table its COPY text data ended by a "\." line, which COPY's text format never
// produces as data (backslashes are escaped).

const FORMAT = "motcua-backup";
const END = "\\.";

type TableInfo = { name: string; columns: string[]; orderBy: string };

async function listTables(client: pg.PoolClient): Promise<TableInfo[]> {
  const tables = await client.query<{ name: string; columns: string[]; pk: string[] | null }>(
    `select c.relname::text as name,
       array_agg(a.attname::text order by a.attnum) filter (where a.attgenerated = '') as columns,
       (select array_agg(pa.attname::text order by pa.attnum) from pg_index i join pg_attribute pa on pa.attrelid = i.indrelid and pa.attnum = any(i.indkey)
          where i.indrelid = c.oid and i.indisprimary) as pk
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname <> 'schema_migrations'
     group by c.oid, c.relname`,
  );
  const deps = await client.query<{ child: string; parent: string }>(
    `select cl.relname::text as child, pl.relname::text as parent from pg_constraint k
     join pg_class cl on cl.oid = k.conrelid join pg_class pl on pl.oid = k.confrelid
     join pg_namespace n on n.oid = cl.relnamespace
     where k.contype = 'f' and n.nspname = 'public' and cl.oid <> pl.oid`,
  );
  // Parents before children, so restore can keep foreign keys checked.
  const byName = new Map(tables.rows.map((t) => [t.name, t]));
  const order: TableInfo[] = [];
  const seen = new Set<string>();
  const visit = (name: string, path: Set<string>) => {
    if (seen.has(name) || path.has(name)) return;
    path.add(name);
    for (const d of deps.rows) if (d.child === name) visit(d.parent, path);
    seen.add(name);
    const t = byName.get(name);
    if (t) order.push({ name, columns: t.columns, orderBy: (t.pk ?? []).map((c) => `"${c}"`).join(", ") });
  };
  for (const name of [...byName.keys()].sort()) visit(name, new Set());
  return order;
}

export async function backupDatabase(pool: pg.Pool, file: string): Promise<{ tables: number; rows: number }> {
  const client = await pool.connect();
  try {
    await client.query("begin isolation level repeatable read read only");
    const tables = await listTables(client);
    const migrations = (await client.query<{ name: string }>("select name from schema_migrations order by name")).rows.map((r) => r.name);
    const gzip = createGzip();
    const out = createWriteStream(file, { mode: 0o600 });
    const done = pipeline(gzip, out);
    const write = async (s: string) => {
      if (!gzip.write(s)) await once(gzip, "drain");
    };
    await write(`${JSON.stringify({ format: FORMAT, version: 1, createdAt: new Date().toISOString(), migrations, tables: tables.map((t) => ({ name: t.name, columns: t.columns })) })}\n`);
    let rows = 0;
    for (const t of tables) {
      const cols = t.columns.map((c) => `"${c}"`).join(", ");
      const copy = client.query(copyStreams.to(`copy (select ${cols} from "${t.name}"${t.orderBy ? ` order by ${t.orderBy}` : ""}) to stdout`));
      for await (const chunk of copy) {
        const text = (chunk as Buffer).toString("utf8");
        for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) rows++;
        if (!gzip.write(chunk)) await once(gzip, "drain");
      }
      await write(`${END}\n`);
    }
    gzip.end();
    await done;
    await client.query("commit");
    return { tables: tables.length, rows };
  } catch (e) {
    await client.query("rollback").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

export class BackupFormatError extends Error {}

/**
 * Replaces every table's content with the backup's, in one transaction: on any error nothing
 * changes. The schema must be at the same migrations as when the backup was taken.
 */
export async function restoreDatabase(pool: pg.Pool, file: string): Promise<{ tables: number; rows: number }> {
  const lines = readline.createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Number.POSITIVE_INFINITY });
  const it = lines[Symbol.asyncIterator]();
  const first = await it.next();
  let header: { format: string; migrations: string[]; tables: { name: string; columns: string[] }[] };
  try {
    header = JSON.parse(first.value ?? "");
  } catch {
    throw new BackupFormatError("Tệp không phải bản sao lưu Một Cửa / not a Mot Cua backup file");
  }
  if (header.format !== FORMAT) throw new BackupFormatError("Tệp không phải bản sao lưu Một Cửa / not a Mot Cua backup file");
  const client = await pool.connect();
  try {
    const current = (await client.query<{ name: string }>("select name from schema_migrations order by name")).rows.map((r) => r.name);
    if (current.join(",") !== header.migrations.join(",")) {
      throw new BackupFormatError(
        `Bản sao lưu thuộc phiên bản cơ sở dữ liệu khác / the backup was taken at other migrations (backup: ${header.migrations.at(-1)}, database: ${current.at(-1)})`,
      );
    }
    await client.query("begin");
    const names = header.tables.map((t) => `"${t.name}"`).join(", ");
    if (names) await client.query(`truncate ${names} restart identity cascade`);
    let rows = 0;
    for (const t of header.tables) {
      const cols = t.columns.map((c) => `"${c}"`).join(", ");
      const copy = client.query(copyStreams.from(`copy "${t.name}" (${cols}) from stdin`));
      const finished = new Promise<void>((res, rej) => {
        copy.on("finish", () => res());
        copy.on("error", rej);
      });
      for (;;) {
        const n = await it.next();
        if (n.done) throw new BackupFormatError("Bản sao lưu bị cắt cụt / the backup file is truncated");
        if (n.value === END) break;
        rows++;
        if (!copy.write(`${n.value}\n`)) await once(copy, "drain");
      }
      copy.end();
      await finished;
      // Identity counters continue after the restored ids.
      const ids = await client.query<{ col: string; seq: string }>(
        `select a.attname::text as col, pg_get_serial_sequence($1, a.attname) as seq from pg_attribute a
         where a.attrelid = $1::regclass and a.attidentity <> '' and a.attnum > 0`,
        [`"${t.name}"`],
      );
      for (const r of ids.rows) {
        await client.query(`select setval($1, coalesce((select max("${r.col}") from "${t.name}"), 0) + 1, false)`, [r.seq]);
      }
    }
    await client.query("commit");
    return { tables: header.tables.length, rows };
  } catch (e) {
    await client.query("rollback").catch(() => {});
    throw e;
  } finally {
    client.release();
    lines.close();
  }
}
