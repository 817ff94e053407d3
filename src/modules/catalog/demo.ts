// Demo data: the province imports the shipped commune catalog; xã Minh Tiến offers what a commune
// People's Committee carries out (the default, src/domain/catalog/offering.ts) with its own time
// limits where the catalog gives none (demo-terms.ts). Runs inside the test template build.
import { readFileSync } from "node:fs";
import type { Procedure } from "../../domain/catalog/model";
import { registerDemoSeeder } from "../demo/seed";
import { CATALOG_SEED } from "./file";
import { importProcedures } from "./importer";
import { DEMO_TERMS } from "./demo-terms";
import { setLocalTerm } from "./service";

registerDemoSeeder({
  name: "catalog",
  run: async (tx, { communeId, provinceId, users }) => {
    // The shipped seed is validated by test/unit/catalog-parse.test.ts; skipping zod here keeps
    // the test template build a second shorter.
    const procedures = JSON.parse(readFileSync(CATALOG_SEED, "utf8")) as Procedure[];
    // Dated at the start of 2026 so that the report period of the demo finds them in force.
    await importProcedures(tx, procedures, { agencyId: provinceId, actor: "seed", effectiveFrom: "2026-01-01", announce: false });
    // The commune offers what the commune People's Committee carries out (the default); its
    // administrator has set the time limits the catalog does not give, citing the law.
    const admin = { actor: "demo-admin", actorUserId: users["demo-admin"] ?? null };
    for (const term of DEMO_TERMS) {
      await setLocalTerm(tx, { agencyId: communeId, code: term.code, change: { what: "time_limit", value: term.timeLimit }, reason: "Thời hạn theo quy định của pháp luật", ...admin });
    }
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
