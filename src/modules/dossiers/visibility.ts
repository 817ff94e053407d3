import type { Tx } from "../../db/scope";
import { can } from "../../domain/auth/permissions";
import type { Role } from "../../domain/auth/roles";
import { type ApplicantData, MASK, maskApplicant, maskEmail, maskFreeText, maskIdNumber, maskName, maskPhone } from "../../domain/dossiers/masking";
import type { RegisterRow, SlipData } from "../../domain/slips/types";

/**
 * Which dossiers a member of staff sees: those their own agency holds, or that another agency
 * transferred to it (liên thông). Row-level security confines a transaction to the caller's scope —
 * a province supervisor's scope covers its communes — and this rule confines staff reads further:
 * a dossier carries a citizen's personal data, which only the agency handling it sees. The dossier
 * pages and API, the slips and the register (Mẫu 06) all select through it, so a dossier that does
 * not open for someone is in none of their downloads either.
 *
 * `alias` is the dossiers table's alias in the query, `agencyParam` the placeholder of the caller's
 * agency id ("$1").
 */
export function visibleToAgency(alias: string, agencyParam: string): string {
  return `(${alias}.agency_id = ${agencyParam} or ${alias}.transfer_agency_id = ${agencyParam})`;
}

/** Of two matches (the holder's own dossier and one transferred in with the same code), the own one first. */
export function ownFirst(alias: string, agencyParam: string): string {
  return `(${alias}.agency_id = ${agencyParam}) desc`;
}

/**
 * How a reader sees an agency's dossiers: its own staff in full, acting on them; a supervisor of
 * the province above (issue 16) read-only, with the applicants' personal data masked
 * (src/domain/dossiers/masking.ts). The same dossiers either way (visibleToAgency); what differs
 * is what is shown of them and whether anything can be done.
 */
export const DOSSIER_VIEWS = {
  staff: { readOnly: false, masked: false },
  supervisor: { readOnly: true, masked: true },
} as const satisfies Record<string, { readOnly: boolean; masked: boolean }>;
export type DossierView = keyof typeof DOSSIER_VIEWS;

/** The agency whose dossiers are read, and how. */
export type DossierViewer = { agencyId: number; agencyCode: string; view: DossierView };

/**
 * The one rule for who reads which agency's dossiers, for pages, registers and exports alike.
 * Without `agencyCode`, staff read their own agency's. A holder of province.supervise names a
 * commune (code or GSO code) inside its scope and reads it as a supervisor. Anything else —
 * another agency named by commune staff, a commune outside the supervisor's province, an unknown
 * code — is undefined, which the routes answer with 404 like a dossier that does not exist.
 */
export async function dossierViewer(tx: Tx, user: { role: Role; agencyId: number; agencyCode: string }, agencyCode?: string): Promise<DossierViewer | undefined> {
  const code = agencyCode?.trim();
  if (!code || code === user.agencyCode) return { agencyId: user.agencyId, agencyCode: user.agencyCode, view: "staff" };
  if (!can(user.role, "province.supervise")) return undefined;
  // Agencies are public rows: whether the named one is in the caller's scope is asked explicitly,
  // with the predicate the row-level policies use.
  const a = await tx.maybeOne<{ id: number; code: string; in_scope: boolean }>(
    "select id, code, app_in_scope(id) as in_scope from agencies where code = $1 or gso_code = $1 order by (code = $1) desc limit 1",
    [code],
  );
  if (a?.id === user.agencyId) return { agencyId: user.agencyId, agencyCode: user.agencyCode, view: "staff" };
  if (!a?.in_scope) return undefined;
  return { agencyId: a.id, agencyCode: a.code, view: "supervisor" };
}

/** The applicant as this viewer may read it. */
export function applicantFor<A extends ApplicantData>(viewer: Pick<DossierViewer, "view">, a: A): A {
  return DOSSIER_VIEWS[viewer.view].masked ? { ...a, ...maskApplicant(a) } : a;
}

/** Free text written about a dossier (notes, reasons) as this viewer may read it. */
export function noteFor(viewer: Pick<DossierViewer, "view">, text: string): string {
  return DOSSIER_VIEWS[viewer.view].masked ? maskFreeText(text) : text;
}

/** A slip (Mẫu 01–05) as this viewer may print it: a supervisor's has the applicant and free text masked. */
export function slipFor(viewer: Pick<DossierViewer, "view">, data: SlipData): SlipData {
  if (!DOSSIER_VIEWS[viewer.view].masked) return data;
  const note = (t: string | undefined) => (t === undefined ? t : maskFreeText(t));
  return {
    ...data,
    applicant: {
      fullName: maskName(data.applicant.fullName),
      idNumber: data.applicant.idNumber ? maskIdNumber(data.applicant.idNumber) : data.applicant.idNumber,
      phone: data.applicant.phone ? maskPhone(data.applicant.phone) : data.applicant.phone,
      email: data.applicant.email ? maskEmail(data.applicant.email) : data.applicant.email,
      address: data.applicant.address ? MASK.repeat(3) : data.applicant.address,
    },
    ...(data.supplement ? { supplement: { items: data.supplement.items.map(maskFreeText), reason: note(data.supplement.reason) } } : {}),
    ...(data.refusal ? { refusal: { reasons: data.refusal.reasons.map(maskFreeText) } } : {}),
    ...(data.apology ? { apology: { ...data.apology, reason: maskFreeText(data.apology.reason) } } : {}),
    ...(data.handovers ? { handovers: data.handovers.map((h) => ({ ...h, note: note(h.note) })) } : {}),
  };
}

/** A row of the register (Mẫu 06) as this viewer may download it: a supervisor's has the applicant masked. */
export function registerRowFor(viewer: Pick<DossierViewer, "view">, row: RegisterRow): RegisterRow {
  if (!DOSSIER_VIEWS[viewer.view].masked) return row;
  const phone = /(\+?\d[\d .-]{8,}\d)\s*$/.exec(row.applicantContact)?.[1];
  return { ...row, applicantName: maskName(row.applicantName), applicantContact: phone ? maskPhone(phone) : MASK.repeat(3), note: maskFreeText(row.note) };
}
