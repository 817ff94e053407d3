// When a plan task counts as overdue, and a plan's progress. Pure, shared by the pages, the API
// and the report.

export const TASK_STATUSES = ["todo", "in_progress", "done", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const PLAN_KINDS = ["cchc", "communication", "digital", "inspection", "other"] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

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
