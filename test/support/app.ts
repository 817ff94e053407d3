import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { loadConfig } from "../../src/config";
import { DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { buildApp } from "../../src/web/app";
import { createTestDb, type TestDb } from "./db";

export type TestApp = { app: FastifyInstance; tdb: TestDb; close: () => Promise<void> };

/** The app on a fresh test database; `env` overrides settings (e.g. the real submission limits). */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const tdb = await createTestDb();
  // A data directory of its own: files written by one test file are never seen by another running beside it.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "motcua-test-data-"));
  const config = loadConfig({ NODE_ENV: "test", SUBMISSIONS_PER_ADDRESS: "100000", SUBMISSIONS_PER_PHONE: "100000", LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent", DATA_DIR: dataDir, DATABASE_URL: tdb.url, ...env });
  const app = await buildApp({ db: tdb.db, config, version: "test", secret: "test-secret-0123456789abcdef" });
  await app.ready();
  return {
    app,
    tdb,
    close: async () => {
      await app.close();
      await tdb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A browser-like client: keeps cookies, knows its CSRF token. */
export type Client = {
  cookies: Map<string, string>;
  csrf: string;
  get: (url: string, headers?: Record<string, string>) => Promise<LightMyRequestResponse>;
  post: (url: string, form: Record<string, string>, opts?: { csrf?: boolean }) => Promise<LightMyRequestResponse>;
  json: (method: "POST" | "PUT" | "PATCH" | "DELETE" | "GET", url: string, body?: unknown) => Promise<LightMyRequestResponse>;
};

function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

function absorb(jar: Map<string, string>, res: LightMyRequestResponse): void {
  for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
    if (c.value === "" || (c.expires && c.expires.getTime() < Date.now())) jar.delete(c.name);
    else jar.set(c.name, c.value);
  }
}

export function extractCsrf(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}

export async function newClient(app: FastifyInstance): Promise<Client> {
  const jar = new Map<string, string>();
  const client: Client = {
    cookies: jar,
    csrf: "",
    async get(url, headers = {}) {
      const res = await app.inject({ method: "GET", url, headers: { cookie: cookieHeader(jar), ...headers } });
      absorb(jar, res);
      const token = extractCsrf(res.body);
      if (token) client.csrf = token;
      return res;
    },
    async post(url, form, opts = {}) {
      const payload = new URLSearchParams({ ...(opts.csrf === false ? {} : { _csrf: client.csrf }), ...form }).toString();
      const res = await app.inject({
        method: "POST",
        url,
        payload,
        headers: { cookie: cookieHeader(jar), "content-type": "application/x-www-form-urlencoded" },
      });
      absorb(jar, res);
      const token = extractCsrf(res.body);
      if (token) client.csrf = token;
      return res;
    },
    async json(method, url, body) {
      const res = await app.inject({
        method,
        url,
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
        headers: { cookie: cookieHeader(jar), "content-type": "application/json", "x-csrf-token": client.csrf },
      });
      absorb(jar, res);
      return res;
    },
  };
  await client.get("/login");
  return client;
}

/** Signs in through the real form; returns the client holding the session cookie. */
export async function signIn(app: FastifyInstance, username: string, password = DEMO_PASSWORD): Promise<Client> {
  const c = await newClient(app);
  const res = await c.post("/login", { username, password });
  if (res.statusCode !== 303) throw new Error(`sign-in of ${username} failed: ${res.statusCode}`);
  await c.get("/staff");
  return c;
}
