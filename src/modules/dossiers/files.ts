// Uploaded files: type checked by magic bytes (file-type), size limit, images decoded with a pixel
// limit (image bombs), written to a temporary name first and moved to their final place only when
// the transaction that records them is about to commit; removed on any failure.
// Final place: DATA_DIR/files/<agency id>/<yyyy>/<random>; never the client's name.

import { createHash, randomBytes } from "node:crypto";
import { writeFile as writeFileCb } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { promisify } from "node:util";
import path from "node:path";
import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";
import { nameForType } from "../../domain/files/names";
import { DomainError } from "../../domain/errors";
import { cleanSpaces, toNfc } from "../../domain/text/fold";

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
  /** Relative to the files root. */
  storagePath: string;
  tempPath: string;
  finalPath: string;
};

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

/**
 * The callback `fs.writeFile`, promisified: unlike `fs/promises` it needs no FileHandle object per
 * file (created, tracked and closed through the event loop), which showed under upload load.
 */
const writeFile = promisify(writeFileCb);

/** Directories made by this process (one per agency and year): spares a mkdir per upload. */
const knownDirs = new Set<string>();

/** Validates and writes the files under temporary names; on any failure removes what was written. */
export async function stageFiles(options: { root: string; agencyId: number; uploads: readonly UploadInput[]; now?: Date }): Promise<StagedFile[]> {
  const staged: StagedFile[] = [];
  try {
    const year = String((options.now ?? new Date()).getUTCFullYear());
    const dir = path.join(options.root, String(options.agencyId), year);
    if (!knownDirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      knownDirs.add(dir);
    }
    for (const u of options.uploads) {
      const contentType = await checkUpload(u);
      const random = randomBytes(18).toString("base64url");
      const storagePath = `${options.agencyId}/${year}/${random}`;
      const finalPath = path.join(options.root, storagePath);
      const tempPath = `${finalPath}.part`;
      await writeFile(tempPath, u.data, { flag: "wx" }).catch(async (e: NodeJS.ErrnoException) => {
        // The directory was removed behind this process's back: make it again, once.
        if (e.code !== "ENOENT") throw e;
        await mkdir(dir, { recursive: true });
        await writeFile(tempPath, u.data, { flag: "wx" });
      });
      staged.push({
        documentName: cleanSpaces(toNfc(u.documentName)).slice(0, MAX_DOCUMENT_NAME) || safeName(u.fileName),
        fileName: nameForType(safeName(u.fileName), contentType),
        contentType,
        size: u.data.length,
        sha256: createHash("sha256").update(u.data).digest("hex"),
        storagePath,
        tempPath,
        finalPath,
      });
    }
    return staged;
  } catch (e) {
    await discardFiles(staged);
    throw e;
  }
}

/** Moves staged files to their final names: call as the last step inside the recording transaction. */
export async function finaliseFiles(files: readonly StagedFile[]): Promise<void> {
  // In parallel: a batch moves dozens of files, and each rename waits its turn on the thread pool.
  await Promise.all(
    files.map(async (f) => {
      try {
        await rename(f.tempPath, f.finalPath);
      } catch (e) {
        // Moved already by an attempt whose transaction then failed (a batch retried one by one).
        if ((e as NodeJS.ErrnoException).code !== "ENOENT" || !(await stat(f.finalPath).catch(() => undefined))) throw e;
      }
    }),
  );
}

/** Removes staged files, final or temporary: after a rolled-back transaction. */
export async function discardFiles(files: readonly StagedFile[]): Promise<void> {
  for (const f of files) {
    await rm(f.tempPath, { force: true }).catch(() => {});
    await rm(f.finalPath, { force: true }).catch(() => {});
  }
}

/** Runs `fn` (a transaction that records `files`) with the files staged; nothing is left behind on failure. */
export async function withStagedFiles<T>(files: readonly StagedFile[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    await discardFiles(files);
    throw e;
  }
}
