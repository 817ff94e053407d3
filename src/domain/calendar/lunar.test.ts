import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayNumber, fromDayNumber, type LocalDate } from "./civil";
import { leapMonthOfYear, lunarMonthLength, lunarToSolar, solarToLunar, tetDate } from "./lunar";

const d = (year: number, month: number, day: number): LocalDate => ({ year, month, day });

// Tết (1 tháng Giêng, UTC+7) for 1900–2100 as MMDD, ten years a row starting 1900. Cross-checked
// day by day against the `amlich` package (Hồ Ngọc Đức's published tables) outside this repository:
// identical for every Tết and for every day 1900–2100, except two days where that package answers
// "day 0" (2054-05-07, 2062-04-09), a bug of its own.
const TET_MMDD = [
  "0131 0219 0208 0128 0216 0204 0125 0213 0202 0122",
  "0210 0130 0218 0206 0126 0214 0203 0123 0211 0201",
  "0220 0208 0128 0216 0205 0124 0213 0202 0123 0210",
  "0130 0217 0206 0126 0214 0203 0124 0211 0131 0219",
  "0208 0127 0215 0205 0125 0213 0202 0122 0210 0129",
  "0217 0206 0127 0214 0203 0124 0212 0131 0218 0208",
  "0128 0215 0205 0125 0213 0201 0121 0209 0129 0216",
  "0206 0127 0215 0203 0123 0211 0131 0218 0207 0128",
  "0216 0205 0125 0213 0202 0121 0209 0129 0217 0206",
  "0127 0215 0204 0123 0210 0131 0219 0207 0128 0216",
  "0205 0124 0212 0201 0122 0209 0129 0217 0207 0126",
  "0214 0203 0123 0210 0131 0219 0208 0128 0216 0205",
  "0125 0212 0201 0122 0210 0129 0217 0206 0126 0213",
  "0202 0123 0211 0131 0219 0208 0128 0215 0204 0124",
  "0212 0201 0122 0210 0130 0217 0206 0126 0214 0202",
  "0123 0211 0201 0218 0208 0128 0215 0204 0124 0212",
  "0202 0121 0209 0129 0217 0205 0126 0214 0203 0123",
  "0211 0131 0219 0207 0127 0215 0205 0124 0212 0202",
  "0122 0209 0129 0217 0206 0126 0214 0203 0124 0210",
  "0130 0218 0207 0127 0215 0205 0125 0212 0201 0121",
  "0209",
]
  .join(" ")
  .split(" ");

describe("lunar calendar, golden dates", () => {
  it.each([
    [1985, d(1985, 1, 21)],
    [2007, d(2007, 2, 17)],
    [2024, d(2024, 2, 10)],
    [2025, d(2025, 1, 29)],
    [2026, d(2026, 2, 17)],
    [2027, d(2027, 2, 6)],
  ])("Tết %i", (year, expected) => {
    expect(tetDate(year)).toEqual(expected);
    expect(solarToLunar(expected)).toEqual({ year, month: 1, day: 1, leap: false });
  });

  it.each([
    [2024, d(2024, 4, 18)],
    [2025, d(2025, 4, 7)],
    [2026, d(2026, 4, 26)],
  ])("Giỗ Tổ Hùng Vương (10/3) %i", (year, expected) => {
    expect(lunarToSolar({ year, month: 3, day: 10, leap: false })).toEqual(expected);
  });

  it("2025 has a leap 6th month starting 2025-07-25", () => {
    expect(leapMonthOfYear(2025)).toBe(6);
    expect(lunarToSolar({ year: 2025, month: 6, day: 1, leap: true })).toEqual(d(2025, 7, 25));
    expect(solarToLunar(d(2025, 7, 25))).toEqual({ year: 2025, month: 6, day: 1, leap: true });
    expect(solarToLunar(d(2025, 7, 24))).toEqual({ year: 2025, month: 6, day: 30, leap: false });
  });

  it("the Chinese-calendar disagreements come from the time zone alone", () => {
    // The same method at UTC+8 gives the Chinese New Year of those years.
    expect(tetDate(1985, { timeZoneHours: 8 })).toEqual(d(1985, 2, 20));
    expect(tetDate(2007, { timeZoneHours: 8 })).toEqual(d(2007, 2, 18));
  });

  it("days around Tết 2026 (tháng Chạp Ất Tỵ has 29 days)", () => {
    expect(solarToLunar(d(2026, 2, 16))).toEqual({ year: 2025, month: 12, day: 29, leap: false });
    expect(lunarMonthLength({ year: 2025, month: 12 })).toBe(29);
    expect(lunarToSolar({ year: 2025, month: 12, day: 30, leap: false })).toBeUndefined();
  });

  it("rejects lunar dates that do not exist", () => {
    expect(lunarToSolar({ year: 2024, month: 6, day: 1, leap: true })).toBeUndefined();
    expect(lunarToSolar({ year: 2025, month: 13, day: 1, leap: false })).toBeUndefined();
    expect(lunarToSolar({ year: 2025, month: 1, day: 0, leap: false })).toBeUndefined();
    expect(lunarToSolar({ year: 2025, month: 1, day: 31, leap: false })).toBeUndefined();
    expect(lunarMonthLength({ year: 2024, month: 6, leap: true })).toBeUndefined();
    expect(leapMonthOfYear(2024)).toBeUndefined();
  });

  it("rejects solar dates outside the range or impossible", () => {
    expect(() => solarToLunar(d(1899, 12, 31))).toThrow(RangeError);
    expect(() => solarToLunar(d(2101, 1, 1))).toThrow(RangeError);
    expect(() => solarToLunar(d(2025, 2, 29))).toThrow(RangeError);
  });
});

describe("lunar calendar, every year 1900–2100", () => {
  it("Tết matches the cross-checked table", () => {
    expect(TET_MMDD).toHaveLength(201);
    for (let year = 1900; year <= 2100; year++) {
      const mmdd = TET_MMDD[year - 1900]!;
      expect(tetDate(year), String(year)).toEqual(d(year, Number(mmdd.slice(0, 2)), Number(mmdd.slice(2))));
    }
  });

  it("at UTC+8 matches ICU's Chinese calendar for Tết, except where ICU is known to be a day off", () => {
    // ICU computes the Chinese calendar with its own astronomy; in these years its new moon lands on
    // the other side of midnight and it disagrees with the Hong Kong Observatory tables (1916-02-03,
    // 1954-02-03, 2027-02-06, 2030-02-03), which the method here reproduces.
    const icuOff = new Set([1916, 1954, 2027, 2030]);
    const chinese = new Intl.DateTimeFormat("en-u-ca-chinese", { timeZone: "UTC", month: "numeric", day: "numeric" });
    for (let year = 1901; year <= 2100; year++) {
      const tet = tetDate(year, { timeZoneHours: 8 });
      const parts = chinese.formatToParts(new Date(Date.UTC(tet.year, tet.month - 1, tet.day, 12)));
      const isNewYear = parts.find((p) => p.type === "month")?.value === "1" && parts.find((p) => p.type === "day")?.value === "1";
      expect(isNewYear, String(year)).toBe(!icuOff.has(year));
    }
  });

  it("every lunar year has 12 or 13 months of 29–30 days, at most one leap month", () => {
    for (let year = 1901; year <= 2099; year++) {
      const length = dayNumber(tetDate(year + 1)) - dayNumber(tetDate(year));
      const leap = leapMonthOfYear(year);
      expect([353, 354, 355, 383, 384, 385], String(year)).toContain(length);
      expect(leap !== undefined, String(year)).toBe(length > 355);
    }
  });

  it("round-trips solar → lunar → solar (property)", () => {
    const first = dayNumber(d(1900, 1, 1));
    const last = dayNumber(d(2100, 12, 31));
    fc.assert(
      fc.property(fc.integer({ min: first, max: last }), (day) => {
        const solar = fromDayNumber(day);
        expect(lunarToSolar(solarToLunar(solar))).toEqual(solar);
      }),
      { numRuns: 2000 },
    );
  });
});
