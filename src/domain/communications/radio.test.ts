import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, bulletinFromText, endTime, findOverlap, overlaps, weekStart } from "./radio";

describe("radio programme", () => {
  const a = { date: "2024-03-04", time: "06:15", durationMinutes: 15 };
  it("detects overlaps and allows back-to-back slots", () => {
    expect(overlaps(a, { date: "2024-03-04", time: "06:20", durationMinutes: 10 })).toBe(true);
    expect(overlaps(a, { date: "2024-03-04", time: "06:00", durationMinutes: 16 })).toBe(true);
    expect(overlaps(a, { date: "2024-03-04", time: "06:30", durationMinutes: 10 })).toBe(false);
    expect(overlaps(a, { date: "2024-03-04", time: "06:00", durationMinutes: 15 })).toBe(false);
    expect(overlaps(a, { date: "2024-03-05", time: "06:15", durationMinutes: 15 })).toBe(false);
  });
  it("sees a slot running past midnight", () => {
    expect(overlaps({ date: "2024-03-04", time: "23:50", durationMinutes: 30 }, { date: "2024-03-05", time: "00:10", durationMinutes: 5 })).toBe(true);
    expect(endTime({ date: "2024-03-04", time: "23:50", durationMinutes: 30 })).toBe("00:20");
  });
  it("overlap is symmetric (property)", () => {
    const slot = fc.record({ date: fc.constantFrom("2024-03-04", "2024-03-05"), time: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`), durationMinutes: fc.integer({ min: 1, max: 240 }) });
    fc.assert(fc.property(slot, slot, (x, y) => overlaps(x, y) === overlaps(y, x)));
  });
  it("excludes the slot being edited", () => {
    expect(findOverlap({ ...a, id: 1 }, [{ ...a, id: 1 }])).toBeUndefined();
    expect(findOverlap({ ...a, id: 2 }, [{ ...a, id: 1 }])?.id).toBe(1);
  });
  it("weeks start on Monday", () => {
    expect(weekStart("2024-03-07")).toBe("2024-03-04");
    expect(weekStart("2024-03-10")).toBe("2024-03-04");
    expect(weekStart("2024-03-04")).toBe("2024-03-04");
    expect(addDays("2024-02-28", 2)).toBe("2024-03-01");
  });
  it("drafts a bulletin from an item's text", () => {
    expect(bulletinFromText("Tiêu đề", "Câu một. Câu hai.")).toBe("Tiêu đề.\nCâu một. Câu hai.");
    const long = Array.from({ length: 50 }, (_, i) => `Câu số ${i} có năm từ.`).join(" ");
    const b = bulletinFromText("T", long, 100);
    expect(b.endsWith(".")).toBe(true);
    expect(b.split(/\s+/).length).toBeLessThanOrEqual(102);
  });
});
