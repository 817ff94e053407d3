// The public side: sending a PAKN, following it, the published answers of a commune and its
// satisfaction figures. Works without JavaScript; every refusal is a form shown again with its
// message and a 4xx.

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { PUBLIC_SCOPE, type Tx } from "../../db/scope";
import { RATING_ITEMS } from "../../domain/feedback/rating";
import { CONTENT_LIMITS, FEEDBACK_CODE, FEEDBACK_TOPICS, type FeedbackTopic, FeedbackSubmission, MAX_FEEDBACK_FILES, SUBJECT_LIMITS } from "../../domain/feedback/submission";
import { availableFeedbackActions } from "../../domain/feedback/workflow";
import type { PageCtx } from "../../web/context";
import { asHttpError, HttpError, issueMessages, notFound } from "../../web/http";
import { formatDate, formatDateTime } from "../../web/i18n";
import { registerHomeSection } from "../../web/registry";
import { CsrfField, ErrorSummary, Field, FileField, Layout, TextAreaField } from "../../web/views/layout";
import type { Agency } from "../agencies/agencies";
import { listOfferedProcedures, type OfferedProcedureItem } from "../catalog/service";
import { siteAgency } from "../../web/core-routes";
import { discardFiles, stageFiles, type StagedFile, withStagedFiles } from "../dossiers/files";
import { rateLimit, readMultipart } from "../dossiers/route-support";
import { BarChart } from "./chart";
import { type QuarterFigures, quarterlySatisfaction, ratingYears } from "./ratings";
import { errorText, feedbackBase, localisedFeedback, publicAgency, siteOf, sourceHashOf } from "./route-support";
import {
  applyFeedbackAction,
  findPublishedFeedback,
  listPublishedFeedback,
  PETITIONER_LABEL,
  type PublishedFeedback,
  publishedTopicCounts,
  rateAnswer,
  submitFeedback,
  type TrackedFeedback,
  trackFeedback,
} from "./service";
import { FeedbackHistory, FeedbackStatusTag, Paragraphs, points, share } from "./views";

const ACCEPT = "application/pdf,image/jpeg,image/png";
const PAGE_SIZE = 20;

function pageNo(req: FastifyRequest): number {
  const n = Number((req.query as Record<string, string>).page ?? 1);
  return Number.isSafeInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}

function str(values: Record<string, unknown>, key: string): string {
  const v = values[key];
  return typeof v === "string" ? v : "";
}

const trackPath = (code: string, contact: string, extra: Record<string, string> = {}) => `/feedback/track?${new URLSearchParams({ code, contact, ...extra }).toString()}`;

// ---------------------------------------------------------------------------------------------
// Published answers

function AnswerItem({ ctx, item }: { ctx: PageCtx; item: PublishedFeedback }) {
  const t = ctx.t;
  const excerpt = item.question.length > 240 ? `${item.question.slice(0, 240).trimEnd()}…` : item.question;
  return (
    <li class="fb-item">
      <a href={`${feedbackBase(item.agencyCode)}/${encodeURIComponent(item.code)}`}>
        <strong>{item.subject}</strong>
      </a>
      <div class="muted">
        <span class="tag">{t(`feedback.topic.${item.topic}`)}</span> {item.agencyName} · {t("feedback.public.receivedAt")} {formatDate(item.receivedAt)} · {t("feedback.public.answeredAt")}{" "}
        {formatDate(item.answeredAt)}
      </div>
      <p>{excerpt}</p>
    </li>
  );
}

function ListPage(p: { ctx: PageCtx; agency: Agency; items: PublishedFeedback[]; total: number; counts: Record<string, number>; topic?: FeedbackTopic; q: string; page: number }) {
  const { ctx, agency } = p;
  const t = ctx.t;
  const base = feedbackBase(agency.code);
  const qs = (extra: Record<string, string>) => {
    const s = new URLSearchParams({ ...(p.topic ? { topic: p.topic } : {}), ...(p.q ? { q: p.q } : {}), ...extra }).toString();
    return s ? `${base}?${s}` : base;
  };
  const pages = Math.max(1, Math.ceil(p.total / PAGE_SIZE));
  return (
    <Layout ctx={ctx} title={t("feedback.public.title")}>
      <h1>{t("feedback.public.title")}</h1>
      <p class="lead">{t("feedback.public.intro")}</p>
      <p>
        <a class="button" href={`${base}/send`}>
          {t("feedback.public.send")}
        </a>{" "}
        <a href={`/c/${encodeURIComponent(agency.code)}/satisfaction`}>{t("feedback.public.satisfaction")}</a>
      </p>
      <section class="panel" aria-labelledby="fb-track-h">
        <h2 id="fb-track-h">{t("feedback.public.trackTitle")}</h2>
        <TrackForm ctx={ctx} code="" contact="" />
      </section>
      <h2>{t("feedback.public.answered")}</h2>
      <form method="get" action={base} class="search-row" role="search">
        <div class="field">
          <label for="f-q">{t("feedback.public.search")}</label>
          <input id="f-q" name="q" type="search" value={p.q} maxLength={200} />
        </div>
        <div class="field">
          <label for="f-topic">{t("feedback.public.topic")}</label>
          <select id="f-topic" name="topic">
            <option value="">{t("feedback.public.allTopics")}</option>
            {FEEDBACK_TOPICS.map((topic) => (
              <option key={topic} value={topic} selected={p.topic === topic}>
                {t(`feedback.topic.${topic}`)} ({p.counts[topic] ?? 0})
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t("feedback.public.searchSubmit")}</button>
      </form>
      <nav class="comm-subnav" aria-label={t("feedback.public.topic")}>
        <a href={p.q ? `${base}?${new URLSearchParams({ q: p.q })}` : base} aria-current={p.topic ? undefined : "page"}>
          {t("feedback.public.allTopics")}
        </a>
        {FEEDBACK_TOPICS.filter((topic) => (p.counts[topic] ?? 0) > 0).map((topic) => (
          <a key={topic} href={`${base}?${new URLSearchParams({ topic, ...(p.q ? { q: p.q } : {}) })}`} aria-current={p.topic === topic ? "page" : undefined}>
            {t(`feedback.topic.${topic}`)} ({p.counts[topic]})
          </a>
        ))}
      </nav>
      {p.items.length === 0 ? (
        <p>{p.q ? t("feedback.public.noResults", { q: p.q }) : t("feedback.public.none")}</p>
      ) : (
        <>
          <p class="muted">{t("feedback.public.results", { n: p.total })}</p>
          <ul class="comm-list">
            {p.items.map((i) => (
              <AnswerItem key={i.code} ctx={ctx} item={i} />
            ))}
          </ul>
        </>
      )}
      {pages > 1 ? (
        <nav class="pager" aria-label={t("common.page", { n: p.page })}>
          {p.page > 1 ? (
            <a href={qs({ page: String(p.page - 1) })} rel="prev">
              {t("common.prev")}
            </a>
          ) : null}
          {p.page < pages ? (
            <a href={qs({ page: String(p.page + 1) })} rel="next">
              {t("common.next")}
            </a>
          ) : null}
        </nav>
      ) : null}
    </Layout>
  );
}

function AnswerPage({ ctx, item }: { ctx: PageCtx; item: PublishedFeedback }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={item.subject}>
      <p class="no-print">
        <a href={feedbackBase(item.agencyCode)}>{t("feedback.public.back")}</a>
      </p>
      <article class="fb-answer">
        <h1>{item.subject}</h1>
        <dl class="proc-facts">
          <dt>{t("feedback.public.topic")}</dt>
          <dd>{t(`feedback.topic.${item.topic}`)}</dd>
          <dt>{t("feedback.public.agency")}</dt>
          <dd>{item.agencyName}</dd>
          <dt>{t("feedback.public.receivedAt")}</dt>
          <dd>{formatDate(item.receivedAt)}</dd>
          <dt>{t("feedback.public.answeredAt")}</dt>
          <dd>{formatDate(item.answeredAt)}</dd>
          <dt>{t("feedback.public.publishedAt")}</dt>
          <dd>{formatDate(item.publishedAt)}</dd>
        </dl>
        <h2>{t("feedback.public.question")}</h2>
        <Paragraphs text={item.question} />
        <h2>{t("feedback.public.answer")}</h2>
        <Paragraphs text={item.answer} />
        <p class="muted">{t("feedback.public.masked")}</p>
      </article>
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Sending

type SendState = { values: Record<string, string>; errors: Record<string, string> };

/** Error paths of the submission → the form's field names. */
const FIELD_OF: Record<string, string> = { "contact.fullName": "fullName", "contact.phone": "phone", "contact.email": "email", procedureCode: "procedure" };

function SendPage({ ctx, agency, procedures, state }: { ctx: PageCtx; agency: Agency; procedures: OfferedProcedureItem[]; state: SendState }) {
  const t = ctx.t;
  const v = state.values;
  const e = state.errors;
  const fields = [...new Set(procedures.map((p) => p.field))].sort((a, b) => a.localeCompare(b, "vi"));
  const who = v.who ?? "named";
  return (
    <Layout ctx={ctx} title={t("feedback.form.title")}>
      <h1>{t("feedback.form.title")}</h1>
      <p class="lead">{t("feedback.form.intro", { agency: agency.name })}</p>
      <ErrorSummary ctx={ctx} errors={e} />
      <form method="post" action={`${feedbackBase(agency.code)}/send`} enctype="multipart/form-data" class="panel" novalidate>
        <CsrfField ctx={ctx} />
        <fieldset class={`field${e.topic ? " has-error" : ""}`} id="f-topic">
          <legend>{t("feedback.form.topic")}</legend>
          {e.topic ? <p class="error">{e.topic}</p> : null}
          {FEEDBACK_TOPICS.map((topic) => (
            <label key={topic} class="choice">
              <input type="radio" name="topic" value={topic} checked={v.topic === topic} required /> {t(`feedback.topic.${topic}`)}{" "}
              <small class="muted">{t(`feedback.topicHint.${topic}`)}</small>
            </label>
          ))}
        </fieldset>
        <div class={`field${e.procedure ? " has-error" : ""}`}>
          <label for="f-procedure">{t("feedback.form.procedure")}</label>
          {e.procedure ? <p class="error">{e.procedure}</p> : null}
          <select id="f-procedure" name="procedure">
            <option value="">{t("feedback.form.noProcedure")}</option>
            {fields.map((field) => (
              <optgroup key={field} label={field || "—"}>
                {procedures
                  .filter((p) => p.field === field)
                  .map((p) => (
                    <option key={p.code} value={p.code} selected={v.procedure === p.code}>
                      {p.name}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </div>
        <Field name="dossierCode" label={t("feedback.form.dossierCode")} hint={t("feedback.form.dossierCodeHint")} value={v.dossierCode} error={e.dossierCode} maxLength={80} autoComplete="off" />
        <Field name="subject" label={t("feedback.form.subject")} value={v.subject} error={e.subject} required maxLength={SUBJECT_LIMITS.max} />
        <TextAreaField name="content" label={t("feedback.form.content")} hint={t("feedback.form.contentHint")} value={v.content} error={e.content} rows={8} required maxLength={CONTENT_LIMITS.max} />
        <FileField name="files" label={t("feedback.form.files")} hint={t("feedback.form.filesHint", { n: MAX_FEEDBACK_FILES })} error={e.files} multiple accept={ACCEPT} />
        <fieldset class={`field${e.anonymous ? " has-error" : ""}`} id="f-anonymous">
          <legend>{t("feedback.form.who")}</legend>
          {e.anonymous ? <p class="error">{e.anonymous}</p> : null}
          <label class="choice">
            <input type="radio" name="who" value="named" checked={who === "named"} /> {t("feedback.form.named")}
          </label>
          <label class="choice">
            <input type="radio" name="who" value="anonymous" checked={who === "anonymous"} /> {t("feedback.form.anonymous")}
          </label>
          <p class="hint">{t("feedback.form.anonymousHint")}</p>
        </fieldset>
        <Field name="fullName" label={t("feedback.form.fullName")} value={v.fullName} error={e.fullName} maxLength={200} autoComplete="name" />
        <p class="hint">{t("feedback.form.contactHint")}</p>
        <Field name="phone" type="tel" label={t("feedback.form.phone")} value={v.phone} error={e.phone} maxLength={20} inputMode="tel" autoComplete="tel" />
        <Field name="email" type="email" label={t("feedback.form.email")} value={v.email} error={e.email} maxLength={200} inputMode="email" autoComplete="email" />
        <div class="field">
          <label class="choice" for="f-consent">
            <input id="f-consent" type="checkbox" name="consent" value="yes" checked={v.consent === "yes"} /> {t("feedback.form.consent")}
          </label>
        </div>
        <button type="submit">{t("feedback.form.submit")}</button>
      </form>
    </Layout>
  );
}

function submissionInput(v: Record<string, string>): Record<string, unknown> {
  return {
    topic: v.topic || undefined,
    subject: v.subject ?? "",
    content: v.content ?? "",
    procedureCode: v.procedure || undefined,
    dossierCode: v.dossierCode || undefined,
    anonymous: v.who === "anonymous" ? true : v.who === "named" ? false : undefined,
    contact: { fullName: v.fullName ?? "", phone: v.phone ?? "", email: v.email ?? "" },
    consentToPublish: v.consent === "yes",
  };
}

// ---------------------------------------------------------------------------------------------
// Following

function TrackForm({ ctx, code, contact }: { ctx: PageCtx; code: string; contact: string }) {
  const t = ctx.t;
  return (
    <form method="get" action="/feedback/track">
      <Field name="code" label={t("feedback.track.code")} value={code} required maxLength={40} autoComplete="off" />
      <Field name="contact" label={t("feedback.track.contact")} value={contact} required maxLength={200} autoComplete="off" />
      <button type="submit">{t("feedback.track.submit")}</button>
    </form>
  );
}

function TrackPage(p: { ctx: PageCtx; code: string; contact: string; asked: boolean; view?: TrackedFeedback; done?: string; errors?: Record<string, string> }) {
  const { ctx, view } = p;
  const t = ctx.t;
  const f = view?.feedback;
  const lastAsk = view ? [...view.events].reverse().find((e) => e.action === "request_info") : undefined;
  const canSupply = f ? availableFeedbackActions(f.status, "public").includes("supply_info") : false;
  const answered = f?.answer && f.answeredAt ? f.answer : null;
  return (
    <Layout ctx={ctx} title={t("feedback.track.title")}>
      <h1>{t("feedback.track.title")}</h1>
      {p.done ? (
        <p class="notice" role="status">
          {t(`feedback.track.done.${p.done}`)}
        </p>
      ) : null}
      <ErrorSummary ctx={ctx} errors={p.errors} />
      <div class="panel">
        <TrackForm ctx={ctx} code={p.code} contact={p.contact} />
      </div>
      {p.asked && !view ? (
        <p class="error" role="alert">
          {t("feedback.track.notFound")}
        </p>
      ) : null}
      {f && view ? (
        <section aria-labelledby="fb-h">
          <h2 id="fb-h">
            {f.code}: {f.subject}
          </h2>
          <p>
            <FeedbackStatusTag ctx={ctx} status={f.status} />
          </p>
          <dl class="proc-facts">
            <dt>{t("feedback.public.topic")}</dt>
            <dd>{t(`feedback.topic.${f.topic}`)}</dd>
            <dt>{t("feedback.public.agency")}</dt>
            <dd>{f.agencyName}</dd>
            <dt>{t("feedback.public.receivedAt")}</dt>
            <dd>{formatDateTime(f.receivedAt)}</dd>
            {!f.answeredAt && f.status !== "rejected" && f.status !== "transferred" ? (
              <>
                <dt>{t("feedback.track.dueAnswer")}</dt>
                <dd>{formatDateTime(f.due.answer)}</dd>
              </>
            ) : null}
            {f.transferredTo ? (
              <>
                <dt>{t("feedback.track.transferredTo")}</dt>
                <dd>{f.transferredTo}</dd>
              </>
            ) : null}
          </dl>
          {answered ? (
            <section class="panel" aria-labelledby="fb-answer-h">
              <h3 id="fb-answer-h">{t("feedback.track.answer", { agency: f.agencyName })}</h3>
              <Paragraphs text={answered} />
              <p class="muted">{formatDateTime(f.answeredAt)}</p>
            </section>
          ) : null}
          {answered && f.petitionerRating ? <p>{t("feedback.track.rated", { rating: t(`feedback.petitionerRating.${f.petitionerRating}`) })}</p> : null}
          {answered && !f.petitionerRating ? (
            <form method="post" action="/feedback/track/rate" class="panel">
              <CsrfField ctx={ctx} />
              <input type="hidden" name="code" value={f.code} />
              <input type="hidden" name="contact" value={p.contact} />
              <h3>{t("feedback.track.rateTitle")}</h3>
              <button type="submit" name="rating" value="satisfied">
                {t("feedback.track.rateSatisfied")}
              </button>{" "}
              <button type="submit" name="rating" value="dissatisfied" class="secondary">
                {t("feedback.track.rateDissatisfied")}
              </button>
            </form>
          ) : null}
          {canSupply ? (
            <form method="post" action="/feedback/track/supply" enctype="multipart/form-data" class="panel" novalidate>
              <CsrfField ctx={ctx} />
              <input type="hidden" name="code" value={f.code} />
              <input type="hidden" name="contact" value={p.contact} />
              <h3>{t("feedback.track.supplyTitle")}</h3>
              {lastAsk?.note ? <p>{t("feedback.track.supplyIntro", { reasons: lastAsk.note })}</p> : null}
              <TextAreaField name="note" label={t("feedback.track.supplyNote")} error={p.errors?.note} rows={4} maxLength={2000} />
              <FileField name="files" label={t("feedback.form.files")} hint={t("feedback.form.filesHint", { n: MAX_FEEDBACK_FILES })} error={p.errors?.files} multiple accept={ACCEPT} />
              <button type="submit">{t("feedback.track.supplySubmit")}</button>
            </form>
          ) : null}
          <h3>{t("feedback.history.title")}</h3>
          <FeedbackHistory ctx={ctx} events={view.events} people={new Map()} forPetitioner />
        </section>
      ) : null}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Satisfaction figures

function SatisfactionPage(p: { ctx: PageCtx; agency: Agency; year: number; years: number[]; quarters: QuarterFigures[] }) {
  const { ctx, agency, year, quarters } = p;
  const t = ctx.t;
  const rated = quarters.filter((q) => q.summary.count > 0);
  const latest = rated.at(-1);
  return (
    <Layout ctx={ctx} title={t("feedback.sat.title")}>
      <h1>{t("feedback.sat.title")}</h1>
      <p class="lead">{t("feedback.sat.intro", { agency: agency.name })}</p>
      <form method="get" action={`/c/${encodeURIComponent(agency.code)}/satisfaction`} class="search-row">
        <div class="field">
          <label for="f-year">{t("feedback.sat.year")}</label>
          <select id="f-year" name="year">
            {p.years.map((y) => (
              <option key={y} value={String(y)} selected={y === year}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t("feedback.sat.show")}</button>
      </form>
      {rated.length === 0 ? (
        <p>{t("feedback.sat.none", { year })}</p>
      ) : (
        <>
          <BarChart
            id="sat-share"
            title={t("feedback.sat.shareChart", { year })}
            description={t("feedback.sat.shareChartDesc")}
            max={1}
            headers={[t("feedback.sat.period"), t("feedback.sat.share")]}
            tableSummary={t("feedback.chart.figures")}
            data={quarters.map((q) => ({ label: t("feedback.sat.quarter", { q: q.quarter }), value: q.summary.satisfied ?? 0, display: share(ctx, q.summary.satisfied) }))}
          />
          <div class="table-wrap">
            <table>
              <caption class="sr-only">{t("feedback.sat.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("feedback.sat.period")}</th>
                  <th scope="col">{t("feedback.sat.count")}</th>
                  <th scope="col">{t("feedback.sat.satisfied")}</th>
                  <th scope="col">{t("feedback.sat.verySatisfied")}</th>
                  <th scope="col">{t("feedback.sat.dissatisfied")}</th>
                  <th scope="col">{t("feedback.sat.average")}</th>
                </tr>
              </thead>
              <tbody>
                {quarters.map((q) => (
                  <tr key={q.quarter}>
                    <th scope="row">{t("feedback.sat.quarter", { q: q.quarter })}</th>
                    <td>{q.summary.count}</td>
                    <td>{share(ctx, q.summary.satisfied)}</td>
                    <td>{share(ctx, q.summary.verySatisfied)}</td>
                    <td>{share(ctx, q.summary.dissatisfied)}</td>
                    <td>{points(ctx, q.summary.averagePoints)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{t("feedback.sat.items")}</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("feedback.sat.criterion")}</th>
                  {quarters.map((q) => (
                    <th key={q.quarter} scope="col">
                      {t("feedback.sat.quarter", { q: q.quarter })}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {RATING_ITEMS.map((item, i) => (
                  <tr key={item}>
                    <th scope="row">
                      {i + 1}. {t(`feedback.item.${item}`)}
                    </th>
                    {quarters.map((q) => (
                      <td key={q.quarter}>{points(ctx, q.summary.itemAverages[i] ?? null)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {latest ? (
            <BarChart
              id="sat-items"
              orientation="bars"
              title={t("feedback.sat.itemChart", { quarter: t("feedback.sat.quarter", { q: latest.quarter }), year })}
              max={2}
              headers={[t("feedback.sat.criterion"), t("feedback.sat.points")]}
              tableSummary={t("feedback.chart.figures")}
              data={RATING_ITEMS.map((item, i) => ({
                label: `${i + 1}. ${t(`feedback.item.${item}`)}`,
                value: latest.summary.itemAverages[i] ?? 0,
                display: points(ctx, latest.summary.itemAverages[i] ?? null),
              }))}
            />
          ) : null}
        </>
      )}
    </Layout>
  );
}

/** Ratings are not public rows: the figures are read for the agency, as totals only. */
function agencyFigures<T>(app: FastifyInstance, agencyId: number, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return app.deps.db.scoped({ agencyIds: [agencyId], userId: null }, fn);
}

registerHomeSection({
  order: 35,
  render: async ({ req, agency }) => {
    const ctx = req.pageCtx();
    const t = ctx.t;
    const app = req.server;
    const latest = await listPublishedFeedback(app.deps.db, { agencyId: agency.id, limit: 3 });
    const year = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
    const quarters = await agencyFigures(app, agency.id, (tx) => quarterlySatisfaction(tx, { agencyId: agency.id, year }));
    const last = quarters.filter((q) => q.summary.count > 0).at(-1);
    if (latest.items.length === 0 && !last) return null;
    const base = feedbackBase(agency.code);
    return (
      <section aria-labelledby="home-fb-h">
        <h2 id="home-fb-h">{t("feedback.public.latest")}</h2>
        {latest.items.length ? (
          <ul class="comm-list">
            {latest.items.map((i) => (
              <li key={i.code}>
                <a href={`${base}/${encodeURIComponent(i.code)}`}>{i.subject}</a> <span class="muted">({formatDate(i.answeredAt)})</span>
              </li>
            ))}
          </ul>
        ) : null}
        <p>
          <a href={base}>{t("feedback.public.all")}</a> · <a href={`${base}/send`}>{t("feedback.public.send")}</a>
        </p>
        {last ? (
          <p>
            {t("feedback.home.satisfaction", { q: last.quarter, year, share: share(ctx, last.summary.satisfied), n: last.summary.count })}{" "}
            <a href={`/c/${encodeURIComponent(agency.code)}/satisfaction`}>{t("feedback.public.satisfaction")}</a>
          </p>
        ) : null}
      </section>
    );
  },
});

// ---------------------------------------------------------------------------------------------
// Routes

export async function feedbackPublicRoutes(app: FastifyInstance): Promise<void> {
  const toSite = (suffix: string) => async (_req: FastifyRequest, reply: FastifyReply) => {
    const a = await siteAgency(app);
    if (!a) throw new HttpError(404, "error.404.body");
    return reply.code(302).redirect(`/c/${encodeURIComponent(a.code)}${suffix}`);
  };
  app.get("/feedback", toSite("/feedback"));
  app.get("/feedback/send", toSite("/feedback/send"));
  app.get("/satisfaction", toSite("/satisfaction"));

  app.get("/c/:code/feedback", async (req, reply) => {
    const { code } = req.params as { code: string };
    const q = req.query as Record<string, string | undefined>;
    const agency = await publicAgency(app, code);
    const topic = FEEDBACK_TOPICS.find((x) => x === q.topic);
    const search = (q.q ?? "").trim().slice(0, 200);
    const page = pageNo(req);
    const list = await listPublishedFeedback(app.deps.db, { agencyId: agency.id, ...(topic ? { topic } : {}), search, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    const counts = await publishedTopicCounts(app.deps.db, agency.id);
    const ctx = { ...req.pageCtx(), site: siteOf(agency) };
    return reply.page(<ListPage ctx={ctx} agency={agency} items={list.items} total={list.total} counts={counts} {...(topic ? { topic } : {})} q={search} page={page} />);
  });

  async function renderSend(req: FastifyRequest, reply: FastifyReply, agency: Agency, state: SendState, status = 200) {
    const procedures = await app.deps.db.scoped(PUBLIC_SCOPE, (tx) => listOfferedProcedures(tx, { agencyId: agency.id }));
    return reply.page(<SendPage ctx={{ ...req.pageCtx(), site: siteOf(agency) }} agency={agency} procedures={procedures} state={state} />, status);
  }

  app.get("/c/:code/feedback/send", async (req, reply) => {
    const { code } = req.params as { code: string };
    const agency = await publicAgency(app, code);
    const q = req.query as Record<string, string | undefined>;
    // Links from a dossier ("send feedback about this dossier") fill its code and the topic in.
    const values: Record<string, string> = {};
    if (q.dossier) {
      values.dossierCode = q.dossier.slice(0, 80);
      values.topic = "dossier";
    }
    return renderSend(req, reply, agency, { values, errors: {} });
  });

  app.post("/c/:code/feedback/send", async (req, reply) => {
    const { code } = req.params as { code: string };
    const agency = await publicAgency(app, code);
    const form = await readMultipart(req, { files: MAX_FEEDBACK_FILES });
    const values: Record<string, string> = {};
    for (const k of ["topic", "procedure", "dossierCode", "subject", "content", "who", "fullName", "phone", "email", "consent"]) values[k] = str(form.values, k);
    const again = (status: number, errors: Record<string, string>) => renderSend(req, reply, agency, { values, errors }, status);
    if (form.tooManyFiles) return again(413, { files: req.t("feedback.err.files", { n: MAX_FEEDBACK_FILES }) });
    if (form.tooLarge.length) return again(413, { files: req.t("dossier.err.fileTooLarge", { name: form.tooLarge[0]!.fileName }) });
    const parsed = FeedbackSubmission.safeParse(submissionInput(values));
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const d of issueMessages(parsed.error, req.t)) {
        const key = FIELD_OF[d.path] ?? d.path;
        if (!(key in errors)) errors[key] = d.message;
      }
      return again(400, errors);
    }
    let staged: StagedFile[] = [];
    try {
      staged = await stageFiles({ db: app.deps.db, agencyId: agency.id, uploads: form.files.map((f) => ({ documentName: f.fileName, fileName: f.fileName, data: f.data })) });
    } catch (e) {
      const he = asHttpError(e);
      if (he) return again(he.status, { files: errorText(req, he) });
      throw e;
    }
    const user = req.user?.role === "citizen" ? { id: req.user.id, username: req.user.username } : null;
    let result: Awaited<ReturnType<typeof submitFeedback>>;
    try {
      result = await withStagedFiles(app.deps.db, staged, () =>
        submitFeedback(app.deps.db, { agencyId: agency.id, submission: parsed.data, files: staged, sourceHash: req.user ? null : sourceHashOf(app, req), user, lang: req.lang }),
      );
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status < 500) return again(he.status, { [he.messageKey === "feedback.err.procedure" ? "procedure" : "_"]: errorText(req, he) });
      throw e;
    }
    if (!result.ok) {
      await discardFiles(app.deps.db, staged);
      return again(429, { _: req.t("feedback.err.rateLimited") });
    }
    return reply.code(303).redirect(`/feedback/sent/${encodeURIComponent(result.feedback.code)}`);
  });

  app.get("/feedback/sent/:code", async (req, reply) => {
    const { code } = req.params as { code: string };
    if (!FEEDBACK_CODE.test(code)) throw notFound();
    const ctx = req.pageCtx();
    const t = ctx.t;
    return reply.page(
      <Layout ctx={ctx} title={t("feedback.sent.title")}>
        <h1>{t("feedback.sent.title")}</h1>
        <p class="notice" role="status">
          {t("feedback.sent.code")} <strong class="fb-code">{code}</strong>
        </p>
        <p>{t("feedback.sent.keep")}</p>
        <p>
          <a class="button" href={`/feedback/track?${new URLSearchParams({ code })}`}>
            {t("feedback.sent.track")}
          </a>
        </p>
      </Layout>,
    );
  });

  app.get("/c/:code/feedback/:fcode", async (req, reply) => {
    const { code, fcode } = req.params as { code: string; fcode: string };
    const agency = await publicAgency(app, code);
    const item = FEEDBACK_CODE.test(fcode.toUpperCase()) ? await findPublishedFeedback(app.deps.db, fcode) : undefined;
    if (!item || item.agencyCode !== agency.code) throw notFound();
    return reply.page(<AnswerPage ctx={{ ...req.pageCtx(), site: siteOf(agency) }} item={item} />);
  });

  // Following a PAKN: the code and the contact check, as dossiers are tracked by code and phone digits.
  async function renderTrack(req: FastifyRequest, reply: FastifyReply, o: { code: string; contact: string; done?: string; errors?: Record<string, string>; status?: number }) {
    const asked = o.code !== "" && o.contact !== "";
    let view: TrackedFeedback | undefined;
    if (asked) {
      await trackLimit(app, req);
      view = await trackFeedback(app.deps.db, { code: o.code, contact: o.contact });
    }
    const done = o.done === "supply_info" || o.done === "rate" ? o.done : undefined;
    return reply.page(
      <TrackPage ctx={req.pageCtx()} code={o.code} contact={o.contact} asked={asked} {...(view ? { view } : {})} {...(done ? { done } : {})} {...(o.errors ? { errors: o.errors } : {})} />,
      o.status ?? (asked && !view ? 404 : 200),
    );
  }

  app.get("/feedback/track", async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    return renderTrack(req, reply, { code: (q.code ?? "").trim().slice(0, 40), contact: (q.contact ?? "").trim().slice(0, 200), ...(q.done ? { done: q.done } : {}) });
  });

  app.post("/feedback/track/rate", async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const code = str(body, "code").trim().slice(0, 40);
    const contact = str(body, "contact").trim().slice(0, 200);
    const rating = str(body, "rating");
    await trackLimit(app, req);
    if (rating !== "satisfied" && rating !== "dissatisfied") return renderTrack(req, reply, { code, contact, errors: { _: req.t("error.validation") }, status: 400 });
    try {
      await rateAnswer(app.deps.db, { code, contact, rating, user: req.user ? { id: req.user.id, username: req.user.username } : null });
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status < 500) return renderTrack(req, reply, { code, contact, errors: { _: errorText(req, he) }, status: he.status });
      throw e;
    }
    return reply.code(303).redirect(trackPath(code, contact, { done: "rate" }));
  });

  app.post("/feedback/track/supply", async (req, reply) => {
    const form = await readMultipart(req, { files: MAX_FEEDBACK_FILES });
    const code = str(form.values, "code").trim().slice(0, 40);
    const contact = str(form.values, "contact").trim().slice(0, 200);
    const note = str(form.values, "note");
    await trackLimit(app, req);
    const again = (status: number, errors: Record<string, string>) => renderTrack(req, reply, { code, contact, errors, status });
    if (form.tooManyFiles) return again(413, { files: req.t("feedback.err.files", { n: MAX_FEEDBACK_FILES }) });
    if (form.tooLarge.length) return again(413, { files: req.t("dossier.err.fileTooLarge", { name: form.tooLarge[0]!.fileName }) });
    const view = await trackFeedback(app.deps.db, { code, contact });
    if (!view) return again(404, { _: req.t("feedback.err.notFound") });
    const f = view.feedback;
    let staged: StagedFile[] = [];
    try {
      staged = await stageFiles({ db: app.deps.db, agencyId: f.agencyId, uploads: form.files.map((x) => ({ documentName: x.fileName, fileName: x.fileName, data: x.data })) });
      const actor = req.user?.role === "citizen" ? { userId: req.user.id, role: "citizen" as const, label: req.user.username } : { userId: null, role: "public" as const, label: PETITIONER_LABEL };
      await localisedFeedback(req, () =>
        withStagedFiles(app.deps.db, staged, () =>
          app.deps.db.scoped({ agencyIds: [f.agencyId], userId: actor.userId }, (tx) =>
            applyFeedbackAction(tx, { agencyId: f.agencyId, code: f.code, action: "supply_info", actor, input: note.trim() ? { note } : {}, files: staged }),
          ),
        ),
      );
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status < 500) return again(he.status, { [he.messageKey === "feedback.err.supplyEmpty" ? "note" : he.status === 413 || he.status === 415 ? "files" : "_"]: errorText(req, he) });
      throw e;
    }
    return reply.code(303).redirect(trackPath(code, contact, { done: "supply_info" }));
  });

  app.get("/c/:code/satisfaction", async (req, reply) => {
    const { code } = req.params as { code: string };
    const agency = await publicAgency(app, code);
    const q = req.query as Record<string, string | undefined>;
    const thisYear = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
    const years = await agencyFigures(app, agency.id, (tx) => ratingYears(tx, agency.id));
    const known = [...new Set([thisYear, ...years])].sort((a, b) => b - a);
    const asked = Number(q.year);
    const year = known.includes(asked) ? asked : (years[0] ?? thisYear);
    const quarters = await agencyFigures(app, agency.id, (tx) => quarterlySatisfaction(tx, { agencyId: agency.id, year }));
    return reply.page(<SatisfactionPage ctx={{ ...req.pageCtx(), site: siteOf(agency) }} agency={agency} year={year} years={known} quarters={quarters} />);
  });
}

/** Following by code is limited per address as dossier tracking is: it must not become a code oracle. */
function trackLimit(app: FastifyInstance, req: FastifyRequest): Promise<void> {
  return rateLimit(app, req, "feedback-track");
}
