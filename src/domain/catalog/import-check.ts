// Checking a whole catalog file before anything is written, record by record, collecting every
// problem instead of stopping at the first (the staff page lists them all by row; the CLI's
// all-or-nothing reader stops at the first). A generator, so a caller can yield between records
// and report progress: parsing the national dump takes seconds.
import type { z } from "zod";
import { PROCEDURE_FIELD_LABELS, Procedure } from "./model";
import { CatalogImportError, parsePortalRecord, PortalRecord } from "./parse";

/** `row` is 1-based (the n-th record of the file); null for the file as a whole. */
export type ImportIssue = { row: number | null; code: string | null; field: string; message: string };

export type CheckedCatalog = {
  shape: "portal" | "seed" | null;
  procedures: Procedure[];
  /** What stops the import: the file is refused while any is listed. */
  errors: ImportIssue[];
  /** What could not be read inside a valid record: imported, the part left empty. */
  problems: ImportIssue[];
};

/** More records than any national dump holds (2,642 of all levels): a file over it is refused. */
export const MAX_IMPORT_RECORDS = 20_000;

/** Vietnamese names of the portal's keys, for the messages. */
export const PORTAL_FIELD_LABELS: Record<string, string> = {
  ma_thu_tuc: "Mã thủ tục (ma_thu_tuc)",
  ten_thu_tuc: "Tên thủ tục (ten_thu_tuc)",
  linh_vuc: "Lĩnh vực (linh_vuc)",
  cap_thuc_hien: "Cấp thực hiện (cap_thuc_hien)",
  so_quyet_dinh: "Quyết định công bố (so_quyet_dinh)",
  loai_thu_tuc: "Loại thủ tục (loai_thu_tuc)",
  doi_tuong_thuc_hien: "Đối tượng thực hiện (doi_tuong_thuc_hien)",
  co_quan_co_tham_quyen: "Cơ quan có thẩm quyền (co_quan_co_tham_quyen)",
  co_quan_thuc_hien: "Cơ quan thực hiện (co_quan_thuc_hien)",
  cach_thuc_thuc_hien: "Cách thức thực hiện (cach_thuc_thuc_hien)",
  thanh_phan_ho_so: "Thành phần hồ sơ (thanh_phan_ho_so)",
  can_cu_phap_ly: "Căn cứ pháp lý (can_cu_phap_ly)",
  yeu_cau_dieu_kien: "Yêu cầu, điều kiện (yeu_cau_dieu_kien)",
  trinh_tu_thuc_hien: "Trình tự thực hiện (trinh_tu_thuc_hien)",
  ket_qua_xu_ly: "Kết quả (ket_qua_xu_ly)",
  detail_url: "Địa chỉ trang (detail_url)",
};

export function fieldLabel(field: string): string {
  return PORTAL_FIELD_LABELS[field] ?? (PROCEDURE_FIELD_LABELS as Record<string, string>)[field.split(".")[0]!] ?? field;
}

const FILE = "(tệp)";
const RECORD = "(bản ghi)";

function typeName(v: unknown): string {
  if (v === null) return "giá trị rỗng (null)";
  if (Array.isArray(v)) return "một danh sách";
  switch (typeof v) {
    case "string":
      return "văn bản";
    case "number":
      return "một số";
    case "boolean":
      return "true/false";
    case "object":
      return "một đối tượng";
    default:
      return typeof v;
  }
}

/** A zod issue in Vietnamese, with the offending value's type rather than zod's English. */
function issueMessage(issue: z.core.$ZodIssue, record: unknown): string {
  if (issue.code === "invalid_type") {
    let value: unknown = record;
    for (const k of issue.path) value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined;
    if (value === undefined) return "thiếu trường bắt buộc";
    return `phải là ${issue.expected === "string" ? "văn bản" : issue.expected === "array" ? "một danh sách" : issue.expected === "number" ? "một số" : issue.expected}, không phải ${typeName(value)}`;
  }
  if (issue.code === "invalid_format" || issue.code === "invalid_value") return `giá trị không hợp lệ`;
  if (issue.code === "too_small") return "không được để trống";
  return issue.message;
}

/** One problem per field of a record (a broken table cell would otherwise list each of its parts). */
function firstPerField(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = String(i.path[0] ?? "");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function codeOf(record: unknown, key: "ma_thu_tuc" | "code"): string | null {
  if (record === null || typeof record !== "object") return null;
  const v = (record as Record<string, unknown>)[key];
  return typeof v === "string" && v.trim() ? v.trim().slice(0, 60) : null;
}

/** Portal records (Vietnamese keys) or our structured seed shape, decided by the first object. */
export function catalogShape(raw: readonly unknown[]): "portal" | "seed" {
  const first = raw.find((r) => r !== null && typeof r === "object" && !Array.isArray(r)) as Record<string, unknown> | undefined;
  return first !== undefined && "code" in first && !("ma_thu_tuc" in first) ? "seed" : "portal";
}

/**
 * Checks every record. Yields after each record the number done and the total; returns the
 * procedures that are valid, every error (not an array, not a record, a key missing or of the
 * wrong type, a malformed code, an empty name, a code repeated) and every reading problem.
 */
export function* checkCatalog(raw: unknown): Generator<{ done: number; total: number }, CheckedCatalog> {
  const out: CheckedCatalog = { shape: null, procedures: [], errors: [], problems: [] };
  if (!Array.isArray(raw)) {
    out.errors.push({ row: null, code: null, field: FILE, message: "tệp phải là một danh sách (mảng JSON) các thủ tục" });
    return out;
  }
  if (raw.length === 0) {
    out.errors.push({ row: null, code: null, field: FILE, message: "tệp không có thủ tục nào" });
    return out;
  }
  if (raw.length > MAX_IMPORT_RECORDS) {
    out.errors.push({ row: null, code: null, field: FILE, message: `tệp có ${raw.length} bản ghi, quá ${MAX_IMPORT_RECORDS} bản ghi một lần nhập` });
    return out;
  }
  const shape = catalogShape(raw);
  out.shape = shape;
  const seen = new Map<string, number>();
  for (let i = 0; i < raw.length; i++) {
    const record: unknown = raw[i];
    const row = i + 1;
    const key = shape === "portal" ? "ma_thu_tuc" : "code";
    const rawCode = codeOf(record, key);
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      out.errors.push({ row, code: null, field: RECORD, message: `bản ghi phải là một đối tượng, không phải ${typeName(record)}` });
    } else if (shape === "portal") {
      // Every key's problem, not only the first the parser would throw on.
      const shaped = PortalRecord.safeParse(record);
      if (!shaped.success) {
        for (const issue of firstPerField(shaped.error.issues)) {
          out.errors.push({ row, code: rawCode, field: fieldLabel(issue.path.map(String).join(".") || RECORD), message: issueMessage(issue, record) });
        }
      } else {
        try {
          const parsed = parsePortalRecord(record, { recordIndex: i });
          accept(parsed.procedure, row);
          for (const p of parsed.problems) out.problems.push({ row, code: parsed.procedure.code, field: fieldLabel(p.field), message: p.message });
        } catch (e) {
          if (!(e instanceof CatalogImportError)) throw e;
          out.errors.push({ row, code: e.code ?? rawCode, field: fieldLabel(e.field), message: e.detail });
        }
      }
    } else {
      const r = Procedure.safeParse(record);
      if (!r.success) {
        for (const issue of firstPerField(r.error.issues)) {
          out.errors.push({ row, code: rawCode, field: fieldLabel(issue.path.map(String).join(".") || RECORD), message: issueMessage(issue, record) });
        }
      } else accept(r.data, row);
    }
    yield { done: row, total: raw.length };
  }
  return out;

  function accept(p: Procedure, row: number): void {
    const first = seen.get(p.code);
    if (first !== undefined) {
      out.errors.push({ row, code: p.code, field: fieldLabel(shape === "portal" ? "ma_thu_tuc" : "code"), message: `trùng mã với bản ghi số ${first}` });
      return;
    }
    seen.set(p.code, row);
    out.procedures.push(p);
  }
}

/** Runs the check to its end without yielding (tests, the CLI). */
export function checkCatalogNow(raw: unknown): CheckedCatalog {
  const it = checkCatalog(raw);
  for (;;) {
    const step = it.next();
    if (step.done) return step.value;
  }
}

/** "bản ghi số 3 (1.001193), Tên thủ tục (ten_thu_tuc): tên thủ tục trống" */
export function issueText(i: ImportIssue): string {
  const where = i.row === null ? "Tệp" : `Bản ghi số ${i.row}${i.code ? ` (${i.code})` : ""}`;
  return `${where}, ${i.field}: ${i.message}`;
}
