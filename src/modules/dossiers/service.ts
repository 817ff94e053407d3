// Dossier data access and transitions. Every change runs in the caller's transaction: the status
// change, its event row (Mẫu 05 is built from them), the audit entry and the listeners of
// onDossierEvent commit together or not at all.

import { z } from "zod";
import type { Tx } from "../../db/scope";
import { RULE_ACTOR_LABEL } from "../../domain/auth/actors";
import type { TimeLimit } from "../../domain/catalog/model";
import { type ApplyChannel, counterChecklist, documentKey, type FormInput, isMandatory, onlineInputs } from "../../domain/catalog/requirements";
import type { DeadlineUnit } from "../../domain/calendar/validation";
import type { Applicant } from "../../domain/dossiers/applicant";
import {
  type ActorRole,
  CREATION,
  type DossierAction,
  type DossierStatus,
  decide,
  isTerminal,
  TRANSITIONS,
  type Transition,
} from "../../domain/dossiers/state-machine";
import { type Timeliness, dueSoonHorizon, timeliness } from "../../domain/dossiers/timeliness";
import { appendAudit } from "../audit/audit";
import { computeAgencyDeadline, getAgencyCalendar } from "../calendar/service";
import { findOfferedProcedure, type OfferedProcedure } from "../catalog/service";
import { nextDossierCode } from "../codes/dossier-codes";
import { DomainError } from "../../domain/errors";
import type { ConsentRecord } from "../../domain/privacy/consent";
import { maskIdNumber, maskPhone } from "../../domain/privacy/mask";
import { idLookupHash, seal, unseal } from "../privacy/sealing";
import { emitDossierEvent } from "./events";
import type { StagedFile } from "./files";
import type { Dossier, DossierAttachment, DossierChannel, DossierEvent } from "./types";
import { ownFirst, visibleToAgency } from "./visibility";

export type { Dossier, DossierAttachment, DossierEvent } from "./types";

/** Who acts. `agencyId` is the actor's own agency (differs from the dossier's for a transfer). */
export type DossierActor = { userId: number | null; role: ActorRole; label: string; agencyId?: number };

// ---------------------------------------------------------------------------------------------
// Reading

/** The columns a Row is read from (table alias d). */
export const DOSSIER_COLUMNS = `d.id, d.agency_id, d.code, d.procedure_code, d.procedure_name, d.procedure_field, d.procedure_version_id, d.online_level,
  d.channel, d.status, d.resume_status, d.applicant_full_name, d.applicant_id_number, d.applicant_phone, d.applicant_email,
  d.applicant_address, d.fields, d.documents, d.submitted_at, d.accept_due_at, d.received_at, d.due_at, d.finished_at, d.returned_at,
  d.closed_at, d.time_limit_amount, d.time_limit_unit, d.extension_amount, d.assignee_user_id, d.leader_user_id, d.supplement_count,
  d.paused_ms, d.transfer_agency_id, d.created_by, d.applicant_user_id, d.created_at, d.updated_at, d.consent_version, d.consent_at, d.consent_channel,
  d.anonymised_at`;

export type DossierRow = Row;
type Row = {
  id: number;
  agency_id: number;
  code: string;
  procedure_code: string;
  procedure_name: string;
  procedure_field: string;
  procedure_version_id: number | null;
  online_level: Dossier["onlineLevel"];
  channel: DossierChannel;
  status: DossierStatus;
  resume_status: DossierStatus | null;
  applicant_full_name: string;
  applicant_id_number: string;
  applicant_phone: string;
  applicant_email: string | null;
  applicant_address: Dossier["applicant"]["address"];
  fields: Record<string, unknown>;
  documents: Dossier["documents"];
  submitted_at: Date | null;
  accept_due_at: Date | null;
  received_at: Date | null;
  due_at: Date | null;
  finished_at: Date | null;
  returned_at: Date | null;
  closed_at: Date | null;
  time_limit_amount: number | null;
  time_limit_unit: DeadlineUnit | null;
  extension_amount: number;
  assignee_user_id: number | null;
  leader_user_id: number | null;
  supplement_count: number;
  paused_ms: number;
  transfer_agency_id: number | null;
  created_by: number | null;
  applicant_user_id: number | null;
  created_at: Date;
  updated_at: Date;
  consent_version: string | null;
  consent_at: Date | null;
  consent_channel: "online" | "counter" | null;
  anonymised_at: Date | null;
};

export function toDossier(r: Row): Dossier {
  return {
    id: r.id,
    agencyId: r.agency_id,
    code: r.code,
    procedureCode: r.procedure_code,
    procedureName: r.procedure_name,
    procedureField: r.procedure_field,
    procedureVersionId: r.procedure_version_id,
    onlineLevel: r.online_level,
    channel: r.channel,
    status: r.status,
    resumeStatus: r.resume_status,
    applicant: {
      fullName: r.applicant_full_name,
      // Sealed at rest (privacy/sealing.ts); whole only in memory, masked wherever it is listed.
      idNumber: unseal(r.applicant_id_number),
      phone: r.applicant_phone,
      email: r.applicant_email,
      address: r.applicant_address,
    },
    fields: r.fields,
    documents: r.documents,
    submittedAt: r.submitted_at,
    acceptDueAt: r.accept_due_at,
    receivedAt: r.received_at,
    dueAt: r.due_at,
    finishedAt: r.finished_at,
    returnedAt: r.returned_at,
    closedAt: r.closed_at,
    timeLimit: r.time_limit_amount === null || r.time_limit_unit === null ? null : { amount: r.time_limit_amount, unit: r.time_limit_unit },
    extensionAmount: r.extension_amount,
    assigneeUserId: r.assignee_user_id,
    leaderUserId: r.leader_user_id,
    supplementCount: r.supplement_count,
    pausedMs: Number(r.paused_ms),
    transferAgencyId: r.transfer_agency_id,
    createdBy: r.created_by,
    applicantUserId: r.applicant_user_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    consent: r.consent_version && r.consent_at && r.consent_channel ? { version: r.consent_version, at: r.consent_at, channel: r.consent_channel } : null,
    anonymisedAt: r.anonymised_at,
  };
}

/**
 * A dossier of the agency (or transferred to it) by code, or undefined. Row-level security limits
 * it further to what the transaction's scope may see.
 */
export async function findDossier(tx: Tx, q: { agencyId: number; code: string }): Promise<Dossier | undefined> {
  const r = await tx.maybeOne<Row>(
    `select ${DOSSIER_COLUMNS} from dossiers d where d.code = $2 and ${visibleToAgency("d", "$1")}
     order by ${ownFirst("d", "$1")} limit 1`,
    [q.agencyId, q.code],
  );
  return r ? toDossier(r) : undefined;
}

/** Like findDossier, but throws NotFoundError (→ 404). */
export async function getDossier(tx: Tx, q: { agencyId: number; code: string }): Promise<Dossier> {
  const d = await findDossier(tx, q);
  if (!d) throw new DomainError("not_found", "dossier.err.notFound");
  return d;
}

/** A citizen's own dossier by code (the account that submitted it). */
export async function findOwnDossier(tx: Tx, q: { userId: number; code: string }): Promise<Dossier | undefined> {
  const r = await tx.maybeOne<Row>(`select ${DOSSIER_COLUMNS} from dossiers d where d.code = $2 and d.applicant_user_id = $1 limit 1`, [q.userId, q.code]);
  return r ? toDossier(r) : undefined;
}

export async function listOwnDossiers(tx: Tx, userId: number): Promise<Dossier[]> {
  const rows = await tx.query<Row>(`select ${DOSSIER_COLUMNS} from dossiers d where d.applicant_user_id = $1 order by d.created_at desc limit 200`, [userId]);
  return rows.map(toDossier);
}

type EventRow = {
  id: number;
  agency_id: number;
  dossier_id: number;
  at: Date;
  action: string;
  from_status: DossierStatus | null;
  to_status: DossierStatus;
  actor_user_id: number | null;
  actor_label: string;
  actor_agency_id: number | null;
  note: string | null;
  data: Record<string, unknown>;
};

function toEvent(r: EventRow): DossierEvent {
  return {
    id: Number(r.id),
    agencyId: r.agency_id,
    dossierId: r.dossier_id,
    at: r.at,
    action: r.action,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    actorUserId: r.actor_user_id,
    actorLabel: r.actor_label,
    actorAgencyId: r.actor_agency_id,
    note: r.note,
    data: r.data,
  };
}

/** Every event of a dossier, oldest first: the hand-overs the control slip (Mẫu 05) lists. */
export async function listEvents(tx: Tx, dossierId: number): Promise<DossierEvent[]> {
  const rows = await tx.query<EventRow>("select * from dossier_events where dossier_id = $1 order by at, id", [dossierId]);
  return rows.map(toEvent);
}

export async function listAttachments(tx: Tx, dossierId: number): Promise<DossierAttachment[]> {
  return tx.query<DossierAttachment>(
    `select id, dossier_id as "dossierId", kind, document_name as "documentName", file_name as "fileName", content_type as "contentType",
       size, sha256, storage_path as "storagePath", created_at as "createdAt"
     from dossier_attachments where dossier_id = $1 order by id`,
    [dossierId],
  );
}

export async function findAttachment(tx: Tx, q: { dossierId: number; id: number }): Promise<DossierAttachment | undefined> {
  return (await listAttachments(tx, q.dossierId)).find((a) => a.id === q.id);
}

// ---------------------------------------------------------------------------------------------
// Procedure snapshot and required documents

/** The catalog's time limit as one the calendar counts; fractions of a day become working hours. */
export function dossierTimeLimit(t: TimeLimit | null): { amount: number; unit: DeadlineUnit } | null {
  if (!t) return null;
  switch (t.unit) {
    case "working_days":
      return Number.isInteger(t.amount) ? { amount: t.amount, unit: "working_days" } : { amount: Math.ceil(t.amount * 8), unit: "working_hours" };
    case "working_hours":
    case "hours":
      return { amount: Math.ceil(t.amount), unit: "working_hours" };
    case "calendar_days":
      return { amount: Math.ceil(t.amount), unit: "calendar_days" };
    case "same_day":
      return { amount: Math.ceil(t.amount), unit: "same_day" };
    case "months":
      // [?] a month is counted as 30 calendar days; an administrator can re-date if the law says otherwise.
      return { amount: Math.ceil(t.amount * 30), unit: "calendar_days" };
  }
}

export type RequiredDocumentItem = FormInput & {
  /** Not demanded on this channel (conditional, "if any", or a paper only shown). */
  optional: boolean;
  /** The catalog group it is listed under ("Giấy tờ phải xuất trình", "Trường hợp …"). */
  caseName: string | null;
};

/**
 * The documents of a procedure as the agency applies them, for one channel: online, the file
 * inputs of the form (the online form replaces the declaration; papers to show may be uploaded);
 * at the counter, the checklist of papers received and shown. `mandatory` are the names whose
 * absence refuses the dossier.
 */
export function requiredDocuments(p: Pick<OfferedProcedure, "requirements">, channel: ApplyChannel = "online"): { items: RequiredDocumentItem[]; mandatory: string[]; notes: string[] } {
  const list = channel === "online" ? onlineInputs(p.requirements) : counterChecklist(p.requirements);
  // What is always required comes first: at a busy counter or on a small screen it must not be missed.
  const rank = (r: FormInput) => (isMandatory(r, channel) ? 0 : r.need === "conditional" ? 1 : 2);
  const items = list
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
    .map(({ r }) => ({ ...r, optional: !isMandatory(r, channel), caseName: r.groupTitle }));
  return { items, mandatory: items.filter((i) => !i.optional).map((i) => i.name), notes: p.requirements.notes };
}

/** A time limit the officer enters for a procedure that has none (catalog and agency silent). */
export const EnteredTimeLimit = z.object({
  amount: z.coerce.number({ error: "msg:dossier.err.timeLimitAmount" }).int({ error: "msg:dossier.err.timeLimitAmount" }).min(0).max(365, { error: "msg:dossier.err.timeLimitAmount" }),
  unit: z.enum(["same_day", "working_days", "working_hours", "calendar_days"], { error: "msg:dossier.err.timeLimitUnit" }),
  basis: z
    .string()
    .trim()
    .min(3, { error: "msg:dossier.err.timeLimitBasis" })
    .max(1000, { error: "msg:dossier.err.tooLong" })
    .transform((t) => t.normalize("NFC")),
}).refine((t) => t.unit === "same_day" || t.amount >= 1, { path: ["amount"], error: "msg:dossier.err.timeLimitAmount" });
export type EnteredTimeLimit = z.infer<typeof EnteredTimeLimit>;

/**
 * The time limit a receipt uses: the procedure's (agency's own, else the catalog's), else the one
 * the officer entered. Neither: the dossier cannot be received (no appointment slip without a date).
 */
function timeLimitFor(procedure: Pick<OfferedProcedure, "timeLimit" | "code">, entered: unknown): { limit: { amount: number; unit: DeadlineUnit }; entered: EnteredTimeLimit | null } {
  const own = dossierTimeLimit(procedure.timeLimit);
  if (own) return { limit: own, entered: null };
  const r = EnteredTimeLimit.safeParse(entered ?? {});
  if (!r.success) {
    const hasAny = entered && typeof entered === "object" && Object.values(entered as Record<string, unknown>).some((v) => v !== undefined && v !== "");
    throw new DomainError("unprocessable", hasAny ? "dossier.err.timeLimitInvalid" : "dossier.err.timeLimitRequired", {
      vars: { code: procedure.code },
      details: r.error.issues.map((i) => ({ path: `timeLimit.${i.path.map(String).join(".")}`, message: i.message })),
    });
  }
  return { limit: { amount: r.data.amount, unit: r.data.unit }, entered: r.data };
}

export async function offeredOrFail(tx: Tx, agencyId: number, code: string): Promise<OfferedProcedure> {
  const p = await findOfferedProcedure(tx, { agencyId, code });
  if (!p) throw new DomainError("unprocessable", "dossier.err.procedureNotOffered", { vars: { code }, details: [{ path: "procedureCode", message: code }] });
  return p;
}

// ---------------------------------------------------------------------------------------------
// Creation

/** What staff search finds a dossier by. The ID number is not in it (it is sealed): a search for a whole ID uses its look-up hash. */
export function searchText(code: string, a: Pick<Applicant, "fullName" | "phone">, procedureName: string): string {
  return `${code} ${a.fullName} ${a.phone} ${procedureName}`;
}

type NewDossier = {
  agencyId: number;
  code: string;
  procedure: OfferedProcedure;
  channel: DossierChannel;
  status: DossierStatus;
  applicant: Applicant;
  fields: Record<string, unknown>;
  documents: Dossier["documents"];
  submittedAt: Date | null;
  acceptDueAt: Date | null;
  receivedAt: Date | null;
  dueAt: Date | null;
  createdBy: number | null;
  applicantUserId: number | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  /** The limit counted (the procedure's, or the one entered at receipt). */
  timeLimit?: { amount: number; unit: DeadlineUnit } | null;
  consent?: ConsentRecord | null;
};

async function insertDossier(tx: Tx, n: NewDossier): Promise<Row | undefined> {
  const limit = n.timeLimit !== undefined ? n.timeLimit : dossierTimeLimit(n.procedure.timeLimit);
  return tx.maybeOne<Row>(
    `insert into dossiers as d (agency_id, code, procedure_code, procedure_name, procedure_field, procedure_version_id, online_level, channel, status,
       applicant_full_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, fields, documents,
       submitted_at, accept_due_at, received_at, due_at, time_limit_amount, time_limit_unit, created_by, applicant_user_id,
       idempotency_key, request_hash, search_text, applicant_id_hash, consent_version, consent_at, consent_channel)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26, fold($27), $28, $29, $30, $31)
     on conflict (agency_id, idempotency_key) do nothing
     returning ${DOSSIER_COLUMNS}`,
    [
      n.agencyId,
      n.code,
      n.procedure.code,
      n.procedure.name,
      n.procedure.field,
      n.procedure.versionId,
      n.procedure.onlineLevel,
      n.channel,
      n.status,
      n.applicant.fullName,
      seal(n.applicant.idNumber),
      n.applicant.phone,
      n.applicant.email ?? null,
      JSON.stringify(n.applicant.address),
      JSON.stringify(n.fields),
      JSON.stringify(n.documents),
      n.submittedAt,
      n.acceptDueAt,
      n.receivedAt,
      n.dueAt,
      limit?.amount ?? null,
      limit?.unit ?? null,
      n.createdBy,
      n.applicantUserId,
      n.idempotencyKey,
      n.requestHash,
      searchText(n.code, n.applicant, n.procedure.name),
      idLookupHash(n.applicant.idNumber),
      n.consent?.version ?? null,
      n.consent?.at ?? null,
      n.consent?.channel ?? null,
    ],
  );
}


async function insertAttachments(tx: Tx, d: { id: number; agencyId: number }, files: readonly StagedFile[], opts: { kind: DossierAttachment["kind"]; userId: number | null }) {
  for (const f of files) {
    await tx.exec(
      `insert into dossier_attachments (agency_id, dossier_id, kind, document_name, file_name, content_type, size, sha256, storage_path, created_by)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
      [d.agencyId, d.id, opts.kind, f.documentName, f.fileName, f.contentType, f.size, f.sha256, f.storagePath, opts.userId],
    );
  }
}

async function recordEvent(
  tx: Tx,
  e: { dossier: Dossier; action: DossierAction | keyof typeof CREATION; from: DossierStatus | null; actor: DossierActor; note?: string | null; data?: Record<string, unknown> },
): Promise<DossierEvent> {
  const row = await tx.one<EventRow>(
    `insert into dossier_events (agency_id, dossier_id, action, from_status, to_status, actor_user_id, actor_label, actor_agency_id, note, data)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) returning *`,
    [
      e.dossier.agencyId,
      e.dossier.id,
      e.action,
      e.from,
      e.dossier.status,
      e.actor.userId,
      e.actor.label,
      e.actor.agencyId ?? e.dossier.agencyId,
      e.note ?? null,
      JSON.stringify(e.data ?? {}),
    ],
  );
  const event = toEvent(row);
  await appendAudit(tx, {
    agencyId: e.actor.agencyId ?? e.dossier.agencyId,
    actorUserId: e.actor.userId,
    actor: e.actor.label,
    action: `dossier.${e.action}`,
    entity: "dossier",
    entityId: e.dossier.code,
    data: { from: e.from, to: e.dossier.status, ...(e.note ? { note: e.note } : {}), ...(e.data ?? {}) },
  });
  await emitDossierEvent({ tx, dossier: e.dossier, event });
  return event;
}

export function checkDocuments(mandatory: readonly string[], present: readonly string[]): void {
  const have = new Set(present.map(documentKey));
  const missing = mandatory.filter((m) => !have.has(documentKey(m)));
  if (missing.length > 0) {
    throw new DomainError("unprocessable", "dossier.err.missingDocuments", {
      vars: { names: missing.map((m) => m.replace(/[.;:,\s]+$/u, "")).join("; ") },
      details: missing.map((m) => ({ path: "attachments", message: m })),
    });
  }
}

async function dueFor(tx: Tx, agencyId: number, start: Date, limit: { amount: number; unit: DeadlineUnit } | null): Promise<Date | null> {
  if (!limit) return null;
  return (await computeAgencyDeadline(tx, { agencyId, start, amount: limit.amount, unit: limit.unit })).dueAt;
}

export type CounterIntake = {
  agencyId: number;
  procedureCode: string;
  applicant: Applicant;
  fields?: Record<string, unknown>;
  /** Names of the documents the officer ticked as received (or, for papers to show, as seen). */
  documentsReceived: readonly string[];
  /** Entered by the officer when the procedure has no time limit (amount, unit, basis). */
  timeLimit?: unknown;
  channel?: "in_person" | "post";
  actor: DossierActor;
  files?: readonly StagedFile[];
  /** The consent version the applicant agreed to at the counter (the officer records it). */
  consentVersion?: string | null;
  now?: Date;
};

/**
 * Receipt at the counter (or by post): registers the dossier with its code and appointment
 * (Mẫu 01). An incomplete dossier is not received: the officer guides the applicant instead (422
 * naming the missing documents). Assigns by the agency's field rule when there is one.
 */
export async function receiveAtCounter(tx: Tx, input: CounterIntake): Promise<Dossier> {
  if (!(CREATION.receive.roles as readonly ActorRole[]).includes(input.actor.role)) throw new DomainError("forbidden", "dossier.err.role");
  const now = input.now ?? new Date();
  const procedure = await offeredOrFail(tx, input.agencyId, input.procedureCode);
  const docs = requiredDocuments(procedure, "counter");
  checkDocuments(docs.mandatory, input.documentsReceived);
  const ticked = new Set(input.documentsReceived.map(documentKey));
  const { limit, entered } = timeLimitFor(procedure, input.timeLimit);
  const dueAt = await dueFor(tx, input.agencyId, now, limit);
  const code = await nextDossierCode(tx, { agencyId: input.agencyId, at: now });
  const row = await insertDossier(tx, {
    agencyId: input.agencyId,
    code,
    procedure,
    channel: input.channel ?? "in_person",
    status: "received",
    applicant: input.applicant,
    fields: input.fields ?? {},
    documents: docs.items.map((i) => ({ name: i.name, received: ticked.has(documentKey(i.name)), kind: i.kind === "present" ? "present" : "submit" })),
    submittedAt: now,
    acceptDueAt: null,
    receivedAt: now,
    dueAt,
    timeLimit: limit,
    createdBy: input.actor.userId,
    applicantUserId: null,
    idempotencyKey: null,
    requestHash: null,
    consent: input.consentVersion ? { version: input.consentVersion, at: now, channel: "counter" } : null,
  });
  let dossier = toDossier(row!);
  if (input.files?.length) await insertAttachments(tx, dossier, input.files, { kind: "document", userId: input.actor.userId });
  await recordEvent(tx, {
    dossier,
    action: "receive",
    from: null,
    actor: input.actor,
    data: { channel: dossier.channel, dueAt: dossier.dueAt, ...(entered ? { timeLimitEntered: entered } : {}) },
  });
  dossier = await assignByRule(tx, dossier);
  return dossier;
}

// ---------------------------------------------------------------------------------------------
// Transitions

const Text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: "msg:dossier.err.tooLong" })
    .transform((s) => s.normalize("NFC"));
const optionalText = (max: number) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), Text(max).optional());
const optionalId = z.preprocess((v) => (v === "" || v === null ? undefined : v), z.coerce.number().int().positive().optional());

export const ActionInputs = {
  none: z.object({ note: optionalText(2000) }),
  accept: z.object({
    note: optionalText(2000),
    timeLimit: z.preprocess((v) => (v && typeof v === "object" && Object.values(v).every((x) => x === "" || x === undefined) ? undefined : v), z.record(z.string(), z.unknown()).optional()),
  }),
  note: z.object({ note: optionalText(2000) }),
  reasons: z.object({ note: Text(2000).pipe(z.string().min(3, { error: "msg:dossier.err.reasons" })) }),
  assignee: z.object({ assigneeUserId: optionalId, note: optionalText(2000) }),
  leader: z.object({ leaderUserId: optionalId, note: optionalText(2000) }),
  transfer: z.object({ toAgencyCode: z.string().trim().min(1, { error: "msg:dossier.err.toAgency" }).max(60), note: optionalText(2000) }),
  redate: z.object({
    amount: z.coerce.number({ error: "msg:dossier.err.redateAmount" }).int({ error: "msg:dossier.err.redateAmount" }).min(1, { error: "msg:dossier.err.redateAmount" }).max(365, { error: "msg:dossier.err.redateAmount" }),
    note: Text(2000).pipe(z.string().min(3, { error: "msg:dossier.err.reasons" })),
  }),
  result: z.object({ note: optionalText(2000) }),
  return: z.object({ returnChannel: z.enum(["counter", "online", "post"]).default("counter"), note: optionalText(2000) }),
} as const satisfies Record<Transition["input"], z.ZodType>;

export type ApplyActionInput = {
  dossierCode: string;
  /** The actor's agency: the dossier's own, or the agency it was transferred to. */
  agencyId: number;
  action: DossierAction;
  actor: DossierActor;
  input?: Record<string, unknown>;
  /** Result documents (mark_result_ready) or supplements, already staged. */
  files?: readonly StagedFile[];
  now?: Date;
};

const zodErrors = { vi: z.locales.vi().localeError, en: z.locales.en().localeError } as const;

function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const r = schema.safeParse(data ?? {}, { error: zodErrors.vi });
  if (!r.success) {
    throw new DomainError("unprocessable", "dossier.err.input", { details: r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })) });
  }
  return r.data;
}

async function lockDossier(tx: Tx, q: { code: string; agencyId: number; userId: number | null; role: ActorRole }): Promise<Row | undefined> {
  if (q.role === "citizen") {
    return tx.maybeOne<Row>(`select ${DOSSIER_COLUMNS} from dossiers d where d.code = $1 and d.applicant_user_id = $2 for update`, [q.code, q.userId]);
  }
  if (q.role === "system") {
    return tx.maybeOne<Row>(`select ${DOSSIER_COLUMNS} from dossiers d where d.code = $1 and d.agency_id = $2 for update`, [q.code, q.agencyId]);
  }
  return tx.maybeOne<Row>(
    `select ${DOSSIER_COLUMNS} from dossiers d where d.code = $1 and ${visibleToAgency("d", "$2")}
     order by ${ownFirst("d", "$2")} limit 1 for update`,
    [q.code, q.agencyId],
  );
}

async function staffOf(tx: Tx, q: { agencyId: number; userId: number; roles: readonly string[] }): Promise<{ id: number; full_name: string } | undefined> {
  return tx.maybeOne("select id, full_name from users where id = $1 and agency_id = $2 and active and role = any($3)", [q.userId, q.agencyId, q.roles]);
}

async function closedPauses(tx: Tx, dossierId: number): Promise<{ from: Date; to: Date }[]> {
  return tx.query<{ from: Date; to: Date }>(
    `select from_at as "from", to_at as "to" from dossier_pauses where dossier_id = $1 and to_at is not null order by from_at`,
    [dossierId],
  );
}

/** The appointment: (time limit + re-dates) counted from receipt, every closed supplement pause added back. */
async function recomputeDue(tx: Tx, r: Row): Promise<Date | null> {
  if (!r.received_at || r.time_limit_amount === null || r.time_limit_unit === null) return r.due_at;
  const pauses = await closedPauses(tx, r.id);
  const d = await computeAgencyDeadline(tx, {
    agencyId: r.agency_id,
    start: r.received_at,
    amount: r.time_limit_amount + r.extension_amount,
    unit: r.time_limit_unit,
    pauses,
  });
  return d.dueAt;
}

/**
 * Applies one action of the state table to a dossier, in the caller's transaction. Throws
 * a DomainError: not_found (unknown / not visible), conflict (not allowed in the current status),
 * forbidden (not allowed for the role), unprocessable (invalid input). Returns the updated dossier.
 */
export async function applyAction(tx: Tx, a: ApplyActionInput): Promise<Dossier> {
  const now = a.now ?? new Date();
  const row = await lockDossier(tx, { code: a.dossierCode, agencyId: a.agencyId, userId: a.actor.userId, role: a.actor.role });
  if (!row) throw new DomainError("not_found", "dossier.err.notFound");
  const t: Transition = TRANSITIONS[a.action];
  const actingForOther = row.agency_id !== a.agencyId && a.actor.role !== "citizen" && a.actor.role !== "system";
  // The receiving agency of a transfer may only annotate it and send it back; the owner may not send it back for them.
  if (actingForOther && !(row.status === "transferred" && (a.action === "transfer_back" || a.action === "note"))) {
    throw new DomainError("conflict", "dossier.err.transferredAway");
  }
  if (t.byReceivingAgency && !actingForOther && a.actor.role !== "system" && row.status === "transferred") {
    throw new DomainError("conflict", "dossier.err.onlyReceiver");
  }
  const decision = decide({ status: row.status, action: a.action, role: a.actor.role, resumeStatus: row.resume_status });
  if (!decision.ok) {
    if (isTerminal(row.status) || decision.reason === "status") {
      throw new DomainError("conflict", "dossier.err.status", { vars: { action: `dossier.action.${a.action}`, status: `dossier.status.${row.status}` } });
    }
    throw new DomainError("forbidden", "dossier.err.role", { vars: { action: `dossier.action.${a.action}` } });
  }
  const input = parseInput(ActionInputs[t.input], a.input) as Record<string, unknown>;
  const note = typeof input.note === "string" && input.note !== "" ? input.note : null;
  const data: Record<string, unknown> = {};
  const set: Record<string, unknown> = { status: decision.to };
  const work: Row = { ...row };

  for (const effect of t.effects) {
    switch (effect) {
      case "set_received": {
        set.received_at = now;
        work.received_at = now;
        let limit = row.time_limit_amount === null ? null : { amount: row.time_limit_amount, unit: row.time_limit_unit! };
        if (!limit) {
          // Submitted online for a procedure without a time limit: the officer accepting it enters one.
          const chosen = timeLimitFor({ timeLimit: null, code: row.procedure_code }, input.timeLimit);
          limit = chosen.limit;
          set.time_limit_amount = limit.amount;
          set.time_limit_unit = limit.unit;
          data.timeLimitEntered = chosen.entered;
        }
        const due = await dueFor(tx, row.agency_id, now, limit);
        set.due_at = due;
        data.dueAt = due;
        break;
      }
      case "open_pause":
        await tx.exec("insert into dossier_pauses (agency_id, dossier_id, from_at, reasons) values ($1,$2,$3,$4)", [row.agency_id, row.id, now, note ?? ""]);
        set.supplement_count = row.supplement_count + 1;
        set.resume_status = row.status;
        data.supplementCount = row.supplement_count + 1;
        break;
      case "close_pause": {
        const p = await tx.maybeOne<{ id: number; from_at: Date }>("select id, from_at from dossier_pauses where dossier_id = $1 and to_at is null", [row.id]);
        if (p) {
          await tx.exec("update dossier_pauses set to_at = $2 where id = $1", [p.id, now]);
          set.paused_ms = Number(row.paused_ms) + Math.max(0, now.getTime() - p.from_at.getTime());
          data.pausedFrom = p.from_at;
        }
        set.resume_status = null;
        const due = await recomputeDue(tx, work);
        set.due_at = due;
        data.previousDueAt = row.due_at;
        data.dueAt = due;
        break;
      }
      case "set_assignee": {
        let userId = input.assigneeUserId as number | undefined;
        if (!userId) userId = (await ruleFor(tx, { agencyId: row.agency_id, field: row.procedure_field }))?.user_id;
        if (!userId) throw new DomainError("unprocessable", "dossier.err.assignee", { details: [{ path: "assigneeUserId", message: "" }] });
        const u = await staffOf(tx, { agencyId: row.agency_id, userId, roles: ["specialist", "leader", "desk_officer"] });
        if (!u) throw new DomainError("unprocessable", "dossier.err.assignee", { details: [{ path: "assigneeUserId", message: String(userId) }] });
        set.assignee_user_id = u.id;
        data.assignee = { id: u.id, name: u.full_name };
        break;
      }
      case "set_leader": {
        let userId = input.leaderUserId as number | undefined;
        if (!userId) {
          userId = (await tx.maybeOne<{ id: number }>("select id from users where agency_id = $1 and role = 'leader' and active order by id limit 1", [row.agency_id]))?.id;
        }
        const u = userId ? await staffOf(tx, { agencyId: row.agency_id, userId, roles: ["leader"] }) : undefined;
        if (!u) throw new DomainError("unprocessable", "dossier.err.leader", { details: [{ path: "leaderUserId", message: String(userId ?? "") }] });
        set.leader_user_id = u.id;
        data.leader = { id: u.id, name: u.full_name };
        break;
      }
      case "set_finished":
        set.finished_at = now;
        break;
      case "set_returned":
        set.returned_at = now;
        data.returnChannel = input.returnChannel;
        break;
      case "open_transfer": {
        const to = await tx.maybeOne<{ id: number; name: string }>("select id, name from agencies where code = $1 or gso_code = $1", [input.toAgencyCode]);
        if (!to || to.id === row.agency_id) throw new DomainError("unprocessable", "dossier.err.toAgency", { details: [{ path: "toAgencyCode", message: String(input.toAgencyCode) }] });
        await tx.exec("insert into dossier_transfers (agency_id, dossier_id, to_agency_id, sent_by, note) values ($1,$2,$3,$4,$5)", [
          row.agency_id,
          row.id,
          to.id,
          a.actor.userId,
          note ?? "",
        ]);
        set.transfer_agency_id = to.id;
        set.resume_status = row.status;
        data.toAgency = { id: to.id, code: input.toAgencyCode, name: to.name };
        break;
      }
      case "close_transfer":
        await tx.exec("update dossier_transfers set returned_at = $2, returned_by = $3, return_note = $4 where dossier_id = $1 and returned_at is null", [
          row.id,
          now,
          a.actor.userId,
          note,
        ]);
        set.resume_status = null;
        data.fromAgencyId = row.transfer_agency_id;
        break;
      case "extend_due": {
        if (!row.received_at || row.time_limit_amount === null) throw new DomainError("unprocessable", "dossier.err.noDeadline");
        work.extension_amount = row.extension_amount + (input.amount as number);
        set.extension_amount = work.extension_amount;
        const due = await recomputeDue(tx, work);
        set.due_at = due;
        data.previousDueAt = row.due_at;
        data.dueAt = due;
        data.amount = input.amount;
        data.unit = row.time_limit_unit;
        break;
      }
      case "attach_result":
        data.resultFiles = (a.files ?? []).map((f) => f.documentName);
        break;
    }
  }
  if (isTerminal(decision.to)) set.closed_at = now;

  const keys = Object.keys(set);
  const assignments = keys.map((k, i) => `${k} = $${i + 2}`).join(", ");
  const updated = await tx.one<Row>(`update dossiers d set ${assignments}, updated_at = now() where d.id = $1 returning ${DOSSIER_COLUMNS}`, [
    row.id,
    ...keys.map((k) => set[k]),
  ]);
  const dossier = toDossier(updated);
  if (a.files?.length) {
    await insertAttachments(tx, { id: dossier.id, agencyId: dossier.agencyId }, a.files, {
      kind: a.action === "mark_result_ready" || a.action === "send_to_leader" ? "result" : "supplement",
      userId: a.actor.userId,
    });
  }
  await recordEvent(tx, { dossier, action: a.action, from: row.status, actor: { ...a.actor, agencyId: a.agencyId }, note, data });
  if (a.action === "accept" || (a.action === "supply_supplement" && dossier.status === "received")) return assignByRule(tx, dossier);
  return dossier;
}

// ---------------------------------------------------------------------------------------------
// Assignment rules (field → specialist)

async function ruleFor(tx: Tx, q: { agencyId: number; field: string }): Promise<{ user_id: number } | undefined> {
  return tx.maybeOne(
    `select r.user_id from dossier_assignment_rules r join users u on u.id = r.user_id and u.active
     where r.agency_id = $1 and r.field = $2`,
    [q.agencyId, q.field],
  );
}

async function assignByRule(tx: Tx, dossier: Dossier): Promise<Dossier> {
  if (dossier.status !== "received") return dossier;
  const rule = await ruleFor(tx, { agencyId: dossier.agencyId, field: dossier.procedureField });
  if (!rule) return dossier;
  return applyAction(tx, {
    dossierCode: dossier.code,
    agencyId: dossier.agencyId,
    action: "assign",
    actor: { userId: null, role: "system", label: RULE_ACTOR_LABEL, agencyId: dossier.agencyId },
    input: { assigneeUserId: rule.user_id },
  });
}

export type AssignmentRule = { field: string; userId: number; userName: string };

export async function listAssignmentRules(tx: Tx, agencyId: number): Promise<AssignmentRule[]> {
  return tx.query<AssignmentRule>(
    `select r.field, r.user_id as "userId", u.full_name as "userName" from dossier_assignment_rules r join users u on u.id = r.user_id
     where r.agency_id = $1 order by r.field`,
    [agencyId],
  );
}

/** Sets (or with userId null removes) the specialist who gets new dossiers of a field. */
export async function setAssignmentRule(tx: Tx, r: { agencyId: number; field: string; userId: number | null; actor: DossierActor }): Promise<void> {
  if (r.userId === null) {
    await tx.exec("delete from dossier_assignment_rules where agency_id = $1 and field = $2", [r.agencyId, r.field]);
  } else {
    const u = await staffOf(tx, { agencyId: r.agencyId, userId: r.userId, roles: ["specialist", "leader", "desk_officer"] });
    if (!u) throw new DomainError("unprocessable", "dossier.err.assignee");
    await tx.exec(
      `insert into dossier_assignment_rules (agency_id, field, user_id) values ($1,$2,$3)
       on conflict (agency_id, field) do update set user_id = excluded.user_id`,
      [r.agencyId, r.field, r.userId],
    );
  }
  await appendAudit(tx, { agencyId: r.agencyId, actorUserId: r.actor.userId, actor: r.actor.label, action: "dossier.rule", entity: "dossier_rule", entityId: r.field, data: { userId: r.userId } });
}

export async function listStaff(tx: Tx, q: { agencyId: number; roles: readonly string[] }): Promise<{ id: number; fullName: string; role: string; title: string | null }[]> {
  return tx.query(
    `select id, full_name as "fullName", role, title from users where agency_id = $1 and active and role = any($2) order by full_name`,
    [q.agencyId, q.roles],
  );
}

// ---------------------------------------------------------------------------------------------
// Queues

export const QUEUES = ["to_accept", "to_process", "to_approve", "to_return", "supplement", "due_soon", "overdue", "transferred_in", "all"] as const;
export type Queue = (typeof QUEUES)[number];

/** Statuses during which the clock runs (an appointment can be missed). */
export const RUNNING: readonly DossierStatus[] = ["received", "in_progress", "awaiting_approval", "approved", "transferred"];

export type QueueItem = {
  code: string;
  procedureCode: string;
  procedureName: string;
  applicantName: string;
  status: DossierStatus;
  channel: DossierChannel;
  submittedAt: Date | null;
  receivedAt: Date | null;
  dueAt: Date | null;
  assigneeUserId: number | null;
  timeliness: Timeliness;
  /** Lists show identifiers masked ("******1234"): whole only on the dossier page (privacy/mask.ts). */
  applicantIdMasked: string;
  applicantPhoneMasked: string;
  anonymised: boolean;
};

type QueueQuery = { agencyId: number; userId: number; role: ActorRole; queue: Queue; now?: Date; limit?: number; offset?: number; search?: string };

function queueWhere(q: QueueQuery, horizon: Date, now: Date): { where: string; values: unknown[]; order: string } {
  const values: unknown[] = [q.agencyId];
  const p = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  let where = "d.agency_id = $1";
  let order = "d.due_at nulls last, d.id";
  switch (q.queue) {
    case "to_accept":
      where += " and d.status = 'submitted'";
      order = "d.submitted_at, d.id";
      break;
    case "to_process":
      if (q.role === "specialist") where += ` and d.status = 'in_progress' and d.assignee_user_id = ${p(q.userId)}`;
      else where += " and d.status = any('{received,in_progress}')";
      break;
    case "to_approve":
      where += " and d.status = 'awaiting_approval'";
      break;
    case "to_return":
      where += " and d.status = 'result_ready'";
      break;
    case "supplement":
      where += " and d.status = 'supplement_requested'";
      break;
    case "due_soon":
      where += ` and d.status = any(${p(RUNNING)}) and d.due_at > ${p(now)} and d.due_at <= ${p(horizon)}`;
      break;
    case "overdue":
      where += ` and d.status = any(${p(RUNNING)}) and d.due_at <= ${p(now)}`;
      break;
    case "transferred_in":
      where = `d.transfer_agency_id = $1 and d.status = 'transferred'`;
      break;
    case "all":
      order = "d.id desc";
      break;
  }
  if (q.search) {
    // A whole ID number (12 digits) is found by its look-up hash; the search text holds no ID.
    const digits = q.search.replace(/[\s.]/g, "");
    if (/^\d{12}$/.test(digits)) where += ` and (d.search_text like ${p(`%${q.search}%`)} or d.applicant_id_hash = ${p(idLookupHash(digits))})`;
    else where += ` and d.search_text like ${p(`%${q.search}%`)}`;
  }
  return { where, values, order };
}

/** One page of a work queue, most urgent first. */
export async function listQueue(tx: Tx, q: QueueQuery): Promise<QueueItem[]> {
  const now = q.now ?? new Date();
  const calendar = await getAgencyCalendar(tx, q.agencyId);
  const horizon = dueSoonHorizon(calendar, now);
  const { where, values, order } = queueWhere(q, horizon, now);
  const rows = await tx.query<{
    code: string;
    procedure_code: string;
    procedure_name: string;
    applicant_full_name: string;
    status: DossierStatus;
    channel: DossierChannel;
    submitted_at: Date | null;
    received_at: Date | null;
    due_at: Date | null;
    finished_at: Date | null;
    assignee_user_id: number | null;
    applicant_id_number: string;
    applicant_phone: string;
    anonymised_at: Date | null;
  }>(
    `select d.code, d.procedure_code, d.procedure_name, d.applicant_full_name, d.status, d.channel, d.submitted_at, d.received_at, d.due_at,
       d.finished_at, d.assignee_user_id, d.applicant_id_number, d.applicant_phone, d.anonymised_at
     from dossiers d where ${where} order by ${order} limit ${Math.min(q.limit ?? 50, 200)} offset ${Math.max(0, q.offset ?? 0)}`,
    values,
  );
  return rows.map((r) => ({
    code: r.code,
    procedureCode: r.procedure_code,
    procedureName: r.procedure_name,
    applicantName: r.applicant_full_name,
    status: r.status,
    channel: r.channel,
    submittedAt: r.submitted_at,
    receivedAt: r.received_at,
    dueAt: r.due_at,
    assigneeUserId: r.assignee_user_id,
    timeliness: timeliness({ dueAt: r.due_at, now, status: r.status, calendar, finishedAt: r.finished_at }),
    applicantIdMasked: maskIdNumber(unseal(r.applicant_id_number)),
    applicantPhoneMasked: maskPhone(r.applicant_phone),
    anonymised: r.anonymised_at !== null,
  }));
}

/** Number of dossiers in each queue (dashboard cards), in one query on the (agency, status, due) index. */
export async function queueCounts(tx: Tx, q: { agencyId: number; userId: number; role: ActorRole; now?: Date }): Promise<Record<Exclude<Queue, "all">, number>> {
  const now = q.now ?? new Date();
  const horizon = dueSoonHorizon(await getAgencyCalendar(tx, q.agencyId), now);
  const r = await tx.one<Record<string, number>>(
    `select
       count(*) filter (where status = 'submitted') as to_accept,
       count(*) filter (where ${q.role === "specialist" ? "status = 'in_progress' and assignee_user_id = $4" : "status in ('received','in_progress') and $4::int is not null"}) as to_process,
       count(*) filter (where status = 'awaiting_approval') as to_approve,
       count(*) filter (where status = 'result_ready') as to_return,
       count(*) filter (where status = 'supplement_requested') as supplement,
       count(*) filter (where status = any($5) and due_at > $2 and due_at <= $3) as due_soon,
       count(*) filter (where status = any($5) and due_at <= $2) as overdue
     from dossiers where agency_id = $1 and status = any('{submitted,received,in_progress,awaiting_approval,approved,supplement_requested,transferred,result_ready}')`,
    [q.agencyId, now, horizon, q.userId, RUNNING],
  );
  const t = await tx.one<{ n: number }>("select count(*) as n from dossiers where transfer_agency_id = $1 and status = 'transferred'", [q.agencyId]);
  return {
    to_accept: Number(r.to_accept),
    to_process: Number(r.to_process),
    to_approve: Number(r.to_approve),
    to_return: Number(r.to_return),
    supplement: Number(r.supplement),
    due_soon: Number(r.due_soon),
    overdue: Number(r.overdue),
    transferred_in: Number(t.n),
  };
}

// ---------------------------------------------------------------------------------------------
// Public tracking

export type TrackingView = {
  code: string;
  procedure: string;
  status: DossierStatus;
  receivedAt: Date | null;
  dueAt: Date | null;
  overdue: boolean;
  history: { at: Date; status: DossierStatus }[];
  /** Result files, once the result was returned online (the signed result is the applicant's). */
  results: Pick<DossierAttachment, "id" | "fileName" | "contentType" | "storagePath">[];
};

/**
 * Status of a dossier for whoever holds its code AND the last four digits of the applicant's phone.
 * Cross-agency by nature (the code names the agency): run in a system transaction. Gives nothing
 * personal; undefined (→ the same 404 as an unknown code) when either part is wrong.
 */
export async function trackDossier(tx: Tx, q: { code: string; phoneLast4: string; now?: Date }): Promise<TrackingView | undefined> {
  if (!/^\d{4}$/.test(q.phoneLast4.trim()) || q.code.length > 80) return undefined;
  const r = await tx.maybeOne<{ id: number; agency_id: number; code: string; procedure_name: string; status: DossierStatus; received_at: Date | null; due_at: Date | null; finished_at: Date | null }>(
    `select id, agency_id, code, procedure_name, status, received_at, due_at, finished_at from dossiers
     where code in ($1, upper($1)) and right(applicant_phone, 4) = $2 limit 1`,
    // Codes are printed in capitals; people type them as they like, with spaces around.
    [q.code.replace(/\s+/g, ""), q.phoneLast4.trim()],
  );
  if (!r) return undefined;
  const calendar = await getAgencyCalendar(tx, r.agency_id);
  const events = await tx.query<{ at: Date; to_status: DossierStatus; from_status: DossierStatus | null; action: string; data: Record<string, unknown> }>(
    "select at, to_status, from_status, action, data from dossier_events where dossier_id = $1 order by at, id",
    [r.id],
  );
  const returned = [...events].reverse().find((e) => e.action === "return");
  const online = r.status === "returned" && returned?.data?.returnChannel === "online";
  const results = online ? (await listAttachments(tx, r.id)).filter((a) => a.kind === "result").map((a) => ({ id: a.id, fileName: a.fileName, contentType: a.contentType, storagePath: a.storagePath })) : [];
  return {
    code: r.code,
    procedure: r.procedure_name,
    status: r.status,
    receivedAt: r.received_at,
    dueAt: r.due_at,
    overdue: timeliness({ dueAt: r.due_at, now: q.now ?? new Date(), status: r.status, calendar, finishedAt: r.finished_at }) === "overdue",
    history: events.filter((e) => e.from_status !== e.to_status).map((e) => ({ at: e.at, status: e.to_status })),
    results,
  };
}

export function timelinessOf(d: Dossier, calendar: Parameters<typeof timeliness>[0]["calendar"], now = new Date()): Timeliness {
  return timeliness({ dueAt: d.dueAt, now, status: d.status, calendar, finishedAt: d.finishedAt });
}
