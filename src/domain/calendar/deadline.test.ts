import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayNumber, formatWallMinutes, MINUTES_PER_DAY, toWallMinutes } from "./civil";
import { addWorkingMinutes, computeDeadline, computeDueWallMinutes, redate, workingMinutesBetween } from "./deadline";
import { WorkingCalendar } from "./working-calendar";

const cal = new WorkingCalendar();
const withCutoff = new WorkingCalendar({ settings: { workingWeekdays: [1, 2, 3, 4, 5], hours: cal.settings.hours, receiptCutoff: "15:00" } });

const due = (start: string, amount: number, unit: "working_days" | "working_hours" | "calendar_days" | "same_day", calendar = cal) =>
  computeDeadline({ start, amount, unit, calendar }).due;

describe("deadline, concrete cases", () => {
  it("counts working days as working time from the receipt instant", () => {
    expect(due("2025-03-10T09:00:00+07:00", 1, "working_days")).toBe("2025-03-11T09:00:00+07:00");
    expect(due("2025-03-10T02:00:00Z", 1, "working_days")).toBe("2025-03-11T09:00:00+07:00");
    expect(due("2025-03-14T09:00", 1, "working_days")).toBe("2025-03-17T09:00:00+07:00");
    // 8 working hours with a 7.5-hour office day run half an hour into the next day.
    expect(due("2025-03-10T09:00", 8, "working_hours")).toBe("2025-03-11T09:30:00+07:00");
    expect(due("2025-03-10T10:00", 2, "working_hours")).toBe("2025-03-10T14:00:00+07:00");
  });

  it("starts at the next opening when received outside office hours", () => {
    expect(due("2025-03-10T06:00", 1, "working_hours")).toBe("2025-03-10T08:30:00+07:00");
    expect(due("2025-03-10T12:00", 1, "working_hours")).toBe("2025-03-10T14:30:00+07:00");
    expect(due("2025-03-10T18:00", 1, "working_days")).toBe("2025-03-11T17:00:00+07:00");
    expect(due("2025-03-15T10:00", 1, "working_days")).toBe("2025-03-17T17:00:00+07:00");
    // A period that ends exactly at closing time ends then, not at the next opening.
    expect(due("2025-03-10T07:30", 1, "working_days")).toBe("2025-03-10T17:00:00+07:00");
  });

  it("applies the receipt cut-off only when the agency sets one", () => {
    expect(due("2025-03-10T15:30", 1, "working_days", withCutoff)).toBe("2025-03-11T17:00:00+07:00");
    expect(due("2025-03-10T15:00", 1, "working_days", withCutoff)).toBe("2025-03-11T15:00:00+07:00");
    expect(due("2025-03-10T15:30", 1, "working_days")).toBe("2025-03-11T15:30:00+07:00");
    expect(due("2025-03-14T15:30", 3, "calendar_days", withCutoff)).toBe("2025-03-20T17:00:00+07:00");
  });

  it("skips Tết 2026 and reports the skipped days", () => {
    const result = computeDeadline({ start: "2026-02-12T10:00:00+07:00", amount: 3, unit: "working_days", calendar: cal });
    expect(result.due).toBe("2026-02-24T10:00:00+07:00");
    expect(result.skipped.map((s) => `${s.date} ${s.reason.code}`)).toEqual([
      "2026-02-14 saturday",
      "2026-02-15 sunday",
      "2026-02-16 tet",
      "2026-02-17 tet",
      "2026-02-18 tet",
      "2026-02-19 tet",
      "2026-02-20 tet",
      "2026-02-21 saturday",
      "2026-02-22 sunday",
    ]);
  });

  it("skips 30/4–1/5 2026 and the Giỗ Tổ compensatory day", () => {
    expect(due("2026-04-24T09:00", 2, "working_days")).toBe("2026-04-29T09:00:00+07:00");
    expect(due("2026-04-29T16:00", 2, "working_days")).toBe("2026-05-05T16:00:00+07:00");
    // 2025: 30/4–4/5 off, Saturday 26/4 worked.
    expect(due("2025-04-25T09:00", 1, "working_days")).toBe("2025-04-26T09:00:00+07:00");
    expect(due("2025-04-29T09:00", 1, "working_days")).toBe("2025-05-05T09:00:00+07:00");
  });

  it("counts calendar days from the next day and moves a rest-day end to the next working day (Điều 147–148)", () => {
    expect(due("2025-03-10T09:00", 3, "calendar_days")).toBe("2025-03-13T17:00:00+07:00");
    expect(due("2026-02-11T09:00", 5, "calendar_days")).toBe("2026-02-23T17:00:00+07:00");
    expect(due("2025-03-13T09:00", 2, "calendar_days")).toBe("2025-03-17T17:00:00+07:00");
  });

  it("stops the clock during pauses", () => {
    const base = { start: "2025-03-10T09:00", amount: 2, unit: "working_days" as const, calendar: cal };
    expect(computeDeadline(base).due).toBe("2025-03-12T09:00:00+07:00");
    const paused = computeDeadline({ ...base, pauses: [{ from: "2025-03-10T14:00", to: "2025-03-14T08:00" }] });
    // 3 h of the 15 h run on Monday (09:00–11:30, 13:30–14:00); from Friday 08:00, 7 h on Friday and 5 h on Monday.
    expect(paused.due).toBe("2025-03-17T14:30:00+07:00");
    expect(computeDeadline({ ...base, unit: "calendar_days", pauses: [{ from: "2025-03-10T14:00", to: "2025-03-12T08:00" }] }).due).toBe(
      "2025-03-14T17:00:00+07:00",
    );
  });

  it("re-dates from the previous appointment", () => {
    const first = computeDeadline({ start: "2025-03-10T09:00", amount: 5, unit: "working_days", calendar: withCutoff });
    expect(redate({ previousDue: first.due, amount: 2, unit: "working_days", calendar: withCutoff }).due).toBe(
      computeDeadline({ start: "2025-03-10T09:00", amount: 7, unit: "working_days", calendar: withCutoff }).due,
    );
  });

  it("rejects bad amounts and years", () => {
    expect(() => due("2025-03-10T09:00", -1, "working_days")).toThrow(RangeError);
    expect(() => due("2025-03-10T09:00", 1.5, "working_days")).toThrow(RangeError);
    expect(() => due("2100-12-31T09:00", 5, "working_days")).toThrow(RangeError);
    expect(() => due("not a date", 5, "working_days")).toThrow(RangeError);
  });
});

describe("same-day limits (trả kết quả trong ngày)", () => {
  it("returns at closing time of the receipt day, or of the next working day after 15:00", () => {
    // Monday 10 March 2025.
    expect(due("2025-03-10T09:00", 0, "same_day")).toBe("2025-03-10T17:00:00+07:00");
    expect(due("2025-03-10T14:59", 0, "same_day")).toBe("2025-03-10T17:00:00+07:00");
    expect(due("2025-03-10T15:00", 0, "same_day")).toBe("2025-03-10T17:00:00+07:00");
    expect(due("2025-03-10T15:01", 0, "same_day")).toBe("2025-03-11T17:00:00+07:00");
    expect(due("2025-03-10T18:30", 0, "same_day")).toBe("2025-03-11T17:00:00+07:00");
    // Friday afternoon and Saturday: the next working day is Monday.
    expect(due("2025-03-14T16:00", 0, "same_day")).toBe("2025-03-17T17:00:00+07:00");
    expect(due("2025-03-15T09:00", 0, "same_day")).toBe("2025-03-17T17:00:00+07:00");
    // Before opening on a working day it is that day.
    expect(due("2025-03-10T06:00", 0, "same_day")).toBe("2025-03-10T17:00:00+07:00");
    // Across Giỗ Tổ Hùng Vương (Monday 7 April 2025) received after 15:00 on Friday 4 April.
    expect(due("2025-04-04T15:30", 0, "same_day")).toBe("2025-04-08T17:00:00+07:00");
  });

  it("counts further whole working days and re-dates additively", () => {
    expect(due("2025-03-10T09:00", 2, "same_day")).toBe("2025-03-12T17:00:00+07:00");
    const first = computeDeadline({ start: "2025-03-10T16:00", amount: 0, unit: "same_day", calendar: cal });
    expect(first.due).toBe("2025-03-11T17:00:00+07:00");
    expect(redate({ previousDue: first.due, amount: 3, unit: "same_day", calendar: cal }).due).toBe(
      computeDeadline({ start: "2025-03-10T16:00", amount: 3, unit: "same_day", calendar: cal }).due,
    );
  });

  it("adds back a supplement pause", () => {
    const paused = computeDeadline({ start: "2025-03-10T09:00", amount: 0, unit: "same_day", calendar: cal, pauses: [{ from: "2025-03-10T10:00", to: "2025-03-11T10:00" }] });
    // One working day of pause: returned at closing on Tuesday.
    expect(paused.due).toBe("2025-03-11T17:00:00+07:00");
  });
});

describe("deadline, properties", () => {
  const first = toWallMinutes("2000-01-01T00:00");
  const last = toWallMinutes("2099-06-30T23:59");
  const instant = fc.integer({ min: first, max: last }).map((w) => formatWallMinutes(w));
  const unit = fc.constantFrom("working_days" as const, "working_hours" as const);
  const calendars = [cal, withCutoff, new WorkingCalendar({ settings: { ...cal.settings, saturdayMorningOnly: true } })];

  function inOfficeHours(calendar: WorkingCalendar, w: number): boolean {
    const day = Math.floor(w / MINUTES_PER_DAY);
    const table = calendar.tableForDay(day);
    const flat = calendar.profiles[table.profile[day - table.firstDay]!]!;
    const m = w - day * MINUTES_PER_DAY;
    for (let i = 0; i < flat.length; i += 2) if (m >= flat[i]! && m <= flat[i + 1]!) return true;
    return false;
  }

  it("never falls on a day off nor outside office hours", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 60 }), fc.constantFrom(...calendars), fc.constantFrom("working_days" as const, "working_hours" as const, "calendar_days" as const, "same_day" as const), (start, amount, calendar, u) => {
        const { due: w } = computeDueWallMinutes({ start, amount, unit: u, calendar });
        expect(calendar.isWorkingDayNumber(Math.floor(w / MINUTES_PER_DAY))).toBe(true);
        expect(inOfficeHours(calendar, w)).toBe(true);
        expect(w).toBeGreaterThanOrEqual(toWallMinutes(start));
      }),
      { numRuns: 500 },
    );
  });

  it("is monotonic in the amount", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), unit, (start, a, b, u) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        const d1 = computeDueWallMinutes({ start, amount: small, unit: u, calendar: cal }).due;
        const d2 = computeDueWallMinutes({ start, amount: large, unit: u, calendar: cal }).due;
        expect(d1).toBeLessThanOrEqual(d2);
      }),
      { numRuns: 300 },
    );
  });

  it("is additive: deadline(n + m) = deadline(deadline(n), m)", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 60 }), unit, (start, n, m, u) => {
        const whole = computeDeadline({ start, amount: n + m, unit: u, calendar: cal }).due;
        const firstPart = computeDeadline({ start, amount: n, unit: u, calendar: cal }).due;
        expect(computeDeadline({ start: firstPart, amount: m, unit: u, calendar: cal }).due).toBe(whole);
      }),
      { numRuns: 300 },
    );
  });

  it("a pause adds exactly the working time it covers", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 60 }), unit, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 20 * MINUTES_PER_DAY }), (start, amount, u, at, length) => {
        const s = toWallMinutes(start);
        const plain = computeDueWallMinutes({ start, amount, unit: u, calendar: cal }).due;
        const from = s + Math.floor((plain - s) * at);
        const to = from + length;
        const paused = computeDueWallMinutes({ start, amount, unit: u, calendar: cal, pauses: [{ from: formatWallMinutes(from), to: formatWallMinutes(to) }] }).due;
        const pausedWork = workingMinutesBetween(cal, from, to);
        expect(workingMinutesBetween(cal, s, paused) - workingMinutesBetween(cal, from, Math.min(to, paused))).toBe(workingMinutesBetween(cal, s, plain));
        if (pausedWork > 0) expect(paused).toBe(from >= plain ? plain : addWorkingMinutes(cal, plain, pausedWork));
      }),
      { numRuns: 300 },
    );
  });

  it("same day: monotonic, re-dates additively, and never before the receipt day's closing", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.constantFrom(...calendars), (start, n, m, calendar) => {
        const whole = computeDeadline({ start, amount: n + m, unit: "same_day", calendar }).due;
        const firstPart = computeDeadline({ start, amount: n, unit: "same_day", calendar }).due;
        expect(redate({ previousDue: firstPart, amount: m, unit: "same_day", calendar }).due).toBe(whole);
        expect(toWallMinutes(firstPart)).toBeLessThanOrEqual(toWallMinutes(whole));
        const s = toWallMinutes(start);
        const d = toWallMinutes(firstPart);
        // The result is a closing time: no working minute is left on its day.
        expect(workingMinutesBetween(calendar, d, Math.floor(d / MINUTES_PER_DAY) * MINUTES_PER_DAY + MINUTES_PER_DAY - 1)).toBe(0);
        expect(d).toBeGreaterThan(s);
      }),
      { numRuns: 300 },
    );
  });

  it("day numbers of due dates stay within the supported range", () => {
    expect(dayNumber({ year: 2100, month: 12, day: 31 })).toBeGreaterThan(Math.floor(last / MINUTES_PER_DAY));
  });
});
