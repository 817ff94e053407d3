// The access log of personal data (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15): every time a member
// of staff opens a dossier's personal data — its page, a slip, a file, the API, a correction —
// one row in the same transaction as the read: who, when, which dossier, how, whether it was
// shown whole, and why when the dossier is not in their queue. The applicant reads it from
// "my dossiers"; nobody can change it.

import type { Tx } from "../../db/scope";
import type { Role } from "../../domain/auth/roles";
import { type AccessKind, type DossierHolders, handlesDossier, REVEAL_MINUTES } from "../../domain/privacy/exposure";
import { maskEmail, maskIdNumber, maskPhone } from "../../domain/privacy/mask";
import type { Dossier } from "../dossiers/types";

export type StaffViewer = { userId: number; role: Role; agencyId: number };

export function viewerOf(user: { id: number; role: Role; agencyId: number }): StaffViewer {
  return { userId: user.id, role: user.role, agencyId: user.agencyId };
}

export type Exposure = {
  /** Identifiers shown whole. */
  whole: boolean;
  /** The dossier is in the viewer's queue (no reason needed). */
  inQueue: boolean;
  /** Until when a reason given earlier lets the viewer see it whole. */
  revealedUntil: Date | null;
};

function holders(d: Dossier): DossierHolders {
  return { agencyId: d.agencyId, transferAgencyId: d.transferAgencyId, status: d.status, assigneeUserId: d.assigneeUserId, leaderUserId: d.leaderUserId, createdBy: d.createdBy };
}

/** Whether the viewer sees the dossier's identifiers whole now, and why. */
export async function exposureFor(tx: Tx, viewer: StaffViewer, d: Dossier, now = new Date()): Promise<Exposure> {
  const inQueue = handlesDossier(viewer, holders(d));
  if (inQueue) return { whole: true, inQueue, revealedUntil: null };
  const r = await tx.maybeOne<{ at: Date }>(
    "select at from personal_data_access where user_id = $1 and dossier_id = $2 and kind = 'reveal' and at > $3 order by at desc limit 1",
    [viewer.userId, d.id, new Date(now.getTime() - REVEAL_MINUTES * 60_000)],
  );
  return r ? { whole: true, inQueue, revealedUntil: new Date(r.at.getTime() + REVEAL_MINUTES * 60_000) } : { whole: false, inQueue, revealedUntil: null };
}

export async function recordAccess(
  tx: Tx,
  a: { dossier: Pick<Dossier, "id" | "agencyId">; viewer: StaffViewer; kind: AccessKind; whole: boolean; inQueue: boolean; reason?: string | null },
): Promise<void> {
  await tx.exec(
    "insert into personal_data_access (agency_id, dossier_id, user_id, viewer_agency_id, kind, whole, in_queue, reason) values ($1, $2, $3, $4, $5, $6, $7, $8)",
    [a.dossier.agencyId, a.dossier.id, a.viewer.userId, a.viewer.agencyId, a.kind, a.whole, a.inQueue, a.reason ?? null],
  );
}

/** The exposure of a view, recorded in the same transaction. */
export async function viewDossier(tx: Tx, q: { viewer: StaffViewer; dossier: Dossier; kind: AccessKind }): Promise<Exposure> {
  const e = await exposureFor(tx, q.viewer, q.dossier);
  await recordAccess(tx, { dossier: q.dossier, viewer: q.viewer, kind: q.kind, whole: e.whole, inQueue: e.inQueue });
  return e;
}

/** The applicant as a viewer may see them: whole, or masked (the name stays: it is how a dossier is known). */
export function applicantAsSeen(d: Pick<Dossier, "applicant">, e: Pick<Exposure, "whole">): Dossier["applicant"] {
  if (e.whole) return d.applicant;
  return {
    fullName: d.applicant.fullName,
    idNumber: maskIdNumber(d.applicant.idNumber),
    phone: maskPhone(d.applicant.phone),
    email: d.applicant.email ? maskEmail(d.applicant.email) : null,
    address: { line: "", communeCode: undefined },
  };
}

export type AccessEntry = {
  id: number;
  at: Date;
  dossierCode: string;
  dossierAgencyId: number;
  userId: number;
  viewerAgencyId: number;
  kind: AccessKind;
  whole: boolean;
  inQueue: boolean;
  reason: string | null;
};

/** Who accessed the personal data of these dossiers, newest first (the applicant's view of the log). */
export async function listAccess(tx: Tx, q: { dossierIds: readonly number[]; limit?: number }): Promise<AccessEntry[]> {
  if (q.dossierIds.length === 0) return [];
  return tx.query<AccessEntry>(
    `select a.id, a.at, d.code as "dossierCode", d.agency_id as "dossierAgencyId", a.user_id as "userId", a.viewer_agency_id as "viewerAgencyId",
       a.kind, a.whole, a.in_queue as "inQueue", a.reason
     from personal_data_access a join dossiers d on d.id = a.dossier_id
     where a.dossier_id = any($1::int[]) order by a.at desc, a.id desc limit $2`,
    [q.dossierIds, q.limit ?? 500],
  );
}
