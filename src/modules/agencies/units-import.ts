import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Tx } from "../../db/scope";
import { fold } from "../../domain/text/fold";

export const UNITS_SEED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../seed/units/units-2026.json");

const Unit = z.object({
  code: z.string().regex(/^\d{2,5}$/),
  name: z.string().min(1),
  fullName: z.string().min(1),
  fullNameEn: z.string(),
  type: z.string().min(1),
  slug: z.string(),
});
export const UnitsFile = z.array(Unit.extend({ communes: z.array(Unit) }));
export type UnitsFile = z.infer<typeof UnitsFile>;

export function readUnitsFile(file = UNITS_SEED): UnitsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`Không đọc được tệp đơn vị hành chính ${file}: ${(e as Error).message}`);
  }
  const r = UnitsFile.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`Tệp đơn vị hành chính sai cấu trúc tại ${i.path.join(".")}: ${i.message}`);
  }
  return r.data;
}

/** "Xã Minh Tiến" → "Ủy ban nhân dân xã Minh Tiến"; the unit type is lower-cased inside a name. */
export function committeeName(fullName: string, type: string): string {
  const rest = fullName.startsWith(type) ? fullName.slice(type.length) : ` ${fullName}`;
  return `Ủy ban nhân dân ${type.toLowerCase()}${rest}`;
}

/** Placeholder agency codes until an administrator enters the QCVN 102:2016 code. */
export function defaultAgencyCode(kind: "province" | "commune", gso: string, provinceGso: string): string {
  return kind === "province" ? `000.00.00.P${gso}` : `000.${gso}.00.P${provinceGso}`;
}

export type ImportProgress = (done: number, total: number) => void;

/**
 * Upserts provinces and their communes by GSO code. Names follow the source; an agency code an
 * administrator has edited is kept. Runs in the caller's transaction: all or nothing.
 */
export async function importUnits(tx: Tx, units: UnitsFile, onProgress?: ImportProgress): Promise<{ provinces: number; communes: number }> {
  const total = units.length + units.reduce((n, p) => n + p.communes.length, 0);
  let done = 0;
  let communes = 0;
  for (const p of units) {
    const province = await tx.one<{ id: number }>(
      `insert into agencies (kind, unit_type, gso_code, code, unit_name, name, name_en, slug, search_text)
       values ('province', $1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (gso_code) do update set unit_type = excluded.unit_type, unit_name = excluded.unit_name, name = excluded.name,
         name_en = excluded.name_en, slug = excluded.slug, search_text = excluded.search_text, updated_at = now()
       returning id`,
      [p.type, p.code, defaultAgencyCode("province", p.code, p.code), p.fullName, committeeName(p.fullName, p.type), p.fullNameEn, p.slug, fold(p.fullName)],
    );
    done++;
    // One statement per province: 3,321 communes in 34 round trips.
    await tx.exec(
      `insert into agencies (parent_id, kind, unit_type, gso_code, code, unit_name, name, name_en, slug, search_text)
       select $1, 'commune', t.unit_type, t.gso, t.code, t.unit_name, t.name, t.name_en, t.slug, t.search
       from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
         as t(unit_type, gso, code, unit_name, name, name_en, slug, search)
       on conflict (gso_code) do update set parent_id = excluded.parent_id, unit_type = excluded.unit_type, unit_name = excluded.unit_name,
         name = excluded.name, name_en = excluded.name_en, slug = excluded.slug, search_text = excluded.search_text, updated_at = now()`,
      [
        province.id,
        p.communes.map((c) => c.type),
        p.communes.map((c) => c.code),
        p.communes.map((c) => defaultAgencyCode("commune", c.code, p.code)),
        p.communes.map((c) => c.fullName),
        p.communes.map((c) => committeeName(c.fullName, c.type)),
        p.communes.map((c) => c.fullNameEn),
        p.communes.map((c) => c.slug),
        p.communes.map((c) => fold(`${c.fullName} | ${p.fullName}`)),
      ],
    );
    communes += p.communes.length;
    done += p.communes.length;
    onProgress?.(done, total);
  }
  return { provinces: units.length, communes };
}
