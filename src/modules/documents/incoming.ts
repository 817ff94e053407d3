// The register of incoming documents (sổ đăng ký văn bản đến, issue 16): documents that arrived
// from agencies of the installation (a report issued by a commune lands in its province's
// register by itself, numbered on arrival) and documents from outside that the office registers
// by hand with their scan. The recipient reads, acknowledges receipt, assigns a document for
// handling, or asks the sender for a correction; the sender sees each step on its dispatch.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Tx } from "../../db/scope";
import { DomainError } from "../../domain/errors";
import { toNfc } from "../../domain/text/fold";
import { appendAudit } from "../audit/audit";
import type { Actor } from "./register";

export type IncomingDocument = {
  id: number;
  agencyId: number;
  /** Arrival number in the year (số đến). */
  number: number;
  year: number;
  arrivedAt: Date;
  fromAgencyId: number | null;
  fromName: string;
  docCode: string;
  docDate: string;
  subject: string;
  /** The sender's report, when it came through the system. */
  reportId: number | null;
  reportKind: string | null;
  period: { from: string; to: string } | null;
  file: { name: string; contentType: string; size: number; sha256: string };
  readAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  assignee: { id: number; name: string } | null;
  assignedAt: Date | null;
  handlingNote: string | null;
  correctionRequestedAt: Date | null;
  correctionReason: string | null;
  /** From outside, registered by hand. */
  byHand: boolean;
};

type Row = {
  id: number;
  agency_id: number;
  number: number;
  year: number;
  arrived_at: Date;
  from_agency_id: number | null;
  from_name: string;
  doc_code: string;
  doc_date: string;
  subject: string;
  report_id: number | null;
  report_kind: string | null;
  period_from: string | null;
  period_to: string | null;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  read_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_name: string | null;
  assignee_user_id: number | null;
  assignee_name: string | null;
  assigned_at: Date | null;
  handling_note: string | null;
  correction_requested_at: Date | null;
  correction_reason: string | null;
  dispatch_id: number | null;
};

const COLS = `i.id, i.agency_id, i.number, i.year, i.arrived_at, i.from_agency_id, i.from_name, i.doc_code, i.doc_date::text as doc_date, i.subject,
  i.report_id, i.report_kind, i.period_from::text as period_from, i.period_to::text as period_to, i.file_name, i.content_type, i.size, i.sha256,
  i.read_at, i.acknowledged_at, (select full_name from users where id = i.acknowledged_by) as acknowledged_name, i.assignee_user_id,
  (select full_name from users where id = i.assignee_user_id) as assignee_name, i.assigned_at, i.handling_note, i.correction_requested_at,
  i.correction_reason, i.dispatch_id`;

const toIncoming = (r: Row): IncomingDocument => ({
  id: r.id,
  agencyId: r.agency_id,
  number: r.number,
  year: r.year,
  arrivedAt: r.arrived_at,
  fromAgencyId: r.from_agency_id,
  fromName: r.from_name,
  docCode: r.doc_code,
  docDate: r.doc_date,
  subject: r.subject,
  reportId: r.report_id,
  reportKind: r.report_kind,
  period: r.period_from && r.period_to ? { from: r.period_from, to: r.period_to } : null,
  file: { name: r.file_name, contentType: r.content_type, size: r.size, sha256: r.sha256 },
  readAt: r.read_at,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_name,
  assignee: r.assignee_user_id && r.assignee_name ? { id: r.assignee_user_id, name: r.assignee_name } : null,
  assignedAt: r.assigned_at,
  handlingNote: r.handling_note,
  correctionRequestedAt: r.correction_requested_at,
  correctionReason: r.correction_reason,
  byHand: r.dispatch_id === null,
});

export const IncomingQuery = z.object({
  /** Agency code whose register is read; defaults to the caller's own. */
  agency: z.string().trim().min(1).max(40).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  /** Only what still waits for acknowledgement. */
  pending: z.preprocess((v) => v === "1" || v === "true" || v === true, z.boolean()).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type IncomingQuery = z.infer<typeof IncomingQuery>;

/** An agency's incoming register, newest first. Row-level security keeps it to agencies in scope. */
export async function listIncoming(tx: Tx, agencyId: number, q: { year?: number | undefined; pending?: boolean | undefined; limit?: number }): Promise<IncomingDocument[]> {
  const rows = await tx.query<Row>(
    `select ${COLS} from incoming_documents i where i.agency_id = $1 and ($2::int is null or i.year = $2) and (not $3 or i.acknowledged_at is null)
     order by i.year desc, i.number desc limit $4`,
    [agencyId, q.year ?? null, q.pending ?? false, q.limit ?? 100],
  );
  return rows.map(toIncoming);
}

export async function findIncoming(tx: Tx, agencyId: number, id: number): Promise<IncomingDocument | undefined> {
  const r = await tx.maybeOne<Row>(`select ${COLS} from incoming_documents i where i.id = $1 and i.agency_id = $2`, [id, agencyId]);
  return r ? toIncoming(r) : undefined;
}

async function getForUpdate(tx: Tx, agencyId: number, id: number): Promise<Row> {
  const r = await tx.maybeOne<Row>(`select ${COLS} from incoming_documents i where i.id = $1 and i.agency_id = $2 for update`, [id, agencyId]);
  if (!r) throw new DomainError("not_found", "error.404.body");
  return r;
}

/** The first reading by the recipient, seen by the sender. */
export async function markRead(tx: Tx, agencyId: number, id: number, actor: Actor): Promise<void> {
  const n = await tx.exec("update incoming_documents set read_at = now(), read_by = $3 where id = $1 and agency_id = $2 and read_at is null", [id, agencyId, actor.userId]);
  if (n) await tx.exec("update document_dispatches set read_at = now() where id = (select dispatch_id from incoming_documents where id = $1) and read_at is null", [id]);
}

/** The file as received (the issued report's PDF, or the scan registered by hand); the recipient (`reader`) opening it has read it. */
export async function incomingFile(tx: Tx, agencyId: number, id: number, reader: Actor | null): Promise<{ name: string; contentType: string; bytes: Buffer } | undefined> {
  const r = await tx.maybeOne<{ file_name: string; content_type: string; content: Buffer }>("select file_name, content_type, content from incoming_documents where id = $1 and agency_id = $2", [id, agencyId]);
  if (!r) return undefined;
  if (reader) await markRead(tx, agencyId, id, reader);
  return { name: r.file_name, contentType: r.content_type, bytes: r.content };
}

/** Acknowledges receipt (xác nhận đã nhận); the sender sees who and when. Acknowledging twice keeps the first. */
export async function acknowledge(tx: Tx, agencyId: number, id: number, actor: Actor): Promise<IncomingDocument> {
  const cur = await getForUpdate(tx, agencyId, id);
  if (!cur.acknowledged_at) {
    await tx.exec("update incoming_documents set acknowledged_at = now(), acknowledged_by = $2, read_at = coalesce(read_at, now()), read_by = coalesce(read_by, $2) where id = $1", [id, actor.userId]);
    if (cur.dispatch_id)
      await tx.exec("update document_dispatches set acknowledged_at = now(), acknowledged_by = $2, read_at = coalesce(read_at, now()) where id = $1", [cur.dispatch_id, actor.userId]);
    await appendAudit(tx, { agencyId, actorUserId: actor.userId, actor: actor.label, action: "document.acknowledge", entity: "incoming_document", entityId: id, data: { number: cur.number, from: cur.from_name, code: cur.doc_code } });
  }
  return toIncoming(await getForUpdate(tx, agencyId, id));
}

export const AssignInput = z.object({
  assigneeUserId: z.coerce.number({ error: "msg:documents.badAssignee" }).int({ error: "msg:documents.badAssignee" }).positive({ error: "msg:documents.badAssignee" }),
  note: z.preprocess((v) => (v === "" ? undefined : v), z.string().trim().max(2000, { error: "msg:documents.tooLong" }).transform(toNfc).optional()),
});
export type AssignInput = z.infer<typeof AssignInput>;

/** Assigns an incoming document to a member of the agency's staff for handling (giao xử lý). */
export async function assignIncoming(tx: Tx, agencyId: number, id: number, input: AssignInput, actor: Actor): Promise<IncomingDocument> {
  const cur = await getForUpdate(tx, agencyId, id);
  const who = await tx.maybeOne<{ id: number; full_name: string }>("select id, full_name from users where id = $1 and agency_id = $2 and active and role <> 'citizen'", [input.assigneeUserId, agencyId]);
  if (!who) throw new DomainError("invalid", "documents.badAssignee", { details: [{ path: "assigneeUserId", message: String(input.assigneeUserId) }] });
  await tx.exec(
    "update incoming_documents set assignee_user_id = $2, assigned_at = now(), assigned_by = $3, handling_note = $4, read_at = coalesce(read_at, now()), read_by = coalesce(read_by, $3) where id = $1",
    [id, who.id, actor.userId, input.note ?? null],
  );
  await appendAudit(tx, { agencyId, actorUserId: actor.userId, actor: actor.label, action: "document.assign", entity: "incoming_document", entityId: id, data: { assigneeUserId: who.id, number: cur.number } });
  return toIncoming(await getForUpdate(tx, agencyId, id));
}

export const CorrectionInput = z.object({
  reason: z.string().trim().transform(toNfc).pipe(z.string().min(3, { error: "msg:documents.badReason" }).max(2000, { error: "msg:documents.badReason" })),
});
export type CorrectionInput = z.infer<typeof CorrectionInput>;

/**
 * Asks the sender to correct a document that came through the system (a correction is a new
 * document: Nghị định 30/2020/NĐ-CP, Điều 17). The sender's dispatch carries the reason.
 */
export async function requestCorrection(tx: Tx, agencyId: number, id: number, input: CorrectionInput, actor: Actor): Promise<IncomingDocument> {
  const cur = await getForUpdate(tx, agencyId, id);
  if (!cur.dispatch_id) throw new DomainError("conflict", "documents.correctionByHand");
  await tx.exec("update incoming_documents set correction_requested_at = now(), correction_reason = $2, read_at = coalesce(read_at, now()) where id = $1", [id, input.reason]);
  await tx.exec("update document_dispatches set correction_requested_at = now(), correction_reason = $2, read_at = coalesce(read_at, now()) where id = $1", [cur.dispatch_id, input.reason]);
  await appendAudit(tx, { agencyId, actorUserId: actor.userId, actor: actor.label, action: "document.correction", entity: "incoming_document", entityId: id, data: { reason: input.reason, from: cur.from_name, code: cur.doc_code } });
  return toIncoming(await getForUpdate(tx, agencyId, id));
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "msg:documents.badDate" })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), { error: "msg:documents.badDate" });

/** A document from outside the installation, registered by hand. */
export const ManualIncoming = z.object({
  fromName: z.string().trim().transform(toNfc).pipe(z.string().min(2, { error: "msg:documents.badFrom" }).max(300, { error: "msg:documents.badFrom" })),
  docCode: z.string().trim().transform(toNfc).pipe(z.string().min(1, { error: "msg:documents.badCode" }).max(60, { error: "msg:documents.badCode" })),
  docDate: isoDate,
  subject: z.string().trim().transform(toNfc).pipe(z.string().min(3, { error: "msg:documents.badSubject" }).max(1000, { error: "msg:documents.badSubject" })),
});
export type ManualIncoming = z.infer<typeof ManualIncoming>;

export const SCAN_TYPES = ["application/pdf", "image/jpeg", "image/png"] as const;
export const MAX_SCAN_BYTES = 10 * 1024 * 1024;

/** Registers a document from outside with its scan (PDF, JPEG or PNG, checked by content). */
export async function registerIncoming(tx: Tx, agencyId: number, input: ManualIncoming, scan: { fileName: string; contentType: string; data: Buffer }, actor: Actor): Promise<IncomingDocument> {
  if (scan.data.length > MAX_SCAN_BYTES) throw new DomainError("too_large", "documents.scanTooLarge");
  if (!(SCAN_TYPES as readonly string[]).includes(scan.contentType)) throw new DomainError("unsupported_type", "documents.scanType");
  const year = Number(new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 4));
  const { last_number } = await tx.one<{ last_number: number }>(
    `insert into incoming_counters as c (agency_id, year, last_number) values ($1, $2, 1)
     on conflict (agency_id, year) do update set last_number = c.last_number + 1 returning last_number`,
    [agencyId, year],
  );
  const { id } = await tx.one<{ id: number }>(
    `insert into incoming_documents (agency_id, year, number, from_name, doc_code, doc_date, subject, file_name, content_type, content, sha256, size, registered_by)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) returning id`,
    [agencyId, year, last_number, input.fromName, input.docCode, input.docDate, input.subject, scan.fileName.slice(0, 200), scan.contentType, scan.data, createHash("sha256").update(scan.data).digest("hex"), scan.data.length, actor.userId],
  );
  await appendAudit(tx, { agencyId, actorUserId: actor.userId, actor: actor.label, action: "document.receive", entity: "incoming_document", entityId: id, data: { number: last_number, from: input.fromName, code: input.docCode } });
  return (await findIncoming(tx, agencyId, id))!;
}

/** Staff of the agency a document may be assigned to. */
export async function assignableStaff(tx: Tx, agencyId: number): Promise<{ id: number; fullName: string; title: string | null }[]> {
  return tx.query("select id, full_name as \"fullName\", title from users where agency_id = $1 and active and role <> 'citizen' order by full_name", [agencyId]);
}
