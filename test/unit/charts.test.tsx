import fc from "fast-check";
import { render } from "preact-render-to-string";
import { describe, expect, it } from "vitest";
import { translator } from "../../src/web/i18n";
import {
  CHART_WIDTH,
  charsIn,
  count,
  formatPercent,
  layoutColumns,
  layoutHBars,
  layoutShare,
  largestFirst,
  niceTicks,
  num,
  percent,
  SMALL_FONT,
  textWidth,
  wrapLabel,
} from "../../src/web/views/chart-layout";
import { BarChart, ColumnChart, monthCategories, monthName, ShareBar } from "../../src/web/views/charts";

const t = translator("vi");
const fmt = (n: number) => new Intl.NumberFormat("vi-VN").format(n);
const LONG_FIELD = "Thành lập và hoạt động của hợp tác xã (liên hiệp hợp tác xã) và tổ hợp tác trên địa bàn cấp xã";

/** Every number in the markup's attributes, parsed. */
function attributeNumbers(svg: string): number[] {
  return [...svg.matchAll(/ (?:x|y|x1|x2|y1|y2|width|height|cx|cy|r)="([^"]*)"/g)].filter((m) => m[1] !== "100%").map((m) => Number(m[1]));
}

function expectClean(html: string): void {
  expect(html).not.toMatch(/NaN|undefined|Infinity|null/);
  expect(html).not.toMatch(/\sstyle=|<style/);
  for (const n of attributeNumbers(html)) expect(Number.isFinite(n)).toBe(true);
}

describe("chart layout: numbers", () => {
  it("counts only finite, non-negative figures and never rounds to NaN", () => {
    expect([count(3), count(-1), count(Number.NaN), count(Number.POSITIVE_INFINITY), count(0)]).toEqual([3, 0, 0, 0, 0]);
    expect([num(1.26), num(Number.NaN), num(Number.NEGATIVE_INFINITY)]).toEqual([1.3, 0, 0]);
  });

  it("picks whole tick steps of 1, 2 or 5 × 10ⁿ covering the largest value", () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(Number.NaN)).toEqual([0, 1]);
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(8)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(120)).toEqual([0, 50, 100, 150]);
    expect(niceTicks(1000)).toEqual([0, 500, 1000]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (max) => {
        const ticks = niceTicks(max);
        expect(ticks[0]).toBe(0);
        expect(ticks[ticks.length - 1]!).toBeGreaterThanOrEqual(max);
        expect(ticks.length).toBeLessThanOrEqual(6);
        for (const v of ticks) expect(Number.isInteger(v)).toBe(true);
      }),
    );
  });

  it("writes shares the Vietnamese way and has no share of nothing", () => {
    expect(percent(13, 14)).toBeCloseTo(92.857, 2);
    expect(formatPercent(percent(13, 14))).toBe("92,9%");
    expect(formatPercent(percent(1, 1))).toBe("100%");
    expect(percent(5, 0)).toBeUndefined();
    expect(formatPercent(percent(5, 0))).toBe("—");
    expect(formatPercent(percent(0, 3))).toBe("0%");
    expect(percent(9, 3)).toBe(100);
  });
});

describe("chart layout: labels", () => {
  it("wraps long field names into two lines and ends cut text with an ellipsis", () => {
    expect(wrapLabel("Hộ tịch", 40)).toEqual(["Hộ tịch"]);
    expect(wrapLabel("", 40)).toEqual([]);
    const lines = wrapLabel(LONG_FIELD, 30);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(30);
    expect(lines[1]!.endsWith("…")).toBe(true);
    expect(lines[0]).toBe("Thành lập và hoạt động của hợp");
  });

  it("cuts a word longer than a line", () => {
    expect(wrapLabel("abcdefghij", 4, 3)).toEqual(["abcd", "efgh", "ij"]);
    expect(wrapLabel("abcdefghijkl xy", 4, 2)).toEqual(["abcd", "efg…"]);
  });
});

describe("chart layout: horizontal bars", () => {
  it("puts the largest first and groups the rest past a limit", () => {
    const data = [5, 1, 9, 1, 3, 2].map((value, i) => ({ label: `F${i}`, value }));
    expect(largestFirst(data, 3, (n) => `${n} khác`)).toEqual([
      { label: "F2", value: 9 },
      { label: "F0", value: 5 },
      { label: "F4", value: 3 },
      { label: "3 khác", value: 4 },
    ]);
    // one left over is shown as itself, not as "1 other"
    expect(largestFirst(data.slice(0, 4), 3, (n) => `${n} khác`).map((d) => d.label)).toEqual(["F2", "F0", "F1", "F3"]);
    expect(largestFirst([], 3, (n) => `${n}`)).toEqual([]);
  });


  it("draws nothing but says so for no data", () => {
    const l = layoutHBars([], { format: fmt });
    expect(l.empty).toBe(true);
    expect(l.rows).toEqual([]);
    expect(l.height).toBeGreaterThan(0);
  });

  it("gives the largest value the longest bar and keeps its figure inside the chart", () => {
    const l = layoutHBars(
      [
        { label: "Hộ tịch", value: 1200 },
        { label: "Chứng thực", value: 300 },
        { label: "Đất đai", value: 0 },
      ],
      { format: fmt },
    );
    const [a, b, c] = l.rows;
    expect(a!.barWidth / b!.barWidth).toBeCloseTo(4, 1);
    expect(c!.barWidth).toBe(0);
    for (const r of l.rows) expect(r.valueX + textWidth(r.text)).toBeLessThanOrEqual(CHART_WIDTH);
    expect(a!.text).toBe("1.200");
    // rows stack downwards without overlapping
    expect(b!.lineY[0]!).toBeGreaterThan(a!.barY + l.barHeight);
  });

  it("draws a single value as a full bar and all-zero values as none", () => {
    const one = layoutHBars([{ label: "Hộ tịch", value: 7 }], { format: fmt });
    expect(one.rows[0]!.barWidth).toBeGreaterThan(CHART_WIDTH * 0.8);
    const zeros = layoutHBars([{ label: "A", value: 0 }, { label: "B", value: Number.NaN }], { format: fmt });
    expect(zeros.rows.map((r) => r.barWidth)).toEqual([0, 0]);
    expect(zeros.rows.map((r) => r.text)).toEqual(["0", "0"]);
  });

  it("gives a very long field name two lines within the width", () => {
    const l = layoutHBars([{ label: LONG_FIELD, value: 3 }], { format: fmt });
    const r = l.rows[0]!;
    expect(r.lines).toHaveLength(2);
    for (const line of r.lines) expect(textWidth(line)).toBeLessThanOrEqual(CHART_WIDTH);
    expect(r.barY).toBeGreaterThan(r.lineY[1]!);
  });
});

describe("chart layout: columns", () => {
  const months = ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"];

  it("stacks series so a column's height is its total's share of the axis", () => {
    const l = layoutColumns(monthCategories(t, months.slice(0, 3)), [
      { name: "Trực tuyến", values: [3, 4, 5] },
      { name: "Trực tiếp", values: [1, 2, 0] },
    ], { format: fmt });
    const top = l.ticks[l.ticks.length - 1]!.value;
    expect(top).toBe(6);
    const col = l.columns[1]!;
    const h = col.segments.reduce((s, x) => s + x.h, 0);
    expect(h).toBeCloseTo(l.plot.h, 0);
    expect(col.segments[1]!.y + col.segments[1]!.h).toBeCloseTo(col.segments[0]!.y, 1);
    expect(l.columns[2]!.segments).toHaveLength(1);
    expect(l.legend.map((x) => x.name)).toEqual(["Trực tuyến", "Trực tiếp"]);
    expect(l.showTotals).toBe(true);
  });

  it("handles no months, all zeros and a single month without NaN", () => {
    const none = layoutColumns([], [{ name: "Hồ sơ", values: [] }], { format: fmt });
    expect(none.empty).toBe(true);
    expect(none.columns).toEqual([]);
    const zeros = layoutColumns(monthCategories(t, months), [{ name: "Hồ sơ", values: months.map(() => 0) }], { format: fmt });
    expect(zeros.empty).toBe(true);
    expect(zeros.columns.every((c) => c.segments.length === 0)).toBe(true);
    const one = layoutColumns(monthCategories(t, ["2026-06"]), [{ name: "Hồ sơ", values: [5] }], { format: fmt });
    expect(one.columns[0]!.w).toBeLessThanOrEqual(44);
    expect(one.columns[0]!.cx).toBeCloseTo(one.plot.x + one.plot.w / 2, 0);
    expect(one.legend).toEqual([]);
  });

  it("leaves the figures off the columns when one of them does not fit", () => {
    const l = layoutColumns(monthCategories(t, months), [{ name: "Hồ sơ", values: months.map((_, i) => 12_345 + i) }], { format: fmt });
    expect(l.showTotals).toBe(false);
    const small = layoutColumns(monthCategories(t, months), [{ name: "Hồ sơ", values: months.map((_, i) => 40 + i) }], { format: fmt });
    expect(small.showTotals).toBe(true);
  });

  it("names each year once under its first month, never overlapping", () => {
    const l = layoutColumns(monthCategories(t, months), [{ name: "Hồ sơ", values: months.map(() => 1) }], { format: fmt });
    expect(l.groups.map((g) => g.text)).toEqual(["2025", "2026"]);
    expect(l.columns.map((c) => c.label)).toEqual(["7", "8", "9", "10", "11", "12", "1", "2", "3", "4", "5", "6"]);
    // December then January: the earlier year would collide with the later and is left out
    const tight = layoutColumns(monthCategories(t, ["2025-12", ...months.slice(6), "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]), [{ name: "Hồ sơ", values: [] }], { format: fmt });
    expect(tight.groups.map((g) => g.text)).toEqual(["2026"]);
    for (let i = 1; i < l.groups.length; i++) expect(l.groups[i]!.x).toBeGreaterThan(l.groups[i - 1]!.x + textWidth(l.groups[i - 1]!.text, SMALL_FONT));
  });
});

describe("chart layout: shares", () => {
  it("splits the bar by share and lists every part", () => {
    const l = layoutShare(
      [
        { label: "Trước hạn", value: 3 },
        { label: "Đúng hạn", value: 10 },
        { label: "Quá hạn", value: 1 },
      ],
      { legendText: (d, s) => `${d.label}: ${d.value} (${formatPercent(s)})` },
    );
    expect(l.total).toBe(14);
    expect(l.segments.reduce((s, x) => s + x.w, 0)).toBeCloseTo(l.bar.w, 0);
    expect(l.legend.map((r) => r.lines.join(" "))).toEqual(["Trước hạn: 3 (21,4%)", "Đúng hạn: 10 (71,4%)", "Quá hạn: 1 (7,1%)"]);
  });

  it("has no segments and no share when the total is zero", () => {
    const l = layoutShare([{ label: "Trực tuyến", value: 0 }, { label: "Trực tiếp", value: 0 }], { legendText: (d, s) => `${d.label}: ${formatPercent(s)}` });
    expect(l.empty).toBe(true);
    expect(l.segments).toEqual([]);
    expect(l.legend.map((r) => r.lines[0])).toEqual(["Trực tuyến: —", "Trực tiếp: —"]);
  });

  it("fills the whole bar with a single part and wraps a long legend", () => {
    const l = layoutShare([{ label: LONG_FIELD, value: 9 }], { legendText: (d) => d.label });
    expect(l.segments).toHaveLength(1);
    expect(l.segments[0]!.w).toBe(l.bar.w);
    expect(l.legend[0]!.lines.length).toBeGreaterThan(1);
    for (const line of l.legend[0]!.lines) expect([...line].length).toBeLessThanOrEqual(charsIn(CHART_WIDTH - 18));
  });
});

describe("chart components", () => {
  it("name the SVG with its title and description and carry the figures in a table", () => {
    const html = render(
      <BarChart id="by-field" t={t} title="Hồ sơ theo lĩnh vực" labelHeader="Lĩnh vực" valueHeader="Hồ sơ" data={[{ label: "Hộ tịch", value: 1234 }, { label: LONG_FIELD, value: 5 }]} />,
    );
    expect(html).toContain('role="img"');
    expect(html).toContain('aria-labelledby="by-field-title"');
    expect(html).toContain('<title id="by-field-title">Hồ sơ theo lĩnh vực</title>');
    expect(html).toContain('<desc id="by-field-desc">2 mục; nhiều nhất: Hộ tịch (1.234).</desc>');
    expect(html).toContain(`<th scope="row">${LONG_FIELD}</th><td class="numeric">5</td>`);
    expect(html).toContain('viewBox="0 0 360 ');
    expect(html).toContain('width="100%"');
    expectClean(html);
  });

  it("write months as 'tháng 6/2026' and tell the years apart", () => {
    expect(monthName(t, "2026-06")).toBe("tháng 6/2026");
    expect(monthName(translator("en"), "2026-06")).toBe("6/2026");
    const html = render(
      <ColumnChart id="m" t={t} title="Theo tháng" categoryHeader="Tháng" categories={monthCategories(t, ["2025-12", "2026-01"])} series={[{ name: "Hồ sơ", values: [2, 1234] }]} table="details" />,
    );
    expect(html).toContain('<th scope="row">Tháng 1/2026</th><td class="numeric">1.234</td>');
    expect(html).toContain("<summary>Xem số liệu</summary>");
    expectClean(html);
  });

  it("print in black and white: every fill after the first is a pattern, every shape outlined", () => {
    const html = render(
      <ShareBar
        id="on-time"
        t={t}
        title="Giải quyết đúng hạn"
        headline={{ of: [0, 1], label: "đúng hạn" }}
        segments={[{ label: "Trước hạn", value: 3 }, { label: "Đúng hạn", value: 10 }, { label: "Quá hạn", value: 1, fill: "cross" }]}
        table="hidden"
      />,
    );
    expect(html).toContain('<span class="chart-big">92,9%</span> đúng hạn');
    expect(html).toContain('fill="url(#on-time-hatch)"');
    expect(html).toContain('fill="url(#on-time-cross)"');
    expect(html).toContain('<pattern id="on-time-cross"');
    for (const rect of html.match(/<rect [^>]*fill="(?:url|#0b4f9c)[^>]*>/g) ?? []) expect(rect).toContain('stroke="#1b1f24"');
    expect(html).toContain('<div class="sr-only">');
    expectClean(html);
  });

  it("say 'no figures' rather than draw NaN for empty data and zero totals", () => {
    const html = [
      render(<BarChart id="a" t={t} title="A" labelHeader="L" valueHeader="V" data={[]} />),
      render(<ColumnChart id="b" t={t} title="B" categoryHeader="C" categories={[]} series={[]} />),
      render(<ColumnChart id="c" t={t} title="C" categoryHeader="C" categories={monthCategories(t, ["2026-01", "2026-02"])} series={[{ name: "x", values: [0, Number.NaN] }]} />),
      render(<ShareBar id="d" t={t} title="D" headline={{ of: [0], label: "trực tuyến" }} segments={[{ label: "Trực tuyến", value: 0 }, { label: "Trực tiếp", value: 0 }]} />),
    ];
    for (const h of html) {
      expect(h).toContain("Chưa có số liệu");
      expectClean(h);
    }
    expect(html[3]).toContain('<span class="chart-big">—</span>');
  });

  it("never draw NaN whatever the figures", () => {
    const figure = fc.oneof(fc.integer({ min: -5, max: 1_000_000 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 0.5));
    fc.assert(
      fc.property(fc.array(fc.record({ label: fc.string({ maxLength: 120 }), value: figure }), { maxLength: 14 }), (data) => {
        expectClean(render(<BarChart id="p" t={t} title="P" labelHeader="L" valueHeader="V" data={data} />).replace(/<(th|td|tspan|desc)[^>]*>[^<]*</g, "<$1><"));
        expectClean(render(<ShareBar id="q" t={t} title="Q" segments={data} headline={{ of: [0], label: "x" }} />).replace(/<(th|td|tspan|desc)[^>]*>[^<]*</g, "<$1><"));
        const months = data.map((_, i) => `2026-${String((i % 12) + 1).padStart(2, "0")}`);
        expectClean(render(<ColumnChart id="r" t={t} title="R" categoryHeader="C" categories={monthCategories(t, months)} series={[{ name: "a", values: data.map((d) => d.value) }, { name: "b", values: [1] }]} />));
      }),
      { numRuns: 60 },
    );
  });
});
