// Citizen ID numbers encrypted at rest (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15: minimum
// exposure). AES-256-GCM with a key from the environment (MOTCUA_DATA_KEY, 32 random bytes in
// base64 or hex); a keyed hash (HMAC-SHA-256) of the normalised number finds a dossier by ID
// without decrypting every row. Neither the number nor the key ever reaches the database: a dump,
// a backup or a stolen disk shows only "v1.<key id>.<ciphertext>".
//
// Production refuses to start without the key (config.ts). Development, tests and the demo derive
// a fixed key from a public label — clearly not a secret, so demo data is never real data.

import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";

export const DATA_KEY_ENV = "MOTCUA_DATA_KEY";
const DEMO_LABEL = "motcua demo data key - PUBLIC, NOT A SECRET - never for real data";
const PREFIX = "v1";

export type DataKeys = { seal: Buffer; lookup: Buffer; kid: string; demo: boolean };

export class DataKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataKeyError";
  }
}

/** The key's bytes from its text form, or an explanation of what is wrong with it. */
export function parseDataKey(text: string): Buffer | string {
  const t = text.trim();
  const raw = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, "hex") : /^[A-Za-z0-9+/_-]{43,44}={0,1}$/.test(t) ? Buffer.from(t, "base64") : undefined;
  if (raw?.length !== 32) return `${DATA_KEY_ENV} phải là 32 byte ngẫu nhiên dạng base64 (44 ký tự) hoặc hex (64 ký tự) / must be 32 random bytes in base64 (44 characters) or hex (64)`;
  return raw;
}

export const MISSING_KEY_MESSAGE =
  `Thiếu khóa mã hóa dữ liệu cá nhân ${DATA_KEY_ENV}: ở chế độ production, Một Cửa không khởi động khi chưa có khóa (số định danh được mã hóa khi lưu). ` +
  `Tạo một khóa, ví dụ: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))", lưu ở nơi an toàn và đặt vào biến môi trường. ` +
  `/ The personal-data encryption key ${DATA_KEY_ENV} is missing: in production Một Cửa does not start without it (ID numbers are encrypted at rest). ` +
  "Generate one (32 random bytes, base64), keep it safe and set it in the environment.";

function derive(master: Buffer, demo: boolean): DataKeys {
  const sub = (info: string) => Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), info, 32));
  const lookup = sub("motcua:lookup:v1");
  return { seal: sub("motcua:seal:v1"), lookup, kid: createHash("sha256").update(sub("motcua:kid:v1")).digest("hex").slice(0, 8), demo };
}

/**
 * The keys an environment gives: its MOTCUA_DATA_KEY; without one, the public demo key outside
 * production and a DataKeyError in production.
 */
export function dataKeysFrom(env: { key?: string | undefined; production: boolean }): DataKeys {
  if (env.key) {
    const k = parseDataKey(env.key);
    if (typeof k === "string") throw new DataKeyError(k);
    return derive(k, false);
  }
  if (env.production) throw new DataKeyError(MISSING_KEY_MESSAGE);
  return derive(createHash("sha256").update(DEMO_LABEL).digest(), true);
}

let current: DataKeys | undefined;

/** Sets the keys for this process (start-up, from the validated configuration). */
export function configureDataKeys(keys: DataKeys): void {
  current = keys;
}

function keys(): DataKeys {
  current ??= dataKeysFrom({ key: process.env[DATA_KEY_ENV], production: process.env.NODE_ENV === "production" });
  return current;
}

/** Whether this process runs on the public demo key (said at start-up, never silently). */
export function usingDemoKey(): boolean {
  return keys().demo;
}

/** The ID number as stored: "v1.<key id>.<iv|ciphertext|tag in base64url>". Empty stays empty. */
export function seal(plain: string): string {
  if (plain === "") return "";
  const k = keys();
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", k.seal, iv);
  const body = Buffer.concat([iv, c.update(plain, "utf8"), c.final(), c.getAuthTag()]);
  return `${PREFIX}.${k.kid}.${body.toString("base64url")}`;
}

export function isSealed(value: string): boolean {
  return value.startsWith(`${PREFIX}.`);
}

/** The plain value of a sealed one; "" for "" or null. Throws when another key sealed it. */
export function unseal(sealed: string | null | undefined): string {
  if (!sealed) return "";
  const parts = sealed.split(".");
  if (parts.length !== 3 || parts[0] !== PREFIX) throw new DataKeyError("giá trị không được mã hóa theo định dạng v1 / not a v1 sealed value");
  const k = keys();
  if (parts[1] !== k.kid) throw new DataKeyError(`dữ liệu được mã hóa bằng khóa ${parts[1]}, khóa hiện tại là ${k.kid} / sealed with another key`);
  const body = Buffer.from(parts[2]!, "base64url");
  const d = createDecipheriv("aes-256-gcm", k.seal, body.subarray(0, 12));
  d.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([d.update(body.subarray(12, body.length - 16)), d.final()]).toString("utf8");
}

/** The look-up hash of a citizen ID (spaces and dots ignored); null for none. */
export function idLookupHash(id: string | null | undefined): string | null {
  const digits = (id ?? "").replace(/\D/g, "");
  if (digits === "") return null;
  return createHmac("sha256", keys().lookup).update(`cccd:${digits}`).digest("base64url");
}
