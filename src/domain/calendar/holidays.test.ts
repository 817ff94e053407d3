import { describe, expect, it } from "vitest";
import { defaultDaysOff, nationalDayAdjacent, statutoryHolidays } from "./holidays";
import { OFFICIAL_SCHEDULES, YearSchedule } from "./schedules";

describe("default holiday rules", () => {
  it("lists the 11 statutory days of Điều 112", () => {
    const list = statutoryHolidays(2026);
    expect(list).toHaveLength(11);
    expect(list.map((h) => `${h.date} ${h.kind}`)).toEqual([
      "2026-01-01 new_year",
      "2026-02-16 tet",
      "2026-02-17 tet",
      "2026-02-18 tet",
      "2026-02-19 tet",
      "2026-02-20 tet",
      "2026-04-26 hung_kings",
      "2026-04-30 victory_day",
      "2026-05-01 labour_day",
      "2026-09-01 national_day",
      "2026-09-02 national_day",
    ]);
    expect(list[1]!.name).toEqual({ vi: "Tết Nguyên đán", en: "Lunar New Year (Tết)" });
  });

  it("picks the National Day neighbour that practice picked in 2021–2026", () => {
    expect(nationalDayAdjacent(2021)).toEqual({ year: 2021, month: 9, day: 3 });
    expect(nationalDayAdjacent(2022)).toEqual({ year: 2022, month: 9, day: 1 });
    expect(nationalDayAdjacent(2023)).toEqual({ year: 2023, month: 9, day: 1 });
    expect(nationalDayAdjacent(2024)).toEqual({ year: 2024, month: 9, day: 3 });
    expect(nationalDayAdjacent(2025)).toEqual({ year: 2025, month: 9, day: 1 });
    expect(nationalDayAdjacent(2026)).toEqual({ year: 2026, month: 9, day: 1 });
  });

  it("gives a compensatory day for a holiday on a rest day (Điều 111 khoản 3)", () => {
    const off = defaultDaysOff(2026);
    expect(off).toContainEqual({ date: "2026-04-27", reason: "compensatory" });
    // Tết 2027 (6 Feb, Saturday): 5–9 Feb are holidays, the Saturday and Sunday give 10 and 11 Feb.
    const tet2027 = defaultDaysOff(2027).filter((d) => d.date.startsWith("2027-02"));
    expect(tet2027.map((d) => `${d.date} ${d.reason}`)).toEqual([
      "2027-02-05 tet",
      "2027-02-06 tet",
      "2027-02-07 tet",
      "2027-02-08 tet",
      "2027-02-09 tet",
      "2027-02-10 compensatory",
      "2027-02-11 compensatory",
    ]);
  });

  it("computes compensatory days against the office's own rest days", () => {
    // An office resting only on Sunday: 2027-02-06 (Saturday) is a working weekday, only Sunday compensates.
    const off = defaultDaysOff(2027, { isWeeklyRest: (wd) => wd === 7 }).filter((d) => d.reason === "compensatory");
    expect(off.filter((d) => d.date.startsWith("2027-02"))).toEqual([{ date: "2027-02-10", reason: "compensatory" }]);
  });

  it("default Tết 2026 equals the official days", () => {
    const official = OFFICIAL_SCHEDULES.find((s) => s.year === 2026)!.daysOff.filter((d) => d.reason === "tet");
    expect(statutoryHolidays(2026).filter((h) => h.kind === "tet").map((h) => h.date)).toEqual(official.map((d) => d.date));
  });
});

describe("shipped schedules", () => {
  it.each(OFFICIAL_SCHEDULES.map((s) => [s.year, s] as const))("%i passes the admin schema and has the 11 statutory days", (_year, schedule) => {
    const parsed = YearSchedule.safeParse(schedule);
    expect(parsed.error?.issues ?? []).toEqual([]);
    const statutory = schedule.daysOff.filter((d) => d.reason !== "compensatory" && d.reason !== "swapped");
    expect(statutory).toHaveLength(11);
    expect(schedule.document.number).toMatch(/\//);
  });

  it("rejects a schedule whose dates are outside its year or repeated", () => {
    const bad = {
      year: 2027,
      document: { number: "1/TB-BNV", title: "Thông báo", date: "2026-11-01", issuer: "Bộ Nội vụ" },
      verification: "official_text",
      daysOff: [
        { date: "2027-01-01", reason: "new_year" },
        { date: "2027-01-01", reason: "tet" },
        { date: "2026-12-31", reason: "other", label: { vi: "Ngày mới", en: "New day" } },
      ],
      workingDays: [{ date: "2027-01-09", reason: "Làm bù" }],
    };
    const messages = YearSchedule.safeParse(bad).error?.issues.map((i) => i.message);
    expect(messages).toEqual(["calendar.schedule_duplicate", "calendar.schedule_wrong_year"]);
    const impossible = { ...bad, daysOff: [], workingDays: [{ date: "2027-02-30", reason: "Làm bù" }] };
    expect(YearSchedule.safeParse(impossible).error?.issues.map((i) => i.message)).toEqual(["calendar.date_invalid"]);
  });
});
