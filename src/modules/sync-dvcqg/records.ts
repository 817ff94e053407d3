// Reads what the portal's records need for a set of dossiers, in a few statements whatever their
// number, and builds the records and progress steps (src/domain/sync/dvcqg.ts builds; this reads).

import type { Tx } from "../../db/scope";
import { identifyActor } from "../../domain/auth/actors";
import type { DossierStatus } from "../../domain/dossiers/state-machine";
import {
  type AttachmentForSync,
  buildDossierRecord,
  buildProgressStep,
  type DossierForSync,
  type DossierRecord,
  type EventForSync,
  type FeeForSync,
  type PauseForSync,
  type ProgressStep,
  type SyncMapping,
} from "../../domain/sync/dvcqg";
import { translator } from "../../web/i18n";
import { loadPeople } from "../accounts/people";
import { findOfferedProcedure } from "../catalog/service";
import { unseal } from "../privacy/sealing";

type DossierRow = {
  id: number;
  agency_id: number;
  code: string;
  procedure_code: string;
  procedure_name: string;
  procedure_field: string;
  channel: DossierForSync["channel"];
  status: DossierStatus;
  applicant_full_name: string;
  applicant_id_number: string;
  applicant_phone: string;
  applicant_email: string | null;
  submitted_at: Date | null;
  received_at: Date | null;
  due_at: Date | null;
  finished_at: Date | null;
  returned_at: Date | null;
  created_at: Date;
  anonymised_at: Date | null;
};

export type SyncData = {
  dossier: DossierForSync;
  agencyId: number;
  events: (EventForSync & { actorUserId: number | null; actorLabel: string; actorAgencyId: number | null })[];
  pauses: PauseForSync[];
  attachments: AttachmentForSync[];
  fees: FeeForSync[];
};

/** Events whose note is written for the applicant (the portal shows the step to them too). */
const NOTE_SHOWN: ReadonlySet<string> = new Set(["request_supplement", "refuse", "withdraw", "redate"]);

/** A procedure's fees change seldom and a round reads many dossiers of the same procedures. */
const FEE_CACHE_MS = 5 * 60_000;
const feeCache = new Map<string, { fees: FeeForSync[]; until: number }>();

export async function loadSyncData(tx: Tx, dossierIds: readonly number[]): Promise<Map<number, SyncData>> {
  const out = new Map<number, SyncData>();
  if (dossierIds.length === 0) return out;
  const ids = [...new Set(dossierIds)];
  const [rows, events, pauses, files] = [
    await tx.query<DossierRow>(
      `select id, agency_id, code, procedure_code, procedure_name, procedure_field, channel, status, applicant_full_name, applicant_id_number,
         applicant_phone, applicant_email, submitted_at, received_at, due_at, finished_at, returned_at, created_at, anonymised_at
       from dossiers where id = any($1::int[])`,
      [ids],
    ),
    await tx.query<{ id: number; dossier_id: number; at: Date; action: string; from_status: DossierStatus | null; to_status: DossierStatus; note: string | null; data: Record<string, unknown>; actor_user_id: number | null; actor_label: string; actor_agency_id: number | null }>(
      "select id, dossier_id, at, action, from_status, to_status, note, data, actor_user_id, actor_label, actor_agency_id from dossier_events where dossier_id = any($1::int[]) order by dossier_id, id",
      [ids],
    ),
    await tx.query<{ id: number; dossier_id: number; from_at: Date; to_at: Date | null; reasons: string }>(
      "select id, dossier_id, from_at, to_at, reasons from dossier_pauses where dossier_id = any($1::int[]) order by dossier_id, from_at",
      [ids],
    ),
    await tx.query<{ id: number; dossier_id: number; kind: AttachmentForSync["kind"]; document_name: string; file_name: string; created_at: Date }>(
      "select id, dossier_id, kind, document_name, file_name, created_at from dossier_attachments where dossier_id = any($1::int[]) order by id",
      [ids],
    ),
  ];
  const now = Date.now();
  for (const r of rows) {
    const key = `${r.agency_id}/${r.procedure_code}`;
    const cached = feeCache.get(key);
    if (!cached || cached.until < now) {
      const p = await findOfferedProcedure(tx, { agencyId: r.agency_id, code: r.procedure_code });
      const list = (p?.fees ?? []).flatMap((f) => (f.kind === "fixed" ? [{ name: f.note ?? "Lệ phí", amountVnd: f.amountVnd }] : []));
      if (feeCache.size > 5000) feeCache.clear();
      feeCache.set(key, { fees: list, until: now + FEE_CACHE_MS });
    }
    const anonymised = r.anonymised_at !== null;
    out.set(r.id, {
      agencyId: r.agency_id,
      dossier: {
        id: r.id,
        code: r.code,
        procedureCode: r.procedure_code,
        procedureName: r.procedure_name,
        procedureField: r.procedure_field,
        channel: r.channel,
        status: r.status,
        applicant: {
          fullName: r.applicant_full_name,
          idNumber: anonymised ? "" : unseal(r.applicant_id_number),
          phone: r.applicant_phone,
          email: r.applicant_email,
        },
        submittedAt: r.submitted_at,
        receivedAt: r.received_at,
        dueAt: r.due_at,
        finishedAt: r.finished_at,
        returnedAt: r.returned_at,
        createdAt: r.created_at,
        anonymised,
      },
      events: [],
      pauses: [],
      attachments: [],
      fees: feeCache.get(key)!.fees,
    });
  }
  for (const e of events) {
    out.get(e.dossier_id)?.events.push({
      id: Number(e.id),
      at: e.at,
      action: e.action,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      note: e.note,
      data: e.data ?? {},
      actorUserId: e.actor_user_id,
      actorLabel: e.actor_label,
      actorAgencyId: e.actor_agency_id,
    });
  }
  for (const p of pauses) out.get(p.dossier_id)?.pauses.push({ id: p.id, fromAt: p.from_at, toAt: p.to_at, reasons: p.reasons });
  for (const f of files) out.get(f.dossier_id)?.attachments.push({ id: f.id, kind: f.kind, documentName: f.document_name, fileName: f.file_name, createdAt: f.created_at });
  return out;
}

/** `isNew`: the dossier's first step (submission or receipt), so the record is new at the portal. */
export type BuiltItem = { record: DossierRecord; steps: ProgressStep[]; isNew: boolean };

/**
 * The record and steps of one outbox row: for an event, the record as it stood after it and that
 * event's step; for the whole dossier (event null), the record now and every step.
 */
export async function buildItems(
  tx: Tx,
  input: { items: { dossierId: number; eventId: number | null }[]; data: Map<number, SyncData>; agency: { code: string; name: string }; mapping: SyncMapping },
): Promise<Map<number, BuiltItem | { missing: string }>> {
  const vi = translator("vi");
  const actors = new Set<number>();
  const agencies = new Set<number>();
  for (const d of input.data.values()) {
    for (const e of d.events) {
      if (e.actorUserId !== null) actors.add(e.actorUserId);
      if (e.actorAgencyId !== null) agencies.add(e.actorAgencyId);
    }
  }
  const people = await loadPeople(tx, actors);
  const agencyNames = new Map(
    (await tx.query<{ id: number; name: string }>("select id, name from agencies where id = any($1::int[])", [[...agencies]])).map((a) => [a.id, a.name]),
  );
  const stepOf = (d: SyncData, e: SyncData["events"][number], i: number): ProgressStep => {
    const who = identifyActor({ userId: e.actorUserId, label: e.actorLabel }, e.actorUserId === null ? undefined : people.get(e.actorUserId));
    const actor =
      who.kind === "staff"
        ? { name: who.person.fullName, title: who.person.title ?? vi(`role.${who.person.role}`) }
        : who.kind === "applicant"
          ? { name: d.dossier.anonymised ? vi("people.applicantUnnamed") : (who.name ?? vi("people.applicantUnnamed")), title: vi("people.applicantUnnamed") }
          : { name: vi(who.kind === "rule" ? "people.system" : "people.system"), title: "" };
    const words = vi(`dossier.action.${e.action}`);
    const base = words === `dossier.action.${e.action}` ? vi("dossier.my.history.other") : words;
    const note = NOTE_SHOWN.has(e.action) && e.note && !d.dossier.anonymised ? `: ${e.note}` : "";
    return buildProgressStep({
      dossierCode: d.dossier.code,
      event: e,
      previous: i > 0 ? d.events[i - 1]! : null,
      events: d.events,
      dueAt: d.dossier.dueAt,
      actor,
      unit: (e.actorAgencyId !== null ? agencyNames.get(e.actorAgencyId) : undefined) ?? input.agency.name,
      content: `${base}${note}`,
      mapping: input.mapping,
    });
  };
  const out = new Map<number, BuiltItem | { missing: string }>();
  input.items.forEach((item, k) => {
    const d = input.data.get(item.dossierId);
    if (!d) {
      out.set(k, { missing: "hồ sơ không còn" });
      return;
    }
    const common = { dossier: d.dossier, events: d.events, pauses: d.pauses, attachments: d.attachments, fees: d.fees, agency: input.agency, mapping: input.mapping };
    if (item.eventId === null) {
      out.set(k, { record: buildDossierRecord({ ...common, asOf: null }), steps: d.events.map((e, i) => stepOf(d, e, i)), isNew: false });
      return;
    }
    const i = d.events.findIndex((e) => e.id === item.eventId);
    if (i < 0) {
      out.set(k, { missing: "bước xử lý không còn" });
      return;
    }
    out.set(k, { record: buildDossierRecord({ ...common, asOf: d.events[i]! }), steps: [stepOf(d, d.events[i]!, i)], isNew: i === 0 });
  });
  return out;
}
