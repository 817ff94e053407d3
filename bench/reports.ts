// Report output: composing the document and rendering DOCX and PDF (sample data, 3 pages).
// Run: node --import tsx bench/reports.ts
import { performance } from "node:perf_hooks";
import { composeReport, defaultRecipients, defaultSubject, initialNarratives } from "../src/domain/reports/cchc-communication";
import { SAMPLE_REPORT_DATA as data } from "../src/domain/reports/sample-data";
import { renderDocx } from "../src/modules/documents/docx";
import { renderPdf } from "../src/modules/documents/pdf";

const input = {
  data,
  subject: defaultSubject(data),
  narratives: initialNarratives(data),
  recipients: defaultRecipients(data),
  issued: { number: 82, symbol: "BC-UBND", date: "2024-06-14" },
  draftDate: "2024-06-14",
  signer: { mode: "TM" as const, name: "Hoàng Văn Minh" },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time<T>(fn: () => Promise<T> | T, runs: number): Promise<{ first: number; median: number; last: T }> {
  const times: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await fn();
    times.push(performance.now() - t0);
  }
  return { first: times[0]!, median: median(times.slice(1)), last };
}

const rss0 = process.memoryUsage().rss;
const compose = await time(() => composeReport(input), 200);
const doc = compose.last;
const docx = await time(() => renderDocx(doc), 30);
const pdf = await time(() => renderPdf(doc), 30);
const rss1 = process.memoryUsage().rss;
console.log(`composeReport: median ${compose.median.toFixed(3)} ms`);
console.log(`renderDocx: first ${docx.first.toFixed(0)} ms, median ${docx.median.toFixed(1)} ms, ${(docx.last.length / 1024).toFixed(1)} KiB`);
console.log(`renderPdf (Tinos embedded, subset): first ${pdf.first.toFixed(0)} ms, median ${pdf.median.toFixed(1)} ms, ${(pdf.last.length / 1024).toFixed(1)} KiB`);
console.log(`RSS growth over the run: ${((rss1 - rss0) / 1048576).toFixed(0)} MiB`);
