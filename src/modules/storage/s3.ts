// Files in S3-compatible object storage (MinIO, Ceph RGW, a cloud's): one object per key, its
// SHA-256 kept in the object's metadata. No deduplication here (the store's own concern, and a
// copy is a server-side CopyObject). The pending listing of a staged file stays in PostgreSQL,
// written before the object, so an object is never left behind unlisted.

import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import type pg from "pg";
import { type FileStore, isFileKey, type PutOptions, type StoredObject } from "./store";

export type S3Settings = {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Keys under this prefix ("motcua/"), so that one bucket can serve several installations. */
  prefix?: string;
  /** Path-style addressing (http://host/bucket/key): what MinIO, Ceph and local servers want. */
  forcePathStyle?: boolean;
};

function notFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === "NoSuchKey" || err.name === "NotFound" || err.$metadata?.httpStatusCode === 404;
}

export class S3FileStore implements FileStore {
  readonly kind = "s3" as const;
  // The AWS SDK is imported on first use (~0.3 s and ~25 MB): an install on the PostgreSQL store
  // never loads it.
  private connection: Promise<{ sdk: typeof import("@aws-sdk/client-s3"); client: S3Client }> | undefined;
  private readonly prefix: string;

  constructor(
    private readonly settings: S3Settings,
    /** Where pending listings go (the installation's database). */
    private readonly pool: pg.Pool,
  ) {
    this.prefix = settings.prefix ?? "";
  }

  private s3(): Promise<{ sdk: typeof import("@aws-sdk/client-s3"); client: S3Client }> {
    const settings = this.settings;
    this.connection ??= import("@aws-sdk/client-s3").then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        region: settings.region,
        ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
        forcePathStyle: settings.forcePathStyle ?? Boolean(settings.endpoint),
        ...(settings.accessKeyId && settings.secretAccessKey ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } } : {}),
        // Checksums only where S3 requires them: older S3-compatible servers refuse the newer headers.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      }),
    }));
    return this.connection;
  }

  private name(key: string): string {
    return this.prefix + key;
  }

  async put(key: string, data: Buffer, opts: PutOptions = {}): Promise<StoredObject> {
    if (!isFileKey(key)) throw new Error(`invalid file key: ${key}`);
    if (opts.stagedFor !== undefined) {
      await this.pool.query("insert into file_pending (key, agency_id) values ($1, $2) on conflict (key) do nothing", [key, opts.stagedFor]);
    }
    const sha256 = createHash("sha256").update(data).digest("hex");
    const { client, sdk } = await this.s3();
    await client.send(
      new sdk.PutObjectCommand({
        Bucket: this.settings.bucket,
        Key: this.name(key),
        Body: data,
        ContentLength: data.length,
        ContentType: opts.contentType ?? "application/octet-stream",
        Metadata: { sha256 },
      }),
    );
    return { key, size: data.length, sha256 };
  }

  async head(key: string): Promise<StoredObject | undefined> {
    if (!isFileKey(key)) return undefined;
    try {
      const { client, sdk } = await this.s3();
      const r = await client.send(new sdk.HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.name(key) }));
      return { key, size: Number(r.ContentLength ?? 0), sha256: r.Metadata?.sha256 ?? "" };
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    if (!isFileKey(key)) return undefined;
    try {
      const { client, sdk } = await this.s3();
      const r = await client.send(new sdk.GetObjectCommand({ Bucket: this.settings.bucket, Key: this.name(key) }));
      return Buffer.from(await r.Body!.transformToByteArray());
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
  }

  async open(key: string): Promise<{ size: number; body: Readable } | undefined> {
    if (!isFileKey(key)) return undefined;
    try {
      const { client, sdk } = await this.s3();
      const r = await client.send(new sdk.GetObjectCommand({ Bucket: this.settings.bucket, Key: this.name(key) }));
      return { size: Number(r.ContentLength ?? 0), body: r.Body as Readable };
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
  }

  async copy(from: string, to: string, opts: PutOptions = {}): Promise<StoredObject | undefined> {
    const source = await this.head(from);
    if (!source || !isFileKey(to)) return undefined;
    if (opts.stagedFor !== undefined) {
      await this.pool.query("insert into file_pending (key, agency_id) values ($1, $2) on conflict (key) do nothing", [to, opts.stagedFor]);
    }
    const { client, sdk } = await this.s3();
    await client.send(
      new sdk.CopyObjectCommand({
        Bucket: this.settings.bucket,
        Key: this.name(to),
        CopySource: `${this.settings.bucket}/${this.name(from).split("/").map(encodeURIComponent).join("/")}`,
        MetadataDirective: "COPY",
      }),
    );
    return { ...source, key: to };
  }

  async remove(keys: readonly string[]): Promise<void> {
    const valid = keys.filter(isFileKey);
    for (let i = 0; i < valid.length; i += 1000) {
      const batch = valid.slice(i, i + 1000);
      const { client, sdk } = await this.s3();
      const r = await client.send(
        new sdk.DeleteObjectsCommand({ Bucket: this.settings.bucket, Delete: { Objects: batch.map((k) => ({ Key: this.name(k) })), Quiet: true } }),
      );
      const failed = (r.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
      if (failed.length) throw new Error(`S3 delete failed for ${failed.length} objects: ${failed[0]!.Code} ${failed[0]!.Message}`);
    }
  }

  async *list(prefix = ""): AsyncIterable<StoredObject> {
    let token: string | undefined;
    do {
      const { client, sdk } = await this.s3();
      const r = await client.send(
        new sdk.ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: this.name(prefix), ...(token ? { ContinuationToken: token } : {}) }),
      );
      for (const o of r.Contents ?? []) {
        const key = (o.Key ?? "").slice(this.prefix.length);
        if (!isFileKey(key)) continue;
        // Listing carries no metadata: the hash costs a HEAD, which callers of list (backup, checks) need.
        const h = await this.head(key);
        if (h) yield h;
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  }

  async close(): Promise<void> {
    const c = this.connection;
    this.connection = undefined;
    if (c) (await c).client.destroy();
  }
}
