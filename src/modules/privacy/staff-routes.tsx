// The staff's side of personal data protection: the data subjects' requests with their deadlines
// (correct, delete where the law allows, or refuse with the reason), the breach register with its
// 72-hour deadline, and the retention periods per procedure field with the anonymisation job.

import type { FastifyInstance, FastifyRequest } from "fastify";
import type { VNode } from "preact";
import { type Access, can, canAccess } from "../../domain/auth/permissions";
import { deletionAllowed, retentionFor, DEFAULT_RETENTION_YEARS, REQUEST_ANSWER_HOURS, BREACH_NOTIFY_HOURS } from "../../domain/privacy/rules";
import type { PageCtx } from "../../web/context";
import { asHttpError, HttpError, notFound, parseForm, redirect, requireAccess } from "../../web/http";
import { formatDateTime, formatNumber } from "../../web/i18n";
import { registerDashboard, registerNav } from "../../web/registry";
import { CsrfField, ErrorSummary, Field, Layout, TextAreaField } from "../../web/views/layout";
import { appendAudit } from "../audit/audit";
import { findDossier } from "../dossiers/service";
import { recordAccess, viewerOf } from "./access-log";
import { BREACH_STEPS, type BreachStep, BreachInput, breachDeadline, listBreaches, markBreach, recordBreach } from "./breaches";
import "./messages";
import { acceptDeletion, applyCorrection, CorrectionValues, getRequest, listRequests, type PrivacyRequest, refuseRequest } from "./requests";
import { removeFiles, retentionSettings, runRetention } from "./retention";

export const PRIVACY_ACCESS: Access = ["privacy.requests", "privacy.manage"];
const REQUESTS: Access = "privacy.requests";
const MANAGE: Access = "privacy.manage";

registerNav({ href: "/staff/privacy", labelKey: "privacy.nav", area: "staff", permission: PRIVACY_ACCESS, order: 89 });

registerDashboard(async (req, tx) => {
  const user = req.user;
  if (!user || !can(user.role, "privacy.requests")) return [];
  const r = await tx.one<{ open: number; overdue: number }>(
    "select count(*)::int as open, count(*) filter (where due_at < now())::int as overdue from privacy_requests where agency_id = $1 and status = 'open'",
    [user.agencyId],
  );
  if (r.open === 0) return [];
  return [{ labelKey: "privacy.dash.requests", value: r.open, href: "/staff/privacy", tone: r.overdue > 0 ? "bad" : "warn" }];
});

function DueTag({ ctx, due, done }: { ctx: PageCtx; due: Date; done: boolean }) {
  if (done) return null;
  const late = due.getTime() < Date.now();
  return <span class={`tag ${late ? "bad" : "warn"}`}>{ctx.t(late ? "privacy.overdueSince" : "privacy.dueBy", { at: formatDateTime(due) })}</span>;
}

function RequestsTable({ ctx, rows }: { ctx: PageCtx; rows: PrivacyRequest[] }) {
  const t = ctx.t;
  if (rows.length === 0) return <p>{t("privacy.requestsNone")}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("privacy.r.no")}</th>
            <th scope="col">{t("dossier.f.code")}</th>
            <th scope="col">{t("privacy.my.kind")}</th>
            <th scope="col">{t("privacy.r.filed")}</th>
            <th scope="col">{t("dossier.f.status")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <a href={`/staff/privacy/requests/${r.id}`}>{t("privacy.r.open", { n: r.id })}</a>
              </td>
              <td>{r.dossierCode}</td>
              <td>{t(`privacy.request.kind.${r.kind}`)}</td>
              <td>{formatDateTime(r.createdAt)}</td>
              <td>
                {t(`privacy.request.status.${r.status}`)} <DueTag ctx={ctx} due={r.dueAt} done={r.status !== "open"} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const str = (b: unknown, k: string) => {
  const v = (b as Record<string, unknown> | undefined)?.[k];
  return typeof v === "string" ? v : "";
};

function answerOf(req: FastifyRequest, min = 0): string {
  const a = str(req.body, "answer").normalize("NFC").trim();
  if (a.length < min || a.length > 2000) throw new HttpError(400, "privacy.err.answer");
  return a;
}

const rendered = (status: number, vnode: VNode) => ({ status, vnode });

export async function privacyStaffRoutes(app: FastifyInstance): Promise<void> {
  app.get("/staff/privacy", async (req, reply) => {
    const user = requireAccess(req, PRIVACY_ACCESS);
    const mayRequests = canAccess(user.role, REQUESTS);
    const mayManage = canAccess(user.role, MANAGE);
    const data = await req.tx(async (tx) => ({
      requests: mayRequests ? await listRequests(tx, { agencyId: user.agencyId }) : [],
      breaches: mayManage ? await listBreaches(tx, user.agencyId) : [],
    }));
    const ctx = req.pageCtx();
    const t = ctx.t;
    const openBreaches = data.breaches.filter((b) => !b.closedAt);
    return reply.page(
      <Layout ctx={ctx} title={t("privacy.title")} area="staff">
        <h1>{t("privacy.title")}</h1>
        <p class="lead">{t("privacy.intro")}</p>
        {mayManage ? (
          <ul class="nav">
            <li>
              <a href="/staff/privacy/breaches">
                {t("privacy.breaches")} ({formatNumber(openBreaches.length)})
              </a>
            </li>
            <li>
              <a href="/staff/privacy/retention">{t("privacy.retention")}</a>
            </li>
          </ul>
        ) : null}
        {mayRequests ? (
          <section aria-labelledby="req-h">
            <h2 id="req-h">{t("privacy.requests")}</h2>
            <p class="hint">{t("privacy.requestsHint", { hours: REQUEST_ANSWER_HOURS })}</p>
            <RequestsTable ctx={ctx} rows={data.requests} />
          </section>
        ) : null}
      </Layout>,
    );
  });

  // ---------------------------------------------------------------------------------------------
  // Requests

  async function renderRequest(req: FastifyRequest, id: number, state?: { errors: Record<string, string>; values: Record<string, string>; status: number }) {
    const user = requireAccess(req, REQUESTS);
    const data = await req.tx(async (tx) => {
      const r = await getRequest(tx, { agencyId: user.agencyId, id });
      const d = await findDossier(tx, { agencyId: user.agencyId, code: r.dossierCode });
      // Handling a request means reading the data it is about: logged like any view.
      if (d && r.status === "open") await recordAccess(tx, { dossier: d, viewer: viewerOf(user), kind: "correction", whole: true, inQueue: false, reason: `Yêu cầu số ${r.id}` });
      const settings = await retentionSettings(tx, user.agencyId);
      return { r, d, settings };
    });
    const { r, d } = data;
    const ctx = req.pageCtx();
    const t = ctx.t;
    const v = state?.values ?? {};
    const proposal = d && r.kind === "deletion" ? deletionAllowed({ status: d.status, closedAt: d.closedAt, field: d.procedureField }, data.settings) : undefined;
    return rendered(
      state?.status ?? 200,
      <Layout ctx={ctx} title={t("privacy.r.title", { n: r.id })} area="staff">
        <h1>{t("privacy.r.title", { n: r.id })}</h1>
        <ErrorSummary ctx={ctx} errors={state?.errors} />
        <dl class="proc-facts">
          <dt>{t("dossier.f.code")}</dt>
          <dd>
            <a href={`/staff/dossiers/${encodeURIComponent(r.dossierCode)}`}>{r.dossierCode}</a>
          </dd>
          <dt>{t("privacy.my.kind")}</dt>
          <dd>{t(`privacy.request.kind.${r.kind}`)}</dd>
          <dt>{t("privacy.r.filed")}</dt>
          <dd>{formatDateTime(r.createdAt)}</dd>
          <dt>{t("dossier.f.status")}</dt>
          <dd>
            {t(`privacy.request.status.${r.status}`)} <DueTag ctx={ctx} due={r.dueAt} done={r.status !== "open"} />
            {r.answer ? ` — ${r.answer}` : ""}
          </dd>
          <dt>{t("privacy.my.details")}</dt>
          <dd>{r.details}</dd>
          {d && !d.anonymisedAt ? (
            <>
              <dt>{t("privacy.r.current")}</dt>
              <dd>
                {d.applicant.fullName} · {d.applicant.idNumber} · {d.applicant.phone}
                {d.applicant.email ? ` · ${d.applicant.email}` : ""} · {d.applicant.address.line}
              </dd>
            </>
          ) : null}
        </dl>
        {r.status === "open" && r.kind === "correction" ? (
          <form method="post" action={`/staff/privacy/requests/${r.id}/correct`} class="panel" novalidate>
            <CsrfField ctx={ctx} />
            <h2>{t("privacy.r.correct")}</h2>
            <p class="hint">{t("privacy.r.correctHint")}</p>
            <Field name="fullName" label={t("dossier.f.fullName")} value={v.fullName ?? r.requested.fullName} error={state?.errors.fullName} maxLength={200} />
            <Field name="idNumber" label={t("dossier.f.idNumber")} value={v.idNumber ?? r.requested.idNumber} error={state?.errors.idNumber} inputMode="numeric" maxLength={12} />
            <Field name="phone" label={t("dossier.f.phone")} value={v.phone ?? r.requested.phone} error={state?.errors.phone} maxLength={20} />
            <Field name="email" label={t("dossier.f.email")} value={v.email ?? r.requested.email} error={state?.errors.email} maxLength={200} />
            <Field name="addressLine" label={t("dossier.f.addressLine")} value={v.addressLine ?? r.requested.addressLine} error={state?.errors.addressLine} maxLength={300} />
            <TextAreaField name="answer" label={t("privacy.r.answer")} value={v.answer} rows={2} maxLength={2000} />
            <button type="submit">{t("privacy.r.correct")}</button>
          </form>
        ) : null}
        {r.status === "open" && r.kind === "deletion" && proposal ? (
          <form method="post" action={`/staff/privacy/requests/${r.id}/delete`} class="panel">
            <CsrfField ctx={ctx} />
            <h2>{t("privacy.r.delete")}</h2>
            <p class={proposal.allowed ? "notice" : "hint"}>
              {proposal.allowed
                ? t("privacy.r.deleteAllowed")
                : proposal.reason === "open"
                  ? t("privacy.r.deleteOpen")
                  : proposal.until
                    ? t("privacy.r.deleteRetention", { until: formatDateTime(proposal.until) })
                    : t("privacy.r.deletePermanent")}
            </p>
            <TextAreaField name="answer" label={t("privacy.r.answer")} rows={2} maxLength={2000} />
            <button type="submit" class="danger">
              {t("privacy.r.delete")}
            </button>
          </form>
        ) : null}
        {r.status === "open" ? (
          <form method="post" action={`/staff/privacy/requests/${r.id}/refuse`} class="panel">
            <CsrfField ctx={ctx} />
            <h2>{t("privacy.r.refuse")}</h2>
            <TextAreaField name="answer" label={t("privacy.r.refuseReason")} rows={3} maxLength={2000} required error={state?.errors.answer} />
            <button type="submit" class="secondary">
              {t("privacy.r.refuse")}
            </button>
          </form>
        ) : null}
        <p>
          <a href="/staff/privacy">{t("privacy.title")}</a>
        </p>
      </Layout>,
    );
  }
  const idOf = (req: FastifyRequest) => {
    const id = Number((req.params as { id: string }).id);
    if (!Number.isInteger(id) || id <= 0 || id > 2_000_000_000) throw notFound();
    return id;
  };

  app.get("/staff/privacy/requests/:id", async (req, res) => {
    const r = await renderRequest(req, idOf(req));
    return res.page(r.vnode, r.status);
  });

  app.post("/staff/privacy/requests/:id/correct", async (req, res) => {
    const user = requireAccess(req, REQUESTS);
    const id = idOf(req);
    const values: Record<string, string> = {};
    for (const k of ["fullName", "idNumber", "phone", "email", "addressLine", "answer"]) values[k] = str(req.body, k);
    const parsed = parseForm(CorrectionValues, values, req);
    if (!parsed.ok) {
      const r = await renderRequest(req, id, { errors: parsed.errors, values, status: 400 });
      return res.page(r.vnode, r.status);
    }
    try {
      await req.tx((tx) => applyCorrection(tx, { agencyId: user.agencyId, id, values: parsed.data, answer: answerOf(req) || req.t("privacy.r.correctedAnswer"), viewer: viewerOf(user), actorLabel: user.username }));
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status === 422) {
        const r = await renderRequest(req, id, { errors: { fullName: req.t(he.messageKey) }, values, status: 422 });
        return res.page(r.vnode, r.status);
      }
      throw e;
    }
    return redirect(res, `/staff/privacy/requests/${id}`);
  });

  app.post("/staff/privacy/requests/:id/delete", async (req, res) => {
    const user = requireAccess(req, REQUESTS);
    const id = idOf(req);
    const files = await acceptDeletion(app.deps.db, { agencyId: user.agencyId, id, answer: answerOf(req) || req.t("privacy.r.deletedAnswer"), viewer: viewerOf(user), actorLabel: user.username });
    await removeFiles(app.deps.db, files);
    return redirect(res, `/staff/privacy/requests/${id}`);
  });

  app.post("/staff/privacy/requests/:id/refuse", async (req, res) => {
    const user = requireAccess(req, REQUESTS);
    const id = idOf(req);
    const answer = str(req.body, "answer").trim();
    if (answer.length < 5) {
      const r = await renderRequest(req, id, { errors: { answer: req.t("privacy.err.answer") }, values: { answer }, status: 400 });
      return res.page(r.vnode, r.status);
    }
    await req.tx((tx) => refuseRequest(tx, { agencyId: user.agencyId, id, answer: answerOf(req, 5), viewer: viewerOf(user), actorLabel: user.username }));
    return redirect(res, `/staff/privacy/requests/${id}`);
  });

  // ---------------------------------------------------------------------------------------------
  // Breaches

  async function renderBreaches(req: FastifyRequest, state?: { errors: Record<string, string>; values: Record<string, string>; status: number }) {
    const user = requireAccess(req, MANAGE);
    const rows = await req.tx((tx) => listBreaches(tx, user.agencyId));
    const ctx = req.pageCtx();
    const t = ctx.t;
    const v = state?.values ?? {};
    return rendered(
      state?.status ?? 200,
      <Layout ctx={ctx} title={t("privacy.breaches")} area="staff">
        <h1>{t("privacy.breaches")}</h1>
        <p class="lead">{t("privacy.breachesIntro", { hours: BREACH_NOTIFY_HOURS })}</p>
        {rows.length === 0 ? <p>{t("privacy.breachesNone")}</p> : null}
        {rows.map((b) => {
          const state = breachDeadline(b);
          return (
            <section key={b.id} class="panel">
              <h2>{t("privacy.b.title", { n: b.id, at: formatDateTime(b.discoveredAt) })}</h2>
              <p>
                <span class={`tag ${state === "overdue" || state === "notified_late" ? "bad" : state === "open" ? "warn" : ""}`}>{t(`privacy.b.state.${state}`, { at: formatDateTime(b.notifyBy) })}</span>
                {b.closedAt ? ` ${t("privacy.b.closed", { at: formatDateTime(b.closedAt) })}` : ""}
              </p>
              <p>{b.description}</p>
              <dl class="proc-facts">
                <dt>{t("privacy.b.data")}</dt>
                <dd>{b.dataAffected || "—"}</dd>
                <dt>{t("privacy.b.count")}</dt>
                <dd>{b.subjectsCount === null ? "—" : formatNumber(b.subjectsCount)}</dd>
                <dt>{t("privacy.b.measures")}</dt>
                <dd>{b.measures || "—"}</dd>
                <dt>{t("privacy.b.authority")}</dt>
                <dd>{formatDateTime(b.authorityNotifiedAt)}</dd>
                <dt>{t("privacy.b.subjects")}</dt>
                <dd>{formatDateTime(b.subjectsNotifiedAt)}</dd>
              </dl>
              {b.closedAt ? null : (
                <form method="post" action={`/staff/privacy/breaches/${b.id}`} class="inline-form">
                  <CsrfField ctx={ctx} />
                  <label for={`f-measures-${b.id}`}>{t("privacy.b.measuresAdd")}</label>
                  <textarea id={`f-measures-${b.id}`} name="measures" rows={2} maxLength={4000} />
                  {BREACH_STEPS.filter((s) => (s === "authority_notified" ? !b.authorityNotifiedAt : s === "subjects_notified" ? !b.subjectsNotifiedAt : true)).map((s) => (
                    <button key={s} type="submit" name="step" value={s} class="secondary">
                      {t(`privacy.b.step.${s}`)}
                    </button>
                  ))}
                </form>
              )}
            </section>
          );
        })}
        <form method="post" action="/staff/privacy/breaches" class="panel" novalidate>
          <CsrfField ctx={ctx} />
          <h2>{t("privacy.b.new")}</h2>
          <ErrorSummary ctx={ctx} errors={state?.errors} />
          <Field name="discoveredAt" label={t("privacy.b.discoveredAt")} hint={t("privacy.b.discoveredAtHint")} value={v.discoveredAt} error={state?.errors.discoveredAt} required maxLength={40} />
          <TextAreaField name="description" label={t("privacy.b.description")} value={v.description} error={state?.errors.description} rows={4} maxLength={4000} required />
          <TextAreaField name="dataAffected" label={t("privacy.b.data")} value={v.dataAffected} error={state?.errors.dataAffected} rows={2} maxLength={2000} />
          <Field name="subjectsCount" label={t("privacy.b.count")} value={v.subjectsCount} error={state?.errors.subjectsCount} inputMode="numeric" maxLength={9} />
          <TextAreaField name="measures" label={t("privacy.b.measures")} value={v.measures} error={state?.errors.measures} rows={3} maxLength={4000} />
          <button type="submit">{t("privacy.b.record")}</button>
        </form>
        <p>
          <a href="/staff/privacy">{t("privacy.title")}</a>
        </p>
      </Layout>,
    );
  }

  app.get("/staff/privacy/breaches", async (req, res) => {
    const r = await renderBreaches(req);
    return res.page(r.vnode, r.status);
  });

  app.post("/staff/privacy/breaches", async (req, res) => {
    const user = requireAccess(req, MANAGE);
    const values: Record<string, string> = {};
    for (const k of ["discoveredAt", "description", "dataAffected", "subjectsCount", "measures"]) values[k] = str(req.body, k);
    const parsed = parseForm(BreachInput, values, req);
    if (!parsed.ok) {
      const r = await renderBreaches(req, { errors: parsed.errors, values, status: 400 });
      return res.page(r.vnode, r.status);
    }
    try {
      await req.tx((tx) => recordBreach(tx, { agencyId: user.agencyId, input: parsed.data, actor: { userId: user.id, label: user.username } }));
    } catch (e) {
      const he = asHttpError(e);
      if (he?.status === 422) {
        const r = await renderBreaches(req, { errors: { discoveredAt: req.t(he.messageKey) }, values, status: 422 });
        return res.page(r.vnode, r.status);
      }
      throw e;
    }
    return redirect(res, "/staff/privacy/breaches");
  });

  app.post("/staff/privacy/breaches/:id", async (req, res) => {
    const user = requireAccess(req, MANAGE);
    const id = idOf(req);
    const step = str(req.body, "step");
    if (!(BREACH_STEPS as readonly string[]).includes(step)) throw new HttpError(400, "error.validation");
    const measures = str(req.body, "measures").normalize("NFC").trim().slice(0, 4000);
    await req.tx((tx) => markBreach(tx, { agencyId: user.agencyId, id, step: step as BreachStep, measures, actor: { userId: user.id, label: user.username } }));
    return redirect(res, "/staff/privacy/breaches");
  });

  // ---------------------------------------------------------------------------------------------
  // Retention

  app.get("/staff/privacy/retention", async (req, res) => {
    const user = requireAccess(req, MANAGE);
    const q = req.query as Record<string, string | undefined>;
    const data = await req.tx(async (tx) => ({
      settings: await retentionSettings(tx, user.agencyId),
      fields: (
        await tx.query<{ field: string; closed: number; anonymised: number }>(
          `select procedure_field as field, count(*) filter (where closed_at is not null)::int as closed, count(*) filter (where anonymised_at is not null)::int as anonymised
           from dossiers where agency_id = $1 group by procedure_field order by procedure_field`,
          [user.agencyId],
        )
      ).filter((f) => f.field !== ""),
    }));
    const ctx = req.pageCtx();
    const t = ctx.t;
    return res.page(
      <Layout ctx={ctx} title={t("privacy.retention")} area="staff">
        <h1>{t("privacy.retention")}</h1>
        {q.ran !== undefined ? (
          <p class="notice" role="status">
            {t("privacy.ret.ran", { n: Number(q.ran) || 0 })}
          </p>
        ) : null}
        <p class="lead">{t("privacy.ret.intro", { years: DEFAULT_RETENTION_YEARS })}</p>
        {data.fields.length === 0 ? <p>{t("privacy.ret.none")}</p> : null}
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("privacy.ret.field")}</th>
                <th scope="col">{t("privacy.ret.period")}</th>
                <th scope="col">{t("privacy.ret.closed")}</th>
                <th scope="col">{t("privacy.ret.change")}</th>
              </tr>
            </thead>
            <tbody>
              {data.fields.map((f, i) => {
                const rule = retentionFor(f.field, data.settings);
                const own = data.settings.find((s) => s.field === f.field);
                return (
                  <tr key={f.field}>
                    <td>{f.field}</td>
                    <td>
                      {rule.years === null ? t("privacy.ret.permanent") : t("privacy.ret.years", { n: rule.years })}{" "}
                      <small class="muted">{rule.source === "setting" ? own?.basis || t("privacy.ret.own") : t("privacy.ret.default")}</small>
                    </td>
                    <td>
                      {formatNumber(f.closed)} / {formatNumber(f.anonymised)}
                    </td>
                    <td>
                      <form method="post" action="/staff/privacy/retention" class="inline-form">
                        <CsrfField ctx={ctx} />
                        <input type="hidden" name="field" value={f.field} />
                        <label for={`f-years-${i}`}>{t("privacy.ret.yearsLabel")}</label>
                        <input id={`f-years-${i}`} name="years" inputMode="numeric" maxLength={3} size={3} value={own?.years ?? ""} />
                        <label for={`f-basis-${i}`}>{t("privacy.ret.basis")}</label>
                        <input id={`f-basis-${i}`} name="basis" maxLength={300} value={own?.basis ?? ""} />
                        <button type="submit" class="secondary">
                          {t("privacy.ret.save")}
                        </button>
                      </form>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <form method="post" action="/staff/privacy/retention/run" class="panel">
          <CsrfField ctx={ctx} />
          <p class="hint">{t("privacy.ret.runHint")}</p>
          <button type="submit">{t("privacy.ret.run")}</button>
        </form>
        <p>
          <a href="/staff/privacy">{t("privacy.title")}</a>
        </p>
      </Layout>,
    );
  });

  app.post("/staff/privacy/retention", async (req, res) => {
    const user = requireAccess(req, MANAGE);
    const field = str(req.body, "field").normalize("NFC").trim();
    const raw = str(req.body, "years").trim().toLowerCase();
    const basis = str(req.body, "basis").normalize("NFC").trim().slice(0, 300);
    if (!field || field.length > 300) throw new HttpError(400, "error.validation");
    // Empty: back to the default; "0" or "vv" (vĩnh viễn): kept permanently; else 1–100 years.
    const years = raw === "" ? undefined : raw === "0" || raw === "vv" ? null : Number(raw);
    if (years !== undefined && years !== null && (!Number.isInteger(years) || years < 1 || years > 100)) throw new HttpError(400, "privacy.err.years");
    await req.tx(async (tx) => {
      if (years === undefined) await tx.exec("delete from privacy_retention where agency_id = $1 and field = $2", [user.agencyId, field]);
      else
        await tx.exec(
          `insert into privacy_retention (agency_id, field, years, basis, updated_by) values ($1, $2, $3, $4, $5)
           on conflict (agency_id, field) do update set years = excluded.years, basis = excluded.basis, updated_by = excluded.updated_by, updated_at = now()`,
          [user.agencyId, field, years, basis, user.id],
        );
      await appendAudit(tx, { agencyId: user.agencyId, actorUserId: user.id, actor: user.username, action: "privacy.retention", entity: "privacy_retention", entityId: field, data: { years: years ?? "default", basis } });
    });
    return redirect(res, "/staff/privacy/retention");
  });

  app.post("/staff/privacy/retention/run", async (req, res) => {
    const user = requireAccess(req, MANAGE);
    const [r] = await runRetention(app.deps.db, { agencyIds: [user.agencyId] });
    return redirect(res, `/staff/privacy/retention?ran=${r?.anonymised ?? 0}`);
  });
}
