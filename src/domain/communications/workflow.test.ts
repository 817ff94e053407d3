import { describe, expect, it } from "vitest";
import { ROLES } from "../auth/roles";
import { ACTORS, type Actor, actorsOf, allowedActions, canEdit, ITEM_ACTIONS, ITEM_STATUSES, type ItemAction, type ItemStatus, nextStatus } from "./workflow";

// The expected workflow, written out independently of the table: "status action actor → to".
const EXPECTED = `
draft edit writer draft
draft submit writer submitted
submitted withdraw writer draft
submitted send_back approver draft
submitted publish approver published
submitted schedule approver scheduled
scheduled publish_due system published
scheduled unschedule approver submitted
published unpublish approver unpublished
unpublished reopen writer draft
unpublished publish approver published
`;

const allowed = new Map<string, ItemStatus>();
for (const line of EXPECTED.trim().split("\n")) {
  const [s, a, who, to] = line.trim().split(/\s+/);
  allowed.set(`${s} ${a} ${who}`, to as ItemStatus);
}

describe("editorial workflow", () => {
  it("matches the expected table for every status × action × actor", () => {
    let checked = 0;
    for (const s of ITEM_STATUSES) {
      for (const a of ITEM_ACTIONS) {
        for (const who of ACTORS) {
          expect(nextStatus(s, a, [who]), `${s} ${a} ${who}`).toBe(allowed.get(`${s} ${a} ${who}`));
          checked++;
        }
      }
    }
    expect(checked).toBe(ITEM_STATUSES.length * ITEM_ACTIONS.length * ACTORS.length);
  });

  it("with no actor nothing is allowed", () => {
    for (const s of ITEM_STATUSES) for (const a of ITEM_ACTIONS) expect(nextStatus(s, a, [])).toBeUndefined();
  });

  it("maps roles to actors through the permission table", () => {
    const expected: Record<string, Actor[]> = {
      citizen: [], desk_officer: [], specialist: [], leader: ["approver"], communication_officer: ["writer"], commune_admin: ["writer"], province_supervisor: [], province_leader: [], system_admin: [],
    };
    for (const r of ROLES) expect(actorsOf(r), r).toEqual(expected[r]);
    expect(actorsOf(undefined)).toEqual([]);
  });

  it("a writer cannot publish their own item, an approver cannot write", () => {
    expect(nextStatus("submitted", "publish", actorsOf("communication_officer"))).toBeUndefined();
    expect(nextStatus("draft", "submit", actorsOf("leader"))).toBeUndefined();
    expect(canEdit("draft", actorsOf("leader"))).toBe(false);
    expect(canEdit("draft", actorsOf("communication_officer"))).toBe(true);
    for (const s of ["submitted", "scheduled", "published", "unpublished"] as const) expect(canEdit(s, ["writer", "approver"])).toBe(false);
  });

  it("only the scheduler publishes a scheduled item", () => {
    expect(nextStatus("scheduled", "publish_due", ["writer", "approver"])).toBeUndefined();
    expect(nextStatus("scheduled", "publish_due", ["system"])).toBe("published");
  });

  it("lists the buttons to show, never edit or publish_due", () => {
    expect(allowedActions("submitted", ["approver"])).toEqual(["send_back", "publish", "schedule"]);
    expect(allowedActions("submitted", ["writer"])).toEqual(["withdraw"]);
    expect(allowedActions("draft", ["writer"])).toEqual(["submit"]);
    for (const s of ITEM_STATUSES) for (const a of allowedActions(s, ["writer", "approver", "system"])) expect(["edit", "publish_due"]).not.toContain(a as ItemAction);
  });

  it("every status can be reached from draft and every reachable path ends able to publish", () => {
    const seen = new Set<ItemStatus>(["draft"]);
    const queue: ItemStatus[] = ["draft"];
    while (queue.length) {
      const s = queue.shift()!;
      for (const a of ITEM_ACTIONS) {
        const to = nextStatus(s, a, ACTORS);
        if (to && !seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    expect([...seen].sort()).toEqual([...ITEM_STATUSES].sort());
  });
});
