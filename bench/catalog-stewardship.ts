// Staff import of a catalog file and the yearly review's documents, on a real PostgreSQL.
// Run: node --import tsx bench/catalog-stewardship.ts [/work/shared/data/procedures/tthc-all-levels.json.gz]
// Uses a throw-away embedded PostgreSQL (or BENCH_DATABASE_URL: a database that will be filled).
//
// What it measures: how long the preview of a large file takes through the staff page's path
// (decode, check every record, compare with the catalog) and how long the event loop is held
// meanwhile (the reader yields between small batches; the CLI's reader parses in one go), the
// apply, and rendering a review report and proposal as DOCX and PDF.
import { readFileSync } from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { complianceCost } from "../src/domain/catalog/compliance-cost";
import { REVIEW_PARTS } from "../src/domain/catalog/review";
import { composeReviewReport, composeSimplificationProposal, type ReviewForDocument } from "../src/domain/catalog/review-documents";
import { readCatalogFile } from "../src/modules/catalog/file";
import { applyImport, createImport, findImport, makePreview } from "../src/modules/catalog/imports";
import { renderDocx } from "../src/modules/documents/docx";
import { renderPdf } from "../src/modules/documents/pdf";
import { DEFAULT_DUMP, prepareDb } from "./catalog-import";

const RAW_XA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../shared/data/procedures/tthc-cap-xa.json");

/** Time of an asynchronous task and the longest the event loop waited meanwhile (5 ms resolution). */
async function timedWithLoop<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; maxBlockMs: number; p99BlockMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t = performance.now();
  const value = await fn();
  const ms = performance.now() - t;
  h.disable();
  return { value, ms, maxBlockMs: h.max / 1e6, p99BlockMs: h.percentile(99) / 1e6 };
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? DEFAULT_DUMP;
  const b = await prepareDb();
  try {
    for (const [label, f] of [
      ["commune records (588, JSON 5.1 MB)", RAW_XA],
      ["all levels (2,642, gzip 2.0 MB)", file],
    ] as const) {
      const data = readFileSync(f);
      const request = { fileName: path.basename(f), data, decision: { number: "1234/QĐ-UBND", date: "2026-06-02" }, effectiveFrom: "2026-06-15", abolishCodes: [], abolishMissing: "none" as const };
      const id = await b.db.system((tx) => createImport(tx, { agencyId: b.communeId, importingAgencyId: b.provinceId, userId: null, request }));
      const preview = await timedWithLoop(() => makePreview(b.db, id, request));
      const i = (await b.db.system((tx) => findImport(tx, id)))!;
      console.log(
        `preview, ${label}: ${preview.ms.toFixed(0)} ms; event loop held at most ${preview.maxBlockMs.toFixed(0)} ms (p99 ${preview.p99BlockMs.toFixed(0)} ms); ` +
          `${i.preview!.added.length} new, ${i.preview!.amended.length} amended, ${i.preview!.unchanged} unchanged, ${i.preview!.problemCount} unread parts`,
      );
      if (i.preview!.added.length) {
        const applied = await timedWithLoop(() => applyImport(b.db, { id, actor: "bench", actorUserId: null }));
        console.log(`apply, ${label}: ${applied.ms.toFixed(0)} ms (${applied.value.result.created} new, ${applied.value.result.announcements} announcements)`);
      }
    }
    const t0 = performance.now();
    readCatalogFile(file);
    console.log(`for comparison, the CLI's reader on all levels (synchronous: holds the event loop all along): ${(performance.now() - t0).toFixed(0)} ms`);

    // Review documents: a commune's round of 20 procedures, each with 8 cost lines and 3 proposals.
    const items = Array.from({ length: 8 }, (_, k) => ({ activity: "document" as const, label: `Giấy tờ số ${k + 1} của hồ sơ`, hoursBefore: 0.5, hoursAfter: 0.25, otherBefore: 2_000, otherAfter: 0 }));
    const cost = complianceCost({ items, feeBefore: 8_000, feeAfter: 8_000, dossiersPerYear: 240 }, { annualIncomeVnd: 114_000_000 });
    const reviews: ReviewForDocument[] = Array.from({ length: 20 }, (_, k) => ({
      code: `1.00${String(1000 + k)}`,
      name: `Thủ tục thử số ${k + 1} về đăng ký hộ tịch có yếu tố thông thường`,
      field: "Hộ tịch",
      reviewer: "Trần Văn Hùng",
      completedOn: "2026-10-01",
      conclusion: "amend",
      recommendation: "Sửa đổi khoản 1 Điều 16 Luật Hộ tịch 2014",
      changes: REVIEW_PARTS.slice(0, 3).map((part) => ({ part, proposal: "Cắt giảm giấy tờ đã có trong cơ sở dữ liệu quốc gia về dân cư", reason: "Nghị định 45/2020/NĐ-CP" })),
      items,
      cost,
    }));
    const round = {
      agency: { name: "Ủy ban nhân dân xã Minh Tiến", unitName: "Xã Minh Tiến" },
      parentName: "Ủy ban nhân dân tỉnh Thái Nguyên",
      year: 2026,
      plan: { code: "05/KH-UBND", issuedOn: "2026-02-10" },
      wage: { annualIncomeVnd: 114_000_000, year: 2024, source: "Tổng cục Thống kê" },
      reviews,
      issued: { number: 82, symbol: "BC-UBND", date: "2026-11-15" },
      draftDate: "2026-11-15",
      signer: { mode: "TM" as const, name: "Hoàng Văn Minh" },
    };
    await renderPdf(composeReviewReport(round)); // fonts parsed once per process
    let t = performance.now();
    const report = composeReviewReport(round);
    const proposal = composeSimplificationProposal(round);
    const [rd, rp, pd, pp] = await Promise.all([renderDocx(report), renderPdf(report), renderDocx(proposal), renderPdf(proposal)]);
    console.log(
      `review documents, 20 procedures: report + proposal as DOCX and PDF in ${(performance.now() - t).toFixed(0)} ms; sizes report ${(rd.length / 1024).toFixed(0)} KB DOCX / ${(rp.length / 1024).toFixed(0)} KB PDF, proposal ${(pd.length / 1024).toFixed(0)} KB DOCX / ${(pp.length / 1024).toFixed(0)} KB PDF`,
    );
    t = performance.now();
    for (let k = 0; k < 10_000; k++) complianceCost({ items, feeBefore: 8_000, feeAfter: 8_000, dossiersPerYear: 240 }, { annualIncomeVnd: 114_000_000 });
    console.log(`compliance cost of 8 lines: ${(((performance.now() - t) * 1000) / 10_000).toFixed(1)} µs`);
  } finally {
    await b.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
