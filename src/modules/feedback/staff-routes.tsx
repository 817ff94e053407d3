// The staff's side: PAKN queues per role, a PAKN with its legal time limits and the steps the
// state table allows the reader, and the satisfaction figures (officials their own, leaders all).

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { canAccess } from "../../domain/auth/permissions";
import { quarterOf, quarterRange, RATING_ITEMS, type RatingSummary } from "../../domain/feedback/rating";
import { FEEDBACK_TOPICS } from "../../domain/feedback/submission";
import { checkSteps, isOverdueNow } from "../../domain/feedback/timeliness";
import { availableFeedbackActions, FEEDBACK_TRANSITIONS, type FeedbackAction, isFeedbackAction } from "../../domain/feedback/workflow";
import type { CurrentUser, PageCtx } from "../../web/context";
import { asHttpError, type HttpError, notFound, redirect, requireAccess } from "../../web/http";
import { formatDate, formatDateTime } from "../../web/i18n";
import { registerDashboard } from "../../web/registry";
import { CsrfField, ErrorSummary, Layout } from "../../web/views/layout";
import { loadPeople, type People } from "../accounts/people";
import { sendAttachment } from "../dossiers/download";
import { listStaff } from "../dossiers/service";
import { FEEDBACK_ACCESS } from "./access";
import { BarChart } from "./chart";
import { type IndexFigures, indexFigures } from "./indicators";
import {
  type AggregateRow,
  countOwnRatings,
  type LowRating,
  lowRatings,
  MIN_GROUP,
  periodSatisfaction,
  satisfactionByOfficial,
  satisfactionByProcedure,
} from "./ratings";
import { errorText, feedbackBase, staffActor } from "./route-support";
import {
  applyFeedbackAction,
  clockOf,
  type Feedback,
  type FeedbackAttachment,
  type FeedbackEvent,
  FEEDBACK_QUEUES,
  type FeedbackQueue,
  findFeedback,
  listFeedbackAttachments,
  listFeedbackEvents,
  listFeedbackQueue,
  publicationTexts,
  QUEUES_BY_ROLE,
  queueCounts,
  type QueueItem,
} from "./service";
import { FeedbackHistory, FeedbackStatusTag, OverdueTag, Paragraphs, points, share } from "./views";

const detailPath = (code: string) => `/staff/feedback/${encodeURIComponent(code)}`;

function queuesOf(user: CurrentUser): readonly FeedbackQueue[] {
  return QUEUES_BY_ROLE[user.role] ?? ["overdue", "all"];
}

registerDashboard(async (req, tx) => {
  const u = req.user;
  if (!u || !canAccess(u.role, FEEDBACK_ACCESS.queues)) return [];
  const own = queuesOf(u)[0]!;
  const counts = await queueCounts(tx, { agencyId: u.agencyId, userId: u.id, queues: [own, "overdue"] });
  return [
    { labelKey: `feedback.card.${own}`, value: counts[own], href: `/staff/feedback?queue=${own}`, tone: counts[own] > 0 ? "warn" : "normal" },
    { labelKey: "feedback.dash.overdue", value: counts.overdue, href: "/staff/feedback?queue=overdue", tone: counts.overdue > 0 ? "bad" : "normal" },
  ];
});

// ---------------------------------------------------------------------------------------------
// Queues

function QueuePage(p: { ctx: PageCtx; queues: readonly FeedbackQueue[]; queue: FeedbackQueue; counts: Record<FeedbackQueue, number>; items: QueueItem[]; total: number; q: string }) {
  const { ctx } = p;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t("feedback.staff.title")} area="staff">
      <h1>{t("feedback.staff.title")}</h1>
      <nav class="comm-subnav" aria-label={t("feedback.staff.title")}>
        {p.queues.map((queue) => (
          <a key={queue} href={`/staff/feedback?queue=${queue}`} aria-current={queue === p.queue ? "page" : undefined}>
            {t(`feedback.queue.${queue}`)} ({p.counts[queue]})
          </a>
        ))}
      </nav>
      <form method="get" action="/staff/feedback" class="search-row" role="search">
        <input type="hidden" name="queue" value={p.queue} />
        <div class="field">
          <label for="f-q">{t("feedback.staff.search")}</label>
          <input id="f-q" name="q" type="search" value={p.q} maxLength={100} />
        </div>
        <button type="submit">{t("feedback.public.searchSubmit")}</button>
      </form>
      {p.items.length === 0 ? (
        <p>{t("feedback.staff.empty")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("feedback.staff.code")}</th>
                <th scope="col">{t("feedback.staff.subject")}</th>
                <th scope="col">{t("feedback.public.topic")}</th>
                <th scope="col">{t("feedback.staff.status")}</th>
                <th scope="col">{t("feedback.staff.received")}</th>
                <th scope="col">{t("feedback.staff.due")}</th>
                <th scope="col">{t("feedback.staff.assignee")}</th>
              </tr>
            </thead>
            <tbody>
              {p.items.map((f) => {
                const due = f.status === "received" ? f.due.triage : f.status === "answered" ? f.due.publish : f.answeredAt ? null : f.due.answer;
                return (
                  <tr key={f.code} class={f.overdue ? "overdue" : undefined}>
                    <td>
                      <a href={detailPath(f.code)}>{f.code}</a>
                    </td>
                    <td>{f.subject}</td>
                    <td>{t(`feedback.topic.${f.topic}`)}</td>
                    <td>
                      <FeedbackStatusTag ctx={ctx} status={f.status} />
                    </td>
                    <td>{formatDate(f.receivedAt)}</td>
                    <td>
                      {due && f.status !== "info_requested" && f.status !== "rejected" && f.status !== "transferred" && f.status !== "closed" && f.status !== "published"
                        ? formatDateTime(due)
                        : "—"}{" "}
                      <OverdueTag ctx={ctx} overdue={f.overdue} />
                    </td>
                    <td>{f.assigneeName ?? "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {p.total > p.items.length ? <p class="muted">{t("feedback.staff.more", { n: p.items.length, total: p.total })}</p> : null}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// One PAKN

type Detail = {
  f: Feedback;
  events: FeedbackEvent[];
  attachments: FeedbackAttachment[];
  people: People;
  staff: { id: number; fullName: string; role: string }[];
  preview: { question: string; answer: string } | null;
};

function ActionForm({ ctx, d, action }: { ctx: PageCtx; d: Detail; action: FeedbackAction }) {
  const t = ctx.t;
  const { f } = d;
  const kind = FEEDBACK_TRANSITIONS[action].input;
  const id = (n: string) => `a-${action}-${n}`;
  const danger = action === "reject";
  return (
    <form method="post" action={`${detailPath(f.code)}/actions/${action}`} class="panel action-form">
      <CsrfField ctx={ctx} />
      <h3>{t(`feedback.action.${action}`)}</h3>
      {kind === "reasons" || kind === "note" ? (
        <div class="field">
          <label for={id("note")}>{kind === "reasons" ? t("feedback.staff.reasons") : action === "supply_info" ? t("feedback.staff.info") : t("feedback.staff.note")}</label>
          <textarea id={id("note")} name="note" rows={3} maxLength={2000} required={kind === "reasons" || action === "supply_info"} />
        </div>
      ) : null}
      {kind === "assignee" ? (
        <div class="field">
          <label for={id("assignee")}>{t("feedback.staff.assigneeField")}</label>
          <select id={id("assignee")} name="assigneeUserId" required>
            {d.staff.map((s) => (
              <option key={s.id} value={String(s.id)} selected={s.id === f.assigneeUserId}>
                {s.fullName} — {t(`role.${s.role}`)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {kind === "answer" ? (
        <div class="field">
          <label for={id("answer")}>{t("feedback.staff.answerField")}</label>
          <p class="hint">{t("feedback.staff.answerHint")}</p>
          <textarea id={id("answer")} name="answer" rows={10} maxLength={10000} required>
            {f.answer ?? ""}
          </textarea>
        </div>
      ) : null}
      {kind === "transfer" ? (
        <div class="field">
          <label for={id("to")}>{t("feedback.staff.transferTo")}</label>
          <input id={id("to")} name="transferTo" required maxLength={300} />
        </div>
      ) : null}
      {action === "approve" ? (
        f.consentToPublish ? (
          <div class="field">
            <label class="choice" for={id("publish")}>
              <input id={id("publish")} type="checkbox" name="publish" value="true" checked /> {t("feedback.staff.publishNow")}
            </label>
          </div>
        ) : (
          <p class="hint">{t("feedback.staff.noConsentNote")}</p>
        )
      ) : null}
      {action === "publish" && d.preview ? (
        <>
          <div class="field">
            <label for={id("q")}>{t("feedback.staff.publicQuestion")}</label>
            <p class="hint">{t("feedback.staff.publicHint")}</p>
            <textarea id={id("q")} name="publicQuestion" rows={6} maxLength={10000}>
              {d.preview.question}
            </textarea>
          </div>
          <div class="field">
            <label for={id("a")}>{t("feedback.staff.publicAnswer")}</label>
            <textarea id={id("a")} name="publicAnswer" rows={8} maxLength={10000}>
              {d.preview.answer}
            </textarea>
          </div>
        </>
      ) : null}
      <button type="submit" class={danger ? "danger" : ""}>
        {t(`feedback.action.${action}`)}
      </button>
    </form>
  );
}

function DetailPage({ ctx, d, user, done, error }: { ctx: PageCtx; d: Detail; user: CurrentUser; done?: FeedbackAction | undefined; error?: string | undefined }) {
  const t = ctx.t;
  const { f } = d;
  const now = new Date();
  const steps = checkSteps(clockOf(f, d.events), now);
  const actions = availableFeedbackActions(f.status, user.role).filter((a) => a !== "send_for_approval" || f.assigneeUserId === user.id);
  const assignee = f.assigneeUserId ? d.people.get(f.assigneeUserId) : undefined;
  return (
    <Layout ctx={ctx} title={t("feedback.staff.detail", { code: f.code })} area="staff">
      <p class="no-print">
        <a href="/staff/feedback">{t("feedback.staff.back")}</a>
      </p>
      <h1>{t("feedback.staff.detail", { code: f.code })}</h1>
      {done ? (
        <p class="notice" role="status">
          {t("feedback.action.done", { action: t(`feedback.action.${done}`) })}
        </p>
      ) : null}
      <ErrorSummary ctx={ctx} errors={error ? { _: error } : undefined} />
      <p class="lead">
        <FeedbackStatusTag ctx={ctx} status={f.status} /> <OverdueTag ctx={ctx} overdue={isOverdueNow(f, now)} />
        {f.publishedAt ? (
          <>
            {" "}
            <a href={`${feedbackBase(user.agencyCode)}/${encodeURIComponent(f.code)}`}>{t("feedback.staff.publicPage")}</a>
          </>
        ) : null}
      </p>
      <div class="grid2">
        <section>
          <h2>{f.subject}</h2>
          <dl class="proc-facts">
            <dt>{t("feedback.public.topic")}</dt>
            <dd>{t(`feedback.topic.${f.topic}`)}</dd>
            {f.procedureName ? (
              <>
                <dt>{t("feedback.staff.procedure")}</dt>
                <dd>
                  {f.procedureName} <small class="muted">{f.procedureCode}</small>
                </dd>
              </>
            ) : null}
            {f.dossierCode ? (
              <>
                <dt>{t("feedback.staff.dossier")}</dt>
                <dd>{f.dossierId && canAccess(user.role, "dossier.view") ? <a href={`/staff/dossiers/${encodeURIComponent(f.dossierCode)}`}>{f.dossierCode}</a> : f.dossierCode}</dd>
              </>
            ) : null}
            <dt>{t("feedback.staff.received")}</dt>
            <dd>{formatDateTime(f.receivedAt)}</dd>
            <dt>{t("feedback.staff.petitioner")}</dt>
            <dd>
              {f.anonymous ? (
                t("feedback.staff.anonymous")
              ) : (
                <>
                  {f.contact.fullName}
                  {f.contact.phone ? ` · ${f.contact.phone}` : ""}
                  {f.contact.email ? ` · ${f.contact.email}` : ""}
                </>
              )}
            </dd>
            <dt>{t("feedback.staff.consent")}</dt>
            <dd>{f.consentToPublish ? t("feedback.staff.consentYes") : t("feedback.staff.consentNo")}</dd>
            <dt>{t("feedback.staff.assignee")}</dt>
            <dd>{assignee ? assignee.fullName : "—"}</dd>
            {f.transferredTo ? (
              <>
                <dt>{t("feedback.staff.transferredTo")}</dt>
                <dd>{f.transferredTo}</dd>
              </>
            ) : null}
            {f.petitionerRating ? (
              <>
                <dt>{t("feedback.staff.rating")}</dt>
                <dd>{t(`feedback.petitionerRating.${f.petitionerRating}`)}</dd>
              </>
            ) : null}
          </dl>
          <h3>{t("feedback.staff.content")}</h3>
          <Paragraphs text={f.content} />
          {d.attachments.length ? (
            <>
              <h3>{t("feedback.staff.attachments")}</h3>
              <ul>
                {d.attachments.map((a) => (
                  <li key={a.id}>
                    <a href={`${detailPath(f.code)}/attachments/${a.id}`}>{a.fileName}</a> <small class="muted">{Math.max(1, Math.ceil(a.size / 1024))} KB</small>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h3>{t("feedback.staff.answer")}</h3>
          {f.answer ? <Paragraphs text={f.answer} /> : <p class="muted">{t("feedback.staff.noAnswer")}</p>}
          {d.preview && f.status === "awaiting_approval" && f.consentToPublish ? (
            <details>
              <summary>{t("feedback.staff.preview")}</summary>
              <h4>{t("feedback.staff.publicQuestion")}</h4>
              <Paragraphs text={d.preview.question} />
              <h4>{t("feedback.staff.publicAnswer")}</h4>
              <Paragraphs text={d.preview.answer} />
            </details>
          ) : null}
          <h3>{t("feedback.staff.deadlines")}</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("feedback.staff.step")}</th>
                <th scope="col">{t("feedback.staff.due")}</th>
                <th scope="col">{t("feedback.staff.stepDone")}</th>
                <th scope="col">{t("feedback.staff.status")}</th>
              </tr>
            </thead>
            <tbody>
              {steps.map((s) => (
                <tr key={s.step} class={s.late ? "overdue" : undefined}>
                  <th scope="row">{t(`feedback.step.${s.step}`)}</th>
                  <td>{formatDateTime(s.due)}</td>
                  <td>{formatDateTime(s.at)}</td>
                  <td>{s.late ? <span class="tag bad">{t("feedback.late")}</span> : s.at ? <span class="tag ok">{t("feedback.onTime")}</span> : t("feedback.pending")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section>
          <h2>{t("feedback.staff.actions")}</h2>
          {actions.length === 0 ? <p>{t("feedback.staff.noActions")}</p> : null}
          {actions.map((a) => (
            <ActionForm key={a} ctx={ctx} d={d} action={a} />
          ))}
        </section>
      </div>
      <h2>{t("feedback.history.title")}</h2>
      <FeedbackHistory ctx={ctx} events={d.events} people={d.people} />
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Figures

function SummaryTable({ ctx, rows, labelHeader }: { ctx: PageCtx; rows: AggregateRow[]; labelHeader: string }) {
  const t = ctx.t;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{labelHeader}</th>
            <th scope="col">{t("feedback.sat.count")}</th>
            <th scope="col">{t("feedback.sat.satisfied")}</th>
            <th scope="col">{t("feedback.sat.dissatisfied")}</th>
            <th scope="col">{t("feedback.sat.average")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">
                {r.label}
                {r.title ? <small class="muted"> — {r.title}</small> : null}
              </th>
              <td>{r.summary.count}</td>
              <td>{share(ctx, r.summary.satisfied)}</td>
              <td>{share(ctx, r.summary.dissatisfied)}</td>
              <td>{points(ctx, r.summary.averagePoints)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SummaryBlock({ ctx, summary, id }: { ctx: PageCtx; summary: RatingSummary; id: string }) {
  const t = ctx.t;
  return (
    <>
      <ul class="cards">
        <li class="card">
          <span class="num">{summary.count}</span>
          <span>{t("feedback.sat.count")}</span>
        </li>
        <li class="card">
          <span class="num">{share(ctx, summary.satisfied)}</span>
          <span>{t("feedback.sat.satisfied")}</span>
        </li>
        <li class={`card ${summary.dissatisfied ? "warn" : ""}`}>
          <span class="num">{share(ctx, summary.dissatisfied)}</span>
          <span>{t("feedback.sat.dissatisfied")}</span>
        </li>
        <li class="card">
          <span class="num">{points(ctx, summary.averagePoints)}</span>
          <span>{t("feedback.sat.average")}</span>
        </li>
      </ul>
      {summary.count > 0 ? (
        <BarChart
          id={id}
          orientation="bars"
          title={t("feedback.sat.items")}
          max={2}
          headers={[t("feedback.sat.criterion"), t("feedback.sat.points")]}
          tableSummary={t("feedback.chart.figures")}
          data={RATING_ITEMS.map((item, i) => ({ label: `${i + 1}. ${t(`feedback.item.${item}`)}`, value: summary.itemAverages[i] ?? 0, display: points(ctx, summary.itemAverages[i] ?? null) }))}
        />
      ) : null}
    </>
  );
}

function IndexTable({ ctx, figures }: { ctx: PageCtx; figures: IndexFigures }) {
  const t = ctx.t;
  const p = (v: number | null) => (v === null ? "—" : t("feedback.staffSat.of6", { points: points(ctx, v) }));
  const ps = figures.procedureSatisfaction;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("feedback.staffSat.indicator")}</th>
            <th scope="col">{t("feedback.staffSat.rate")}</th>
            <th scope="col">{t("feedback.staffSat.scorePoints")}</th>
            <th scope="col">{t("feedback.staffSat.basis")}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{t("feedback.staffSat.i51")}</th>
            <td>{figures.feedback.received}</td>
            <td>—</td>
            <td>
              {FEEDBACK_TOPICS.map((topic) => `${t(`feedback.topic.${topic}`)}: ${figures.byTopic[topic]}`).join("; ")}
            </td>
          </tr>
          <tr>
            <th scope="row">{t("feedback.staffSat.i52")}</th>
            <td>{share(ctx, figures.onTime.rate)}</td>
            <td>{p(figures.onTime.points)}</td>
            <td>{t("feedback.staffSat.b52", { ok: figures.onTime.count, n: figures.onTime.of })}</td>
          </tr>
          <tr>
            <th scope="row">{t("feedback.staffSat.i53")}</th>
            <td>{share(ctx, figures.feedbackSatisfaction.rate)}</td>
            <td>{p(figures.feedbackSatisfaction.points)}</td>
            <td>{t("feedback.staffSat.b53", { n: figures.feedback.received, disliked: figures.feedback.disliked, late: figures.feedback.late })}</td>
          </tr>
          <tr>
            <th scope="row">{t("feedback.staffSat.i54")}</th>
            <td>{share(ctx, ps.rate)}</td>
            <td>{p(ps.points)}</td>
            <td>{t("feedback.staffSat.b54", { n: ps.of, overdue: share(ctx, ps.overdueShare), complained: share(ctx, ps.complainedShare) })}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

function LowTable({ ctx, rows, user }: { ctx: PageCtx; rows: LowRating[]; user: CurrentUser }) {
  const t = ctx.t;
  if (rows.length === 0) return <p>{t("feedback.staffSat.noLow")}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("feedback.staffSat.dossier")}</th>
            <th scope="col">{t("feedback.staffSat.procedure")}</th>
            <th scope="col">{t("feedback.staffSat.overall")}</th>
            <th scope="col">{t("feedback.sat.points")}</th>
            <th scope="col">{t("feedback.staffSat.comment")}</th>
            <th scope="col">{t("feedback.staffSat.ratedAt")}</th>
            <th scope="col">{t("feedback.staffSat.channel")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.dossierCode}>
              <td>{canAccess(user.role, "dossier.view") ? <a href={`/staff/dossiers/${encodeURIComponent(r.dossierCode)}`}>{r.dossierCode}</a> : r.dossierCode}</td>
              <td>{r.procedureName}</td>
              <td>{t(`feedback.rating.level.${r.overall}`)}</td>
              <td>{r.points}/18</td>
              <td>{r.comment ?? "—"}</td>
              <td>{formatDate(r.ratedAt)}</td>
              <td>{t(`feedback.staffSat.channel.${r.channel}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type Figures =
  | { kind: "all"; summary: RatingSummary; byProcedure: AggregateRow[]; byOfficial: AggregateRow[]; low: LowRating[]; indexes: IndexFigures }
  | { kind: "own"; count: number; summary: RatingSummary | null; byProcedure: AggregateRow[] };

/** The quarters an official may choose: the current one and the seven before it, newest first. */
function recentQuarters(now = new Date()): { year: number; quarter: 1 | 2 | 3 | 4 }[] {
  const { year, quarter } = quarterOf(now);
  const out: { year: number; quarter: 1 | 2 | 3 | 4 }[] = [];
  for (let i = 0; i < 8; i++) {
    const n = year * 4 + (quarter - 1) - i;
    out.push({ year: Math.floor(n / 4), quarter: ((n % 4) + 1) as 1 | 2 | 3 | 4 });
  }
  return out;
}

function SatisfactionStaffPage({ ctx, user, from, to, error, figures }: { ctx: PageCtx; user: CurrentUser; from: string; to: string; error?: string; figures: Figures }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t("feedback.staffSat.title")} area="staff">
      <h1>{t("feedback.staffSat.title")}</h1>
      {figures.kind === "all" ? (
        <form method="get" action="/staff/satisfaction" class="search-row">
          <div class="field">
            <label for="f-from">{t("feedback.staffSat.from")}</label>
            <input id="f-from" name="from" type="date" value={from} required />
          </div>
          <div class="field">
            <label for="f-to">{t("feedback.staffSat.to")}</label>
            <input id="f-to" name="to" type="date" value={to} required />
          </div>
          <button type="submit">{t("feedback.staffSat.show")}</button>
        </form>
      ) : (
        <form method="get" action="/staff/satisfaction" class="search-row">
          <div class="field">
            <label for="f-quarter">{t("feedback.sat.period")}</label>
            <select id="f-quarter" name="quarter">
              {recentQuarters().map((q) => {
                const value = `${q.year}-${q.quarter}`;
                return (
                  <option key={value} value={value} selected={quarterRange(q.year, q.quarter).from === from}>
                    {t("feedback.staffSat.quarterOption", { q: q.quarter, year: q.year })}
                  </option>
                );
              })}
            </select>
          </div>
          <button type="submit">{t("feedback.staffSat.show")}</button>
        </form>
      )}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="muted">{t("feedback.staffSat.periodShown", { from: formatDate(from), to: formatDate(to) })}</p>
      {figures.kind === "own" ? (
        <>
          <p class="lead">{t("feedback.staffSat.own", { n: MIN_GROUP })}</p>
          {figures.summary ? (
            <>
              <SummaryBlock ctx={ctx} summary={figures.summary} id="own-items" />
              {figures.byProcedure.length ? (
                <>
                  <h2>{t("feedback.staffSat.byProcedure")}</h2>
                  <SummaryTable ctx={ctx} rows={figures.byProcedure} labelHeader={t("feedback.staffSat.procedure")} />
                </>
              ) : null}
            </>
          ) : (
            <p>{t("feedback.staffSat.ownFew", { count: figures.count, n: MIN_GROUP })}</p>
          )}
        </>
      ) : (
        <>
          <h2>{t("feedback.staffSat.summary")}</h2>
          {figures.summary.count === 0 ? <p>{t("feedback.staffSat.none")}</p> : <SummaryBlock ctx={ctx} summary={figures.summary} id="all-items" />}
          <h2>{t("feedback.staffSat.indexes")}</h2>
          <IndexTable ctx={ctx} figures={figures.indexes} />
          {figures.byProcedure.length ? (
            <>
              <h2>{t("feedback.staffSat.byProcedure")}</h2>
              <SummaryTable ctx={ctx} rows={figures.byProcedure} labelHeader={t("feedback.staffSat.procedure")} />
            </>
          ) : null}
          {figures.byOfficial.length ? (
            <>
              <h2>{t("feedback.staffSat.byOfficial")}</h2>
              <SummaryTable ctx={ctx} rows={figures.byOfficial} labelHeader={t("feedback.staffSat.official")} />
            </>
          ) : null}
          <h2>{t("feedback.staffSat.low")}</h2>
          <p class="hint">{t("feedback.staffSat.lowHint")}</p>
          <LowTable ctx={ctx} rows={figures.low} user={user} />
        </>
      )}
    </Layout>
  );
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function realDate(s: string): boolean {
  return ISO_DATE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
}

/** The current quarter, Vietnam time. */
function currentQuarter(now = new Date()): { from: string; to: string } {
  const { year, quarter } = quarterOf(now);
  return quarterRange(year, quarter);
}

// ---------------------------------------------------------------------------------------------
// Routes

export async function feedbackStaffRoutes(app: FastifyInstance): Promise<void> {
  app.get("/staff/feedback", async (req, reply) => {
    const user = requireAccess(req, FEEDBACK_ACCESS.queues);
    const q = req.query as Record<string, string | undefined>;
    const queues = queuesOf(user);
    const queue = (FEEDBACK_QUEUES as readonly string[]).includes(q.queue ?? "") && queues.includes(q.queue as FeedbackQueue) ? (q.queue as FeedbackQueue) : queues[0]!;
    const search = (q.q ?? "").trim().slice(0, 100);
    const data = await req.tx(async (tx) => ({
      counts: await queueCounts(tx, { agencyId: user.agencyId, userId: user.id, queues }),
      list: await listFeedbackQueue(tx, { agencyId: user.agencyId, userId: user.id, queue, ...(search ? { search } : {}), limit: 100 }),
    }));
    return reply.page(<QueuePage ctx={req.pageCtx()} queues={queues} queue={queue} counts={data.counts} items={data.list.items} total={data.list.total} q={search} />);
  });

  async function loadDetail(req: FastifyRequest, user: CurrentUser, code: string): Promise<Detail> {
    const d = await req.tx(async (tx) => {
      const f = await findFeedback(tx, { agencyId: user.agencyId, code });
      if (!f) return undefined;
      const events = await listFeedbackEvents(tx, f.id);
      const needsPreview = f.consentToPublish && (f.status === "awaiting_approval" || f.status === "answered");
      return {
        f,
        events,
        attachments: await listFeedbackAttachments(tx, f.id),
        people: await loadPeople(tx, [...events.map((e) => e.actorUserId), f.assigneeUserId]),
        staff: await listStaff(tx, { agencyId: user.agencyId, roles: ["specialist", "desk_officer", "leader"] }),
        preview: needsPreview ? await publicationTexts(tx, f) : null,
      };
    });
    if (!d) throw notFound("feedback.err.notFound");
    d.staff.sort((a, b) => ["specialist", "desk_officer", "leader"].indexOf(a.role) - ["specialist", "desk_officer", "leader"].indexOf(b.role) || a.fullName.localeCompare(b.fullName, "vi"));
    return d;
  }

  async function renderDetail(req: FastifyRequest, reply: FastifyReply, o: { user: CurrentUser; code: string; done?: FeedbackAction; error?: HttpError }) {
    const d = await loadDetail(req, o.user, o.code);
    return reply.page(<DetailPage ctx={req.pageCtx()} d={d} user={o.user} done={o.done} error={o.error ? errorText(req, o.error) : undefined} />, o.error?.status ?? 200);
  }

  app.get("/staff/feedback/:code", async (req, reply) => {
    const user = requireAccess(req, FEEDBACK_ACCESS.queues);
    const { code } = req.params as { code: string };
    const done = (req.query as Record<string, string | undefined>).done;
    return renderDetail(req, reply, { user, code, ...(isFeedbackAction(done) ? { done } : {}) });
  });

  app.post("/staff/feedback/:code/actions/:action", async (req, reply) => {
    const user = requireAccess(req, FEEDBACK_ACCESS.queues);
    const p = req.params as { code: string; action: string };
    if (!isFeedbackAction(p.action)) throw notFound();
    const action = p.action;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input: Record<string, unknown> = {};
    for (const k of ["note", "assigneeUserId", "answer", "transferTo", "publish", "publicQuestion", "publicAnswer"]) if (typeof body[k] === "string") input[k] = body[k];
    try {
      await req.tx((tx) => applyFeedbackAction(tx, { agencyId: user.agencyId, code: p.code, action, actor: staffActor(user), input }));
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status < 500 && he.status !== 404) return renderDetail(req, reply, { user, code: p.code, error: he });
      throw e;
    }
    return redirect(reply, `${detailPath(p.code)}?done=${action}`);
  });

  app.get("/staff/feedback/:code/attachments/:id", async (req, reply) => {
    const user = requireAccess(req, FEEDBACK_ACCESS.queues);
    const p = req.params as { code: string; id: string };
    if (!/^\d{1,9}$/.test(p.id)) throw notFound();
    const att = await req.tx(async (tx) => {
      const f = await findFeedback(tx, { agencyId: user.agencyId, code: p.code });
      return f ? (await listFeedbackAttachments(tx, f.id)).find((a) => a.id === Number(p.id)) : undefined;
    });
    if (!att) throw notFound();
    return sendAttachment(reply, { db: app.deps.db, key: att.storagePath, fileName: att.fileName, contentType: att.contentType });
  });

  app.get("/staff/satisfaction", async (req, reply) => {
    const user = requireAccess(req, FEEDBACK_ACCESS.satisfaction);
    const q = req.query as Record<string, string | undefined>;
    const all = canAccess(user.role, FEEDBACK_ACCESS.allFigures);
    const fallback = currentQuarter();
    let from = fallback.from;
    let to = fallback.to;
    let error: string | undefined;
    if (all) {
      // Leaders choose any period of up to a year.
      from = q.from ?? from;
      to = q.to ?? to;
      const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
      if (!realDate(from) || !realDate(to) || span < 0 || span > 366) {
        error = req.t("feedback.staffSat.err.period");
        ({ from, to } = fallback);
      }
    } else if (q.quarter !== undefined) {
      // Officials see whole quarters only: figures of overlapping periods, compared, would tell one rating.
      const chosen = recentQuarters().find((x) => `${x.year}-${x.quarter}` === q.quarter);
      if (chosen) ({ from, to } = quarterRange(chosen.year, chosen.quarter));
      else error = req.t("feedback.staffSat.err.period");
    }
    const figures: Figures = await req.tx(async (tx) => {
      const period = { agencyId: user.agencyId, from, to };
      if (all) {
        return {
          kind: "all" as const,
          summary: await periodSatisfaction(tx, period),
          byProcedure: await satisfactionByProcedure(tx, period),
          byOfficial: await satisfactionByOfficial(tx, period),
          low: await lowRatings(tx, period),
          indexes: await indexFigures(tx, period),
        };
      }
      const own = { ...period, officialId: user.id };
      const count = await countOwnRatings(tx, own);
      return {
        kind: "own" as const,
        count,
        summary: count >= MIN_GROUP ? await periodSatisfaction(tx, own) : null,
        byProcedure: count >= MIN_GROUP ? await satisfactionByProcedure(tx, own) : [],
      };
    });
    return reply.page(<SatisfactionStaffPage ctx={req.pageCtx()} user={user} from={from} to={to} figures={figures} {...(error ? { error } : {})} />, error ? 400 : 200);
  });
}
