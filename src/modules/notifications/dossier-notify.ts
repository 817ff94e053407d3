import type { Tx } from "../../db/scope";
import { slipDateTime } from "../../domain/slips/format";
import { trackingUrl } from "../../domain/slips/qr";
import type { Dossier, DossierEvent } from "../dossiers/types";
import { enqueueMessages, notifyStaff, type OutboxMessage } from "./outbox";
import { identifyActor } from "../../domain/auth/actors";
import { translator } from "../../web/i18n";
import { describeIdentity, loadPeople } from "../accounts/people";
import { type ApplicantKind, BY_PHRASES, fill, renderEmail, renderSms, renderStaff, type StaffKind, type TemplateVars } from "./templates";

// Which dossier events matter to whom. Applicant: e-mail (if given) and SMS (phone is required at
// reception); staff: in-app. Called inside the transition's transaction (onDossierEvent), so it
// only writes rows; sending happens after commit (outbox.ts).

const APPLICANT_EVENTS: Record<string, ApplicantKind> = {
  submit_online: "submitted",
  receive: "received",
  accept: "received",
  request_supplement: "supplement_requested",
  refuse: "refused",
  mark_result_ready: "result_ready",
  return: "returned",
  redate: "apology",
};

/** What the messages need of a dossier (the sweep loads only this). */
export type DossierForNotice = Pick<Dossier, "id" | "agencyId" | "code" | "procedureName" | "dueAt" | "fields"> & {
  applicant: Pick<Dossier["applicant"], "fullName" | "phone" | "email">;
};

let baseUrl = "http://localhost:3000";
/** Set once at start-up (routes plugin) so links in messages point at this installation. */
export function configureNotifications(opts: { baseUrl: string }): void {
  baseUrl = opts.baseUrl.replace(/\/$/, "");
}
export function notificationBaseUrl(): string {
  return baseUrl;
}

export function applicantKindOf(action: string): ApplicantKind | undefined {
  return Object.hasOwn(APPLICANT_EVENTS, action) ? APPLICANT_EVENTS[action] : undefined;
}

/** The applicant's chosen language; the core keeps it in dossier fields (`lang`), default vi. */
export function applicantLang(d: Pick<Dossier, "fields">): "vi" | "en" {
  return d.fields?.lang === "en" ? "en" : "vi";
}

export function reasonsOf(event: Pick<DossierEvent, "data" | "note">): string {
  const r = event.data?.reasons;
  if (Array.isArray(r)) return r.map((x) => `- ${String(x)}`).join("\n");
  if (typeof r === "string" && r.trim()) return r.trim();
  if (typeof event.data?.reason === "string") return String(event.data.reason);
  return event.note?.trim() || "";
}

async function agencyName(tx: Tx, agencyId: number): Promise<string> {
  const a = await tx.maybeOne<{ name: string }>("select name from agencies where id = $1", [agencyId]);
  return a?.name ?? "";
}

export function varsOf(d: DossierForNotice, agency: string, reasons = ""): TemplateVars {
  return {
    agency,
    code: d.code,
    procedure: d.procedureName,
    applicant: d.applicant.fullName,
    due: d.dueAt ? slipDateTime(d.dueAt) : "",
    url: trackingUrl(baseUrl, d.code),
    rate: `${baseUrl}/rate?code=${encodeURIComponent(d.code)}`,
    reasons,
  };
}

/** The e-mail and SMS telling the applicant of a dossier's change (none without an address or phone). */
export function applicantMessages(input: { dossier: DossierForNotice; kind: ApplicantKind; vars: TemplateVars; dedupe: string }): OutboxMessage[] {
  const d = input.dossier;
  const lang = applicantLang(d);
  const out: OutboxMessage[] = [];
  if (d.applicant.email) {
    const mail = renderEmail(input.kind, lang, input.vars);
    out.push({
      agencyId: d.agencyId,
      dossierId: d.id,
      kind: input.kind,
      channel: "email",
      recipient: d.applicant.email,
      lang,
      subject: mail.subject,
      body: mail.text,
      dedupeKey: `${input.dedupe}:email`,
    });
  }
  if (d.applicant.phone) {
    out.push({
      agencyId: d.agencyId,
      dossierId: d.id,
      kind: input.kind,
      channel: "sms",
      recipient: d.applicant.phone,
      lang: "vi",
      body: renderSms(input.kind, input.vars),
      dedupeKey: `${input.dedupe}:sms`,
    });
  }
  return out;
}

/** The template's variables for an event's notices. */
function noticeVars(dossier: Dossier, agency: string, event: DossierEvent, applicantKind: ApplicantKind | undefined): TemplateVars {
  const vars = varsOf(dossier, agency, reasonsOf(event));
  // An online submission is answered by the acceptance deadline, not yet an appointment.
  if (applicantKind === "submitted") vars.due = dossier.acceptDueAt ? slipDateTime(dossier.acceptDueAt) : "";
  return vars;
}

export async function notifyApplicant(tx: Tx, input: { dossier: DossierForNotice; kind: ApplicantKind; vars: TemplateVars; dedupe: string }): Promise<void> {
  await enqueueMessages(tx, applicantMessages(input));
}

export async function notifyOfficer(
  tx: Tx,
  input: { dossier: DossierForNotice; userId: number; kind: StaffKind; vars: TemplateVars; dedupe: string; href?: string; isTask?: boolean },
): Promise<boolean> {
  const lang = "vi";
  const text = renderStaff(input.kind, lang, input.vars);
  return notifyStaff(tx, {
    agencyId: input.dossier.agencyId,
    userId: input.userId,
    dossierId: input.dossier.id,
    kind: input.kind,
    title: text.title,
    body: text.body,
    href: input.href ?? `/staff/dossiers/${encodeURIComponent(input.dossier.code)}`,
    isTask: input.isTask ?? false,
    dedupeKey: input.dedupe,
  });
}

/** "Người giao: Nguyễn Thị Hoa (Công chức Bộ phận Một cửa)." or the field rules, for a staff notice (in Vietnamese, as all staff notices). */
async function handedOverBy(tx: Tx, event: DossierEvent, kind: "assigned" | "awaiting_approval"): Promise<string> {
  const lang = "vi";
  const people = await loadPeople(tx, [event.actorUserId]);
  const who = identifyActor({ userId: event.actorUserId, label: event.actorLabel }, event.actorUserId === null ? undefined : people.get(event.actorUserId));
  if (who.kind === "rule") return BY_PHRASES.rule[lang];
  return fill(BY_PHRASES[kind][lang], { name: describeIdentity(who, { t: translator(lang), lang }) });
}

/** The onDossierEvent listener. */
export async function handleDossierEvent(e: { tx: Tx; dossier: Dossier; event: DossierEvent }): Promise<void> {
  const { tx, dossier, event } = e;
  const applicantKind = applicantKindOf(event.action);
  let staff: { userId: number; kind: StaffKind } | undefined;
  if (event.action === "assign" && dossier.assigneeUserId && dossier.assigneeUserId !== event.actorUserId) {
    // Assigned again to the same officer (rule on receipt, then by hand): one notice is enough.
    const previous = await tx.maybeOne<{ id: string | null }>(
      "select data->'assignee'->>'id' as id from dossier_events where dossier_id = $1 and action = 'assign' and id < $2 order by id desc limit 1",
      [dossier.id, event.id],
    );
    if (previous?.id !== String(dossier.assigneeUserId)) staff = { userId: dossier.assigneeUserId, kind: "assigned" };
  }
  if (event.action === "send_to_leader" && dossier.leaderUserId) staff = { userId: dossier.leaderUserId, kind: "awaiting_approval" };
  if (!applicantKind && !staff) return;
  const vars = noticeVars(dossier, await agencyName(tx, dossier.agencyId), event, applicantKind);
  if (staff?.kind === "assigned" || staff?.kind === "awaiting_approval") vars.by = await handedOverBy(tx, event, staff.kind);
  if (applicantKind) await notifyApplicant(tx, { dossier, kind: applicantKind, vars, dedupe: `event:${event.id}` });
  if (staff) await notifyOfficer(tx, { dossier, userId: staff.userId, kind: staff.kind, vars, dedupe: `event:${event.id}:${staff.userId}` });
}

/**
 * The batch form of the listener (online submissions written together): the agencies' names read
 * once and every applicant's messages in one statement; other events go through the single form.
 */
export async function handleDossierEvents(e: { tx: Tx; items: readonly { dossier: Dossier; event: DossierEvent }[] }): Promise<void> {
  const { tx, items } = e;
  const submitted = items.filter((it) => it.event.action === "submit_online");
  for (const it of items) if (it.event.action !== "submit_online") await handleDossierEvent({ tx, ...it });
  if (submitted.length === 0) return;
  const ids = [...new Set(submitted.map((it) => it.dossier.agencyId))];
  const names = new Map((await tx.query<{ id: number; name: string }>("select id, name from agencies where id = any($1::int[])", [ids])).map((r) => [r.id, r.name]));
  const messages = submitted.flatMap(({ dossier, event }) => {
    const vars = noticeVars(dossier, names.get(dossier.agencyId) ?? "", event, "submitted");
    return applicantMessages({ dossier, kind: "submitted", vars, dedupe: `event:${event.id}` });
  });
  await enqueueMessages(tx, messages);
}
