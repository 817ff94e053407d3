// Whether dist/ (scripts/build.mjs) is at least as new as every file of src/: bin/motcua.js runs
// it only then, and `npm start` rebuilds it otherwise. A few milliseconds for ~400 files.
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../src", import.meta.url));
const STAMP = fileURLToPath(new URL("../dist/.built", import.meta.url));

export function distIsCurrent() {
  let built;
  try {
    built = statSync(STAMP).mtimeMs;
  } catch {
    return false;
  }
  const newer = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((e) => {
      const p = `${dir}/${e.name}`;
      return e.isDirectory() ? newer(p) : statSync(p).mtimeMs > built;
    });
  return !newer(SRC);
}
