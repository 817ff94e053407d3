// Which Chromium the e2e tests drive. Apart from browser.ts, whose database helpers need vitest's
// runtime, so that a plain script can launch or name the same browser.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/**
 * Flags of @sparticuz/chromium's recommended list that the tests must not take:
 * `--single-process` makes Playwright's `BrowserContext.close()` fail ("Target page, context or
 * browser has been closed"); the web-security ones would hide the same-origin and mixed-content
 * rules a citizen's browser applies; a second `--disable-features`/`--enable-features` replaces
 * Playwright's own list (Chromium keeps the last); `--headless='shell'` duplicates our `--headless`.
 */
const NPM_CHROMIUM_SKIPPED = /^--(single-process|disable-web-security|allow-running-insecure-content|disable-site-isolation-trials|disable-features=|enable-features=|headless)/;

export type BrowserChoice = { executablePath: string; args: string[]; source: "CHROMIUM_PATH" | "debian" | "npm" };

/**
 * The browser the e2e tests drive: CHROMIUM_PATH if set, else Debian's Chromium where installed
 * (CI installs it), else the Chromium that the npm package @sparticuz/chromium carries, so that
 * `npm test` needs nothing but Node. MOTCUA_TEST_BROWSER=npm forces the npm one.
 */
export async function chooseBrowser(): Promise<BrowserChoice> {
  if (process.env.MOTCUA_TEST_BROWSER !== "npm") {
    if (process.env.CHROMIUM_PATH) return { executablePath: process.env.CHROMIUM_PATH, args: CHROMIUM_ARGS, source: "CHROMIUM_PATH" };
    if (existsSync(DEBIAN_CHROMIUM)) return { executablePath: DEBIAN_CHROMIUM, args: CHROMIUM_ARGS, source: "debian" };
  }
  const { default: NpmChromium } = await import("@sparticuz/chromium");
  NpmChromium.setGraphicsMode = false; // no WebGL: the pages use none
  const recommended = NpmChromium.args.filter((arg) => !NPM_CHROMIUM_SKIPPED.test(arg) && !CHROMIUM_ARGS.includes(arg));
  return { executablePath: await unpackNpmChromium(), args: [...CHROMIUM_ARGS, ...recommended], source: "npm" };
}

/**
 * The package ships Chromium brotli-compressed and unpacks it into os.tmpdir() on first use, where
 * a copy of another version, or one half-written by a concurrent run, would be taken as is. So it
 * unpacks into a private directory that is renamed into a per-version one only once complete.
 */
async function unpackNpmChromium(): Promise<string> {
  // The package exports no ./package.json; its entry point is build/cjs/index.cjs.
  const pkg = path.resolve(path.dirname(createRequire(import.meta.url).resolve("@sparticuz/chromium")), "../..");
  const { version } = JSON.parse(readFileSync(path.join(pkg, "package.json"), "utf8")) as { version: string };
  const dir = path.join(os.tmpdir(), `motcua-chromium-${version}`);
  const binary = path.join(dir, "chromium");
  if (existsSync(binary)) return binary;
  const staging = `${dir}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const { default: NpmChromium } = await import("@sparticuz/chromium");
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = staging; // where executablePath() unpacks (it reads os.tmpdir())
  try {
    await NpmChromium.executablePath(path.join(pkg, "bin"));
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
  try {
    renameSync(staging, dir);
  } catch (err) {
    // Another run finished first: use its copy.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw err;
  }
  return binary;
}

/** One browser per test file, as every e2e file opens it in beforeAll. */
export async function launchBrowser(): Promise<Browser> {
  const choice = await chooseBrowser();
  return chromium.launch({ executablePath: choice.executablePath, args: choice.args });
}
