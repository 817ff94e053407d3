// Reading a catalog file for import: the national portal's raw records (Vietnamese keys, as the
// crawler stored them) or our own structured seed, plain JSON or gzip. Everything is validated
// before anything is written: the first record that is not a procedure aborts the import with a
// CatalogImportError naming the record and the field.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { Procedure } from "../../domain/catalog/model";
import { CatalogImportError, parsePortalCatalog, type RecordProblems } from "../../domain/catalog/parse";
import { cleanSpaces, fold } from "../../domain/text/fold";

export const CATALOG_SEED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../seed/procedures/commune-catalog.json");

export type CatalogFile = { shape: "portal" | "seed"; procedures: Procedure[]; problems: RecordProblems[] };

/** Parses already-decoded JSON: an array of portal records or of structured procedures. */
export function parseCatalogJson(raw: unknown): CatalogFile {
  if (!Array.isArray(raw)) throw new CatalogImportError({ recordIndex: -1, field: "(tệp)", message: "tệp phải là một mảng các thủ tục" });
  const first = raw.find((r) => r !== null && typeof r === "object") as Record<string, unknown> | undefined;
  const isSeed = first !== undefined && "code" in first && !("ma_thu_tuc" in first);
  if (!isSeed) return { shape: "portal", ...parsePortalCatalog(raw) };
  const procedures: Procedure[] = [];
  const seen = new Map<string, number>();
  raw.forEach((record, recordIndex) => {
    const r = Procedure.safeParse(record);
    const code = record && typeof record === "object" && typeof (record as { code?: unknown }).code === "string" ? (record as { code: string }).code : undefined;
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new CatalogImportError({ recordIndex, ...(code ? { code } : {}), field: issue.path.map(String).join(".") || "(bản ghi)", message: issue.message });
    }
    const dup = seen.get(r.data.code);
    if (dup !== undefined) throw new CatalogImportError({ recordIndex, code: r.data.code, field: "code", message: `trùng mã với bản ghi #${dup}` });
    seen.set(r.data.code, recordIndex);
    procedures.push(r.data);
  });
  return { shape: "seed", procedures, problems: [] };
}

/** Reads a .json or .json.gz file (gzip is recognised by its magic bytes, whatever the name). */
export function readCatalogFile(file: string): CatalogFile {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new CatalogImportError({ recordIndex: -1, field: "(tệp)", message: `không đọc được tệp ${file}: ${(e as Error).message}` });
  }
  let raw: unknown;
  try {
    const text = (buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf).toString("utf8");
    raw = JSON.parse(text);
  } catch (e) {
    throw new CatalogImportError({ recordIndex: -1, field: "(tệp)", message: `tệp ${file} không phải JSON hợp lệ: ${(e as Error).message}` });
  }
  return parseCatalogJson(raw);
}

/** The text the trigram index and the staff filter match against. */
export function searchText(p: { code: string; name: string; field: string }): string {
  return fold(cleanSpaces(`${p.code} ${p.name} ${p.field}`));
}
