import { describe, expect, it } from "vitest";
import { DEFAULT_CODE_PATTERN, formatDossierCode, sequenceScope, sequenceScopeKey, validateCodePattern } from "./dossier-code";

const date = { year: 2026, month: 11, day: 28 };

describe("dossier codes", () => {
  it("formats the default pattern", () => {
    expect(formatDossierCode(DEFAULT_CODE_PATTERN, { agencyCode: "000.00.25.H12", date, seq: 1 })).toBe("000.00.25.H12-261128-0001");
  });

  it("formats every token", () => {
    expect(formatDossierCode("{yyyy}/{mm}/{dd}-{yy}-{seq}/{agencyCode}", { agencyCode: "X", date: { year: 2025, month: 3, day: 7 }, seq: 42 })).toBe("2025/03/07-25-42/X");
    expect(formatDossierCode("H.{agencyCode}.{yyyy}.{seq:6}", { agencyCode: "000.00.01.H56", date, seq: 12 })).toBe("H.000.00.01.H56.2026.000012");
  });

  it("writes a sequence wider than its padding in full", () => {
    expect(formatDossierCode("{agencyCode}{yymmdd}-{seq:2}", { agencyCode: "", date, seq: 1234 })).toBe("261128-1234");
  });

  it("validates patterns with bilingual messages", () => {
    expect(validateCodePattern(DEFAULT_CODE_PATTERN)).toEqual({ ok: true });
    const missing = validateCodePattern("{agencyCode}-{yymmdd}");
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.errors[0]).toMatchObject({ key: "code.missing_seq", vi: expect.stringContaining("số thứ tự") });
    const unknown = validateCodePattern("{agency}-{hh}-{seq:4}");
    expect(unknown.ok === false && unknown.errors.map((e) => e.token)).toEqual(["{agency}", "{hh}", undefined]);
    // Codes are looked up across communes: the agency code must be in every code.
    const anonymous = validateCodePattern("HS/{yyyy}/{seq:6}");
    expect(anonymous.ok === false && anonymous.errors.map((e) => e.key)).toEqual(["code.missing_agency"]);
    expect(validateCodePattern("{seq:0}").ok).toBe(false);
    expect(validateCodePattern("{seq:11}").ok).toBe(false);
    expect(validateCodePattern("{seq}-{seq:4}").ok).toBe(false);
    expect(validateCodePattern("HS {seq}").ok).toBe(false);
    expect(validateCodePattern("Hồ sơ-{seq}").ok).toBe(false);
    expect(() => formatDossierCode("{nope}-{seq}", { agencyCode: "A", date, seq: 1 })).toThrow(RangeError);
    expect(() => formatDossierCode("{seq}", { agencyCode: "A", date, seq: 0 })).toThrow(RangeError);
  });

  it("derives the sequence scope from the date tokens", () => {
    expect(sequenceScope(DEFAULT_CODE_PATTERN)).toBe("day");
    expect(sequenceScope("{yyyy}{mm}{dd}-{seq}")).toBe("day");
    expect(sequenceScope("{agencyCode}-{yy}{mm}-{seq:5}")).toBe("month");
    expect(sequenceScope("{agencyCode}-{yyyy}-{seq:6}")).toBe("year");
    expect(sequenceScope("{agencyCode}-{dd}-{seq:6}")).toBe("never");
    expect(sequenceScope("{yyyy}-{dd}-{seq:6}")).toBe("year");
    expect(sequenceScope("{agencyCode}-{seq:8}")).toBe("never");
    expect(sequenceScopeKey(DEFAULT_CODE_PATTERN, date)).toBe("2026-11-28");
    expect(sequenceScopeKey("{yy}{mm}-{seq}", date)).toBe("2026-11");
    expect(sequenceScopeKey("{yyyy}-{seq}", date)).toBe("2026");
    expect(sequenceScopeKey("{seq}", date)).toBe("all");
  });
});
