// `motcua catalog import FILE` and `motcua catalog abolish CODE`: the work behind the CLI block.
import type { Db } from "../../db/scope";
import { CatalogImportError } from "../../domain/catalog/parse";
import { progressBar } from "../../cli/progress";
import { findAgencyByCode } from "../agencies/agencies";
import { type CatalogFile, readCatalogFile } from "./file";
import { abolishProcedure, importProcedures, type ImportResult } from "./importer";
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

export async function runCatalogImport(
  db: Db,
  file: string,
  opts: { agency?: string; abolishMissing?: boolean; effective?: string; log: Log },
): Promise<ImportResult> {
  const { log } = opts;
  if (opts.effective !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.effective)) throw new Error("--effective phải có dạng YYYY-MM-DD");
  let parsed: CatalogFile;
  try {
    parsed = readCatalogFile(file);
  } catch (e) {
    if (e instanceof CatalogImportError) throw new Error(`Tệp không hợp lệ, không nhập gì / invalid file, nothing imported: ${e.message}`);
    throw e;
  }
  log(`Đọc ${parsed.procedures.length} thủ tục (${parsed.shape === "portal" ? "dữ liệu Cổng Dịch vụ công" : "danh mục đã chuẩn hóa"}) từ ${file}`);
  if (parsed.problems.length) {
    log(`${parsed.problems.length} bản ghi có phần không đọc được (vẫn nhập, phần đó để trống):`);
    for (const r of parsed.problems) for (const p of r.problems) log(`  bản ghi #${r.recordIndex} (${r.code}), ${p.field}: ${p.message}`);
  }
  const agency = await importingAgency(db, opts.agency);
  const bar = progressBar("Thủ tục / procedures");
  let result: ImportResult;
  try {
    result = await db.system((tx) =>
      importProcedures(tx, parsed.procedures, {
        agencyId: agency.id,
        actor: "cli",
        ...(opts.effective ? { effectiveFrom: opts.effective } : {}),
        abolishMissing: Boolean(opts.abolishMissing),
        onProgress: bar.update,
      }),
    );
  } finally {
    bar.stop();
  }
  invalidateCatalogSearch(db);
  log(
    `Đã nhập vào ${agency.name}: ${result.created} mới, ${result.amended.length} sửa đổi, ${result.reinstated.length} áp dụng lại, ` +
      `${result.abolished.length} bãi bỏ, ${result.unchanged} không đổi; ${result.announcements} thông báo.`,
  );
  return result;
}

export async function runCatalogAbolish(db: Db, code: string, opts: { agency?: string; effective?: string; log: Log }): Promise<void> {
  const agency = await importingAgency(db, opts.agency);
  const r = await db.system((tx) => abolishProcedure(tx, { code, agencyId: agency.id, actor: "cli", ...(opts.effective ? { effectiveOn: opts.effective } : {}) }));
  invalidateCatalogSearch(db);
  opts.log(`Đã bãi bỏ thủ tục ${code}; ${r.announcements} thông báo.`);
}
