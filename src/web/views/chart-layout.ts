// The geometry of the server-rendered charts (charts.tsx), pure so it can be tested on its own.
// Every number drawn goes through `count` (inputs) or `num` (coordinates): a chart never draws
// NaN or Infinity, whatever figures it is given. Sizes are in viewBox units: the viewBox is as
// wide as a cheap phone's screen, so 14 units of text read as about 13 px there, and the
// stylesheet caps the width on a desktop.

import { formatNumber } from "../../domain/text/format";

export const CHART_WIDTH = 360;
export const FONT = 14;
export const SMALL_FONT = 13;
/** Average advance of a character of the sans-serif UI fonts, in em (Vietnamese text, digits). */
const CHAR_EM = 0.58;

/** A figure as a chart counts it: finite and not negative, anything else is 0. */
export function count(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** A coordinate, rounded to 0.1 unit so the markup stays small; never NaN. */
export function num(n: number): number {
  return Number.isFinite(n) ? Math.round(n * 10) / 10 : 0;
}

export function textWidth(text: string, fontSize: number = FONT): number {
  return [...text].length * fontSize * CHAR_EM;
}

/** How many characters fit in a width, at least one. */
export function charsIn(width: number, fontSize: number = FONT): number {
  return Math.max(1, Math.floor(count(width) / (fontSize * CHAR_EM)));
}

/** part / whole in per cent, or undefined when there is no whole to share. */
export function percent(part: number, whole: number): number | undefined {
  const w = count(whole);
  if (w === 0) return undefined;
  return Math.min(100, (count(part) / w) * 100);
}

/** "92,5%" (one decimal, Vietnamese separators), "—" when there is nothing to share. */
export function formatPercent(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return "—";
  return `${formatNumber(Math.round(p * 10) / 10)}%`;
}

/**
 * Axis ticks for counts: whole steps of 1, 2 or 5 × 10ⁿ, about `target` of them, from 0 to the
 * first step at or above `max`; an empty or zero series gets the axis 0…1.
 */
export function niceTicks(max: number, target = 4): number[] {
  const m = count(max);
  const raw = m / Math.max(1, target);
  let step = 1;
  if (raw > 1) {
    const mag = 10 ** Math.floor(Math.log10(raw));
    const f = raw / mag;
    step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  }
  const top = Math.max(step, Math.ceil(m / step) * step);
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);
  return ticks;
}

/**
 * Greedy word wrap into at most `maxLines` lines of `maxChars` characters; a word longer than a
 * line is cut, and text left over ends the last line with "…" (the full text is in the table).
 */
export function wrapLabel(text: string, maxChars: number, maxLines = 2): string[] {
  const max = Math.max(1, Math.floor(maxChars));
  const lines: string[] = [];
  let line = "";
  const len = (s: string) => [...s].length;
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    let w = word;
    while (len(w) > max) {
      if (line) lines.push(line);
      line = "";
      const chars = [...w];
      lines.push(chars.slice(0, max).join(""));
      w = chars.slice(max).join("");
    }
    if (!w) continue;
    if (!line) line = w;
    else if (len(line) + 1 + len(w) <= max) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line) lines.push(line);
  const limit = Math.max(1, Math.floor(maxLines));
  if (lines.length <= limit) return lines;
  const kept = lines.slice(0, limit);
  const last = [...(kept[limit - 1] ?? "")];
  kept[limit - 1] = `${(last.length >= max ? last.slice(0, max - 1) : last).join("")}…`;
  return kept;
}

export type Datum = { label: string; value: number };

/**
 * Largest first; past `keep` categories the rest become one "other" bar, so a chart of many
 * fields stays short on a phone (the table beside it lists them all). Ties keep their order.
 */
export function largestFirst(data: readonly Datum[], keep: number, other: (n: number) => string): Datum[] {
  const sorted = data.map((d, i) => ({ d, i })).sort((a, b) => count(b.d.value) - count(a.d.value) || a.i - b.i).map((x) => x.d);
  if (sorted.length <= keep + 1) return sorted;
  const rest = sorted.slice(keep);
  return [...sorted.slice(0, keep), { label: other(rest.length), value: rest.reduce((s, d) => s + count(d.value), 0) }];
}

// --- horizontal bars: one per category, its label above it, its figure after it -------------

export type HBarRow = {
  label: string;
  value: number;
  text: string;
  /** Baselines of the label's lines. */
  lineY: number[];
  lines: string[];
  barY: number;
  barWidth: number;
  valueX: number;
  valueY: number;
};
export type HBarLayout = { width: number; height: number; barHeight: number; rows: HBarRow[]; empty: boolean };

const LINE = Math.round(FONT * 1.3);
const BAR = 16;

export function layoutHBars(data: readonly Datum[], o: { format: (n: number) => string; width?: number; maxLines?: number }): HBarLayout {
  const width = o.width ?? CHART_WIDTH;
  const values = data.map((d) => count(d.value));
  const max = Math.max(0, ...values);
  const texts = values.map((v) => o.format(v));
  // Room after the longest bar for its figure (bold, so a little wider than the estimate).
  const reserve = Math.max(0, ...texts.map((t) => textWidth(t))) + 14;
  const barMax = Math.max(40, width - reserve);
  let y = 2;
  const rows = data.map((d, i): HBarRow => {
    const lines = wrapLabel(d.label, charsIn(width), o.maxLines ?? 2);
    const lineY = lines.map((_, k) => num(y + FONT + k * LINE));
    const barY = y + Math.max(1, lines.length) * LINE + 4;
    const v = values[i] ?? 0;
    const barWidth = max > 0 ? (v / max) * barMax : 0;
    y = barY + BAR + 10;
    return {
      label: d.label,
      value: v,
      text: texts[i] ?? "",
      lines,
      lineY,
      barY: num(barY),
      barWidth: num(barWidth),
      valueX: num(barWidth + 6),
      valueY: num(barY + BAR / 2 + FONT * 0.35),
    };
  });
  const empty = data.length === 0;
  return { width, height: num(empty ? 40 : y), barHeight: BAR, rows, empty };
}

// --- columns by category (months), stacked when there are several series --------------------

export type ColumnCategory = { key: string; label: string; group?: string };
export type ColumnSeries = { name: string; values: readonly number[] };
export type ColumnSegment = { series: number; y: number; h: number; value: number };
export type Column = {
  key: string;
  x: number;
  w: number;
  cx: number;
  total: number;
  totalText: string;
  totalY: number;
  segments: ColumnSegment[];
  label: string;
};
export type LegendItem = { series: number; name: string; x: number; y: number; textX: number; textY: number };
export type ColumnLayout = {
  width: number;
  height: number;
  plot: { x: number; y: number; w: number; h: number };
  ticks: { value: number; text: string; y: number }[];
  columns: Column[];
  showTotals: boolean;
  labelY: number;
  groups: { text: string; x: number; y: number }[];
  legend: LegendItem[];
  empty: boolean;
};

const PLOT_TOP = 18;
const PLOT_H = 150;
const SWATCH = 12;

export function layoutColumns(
  categories: readonly ColumnCategory[],
  series: readonly ColumnSeries[],
  o: { format: (n: number) => string; width?: number },
): ColumnLayout {
  const width = o.width ?? CHART_WIDTH;
  const n = categories.length;
  const valueAt = (s: ColumnSeries, i: number) => count(s.values[i] ?? 0);
  const totals = categories.map((_, i) => series.reduce((sum, s) => sum + valueAt(s, i), 0));
  const ticksV = niceTicks(Math.max(0, ...totals));
  const top = ticksV[ticksV.length - 1] ?? 1;
  const tickTexts = ticksV.map((v) => o.format(v));
  const axisW = Math.max(...tickTexts.map((t) => textWidth(t, SMALL_FONT))) + 6;
  const plot = { x: num(axisW), y: PLOT_TOP, w: num(width - axisW - 2), h: PLOT_H };
  const bottom = plot.y + plot.h;
  const band = n > 0 ? plot.w / n : plot.w;
  const colW = Math.min(band * 0.7, 44);
  const ticks = ticksV.map((v, i) => ({ value: v, text: tickTexts[i] ?? "", y: num(bottom - (v / top) * plot.h) }));
  const columns = categories.map((c, i): Column => {
    const x = plot.x + i * band + (band - colW) / 2;
    let acc = 0;
    const segments: ColumnSegment[] = [];
    series.forEach((s, si) => {
      const v = valueAt(s, i);
      if (v === 0) return;
      const h = (v / top) * plot.h;
      segments.push({ series: si, value: v, y: num(bottom - acc - h), h: num(h) });
      acc += h;
    });
    const total = totals[i] ?? 0;
    return { key: c.key, x: num(x), w: num(colW), cx: num(x + colW / 2), total, totalText: o.format(total), totalY: num(bottom - acc - 4), segments, label: c.label };
  });
  // Figures above the columns only when every one fits its column's band: half of them would mislead.
  const showTotals = n > 0 && columns.every((c) => textWidth(c.totalText, SMALL_FONT) <= band - 2);
  const labelY = num(bottom + SMALL_FONT + 4);
  const groupY = num(labelY + SMALL_FONT + 4);
  const groups = placeGroups(categories, { x: plot.x, band, y: groupY, width });
  let y = (groups.length > 0 ? groupY : labelY) + 8;
  const legend: LegendItem[] = [];
  if (series.length > 1) {
    let x = 0;
    y += 4;
    series.forEach((s, si) => {
      const w = SWATCH + 5 + textWidth(s.name, SMALL_FONT);
      if (x > 0 && x + w > width) {
        x = 0;
        y += SWATCH + 8;
      }
      legend.push({ series: si, name: s.name, x: num(x), y: num(y), textX: num(x + SWATCH + 5), textY: num(y + SWATCH - 1.5) });
      x += w + 14;
    });
    y += SWATCH + 6;
  }
  return { width, height: num(y), plot, ticks, columns, showTotals, labelY, groups, legend, empty: n === 0 || totals.every((t) => t === 0) };
}

/**
 * A group's name (the year under the months) starts under its first category. Where two would
 * overlap, the later one — a whole group — keeps its place and the earlier is left out.
 */
function placeGroups(categories: readonly ColumnCategory[], o: { x: number; band: number; y: number; width: number }): { text: string; x: number; y: number }[] {
  const starts: { text: string; x: number }[] = [];
  categories.forEach((c, i) => {
    if (c.group && (i === 0 || categories[i - 1]?.group !== c.group)) starts.push({ text: c.group, x: o.x + i * o.band + 2 });
  });
  const kept: { text: string; x: number; y: number }[] = [];
  let limit = o.width;
  for (let i = starts.length - 1; i >= 0; i--) {
    const s = starts[i]!;
    if (s.x + textWidth(s.text, SMALL_FONT) + 4 <= limit) {
      kept.unshift({ text: s.text, x: num(s.x), y: o.y });
      limit = s.x;
    }
  }
  return kept;
}

// --- one bar split in shares (on-time share, online share) -----------------------------------

export type ShareSegment = { index: number; x: number; w: number; value: number; share: number | undefined };
export type ShareLegendRow = { index: number; lines: string[]; swatchY: number; lineY: number[] };
export type ShareLayout = {
  width: number;
  height: number;
  bar: { x: number; y: number; w: number; h: number };
  total: number;
  segments: ShareSegment[];
  legend: ShareLegendRow[];
  empty: boolean;
};

export function layoutShare(data: readonly Datum[], o: { legendText: (d: Datum, share: number | undefined) => string; width?: number }): ShareLayout {
  const width = o.width ?? CHART_WIDTH;
  const values = data.map((d) => count(d.value));
  const total = values.reduce((a, b) => a + b, 0);
  const bar = { x: 1, y: 2, w: width - 2, h: 28 };
  let x = bar.x;
  const segments: ShareSegment[] = [];
  values.forEach((v, index) => {
    const share = percent(v, total);
    if (v === 0 || total === 0) return;
    const w = (v / total) * bar.w;
    segments.push({ index, x: num(x), w: num(w), value: v, share });
    x += w;
  });
  let y = bar.y + bar.h + 10;
  const textX = SWATCH + 6;
  const legend = data.map((d, index): ShareLegendRow => {
    const lines = wrapLabel(o.legendText({ label: d.label, value: values[index] ?? 0 }, percent(values[index] ?? 0, total)), charsIn(width - textX), 3);
    const row = { index, lines, swatchY: num(y + 2), lineY: lines.map((_, k) => num(y + FONT + k * LINE)) };
    y += Math.max(1, lines.length) * LINE + 6;
    return row;
  });
  return { width, height: num(y), bar, total, segments, legend, empty: total === 0 };
}
