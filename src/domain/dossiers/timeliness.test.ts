import { describe, expect, it } from "vitest";
import { createWorkingCalendar } from "../calendar/working-calendar";
import { classifyResolution, dueSoonHorizon, timeliness } from "./timeliness";

const calendar = createWorkingCalendar();
const at = (s: string) => new Date(s);

describe("timeliness (derived, never stored)", () => {
  it("due soon = within one working day; weekends do not count", () => {
    // Friday 2026-03-06 09:00 → horizon Monday 09:00.
    expect(dueSoonHorizon(calendar, at("2026-03-06T09:00:00+07:00")).toISOString()).toBe(at("2026-03-09T09:00:00+07:00").toISOString());
    const base = { now: at("2026-03-06T09:00:00+07:00"), status: "in_progress" as const, calendar };
    expect(timeliness({ ...base, dueAt: at("2026-03-09T08:00:00+07:00") })).toBe("due_soon");
    expect(timeliness({ ...base, dueAt: at("2026-03-09T10:00:00+07:00") })).toBe("on_track");
    expect(timeliness({ ...base, dueAt: at("2026-03-06T08:00:00+07:00") })).toBe("overdue");
    expect(timeliness({ ...base, dueAt: null })).toBe("no_deadline");
  });

  it("a paused dossier is neither due soon nor overdue; a finished one is overdue only if it finished late", () => {
    const now = at("2026-03-10T09:00:00+07:00");
    expect(timeliness({ now, calendar, status: "supplement_requested", dueAt: at("2026-03-01T09:00:00+07:00") })).toBe("paused");
    expect(timeliness({ now, calendar, status: "returned", dueAt: at("2026-03-05T09:00:00+07:00"), finishedAt: at("2026-03-04T09:00:00+07:00") })).toBe("finished");
    expect(timeliness({ now, calendar, status: "returned", dueAt: at("2026-03-05T09:00:00+07:00"), finishedAt: at("2026-03-06T09:00:00+07:00") })).toBe("overdue");
  });

  it("classifies resolutions by the QĐ 766 rule", () => {
    const dueAt = at("2026-03-05T16:00:00+07:00");
    expect(classifyResolution({ finishedAt: at("2026-03-04T10:00:00+07:00"), dueAt, supplementCount: 0 })).toBe("early");
    expect(classifyResolution({ finishedAt: at("2026-03-05T10:00:00+07:00"), dueAt, supplementCount: 1 })).toBe("on_time");
    expect(classifyResolution({ finishedAt: at("2026-03-05T16:30:00+07:00"), dueAt, supplementCount: 0 })).toBe("late");
    expect(classifyResolution({ finishedAt: at("2026-03-04T10:00:00+07:00"), dueAt, supplementCount: 2 })).toBe("late");
  });
});
