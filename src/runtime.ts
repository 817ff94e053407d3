import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Config } from "./config";
import { type EmbeddedServer, startEmbedded } from "./db/embedded";
import { configureCheckpointExport } from "./modules/audit/integrity";
import { configureBackups } from "./modules/backup/schedule";
import { filesRoot } from "./modules/dossiers/files";
import { configureAuditKeys, loadAuditKeys } from "./modules/audit/keys";
import { refreshProcedureDefaults } from "./modules/catalog/defaults";
import { migrate, withStartupLock } from "./db/migrate";
import { createPool } from "./db/pool";
import { Db } from "./db/scope";
import { sealLegacyRows } from "./modules/privacy/legacy";
import { listDiskFiles, migrateDiskFiles } from "./modules/storage/migrate-disk";
import { useConfiguredStore } from "./modules/storage/storage";
import { configureDataKeys, dataKeysFrom, usingDemoKey } from "./modules/privacy/sealing";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const VERSION: string = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;

export type Runtime = {
  db: Db;
  config: Config;
  connectionString: string;
  embedded?: EmbeddedServer;
  secret: string;
  close: () => Promise<void>;
};

/**
 * Opens the database the configuration names: the embedded server under DATA_DIR (started,
 * initialised on first use, recovered after a crash) or DATABASE_URL; then applies migrations.
 */
export async function openRuntime(config: Config, opts: { log?: (line: string) => void; migrate?: boolean; poolMax?: number; moveDiskFiles?: boolean } = {}): Promise<Runtime> {
  const log = opts.log ?? (() => {});
  let embedded: EmbeddedServer | undefined;
  let connectionString = config.databaseUrl;
  if (!connectionString) {
    embedded = await startEmbedded({ dataDir: config.dataDir, log: (l) => (/ERROR|FATAL|PANIC/.test(l) ? log(l) : undefined) });
    connectionString = embedded.connectionString;
  }
  // The audit chain's keys live outside the database (environment, else DATA_DIR/keys).
  configureAuditKeys(loadAuditKeys({ dataDir: config.dataDir }));
  configureCheckpointExport({ dir: path.join(config.dataDir, "audit-checkpoints"), ...(process.env.AUDIT_CHECKPOINT_EMAIL ? { email: process.env.AUDIT_CHECKPOINT_EMAIL } : {}) });
  configureBackups({
    dir: process.env.BACKUP_DIR ? path.resolve(process.env.BACKUP_DIR) : path.join(config.dataDir, "backups"),
    filesRoot: filesRoot(config.dataDir),
    keep: Math.max(1, Number(process.env.BACKUP_KEEP) || 14),
    ...(process.env.BACKUP_S3_OBJECTS === "skip" ? { skipObjects: true } : {}),
    ...(process.env.MOTCUA_BACKUP_PASSPHRASE ? { passphrase: process.env.MOTCUA_BACKUP_PASSPHRASE } : {}),
  });
  // Personal data is sealed with the configured key (or, outside production, the public demo key).
  configureDataKeys(dataKeysFrom({ key: config.dataKey, production: config.nodeEnv === "production" }));
  if (usingDemoKey()) log("Dữ liệu cá nhân được mã hóa bằng khóa demo công khai (chưa đặt MOTCUA_DATA_KEY) / personal data sealed with the PUBLIC demo key");
  const pool = createPool({ connectionString, max: opts.poolMax ?? 20 });
  const db = new Db(pool);
  try {
    if (opts.migrate !== false) await withStartupLock(pool, async () => {
      const applied = await migrate(pool);
      if (applied.length) log(`Applied migrations: ${applied.join(", ")}`);
      // Procedures whose offering defaults an older rule computed (or none yet): recomputed once.
      const refreshed = await db.system((tx) => refreshProcedureDefaults(tx));
      if (refreshed) log(`Recomputed the offering defaults of ${refreshed} procedures`);
      const sealed = await sealLegacyRows(db);
      if (sealed.dossiers || sealed.drafts) log(`Sealed the ID numbers of ${sealed.dossiers} dossiers and ${sealed.drafts} drafts`);
    });
    const store = useConfiguredStore(config, db);
    // Files an older version kept on this machine's disk go into the file store first, so that
    // every instance can serve them (a large install runs `motcua files migrate` beforehand).
    if (opts.migrate !== false && opts.moveDiskFiles !== false && (await listDiskFiles(filesRoot(config.dataDir))).length > 0) {
      let shown = -1;
      const moved = await migrateDiskFiles({
        root: filesRoot(config.dataDir),
        store,
        onProgress: (done, total) => {
          const pct = Math.floor((done / Math.max(1, total)) * 10) * 10;
          if (pct > shown) log(`Chuyển tệp vào kho lưu trữ / moving files into the file store: ${done}/${total}`);
          shown = Math.max(shown, pct);
        },
      });
      log(`Đã chuyển ${moved.migrated} tệp (${(moved.bytes / 1e6).toFixed(1)} MB) vào kho ${store.kind}${moved.skipped.length ? `; bỏ qua ${moved.skipped.length}` : ""}`);
    }
    const secret = config.sessionSecret ?? (await installationSecret(db));
    return {
      db,
      config,
      connectionString,
      ...(embedded ? { embedded } : {}),
      secret,
      close: async () => {
        await pool.end().catch(() => {});
        if (embedded) await embedded.stop();
      },
    };
  } catch (e) {
    await pool.end().catch(() => {});
    if (embedded) await embedded.stop();
    throw e;
  }
}

async function installationSecret(db: Db): Promise<string> {
  return db.system(async (tx) => {
    await tx.exec("insert into app_settings (key, value) values ('secret', to_jsonb($1::text)) on conflict (key) do nothing", [randomBytes(32).toString("base64url")]);
    return (await tx.one<{ v: string }>("select value #>> '{}' as v from app_settings where key = 'secret'")).v;
  });
}
