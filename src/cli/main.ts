// The command line's entry. `motcua serve` on the embedded PostgreSQL starts the database server
// (initdb on a first run) before the app's ~320 modules load, so that the two overlap on separate
// cores: ~2 s off a first start, ~0.4 s off a warm one (docs/benchmarks.md, "Footprint"). Only
// this module and the embedded server's are loaded before; the commands come after.
import path from "node:path";
import { startEmbeddedEarly } from "../db/embedded";

const [command, ...flags] = process.argv.slice(2);
// With --data-dir (or help) the commands' own parsing decides: nothing is started early.
if (command === "serve" && !process.env.DATABASE_URL && !flags.some((f) => f.startsWith("--data-dir") || f === "--help" || f === "-h")) {
  startEmbeddedEarly({ dataDir: path.resolve(process.env.DATA_DIR || "./data"), log: (l) => (/ERROR|FATAL|PANIC/.test(l) ? process.stderr.write(`${l}\n`) : undefined) });
}
await import("./commands");
