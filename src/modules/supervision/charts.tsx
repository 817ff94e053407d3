// Charts drawn on the server as SVG: readable without JavaScript, printable, each bar a link, the
// numbers also in a table for screen readers and for copying. A minimal local component: when the
// shared chart library (src/web/views/charts.tsx, another branch) lands, BarChart's callers keep
// their props (title, data of label/value/href, format) and this file gives way to it. Bars that
// are links make the drawing a group of links (an image may not contain controls), else an image.
import type { VNode } from "preact";

export type BarDatum = {
  label: string;
  value: number;
  /** Where the bar leads (the commune's page). */
  href?: string;
  tone?: "normal" | "warn" | "bad";
};

const TONES = { normal: "#0b4f9c", warn: "#8a5200", bad: "#a4161a" } as const;
const ROW = 22;
const LABEL_W = 210;
const BAR_W = 300;
const WIDTH = LABEL_W + BAR_W + 80;

/** Horizontal labelled bars with a data table; `max` fixes the scale (1 for shares), else the largest value. */
export function BarChart(p: { id: string; title: string; data: readonly BarDatum[]; format: (v: number) => string; max?: number; valueHeading: string; labelHeading: string; tableLabel: string }): VNode {
  const max = p.max ?? Math.max(1, ...p.data.map((d) => d.value));
  const height = Math.max(ROW, p.data.length * ROW) + 4;
  return (
    <figure class="chart" aria-labelledby={`${p.id}-t`}>
      <figcaption id={`${p.id}-t`}>{p.title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role={p.data.some((d) => d.href) ? "group" : "img"} aria-labelledby={`${p.id}-t`} font-size="13">
        {p.data.map((d, i) => {
          const y = i * ROW + 2;
          const w = Math.max(1, Math.round((Math.min(d.value, max) / max) * BAR_W));
          const bar = (
            <>
              <text x={LABEL_W - 6} y={y + 15} text-anchor="end" fill="#1b1f24">
                {d.label}
              </text>
              <rect x={LABEL_W} y={y + 3} width={w} height={ROW - 6} fill={TONES[d.tone ?? "normal"]} />
              <text x={LABEL_W + w + 4} y={y + 15} fill="#1b1f24">
                {p.format(d.value)}
              </text>
            </>
          );
          return d.href ? (
            <a key={i} href={d.href}>
              {bar}
            </a>
          ) : (
            <g key={i}>{bar}</g>
          );
        })}
      </svg>
      <details>
        <summary>{p.tableLabel}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{p.labelHeading}</th>
              <th scope="col">{p.valueHeading}</th>
            </tr>
          </thead>
          <tbody>
            {p.data.map((d, i) => (
              <tr key={i}>
                <td>{d.label}</td>
                <td>{p.format(d.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
