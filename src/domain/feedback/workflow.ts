// Feedback and petitions (phản ánh, kiến nghị — PAKN) about administrative rules and their
// handling, as ONE table: statuses × actions × roles, and the legal time limit each step is held
// to. Source: Nghị định 20/2008/NĐ-CP (as amended) and the limits the national portal applies in
// QĐ 766/QĐ-TTg indicator 5.2: out of scope → refused within 2 working days, more information asked
// within 5, answered within 15, the answer published within 2 of its approval. The compiler checks
// that every action and status has an entry; workflow.test.ts walks every triple.

import type { Role } from "../auth/roles";

export const FEEDBACK_STATUSES = [
  "received", // sent from the portal or the API; the desk classifies it
  "info_requested", // the petitioner is asked for more; the clock of the answer stops
  "assigned", // an officer prepares the answer
  "awaiting_approval", // the draft answer waits for a leader
  "answered", // the leader approved; the answer went to the petitioner
  "published", // the answer is on the public page, personal data masked
  "rejected", // out of scope (not a PAKN on administrative rules), terminal
  "transferred", // sent on to the competent agency, terminal here
  "closed", // terminal
] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

export const FEEDBACK_ACTIONS = ["reject", "request_info", "supply_info", "transfer", "assign", "send_for_approval", "approve", "send_back", "publish", "close"] as const;
export type FeedbackAction = (typeof FEEDBACK_ACTIONS)[number];

/** An account role, the petitioner without an account ("public") or the software ("system"). */
export type FeedbackActor = Role | "public" | "system";

/** The steps the law limits in time; each is measured from the receipt or from the answer. */
export const FEEDBACK_STEPS = ["triage", "info", "answer", "publish"] as const;
export type FeedbackStep = (typeof FEEDBACK_STEPS)[number];

export const FEEDBACK_LIMITS = {
  // Not ours (refused or sent on to the competent agency): decided within 2 working days.
  triage: { amount: 2, unit: "working_days", from: "receipt" },
  info: { amount: 5, unit: "working_days", from: "receipt" },
  // Paused while the petitioner is asked for more information.
  answer: { amount: 15, unit: "working_days", from: "receipt" },
  publish: { amount: 2, unit: "working_days", from: "answer" },
} as const satisfies Record<FeedbackStep, { amount: number; unit: "working_days"; from: "receipt" | "answer" }>;

/** What an action needs besides the actor: the service validates it with the schema of the same name. */
export type FeedbackInput = "none" | "note" | "reasons" | "assignee" | "answer" | "transfer" | "publication";

export type FeedbackTransition = {
  from: readonly FeedbackStatus[];
  /** "resume": back to the status held before the petitioner was asked for more. */
  to: FeedbackStatus | "resume";
  roles: readonly FeedbackActor[];
  input: FeedbackInput;
  /** The legal limit the action is measured against (indicator 5.2). */
  step?: FeedbackStep;
};

export const FEEDBACK_TRANSITIONS = {
  reject: { from: ["received", "info_requested"], to: "rejected", roles: ["desk_officer", "leader"], input: "reasons", step: "triage" },
  request_info: { from: ["received", "assigned"], to: "info_requested", roles: ["desk_officer", "specialist", "leader"], input: "reasons", step: "info" },
  // The petitioner answers from the tracking page; the desk records an answer given by phone or in person.
  supply_info: { from: ["info_requested"], to: "resume", roles: ["public", "citizen", "desk_officer"], input: "note" },
  transfer: { from: ["received", "assigned"], to: "transferred", roles: ["desk_officer", "leader"], input: "transfer", step: "triage" },
  assign: { from: ["received", "assigned"], to: "assigned", roles: ["desk_officer", "leader"], input: "assignee" },
  // Only the assigned officer drafts (checked by the service: the role alone is not enough).
  send_for_approval: { from: ["assigned"], to: "awaiting_approval", roles: ["specialist", "desk_officer"], input: "answer" },
  approve: { from: ["awaiting_approval"], to: "answered", roles: ["leader"], input: "publication", step: "answer" },
  send_back: { from: ["awaiting_approval"], to: "assigned", roles: ["leader"], input: "reasons" },
  // Only with the petitioner's consent (checked by the service), personal data masked.
  publish: { from: ["answered"], to: "published", roles: ["leader", "desk_officer"], input: "publication", step: "publish" },
  close: { from: ["answered", "published"], to: "closed", roles: ["desk_officer", "leader"], input: "note" },
} as const satisfies Record<FeedbackAction, FeedbackTransition>;

export const FEEDBACK_STATUS_INFO = {
  received: { terminal: false, clock: "triage" },
  info_requested: { terminal: false, clock: null },
  assigned: { terminal: false, clock: "answer" },
  awaiting_approval: { terminal: false, clock: "answer" },
  // Publishing is due only when the petitioner consented (see currentStep).
  answered: { terminal: false, clock: "publish" },
  published: { terminal: false, clock: null },
  rejected: { terminal: true, clock: null },
  transferred: { terminal: true, clock: null },
  closed: { terminal: true, clock: null },
} as const satisfies Record<FeedbackStatus, { terminal: boolean; clock: FeedbackStep | null }>;

/** Statuses in which the petitioner may say whether the answer satisfied them. */
export const RATEABLE_STATUSES: readonly FeedbackStatus[] = ["answered", "published", "closed"];

export function isFeedbackStatus(v: unknown): v is FeedbackStatus {
  return typeof v === "string" && (FEEDBACK_STATUSES as readonly string[]).includes(v);
}

export function isFeedbackAction(v: unknown): v is FeedbackAction {
  return typeof v === "string" && (FEEDBACK_ACTIONS as readonly string[]).includes(v);
}

export function isFeedbackTerminal(status: FeedbackStatus): boolean {
  return FEEDBACK_STATUS_INFO[status].terminal;
}

export type FeedbackDecision = { ok: true; to: FeedbackStatus; transition: FeedbackTransition } | { ok: false; reason: "status" | "role" };

/** Whether `role` may apply `action` in `status`, and the status it leads to. */
export function decideFeedback(o: { status: FeedbackStatus; action: FeedbackAction; role: FeedbackActor; resumeStatus?: FeedbackStatus | null }): FeedbackDecision {
  const t: FeedbackTransition = FEEDBACK_TRANSITIONS[o.action];
  if (!t.from.includes(o.status)) return { ok: false, reason: "status" };
  if (!t.roles.includes(o.role)) return { ok: false, reason: "role" };
  const to = t.to === "resume" ? feedbackResumeTarget(o.resumeStatus) : t.to;
  return { ok: true, to, transition: t };
}

/** Where a PAKN goes when the petitioner has answered: the status before the request, else back to the desk. */
export function feedbackResumeTarget(saved: FeedbackStatus | null | undefined): FeedbackStatus {
  return saved === "assigned" ? "assigned" : "received";
}

export function availableFeedbackActions(status: FeedbackStatus, role: FeedbackActor): FeedbackAction[] {
  return FEEDBACK_ACTIONS.filter((a) => decideFeedback({ status, action: a, role }).ok);
}

/** The step whose limit runs now, if any: publishing only when the petitioner agreed to it. */
export function currentStep(status: FeedbackStatus, consentToPublish: boolean): FeedbackStep | null {
  const clock = FEEDBACK_STATUS_INFO[status].clock;
  if (clock === "publish" && !consentToPublish) return null;
  return clock;
}
