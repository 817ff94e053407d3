import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import type { OfficialDocument } from "../../domain/documents/model";
import { MOTTO, NATIONAL_TITLE } from "../../domain/documents/model";
import { vnToday } from "../../domain/documents/numbering";
import { defaultPeriod, STANDARD_PERIODS, type StandardPeriod } from "../../domain/reports/period";
import { PLACEHOLDERS } from "../../domain/reports/cchc-communication";
import { isReportKind, REPORT_KIND_CODES, REPORT_KINDS, type ReportKind, sectionKeys } from "../../domain/reports/kinds";
import { TEMPLATES } from "../../domain/reports/templates";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { forbidden, HttpError, notFound, parseWith, requirePermission } from "../../web/http";
import { formatDate, formatDateTime } from "../../web/i18n";
import { registerDashboard, registerNav } from "../../web/registry";
import { CsrfField, ErrorSummary, Layout } from "../../web/views/layout";
import { type DispatchStatus, listDispatches, sendIssuedReport } from "../documents/dispatch";
import { documentsRoutes } from "../documents/routes";
import { plansRoutes } from "../plans/routes";
import { calendarRoutes } from "./calendar-routes";
import { owedKinds } from "./calendar";
import { defaultProviders } from "./gather";
import "./messages";
import "./province-messages";
import "./demo";
import {
  approveReport,
  createReportDraft,
  findReport,
  issueReport,
  listReports,
  type Report,
  ReportCreate,
  type ReportError,
  reportDocument,
  reportFile,
  ReportUpdate,
  resolveAgency,
  saveTemplates,
  templatesFor,
  updateReportDraft,
} from "./reports";

registerNav({ href: "/staff/reports", labelKey: "reports.nav", area: "staff", permission: "report.view", order: 70 });

registerDashboard(async (req, tx) => {
  if (!req.user || !can(req.user.role, "report.view")) return [];
  const r = await tx.one<{ n: number }>("select count(*)::int as n from reports where agency_id = $1 and status <> 'issued'", [req.user.agencyId]);
  return [{ labelKey: "reports.dashboardDrafts", value: r.n, href: "/staff/reports" }];
});

const IdParam = z.object({ id: z.coerce.number().int().positive().max(2147483647) });
const RefParam = z.object({ ref: z.string().regex(/^\d{1,9}(\.(docx|pdf))?$/, { message: "msg:error.404.body" }) });

function actorOf(req: FastifyRequest) {
  const u = req.user!;
  return { userId: u.id, label: u.username, fullName: u.fullName, title: u.title, agencyId: u.agencyId };
}

function reportError(e: ReportError): HttpError {
  if (typeof e === "object") return "period" in e ? new HttpError(400, `reports.period.${e.period}`) : new HttpError(400, "reports.badSection", { section: e.section });
  switch (e) {
    case "not_owed":
      return new HttpError(400, "reports.notOwed");
    case "not_yours":
      return new HttpError(403, "reports.notYours");
    case "not_found":
      return new HttpError(404, "error.404.body");
    case "issued":
      return new HttpError(409, "reports.frozen");
    case "not_draft":
      return new HttpError(409, "reports.notDraft");
    case "not_approved":
      return new HttpError(409, "reports.notApproved");
    case "agency_out_of_scope":
      return new HttpError(403, "reports.agencyOutOfScope");
  }
}

function unwrap(r: Report | ReportError): Report {
  if (typeof r === "string" || !("id" in r)) throw reportError(r as ReportError);
  return r;
}

async function draft(req: FastifyRequest, input: ReportCreate): Promise<Report> {
  const user = req.user!;
  const providers = await defaultProviders();
  return unwrap(
    await req.tx(async (tx) => {
      const agencyId = await resolveAgency(tx, input.agency, user.agencyId);
      if (!agencyId) return "agency_out_of_scope" as const;
      return createReportDraft(tx, { agencyId, kind: input.kind, from: input.from, to: input.to }, actorOf(req), { providers });
    }),
  );
}

/** Everyone lists their agency's reports; supervisors above also the issued reports their scope covers. */
function listScope(user: { role: Parameters<typeof can>[0]; agencyId: number }): { agencyId: number; issuedBelow: boolean } {
  return { agencyId: user.agencyId, issuedBelow: can(user.role, "province.supervise") };
}

/** The kinds the caller's agency may draft: what a commune owes, any kind for a province. */
async function draftableKinds(req: FastifyRequest): Promise<ReportKind[]> {
  const user = req.user!;
  return req.tx(async (tx) => {
    const a = await tx.one<{ kind: string }>("select kind from agencies where id = $1", [user.agencyId]);
    return a.kind === "commune" ? owedKinds(tx, user.agencyId) : [...REPORT_KIND_CODES];
  });
}

function canIssue(role: Parameters<typeof can>[0]): boolean {
  return can(role, "report.approve") || can(role, "report.draft");
}

/** Sends an issued report of the caller's agency again: nothing new for recipients already reached. */
async function resend(req: FastifyRequest, id: number): Promise<DispatchStatus[]> {
  const user = req.user!;
  // A DomainError (not issued: 409) becomes its status in the app's error handler.
  return req.tx(async (tx) => {
    const r = await findReport(tx, id);
    if (!r) throw notFound();
    if (r.agencyId !== user.agencyId) throw new HttpError(403, "reports.notYours");
    return sendIssuedReport(tx, id, actorOf(req));
  });
}

const FORMATS = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pdf: "application/pdf",
} as const;

async function sendFile(req: FastifyRequest, reply: FastifyReply, id: number, format: "docx" | "pdf"): Promise<FastifyReply> {
  const f = await req.tx((tx) => reportFile(tx, id, format));
  if (!f) throw notFound();
  const name = f.report.number ? `bao-cao-${f.report.number.replace("/", "-")}-${f.report.issuedOn?.slice(0, 4)}` : `du-thao-bao-cao-${id}`;
  reply.header("content-type", FORMATS[format]).header("content-disposition", `attachment; filename="${name}.${format}"`).header("cache-control", "private, no-store");
  if (f.stored && f.report.files) reply.header("etag", `"${format === "docx" ? f.report.files.docxSha256 : f.report.files.pdfSha256}"`);
  return reply.send(f.bytes);
}

const StatusTag = ({ ctx, status }: { ctx: PageCtx; status: Report["status"] }) => (
  <span class={`tag ${status === "issued" ? "ok" : status === "approved" ? "warn" : ""}`}>{ctx.t(`reports.status.${status}`)}</span>
);

function Unavailable({ ctx, report }: { ctx: PageCtx; report: Report }) {
  if (report.data.unavailable.length === 0) return null;
  return (
    <p class="notice" role="note">
      {ctx.t("reports.unavailable", { list: report.data.unavailable.map((p) => ctx.t(`reports.provider.${p}`)).join(", ") })}
    </p>
  );
}

/** "06-30" → "30/06" */
const dayMonth = (md: string) => `${md.slice(3)}/${md.slice(0, 2)}`;

/** The periods the form accepts, written from the table the validation uses. */
function PeriodHint({ ctx }: { ctx: PageCtx }) {
  const t = ctx.t;
  return (
    <div class="hint" id="period-hint">
      <p>{t("reports.periodHint")}</p>
      <ul>
        {(Object.entries(STANDARD_PERIODS) as [StandardPeriod, (typeof STANDARD_PERIODS)[StandardPeriod]][]).map(([kind, p]) => (
          <li key={kind}>{t("reports.periodHint.standard", { kind: t(`reports.periodKind.${kind}`), from: dayMonth(p.from), to: dayMonth(p.to), draftFrom: dayMonth(p.draftFrom) })}</li>
        ))}
        <li>{t("reports.periodHint.other")}</li>
      </ul>
    </div>
  );
}

function ListPage({ ctx, reports, kinds, errors, values }: { ctx: PageCtx; reports: Report[]; kinds: ReportKind[]; errors?: Record<string, string>; values?: Record<string, string> }) {
  const t = ctx.t;
  const v = values ?? defaultPeriod(vnToday());
  const chosen = values?.kind && isReportKind(values.kind) ? values.kind : kinds[0];
  return (
    <Layout ctx={ctx} title={t("reports.title")} area="staff">
      <h1>{t("reports.title")}</h1>
      <p class="lead">{t("reports.intro")}</p>
      <p>
        <a href="/staff/reports/calendar">{t("reportcal.title")}</a>
      </p>
      {reports.length === 0 ? (
        <p>{t("reports.none")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("reports.subject")}</th>
                <th scope="col">{t("reports.kindLabel")}</th>
                <th scope="col">{t("reports.agency")}</th>
                <th scope="col">{t("reports.period")}</th>
                <th scope="col">{t("reports.number")}</th>
                <th scope="col">{t("reports.status")}</th>
              </tr>
            </thead>
            <tbody>
              {reports.map((r) => (
                <tr key={r.id}>
                  <td>
                    <a href={`/staff/reports/${r.id}`}>{r.subject}</a>
                  </td>
                  <td>{t(`reports.kind.${r.kind}`)}</td>
                  <td>{r.data.agency.unitName}</td>
                  <td>
                    {formatDate(r.period.from)} – {formatDate(r.period.to)}
                  </td>
                  <td>{r.number ? `${r.number} (${formatDate(r.issuedOn)})` : "—"}</td>
                  <td>
                    <StatusTag ctx={ctx} status={r.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {can(ctx.user?.role, "report.draft") && kinds.length > 0 ? (
        <section class="panel">
          <h2>{t("reports.create")}</h2>
          <ErrorSummary ctx={ctx} errors={errors} />
          <form method="post" action="/staff/reports" novalidate>
            <CsrfField ctx={ctx} />
            <div class="field">
              <label for="f-kind">{t("reports.kindLabel")}</label>
              <select id="f-kind" name="kind">
                {kinds.map((k) => (
                  <option key={k} value={k} selected={k === chosen}>
                    {t(`reports.kind.${k}`)}
                  </option>
                ))}
              </select>
            </div>
            <PeriodHint ctx={ctx} />
            <div class="search-row">
              <div class="field">
                <label for="f-from">{t("reports.from")}</label>
                <input id="f-from" name="from" type="date" value={v.from} required aria-describedby="period-hint" />
              </div>
              <div class="field">
                <label for="f-to">{t("reports.to")}</label>
                <input id="f-to" name="to" type="date" value={v.to} required aria-describedby="period-hint" />
              </div>
            </div>
            <button type="submit">{t("reports.create")}</button>
          </form>
          <p>
            {t("reports.templates")}:{" "}
            {kinds.map((k, i) => (
              <>
                {i ? " · " : ""}
                <a href={`/staff/reports/templates?kind=${k}`}>{t(`reports.kind.${k}`)}</a>
              </>
            ))}
          </p>
        </section>
      ) : null}
    </Layout>
  );
}

function ReportPage({ ctx, report, dispatches, errors, saved }: { ctx: PageCtx; report: Report; dispatches: DispatchStatus[]; errors?: Record<string, string>; saved?: string }) {
  const t = ctx.t;
  const role = ctx.user?.role;
  // A supervisor reads a commune's report; only the agency's own staff write, approve and issue it.
  const own = report.agencyId === ctx.user?.agencyId;
  const editable = own && report.status !== "issued" && can(role, "report.draft");
  return (
    <Layout ctx={ctx} title={report.subject} area="staff">
      <p>
        <a href="/staff/reports">← {t("reports.title")}</a>
      </p>
      <h1>{report.subject}</h1>
      <p>
        <StatusTag ctx={ctx} status={report.status} /> · {t("reports.period")}: {formatDate(report.period.from)} – {formatDate(report.period.to)}
        {report.number ? ` · ${t("reports.number")}: ${report.number} (${formatDate(report.issuedOn)})` : ""}
        {report.signer ? ` · ${report.signer.name}` : ""}
      </p>
      {saved ? (
        <p class="notice" role="status">
          {t("plans.saved")}
        </p>
      ) : null}
      <Unavailable ctx={ctx} report={report} />
      {report.data.period.figuresTo ? (
        <p class="notice" role="note">
          {t("reports.figuresTo", { date: formatDate(report.data.period.figuresTo) })}
        </p>
      ) : null}
      <p>
        <a class="button secondary" href={`/staff/reports/${report.id}/preview`}>
          {t("reports.preview")}
        </a>{" "}
        <a class="button secondary" href={`/api/v1/reports/${report.id}.docx`}>
          {t("reports.docx")}
        </a>{" "}
        <a class="button secondary" href={`/api/v1/reports/${report.id}.pdf`}>
          {t("reports.pdf")}
        </a>
      </p>
      {report.files ? (
        <dl>
          <dt>{t("reports.sha")} (DOCX)</dt>
          <dd>
            <code>{report.files.docxSha256}</code>
          </dd>
          <dt>{t("reports.sha")} (PDF)</dt>
          <dd>
            <code>{report.files.pdfSha256}</code>
          </dd>
        </dl>
      ) : null}
      {report.status === "issued" ? <p class="muted">{t("reports.frozen")}</p> : null}
      {report.status === "issued" && own ? <Dispatches ctx={ctx} report={report} dispatches={dispatches} /> : null}
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={`/staff/reports/${report.id}`} novalidate>
        <CsrfField ctx={ctx} />
        <div class="field">
          <label for="f-subject">{t("reports.subject")}</label>
          <input id="f-subject" name="subject" value={report.subject} maxLength={500} readOnly={!editable} />
        </div>
        {report.sections.map((s) => (
          <section key={s.key}>
            <h2>{s.title}</h2>
            {s.facts.length ? (
              <>
                <h3 class="hint">{t("reports.facts")}</h3>
                <ul>
                  {s.facts.map((f) => (
                    <li>{f}</li>
                  ))}
                </ul>
              </>
            ) : null}
            {s.narrative !== null ? (
              <div class="field">
                <label for={`f-n-${s.key}`}>
                  {s.title} – {t("reports.narrative")}
                </label>
                <textarea id={`f-n-${s.key}`} name={`narratives.${s.key}`} maxLength={20000} readOnly={!editable}>
                  {s.narrative}
                </textarea>
              </div>
            ) : null}
          </section>
        ))}
        <div class="field">
          <label for="f-recipients">{t("reports.recipients")}</label>
          <textarea id="f-recipients" name="recipients" maxLength={6000} readOnly={!editable}>
            {report.recipients.join("\n")}
          </textarea>
        </div>
        {editable ? <button type="submit">{t("reports.save")}</button> : null}
      </form>
      {own && report.status === "draft" && can(role, "report.approve") ? (
        <form method="post" action={`/staff/reports/${report.id}/approve`} class="panel">
          <CsrfField ctx={ctx} />
          <p class="hint">{t("reports.approveHint")}</p>
          <button type="submit">{t("reports.approve")}</button>
        </form>
      ) : null}
      {own && report.status === "approved" && canIssue(role) ? (
        <form method="post" action={`/staff/reports/${report.id}/issue`} class="panel">
          <CsrfField ctx={ctx} />
          <p class="hint">{t("reports.issueHint")}</p>
          <button type="submit">{t("reports.issue")}</button>
        </form>
      ) : null}
    </Layout>
  );
}

/** Where the issued report went, and where each copy stands (issue 16). */
function Dispatches({ ctx, report, dispatches }: { ctx: PageCtx; report: Report; dispatches: DispatchStatus[] }) {
  const t = ctx.t;
  const state = (d: DispatchStatus) =>
    d.channel === "paper"
      ? t("dispatch.paper")
      : d.correctionRequestedAt
        ? t("dispatch.correction", { at: formatDateTime(d.correctionRequestedAt), reason: d.correctionReason ?? "" })
        : d.acknowledgedAt
          ? t("dispatch.acknowledged", { at: formatDateTime(d.acknowledgedAt) })
          : d.readAt
            ? t("dispatch.read", { at: formatDateTime(d.readAt) })
            : d.receivedAt
              ? t("dispatch.received", { at: formatDateTime(d.receivedAt) })
              : t("dispatch.sent");
  return (
    <section class="panel" aria-labelledby="dispatch-h">
      <h2 id="dispatch-h">{t("dispatch.title")}</h2>
      {dispatches.length === 0 ? <p>{t("dispatch.none")}</p> : null}
      <ul>
        {dispatches.map((d) => (
          <li key={d.id}>
            <strong>{d.toName ?? d.line}</strong>
            {d.toName ? <small class="muted"> ({d.line})</small> : null}: {state(d)}
          </li>
        ))}
      </ul>
      {can(ctx.user?.role, "report.draft") || can(ctx.user?.role, "report.approve") ? (
        <form method="post" action={`/staff/reports/${report.id}/send`}>
          <CsrfField ctx={ctx} />
          <p class="hint">{t("dispatch.resendHint")}</p>
          <button type="submit" class="secondary">
            {t("dispatch.resend")}
          </button>
        </form>
      ) : null}
    </section>
  );
}

/** An HTML rendering of the official document, for reading before download. */
function PreviewPage({ ctx, report, doc }: { ctx: PageCtx; report: Report; doc: OfficialDocument }) {
  return (
    <Layout ctx={ctx} title={`${ctx.t("reports.preview")}: ${report.subject}`} area="staff">
      <p class="no-print">
        <a href={`/staff/reports/${report.id}`}>← {report.subject}</a>
      </p>
      <article class="doc-preview" lang="vi">
        <div class="grid2">
          <div class="doc-c">
            {doc.header.parentLines.map((l) => (
              <div>{l}</div>
            ))}
            {doc.header.agencyLines.map((l) => (
              <div>
                <strong>{l}</strong>
              </div>
            ))}
            <div>{doc.header.numberLine}</div>
          </div>
          <div class="doc-c">
            <div>
              <strong>{NATIONAL_TITLE}</strong>
            </div>
            <div>
              <strong>
                <u>{MOTTO}</u>
              </strong>
            </div>
            <div>
              <em>{doc.header.placeDate}</em>
            </div>
          </div>
        </div>
        {doc.draftMark ? <p class="doc-c">{doc.draftMark}</p> : null}
        <h2 class="doc-c">{doc.kindTitle}</h2>
        <p class="doc-c">
          <strong>{doc.subject}</strong>
        </p>
        {doc.body.map((b) =>
          b.type === "heading" ? (
            <p>
              <strong>{b.level === 3 ? <em>{b.text}</em> : b.text}</strong>
            </p>
          ) : b.type === "table" ? (
            <div class="table-wrap">
              <table>
                <caption>{b.caption}</caption>
                <thead>
                  <tr>
                    {b.table.columns.map((c) => (
                      <th scope="col">{c.label}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {b.table.rows.map((r) => (
                    <tr>
                      {r.map((c) => (
                        <td>{c}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p>{b.type === "bullet" ? `- ${b.text}` : b.text}</p>
          ),
        )}
        <div class="grid2">
          <div>
            <p>
              <strong>
                <em>Nơi nhận:</em>
              </strong>
            </p>
            <ul>
              {doc.recipients.map((r) => (
                <li>{r}</li>
              ))}
            </ul>
          </div>
          <div class="doc-c">
            {doc.signature.authorityLines.map((l) => (
              <div>
                <strong>{l}</strong>
              </div>
            ))}
            <p>
              <strong>{doc.signature.name}</strong>
            </p>
          </div>
        </div>
      </article>
    </Layout>
  );
}

function TemplatesPage({ ctx, kind, bodies, saved }: { ctx: PageCtx; kind: ReportKind; bodies: Partial<Record<string, string>>; saved?: boolean }) {
  const t = ctx.t;
  const titles = REPORT_KINDS[kind].sections as Readonly<Record<string, string>>;
  return (
    <Layout ctx={ctx} title={t("reports.templates")} area="staff">
      <p>
        <a href="/staff/reports">← {t("reports.title")}</a>
      </p>
      <h1>{t("reports.templates")}</h1>
      <p class="lead">{t(`reports.kind.${kind}`)}</p>
      <p>{t("reports.templatesIntro", { list: PLACEHOLDERS.map((p) => `{${p}}`).join(", ") })}</p>
      {saved ? (
        <p class="notice" role="status">
          {t("reports.templatesSaved")}
        </p>
      ) : null}
      <form method="post" action={`/staff/reports/templates?kind=${kind}`}>
        <CsrfField ctx={ctx} />
        {sectionKeys(kind).map((s) => (
          <div class="field">
            <label for={`f-t-${s}`}>{titles[s]}</label>
            <textarea id={`f-t-${s}`} name={s} maxLength={20000}>
              {bodies[s] ?? TEMPLATES[kind].defaults[s]}
            </textarea>
          </div>
        ))}
        <button type="submit">{t("common.save")}</button>
      </form>
    </Layout>
  );
}

/** Form fields "narratives.organisation" … → { narratives: { organisation } }. */
function formToUpdate(body: Record<string, unknown>): Record<string, unknown> {
  const narratives: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (k.startsWith("narratives.") && typeof v === "string") narratives[k.slice("narratives.".length)] = v;
  return {
    ...(typeof body.subject === "string" ? { subject: body.subject } : {}),
    ...(typeof body.recipients === "string" ? { recipients: body.recipients } : {}),
    narratives,
  };
}

const KindQuery = z.object({ kind: z.string().refine(isReportKind, { message: "msg:reports.badKind" }).default("cchc-communication") });

const DispatchJson = z.object({
  id: z.number(),
  line: z.string(),
  channel: z.enum(["system", "paper"]),
  toAgencyId: z.number().nullable(),
  toName: z.string().nullable(),
  sentAt: z.string(),
  receivedAt: z.string().nullable(),
  readAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  correctionRequestedAt: z.string().nullable(),
  correctionReason: z.string().nullable(),
});

const ReportJson = z
  .object({
    id: z.number(),
    kind: z.enum(REPORT_KIND_CODES as [ReportKind, ...ReportKind[]]),
    status: z.enum(["draft", "approved", "issued"]),
    subject: z.string(),
    number: z.string().nullable(),
    period: z.object({ from: z.string(), to: z.string(), label: z.string() }),
    sections: z.array(z.object({ key: z.string(), title: z.string(), narrative: z.string().nullable(), facts: z.array(z.string()) })),
    recipients: z.array(z.string()),
  })
  .passthrough();

export async function reportsRoutes(app: FastifyInstance): Promise<void> {
  await plansRoutes(app);
  await documentsRoutes(app);
  await calendarRoutes(app);

  app.get("/staff/reports", async (req, reply) => {
    const user = requirePermission(req, "report.view");
    const reports = await req.tx((tx) => listReports(tx, listScope(user)));
    const kinds = can(user.role, "report.draft") ? await draftableKinds(req) : [];
    return reply.page(<ListPage ctx={req.pageCtx()} reports={reports} kinds={kinds} />);
  });

  app.post("/staff/reports", async (req, reply) => {
    const user = requirePermission(req, "report.draft");
    const values = (req.body ?? {}) as Record<string, string>;
    const parsed = ReportCreate.safeParse({ kind: values.kind || "cchc-communication", from: values.from, to: values.to });
    const again = async (message: string, field = "from") => {
      const reports = await req.tx((tx) => listReports(tx, listScope(user)));
      return reply.page(<ListPage ctx={req.pageCtx()} reports={reports} kinds={await draftableKinds(req)} errors={{ [field]: message }} values={values} />, 400);
    };
    if (!parsed.success) return again(req.t(parsed.error.issues.some((i) => i.path[0] === "kind") ? "reports.badKind" : "reports.badDate"), parsed.error.issues.some((i) => i.path[0] === "kind") ? "kind" : "from");
    try {
      const r = await draft(req, parsed.data);
      return reply.code(303).redirect(`/staff/reports/${r.id}`);
    } catch (e) {
      if (e instanceof HttpError && e.status === 400) return again(req.t(e.messageKey));
      throw e;
    }
  });

  app.get("/staff/reports/templates", async (req, reply) => {
    const user = requirePermission(req, "report.draft");
    const { kind } = parseWith(KindQuery, req.query, req) as { kind: ReportKind };
    const bodies = await req.tx((tx) => templatesFor(tx, user.agencyId, kind));
    return reply.page(<TemplatesPage ctx={req.pageCtx()} kind={kind} bodies={bodies} saved={(req.query as Record<string, string>).saved === "1"} />);
  });

  app.post("/staff/reports/templates", async (req, reply) => {
    const user = requirePermission(req, "report.draft");
    const { kind } = parseWith(KindQuery, req.query, req) as { kind: ReportKind };
    const body = parseWith(z.object(Object.fromEntries(sectionKeys(kind).map((s) => [s, z.string().max(20000, { message: "msg:reports.tooLong" }).optional()]))), req.body, req);
    await req.tx((tx) => saveTemplates(tx, user.agencyId, kind, body as Record<string, string | undefined>, actorOf(req)));
    return reply.code(303).redirect(`/staff/reports/templates?kind=${kind}&saved=1`);
  });

  app.get("/staff/reports/:id", async (req, reply) => {
    requirePermission(req, "report.view");
    const { id } = parseWith(IdParam, req.params, req);
    const found = await req.tx(async (tx) => {
      const r = await findReport(tx, id);
      return r ? { r, dispatches: r.status === "issued" ? await listDispatches(tx, id) : [] } : undefined;
    });
    if (!found) throw notFound();
    return reply.page(<ReportPage ctx={req.pageCtx()} report={found.r} dispatches={found.dispatches} saved={(req.query as Record<string, string>).saved} />);
  });

  app.post("/staff/reports/:id/send", async (req, reply) => {
    const user = requirePermission(req, "report.view");
    if (!canIssue(user.role)) throw forbidden();
    const { id } = parseWith(IdParam, req.params, req);
    await resend(req, id);
    return reply.code(303).redirect(`/staff/reports/${id}?saved=1`);
  });

  app.get("/staff/reports/:id/preview", async (req, reply) => {
    requirePermission(req, "report.view");
    const { id } = parseWith(IdParam, req.params, req);
    const r = await req.tx((tx) => findReport(tx, id));
    if (!r) throw notFound();
    return reply.page(<PreviewPage ctx={req.pageCtx()} report={r} doc={reportDocument(r)} />);
  });

  app.post("/staff/reports/:id", async (req, reply) => {
    requirePermission(req, "report.draft");
    const { id } = parseWith(IdParam, req.params, req);
    const patch = parseWith(ReportUpdate, formToUpdate(req.body as Record<string, unknown>), req);
    unwrap(await req.tx((tx) => updateReportDraft(tx, id, patch, actorOf(req))));
    return reply.code(303).redirect(`/staff/reports/${id}?saved=1`);
  });

  app.post("/staff/reports/:id/approve", async (req, reply) => {
    requirePermission(req, "report.approve");
    const { id } = parseWith(IdParam, req.params, req);
    unwrap(await req.tx((tx) => approveReport(tx, id, actorOf(req))));
    return reply.code(303).redirect(`/staff/reports/${id}?saved=1`);
  });

  app.post("/staff/reports/:id/issue", async (req, reply) => {
    const user = requirePermission(req, "report.view");
    if (!canIssue(user.role)) throw forbidden();
    const { id } = parseWith(IdParam, req.params, req);
    unwrap(await req.tx((tx) => issueReport(tx, id, actorOf(req))));
    return reply.code(303).redirect(`/staff/reports/${id}?saved=1`);
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/reports",
    summary:
      "Draft a report of a kind (cchc-communication, cchc-periodic, dossier-statistics, feedback-statistics) for the caller's agency and a period from the system's data. A commune drafts the kinds it owes (400 otherwise); a province (agency = its code) drafts the combined report of its communes",
    tags: ["reports"],
    auth: "report.draft",
    body: ReportCreate,
    response: ReportJson,
    successStatus: 201,
    errors: { 403: "The agency is not the caller's own" },
    handler: async ({ req, body }) => draft(req, body),
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/reports",
    summary: "Reports of the caller's agency, newest first",
    tags: ["reports"],
    auth: "report.view",
    response: z.object({ items: z.array(ReportJson) }),
    handler: async ({ req }) => ({ items: await req.tx((tx) => listReports(tx, listScope(req.user!))) }),
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/reports/:ref",
    summary: "A report as JSON ({id}), or its file ({id}.docx, {id}.pdf): the stored bytes once issued, a fresh render of a draft",
    tags: ["reports"],
    auth: "report.view",
    params: RefParam,
    response: ReportJson,
    errors: { 404: "No such report in the caller's agencies" },
    handler: async ({ req, reply, params }) => {
      const [idText, format] = params.ref.split(".") as [string, "docx" | "pdf" | undefined];
      const id = Number(idText);
      if (format) return sendFile(req, reply, id, format);
      const r = await req.tx((tx) => findReport(tx, id));
      if (!r) throw notFound();
      return r;
    },
  });

  defineApi(app, {
    method: "PATCH",
    url: "/api/v1/reports/:id",
    summary: "Edit a draft's subject, narrative sections and recipients (withdraws an approval); 409 once issued",
    tags: ["reports"],
    auth: "report.draft",
    params: IdParam,
    body: ReportUpdate,
    response: ReportJson,
    errors: { 404: "No such report", 409: "The report is issued and frozen" },
    handler: async ({ req, params, body }) => unwrap(await req.tx((tx) => updateReportDraft(tx, params.id, body, actorOf(req)))),
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/reports/:id/approve",
    summary: "Approve a draft (leader); the approver signs it",
    tags: ["reports"],
    auth: "report.approve",
    params: IdParam,
    response: ReportJson,
    errors: { 404: "No such report", 409: "Not a draft" },
    handler: async ({ req, params }) => unwrap(await req.tx((tx) => approveReport(tx, params.id, actorOf(req)))),
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/reports/:id/send",
    summary: "Send an issued report to its recipients again: idempotent (one incoming entry per recipient agency; paper recipients recorded once)",
    tags: ["reports", "documents"],
    auth: "report.view",
    params: IdParam,
    response: z.object({ items: z.array(DispatchJson) }),
    errors: { 404: "No such report", 409: "Not issued" },
    handler: async ({ req, params }) => {
      if (!canIssue(req.user!.role)) throw forbidden();
      return { items: await resend(req, params.id) };
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/reports/:id/dispatches",
    summary: "Where an issued report went: each recipient, received, read, acknowledged, a correction asked for",
    tags: ["reports", "documents"],
    auth: "report.view",
    params: IdParam,
    response: z.object({ items: z.array(DispatchJson) }),
    errors: { 404: "No such report" },
    handler: async ({ req, params }) => {
      const items = await req.tx(async (tx) => ((await findReport(tx, params.id)) ? listDispatches(tx, params.id) : undefined));
      if (!items) throw notFound();
      return { items };
    },
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/reports/:id/issue",
    summary: "Number an approved report from the register, store its DOCX and PDF (sha256) and freeze it",
    tags: ["reports"],
    auth: "report.view",
    params: IdParam,
    response: ReportJson,
    errors: { 404: "No such report", 409: "Not approved, or already issued" },
    handler: async ({ req, params }) => {
      if (!canIssue(req.user!.role)) throw forbidden();
      return unwrap(await req.tx((tx) => issueReport(tx, params.id, actorOf(req))));
    },
  });

}
