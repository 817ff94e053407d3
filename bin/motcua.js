#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ when it is newer than every file of src/ (`npm start` and
// `npm run build` compile it: scripts/build.mjs), else the TypeScript sources through tsx, so that
// an edited source never runs stale. Compiled, the server starts faster and an idle one holds
// less memory: nothing transpiled at start, no inline source maps (docs/benchmarks.md, "Footprint").
// MOTCUA_FROM_SOURCES=1 forces the sources (stack traces with TypeScript line numbers).
import { distIsCurrent } from "../scripts/dist-current.mjs";

if (process.env.MOTCUA_FROM_SOURCES !== "1" && distIsCurrent()) {
  await import("../dist/cli/main.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
