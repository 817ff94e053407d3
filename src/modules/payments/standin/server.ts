// Runs the payment gateway stand-in on its own (`npm start` runs it inside the app in demo mode):
//   node --import tsx src/modules/payments/standin/server.ts
// then point an app at it: VNPAY_URL=http://127.0.0.1:8898 VNPAY_TMN_CODE=MOTCUA01
// VNPAY_HASH_SECRET=motcua-demo-hash-secret, and give the stand-in the app's IPN URL:
// MERCHANT_IPN_URL=http://127.0.0.1:3000/api/v1/payments/vnpay/ipn. Transactions: GET /_transactions.
import { DEMO_HASH_SECRET, DEMO_TMN_CODE } from "../gateway";
import { startPaymentStandin } from "./standin";

const env = process.env;
if (env.NODE_ENV === "production") {
  console.error("Cổng thanh toán thử nghiệm không chạy khi NODE_ENV=production / the stand-in does not run in production");
  process.exit(1);
}
const standin = await startPaymentStandin({
  tmnCode: env.VNPAY_TMN_CODE ?? DEMO_TMN_CODE,
  hashSecret: env.VNPAY_HASH_SECRET ?? DEMO_HASH_SECRET,
  ...(env.MERCHANT_IPN_URL ? { ipnUrl: env.MERCHANT_IPN_URL } : {}),
  port: Number(env.PORT ?? 8898),
  host: env.HOST ?? "127.0.0.1",
});
console.log(`Payment gateway stand-in (VNPay 2.1.0) listening on ${standin.url}; transactions at ${standin.url}/_transactions`);
const stop = () => void standin.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
