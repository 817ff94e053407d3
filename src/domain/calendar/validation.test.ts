import { describe, expect, it } from "vitest";
import { CALENDAR_MESSAGES, calendarMessage, DateRange, DeadlineAmount, Instant, IsoDate, LunarDateInput } from "./validation";

const messages = (r: { error?: { issues: { message: string }[] } }) => r.error?.issues.map((i) => i.message) ?? [];

describe("calendar input schemas", () => {
  it("accepts real dates and rejects impossible or badly formatted ones", () => {
    expect(IsoDate.safeParse("2024-02-29").success).toBe(true);
    expect(messages(IsoDate.safeParse("2025-02-30"))).toEqual(["calendar.date_invalid"]);
    expect(messages(IsoDate.safeParse("2025-2-3"))).toEqual(["calendar.date_format"]);
    expect(messages(IsoDate.safeParse("1899-12-31"))).toEqual(["calendar.date_out_of_range"]);
    expect(messages(IsoDate.safeParse(20250101))).toEqual(["calendar.date_format"]);
  });

  it("accepts instants with an offset or as local time", () => {
    for (const ok of ["2026-02-13T09:00", "2026-02-13T09:00:00+07:00", "2026-02-13T02:00:00.000Z"]) expect(Instant.safeParse(ok).success).toBe(true);
    for (const bad of ["2026-02-30T09:00", "13/02/2026 09:00", ""]) expect(Instant.safeParse(bad).success).toBe(false);
  });

  it("checks lunar dates exist", () => {
    expect(LunarDateInput.safeParse({ year: 2025, month: 6, day: 1, leap: true }).success).toBe(true);
    expect(LunarDateInput.parse({ year: 2025, month: 1, day: 1 }).leap).toBe(false);
    expect(messages(LunarDateInput.safeParse({ year: 2024, month: 6, day: 1, leap: true }))).toEqual(["calendar.lunar_invalid"]);
  });

  it("limits ranges to 3 years and amounts per unit", () => {
    expect(DateRange.safeParse({ from: "2024-01-01", to: "2027-01-01" }).success).toBe(true);
    expect(messages(DateRange.safeParse({ from: "2024-01-01", to: "2027-01-02" }))).toEqual(["calendar.range_too_long"]);
    expect(messages(DateRange.safeParse({ from: "2024-01-02", to: "2024-01-01" }))).toEqual(["calendar.range_order"]);
    expect(DeadlineAmount.safeParse({ amount: 365, unit: "working_days" }).success).toBe(true);
    expect(messages(DeadlineAmount.safeParse({ amount: 366, unit: "working_days" }))).toEqual(["calendar.amount_too_large"]);
    expect(messages(DeadlineAmount.safeParse({ amount: 2.5, unit: "working_hours" }))).toEqual(["calendar.amount_integer"]);
    expect(messages(DeadlineAmount.safeParse({ amount: 3, unit: "weeks" }))).toContain("calendar.unit_invalid");
  });

  it("has every message in Vietnamese and English", () => {
    for (const [key, text] of Object.entries(CALENDAR_MESSAGES)) {
      expect(text.vi.length, key).toBeGreaterThan(0);
      expect(text.en.length, key).toBeGreaterThan(0);
    }
    expect(calendarMessage("calendar.date_invalid", "vi")).toBe("Ngày không tồn tại");
    expect(calendarMessage("calendar.date_invalid", "en")).toBe("This date does not exist");
  });
});
