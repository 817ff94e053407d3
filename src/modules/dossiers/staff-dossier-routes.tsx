// A dossier for the staff: counter intake, the detail page with its actions, attachments.

import type { FastifyInstance, FastifyRequest } from "fastify";
import { Applicant } from "../../domain/dossiers/applicant";
import { availableActions, type DossierAction, isDossierAction, TRANSITIONS, type Transition } from "../../domain/dossiers/state-machine";
import type { PageCtx } from "../../web/context";
import { asHttpError, HttpError, notFound, requirePermission } from "../../web/http";
import { formatDateTime } from "../../web/i18n";
import { CsrfField, ErrorSummary, Field, Layout } from "../../web/views/layout";
import { getAgencyCalendar } from "../calendar/service";
import { computeAgencyDeadline } from "../calendar/service";
import { searchProcedures } from "../catalog/search-cache";
import { findOfferedProcedure } from "../catalog/service";
import { timeLimitText } from "../catalog/views";
import { ConsentBlock, postedConsentVersion } from "../privacy/consent-view";
import { recordAccess, viewDossier, viewerOf } from "../privacy/access-log";
import { ApplicantFacts, ConsentFact } from "../privacy/views";
import { sendAttachment } from "./download";
import { actorOf, fieldErrors, localised, readMultipart, runAction, tooLargeError } from "./route-support";
import { LOCAL_TIME_UNITS } from "../../domain/catalog/terms";
import { canAccess } from "../../domain/auth/permissions";
import { FEEDBACK_ACCESS } from "../feedback/access";
import { KIOSK_MINUTES, kioskOpenFor } from "../feedback/ratings";
import { type Dossier, type DossierAttachment, dossierTimeLimit, findDossier, listAttachments, listStaff, receiveAtCounter, requiredDocuments, timelinessOf } from "./service";
import "./intake-messages";
import { loadHistory } from "./history";
import { dossierPanels } from "./panels";
import { DocumentChecklist, EventHistory, StatusTag, TimeTag } from "./views";

export async function staffDossierRoutes(app: FastifyInstance): Promise<void> {
  // Counter intake: step 1 finds the procedure with the catalog's own search (tones and đ folded,
  // typos tolerated) and works without JavaScript (a results list of links); with it, the list
  // appears while typing and arrow keys + Enter pick. Step 2: applicant, checklist, time limit.
  async function renderIntake(req: FastifyRequest, opts: { values?: Record<string, unknown>; errors?: Record<string, string>; status?: number }) {
    const user = requirePermission(req, "dossier.receive");
    const q = req.query as Record<string, string | undefined>;
    const values = (opts.values ?? {}) as Record<string, string | string[] | undefined>;
    const code = String(values.procedure ?? q.procedure ?? "").trim().split(/\s+/)[0] ?? "";
    const query = String(q.q ?? "").slice(0, 200).trim();
    const procedure = code ? await req.tx((tx) => findOfferedProcedure(tx, { agencyId: user.agencyId, code })) : undefined;
    const found = !procedure && query ? await searchProcedures(app.deps.db, { agencyId: user.agencyId, q: query, limit: 15 }) : undefined;
    const ctx = req.pageCtx();
    const t = ctx.t;
    const errors = { ...(opts.errors ?? {}) };
    if (code && !procedure && !errors.procedure) errors.procedure = t("dossier.err.procedure");
    const docs = procedure ? requiredDocuments(procedure, "counter") : undefined;
    const ticked = new Set(Array.isArray(values.doc) ? values.doc : values.doc ? [values.doc] : []);
    const v = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : "");
    const strings = Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === "string"));
    const preview = procedure?.timeLimit
      ? await req.tx(async (tx) => {
          const limit = dossierTimeLimit(procedure.timeLimit);
          return limit ? (await computeAgencyDeadline(tx, { agencyId: user.agencyId, start: new Date(), amount: limit.amount, unit: limit.unit })).dueAt : null;
        })
      : null;
    const groups: { key: "submit" | "present"; items: NonNullable<typeof docs>["items"] }[] = docs
      ? [
          { key: "submit", items: docs.items.filter((d) => d.kind !== "present") },
          { key: "present", items: docs.items.filter((d) => d.kind === "present") },
        ]
      : [];
    return {
      status: opts.status ?? (code && !procedure ? 422 : 200),
      page: (
        <Layout ctx={ctx} title={t("dossier.new.title")} area="staff">
          <h1>{t("dossier.new.title")}</h1>
          <ErrorSummary ctx={ctx} errors={errors} />
          {procedure ? (
            <p>
              <a href="/staff/dossiers/new">{t("dossier.new.change")}</a>
            </p>
          ) : (
            <form method="get" action="/staff/dossiers/new" class="panel" role="search" data-procedure-search={`/api/v1/procedures?agency=${encodeURIComponent(user.agencyCode)}&limit=10&q=`}>
              <div class={`field${errors.procedure ? " has-error" : ""}`}>
                <label for="f-q">{t("dossier.new.searchLabel")}</label>
                <p class="hint" id="f-q-hint">
                  {t("dossier.new.searchHint")}
                </p>
                <input id="f-q" name="q" type="search" value={query} autoComplete="off" maxLength={200} aria-describedby="f-q-hint" />
              </div>
              <button type="submit">{t("dossier.new.search")}</button>
            </form>
          )}
          {found ? (
            <section aria-labelledby="found-h" id="intake-results">
              <h2 id="found-h">{found.items.length ? t("dossier.new.results", { n: found.items.length }) : t("dossier.new.noResults", { q: query })}</h2>
              <ol class="proc-list">
                {found.items.map((i) => (
                  <li key={i.code}>
                    <a href={`/staff/dossiers/new?procedure=${encodeURIComponent(i.code)}`}>{i.name}</a> <small class="muted">{i.code} · {i.field}</small>
                  </li>
                ))}
              </ol>
            </section>
          ) : null}
          {procedure && docs ? (
            <form method="post" action="/staff/dossiers/new" class="panel" novalidate>
              <CsrfField ctx={ctx} />
              <input type="hidden" name="procedure" value={procedure.code} />
              <h2>
                {procedure.name} <small class="muted">{procedure.code}</small>
              </h2>
              <p>
                {t("catalog.timeLimit")}: {procedure.timeLimit ? timeLimitText(ctx, procedure.timeLimit, null) : "—"}
                {preview ? (
                  <>
                    <br />
                    <strong>{t("dossier.new.appointment", { due: formatDateTime(preview) })}</strong>
                  </>
                ) : null}
              </p>
              <Field name="fullName" label={t("dossier.f.fullName")} value={v("fullName")} error={errors.fullName} required maxLength={200} />
              <Field name="idNumber" label={t("dossier.f.idNumber")} value={v("idNumber")} error={errors.idNumber} required inputMode="numeric" maxLength={12} />
              <Field name="phone" label={t("dossier.f.phone")} value={v("phone")} error={errors.phone} required type="tel" inputMode="tel" maxLength={20} />
              <Field name="email" label={t("dossier.f.email")} value={v("email")} error={errors.email} type="email" maxLength={200} />
              <Field name="addressLine" label={t("dossier.f.addressLine")} value={v("addressLine")} error={errors.addressLine} required maxLength={300} />
              <fieldset class={`field checklist${errors.attachments ? " has-error" : ""}`} id="f-attachments">
                <legend>{t("dossier.new.checklist")}</legend>
                <p class="hint">{t("dossier.new.checklistHint")}</p>
                {errors.attachments ? <p class="error">{errors.attachments}</p> : null}
                {groups
                  .filter((g) => g.items.length > 0)
                  .map((g) => (
                    <div key={g.key}>
                      <h3>{t(g.key === "submit" ? "dossier.new.submitGroup" : "dossier.new.presentGroup")}</h3>
                      {g.items.map((d) => (
                        <label key={d.id} class="check-row">
                          <input type="checkbox" name="doc" value={d.name} checked={ticked.has(d.name)} /> {d.name}{" "}
                          <span class={`tag${d.optional ? "" : " warn"}`}>
                            {d.optional ? (d.need === "optional" ? t("dossier.doc.ifAny") : t("dossier.doc.ifCase")) : t("dossier.doc.required")}
                          </span>{" "}
                          <small class="muted">{t(d.kind === "present" ? "dossier.new.seen" : "dossier.new.received")}</small>
                        </label>
                      ))}
                    </div>
                  ))}
                {docs.notes.length ? (
                  <details>
                    <summary>{t("dossier.doc.notes", { n: docs.notes.length })}</summary>
                    <ul>
                      {docs.notes.map((n, i) => (
                        <li key={i}>{n}</li>
                      ))}
                    </ul>
                  </details>
                ) : null}
              </fieldset>
              {procedure.timeLimit ? null : <TimeLimitFields ctx={ctx} prefix="f-tl" values={strings} errors={errors} />}
              <ConsentBlock ctx={ctx} checked={v("consent") === "yes"} error={errors.consent} counter />
              <div class="field">
                <label for="f-channel">{t("dossier.f.channel")}</label>
                <select id="f-channel" name="channel">
                  <option value="in_person" selected={v("channel") !== "post"}>
                    {t("dossier.channel.in_person")}
                  </option>
                  <option value="post" selected={v("channel") === "post"}>
                    {t("dossier.channel.post")}
                  </option>
                </select>
              </div>
              <button type="submit">{t("dossier.new.submit")}</button>
            </form>
          ) : null}
        </Layout>
      ),
    };
  }

  app.get("/staff/dossiers/new", async (req, reply) => {
    const r = await renderIntake(req, {});
    return reply.page(r.page, r.status);
  });

  app.post("/staff/dossiers/new", async (req, reply) => {
    const user = requirePermission(req, "dossier.receive");
    const body = (req.body ?? {}) as Record<string, string | string[] | undefined>;
    const str = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : "");
    const parsed = Applicant.safeParse({
      fullName: str("fullName"),
      idNumber: str("idNumber"),
      phone: str("phone"),
      email: str("email"),
      address: { line: str("addressLine") },
    });
    // The applicant was told the purpose and agreed (Luật 91/2025/QH15): the officer records it.
    const consentError: Record<string, string> = str("consent") === "yes" ? {} : { consent: req.t("privacy.err.consentCounter") };
    if (!parsed.success || consentError.consent) {
      const r = await renderIntake(req, { values: body, errors: { ...(parsed.success ? {} : fieldErrors(parsed.error, req)), ...consentError }, status: 400 });
      return reply.page(r.page, r.status);
    }
    const docs = Array.isArray(body.doc) ? body.doc : body.doc ? [body.doc] : [];
    try {
      const d = await localised(req, () =>
        req.tx((tx) =>
          receiveAtCounter(tx, {
            agencyId: user.agencyId,
            procedureCode: str("procedure").split(/\s+/)[0] ?? "",
            applicant: parsed.data,
            documentsReceived: docs,
            timeLimit: enteredTimeLimit(body),
            channel: str("channel") === "post" ? "post" : "in_person",
            actor: actorOf(user),
            consentVersion: postedConsentVersion(str("consentVersion")),
          }),
        ),
      );
      return reply.code(303).redirect(`/staff/dossiers/${encodeURIComponent(d.code)}?received=1`);
    } catch (e) {
      const he = asHttpError(e);
      if (he?.status === 422) {
        const where = he.messageKey.startsWith("dossier.err.timeLimit") ? "timeLimit" : "attachments";
        const r = await renderIntake(req, { values: body, errors: { [where]: req.t(he.messageKey, he.vars) }, status: 422 });
        return reply.page(r.page, r.status);
      }
      throw e;
    }
  });

  app.get("/staff/dossiers/:code", async (req, reply) => {
    const user = requirePermission(req, "dossier.view");
    const { code } = req.params as { code: string };
    const q = req.query as Record<string, string | undefined>;
    const data = await req.tx(async (tx) => {
      const d = await findDossier(tx, { agencyId: user.agencyId, code });
      if (!d) throw notFound("dossier.err.notFound");
      // The view is logged in the same transaction; identifiers whole only for those handling it.
      const exposure = await viewDossier(tx, { viewer: viewerOf(user), dossier: d, kind: "view" });
      const users = await tx.query<{ id: number; full_name: string }>("select id, full_name from users where id = any($1)", [
        [d.assigneeUserId, d.leaderUserId].filter((x): x is number => x !== null),
      ]);
      return {
        d,
        history: await loadHistory(tx, d.id),
        attachments: await listAttachments(tx, d.id),
        calendar: await getAgencyCalendar(tx, d.agencyId),
        staff: await listStaff(tx, { agencyId: d.agencyId, roles: ["specialist", "leader", "desk_officer"] }),
        names: new Map(users.map((u) => [u.id, u.full_name])),
        exposure,
      };
    });
    const { d, history, attachments, staff, names, exposure } = data;
    const ctx = req.pageCtx();
    const t = ctx.t;
    const own = d.agencyId === user.agencyId;
    const actions = availableActions(d.status, user.role).filter((a) =>
      own ? !(TRANSITIONS[a] as Transition).byReceivingAgency || d.status !== "transferred" : d.status === "transferred" && (a === "transfer_back" || a === "note"),
    );
    const tl = timelinessOf(d, data.calendar);
    const panels = await dossierPanels({ app, req, place: "staff", code: d.code });
    return reply.page(
      <Layout ctx={ctx} title={t("dossier.detail.title", { code: d.code })} area="staff">
        <h1>{t("dossier.detail.title", { code: d.code })}</h1>
        {q.received ? (
          <p class="notice" role="status">
            {t("dossier.detail.received", { code: d.code })}
          </p>
        ) : null}
        {q.done && isDossierAction(q.done) ? (
          <p class="notice" role="status">
            {t("dossier.detail.done", { action: t(`dossier.action.${q.done}`) })}
          </p>
        ) : null}
        <p class="lead">
          <StatusTag ctx={ctx} status={d.status} /> <TimeTag ctx={ctx} value={tl} />
        </p>
        {d.receivedAt ? (
          <p class="no-print">
            <a class="button" href={`/staff/dossiers/${encodeURIComponent(d.code)}/slips/01.pdf`}>
              {t("dossier.detail.print01")}
            </a>{" "}
            <a href={`/staff/dossiers/${encodeURIComponent(d.code)}/slips/05.pdf`}>{t("dossier.detail.print05")}</a>
          </p>
        ) : null}
        <div class="grid2">
          <section>
            <h2>{t("dossier.detail.data")}</h2>
            <dl class="proc-facts">
              <dt>{t("dossier.f.procedure")}</dt>
              <dd>
                {d.procedureName} <small class="muted">{d.procedureCode}</small>
              </dd>
              <dt>{t("dossier.f.applicant")}</dt>
              <dd>
                <ApplicantFacts ctx={ctx} d={d} exposure={exposure} />
              </dd>
              <dt>{t("privacy.consent.title")}</dt>
              <dd>
                <ConsentFact ctx={ctx} d={d} />
              </dd>
              <dt>{t("dossier.f.channel")}</dt>
              <dd>{t(`dossier.channel.${d.channel}`)}</dd>
              {d.submittedAt ? (
                <>
                  <dt>{t("dossier.f.submittedAt")}</dt>
                  <dd>{formatDateTime(d.submittedAt)}</dd>
                </>
              ) : null}
              {d.status === "submitted" && d.acceptDueAt ? (
                <>
                  <dt>{t("dossier.f.acceptDueAt")}</dt>
                  <dd>{formatDateTime(d.acceptDueAt)}</dd>
                </>
              ) : null}
              <dt>{t("dossier.f.receivedAt")}</dt>
              <dd>{formatDateTime(d.receivedAt)}</dd>
              <dt>{t("dossier.f.dueAt")}</dt>
              <dd>{formatDateTime(d.dueAt)}</dd>
              {d.finishedAt ? (
                <>
                  <dt>{t("dossier.f.finishedAt")}</dt>
                  <dd>{formatDateTime(d.finishedAt)}</dd>
                </>
              ) : null}
              <dt>{t("dossier.f.assignee")}</dt>
              <dd>{d.assigneeUserId ? names.get(d.assigneeUserId) : "—"}</dd>
              {d.leaderUserId ? (
                <>
                  <dt>{t("dossier.f.leader")}</dt>
                  <dd>{names.get(d.leaderUserId)}</dd>
                </>
              ) : null}
              <dt>{t("dossier.f.supplements")}</dt>
              <dd>{d.supplementCount}</dd>
            </dl>
            <h3>{t("dossier.detail.documents")}</h3>
            <DocumentChecklist ctx={ctx} documents={d.documents} />
            <h3>{t("dossier.detail.attachments")}</h3>
            <ul>
              {attachments.map((a) => (
                <li key={a.id}>
                  <a href={`/staff/dossiers/${encodeURIComponent(d.code)}/attachments/${a.id}`}>{a.documentName}</a>{" "}
                  <small class="muted">
                    {a.fileName} · {Math.ceil(a.size / 1024)} KB
                  </small>
                </li>
              ))}
            </ul>
          </section>
          <section>
            <h2>{t("dossier.detail.actions")}</h2>
            {own && canAccess(user.role, FEEDBACK_ACCESS.kiosk) && kioskOpenFor(d) ? (
              <form method="post" action="/staff/satisfaction/kiosk" class="panel no-print">
                <CsrfField ctx={ctx} />
                <input type="hidden" name="dossier" value={d.code} />
                <p class="hint">{t("feedback.kiosk.openHint", { minutes: KIOSK_MINUTES })}</p>
                <button type="submit">{t("feedback.kiosk.open")}</button>
              </form>
            ) : null}
            {actions.length === 0 ? <p>{t("dossier.detail.noActions")}</p> : null}
            {actions.map((a) => (
              <ActionForm key={a} ctx={ctx} dossier={d} action={a} staff={staff} results={attachments.filter((x) => x.kind === "result")} />
            ))}
          </section>
        </div>
        {panels}
        <h2>{t("dossier.detail.history")}</h2>
        <EventHistory ctx={ctx} events={history.events} people={history.people} />
      </Layout>,
    );
  });

  app.post("/staff/dossiers/:code/actions/:action", async (req, reply) => {
    const user = requirePermission(req, "dossier.view");
    const p = req.params as { code: string; action: string };
    if (!isDossierAction(p.action)) throw notFound();
    const form = await readMultipart(req);
    const oversize = tooLargeError(form);
    if (oversize) throw oversize;
    const { values, files } = form;
    const uploads = files.map((f) => ({ documentName: values.documentName || f.fileName, fileName: f.fileName, data: f.data }));
    const { _csrf: _c, documentName: _n, tlAmount: _a, tlUnit: _u, tlBasis: _b, ...rest } = values;
    const timeLimit = enteredTimeLimit(values);
    const input: Record<string, unknown> = timeLimit ? { ...rest, timeLimit } : rest;
    await runAction(app, req, { code: p.code, action: p.action, user, input, uploads });
    return reply.code(303).redirect(`/staff/dossiers/${encodeURIComponent(p.code)}?done=${p.action}`);
  });

  // A reason to see a dossier outside one's queue: kept in the access log, valid for a while.
  app.post("/staff/dossiers/:code/reveal", async (req, reply) => {
    const user = requirePermission(req, "dossier.view");
    const { code } = req.params as { code: string };
    const reason = String((req.body as Record<string, unknown> | undefined)?.reason ?? "").normalize("NFC").replace(/\s+/g, " ").trim();
    if (reason.length < 5 || reason.length > 500) throw new HttpError(400, "privacy.err.reason");
    await req.tx(async (tx) => {
      const d = await findDossier(tx, { agencyId: user.agencyId, code });
      if (!d) throw notFound("dossier.err.notFound");
      await recordAccess(tx, { dossier: d, viewer: viewerOf(user), kind: "reveal", whole: true, inQueue: false, reason });
    });
    return reply.code(303).redirect(`/staff/dossiers/${encodeURIComponent(code)}`);
  });

  app.get("/staff/dossiers/:code/attachments/:id", async (req, reply) => {
    const user = requirePermission(req, "dossier.view");
    const p = req.params as { code: string; id: string };
    const id = Number(p.id);
    if (!Number.isInteger(id) || id <= 0) throw notFound();
    const att = await req.tx(async (tx) => {
      const d = await findDossier(tx, { agencyId: user.agencyId, code: p.code });
      if (!d) return undefined;
      const found = (await listAttachments(tx, d.id)).find((a) => a.id === id);
      // A paper of the dossier is personal data: its download is in the access log.
      if (found) await viewDossier(tx, { viewer: viewerOf(user), dossier: d, kind: "attachment" });
      return found;
    });
    if (!att) throw notFound();
    return sendAttachment(reply, { db: app.deps.db, key: att.storagePath, fileName: att.fileName, contentType: att.contentType });
  });
}

function ActionForm({
  ctx,
  dossier,
  action,
  staff,
  results,
}: {
  ctx: PageCtx;
  dossier: Dossier;
  action: DossierAction;
  staff: { id: number; fullName: string; role: string }[];
  results: readonly DossierAttachment[];
}) {
  const t = ctx.t;
  const code = dossier.code;
  const kind = TRANSITIONS[action].input;
  // Files go with the result, and with the draft result a specialist sends for signature.
  const multipart = kind === "result" || action === "send_to_leader";
  const url = `/staff/dossiers/${encodeURIComponent(code)}/actions/${action}`;
  const id = (n: string) => `a-${action}-${n}`;
  const resultLinks =
    results.length > 0 ? (
      <ul>
        {results.map((r) => (
          <li key={r.id}>
            <a href={`/staff/dossiers/${encodeURIComponent(code)}/attachments/${r.id}`}>{r.fileName}</a> <small class="muted">{r.documentName}</small>
          </li>
        ))}
      </ul>
    ) : null;
  return (
    <form
      method="post"
      action={url}
      {...(multipart ? { enctype: "multipart/form-data" } : {})}
      class="panel action-form"
    >
      <CsrfField ctx={ctx} />
      <h3>{t(`dossier.action.${action}`)}</h3>
      {action === "approve" ? (
        <div class="approve-result">
          <p>{results.length ? t("dossier.approve.result") : t("dossier.approve.noResult")}</p>
          {resultLinks}
        </div>
      ) : null}
      {kind === "accept" && dossier.timeLimit === null ? <TimeLimitFields ctx={ctx} prefix={id("tl")} /> : null}
      {action === "send_to_leader" ? (
        <div class="field">
          <label for={id("draft")}>{t("dossier.f.draftResult")}</label>
          <p class="hint">{t("dossier.f.draftResultHint")}</p>
          <input id={id("draft")} type="file" name="file" multiple accept="application/pdf,image/jpeg,image/png" />
        </div>
      ) : null}
      {kind === "assignee" ? (
        <div class="field">
          <label for={id("assignee")}>{t("dossier.f.assignee")}</label>
          <select id={id("assignee")} name="assigneeUserId">
            <option value="">{t("dossier.f.byRule")}</option>
            {staff
              .filter((s) => s.role === "specialist")
              .map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.fullName}
                </option>
              ))}
          </select>
        </div>
      ) : null}
      {kind === "leader" ? (
        <div class="field">
          <label for={id("leader")}>{t("dossier.f.leader")}</label>
          <select id={id("leader")} name="leaderUserId">
            {staff
              .filter((s) => s.role === "leader")
              .map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.fullName}
                </option>
              ))}
          </select>
        </div>
      ) : null}
      {kind === "transfer" ? (
        <div class="field">
          <label for={id("to")}>{t("dossier.f.toAgency")}</label>
          <input id={id("to")} name="toAgencyCode" required maxLength={60} />
        </div>
      ) : null}
      {kind === "redate" ? (
        <div class="field">
          <label for={id("amount")}>{t("dossier.f.redateAmount")}</label>
          <input id={id("amount")} name="amount" type="number" min={1} max={365} required inputMode="numeric" />
        </div>
      ) : null}
      {kind === "result" ? (
        <div class="field">
          <label for={id("file")}>{t("dossier.f.resultFile")}</label>
          <input id={id("file")} type="file" name="file" accept="application/pdf,image/jpeg,image/png" />
        </div>
      ) : null}
      {kind === "return" ? (
        <div class="field">
          <label for={id("channel")}>{t("dossier.f.returnChannel")}</label>
          <select id={id("channel")} name="returnChannel">
            <option value="counter">{t("dossier.f.returnCounter")}</option>
            <option value="online">{t("dossier.f.returnOnline")}</option>
            <option value="post">{t("dossier.f.returnPost")}</option>
          </select>
        </div>
      ) : null}
              <div class="field">
          <label for={id("note")}>{kind === "reasons" || kind === "redate" ? t("dossier.f.reasons") : t("dossier.f.note")}</label>
          <textarea id={id("note")} name="note" maxLength={2000} required={kind === "reasons" || kind === "redate"} />
        </div>
      <button type="submit" class={action === "refuse" || action === "withdraw" ? "danger" : ""}>
        {t(`dossier.action.${action}`)}
      </button>
    </form>
  );
}

/** The time limit an officer enters for a procedure that has none (counter intake, accepting an online dossier). */
export function TimeLimitFields({ ctx, prefix, values, errors }: { ctx: PageCtx; prefix: string; values?: Record<string, string> | undefined; errors?: Record<string, string> | undefined }) {
  const t = ctx.t;
  return (
    <fieldset class={`field time-limit-entry${errors?.timeLimit ? " has-error" : ""}`}>
      <legend>{t("dossier.tl.legend")}</legend>
      <p class="hint">{t("dossier.tl.hint")}</p>
      {errors?.timeLimit ? <p class="error">{errors.timeLimit}</p> : null}
      <div class="row">
        <div class="field">
          <label for={`${prefix}-amount`}>{t("catalog.terms.amount")}</label>
          <input id={`${prefix}-amount`} name="tlAmount" inputMode="numeric" pattern="[0-9]*" maxLength={3} value={values?.tlAmount ?? ""} />
        </div>
        <div class="field">
          <label for={`${prefix}-unit`}>{t("catalog.terms.unit")}</label>
          <select id={`${prefix}-unit`} name="tlUnit">
            {LOCAL_TIME_UNITS.map((u) => (
              <option key={u} value={u} selected={(values?.tlUnit ?? "working_days") === u}>
                {t(`catalog.terms.unit.${u}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div class="field">
        <label for={`${prefix}-basis`}>{t("catalog.terms.basis")}</label>
        <input id={`${prefix}-basis`} name="tlBasis" maxLength={1000} value={values?.tlBasis ?? ""} />
      </div>
    </fieldset>
  );
}

/** The entered time limit of a posted form, or undefined when none of its fields was filled. */
export function enteredTimeLimit(values: Record<string, unknown>): Record<string, unknown> | undefined {
  const str = (k: string) => (typeof values[k] === "string" ? (values[k] as string).trim() : "");
  if (!str("tlAmount") && !str("tlBasis")) return undefined;
  return { amount: str("tlAmount"), unit: str("tlUnit"), basis: str("tlBasis") };
}
