import path from "node:path";
import { z } from "zod";
import { DATA_KEY_ENV, MISSING_KEY_MESSAGE, parseDataKey } from "./modules/privacy/sealing";

// Configuration comes from the environment (or CLI flags copied into it) and is validated once.
export const Config = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  host: z.string().min(1).default("127.0.0.1"),
  dataDir: z.string().min(1).default("./data"),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://").optional(),
  baseUrl: z.string().url().optional(),
  nodeEnv: z.enum(["development", "production", "test"]).default("development"),
  sessionSecret: z.string().min(16).optional(),
  trustProxy: z.boolean().default(false),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  smtpUrl: z.string().optional(),
  smsGatewayUrl: z.string().url().optional(),
  /** Anonymous online submissions allowed per address per 10 minutes, and per phone number per hour. */
  submissionsPerAddress: z.coerce.number().int().min(1).max(1_000_000).default(30),
  submissionsPerPhone: z.coerce.number().int().min(1).max(1_000_000).default(6),
  /** Encrypts personal data at rest (src/modules/privacy/sealing.ts); required in production. */
  dataKey: z.string().optional(),
  /** Bearer token that /metrics asks of a caller not on this machine (without it only loopback callers get metrics). */
  metricsToken: z.string().min(16, "METRICS_TOKEN: at least 16 characters").optional(),
  /** Where stored files go (src/modules/storage): the database (default) or S3-compatible storage. */
  storage: z.enum(["postgres", "s3"]).default("postgres"),
  s3: z
    .object({
      endpoint: z.string().url().optional(),
      region: z.string().min(1).default("us-east-1"),
      bucket: z.string().min(3),
      accessKeyId: z.string().optional(),
      secretAccessKey: z.string().optional(),
      prefix: z.string().regex(/^([A-Za-z0-9._-]+\/)*$/, "S3_PREFIX: letters, digits, . _ - and ending in /").optional(),
      forcePathStyle: z.boolean().optional(),
    })
    .optional(),
});
export type Config = z.infer<typeof Config>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Config.safeParse({
    port: env.PORT || undefined,
    host: env.HOST || undefined,
    dataDir: env.DATA_DIR || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    baseUrl: env.PUBLIC_URL || undefined,
    nodeEnv: env.NODE_ENV || undefined,
    sessionSecret: env.SESSION_SECRET || undefined,
    trustProxy: env.TRUST_PROXY === "1" || env.TRUST_PROXY === "true",
    logLevel: env.LOG_LEVEL || undefined,
    smtpUrl: env.SMTP_URL || undefined,
    smsGatewayUrl: env.SMS_GATEWAY_URL || undefined,
    submissionsPerAddress: env.SUBMISSIONS_PER_ADDRESS || undefined,
    submissionsPerPhone: env.SUBMISSIONS_PER_PHONE || undefined,
    dataKey: env[DATA_KEY_ENV] || undefined,
    metricsToken: env.METRICS_TOKEN || undefined,
    storage: env.STORAGE || undefined,
    s3:
      env.STORAGE === "s3"
        ? {
            endpoint: env.S3_ENDPOINT || undefined,
            region: env.S3_REGION || undefined,
            bucket: env.S3_BUCKET ?? "",
            accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
            secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
            prefix: env.S3_PREFIX || undefined,
            forcePathStyle: env.S3_FORCE_PATH_STYLE ? env.S3_FORCE_PATH_STYLE === "true" || env.S3_FORCE_PATH_STYLE === "1" : undefined,
          }
        : undefined,
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Cấu hình không hợp lệ / invalid configuration:\n${lines.join("\n")}`);
  }
  // Personal data is encrypted at rest: production never starts on the public demo key.
  if (parsed.data.dataKey) {
    const k = parseDataKey(parsed.data.dataKey);
    if (typeof k === "string") throw new Error(`Cấu hình không hợp lệ / invalid configuration:\n  ${k}`);
  } else if (parsed.data.nodeEnv === "production") {
    throw new Error(MISSING_KEY_MESSAGE);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.dataDir) };
}

export function publicBaseUrl(config: Config): string {
  return (config.baseUrl ?? `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${config.port}`).replace(/\/$/, "");
}
