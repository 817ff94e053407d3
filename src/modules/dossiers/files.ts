// Uploaded files: type checked by magic bytes (file-type), size limit, images decoded with a pixel
// limit (image bombs), then written to the installation's file store (src/modules/storage) under a
// new key `<agency id>/<yyyy>/<random>` — never the client's name — and listed as pending until the
// transaction that records them deletes the listing (finaliseFiles, its last step). A transaction
// that fails removes them (withStagedFiles, discardFiles); one that never ends leaves the listing,
// and the sweep job removes the file later. Any instance serves any file.

import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { fileTypeFromBuffer } from "file-type";
import type { Db, Tx } from "../../db/scope";
import { nameForType } from "../../domain/files/names";
import { DomainError } from "../../domain/errors";
import { cleanSpaces, toNfc } from "../../domain/text/fold";
import { fileStore } from "../storage/storage";
import { newFileKey } from "../storage/store";

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Document names are matched against the catalog's, some of which run to a paragraph: never cut one short of them. */
export const MAX_DOCUMENT_NAME = 4000;
/** 50 megapixels: a 300-dpi A3 scan is ~17 MP; more is a decompression bomb, not a document. */
export const MAX_IMAGE_PIXELS = 50_000_000;
export const ALLOWED_TYPES = ["application/pdf", "image/jpeg", "image/png"] as const;
export type AllowedType = (typeof ALLOWED_TYPES)[number];

export type UploadInput = { documentName: string; fileName: string; data: Buffer };

export type StagedFile = {
  documentName: string;
  fileName: string;
  contentType: AllowedType;
  size: number;
  sha256: string;
  /** The file's key in the file store. */
  storagePath: string;
};

/** Where files were kept on disk before the file store (DATA_DIR/files): migrated from at start (storage/migrate-disk.ts). */
export function filesRoot(dataDir: string): string {
  return path.join(dataDir, "files");
}

/** Checks one upload; throws DomainError too_large / unsupported_type / unprocessable naming the document. */
export async function checkUpload(u: UploadInput): Promise<AllowedType> {
  const vars = { name: u.documentName || u.fileName };
  if (u.data.length === 0) throw new DomainError("unprocessable", "dossier.err.fileEmpty", { vars });
  if (u.data.length > MAX_FILE_BYTES) throw new DomainError("too_large", "dossier.err.fileTooLarge", { vars });
  const ft = await fileTypeFromBuffer(u.data);
  const mime = ft?.mime as string | undefined;
  if (!mime || !(ALLOWED_TYPES as readonly string[]).includes(mime)) throw new DomainError("unsupported_type", "dossier.err.fileType", { vars });
  if (mime !== "application/pdf") {
    // sharp (libvips) on first use: an idle server never loads it.
    const { default: sharp } = await import("sharp");
    try {
      const meta = await sharp(u.data, { limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
      if (!meta.width || !meta.height || meta.width * meta.height > MAX_IMAGE_PIXELS) throw new DomainError("unprocessable", "dossier.err.imageTooBig", { vars });
      // Decoding (shrunk on load) proves the image is readable within the pixel limit.
      await sharp(u.data, { limitInputPixels: MAX_IMAGE_PIXELS }).resize(16, 16, { fit: "inside" }).toBuffer();
    } catch (e) {
      if (e instanceof DomainError) throw e;
      throw new DomainError("unprocessable", /pixel limit/i.test((e as Error).message) ? "dossier.err.imageTooBig" : "dossier.err.imageBroken", { vars });
    }
  }
  return mime as AllowedType;
}

function safeName(name: string): string {
  const n = cleanSpaces(toNfc(path.basename(name.replace(/\\/g, "/")))).replace(/[\u0000-\u001f"<>|]/g, "_");
  return (n || "tep").slice(0, 150);
}

/** Validates and stores the files, listed as pending for `agencyId`; on any failure removes what was stored. */
export async function stageFiles(options: { db: Db; agencyId: number; uploads: readonly UploadInput[]; now?: Date }): Promise<StagedFile[]> {
  const store = fileStore(options.db);
  const staged: StagedFile[] = [];
  try {
    for (const u of options.uploads) {
      const contentType = await checkUpload(u);
      const storagePath = newFileKey(options.agencyId, randomBytes(18).toString("base64url"), options.now);
      const file: StagedFile = {
        documentName: cleanSpaces(toNfc(u.documentName)).slice(0, MAX_DOCUMENT_NAME) || safeName(u.fileName),
        fileName: nameForType(safeName(u.fileName), contentType),
        contentType,
        size: u.data.length,
        sha256: createHash("sha256").update(u.data).digest("hex"),
        storagePath,
      };
      staged.push(file);
      await store.put(storagePath, u.data, { contentType, stagedFor: options.agencyId });
    }
    return staged;
  } catch (e) {
    await discardFiles(options.db, staged);
    throw e;
  }
}

/**
 * Marks staged files as recorded: call inside the transaction that records them (any scope that
 * includes their agency), so that they stay exactly when it commits.
 */
export async function finaliseFiles(tx: Tx, files: readonly StagedFile[]): Promise<void> {
  if (files.length === 0) return;
  await tx.exec("delete from file_pending where key = any($1::text[])", [files.map((f) => f.storagePath)]);
}

/** Removes staged files: after a rolled-back transaction (they are new keys that no row names). */
export async function discardFiles(db: Db, files: readonly StagedFile[]): Promise<void> {
  if (files.length === 0) return;
  const keys = files.map((f) => f.storagePath);
  try {
    await fileStore(db).remove(keys);
    await db.pool.query("delete from file_pending where key = any($1::text[])", [keys]);
  } catch {
    // Left pending: the sweep removes them.
  }
}

/** Runs `fn` (a transaction that records `files`) with the files staged; nothing is left behind on failure. */
export async function withStagedFiles<T>(db: Db, files: readonly StagedFile[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    await discardFiles(db, files);
    throw e;
  }
}
