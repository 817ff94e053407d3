// Runs the SMS gateway stand-in on its own:
//   node --import tsx src/modules/sms-gateway-standin/server.ts
// then point the app at it: SMS_GATEWAY_URL=http://127.0.0.1:8899 SMS_API_KEY=dev-key
// SMS_SECRET_KEY=dev-secret SMS_BRANDNAME=MOTCUA. Read what was "sent" at GET /_inbox.
import { FEEDBACK_SMS_TEMPLATES } from "../feedback/notices";
import { SMS_TEMPLATES } from "../notifications/templates";
import { startSmsGatewayStandin } from "./standin";

const env = process.env;
const standin = await startSmsGatewayStandin({
  apiKey: env.SMS_API_KEY ?? "dev-key",
  secretKey: env.SMS_SECRET_KEY ?? "dev-secret",
  brandnames: (env.SMS_BRANDNAME ?? "MOTCUA").split(","),
  templates: env.SMS_STANDIN_ANY_CONTENT === "1" ? [] : [...Object.values(SMS_TEMPLATES), ...Object.values(FEEDBACK_SMS_TEMPLATES)],
  port: Number(env.PORT ?? 8899),
  host: env.HOST ?? "127.0.0.1",
});
console.log(`SMS gateway stand-in (eSMS protocol) listening on ${standin.url}; inbox at ${standin.url}/_inbox`);
const stop = () => void standin.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
