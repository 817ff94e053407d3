// Files that older versions kept under DATA_DIR/files move into the file store under the same key
// (their path relative to that directory, which is what the rows store), so no row changes. Each
// file is written, read back by size and hash, and only then removed from disk; a run stopped
// halfway goes on where it stopped. `motcua files migrate` shows a progress bar; the server does
// the same at start when it finds files there.

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import type { FileStore } from "./store";
import { isFileKey } from "./store";

export type DiskMigration = { migrated: number; bytes: number; skipped: string[] };

/** Every file under `root` (relative, "/"-separated, sorted); files being written (".part", ".restore") are left out. */
export async function listDiskFiles(root: string, dir = ""): Promise<string[]> {
  if (!existsSync(path.join(root, dir))) return [];
  const out: string[] = [];
  for (const e of await readdir(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listDiskFiles(root, rel)));
    else if (e.isFile() && !e.name.endsWith(".part") && !e.name.endsWith(".restore")) out.push(rel);
  }
  return out.sort();
}

export async function migrateDiskFiles(o: {
  root: string;
  store: FileStore;
  onProgress?: (done: number, total: number) => void;
  /** Keep the files on disk after copying (default: removed once verified). */
  keep?: boolean;
}): Promise<DiskMigration> {
  const files = await listDiskFiles(o.root);
  const out: DiskMigration = { migrated: 0, bytes: 0, skipped: [] };
  o.onProgress?.(0, files.length);
  for (const [i, rel] of files.entries()) {
    if (!isFileKey(rel)) {
      // Not a path this software wrote: left where it is, and named in the result.
      out.skipped.push(rel);
      o.onProgress?.(i + 1, files.length);
      continue;
    }
    const data = await readFile(path.join(o.root, rel));
    const sha256 = createHash("sha256").update(data).digest("hex");
    await o.store.put(rel, data);
    const back = await o.store.head(rel);
    if (!back || back.size !== data.length || (back.sha256 && back.sha256 !== sha256)) {
      throw new Error(`the copy of ${rel} in the file store does not match the file on disk`);
    }
    if (!o.keep) await rm(path.join(o.root, rel));
    out.migrated++;
    out.bytes += data.length;
    o.onProgress?.(i + 1, files.length);
  }
  if (!o.keep) await removeEmptyDirs(o.root);
  return out;
}

async function removeEmptyDirs(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const e of await readdir(dir, { withFileTypes: true })) if (e.isDirectory()) await removeEmptyDirs(path.join(dir, e.name));
  await rmdir(dir).catch(() => {});
}
