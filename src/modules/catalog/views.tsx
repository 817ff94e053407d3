import type { VNode } from "preact";
import { FEE_BASIS_LABELS, type Fee, type Procedure, type TimeLimit } from "../../domain/catalog/model";
import { vnToday } from "../../domain/documents/numbering";
import type { PageCtx } from "../../web/context";
import { formatDate, formatNumber, formatVnd } from "../../web/i18n";
import { CsrfField, Layout } from "../../web/views/layout";
import { counterChecklist, isMandatory, onlineInputs, type Requirement } from "../../domain/catalog/requirements";
import type { EffectiveTerms } from "../../domain/catalog/terms";
import { isPayableOnline } from "../../domain/payments/fees";
import type { AssignmentRow, OnlineLevel, ProcedureVersion } from "./service";

export function timeLimitText(ctx: PageCtx, t: TimeLimit | null, raw: string | null): string {
  if (t?.unit === "same_day") return t.amount === 0 ? ctx.t("catalog.unit.same_day") : ctx.t("catalog.unit.same_day_plus", { n: formatNumber(t.amount) });
  if (t) return ctx.t(`catalog.unit.${t.unit}`, { n: formatNumber(t.amount) });
  return raw ?? ctx.t("catalog.noInfo");
}

export function feeText(ctx: PageCtx, f: Fee): string {
  switch (f.kind) {
    case "free":
      return ctx.t("catalog.fee.free") + (f.note ? ` (${f.note})` : "");
    case "unknown":
      return ctx.t("catalog.fee.unknown");
    case "local":
      return `${ctx.t("catalog.fee.local")} (${f.note})`;
    case "fixed": {
      const per = f.per ? ctx.t("catalog.fee.per", { basis: FEE_BASIS_LABELS[f.per] }) : "";
      const cap = f.capVnd !== null ? `, ${ctx.t("catalog.fee.cap", { amount: formatVnd(f.capVnd, ctx.lang) })}` : "";
      return `${formatVnd(f.amountVnd, ctx.lang)}${per}${cap}${f.note ? ` (${f.note})` : ""}`;
    }
    case "foreign":
      return `${f.amount} ${f.currency}${f.per ? ctx.t("catalog.fee.per", { basis: FEE_BASIS_LABELS[f.per] }) : ""}${f.note ? ` (${f.note})` : ""}`;
    case "unparsed":
      return f.text;
  }
}

export function OnlineTag({ ctx, level }: { ctx: PageCtx; level: OnlineLevel | null }): VNode | null {
  if (!level) return null;
  return <span class={`tag${level === "full" ? " ok" : level === "partial" ? " warn" : ""}`}>{ctx.t(`catalog.online.${level}`)}</span>;
}

export function SearchForm({ ctx, q, agency, field }: { ctx: PageCtx; q?: string; agency?: string | undefined; field?: string | undefined }): VNode {
  return (
    <form method="get" action="/procedures" role="search" class="search-row">
      <div class="field">
        <label for="proc-q">{ctx.t("catalog.search.label")}</label>
        <input id="proc-q" name="q" type="search" value={q ?? ""} placeholder={ctx.t("catalog.search.placeholder")} maxLength={200} />
      </div>
      {agency ? <input type="hidden" name="agency" value={agency} /> : null}
      {field ? <input type="hidden" name="field" value={field} /> : null}
      <button type="submit">{ctx.t("catalog.search.submit")}</button>
    </form>
  );
}

export type ListItem = { code: string; name: string; field: string; onlineLevel: OnlineLevel | null };

export function Pager({ ctx, page, pages, href }: { ctx: PageCtx; page: number; pages: number; href: (p: number) => string }): VNode | null {
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={ctx.t("catalog.page", { page, pages })}>
      {page > 1 ? <a href={href(page - 1)} rel="prev">{ctx.t("catalog.prev")}</a> : null}
      <span>{ctx.t("catalog.page", { page, pages })}</span>
      {page < pages ? <a href={href(page + 1)} rel="next">{ctx.t("catalog.next")}</a> : null}
    </nav>
  );
}

export function ProcedureList({ ctx, items, agency }: { ctx: PageCtx; items: ListItem[]; agency?: string | undefined }): VNode {
  const suffix = agency ? `?agency=${encodeURIComponent(agency)}` : "";
  return (
    <ol class="proc-list">
      {items.map((i) => (
        <li key={i.code}>
          <a href={`/procedures/${encodeURIComponent(i.code)}${suffix}`}>{i.name}</a>
          <br />
          <small class="muted">
            {i.code} · {i.field}
          </small>{" "}
          <OnlineTag ctx={ctx} level={i.onlineLevel} />
        </li>
      ))}
    </ol>
  );
}

export type ListPageProps = {
  ctx: PageCtx;
  agencyName: string | null;
  agencyCode: string | undefined;
  q: string;
  field: string | undefined;
  fields: { field: string; count: number }[];
  total: number;
  items: ListItem[];
  page: number;
  pages: number;
  href: (p: number) => string;
};

export function ListPage(p: ListPageProps): VNode {
  const { ctx } = p;
  const t = ctx.t;
  const fieldHref = (f?: string) => {
    const qs = new URLSearchParams();
    if (p.agencyCode) qs.set("agency", p.agencyCode);
    if (f) qs.set("field", f);
    const s = qs.toString();
    return `/procedures${s ? `?${s}` : ""}`;
  };
  return (
    <Layout ctx={ctx} title={t("catalog.title")}>
      <h1>{t("catalog.title")}</h1>
      <p class="lead">{p.agencyName ? t("catalog.intro", { name: p.agencyName }) : t("catalog.introAll")}</p>
      <SearchForm ctx={ctx} q={p.q} agency={p.agencyCode} field={p.field} />
      <div class="proc-browse">
        <section aria-labelledby="res-h">
          <h2 id="res-h">
            {p.q
              ? t("catalog.search.results", { total: formatNumber(p.total), q: p.q.slice(0, 200) })
              : p.field
                ? t("catalog.fieldList", { total: formatNumber(p.total), field: p.field })
                : t("catalog.all", { total: formatNumber(p.total) })}
          </h2>
          {p.items.length ? <ProcedureList ctx={ctx} items={p.items} agency={p.agencyCode} /> : <p>{t("catalog.search.none")}</p>}
          <Pager ctx={ctx} page={p.page} pages={p.pages} href={p.href} />
        </section>
        <nav aria-labelledby="fields-h" class="proc-fields no-print">
          <h2 id="fields-h">{t("catalog.fields")}</h2>
          <ul>
            <li>
              <a href={fieldHref()} aria-current={!p.field ? "page" : undefined}>
                {t("catalog.allFields")}
              </a>
            </li>
            {p.fields.map((f) => (
              <li key={f.field}>
                <a href={fieldHref(f.field)} aria-current={p.field === f.field ? "page" : undefined}>
                  {f.field || "—"}
                </a>{" "}
                <small class="muted">{formatNumber(f.count)}</small>
              </li>
            ))}
          </ul>
        </nav>
      </div>
    </Layout>
  );
}

function Row({ label, children }: { label: string; children: VNode | string | null }): VNode | null {
  if (children === null || children === "") return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Lines({ text }: { text: string | null }): VNode | null {
  if (!text) return null;
  const lines = text.split("\n").filter((l) => l.trim());
  return (
    <>
      {lines.map((l, i) => (
        <p key={i}>{l}</p>
      ))}
    </>
  );
}

export type DetailProps = {
  ctx: PageCtx;
  version: ProcedureVersion;
  current: boolean;
  agencyName: string | null;
  agencyCode: string | undefined;
  onlineLevel: OnlineLevel | null;
  /** What applies at the agency, when it offers the procedure. */
  terms?: EffectiveTerms | null | undefined;
};

/** The agency's own terms on the public page: what a citizen must know before coming. */
function AgencyTerms({ ctx, terms, agencyName }: { ctx: PageCtx; terms: EffectiveTerms; agencyName: string }): VNode {
  const t = ctx.t;
  const counter = counterChecklist(terms.requirements);
  const online = onlineInputs(terms.requirements);
  const line = (r: Requirement, channel: "online" | "counter") => (
    <li key={r.id}>
      {r.name}{" "}
      <small class="muted">
        {r.kind === "present" ? `${t("catalog.req.kind.present")} · ` : ""}
        {isMandatory(r, channel) ? t("catalog.req.need.required") : t(`catalog.req.need.${r.need}`)}
      </small>
    </li>
  );
  return (
    <section class="panel" aria-labelledby="at-agency">
      <h2 id="at-agency">{t("catalog.atAgency", { name: agencyName })}</h2>
      <dl class="proc-facts">
        <dt>{t("catalog.timeLimit")}</dt>
        <dd>
          {terms.timeLimit ? timeLimitText(ctx, terms.timeLimit, null) : t("catalog.atAgency.noLimit")}
          {terms.timeLimitBasis ? <small class="muted"> ({terms.timeLimitBasis})</small> : null}
        </dd>
        <dt>{t("catalog.fees")}</dt>
        <dd>
          {terms.fees.length ? terms.fees.map((f) => feeText(ctx, f)).join("; ") : t("catalog.noInfo")}
          {terms.feesBasis ? <small class="muted"> ({terms.feesBasis})</small> : null}
          {isPayableOnline(terms.fees) ? (
            <>
              {" "}
              <span class="tag ok">{t("catalog.payOnline")}</span> <small class="muted">{t(`catalog.terms.feeDue.${terms.feeDue}`)}</small>
            </>
          ) : null}
        </dd>
      </dl>
      <h3>{t("catalog.atAgency.counter")}</h3>
      {counter.length ? <ul>{counter.map((r) => line(r, "counter"))}</ul> : <p>{t("catalog.noInfo")}</p>}
      <h3>{t("catalog.atAgency.online")}</h3>
      {online.length ? <ul>{online.map((r) => line(r, "online"))}</ul> : <p>{t("catalog.atAgency.onlineNone")}</p>}
      {terms.requirements.notes.length ? (
        <details>
          <summary>{t("catalog.terms.notes", { n: terms.requirements.notes.length })}</summary>
          <ul>
            {terms.requirements.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

export function DetailPage({ ctx, version, current, agencyName, agencyCode, onlineLevel, terms }: DetailProps): VNode {
  const t = ctx.t;
  const p: Procedure = version.procedure;
  const code = encodeURIComponent(p.code);
  const qs = agencyCode ? `?agency=${encodeURIComponent(agencyCode)}` : "";
  const forms = p.documents.flatMap((g) => g.items.flatMap((d) => d.templates.map((tpl) => tpl.fileName)));
  return (
    <Layout ctx={ctx} title={p.name}>
      <SearchFormSmall ctx={ctx} agency={agencyCode} />
      <p class="muted">
        <a href={`/procedures${qs}`}>{t("catalog.title")}</a> › {p.field}
      </p>
      <h1>{p.name}</h1>
      {version.abolishedOn ? <p class="notice">{t(version.abolishedOn > vnToday() ? "catalog.abolishing" : "catalog.abolished", { date: formatDate(version.abolishedOn) })}</p> : null}
      {!current ? (
        <p class="notice">
          {t("catalog.versionOld", { n: version.versionNo, from: formatDate(version.effectiveFrom), to: formatDate(version.effectiveTo) })}{" "}
          <a href={`/procedures/${code}${qs}`}>{t("catalog.versionCurrent")}</a>
        </p>
      ) : null}
      <dl class="proc-facts">
        <Row label={t("catalog.code")}>{p.code}</Row>
        <Row label={t("catalog.field")}>{p.field}</Row>
        <Row label={t("catalog.online")}>
          {agencyName ? (
            onlineLevel ? (
              <>
                <OnlineTag ctx={ctx} level={onlineLevel} /> <small class="muted">{t("catalog.online.help")}</small>
              </>
            ) : (
              t("catalog.notOffered", { name: agencyName })
            )
          ) : null}
        </Row>
        <Row label={t("catalog.levels")}>{p.levels.join(", ")}</Row>
        <Row label={t("catalog.kind")}>{p.kind}</Row>
        <Row label={t("catalog.decision")}>{p.decision}</Row>
        <Row label={t("catalog.applicants")}>{p.applicants.join("; ")}</Row>
        <Row label={t("catalog.competent")}>{p.competentAgency}</Row>
        <Row label={t("catalog.executing")}>{p.executingAgency}</Row>
      </dl>
      {terms && agencyName ? <AgencyTerms ctx={ctx} terms={terms} agencyName={agencyName} /> : null}
      <p class="muted">
        {t("catalog.version", { n: version.versionNo, date: formatDate(version.effectiveFrom) })} ·{" "}
        <a href={`/procedures/${code}/history${qs}`}>{t("catalog.history")}</a>
        <span class="no-print"> · {t("catalog.print")}</span>
      </p>

      <h2>{terms ? t("catalog.channels.national") : t("catalog.channels")}</h2>
      {p.channels.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("catalog.channel")}</th>
                <th scope="col">{t("catalog.timeLimit")}</th>
                <th scope="col">{t("catalog.fees")}</th>
              </tr>
            </thead>
            <tbody>
              {p.channels.map((c, i) => (
                <tr key={i}>
                  <th scope="row">
                    {t(`catalog.channel.${c.channel}`)}
                    {c.description ? <small class="muted"><br />{c.description}</small> : null}
                  </th>
                  <td>{timeLimitText(ctx, c.timeLimit, c.timeLimitText)}</td>
                  <td>{c.fees.length ? c.fees.map((f, j) => <p key={j}>{feeText(ctx, f)}</p>) : t("catalog.noInfo")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{t("catalog.noInfo")}</p>
      )}

      <h2>{t("catalog.documents")}</h2>
      {p.documents.length === 0 ? <p>{t("catalog.noInfo")}</p> : null}
      {p.documents.map((g, gi) => (
        <section key={gi}>
          {g.case ? <h3>{g.case}</h3> : null}
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("catalog.document")}</th>
                  <th scope="col">{t("catalog.forms")}</th>
                  <th scope="col">{t("catalog.copies")}</th>
                </tr>
              </thead>
              <tbody>
                {g.items.map((d, di) => (
                  <tr key={di}>
                    <td>
                      {d.name} {d.optional ? <small class="muted">{t("catalog.optional")}</small> : null}
                    </td>
                    <td>{d.templates.map((tpl) => tpl.fileName).join(", ")}</td>
                    <td>{t("catalog.copies.value", { original: d.copies.original, copy: d.copies.copy })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {g.note ? <p class="muted">{g.note}</p> : null}
        </section>
      ))}
      {forms.length ? (
        <>
          <h3>{t("catalog.forms")}</h3>
          <ul>
            {[...new Set(forms)].map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
          <p class="muted">{t("catalog.forms.note")}</p>
        </>
      ) : null}

      {p.steps.length ? (
        <>
          <h2>{t("catalog.steps")}</h2>
          <ol>
            {p.steps.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ol>
        </>
      ) : null}
      {p.conditions ? (
        <>
          <h2>{t("catalog.conditions")}</h2>
          <Lines text={p.conditions} />
        </>
      ) : null}
      {p.result ? (
        <>
          <h2>{t("catalog.result")}</h2>
          <Lines text={p.result} />
        </>
      ) : null}
      {p.legalBasis.length ? (
        <>
          <h2>{t("catalog.legal")}</h2>
          <ul>
            {p.legalBasis.map((l, i) => (
              <li key={i}>{l.number && !l.title.includes(l.number) ? `${l.title} (${l.number})` : l.title}</li>
            ))}
          </ul>
        </>
      ) : null}
      <p class="muted">
        {p.sourceUrl && /^https:\/\//.test(p.sourceUrl) ? <a href={p.sourceUrl} rel="noopener">{t("catalog.source")}</a> : t("catalog.source")}
      </p>
    </Layout>
  );
}

function SearchFormSmall({ ctx, agency }: { ctx: PageCtx; agency: string | undefined }): VNode {
  return (
    <form method="get" action="/procedures" role="search" class="search-row no-print">
      <div class="field">
        <label for="proc-q">{ctx.t("catalog.search.label")}</label>
        <input id="proc-q" name="q" type="search" maxLength={200} />
      </div>
      {agency ? <input type="hidden" name="agency" value={agency} /> : null}
      <button type="submit">{ctx.t("catalog.search.submit")}</button>
    </form>
  );
}

export type HistoryEntry = { version: ProcedureVersion; changes: { label: string; before: string; after: string }[] };

export function HistoryPage({ ctx, code, name, entries, agencyCode }: { ctx: PageCtx; code: string; name: string; entries: HistoryEntry[]; agencyCode: string | undefined }): VNode {
  const t = ctx.t;
  const qs = agencyCode ? `agency=${encodeURIComponent(agencyCode)}` : "";
  const base = `/procedures/${encodeURIComponent(code)}`;
  return (
    <Layout ctx={ctx} title={`${t("catalog.history")} – ${name}`}>
      <SearchFormSmall ctx={ctx} agency={agencyCode} />
      <p class="muted">
        <a href={`${base}${qs ? `?${qs}` : ""}`}>{name}</a>
      </p>
      <h1>{t("catalog.history")}</h1>
      <p class="lead">{t("catalog.history.intro", { code })}</p>
      {entries.map(({ version: v, changes }) => (
        <section key={v.versionNo} class="panel">
          <h2>
            {t("catalog.version", { n: v.versionNo, date: formatDate(v.effectiveFrom) })}
            {v.effectiveTo ? ` ${t("catalog.history.until", { date: formatDate(v.effectiveTo) })}` : ""}
          </h2>
          {changes.length === 0 ? (
            <p>{t("catalog.history.first")}</p>
          ) : (
            <dl>
              {changes.map((c) => (
                <>
                  <dt>{c.label}</dt>
                  <dd>
                    <del>{c.before || "—"}</del>
                    <br />
                    <ins>{c.after || "—"}</ins>
                  </dd>
                </>
              ))}
            </dl>
          )}
          <p>
            <a href={`${base}?version=${v.versionNo}${qs ? `&${qs}` : ""}`}>{t("catalog.history.view")}</a>
          </p>
        </section>
      ))}
    </Layout>
  );
}

export type StaffListProps = {
  ctx: PageCtx;
  agencyName: string;
  canAssign: boolean;
  canPublish: boolean;
  filter: { q: string; field: string; status: string };
  fields: string[];
  total: number;
  items: AssignmentRow[];
  page: number;
  pages: number;
  href: (p: number) => string;
  saved?: string | undefined;
  error?: string | undefined;
  missing: number;
  bulk?: { enabled: boolean; n: number } | undefined;
};

export function StaffListPage(p: StaffListProps): VNode {
  const { ctx } = p;
  const t = ctx.t;
  const back = `/staff/procedures?${new URLSearchParams({ q: p.filter.q, field: p.filter.field, status: p.filter.status, page: String(p.page) }).toString()}`;
  return (
    <Layout ctx={ctx} title={t("catalog.staff.title")} area="staff">
      <h1>{t("catalog.staff.title")}</h1>
      <p class="lead">{t("catalog.staff.intro", { name: p.agencyName })}</p>
      <p class="muted">{t("catalog.online.help")}</p>
      {p.saved ? <p class="notice" role="status">{t("catalog.staff.saved", { code: p.saved })}</p> : null}
      {p.bulk ? <p class="notice" role="status">{t("catalog.staff.bulkDone", { n: formatNumber(p.bulk.n) })}</p> : null}
      {p.missing > 0 && p.filter.status !== "no_time_limit" ? (
        <p class="notice warn">
          {t("catalog.staff.missingBanner", { n: formatNumber(p.missing) })} <a href="/staff/procedures?status=no_time_limit">{t("catalog.staff.missingLink")}</a>
        </p>
      ) : null}
      {p.error ? <div class="error-summary" role="alert"><p>{p.error}</p></div> : null}
      <form method="get" action="/staff/procedures" class="search-row">
        <div class="field">
          <label for="s-q">{t("catalog.search.label")}</label>
          <input id="s-q" name="q" type="search" value={p.filter.q} maxLength={200} />
        </div>
        <div class="field">
          <label for="s-field">{t("catalog.field")}</label>
          <select id="s-field" name="field">
            <option value="">{t("catalog.allFields")}</option>
            {p.fields.map((f) => (
              <option key={f} value={f} selected={f === p.filter.field}>
                {f}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="s-status">{t("catalog.staff.status")}</label>
          <select id="s-status" name="status">
            {["", "on", "off", "published", "unpublished", "no_time_limit", "local"].map((s) => (
              <option key={s} value={s} selected={s === p.filter.status}>
                {t(`catalog.staff.status.${s || "any"}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t("catalog.staff.filter")}</button>
      </form>
      <p>{t("catalog.staff.total", { total: formatNumber(p.total) })}</p>
      {p.canAssign && p.filter.field ? (
        <form method="post" action="/staff/procedures/by-field" class="inline">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="field" value={p.filter.field} />
          <span>{t("catalog.staff.bulk", { field: p.filter.field })}: </span>
          <button type="submit" name="enabled" value="1" class="secondary">
            {t("catalog.staff.bulkOn")}
          </button>{" "}
          <button type="submit" name="enabled" value="0" class="secondary">
            {t("catalog.staff.bulkOff")}
          </button>
        </form>
      ) : null}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("catalog.code")}</th>
              <th scope="col">{t("catalog.title")}</th>
              <th scope="col">{t("catalog.staff.timeLimit")}</th>
              <th scope="col">{t("catalog.staff.enabled")} · {t("catalog.online")}</th>
              <th scope="col">{t("catalog.staff.published")}</th>
            </tr>
          </thead>
          <tbody>
            {p.items.map((i) => {
              const action = `/staff/procedures/${encodeURIComponent(i.code)}`;
              return (
                <tr key={i.code}>
                  <td>{i.code}</td>
                  <td>
                    <a href={action}>{i.name}</a>
                    <br />
                    <small class="muted">
                      {i.field}
                      {i.assigned ? "" : ` · ${t("catalog.staff.defaultMark")}`}
                    </small>
                  </td>
                  <td>
                    {i.timeLimit ? (
                      <>
                        {timeLimitText(ctx, i.timeLimit, null)} {i.timeLimitLocal ? <small class="muted">{t("catalog.staff.localMark")}</small> : null}
                      </>
                    ) : i.enabled ? (
                      <a href={action} class="tag bad">
                        {t("catalog.staff.noTimeLimit")}
                      </a>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td>
                    {p.canAssign ? (
                      <form method="post" action={action} class="inline">
                        <CsrfField ctx={ctx} />
                        <input type="hidden" name="back" value={back} />
                        <label>
                          <input type="checkbox" name="enabled" value="1" checked={i.enabled} /> {t("catalog.staff.enabled")}
                        </label>{" "}
                        <label class="sr-only" for={`lv-${i.code}`}>
                          {t("catalog.online")}
                        </label>
                        <select id={`lv-${i.code}`} name="onlineLevel">
                          {(["full", "partial", "none"] as const).map((l) => (
                            <option key={l} value={l} selected={l === i.onlineLevel}>
                              {t(`catalog.online.${l}`)}
                            </option>
                          ))}
                        </select>{" "}
                        <button type="submit" class="secondary">
                          {t("catalog.staff.save")}
                        </button>
                      </form>
                    ) : (
                      <>
                        {i.enabled ? t("catalog.staff.yes") : t("catalog.staff.no")} · <OnlineTag ctx={ctx} level={i.onlineLevel} />
                      </>
                    )}
                  </td>
                  <td>
                    {i.published ? t("catalog.staff.yes") : t("catalog.staff.no")}
                    {p.canPublish && i.enabled ? (
                      <form method="post" action={`${action}/publish`} class="inline">
                        <CsrfField ctx={ctx} />
                        <input type="hidden" name="back" value={back} />
                        <input type="hidden" name="published" value={i.published ? "0" : "1"} />{" "}
                        <button type="submit" class="secondary">
                          {i.published ? t("catalog.staff.unpublish") : t("catalog.staff.publish")}
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Pager ctx={ctx} page={p.page} pages={p.pages} href={p.href} />
    </Layout>
  );
}
