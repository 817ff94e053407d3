import { describe, expect, it } from "vitest";
import { WorkingCalendar, createWorkingCalendar, OfficeSettings } from "./working-calendar";

const summary = (cal: WorkingCalendar, from: string, to: string) =>
  cal.days(from, to).map((d) => `${d.date} ${d.working ? "W" : "-"} ${d.reason?.vi ?? ""}`.trim());

describe("working calendar", () => {
  const cal = createWorkingCalendar();

  it("follows the official 2026 schedule around 30/4–1/5 and Giỗ Tổ", () => {
    expect(summary(cal, "2026-04-24", "2026-05-04")).toEqual([
      "2026-04-24 W",
      "2026-04-25 - Thứ Bảy",
      "2026-04-26 - Giỗ Tổ Hùng Vương",
      "2026-04-27 - Nghỉ bù",
      "2026-04-28 W",
      "2026-04-29 W",
      "2026-04-30 - Ngày Chiến thắng",
      "2026-05-01 - Ngày Quốc tế lao động",
      "2026-05-02 - Thứ Bảy",
      "2026-05-03 - Chủ nhật",
      "2026-05-04 W",
    ]);
  });

  it("makes a make-up Saturday a working day and a swapped day a day off", () => {
    expect(cal.dayInfo("2024-05-04")).toMatchObject({ working: true, reason: { code: "make_up", vi: "Làm bù" } });
    expect(cal.dayInfo("2024-04-29")).toMatchObject({ working: false, reason: { code: "swapped" } });
    expect(cal.dayInfo("2026-01-10")).toMatchObject({ working: true, weekday: 6 });
    expect(cal.hoursOf("2026-01-10")).toEqual([
      { start: "07:30", end: "11:30" },
      { start: "13:30", end: "17:00" },
    ]);
  });

  it("uses the official schedule over the default rule (Tết 2024 began on 29 tháng Chạp)", () => {
    expect(cal.dayInfo("2024-02-08").reason?.code).toBe("tet");
    expect(cal.dayInfo("2024-02-14").reason?.code).toBe("compensatory");
    expect(cal.dayInfo("2024-02-15").working).toBe(true);
    const defaults = new WorkingCalendar({ schedules: [] });
    expect(defaults.dayInfo("2024-02-08").working).toBe(true);
    expect(defaults.dayInfo("2024-02-15").reason?.code).toBe("compensatory");
  });

  it("names new holidays entered as data", () => {
    const custom = new WorkingCalendar({
      schedules: [
        {
          year: 2030,
          document: { number: "9/TB-BNV", title: "t", date: "2029-11-01", issuer: "Bộ Nội vụ" },
          verification: "official_text",
          daysOff: [{ date: "2030-11-25", reason: "other", label: { vi: "Ngày Văn hóa", en: "Culture Day" } }],
          workingDays: [],
        },
      ],
    });
    expect(custom.dayInfo("2030-11-25")).toMatchObject({ working: false, reason: { code: "other", vi: "Ngày Văn hóa", en: "Culture Day" } });
    // A complete schedule: 1/1/2030 is not listed, so it is worked.
    expect(custom.dayInfo("2030-01-01").working).toBe(true);
  });

  it("supports Saturday-morning offices and per-weekday hours", () => {
    const office = new WorkingCalendar({
      settings: {
        workingWeekdays: [1, 2, 3, 4, 5],
        saturdayMorningOnly: true,
        hours: [
          { start: "07:00", end: "11:30" },
          { start: "13:00", end: "16:30" },
        ],
        hoursByWeekday: { "5": [{ start: "07:00", end: "11:30" }] },
      },
    });
    expect(office.standardDayMinutes).toBe(480);
    expect(office.dayInfo("2025-03-08").working).toBe(true);
    expect(office.hoursOf("2025-03-08")).toEqual([{ start: "07:00", end: "11:30" }]);
    expect(office.hoursOf("2025-03-07")).toEqual([{ start: "07:00", end: "11:30" }]);
    expect(office.dayInfo("2025-03-09")).toMatchObject({ working: false, reason: { vi: "Chủ nhật" } });
  });

  it("rejects bad settings with message keys", () => {
    const r = OfficeSettings.safeParse({
      workingWeekdays: [1, 1, 8],
      hours: [
        { start: "13:30", end: "17:00" },
        { start: "07:30", end: "11:30" },
      ],
    });
    expect(r.error?.issues.map((i) => i.message)).toEqual(expect.arrayContaining(["calendar.weekdays_invalid", "calendar.hours_invalid"]));
    expect(() => cal.dayInfo("2025-02-30")).toThrow(RangeError);
    expect(() => cal.dayInfo("2101-01-01")).toThrow(RangeError);
  });

  it("knows the next working day", () => {
    expect(cal.nextWorkingDay("2026-02-13")).toBe("2026-02-23");
  });
});

describe("review fixes", () => {
  it("clips Saturday-morning hours at noon when no range ends by then", () => {
    const cal = createWorkingCalendar({ settings: { workingWeekdays: [1, 2, 3, 4, 5], hours: [{ start: "07:00", end: "17:00" }], saturdayMorningOnly: true, timeZone: "Asia/Ho_Chi_Minh" } });
    expect(cal.hoursOf("2026-11-28")).toEqual([{ start: "07:00", end: "12:00" }]);
  });
});
