import { loadConfig } from "../../src/config";
import { buildApp } from "../../src/web/app";
import { createTestDb, type TestDb } from "./db";

export { CHROMIUM_ARGS, launchBrowser } from "./chromium";

export type LiveServer = { url: string; tdb: TestDb; close: () => Promise<void> };

/** The real app on a random port against a fresh test database, for a browser to visit. */
export async function startLiveServer(): Promise<LiveServer> {
  const tdb = await createTestDb();
  const config = loadConfig({ NODE_ENV: "test", SUBMISSIONS_PER_ADDRESS: "100000", SUBMISSIONS_PER_PHONE: "100000", LOG_LEVEL: "silent", DATA_DIR: `/tmp/motcua-e2e-${process.pid}`, DATABASE_URL: tdb.url, PORT: "0" });
  const app = await buildApp({ db: tdb.db, config, version: "e2e", secret: "e2e-secret-0123456789abcdef" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  app.deps.config.baseUrl = url;
  return {
    url,
    tdb,
    close: async () => {
      await app.close();
      await tdb.drop();
    },
  };
}
