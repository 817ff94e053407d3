// The audit chain's keys live outside the database, so that whoever holds only the database (its
// owner, a backup, a stolen dump) can neither rewrite the chain unseen nor forge a checkpoint:
// - an HMAC key that every new link is computed with (AUDIT_HMAC_KEY, else DATA_DIR/keys/audit-hmac.key);
// - an Ed25519 key pair that signs the daily checkpoints of the chain heads (AUDIT_SIGNING_KEY,
//   a PEM private key, else DATA_DIR/keys/audit-signing.pem; the public key is derived from it).
// Key files are created on first start with mode 0600. Several instances must share them. See
// docs/security.md for what this protects against and what it does not.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export type AuditKeys = { hmacKey: Buffer; signingKey: KeyObject; verifyKey: KeyObject; source: "configured" | "development" };

// Processes that never configure keys (unit and integration tests, the test database's seed) use
// this development key pair, the same in every process, and say so; production refuses it.
const DEV_HMAC = Buffer.from("motcua-development-audit-hmac-key-not-for-production");
let devPair: { signingKey: KeyObject; verifyKey: KeyObject } | undefined;
let configured: AuditKeys | undefined;

function developmentKeys(): AuditKeys {
  if (!devPair) {
    // Deterministic: an Ed25519 private key is any 32 bytes (PKCS#8 prefix + seed).
    const seed = Buffer.alloc(32, 7);
    const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
    const signingKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    devPair = { signingKey, verifyKey: createPublicKey(signingKey) };
  }
  return { hmacKey: DEV_HMAC, ...devPair, source: "development" };
}

/** The keys in use: configured at start (openRuntime), else the development ones. */
export function auditKeys(): AuditKeys {
  return configured ?? developmentKeys();
}

export function configureAuditKeys(keys: AuditKeys | undefined): void {
  configured = keys;
}

function readOrCreate(file: string, create: () => Buffer): Buffer {
  if (existsSync(file)) return readFileSync(file);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const data = create();
  writeFileSync(file, data, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return data;
}

/** The installation's keys from the environment, else from (or newly into) DATA_DIR/keys. */
export function loadAuditKeys(o: { dataDir: string; env?: NodeJS.ProcessEnv }): AuditKeys {
  const env = o.env ?? process.env;
  const dir = path.join(o.dataDir, "keys");
  const hmacKey = env.AUDIT_HMAC_KEY
    ? Buffer.from(env.AUDIT_HMAC_KEY, "utf8")
    : readOrCreate(path.join(dir, "audit-hmac.key"), () => Buffer.from(randomBytes(32).toString("base64url")));
  if (hmacKey.length < 16) throw new Error("AUDIT_HMAC_KEY quá ngắn (ít nhất 16 ký tự) / too short (at least 16 characters)");
  const pem = env.AUDIT_SIGNING_KEY
    ? env.AUDIT_SIGNING_KEY
    : readOrCreate(path.join(dir, "audit-signing.pem"), () => Buffer.from(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }) as string)).toString("utf8");
  const signingKey = createPrivateKey(pem);
  if (signingKey.asymmetricKeyType !== "ed25519") throw new Error("AUDIT_SIGNING_KEY phải là khóa Ed25519 / must be an Ed25519 key");
  return { hmacKey, signingKey, verifyKey: createPublicKey(signingKey), source: "configured" };
}
