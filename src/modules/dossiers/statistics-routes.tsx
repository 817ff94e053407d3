// Dossier statistics for staff: the page /staff/dossiers/statistics (a month, quarter, half-year
// or year; the figures of Biểu 06 by field, with charts) and the dashboard's charts of the
// current half-year. The figures are dossierStatistics' and dossierStatisticsByMonth's
// (statistics.ts), the ones the six-monthly report quotes.

import type { FastifyInstance, FastifyRequest } from "fastify";
import type { VNode } from "preact";
import { can } from "../../domain/auth/permissions";
import { vnToday } from "../../domain/documents/numbering";
import {
  currentHalf,
  parseStatPeriod,
  periodChoices,
  type StatPeriod,
  type StatPeriodKind,
  statPeriodParam,
} from "../../domain/dossiers/statistics-period";
import type { DossierStatistics, DossierStatisticsRow } from "../../domain/reports/contracts";
import { monthsEndingAt } from "../../domain/reports/months";
import type { PageCtx } from "../../web/context";
import { parseForm, requirePermission } from "../../web/http";
import { formatDate, formatNumber, type Translate } from "../../web/i18n";
import { registerDashboardPanel, registerNav } from "../../web/registry";
import { formatPercent, largestFirst, percent } from "../../web/views/chart-layout";
import { BarChart, ColumnChart, monthCategories, monthName, ScrollableTable, ShareBar, type TableMode } from "../../web/views/charts";
import { ErrorSummary, Layout } from "../../web/views/layout";
import "./statistics-messages";
import { dossierStatistics, dossierStatisticsByMonth, type MonthStatistics } from "./statistics";

registerNav({ href: "/staff/dossiers/statistics", labelKey: "dossier.stats.nav", area: "staff", permission: "dossier.view", order: 22 });

const ROMAN = ["I", "II", "III", "IV"];

export function statPeriodLabel(t: Translate, p: StatPeriod): string {
  const y = String(p.year);
  switch (p.kind) {
    case "year":
      return t("dossier.stats.label.year", { y });
    case "half":
      return t(p.n === 1 ? "dossier.stats.label.half1" : "dossier.stats.label.half2", { y });
    case "quarter":
      return t("dossier.stats.label.quarter", { roman: ROMAN[p.n - 1] ?? "", n: p.n, y });
    case "month":
      return t("dossier.stats.label.month", { m: p.n, y });
  }
}

// --- the charts, shared by the page and the dashboard ----------------------------------------

function OnTimeShare({ t, id, totals, table }: { t: Translate; id: string; totals: DossierStatisticsRow; table: TableMode }): VNode {
  const r = totals.resolved;
  return (
    <ShareBar
      id={id}
      t={t}
      table={table}
      title={t("dossier.stats.onTime.title")}
      headline={{ of: [0, 1], label: t("dossier.stats.onTime.headline") }}
      segments={[
        { label: t("dossier.stats.early"), value: r.early, fill: "solid" },
        { label: t("dossier.stats.onTime"), value: r.onTime, fill: "dots" },
        { label: t("dossier.stats.late"), value: r.late, fill: "cross" },
      ]}
    />
  );
}

function OnlineShare({ t, id, totals, table }: { t: Translate; id: string; totals: DossierStatisticsRow; table: TableMode }): VNode {
  return (
    <ShareBar
      id={id}
      t={t}
      table={table}
      title={t("dossier.stats.online.title")}
      headline={{ of: [0], label: t("dossier.stats.online.headline") }}
      segments={[
        { label: t("dossier.stats.online"), value: totals.received.online, fill: "solid" },
        { label: t("dossier.stats.inPerson"), value: totals.received.inPersonOrPost, fill: "hatch" },
      ]}
    />
  );
}

function ByMonth({ t, id, months, table }: { t: Translate; id: string; months: MonthStatistics[]; table: TableMode }): VNode {
  const last = months[months.length - 1]?.month ?? "";
  return (
    <ColumnChart
      id={id}
      t={t}
      table={table}
      title={t("dossier.stats.byMonth.title", { month: monthName(t, last) })}
      categoryHeader={t("dossier.stats.month")}
      categories={monthCategories(
        t,
        months.map((m) => m.month),
      )}
      series={[
        { name: t("dossier.stats.online"), values: months.map((m) => m.totals.received.online), fill: "solid" },
        { name: t("dossier.stats.inPerson"), values: months.map((m) => m.totals.received.inPersonOrPost), fill: "hatch" },
      ]}
    />
  );
}

const fieldName = (t: Translate, field: string) => field || t("dossier.stats.noField");

// --- the page -----------------------------------------------------------------------------------

function StatisticsTable({ ctx, s }: { ctx: PageCtx; s: DossierStatistics }): VNode {
  const t = ctx.t;
  const n = formatNumber;
  const cells = (r: DossierStatisticsRow) => [
    n(r.received.total),
    n(r.received.carriedOver),
    n(r.received.online),
    n(r.received.inPersonOrPost),
    formatPercent(percent(r.received.online, r.received.online + r.received.inPersonOrPost)),
    n(r.resolved.total),
    n(r.resolved.early),
    n(r.resolved.onTime),
    n(r.resolved.late),
    formatPercent(percent(r.resolved.early + r.resolved.onTime, r.resolved.total)),
    n(r.inProgress.total),
    n(r.inProgress.overdue),
  ];
  const sub = (key: string) => (
    <th scope="col" class="numeric">
      {t(`dossier.stats.table.${key}`)}
    </th>
  );
  return (
    <ScrollableTable labelledBy="stats-table-caption">
      <table class="stats-table">
        <caption id="stats-table-caption" class="sr-only">
          {t("dossier.stats.table.title")}
        </caption>
        <thead>
          <tr>
            <th scope="col" rowSpan={2}>
              {t("dossier.stats.field")}
            </th>
            <th scope="colgroup" colSpan={5}>
              {t("dossier.stats.table.received")}
            </th>
            <th scope="colgroup" colSpan={5}>
              {t("dossier.stats.table.resolved")}
            </th>
            <th scope="colgroup" colSpan={2}>
              {t("dossier.stats.table.inProgress")}
            </th>
          </tr>
          <tr>
            {sub("total")}
            {sub("carriedOver")}
            {sub("online")}
            {sub("inPerson")}
            {sub("onlineShare")}
            {sub("total")}
            {sub("early")}
            {sub("onTime")}
            {sub("late")}
            {sub("onTimeShare")}
            {sub("total")}
            {sub("overdue")}
          </tr>
        </thead>
        <tbody>
          {s.rows.map((r) => (
            <tr key={r.field}>
              <th scope="row">{fieldName(t, r.field)}</th>
              {cells(r).map((c, i) => (
                <td key={i} class="numeric">
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t("dossier.stats.table.totals")}</th>
            {cells(s.totals).map((c, i) => (
              <td key={i} class="numeric">
                {c}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </ScrollableTable>
  );
}

type PageData = { period: StatPeriod; stats: DossierStatistics; months: MonthStatistics[]; today: string };

function PeriodForm({ ctx, selected, error, today }: { ctx: PageCtx; selected: string; error?: string | undefined; today: string }): VNode {
  const t = ctx.t;
  const choices = periodChoices(today);
  const kinds: StatPeriodKind[] = ["year", "half", "quarter", "month"];
  // A period older than the list (typed into the address) is still shown as chosen.
  const chosen = parseStatPeriod(selected);
  if (chosen && !choices[chosen.kind].some((p) => p.key === chosen.key)) choices[chosen.kind].push(chosen);
  return (
    <form method="get" action="/staff/dossiers/statistics" class="search-row no-print">
      <div class={`field${error ? " has-error" : ""}`}>
        <label for="f-period">{t("dossier.stats.period")}</label>
        <p class="hint" id="f-period-hint">
          {t("dossier.stats.periodHint")}
        </p>
        {error ? (
          <p class="error" id="f-period-error">
            {error}
          </p>
        ) : null}
        <select id="f-period" name="period" aria-describedby={error ? "f-period-hint f-period-error" : "f-period-hint"} aria-invalid={error ? "true" : undefined}>
          {kinds.map((k) => (
            <optgroup key={k} label={t(`dossier.stats.kind.${k}`)}>
              {choices[k].map((p) => (
                <option key={p.key} value={p.key} selected={p.key === selected}>
                  {statPeriodLabel(t, p)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      <button type="submit">{t("dossier.stats.show")}</button>
    </form>
  );
}

function StatisticsPage({ ctx, data, error, selected, today }: { ctx: PageCtx; data?: PageData; error?: string; selected: string; today: string }): VNode {
  const t = ctx.t;
  const agency = ctx.user?.agencyName ?? "";
  const s = data?.stats;
  return (
    <Layout ctx={ctx} title={t("dossier.stats.title")} area="staff">
      <h1>{t("dossier.stats.title")}</h1>
      {data ? <p class="lead">{t("dossier.stats.lead", { agency, period: statPeriodLabel(t, data.period) })}</p> : null}
      <ErrorSummary ctx={ctx} errors={error ? { period: error } : undefined} />
      <PeriodForm ctx={ctx} selected={selected} error={error} today={today} />
      {data && s ? (
        <>
          {data.period.to >= data.today ? <p class="muted">{t("dossier.stats.until", { date: formatDate(data.today) })}</p> : null}
          <div class="chart-grid">
            <OnTimeShare t={t} id="stats-on-time" totals={s.totals} table="hidden" />
            <OnlineShare t={t} id="stats-online" totals={s.totals} table="hidden" />
          </div>
          <div class="chart-grid">
            <BarChart
              id="stats-by-field"
              t={t}
              table="hidden"
              title={t("dossier.stats.byField.title")}
              labelHeader={t("dossier.stats.field")}
              valueHeader={t("dossier.stats.dossiers")}
              data={largestFirst(
                s.rows.map((r) => ({ label: fieldName(t, r.field), value: r.received.online + r.received.inPersonOrPost })),
                8,
                (n) => t("dossier.stats.otherFields", { n }),
              )}
            />
            <ByMonth t={t} id="stats-by-month" months={data.months} table="visible" />
          </div>
          <h2>{t("dossier.stats.table.title")}</h2>
          {s.rows.length === 0 ? <p>{t("dossier.stats.empty")}</p> : null}
          <StatisticsTable ctx={ctx} s={s} />
          <p class="hint">{t("dossier.stats.notes")}</p>
        </>
      ) : null}
    </Layout>
  );
}

async function pageData(req: FastifyRequest, agencyId: number, period: StatPeriod, today: string): Promise<PageData> {
  return req.tx(async (tx) => ({
    period,
    today,
    stats: await dossierStatistics(tx, { agencyId, from: period.from, to: period.to }),
    months: await dossierStatisticsByMonth(tx, { agencyId, ...twelveMonthsTo(period.to.slice(0, 7)) }),
  }));
}

function twelveMonthsTo(last: string): { fromMonth: string; toMonth: string } {
  const months = monthsEndingAt(last, 12);
  return { fromMonth: months[0]!, toMonth: last };
}

export async function statisticsRoutes(app: FastifyInstance): Promise<void> {
  app.get("/staff/dossiers/statistics", async (req, reply) => {
    const user = requirePermission(req, "dossier.view");
    const today = vnToday();
    const q = req.query as Record<string, unknown>;
    const raw = q.period === undefined || q.period === "" ? currentHalf(today).key : q.period;
    const parsed = parseForm(statPeriodParam(today), raw, req);
    const ctx = req.pageCtx();
    if (!parsed.ok) {
      const error = Object.values(parsed.errors)[0] ?? req.t("dossier.stats.err.period");
      return reply.page(<StatisticsPage ctx={ctx} error={error} selected={currentHalf(today).key} today={today} />, 400);
    }
    const data = await pageData(req, user.agencyId, parsed.data, today);
    return reply.page(<StatisticsPage ctx={ctx} data={data} selected={parsed.data.key} today={today} />);
  });
}

// --- the dashboard ------------------------------------------------------------------------------

registerDashboardPanel({
  order: 20,
  render: async ({ req, tx }) => {
    const user = req.user;
    if (!user || !can(user.role, "dossier.view")) return null;
    const today = vnToday();
    const half = currentHalf(today);
    const stats = await dossierStatistics(tx, { agencyId: user.agencyId, from: half.from, to: today });
    const months = await dossierStatisticsByMonth(tx, { agencyId: user.agencyId, ...twelveMonthsTo(today.slice(0, 7)) });
    // An agency that receives no dossiers itself (a province) has nothing to chart.
    if (stats.totals.received.total === 0 && months.every((m) => m.totals.received.total === 0)) return null;
    const t = req.t;
    return (
      <section class="dash-charts" aria-labelledby="dash-dossier-charts">
        <h2 id="dash-dossier-charts">{t("dossier.stats.dash.title", { period: statPeriodLabel(t, half).toLowerCase() })}</h2>
        <p class="muted">{t("dossier.stats.dash.until", { date: formatDate(today) })}</p>
        <div class="chart-grid">
          <OnTimeShare t={t} id="dash-on-time" totals={stats.totals} table="hidden" />
          <OnlineShare t={t} id="dash-online" totals={stats.totals} table="hidden" />
          <ByMonth t={t} id="dash-by-month" months={months} table="details" />
        </div>
        <p>
          <a href={`/staff/dossiers/statistics?period=${half.key}`}>{t("dossier.stats.dash.more")}</a>
        </p>
      </section>
    );
  },
});
