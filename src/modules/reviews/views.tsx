// Pages of the yearly review: the year's list (plan, reviews, report), a procedure's review form
// (Biểu mẫu 02/RS-KSTT and the compliance cost of Biểu mẫu 03/SCM-KSTT), the income setting and
// the province's view of its communes' results.
import type { ComponentChildren, VNode } from "preact";
import { COST_ACTIVITIES, type CostItem, hourlyIncome, percentText } from "../../domain/catalog/compliance-cost";
import { CONCLUSIONS, type PartAssessment, partOf, REVIEW_CRITERIA, REVIEW_PARTS, type ReviewPart } from "../../domain/catalog/review";
import { formatHours } from "../../domain/catalog/review-documents";
import type { PageCtx } from "../../web/context";
import { formatDate, formatDateTime, formatNumber, formatVnd } from "../../web/i18n";
import { CsrfField, ErrorSummary, Field, Layout, SelectField, TextAreaField } from "../../web/views/layout";
import { assessmentFieldName, type FormErrors, type FormValues, NEW_COST_ROWS } from "./forms";
import type { ProcedureReview, ReviewCost, ReviewRound, SentRoundSummary, WageInForce } from "./service";

const vnd = (ctx: PageCtx, n: number) => formatVnd(n, ctx.lang);

function msgs(ctx: PageCtx, errors: FormErrors | undefined): Record<string, string> | undefined {
  if (!errors) return undefined;
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, ctx.t(v)]));
}

export function StatusTag({ ctx, status, overdue }: { ctx: PageCtx; status: ProcedureReview["status"]; overdue?: boolean }): VNode {
  const tone = status === "done" ? "ok" : overdue ? "bad" : status === "in_progress" ? "warn" : "";
  return (
    <span class={`tag ${tone}`}>
      {ctx.t(`reviews.status.${status}`)}
      {overdue && status !== "done" ? ` · ${ctx.t("reviews.overdue")}` : ""}
    </span>
  );
}

export type Staff = { id: number; full_name: string; title: string | null };
export type Candidate = { code: string; name: string };

export function YearPage(p: {
  ctx: PageCtx;
  year: number;
  today: string;
  round: ReviewRound | undefined;
  planStatus: string | null;
  reviews: (ProcedureReview & { cost: ReviewCost["result"] | null })[];
  canManage: boolean;
  isProvince: boolean;
  wage: WageInForce;
  fields: string[];
  field: string | undefined;
  candidates: Candidate[];
  staff: Staff[];
  values: FormValues;
  errors?: FormErrors | undefined;
  sendErrors?: FormErrors | undefined;
  signer: { name: string; title: string };
  notice?: string | undefined;
}): VNode {
  const { ctx, year } = p;
  const t = ctx.t;
  const open = p.round?.status !== "sent";
  const done = p.reviews.filter((r) => r.status === "done");
  const totals = done.reduce((s, r) => ({ before: s.before + (r.cost?.before ?? 0), after: s.after + (r.cost?.after ?? 0) }), { before: 0, after: 0 });
  const rate = totals.before > 0 ? Math.round(((totals.before - totals.after) / totals.before) * 10000) / 100 : 0;
  const docBase = `/staff/reviews/documents/${year}`;
  return (
    <Layout ctx={ctx} title={t("reviews.title", { year })} area="staff">
      <h1>{t("reviews.title", { year })}</h1>
      <p class="lead">{t("reviews.intro")}</p>
      {p.notice ? (
        <p class="notice" role="status">
          {p.notice}
        </p>
      ) : null}
      <form method="get" action="/staff/reviews" class="search-row">
        <Field name="year" label={t("reviews.year")} type="number" value={year} />
        <button type="submit" class="secondary">
          {t("reviews.show")}
        </button>
      </form>
      <p>
        {p.round?.planId ? (
          <a href={`/staff/plans/${p.round.planId}`}>{t("reviews.planLink", { year })}</a>
        ) : (
          <span class="muted">{t("reviews.noPlan")}</span>
        )}
        {p.planStatus ? <> · {t(`plans.planStatus.${p.planStatus}`)}</> : null}
        {p.isProvince ? (
          <>
            {" · "}
            <a href={`/staff/reviews/communes?year=${year}`}>{t("reviews.communes.link")}</a>
          </>
        ) : null}
        {p.canManage ? (
          <>
            {" · "}
            <a href="/staff/reviews/settings">{t("reviews.settings.link")}</a>
          </>
        ) : null}
      </p>
      {p.round?.status === "sent" ? (
        <section class="panel" aria-labelledby="sent-h">
          <h2 id="sent-h">{t("reviews.sent.title")}</h2>
          <p>{t("reviews.sent.text", { code: p.round.code ?? "", date: formatDate(p.round.issuedOn), to: p.round.toAgencyName ?? t("reviews.sent.noParent"), at: formatDateTime(p.round.sentAt) })}</p>
          <p>
            <a href={`/staff/reviews/rounds/${p.round.id}/report.docx`}>{t("reviews.doc.reportDocx")}</a> · <a href={`/staff/reviews/rounds/${p.round.id}/report.pdf`}>{t("reviews.doc.reportPdf")}</a> ·{" "}
            <a href={`/staff/reviews/rounds/${p.round.id}/proposal.docx`}>{t("reviews.doc.proposalDocx")}</a> · <a href={`/staff/reviews/rounds/${p.round.id}/proposal.pdf`}>{t("reviews.doc.proposalPdf")}</a>
          </p>
        </section>
      ) : null}
      <h2>{t("reviews.list", { n: p.reviews.length })}</h2>
      {p.reviews.length === 0 ? (
        <p>{t("reviews.none")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("reviews.procedure")}</th>
                <th scope="col">{t("reviews.reviewer")}</th>
                <th scope="col">{t("reviews.deadline")}</th>
                <th scope="col">{t("reviews.statusCol")}</th>
                <th scope="col">{t("reviews.conclusion")}</th>
                <th scope="col">{t("reviews.cost.beforeYear")}</th>
                <th scope="col">{t("reviews.cost.afterYear")}</th>
                <th scope="col">{t("reviews.cost.rate")}</th>
              </tr>
            </thead>
            <tbody>
              {p.reviews.map((r) => (
                <tr key={r.id}>
                  <td>
                    <a href={`/staff/reviews/${r.id}`}>{r.name}</a>
                    <div class="muted">
                      {r.code} · {r.field}
                    </div>
                  </td>
                  <td>{r.reviewer?.name ?? "—"}</td>
                  <td>{r.deadline ? formatDate(r.deadline) : "—"}</td>
                  <td>
                    <StatusTag ctx={ctx} status={r.status} overdue={r.deadline !== null && r.deadline < p.today} />
                  </td>
                  <td>{r.conclusion ? t(`reviews.conclusion.${r.conclusion}`) : "—"}</td>
                  <td>{r.cost ? vnd(ctx, r.cost.before) : "—"}</td>
                  <td>{r.cost ? vnd(ctx, r.cost.after) : "—"}</td>
                  <td>{r.cost ? percentText(r.cost.savingRate) : "—"}</td>
                </tr>
              ))}
            </tbody>
            {done.length ? (
              <tfoot>
                <tr>
                  <th scope="row" colSpan={5}>
                    {t("reviews.totals", { n: done.length })}
                  </th>
                  <td>{vnd(ctx, totals.before)}</td>
                  <td>{vnd(ctx, totals.after)}</td>
                  <td>{percentText(rate)}</td>
                </tr>
              </tfoot>
            ) : null}
          </table>
        </div>
      )}
      {p.canManage && open ? (
        <section class="panel" aria-labelledby="add-h">
          <h2 id="add-h">{t("reviews.add.title")}</h2>
          <p class="hint">{t("reviews.add.hint")}</p>
          <form method="get" action="/staff/reviews" class="search-row">
            <input type="hidden" name="year" value={year} />
            <SelectField name="field" label={t("reviews.add.field")} value={p.field ?? ""} options={[{ value: "", label: t("reviews.add.chooseField") }, ...p.fields.map((f) => ({ value: f, label: f }))]} />
            <button type="submit" class="secondary">
              {t("reviews.add.list")}
            </button>
          </form>
          {p.field ? (
            p.candidates.length === 0 ? (
              <p>{t("reviews.add.noneLeft")}</p>
            ) : (
              <form method="post" action="/staff/reviews" novalidate>
                <CsrfField ctx={ctx} />
                <input type="hidden" name="year" value={year} />
                <input type="hidden" name="field" value={p.field} />
                <ErrorSummary ctx={ctx} errors={msgs(ctx, p.errors)} />
                <fieldset id="f-code">
                  <legend>{t("reviews.add.procedures", { field: p.field })}</legend>
                  {p.candidates.map((c) => (
                    <div key={c.code}>
                      <label>
                        <input type="checkbox" name="code" value={c.code} checked={(p.values.code ?? "").split(",").includes(c.code)} /> {c.name} <span class="muted">({c.code})</span>
                      </label>
                    </div>
                  ))}
                </fieldset>
                <SelectField
                  name="reviewerUserId"
                  label={t("reviews.reviewer")}
                  hint={t("reviews.add.reviewerHint")}
                  value={p.values.reviewerUserId}
                  error={p.errors?.reviewerUserId ? t(p.errors.reviewerUserId) : undefined}
                  options={[{ value: "", label: t("reviews.choose") }, ...p.staff.map((s) => ({ value: s.id, label: s.title ? `${s.full_name} – ${s.title}` : s.full_name }))]}
                />
                <Field name="deadline" label={t("reviews.deadline")} type="date" value={p.values.deadline} error={p.errors?.deadline ? t(p.errors.deadline) : undefined} />
                <button type="submit">{t("reviews.add.submit")}</button>
              </form>
            )
          ) : null}
        </section>
      ) : null}
      <section class="panel" aria-labelledby="docs-h">
        <h2 id="docs-h">{t("reviews.docs.title")}</h2>
        <p>{t("reviews.wage.inForce", { income: vnd(ctx, p.wage.setting.annualIncomeVnd), year: p.wage.setting.year, hourly: vnd(ctx, Math.round(hourlyIncome(p.wage.setting))), source: p.wage.setting.source })}</p>
        {done.length && open ? (
          <p>
            {t("reviews.docs.drafts")} <a href={`${docBase}/report.docx`}>{t("reviews.doc.reportDocx")}</a> · <a href={`${docBase}/report.pdf`}>{t("reviews.doc.reportPdf")}</a> ·{" "}
            <a href={`${docBase}/proposal.docx`}>{t("reviews.doc.proposalDocx")}</a> · <a href={`${docBase}/proposal.pdf`}>{t("reviews.doc.proposalPdf")}</a>
          </p>
        ) : open ? (
          <p class="muted">{t("reviews.docs.noneDone")}</p>
        ) : null}
        {p.canManage && open ? (
          <form method="post" action="/staff/reviews/send" novalidate data-confirm={t("reviews.send.confirm")}>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="year" value={year} />
            <ErrorSummary ctx={ctx} errors={msgs(ctx, p.sendErrors)} />
            <p class="hint">{t("reviews.send.hint")}</p>
            <Field name="signerName" label={t("reviews.send.signerName")} value={p.values.signerName ?? p.signer.name} error={p.sendErrors?.signerName ? t(p.sendErrors.signerName) : undefined} maxLength={200} />
            <Field name="signerTitle" label={t("reviews.send.signerTitle")} value={p.values.signerTitle ?? p.signer.title} maxLength={200} />
            <button type="submit">{t("reviews.send.submit")}</button>
          </form>
        ) : null}
      </section>
    </Layout>
  );
}

function AnswerCell({ ctx, part, criterion, a, editable }: { ctx: PageCtx; part: ReviewPart; criterion: (typeof REVIEW_CRITERIA)[number]; a: PartAssessment; editable: boolean }): VNode {
  const t = ctx.t;
  const name = assessmentFieldName(part, criterion);
  const value = a[criterion];
  if (!editable) return <td>{value ? t(`reviews.answer.${value}`) : "—"}</td>;
  return (
    <td>
      <fieldset class="inline-choice">
        <legend class="sr-only">
          {t(`reviews.part.${part}`)}: {t(`reviews.criterion.${criterion}`)}
        </legend>
        {(["yes", "no"] as const).map((v) => (
          <label key={v}>
            <input type="radio" name={name} value={v} checked={value === v} /> {t(`reviews.answer.${v}`)}
          </label>
        ))}
        <label>
          <input type="radio" name={name} value="" checked={value === null} /> {t("reviews.answer.blank")}
        </label>
      </fieldset>
    </td>
  );
}

function CostRow({ ctx, i, item, editable, errors }: { ctx: PageCtx; i: number; item: Partial<CostItem> & { values?: FormValues }; editable: boolean; errors?: FormErrors | undefined }): VNode {
  const t = ctx.t;
  const f = (n: string) => `c${i}_${n}`;
  const v = (n: string, fallback: string) => item.values?.[f(n)] ?? fallback;
  const err = (n: string) => (errors?.[f(n)] ? " has-error" : "");
  if (!editable) {
    return (
      <tr>
        <td>{item.label}</td>
        <td>{item.activity ? t(`reviews.activity.${item.activity}`) : ""}</td>
        <td>{formatHours(item.hoursBefore ?? 0)}</td>
        <td>{formatNumber(item.otherBefore ?? 0)}</td>
        <td>{formatHours(item.hoursAfter ?? 0)}</td>
        <td>{formatNumber(item.otherAfter ?? 0)}</td>
      </tr>
    );
  }
  const num = (n: "hoursBefore" | "hoursAfter" | "otherBefore" | "otherAfter", label: string) => {
    const raw = item[n];
    const shown = raw === undefined ? "" : n.startsWith("hours") ? formatHours(raw) : formatNumber(raw);
    return (
      <td class={err(n)}>
        <input id={`f-${f(n)}`} name={f(n)} value={v(n, shown)} inputMode="decimal" size={8} aria-label={`${item.label ?? t("reviews.cost.newRow")}: ${label}`} aria-invalid={errors?.[f(n)] ? "true" : undefined} />
      </td>
    );
  };
  return (
    <tr>
      <td class={err("label")}>
        <textarea id={`f-${f("label")}`} name={f("label")} rows={2} maxLength={500} aria-label={t("reviews.cost.label")} aria-invalid={errors?.[f("label")] ? "true" : undefined}>
          {v("label", item.label ?? "")}
        </textarea>
      </td>
      <td>
        <select id={`f-${f("activity")}`} name={f("activity")} aria-label={t("reviews.cost.activity")}>
          {COST_ACTIVITIES.map((a) => (
            <option key={a} value={a} selected={v("activity", item.activity ?? "document") === a}>
              {t(`reviews.activity.${a}`)}
            </option>
          ))}
        </select>
      </td>
      {num("hoursBefore", t("reviews.cost.hoursBefore"))}
      {num("otherBefore", t("reviews.cost.otherBefore"))}
      {num("hoursAfter", t("reviews.cost.hoursAfter"))}
      {num("otherAfter", t("reviews.cost.otherAfter"))}
    </tr>
  );
}

/** A form for whoever may change the review; the same content, read-only, for everyone else. */
function EditForm({ editable, action, children }: { editable: boolean; action: string; children: ComponentChildren }): VNode {
  return editable ? (
    <form method="post" action={action} novalidate>
      {children}
    </form>
  ) : (
    <div>{children}</div>
  );
}

export function ReviewPage(p: {
  ctx: PageCtx;
  r: ProcedureReview;
  current: Record<ReviewPart, string>;
  cost: ReviewCost;
  editable: boolean;
  canReopen: boolean;
  today: string;
  assessmentValues?: FormValues | undefined;
  assessmentErrors?: FormErrors | undefined;
  costValues?: FormValues | undefined;
  costErrors?: FormErrors | undefined;
  problems?: string[] | undefined;
  saved?: string | undefined;
}): VNode {
  const { ctx, r, cost } = p;
  const t = ctx.t;
  const ed = p.editable;
  const av = p.assessmentValues;
  const partValue = (part: ReviewPart): PartAssessment => {
    if (!av) return partOf(r.assessment, part);
    const pick = (c: string) => (av[assessmentFieldName(part, c)] === "yes" ? "yes" : av[assessmentFieldName(part, c)] === "no" ? "no" : null);
    return { necessary: pick("necessary"), reasonable: pick("reasonable"), lawful: pick("lawful"), proposal: av[assessmentFieldName(part, "proposal")] ?? "", reason: av[assessmentFieldName(part, "reason")] ?? "" };
  };
  const conclusion = av ? av.conclusion ?? "" : r.conclusion ?? "";
  const recommendation = av ? av.recommendation ?? "" : r.recommendation;
  const rowsFromValues = p.costValues
    ? [...new Set(Object.keys(p.costValues).map((k) => /^c(\d+)_/.exec(k)?.[1]).filter((x): x is string => x !== undefined))].map(Number).sort((a, b) => a - b)
    : null;
  const res = cost.result;
  return (
    <Layout ctx={ctx} title={t("reviews.form.title", { name: r.name })} area="staff">
      <p class="muted">
        <a href={`/staff/reviews?year=${r.year}`}>{t("reviews.title", { year: r.year })}</a>
      </p>
      <h1>{t("reviews.form.title", { name: r.name })}</h1>
      {p.saved ? (
        <p class="notice" role="status">
          {t(`reviews.saved.${p.saved}`)}
        </p>
      ) : null}
      {p.problems?.length ? (
        <div class="error-summary" role="alert" tabIndex={-1}>
          <h2>{t("reviews.err.incomplete", { n: p.problems.length })}</h2>
          <ul>
            {p.problems.map((m, k) => (
              <li key={k}>{m}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <dl class="proc-facts">
        <dt>{t("reviews.procedure")}</dt>
        <dd>
          {r.code} · {r.field} · <a href={`/procedures/${encodeURIComponent(r.code)}`}>{t("reviews.publicPage")}</a>
          <div class="muted">{t("reviews.version", { n: r.versionNo })}</div>
        </dd>
        <dt>{t("reviews.reviewer")}</dt>
        <dd>{r.reviewer ? (r.reviewer.title ? `${r.reviewer.name} – ${r.reviewer.title}` : r.reviewer.name) : "—"}</dd>
        <dt>{t("reviews.deadline")}</dt>
        <dd>{r.deadline ? formatDate(r.deadline) : "—"}</dd>
        <dt>{t("reviews.statusCol")}</dt>
        <dd>
          <StatusTag ctx={ctx} status={r.status} overdue={r.deadline !== null && r.deadline < p.today} />
          {r.completedAt ? ` ${t("reviews.completedBy", { name: r.completedBy ?? "—", at: formatDateTime(r.completedAt) })}` : ""}
          {r.planId ? (
            <>
              {" · "}
              <a href={`/staff/plans/${r.planId}${r.planTaskId ? `#task-${r.planTaskId}` : ""}`}>{t("reviews.planTask")}</a>
            </>
          ) : null}
        </dd>
      </dl>

      <section aria-labelledby="form02-h">
        <h2 id="form02-h">{t("reviews.form02.title")}</h2>
        <p class="hint">{t("reviews.form02.hint")}</p>
        <EditForm editable={ed} action={`/staff/reviews/${r.id}/assessment`}>
          {ed ? <CsrfField ctx={ctx} /> : null}
          <ErrorSummary ctx={ctx} errors={msgs(ctx, p.assessmentErrors)} />
          {REVIEW_PARTS.map((part, k) => {
            const a = partValue(part);
            return (
              <fieldset key={part} class="panel review-part" id={`part-${part}`}>
                <legend>
                  {k + 1}. {t(`reviews.part.${part}`)}
                </legend>
                <details>
                  <summary>{t("reviews.form02.current")}</summary>
                  <p class="pre-line">{p.current[part] || t("reviews.form02.empty")}</p>
                </details>
                <div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        {REVIEW_CRITERIA.map((c) => (
                          <th key={c} scope="col">
                            {t(`reviews.criterion.${c}`)}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      <tr>
                        {REVIEW_CRITERIA.map((c) => (
                          <AnswerCell key={c} ctx={ctx} part={part} criterion={c} a={a} editable={ed} />
                        ))}
                      </tr>
                    </tbody>
                  </table>
                </div>
                {ed ? (
                  <div class="grid2">
                    <TextAreaField name={assessmentFieldName(part, "proposal")} label={t("reviews.proposal")} value={a.proposal} rows={2} maxLength={4000} />
                    <TextAreaField name={assessmentFieldName(part, "reason")} label={t("reviews.reason")} value={a.reason} rows={2} maxLength={4000} />
                  </div>
                ) : a.proposal ? (
                  <p>
                    <strong>{t("reviews.proposal")}:</strong> {a.proposal} <strong>{t("reviews.reason")}:</strong> {a.reason}
                  </p>
                ) : null}
              </fieldset>
            );
          })}
          <fieldset class="panel">
            <legend>{t("reviews.conclusion")}</legend>
            {ed ? (
              <>
                <SelectField
                  name="conclusion"
                  label={t("reviews.conclusion")}
                  value={conclusion}
                  error={p.assessmentErrors?.conclusion ? t(p.assessmentErrors.conclusion) : undefined}
                  options={[{ value: "", label: t("reviews.choose") }, ...CONCLUSIONS.map((c) => ({ value: c, label: t(`reviews.conclusion.${c}`) }))]}
                />
                <TextAreaField name="recommendation" label={t("reviews.recommendation")} hint={t("reviews.recommendationHint")} value={recommendation} rows={3} maxLength={4000} />
              </>
            ) : (
              <p>
                {r.conclusion ? t(`reviews.conclusion.${r.conclusion}`) : "—"}
                {r.recommendation ? ` — ${r.recommendation}` : ""}
              </p>
            )}
          </fieldset>
          {ed ? <button type="submit">{t("reviews.form02.save")}</button> : null}
        </EditForm>
      </section>

      <section aria-labelledby="form03-h">
        <h2 id="form03-h">{t("reviews.form03.title")}</h2>
        <p class="hint">{t("reviews.form03.hint", { hourly: vnd(ctx, Math.round(res.hourly)), income: vnd(ctx, cost.wage.annualIncomeVnd), year: cost.wage.year, source: cost.wage.source })}</p>
        <EditForm editable={ed} action={`/staff/reviews/${r.id}/cost`}>
          {ed ? <CsrfField ctx={ctx} /> : null}
          <ErrorSummary ctx={ctx} errors={msgs(ctx, p.costErrors)} />
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("reviews.cost.label")}</th>
                  <th scope="col">{t("reviews.cost.activity")}</th>
                  <th scope="col">{t("reviews.cost.hoursBefore")}</th>
                  <th scope="col">{t("reviews.cost.otherBefore")}</th>
                  <th scope="col">{t("reviews.cost.hoursAfter")}</th>
                  <th scope="col">{t("reviews.cost.otherAfter")}</th>
                </tr>
              </thead>
              <tbody>
                {rowsFromValues
                  ? rowsFromValues.map((i) => <CostRow key={i} ctx={ctx} i={i} item={{ values: p.costValues! }} editable={ed} errors={p.costErrors} />)
                  : [...r.costItems, ...(ed ? Array.from({ length: NEW_COST_ROWS }, () => ({}) as Partial<CostItem>) : [])].map((item, i) => (
                      <CostRow key={i} ctx={ctx} i={i} item={item} editable={ed} errors={p.costErrors} />
                    ))}
              </tbody>
            </table>
          </div>
          {ed ? (
            <div class="grid2">
              <Field name="feeBefore" label={t("reviews.cost.feeBefore")} hint={cost.feeKnown ? undefined : t("reviews.cost.feeUnknown")} value={p.costValues?.feeBefore ?? (r.feeBefore === null ? "" : formatNumber(r.feeBefore))} inputMode="numeric" error={p.costErrors?.feeBefore ? t(p.costErrors.feeBefore) : undefined} />
              <Field name="feeAfter" label={t("reviews.cost.feeAfter")} value={p.costValues?.feeAfter ?? (r.feeAfter === null ? "" : formatNumber(r.feeAfter))} inputMode="numeric" error={p.costErrors?.feeAfter ? t(p.costErrors.feeAfter) : undefined} />
              <Field
                name="dossiersPerYear"
                label={t("reviews.cost.dossiers")}
                hint={t("reviews.cost.dossiersHint", { n: formatNumber(cost.counted.n), from: formatDate(cost.counted.from), to: formatDate(cost.counted.to) })}
                value={p.costValues?.dossiersPerYear ?? (r.dossiersPerYear === null ? "" : String(r.dossiersPerYear))}
                inputMode="numeric"
                error={p.costErrors?.dossiersPerYear ? t(p.costErrors.dossiersPerYear) : undefined}
              />
            </div>
          ) : null}
          {ed ? <button type="submit">{t("reviews.form03.save")}</button> : null}
        </EditForm>
        <div class="table-wrap">
          <table>
            <caption>{t("reviews.cost.result")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("reviews.cost.line")}</th>
                <th scope="col">{t("reviews.cost.before")}</th>
                <th scope="col">{t("reviews.cost.after")}</th>
              </tr>
            </thead>
            <tbody>
              {res.lines.map((l, k) => (
                <tr key={k}>
                  <td>{l.label}</td>
                  <td>{vnd(ctx, l.before)}</td>
                  <td>{vnd(ctx, l.after)}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">{t("reviews.cost.perDossier")}</th>
                <td>{vnd(ctx, res.perDossier.before)}</td>
                <td>{vnd(ctx, res.perDossier.after)}</td>
              </tr>
              <tr>
                <th scope="row">{t("reviews.cost.perYear", { n: formatNumber(res.dossiersPerYear), source: t(`reviews.cost.source.${cost.dossiersSource}`) })}</th>
                <td>
                  <strong>{vnd(ctx, res.before)}</strong>
                </td>
                <td>
                  <strong>{vnd(ctx, res.after)}</strong>
                </td>
              </tr>
            </tbody>
          </table>
        </div>
        <p>
          <strong>{t("reviews.cost.savingText", { saving: vnd(ctx, res.saving), rate: percentText(res.savingRate) })}</strong>
        </p>
      </section>

      {ed ? (
        <form method="post" action={`/staff/reviews/${r.id}/complete`} class="panel">
          <CsrfField ctx={ctx} />
          <p class="hint">{t("reviews.complete.hint")}</p>
          <button type="submit">{t("reviews.complete.submit")}</button>
        </form>
      ) : null}
      {p.canReopen ? (
        <form method="post" action={`/staff/reviews/${r.id}/reopen`} class="panel">
          <CsrfField ctx={ctx} />
          <p class="hint">{t("reviews.reopen.hint")}</p>
          <button type="submit" class="secondary">
            {t("reviews.reopen.submit")}
          </button>
        </form>
      ) : null}
    </Layout>
  );
}

export function SettingsPage({ ctx, wage, values, errors, saved }: { ctx: PageCtx; wage: WageInForce; values?: FormValues | undefined; errors?: FormErrors | undefined; saved?: boolean }): VNode {
  const t = ctx.t;
  const v = values ?? { annualIncomeVnd: formatNumber(wage.setting.annualIncomeVnd), year: String(wage.setting.year), source: wage.setting.source };
  return (
    <Layout ctx={ctx} title={t("reviews.settings.title")} area="staff">
      <p class="muted">
        <a href="/staff/reviews">{t("reviews.nav")}</a>
      </p>
      <h1>{t("reviews.settings.title")}</h1>
      <p class="lead">{t("reviews.settings.intro")}</p>
      {saved ? (
        <p class="notice" role="status">
          {t("reviews.settings.saved")}
        </p>
      ) : null}
      <p>
        {t(`reviews.settings.from.${wage.from}`, { agency: wage.agencyName ?? "" })} {t("reviews.settings.hourly", { hourly: vnd(ctx, Math.round(hourlyIncome(wage.setting))) })}
      </p>
      <form method="post" action="/staff/reviews/settings" class="panel" novalidate>
        <CsrfField ctx={ctx} />
        <ErrorSummary ctx={ctx} errors={msgs(ctx, errors)} />
        <Field name="annualIncomeVnd" label={t("reviews.settings.income")} hint={t("reviews.settings.incomeHint")} value={v.annualIncomeVnd} inputMode="numeric" error={errors?.annualIncomeVnd ? t(errors.annualIncomeVnd) : undefined} />
        <Field name="year" label={t("reviews.settings.year")} type="number" value={v.year} error={errors?.year ? t(errors.year) : undefined} />
        <TextAreaField name="source" label={t("reviews.settings.source")} hint={t("reviews.settings.sourceHint")} value={v.source} rows={2} maxLength={500} error={errors?.source ? t(errors.source) : undefined} />
        <button type="submit">{t("common.save")}</button>
      </form>
    </Layout>
  );
}

export function CommunesPage({ ctx, year, rounds }: { ctx: PageCtx; year: number; rounds: SentRoundSummary[] }): VNode {
  const t = ctx.t;
  const before = rounds.reduce((s, r) => s + r.before, 0);
  const after = rounds.reduce((s, r) => s + r.after, 0);
  const rate = before > 0 ? Math.round(((before - after) / before) * 10000) / 100 : 0;
  return (
    <Layout ctx={ctx} title={t("reviews.communes.title", { year })} area="staff">
      <p class="muted">
        <a href={`/staff/reviews?year=${year}`}>{t("reviews.title", { year })}</a>
      </p>
      <h1>{t("reviews.communes.title", { year })}</h1>
      <p class="lead">{t("reviews.communes.intro")}</p>
      <form method="get" action="/staff/reviews/communes" class="search-row">
        <Field name="year" label={t("reviews.year")} type="number" value={year} />
        <button type="submit" class="secondary">
          {t("reviews.show")}
        </button>
      </form>
      {rounds.length === 0 ? (
        <p>{t("reviews.communes.none")}</p>
      ) : (
        <>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("reviews.communes.agency")}</th>
                  <th scope="col">{t("reviews.communes.report")}</th>
                  <th scope="col">{t("reviews.communes.reviews")}</th>
                  <th scope="col">{t("reviews.cost.beforeYear")}</th>
                  <th scope="col">{t("reviews.cost.afterYear")}</th>
                  <th scope="col">{t("reviews.cost.savingYear")}</th>
                  <th scope="col">{t("reviews.cost.rate")}</th>
                </tr>
              </thead>
              <tbody>
                {rounds.map((r) => (
                  <tr key={r.id}>
                    <td>{r.agencyName}</td>
                    <td>
                      {r.code} · {formatDate(r.issuedOn)}
                      <div>
                        <a href={`/staff/reviews/rounds/${r.id}/report.pdf`}>{t("reviews.doc.reportPdf")}</a> · <a href={`/staff/reviews/rounds/${r.id}/proposal.pdf`}>{t("reviews.doc.proposalPdf")}</a>
                      </div>
                    </td>
                    <td>{formatNumber(r.reviews)}</td>
                    <td>{vnd(ctx, r.before)}</td>
                    <td>{vnd(ctx, r.after)}</td>
                    <td>{vnd(ctx, r.saving)}</td>
                    <td>{percentText(r.savingRate)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={3}>
                    {t("reviews.communes.total", { n: rounds.length })}
                  </th>
                  <td>{vnd(ctx, before)}</td>
                  <td>{vnd(ctx, after)}</td>
                  <td>{vnd(ctx, before - after)}</td>
                  <td>{percentText(rate)}</td>
                </tr>
              </tfoot>
            </table>
          </div>
          <p>
            {t("reviews.communes.summary")} <a href={`/staff/reviews/communes/${year}/summary.docx`}>DOCX</a> · <a href={`/staff/reviews/communes/${year}/summary.pdf`}>PDF</a>
          </p>
        </>
      )}
    </Layout>
  );
}
