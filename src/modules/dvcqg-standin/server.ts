// Runs the national portal stand-in on its own:
//   node --import tsx src/modules/dvcqg-standin/server.ts
// then set the connection on /staff/sync: address http://127.0.0.1:8790, user "motcua-demo",
// password "demo-cong-dvcqg", unit code = the agency's code, dstcode "DEMO". GET /_received shows
// what it holds. `npm start` (demo mode) runs one itself and connects the demo commune to it.
import { startDvcqgStandin } from "./standin";

const env = process.env;
const standin = await startDvcqgStandin({
  accounts: [{ username: env.DVCQG_USER ?? "motcua-demo", password: env.DVCQG_PASSWORD ?? "demo-cong-dvcqg", dstCode: env.DVCQG_DSTCODE ?? "DEMO", units: (env.DVCQG_UNITS ?? "000.00.25.H12").split(",") }],
  port: Number(env.PORT ?? 8790),
  host: env.HOST ?? "127.0.0.1",
});
console.log(`National portal stand-in (DVCQG one-stop sync) listening on ${standin.url}; what it received at ${standin.url}/_received`);
const stop = () => void standin.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
