// Slip rendering speed and size: node --import tsx bench/slips.ts
import { buildSlipLayout } from "../src/domain/slips/layout";
import { SAMPLE_REGISTER, SAMPLE_SLIP } from "../src/domain/slips/fixtures";
import { renderSlipPdf } from "../src/modules/dossier-docs/pdf";
import { renderRegisterXlsx } from "../src/modules/dossier-docs/register-xlsx";

const N = 20;
for (const form of ["01", "05"] as const) {
  const layout = buildSlipLayout(form, SAMPLE_SLIP);
  let t0 = performance.now();
  const first = await renderSlipPdf(layout);
  const cold = performance.now() - t0;
  t0 = performance.now();
  for (let i = 0; i < N; i++) await renderSlipPdf(layout);
  const warm = (performance.now() - t0) / N;
  console.log(`Mẫu ${form}: first ${cold.toFixed(0)} ms, then ${warm.toFixed(1)} ms/slip, ${(first.length / 1024).toFixed(0)} KiB`);
}
const rows = Array.from({ length: 1000 }, (_, i) => ({ ...SAMPLE_REGISTER[0]!, code: `000.00.25.H12-261203-${String(i).padStart(4, "0")}` }));
const t0 = performance.now();
const xlsx = await renderRegisterXlsx({ agencyName: "Ủy ban nhân dân xã Minh Tiến", from: "2026-12-01", to: "2026-12-31", rows });
console.log(`Mẫu 06, 1,000 rows: ${(performance.now() - t0).toFixed(0)} ms, ${(xlsx.length / 1024).toFixed(0)} KiB`);
console.log(`rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
