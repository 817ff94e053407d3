import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { obligationStatus, obligationsDue, remindToday } from "./obligations";
import { addDays } from "./period";

const half = { kind: "cchc-communication" as const, frequency: "half" as const, month: "last" as const, day: 15, remindDays: 5 };
const quarterNext = { kind: "dossier-statistics" as const, frequency: "quarter" as const, month: "next" as const, day: 10, remindDays: 3 };

describe("the reporting calendar", () => {
  it("lists the obligations due in a span, across the turn of the year", () => {
    expect(obligationsDue(half, "2026-01-01", "2026-12-31")).toEqual([
      { kind: "cchc-communication", from: "2026-01-01", to: "2026-06-30", due: "2026-06-15" },
      { kind: "cchc-communication", from: "2026-07-01", to: "2026-12-31", due: "2026-12-15" },
    ]);
    expect(obligationsDue(quarterNext, "2026-01-01", "2026-01-31")).toEqual([{ kind: "dossier-statistics", from: "2025-10-01", to: "2025-12-31", due: "2026-01-10" }]);
    expect(obligationsDue(quarterNext, "2026-01-01", "2026-12-31").map((o) => o.due)).toEqual(["2026-01-10", "2026-04-10", "2026-07-10", "2026-10-10"]);
  });
  it("says where an obligation stands", () => {
    const due = "2026-06-15";
    expect(obligationStatus({ due, sentOn: "2026-06-14", today: "2026-07-01", remindDays: 5 })).toBe("sent");
    expect(obligationStatus({ due, sentOn: "2026-06-15", today: "2026-07-01", remindDays: 5 })).toBe("sent");
    expect(obligationStatus({ due, sentOn: "2026-06-16", today: "2026-07-01", remindDays: 5 })).toBe("late");
    expect(obligationStatus({ due, sentOn: null, today: "2026-06-16", remindDays: 5 })).toBe("missing");
    expect(obligationStatus({ due, sentOn: null, today: "2026-06-15", remindDays: 5 })).toBe("due_soon");
    expect(obligationStatus({ due, sentOn: null, today: "2026-06-10", remindDays: 5 })).toBe("due_soon");
    expect(obligationStatus({ due, sentOn: null, today: "2026-06-09", remindDays: 5 })).toBe("upcoming");
  });
  it("reminds on the first reminder day and on the due day, nowhere else (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: -40, max: 40 }), (remind, offset) => {
        const due = "2026-06-15";
        const today = addDays(due, offset);
        const r = remindToday(due, remind, today);
        if (offset === 0) expect(r).toBe("due");
        else if (remind > 0 && offset === -remind) expect(r).toBe("first");
        else expect(r).toBeUndefined();
        // A reminder only ever goes out for something not yet overdue.
        if (r) expect(obligationStatus({ due, sentOn: null, today, remindDays: remind })).toBe("due_soon");
      }),
    );
  });
});
