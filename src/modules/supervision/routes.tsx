// The supervision workspace of the province (issue 16): all communes on one page with the figures
// that matter, sortable and filterable, charts drawn on the server; every figure leads to the
// commune and from there to the records — read-only, applicants masked, through the one
// dossier-visibility rule (src/modules/dossiers/visibility.ts).
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { vnToday } from "../../domain/documents/numbering";
import { isReportKind } from "../../domain/reports/kinds";
import { periodLabel } from "../../domain/reports/period";
import { ATTENTION, type CommuneFigures, SORT_KEYS, type SortKey, sharesOf, sortCommunes } from "../../domain/supervision/figures";
import { fold } from "../../domain/text/fold";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { forbidden, HttpError, notFound, parseWith, requireAccess } from "../../web/http";
import { formatDate, formatDateTime, formatNumber } from "../../web/i18n";
import { registerNav } from "../../web/registry";
import { Layout } from "../../web/views/layout";
import { getAgencyCalendar } from "../calendar/service";
import { REGISTER_PATH } from "../dossier-docs/register-link";
import { loadHistory } from "../dossiers/history";
import { findDossier, listAttachments, timelinessOf } from "../dossiers/service";
import { dossierStatisticsByAgency, isStatisticsList, listStatisticsDossiers, type StatisticsList } from "../dossiers/statistics";
import { DocumentChecklist, EventHistory, StatusTag, TimeTag } from "../dossiers/views";
import { applicantFor, dossierViewer, type DossierViewer, noteFor } from "../dossiers/visibility";
import { communeObligations } from "../reports/calendar";
import { BarChart } from "./charts";
import "./messages";
import { catalogFields, findProvince, type Province, type SupervisionRow, supervise } from "./service";
import { renderSupervisionXlsx } from "./xlsx";

/** Who opens the workspace: the route checks it, the menu shows it to the same people. */
export const SUPERVISION_ACCESS = "province.supervise" as const;

registerNav({ href: "/staff/supervision", labelKey: "supervision.nav", area: "staff", permission: SUPERVISION_ACCESS, order: 15 });

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "msg:supervision.badDate" })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), { error: "msg:supervision.badDate" });
const blank = (v: unknown) => (v === "" ? undefined : v);

export const SupervisionQuery = z
  .object({
    /** Province code (system administrators choose one; others supervise their own). */
    province: z.preprocess(blank, z.string().trim().max(40).optional()),
    from: z.preprocess(blank, isoDate.optional()),
    to: z.preprocess(blank, isoDate.optional()),
    field: z.preprocess(blank, z.string().trim().max(200).optional()),
    q: z.preprocess(blank, z.string().trim().max(100).optional()),
    attention: z.preprocess((v) => v === "1" || v === "true" || v === true, z.boolean()).optional(),
    sort: z.preprocess(blank, z.enum(SORT_KEYS, { error: "msg:supervision.badSort" }).optional()),
    dir: z.preprocess(blank, z.enum(["asc", "desc"], { error: "msg:supervision.badSort" }).optional()),
  })
  .transform((q) => {
    const today = vnToday();
    return { ...q, from: q.from ?? `${today.slice(0, 4)}-01-01`, to: q.to ?? today };
  })
  .refine((q) => q.from <= q.to && Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, { path: ["to"], error: "msg:supervision.badRange" });
type SupervisionQuery = z.infer<typeof SupervisionQuery>;

/** The period and filters a link carries: nothing when they are the defaults, so links stay short. */
function carry(q: SupervisionQuery, extra: Record<string, string | undefined> = {}): string {
  const today = vnToday();
  const p = new URLSearchParams();
  if (q.province) p.set("province", q.province);
  if (q.from !== `${today.slice(0, 4)}-01-01`) p.set("from", q.from);
  if (q.to !== today) p.set("to", q.to);
  if (q.field) p.set("field", q.field);
  for (const [k, v] of Object.entries(extra)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : "";
}

async function provinceOf(req: FastifyRequest, code: string | undefined): Promise<Province> {
  const user = req.user!;
  const found = await req.tx((tx) => findProvince(tx, { code, fallbackId: user.agencyId }));
  if (!found) {
    if (code) throw notFound("supervision.noProvince");
    // A system administrator attached to no province chooses one.
    throw new HttpError(400, "supervision.chooseProvince");
  }
  if (!found.inScope) throw forbidden("supervision.outOfScope");
  return found.province;
}

const pct = (v: number | undefined) => (v === undefined ? "—" : `${formatNumber(Math.round(v * 1000) / 10)}%`);

function Filters({ ctx, q, fields, action }: { ctx: PageCtx; q: SupervisionQuery; fields: string[]; action: string }) {
  const t = ctx.t;
  return (
    <form method="get" action={action} class="search-row panel no-print">
      {q.province ? <input type="hidden" name="province" value={q.province} /> : null}
      <div class="field">
        <label for="f-from">{t("reports.from")}</label>
        <input id="f-from" name="from" type="date" value={q.from} />
      </div>
      <div class="field">
        <label for="f-to">{t("reports.to")}</label>
        <input id="f-to" name="to" type="date" value={q.to} />
      </div>
      <div class="field">
        <label for="f-field">{t("supervision.field")}</label>
        <select id="f-field" name="field">
          <option value="">{t("supervision.allFields")}</option>
          {fields.map((f) => (
            <option key={f} value={f} selected={q.field === f}>
              {f}
            </option>
          ))}
        </select>
      </div>
      {action === "/staff/supervision" ? (
        <>
          <div class="field">
            <label for="f-q">{t("supervision.commune")}</label>
            <input id="f-q" name="q" type="search" value={q.q ?? ""} maxLength={100} />
          </div>
          <input type="hidden" name="sort" value={q.sort ?? ""} />
          <input type="hidden" name="dir" value={q.dir ?? ""} />
          <label class="check-row">
            <input type="checkbox" name="attention" value="1" checked={q.attention ?? false} /> {t("supervision.attentionOnly")}
          </label>
        </>
      ) : null}
      <button type="submit" class="secondary">
        {t("plans.filter")}
      </button>
    </form>
  );
}

function Cards({ ctx, totals, communes }: { ctx: PageCtx; totals: CommuneFigures; communes: number }) {
  const t = ctx.t;
  const s = sharesOf(totals);
  const cards: [string, string, string?][] = [
    ["supervision.communes", formatNumber(communes)],
    ["supervision.received", formatNumber(s.received)],
    ["supervision.onTimeShare", pct(s.onTimeShare)],
    ["supervision.overdueShare", pct(s.overdueShare), (s.overdueShare ?? 0) > ATTENTION.overdueShare ? "bad" : ""],
    ["supervision.onlineShare", pct(s.onlineShare)],
    ["supervision.onlineProcedures", formatNumber(s.onlineProcedures)],
    ["supervision.tasksOverdue", formatNumber(totals.tasksOverdue), totals.tasksOverdue ? "warn" : ""],
    ["supervision.reportsMissing", `${formatNumber(totals.reports.missing)}/${formatNumber(totals.reports.due)}`, totals.reports.missing ? "bad" : ""],
  ];
  return (
    <ul class="cards">
      {cards.map(([k, v, tone]) => (
        <li key={k} class={`card ${tone ?? ""}`}>
          <span class="num">{v}</span>
          <span>{t(k)}</span>
        </li>
      ))}
    </ul>
  );
}

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: "name", label: "supervision.commune" },
  { key: "received", label: "supervision.received" },
  { key: "onTime", label: "supervision.onTimeShare" },
  { key: "overdue", label: "supervision.overdue" },
  { key: "online", label: "supervision.onlineShare" },
  { key: "procedures", label: "supervision.onlineProcedures" },
  { key: "communications", label: "supervision.communications" },
  { key: "tasks", label: "supervision.tasksOverdue" },
  { key: "reports", label: "supervision.reports" },
];

function Workspace({ ctx, q, data, fields, rows }: { ctx: PageCtx; q: SupervisionQuery; data: Awaited<ReturnType<typeof supervise>>; fields: string[]; rows: SupervisionRow[] }) {
  const t = ctx.t;
  const sort = q.sort ?? "overdue";
  const dir = q.dir ?? (sort === "name" ? "asc" : "desc");
  // Relative to /staff/supervision and by the short GSO code where there is one: a hundred rows of links stay light.
  const communeHref = (r: SupervisionRow, anchor = "") => `supervision/${encodeURIComponent(r.gso ?? r.code)}${carry(q)}${anchor}`;
  const attention = data.rows.filter((r) => r.attention.length > 0);
  const overdueTop = [...data.rows]
    .filter((r) => sharesOf(r).handled > 0)
    .sort((a, b) => (sharesOf(b).overdueShare ?? 0) - (sharesOf(a).overdueShare ?? 0))
    .slice(0, 12);
  const onlineTop = [...data.rows].sort((a, b) => sharesOf(b).received - sharesOf(a).received).slice(0, 12);
  return (
    <Layout ctx={ctx} title={t("supervision.title", { province: data.province.unitName })} area="staff">
      <h1>{t("supervision.title", { province: data.province.unitName })}</h1>
      <p class="lead">
        {t("supervision.period", { from: formatDate(q.from), to: formatDate(q.to) })}
        {q.field ? ` · ${q.field}` : ""}
      </p>
      <Filters ctx={ctx} q={q} fields={fields} action="/staff/supervision" />
      <Cards ctx={ctx} totals={data.totals} communes={data.rows.length} />
      {attention.length ? (
        <section aria-labelledby="att-h">
          <h2 id="att-h">{t("supervision.attention", { n: attention.length })}</h2>
          <p class="hint">{t("supervision.attentionRule", { share: pct(ATTENTION.overdueShare) })}</p>
        </section>
      ) : null}
      <div class="grid2">
        <BarChart
          id="ch-overdue"
          title={t("supervision.chartOverdue")}
          data={overdueTop.map((r) => ({ label: r.unitName, value: sharesOf(r).overdueShare ?? 0, href: communeHref(r), tone: r.attention.includes("overdue") ? "bad" : "normal" }))}
          format={(v) => pct(v)}
          labelHeading={t("supervision.commune")}
          valueHeading={t("supervision.overdueShare")}
          tableLabel={t("supervision.chartTable")}
        />
        <BarChart
          id="ch-received"
          title={t("supervision.chartReceived")}
          data={onlineTop.map((r) => ({ label: r.unitName, value: sharesOf(r).received, href: communeHref(r) }))}
          format={(v) => formatNumber(v)}
          labelHeading={t("supervision.commune")}
          valueHeading={t("supervision.received")}
          tableLabel={t("supervision.chartTable")}
        />
      </div>
      <h2>{t("supervision.table", { n: rows.length })}</h2>
      <div class="table-wrap">
        <table class="sup">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th scope="col" key={c.key} aria-sort={sort === c.key ? (dir === "asc" ? "ascending" : "descending") : undefined}>
                  <a href={`/staff/supervision${carry(q, { q: q.q, attention: q.attention ? "1" : undefined, sort: c.key, dir: sort === c.key && dir === "desc" ? "asc" : c.key === "name" ? "asc" : "desc" })}`}>{t(c.label)}</a>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const s = sharesOf(r);
              const h = communeHref(r);
              return (
                <tr key={r.agencyId} class={r.attention.length ? "overdue" : undefined}>
                  <th scope="row">
                    <a href={h}>{r.unitName}</a>
                    {r.attention.map((a) => (
                      <small key={a} class="tag bad">
                        {t(`supervision.reason.${a}`)}
                      </small>
                    ))}
                  </th>
                  <td>{formatNumber(s.received)}</td>
                  <td>{pct(s.onTimeShare)}</td>
                  <td>
                    <a href={`${h}#d`}>{formatNumber(s.overdue)}</a> ({pct(s.overdueShare)})
                  </td>
                  <td>{pct(s.onlineShare)}</td>
                  <td>{formatNumber(s.onlineProcedures)}</td>
                  <td>{formatNumber(r.communications.items + r.communications.broadcasts + r.communications.conferences)}</td>
                  <td>{r.tasksOverdue ? <a href={`${h}#p`}>{formatNumber(r.tasksOverdue)}</a> : "0"}</td>
                  <td>
                    <a href={`${h}#r`}>
                      {formatNumber(r.reports.received)}/{formatNumber(r.reports.due)}
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p class="no-print">
        <a href={`/staff/supervision.xlsx${carry(q, { q: q.q, attention: q.attention ? "1" : undefined, sort: q.sort, dir: q.dir })}`}>{t("supervision.export")}</a>
      </p>
      <p class="hint">{t("supervision.sources")}</p>
    </Layout>
  );
}

async function communePageData(req: FastifyRequest, code: string, q: SupervisionQuery) {
  const user = req.user!;
  return req.tx(async (tx) => {
    const viewer = await dossierViewer(tx, user, code);
    if (viewer?.view !== "supervisor") return undefined;
    const parent = await tx.one<{ parent_id: number | null; unit_name: string; kind: string }>("select parent_id, unit_name, kind from agencies where id = $1", [viewer.agencyId]);
    const found = parent.parent_id ? await findProvince(tx, { fallbackId: parent.parent_id }) : undefined;
    if (!found || parent.kind !== "commune") return undefined;
    const data = await supervise(tx, { province: found.province, from: q.from, to: q.to, field: q.field, communeIds: [viewer.agencyId] });
    const byField = await dossierStatisticsByAgency(tx, { agencyIds: [viewer.agencyId], from: q.from, to: q.to });
    const tasks = await tx.query<{ id: number; plan_id: number; title: string; plan: string; deadline: string; owner: string | null; owner_unit: string | null }>(
      `select t.id, t.plan_id, t.title, p.title as plan, t.deadline::text as deadline, u.full_name as owner, t.owner_unit
       from plan_tasks t join plans p on p.id = t.plan_id left join users u on u.id = t.owner_user_id
       where t.agency_id = $1 and t.deadline < $2 and t.status not in ('done','cancelled') order by t.deadline, t.id limit 50`,
      [viewer.agencyId, vnToday()],
    );
    const owed = await communeObligations(tx, { communeId: viewer.agencyId, from: q.from, to: [q.to, vnToday()].sort()[0]! });
    return { viewer, province: found.province, row: data.rows[0]!, fields: byField.get(viewer.agencyId)?.rows ?? [], tasks, owed, allFields: await catalogFields(tx) };
  });
}

function CommunePage({ ctx, q, d }: { ctx: PageCtx; q: SupervisionQuery; d: NonNullable<Awaited<ReturnType<typeof communePageData>>> }) {
  const t = ctx.t;
  const r = d.row;
  const s = sharesOf(r);
  const base = `/staff/supervision/${encodeURIComponent(d.viewer.agencyCode)}`;
  const list = (l: StatisticsList, n: number, field?: string) => <a href={`${base}/dossiers${carry(q, { list: l, ...(field ? { field } : {}) })}`}>{formatNumber(n)}</a>;
  const dd = r.dossiers;
  return (
    <Layout ctx={ctx} title={r.unitName} area="staff">
      <p>
        <a href={`/staff/supervision${carry(q)}`}>← {t("supervision.title", { province: d.province.unitName })}</a>
      </p>
      <h1>{r.unitName}</h1>
      <p class="lead">
        {t("supervision.period", { from: formatDate(q.from), to: formatDate(q.to) })}
        {q.field ? ` · ${q.field}` : ""} · {t("supervision.readOnly")}
      </p>
      {r.attention.length ? (
        <p class="notice warn" role="note">
          {r.attention.map((a) => t(`supervision.reason.${a}`)).join("; ")}
        </p>
      ) : null}
      <Filters ctx={ctx} q={q} fields={d.allFields} action={base} />
      <h2 id="d">{t("supervision.dossiers")}</h2>
      <dl class="proc-facts">
        <dt>{t("supervision.received")}</dt>
        <dd>
          {list("new", s.received)} ({t("supervision.onlineN")} {list("online", dd.received.online)}, {pct(s.onlineShare)}) · {t("supervision.carriedOver")} {formatNumber(dd.received.carriedOver)}
        </dd>
        <dt>{t("supervision.resolved")}</dt>
        <dd>
          {list("resolved", dd.resolved.total)} · {t("supervision.onTimeShare")} {pct(s.onTimeShare)} · {t("supervision.late")} {list("late", dd.resolved.late)}
        </dd>
        <dt>{t("supervision.open")}</dt>
        <dd>
          {list("open", dd.inProgress.total)} · {t("supervision.overdueOpen")} {list("overdue", dd.inProgress.overdue)}
        </dd>
      </dl>
      {d.fields.length ? (
        <div class="table-wrap">
          <table>
            <caption>{t("supervision.byField")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("supervision.field")}</th>
                <th scope="col">{t("supervision.received")}</th>
                <th scope="col">{t("supervision.resolved")}</th>
                <th scope="col">{t("supervision.late")}</th>
                <th scope="col">{t("supervision.overdueOpen")}</th>
              </tr>
            </thead>
            <tbody>
              {d.fields.map((f) => (
                <tr key={f.field}>
                  <th scope="row">{f.field}</th>
                  <td>{list("received", f.received.total, f.field)}</td>
                  <td>{list("resolved", f.resolved.total, f.field)}</td>
                  <td>{list("late", f.resolved.late, f.field)}</td>
                  <td>{list("overdue", f.inProgress.overdue, f.field)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <p class="no-print">
        <a href={`${REGISTER_PATH}?agency=${encodeURIComponent(d.viewer.agencyCode)}&from=${q.from}&to=${q.to}`}>{t("supervision.register")}</a>
      </p>
      <h2 id="c">{t("supervision.catalogAndComms")}</h2>
      <dl class="proc-facts">
        <dt>{t("supervision.onlineProcedures")}</dt>
        <dd>
          <a href={`/procedures?agency=${encodeURIComponent(d.viewer.agencyCode)}`}>{formatNumber(s.onlineProcedures)}</a> {t("supervision.ofPublished", { n: formatNumber(r.procedures.published) })}
        </dd>
        <dt>{t("supervision.communications")}</dt>
        <dd>
          <a href={`/c/${encodeURIComponent(d.viewer.agencyCode)}`}>
            {t("supervision.commsDetail", { items: r.communications.items, broadcasts: r.communications.broadcasts, conferences: r.communications.conferences, signage: r.communications.signage })}
          </a>
        </dd>
      </dl>
      <h2 id="p">{t("supervision.tasksOverdue")}</h2>
      {d.tasks.length === 0 ? (
        <p>{t("supervision.noTasksOverdue")}</p>
      ) : (
        <ul>
          {d.tasks.map((x) => (
            <li key={x.id}>
              {x.title} <small class="muted">({x.plan})</small> · {[x.owner, x.owner_unit].filter(Boolean).join(" – ")} · {t("plans.deadline")} {formatDate(x.deadline)}
            </li>
          ))}
        </ul>
      )}
      <h2 id="r">{t("supervision.reports")}</h2>
      {d.owed.length === 0 ? (
        <p>{t("reportcal.nothingDue")}</p>
      ) : (
        <ul>
          {d.owed.map((o) => (
            <li key={`${o.kind}${o.from}`}>
              {isReportKind(o.kind) ? t(`reports.kind.${o.kind}`) : o.kind} · {periodLabel(o.from, o.to)} · {t("reportcal.dueOn")} {formatDate(o.due)} · {t(`reportcal.status.${o.status}`)}
              {o.reportId ? (
                <>
                  {" · "}
                  <a href={`/staff/reports/${o.reportId}`}>{t("incoming.openReport")}</a>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

function DossierList({ ctx, q, viewer, unitName, list, page, data }: { ctx: PageCtx; q: SupervisionQuery; viewer: DossierViewer; unitName: string; list: StatisticsList; page: number; data: Awaited<ReturnType<typeof listStatisticsDossiers>> }) {
  const t = ctx.t;
  const base = `/staff/supervision/${encodeURIComponent(viewer.agencyCode)}`;
  return (
    <Layout ctx={ctx} title={`${t(`supervision.list.${list}`)} – ${unitName}`} area="staff">
      <p>
        <a href={`${base}${carry(q)}`}>← {unitName}</a>
      </p>
      <h1>
        {t(`supervision.list.${list}`)} ({formatNumber(data.total)})
      </h1>
      <p class="lead">
        {unitName} · {t("supervision.period", { from: formatDate(q.from), to: formatDate(q.to) })}
        {q.field ? ` · ${q.field}` : ""} · {t("supervision.masked")}
      </p>
      {data.items.length === 0 ? (
        <p>{t("dossier.list.empty")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("dossier.f.code")}</th>
                <th scope="col">{t("dossier.f.procedure")}</th>
                <th scope="col">{t("dossier.f.applicant")}</th>
                <th scope="col">{t("dossier.f.status")}</th>
                <th scope="col">{t("dossier.f.receivedAt")}</th>
                <th scope="col">{t("dossier.f.dueAt")}</th>
                <th scope="col">{t("dossier.f.finishedAt")}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((i) => (
                <tr key={i.code}>
                  <td>
                    <a href={`${base}/dossiers/${encodeURIComponent(i.code)}`}>{i.code}</a>
                  </td>
                  <td>{i.procedureName}</td>
                  <td>{applicantFor(viewer, { fullName: i.applicantName, idNumber: "", phone: "", email: null, address: {} }).fullName}</td>
                  <td>
                    <StatusTag ctx={ctx} status={i.status} />
                  </td>
                  <td>{formatDateTime(i.receivedAt)}</td>
                  <td>{formatDateTime(i.dueAt)}</td>
                  <td>{formatDateTime(i.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="pager">
        {page > 0 ? <a href={`${base}/dossiers${carry(q, { list, page: String(page - 1) })}`}>{t("supervision.prev")}</a> : null}
        {(page + 1) * 50 < data.total ? <a href={`${base}/dossiers${carry(q, { list, page: String(page + 1) })}`}>{t("dossier.list.more")}</a> : null}
      </p>
    </Layout>
  );
}

const RowJson = z.object({
  commune: z.object({ code: z.string(), name: z.string() }),
  dossiers: z.object({
    received: z.number(),
    online: z.number(),
    carriedOver: z.number(),
    resolved: z.number(),
    onTime: z.number(),
    late: z.number(),
    inProgress: z.number(),
    overdueOpen: z.number(),
    overdue: z.number(),
    overdueShare: z.number().nullable(),
    onTimeShare: z.number().nullable(),
    onlineShare: z.number().nullable(),
  }),
  procedures: z.object({ published: z.number(), onlineFull: z.number(), onlinePartial: z.number() }),
  communications: z.object({ items: z.number(), broadcasts: z.number(), conferences: z.number(), signage: z.number() }),
  tasksOverdue: z.number(),
  reports: z.object({ due: z.number(), received: z.number(), late: z.number(), missing: z.number() }),
  attention: z.array(z.string()),
});

function rowJson(r: CommuneFigures & { attention?: string[] }) {
  const s = sharesOf(r);
  const d = r.dossiers;
  return {
    commune: { code: r.code, name: r.unitName },
    dossiers: {
      received: s.received,
      online: d.received.online,
      carriedOver: d.received.carriedOver,
      resolved: d.resolved.total,
      onTime: d.resolved.early + d.resolved.onTime,
      late: d.resolved.late,
      inProgress: d.inProgress.total,
      overdueOpen: d.inProgress.overdue,
      overdue: s.overdue,
      overdueShare: s.overdueShare ?? null,
      onTimeShare: s.onTimeShare ?? null,
      onlineShare: s.onlineShare ?? null,
    },
    procedures: r.procedures,
    communications: r.communications,
    tasksOverdue: r.tasksOverdue,
    reports: r.reports,
    attention: r.attention ?? [],
  };
}

function filterRows(rows: SupervisionRow[], q: SupervisionQuery): SupervisionRow[] {
  const needle = q.q ? fold(q.q).trim() : "";
  const kept = rows.filter((r) => (!needle || fold(r.unitName).includes(needle) || r.code === q.q) && (!q.attention || r.attention.length > 0));
  const sort = q.sort ?? "overdue";
  return sortCommunes(kept, sort, q.dir ?? (sort === "name" ? "asc" : "desc"));
}

const CodeParam = z.object({ agency: z.string().trim().min(1).max(40) });
const ListQuery = z.object({
  list: z.string().refine(isStatisticsList, { error: "msg:supervision.badList" }).default("new"),
  page: z.coerce.number().int().min(0).max(10_000).default(0),
});

export async function supervisionRoutes(app: FastifyInstance): Promise<void> {
  app.get("/staff/supervision", async (req, reply) => {
    requireAccess(req, SUPERVISION_ACCESS);
    const q = parseWith(SupervisionQuery, req.query, req);
    const province = await provinceOf(req, q.province);
    const { data, fields } = await req.tx(async (tx) => ({ data: await supervise(tx, { province, from: q.from, to: q.to, field: q.field }), fields: await catalogFields(tx) }));
    return reply.page(<Workspace ctx={req.pageCtx()} q={q} data={data} fields={fields} rows={filterRows(data.rows, q)} />);
  });

  app.get("/staff/supervision.xlsx", async (req, reply) => {
    requireAccess(req, SUPERVISION_ACCESS);
    const q = parseWith(SupervisionQuery, req.query, req);
    const province = await provinceOf(req, q.province);
    const data = await req.tx((tx) => supervise(tx, { province, from: q.from, to: q.to, field: q.field }));
    const xlsx = await renderSupervisionXlsx({ province: province.unitName, from: q.from, to: q.to, field: data.field, rows: filterRows(data.rows, q) });
    return reply
      .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      .header("content-disposition", `attachment; filename="giam-sat-cac-xa_${q.from}_${q.to}.xlsx"`)
      .header("cache-control", "private, no-store")
      .send(xlsx);
  });

  app.get("/staff/supervision/:agency", async (req, reply) => {
    requireAccess(req, SUPERVISION_ACCESS);
    const { agency } = parseWith(CodeParam, req.params, req);
    const q = parseWith(SupervisionQuery, req.query, req);
    const d = await communePageData(req, agency, q);
    if (!d) throw notFound();
    return reply.page(<CommunePage ctx={req.pageCtx()} q={q} d={d} />);
  });

  app.get("/staff/supervision/:agency/dossiers", async (req, reply) => {
    const user = requireAccess(req, SUPERVISION_ACCESS);
    const { agency } = parseWith(CodeParam, req.params, req);
    const q = parseWith(SupervisionQuery, req.query, req);
    const l = parseWith(ListQuery, req.query, req);
    const list = l.list as StatisticsList;
    const found = await req.tx(async (tx) => {
      const viewer = await dossierViewer(tx, user, agency);
      if (viewer?.view !== "supervisor") return undefined;
      const a = await tx.one<{ unit_name: string }>("select unit_name from agencies where id = $1", [viewer.agencyId]);
      const data = await listStatisticsDossiers(tx, { agencyId: viewer.agencyId, list, from: q.from, to: q.to, ...(q.field ? { field: q.field } : {}), limit: 50, offset: l.page * 50 });
      return { viewer, unitName: a.unit_name, data };
    });
    if (!found) throw notFound();
    return reply.page(<DossierList ctx={req.pageCtx()} q={q} list={list} page={l.page} {...found} />);
  });

  app.get("/staff/supervision/:agency/dossiers/:code", async (req, reply) => {
    const user = requireAccess(req, SUPERVISION_ACCESS);
    const { agency } = parseWith(CodeParam, { agency: (req.params as { agency: string }).agency }, req);
    const code = String((req.params as { code: string }).code ?? "").slice(0, 80);
    const found = await req.tx(async (tx) => {
      const viewer = await dossierViewer(tx, user, agency);
      if (viewer?.view !== "supervisor") return undefined;
      const d = await findDossier(tx, { agencyId: viewer.agencyId, code });
      if (!d) return undefined;
      const a = await tx.one<{ unit_name: string }>("select unit_name from agencies where id = $1", [viewer.agencyId]);
      const history = await loadHistory(tx, d.id);
      return { viewer, d, unitName: a.unit_name, history, attachments: await listAttachments(tx, d.id), calendar: await getAgencyCalendar(tx, d.agencyId) };
    });
    if (!found) throw notFound("dossier.err.notFound");
    const { viewer, d, history } = found;
    const ctx = req.pageCtx();
    const t = ctx.t;
    const a = applicantFor(viewer, d.applicant);
    const base = `/staff/supervision/${encodeURIComponent(viewer.agencyCode)}`;
    const events = history.events.map((e) => ({ ...e, note: e.note ? noteFor(viewer, e.note) : e.note }));
    return reply.page(
      <Layout ctx={ctx} title={t("dossier.detail.title", { code: d.code })} area="staff">
        <p>
          <a href={base}>← {found.unitName}</a>
        </p>
        <h1>{t("dossier.detail.title", { code: d.code })}</h1>
        <p class="lead">
          <StatusTag ctx={ctx} status={d.status} /> <TimeTag ctx={ctx} value={timelinessOf(d, found.calendar)} /> · {t("supervision.readOnly")} · {t("supervision.masked")}
        </p>
        {d.receivedAt ? (
          <p class="no-print">
            <a href={`/staff/dossiers/${encodeURIComponent(d.code)}/slips/05.pdf?agency=${encodeURIComponent(viewer.agencyCode)}`}>{t("dossier.detail.print05")}</a>
          </p>
        ) : null}
        <dl class="proc-facts">
          <dt>{t("dossier.f.procedure")}</dt>
          <dd>
            {d.procedureName} <small class="muted">{d.procedureCode}</small>
          </dd>
          <dt>{t("dossier.f.applicant")}</dt>
          <dd>
            {a.fullName} · {a.idNumber} · {a.phone}
            {a.email ? ` · ${a.email}` : ""}
          </dd>
          <dt>{t("dossier.f.channel")}</dt>
          <dd>{t(`dossier.channel.${d.channel}`)}</dd>
          <dt>{t("dossier.f.receivedAt")}</dt>
          <dd>{formatDateTime(d.receivedAt)}</dd>
          <dt>{t("dossier.f.dueAt")}</dt>
          <dd>{formatDateTime(d.dueAt)}</dd>
          <dt>{t("dossier.f.finishedAt")}</dt>
          <dd>{formatDateTime(d.finishedAt)}</dd>
          <dt>{t("dossier.f.supplements")}</dt>
          <dd>{d.supplementCount}</dd>
        </dl>
        <h2>{t("dossier.detail.documents")}</h2>
        <DocumentChecklist ctx={ctx} documents={d.documents} />
        <p class="hint">{t("supervision.attachments", { n: found.attachments.length })}</p>
        <h2>{t("dossier.detail.history")}</h2>
        <EventHistory ctx={ctx} events={events} people={history.people} />
      </Layout>,
    );
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/supervision",
    summary:
      "One row per commune of a province with the figures the commune itself sees: dossiers received / on time / overdue / online share (Biểu 06), procedures offered online, communication activity, plan tasks overdue, reports due and received; communes needing attention first. Commune users: 403",
    tags: ["supervision"],
    auth: SUPERVISION_ACCESS,
    query: SupervisionQuery,
    response: z.object({ province: z.object({ code: z.string(), name: z.string() }), period: z.object({ from: z.string(), to: z.string() }), field: z.string().nullable(), totals: RowJson, items: z.array(RowJson) }),
    errors: { 403: "A province outside the caller's scope", 404: "No such province" },
    handler: async ({ req, query }) => {
      const province = await provinceOf(req, query.province);
      const data = await req.tx((tx) => supervise(tx, { province, from: query.from, to: query.to, field: query.field }));
      return {
        province: { code: province.code, name: province.unitName },
        period: data.period,
        field: data.field,
        totals: rowJson(data.totals),
        items: filterRows(data.rows, query).map(rowJson),
      };
    },
  });
}
