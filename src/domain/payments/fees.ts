// The fee of a dossier (phí, lệ phí) from the terms the agency applies to its procedure: pure, so
// the desk, the online form, the catalog's "pay online" list and the tests compute it the same way.
//
// The catalog's fee cells are often not a number a machine may charge: "Không có thông tin"
// (unknown), "theo Nghị quyết của HĐND tỉnh" (local, amount not stated), text we could not parse,
// several amounts for different cases, consulates' USD rows. Those are never guessed: the desk
// officer sets the amount (with a reason) before anything can be paid.
import { z } from "zod";
import type { Fee, FeeBasis } from "../catalog/model";

/** When the fee is due: when the dossier is submitted (accepted only once paid), or before the result is handed over. */
export const FEE_DUES = ["submission", "result"] as const;
export const FeeDue = z.enum(FEE_DUES);
export type FeeDue = z.infer<typeof FeeDue>;

/** The default when an agency says nothing: the result is not handed over before the fee is paid. */
export const DEFAULT_FEE_DUE: FeeDue = "result";

/** A named exemption a procedure lists ("Người thuộc hộ nghèo", "Trẻ em", …), at most 300 characters. */
export const FeeExemption = z.string().trim().min(2).max(300);

export const MAX_QUANTITY = 1000;
/** More than any commune fee (a safety bound for a typed amount, not a legal figure). */
export const MAX_FEE_VND = 100_000_000;

export type FeeLine = {
  /** The fee as the catalog states it: 8.000 đồng per copy… */
  unitVnd: number;
  per: FeeBasis | null;
  quantity: number;
  capVnd: number | null;
  amountVnd: number;
  note: string | null;
};

export type UnknownReason = "no_information" | "unknown" | "local" | "unparsed" | "foreign" | "several";

export type FeeAssessment =
  /** Nothing to pay: the procedure is free. */
  | { kind: "free"; amountVnd: 0; note: string | null }
  /** The desk officer must set the amount (with a reason) before payment. */
  | { kind: "unknown"; amountVnd: 0; reason: UnknownReason }
  | { kind: "amount"; amountVnd: number; lines: FeeLine[] }
  | { kind: "exempt"; amountVnd: 0; exemption: string };

/** Bases charged once per dossier whatever the quantity. */
const ONCE: ReadonlySet<FeeBasis> = new Set(["dossier"]);

function line(f: Extract<Fee, { kind: "fixed" }>, quantity: number): FeeLine {
  const q = f.per === null || ONCE.has(f.per) ? 1 : quantity;
  const raw = f.amountVnd * q;
  const amount = f.capVnd !== null ? Math.min(raw, f.capVnd) : raw;
  return { unitVnd: f.amountVnd, per: f.per, quantity: q, capVnd: f.capVnd, amountVnd: amount, note: f.note };
}

/**
 * What a dossier owes: a fixed fee × quantity (pages, copies… — a fee without a basis, or per
 * dossier, is charged once), capped where the fee has a cap; nothing when free or when the
 * applicant falls under one of the exemptions the procedure lists; else "unknown" (the desk sets it).
 */
export function assessFee(input: { fees: readonly Fee[]; quantity?: number; exemption?: string | null }): FeeAssessment {
  const quantity = input.quantity ?? 1;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) throw new RangeError(`quantity must be 1…${MAX_QUANTITY}, got ${quantity}`);
  const fees = input.fees;
  if (input.exemption) return { kind: "exempt", amountVnd: 0, exemption: input.exemption };
  if (fees.length === 0) return { kind: "unknown", amountVnd: 0, reason: "no_information" };
  const blocking = fees.find((f) => f.kind === "unknown" || f.kind === "local" || f.kind === "unparsed" || f.kind === "foreign");
  if (blocking) return { kind: "unknown", amountVnd: 0, reason: blocking.kind as UnknownReason };
  const fixed = fees.filter((f): f is Extract<Fee, { kind: "fixed" }> => f.kind === "fixed");
  if (fixed.length === 0) {
    const free = fees.find((f): f is Extract<Fee, { kind: "free" }> => f.kind === "free");
    return { kind: "free", amountVnd: 0, note: free?.note ?? null };
  }
  // Several amounts in one cell are alternatives for different cases: a person must choose.
  if (fixed.length > 1) return { kind: "unknown", amountVnd: 0, reason: "several" };
  const l = line(fixed[0]!, quantity);
  if (l.amountVnd === 0) return { kind: "free", amountVnd: 0, note: l.note };
  return { kind: "amount", amountVnd: l.amountVnd, lines: [l] };
}

/** A procedure's fee can be paid online when it is one fixed, non-zero amount (the commune's, else the catalog's). */
export function isPayableOnline(fees: readonly Fee[]): boolean {
  return assessFee({ fees }).kind === "amount";
}

/** The fee an officer sets by hand (an unknown fee, another quantity, a decision of the province). */
export const ManualFee = z.object({
  amountVnd: z.number().int().min(0).max(MAX_FEE_VND),
  reason: z.string().trim().min(3).max(1000),
});
export type ManualFee = z.infer<typeof ManualFee>;

/** The stored state of a dossier's fee: what is owed, why, and what has been paid. */
export type FeeState = {
  status: "unknown" | "due" | "free" | "exempt";
  amountVnd: number;
  paidVnd: number;
  due: FeeDue;
};

/** Whether anything remains to be paid; unknown counts as unpaid (the amount must be set first). */
export function outstandingVnd(f: FeeState): number {
  if (f.status === "free" || f.status === "exempt") return 0;
  return Math.max(0, f.amountVnd - f.paidVnd);
}

export function isSettled(f: FeeState): boolean {
  return f.status !== "unknown" && outstandingVnd(f) === 0;
}
