// A dossier's fee: computed at intake from the terms its agency applies to the procedure (the
// commune's own fees, else the catalog's counter fee: effectiveTerms), changed only with a reason
// (dossier_fee_changes keeps who, when and why), and the rules it puts on the dossier: an online
// dossier whose fee is due at submission is accepted only once paid; no result is handed over
// while a known fee is unpaid.
import { type Tx, prepared } from "../../db/scope";
import type { Fee, Procedure } from "../../domain/catalog/model";
import { effectiveTerms, parseLocalTerms } from "../../domain/catalog/terms";
import { DomainError } from "../../domain/errors";
import { assessFee, type FeeAssessment, type FeeDue, type FeeLine, type FeeState, isSettled, MAX_FEE_VND, MAX_QUANTITY, outstandingVnd } from "../../domain/payments/fees";
import { formatVnd } from "../../domain/text/format";
import { appendAudit } from "../audit/audit";

export type DossierFee = FeeState & {
  dossierId: number;
  agencyId: number;
  quantity: number;
  exemption: string | null;
  lines: FeeLine[];
  updatedAt: Date;
  outstandingVnd: number;
  settled: boolean;
};

type FeeRow = { dossier_id: number; agency_id: number; status: FeeState["status"]; amount_vnd: string; paid_vnd: string; due: FeeDue; quantity: number; exemption: string | null; lines: FeeLine[]; updated_at: Date };

function toFee(r: FeeRow): DossierFee {
  const state: FeeState = { status: r.status, amountVnd: Number(r.amount_vnd), paidVnd: Number(r.paid_vnd), due: r.due };
  return {
    ...state,
    dossierId: r.dossier_id,
    agencyId: r.agency_id,
    quantity: r.quantity,
    exemption: r.exemption,
    lines: r.lines,
    updatedAt: r.updated_at,
    outstandingVnd: outstandingVnd(state),
    settled: isSettled(state),
  };
}

export async function findDossierFee(tx: Tx, dossierId: number, opts: { lock?: boolean } = {}): Promise<DossierFee | undefined> {
  const r = await tx.maybeOne<FeeRow>(`select * from dossier_fees where dossier_id = $1${opts.lock ? " for update" : ""}`, [dossierId]);
  return r ? toFee(r) : undefined;
}

export type FeeTerms = { fees: Fee[]; due: FeeDue; exemptions: string[]; basis: string | null };

/** The fee terms the dossier's agency applies to its procedure (the version the dossier was made under). */
export async function feeTermsOf(tx: Tx, d: { agencyId: number; procedureVersionId: number | null; procedureCode: string }): Promise<FeeTerms | undefined> {
  const r = await tx.maybeOne<{ content: Procedure; fees: unknown }>(
    prepared(`select v.content, ap.fees from procedure_versions v join procedures p on p.id = v.procedure_id
     left join agency_procedures ap on ap.procedure_id = p.id and ap.agency_id = $1
     where v.id = $2 or ($2::int is null and p.code = $3 and v.id = (select id from procedure_versions where procedure_id = p.id order by effective_from desc, version_no desc limit 1))
     limit 1`),
    [d.agencyId, d.procedureVersionId, d.procedureCode],
  );
  if (!r) return undefined;
  const terms = effectiveTerms(r.content, parseLocalTerms({ time_limit: null, fees: r.fees, documents: null }));
  return { fees: terms.fees, due: terms.feeDue, exemptions: terms.feeExemptions, basis: terms.feesBasis };
}

function stateOf(a: FeeAssessment): { status: FeeState["status"]; amountVnd: number; lines: FeeLine[]; exemption: string | null } {
  switch (a.kind) {
    case "amount":
      return { status: "due", amountVnd: a.amountVnd, lines: a.lines, exemption: null };
    case "free":
      return { status: "free", amountVnd: 0, lines: [], exemption: null };
    case "exempt":
      return { status: "exempt", amountVnd: 0, lines: [], exemption: a.exemption };
    case "unknown":
      return { status: "unknown", amountVnd: 0, lines: [], exemption: null };
  }
}

export type FeeActor = { userId: number | null; label: string };

/** Quantity a dossier's form states (copies, pages), when it gives one; else one. */
function quantityOf(fields: Record<string, unknown>): number {
  for (const k of ["copies", "pages", "quantity"]) {
    const v = Number(fields[k]);
    if (Number.isInteger(v) && v >= 1 && v <= MAX_QUANTITY) return v;
  }
  return 1;
}

/**
 * Records the fee of a new dossier (in its creation's transaction): assessed from its agency's
 * terms; a procedure gone from the catalog leaves it unknown (the desk sets it).
 */
type IntakeDossier = { id: number; agencyId: number; procedureVersionId: number | null; procedureCode: string; fields: Record<string, unknown> };

export async function assessAtIntake(tx: Tx, d: IntakeDossier, actor: FeeActor): Promise<void> {
  await assessManyAtIntake(tx, [{ dossier: d, actor }]);
}

/**
 * The fees of several new dossiers written together (a batch of online submissions): each
 * procedure's terms read once, every fee and its first change in one statement.
 */
export async function assessManyAtIntake(tx: Tx, items: readonly { dossier: IntakeDossier; actor: FeeActor }[]): Promise<void> {
  if (items.length === 0) return;
  const termsByKey = new Map<string, FeeTerms | undefined>();
  const rows = [];
  for (const { dossier: d, actor } of items) {
    const key = `${d.agencyId}/${d.procedureVersionId ?? ""}/${d.procedureCode}`;
    if (!termsByKey.has(key)) termsByKey.set(key, await feeTermsOf(tx, d));
    const terms = termsByKey.get(key);
    const quantity = quantityOf(d.fields);
    const s = stateOf(terms ? assessFee({ fees: terms.fees, quantity }) : { kind: "unknown", amountVnd: 0, reason: "no_information" });
    const after = { status: s.status, amountVnd: s.amountVnd, quantity, due: terms?.due ?? "result", exemption: null, lines: s.lines };
    rows.push({
      dossier_id: d.id,
      agency_id: d.agencyId,
      status: s.status,
      amount_vnd: s.amountVnd,
      due: after.due,
      quantity,
      lines: s.lines,
      actor_user_id: actor.userId,
      actor_label: actor.label,
      after,
      reason: "payment.reason.intake",
    });
  }
  await tx.exec(
    `with x as (
       select * from jsonb_to_recordset($1::jsonb) as x(dossier_id integer, agency_id integer, status text, amount_vnd bigint, due text, quantity integer,
         lines jsonb, actor_user_id integer, actor_label text, after jsonb, reason text)),
     fee as (
       insert into dossier_fees (dossier_id, agency_id, status, amount_vnd, due, quantity, lines)
       select dossier_id, agency_id, status, amount_vnd, due, quantity, lines from x
       on conflict (dossier_id) do nothing returning dossier_id)
     insert into dossier_fee_changes (agency_id, dossier_id, actor_user_id, actor_label, before, after, reason)
     select x.agency_id, x.dossier_id, x.actor_user_id, x.actor_label, null, x.after, x.reason from x join fee using (dossier_id)`,
    [JSON.stringify(rows)],
  );
}

export type FeeChange =
  | { kind: "quantity"; quantity: number }
  | { kind: "exemption"; exemption: string | null }
  | { kind: "amount"; amountVnd: number };

/**
 * Changes a dossier's fee with a reason: another quantity (recomputed from the terms), an
 * exemption the procedure lists (or none), or an amount the officer sets (an unknown fee, a fee
 * the province decides). Never below what was already paid (refund first); never on a closed dossier.
 */
export async function changeFee(tx: Tx, c: { dossierId: number; change: FeeChange; reason: string; actor: FeeActor }): Promise<DossierFee> {
  const d = await tx.maybeOne<{ id: number; agency_id: number; code: string; status: string; procedure_version_id: number | null; procedure_code: string }>(
    "select id, agency_id, code, status, procedure_version_id, procedure_code from dossiers where id = $1 for update",
    [c.dossierId],
  );
  if (!d) throw new DomainError("not_found", "dossier.err.notFound");
  if (["refused", "withdrawn", "returned"].includes(d.status)) throw new DomainError("conflict", "payment.err.feeClosed");
  const reason = c.reason.trim().normalize("NFC");
  if (reason.length < 3 || reason.length > 1000) throw new DomainError("unprocessable", "payment.err.reason", { details: [{ path: "reason", message: "reason" }] });
  const before = await findDossierFee(tx, d.id, { lock: true });
  const terms = await feeTermsOf(tx, { agencyId: d.agency_id, procedureVersionId: d.procedure_version_id, procedureCode: d.procedure_code });
  let quantity = before?.quantity ?? 1;
  let next: ReturnType<typeof stateOf>;
  switch (c.change.kind) {
    case "quantity": {
      const q = c.change.quantity;
      if (!Number.isInteger(q) || q < 1 || q > MAX_QUANTITY) throw new DomainError("unprocessable", "payment.err.quantity", { vars: { max: MAX_QUANTITY } });
      quantity = q;
      next = stateOf(assessFee({ fees: terms?.fees ?? [], quantity, exemption: before?.exemption ?? null }));
      if (next.status === "unknown" && before?.status === "due" && before.lines.length === 0) next = { ...next, status: "due", amountVnd: before.amountVnd };
      break;
    }
    case "exemption": {
      const e = c.change.exemption;
      if (e !== null && !(terms?.exemptions ?? []).includes(e)) throw new DomainError("unprocessable", "payment.err.exemption");
      next = stateOf(assessFee({ fees: terms?.fees ?? [], quantity, exemption: e }));
      break;
    }
    case "amount": {
      const a = c.change.amountVnd;
      if (!Number.isInteger(a) || a < 0 || a > MAX_FEE_VND) throw new DomainError("unprocessable", "payment.err.amount");
      next = { status: a === 0 ? "free" : "due", amountVnd: a, lines: [], exemption: null };
      break;
    }
  }
  if (before && next.amountVnd < before.paidVnd) throw new DomainError("conflict", "payment.err.belowPaid");
  const due = before?.due ?? terms?.due ?? "result";
  const after = { status: next.status, amountVnd: next.amountVnd, quantity, due, exemption: next.exemption, lines: next.lines };
  await tx.exec(
    `insert into dossier_fees (dossier_id, agency_id, status, amount_vnd, due, quantity, exemption, lines) values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (dossier_id) do update set status = excluded.status, amount_vnd = excluded.amount_vnd, quantity = excluded.quantity,
       exemption = excluded.exemption, lines = excluded.lines, updated_at = now()`,
    [d.id, d.agency_id, next.status, next.amountVnd, due, quantity, next.exemption, JSON.stringify(next.lines)],
  );
  const beforeJson = before ? { status: before.status, amountVnd: before.amountVnd, quantity: before.quantity, due: before.due, exemption: before.exemption } : null;
  await tx.exec(
    "insert into dossier_fee_changes (agency_id, dossier_id, actor_user_id, actor_label, before, after, reason) values ($1, $2, $3, $4, $5, $6, $7)",
    [d.agency_id, d.id, c.actor.userId, c.actor.label, JSON.stringify(beforeJson), JSON.stringify(after), reason],
  );
  await appendAudit(tx, {
    agencyId: d.agency_id,
    actorUserId: c.actor.userId,
    actor: c.actor.label,
    action: "payment.fee_change",
    entity: "dossier",
    entityId: d.code,
    data: { before: beforeJson, after: { status: after.status, amountVnd: after.amountVnd, quantity, exemption: after.exemption }, reason },
  });
  const fee = await findDossierFee(tx, d.id);
  if (!fee) throw new Error("fee row vanished");
  return fee;
}

export type FeeChangeEntry = { at: Date; actorUserId: number | null; actorLabel: string; before: Record<string, unknown> | null; after: Record<string, unknown>; reason: string };

export async function listFeeChanges(tx: Tx, dossierId: number): Promise<FeeChangeEntry[]> {
  return tx.query<FeeChangeEntry>(
    `select at, actor_user_id as "actorUserId", actor_label as "actorLabel", before, after, reason from dossier_fee_changes where dossier_id = $1 order by at, id`,
    [dossierId],
  );
}

/** The rule a transition must pass, read in its transaction: refused (409) when the fee stands in the way. */
export async function checkFeeAllows(tx: Tx, d: { id: number; channel: string }, action: "accept" | "return"): Promise<void> {
  const fee = await findDossierFee(tx, d.id);
  // Unknown fees do not block: the desk is shown that the amount must be set, but the law does
  // not let a missing figure stop a dossier.
  if (fee?.status !== "due" || fee.outstandingVnd === 0) return;
  if (action === "accept" && fee.due === "submission" && d.channel === "online") {
    throw new DomainError("conflict", "payment.err.unpaidAtSubmission", { vars: { amount: formatVnd(fee.outstandingVnd) } });
  }
  if (action === "return") throw new DomainError("conflict", "payment.err.unpaidBeforeResult", { vars: { amount: formatVnd(fee.outstandingVnd) } });
}
