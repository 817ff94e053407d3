// Reports drafted from the agency's data: draft → approved (leader) → issued (numbered from the
// register, DOCX and PDF stored with their sha256, frozen by a database trigger).
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Tx } from "../../db/scope";
import { documentCode, vnToday } from "../../domain/documents/numbering";
import type { OfficialDocument } from "../../domain/documents/model";
import { normaliseRecipients } from "../../domain/reports/cchc-communication";
import { periodFitsKind, REPORT_KIND_CODES, type ReportKind, sectionKeys } from "../../domain/reports/kinds";
import { checkPeriod, type PeriodProblem, periodLabel } from "../../domain/reports/period";
import { composeKind, narrativesOf, type PageSection, pageSections, recipientsOf, subjectOf, TEMPLATES } from "../../domain/reports/templates";
import type { ReportData } from "../../domain/reports/report-data";
import { toNfc } from "../../domain/text/fold";
import { appendAudit } from "../audit/audit";
import { renderDocx } from "../documents/render";
import { renderPdf } from "../documents/render";
import { sendIssuedReport } from "../documents/dispatch";
import { type Actor, issueDocumentNumber } from "../documents/register";
import { owesKind } from "./calendar";
import { gatherReportData, type ReportProviders } from "./gather";

/** Who acts on a report: a report is written, approved and issued by its own agency's staff only. */
export type ReportActor = Actor & { agencyId: number };

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: "msg:reports.badDate" });

export const ReportCreate = z.object({
  /** Agency code ("000.00.25.H12") or id; defaults to the caller's agency. */
  agency: z.union([z.string().trim().min(1).max(40), z.number().int().positive()]).optional(),
  kind: z.enum(REPORT_KIND_CODES as [ReportKind, ...ReportKind[]], { message: "msg:reports.badKind" }),
  from: isoDate,
  to: isoDate,
});
export type ReportCreate = z.infer<typeof ReportCreate>;

const narrativeText = z.string().max(20000, { message: "msg:reports.tooLong" }).transform((s) => toNfc(s.replace(/\r\n/g, "\n")));

export const ReportUpdate = z.object({
  subject: z.string().trim().min(3, { message: "msg:reports.badSubject" }).max(500, { message: "msg:reports.badSubject" }).transform(toNfc).optional(),
  /** Section key → text; the keys must be sections of the report's kind. */
  narratives: z.record(z.string().regex(/^[a-zA-Z]{2,40}$/, { message: "msg:reports.badSection" }), narrativeText).optional(),
  /** One recipient a line or an array; "Lưu: VT." is kept last. */
  recipients: z.union([z.array(z.string().max(300)).max(40), z.string().max(6000)]).optional(),
});
export type ReportUpdate = z.infer<typeof ReportUpdate>;

export type ReportStatus = "draft" | "approved" | "issued";

type ReportRow = {
  id: number;
  agency_id: number;
  kind: ReportKind;
  period_from: string;
  period_to: string;
  status: ReportStatus;
  subject: string;
  data: ReportData;
  narratives: Record<string, string>;
  recipients: string[];
  signer_mode: "TM" | "KT" | null;
  signer_title: string | null;
  signer_name: string | null;
  created_at: Date;
  updated_at: Date;
  approved_at: Date | null;
  number: number | null;
  symbol: string | null;
  issued_on: string | null;
  issued_at: Date | null;
  docx_sha256: string | null;
  pdf_sha256: string | null;
};

const COLS = `id, agency_id, kind, period_from::text as period_from, period_to::text as period_to, status, subject, data, narratives, recipients,
  signer_mode, signer_title, signer_name, created_at, updated_at, approved_at, number, symbol, issued_on::text as issued_on, issued_at, docx_sha256, pdf_sha256`;

export type ReportSection = PageSection;

export type Report = {
  id: number;
  agencyId: number;
  kind: ReportKind;
  period: { from: string; to: string; label: string };
  status: ReportStatus;
  subject: string;
  /** "82/BC-UBND" once issued. */
  number: string | null;
  issuedOn: string | null;
  signer: { mode: "TM" | "KT"; title: string | null; name: string } | null;
  recipients: string[];
  narratives: Record<string, string>;
  sections: ReportSection[];
  data: ReportData;
  files: { docxSha256: string; pdfSha256: string } | null;
  createdAt: string;
  updatedAt: string;
};

function toReport(r: ReportRow): Report {
  const template = TEMPLATES[r.kind];
  const narr = { ...template.defaults, ...r.narratives };
  const sections = pageSections(r.kind, r.data, narr);
  return {
    id: r.id,
    agencyId: r.agency_id,
    kind: r.kind,
    period: { from: r.period_from, to: r.period_to, label: periodLabel(r.period_from, r.period_to) },
    status: r.status,
    subject: r.subject,
    number: r.number && r.symbol ? documentCode(r.number, r.symbol) : null,
    issuedOn: r.issued_on,
    signer: r.signer_mode && r.signer_name ? { mode: r.signer_mode, title: r.signer_title, name: r.signer_name } : null,
    recipients: r.recipients,
    narratives: narr,
    sections,
    data: r.data,
    files: r.docx_sha256 && r.pdf_sha256 ? { docxSha256: r.docx_sha256, pdfSha256: r.pdf_sha256 } : null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export type ReportError =
  | "not_found"
  | "issued"
  | "not_draft"
  | "not_approved"
  | "agency_out_of_scope"
  | "not_owed"
  | "not_yours"
  | { period: PeriodProblem | "kind" }
  | { section: string };

/** Resolves the agency a caller drafts for: a code or id that must lie in the caller's scope. */
export async function resolveAgency(tx: Tx, agency: string | number | undefined, fallbackId: number): Promise<number | undefined> {
  const row =
    agency === undefined
      ? { id: fallbackId }
      : typeof agency === "number"
        ? await tx.maybeOne<{ id: number }>("select id from agencies where id = $1", [agency])
        : await tx.maybeOne<{ id: number }>("select id from agencies where code = $1 or gso_code = $1 limit 1", [agency]);
  if (!row) return undefined;
  // agencies are publicly readable: scope is checked explicitly.
  const ok = await tx.one<{ ok: boolean }>("select app_in_scope($1) as ok", [row.id]);
  return ok.ok ? row.id : undefined;
}

export async function templatesFor(tx: Tx, agencyId: number, kind: string): Promise<Partial<Record<string, string>>> {
  const rows = await tx.query<{ section: string; body: string }>("select section, body from report_templates where agency_id = $1 and kind = $2", [agencyId, kind]);
  return Object.fromEntries(rows.map((r) => [r.section, r.body]));
}

export async function saveTemplates(tx: Tx, agencyId: number, kind: ReportKind, bodies: Partial<Record<string, string>>, actor: Actor): Promise<void> {
  const defaults = TEMPLATES[kind].defaults;
  for (const s of sectionKeys(kind)) {
    const body = bodies[s];
    if (body === undefined) continue;
    if (body.trim() === "" || body.trim() === defaults[s]) await tx.exec("delete from report_templates where agency_id = $1 and kind = $2 and section = $3", [agencyId, kind, s]);
    else
      await tx.exec(
        `insert into report_templates (agency_id, kind, section, body) values ($1,$2,$3,$4)
         on conflict (agency_id, kind, section) do update set body = excluded.body, updated_at = now()`,
        [agencyId, kind, s, toNfc(body)],
      );
  }
  await appendAudit(tx, { agencyId, actorUserId: actor.userId, actor: actor.label, action: "report.templates", entity: "report_template", entityId: kind, data: { sections: Object.keys(bodies) } });
}

/**
 * Drafts a report of a kind for a period from the agency's data. A commune drafts only the kinds
 * it owes (the province's reporting calendar, or the kinds every commune owes); a province drafts
 * any kind, combining its communes' figures and reports.
 */
export async function createReportDraft(
  tx: Tx,
  input: { agencyId: number; kind: ReportKind; from: string; to: string },
  actor: Actor,
  opts: { providers: ReportProviders; today?: string },
): Promise<Report | ReportError> {
  const problem = checkPeriod(input.from, input.to, opts.today);
  if (problem) return { period: problem };
  if (!periodFitsKind(input.kind, input.from, input.to)) return { period: "kind" };
  const agency = await tx.one<{ kind: string }>("select kind from agencies where id = $1", [input.agencyId]);
  if (agency.kind === "commune" && !(await owesKind(tx, input.agencyId, input.kind))) return "not_owed";
  const data = await gatherReportData(tx, { agencyId: input.agencyId, kind: input.kind, from: input.from, to: input.to, providers: opts.providers, ...(opts.today ? { today: opts.today } : {}) });
  const narratives = narrativesOf(input.kind, data, await templatesFor(tx, input.agencyId, input.kind));
  const row = await tx.one<ReportRow>(
    `insert into reports (agency_id, kind, period_from, period_to, subject, data, narratives, recipients, created_by)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9) returning ${COLS}`,
    [input.agencyId, input.kind, input.from, input.to, subjectOf(input.kind, data), JSON.stringify(data), JSON.stringify(narratives), JSON.stringify(recipientsOf(input.kind, data)), actor.userId],
  );
  await appendAudit(tx, { agencyId: input.agencyId, actorUserId: actor.userId, actor: actor.label, action: "report.draft", entity: "report", entityId: row.id, data: { kind: input.kind, from: input.from, to: input.to, unavailable: data.unavailable } });
  return toReport(row);
}

export async function findReport(tx: Tx, id: number): Promise<Report | undefined> {
  const r = await tx.maybeOne<ReportRow>(`select ${COLS} from reports where id = $1`, [id]);
  return r ? toReport(r) : undefined;
}

/**
 * Reports of one agency (`agencyId`), and — for supervisors above communes (`issuedBelow`) — the
 * issued reports of every agency their scope covers (row-level security decides which).
 */
export async function listReports(tx: Tx, opts: { agencyId?: number; issuedBelow?: boolean }): Promise<Report[]> {
  const rows = await tx.query<ReportRow>(
    `select ${COLS} from reports where ($1::int is not null and agency_id = $1) or ($2 and status = 'issued')
     order by (agency_id = $1) desc nulls last, coalesce(issued_at, created_at) desc, id desc limit 200`,
    [opts.agencyId ?? null, opts.issuedBelow ?? false],
  );
  return rows.map(toReport);
}

export async function updateReportDraft(tx: Tx, id: number, patch: ReportUpdate, actor: ReportActor): Promise<Report | ReportError> {
  const cur = await tx.maybeOne<ReportRow>(`select ${COLS} from reports where id = $1 for update`, [id]);
  if (!cur) return "not_found";
  if (cur.agency_id !== actor.agencyId) return "not_yours";
  if (cur.status === "issued") return "issued";
  const unknown = Object.keys(patch.narratives ?? {}).find((k) => !sectionKeys(cur.kind).includes(k));
  if (unknown) return { section: unknown };
  const narratives = { ...cur.narratives, ...Object.fromEntries(Object.entries(patch.narratives ?? {}).filter(([, v]) => v !== undefined)) };
  const recipients =
    patch.recipients === undefined ? cur.recipients : normaliseRecipients(Array.isArray(patch.recipients) ? patch.recipients : patch.recipients.split(/\r?\n/));
  // Any edit withdraws an approval: the leader approves the text that will be issued.
  const row = await tx.one<ReportRow>(
    `update reports set subject = $2, narratives = $3, recipients = $4, status = 'draft', approved_by = null, approved_at = null,
       signer_mode = null, signer_title = null, signer_name = null, updated_at = now() where id = $1 returning ${COLS}`,
    [id, patch.subject ?? cur.subject, JSON.stringify(narratives), JSON.stringify(recipients)],
  );
  await appendAudit(tx, { agencyId: cur.agency_id, actorUserId: actor.userId, actor: actor.label, action: "report.edit", entity: "report", entityId: id, data: { fields: Object.keys(patch), wasApproved: cur.status === "approved" } });
  return toReport(row);
}

export async function approveReport(tx: Tx, id: number, actor: ReportActor & { fullName: string; title: string | null }): Promise<Report | ReportError> {
  const cur = await tx.maybeOne<{ agency_id: number; status: ReportStatus }>("select agency_id, status from reports where id = $1 for update", [id]);
  if (!cur) return "not_found";
  if (cur.agency_id !== actor.agencyId) return "not_yours";
  if (cur.status === "issued") return "issued";
  if (cur.status !== "draft") return "not_draft";
  // A vice-chair signs "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"; the chair signs for the committee (TM.).
  const mode = /phó/iu.test(actor.title ?? "") ? "KT" : "TM";
  const row = await tx.one<ReportRow>(
    `update reports set status = 'approved', approved_by = $2, approved_at = now(), signer_mode = $3, signer_title = $4, signer_name = $5, updated_at = now()
     where id = $1 returning ${COLS}`,
    [id, actor.userId, mode, actor.title, actor.fullName],
  );
  await appendAudit(tx, { agencyId: cur.agency_id, actorUserId: actor.userId, actor: actor.label, action: "report.approve", entity: "report", entityId: id, data: { signer: actor.fullName, mode } });
  return toReport(row);
}

export function reportDocument(r: Report, today = vnToday()): OfficialDocument {
  const issued = r.number && r.issuedOn ? { number: Number(r.number.split("/")[0]), symbol: r.number.split("/")[1]!, date: r.issuedOn } : undefined;
  return composeKind(r.kind, {
    data: r.data,
    subject: r.subject,
    narratives: r.narratives,
    recipients: r.recipients,
    ...(issued ? { issued } : {}),
    draftDate: today,
    signer: r.signer ? { mode: r.signer.mode, name: r.signer.name } : null,
  });
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/**
 * Numbers the approved report from the register, renders and stores both files, freezes the row,
 * and sends it to its recipients (src/modules/documents/dispatch.ts).
 */
export async function issueReport(tx: Tx, id: number, actor: ReportActor, today = vnToday()): Promise<Report | ReportError> {
  const cur = await tx.maybeOne<ReportRow>(`select ${COLS} from reports where id = $1 for update`, [id]);
  if (!cur) return "not_found";
  if (cur.agency_id !== actor.agencyId) return "not_yours";
  if (cur.status === "issued") return "issued";
  if (cur.status !== "approved") return "not_approved";
  const doc = await issueDocumentNumber(
    tx,
    { agencyId: cur.agency_id, kind: "BC", issuedOn: today, subject: cur.subject, entity: "report", entityId: id, ...(cur.signer_name ? { signerName: cur.signer_name } : {}) },
    actor,
  );
  const issued = toReport({ ...cur, number: doc.number, symbol: doc.symbol, issued_on: doc.issuedOn });
  const model = reportDocument(issued, today);
  const [docx, pdf] = await Promise.all([renderDocx(model), renderPdf(model)]);
  const row = await tx.one<ReportRow>(
    `update reports set status = 'issued', document_id = $2, number = $3, symbol = $4, issued_on = $5, issued_by = $6, issued_at = now(),
       docx = $7, pdf = $8, docx_sha256 = $9, pdf_sha256 = $10, updated_at = now() where id = $1 returning ${COLS}`,
    [id, doc.id, doc.number, doc.symbol, doc.issuedOn, actor.userId, docx, pdf, sha256(docx), sha256(pdf)],
  );
  await appendAudit(tx, {
    agencyId: cur.agency_id,
    actorUserId: actor.userId,
    actor: actor.label,
    action: "report.issue",
    entity: "report",
    entityId: id,
    data: { number: doc.code, issuedOn: doc.issuedOn, docxSha256: row.docx_sha256, pdfSha256: row.pdf_sha256 },
  });
  await sendIssuedReport(tx, id, actor);
  return toReport(row);
}

/** The file of a report: the stored bytes once issued (never re-rendered), a fresh render of a draft. */
export async function reportFile(tx: Tx, id: number, format: "docx" | "pdf"): Promise<{ bytes: Buffer; report: Report; stored: boolean } | undefined> {
  const r = await tx.maybeOne<ReportRow & { docx: Buffer | null; pdf: Buffer | null }>(`select ${COLS}, docx, pdf from reports where id = $1`, [id]);
  if (!r) return undefined;
  const report = toReport(r);
  if (r.status === "issued") return { bytes: (format === "docx" ? r.docx : r.pdf)!, report, stored: true };
  const model = reportDocument(report);
  return { bytes: format === "docx" ? await renderDocx(model) : await renderPdf(model), report, stored: false };
}
