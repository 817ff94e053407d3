// One-off generator (not run by the app): turns the shared units-full.json of
// thanglequoc/vietnamese-provinces-database (MIT) into the compact, NFC-clean copy the app ships.
// Usage: node --import tsx scripts/build-units-seed.ts ../shared/data/units/2026/units-full.json
import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";

const Ward = z.object({ Code: z.string(), Name: z.string(), NameEn: z.string(), FullName: z.string(), FullNameEn: z.string(), CodeName: z.string(), AdministrativeUnitShortName: z.string() });
const Province = Ward.extend({ Wards: z.array(Ward) });
const input = z.array(Province).parse(JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")));
const nfc = (s: string) => s.normalize("NFC").replace(/\s+/g, " ").trim();
const out = input.map((p) => ({
  code: p.Code,
  name: nfc(p.Name),
  fullName: nfc(p.FullName),
  fullNameEn: nfc(p.FullNameEn),
  type: nfc(p.AdministrativeUnitShortName),
  slug: p.CodeName,
  communes: p.Wards.map((w) => ({ code: w.Code, name: nfc(w.Name), fullName: nfc(w.FullName), fullNameEn: nfc(w.FullNameEn), type: nfc(w.AdministrativeUnitShortName), slug: w.CodeName })),
}));
const lines = out.map((p) => JSON.stringify(p));
writeFileSync("seed/units/units-2026.json", `[\n${lines.join(",\n")}\n]\n`);
console.log(`${out.length} provinces, ${out.reduce((n, p) => n + p.communes.length, 0)} communes written`);
