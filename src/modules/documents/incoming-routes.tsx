// The register of incoming documents (sổ văn bản đến, issue 16): pages and API. An agency reads
// its own register; a supervisor of the province may read a commune's (read-only). Documents
// from the installation arrive by themselves; others are registered by hand with their scan.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import { vnToday } from "../../domain/documents/numbering";
import { periodLabel } from "../../domain/reports/period";
import { isReportKind } from "../../domain/reports/kinds";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { asHttpError, forbidden, notFound, parseForm, parseWith, requirePermission } from "../../web/http";
import { formatDate, formatDateTime } from "../../web/i18n";
import { registerDashboard, registerNav } from "../../web/registry";
import { CsrfField, ErrorSummary, Field, Layout } from "../../web/views/layout";
import { checkUpload } from "../dossiers/files";
import { readMultipart } from "../dossiers/route-support";
import {
  acknowledge,
  AssignInput,
  assignableStaff,
  assignIncoming,
  CorrectionInput,
  findIncoming,
  type IncomingDocument,
  IncomingQuery,
  incomingFile,
  listIncoming,
  ManualIncoming,
  markRead,
  registerIncoming,
  requestCorrection,
} from "./incoming";
import "./messages";

/** Who keeps an incoming register: the route checks it, the menu shows it to the same people. */
export const INCOMING_ACCESS = "document.receive" as const;

registerNav({ href: "/staff/documents/incoming", labelKey: "incoming.nav", area: "staff", permission: INCOMING_ACCESS, order: 73 });

registerDashboard(async (req, tx) => {
  if (!req.user || !can(req.user.role, INCOMING_ACCESS)) return [];
  const r = await tx.one<{ n: number }>("select count(*)::int as n from incoming_documents where agency_id = $1 and acknowledged_at is null", [req.user.agencyId]);
  return [{ labelKey: "incoming.dashboard", value: r.n, href: "/staff/documents/incoming?pending=1", tone: r.n > 0 ? "warn" : "normal" }];
});

const IdParam = z.object({ id: z.coerce.number().int().positive().max(2147483647) });

function actorOf(req: FastifyRequest) {
  return { userId: req.user!.id, label: req.user!.username };
}

/**
 * Whose register a request reads: the caller's own, or — for a supervisor — a commune in its
 * scope named by code. Commune staff naming another agency are refused (403).
 */
async function registerAgency(req: FastifyRequest, code: string | undefined): Promise<{ id: number; own: boolean; name: string }> {
  const user = req.user!;
  if (!code || code === user.agencyCode) return { id: user.agencyId, own: true, name: user.agencyName };
  if (!can(user.role, "province.supervise")) throw forbidden("incoming.otherAgency");
  const a = await req.tx((tx) => tx.maybeOne<{ id: number; name: string; in_scope: boolean }>("select id, name, app_in_scope(id) as in_scope from agencies where code = $1 or gso_code = $1 limit 1", [code]));
  if (!a) throw notFound();
  if (!a.in_scope) throw forbidden("incoming.otherAgency");
  return { id: a.id, own: a.id === user.agencyId, name: a.name };
}

function kindWords(ctx: PageCtx, d: IncomingDocument): string | null {
  if (!d.reportKind || !isReportKind(d.reportKind)) return null;
  return `${ctx.t(`reports.kind.${d.reportKind}`)}${d.period ? ` · ${periodLabel(d.period.from, d.period.to)}` : ""}`;
}

function ListPage({ ctx, docs, year, pending, agency, errors, values }: { ctx: PageCtx; docs: IncomingDocument[]; year: number; pending: boolean; agency: { own: boolean; name: string; code?: string | undefined }; errors?: Record<string, string>; values?: Record<string, string> }) {
  const t = ctx.t;
  const v = values ?? {};
  const q = agency.code ? `&agency=${encodeURIComponent(agency.code)}` : "";
  return (
    <Layout ctx={ctx} title={t("incoming.title")} area="staff">
      <h1>{t("incoming.title")}</h1>
      <p class="lead">{agency.own ? t("incoming.intro") : t("incoming.introOther", { name: agency.name })}</p>
      <form method="get" action="/staff/documents/incoming" class="search-row">
        {agency.code ? <input type="hidden" name="agency" value={agency.code} /> : null}
        <div class="field">
          <label for="f-year">{t("plans.year")}</label>
          <input id="f-year" name="year" type="number" min={2000} max={2100} value={year} />
        </div>
        <label class="check-row">
          <input type="checkbox" name="pending" value="1" checked={pending} /> {t("incoming.pendingOnly")}
        </label>
        <button type="submit" class="secondary">
          {t("plans.filter")}
        </button>
      </form>
      {docs.length === 0 ? (
        <p>{t("incoming.none")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("incoming.number")}</th>
                <th scope="col">{t("incoming.arrivedAt")}</th>
                <th scope="col">{t("incoming.from")}</th>
                <th scope="col">{t("incoming.docCode")}</th>
                <th scope="col">{t("reports.subject")}</th>
                <th scope="col">{t("incoming.state")}</th>
              </tr>
            </thead>
            <tbody>
              {docs.map((d) => (
                <tr key={d.id}>
                  <td>
                    <a href={`/staff/documents/incoming/${d.id}${q ? `?${q.slice(1)}` : ""}`}>{d.number}</a>
                  </td>
                  <td>{formatDateTime(d.arrivedAt)}</td>
                  <td>{d.fromName}</td>
                  <td>
                    {d.docCode} ({formatDate(d.docDate)})
                  </td>
                  <td>{d.subject}</td>
                  <td>
                    <StateTag ctx={ctx} doc={d} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {agency.own && can(ctx.user?.role, INCOMING_ACCESS) ? (
        <section class="panel" aria-labelledby="manual-h">
          <h2 id="manual-h">{t("incoming.manual")}</h2>
          <p class="hint">{t("incoming.manualHint")}</p>
          <ErrorSummary ctx={ctx} errors={errors} />
          <form method="post" action="/staff/documents/incoming" enctype="multipart/form-data" novalidate>
            <CsrfField ctx={ctx} />
            <Field name="fromName" label={t("incoming.from")} value={v.fromName} error={errors?.fromName} required maxLength={300} />
            <Field name="docCode" label={t("incoming.docCode")} value={v.docCode} error={errors?.docCode} required maxLength={60} />
            <Field name="docDate" label={t("incoming.docDate")} type="date" value={v.docDate} error={errors?.docDate} required />
            <Field name="subject" label={t("reports.subject")} value={v.subject} error={errors?.subject} required maxLength={1000} />
            <div class={`field${errors?.scan ? " has-error" : ""}`}>
              <label for="f-scan">{t("incoming.scan")}</label>
              {errors?.scan ? <p class="error">{errors.scan}</p> : null}
              <input id="f-scan" type="file" name="scan" accept="application/pdf,image/jpeg,image/png" required />
            </div>
            <button type="submit">{t("incoming.register")}</button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

function StateTag({ ctx, doc }: { ctx: PageCtx; doc: IncomingDocument }) {
  const t = ctx.t;
  if (doc.correctionRequestedAt) return <span class="tag warn">{t("incoming.state.correction")}</span>;
  if (doc.assignee) return <span class="tag ok">{t("incoming.state.assigned", { name: doc.assignee.name })}</span>;
  if (doc.acknowledgedAt) return <span class="tag ok">{t("incoming.state.acknowledged")}</span>;
  return <span class="tag">{t("incoming.state.received")}</span>;
}

function DetailPage({ ctx, doc, staff, own, agencyCode, errors, done }: { ctx: PageCtx; doc: IncomingDocument; staff: { id: number; fullName: string; title: string | null }[]; own: boolean; agencyCode?: string | undefined; errors?: Record<string, string>; done?: string | undefined }) {
  const t = ctx.t;
  const q = agencyCode ? `?agency=${encodeURIComponent(agencyCode)}` : "";
  const acting = own && can(ctx.user?.role, INCOMING_ACCESS);
  const kind = kindWords(ctx, doc);
  return (
    <Layout ctx={ctx} title={t("incoming.detail", { number: doc.number, year: doc.year })} area="staff">
      <p>
        <a href={`/staff/documents/incoming${q}`}>← {t("incoming.title")}</a>
      </p>
      <h1>{doc.subject}</h1>
      {done ? (
        <p class="notice" role="status">
          {t(`incoming.done.${done}`)}
        </p>
      ) : null}
      <p>
        <StateTag ctx={ctx} doc={doc} />
      </p>
      <dl class="proc-facts">
        <dt>{t("incoming.number")}</dt>
        <dd>
          {doc.number}/{doc.year} · {formatDateTime(doc.arrivedAt)}
        </dd>
        <dt>{t("incoming.from")}</dt>
        <dd>{doc.fromName}</dd>
        <dt>{t("incoming.docCode")}</dt>
        <dd>
          {doc.docCode} · {formatDate(doc.docDate)}
        </dd>
        {kind ? (
          <>
            <dt>{t("reports.kindLabel")}</dt>
            <dd>{kind}</dd>
          </>
        ) : null}
        <dt>{t("incoming.file")}</dt>
        <dd>
          <a href={`/staff/documents/incoming/${doc.id}/file${q}`}>{doc.file.name}</a> <small class="muted">{Math.ceil(doc.file.size / 1024)} KB</small>
          {doc.reportId ? (
            <>
              {" · "}
              <a href={`/staff/reports/${doc.reportId}`}>{t("incoming.openReport")}</a>
            </>
          ) : null}
        </dd>
        <dt>{t("incoming.acknowledged")}</dt>
        <dd>{doc.acknowledgedAt ? `${formatDateTime(doc.acknowledgedAt)}${doc.acknowledgedBy ? ` · ${doc.acknowledgedBy}` : ""}` : "—"}</dd>
        <dt>{t("incoming.assignee")}</dt>
        <dd>{doc.assignee ? `${doc.assignee.name} · ${formatDateTime(doc.assignedAt)}${doc.handlingNote ? ` · ${doc.handlingNote}` : ""}` : "—"}</dd>
        {doc.correctionRequestedAt ? (
          <>
            <dt>{t("incoming.correction")}</dt>
            <dd>
              {formatDateTime(doc.correctionRequestedAt)}: {doc.correctionReason}
            </dd>
          </>
        ) : null}
      </dl>
      <ErrorSummary ctx={ctx} errors={errors} />
      {acting ? (
        <div class="grid2">
          {!doc.acknowledgedAt ? (
            <form method="post" action={`/staff/documents/incoming/${doc.id}/acknowledge`} class="panel">
              <CsrfField ctx={ctx} />
              <p class="hint">{t("incoming.acknowledgeHint")}</p>
              <button type="submit">{t("incoming.acknowledge")}</button>
            </form>
          ) : null}
          <form method="post" action={`/staff/documents/incoming/${doc.id}/assign`} class="panel" novalidate>
            <CsrfField ctx={ctx} />
            <h2>{t("incoming.assign")}</h2>
            <div class="field">
              <label for="f-assigneeUserId">{t("incoming.assignee")}</label>
              <select id="f-assigneeUserId" name="assigneeUserId">
                {staff.map((s) => (
                  <option key={s.id} value={String(s.id)} selected={doc.assignee?.id === s.id}>
                    {s.fullName}
                    {s.title ? ` – ${s.title}` : ""}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-note">{t("incoming.note")}</label>
              <textarea id="f-note" name="note" maxLength={2000} />
            </div>
            <button type="submit" class="secondary">
              {t("incoming.assign")}
            </button>
          </form>
          {doc.reportId ? (
            <form method="post" action={`/staff/documents/incoming/${doc.id}/correction`} class="panel" novalidate>
              <CsrfField ctx={ctx} />
              <h2>{t("incoming.askCorrection")}</h2>
              <p class="hint">{t("incoming.correctionHint")}</p>
              <div class={`field${errors?.reason ? " has-error" : ""}`}>
                <label for="f-reason">{t("incoming.reason")}</label>
                <textarea id="f-reason" name="reason" maxLength={2000} required />
              </div>
              <button type="submit" class="secondary">
                {t("incoming.askCorrection")}
              </button>
            </form>
          ) : null}
        </div>
      ) : null}
    </Layout>
  );
}

const IncomingJson = z.object({
  id: z.number(),
  number: z.number(),
  year: z.number(),
  arrivedAt: z.string(),
  fromAgencyId: z.number().nullable(),
  fromName: z.string(),
  docCode: z.string(),
  docDate: z.string(),
  subject: z.string(),
  reportId: z.number().nullable(),
  reportKind: z.string().nullable(),
  period: z.object({ from: z.string(), to: z.string() }).nullable(),
  readAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  assignee: z.object({ id: z.number(), name: z.string() }).nullable(),
  correctionRequestedAt: z.string().nullable(),
  correctionReason: z.string().nullable(),
  byHand: z.boolean(),
});

export async function incomingRoutes(app: FastifyInstance): Promise<void> {
  app.get("/staff/documents/incoming", async (req, reply) => {
    requirePermission(req, "report.view");
    const q = parseWith(IncomingQuery, req.query, req);
    const agency = await registerAgency(req, q.agency);
    const year = q.year ?? Number(vnToday().slice(0, 4));
    const docs = await req.tx((tx) => listIncoming(tx, agency.id, { year, pending: q.pending }));
    return reply.page(<ListPage ctx={req.pageCtx()} docs={docs} year={year} pending={q.pending ?? false} agency={{ ...agency, code: agency.own ? undefined : q.agency }} />);
  });

  app.post("/staff/documents/incoming", async (req, reply) => {
    const user = requirePermission(req, INCOMING_ACCESS);
    const form = await readMultipart(req, { files: 1 });
    const year = Number(vnToday().slice(0, 4));
    const again = async (errors: Record<string, string>, status: number) => {
      const docs = await req.tx((tx) => listIncoming(tx, user.agencyId, { year }));
      return reply.page(<ListPage ctx={req.pageCtx()} docs={docs} year={year} pending={false} agency={{ own: true, name: user.agencyName }} errors={errors} values={form.values} />, status);
    };
    const parsed = parseForm(ManualIncoming, form.values, req);
    if (!parsed.ok) return again(parsed.errors, 400);
    if (form.tooLarge.length) return again({ scan: req.t("documents.scanTooLarge") }, 413);
    const file = form.files.find((f) => f.field === "scan");
    if (!file) return again({ scan: req.t("documents.scanMissing") }, 400);
    try {
      const contentType = await checkUpload({ documentName: parsed.data.subject, fileName: file.fileName, data: file.data });
      const d = await req.tx((tx) => registerIncoming(tx, user.agencyId, parsed.data, { fileName: file.fileName, contentType, data: file.data }, actorOf(req)));
      return reply.code(303).redirect(`/staff/documents/incoming/${d.id}?done=registered`);
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status >= 400 && he.status < 500) return again({ scan: req.t(he.messageKey, he.vars) }, he.status);
      throw e;
    }
  });

  app.get("/staff/documents/incoming/:id", async (req, reply) => {
    requirePermission(req, "report.view");
    const { id } = parseWith(IdParam, req.params, req);
    const q = req.query as Record<string, string | undefined>;
    const agency = await registerAgency(req, q.agency);
    const data = await req.tx(async (tx) => {
      const doc = await findIncoming(tx, agency.id, id);
      if (!doc) return undefined;
      // Opening the entry is reading it, for its own agency (the sender sees it); a supervisor's look is not.
      if (agency.own) await markRead(tx, agency.id, id, actorOf(req));
      return { doc: agency.own ? ((await findIncoming(tx, agency.id, id)) ?? doc) : doc, staff: await assignableStaff(tx, agency.id) };
    });
    if (!data) throw notFound();
    return reply.page(<DetailPage ctx={req.pageCtx()} doc={data.doc} staff={data.staff} own={agency.own} agencyCode={agency.own ? undefined : q.agency} done={q.done} />);
  });

  app.get("/staff/documents/incoming/:id/file", async (req, reply) => {
    requirePermission(req, "report.view");
    const { id } = parseWith(IdParam, req.params, req);
    const agency = await registerAgency(req, (req.query as Record<string, string | undefined>).agency);
    // Reading the file is reading the document for its own agency; a supervisor's look is not.
    const f = await req.tx((tx) => incomingFile(tx, agency.id, id, agency.own ? actorOf(req) : null));
    if (!f) throw notFound();
    const ascii = f.name.normalize("NFD").replace(/[^\x20-\x7e]/g, "").replace(/["\\]/g, "_") || "van-ban";
    return reply
      .type(f.contentType)
      .header("content-disposition", `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(f.name)}`)
      .header("x-content-type-options", "nosniff")
      .header("cache-control", "private, no-store")
      .send(f.bytes);
  });

  const post = (action: "acknowledge" | "assign" | "correction") =>
    app.post(`/staff/documents/incoming/:id/${action}`, async (req, reply) => {
      const user = requirePermission(req, INCOMING_ACCESS);
      const { id } = parseWith(IdParam, req.params, req);
      const body = (req.body ?? {}) as Record<string, string>;
      try {
        await req.tx(async (tx) => {
          if (action === "acknowledge") return acknowledge(tx, user.agencyId, id, actorOf(req));
          if (action === "assign") return assignIncoming(tx, user.agencyId, id, parseWith(AssignInput, body, req), actorOf(req));
          return requestCorrection(tx, user.agencyId, id, parseWith(CorrectionInput, body, req), actorOf(req));
        });
      } catch (e) {
        const he = asHttpError(e);
        if (he?.status === 400) {
          const data = await req.tx(async (tx) => ({ doc: await findIncoming(tx, user.agencyId, id), staff: await assignableStaff(tx, user.agencyId) }));
          if (!data.doc) throw notFound();
          const message = he.details?.[0]?.message && he.messageKey === "error.validation" ? he.details[0].message : req.t(he.messageKey, he.vars);
          return reply.page(<DetailPage ctx={req.pageCtx()} doc={data.doc} staff={data.staff} own errors={{ [action === "correction" ? "reason" : "assigneeUserId"]: message }} />, 400);
        }
        throw e;
      }
      return reply.code(303).redirect(`/staff/documents/incoming/${id}?done=${action}`);
    });
  post("acknowledge");
  post("assign");
  post("correction");

  defineApi(app, {
    method: "GET",
    url: "/api/v1/documents/incoming",
    summary: "The register of incoming documents of the caller's agency, or (province supervisors) of a commune in scope: ?agency=CODE. Another agency's register: 403",
    tags: ["documents"],
    auth: "report.view",
    query: IncomingQuery,
    response: z.object({ agency: z.string(), items: z.array(IncomingJson) }),
    errors: { 403: "Another agency's register, outside what the caller supervises" },
    handler: async ({ req, query }) => {
      const agency = await registerAgency(req, query.agency);
      const items = await req.tx((tx) => listIncoming(tx, agency.id, { year: query.year, pending: query.pending, limit: query.limit }));
      return { agency: agency.name, items: items.map(({ file: _f, ...rest }) => rest) };
    },
  });

  const apiAction = (action: "acknowledge" | "assign" | "correction", summary: string, body: z.ZodType) =>
    defineApi(app, {
      method: "POST",
      url: `/api/v1/documents/incoming/:id/${action}`,
      summary,
      tags: ["documents"],
      auth: INCOMING_ACCESS,
      params: IdParam,
      body,
      response: IncomingJson,
      errors: action === "correction" ? { 404: "No such entry in the caller's register", 409: "Registered by hand: there is no sender in the installation to ask" } : { 404: "No such entry in the caller's register" },
      handler: async ({ req, params, body: b }) => {
        const user = req.user!;
        const d = await req.tx((tx) =>
          action === "acknowledge"
            ? acknowledge(tx, user.agencyId, params.id, actorOf(req))
            : action === "assign"
              ? assignIncoming(tx, user.agencyId, params.id, b as AssignInput, actorOf(req))
              : requestCorrection(tx, user.agencyId, params.id, b as CorrectionInput, actorOf(req)),
        );
        const { file: _f, ...rest } = d;
        return rest;
      },
    });
  apiAction("acknowledge", "Acknowledge receipt of an incoming document (the sender sees who and when); acknowledging again keeps the first", z.object({}).passthrough());
  apiAction("assign", "Assign an incoming document to a member of the agency's staff for handling", AssignInput);
  apiAction("correction", "Ask the sender of a document received through the system to correct it (a correction is a new document)", CorrectionInput);
}
