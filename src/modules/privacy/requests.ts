// The data subject's requests (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15): correction and deletion
// of the personal data in one of their dossiers, filed from "my dossiers" and answered by the
// agency's staff before the deadline (src/domain/privacy/rules.ts). A correction is applied to the
// dossier (and sent to the national portal again); a deletion the law allows anonymises it now.

import { z } from "zod";
import type { Db, Tx } from "../../db/scope";
import { CitizenId, Phone } from "../../domain/dossiers/applicant";
import { DomainError } from "../../domain/errors";
import { hoursAfter, REQUEST_ANSWER_HOURS, type RequestKind } from "../../domain/privacy/rules";
import { cleanSpaces, toNfc } from "../../domain/text/fold";
import { appendAudit } from "../audit/audit";
import { notifyStaff } from "../notifications/outbox";
import { enqueueFullSync } from "../sync-dvcqg/outbox";
import { recordAccess, type StaffViewer } from "./access-log";
import { anonymiseInTx } from "./retention";
import { idLookupHash, isSealed, seal, unseal } from "./sealing";

const name = z
  .string()
  .transform((s) => cleanSpaces(toNfc(s)))
  .pipe(z.string().min(2, { error: "msg:dossier.err.fullName" }).max(200, { error: "msg:dossier.err.tooLong" }));
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** What a correction may change; absent = unchanged. */
export const CorrectionValues = z.object({
  fullName: z.preprocess(blank, name.optional()),
  idNumber: z.preprocess(blank, CitizenId.optional()),
  phone: z.preprocess(blank, Phone.optional()),
  email: z.preprocess(blank, z.email({ error: "msg:dossier.err.email" }).max(200).optional()),
  addressLine: z.preprocess(blank, z.string().transform((s) => cleanSpaces(toNfc(s))).pipe(z.string().min(1).max(300, { error: "msg:dossier.err.tooLong" })).optional()),
});
export type CorrectionValues = z.infer<typeof CorrectionValues>;

export const RequestInput = z.object({
  kind: z.enum(["correction", "deletion"], { error: "msg:privacy.err.kind" }),
  details: z
    .string()
    .transform((s) => cleanSpaces(toNfc(s)))
    .pipe(z.string().min(5, { error: "msg:privacy.err.details" }).max(2000, { error: "msg:privacy.err.details" })),
});

export type PrivacyRequest = {
  id: number;
  agencyId: number;
  dossierId: number;
  dossierCode: string;
  userId: number;
  kind: RequestKind;
  details: string;
  requested: CorrectionValues;
  status: "open" | "done" | "refused";
  createdAt: Date;
  dueAt: Date;
  handledBy: number | null;
  handledAt: Date | null;
  answer: string | null;
};

type Row = {
  id: number;
  agency_id: number;
  dossier_id: number;
  dossier_code: string;
  user_id: number;
  kind: RequestKind;
  details: string;
  requested: Record<string, string>;
  status: PrivacyRequest["status"];
  created_at: Date;
  due_at: Date;
  handled_by: number | null;
  handled_at: Date | null;
  answer: string | null;
};

function toRequest(r: Row): PrivacyRequest {
  const { idNumber, ...rest } = r.requested ?? {};
  return {
    id: r.id,
    agencyId: r.agency_id,
    dossierId: r.dossier_id,
    dossierCode: r.dossier_code,
    userId: r.user_id,
    kind: r.kind,
    details: r.details,
    requested: { ...rest, ...(idNumber ? { idNumber: isSealed(idNumber) ? unseal(idNumber) : idNumber } : {}) },
    status: r.status,
    createdAt: r.created_at,
    dueAt: r.due_at,
    handledBy: r.handled_by,
    handledAt: r.handled_at,
    answer: r.answer,
  };
}

const COLUMNS = `r.id, r.agency_id, r.dossier_id, d.code as dossier_code, r.user_id, r.kind, r.details, r.requested, r.status, r.created_at, r.due_at,
  r.handled_by, r.handled_at, r.answer`;

/**
 * A citizen's request about one of their own dossiers (found by their account: someone else's
 * dossier is not found, whatever its code). Staff of the agency holding it are notified.
 */
export async function fileRequest(
  db: Db,
  q: { userId: number; dossierCode: string; kind: RequestKind; details: string; requested: CorrectionValues; now?: Date },
): Promise<PrivacyRequest> {
  const own = await db.scoped({ agencyIds: [], userId: q.userId }, (tx) =>
    tx.maybeOne<{ id: number; agency_id: number; code: string }>("select id, agency_id, code from dossiers where code = $1 and applicant_user_id = $2", [q.dossierCode, q.userId]),
  );
  if (!own) throw new DomainError("not_found", "dossier.err.notFound");
  const now = q.now ?? new Date();
  const requested: Record<string, string> = {};
  for (const [k, v] of Object.entries(q.requested)) if (typeof v === "string") requested[k] = k === "idNumber" ? seal(v) : v;
  // Acting within the dossier's agency, as the citizen: the request and the staff's notices.
  return db.scoped({ agencyIds: [own.agency_id], userId: q.userId }, async (tx) => {
    const r = await tx.one<{ id: number }>(
      "insert into privacy_requests (agency_id, dossier_id, user_id, kind, details, requested, due_at) values ($1, $2, $3, $4, $5, $6, $7) returning id",
      [own.agency_id, own.id, q.userId, q.kind, q.details, JSON.stringify(requested), hoursAfter(now, REQUEST_ANSWER_HOURS)],
    );
    await appendAudit(tx, {
      agencyId: own.agency_id,
      actorUserId: q.userId,
      actor: `citizen:${q.userId}`,
      action: "privacy.request.create",
      entity: "privacy_request",
      entityId: r.id,
      data: { kind: q.kind, dossier: own.code, fields: Object.keys(requested) },
    });
    const staff = await tx.query<{ id: number }>("select id from users where agency_id = $1 and active and role in ('desk_officer', 'leader', 'commune_admin')", [own.agency_id]);
    for (const u of staff) {
      await notifyStaff(tx, {
        agencyId: own.agency_id,
        userId: u.id,
        dossierId: own.id,
        kind: "privacy_request",
        title: `Yêu cầu ${q.kind === "correction" ? "chỉnh sửa" : "xóa"} dữ liệu cá nhân — hồ sơ ${own.code}`,
        body: `Hạn trả lời trong ${REQUEST_ANSWER_HOURS} giờ.`,
        href: `/staff/privacy/requests/${r.id}`,
        isTask: true,
        dedupeKey: `privacy-request:${r.id}:${u.id}`,
      });
    }
    return toRequest(await tx.one<Row>(`select ${COLUMNS} from privacy_requests r join dossiers d on d.id = r.dossier_id where r.id = $1`, [r.id]));
  });
}

export async function listOwnRequests(tx: Tx, userId: number): Promise<PrivacyRequest[]> {
  return (await tx.query<Row>(`select ${COLUMNS} from privacy_requests r join dossiers d on d.id = r.dossier_id where r.user_id = $1 order by r.created_at desc limit 100`, [userId])).map(toRequest);
}

export async function listRequests(tx: Tx, q: { agencyId: number; open?: boolean }): Promise<PrivacyRequest[]> {
  return (
    await tx.query<Row>(
      `select ${COLUMNS} from privacy_requests r join dossiers d on d.id = r.dossier_id
       where r.agency_id = $1 ${q.open ? "and r.status = 'open'" : ""} order by (r.status = 'open') desc, r.due_at, r.id desc limit 200`,
      [q.agencyId],
    )
  ).map(toRequest);
}

export async function getRequest(tx: Tx, q: { agencyId: number; id: number }): Promise<PrivacyRequest> {
  const r = await tx.maybeOne<Row>(`select ${COLUMNS} from privacy_requests r join dossiers d on d.id = r.dossier_id where r.agency_id = $1 and r.id = $2`, [q.agencyId, q.id]);
  if (!r) throw new DomainError("not_found", "privacy.err.request");
  return toRequest(r);
}

async function openRequest(tx: Tx, q: { agencyId: number; id: number; kind?: RequestKind }): Promise<PrivacyRequest> {
  const r = await getRequest(tx, q);
  if (r.status !== "open") throw new DomainError("conflict", "privacy.err.handled");
  if (q.kind && r.kind !== q.kind) throw new DomainError("conflict", "privacy.err.kind");
  return r;
}

async function close(tx: Tx, q: { id: number; status: "done" | "refused"; answer: string; viewer: StaffViewer }): Promise<void> {
  await tx.exec("update privacy_requests set status = $2, answer = $3, handled_by = $4, handled_at = now() where id = $1", [q.id, q.status, q.answer, q.viewer.userId]);
}

/** Applies a correction (the values the officer checked) to the dossier and closes the request. */
export async function applyCorrection(tx: Tx, q: { agencyId: number; id: number; values: CorrectionValues; answer: string; viewer: StaffViewer; actorLabel: string }): Promise<void> {
  const r = await openRequest(tx, { ...q, kind: "correction" });
  const v = q.values;
  const changed = Object.keys(v).filter((k) => v[k as keyof CorrectionValues] !== undefined);
  if (changed.length === 0) throw new DomainError("unprocessable", "privacy.err.nothingToCorrect");
  await tx.exec(
    `update dossiers d set applicant_full_name = coalesce($2, applicant_full_name), applicant_id_number = coalesce($3, applicant_id_number),
       applicant_id_hash = coalesce($4, applicant_id_hash), applicant_phone = coalesce($5, applicant_phone), applicant_email = coalesce($6, applicant_email),
       applicant_address = case when $7::text is null then applicant_address else jsonb_set(applicant_address, '{line}', to_jsonb($7::text)) end,
       updated_at = now()
     where d.id = $1 and d.agency_id = $8 and d.anonymised_at is null`,
    [r.dossierId, v.fullName ?? null, v.idNumber ? seal(v.idNumber) : null, v.idNumber ? idLookupHash(v.idNumber) : null, v.phone ?? null, v.email ?? null, v.addressLine ?? null, q.agencyId],
  );
  await tx.exec("update dossiers set search_text = fold(code || ' ' || applicant_full_name || ' ' || applicant_phone || ' ' || procedure_name) where id = $1", [r.dossierId]);
  await close(tx, { id: r.id, status: "done", answer: q.answer, viewer: q.viewer });
  await recordAccess(tx, { dossier: { id: r.dossierId, agencyId: q.agencyId }, viewer: q.viewer, kind: "correction", whole: true, inQueue: false, reason: `Yêu cầu chỉnh sửa số ${r.id}` });
  await appendAudit(tx, {
    agencyId: q.agencyId,
    actorUserId: q.viewer.userId,
    actor: q.actorLabel,
    action: "privacy.request.correct",
    entity: "privacy_request",
    entityId: r.id,
    // Which fields, never their values.
    data: { dossier: r.dossierCode, fields: changed },
  });
  // The portal holds the applicant too: the corrected record goes to it again.
  await enqueueFullSync(tx, { agencyId: q.agencyId, dossierIds: [r.dossierId] });
}

/** Accepts a deletion: the dossier's personal data is anonymised now (as the system: notes and events change). */
export async function acceptDeletion(db: Db, q: { agencyId: number; id: number; answer: string; viewer: StaffViewer; actorLabel: string }): Promise<string[]> {
  return db.system(async (tx) => {
    const r = await openRequest(tx, { ...q, kind: "deletion" });
    const out = await anonymiseInTx(tx, { agencyId: q.agencyId, dossierIds: [r.dossierId], why: "request", actor: { userId: q.viewer.userId, label: q.actorLabel } });
    await close(tx, { id: r.id, status: "done", answer: q.answer, viewer: q.viewer });
    return out.files;
  });
}

export async function refuseRequest(tx: Tx, q: { agencyId: number; id: number; answer: string; viewer: StaffViewer; actorLabel: string }): Promise<void> {
  const r = await openRequest(tx, q);
  await close(tx, { id: r.id, status: "refused", answer: q.answer, viewer: q.viewer });
  await appendAudit(tx, { agencyId: q.agencyId, actorUserId: q.viewer.userId, actor: q.actorLabel, action: "privacy.request.refuse", entity: "privacy_request", entityId: r.id, data: { dossier: r.dossierCode } });
}
