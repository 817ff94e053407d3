// Online submissions (nộp hồ sơ trực tuyến), written in batches.
//
// A submission costs little in rows and much in round trips (checks, code, dossier, attachments,
// event, audit) and in waits on the agency's hot rows (code counter, audit chain heads). So the
// submissions that arrive while one batch is being written wait and form the next batch, which is
// checked, numbered and written with a fixed number of round trips whatever its size — the
// application-level counterpart of PostgreSQL's group commit. A lone submission is a batch of one
// and waits for nothing; under load a batch grows to what arrived meanwhile, so the cost per
// submission falls as the load rises. An agency's submissions always share one queue. A batch
// that fails as a whole (never a single bad request: those are rejected one by one during the
// checks) is retried one submission at a time, so one submission cannot make another fail.

import { createHash } from "node:crypto";
import type { Db, Scope, Tx } from "../../db/scope";
import { prepared } from "../../db/scope";
import { applicantActorLabel } from "../../domain/auth/actors";
import type { Applicant } from "../../domain/dossiers/applicant";
import { type AuditHead, appendAuditBatch, auditLockCte, canonicalJson } from "../audit/audit";
import { computeAgencyDeadline } from "../calendar/service";
import type { OfferedProcedure } from "../catalog/service";
import { allocateDossierCodes, type DossierCodeTerms, dossierCodeTerms } from "../codes/dossier-codes";
import { DomainError } from "../../domain/errors";
import { idLookupHash, seal } from "../privacy/sealing";
import { emitDossierEvents } from "./events";
import { discardFiles, finaliseFiles, type StagedFile } from "./files";
import { documentKey } from "../../domain/catalog/requirements";
import { checkDocuments, DOSSIER_COLUMNS, type DossierRow, offeredOrFail, requiredDocuments, searchText, toDossier, dossierTimeLimit } from "./service";
import type { Dossier, DossierEvent } from "./types";

export type OnlineSubmission = {
  agencyId: number;
  procedureCode: string;
  applicant: Applicant;
  fields?: Record<string, unknown>;
  files: readonly StagedFile[];
  idempotencyKey: string | null;
  /** Hash of the request (applicant, fields, file hashes): a replay with another body is refused. */
  requestHash: string;
  applicantUserId: number | null;
  /** The version of the consent text the applicant ticked (src/domain/privacy/consent.ts). */
  consentVersion?: string | null;
  now?: Date;
};

export type SubmissionResult = { dossier: Dossier; replayed: boolean };

/** Online dossiers must be accepted or sent back within 8 working hours (Nghị định 45/2020/NĐ-CP). */
export const ACCEPT_WITHIN_WORKING_HOURS = 8;

/** Hash of a submission for idempotency: the same content gives the same hash, whatever the key order. */
export function submissionHash(v: { agencyCode: string; procedureCode: string; applicant: unknown; fields: unknown; files: readonly { documentName: string; sha256: string }[] }): string {
  return createHash("sha256")
    .update(canonicalJson({ ...v, files: v.files.map((f) => ({ d: f.documentName, h: f.sha256 })) }))
    .digest("hex");
}

type Pending = { input: OnlineSubmission; settled: boolean; resolve: (r: SubmissionResult) => void; reject: (e: unknown) => void };

/** What the checks found for one submission that may be written. */
type Checked = {
  p: Pending;
  procedure: OfferedProcedure;
  documents: Dossier["documents"];
  acceptDueAt: Date | null;
  terms: DossierCodeTerms;
  now: Date;
  code?: string;
};

/** Large enough to amortise the round trips, small enough to keep one batch's statements light. */
const MAX_BATCH = 64;
const MAX_IN_FLIGHT = 2;

function settle(p: Pending, outcome: { ok: SubmissionResult } | { error: unknown }): void {
  if (p.settled) return;
  p.settled = true;
  if ("ok" in outcome) p.resolve(outcome.ok);
  else p.reject(outcome.error);
}

function scopeOf(items: readonly { input: OnlineSubmission }[]): Scope {
  return { agencyIds: [...new Set(items.map((i) => i.input.agencyId))], userId: null };
}

type ExistingRow = DossierRow & { request_hash: string | null; idempotency_key: string };

/**
 * Phase 1: what the checks need, read in parallel short transactions (each look-up is independent
 * and a batch waits for the slowest, not for their sum): idempotency keys already used, procedures
 * offered online, the acceptance deadline and the code pattern per agency. Then every submission
 * is checked on its own: one that fails is refused alone, a replay is answered with its first
 * dossier.
 */
async function check(db: Db, batch: readonly Pending[]): Promise<Checked[]> {
  const batchNow = new Date();
  const nowOf = (p: Pending) => p.input.now ?? batchNow;
  const keyed = batch.filter((p) => p.input.idempotencyKey);
  const existingRead =
    keyed.length === 0
      ? Promise.resolve([] as ExistingRow[])
      : db.scoped(scopeOf(keyed), (tx) =>
          tx.query<ExistingRow>(
            prepared(`select ${DOSSIER_COLUMNS}, d.request_hash, d.idempotency_key from dossiers d
             join unnest($1::int[], $2::text[]) as k(agency_id, key) on d.agency_id = k.agency_id and d.idempotency_key = k.key`),
            [keyed.map((p) => p.input.agencyId), keyed.map((p) => p.input.idempotencyKey)],
          ),
        );
  // Settled results, so that one failing look-up (an unknown procedure) fails only its submissions.
  const settledRead = <T>(fn: (tx: Tx) => Promise<T>, agencyId: number) =>
    db.scoped({ agencyIds: [agencyId], userId: null }, fn).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
  const procedures = new Map<string, Promise<{ value: OfferedProcedure } | { error: unknown }>>();
  const perAgency = new Map<string, Promise<{ value: { acceptDueAt: Date | null; terms: DossierCodeTerms } } | { error: unknown }>>();
  for (const p of batch) {
    const { agencyId, procedureCode } = p.input;
    const pk = `${agencyId}/${procedureCode}`;
    if (!procedures.has(pk)) procedures.set(pk, settledRead((tx) => offeredOrFail(tx, agencyId, procedureCode), agencyId));
    const now = nowOf(p);
    const ak = `${agencyId}/${now.getTime()}`;
    if (!perAgency.has(ak)) {
      perAgency.set(
        ak,
        settledRead(
          async (tx) => ({
            acceptDueAt: (await computeAgencyDeadline(tx, { agencyId, start: now, amount: ACCEPT_WITHIN_WORKING_HOURS, unit: "working_hours" })).dueAt,
            terms: await dossierCodeTerms(tx, { agencyId, at: now }),
          }),
          agencyId,
        ),
      );
    }
  }
  const existing = new Map((await existingRead).map((r) => [`${r.agency_id}/${r.idempotency_key}`, r]));
  const out: Checked[] = [];
  for (const p of batch) {
    const { input } = p;
    try {
      const prior = input.idempotencyKey ? existing.get(`${input.agencyId}/${input.idempotencyKey}`) : undefined;
      if (prior) {
        if (prior.request_hash !== input.requestHash) throw new DomainError("unprocessable", "dossier.err.idempotencyMismatch");
        settle(p, { ok: { dossier: toDossier(prior), replayed: true } });
        continue;
      }
      const offered = await procedures.get(`${input.agencyId}/${input.procedureCode}`)!;
      if ("error" in offered) throw offered.error;
      const procedure = offered.value;
      if (procedure.onlineLevel === "none") throw new DomainError("unprocessable", "dossier.err.notOnline", { vars: { code: procedure.code }, details: [{ path: "procedureCode", message: procedure.code }] });
      const docs = requiredDocuments(procedure, "online");
      checkDocuments(
        docs.mandatory,
        input.files.map((f) => f.documentName),
      );
      const agency = await perAgency.get(`${input.agencyId}/${nowOf(p).getTime()}`)!;
      if ("error" in agency) throw agency.error;
      const attached = new Set(input.files.map((f) => documentKey(f.documentName)));
      const documents = docs.items.map((i) => ({ name: i.name, received: attached.has(documentKey(i.name)), kind: i.kind === "present" ? ("present" as const) : ("submit" as const) }));
      out.push({ p, procedure, documents, acceptDueAt: agency.value.acceptDueAt, terms: agency.value.terms, now: nowOf(p) });
    } catch (e) {
      // A refusal (a DomainError) is this submission's alone; anything else fails the batch, retried one by one.
      if (!(e instanceof DomainError)) throw e;
      settle(p, { error: e });
    }
  }
  return out;
}

/**
 * Phase 3, one transaction for the batch: the dossiers, their attachments and first events in one
 * statement that also locks the audit heads they need; the files moved into place; the audit
 * entries in one more statement; then one commit. A submission whose idempotency key was taken
 * meanwhile (by a concurrent request) is left out and replayed.
 */
async function write(tx: Tx, items: readonly Checked[]): Promise<Map<Checked, Dossier>> {
  const dossiers = items.map((c) => {
    const { input } = c.p;
    const limit = dossierTimeLimit(c.procedure.timeLimit);
    return {
      agency_id: input.agencyId,
      code: c.code!,
      procedure_code: c.procedure.code,
      procedure_name: c.procedure.name,
      procedure_field: c.procedure.field,
      procedure_version_id: c.procedure.versionId,
      online_level: c.procedure.onlineLevel,
      applicant_full_name: input.applicant.fullName,
      // Sealed before it leaves the process (privacy/sealing.ts); found again by its look-up hash.
      applicant_id_number: seal(input.applicant.idNumber),
      applicant_id_hash: idLookupHash(input.applicant.idNumber),
      applicant_phone: input.applicant.phone,
      applicant_email: input.applicant.email ?? null,
      applicant_address: input.applicant.address,
      fields: input.fields ?? {},
      documents: c.documents,
      submitted_at: c.now.toISOString(),
      accept_due_at: c.acceptDueAt?.toISOString() ?? null,
      time_limit_amount: limit?.amount ?? null,
      time_limit_unit: limit?.unit ?? null,
      applicant_user_id: input.applicantUserId,
      idempotency_key: input.idempotencyKey,
      request_hash: input.requestHash,
      search_text: searchText(c.code!, input.applicant, c.procedure.name),
      actor_label: applicantActorLabel(input.applicant.fullName),
      event_data: { attachments: input.files.length },
      consent_version: input.consentVersion ?? null,
    };
  });
  const files = items.flatMap((c) =>
    c.p.input.files.map((f) => ({
      code: c.code!,
      document_name: f.documentName,
      file_name: f.fileName,
      content_type: f.contentType,
      size: f.size,
      sha256: f.sha256,
      storage_path: f.storagePath,
    })),
  );
  // The audit heads are locked by the same statement (last, as its final select reads them).
  const lock = auditLockCte(
    items.map((c) => ({ agencyId: c.p.input.agencyId, entity: "dossier", entityId: c.code! })),
    { param: 3 },
  );
  const rows = await tx.query<DossierRow & { event_id: string; event_at: Date; audit_heads: AuditHead[] | null }>(
    prepared(`with x as (
       select * from jsonb_to_recordset($1::jsonb) as x(agency_id integer, code text, procedure_code text, procedure_name text, procedure_field text,
         procedure_version_id integer, online_level text, applicant_full_name text, applicant_id_number text, applicant_phone text,
         applicant_email text, applicant_address jsonb, fields jsonb, documents jsonb, submitted_at timestamptz, accept_due_at timestamptz,
         time_limit_amount integer, time_limit_unit text, applicant_user_id integer, idempotency_key text, request_hash text, search_text text,
         actor_label text, event_data jsonb, applicant_id_hash text, consent_version text)
     ),
     d as (
       insert into dossiers as d (agency_id, code, procedure_code, procedure_name, procedure_field, procedure_version_id, online_level, channel, status,
         applicant_full_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, fields, documents,
         submitted_at, accept_due_at, time_limit_amount, time_limit_unit, applicant_user_id, idempotency_key, request_hash, search_text,
         applicant_id_hash, consent_version, consent_at, consent_channel)
       select agency_id, code, procedure_code, procedure_name, procedure_field, procedure_version_id, online_level, 'online', 'submitted',
         applicant_full_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, fields, documents,
         submitted_at, accept_due_at, time_limit_amount, time_limit_unit, applicant_user_id, idempotency_key, request_hash, fold(search_text),
         applicant_id_hash, consent_version, case when consent_version is null then null else submitted_at end,
         case when consent_version is null then null else 'online' end
       from x
       on conflict (agency_id, idempotency_key) do nothing
       returning ${DOSSIER_COLUMNS}
     ),
     att as (
       insert into dossier_attachments (agency_id, dossier_id, kind, document_name, file_name, content_type, size, sha256, storage_path, created_by)
       select d.agency_id, d.id, 'document', f.document_name, f.file_name, f.content_type, f.size, f.sha256, f.storage_path, null
       from d join jsonb_to_recordset($2::jsonb) as f(code text, document_name text, file_name text, content_type text, size integer, sha256 text, storage_path text)
         on f.code = d.code
     ),
     ev as (
       insert into dossier_events (agency_id, dossier_id, action, from_status, to_status, actor_user_id, actor_label, actor_agency_id, note, data)
       select d.agency_id, d.id, 'submit_online', null, d.status, x.applicant_user_id, x.actor_label, d.agency_id, null, x.event_data
       from d join x on x.code = d.code
       returning dossier_id, id, at
     ),
     ${lock.sql}
     select ${DOSSIER_COLUMNS}, ev.id as event_id, ev.at as event_at, (select json_agg(audit_locked) from audit_locked) as audit_heads
     from d join ev on ev.dossier_id = d.id`),
    [JSON.stringify(dossiers), JSON.stringify(files), ...lock.values],
  );
  const byCode = new Map(rows.map((r) => [r.code, r]));
  // Moved into place now (a failure below leaves them where the retry or the clean-up finds them).
  await finaliseFiles(tx, items.filter((c) => byCode.has(c.code!)).flatMap((c) => c.p.input.files));
  const written = new Map<Checked, Dossier>();
  const events: { dossier: Dossier; event: DossierEvent }[] = [];
  for (const c of items) {
    const row = byCode.get(c.code!);
    if (!row) continue;
    const dossier = toDossier(row);
    written.set(c, dossier);
    events.push({
      dossier,
      event: {
        id: Number(row.event_id),
        agencyId: dossier.agencyId,
        dossierId: dossier.id,
        at: row.event_at,
        action: "submit_online",
        fromStatus: null,
        toStatus: dossier.status,
        actorUserId: c.p.input.applicantUserId,
        actorLabel: applicantActorLabel(c.p.input.applicant.fullName),
        actorAgencyId: dossier.agencyId,
        note: null,
        data: { attachments: c.p.input.files.length },
      },
    });
  }
  await appendAuditBatch(
    tx,
    events.map(({ dossier, event }) => ({
      agencyId: dossier.agencyId,
      actorUserId: event.actorUserId,
      actor: event.actorLabel,
      action: "dossier.submit_online",
      entity: "dossier",
      entityId: dossier.code,
      data: { from: null, to: dossier.status, ...event.data },
    })),
    { locked: rows[0]?.audit_heads ?? [] },
  );
  await emitDossierEvents(tx, events);
  return written;
}

/** Loads the dossier that took a submission's idempotency key, for a replay after a race. */
async function replayOf(db: Db, p: Pending): Promise<SubmissionResult> {
  const { input } = p;
  const row = await db.scoped(scopeOf([p]), (tx) =>
    tx.maybeOne<DossierRow & { request_hash: string | null }>(
      prepared(`select ${DOSSIER_COLUMNS}, d.request_hash from dossiers d where d.agency_id = $1 and d.idempotency_key = $2`),
      [input.agencyId, input.idempotencyKey],
    ),
  );
  if (!row) throw new Error("idempotency key conflict without a dossier");
  if (row.request_hash !== input.requestHash) throw new DomainError("unprocessable", "dossier.err.idempotencyMismatch");
  return { dossier: toDossier(row), replayed: true };
}

/** Checks, numbers and writes one batch; settles every submission in it. */
async function runBatch(db: Db, batch: readonly Pending[]): Promise<void> {
  const checked = await check(db, batch);
  if (checked.length === 0) return;
  // Phase 2: the codes, in one round trip that commits without waiting (see allocateDossierCodes).
  const groups = new Map<string, Checked[]>();
  for (const c of checked) {
    const k = `${c.terms.agencyId}/${c.terms.scopeKey}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  const codes = await allocateDossierCodes(db, { scope: scopeOf(checked.map((c) => c.p)), requests: [...groups.values()].map((g) => ({ terms: g[0]!.terms, count: g.length })) });
  for (const [i, g] of [...groups.values()].entries()) {
    for (const [j, c] of g.entries()) c.code = codes[i]![j];
  }
  const written = await db.scoped(scopeOf(checked.map((c) => c.p)), (tx) => write(tx, checked));
  for (const c of checked) {
    const dossier = written.get(c);
    if (dossier) settle(c.p, { ok: { dossier, replayed: false } });
  }
  // Keys taken by a concurrent request while this batch ran: answer as replays (their codes are skipped).
  for (const c of checked) if (!written.has(c)) settle(c.p, await replayOf(db, c.p).then((ok) => ({ ok }), (error) => ({ error })));
}

/**
 * Forms batches from the submissions that arrive while earlier ones are being written. Two batches
 * may be in flight, so that one is checked while the other waits on its commit.
 */
class IntakeQueue {
  private readonly waiting: Pending[] = [];
  private inFlight = 0;
  readonly stats = { batches: 0, submissions: 0, largest: 0 };

  constructor(private readonly db: Db) {}

  submit(input: OnlineSubmission): Promise<SubmissionResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, settled: false, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.waiting.length > 0) {
      this.inFlight += 1;
      const batch = this.waiting.splice(0, MAX_BATCH);
      this.stats.batches += 1;
      this.stats.submissions += batch.length;
      this.stats.largest = Math.max(this.stats.largest, batch.length);
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    try {
      await runBatch(this.db, batch);
    } catch (e) {
      if (batch.length === 1) {
        settle(batch[0]!, { error: e });
      } else {
        // The batch failed as a whole: each submission on its own, so that one cannot sink the others.
        for (const p of batch) {
          if (p.settled) continue;
          await runBatch(this.db, [p]).catch((error) => settle(p, { error }));
        }
      }
    }
    for (const p of batch) settle(p, { error: new Error("submission left unsettled") });
  }
}

/**
 * Queues per database: an agency always uses the same one (its batches never contend with each
 * other for its counter and audit heads), while agencies of a province-wide installation spread
 * over several, written in parallel on several connections.
 */
const QUEUES_PER_DB = 4;
const queues = new WeakMap<Db, IntakeQueue[]>();

function queuesOf(db: Db): IntakeQueue[] {
  let q = queues.get(db);
  if (!q) {
    q = Array.from({ length: QUEUES_PER_DB }, () => new IntakeQueue(db));
    queues.set(db, q);
  }
  return q;
}

/** How this process has batched online submissions so far (for monitoring and tests). */
export function intakeStatistics(db: Db): { batches: number; submissions: number; largest: number } {
  const all = queuesOf(db).map((q) => q.stats);
  return {
    batches: all.reduce((n, s) => n + s.batches, 0),
    submissions: all.reduce((n, s) => n + s.submissions, 0),
    largest: Math.max(...all.map((s) => s.largest)),
  };
}

/**
 * An online submission, acting within the receiving agency only (an anonymous visitor has no
 * scope of their own). With an idempotency key already used: the same request gives back the
 * first dossier (`replayed`), another request is refused (422). The staged files are moved into
 * place just before the dossier commits and removed if it does not, or if it was a replay.
 */
export async function submitOnlineTx(db: Db, input: OnlineSubmission): Promise<SubmissionResult> {
  try {
    const r = await queuesOf(db)[input.agencyId % QUEUES_PER_DB]!.submit(input);
    if (r.replayed) await discardFiles(db, input.files);
    return r;
  } catch (e) {
    await discardFiles(db, input.files);
    throw e;
  }
}
