// Pages of the CCHC index: the assessment (the commune fills and submits, the province appraises),
// the council's overview, the criteria sets, the ranking, the public result.
import type { VNode } from "preact";
import { can } from "../../domain/auth/permissions";
import type { Role } from "../../domain/auth/roles";
import { type Band, CCHC_MEASURES, childrenOf, type Criterion, indexTotals, leavesOf, nodePoints, REVIEW_DECISIONS, stepVerdict } from "../../domain/indexes/cchc";
import type { PageCtx } from "../../web/context";
import { formatDate, formatDateTime, formatNumber } from "../../web/i18n";
import { ColumnChart } from "../../web/views/charts";
import { CsrfField, ErrorSummary, FileField, Layout, SelectField, TextAreaField } from "../../web/views/layout";
import { type Assessment, type EvidenceLink, finalPointsMap, missingEvidence, type RankingRow, selfPointsOf, type StoredSet } from "./cchc-service";

export const CCHC_BASE = "/staff/indexes/cchc";

export const pts = (n: number | null | undefined): string => (n === null || n === undefined ? "—" : formatNumber(Math.round(n * 100) / 100));
export const pct = (n: number | null | undefined): string => (n === null || n === undefined ? "—" : `${formatNumber(Math.round(n * 100) / 100)}%`);

export function BandTag({ ctx, band }: { ctx: PageCtx; band: Band | null }): VNode | null {
  if (!band) return null;
  const tone = band === "excellent" || band === "good" ? "ok" : band === "below" ? "bad" : band === "average" ? "warn" : "";
  return <span class={`tag ${tone}`}>{ctx.t(`cchc.band.${band}`)}</span>;
}

export function StatusTag({ ctx, status }: { ctx: PageCtx; status: Assessment["status"] | null }): VNode {
  const tone = status === "published" || status === "approved" ? "ok" : status === "submitted" ? "warn" : status === "returned" ? "bad" : "";
  return <span class={`tag ${tone}`}>{ctx.t(`cchc.status.${status ?? "none"}`)}</span>;
}

export function YearForm({ ctx, year, action }: { ctx: PageCtx; year: number; action: string }): VNode {
  return (
    <form method="get" action={action} class="search-row no-print">
      <div class="field">
        <label for="f-year">{ctx.t("cchc.year")}</label>
        <input id="f-year" name="year" type="number" min={2000} max={2100} value={year} />
      </div>
      <button type="submit" class="secondary">
        {ctx.t("cchc.show")}
      </button>
    </form>
  );
}

/** A measured figure's link, shown to those who may open it, on their side (the commune's own pages or the province's supervision). */
function linkShown(e: EvidenceLink, own: boolean, role: Role): boolean {
  if (e.side && (e.side === "commune") !== own) return false;
  return !e.access || can(role, e.access);
}

export type AssessmentView = {
  a: Assessment;
  /** The commune's published results over the years (its chart). */
  history?: { year: number; index: number }[] | undefined;
  errors?: Record<string, string> | undefined;
  /** Values typed into the forms, shown again when refused. */
  values?: Record<string, string> | undefined;
  saved?: boolean;
};

/** Criteria in the file's order, each with its depth. */
function ordered(criteria: readonly Criterion[]): { c: Criterion; depth: number }[] {
  const kids = childrenOf(criteria);
  const out: { c: Criterion; depth: number }[] = [];
  const visit = (c: Criterion, depth: number) => {
    out.push({ c, depth });
    for (const k of kids.get(c.code) ?? []) visit(k, depth + 1);
  };
  for (const c of criteria) if (!c.parent) visit(c, 0);
  return out;
}

export function AssessmentPage({ ctx, a, errors, values, saved, history }: { ctx: PageCtx } & AssessmentView): VNode {
  const t = ctx.t;
  const user = ctx.user!;
  const actor = { role: user.role, agencyId: user.agencyId };
  const own = user.agencyId === a.communeId;
  const canFill = stepVerdict("fill", actor, a) === "ok";
  const canSubmit = stepVerdict("submit", actor, a) === "ok";
  const canAppraise = stepVerdict("appraise", actor, a) === "ok";
  const canApprove = stepVerdict("approve", actor, a) === "ok";
  const canPublish = stepVerdict("publish", actor, a) === "ok";
  const v = values ?? {};
  const self = selfPointsOf(a);
  const final = finalPointsMap(a);
  const selfNodes = nodePoints(a.set.criteria, self);
  const finalNodes = nodePoints(a.set.criteria, final);
  const selfTotals = indexTotals(a.set.criteria, self);
  const showFinal = a.status !== "draft";
  const leafCodes = new Set(leavesOf(a.set.criteria).map((c) => c.code));
  const missing = new Set(missingEvidence(a));
  const base = `${CCHC_BASE}/${a.id}`;
  const rows = ordered(a.set.criteria);
  const evidenceOf = (code: string) => a.evidence.filter((e) => e.code === code);
  const title = t("cchc.assessment.title", { commune: a.communeName, year: a.year });
  return (
    <Layout ctx={ctx} title={title} area="staff">
      <p class="no-print">
        <a href={`${CCHC_BASE}?year=${a.year}`}>← {t("cchc.nav")}</a>
      </p>
      <h1>{title}</h1>
      <CommuneLinks ctx={ctx} year={a.year} />
      <p class="lead">
        <StatusTag ctx={ctx} status={a.status} /> · {a.set.title} ({t("cchc.version", { n: a.set.version })})
      </p>
      {saved ? (
        <p class="notice" role="status">
          {t("cchc.saved")}
        </p>
      ) : null}
      <ErrorSummary ctx={ctx} errors={errors} />
      {a.status === "returned" && a.returnReason ? (
        <p class="notice warn" role="status">
          {t("cchc.returned", { reason: a.returnReason })}
        </p>
      ) : null}
      <ul class="cards">
        <li class="card">
          <span class="num">
            {pts(selfTotals.total)}/{pts(selfTotals.max)}
          </span>
          <span>{t("cchc.selfTotal")}</span>
        </li>
        {a.finalTotal !== null ? (
          <li class="card">
            <span class="num">
              {pts(a.finalTotal)} ({pct(a.index)})
            </span>
            <span>{t("cchc.finalTotal")}</span>
          </li>
        ) : null}
        {a.band ? (
          <li class="card">
            <span class="num">{t(`cchc.band.${a.band}`)}</span>
            <span>{t("cchc.bandLabel")}</span>
          </li>
        ) : null}
      </ul>
      <dl class="proc-facts">
        <dt>{t("cchc.submitted")}</dt>
        <dd>{a.submittedAt ? `${formatDateTime(a.submittedAt)} · ${a.submittedBy ?? ""}` : "—"}</dd>
        <dt>{t("cchc.approved")}</dt>
        <dd>{a.approvedAt ? `${formatDateTime(a.approvedAt)} · ${a.approvedBy ?? ""}` : "—"}</dd>
        <dt>{t("cchc.published")}</dt>
        <dd>{a.publishedAt ? formatDateTime(a.publishedAt) : "—"}</dd>
        <dt>{t("cchc.documents")}</dt>
        <dd>
          {t("cchc.report")}
          {a.reportDocument ? ` ${a.reportDocument.code} (${formatDate(a.reportDocument.issuedOn)})` : ` (${t("cchc.draft")})`}: <a href={`${base}/report.docx`}>DOCX</a> · <a href={`${base}/report.pdf`}>PDF</a>
          {a.decisionDocument ? (
            <>
              <br />
              {t("cchc.decision")} {a.decisionDocument.code} ({formatDate(a.decisionDocument.issuedOn)}): <a href={`${base}/decision.docx`}>DOCX</a> · <a href={`${base}/decision.pdf`}>PDF</a>
            </>
          ) : null}
        </dd>
      </dl>

      {canFill ? (
        <form method="post" action={`${base}/prefill`} class="no-print">
          <CsrfField ctx={ctx} />
          <p>
            <button type="submit" class="secondary">
              {t("cchc.prefill")}
            </button>{" "}
            <span class="hint">{t("cchc.prefillHint")}</span>
          </p>
        </form>
      ) : null}

      <h2 id="criteria-h">{t("cchc.criteria")}</h2>
      {missing.size && (canSubmit || canAppraise || canFill) ? <p class="notice warn">{t("cchc.missingEvidence", { codes: [...missing].join(", ") })}</p> : null}
      <form method="post" action={canAppraise ? `${base}/appraise` : `${base}/scores`} novalidate id="scores">
        <CsrfField ctx={ctx} />
        <div class="table-wrap">
          <table class="cchc">
            <caption class="sr-only">{t("cchc.criteria")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("cchc.code")}</th>
                <th scope="col">{t("cchc.criterion")}</th>
                <th scope="col">{t("cchc.max")}</th>
                <th scope="col">{t("cchc.self")}</th>
                {showFinal ? <th scope="col">{t("cchc.final")}</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map(({ c, depth }) => {
                const leaf = leafCodes.has(c.code);
                const s = a.scores.get(c.code);
                const pKey = `p:${c.code}`;
                const nKey = `n:${c.code}`;
                const dKey = `d:${c.code}`;
                const qKey = `q:${c.code}`;
                const rKey = `r:${c.code}`;
                const ev = evidenceOf(c.code);
                return (
                  <tr key={c.code} id={`c-${c.code}`} class={leaf ? undefined : "group"}>
                    <th scope="row">{c.code}</th>
                    <td class={`depth-${Math.min(depth, 3)}`}>
                      {leaf ? c.name : <strong>{c.name}</strong>}{" "}
                      {c.kind !== "score" ? <span class="tag">{t(`cchc.kind.${c.kind}`)}</span> : null}
                      {leaf ? (
                        <small class="muted">
                          {" "}
                          · {t(`cchc.method.${c.method}`)}
                          {c.evidenceRequired ? ` · ${t("cchc.evidenceRequired")}` : ""}
                        </small>
                      ) : null}
                      {leaf && c.rule ? <p class="hint">{c.rule}</p> : null}
                      {s?.measured ? (
                        <p class="hint">
                          {s.measured.value === null
                            ? t("cchc.measuredNone")
                            : c.measure === "communication-items"
                              ? t("cchc.measuredCount", { n: formatNumber(s.measured.value), target: CCHC_MEASURES[c.measure].target })
                              : t("cchc.measured", { value: pct(s.measured.value * 100), n: formatNumber(s.measured.numerator ?? 0), d: formatNumber(s.measured.denominator ?? 0) })}{" "}
                          {s.measured.evidence.filter((e) => linkShown(e, own, user.role)).map((e, i) => (
                            <span key={e.url}>
                              {i ? " · " : ""}
                              <a href={e.url}>{e.label}</a>
                            </span>
                          ))}
                        </p>
                      ) : null}
                      {ev.length ? (
                        <ul class="evidence">
                          {ev.map((e) => (
                            <li key={e.id}>
                              <a href={`${base}/evidence/${e.id}`}>{e.fileName}</a> <small class="muted">({formatDateTime(e.uploadedAt)})</small>
                            </li>
                          ))}
                        </ul>
                      ) : null}
                      {leaf && s?.review ? (
                        <p class={s.review === "evidence" ? "error" : "hint"}>
                          {t(`cchc.review.${s.review}`)}
                          {s.reviewReason ? `: ${s.reviewReason}` : ""}
                          {s.reviewedBy ? ` (${s.reviewedBy})` : ""}
                        </p>
                      ) : null}
                      {leaf && canFill && c.method !== "survey" ? (
                        <>
                          <label for={`f-${nKey}`} class="sr-only">
                            {t("cchc.note", { code: c.code })}
                          </label>
                          <textarea id={`f-${nKey}`} name={nKey} rows={1} maxLength={4000}>
                            {v[nKey] ?? s?.selfNote ?? ""}
                          </textarea>
                        </>
                      ) : leaf && s?.selfNote ? (
                        <p class="muted">{s.selfNote}</p>
                      ) : null}
                      {leaf && canAppraise ? (
                        <div class="review-row">
                          <label for={`f-${dKey}`}>{t("cchc.decisionFor", { code: c.code })}</label>
                          <select id={`f-${dKey}`} name={dKey}>
                            <option value="">—</option>
                            {REVIEW_DECISIONS.map((d) => (
                              <option key={d} value={d} selected={(v[dKey] ?? s?.review ?? "") === d}>
                                {t(`cchc.review.${d}`)}
                              </option>
                            ))}
                          </select>
                          <label for={`f-${qKey}`}>{t("cchc.adjustedPoints")}</label>
                          <input id={`f-${qKey}`} name={qKey} inputMode="text" size={5} value={v[qKey] ?? (s?.review === "adjust" && s.finalPoints !== null ? String(s.finalPoints).replace(".", ",") : "")} aria-invalid={errors?.[qKey] ? "true" : undefined} />
                          <label for={`f-${rKey}`}>{t("cchc.reason")}</label>
                          <input id={`f-${rKey}`} name={rKey} maxLength={2000} value={v[rKey] ?? s?.reviewReason ?? ""} aria-invalid={errors?.[rKey] ? "true" : undefined} />
                          {errors?.[qKey] ? <p class="error">{errors[qKey]}</p> : null}
                          {errors?.[rKey] ? <p class="error">{errors[rKey]}</p> : null}
                        </div>
                      ) : null}
                    </td>
                    <td>{pts(c.maxPoints)}</td>
                    <td>
                      {leaf && canFill && c.method !== "survey" ? (
                        <>
                          <label for={`f-${pKey}`} class="sr-only">
                            {t("cchc.pointsFor", { code: c.code })}
                          </label>
                          <input id={`f-${pKey}`} name={pKey} inputMode="decimal" size={5} value={v[pKey] ?? (s?.selfPoints === null || s?.selfPoints === undefined ? "" : String(s.selfPoints).replace(".", ","))} aria-invalid={errors?.[pKey] ? "true" : undefined} />
                          {errors?.[pKey] ? <p class="error">{errors[pKey]}</p> : null}
                        </>
                      ) : (
                        pts(leaf ? (s?.selfPoints ?? null) : (selfNodes.get(c.code) ?? 0))
                      )}
                    </td>
                    {showFinal ? <td>{leaf ? pts(final.get(c.code) ?? null) : pts(finalNodes.get(c.code) ?? 0)}</td> : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {canFill ? <button type="submit">{t("cchc.saveScores")}</button> : null}
        {canAppraise ? <button type="submit">{t("cchc.saveReview")}</button> : null}
      </form>

      {canFill ? (
        <section class="panel no-print" aria-labelledby="ev-h">
          <h2 id="ev-h">{t("cchc.addEvidence")}</h2>
          <form method="post" action={`${base}/evidence`} enctype="multipart/form-data" novalidate>
            <CsrfField ctx={ctx} />
            <SelectField
              name="code"
              label={t("cchc.criterion")}
              value={v.code}
              error={errors?.code}
              options={leavesOf(a.set.criteria)
                .filter((c) => c.method !== "survey")
                .map((c) => ({ value: c.code, label: `${c.code} – ${c.name.slice(0, 80)}` }))}
            />
            <FileField name="file" label={t("cchc.evidenceFile")} hint={t("cchc.evidenceHint")} error={errors?.file} accept="application/pdf,image/jpeg,image/png" />
            <button type="submit" class="secondary">
              {t("cchc.upload")}
            </button>
          </form>
        </section>
      ) : null}

      {canSubmit ? (
        <form method="post" action={`${base}/submit`} class="panel no-print">
          <CsrfField ctx={ctx} />
          <p>{t("cchc.submitHint")}</p>
          <button type="submit">{t("cchc.submit")}</button>
        </form>
      ) : null}

      {canAppraise ? (
        <section class="panel no-print" aria-labelledby="council-h">
          <h2 id="council-h">{t("cchc.council")}</h2>
          <form method="post" action={`${base}/appraise`}>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="acceptRest" value="1" />
            <button type="submit" class="secondary">
              {t("cchc.acceptRest")}
            </button>
          </form>
          <form method="post" action={`${base}/return`} novalidate>
            <CsrfField ctx={ctx} />
            <TextAreaField name="reason" label={t("cchc.returnReason")} value={v.reason} error={errors?.reason} rows={2} maxLength={2000} />
            <button type="submit" class="secondary">
              {t("cchc.return")}
            </button>
          </form>
          {canApprove ? (
            <form method="post" action={`${base}/approve`}>
              <CsrfField ctx={ctx} />
              <button type="submit">{t("cchc.approve")}</button>
            </form>
          ) : null}
        </section>
      ) : null}
      {canPublish ? (
        <form method="post" action={`${base}/publish`} class="panel no-print">
          <CsrfField ctx={ctx} />
          <p>{t("cchc.publishHint")}</p>
          <button type="submit">{t("cchc.publish")}</button>
        </form>
      ) : null}
      {a.status === "published" ? (
        <p>
          <a href={`/c/${encodeURIComponent(a.communeCode)}/cchc`}>{t("cchc.publicPage")}</a>
        </p>
      ) : null}
      {history?.length ? <HistoryChart ctx={ctx} id="cchc-history" history={history} /> : null}
    </Layout>
  );
}

export function OpenPage({ ctx, year, canOpen, error }: { ctx: PageCtx; year: number; canOpen: boolean; error?: string | undefined }): VNode {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t("cchc.nav")} area="staff">
      <h1>{t("cchc.nav")}</h1>
      <p class="lead">{t("cchc.intro")}</p>
      <YearForm ctx={ctx} year={year} action={CCHC_BASE} />
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {canOpen ? (
        <form method="post" action={`${CCHC_BASE}/open`}>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="year" value={year} />
          <button type="submit">{t("cchc.open", { year })}</button>
        </form>
      ) : (
        <p>{t("cchc.notOpened", { year })}</p>
      )}
      <CommuneLinks ctx={ctx} year={year} />
    </Layout>
  );
}

function CommuneLinks({ ctx, year }: { ctx: PageCtx; year: number }): VNode {
  const t = ctx.t;
  const user = ctx.user!;
  return (
    <p class="no-print">
      <a href={`${CCHC_BASE}/ranking?year=${year}`}>{t("cchc.ranking")}</a>
      {can(user.role, "reward.manage") ? (
        <>
          {" · "}
          <a href={`${CCHC_BASE}/rewards?year=${year}`}>{t("cchc.rewards")}</a>
        </>
      ) : null}
      {" · "}
      <a href={`${CCHC_BASE}/leaders?year=${year}`}>{t("cchc.leaders")}</a>
    </p>
  );
}

export function ProvincePage({
  ctx,
  year,
  province,
  rows,
  sets,
}: {
  ctx: PageCtx;
  year: number;
  province: { unitName: string };
  rows: Awaited<ReturnType<typeof import("./cchc-service").provinceOverview>>;
  sets: StoredSet[];
}): VNode {
  const t = ctx.t;
  const user = ctx.user!;
  const set = sets.find((s) => s.year === year);
  const waiting = rows.filter((r) => r.status === "submitted").length;
  return (
    <Layout ctx={ctx} title={t("cchc.province.title", { province: province.unitName, year })} area="staff">
      <h1>{t("cchc.province.title", { province: province.unitName, year })}</h1>
      <p class="lead">{set ? `${set.title} (${t("cchc.version", { n: set.version })})` : t("cchc.noSet", { year })}</p>
      <YearForm ctx={ctx} year={year} action={CCHC_BASE} />
      <p class="no-print">
        {can(user.role, "cchc.criteria") ? (
          <>
            <a href={`${CCHC_BASE}/criteria`}>{t("cchc.criteriaSets")}</a>
            {" · "}
          </>
        ) : null}
        <a href={`${CCHC_BASE}/ranking?year=${year}`}>{t("cchc.ranking")}</a>
        {can(user.role, "reward.manage") ? (
          <>
            {" · "}
            <a href={`${CCHC_BASE}/rewards?year=${year}`}>{t("cchc.rewards")}</a>
          </>
        ) : null}
      </p>
      <p>{t("cchc.province.waiting", { n: waiting })}</p>
      <div class="table-wrap">
        <table>
          <caption class="sr-only">{t("cchc.province.table")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("cchc.commune")}</th>
              <th scope="col">{t("cchc.statusLabel")}</th>
              <th scope="col">{t("cchc.self")}</th>
              <th scope="col">{t("cchc.final")}</th>
              <th scope="col">{t("cchc.bandLabel")}</th>
            </tr>
          </thead>
          <tbody>
            {rows
              .filter((r) => r.status)
              .map((r) => (
                <tr key={r.communeId}>
                  <th scope="row">
                    <a href={`${CCHC_BASE}/commune/${encodeURIComponent(r.code)}?year=${year}`}>{r.unitName}</a>
                  </th>
                  <td>
                    <StatusTag ctx={ctx} status={r.status} />
                  </td>
                  <td>{pts(r.selfTotal)}</td>
                  <td>{r.finalTotal !== null ? `${pts(r.finalTotal)} (${pct(r.index)})` : "—"}</td>
                  <td>
                    <BandTag ctx={ctx} band={r.band} />
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      <p class="hint">{t("cchc.province.notStarted", { n: rows.filter((r) => !r.status).length })}</p>
    </Layout>
  );
}

export function CriteriaSetsPage({ ctx, sets, errors, problems }: { ctx: PageCtx; sets: StoredSet[]; errors?: Record<string, string> | undefined; problems?: string[] | undefined }): VNode {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t("cchc.criteriaSets")} area="staff">
      <p class="no-print">
        <a href={CCHC_BASE}>← {t("cchc.nav")}</a>
      </p>
      <h1>{t("cchc.criteriaSets")}</h1>
      <p class="lead">{t("cchc.criteriaIntro")}</p>
      {problems?.length ? (
        <div class="error-summary" role="alert" tabIndex={-1}>
          <h2>{t("cchc.import.refusedTitle", { n: problems.length })}</h2>
          <ul>
            {problems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </div>
      ) : (
        <ErrorSummary ctx={ctx} errors={errors} />
      )}
      <section class="panel no-print" aria-labelledby="imp-h">
        <h2 id="imp-h">{t("cchc.import.title")}</h2>
        <form method="post" action={`${CCHC_BASE}/criteria`} enctype="multipart/form-data" novalidate>
          <CsrfField ctx={ctx} />
          <FileField name="file" label={t("cchc.import.file")} hint={t("cchc.import.hint")} error={errors?.file} accept=".json,.xlsx,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
          <button type="submit">{t("cchc.import.submit")}</button>
        </form>
        <p>
          <a href={`${CCHC_BASE}/criteria/template.xlsx`}>{t("cchc.import.template")}</a> · <a href={`${CCHC_BASE}/criteria/template.json`}>{t("cchc.import.templateJson")}</a>
        </p>
      </section>
      {sets.length === 0 ? (
        <p>{t("cchc.noSets")}</p>
      ) : (
        <ul>
          {sets.map((s) => (
            <li key={s.id}>
              <a href={`${CCHC_BASE}/criteria/${s.id}`}>
                {s.year} · {s.title}
              </a>{" "}
              <small class="muted">
                ({t("cchc.version", { n: s.version })}, {formatDateTime(s.createdAt)}, {t("cchc.criteriaCount", { n: s.criteria.length })})
              </small>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export function CriteriaSetPage({ ctx, set }: { ctx: PageCtx; set: StoredSet }): VNode {
  const t = ctx.t;
  const rows = ordered(set.criteria);
  return (
    <Layout ctx={ctx} title={set.title} area="staff">
      <p class="no-print">
        <a href={`${CCHC_BASE}/criteria`}>← {t("cchc.criteriaSets")}</a>
      </p>
      <h1>
        {set.title} ({set.year})
      </h1>
      <p class="lead">
        {t("cchc.version", { n: set.version })} · {set.source}
      </p>
      <p>{t("cchc.thresholds", { excellent: set.thresholds.excellent, good: set.thresholds.good, fair: set.thresholds.fair, average: set.thresholds.average })}</p>
      <div class="table-wrap">
        <table>
          <caption class="sr-only">{t("cchc.criteria")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("cchc.code")}</th>
              <th scope="col">{t("cchc.criterion")}</th>
              <th scope="col">{t("cchc.max")}</th>
              <th scope="col">{t("cchc.methodLabel")}</th>
              <th scope="col">{t("cchc.rule")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ c, depth }) => (
              <tr key={c.code}>
                <th scope="row">{c.code}</th>
                <td class={`depth-${Math.min(depth, 3)}`}>
                  {depth === 0 ? <strong>{c.name}</strong> : c.name} {c.kind !== "score" ? <span class="tag">{t(`cchc.kind.${c.kind}`)}</span> : null}
                  {c.measure ? <small class="muted"> · {t(`cchc.measure.${c.measure}`)}</small> : null}
                </td>
                <td>{pts(c.maxPoints)}</td>
                <td>
                  {t(`cchc.method.${c.method}`)}
                  {c.evidenceRequired ? ` · ${t("cchc.evidenceRequired")}` : ""}
                </td>
                <td>{c.rule}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

export function RankingTable({ ctx, rows, areas, communeHref }: { ctx: PageCtx; rows: RankingRow[]; areas: { code: string; name: string }[]; communeHref: (r: RankingRow) => string }): VNode {
  const t = ctx.t;
  return (
    <div class="table-wrap">
      <table class="ranking">
        <caption class="sr-only">{t("cchc.ranking")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("cchc.rank")}</th>
            <th scope="col">{t("cchc.commune")}</th>
            <th scope="col">{t("cchc.indexLabel")}</th>
            <th scope="col">{t("cchc.totalLabel")}</th>
            <th scope="col">{t("cchc.bandLabel")}</th>
            <th scope="col">{t("cchc.change")}</th>
            {areas.map((x) => (
              <th scope="col" key={x.code}>
                <abbr title={x.name}>{x.code}</abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.communeId}>
              <td>{r.rank}</td>
              <th scope="row">
                <a href={communeHref(r)}>{r.unitName}</a>
              </th>
              <td>{pct(r.index)}</td>
              <td>{pts(r.total)}</td>
              <td>
                <BandTag ctx={ctx} band={r.band} />
              </td>
              <td>
                {r.rankChange === null
                  ? t("cchc.changeNew")
                  : r.rankChange > 0
                    ? t("cchc.changeUp", { n: r.rankChange })
                    : r.rankChange < 0
                      ? t("cchc.changeDown", { n: -r.rankChange })
                      : t("cchc.changeSame")}
                {r.previous ? <small class="muted"> ({pct(r.previous.index)})</small> : null}
              </td>
              {areas.map((x) => {
                const ar = r.areas.find((y) => y.code === x.code);
                return (
                  <td key={x.code}>
                    {ar ? `${pts(ar.points)} (${ar.rank})` : "—"}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function HistoryChart({ ctx, id, history }: { ctx: PageCtx; id: string; history: { year: number; index: number }[] }): VNode {
  const t = ctx.t;
  return (
    <ColumnChart
      id={id}
      t={t}
      title={t("cchc.chartTitle")}
      categories={history.map((h) => ({ key: String(h.year), label: String(h.year) }))}
      series={[{ name: t("cchc.indexLabel"), values: history.map((h) => h.index) }]}
      categoryHeader={t("cchc.year")}
      format={(n) => pct(n)}
    />
  );
}
