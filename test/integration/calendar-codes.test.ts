import { validateCodePattern } from "../../src/domain/codes/dossier-code";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "../../src/db/pool";
import { Db } from "../../src/db/scope";
import { nextDossierCode } from "../../src/modules/codes/dossier-codes";
import { createTestApp, type TestApp } from "../support/app";

const COMMUNE = "000.00.25.H12";
let t: TestApp;
let communeId: number;
let second: Db;

beforeAll(async () => {
  t = await createTestApp();
  communeId = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [COMMUNE]))).id;
  // A second pool on the same database stands for a second app instance.
  second = new Db(createPool({ connectionString: t.tdb.url, max: 10, applicationName: "motcua-second" }));
});
afterAll(async () => {
  await second?.close();
  await t?.close();
});

describe("dossier codes", () => {
  it("numbers from the default pattern, per receipt day in Vietnamese time", async () => {
    const scope = { agencyIds: [communeId], userId: null };
    const a = await t.tdb.db.scoped(scope, (tx) => nextDossierCode(tx, { agencyId: communeId, at: new Date("2031-11-28T02:00:00Z") }));
    const b = await t.tdb.db.scoped(scope, (tx) => nextDossierCode(tx, { agencyId: communeId, at: new Date("2031-11-28T09:00:00Z") }));
    // Dates far from today: demo seeders may already have drawn codes for today. 17:30 UTC is already 29/11 in Vietnam: a new day, a new sequence.
    const c = await t.tdb.db.scoped(scope, (tx) => nextDossierCode(tx, { agencyId: communeId, at: new Date("2031-11-28T17:30:00Z") }));
    expect([a, b, c]).toEqual([`${COMMUNE}-311128-0001`, `${COMMUNE}-311128-0002`, `${COMMUNE}-311129-0001`]);
  });

  it("gives 500 simultaneous receipts from two instances 500 distinct consecutive codes", async () => {
    const at = new Date("2031-12-01T03:00:00Z");
    const scope = { agencyIds: [communeId], userId: null };
    const codes = await Promise.all(
      Array.from({ length: 500 }, (_, i) => (i % 2 === 0 ? t.tdb.db : second).scoped(scope, (tx) => nextDossierCode(tx, { agencyId: communeId, at }))),
    );
    expect(new Set(codes).size).toBe(500);
    const seqs = codes.map((c) => Number(c.slice(-4))).sort((x, y) => x - y);
    expect(seqs[0]).toBe(1);
    expect(seqs[499]).toBe(500);
  });

  it("leaves no gap when the receipt's transaction rolls back", async () => {
    const at = new Date("2031-12-02T03:00:00Z");
    const scope = { agencyIds: [communeId], userId: null };
    const first = await t.tdb.db.scoped(scope, (tx) => nextDossierCode(tx, { agencyId: communeId, at }));
    await expect(
      t.tdb.db.scoped(scope, async (tx) => {
        await nextDossierCode(tx, { agencyId: communeId, at });
        throw new Error("receipt failed");
      }),
    ).rejects.toThrow("receipt failed");
    const next = await t.tdb.db.scoped(scope, (tx) => nextDossierCode(tx, { agencyId: communeId, at }));
    expect([first, next]).toEqual([`${COMMUNE}-311202-0001`, `${COMMUNE}-311202-0002`]);
  });

  it("uses the agency's own pattern and its counter scope", async () => {
    await t.tdb.db.system((tx) => tx.exec(`update agencies set office = office || '{"dossierCodePattern":"HS/{agencyCode}/{yyyy}/{seq:6}"}'::jsonb where id = $1`, [communeId]));
    const scope = { agencyIds: [communeId], userId: null };
    const a = await t.tdb.db.scoped(scope, (tx) => nextDossierCode(tx, { agencyId: communeId, at: new Date("2032-01-05T03:00:00Z") }));
    const b = await t.tdb.db.scoped(scope, (tx) => nextDossierCode(tx, { agencyId: communeId, at: new Date("2032-06-05T03:00:00Z") }));
    expect([a, b]).toEqual([`HS/${COMMUNE}/2032/000001`, `HS/${COMMUNE}/2032/000002`]);
  });

  it("two communes with hostile code patterns cannot produce the same code", async () => {
    // A pattern without the agency code is refused; one stored before the rule is ignored.
    expect(validateCodePattern("HS/{yyyy}/{seq:6}").ok).toBe(false);
    const [a, b] = await t.tdb.db.system((tx) => tx.query<{ id: number; code: string }>("select id, code from agencies where kind = 'commune' order by id limit 2"));
    for (const x of [a!, b!]) {
      await t.tdb.db.system((tx) => tx.exec(`update agencies set office = office || '{"dossierCodePattern":"HS-{yymmdd}-{seq:4}"}'::jsonb where id = $1`, [x.id]));
    }
    const at = new Date("2033-03-03T03:00:00Z");
    const codeOf = (id: number) => t.tdb.db.scoped({ agencyIds: [id], userId: null }, (tx) => nextDossierCode(tx, { agencyId: id, at }));
    const [ca, cb] = [await codeOf(a!.id), await codeOf(b!.id)];
    expect(ca).not.toBe(cb);
    expect(ca.startsWith(a!.code)).toBe(true);
    // Even a commune whose literal text spells another's code cannot reuse it: the database refuses.
    await t.tdb.db.system((tx) => tx.exec(`update agencies set office = office || $2::jsonb where id = $1`, [b!.id, JSON.stringify({ dossierCodePattern: `${a!.code}-{yymmdd}-{seq:4}{agencyCode}` })]));
    expect(await codeOf(b!.id)).not.toBe(ca);
    const insert = (agencyId: number) =>
      t.tdb.db.system((tx) =>
        tx.exec(
          `insert into dossiers (agency_id, code, procedure_code, procedure_name, procedure_field, online_level, channel, status, applicant_full_name, applicant_id_number, applicant_phone, applicant_address, search_text)
           values ($1, $2, '1.001193', 'x', 'Hộ tịch', 'none', 'in_person', 'received', 'x', '', '0912345678', '{}', '')`,
          [agencyId, ca],
        ),
      );
    await insert(a!.id);
    await expect(insert(b!.id)).rejects.toThrow(/dossiers_code|duplicate/);
  });

  it("cannot draw codes of an agency outside the caller's scope", async () => {
    const other = await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where kind = 'commune' and id <> $1 order by id limit 1", [communeId]));
    await expect(
      t.tdb.db.scoped({ agencyIds: [communeId], userId: null }, (tx) => nextDossierCode(tx, { agencyId: other.id, at: new Date("2031-12-01T03:00:00Z") })),
    ).rejects.toThrow(/row-level security/);
  });
});
