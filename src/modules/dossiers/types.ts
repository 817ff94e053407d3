import type { DeadlineUnit } from "../../domain/calendar/validation";
import type { ApplicantAddress } from "../../domain/dossiers/applicant";
import type { DossierStatus } from "../../domain/dossiers/state-machine";

export type DossierChannel = "online" | "in_person" | "post";

export type Dossier = {
  id: number;
  agencyId: number;
  code: string;
  procedureCode: string;
  procedureName: string;
  procedureField: string;
  procedureVersionId: number | null;
  onlineLevel: "full" | "partial" | "none";
  channel: DossierChannel;
  status: DossierStatus;
  resumeStatus: DossierStatus | null;
  applicant: { fullName: string; idNumber: string; phone: string; email: string | null; address: ApplicantAddress };
  fields: Record<string, unknown>;
  /** Required documents as ticked at the counter / attached online; kind "present" = shown, not kept. */
  documents: { name: string; received: boolean; kind?: "submit" | "present" }[];
  submittedAt: Date | null;
  acceptDueAt: Date | null;
  receivedAt: Date | null;
  dueAt: Date | null;
  finishedAt: Date | null;
  returnedAt: Date | null;
  closedAt: Date | null;
  timeLimit: { amount: number; unit: DeadlineUnit } | null;
  extensionAmount: number;
  assigneeUserId: number | null;
  leaderUserId: number | null;
  supplementCount: number;
  pausedMs: number;
  transferAgencyId: number | null;
  createdBy: number | null;
  applicantUserId: number | null;
  createdAt: Date;
  updatedAt: Date;
  /** The applicant's consent (version of the text, when, where); null for dossiers from before it was recorded. */
  consent?: { version: string; at: Date; channel: "online" | "counter" } | null;
  /** When the retention job or a deletion request removed the personal data (statistics kept). */
  anonymisedAt?: Date | null;
};

export type DossierEvent = {
  id: number;
  agencyId: number;
  dossierId: number;
  at: Date;
  /** A transition action, or "submit_online" / "receive" for creation. */
  action: string;
  fromStatus: DossierStatus | null;
  toStatus: DossierStatus;
  actorUserId: number | null;
  actorLabel: string;
  actorAgencyId: number | null;
  note: string | null;
  data: Record<string, unknown>;
};

export type DossierAttachment = {
  id: number;
  dossierId: number;
  kind: "document" | "result" | "supplement";
  documentName: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  storagePath: string;
  createdAt: Date;
};
