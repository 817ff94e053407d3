import { DEMO_HASH_SECRET, DEMO_TMN_CODE } from "../modules/payments/gateway";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "../modules/demo/seed";
import { importUnits, readUnitsFile } from "../modules/agencies/units-import";
import type { Runtime } from "../runtime";
import { progressBar } from "./progress";

export const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export async function importUnitsWithProgress(rt: Runtime, file?: string): Promise<void> {
  const units = readUnitsFile(file);
  const bar = progressBar("Đơn vị hành chính / units");
  const r = await rt.db.system((tx) => importUnits(tx, units, bar.update));
  bar.stop();
  log(`Đã nhập ${r.provinces} tỉnh, thành phố và ${r.communes} xã, phường, đặc khu.`);
}

export function printDemoAccounts(baseUrl: string): void {
  log("");
  log(`Tài khoản mẫu / demo accounts (mật khẩu / password: ${DEMO_PASSWORD}) — ${baseUrl}/login`);
  for (const a of DEMO_ACCOUNTS.slice(0, 9)) log(`  ${a.username.padEnd(20)} ${a.role.padEnd(22)} ${a.fullName}`);
  log(`Cổng thanh toán thử nghiệm / payment gateway stand-in: TMN code ${DEMO_TMN_CODE}, hash secret ${DEMO_HASH_SECRET} (refused when NODE_ENV=production)`);
  log("");
}

