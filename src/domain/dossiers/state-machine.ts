// Dossier life cycle (hồ sơ) as ONE table: statuses × actions × roles × what each action records.
// Sources: Nghị định 61/2018/NĐ-CP and 118/2025/NĐ-CP (one-stop rules), Thông tư 01/2018/TT-VPCP
// (slips Mẫu 01–06). The compiler checks that every action and status has an entry
// (`satisfies Record<…>`); state-machine.test.ts walks every allowed and forbidden pair.

import type { Role } from "../auth/roles";

export const DOSSIER_STATUSES = [
  "submitted", // online, awaiting acceptance by the desk (within 8 working hours, NĐ 45/2020)
  "received", // registered, appointment given (Mẫu 01)
  "in_progress", // assigned to a specialist
  "awaiting_approval", // sent to a leader
  "approved", // leader approved; result being finalised
  "supplement_requested", // clock paused (Mẫu 02)
  "transferred", // with another agency of the installation (liên thông)
  "result_ready", // result available for return
  "returned", // result handed over (terminal)
  "refused", // refused with reasons (Mẫu 03, terminal)
  "withdrawn", // withdrawn at the applicant's request (terminal)
] as const;
export type DossierStatus = (typeof DOSSIER_STATUSES)[number];

export const DOSSIER_ACTIONS = [
  "accept",
  "request_supplement",
  "supply_supplement",
  "assign",
  "note",
  "send_to_leader",
  "approve",
  "send_back",
  "refuse",
  "transfer",
  "transfer_back",
  "mark_result_ready",
  "return",
  "withdraw",
  "redate",
] as const;
export type DossierAction = (typeof DOSSIER_ACTIONS)[number];

/** Ways a dossier comes into being; they are not transitions of an existing dossier. */
export const CREATION = {
  submit_online: { to: "submitted", roles: ["public", "citizen"] },
  receive: { to: "received", roles: ["desk_officer"] },
} as const satisfies Record<string, { to: DossierStatus; roles: readonly ActorRole[] }>;

/** Who acts: an account role, an anonymous visitor ("public") or the system (jobs). */
export type ActorRole = Role | "public" | "system";

/** What an action writes besides the status change (the docs engineer builds slips from these). */
export type Effect =
  | "set_received" // received_at + appointment (due_at) from the calendar
  | "open_pause" // clock stops; supplement_count + 1
  | "close_pause" // clock resumes; appointment moves by the paused working time
  | "set_assignee"
  | "set_leader"
  | "set_finished" // finished_at (resolution time, for the on-time rule)
  | "set_returned"
  | "open_transfer"
  | "close_transfer"
  | "extend_due" // apology re-date (Mẫu 04)
  | "attach_result";

/** Input an action needs; the service validates it with the zod schema of the same name. */
export type InputKind = "none" | "accept" | "note" | "reasons" | "assignee" | "leader" | "transfer" | "redate" | "result" | "return";

export type Transition = {
  /** Statuses the action may start from. */
  from: readonly DossierStatus[];
  /** Resulting status; "same" keeps it, "resume" goes back to the status before the pause/transfer. */
  to: DossierStatus | "same" | "resume";
  roles: readonly ActorRole[];
  input: InputKind;
  effects: readonly Effect[];
  /** The other agency acts (transfer_back): the actor belongs to the receiving agency, not the dossier's. */
  byReceivingAgency?: boolean;
};

const OPEN: readonly DossierStatus[] = ["submitted", "received", "in_progress", "awaiting_approval", "approved", "supplement_requested", "transferred", "result_ready"];

export const TRANSITIONS = {
  accept: { from: ["submitted"], to: "received", roles: ["desk_officer"], input: "accept", effects: ["set_received"] },
  request_supplement: {
    from: ["submitted", "received", "in_progress"],
    to: "supplement_requested",
    roles: ["desk_officer", "specialist"],
    input: "reasons",
    effects: ["open_pause"],
  },
  supply_supplement: { from: ["supplement_requested"], to: "resume", roles: ["desk_officer", "citizen"], input: "note", effects: ["close_pause"] },
  // "system": assignment by the agency's rule (field → specialist) right after receipt.
  assign: { from: ["received", "in_progress"], to: "in_progress", roles: ["desk_officer", "leader", "system"], input: "assignee", effects: ["set_assignee"] },
  note: { from: OPEN, to: "same", roles: ["desk_officer", "specialist", "leader"], input: "note", effects: [] },
  // The specialist sends the draft result for signature with it: the leader approves what they see.
  send_to_leader: { from: ["in_progress"], to: "awaiting_approval", roles: ["specialist"], input: "leader", effects: ["set_leader", "attach_result"] },
  approve: { from: ["awaiting_approval"], to: "approved", roles: ["leader"], input: "note", effects: [] },
  send_back: { from: ["awaiting_approval", "approved"], to: "in_progress", roles: ["leader"], input: "reasons", effects: [] },
  refuse: {
    from: ["submitted", "received", "in_progress", "awaiting_approval"],
    to: "refused",
    roles: ["desk_officer", "leader"],
    input: "reasons",
    effects: ["set_finished"],
  },
  transfer: { from: ["received", "in_progress"], to: "transferred", roles: ["desk_officer", "leader"], input: "transfer", effects: ["open_transfer"] },
  transfer_back: {
    from: ["transferred"],
    to: "resume",
    roles: ["desk_officer", "specialist", "leader"],
    input: "note",
    effects: ["close_transfer"],
    byReceivingAgency: true,
  },
  mark_result_ready: {
    from: ["in_progress", "approved"],
    to: "result_ready",
    roles: ["specialist", "desk_officer"],
    input: "result",
    effects: ["set_finished", "attach_result"],
  },
  return: { from: ["result_ready"], to: "returned", roles: ["desk_officer"], input: "return", effects: ["set_returned"] },
  withdraw: {
    from: ["submitted", "received", "in_progress", "supplement_requested", "awaiting_approval"],
    to: "withdrawn",
    roles: ["citizen", "desk_officer"],
    input: "reasons",
    effects: [],
  },
  redate: {
    from: ["received", "in_progress", "awaiting_approval", "approved", "transferred"],
    to: "same",
    roles: ["desk_officer", "leader"],
    input: "redate",
    effects: ["extend_due"],
  },
} as const satisfies Record<DossierAction, Transition>;

export const TERMINAL_STATUSES = ["returned", "refused", "withdrawn"] as const satisfies readonly DossierStatus[];

/** Stages of the life cycle for display order and queue grouping. */
export const STATUS_INFO = {
  submitted: { terminal: false, clockRunning: false },
  received: { terminal: false, clockRunning: true },
  in_progress: { terminal: false, clockRunning: true },
  awaiting_approval: { terminal: false, clockRunning: true },
  approved: { terminal: false, clockRunning: true },
  supplement_requested: { terminal: false, clockRunning: false },
  transferred: { terminal: false, clockRunning: true },
  result_ready: { terminal: false, clockRunning: false },
  returned: { terminal: true, clockRunning: false },
  refused: { terminal: true, clockRunning: false },
  withdrawn: { terminal: true, clockRunning: false },
} as const satisfies Record<DossierStatus, { terminal: boolean; clockRunning: boolean }>;

export function isTerminal(status: DossierStatus): boolean {
  return STATUS_INFO[status].terminal;
}

export function isDossierStatus(v: unknown): v is DossierStatus {
  return typeof v === "string" && (DOSSIER_STATUSES as readonly string[]).includes(v);
}

export function isDossierAction(v: unknown): v is DossierAction {
  return typeof v === "string" && (DOSSIER_ACTIONS as readonly string[]).includes(v);
}

export type Refusal = { ok: false; reason: "status" | "role" };
export type Decision = { ok: true; to: DossierStatus; transition: Transition } | Refusal;

/**
 * Whether `role` may apply `action` to a dossier in `status`, and the resulting status.
 * `resumeStatus` is the status saved when the clock was paused or the dossier transferred.
 */
export function decide(options: { status: DossierStatus; action: DossierAction; role: ActorRole; resumeStatus?: DossierStatus | null }): Decision {
  const t: Transition = TRANSITIONS[options.action];
  if (!t.from.includes(options.status)) return { ok: false, reason: "status" };
  if (!t.roles.includes(options.role)) return { ok: false, reason: "role" };
  let to: DossierStatus;
  if (t.to === "same") to = options.status;
  else if (t.to === "resume") to = resumeTarget(options.resumeStatus);
  else to = t.to;
  return { ok: true, to, transition: t };
}

/** Where a paused or transferred dossier goes back to; an unknown saved status falls back to in_progress. */
export function resumeTarget(saved: DossierStatus | null | undefined): DossierStatus {
  if (saved && !isTerminal(saved) && saved !== "supplement_requested" && saved !== "transferred") return saved;
  return "in_progress";
}

/** Actions `role` may take on a dossier in `status` (the forms shown on the dossier page). */
export function availableActions(status: DossierStatus, role: ActorRole): DossierAction[] {
  return DOSSIER_ACTIONS.filter((a) => decide({ status, action: a, role }).ok);
}
