// One storage interface for every stored file (uploads, drafts, scans, signed results, feedback
// attachments), so that any app instance serves any file: PostgreSQL (the default: chunks in the
// database, deduplicated by content hash, replicated and backed up with it) or S3-compatible
// object storage (MinIO, Ceph, a cloud). Rows name a file by its key (`storage_path` columns);
// what a caller may download is decided by those rows, never by the store.

import type { Readable } from "node:stream";

export type StoredObject = { key: string; size: number; sha256: string };

export type PutOptions = {
  contentType?: string;
  /**
   * The agency whose transaction will record the file: it is listed as pending until that
   * transaction deletes the listing (finaliseFiles), else the sweep removes it (staging.ts).
   */
  stagedFor?: number;
};

export type FileStore = {
  readonly kind: "postgres" | "s3";
  /** Writes (or replaces) the object; durable when it returns. */
  put(key: string, data: Buffer, opts?: PutOptions): Promise<StoredObject>;
  /** The whole object, or undefined when there is none under the key. */
  get(key: string): Promise<Buffer | undefined>;
  /** The object as a stream (for downloads), or undefined when there is none. */
  open(key: string): Promise<{ size: number; body: Readable } | undefined>;
  /** Size and SHA-256 (hex) without the bytes, or undefined. */
  head(key: string): Promise<StoredObject | undefined>;
  /** A second key for the same bytes (no copy of them in PostgreSQL); undefined when `from` is missing. */
  copy(from: string, to: string, opts?: PutOptions): Promise<StoredObject | undefined>;
  /** Removes the objects (missing ones are ignored). Callers check first that no row names them (removeStoredFiles). */
  remove(keys: readonly string[]): Promise<void>;
  /** Every object, by key order, optionally under a prefix. */
  list(prefix?: string): AsyncIterable<StoredObject>;
  close(): Promise<void>;
};

const KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,299}$/;

/** Keys are ours (`<agency id>/<yyyy>/<random>`): anything else names no object. */
export function isFileKey(key: string): boolean {
  return KEY.test(key) && !key.includes("..");
}

export function newFileKey(agencyId: number, random: string, now = new Date()): string {
  return `${agencyId}/${now.getUTCFullYear()}/${random}`;
}
