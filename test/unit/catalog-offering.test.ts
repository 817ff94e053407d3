import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Procedure } from "../../src/domain/catalog/model";
import { COMMUNE_COMMITTEE_FIELDS, defaultOffer, OFFER_REASONS } from "../../src/domain/catalog/offering";
import {
  counterChecklist,
  type DocumentRequirements,
  isMandatory,
  missingMandatory,
  onlineInputs,
  requirementId,
  requirementsFromCatalog,
} from "../../src/domain/catalog/requirements";
import { communeChannels, effectiveTerms, LocalTimeLimit } from "../../src/domain/catalog/terms";
import { CATALOG_SEED } from "../../src/modules/catalog/file";

const SEED = JSON.parse(readFileSync(CATALOG_SEED, "utf8")) as Procedure[];
const byCode = (code: string) => SEED.find((p) => p.code === code)!;

describe("a commune's default offering", () => {
  it("offers what the commune People's Committee carries out, not the commune police's, tax, customs or insurance procedures", () => {
    const offered = SEED.filter((p) => defaultOffer(p).offered);
    expect(offered.length).toBeGreaterThan(100);
    expect(offered.length).toBeLessThan(200);
    const fields = new Set(offered.map((p) => p.field));
    for (const f of COMMUNE_COMMITTEE_FIELDS) if (SEED.some((p) => p.field === f)) expect(fields).toContain(f);
    for (const f of ["Hải quan", "Thuế", "Kho bạc Nhà nước", "Cấp, quản lý căn cước", "Đăng ký, quản lý cư trú", "Thực hiện chính sách BHXH"]) expect(fields).not.toContain(f);
    // Land procedures the chair of the commune People's Committee decides.
    expect(defaultOffer(byCode("1.012753"))).toEqual({ offered: true, reason: "executing_agency", onlineLevel: "partial" });
    // Every reason given is one of the listed reasons (they are shown on the staff page).
    for (const p of SEED) expect(OFFER_REASONS).toContain(defaultOffer(p).reason);
  });

  it("is full online for civil status, none without an online channel", () => {
    expect(defaultOffer(byCode("1.001193")).onlineLevel).toBe("full");
    expect(defaultOffer(byCode("2.000815")).onlineLevel).toBe("none");
    expect(defaultOffer({ ...byCode("1.001193"), levels: ["Cấp tỉnh"] })).toMatchObject({ offered: false, reason: "not_commune_level" });
  });
});

describe("document requirements from the catalog", () => {
  it("birth registration asks online for one mandatory upload, the birth certificate; notes are notes", () => {
    const r = requirementsFromCatalog(byCode("1.001193").documents);
    const inputs = onlineInputs(r);
    const mandatory = inputs.filter((i) => isMandatory(i, "online"));
    expect(mandatory.map((m) => m.name)).toEqual([expect.stringMatching(/^Giấy chứng sinh/)]);
    expect(inputs.length).toBeLessThanOrEqual(6);
    expect(r.notes.length).toBeGreaterThan(10);
    expect(inputs.some((i) => /^Lưu ý|^Trường hợp .* thì không phải/.test(i.name))).toBe(false);
    // At the counter: the paper declaration and the identity paper too (shown, not handed in).
    const counter = counterChecklist(r).filter((i) => isMandatory(i, "counter"));
    expect(counter.map((c) => c.kind).sort()).toEqual(["present", "submit", "submit"]);
    expect(counter.some((c) => /^Tờ khai đăng ký khai sinh/.test(c.name))).toBe(true);
  });

  it("marriage online needs no upload (the national databases hold the papers); at the counter the declaration and identity", () => {
    const r = requirementsFromCatalog(byCode("1.000894").documents);
    expect(onlineInputs(r)).toEqual([]);
    expect(missingMandatory(r, "online", [])).toEqual([]);
    expect(missingMandatory(r, "counter", []).map((m) => m.kind).sort()).toEqual(["present", "submit"]);
  });

  it("matches uploads by name or id, and never asks for the same paper twice", () => {
    const r = requirementsFromCatalog(byCode("1.000656").documents);
    const [death] = missingMandatory(r, "online", []);
    expect(death?.name).toMatch(/^Giấy báo tử/);
    expect(missingMandatory(r, "online", [death!.name])).toEqual([]);
    expect(missingMandatory(r, "online", [death!.id])).toEqual([]);
    for (const p of SEED) {
      const ids = requirementsFromCatalog(p.documents).groups.flatMap((g) => g.items.map((i) => i.id));
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it("ids are stable under case, spacing and diacritics normalisation", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (s) => {
        expect(requirementId(s)).toBe(requirementId(`  ${s.normalize("NFD")}  `));
      }),
    );
  });

  it("every procedure of the seed gives a valid requirement list whose online inputs are real documents", () => {
    for (const p of SEED) {
      const r: DocumentRequirements = requirementsFromCatalog(p.documents);
      for (const i of onlineInputs(r)) {
        expect(i.copies.original + i.copies.copy).toBeGreaterThan(0);
        expect(i.kind).not.toBe("form");
      }
    }
  });
});

describe("terms", () => {
  it("a commune's channels drop the representative missions' foreign-currency fees", () => {
    const p = byCode("2.000815");
    expect(p.channels.some((c) => c.fees.some((f) => f.kind === "foreign"))).toBe(true);
    expect(communeChannels(p).some((c) => c.fees.some((f) => f.kind === "foreign"))).toBe(false);
    expect(effectiveTerms(p, null).fees).toEqual([expect.objectContaining({ kind: "fixed", amountVnd: 2000, per: "page" })]);
  });

  it("the local time limit wins over the catalog and keeps its legal basis; none at all is flagged", () => {
    const birth = byCode("1.001193");
    expect(effectiveTerms(birth, null)).toMatchObject({ timeLimit: null, timeLimitSource: null });
    const local = LocalTimeLimit.parse({ amount: 0, unit: "same_day", basis: "Luật Hộ tịch 2014, Điều 16" });
    expect(effectiveTerms(birth, { timeLimit: local, fees: null, documents: null })).toMatchObject({
      timeLimit: { amount: 0, unit: "same_day" },
      timeLimitSource: "local",
      timeLimitBasis: "Luật Hộ tịch 2014, Điều 16",
    });
    expect(LocalTimeLimit.safeParse({ amount: 0, unit: "working_days", basis: "x y z" }).success).toBe(false);
    expect(LocalTimeLimit.safeParse({ amount: 3, unit: "working_days", basis: "" }).success).toBe(false);
  });
});
