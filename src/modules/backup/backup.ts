import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, open, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import { createGunzip, createGzip } from "node:zlib";
import type pg from "pg";
import copyStreams from "pg-copy-streams";
import { listMigrations } from "../../db/migrate";
import { listDiskFiles } from "../storage/migrate-disk";
import { putObject } from "../storage/postgres";
import { type FileStore, isFileKey } from "../storage/store";

// A logical backup made by the app itself (the embedded PostgreSQL ships no pg_dump, and the
// machine's pg_dump may be older than the server): a gzip stream holding a JSON header line, then
// for each table its COPY text data ended by a "\." line (COPY's text format never produces it as
// data: backslashes are escaped), then — version 2 — stored files as "#FILE {path, size, sha256}"
// and their bytes in base64 lines, ended by "\.". Files in the default PostgreSQL file store are
// rows of its tables (file_objects, file_contents, file_chunks) and travel with them; the "#FILE"
// sections carry the objects of an S3 store (unless left out: a province backs its bucket up by
// the bucket's own versioning or replication, docs/deployment.md) and files still on disk from
// before the file store (older backups hold only those; restored, they go into the store). Optionally the
// whole gzip stream is encrypted (AES-256-GCM, key from a passphrase by scrypt): magic "MCBKENC1",
// salt, nonce, ciphertext, and the 16-byte authentication tag at the end.

const FORMAT = "motcua-backup";
const VERSION = 2;
const END = "\\.";
const FILE_MARK = "#FILE ";
const ENC_MAGIC = Buffer.from("MCBKENC1");
const SALT_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const B64_LINE = 76 * 1024;

export class BackupFormatError extends Error {}

export type BackupOptions = {
  /** Files on disk not yet moved into the file store (DATA_DIR/files): included in the backup. */
  filesRoot?: string;
  /** The installation's file store: an S3 store's objects are written into the backup, and restored files go into it. */
  store?: FileStore;
  /** Leaves an S3 store's objects out of the backup (the bucket is backed up on its own). */
  skipObjects?: boolean;
  /** Encrypts the backup (writing) or decrypts it (reading). */
  passphrase?: string;
};

type TableInfo = { name: string; columns: string[]; orderBy: string };

// index766_dirty holds only "recount this agency" marks (migrations/1100_index766.sql): restoring the
// dossiers marks every agency again through the same triggers, and copying the backup's marks on
// top of those would collide.
async function listTables(client: pg.PoolClient): Promise<TableInfo[]> {
  const tables = await client.query<{ name: string; columns: string[]; pk: string[] | null }>(
    `select c.relname::text as name,
       array_agg(a.attname::text order by a.attnum) filter (where a.attgenerated = '') as columns,
       (select array_agg(pa.attname::text order by pa.attnum) from pg_index i join pg_attribute pa on pa.attrelid = i.indrelid and pa.attnum = any(i.indkey)
          where i.indrelid = c.oid and i.indisprimary) as pk
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname not in ('schema_migrations', 'index766_dirty')
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
  const visit = (name: string, trail: Set<string>) => {
    if (seen.has(name) || trail.has(name)) return;
    trail.add(name);
    for (const d of deps.rows) if (d.child === name) visit(d.parent, trail);
    seen.add(name);
    const t = byName.get(name);
    if (t) order.push({ name, columns: t.columns, orderBy: (t.pk ?? []).map((c) => `"${c}"`).join(", ") });
  };
  for (const name of [...byName.keys()].sort()) visit(name, new Set());
  return order;
}

function keyOf(passphrase: string, salt: Buffer): Buffer {
  return scryptSync(passphrase, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
}

export async function backupDatabase(pool: pg.Pool, file: string, opts: BackupOptions = {}): Promise<{ tables: number; rows: number; files: number; bytes: number }> {
  const client = await pool.connect();
  try {
    await client.query("begin isolation level repeatable read read only");
    const tables = await listTables(client);
    const migrations = (await client.query<{ name: string }>("select name from schema_migrations order by name")).rows.map((r) => r.name);
    const gzip = createGzip();
    const out = createWriteStream(file, { mode: 0o600 });
    let done: Promise<void>;
    if (opts.passphrase) {
      const salt = randomBytes(SALT_BYTES);
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv("aes-256-gcm", keyOf(opts.passphrase, salt), nonce);
      out.write(Buffer.concat([ENC_MAGIC, salt, nonce]));
      const tagged = new Transform({
        transform(chunk, _enc, cb) {
          cb(null, chunk);
        },
        flush(cb) {
          cb(null, cipher.getAuthTag());
        },
      });
      done = pipeline(gzip, cipher, tagged, out);
    } else {
      done = pipeline(gzip, out);
    }
    const write = async (s: string | Buffer) => {
      if (!gzip.write(s)) await once(gzip, "drain");
    };
    const objects = opts.store && opts.store.kind !== "postgres" && !opts.skipObjects ? opts.store : undefined;
    const header = {
      format: FORMAT,
      version: VERSION,
      createdAt: new Date().toISOString(),
      migrations,
      files: Boolean(opts.filesRoot || objects),
      storage: opts.store?.kind ?? "postgres",
      ...(opts.store && opts.store.kind !== "postgres" && opts.skipObjects ? { objectsLeftOut: true } : {}),
      tables: tables.map((t) => ({ name: t.name, columns: t.columns })),
    };
    await write(`${JSON.stringify(header)}\n`);
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
    await client.query("commit");
    let files = 0;
    let bytes = 0;
    const writeFileSection = async (key: string, data: Buffer) => {
      await write(`${FILE_MARK}${JSON.stringify({ path: key, size: data.length, sha256: createHash("sha256").update(data).digest("hex") })}\n`);
      const b64 = data.toString("base64");
      for (let i = 0; i < b64.length; i += B64_LINE) await write(`${b64.slice(i, i + B64_LINE)}\n`);
      await write(`${END}\n`);
      files++;
      bytes += data.length;
    };
    if (opts.filesRoot) {
      for (const rel of await listDiskFiles(opts.filesRoot)) {
        const data = await readFile(path.join(opts.filesRoot, rel)).catch(() => undefined);
        if (data) await writeFileSection(rel, data); // else removed while the backup ran
      }
    }
    if (objects) {
      for await (const o of objects.list()) {
        const data = await objects.get(o.key);
        if (data) await writeFileSection(o.key, data);
      }
    }
    gzip.end();
    await done;
    return { tables: tables.length, rows, files, bytes };
  } catch (e) {
    await client.query("rollback").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

type Encrypted = { salt: Buffer; nonce: Buffer; tag: Buffer; start: number; end: number };

async function encryptionOf(file: string): Promise<Encrypted | undefined> {
  const handle = await open(file, "r");
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(ENC_MAGIC.length + SALT_BYTES + NONCE_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead < ENC_MAGIC.length || !head.subarray(0, ENC_MAGIC.length).equals(ENC_MAGIC)) return undefined;
    if (size < head.length + TAG_BYTES) throw new BackupFormatError("Bản sao lưu bị cắt cụt / the backup file is truncated");
    const tag = Buffer.alloc(TAG_BYTES);
    await handle.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
    const salt = head.subarray(ENC_MAGIC.length, ENC_MAGIC.length + SALT_BYTES);
    return { salt, nonce: head.subarray(ENC_MAGIC.length + SALT_BYTES), tag, start: head.length, end: size - TAG_BYTES - 1 };
  } finally {
    await handle.close();
  }
}

function decipherOf(enc: Encrypted, passphrase: string) {
  const d = createDecipheriv("aes-256-gcm", keyOf(passphrase, enc.salt), enc.nonce);
  d.setAuthTag(enc.tag);
  return d;
}

const WRONG_KEY = "Không giải mã được bản sao lưu: sai mật khẩu hoặc tệp đã bị sửa / cannot decrypt the backup: wrong passphrase or the file was altered";

/**
 * The backup's gzip content, decrypted when it was encrypted. GCM authenticates only at the end,
 * so an encrypted file is read through once first: a wrong passphrase or an altered byte is refused
 * before any of it reaches the database.
 */
async function openBackup(file: string, passphrase: string | undefined): Promise<Readable> {
  const enc = await encryptionOf(file);
  if (!enc) return createReadStream(file);
  if (!passphrase) throw new BackupFormatError("Bản sao lưu được mã hóa: cần mật khẩu (MOTCUA_BACKUP_PASSPHRASE) / the backup is encrypted: a passphrase is needed");
  try {
    const check = decipherOf(enc, passphrase);
    for await (const _ of createReadStream(file, { start: enc.start, end: enc.end }).pipe(check)) {
      // read through: only the final tag check matters here
    }
  } catch {
    throw new BackupFormatError(WRONG_KEY);
  }
  const out = new PassThrough();
  pipeline(createReadStream(file, { start: enc.start, end: enc.end }), decipherOf(enc, passphrase), out).catch((e: Error) => out.destroy(new BackupFormatError(`${WRONG_KEY}: ${e.message}`)));
  return out;
}

/** The lines of the backup's text (without "\n"); errors of the file, decryption or gzip reach the reader. */
async function* linesOf(source: Readable): AsyncGenerator<string> {
  const gunzip = createGunzip();
  source.on("error", (e) => gunzip.destroy(e));
  source.pipe(gunzip);
  // The decoder keeps a character whose bytes a chunk boundary cut until its end arrives.
  const decoder = new StringDecoder("utf8");
  let rest = "";
  try {
    for await (const chunk of gunzip) {
      const text = rest + decoder.write(chunk as Buffer);
      let from = 0;
      for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", from)) {
        yield text.slice(from, i);
        from = i + 1;
      }
      rest = text.slice(from);
    }
  } catch (e) {
    if (e instanceof BackupFormatError) throw e;
    throw new BackupFormatError(`Bản sao lưu bị hỏng / the backup file is damaged: ${(e as Error).message}`);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  if (rest) yield rest;
}

type Header = { format: string; version?: number; migrations: string[]; files?: boolean; tables: { name: string; columns: string[] }[] };

/**
 * Replaces every table's content with the backup's, in one transaction (on any error nothing
 * changes), and puts the backup's files into the file store (`opts.store`, else PostgreSQL's). A backup taken at an older version restores into a
 * newer one: the schema is rebuilt at the backup's migrations, the data copied in, and the newer
 * migrations applied on top, all in the same transaction. A backup newer than the code is refused.
 */
export async function restoreDatabase(pool: pg.Pool, file: string, opts: BackupOptions = {}): Promise<{ tables: number; rows: number; files: number; migrated: string[] }> {
  const it = linesOf(await openBackup(file, opts.passphrase));
  const lines = { close: () => void it.return(undefined) };
  let header: Header;
  try {
    const first = await it.next();
    header = JSON.parse(first.value ?? "");
  } catch (e) {
    lines.close();
    if (e instanceof BackupFormatError) throw e;
    throw new BackupFormatError("Tệp không phải bản sao lưu Một Cửa / not a Mot Cua backup file");
  }
  if (header?.format !== FORMAT) {
    lines.close();
    throw new BackupFormatError("Tệp không phải bản sao lưu Một Cửa / not a Mot Cua backup file");
  }
  const known = listMigrations();
  const knownNames = new Set(known.map((m) => m.name));
  const unknown = header.migrations.filter((m) => !knownNames.has(m));
  if (unknown.length) {
    lines.close();
    throw new BackupFormatError(`Bản sao lưu mới hơn phần mềm / the backup is newer than this software (${unknown.at(-1)})`);
  }
  const inBackup = new Set(header.migrations);
  const client = await pool.connect();
  const staged: string[] = [];
  let tmp: string | undefined;
  try {
    await client.query("begin");
    // The schema exactly as the backup knew it, rebuilt in this transaction.
    await client.query("drop schema public cascade; create schema public");
    await client.query("create table schema_migrations (name text primary key, checksum text not null, applied_at timestamptz not null default now())");
    const apply = async (m: { name: string; sql: string; checksum: string }) => {
      await client.query(m.sql);
      await client.query("insert into schema_migrations (name, checksum) values ($1, $2)", [m.name, m.checksum]);
    };
    for (const m of known) if (inBackup.has(m.name)) await apply(m);
    const names = header.tables.map((t) => `"${t.name}"`).join(", ");
    // Rows the migrations wrote themselves (seed rows) give way to the backup's.
    if (names) await client.query(`truncate ${names} restart identity cascade`);
    let rows = 0;
    for (const t of header.tables) {
      const cols = t.columns.map((c) => `"${c}"`).join(", ");
      const copy = client.query(copyStreams.from(`copy "${t.name}" (${cols}) from stdin`));
      // Once the server refuses a row nothing more is written: writing into a failed COPY throws
      // outside any caller.
      let refused: Error | undefined;
      const finished = new Promise<void>((res, rej) => {
        copy.on("finish", () => res());
        copy.on("error", (e: Error) => {
          refused = e;
          rej(e);
        });
      });
      finished.catch(() => {});
      for (;;) {
        if (refused) throw refused;
        const n = await it.next();
        if (n.done) throw new BackupFormatError("Bản sao lưu bị cắt cụt / the backup file is truncated");
        if (n.value === END) break;
        rows++;
        if (!copy.write(`${n.value}\n`)) await Promise.race([once(copy, "drain"), finished]);
      }
      if (refused) throw refused;
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
    // The backup's files wait in a private temporary directory: they go into the file store once
    // its tables exist (PostgreSQL: in this transaction; S3: after the commit).
    let files = 0;
    if (header.files) {
      for (;;) {
        const n = await it.next();
        if (n.done) break;
        if (!n.value.startsWith(FILE_MARK)) throw new BackupFormatError("Phần tệp của bản sao lưu bị hỏng / the files section is damaged");
        const meta = JSON.parse(n.value.slice(FILE_MARK.length)) as { path: string; size: number; sha256: string };
        const parts: string[] = [];
        for (;;) {
          const l = await it.next();
          if (l.done) throw new BackupFormatError("Bản sao lưu bị cắt cụt / the backup file is truncated");
          if (l.value === END) break;
          parts.push(l.value);
        }
        const data = Buffer.from(parts.join(""), "base64");
        if (data.length !== meta.size || createHash("sha256").update(data).digest("hex") !== meta.sha256) {
          throw new BackupFormatError(`Tệp ${meta.path} trong bản sao lưu bị hỏng / a file in the backup is damaged`);
        }
        if (!isFileKey(meta.path)) throw new BackupFormatError("Đường dẫn tệp không hợp lệ / invalid file path");
        tmp ??= await mkdtemp(path.join(os.tmpdir(), "motcua-restore-"));
        await writeFile(path.join(tmp, String(staged.length)), data, { mode: 0o600 });
        staged.push(meta.path);
        files++;
      }
    }
    const migrated: string[] = [];
    for (const m of known) {
      if (inBackup.has(m.name)) continue;
      await apply(m);
      migrated.push(m.name);
    }
    const external = opts.store && opts.store.kind !== "postgres" ? opts.store : undefined;
    if (!external) for (const [i, key] of staged.entries()) await putObject(client, key, await readFile(path.join(tmp!, String(i))));
    await client.query("commit");
    if (external) for (const [i, key] of staged.entries()) await external.put(key, await readFile(path.join(tmp!, String(i))));
    return { tables: header.tables.length, rows, files, migrated };
  } catch (e) {
    await client.query("rollback").catch(() => {});
    throw e;
  } finally {
    client.release();
    lines.close();
    if (tmp) await rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
}

/** Size in bytes of a backup file, for reports. */
export async function backupSize(file: string): Promise<number> {
  return (await stat(file)).size;
}
