// A labelled bar or column chart drawn on the server as SVG (no JavaScript: it is in the page as
// sent), with its figures in a table beside it for screen readers, printing and copying.
//
// Minimal and local on purpose: a shared chart library (src/web/views/charts.tsx) is being built
// elsewhere. The props are the shape that library takes — labelled values with a table — so
// this module's pages switch to it by changing an import.

import type { VNode } from "preact";

export type ChartDatum = {
  label: string;
  value: number;
  /** The value as the page prints it ("82,5 %"); the bar's own label and the table use it. */
  display: string;
};

export type BarChartProps = {
  /** Unique on the page: ties the SVG to its title and description. */
  id: string;
  title: string;
  /** Says what the bars are, read out before the figures ("Tỷ lệ hài lòng theo quý"). */
  description?: string;
  data: readonly ChartDatum[];
  /** The value of a full bar (1 for shares, 2 for an item's points). */
  max: number;
  /** "columns" (vertical, few categories: quarters) or "bars" (horizontal, long labels: the 9 items). */
  orientation?: "columns" | "bars";
  /** Headers of the table: the category and the value. */
  headers: readonly [string, string];
  /** When given, the table is folded under this summary (the page shows the same figures elsewhere). */
  tableSummary?: string;
};

const INK = "#1b1f24";
const MUTED = "#4a5360";
const FILL = "#1e6b34";
const GRID = "#c9ced6";

/** Splits a long label into lines of about `width` characters (SVG text does not wrap). */
export function wrapLabel(label: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of label.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.slice(0, 3);
}

const clamp = (v: number, max: number) => (max <= 0 ? 0 : Math.min(1, Math.max(0, v / max)));

function Columns(p: BarChartProps): VNode {
  const slot = 110;
  const top = 24;
  const plot = 180;
  const width = Math.max(320, p.data.length * slot + 20);
  const height = top + plot + 52;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-labelledby={`${p.id}-t ${p.id}-d`} class="chart-svg">
      <title id={`${p.id}-t`}>{p.title}</title>
      <desc id={`${p.id}-d`}>{[p.description, ...p.data.map((d) => `${d.label}: ${d.display}`)].filter(Boolean).join("; ")}</desc>
      <line x1={10} x2={width - 10} y1={top + plot} y2={top + plot} stroke={GRID} />
      {p.data.map((d, i) => {
        const h = Math.round(clamp(d.value, p.max) * plot);
        const x = 10 + i * slot + 20;
        return (
          <g key={d.label}>
            <rect x={x} y={top + plot - h} width={slot - 40} height={h} fill={FILL} />
            <text x={x + (slot - 40) / 2} y={top + plot - h - 6} text-anchor="middle" font-size="14" font-weight="700" fill={INK}>
              {d.display}
            </text>
            {wrapLabel(d.label, 14).map((line, j) => (
              <text key={line} x={x + (slot - 40) / 2} y={top + plot + 18 + j * 15} text-anchor="middle" font-size="13" fill={MUTED}>
                {line}
              </text>
            ))}
          </g>
        );
      })}
    </svg>
  );
}

function Bars(p: BarChartProps): VNode {
  const labelWidth = 300;
  const barArea = 280;
  const row = 44;
  const width = labelWidth + barArea + 70;
  const height = p.data.length * row + 10;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-labelledby={`${p.id}-t ${p.id}-d`} class="chart-svg">
      <title id={`${p.id}-t`}>{p.title}</title>
      <desc id={`${p.id}-d`}>{[p.description, ...p.data.map((d) => `${d.label}: ${d.display}`)].filter(Boolean).join("; ")}</desc>
      {p.data.map((d, i) => {
        const y = 5 + i * row;
        const w = Math.round(clamp(d.value, p.max) * barArea);
        const lines = wrapLabel(d.label, 42).slice(0, 2);
        return (
          <g key={d.label}>
            {lines.map((line, j) => (
              <text key={line} x={0} y={y + 16 + j * 15} font-size="13" fill={INK}>
                {line}
              </text>
            ))}
            <rect x={labelWidth} y={y + 6} width={barArea} height={20} fill="#eef0f2" />
            <rect x={labelWidth} y={y + 6} width={w} height={20} fill={FILL} />
            <text x={labelWidth + barArea + 8} y={y + 21} font-size="14" font-weight="700" fill={INK}>
              {d.display}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function DataTable(p: BarChartProps): VNode {
  return (
    <table class="chart-data">
      <caption class="sr-only">{p.title}</caption>
      <thead>
        <tr>
          <th scope="col">{p.headers[0]}</th>
          <th scope="col">{p.headers[1]}</th>
        </tr>
      </thead>
      <tbody>
        {p.data.map((d) => (
          <tr key={d.label}>
            <th scope="row">{d.label}</th>
            <td>{d.display}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BarChart(p: BarChartProps): VNode {
  return (
    <figure class="chart" aria-labelledby={`${p.id}-c`}>
      <figcaption id={`${p.id}-c`}>{p.title}</figcaption>
      <div class="chart-scroll">{p.orientation === "bars" ? <Bars {...p} /> : <Columns {...p} />}</div>
      {p.tableSummary ? (
        <details>
          <summary>{p.tableSummary}</summary>
          <DataTable {...p} />
        </details>
      ) : (
        <DataTable {...p} />
      )}
    </figure>
  );
}
