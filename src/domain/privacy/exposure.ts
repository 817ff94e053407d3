// Who sees a dossier's identifiers whole. The officers handling it — in its queue — see them on
// the dossier page; anyone else who may open the dossier (an administrator, a leader looking at a
// dossier not sent to them, a supervisor) sees them masked and must give a reason to see them
// whole, which the access log keeps. Lists never show them whole.

import type { Role } from "../auth/roles";

export type Viewer = { userId: number; role: Role; agencyId: number };
export type DossierHolders = {
  agencyId: number;
  transferAgencyId: number | null;
  status: string;
  assigneeUserId: number | null;
  leaderUserId: number | null;
  createdBy: number | null;
};

/**
 * Whether the dossier is in the viewer's queue: the desk of the agency holding it (or the agency
 * it was transferred to) — it receives, answers the applicant at the counter at any step, reprints
 * the slips and returns the result; the specialist it is assigned to; the leader it was sent to,
 * or any leader while it awaits approval.
 */
export function handlesDossier(v: Viewer, d: DossierHolders): boolean {
  const ownAgency = d.agencyId === v.agencyId || d.transferAgencyId === v.agencyId;
  if (!ownAgency) return false;
  if (d.createdBy === v.userId || d.assigneeUserId === v.userId || d.leaderUserId === v.userId) return true;
  switch (v.role) {
    case "desk_officer":
      return true;
    case "leader":
      return d.status === "awaiting_approval" || d.status === "approved";
    default:
      return false;
  }
}

/** Kinds of access the log records. */
export const ACCESS_KINDS = ["view", "reveal", "slip", "attachment", "api", "export", "correction"] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

/** How long a reason given to see a dossier's data whole holds for its viewer. */
export const REVEAL_MINUTES = 30;
