// The QĐ 766 index for staff (issue 15): a commune's leader sees their commune, a province's
// supervisor the province (its communes summed and ranked) or any commune in it. Every number leads
// to what it counts: a province's to the communes' figures, a commune's to the dossiers,
// procedures or PAKN behind it. Plain links and a GET form: works without JavaScript.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { canAccess } from "../../domain/auth/permissions";
import { vnToday } from "../../domain/documents/numbering";
import { PERIOD_PRESETS, type PeriodPreset, presetPeriod, type Qd766Result, versionInForce } from "../../domain/indexes/qd766";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { HttpError, parseWith, requireAccess } from "../../web/http";
import { formatDate, formatDateTime, formatNumber } from "../../web/i18n";
import { registerNav } from "../../web/registry";
import { ScrollableTable } from "../../web/views/charts";
import { Layout } from "../../web/views/layout";
import {
  type AnnouncementListCode,
  type DossierListCode,
  listIndexAnnouncements,
  listIndexDossiers,
  listIndexPakn,
  listIndexProcedures,
  listKindOf,
  type PaknListCode,
  type ProcedureListCode,
  SIDES,
  type Side,
} from "./qd766-lists";
import "./qd766-messages";
import { assertPeriod, computeIndex766, getIndexAgency, type Index766, type Index766Agency } from "./qd766-service";

/** Who sees the index: those who read the agency's reports (leaders, office, province supervisors). */
export const INDEX766_ACCESS = "report.view" as const;
const BASE = "/staff/indexes/766";
const PAGE_SIZE = 50;

registerNav({ href: BASE, labelKey: "index766.nav", area: "staff", permission: INDEX766_ACCESS, order: 16 });

const blank = (v: unknown) => (v === "" ? undefined : v);
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "msg:index766.badDate" });

export const Index766Query = z
  .object({
    agency: z.preprocess(blank, z.string().trim().max(40).optional()),
    from: z.preprocess(blank, isoDay.optional()),
    to: z.preprocess(blank, isoDay.optional()),
    preset: z.preprocess(blank, z.enum(PERIOD_PRESETS, { error: "msg:index766.badPreset" }).optional()),
  })
  .transform((q) => {
    const today = vnToday();
    const preset = q.preset ?? (q.from || q.to ? undefined : "year");
    const p = preset ? presetPeriod(preset, today) : { from: q.from ?? q.to!, to: q.to ?? today };
    return { agency: q.agency, from: p.from, to: p.to, preset };
  });
type Index766Query = z.infer<typeof Index766Query>;

const ListQuery = z.object({
  code: z.string({ error: "msg:index766.badCode" }).trim().max(10, { error: "msg:index766.badCode" }),
  side: z.enum(SIDES, { error: "msg:index766.badSide" }),
  page: z.preprocess((v) => (v === undefined || v === "" ? 0 : Number(v)), z.number().int().min(0).max(100_000)),
});

function carry(q: { agency?: string | undefined; from: string; to: string }, extra: Record<string, string | undefined> = {}): string {
  const p = new URLSearchParams();
  if (q.agency) p.set("agency", q.agency);
  p.set("from", q.from);
  p.set("to", q.to);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) p.set(k, v);
  return `?${p.toString()}`;
}

const pct = (v: number) => `${formatNumber(Math.round(v * 1000) / 10)}%`;

function valueText(t: PageCtx["t"], r: Qd766Result): string {
  if (r.status !== "ok" || r.value === null) return t("index766.noData");
  if (r.formula === "average-days") return t("index766.days", { n: formatNumber(r.value) });
  if (r.formula === "count") return formatNumber(r.value);
  return pct(r.value);
}

const fmtPoints = (v: number | null) => (v === null ? "—" : formatNumber(v));

async function indexFor(req: FastifyRequest, q: Index766Query): Promise<Index766> {
  const user = requireAccess(req, INDEX766_ACCESS);
  return req.tx((tx) => computeIndex766(tx, { agency: q.agency ?? user.agencyId, from: q.from, to: q.to }));
}

function PeriodForm({ ctx, q, agency }: { ctx: PageCtx; q: Index766Query; agency: Index766Agency }) {
  const t = ctx.t;
  const code = agency.gso ?? agency.code;
  return (
    <section class="panel no-print" aria-labelledby="period-h">
      <h2 id="period-h" class="visually-hidden">
        {t("index766.presets")}
      </h2>
      <form method="get" action={BASE} class="search-row">
        <input type="hidden" name="agency" value={code} />
        <div class="field">
          <label for="f-from">{t("index766.from")}</label>
          <input id="f-from" name="from" type="date" value={q.from} />
        </div>
        <div class="field">
          <label for="f-to">{t("index766.to")}</label>
          <input id="f-to" name="to" type="date" value={q.to} />
        </div>
        <button type="submit" class="secondary">
          {t("index766.show")}
        </button>
      </form>
      <p>
        {t("index766.presets")}:{" "}
        {PERIOD_PRESETS.map((p: PeriodPreset, i) => (
          <span key={p}>
            {i > 0 ? " · " : ""}
            <a href={`${BASE}?agency=${encodeURIComponent(code)}&preset=${p}`} aria-current={q.preset === p ? "page" : undefined}>
              {t(`index766.preset.${p}`)}
            </a>
          </span>
        ))}
      </p>
    </section>
  );
}

function Freshness({ ctx, index }: { ctx: PageCtx; index: Index766 }) {
  const t = ctx.t;
  const f = index.freshness;
  return (
    <p class="hint">
      {f.refreshedAt ? t("index766.freshness", { at: formatDateTime(f.refreshedAt) }) : t("index766.freshnessNever")} {f.pending ? t("index766.freshnessPending") : ""} {t("index766.freshnessLive")}
    </p>
  );
}

function IndexPage({ ctx, q, index }: { ctx: PageCtx; q: Index766Query; index: Index766 }) {
  const t = ctx.t;
  const lang = ctx.lang;
  const code = index.agency.gso ?? index.agency.code;
  const isProvince = index.agency.kind === "province";
  const link = (r: Qd766Result, side: Side, n: number, label: string) => {
    if (r.status !== "ok") return <span>—</span>;
    const text = r.formula === "average-days" && side === "num" ? formatNumber(Math.round(n)) : formatNumber(n);
    if (isProvince) {
      if (listKindOf(r.code) === "announcements") {
        return (
          <a href={`${BASE}/records${carry({ agency: code, from: q.from, to: q.to }, { code: r.code, side })}`} aria-label={`${r.code} ${label}: ${text}`}>
            {text}
          </a>
        );
      }
      return (
        <a href={`${BASE}/breakdown${carry({ agency: code, from: q.from, to: q.to }, { code: r.code })}`} aria-label={`${r.code} ${label}: ${text} (${t("index766.breakdownLink")})`}>
          {text}
        </a>
      );
    }
    if (!listKindOf(r.code)) return <span>{text}</span>;
    return (
      <a href={`${BASE}/records${carry({ agency: code, from: q.from, to: q.to }, { code: r.code, side })}`} aria-label={`${r.code} ${label}: ${text}`}>
        {text}
      </a>
    );
  };
  return (
    <Layout ctx={ctx} title={t("index766.title", { agency: index.agency.name })} area="staff">
      <h1>{t("index766.title", { agency: index.agency.name })}</h1>
      <p class="lead">{t("index766.lead", { decision: index.version.decision, from: formatDate(index.from), to: formatDate(index.to) })}</p>
      <PeriodForm ctx={ctx} q={q} agency={index.agency} />
      <ul class="cards">
        <li class="card">
          <span class="num">{t("index766.totalOf", { total: formatNumber(index.total), max: formatNumber(index.max) })}</span>
          <span>{t("index766.total")}</span>
        </li>
      </ul>
      <p class="hint">{t("index766.totalNote", { max: formatNumber(index.max), maxAll: formatNumber(index.maxAll) })}</p>
      <Freshness ctx={ctx} index={index} />
      <h2 id="ind-h">{t("index766.indicators")}</h2>
      <ScrollableTable labelledBy="ind-h">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("index766.col.code")}</th>
              <th scope="col">{t("index766.col.name")}</th>
              <th scope="col">{t("index766.col.value")}</th>
              <th scope="col">{t("index766.col.numerator")}</th>
              <th scope="col">{t("index766.col.denominator")}</th>
              <th scope="col">{t("index766.col.target")}</th>
              <th scope="col">{t("index766.col.points")}</th>
              <th scope="col">{t("index766.col.max")}</th>
            </tr>
          </thead>
          <tbody>
            {index.indicators.map((r) => (
              <tr key={r.code}>
                <th scope="row">{r.code}</th>
                <td>
                  {r.name[lang]}
                  {r.reason ? <div class="hint">{r.reason[lang]}</div> : null}
                </td>
                <td>{valueText(t, r)}</td>
                <td>{r.formula === "count" ? link(r, "num", r.numerator, t("index766.col.numerator")) : link(r, "num", r.numerator, t("index766.col.numerator"))}</td>
                <td>{r.formula === "count" ? "—" : link(r, "den", r.denominator, t("index766.col.denominator"))}</td>
                <td>{r.formula === "share" || r.formula === "procedure-satisfaction" || r.formula === "pakn-satisfaction" ? `≥ ${pct(r.target)}` : "—"}</td>
                <td>{fmtPoints(r.points)}</td>
                <td>{formatNumber(r.maxPoints)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollableTable>
      <p class="hint">{t("index766.rules")}</p>
      {index.ranking ? (
        <>
          <h2 id="rank-h">{t("index766.ranking")}</h2>
          <ScrollableTable labelledBy="rank-h">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("index766.col.rank")}</th>
                  <th scope="col">{t("index766.col.commune")}</th>
                  <th scope="col">{t("index766.col.points")}</th>
                  <th scope="col">{t("index766.col.max")}</th>
                </tr>
              </thead>
              <tbody>
                {index.ranking.map((r) => (
                  <tr key={r.agencyId}>
                    <td>{r.rank}</td>
                    <th scope="row">
                      <a href={`${BASE}${carry({ agency: r.agency, from: q.from, to: q.to })}`}>{r.name}</a>
                    </th>
                    <td>{formatNumber(r.total)}</td>
                    <td>{formatNumber(r.max)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollableTable>
        </>
      ) : null}
    </Layout>
  );
}

function Breakdown({ ctx, q, index, code }: { ctx: PageCtx; q: Index766Query; index: Index766; code: string }) {
  const t = ctx.t;
  const ind = index.indicators.find((i) => i.code === code)!;
  const provinceCode = index.agency.gso ?? index.agency.code;
  const title = `${t("index766.breakdown", { code })} – ${ind.name[ctx.lang]}`;
  const hasList = listKindOf(code) !== undefined;
  return (
    <Layout ctx={ctx} title={title} area="staff">
      <p>
        <a href={`${BASE}${carry({ agency: provinceCode, from: q.from, to: q.to })}`}>← {t("index766.back")}</a>
      </p>
      <h1>{title}</h1>
      <p class="lead">
        {index.agency.name} · {t("index766.lead", { decision: index.version.decision, from: formatDate(index.from), to: formatDate(index.to) })}
      </p>
      <ScrollableTable labelledBy="bd-h">
        <table>
          <caption id="bd-h">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t("index766.col.commune")}</th>
              <th scope="col">{t("index766.col.value")}</th>
              <th scope="col">{t("index766.col.numerator")}</th>
              <th scope="col">{t("index766.col.denominator")}</th>
              <th scope="col">{t("index766.col.points")}</th>
            </tr>
          </thead>
          <tbody>
            {(index.communes ?? []).map((c) => {
              const r = c.indicators.find((i) => i.code === code)!;
              const agencyCode = c.agency.gso ?? c.agency.code;
              const cell = (side: Side, v: number) =>
                r.status === "ok" && hasList ? <a href={`${BASE}/records${carry({ agency: agencyCode, from: q.from, to: q.to }, { code, side })}`}>{formatNumber(side === "num" && r.formula === "average-days" ? Math.round(v) : v)}</a> : r.status === "ok" ? formatNumber(v) : "—";
              return (
                <tr key={c.agency.id}>
                  <th scope="row">
                    <a href={`${BASE}${carry({ agency: agencyCode, from: q.from, to: q.to })}`}>{c.agency.name}</a>
                  </th>
                  <td>{valueText(t, r)}</td>
                  <td>{cell("num", r.numerator)}</td>
                  <td>{r.formula === "count" ? "—" : cell("den", r.denominator)}</td>
                  <td>{fmtPoints(r.points)}</td>
                </tr>
              );
            })}
            <tr>
              <th scope="row">{index.agency.name}</th>
              <td>{valueText(t, ind)}</td>
              <td>{ind.status === "ok" ? formatNumber(ind.numerator) : "—"}</td>
              <td>{ind.status === "ok" && ind.formula !== "count" ? formatNumber(ind.denominator) : "—"}</td>
              <td>{fmtPoints(ind.points)}</td>
            </tr>
          </tbody>
        </table>
      </ScrollableTable>
    </Layout>
  );
}

type Records =
  | { kind: "dossiers"; total: number; items: Awaited<ReturnType<typeof listIndexDossiers>>["items"] }
  | { kind: "procedures"; total: number; items: Awaited<ReturnType<typeof listIndexProcedures>>["items"] }
  | { kind: "pakn"; total: number; items: Awaited<ReturnType<typeof listIndexPakn>>["items"] }
  | { kind: "announcements"; total: number; items: Awaited<ReturnType<typeof listIndexAnnouncements>>["items"] };

function RecordsPage(p: { ctx: PageCtx; q: Index766Query; agency: Index766Agency; code: string; name: string; side: Side; page: number; records: Records; dossierHref: (code: string) => string | undefined }) {
  const { ctx, q, agency, code, side, page, records } = p;
  const t = ctx.t;
  const agencyCode = agency.gso ?? agency.code;
  const title = t(`index766.records.${side}`, { code, name: p.name });
  const yes = (b: boolean) => (b ? t("index766.yes") : t("index766.no"));
  return (
    <Layout ctx={ctx} title={`${title} – ${agency.name}`} area="staff">
      <p>
        <a href={`${BASE}${carry({ agency: agencyCode, from: q.from, to: q.to })}`}>← {t("index766.back")}</a>
      </p>
      <h1>
        {title} ({formatNumber(records.total)})
      </h1>
      <p class="lead">
        {agency.name} · {formatDate(q.from)} – {formatDate(q.to)}
      </p>
      {records.items.length === 0 ? (
        <p>{t("index766.records.empty")}</p>
      ) : (
        <ScrollableTable labelledBy="rec-h">
          <table>
            <caption id="rec-h" class="visually-hidden">
              {title}
            </caption>
            {records.kind === "dossiers" ? (
              <>
                <thead>
                  <tr>
                    <th scope="col">{t("index766.col.dossier")}</th>
                    <th scope="col">{t("index766.col.procedure")}</th>
                    <th scope="col">{t("index766.col.channel")}</th>
                    <th scope="col">{t("index766.col.received")}</th>
                    <th scope="col">{t("index766.col.due")}</th>
                    <th scope="col">{t("index766.col.finished")}</th>
                  </tr>
                </thead>
                <tbody>
                  {records.items.map((d) => {
                    const href = p.dossierHref(d.code);
                    return (
                      <tr key={d.code}>
                        <th scope="row">{href ? <a href={href}>{d.code}</a> : d.code}</th>
                        <td>{d.procedureName}</td>
                        <td>{t(`index766.channel.${d.channel}`)}</td>
                        <td>{formatDateTime(d.receivedAt)}</td>
                        <td>{formatDateTime(d.dueAt)}</td>
                        <td>{formatDateTime(d.finishedAt)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </>
            ) : records.kind === "announcements" ? (
              <>
                <thead>
                  <tr>
                    <th scope="col">{t("index766.col.code")}</th>
                    <th scope="col">{t("index766.col.procedure")}</th>
                    <th scope="col">{t("index766.col.decision")}</th>
                    <th scope="col">{t("index766.col.effective")}</th>
                    <th scope="col">{t("index766.col.published")}</th>
                    <th scope="col">{t("index766.col.announcedOnTime")}</th>
                    <th scope="col">{t("index766.col.publishedOnTime")}</th>
                  </tr>
                </thead>
                <tbody>
                  {records.items.map((a, i) => (
                    <tr key={`${a.procedureCode}-${i}`}>
                      <th scope="row">{a.procedureCode}</th>
                      <td>
                        {a.procedureName}
                        <div class="hint">{a.title}</div>
                      </td>
                      <td>
                        {a.decisionNumber ?? ""} {formatDate(a.decisionDate)}
                      </td>
                      <td>{a.effectiveOn ? formatDate(a.effectiveOn) : "—"}</td>
                      <td>{formatDateTime(a.publishedAt)}</td>
                      <td>{a.announcedOnTime === null ? "—" : yes(a.announcedOnTime)}</td>
                      <td>{yes(a.publishedOnTime)}</td>
                    </tr>
                  ))}
                </tbody>
              </>
            ) : records.kind === "procedures" ? (
              <>
                <thead>
                  <tr>
                    <th scope="col">{t("index766.col.code")}</th>
                    <th scope="col">{t("index766.col.procedure")}</th>
                    <th scope="col">{t("index766.col.online")}</th>
                  </tr>
                </thead>
                <tbody>
                  {records.items.map((r) => (
                    <tr key={r.code}>
                      <th scope="row">{r.code}</th>
                      <td>{r.name}</td>
                      <td>{t(`index766.online.${r.onlineLevel}`)}</td>
                    </tr>
                  ))}
                </tbody>
              </>
            ) : (
              <>
                <thead>
                  <tr>
                    <th scope="col">{t("index766.col.pakn")}</th>
                    <th scope="col">{t("index766.col.received")}</th>
                    <th scope="col">{t("index766.col.late")}</th>
                    <th scope="col">{t("index766.col.disliked")}</th>
                  </tr>
                </thead>
                <tbody>
                  {records.items.map((r) => (
                    <tr key={r.code}>
                      <th scope="row">{r.code}</th>
                      <td>{formatDateTime(r.receivedAt)}</td>
                      <td>{yes(r.late)}</td>
                      <td>{yes(r.disliked)}</td>
                    </tr>
                  ))}
                </tbody>
              </>
            )}
          </table>
        </ScrollableTable>
      )}
      <p class="pager">
        {page > 0 ? <a href={`${BASE}/records${carry({ agency: agencyCode, from: q.from, to: q.to }, { code, side, page: String(page - 1) })}`}>{t("index766.prev")}</a> : null}{" "}
        {(page + 1) * PAGE_SIZE < records.total ? <a href={`${BASE}/records${carry({ agency: agencyCode, from: q.from, to: q.to }, { code, side, page: String(page + 1) })}`}>{t("index766.next")}</a> : null}
      </p>
    </Layout>
  );
}

const IndicatorJson = z.object({
  code: z.string(),
  name: z.string(),
  value: z.number().nullable(),
  numerator: z.number(),
  denominator: z.number(),
  points: z.number().nullable(),
  maxPoints: z.number(),
  status: z.enum(["ok", "no-data"]),
  reason: z.string().nullable(),
});

const ApiQuery = z.object({
  agency: z.preprocess(blank, z.string().trim().max(40).optional()),
  from: isoDay,
  to: isoDay,
});

export async function index766Routes(app: FastifyInstance): Promise<void> {
  app.get(BASE, async (req, reply) => {
    requireAccess(req, INDEX766_ACCESS);
    const q = parseWith(Index766Query, req.query, req);
    const index = await indexFor(req, q);
    return reply.page(<IndexPage ctx={req.pageCtx()} q={q} index={index} />);
  });

  app.get(`${BASE}/breakdown`, async (req, reply) => {
    requireAccess(req, INDEX766_ACCESS);
    const q = parseWith(Index766Query, req.query, req);
    const code = String((req.query as { code?: unknown }).code ?? "").slice(0, 10);
    const index = await indexFor(req, q);
    if (index.agency.kind !== "province") throw new HttpError(400, "index766.notProvince");
    if (!index.indicators.some((i) => i.code === code)) throw new HttpError(400, "index766.badCode");
    return reply.page(<Breakdown ctx={req.pageCtx()} q={q} index={index} code={code} />);
  });

  app.get(`${BASE}/records`, async (req, reply) => {
    const user = requireAccess(req, INDEX766_ACCESS);
    const q = parseWith(Index766Query, req.query, req);
    const l = parseWith(ListQuery, req.query, req);
    const kind = listKindOf(l.code);
    if (!kind) throw new HttpError(400, "index766.badCode");
    const found = await req.tx(async (tx) => {
      // The same checks as the index: a real period, an agency in the caller's scope.
      assertPeriod(q.from, q.to);
      const agency = await getIndexAgency(tx, q.agency ?? user.agencyId);
      // A province's own figures are its announcements; every other figure is a commune's.
      if ((agency.kind === "province") !== (kind === "announcements")) throw new HttpError(400, "index766.badCode");
      const page = { limit: PAGE_SIZE, offset: l.page * PAGE_SIZE };
      const records: Records =
        kind === "announcements"
          ? { kind, ...(await listIndexAnnouncements(tx, { provinceId: agency.id, code: l.code as AnnouncementListCode, side: l.side, from: q.from, to: q.to, ...page })) }
          : kind === "dossiers"
          ? { kind, ...(await listIndexDossiers(tx, { agencyId: agency.id, code: l.code as DossierListCode, side: l.side, from: q.from, to: q.to, ...page })) }
          : kind === "procedures"
            ? { kind, ...(await listIndexProcedures(tx, { agencyId: agency.id, code: l.code as ProcedureListCode, side: l.side, from: q.from, to: q.to, ...page })) }
            : { kind, ...(await listIndexPakn(tx, { agencyId: agency.id, code: l.code as PaknListCode, side: l.side, from: q.from, to: q.to, ...page })) };
      return { agency, records, name: versionInForce(q.to).indicators.find((i) => i.code === l.code)?.name ?? { vi: l.code, en: l.code } };
    });
    const ctx = req.pageCtx();
    // A dossier opens where the viewer may read it: its own agency's page, or the supervision's read-only page.
    const dossierHref = (code: string): string | undefined => {
      if (found.agency.id === user.agencyId) return canAccess(user.role, "dossier.view") ? `/staff/dossiers/${encodeURIComponent(code)}` : undefined;
      return canAccess(user.role, "province.supervise") ? `/staff/supervision/${encodeURIComponent(found.agency.code)}/dossiers/${encodeURIComponent(code)}` : undefined;
    };
    return reply.page(
      <RecordsPage ctx={ctx} q={q} agency={found.agency} code={l.code} name={found.name[ctx.lang]} side={l.side} page={l.page} records={found.records} dossierHref={dossierHref} />,
    );
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/indexes/766",
    summary:
      "The QĐ 766/QĐ-TTg service-quality index of an agency for a period (local days, both included): every indicator with its value, numerator, denominator, points and maximum, status ok or no-data; the total out of the maxima of the indicators measured. A province code sums its communes' numerators and denominators and adds their ranking. Period reversed or after today: 400. Without agency: the caller's own.",
    tags: ["indexes"],
    auth: INDEX766_ACCESS,
    query: ApiQuery,
    response: z.object({
      agency: z.string(),
      name: z.string(),
      from: z.string(),
      to: z.string(),
      version: z.string(),
      total: z.number(),
      max: z.number(),
      maxAll: z.number(),
      refreshedAt: z.string().nullable(),
      indicators: z.array(IndicatorJson),
      ranking: z.array(z.object({ agency: z.string(), name: z.string(), total: z.number(), max: z.number(), rank: z.number() })).optional(),
    }),
    errors: { 403: "An agency outside the caller's scope", 404: "No such agency" },
    handler: async ({ req, query }) => {
      const user = req.user!;
      const index = await req.tx((tx) => computeIndex766(tx, { agency: query.agency ?? user.agencyId, from: query.from, to: query.to }));
      return {
        agency: index.agency.gso ?? index.agency.code,
        name: index.agency.name,
        from: index.from,
        to: index.to,
        version: index.version.id,
        total: index.total,
        max: index.max,
        maxAll: index.maxAll,
        refreshedAt: index.freshness.refreshedAt?.toISOString() ?? null,
        indicators: index.indicators.map((r) => ({
          code: r.code,
          name: r.name[req.lang],
          value: r.value,
          numerator: r.numerator,
          denominator: r.denominator,
          points: r.points,
          maxPoints: r.maxPoints,
          status: r.status,
          reason: r.reason?.[req.lang] ?? null,
        })),
        ...(index.ranking ? { ranking: index.ranking.map((r) => ({ agency: r.agency, name: r.name, total: r.total, max: r.max, rank: r.rank })) } : {}),
      };
    },
  });
}
