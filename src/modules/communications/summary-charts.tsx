// Charts of the communication figures (/staff/communications/summary): the period's activities
// by kind, and month by month. The figures are communicationsSummary's and communicationsByMonth's.

import type { VNode } from "preact";
import type { CommunicationsSummary } from "../../domain/reports/contracts";
import type { PageCtx } from "../../web/context";
import { BarChart, ColumnChart, monthCategories } from "../../web/views/charts";
import type { CommunicationsMonth } from "./summary";

/** Longer periods would squeeze the columns below what a phone can show. */
export const MAX_CHART_MONTHS = 24;

export function SummaryCharts({ ctx, s, months }: { ctx: PageCtx; s: CommunicationsSummary; months: CommunicationsMonth[] }): VNode {
  const t = ctx.t;
  const kinds = [
    { key: "items", label: t("communications.chart.items"), value: s.itemsTotal },
    { key: "broadcasts", label: t("communications.chart.broadcasts"), value: s.broadcasts.count },
    { key: "signageInstalled", label: t("communications.chart.signage"), value: s.signage.installed },
    { key: "conferences", label: t("communications.chart.conferences"), value: s.conferences.count },
  ] as const;
  return (
    <div class="chart-grid">
      <BarChart
        id="comm-by-kind"
        t={t}
        table="hidden"
        title={t("communications.chart.byKind")}
        labelHeader={t("communications.chart.kind")}
        valueHeader={t("communications.chart.number")}
        data={kinds.map((k) => ({ label: k.label, value: k.value }))}
      />
      {months.length <= MAX_CHART_MONTHS ? (
        <ColumnChart
          id="comm-by-month"
          t={t}
          title={t("communications.chart.byMonth")}
          categoryHeader={t("communications.chart.month")}
          categories={monthCategories(
            t,
            months.map((m) => m.month),
          )}
          series={kinds.map((k, i) => ({ name: k.label, values: months.map((m) => m[k.key]), fill: (["solid", "hatch", "dots", "cross"] as const)[i] }))}
        />
      ) : (
        <p class="muted">{t("communications.chart.tooLong")}</p>
      )}
    </div>
  );
}
