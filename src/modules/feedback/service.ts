// Feedback and petitions (PAKN): receiving one, following it with its code, the staff's steps
// through the state table (src/domain/feedback/workflow.ts), queues and the public answers.
// Due times come from the agency's working calendar (computeAgencyDeadline); a step writes its
// row, its event, its audit entry and its notices in one transaction.

import { randomBytes } from "node:crypto";
import { z } from "zod";
import { type Db, type Tx, PUBLIC_SCOPE } from "../../db/scope";
import { PETITIONER_ACTOR_LABEL } from "../../domain/auth/actors";
import type { Pause } from "../../domain/calendar/deadline";
import { DomainError } from "../../domain/errors";
import { maskPersonalData } from "../../domain/feedback/masking";
import { cleanFeedbackText, contactMatches, FEEDBACK_CODE, type FeedbackSubmission, type FeedbackTopic, formatFeedbackCode } from "../../domain/feedback/submission";
import { type FeedbackClock, isLate, isOverdueNow } from "../../domain/feedback/timeliness";
import {
  decideFeedback,
  FEEDBACK_LIMITS,
  FEEDBACK_TRANSITIONS,
  type FeedbackAction,
  type FeedbackActor,
  type FeedbackStatus,
  type FeedbackStep,
  RATEABLE_STATUSES,
} from "../../domain/feedback/workflow";
import { fold } from "../../domain/text/fold";
import { appendAudit } from "../audit/audit";
import { computeAgencyDeadline } from "../calendar/service";
import { findOfferedProcedure } from "../catalog/service";
import { finaliseFiles, type StagedFile } from "../dossiers/files";
import { notifyOfficers, notifyPetitioner, type PetitionerContact, staffOf } from "./notices";

export type Feedback = {
  id: number;
  agencyId: number;
  agencyName: string;
  code: string;
  topic: FeedbackTopic;
  subject: string;
  content: string;
  procedureCode: string | null;
  procedureName: string | null;
  dossierCode: string | null;
  dossierId: number | null;
  anonymous: boolean;
  contact: { fullName: string | null; phone: string | null; email: string | null };
  consentToPublish: boolean;
  lang: "vi" | "en";
  status: FeedbackStatus;
  resumeStatus: FeedbackStatus | null;
  receivedAt: Date;
  due: { triage: Date; info: Date; answer: Date; publish: Date | null };
  assigneeUserId: number | null;
  answer: string | null;
  answeredAt: Date | null;
  publishedAt: Date | null;
  transferredTo: string | null;
  closedAt: Date | null;
  petitionerRating: "satisfied" | "dissatisfied" | null;
  submittedByUserId: number | null;
};

export type FeedbackEvent = {
  id: number;
  at: Date;
  action: string;
  fromStatus: FeedbackStatus | null;
  toStatus: FeedbackStatus;
  actorUserId: number | null;
  actorLabel: string;
  note: string | null;
  data: Record<string, unknown>;
};

export type FeedbackAttachment = { id: number; fileName: string; contentType: string; size: number; storagePath: string; createdAt: Date };

/** Who acts: a signed-in user, or the petitioner without an account (label PETITIONER_LABEL). */
export type FeedbackActorRef = { userId: number | null; role: FeedbackActor; label: string };
/** The stored label of a petitioner acting without an account (pages say "Người gửi phản ánh, kiến nghị"). */
export const PETITIONER_LABEL = PETITIONER_ACTOR_LABEL;

/** Anonymous submissions from one address: at most this many in the window. */
export const SUBMISSION_LIMIT = { max: 5, windowMinutes: 60 } as const;

const COLUMNS = `f.id, f.agency_id, a.name as agency_name, f.code, f.topic, f.subject, f.content, f.procedure_code, f.procedure_name, f.dossier_code,
  f.dossier_id, f.anonymous, f.contact_name, f.contact_phone, f.contact_email, f.consent_publish, f.lang, f.status, f.resume_status, f.received_at,
  f.triage_due_at, f.info_due_at, f.answer_due_at, f.publish_due_at, f.assignee_user_id, f.answer, f.answered_at, f.published_at, f.transferred_to,
  f.closed_at, f.petitioner_rating, f.submitted_by_user_id`;
const FROM = "from feedback f join agencies a on a.id = f.agency_id";

type Row = {
  id: number;
  agency_id: number;
  agency_name: string;
  code: string;
  topic: FeedbackTopic;
  subject: string;
  content: string;
  procedure_code: string | null;
  procedure_name: string | null;
  dossier_code: string | null;
  dossier_id: number | null;
  anonymous: boolean;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  consent_publish: boolean;
  lang: "vi" | "en";
  status: FeedbackStatus;
  resume_status: FeedbackStatus | null;
  received_at: Date;
  triage_due_at: Date;
  info_due_at: Date;
  answer_due_at: Date;
  publish_due_at: Date | null;
  assignee_user_id: number | null;
  answer: string | null;
  answered_at: Date | null;
  published_at: Date | null;
  transferred_to: string | null;
  closed_at: Date | null;
  petitioner_rating: "satisfied" | "dissatisfied" | null;
  submitted_by_user_id: number | null;
};

function toFeedback(r: Row): Feedback {
  return {
    id: r.id,
    agencyId: r.agency_id,
    agencyName: r.agency_name,
    code: r.code,
    topic: r.topic,
    subject: r.subject,
    content: r.content,
    procedureCode: r.procedure_code,
    procedureName: r.procedure_name,
    dossierCode: r.dossier_code,
    dossierId: r.dossier_id,
    anonymous: r.anonymous,
    contact: { fullName: r.contact_name, phone: r.contact_phone, email: r.contact_email },
    consentToPublish: r.consent_publish,
    lang: r.lang,
    status: r.status,
    resumeStatus: r.resume_status,
    receivedAt: r.received_at,
    due: { triage: r.triage_due_at, info: r.info_due_at, answer: r.answer_due_at, publish: r.publish_due_at },
    assigneeUserId: r.assignee_user_id,
    answer: r.answer,
    answeredAt: r.answered_at,
    publishedAt: r.published_at,
    transferredTo: r.transferred_to,
    closedAt: r.closed_at,
    petitionerRating: r.petitioner_rating,
    submittedByUserId: r.submitted_by_user_id,
  };
}

function contactOf(f: Feedback): PetitionerContact {
  return { agencyId: f.agencyId, code: f.code, subject: f.subject, phone: f.contact.phone, email: f.contact.email, lang: f.lang, agencyName: f.agencyName };
}

// ---------------------------------------------------------------------------------------------
// Receiving

async function dueOf(tx: Tx, agencyId: number, step: FeedbackStep, start: Date, pauses: readonly Pause[] = []): Promise<Date> {
  const limit = FEEDBACK_LIMITS[step];
  return (await computeAgencyDeadline(tx, { agencyId, start, amount: limit.amount, unit: limit.unit, pauses })).dueAt;
}

export type SubmitResult = { ok: true; feedback: Feedback } | { ok: false; reason: "rate_limited" };

export type SubmitInput = {
  agencyId: number;
  submission: FeedbackSubmission;
  files: readonly StagedFile[];
  /** Keyed hash of the sender's address, for visitors without an account; null otherwise. */
  sourceHash: string | null;
  user: { id: number; username: string } | null;
  lang: "vi" | "en";
  now?: Date;
  /** False when writing history (the demo): nobody is told of what happened long ago. */
  notify?: boolean;
};

/**
 * Receives a PAKN for an agency: its code, its due times from the agency's calendar, its files,
 * the receipt notice to the petitioner and a notice to the desk. `sourceHash` is limited to
 * SUBMISSION_LIMIT per window, counted under a lock so that a burst cannot slip through together.
 */
export async function submitFeedback(db: Db, input: SubmitInput): Promise<SubmitResult> {
  return db.scoped({ agencyIds: [input.agencyId], userId: input.user?.id ?? null }, (tx) => receiveFeedback(tx, input));
}

/** submitFeedback within a transaction of the caller's (the demo seeder, tests at a given time). */
export async function receiveFeedback(tx: Tx, input: SubmitInput): Promise<SubmitResult> {
  const s = input.submission;
  const now = input.now ?? (await tx.one<{ now: Date }>("select now() as now")).now;
  if (input.sourceHash) {
    await tx.exec("select pg_advisory_xact_lock(hashtextextended($1, 14))", [input.sourceHash]);
    const recent = await tx.one<{ n: number }>(
      "select count(*)::int as n from feedback where source_hash = $1 and created_at > $2::timestamptz - make_interval(mins => $3)",
      [input.sourceHash, now, SUBMISSION_LIMIT.windowMinutes],
    );
    if (recent.n >= SUBMISSION_LIMIT.max) return { ok: false, reason: "rate_limited" };
  }
  const procedure = s.procedureCode ? await findOfferedProcedure(tx, { agencyId: input.agencyId, code: s.procedureCode }) : undefined;
  if (s.procedureCode && !procedure) throw new DomainError("unprocessable", "feedback.err.procedure", { details: [{ path: "procedureCode", message: "msg:feedback.err.procedure" }] });
  // A dossier code is linked when it is one of the agency's; a wrong one is kept as typed (telling
  // which codes exist would make this form a way to probe them).
  const dossier = s.dossierCode ? await tx.maybeOne<{ id: number }>("select id from dossiers where agency_id = $1 and code = $2", [input.agencyId, s.dossierCode]) : undefined;
  const triage = await dueOf(tx, input.agencyId, "triage", now);
  const info = await dueOf(tx, input.agencyId, "info", now);
  const answer = await dueOf(tx, input.agencyId, "answer", now);
  let id: number | undefined;
  let code = "";
  for (let attempt = 0; attempt < 5 && id === undefined; attempt++) {
    code = formatFeedbackCode(now, randomBytes(6));
    const row = await tx.maybeOne<{ id: number }>(
      `insert into feedback (agency_id, code, topic, subject, content, procedure_code, procedure_name, dossier_code, dossier_id, anonymous,
         contact_name, contact_phone, contact_email, consent_publish, lang, status, received_at, triage_due_at, info_due_at, answer_due_at,
         submitted_by_user_id, source_hash, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'received', $16, $17, $18, $19, $20, $21, $16)
       on conflict (code) do nothing returning id`,
      [
        input.agencyId,
        code,
        s.topic,
        s.subject,
        s.content,
        procedure?.code ?? null,
        procedure?.name ?? null,
        s.dossierCode ?? null,
        dossier?.id ?? null,
        s.anonymous,
        s.anonymous ? null : (s.contact.fullName ?? null),
        s.contact.phone ?? null,
        s.contact.email ?? null,
        s.consentToPublish,
        input.lang,
        now,
        triage,
        info,
        answer,
        input.user?.id ?? null,
        input.sourceHash,
      ],
    );
    id = row?.id;
  }
  if (id === undefined) throw new Error("no free PAKN code after 5 attempts");
  const actor: FeedbackActorRef = input.user ? { userId: input.user.id, role: "citizen", label: input.user.username } : { userId: null, role: "public", label: PETITIONER_LABEL };
  await insertEvent(tx, { agencyId: input.agencyId, feedbackId: id, at: now, action: "submit", from: null, to: "received", actor, note: null, data: {} });
  await saveFiles(tx, { agencyId: input.agencyId, feedbackId: id, files: input.files });
  await appendAudit(tx, {
    agencyId: input.agencyId,
    actorUserId: actor.userId,
    actor: actor.label,
    action: "feedback.submit",
    entity: "feedback",
    entityId: id,
    data: { code, topic: s.topic, anonymous: s.anonymous, files: input.files.length },
  });
  const f = await getFeedbackById(tx, id);
  if (input.notify !== false) {
    await notifyPetitioner(tx, { to: contactOf(f), kind: "received", due: f.due.answer, dedupe: `feedback:${id}:received` });
    await notifyOfficers(tx, { agencyId: f.agencyId, userIds: await staffOf(tx, f.agencyId, ["desk_officer"]), kind: "new", code, subject: f.subject, due: f.due.triage, dedupe: `feedback:${id}:new` });
  }
  await finaliseFiles(tx, input.files);
  return { ok: true, feedback: f };
}

async function saveFiles(tx: Tx, o: { agencyId: number; feedbackId: number; files: readonly StagedFile[] }): Promise<void> {
  for (const f of o.files) {
    await tx.exec(
      "insert into feedback_attachments (agency_id, feedback_id, file_name, content_type, size, sha256, storage_path) values ($1, $2, $3, $4, $5, $6, $7)",
      [o.agencyId, o.feedbackId, f.fileName, f.contentType, f.size, f.sha256, f.storagePath],
    );
  }
}

async function insertEvent(
  tx: Tx,
  e: { agencyId: number; feedbackId: number; at: Date; action: string; from: FeedbackStatus | null; to: FeedbackStatus; actor: FeedbackActorRef; note: string | null; data: Record<string, unknown> },
): Promise<void> {
  await tx.exec(
    `insert into feedback_events (agency_id, feedback_id, at, action, from_status, to_status, actor_user_id, actor_label, note, data)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [e.agencyId, e.feedbackId, e.at, e.action, e.from, e.to, e.actor.userId, e.actor.label, e.note, JSON.stringify(e.data)],
  );
}

// ---------------------------------------------------------------------------------------------
// Reading

export async function getFeedbackById(tx: Tx, id: number): Promise<Feedback> {
  return toFeedback(await tx.one<Row>(`select ${COLUMNS} ${FROM} where f.id = $1`, [id]));
}

export async function findFeedback(tx: Tx, q: { agencyId: number; code: string }): Promise<Feedback | undefined> {
  const r = await tx.maybeOne<Row>(`select ${COLUMNS} ${FROM} where f.agency_id = $1 and f.code = $2`, [q.agencyId, q.code.trim().toUpperCase()]);
  return r ? toFeedback(r) : undefined;
}

export async function listFeedbackEvents(tx: Tx, feedbackId: number): Promise<FeedbackEvent[]> {
  const rows = await tx.query<{
    id: string;
    at: Date;
    action: string;
    from_status: FeedbackStatus | null;
    to_status: FeedbackStatus;
    actor_user_id: number | null;
    actor_label: string;
    note: string | null;
    data: Record<string, unknown>;
  }>("select id, at, action, from_status, to_status, actor_user_id, actor_label, note, data from feedback_events where feedback_id = $1 order by at, id", [feedbackId]);
  return rows.map((r) => ({ id: Number(r.id), at: r.at, action: r.action, fromStatus: r.from_status, toStatus: r.to_status, actorUserId: r.actor_user_id, actorLabel: r.actor_label, note: r.note, data: r.data ?? {} }));
}

export async function listFeedbackAttachments(tx: Tx, feedbackId: number): Promise<FeedbackAttachment[]> {
  return tx.query<FeedbackAttachment>(
    `select id, file_name as "fileName", content_type as "contentType", size, storage_path as "storagePath", created_at as "createdAt"
     from feedback_attachments where feedback_id = $1 order by id`,
    [feedbackId],
  );
}

/** When each limited step was first taken, from the events. */
export function stepsDone(events: readonly Pick<FeedbackEvent, "action" | "at">[]): FeedbackClock["done"] {
  const done: FeedbackClock["done"] = {};
  for (const e of events) {
    if (!Object.hasOwn(FEEDBACK_TRANSITIONS, e.action)) continue;
    const step = (FEEDBACK_TRANSITIONS[e.action as FeedbackAction] as { step?: FeedbackStep }).step;
    if (step && !done[step]) done[step] = e.at;
  }
  return done;
}

export function clockOf(f: Feedback, events: readonly Pick<FeedbackEvent, "action" | "at">[]): FeedbackClock {
  return { status: f.status, consentToPublish: f.consentToPublish, due: f.due, done: stepsDone(events) };
}

/** Waiting for the petitioner: from each request for more to the answer (or now, still waiting). */
export function pausesOf(events: readonly Pick<FeedbackEvent, "action" | "at">[], now: Date): Pause[] {
  const out: Pause[] = [];
  let open: Date | undefined;
  for (const e of events) {
    if (e.action === "request_info") open ??= e.at;
    if (e.action === "supply_info" && open) {
      out.push({ from: open, to: e.at });
      open = undefined;
    }
  }
  if (open) out.push({ from: open, to: now });
  return out;
}

// ---------------------------------------------------------------------------------------------
// The petitioner's view

export type TrackedFeedback = {
  feedback: Feedback;
  events: FeedbackEvent[];
  late: boolean;
};

/** A PAKN for whoever has its code and the contact check (contactMatches); undefined otherwise. */
export async function trackFeedback(db: Db, q: { code: string; contact: string; now?: Date }): Promise<TrackedFeedback | undefined> {
  const code = q.code.replace(/\s+/g, "").toUpperCase();
  if (!FEEDBACK_CODE.test(code) || q.contact.length > 200) return undefined;
  // By code across agencies, as dossier tracking does: the visitor has no scope yet.
  return db.system(async (tx) => {
    const r = await tx.maybeOne<Row>(`select ${COLUMNS} ${FROM} where f.code = $1`, [code]);
    if (!r || !contactMatches({ phone: r.contact_phone, email: r.contact_email }, q.contact)) return undefined;
    const f = toFeedback(r);
    const events = await listFeedbackEvents(tx, f.id);
    return { feedback: f, events, late: isLate(clockOf(f, events), q.now ?? new Date()) };
  });
}

/** The petitioner says whether the answer satisfied them: once, after the answer. */
export async function rateAnswer(db: Db, q: { code: string; contact: string; rating: "satisfied" | "dissatisfied"; user?: { id: number; username: string } | null }): Promise<Feedback> {
  const tracked = await trackFeedback(db, q);
  if (!tracked) throw new DomainError("not_found", "feedback.err.notFound");
  const f = tracked.feedback;
  return db.scoped({ agencyIds: [f.agencyId], userId: q.user?.id ?? null }, async (tx) => {
    const row = await tx.maybeOne<{ id: number }>(
      "update feedback set petitioner_rating = $2, petitioner_rated_at = now(), updated_at = now() where id = $1 and petitioner_rating is null and status = any($3) returning id",
      [f.id, q.rating, RATEABLE_STATUSES],
    );
    if (!row) {
      if (f.petitionerRating) throw new DomainError("conflict", "feedback.err.ratedTwice");
      throw new DomainError("conflict", "feedback.err.notAnswered");
    }
    await appendAudit(tx, {
      agencyId: f.agencyId,
      actorUserId: q.user?.id ?? null,
      actor: q.user?.username ?? PETITIONER_LABEL,
      action: "feedback.rate",
      entity: "feedback",
      entityId: f.id,
      data: { code: f.code, rating: q.rating },
    });
    return getFeedbackById(tx, f.id);
  });
}

// ---------------------------------------------------------------------------------------------
// Steps

const Reasons = z.object({ note: z.string().trim().min(3, { error: "msg:feedback.err.reasons" }).max(2000, { error: "msg:feedback.err.reasons" }) });
const Note = z.object({ note: z.string().trim().max(2000, { error: "msg:feedback.err.tooLong" }).optional() });
const Assignee = z.object({ assigneeUserId: z.coerce.number({ error: "msg:feedback.err.assignee" }).int({ error: "msg:feedback.err.assignee" }).positive({ error: "msg:feedback.err.assignee" }) });
const Answer = z.object({
  answer: z
    .string({ error: "msg:feedback.err.answer" })
    .max(30_000, { error: "msg:feedback.err.answerLong" })
    .transform(cleanFeedbackText)
    .pipe(z.string().min(10, { error: "msg:feedback.err.answer" }).max(10_000, { error: "msg:feedback.err.answerLong" })),
});
const Transfer = z.object({ transferTo: z.string().trim().min(3, { error: "msg:feedback.err.transferTo" }).max(300, { error: "msg:feedback.err.transferTo" }) });
const bool = z.preprocess((v) => v === true || v === "true" || v === "on" || v === "1", z.boolean());
const publicText = z.string().max(30_000).transform(cleanFeedbackText).pipe(z.string().max(10_000, { error: "msg:feedback.err.answerLong" })).optional();
const Publication = z.object({ publish: bool.optional(), publicQuestion: publicText, publicAnswer: publicText });

const INPUT_SCHEMAS = { none: z.object({}), note: Note, reasons: Reasons, assignee: Assignee, answer: Answer, transfer: Transfer, publication: Publication } as const;

function parseInput<S extends z.ZodType>(schema: S, input: Record<string, unknown>): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  throw new DomainError("invalid", details[0]?.message.startsWith("msg:") ? details[0].message.slice(4) : "error.validation", { details });
}

/** What publishing shows: the question and the answer with personal data masked, from the texts given or the PAKN's own. */
export async function publicationTexts(tx: Tx, f: Feedback, given: { publicQuestion?: string | undefined; publicAnswer?: string | undefined } = {}): Promise<{ question: string; answer: string }> {
  const names: (string | null)[] = [f.contact.fullName];
  if (f.dossierId) {
    const d = await tx.maybeOne<{ applicant_full_name: string }>("select applicant_full_name from dossiers where id = $1", [f.dossierId]);
    names.push(d?.applicant_full_name ?? null);
  }
  return {
    question: maskPersonalData(given.publicQuestion || f.content, { names }),
    answer: maskPersonalData(given.publicAnswer || f.answer || "", { names }),
  };
}

async function publish(tx: Tx, f: Feedback, texts: { question: string; answer: string }, at: Date): Promise<void> {
  await tx.exec(
    `insert into feedback_publications (feedback_id, agency_id, code, topic, subject, question, answer, received_at, answered_at, published_at, search_text)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [f.id, f.agencyId, f.code, f.topic, maskPersonalData(f.subject, { names: [f.contact.fullName] }), texts.question, texts.answer, f.receivedAt, f.answeredAt ?? at, at, fold(`${f.code} ${f.subject} ${texts.question} ${texts.answer}`)],
  );
}

/**
 * Applies one step of the state table to the agency's PAKN `code`. Refusals: not_found (no such
 * PAKN in the agency), conflict (not in this status; no consent to publish), forbidden (role; not
 * the assigned officer), invalid (the step's input).
 */
export async function applyFeedbackAction(
  tx: Tx,
  a: {
    agencyId: number;
    code: string;
    action: FeedbackAction;
    actor: FeedbackActorRef;
    input: Record<string, unknown>;
    files?: readonly StagedFile[];
    now?: Date;
    /** False when writing history (the demo): no notices. */
    notify?: boolean;
  },
): Promise<Feedback> {
  const locked = await tx.maybeOne<{ id: number }>("select id from feedback where agency_id = $1 and code = $2 for update", [a.agencyId, a.code.trim().toUpperCase()]);
  if (!locked) throw new DomainError("not_found", "feedback.err.notFound");
  const f = await getFeedbackById(tx, locked.id);
  const decision = decideFeedback({ status: f.status, action: a.action, role: a.actor.role, resumeStatus: f.resumeStatus });
  if (!decision.ok) {
    const vars = { action: `feedback.action.${a.action}`, status: `feedback.status.${f.status}` };
    throw decision.reason === "status" ? new DomainError("conflict", "feedback.err.status", { vars }) : new DomainError("forbidden", "feedback.err.role", { vars });
  }
  const now = a.now ?? (await tx.one<{ now: Date }>("select now() as now")).now;
  const kind = FEEDBACK_TRANSITIONS[a.action].input;
  const input = parseInput(INPUT_SCHEMAS[kind] as z.ZodType<Record<string, unknown>>, a.input) as Record<string, unknown>;
  const to = decision.to;
  const note = typeof input.note === "string" && input.note ? input.note : null;
  const data: Record<string, unknown> = {};
  const set: Record<string, unknown> = {};
  const after: (() => Promise<void>)[] = [];
  const officersOf = async (roles: string[]) => staffOf(tx, f.agencyId, roles);

  switch (a.action) {
    case "reject":
      set.closed_at = now;
      after.push(() => notifyPetitioner(tx, { to: contactOf(f), kind: "rejected", reasons: note ?? "", dedupe: `feedback:${f.id}:rejected` }));
      break;
    case "request_info":
      set.resume_status = f.status;
      after.push(() => notifyPetitioner(tx, { to: contactOf(f), kind: "info_requested", reasons: note ?? "", dedupe: `feedback:${f.id}:info:${now.toISOString()}` }));
      break;
    case "supply_info": {
      if (!note && !(a.files && a.files.length > 0)) throw new DomainError("invalid", "feedback.err.supplyEmpty", { details: [{ path: "note", message: "msg:feedback.err.supplyEmpty" }] });
      const events = await listFeedbackEvents(tx, f.id);
      const answerDue = await dueOf(tx, f.agencyId, "answer", f.receivedAt, pausesOf([...events, { action: "supply_info", at: now }], now));
      set.answer_due_at = answerDue;
      set.resume_status = null;
      data.files = a.files?.length ?? 0;
      const holder = f.resumeStatus === "assigned" && f.assigneeUserId ? [f.assigneeUserId] : await officersOf(["desk_officer"]);
      after.push(async () => {
        await notifyOfficers(tx, { agencyId: f.agencyId, userIds: holder, kind: "info_supplied", code: f.code, subject: f.subject, due: answerDue, dedupe: `feedback:${f.id}:supplied:${now.toISOString()}` });
      });
      break;
    }
    case "transfer": {
      const target = String(input.transferTo);
      set.transferred_to = target;
      set.closed_at = now;
      data.transferTo = target;
      after.push(() => notifyPetitioner(tx, { to: contactOf(f), kind: "transferred", transferredTo: target, dedupe: `feedback:${f.id}:transferred` }));
      break;
    }
    case "assign": {
      const userId = Number(input.assigneeUserId);
      const u = await tx.maybeOne<{ id: number; role: string }>("select id, role from users where id = $1 and agency_id = $2 and active", [userId, f.agencyId]);
      if (!u || !["specialist", "desk_officer", "leader"].includes(u.role)) throw new DomainError("invalid", "feedback.err.assignee", { details: [{ path: "assigneeUserId", message: "msg:feedback.err.assignee" }] });
      set.assignee_user_id = userId;
      data.assignee = userId;
      if (userId !== a.actor.userId) {
        after.push(async () => {
          await notifyOfficers(tx, { agencyId: f.agencyId, userIds: [userId], kind: "assigned", code: f.code, subject: f.subject, due: f.due.answer, dedupe: `feedback:${f.id}:assigned:${now.toISOString()}` });
        });
      }
      break;
    }
    case "send_for_approval":
      if (f.assigneeUserId !== a.actor.userId) throw new DomainError("forbidden", "feedback.err.notAssignee");
      set.answer = input.answer;
      after.push(async () => {
        await notifyOfficers(tx, { agencyId: f.agencyId, userIds: await officersOf(["leader"]), kind: "awaiting_approval", code: f.code, subject: f.subject, due: f.due.answer, dedupe: `feedback:${f.id}:approval:${now.toISOString()}` });
      });
      break;
    case "approve": {
      set.answered_at = now;
      const publishDue = f.consentToPublish ? await dueOf(tx, f.agencyId, "publish", now) : null;
      set.publish_due_at = publishDue;
      after.push(() => notifyPetitioner(tx, { to: contactOf(f), kind: "answered", answer: f.answer ?? "", dedupe: `feedback:${f.id}:answered` }));
      break;
    }
    case "send_back":
      if (f.assigneeUserId) {
        const assignee = f.assigneeUserId;
        after.push(async () => {
          await notifyOfficers(tx, { agencyId: f.agencyId, userIds: [assignee], kind: "sent_back", code: f.code, subject: f.subject, reasons: note ?? "", dedupe: `feedback:${f.id}:back:${now.toISOString()}` });
        });
      }
      break;
    case "publish":
      if (!f.consentToPublish) throw new DomainError("conflict", "feedback.err.noConsent");
      set.published_at = now;
      break;
    case "close":
      set.closed_at = now;
      break;
  }

  const assignments = Object.keys(set);
  await tx.exec(
    `update feedback set status = $2, updated_at = now()${assignments.map((k, i) => `, ${k} = $${i + 3}`).join("")} where id = $1`,
    [f.id, to, ...assignments.map((k) => set[k])],
  );
  await insertEvent(tx, { agencyId: f.agencyId, feedbackId: f.id, at: now, action: a.action, from: f.status, to, actor: a.actor, note, data });
  if (a.action === "supply_info" && a.files?.length) await saveFiles(tx, { agencyId: f.agencyId, feedbackId: f.id, files: a.files });
  await appendAudit(tx, {
    agencyId: f.agencyId,
    actorUserId: a.actor.userId,
    actor: a.actor.label,
    action: `feedback.${a.action}`,
    entity: "feedback",
    entityId: f.id,
    data: { code: f.code, from: f.status, to, ...data },
  });
  let updated = await getFeedbackById(tx, f.id);
  if (a.action === "publish") await publish(tx, updated, await publicationTexts(tx, updated, input as { publicQuestion?: string; publicAnswer?: string }), now);
  if (a.notify !== false) for (const step of after) await step();
  if (a.files?.length) await finaliseFiles(tx, a.files);
  // The leader may publish with the approval, when the petitioner agreed: two steps, one decision.
  if (a.action === "approve" && input.publish === true && updated.consentToPublish) {
    updated = await applyFeedbackAction(tx, {
      agencyId: a.agencyId,
      code: f.code,
      action: "publish",
      actor: a.actor,
      input: { publicQuestion: input.publicQuestion, publicAnswer: input.publicAnswer },
      now,
      ...(a.notify === false ? { notify: false } : {}),
    });
  }
  return updated;
}

// ---------------------------------------------------------------------------------------------
// Queues

export const FEEDBACK_QUEUES = ["to_triage", "info_requested", "mine", "to_approve", "to_publish", "overdue", "all"] as const;
export type FeedbackQueue = (typeof FEEDBACK_QUEUES)[number];

/** The queues each role works from, its own first. */
export const QUEUES_BY_ROLE: Record<string, readonly FeedbackQueue[]> = {
  desk_officer: ["to_triage", "info_requested", "mine", "to_publish", "overdue", "all"],
  specialist: ["mine", "overdue", "all"],
  leader: ["to_approve", "to_triage", "to_publish", "overdue", "all"],
};

/** SQL of a queue; `now` and `userId` are added to the parameters only when the queue needs them. */
function queueCondition(queue: FeedbackQueue, arg: { now: () => string; userId: () => string }): string {
  switch (queue) {
    case "to_triage":
      return "f.status = 'received'";
    case "info_requested":
      return "f.status = 'info_requested'";
    case "mine":
      return `(f.assignee_user_id = ${arg.userId()} and f.status = 'assigned')`;
    case "to_approve":
      return "f.status = 'awaiting_approval'";
    case "to_publish":
      return "(f.status = 'answered' and f.consent_publish)";
    case "overdue": {
      const now = arg.now();
      return `((f.status = 'received' and f.triage_due_at < ${now}) or (f.status in ('assigned', 'awaiting_approval') and f.answer_due_at < ${now})
        or (f.status = 'answered' and f.consent_publish and f.publish_due_at < ${now}))`;
    }
    case "all":
      return "true";
  }
}

/** Positional parameters added as a statement is written. */
function parameters(first: unknown[]): { values: unknown[]; add: (v: unknown) => string } {
  const values = [...first];
  return { values, add: (v) => `$${values.push(v)}` };
}

export type QueueItem = Feedback & { overdue: boolean; assigneeName: string | null };

export async function listFeedbackQueue(
  tx: Tx,
  q: { agencyId: number; userId: number; queue: FeedbackQueue; search?: string; limit?: number; offset?: number; now?: Date },
): Promise<{ items: QueueItem[]; total: number }> {
  const now = q.now ?? new Date();
  const search = q.search ? fold(q.search).replace(/[%_\\]/g, "").trim() : "";
  const p = parameters([q.agencyId]);
  let nowParam: string | undefined;
  let userParam: string | undefined;
  const cond = queueCondition(q.queue, { now: () => (nowParam ??= p.add(now)), userId: () => (userParam ??= p.add(q.userId)) });
  const where = `f.agency_id = $1 and ${cond}${search ? ` and fold(f.code || ' ' || f.subject || ' ' || f.content) like '%' || ${p.add(search)} || '%'` : ""}`;
  const total = await tx.one<{ n: number }>(`select count(*)::int as n ${FROM} where ${where}`, p.values);
  const order = q.queue === "all" ? "f.received_at desc, f.id desc" : "(case when f.status = 'received' then f.triage_due_at when f.status = 'answered' then f.publish_due_at else f.answer_due_at end) nulls last, f.id";
  const rows = await tx.query<Row & { assignee_name: string | null }>(
    `select ${COLUMNS}, u.full_name as assignee_name ${FROM} left join users u on u.id = f.assignee_user_id
     where ${where} order by ${order} limit ${Math.min(200, Math.max(1, Math.floor(q.limit ?? 50)))} offset ${Math.max(0, Math.floor(q.offset ?? 0))}`,
    p.values,
  );
  return {
    total: total.n,
    items: rows.map((r) => {
      const f = toFeedback(r);
      return { ...f, overdue: isOverdueNow(f, now), assigneeName: r.assignee_name };
    }),
  };
}

export async function queueCounts(tx: Tx, q: { agencyId: number; userId: number; queues: readonly FeedbackQueue[]; now?: Date }): Promise<Record<FeedbackQueue, number>> {
  const p = parameters([q.agencyId]);
  let nowParam: string | undefined;
  let userParam: string | undefined;
  const arg = { now: () => (nowParam ??= p.add(q.now ?? new Date())), userId: () => (userParam ??= p.add(q.userId)) };
  const select = q.queues.map((queue) => `count(*) filter (where ${queueCondition(queue, arg)})::int as "${queue}"`).join(", ");
  return tx.one<Record<FeedbackQueue, number>>(`select ${select} ${FROM} where f.agency_id = $1`, p.values);
}

// ---------------------------------------------------------------------------------------------
// Public answers

export type PublishedFeedback = {
  code: string;
  topic: FeedbackTopic;
  subject: string;
  question: string;
  answer: string;
  agencyCode: string;
  agencyName: string;
  receivedAt: Date;
  answeredAt: Date;
  publishedAt: Date;
};

const PUBLIC_COLUMNS = `p.code, p.topic, p.subject, p.question, p.answer, a.code as "agencyCode", a.name as "agencyName", p.received_at as "receivedAt",
  p.answered_at as "answeredAt", p.published_at as "publishedAt"`;

/** Published answers, newest first: by agency and topic, searched with tones and đ folded. Readable by anyone. */
export async function listPublishedFeedback(
  db: Db,
  q: { agencyId?: number; topic?: FeedbackTopic; search?: string; limit?: number; offset?: number },
): Promise<{ items: PublishedFeedback[]; total: number }> {
  const search = q.search ? fold(q.search).replace(/[%_\\]/g, "").replace(/\s+/g, " ").trim() : "";
  const cond: string[] = [];
  const params: unknown[] = [];
  if (q.agencyId !== undefined) {
    params.push(q.agencyId);
    cond.push(`p.agency_id = $${params.length}`);
  }
  if (q.topic) {
    params.push(q.topic);
    cond.push(`p.topic = $${params.length}`);
  }
  for (const word of search ? search.split(" ").slice(0, 8) : []) {
    params.push(word);
    cond.push(`p.search_text like '%' || $${params.length} || '%'`);
  }
  const where = cond.length ? `where ${cond.join(" and ")}` : "";
  return db.scoped(PUBLIC_SCOPE, async (tx) => {
    const total = await tx.one<{ n: number }>(`select count(*)::int as n from feedback_publications p ${where}`, params);
    const items = await tx.query<PublishedFeedback>(
      `select ${PUBLIC_COLUMNS} from feedback_publications p join agencies a on a.id = p.agency_id ${where}
       order by p.published_at desc, p.code limit ${Math.min(100, q.limit ?? 20)} offset ${Math.max(0, Math.floor(q.offset ?? 0))}`,
      params,
    );
    return { items, total: total.n };
  });
}

export async function findPublishedFeedback(db: Db, code: string): Promise<PublishedFeedback | undefined> {
  return db.scoped(PUBLIC_SCOPE, (tx) =>
    tx.maybeOne<PublishedFeedback>(`select ${PUBLIC_COLUMNS} from feedback_publications p join agencies a on a.id = p.agency_id where p.code = $1`, [code.trim().toUpperCase()]),
  );
}

/** Counts of published answers per topic for an agency (the topic tabs). */
export async function publishedTopicCounts(db: Db, agencyId: number): Promise<Record<string, number>> {
  const rows = await db.scoped(PUBLIC_SCOPE, (tx) =>
    tx.query<{ topic: string; n: number }>("select topic, count(*)::int as n from feedback_publications where agency_id = $1 group by topic", [agencyId]),
  );
  return Object.fromEntries(rows.map((r) => [r.topic, r.n]));
}
