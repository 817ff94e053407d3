import { describe, expect, it } from "vitest";
import { doneLate, isOverdue, PLAN_STATUSES, planEditable, planProgress, stepsFor } from "./rules";

describe("plan rules", () => {
  it("overdue only when the deadline passed and the task is not finished", () => {
    expect(isOverdue({ deadline: "2024-05-31", status: "in_progress" }, "2024-06-01")).toBe(true);
    expect(isOverdue({ deadline: "2024-05-31", status: "todo" }, "2024-05-31")).toBe(false);
    expect(isOverdue({ deadline: "2024-05-31", status: "done" }, "2024-07-01")).toBe(false);
    expect(isOverdue({ deadline: "2024-05-31", status: "cancelled" }, "2024-07-01")).toBe(false);
    expect(isOverdue({ deadline: null, status: "todo" }, "2030-01-01")).toBe(false);
  });
  it("done late is reported separately", () => {
    expect(doneLate({ deadline: "2024-05-31", status: "done", completedOn: "2024-06-02" })).toBe(true);
    expect(doneLate({ deadline: "2024-05-31", status: "done", completedOn: "2024-05-31" })).toBe(false);
  });
  it("progress ignores cancelled tasks and caps unfinished ones below 100", () => {
    expect(planProgress([])).toBe(0);
    expect(planProgress([{ status: "done", progress: 0 }, { status: "in_progress", progress: 100 }, { status: "cancelled", progress: 0 }])).toBe(99);
    expect(planProgress([{ status: "done", progress: 0 }, { status: "todo", progress: 0 }])).toBe(50);
  });
  it("the writer submits drafts and returned plans; only the leader approves or returns, and only what was submitted", () => {
    expect(stepsFor("draft", "communication_officer")).toEqual(["submit"]);
    expect(stepsFor("returned", "commune_admin")).toEqual(["submit"]);
    expect(stepsFor("submitted", "communication_officer")).toEqual([]);
    expect(stepsFor("submitted", "leader")).toEqual(["approve", "return"]);
    expect(stepsFor("draft", "leader")).toEqual(["submit"]);
    expect(stepsFor("approved", "leader")).toEqual([]);
    for (const s of PLAN_STATUSES) expect(stepsFor(s, "desk_officer")).toEqual([]);
    expect(PLAN_STATUSES.filter(planEditable)).toEqual(["draft", "returned", "approved"]);
  });
});
