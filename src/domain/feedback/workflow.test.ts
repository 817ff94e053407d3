import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ROLES } from "../auth/roles";
import {
  availableFeedbackActions,
  currentStep,
  decideFeedback,
  FEEDBACK_ACTIONS,
  FEEDBACK_LIMITS,
  FEEDBACK_STATUSES,
  FEEDBACK_TRANSITIONS,
  type FeedbackAction,
  type FeedbackActor,
  type FeedbackStatus,
  isFeedbackStatus,
  isFeedbackTerminal,
} from "./workflow";

const ACTORS: readonly FeedbackActor[] = [...ROLES, "public", "system"];

// The whole graph written out by hand: every allowed (status, action, role) and where it leads.
// A change to FEEDBACK_TRANSITIONS must be made here too; every other triple must be refused.
const EXPECTED: Record<string, FeedbackStatus> = {
  "received reject desk_officer": "rejected",
  "received reject leader": "rejected",
  "info_requested reject desk_officer": "rejected",
  "info_requested reject leader": "rejected",
  "received request_info desk_officer": "info_requested",
  "received request_info specialist": "info_requested",
  "received request_info leader": "info_requested",
  "assigned request_info desk_officer": "info_requested",
  "assigned request_info specialist": "info_requested",
  "assigned request_info leader": "info_requested",
  // resume status "assigned" in this walk
  "info_requested supply_info public": "assigned",
  "info_requested supply_info citizen": "assigned",
  "info_requested supply_info desk_officer": "assigned",
  "received transfer desk_officer": "transferred",
  "received transfer leader": "transferred",
  "assigned transfer desk_officer": "transferred",
  "assigned transfer leader": "transferred",
  "received assign desk_officer": "assigned",
  "received assign leader": "assigned",
  "assigned assign desk_officer": "assigned",
  "assigned assign leader": "assigned",
  "assigned send_for_approval specialist": "awaiting_approval",
  "assigned send_for_approval desk_officer": "awaiting_approval",
  "awaiting_approval approve leader": "answered",
  "awaiting_approval send_back leader": "assigned",
  "answered publish leader": "published",
  "answered publish desk_officer": "published",
  "answered close desk_officer": "closed",
  "answered close leader": "closed",
  "published close desk_officer": "closed",
  "published close leader": "closed",
};

describe("PAKN state table", () => {
  it("walks every (status, action, role): exactly the hand-written triples are allowed, each going where written", () => {
    const allowed: string[] = [];
    for (const status of FEEDBACK_STATUSES) {
      for (const action of FEEDBACK_ACTIONS) {
        for (const role of ACTORS) {
          const key = `${status} ${action} ${role}`;
          const d = decideFeedback({ status, action, role, resumeStatus: "assigned" });
          const t = FEEDBACK_TRANSITIONS[action];
          const fromOk = (t.from as readonly FeedbackStatus[]).includes(status);
          if (d.ok) {
            allowed.push(key);
            expect(d.to, key).toBe(EXPECTED[key]);
          } else {
            expect(EXPECTED[key], key).toBeUndefined();
            expect(d.reason, key).toBe(fromOk ? "role" : "status");
          }
        }
      }
    }
    expect(allowed.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it("terminal statuses accept nothing, from anybody; the system and communication officers never act", () => {
    for (const s of FEEDBACK_STATUSES) {
      if (isFeedbackTerminal(s)) for (const r of ACTORS) expect(availableFeedbackActions(s, r), `${s} ${r}`).toEqual([]);
      expect(availableFeedbackActions(s, "system")).toEqual([]);
      expect(availableFeedbackActions(s, "communication_officer")).toEqual([]);
    }
    expect(FEEDBACK_STATUSES.filter(isFeedbackTerminal)).toEqual(["rejected", "transferred", "closed"]);
  });

  it("the petitioner only answers a request for more information", () => {
    for (const s of FEEDBACK_STATUSES) {
      expect(availableFeedbackActions(s, "public")).toEqual(s === "info_requested" ? ["supply_info"] : []);
    }
  });

  it("an answer given goes back where the request came from: the officer's desk, else the classification", () => {
    expect(decideFeedback({ status: "info_requested", action: "supply_info", role: "public", resumeStatus: "assigned" })).toMatchObject({ ok: true, to: "assigned" });
    expect(decideFeedback({ status: "info_requested", action: "supply_info", role: "public", resumeStatus: "received" })).toMatchObject({ ok: true, to: "received" });
    expect(decideFeedback({ status: "info_requested", action: "supply_info", role: "public", resumeStatus: null })).toMatchObject({ ok: true, to: "received" });
  });

  it("every limited step has its legal limit in working days: refuse 2, ask 5, answer 15, publish 2", () => {
    expect(Object.fromEntries(Object.entries(FEEDBACK_LIMITS).map(([k, v]) => [k, `${v.amount} ${v.unit} from ${v.from}`]))).toEqual({
      triage: "2 working_days from receipt",
      info: "5 working_days from receipt",
      answer: "15 working_days from receipt",
      publish: "2 working_days from answer",
    });
    const stepOf = Object.fromEntries(FEEDBACK_ACTIONS.map((a) => [a, (FEEDBACK_TRANSITIONS[a] as { step?: string }).step ?? null]));
    expect(stepOf).toEqual({
      reject: "triage",
      request_info: "info",
      supply_info: null,
      transfer: "triage",
      assign: null,
      send_for_approval: null,
      approve: "answer",
      send_back: null,
      publish: "publish",
      close: null,
    });
  });

  it("the running clock: classify, then answer; publishing only with consent; none while waiting or after", () => {
    const clocks = Object.fromEntries(FEEDBACK_STATUSES.map((s) => [s, `${currentStep(s, true)}/${currentStep(s, false)}`]));
    expect(clocks).toEqual({
      received: "triage/triage",
      info_requested: "null/null",
      assigned: "answer/answer",
      awaiting_approval: "answer/answer",
      answered: "publish/null",
      published: "null/null",
      rejected: "null/null",
      transferred: "null/null",
      closed: "null/null",
    });
  });

  it("property: any sequence of actions by anyone stays in the table, and nothing leaves a terminal status", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom<FeedbackAction>(...FEEDBACK_ACTIONS), fc.constantFrom(...ACTORS)), { maxLength: 40 }), (steps) => {
        let status: FeedbackStatus = "received";
        let resume: FeedbackStatus | null = null;
        for (const [action, role] of steps) {
          const d = decideFeedback({ status, action, role, resumeStatus: resume });
          if (isFeedbackTerminal(status)) expect(d.ok).toBe(false);
          if (!d.ok) continue;
          if (action === "request_info") resume = status;
          status = d.to;
          expect(isFeedbackStatus(status)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
