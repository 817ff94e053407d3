// Full-online services: OCR seconds per page and the OCR worker's added memory; signing time per
// result; IPN confirmations per second over HTTP on the embedded database (every order of ONE
// commune, the worst case: one receipt counter and one audit chain), checked afterwards: every
// order paid once, receipt numbers 1..N without a gap.
// Run: node --import tsx bench/payments.ts   (BENCH_SECONDS: IPN run length, default 10)
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createCanvas, GlobalFonts } from "@napi-rs/canvas";
import autocannon from "autocannon";
import { loadConfig } from "../src/config";
import { secureHash } from "../src/domain/payments/vnpay";
import { generateDossiers } from "../src/modules/dossiers/demo";
import { ocrImage, stopOcr } from "../src/modules/digitisation/ocr";
import { signPdf, verifyPdfSignature } from "../src/modules/esign/pdf";
import { templateResult } from "../src/modules/esign/results";
import { makeDemoP12, readP12, softTokenSigner } from "../src/modules/esign/signer";
import { configurePaymentGateway } from "../src/modules/payments/gateway";
import { confirmStatistics } from "../src/modules/payments/payments";
import { buildApp } from "../src/web/app";
import { prepareDb } from "./catalog-import";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

// 1. OCR: a rendered Vietnamese page (the one of test/integration/digitisation.test.ts), 1700 × 1300 px.
GlobalFonts.registerFromPath(path.resolve(import.meta.dirname, "../assets/fonts/Tinos-Regular.ttf"), "Tinos");
const lines = [
  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
  "Độc lập - Tự do - Hạnh phúc",
  "GIẤY XÁC NHẬN NƠI CƯ TRÚ",
  "Họ, chữ đệm và tên: Nguyễn Thị Phương Thảo",
  "Ngày, tháng, năm sinh: 14/08/1992. Giới tính: Nữ",
  "Số định danh cá nhân: 019192004567",
  "Nơi thường trú: Thôn Đồng Kiệm, xã Minh Tiến, tỉnh Thái Nguyên",
  "Quan hệ với chủ hộ: Con đẻ. Dân tộc: Kinh. Tôn giáo: Không",
  "Xác nhận để làm thủ tục đăng ký kết hôn tại Ủy ban nhân dân xã.",
];
const canvas = createCanvas(1700, 1300);
const g = canvas.getContext("2d");
g.fillStyle = "white";
g.fillRect(0, 0, 1700, 1300);
g.fillStyle = "black";
g.font = "40px Tinos";
for (const [i, l] of lines.entries()) g.fillText(l, 90, 120 + i * 120);
const page = canvas.toBuffer("image/png");
global.gc?.();
const rssBefore = process.memoryUsage().rss;
let t = performance.now();
await ocrImage(page);
const firstMs = performance.now() - t;
const ocrTimes: number[] = [];
for (let i = 0; i < 5; i++) {
  t = performance.now();
  await ocrImage(page);
  ocrTimes.push(performance.now() - t);
}
const rssWorker = process.memoryUsage().rss;
console.log(`OCR: first page (worker start + model load) ${(firstMs / 1000).toFixed(2)} s; then ${(median(ocrTimes) / 1000).toFixed(2)} s/page median (min ${(Math.min(...ocrTimes) / 1000).toFixed(2)}, max ${(Math.max(...ocrTimes) / 1000).toFixed(2)}); RSS +${mb(rssWorker - rssBefore)} with the worker`);
await stopOcr();

// 2. Signing: a one-page result generated from a dossier, with a 2048-bit soft token.
const b = await prepareDb();
const dataDir = mkdtempSync(path.join(os.tmpdir(), "motcua-bench-pay-"));
try {
  const signer = softTokenSigner(readP12(makeDemoP12({ commonName: "Bench", organisation: "Bench" }), "motcua-demo-p12"));
  const dossier = {
    code: "000.00.25.H12-261207-0001",
    procedureCode: "2.000635",
    procedureName: "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
    applicant: { fullName: "Đỗ Thị Lan", idNumber: "019190001234", phone: "0987111222", email: null, address: { line: "Thôn Đồng Kiệm" } },
  } as Parameters<typeof templateResult>[0]["d"];
  const signTimes: number[] = [];
  const renderTimes: number[] = [];
  for (let i = 0; i < 21; i++) {
    t = performance.now();
    const pdf = await templateResult({ agencyName: "Ủy ban nhân dân xã Minh Tiến", parentName: "Tỉnh Thái Nguyên", placeName: "Minh Tiến", d: dossier, leader: { fullName: "Hoàng Văn Minh", title: "Chủ tịch UBND xã" }, note: null, at: new Date() });
    renderTimes.push(performance.now() - t);
    t = performance.now();
    const signed = await signPdf(pdf, signer, {
      stamp: { verifyUrl: "https://motcua.example/verify/abcdefghijklmnopqrst", signerName: "Hoàng Văn Minh", signerTitle: "Chủ tịch UBND xã", agencyName: "UBND xã Minh Tiến", signedAt: new Date() },
      reason: "Phê duyệt",
      location: "Minh Tiến",
    });
    signTimes.push(performance.now() - t);
    if (i === 0 && !verifyPdfSignature(signed).valid) throw new Error("signature invalid");
  }
  signTimes.shift();
  renderTimes.shift();
  console.log(`Signing a result: render ${median(renderTimes).toFixed(0)} ms, stamp + placeholder + CMS signature ${median(signTimes).toFixed(0)} ms median (p95 ${[...signTimes].sort((x, y) => x - y)[Math.floor(signTimes.length * 0.95)]!.toFixed(0)} ms)`);

  // 3. IPN confirmations: N pending orders of one commune, each confirmed once by a signed IPN.
  const config = loadConfig({ MOTCUA_DATA_KEY: process.env.MOTCUA_DATA_KEY ?? randomBytes(32).toString("base64"), NODE_ENV: "production", LOG_LEVEL: "silent", DATA_DIR: dataDir, DATABASE_URL: b.url, PORT: "0", HOST: "127.0.0.1" });
  const cfg = { url: "http://127.0.0.1:9", apiUrl: "http://127.0.0.1:9", tmnCode: "BENCH001", hashSecret: "bench-hash-secret-0123456789abcdef" };
  configurePaymentGateway(cfg);
  const app = await buildApp({ db: b.db, config, version: "bench", secret: "bench-secret-0123456789abcdef" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const N = 40_000;
  t = performance.now();
  await b.db.system((tx) => generateDossiers(tx, { agencyIds: [b.communeId], perAgency: N, days: 30, seed: 7 }));
  await b.db.system(async (tx) => {
    await tx.exec(
      `insert into dossier_fees (dossier_id, agency_id, status, amount_vnd, due) select id, agency_id, 'due', 8000, 'result' from dossiers where agency_id = $1 on conflict do nothing`,
      [b.communeId],
    );
    await tx.exec(
      `insert into payments (agency_id, dossier_id, txn_ref, channel, amount_vnd, status, expires_at, created_label)
       select agency_id, id, 'BENCH' || lpad(id::text, 10, '0'), 'vnpay', 8000, 'pending', now() + interval '1 hour', 'bench' from dossiers where agency_id = $1`,
      [b.communeId],
    );
  });
  const refs = await b.db.system((tx) => tx.query<{ txn_ref: string }>("select txn_ref from payments where agency_id = $1 order by id", [b.communeId]));
  const urls = refs.map((r, i) => {
    const p: Record<string, string> = {
      vnp_Amount: "800000",
      vnp_BankCode: "NCB",
      vnp_OrderInfo: "Phi le phi ho so",
      vnp_PayDate: "20261207101500",
      vnp_ResponseCode: "00",
      vnp_TmnCode: cfg.tmnCode,
      vnp_TransactionNo: String(10_000_000 + i),
      vnp_TransactionStatus: "00",
      vnp_TxnRef: r.txn_ref,
    };
    return `/api/v1/payments/vnpay/ipn?${new URLSearchParams({ ...p, vnp_SecureHash: secureHash(p, cfg.hashSecret) }).toString()}`;
  });
  console.log(`${refs.length} pending orders prepared in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await b.db.system((tx) => tx.exec("checkpoint"));
  let next = 0;
  const answers = new Map<string, number>();
  const result = await autocannon({
    url: base,
    connections: 50,
    duration: DURATION,
    requests: [{ method: "GET", setupRequest: (req) => ({ ...req, path: urls[next++ % urls.length]! }), onResponse: (_s, body) => {
      const code = /"RspCode":"(\d\d)"/.exec(body)?.[1] ?? "?";
      answers.set(code, (answers.get(code) ?? 0) + 1);
    } }],
  });
  const confirmed = answers.get("00") ?? 0;
  const stats = confirmStatistics(b.db);
  console.log(
    `IPN, 50 connections, ${DURATION} s: ${(confirmed / DURATION).toFixed(0)} confirmations/s (${result.requests.average.toFixed(0)} req/s), p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, errors ${result.errors}, non-2xx ${result.non2xx}; answers ${JSON.stringify(Object.fromEntries(answers))}; mean batch ${(stats.words / Math.max(1, stats.batches)).toFixed(1)}`,
  );
  const check = await b.db.system((tx) =>
    tx.one<{ paid: number; receipts: number; max: number; distinct: number }>(
      `select (select count(*)::int from payments where agency_id = $1 and status = 'paid') as paid, count(*)::int as receipts, max(number) as max, count(distinct number)::int as distinct
       from receipts where agency_id = $1`,
      [b.communeId],
    ),
  );
  console.log(`check: ${check.paid} paid, ${check.receipts} receipts, numbers 1..${check.max} (${check.distinct} distinct) — ${check.paid === check.receipts && check.max === check.receipts && check.distinct === check.receipts ? "no gap, no duplicate" : "MISMATCH"}`);
  await app.close();
} finally {
  await b.close();
  rmSync(dataDir, { recursive: true, force: true });
}
