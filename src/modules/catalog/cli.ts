// `motcua catalog import FILE` and `motcua catalog abolish CODE`: the work behind the CLI block.
// The file is checked and compared as on the staff page (imports.ts) and written by the same
// importer (importer.ts).
import { readFileSync } from "node:fs";
import type { Db } from "../../db/scope";
import { checkCatalogNow, issueText } from "../../domain/catalog/import-check";
import { DomainError } from "../../domain/errors";
import { formatDate } from "../../domain/text/format";
import { progressBar } from "../../cli/progress";
import { translator } from "../../web/i18n";
import { findAgencyByCode } from "../agencies/agencies";
import { type AbolishMissing, abolishProcedure, type ImportDecision, importProcedures, type ImportResult } from "./importer";
import { decodeCatalogData, type ImportPreview, previewCatalog } from "./imports";
import "./import-messages";
import { invalidateCatalogSearch } from "./search-cache";

type Log = (line: string) => void;

/** The importing (root) agency: --agency CODE, else the province above the site's commune. */
async function importingAgency(db: Db, code: string | undefined): Promise<{ id: number; name: string }> {
  return db.system(async (tx) => {
    if (code) {
      const a = await findAgencyByCode(tx, code);
      if (!a) throw new Error(`Không có đơn vị mã ${code} / unknown agency`);
      return { id: a.id, name: a.name };
    }
    const r = await tx.maybeOne<{ id: number; name: string }>(
      `select coalesce(p.id, a.id) as id, coalesce(p.name, a.name) as name from app_settings s
       join agencies a on a.code = s.value #>> '{}' left join agencies p on p.id = a.parent_id where s.key = 'site_agency_code'`,
    );
    if (!r) throw new Error("Chưa đặt đơn vị của trang: dùng --agency MÃ_ĐƠN_VỊ (tỉnh) / use --agency CODE");
    return r;
  });
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function decisionOf(opts: { decision?: string; decisionDate?: string }): ImportDecision | null {
  if (opts.decisionDate !== undefined && !ISO_DATE.test(opts.decisionDate)) throw new Error("--decision-date phải có dạng YYYY-MM-DD");
  if (opts.decisionDate && !opts.decision) throw new Error("--decision-date cần --decision (số quyết định)");
  return opts.decision ? { number: opts.decision.trim(), date: opts.decisionDate ?? null } : null;
}

/** The preview as lines: what a staff member sees on the page before applying. */
export function previewLines(p: ImportPreview): string[] {
  const lines = [`Xem trước: ${p.added.length} mới, ${p.amended.length} sửa đổi, ${p.reinstated.length} áp dụng lại, ${p.abolished.length} bãi bỏ, ${p.unchanged} không đổi.`];
  for (const a of p.added) lines.push(`  + ${a.code} ${a.name}`);
  for (const a of p.amended) {
    lines.push(`  ~ ${a.code} ${a.name}`);
    for (const c of a.changes) lines.push(`      ${c.label}: ${c.before.slice(0, 120) || "—"} → ${c.after.slice(0, 120) || "—"}`);
  }
  for (const a of p.reinstated) lines.push(`  ↺ ${a.code} ${a.name}`);
  for (const a of p.abolished) lines.push(`  − ${a.code} ${a.name}`);
  return lines;
}

type ImportFlags = {
  agency?: string;
  abolishMissing?: boolean | AbolishMissing;
  abolish?: string;
  effective?: string;
  decision?: string;
  decisionDate?: string;
  log: Log;
};

/** Reads and checks the whole file as the staff page does; every error listed, nothing written. */
async function readChecked(db: Db, file: string, opts: ImportFlags) {
  const { log } = opts;
  if (opts.effective !== undefined && !ISO_DATE.test(opts.effective)) throw new Error("--effective phải có dạng YYYY-MM-DD");
  const decision = decisionOf(opts);
  const abolishCodes = (opts.abolish ?? "").split(/[\s,;]+/).filter(Boolean);
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new Error(`Không đọc được tệp ${file}: ${(e as Error).message}`);
  }
  const decoded = decodeCatalogData(buf);
  if ("error" in decoded) throw new Error(`Tệp không hợp lệ, không nhập gì / invalid file, nothing imported: ${issueText(decoded.error)}`);
  const checked = checkCatalogNow(decoded.raw);
  if (checked.errors.length) {
    const shown = checked.errors.slice(0, 50).map((e) => `  ${issueText(e)}`);
    const more = checked.errors.length > 50 ? [`  … và ${checked.errors.length - 50} lỗi khác`] : [];
    throw new Error([`Tệp không hợp lệ, không nhập gì / invalid file, nothing imported (${checked.errors.length} lỗi):`, ...shown, ...more].join("\n"));
  }
  log(`Đọc ${checked.procedures.length} thủ tục (${checked.shape === "portal" ? "dữ liệu Cổng Dịch vụ công" : "danh mục đã chuẩn hóa"}) từ ${file}`);
  if (checked.problems.length) {
    log(`${new Set(checked.problems.map((p) => p.row)).size} bản ghi có phần không đọc được (vẫn nhập, phần đó để trống):`);
    for (const p of checked.problems) log(`  ${issueText(p)}`);
  }
  const agency = await importingAgency(db, opts.agency);
  const missing: AbolishMissing = opts.abolishMissing === true ? "all" : opts.abolishMissing || "none";
  return { checked, decision, abolishCodes, missing, agency };
}

/** `--dry-run`: the preview (new, amended field by field, reinstated, abolished) without writing. */
export async function runCatalogPreview(db: Db, file: string, opts: ImportFlags): Promise<ImportPreview> {
  const { checked, abolishCodes, missing } = await readChecked(db, file, opts);
  const today = await db.system((tx) => tx.one<{ d: string }>("select to_char((now() at time zone 'Asia/Ho_Chi_Minh')::date, 'YYYY-MM-DD') as d"));
  const { preview } = await db.system((tx) => previewCatalog(tx, checked, { effectiveFrom: opts.effective ?? today.d, abolishCodes, abolishMissing: missing }));
  for (const l of previewLines(preview)) opts.log(l);
  for (const e of preview.errors) opts.log(`  ! ${issueText(e)}`);
  opts.log("Chạy thử: chưa ghi gì / dry run: nothing written.");
  return preview;
}

export async function runCatalogImport(db: Db, file: string, opts: ImportFlags): Promise<ImportResult> {
  const { checked, decision, abolishCodes, missing, agency } = await readChecked(db, file, opts);
  const bar = progressBar("Thủ tục / procedures");
  let result: ImportResult;
  try {
    result = await db.system((tx) =>
      importProcedures(tx, checked.procedures, {
        agencyId: agency.id,
        actor: "cli",
        ...(opts.effective ? { effectiveFrom: opts.effective } : {}),
        abolishMissing: missing,
        abolishCodes,
        decision,
        onProgress: bar.update,
      }),
    );
  } finally {
    bar.stop();
  }
  invalidateCatalogSearch(db);
  opts.log(
    `Đã nhập vào ${agency.name}${decision ? ` theo Quyết định số ${decision.number}${decision.date ? ` ngày ${formatDate(decision.date)}` : ""}` : ""}: ` +
      `${result.created} mới, ${result.amended.length} sửa đổi, ${result.reinstated.length} áp dụng lại, ` +
      `${result.abolished.length} bãi bỏ, ${result.unchanged} không đổi; ${result.announcements} thông báo.`,
  );
  return result;
}

export async function runCatalogAbolish(
  db: Db,
  code: string,
  opts: { agency?: string; effective?: string; decision?: string; decisionDate?: string; reason?: string; log: Log },
): Promise<void> {
  if (opts.effective !== undefined && !ISO_DATE.test(opts.effective)) throw new Error("--effective phải có dạng YYYY-MM-DD");
  const decision = decisionOf(opts);
  const agency = await importingAgency(db, opts.agency);
  try {
    const r = await db.system((tx) =>
      abolishProcedure(tx, { code, agencyId: agency.id, actor: "cli", ...(opts.effective ? { effectiveOn: opts.effective } : {}), decision, reason: opts.reason ?? null }),
    );
    invalidateCatalogSearch(db);
    opts.log(`Đã bãi bỏ thủ tục ${code} từ ngày ${formatDate(r.effectiveOn)}; ${r.announcements} thông báo.`);
  } catch (e) {
    if (e instanceof DomainError) throw new Error(translator("vi")(e.messageKey, e.vars));
    throw e;
  }
}
