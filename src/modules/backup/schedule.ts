// Nightly backups with retention, run by the job queue on one instance: the database (with the
// files of the PostgreSQL file store; an S3 store's objects unless BACKUP_S3_OBJECTS=skip) into
// BACKUP_DIR (default DATA_DIR/backups), encrypted when
// MOTCUA_BACKUP_PASSPHRASE is set, keeping the newest BACKUP_KEEP (default 14).
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { registerJob } from "../../jobs/queue";
import { fileStore } from "../storage/storage";
import type { FileStore } from "../storage/store";
import { backupDatabase } from "./backup";

export type BackupSchedule = { dir: string; filesRoot: string; keep: number; passphrase?: string; store?: FileStore; skipObjects?: boolean };

let schedule: BackupSchedule | undefined;

export function configureBackups(s: BackupSchedule | undefined): void {
  schedule = s;
}

const NAME = /^motcua-\d{8}-\d{6}\.backup$/;

/** Writes one backup now and removes the oldest beyond `keep`. Returns the file written. */
export async function runScheduledBackup(pool: import("pg").Pool, s: BackupSchedule, now = new Date()): Promise<string> {
  mkdirSync(s.dir, { recursive: true, mode: 0o700 });
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const file = path.join(s.dir, `motcua-${stamp}.backup`);
  await backupDatabase(pool, file, {
    filesRoot: s.filesRoot,
    ...(s.store ? { store: s.store } : {}),
    ...(s.skipObjects ? { skipObjects: true } : {}),
    ...(s.passphrase ? { passphrase: s.passphrase } : {}),
  });
  const old = readdirSync(s.dir)
    .filter((f) => NAME.test(f))
    .sort()
    .reverse()
    .slice(s.keep);
  for (const f of old) rmSync(path.join(s.dir, f), { force: true });
  return file;
}

registerJob({
  name: "backup.nightly",
  cron: "30 1 * * *",
  run: async ({ db }) => {
    if (schedule) await runScheduledBackup(db.pool, { ...schedule, store: fileStore(db) });
  },
});
