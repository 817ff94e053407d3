// When a plan task counts as overdue, a plan's progress and its way to approval. Pure, shared by
// the pages, the API and the report.
import { can, type Permission } from "../../domain/auth/permissions";
import type { Role } from "../../domain/auth/roles";

export const TASK_STATUSES = ["todo", "in_progress", "done", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const PLAN_KINDS = ["cchc", "communication", "digital", "inspection", "other"] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

export const PLAN_STATUSES = ["draft", "submitted", "returned", "approved"] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * The way to approval: the writer (plan.manage) submits a draft or a returned plan; the leader
 * (plan.approve) approves it — it then takes its number from the register — or returns it with a
 * reason. Each step is audited as plan.<step>.
 */
export const PLAN_STEPS = {
  submit: { from: ["draft", "returned"], to: "submitted", permission: "plan.manage" },
  approve: { from: ["submitted"], to: "approved", permission: "plan.approve" },
  return: { from: ["submitted"], to: "returned", permission: "plan.approve" },
} as const satisfies Record<string, { from: readonly PlanStatus[]; to: PlanStatus; permission: Permission }>;
export type PlanStep = keyof typeof PLAN_STEPS;

export function stepAllowed(step: PlanStep, status: PlanStatus, role: Role | undefined): boolean {
  const s = PLAN_STEPS[step];
  return (s.from as readonly PlanStatus[]).includes(status) && can(role, s.permission);
}

/** The steps a user may take on a plan in this status (what the plan page offers). */
export function stepsFor(status: PlanStatus, role: Role | undefined): PlanStep[] {
  return (Object.keys(PLAN_STEPS) as PlanStep[]).filter((s) => stepAllowed(s, status, role));
}

/** A plan's text (title, goals) and its tasks change while it is with its writer or issued, not while the leader reads it. */
export function planEditable(status: PlanStatus): boolean {
  return status !== "submitted";
}

/** Overdue: a deadline before today and not finished (done or cancelled). */
export function isOverdue(task: { deadline: string | null; status: TaskStatus }, today: string): boolean {
  return task.deadline !== null && task.deadline < today && task.status !== "done" && task.status !== "cancelled";
}

/** Done late: finished after the deadline (shown, but no longer overdue). */
export function doneLate(task: { deadline: string | null; status: TaskStatus; completedOn: string | null }): boolean {
  return task.status === "done" && task.deadline !== null && task.completedOn !== null && task.completedOn > task.deadline;
}

/** Percent of the plan done: cancelled tasks do not count; each task weighs its own progress. */
export function planProgress(tasks: { status: TaskStatus; progress: number }[]): number {
  const active = tasks.filter((t) => t.status !== "cancelled");
  if (active.length === 0) return 0;
  const sum = active.reduce((s, t) => s + (t.status === "done" ? 100 : Math.min(99, Math.max(0, t.progress))), 0);
  // Floor: a plan shows 100 % only when every task is done.
  return Math.floor(sum / active.length);
}
