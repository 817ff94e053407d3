import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ROLES } from "../auth/roles";
import {
  type ActorRole,
  availableActions,
  decide,
  DOSSIER_ACTIONS,
  DOSSIER_STATUSES,
  type DossierStatus,
  isDossierStatus,
  isTerminal,
  TERMINAL_STATUSES,
  TRANSITIONS,
} from "./state-machine";

const ACTORS: readonly ActorRole[] = [...ROLES, "public", "system"];

// The expected graph written out by hand: a change to TRANSITIONS must be made here too.
const EXPECTED: Record<string, string> = {
  "submitted accept desk_officer": "received",
  "submitted request_supplement desk_officer": "supplement_requested",
  "submitted request_supplement specialist": "supplement_requested",
  "received request_supplement desk_officer": "supplement_requested",
  "received request_supplement specialist": "supplement_requested",
  "in_progress request_supplement desk_officer": "supplement_requested",
  "in_progress request_supplement specialist": "supplement_requested",
  "received assign desk_officer": "in_progress",
  "received assign leader": "in_progress",
  "in_progress assign desk_officer": "in_progress",
  "in_progress assign leader": "in_progress",
  "in_progress send_to_leader specialist": "awaiting_approval",
  "awaiting_approval approve leader": "approved",
  "awaiting_approval send_back leader": "in_progress",
  "approved send_back leader": "in_progress",
  "in_progress mark_result_ready specialist": "result_ready",
  "in_progress mark_result_ready desk_officer": "result_ready",
  "approved mark_result_ready specialist": "result_ready",
  "approved mark_result_ready desk_officer": "result_ready",
  "result_ready return desk_officer": "returned",
  "received transfer desk_officer": "transferred",
  "received transfer leader": "transferred",
  "in_progress transfer desk_officer": "transferred",
  "in_progress transfer leader": "transferred",
};

describe("dossier state machine", () => {
  it("every action names only known statuses and at least one role", () => {
    for (const a of DOSSIER_ACTIONS) {
      const t = TRANSITIONS[a];
      expect(t.from.length).toBeGreaterThan(0);
      expect(t.roles.length).toBeGreaterThan(0);
      for (const s of t.from) expect(isDossierStatus(s)).toBe(true);
      if (t.to !== "same" && t.to !== "resume") expect(isDossierStatus(t.to)).toBe(true);
    }
  });

  it("walks every (status, action, role) triple: allowed ones go where the table says, others are refused for the right reason", () => {
    let allowed = 0;
    let refused = 0;
    for (const status of DOSSIER_STATUSES) {
      for (const action of DOSSIER_ACTIONS) {
        for (const role of ACTORS) {
          const d = decide({ status, action, role, resumeStatus: "in_progress" });
          const t = TRANSITIONS[action];
          const fromOk = (t.from as readonly DossierStatus[]).includes(status);
          const roleOk = (t.roles as readonly ActorRole[]).includes(role);
          if (fromOk && roleOk) {
            expect(d.ok, `${status} ${action} ${role}`).toBe(true);
            allowed++;
            const key = `${status} ${action} ${role}`;
            if (d.ok && key in EXPECTED) expect(d.to).toBe(EXPECTED[key]);
            if (d.ok && t.to === "same") expect(d.to).toBe(status);
          } else {
            expect(d.ok).toBe(false);
            if (!d.ok) expect(d.reason).toBe(fromOk ? "role" : "status");
            refused++;
          }
        }
      }
    }
    // Every hand-written expectation is an allowed transition.
    for (const key of Object.keys(EXPECTED)) {
      const [status, action, role] = key.split(" ") as [DossierStatus, (typeof DOSSIER_ACTIONS)[number], ActorRole];
      expect(decide({ status, action, role }).ok, key).toBe(true);
    }
    expect(allowed).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(1000);
  });

  it("terminal statuses accept nothing, from anybody", () => {
    for (const s of TERMINAL_STATUSES) {
      expect(isTerminal(s)).toBe(true);
      for (const r of ACTORS) expect(availableActions(s, r)).toEqual([]);
    }
  });

  it("citizens, communication officers and anonymous visitors cannot process", () => {
    for (const s of DOSSIER_STATUSES) {
      expect(availableActions(s, "public")).toEqual([]);
      expect(availableActions(s, "communication_officer")).toEqual([]);
      for (const a of availableActions(s, "citizen")) expect(["supply_supplement", "withdraw"]).toContain(a);
    }
  });

  it("supplying a supplement resumes the status held before the request", () => {
    expect(decide({ status: "supplement_requested", action: "supply_supplement", role: "desk_officer", resumeStatus: "received" })).toMatchObject({ ok: true, to: "received" });
    expect(decide({ status: "supplement_requested", action: "supply_supplement", role: "citizen", resumeStatus: "submitted" })).toMatchObject({ ok: true, to: "submitted" });
    expect(decide({ status: "supplement_requested", action: "supply_supplement", role: "citizen", resumeStatus: null })).toMatchObject({ ok: true, to: "in_progress" });
  });

  it("property: random action sequences by random roles never leave the defined statuses, and terminal statuses stay put", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<DossierStatus>("submitted", "received"),
        fc.array(fc.tuple(fc.constantFrom(...DOSSIER_ACTIONS), fc.constantFrom(...ACTORS)), { maxLength: 60 }),
        (start, steps) => {
          let status: DossierStatus = start;
          let resume: DossierStatus | null = null;
          for (const [action, role] of steps) {
            const before = status;
            const d = decide({ status, action, role, resumeStatus: resume });
            if (isTerminal(before)) expect(d.ok).toBe(false);
            if (!d.ok) continue;
            if ((action === "request_supplement" || action === "transfer") && d.ok) resume = before;
            status = d.to;
            expect(isDossierStatus(status)).toBe(true);
            expect(status).not.toBe(undefined);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
