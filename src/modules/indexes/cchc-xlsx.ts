// The criteria file as a spreadsheet (docs/indexes.md, "CCHC index"): sheet "Thông tin" holds the
// set's fields as label/value rows, sheet "Tiêu chí" one criterion per row under a header row.
// Reading only turns cells into the JSON format's values; validateCriteriaFile judges them.
// exceljs is loaded on first use: it costs ~8 MB of heap and half a second at start (docs/benchmarks.md, Footprint).
import type ExcelJS from "exceljs";
import { DomainError } from "../../domain/errors";

const INFO = { year: "Năm", title: "Tên bộ chỉ số", source: "Căn cứ", excellent: "Xuất sắc từ (%)", good: "Tốt từ (%)", fair: "Khá từ (%)", average: "Trung bình từ (%)" } as const;
const COLUMNS = {
  code: "Mã",
  parent: "Mã cha",
  name: "Tên lĩnh vực, tiêu chí",
  maxPoints: "Điểm tối đa",
  method: "Phương pháp",
  evidenceRequired: "Tài liệu kiểm chứng",
  rule: "Cách chấm điểm",
  kind: "Loại",
  measure: "Số liệu tự động",
} as const;

const fold = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/gi, "d")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();

function cellValue(v: ExcelJS.CellValue): unknown {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") {
    if ("result" in v) return cellValue(v.result as ExcelJS.CellValue);
    if ("richText" in v) return v.richText.map((t) => t.text).join("");
    if ("text" in v) return String(v.text);
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    return "";
  }
  return v;
}

/** The spreadsheet's content in the JSON format (unchecked); a file that is no spreadsheet → 422. */
export async function readCriteriaXlsx(data: Buffer): Promise<Record<string, unknown>> {
  const { default: Excel } = await import("exceljs");
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new DomainError("unprocessable", "cchc.import.notXlsx");
  }
  const find = (name: string) => wb.worksheets.find((w) => fold(w.name) === fold(name));
  const info = find("Thông tin");
  const sheet = find("Tiêu chí") ?? wb.worksheets.find((w) => w !== info);
  if (!sheet) throw new DomainError("unprocessable", "cchc.import.noSheet");
  const out: Record<string, unknown> = { thresholds: {} };
  if (info) {
    info.eachRow((row) => {
      const label = fold(String(cellValue(row.getCell(1).value)));
      const value = cellValue(row.getCell(2).value);
      for (const [k, l] of Object.entries(INFO)) {
        if (fold(l) !== label) continue;
        if (k === "year" || k === "title" || k === "source") out[k] = value;
        else (out.thresholds as Record<string, unknown>)[k] = value;
      }
    });
  }
  const header = sheet.getRow(1);
  const colOf = new Map<string, number>();
  header.eachCell((cell, col) => {
    const h = fold(String(cellValue(cell.value)));
    for (const [k, l] of Object.entries(COLUMNS)) if (fold(l) === h || fold(k) === h) colOf.set(k, col);
  });
  const criteria: Record<string, unknown>[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const r: Record<string, unknown> = {};
    for (const [k, col] of colOf) r[k] = cellValue(row.getCell(col).value);
    if (Object.values(r).every((v) => v === "")) return;
    criteria.push(r);
  });
  out.criteria = criteria;
  return out;
}

const METHOD_WORDS = { self: "tự đánh giá", appraised: "thẩm định", survey: "điều tra" } as const;
const KIND_WORDS = { score: "điểm", bonus: "thưởng", penalty: "trừ" } as const;

/** A set written as the spreadsheet the import reads (the template offered for download). */
export async function writeCriteriaXlsx(set: {
  year: number;
  title: string;
  source: string;
  thresholds: { excellent: number; good: number; fair: number; average: number };
  criteria: readonly { code: string; parent: string | null; name: string; maxPoints: number; method: keyof typeof METHOD_WORDS; evidenceRequired: boolean; rule: string; kind: keyof typeof KIND_WORDS; measure?: string | null }[];
}): Promise<Buffer> {
  const { default: Excel } = await import("exceljs");
  const wb = new Excel.Workbook();
  wb.creator = "Một Cửa";
  wb.created = new Date(0);
  const info = wb.addWorksheet("Thông tin");
  info.columns = [{ width: 22 }, { width: 90 }];
  info.addRows([
    [INFO.year, set.year],
    [INFO.title, set.title],
    [INFO.source, set.source],
    [INFO.excellent, set.thresholds.excellent],
    [INFO.good, set.thresholds.good],
    [INFO.fair, set.thresholds.fair],
    [INFO.average, set.thresholds.average],
  ]);
  const ws = wb.addWorksheet("Tiêu chí", { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = [{ width: 8 }, { width: 8 }, { width: 60 }, { width: 10 }, { width: 14 }, { width: 12 }, { width: 50 }, { width: 8 }, { width: 20 }];
  ws.addRow(Object.values(COLUMNS)).font = { bold: true };
  for (const c of set.criteria) {
    ws.addRow([c.code, c.parent ?? "", c.name, c.maxPoints, METHOD_WORDS[c.method], c.evidenceRequired ? "có" : "không", c.rule, KIND_WORDS[c.kind], c.measure ?? ""]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
