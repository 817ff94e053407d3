// Demo data: the province imports the shipped commune catalog and xã Minh Tiến offers all of it,
// published, with the online levels a commune typically has. Runs inside the test template
// build, so everything is bulk SQL.
import { readFileSync } from "node:fs";
import type { Procedure } from "../../domain/catalog/model";
import { registerDemoSeeder } from "../demo/seed";
import { CATALOG_SEED } from "./file";
import { importProcedures } from "./importer";
import type { OnlineLevel } from "./service";

// Fields whose procedures the national portal serves end to end (toàn trình): civil status,
// certification, residence, tax and social-insurance declarations.
const FULL_ONLINE_FIELDS = new Set([
  "Hộ tịch",
  "Chứng thực",
  "Đăng ký, quản lý cư trú",
  "Thuế",
  "Hải quan",
  "Kho bạc Nhà nước",
  "Thực hiện chính sách BHXH",
  "Thực hiện chính sách BHYT",
  "Thu BHXH, BHYT, BHTN, BH tai nạn lao động, BNN",
  "Cấp sổ BHXH, thẻ BHYT",
]);

/** Online level a commune would set: none without an online channel; land, building… partial. */
export function demoOnlineLevel(p: Procedure): OnlineLevel {
  if (!p.channels.some((c) => c.channel === "online")) return "none";
  return FULL_ONLINE_FIELDS.has(p.field) ? "full" : "partial";
}

registerDemoSeeder({
  name: "catalog",
  run: async (tx, { communeId, provinceId, users }) => {
    // The shipped seed is validated by test/unit/catalog-parse.test.ts; skipping zod here keeps
    // the test template build a second shorter.
    const procedures = JSON.parse(readFileSync(CATALOG_SEED, "utf8")) as Procedure[];
    // Dated at the start of 2026 so that the report period of the demo finds them in force.
    await importProcedures(tx, procedures, { agencyId: provinceId, actor: "seed", effectiveFrom: "2026-01-01", announce: false });
    await tx.exec(
      `insert into agency_procedures (agency_id, procedure_id, enabled, online_level, published, updated_by)
       select $1, p.id, true, x.level, true, $3 from jsonb_to_recordset($2::jsonb) as x(code text, level text) join procedures p using (code)
       on conflict (agency_id, procedure_id) do nothing`,
      [communeId, JSON.stringify(procedures.map((p) => ({ code: p.code, level: demoOnlineLevel(p) }))), users["demo-admin"] ?? null],
    );
    // A few announcements of the commune's recent notices, as an import would have written them.
    await tx.exec(
      `insert into catalog_announcements (agency_id, kind, procedure_id, version_id, procedure_code, procedure_name, title, summary, published_at)
       select $1, 'new', p.id, v.id, p.code, p.name, 'Công bố thủ tục hành chính mới: ' || p.name,
              'Thủ tục ' || p.code || ' (lĩnh vực ' || p.field || '), áp dụng từ ngày 01/01/2026.',
              timestamptz '2026-01-05 09:00+07' + (row_number() over (order by p.code)) * interval '9 days'
       from procedures p join procedure_versions v on v.procedure_id = p.id and v.version_no = 1
       where p.field in ('Hộ tịch', 'Chứng thực') and p.name ~* '(khai sinh|kết hôn|khai tử|bản sao từ bản chính)'
       order by p.code limit 6`,
      [communeId],
    );
  },
});
