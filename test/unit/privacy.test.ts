import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { currentConsent, findConsent } from "../../src/domain/privacy/consent";
import { handlesDossier } from "../../src/domain/privacy/exposure";
import { maskDigitRuns, maskEmail, maskIdNumber, maskPhone } from "../../src/domain/privacy/mask";
import { anonymiseAfter, deletionAllowed, retentionFor } from "../../src/domain/privacy/rules";
import { DataKeyError, dataKeysFrom, idLookupHash, MISSING_KEY_MESSAGE, parseDataKey, seal, unseal } from "../../src/modules/privacy/sealing";

describe("masking (minimum exposure)", () => {
  it("keeps the last four digits behind a fixed-width mask", () => {
    expect(maskIdNumber("019085001234")).toBe("******1234");
    expect(maskPhone("0912345678")).toBe("******5678");
    expect(maskPhone("+84 912 345 678")).toBe("******5678");
    expect(maskIdNumber("")).toBe("");
    expect(maskIdNumber(null)).toBe("");
    // A short value is not shown almost whole.
    expect(maskIdNumber("123456")).toBe("******56");
    expect(maskEmail("vuvanan@example.vn")).toBe("v***@example.vn");
    expect(maskDigitRuns("CCCD 019085001234, gọi 0912 345 678 lúc 14:30")).toBe("CCCD ******1234, gọi ******5678 lúc 14:30");
  });

  it("never shows more than four digits of any ID", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), (id) => {
        const m = maskIdNumber(id);
        expect(m.replace(/\D/g, "")).toBe(id.slice(-4));
        expect(m).not.toContain(id.slice(0, 8));
      }),
    );
  });
});

describe("who sees a dossier whole", () => {
  const d = { agencyId: 1, transferAgencyId: null, status: "in_progress", assigneeUserId: 7, leaderUserId: null, createdBy: 3 };
  it("the officers handling it, not others", () => {
    expect(handlesDossier({ userId: 7, role: "specialist", agencyId: 1 }, d)).toBe(true);
    expect(handlesDossier({ userId: 8, role: "specialist", agencyId: 1 }, d)).toBe(false);
    expect(handlesDossier({ userId: 3, role: "desk_officer", agencyId: 1 }, d)).toBe(true);
    // The desk answers the applicant at the counter at any step of the agency's dossiers.
    expect(handlesDossier({ userId: 4, role: "desk_officer", agencyId: 1 }, d)).toBe(true);
    expect(handlesDossier({ userId: 4, role: "desk_officer", agencyId: 2 }, d)).toBe(false);
    expect(handlesDossier({ userId: 4, role: "desk_officer", agencyId: 2 }, { ...d, transferAgencyId: 2 })).toBe(true);
    expect(handlesDossier({ userId: 9, role: "leader", agencyId: 1 }, { ...d, status: "awaiting_approval" })).toBe(true);
    expect(handlesDossier({ userId: 9, role: "leader", agencyId: 1 }, d)).toBe(false);
    expect(handlesDossier({ userId: 10, role: "commune_admin", agencyId: 1 }, d)).toBe(false);
    expect(handlesDossier({ userId: 7, role: "specialist", agencyId: 2 }, d)).toBe(false);
  });
});

describe("consent text", () => {
  it("is versioned and the version in force is found", () => {
    expect(currentConsent(new Date("2026-03-01T00:00:00Z")).version).toBe("2026-01");
    expect(findConsent("2026-01")?.text.vi).toContain("91/2025/QH15");
    expect(findConsent("1999-01")).toBeUndefined();
  });
});

describe("retention", () => {
  it("takes the agency's setting, else the field's default, else the general default", () => {
    expect(retentionFor("Hộ tịch").years).toBeNull();
    expect(retentionFor("ho tich").years).toBeNull();
    expect(retentionFor("Chứng thực").years).toBe(2);
    expect(retentionFor("Văn hóa").years).toBe(10);
    expect(retentionFor("Chứng thực", [{ field: "Chứng thực", years: 5 }])).toEqual({ years: 5, source: "setting" });
    expect(anonymiseAfter(new Date("2026-01-10T00:00:00Z"), 2)?.toISOString()).toBe("2028-01-10T00:00:00.000Z");
    expect(anonymiseAfter(new Date(), null)).toBeNull();
  });
  it("proposes deletion only where the law allows it", () => {
    const now = new Date("2030-01-01T00:00:00Z");
    expect(deletionAllowed({ status: "in_progress", closedAt: null, field: "Văn hóa" }, [], now)).toMatchObject({ allowed: false, reason: "open" });
    expect(deletionAllowed({ status: "withdrawn", closedAt: new Date("2029-12-01"), field: "Hộ tịch" }, [], now)).toEqual({ allowed: true });
    expect(deletionAllowed({ status: "returned", closedAt: new Date("2029-12-01"), field: "Văn hóa" }, [], now)).toMatchObject({ allowed: false, reason: "retention" });
    expect(deletionAllowed({ status: "returned", closedAt: new Date("2010-12-01"), field: "Văn hóa" }, [], now)).toEqual({ allowed: true });
  });
});

describe("ID numbers encrypted at rest", () => {
  it("seals with a random IV (two seals differ), opens, and refuses a tampered value", () => {
    const a = seal("019085001234");
    const b = seal("019085001234");
    expect(a).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(a).not.toBe(b);
    expect(a).not.toContain("019085001234");
    expect(unseal(a)).toBe("019085001234");
    expect(unseal("")).toBe("");
    const tampered = `${a.slice(0, -3)}${a.slice(-3) === "AAA" ? "BBB" : "AAA"}`;
    expect(() => unseal(tampered)).toThrow();
    // The look-up hash ignores spacing, and differs per number.
    expect(idLookupHash("019 085 001 234")).toBe(idLookupHash("019085001234"));
    expect(idLookupHash("019085001235")).not.toBe(idLookupHash("019085001234"));
  });

  it("reads a 32-byte key in base64 or hex and refuses anything else", () => {
    expect(parseDataKey(Buffer.alloc(32, 7).toString("base64"))).toBeInstanceOf(Buffer);
    expect(parseDataKey("ab".repeat(32))).toBeInstanceOf(Buffer);
    expect(typeof parseDataKey("short")).toBe("string");
    expect(() => dataKeysFrom({ key: "short", production: true })).toThrow(DataKeyError);
    expect(dataKeysFrom({ production: false }).demo).toBe(true);
    expect(dataKeysFrom({ key: Buffer.alloc(32, 1).toString("base64"), production: true }).demo).toBe(false);
  });

  it("a missing key in production refuses to start with a clear message", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(MISSING_KEY_MESSAGE);
    expect(() => loadConfig({ NODE_ENV: "production", MOTCUA_DATA_KEY: "not-a-key" })).toThrow(/32 byte/);
    expect(loadConfig({ NODE_ENV: "production", MOTCUA_DATA_KEY: Buffer.alloc(32, 3).toString("base64") }).dataKey).toBeDefined();
    // Development and tests run on the public demo key.
    expect(() => loadConfig({ NODE_ENV: "development" })).not.toThrow();
    expect(MISSING_KEY_MESSAGE).toContain("MOTCUA_DATA_KEY");
  });
});
