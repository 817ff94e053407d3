// Who may see and pay a dossier's fee: staff whose scope sees the dossier, the citizen account that
// submitted it, or whoever proves to be its applicant the way tracking does (code + the last four
// digits of the applicant's phone) or holds the confirmation link's token.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { applicantActorLabel } from "../../domain/auth/actors";
import { can } from "../../domain/auth/permissions";
import type { ActorRole } from "../../domain/dossiers/state-machine";
import { isReceiptToken } from "../dossiers/public-submit-routes";
import { findDossier, findOwnDossier } from "../dossiers/service";
import { unseal } from "../privacy/sealing";

export type DossierRef = { id: number; agencyId: number; code: string; status: string; channel: string; applicantName: string; applicantPhone: string; applicantIdNumber: string; applicantEmail: string | null };
export type Access = { dossier: DossierRef; via: "staff" | "citizen" | "applicant"; actor: { userId: number | null; label: string; role: ActorRole } };

export type Proof = { phoneLast4?: string | undefined; token?: string | undefined };

const COLS = `id, agency_id as "agencyId", code, status, channel, applicant_full_name as "applicantName", applicant_phone as "applicantPhone", applicant_id_number as "applicantIdNumber", applicant_email as "applicantEmail"`;

/** The dossier behind a code for this request, or undefined (the caller answers 404 either way). */
export async function dossierAccess(app: FastifyInstance, req: FastifyRequest, code: string, proof: Proof = {}): Promise<Access | undefined> {
  const clean = code.replace(/\s+/g, "");
  if (clean.length === 0 || clean.length > 80) return undefined;
  const user = req.user;
  if (user?.role === "citizen") {
    const own = await req.tx((tx) => findOwnDossier(tx, { userId: user.id, code: clean }));
    if (own) return { dossier: refOf(own), via: "citizen", actor: { userId: user.id, label: user.username, role: "citizen" } };
  } else if (user && can(user.role, "dossier.view")) {
    const d = await req.tx((tx) => findDossier(tx, { agencyId: user.agencyId, code: clean }));
    if (d) return { dossier: refOf(d), via: "staff", actor: { userId: user.id, label: user.username, role: user.role as ActorRole } };
  }
  const phone = proof.phoneLast4?.trim() ?? "";
  if (/^\d{4}$/.test(phone)) {
    const d = opened(await app.deps.db.system((tx) => tx.maybeOne<DossierRef>(`select ${COLS} from dossiers where code in ($1, upper($1)) and right(applicant_phone, 4) = $2 limit 1`, [clean, phone])));
    if (d) return { dossier: d, via: "applicant", actor: { userId: null, label: applicantActorLabel(d.applicantName), role: "public" } };
  }
  if (proof.token && isReceiptToken(app, clean, proof.token)) {
    const d = opened(await app.deps.db.system((tx) => tx.maybeOne<DossierRef>(`select ${COLS} from dossiers where code = $1 order by id limit 1`, [clean])));
    if (d) return { dossier: d, via: "applicant", actor: { userId: null, label: applicantActorLabel(d.applicantName), role: "public" } };
  }
  return undefined;
}

/** The row with its ID number unsealed (it is stored sealed, docs/privacy.md). */
function opened(d: DossierRef | undefined): DossierRef | undefined {
  return d ? { ...d, applicantIdNumber: unseal(d.applicantIdNumber) } : undefined;
}

function refOf(d: { id: number; agencyId: number; code: string; status: string; channel: string; applicant: { fullName: string; phone: string; idNumber: string; email: string | null } }): DossierRef {
  return {
    id: d.id,
    agencyId: d.agencyId,
    code: d.code,
    status: d.status,
    channel: d.channel,
    applicantName: d.applicant.fullName,
    applicantPhone: d.applicant.phone,
    applicantIdNumber: d.applicant.idNumber,
    applicantEmail: d.applicant.email,
  };
}
