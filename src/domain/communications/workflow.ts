import { can } from "../auth/permissions";
import type { Role } from "../auth/roles";

/**
 * Editorial workflow of news items and articles, as data: for each status, the actions that
 * may be taken, who may take them and the status they lead to. Routes and services only ask
 * `nextStatus`; the table is tested exhaustively (every status × action × actor).
 */
export const ITEM_STATUSES = ["draft", "submitted", "scheduled", "published", "unpublished"] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const ITEM_ACTIONS = ["edit", "submit", "withdraw", "send_back", "publish", "schedule", "unschedule", "publish_due", "unpublish", "reopen"] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

/** writer = holder of content.write, approver = holder of content.approve, system = the scheduler job. */
export const ACTORS = ["writer", "approver", "system"] as const;
export type Actor = (typeof ACTORS)[number];

type Transition = { to: ItemStatus; by: readonly Actor[] };

export const WORKFLOW = {
  draft: {
    edit: { to: "draft", by: ["writer"] },
    submit: { to: "submitted", by: ["writer"] },
  },
  submitted: {
    // The author may take it back to change it; the approver sends it back with a note.
    withdraw: { to: "draft", by: ["writer"] },
    send_back: { to: "draft", by: ["approver"] },
    publish: { to: "published", by: ["approver"] },
    schedule: { to: "scheduled", by: ["approver"] },
  },
  scheduled: {
    publish_due: { to: "published", by: ["system"] },
    unschedule: { to: "submitted", by: ["approver"] },
  },
  published: {
    unpublish: { to: "unpublished", by: ["approver"] },
  },
  unpublished: {
    reopen: { to: "draft", by: ["writer"] },
    publish: { to: "published", by: ["approver"] },
  },
} as const satisfies Record<ItemStatus, Partial<Record<ItemAction, Transition>>>;

export function actorsOf(role: Role | undefined): Actor[] {
  const out: Actor[] = [];
  if (can(role, "content.write")) out.push("writer");
  if (can(role, "content.approve")) out.push("approver");
  return out;
}

function transition(status: ItemStatus, action: ItemAction): Transition | undefined {
  return (WORKFLOW[status] as Partial<Record<ItemAction, Transition>>)[action];
}

/** The status an action leads to, or undefined when it is not allowed from `status` for these actors. */
export function nextStatus(status: ItemStatus, action: ItemAction, actors: readonly Actor[]): ItemStatus | undefined {
  const tr = transition(status, action);
  if (!tr) return undefined;
  return tr.by.some((a) => actors.includes(a)) ? tr.to : undefined;
}

/** Actions a user may take now on an item in `status` (for the buttons shown). */
export function allowedActions(status: ItemStatus, actors: readonly Actor[]): ItemAction[] {
  return ITEM_ACTIONS.filter((a) => a !== "edit" && a !== "publish_due" && nextStatus(status, a, actors) !== undefined);
}

export function isPublic(status: ItemStatus): boolean {
  return status === "published";
}

export function canEdit(status: ItemStatus, actors: readonly Actor[]): boolean {
  return nextStatus(status, "edit", actors) !== undefined;
}
