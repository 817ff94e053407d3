import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Procedure } from "../../src/domain/catalog/model";
import { PUBLIC_SCOPE } from "../../src/db/scope";
import { runCatalogImport } from "../../src/modules/catalog/cli";
import { CATALOG_SEED, parseCatalogJson, readCatalogFile } from "../../src/modules/catalog/file";
import { abolishProcedure, importProcedures } from "../../src/modules/catalog/importer";
import { invalidateCatalogSearch } from "../../src/modules/catalog/search-cache";
import { deskTerms, findOfferedProcedure, listAnnouncements } from "../../src/modules/catalog/service";
import { DEMO_COMMUNE_CODE, DEMO_PROVINCE_GSO } from "../../src/modules/demo/seed";
import { createTestApp, type TestApp } from "../support/app";

const RAW_XA = path.resolve(__dirname, "../../../shared/data/procedures/tthc-cap-xa.json");
const RAW_ALL = path.resolve(__dirname, "../../../shared/data/procedures/tthc-all-levels.json.gz");
const BIRTH = "1.001193";

let t: TestApp;
let communeId: number;
let provinceId: number;
let provinceCode: string;
const dir = mkdtempSync(path.join(os.tmpdir(), "catalog-import-"));

beforeAll(async () => {
  t = await createTestApp();
  const ids = await t.tdb.db.system((tx) =>
    tx.one<{ commune: number; province: number; code: string }>(
      "select c.id as commune, p.id as province, p.code from agencies c, agencies p where c.code = $1 and p.gso_code = $2 and p.kind = 'province'",
      [DEMO_COMMUNE_CODE, DEMO_PROVINCE_GSO],
    ),
  );
  communeId = ids.commune;
  provinceId = ids.province;
  provinceCode = ids.code;
});
afterAll(async () => {
  await t?.close();
});

const counts = () =>
  t.tdb.db.system((tx) =>
    tx.one<{ p: number; v: number; a: number }>(
      "select (select count(*) from procedures)::int as p, (select count(*) from procedure_versions)::int as v, (select count(*) from catalog_announcements)::int as a",
    ),
  );

let allLevels: Procedure[] | undefined;
/** Parsing 2,642 portal records takes seconds: once per file is enough. */
const allLevelsParsed = () => (allLevels ??= readCatalogFile(RAW_ALL).procedures);

function seedProcedure(code: string): Procedure {
  const p = parseCatalogJson(JSON.parse(readFileSync(CATALOG_SEED, "utf8"))).procedures.find((x) => x.code === code);
  if (!p) throw new Error(code);
  return p;
}

describe("catalog import", () => {
  it("imports the raw portal dump of all levels (.json.gz) over the seed, with the per-record report", async () => {
    const before = await counts();
    const lines: string[] = [];
    const r = await runCatalogImport(t.tdb.db, RAW_ALL, { agency: provinceCode, log: (l) => lines.push(l) });
    expect(r.created + r.amended.length + r.unchanged).toBe(2642);
    // The seed was generated from the same portal records by the same parser: nothing amended.
    expect(r.unchanged).toBe(588);
    expect(r.amended).toEqual([]);
    expect(r.created).toBe(2642 - 588);
    const after = await counts();
    expect(after.p - before.p).toBe(r.created);
    // New procedures are announced to the importing agency, and to the communes in use that offer
    // them by default: none of the other levels' procedures is carried out by a commune.
    expect(after.a - before.a).toBe(r.announcements);
    expect(r.announcements).toBe(r.created);
    expect(lines.join("\n")).toMatch(/Bản ghi số \d+ \([\d.A-Z]+\), [^:]+: /);
    expect(lines.at(-1)).toContain(`${r.created} mới`);
    // New procedures are announced to the importing agency.
    const ann = await t.tdb.db.system((tx) => listAnnouncements(tx, { agencyId: provinceId, limit: 5 }));
    expect(ann[0]!.kind).toBe("new");
    expect(ann[0]!.title).toContain("Công bố thủ tục hành chính mới");
  });

  it("re-importing identical content changes nothing (raw commune dump too)", async () => {
    const before = await counts();
    const r = await t.tdb.db.system((tx) => importProcedures(tx, allLevelsParsed(), { agencyId: provinceId, actor: "test" }));
    expect(r).toMatchObject({ created: 0, amended: [], abolished: [], announcements: 0, unchanged: 2642 });
    const xa = await runCatalogImport(t.tdb.db, RAW_XA, { agency: provinceCode, log: () => {} });
    expect(xa).toMatchObject({ created: 0, amended: [], unchanged: 588, announcements: 0 });
    expect(await counts()).toEqual(before);
  });

  it("changed content makes a new version in force and an amended announcement with the field diff", async () => {
    const old = seedProcedure(BIRTH);
    const changed: Procedure = {
      ...old,
      steps: [...old.steps, "Bước bổ sung: trả kết quả qua ứng dụng VNeID."],
      channels: old.channels.map((c) => ({ ...c, timeLimit: { amount: 1, unit: "working_days" as const }, timeLimitText: "01 Ngày làm việc" })),
    };
    const r = await t.tdb.db.system((tx) => importProcedures(tx, [changed], { agencyId: provinceId, actor: "test" }));
    expect(r.amended).toEqual([BIRTH]);
    const versions = await t.tdb.db.system((tx) =>
      tx.query<{ version_no: number; effective_to: string | null }>(
        "select version_no, effective_to::text from procedure_versions v join procedures p on p.id = v.procedure_id where p.code = $1 order by version_no",
        [BIRTH],
      ),
    );
    expect(versions.map((v) => v.version_no)).toEqual([1, 2]);
    expect(versions[0]!.effective_to).not.toBeNull();
    expect(versions[1]!.effective_to).toBeNull();
    // Announced to the commune that offers it, not to the importer.
    const ann = await t.tdb.db.system((tx) => listAnnouncements(tx, { agencyId: communeId, limit: 1 }));
    expect(ann[0]).toMatchObject({ kind: "amended", procedureCode: BIRTH, url: `/procedures/${BIRTH}` });
    expect(ann[0]!.changes.map((c) => c.label)).toEqual(["Cách thức thực hiện", "Trình tự thực hiện"]);
    expect(ann[0]!.changes[1]!.after).toContain("VNeID");
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh" }).format(new Date());
    expect(await t.tdb.db.system((tx) => listAnnouncements(tx, { agencyId: communeId, from: today, to: today }))).toHaveLength(1);
    // The public sees the version in force; history shows both.
    const offered = await t.tdb.db.scoped(PUBLIC_SCOPE, (tx) => findOfferedProcedure(tx, { agencyId: communeId, code: BIRTH }));
    // The catalog's new limit; the commune's own limit (same day, with its legal basis) still applies.
    expect(deskTerms(offered!.procedure).timeLimit).toEqual({ amount: 1, unit: "working_days" });
    expect(offered?.timeLimit).toEqual({ amount: 0, unit: "same_day" });
    const page = await t.app.inject({ method: "GET", url: `/procedures/${BIRTH}` });
    expect(page.body).toContain("1 ngày làm việc");
    expect(page.body).toContain("Phiên bản 2");
    const history = await t.app.inject({ method: "GET", url: `/procedures/${BIRTH}/history` });
    expect(history.body).toContain("Phiên bản 1");
    expect(history.body).toContain("VNeID");
    const v1 = await t.app.inject({ method: "GET", url: `/api/v1/procedures/${BIRTH}?version=1` });
    expect(v1.json().version.number).toBe(1);
    // A future-dated amendment does not replace the version in force yet.
    const later = { ...changed, conditions: "Điều kiện mới từ năm sau." };
    await t.tdb.db.system((tx) => importProcedures(tx, [later], { agencyId: provinceId, actor: "test", effectiveFrom: "2099-01-01" }));
    const api = await t.app.inject({ method: "GET", url: `/api/v1/procedures/${BIRTH}` });
    expect(api.json().version.number).toBe(2);
  });

  it("an invalid record aborts the import with a clear error and writes nothing", async () => {
    const before = await counts();
    const raw = JSON.parse(readFileSync(RAW_XA, "utf8")) as Record<string, unknown>[];
    const broken: Record<string, unknown>[] = raw.slice(0, 5).map((r) => ({ ...r, ma_thu_tuc: `${r.ma_thu_tuc as string}.TEST` }));
    broken[3] = { ...broken[3], ten_thu_tuc: "" };
    const file = path.join(dir, "broken.json.gz");
    writeFileSync(file, gzipSync(JSON.stringify(broken)));
    await expect(runCatalogImport(t.tdb.db, file, { agency: provinceCode, log: () => {} })).rejects.toThrow(/Bản ghi số 4 \(1\.\d{6}\.TEST\), Tên thủ tục \(ten_thu_tuc\): tên thủ tục trống/);
    const seedBroken = path.join(dir, "seed-broken.json");
    writeFileSync(seedBroken, JSON.stringify([seedProcedure(BIRTH), { ...seedProcedure("1.000656"), channels: [{ channel: "fax" }] }]));
    expect(() => readCatalogFile(seedBroken)).toThrow(/bản ghi #1 \(1\.000656\), trường channels\.0\./);
    const notJson = path.join(dir, "x.json");
    writeFileSync(notJson, "{ nope");
    await expect(runCatalogImport(t.tdb.db, notJson, { agency: provinceCode, log: () => {} })).rejects.toThrow(/không phải JSON hợp lệ/);
    expect(await counts()).toEqual(before);
  });

  it("abolishing announces to offering agencies, hides the procedure, and a re-import reinstates it", async () => {
    const code = "1.000656";
    await t.tdb.db.system((tx) => abolishProcedure(tx, { code, agencyId: provinceId, actor: "test" }));
    invalidateCatalogSearch(t.tdb.db);
    const ann = await t.tdb.db.system((tx) => listAnnouncements(tx, { agencyId: communeId, limit: 1 }));
    expect(ann[0]).toMatchObject({ kind: "abolished", procedureCode: code });
    expect(await t.tdb.db.system((tx) => findOfferedProcedure(tx, { agencyId: communeId, code }))).toBeUndefined();
    const search = (await t.app.inject({ method: "GET", url: `/api/v1/procedures?q=${code}` })).json() as { items: { code: string }[] };
    expect(search.items.map((i) => i.code)).not.toContain(code);
    const page = await t.app.inject({ method: "GET", url: `/procedures/${code}` });
    expect(page.body).toContain("đã bị bãi bỏ");
    const r = await t.tdb.db.system((tx) => importProcedures(tx, [seedProcedure(code)], { agencyId: provinceId, actor: "test" }));
    expect(r.reinstated).toEqual([code]);
    expect(await t.tdb.db.system((tx) => findOfferedProcedure(tx, { agencyId: communeId, code }))).toBeDefined();
  });

  it("--abolish-missing abolishes what the file no longer has", async () => {
    const extra = { ...seedProcedure(BIRTH), code: "1.001193.H99", name: "Thủ tục thử nghiệm sẽ bị bãi bỏ" };
    await t.tdb.db.system((tx) => importProcedures(tx, [extra], { agencyId: provinceId, actor: "test" }));
    // Dated after the future amendment of the previous test (a version may not predate the newest one).
    const r = await t.tdb.db.system((tx) =>
      importProcedures(tx, allLevelsParsed(), { agencyId: provinceId, actor: "test", abolishMissing: true, effectiveFrom: "2099-06-01" }),
    );
    expect(r.abolished).toEqual(["1.001193.H99"]);
    // The commune's amended procedure is back to the portal's content: amended once more.
    expect(r.amended).toContain(BIRTH);
    const audit = await t.tdb.db.system((tx) => tx.query<{ action: string }>("select action from audit_log where agency_id = $1 and action like 'catalog.%'", [provinceId]));
    expect(audit.filter((a) => a.action === "catalog.import").length).toBeGreaterThanOrEqual(5);
  });
});
