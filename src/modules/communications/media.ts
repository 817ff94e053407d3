import { fileTypeFromBuffer } from "file-type";
import { nameForType } from "../../domain/files/names";
import type { Tx } from "../../db/scope";
import { DomainError } from "../../domain/errors";

/** Photos larger than this many pixels are refused before decoding (decompression bombs). */
export const MAX_INPUT_PIXELS = 40_000_000;
export const LARGE_WIDTH = 1280;
export const THUMB_WIDTH = 480;

export type Upload = { filename: string; mimetype: string; data: Buffer };
export type ProcessedImage = { data: Buffer; thumb: Buffer; width: number; height: number; mime: "image/webp" };

/**
 * Re-encodes an uploaded image to WebP at web sizes: orientation applied, metadata (EXIF, GPS,
 * ICC) dropped because sharp writes none unless asked. Anything sharp cannot decode is refused.
 */
export async function processImage(input: Buffer): Promise<ProcessedImage> {
  const type = await fileTypeFromBuffer(input);
  if (!type || !["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif", "image/tiff"].includes(type.mime)) {
    throw new DomainError("invalid", "communications.err.notImage");
  }
  // sharp (libvips) on first use: an idle server never loads it.
  const { default: sharp } = await import("sharp");
  try {
    const base = () => sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" }).rotate();
    const large = await base().resize({ width: LARGE_WIDTH, height: LARGE_WIDTH, fit: "inside", withoutEnlargement: true }).webp({ quality: 78 }).toBuffer({ resolveWithObject: true });
    const thumb = await base().resize({ width: THUMB_WIDTH, height: THUMB_WIDTH, fit: "inside", withoutEnlargement: true }).webp({ quality: 70 }).toBuffer();
    return { data: large.data, thumb, width: large.info.width, height: large.info.height, mime: "image/webp" };
  } catch (e) {
    if (/pixel limit/i.test((e as Error).message)) throw new DomainError("too_large", "communications.err.imageTooLarge");
    throw new DomainError("invalid", "communications.err.notImage");
  }
}

const ATTACHMENT_TYPES: Record<string, string> = {
  "application/pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "application/msword": "doc",
  "application/x-cfb": "doc",
  "application/vnd.ms-excel": "xls",
  // No plain archives: a zip bomb or a packed program has no place in a public article.
};

/** Attachments are checked by their bytes, not their name or declared type. */
export async function checkAttachment(upload: Upload): Promise<{ mime: string }> {
  const type = await fileTypeFromBuffer(upload.data);
  if (!type || !(type.mime in ATTACHMENT_TYPES)) throw new DomainError("invalid", "communications.err.attachmentType");
  return { mime: type.mime };
}

export function safeFileName(name: string): string {
  const base = name.normalize("NFC").replace(/[\\/\u0000-\u001f"<>|:*?]/g, "_").trim();
  return (base || "tep").slice(-120);
}

export async function saveImage(tx: Tx, o: { agencyId: number; userId: number | null; upload: Upload }): Promise<number> {
  const img = await processImage(o.upload.data);
  const name = safeFileName(o.upload.filename).replace(/\.[A-Za-z0-9]{1,5}$/, "") + ".webp";
  const r = await tx.one<{ id: number }>(
    `insert into comm_files (agency_id, kind, name, mime, size, data, thumb, width, height, created_by)
     values ($1, 'image', $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
    [o.agencyId, name, img.mime, img.data.length, img.data, img.thumb, img.width, img.height, o.userId],
  );
  return r.id;
}

export async function saveAttachment(tx: Tx, o: { agencyId: number; userId: number | null; upload: Upload }): Promise<number> {
  const { mime } = await checkAttachment(o.upload);
  const r = await tx.one<{ id: number }>(
    `insert into comm_files (agency_id, kind, name, mime, size, data, created_by) values ($1, 'attachment', $2, $3, $4, $5, $6) returning id`,
    [o.agencyId, nameForType(safeFileName(o.upload.filename), mime), mime, o.upload.data.length, o.upload.data, o.userId],
  );
  return r.id;
}

export async function saveAudio(tx: Tx, o: { agencyId: number; userId: number | null; name: string; mp3: Buffer; durationSeconds: number }): Promise<number> {
  const r = await tx.one<{ id: number }>(
    `insert into comm_files (agency_id, kind, name, mime, size, data, duration_seconds, created_by) values ($1, 'audio', $2, 'audio/mpeg', $3, $4, $5, $6) returning id`,
    [o.agencyId, safeFileName(o.name), o.mp3.length, o.mp3, o.durationSeconds, o.userId],
  );
  return r.id;
}

export type StoredFile = { id: number; name: string; mime: string; data: Buffer; kind: string };

export async function findFile(tx: Tx, id: number, variant: "large" | "thumb" = "large"): Promise<StoredFile | undefined> {
  return tx.maybeOne<StoredFile>(
    `select id, name, mime, kind, case when $2 = 'thumb' and thumb is not null then thumb else data end as data from comm_files where id = $1`,
    [id, variant],
  );
}
