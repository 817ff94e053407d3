// Reading the staff forms of a procedure's local terms. Pure: form fields in, a validated value
// or a map of field errors out, so the page can be shown again with everything typed kept.
import { z } from "zod";
import { FEE_BASES, type Fee, type FeeBasis } from "../../domain/catalog/model";
import {
  type DocumentRequirements,
  MAX_REQUIREMENT_NAME,
  REQUIREMENT_CHANNELS,
  REQUIREMENT_KINDS,
  REQUIREMENT_NEEDS,
  type Requirement,
  type RequirementGroup,
  requirementId,
} from "../../domain/catalog/requirements";
import { LOCAL_TIME_UNITS, type LocalFees, type LocalTimeLimit } from "../../domain/catalog/terms";
import { DEFAULT_FEE_DUE, FEE_DUES, type FeeDue } from "../../domain/payments/fees";
import { cleanSpaces } from "../../domain/text/fold";

export type FormValues = Record<string, string>;
export type FormErrors = Record<string, string>;
export type Parsed<T> = { ok: true; value: T; reason: string | null } | { ok: false; errors: FormErrors };

/** Everything a form posted, as strings (repeated keys keep the last value). */
export function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (body && typeof body === "object") {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      const one = Array.isArray(v) ? v[v.length - 1] : v;
      if (typeof one === "string") out[k] = one.normalize("NFC");
    }
  }
  return out;
}

const MAX_REASON = 1000;

function reasonOf(v: FormValues, errors: FormErrors): string | null {
  const r = cleanSpaces(v.reason ?? "");
  if (r.length > MAX_REASON) errors.reason = "catalog.terms.err.tooLong";
  return r === "" ? null : r;
}

function intOf(raw: string | undefined): number | undefined {
  const s = (raw ?? "").trim().replace(/[.\s]/g, "");
  return /^\d{1,12}$/.test(s) ? Number(s) : undefined;
}

export function parseTimeLimitForm(v: FormValues): Parsed<LocalTimeLimit> {
  const errors: FormErrors = {};
  const reason = reasonOf(v, errors);
  const unit = (LOCAL_TIME_UNITS as readonly string[]).includes(v.unit ?? "") ? (v.unit as LocalTimeLimit["unit"]) : undefined;
  if (!unit) errors.unit = "catalog.terms.err.unit";
  const amount = unit === "same_day" && (v.amount ?? "").trim() === "" ? 0 : intOf(v.amount);
  if (amount === undefined || amount > 365 || (unit !== "same_day" && amount < 1)) errors.amount = "catalog.terms.err.amount";
  const basis = cleanSpaces(v.basis ?? "");
  if (basis.length < 3) errors.basis = "catalog.terms.err.basis";
  else if (basis.length > 1000) errors.basis = "catalog.terms.err.tooLong";
  if (Object.keys(errors).length || !unit || amount === undefined) return { ok: false, errors };
  return { ok: true, value: { amount, unit, basis }, reason };
}

export const FEE_FORM_KINDS = ["free", "fixed", "local", "unknown"] as const;

export function parseFeesForm(v: FormValues): Parsed<LocalFees> {
  const errors: FormErrors = {};
  const reason = reasonOf(v, errors);
  const kind = (FEE_FORM_KINDS as readonly string[]).includes(v.kind ?? "") ? (v.kind as (typeof FEE_FORM_KINDS)[number]) : undefined;
  const note = cleanSpaces(v.note ?? "");
  const basis = cleanSpaces(v.basis ?? "");
  if (note.length > 1000) errors.note = "catalog.terms.err.tooLong";
  if (basis.length > 1000) errors.basis = "catalog.terms.err.tooLong";
  let fee: Fee | undefined;
  if (!kind) errors.kind = "catalog.terms.err.feeKind";
  else if (kind === "fixed") {
    const amount = intOf(v.amount);
    const cap = (v.cap ?? "").trim() === "" ? null : intOf(v.cap);
    const per = (v.per ?? "") === "" ? null : (FEE_BASES as readonly string[]).includes(v.per ?? "") ? (v.per as FeeBasis) : undefined;
    if (amount === undefined || amount < 1 || amount > 100_000_000) errors.amount = "catalog.terms.err.feeAmount";
    if (cap === undefined || (cap !== null && amount !== undefined && cap < amount)) errors.cap = "catalog.terms.err.feeCap";
    if (per === undefined) errors.per = "catalog.terms.err.feePer";
    if (amount !== undefined && cap !== undefined && per !== undefined) fee = { kind: "fixed", amountVnd: amount, per, capVnd: cap, note: note || null };
  } else if (kind === "free") fee = { kind: "free", note: note || null };
  else if (kind === "local") {
    if (note === "") errors.note = "catalog.terms.err.localNote";
    else fee = { kind: "local", note };
  } else fee = { kind: "unknown" };
  if (kind === "local" && basis === "") errors.basis = "catalog.terms.err.basis";
  // When the fee is due and who is exempt (payments): absent from older forms and scripts → the defaults.
  const due = (v.due ?? "") === "" ? DEFAULT_FEE_DUE : (FEE_DUES as readonly string[]).includes(v.due ?? "") ? (v.due as FeeDue) : undefined;
  if (!due) errors.due = "catalog.terms.err.feeDue";
  const exemptions = (v.exemptions ?? "")
    .split(/\r?\n/)
    .map((l) => cleanSpaces(l))
    .filter(Boolean);
  if (exemptions.length > 10 || exemptions.some((x) => x.length < 2 || x.length > 300)) errors.exemptions = "catalog.terms.err.exemptions";
  if (Object.keys(errors).length || !fee || !due) return { ok: false, errors };
  return { ok: true, value: { fees: [fee], basis: basis || null, due, exemptions }, reason };
}

/** How many blank rows the document editor offers for new documents. */
export const NEW_DOCUMENT_ROWS = 3;
const MAX_ROWS = 100;

const RowKind = z.enum(REQUIREMENT_KINDS);
const RowNeed = z.enum(REQUIREMENT_NEEDS);
const RowChannel = z.enum(REQUIREMENT_CHANNELS);

/**
 * The document editor posts rows d0_name, d0_group, d0_kind, d0_need, d0_channel, d0_remove, …
 * and the notes one per line. Rows keep their order; consecutive rows with the same group title
 * form a group. An empty name is an unused blank row.
 */
export function parseDocumentsForm(v: FormValues, previous: DocumentRequirements): Parsed<DocumentRequirements> {
  const errors: FormErrors = {};
  const reason = reasonOf(v, errors);
  const byId = new Map(previous.groups.flatMap((g) => g.items).map((i) => [i.id, i]));
  const groups: RequirementGroup[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < MAX_ROWS; i++) {
    const name = v[`d${i}_name`];
    if (name === undefined) continue;
    const clean = cleanSpaces(name);
    if (clean === "" || v[`d${i}_remove`] === "1") continue;
    if (clean.length > MAX_REQUIREMENT_NAME) {
      errors[`d${i}_name`] = "catalog.terms.err.tooLong";
      continue;
    }
    const kind = RowKind.safeParse(v[`d${i}_kind`]);
    const need = RowNeed.safeParse(v[`d${i}_need`]);
    const channel = RowChannel.safeParse(v[`d${i}_channel`]);
    if (!kind.success) errors[`d${i}_kind`] = "catalog.terms.err.choice";
    if (!need.success) errors[`d${i}_need`] = "catalog.terms.err.choice";
    if (!channel.success) errors[`d${i}_channel`] = "catalog.terms.err.choice";
    if (!kind.success || !need.success || !channel.success) continue;
    const id = requirementId(clean);
    if (seen.has(id)) {
      errors[`d${i}_name`] = "catalog.terms.err.duplicate";
      continue;
    }
    seen.add(id);
    const was = byId.get(v[`d${i}_id`] ?? "") ?? byId.get(id);
    const item: Requirement = {
      id,
      name: clean,
      kind: kind.data,
      need: need.data,
      channel: channel.data,
      copies: was?.copies ?? { original: 1, copy: 0 },
      templates: was?.templates ?? [],
    };
    const title = cleanSpaces(v[`d${i}_group`] ?? "").slice(0, MAX_REQUIREMENT_NAME) || null;
    const last = groups[groups.length - 1];
    if (last && last.title === title) last.items.push(item);
    else groups.push({ title, items: [item] });
  }
  const notes = (v.notes ?? "")
    .split(/\r?\n/)
    .map((l) => cleanSpaces(l))
    .filter(Boolean);
  if (notes.length > 100 || notes.some((n) => n.length > MAX_REQUIREMENT_NAME)) errors.notes = "catalog.terms.err.tooLong";
  if (groups.length === 0 && !errors._) errors._ = "catalog.terms.err.noDocuments";
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { groups, notes }, reason };
}
