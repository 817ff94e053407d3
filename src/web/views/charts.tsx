// Small charts drawn on the server as SVG: no JavaScript, no inline style (the CSP forbids it;
// colours are presentation attributes, sizes are in site.css under "charts"). Each chart is a
// <figure>: a caption, the SVG (role="img", named by its <title> and described by its <desc>)
// and a table of the same figures, so nobody has to read numbers off a picture. Fills pair a
// colour with a pattern, and every shape has a dark outline, so a black-and-white print still
// tells the series apart. Geometry is in chart-layout.ts.
//
// Contract of every chart:
//   id      unique on the page; prefixes the ids inside the chart (title, desc, patterns)
//   title   what the chart shows, e.g. "Hồ sơ tiếp nhận theo tháng" (caption and SVG title)
//   desc    optional: one or two sentences read to screen-reader users; by default a summary
//           of the figures (largest value, shares…)
//   t       the page's translator (captions of the table, "no data")
//   table   "visible" (default: under the chart), "details" (folded under "Xem số liệu"), or
//           "hidden" (for screen readers only, when the page shows the figures elsewhere)
//   format  optional: how a figure is written; default formatNumber ("1.234")

import type { ComponentChildren, VNode } from "preact";
import type { Translate } from "../i18n";
import { formatNumber, registerMessages } from "../i18n";
import {
  type ColumnCategory,
  type ColumnSeries,
  count,
  type Datum,
  FONT,
  formatPercent,
  layoutColumns,
  layoutHBars,
  layoutShare,
  num,
  percent,
  SMALL_FONT,
} from "./chart-layout";

registerMessages({
  vi: {
    "chart.noData": "Chưa có số liệu",
    "chart.showData": "Xem số liệu",
    "chart.total": "Tổng",
    "chart.share": "Tỷ lệ",
    "chart.count": "Số lượng",
    "chart.month": "tháng {m}/{y}",
    "chart.monthTitle": "Tháng {m}/{y}",
    "chart.desc.bars": "{n} mục; nhiều nhất: {label} ({value}).",
    "chart.desc.columns": "{from} – {to}: tổng cộng {total}; cao nhất: {label} ({value}).",
    "chart.desc.share": "Tổng số {total}: {parts}.",
  },
  en: {
    "chart.noData": "No figures yet",
    "chart.showData": "Show the figures",
    "chart.total": "Total",
    "chart.share": "Share",
    "chart.count": "Number",
    "chart.month": "{m}/{y}",
    "chart.monthTitle": "{m}/{y}",
    "chart.desc.bars": "{n} items; largest: {label} ({value}).",
    "chart.desc.columns": "{from} – {to}: {total} in all; highest: {label} ({value}).",
    "chart.desc.share": "{total} in all: {parts}.",
  },
});

export type ChartFill = "solid" | "hatch" | "dots" | "cross" | "lines";
export const CHART_FILLS: readonly ChartFill[] = ["solid", "hatch", "dots", "cross", "lines"];
export type TableMode = "visible" | "details" | "hidden";

type Common = { id: string; title: string; desc?: string; t: Translate; table?: TableMode; format?: (n: number) => string };

export type BarChartProps = Common & {
  data: readonly Datum[];
  /** Header of the table's first column (e.g. "Lĩnh vực") and of the figures' column. */
  labelHeader: string;
  valueHeader: string;
  fill?: ChartFill;
};

export type ColumnChartProps = Common & {
  categories: readonly (ColumnCategory & { title?: string })[];
  /** One series draws plain columns; several are stacked, with a legend. */
  series: readonly (ColumnSeries & { fill?: ChartFill })[];
  categoryHeader: string;
};

export type ShareBarProps = Common & {
  segments: readonly (Datum & { fill?: ChartFill })[];
  /** The share shown in large print above the bar: the sum of these segments' shares. */
  headline?: { of: readonly number[]; label: string };
};

const INK = "#1b1f24";
const GRID = "#c9ced6";
// Pattern colour on its background; each pair keeps 3:1 against white and the outline in INK.
const FILL_COLOURS: Record<ChartFill, { fg: string; bg: string }> = {
  solid: { fg: "#0b4f9c", bg: "#0b4f9c" },
  hatch: { fg: "#8a5200", bg: "#fbe8c8" },
  dots: { fg: "#1e6b34", bg: "#d7efdd" },
  cross: { fg: "#a4161a", bg: "#f6d3d3" },
  lines: { fg: "#4a5360", bg: "#eef0f2" },
};

function fillOf(id: string, fill: ChartFill): string {
  return fill === "solid" ? FILL_COLOURS.solid.fg : `url(#${id}-${fill})`;
}

function Patterns({ id, fills }: { id: string; fills: readonly ChartFill[] }): VNode | null {
  const used = [...new Set(fills)].filter((f) => f !== "solid");
  if (used.length === 0) return null;
  return (
    <defs>
      {used.map((f) => {
        const { fg, bg } = FILL_COLOURS[f];
        const pid = `${id}-${f}`;
        const rotate = f === "hatch" || f === "cross" ? "rotate(45)" : undefined;
        return (
          <pattern key={f} id={pid} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform={rotate}>
            <rect width="6" height="6" fill={bg} />
            {f === "hatch" ? <line x1="3" y1="0" x2="3" y2="6" stroke={fg} stroke-width="3" /> : null}
            {f === "cross" ? (
              <>
                <line x1="3" y1="0" x2="3" y2="6" stroke={fg} stroke-width="1.5" />
                <line x1="0" y1="3" x2="6" y2="3" stroke={fg} stroke-width="1.5" />
              </>
            ) : null}
            {f === "dots" ? <circle cx="3" cy="3" r="1.7" fill={fg} /> : null}
            {f === "lines" ? <line x1="0" y1="3" x2="6" y2="3" stroke={fg} stroke-width="2" /> : null}
          </pattern>
        );
      })}
    </defs>
  );
}

function Svg(p: { id: string; title: string; desc: string; width: number; height: number; children: ComponentChildren }): VNode {
  return (
    <svg
      class="chart-svg"
      role="img"
      aria-labelledby={`${p.id}-title`}
      aria-describedby={`${p.id}-desc`}
      viewBox={`0 0 ${num(p.width)} ${num(p.height)}`}
      width="100%"
      font-size={FONT}
      fill={INK}
    >
      <title id={`${p.id}-title`}>{p.title}</title>
      <desc id={`${p.id}-desc`}>{p.desc}</desc>
      {p.children}
    </svg>
  );
}

function DataTable({ id, mode, t, title, children }: { id: string; mode: TableMode; t: Translate; title: string; children: ComponentChildren }): VNode {
  const table = (
    <table class="chart-table">
      <caption id={`${id}-caption`} class="sr-only">
        {title}
      </caption>
      {children}
    </table>
  );
  if (mode === "hidden") return <div class="sr-only">{table}</div>;
  const wrapped = <ScrollableTable labelledBy={`${id}-caption`}>{table}</ScrollableTable>;
  if (mode === "details") {
    return (
      <details class="chart-data">
        <summary>{t("chart.showData")}</summary>
        {wrapped}
      </details>
    );
  }
  return wrapped;
}

/**
 * A table that may scroll sideways on a phone: a named region the keyboard can reach, so it
 * can be scrolled without a mouse (WCAG 2.1.1; axe-core's scrollable-region-focusable).
 */
export function ScrollableTable({ labelledBy, children }: { labelledBy: string; children: ComponentChildren }): VNode {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take the focus to be scrolled by keyboard
    <div class="table-wrap" role="region" aria-labelledby={labelledBy} tabIndex={0}>
      {children}
    </div>
  );
}

function Figure(p: { id: string; title: string; children: ComponentChildren; headline?: VNode | null }): VNode {
  return (
    <figure class="chart" id={p.id}>
      <figcaption class="chart-title">{p.title}</figcaption>
      {p.headline}
      {p.children}
    </figure>
  );
}

/** Horizontal bars, one per category (dossiers by field): the label above each bar, the figure after it. */
export function BarChart(p: BarChartProps): VNode {
  const format = p.format ?? formatNumber;
  const layout = layoutHBars(p.data, { format });
  const fill = p.fill ?? "solid";
  const largest = layout.rows.reduce<(typeof layout.rows)[number] | undefined>((m, r) => (!m || r.value > m.value ? r : m), undefined);
  const desc =
    p.desc ?? (largest && largest.value > 0 ? p.t("chart.desc.bars", { n: formatNumber(layout.rows.length), label: largest.label, value: largest.text }) : p.t("chart.noData"));
  return (
    <Figure id={p.id} title={p.title}>
      <Svg id={p.id} title={p.title} desc={desc} width={layout.width} height={layout.height}>
        <Patterns id={p.id} fills={[fill]} />
        {layout.empty ? (
          <text x={num(layout.width / 2)} y="24" text-anchor="middle">
            {p.t("chart.noData")}
          </text>
        ) : null}
        {layout.rows.map((r, i) => (
          <g key={i}>
            <text>
              {r.lines.map((line, k) => (
                <tspan key={k} x="1" y={r.lineY[k]}>
                  {line}
                </tspan>
              ))}
            </text>
            <line x1="0.5" y1={r.barY - 2} x2="0.5" y2={r.barY + layout.barHeight + 2} stroke={INK} />
            {r.barWidth > 0 ? <rect x="0.5" y={r.barY} width={r.barWidth} height={layout.barHeight} fill={fillOf(p.id, fill)} stroke={INK} /> : null}
            <text x={r.valueX} y={r.valueY} font-weight="bold">
              {r.text}
            </text>
          </g>
        ))}
      </Svg>
      <DataTable id={p.id} mode={p.table ?? "visible"} t={p.t} title={p.title}>
        <thead>
          <tr>
            <th scope="col">{p.labelHeader}</th>
            <th scope="col" class="numeric">
              {p.valueHeader}
            </th>
          </tr>
        </thead>
        <tbody>
          {layout.rows.map((r, i) => (
            <tr key={i}>
              <th scope="row">{r.label}</th>
              <td class="numeric">{r.text}</td>
            </tr>
          ))}
        </tbody>
      </DataTable>
    </Figure>
  );
}

/** Columns by category (dossiers by month), stacked when there are several series. */
export function ColumnChart(p: ColumnChartProps): VNode {
  const format = p.format ?? formatNumber;
  const layout = layoutColumns(p.categories, p.series, { format });
  const fills = p.series.map((s, i) => s.fill ?? CHART_FILLS[i % CHART_FILLS.length]!);
  const titleOf = (i: number) => {
    const c = p.categories[i];
    return c ? (c.title ?? c.label) : "";
  };
  const first = titleOf(0);
  const last = titleOf(p.categories.length - 1);
  const peak = layout.columns.reduce((m, c, i) => (c.total > (layout.columns[m]?.total ?? -1) ? i : m), 0);
  const grand = layout.columns.reduce((s, c) => s + c.total, 0);
  const desc =
    p.desc ??
    (layout.empty
      ? p.t("chart.noData")
      : p.t("chart.desc.columns", { from: first, to: last, total: format(grand), label: titleOf(peak), value: layout.columns[peak]?.totalText ?? "" }));
  const bottom = layout.plot.y + layout.plot.h;
  return (
    <Figure id={p.id} title={p.title}>
      <Svg id={p.id} title={p.title} desc={desc} width={layout.width} height={layout.height}>
        <Patterns id={p.id} fills={fills} />
        <g font-size={SMALL_FONT}>
          {layout.ticks.map((tk) => (
            <g key={tk.value}>
              <line x1={layout.plot.x} y1={tk.y} x2={num(layout.plot.x + layout.plot.w)} y2={tk.y} stroke={GRID} />
              <text x={num(layout.plot.x - 4)} y={num(tk.y + SMALL_FONT * 0.35)} text-anchor="end">
                {tk.text}
              </text>
            </g>
          ))}
        </g>
        {layout.empty ? (
          <text x={num(layout.plot.x + layout.plot.w / 2)} y={num(layout.plot.y + layout.plot.h / 2)} text-anchor="middle">
            {p.t("chart.noData")}
          </text>
        ) : null}
        {layout.columns.map((c, i) => (
          <g key={c.key}>
            <title>{`${titleOf(i)}: ${c.totalText}`}</title>
            {c.segments.map((s) => (
              <rect key={s.series} x={c.x} y={s.y} width={c.w} height={s.h} fill={fillOf(p.id, fills[s.series] ?? "solid")} stroke={INK} />
            ))}
            {layout.showTotals && c.total > 0 ? (
              <text x={c.cx} y={c.totalY} text-anchor="middle" font-size={SMALL_FONT} font-weight="bold">
                {c.totalText}
              </text>
            ) : null}
            <text x={c.cx} y={layout.labelY} text-anchor="middle" font-size={SMALL_FONT}>
              {c.label}
            </text>
          </g>
        ))}
        <line x1={layout.plot.x} y1={bottom} x2={num(layout.plot.x + layout.plot.w)} y2={bottom} stroke={INK} />
        {layout.groups.map((g) => (
          <text key={`${g.text}-${g.x}`} x={g.x} y={g.y} font-size={SMALL_FONT} font-weight="bold">
            {g.text}
          </text>
        ))}
        {layout.legend.map((l) => (
          <g key={l.series}>
            <rect x={num(l.x + 0.5)} y={l.y} width="12" height="12" fill={fillOf(p.id, fills[l.series] ?? "solid")} stroke={INK} />
            <text x={l.textX} y={l.textY} font-size={SMALL_FONT}>
              {l.name}
            </text>
          </g>
        ))}
      </Svg>
      <DataTable id={p.id} mode={p.table ?? "visible"} t={p.t} title={p.title}>
        <thead>
          <tr>
            <th scope="col">{p.categoryHeader}</th>
            {p.series.map((s) => (
              <th key={s.name} scope="col" class="numeric">
                {s.name}
              </th>
            ))}
            {p.series.length > 1 ? (
              <th scope="col" class="numeric">
                {p.t("chart.total")}
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {layout.columns.map((c, i) => (
            <tr key={c.key}>
              <th scope="row">{titleOf(i)}</th>
              {p.series.map((s) => (
                <td key={s.name} class="numeric">
                  {format(count(s.values[i] ?? 0))}
                </td>
              ))}
              {p.series.length > 1 ? <td class="numeric">{c.totalText}</td> : null}
            </tr>
          ))}
        </tbody>
      </DataTable>
    </Figure>
  );
}

/** One bar split into shares (on time / late, online / at the desk), each share named under it. */
export function ShareBar(p: ShareBarProps): VNode {
  const format = p.format ?? formatNumber;
  const fills = p.segments.map((s, i) => s.fill ?? CHART_FILLS[i % CHART_FILLS.length]!);
  const layout = layoutShare(p.segments, { legendText: (d, share) => `${d.label}: ${format(d.value)} (${formatPercent(share)})` });
  const parts = p.segments.map((s) => `${s.label} ${format(count(s.value))} (${formatPercent(percent(s.value, layout.total))})`).join("; ");
  const desc = p.desc ?? (layout.empty ? p.t("chart.noData") : p.t("chart.desc.share", { total: format(layout.total), parts }));
  const headShare = p.headline ? percent(p.headline.of.reduce((s, i) => s + count(p.segments[i]?.value ?? 0), 0), layout.total) : undefined;
  const headline = p.headline ? (
    <p class="chart-headline">
      <span class="chart-big">{formatPercent(headShare)}</span> {p.headline.label}
    </p>
  ) : null;
  return (
    <Figure id={p.id} title={p.title} headline={headline}>
      <Svg id={p.id} title={p.title} desc={desc} width={layout.width} height={layout.height}>
        <Patterns id={p.id} fills={fills} />
        <rect x={layout.bar.x} y={layout.bar.y} width={layout.bar.w} height={layout.bar.h} fill="#fff" stroke={INK} />
        {layout.segments.map((s) => (
          <rect key={s.index} x={s.x} y={layout.bar.y} width={s.w} height={layout.bar.h} fill={fillOf(p.id, fills[s.index] ?? "solid")} stroke={INK} />
        ))}
        {layout.empty ? (
          <text x={num(layout.width / 2)} y={num(layout.bar.y + layout.bar.h / 2 + FONT * 0.35)} text-anchor="middle">
            {p.t("chart.noData")}
          </text>
        ) : null}
        {layout.legend.map((l) => (
          <g key={l.index}>
            <rect x="1" y={l.swatchY} width="12" height="12" fill={fillOf(p.id, fills[l.index] ?? "solid")} stroke={INK} />
            <text>
              {l.lines.map((line, k) => (
                <tspan key={k} x="18" y={l.lineY[k]}>
                  {line}
                </tspan>
              ))}
            </text>
          </g>
        ))}
      </Svg>
      <DataTable id={p.id} mode={p.table ?? "visible"} t={p.t} title={p.title}>
        <thead>
          <tr>
            <th scope="col">{p.title}</th>
            <th scope="col" class="numeric">
              {p.t("chart.count")}
            </th>
            <th scope="col" class="numeric">
              {p.t("chart.share")}
            </th>
          </tr>
        </thead>
        <tbody>
          {p.segments.map((s, i) => (
            <tr key={i}>
              <th scope="row">{s.label}</th>
              <td class="numeric">{format(count(s.value))}</td>
              <td class="numeric">{formatPercent(percent(s.value, layout.total))}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{p.t("chart.total")}</th>
            <td class="numeric">{format(layout.total)}</td>
            <td class="numeric">{layout.total > 0 ? formatPercent(100) : "—"}</td>
          </tr>
        </tfoot>
      </DataTable>
    </Figure>
  );
}

/** "2026-06" → "tháng 6/2026" (or "Tháng 6/2026" with `title`), in the page's language. */
export function monthName(t: Translate, ym: string, opts: { title?: boolean } = {}): string {
  const [y, m] = ym.split("-");
  return t(opts.title ? "chart.monthTitle" : "chart.month", { m: String(Number(m)), y: y ?? "" });
}

/** Months as column categories: the month's number under each column, the year under its first month. */
export function monthCategories(t: Translate, months: readonly string[]): (ColumnCategory & { title: string })[] {
  return months.map((ym) => ({ key: ym, label: String(Number(ym.slice(5, 7))), group: ym.slice(0, 4), title: monthName(t, ym, { title: true }) }));
}
