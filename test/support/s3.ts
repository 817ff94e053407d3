import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { S3Settings } from "../../src/modules/storage/s3";

// A real S3 server for tests (the npm package s3rver: the S3 REST API over a directory), so the
// S3 store is tested through the same client, signatures and XML as against MinIO or a cloud.

export type LocalS3 = { settings: S3Settings; close: () => Promise<void> };

export async function startLocalS3(bucket = "motcua-test"): Promise<LocalS3> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "motcua-s3-"));
  // @ts-expect-error s3rver ships no types
  const { default: S3rver } = await import("s3rver");
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const address = (await server.run()) as AddressInfo;
  return {
    settings: { endpoint: `http://127.0.0.1:${address.port}`, region: "us-east-1", bucket, accessKeyId: "S3RVER", secretAccessKey: "S3RVER", forcePathStyle: true },
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
