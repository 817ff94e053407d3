import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import { vnToday } from "../../src/domain/documents/numbering";
import { currentHalf } from "../../src/domain/dossiers/statistics-period";
import { monthsEndingAt } from "../../src/domain/reports/months";
import { formatNumber } from "../../src/domain/text/format";
import { communicationsByMonth, communicationsSummary } from "../../src/modules/communications/summary";
import { dossierStatistics, dossierStatisticsByMonth } from "../../src/modules/dossiers/statistics";
import { formatPercent, percent } from "../../src/web/views/chart-layout";
import { type Client, createTestApp, signIn, type TestApp } from "../support/app";

// The charts of the staff dashboard, the dossier statistics page and the communication figures:
// drawn for the roles that may see the figures, named for screen readers, the same numbers in a
// table, and never a NaN.

let t: TestApp;
let desk: Client;
let leader: Client;
let comms: Client;
let province: Client;
let communeId: number;
const today = vnToday();

beforeAll(async () => {
  t = await createTestApp();
  [desk, leader, comms, province] = await Promise.all([signIn(t.app, "demo-desk"), signIn(t.app, "demo-leader"), signIn(t.app, "demo-comms"), signIn(t.app, "demo-province")]);
  communeId = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where code = '000.00.25.H12'"))).id;
});
afterAll(async () => {
  await t?.close();
});

const system = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => t.tdb.db.system(fn);

/** The <figure> of a chart, by its id. */
function figure(html: string, id: string): string {
  const start = html.indexOf(`<figure class="chart" id="${id}">`);
  expect(start, `chart ${id} is on the page`).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf("</figure>", start) + 9);
}

function expectAccessibleChart(fig: string, id: string, title: string): void {
  expect(fig).toContain('role="img"');
  expect(fig).toContain(`aria-labelledby="${id}-title"`);
  expect(fig).toContain(`<title id="${id}-title">${title}</title>`);
  expect(fig).toMatch(new RegExp(`<desc id="${id}-desc">[^<]+</desc>`));
  expect(fig).toContain("<table");
}

function expectClean(html: string): void {
  expect(html).not.toMatch(/NaN|undefined|Infinity/);
  expect(html).not.toMatch(/\sstyle=|<style/);
}

describe("dossier figures by month", () => {
  it("add up, month by month, to the figures of the whole span", async () => {
    const half = currentHalf(today);
    const months = monthsEndingAt(half.to.slice(0, 7), 6);
    const [whole, byMonth] = await system((tx) =>
      Promise.all([dossierStatistics(tx, { agencyId: communeId, from: half.from, to: half.to }), dossierStatisticsByMonth(tx, { agencyId: communeId, fromMonth: months[0]!, toMonth: months[5]! })]),
    );
    expect(byMonth.map((m) => m.month)).toEqual(months);
    const sum = (f: (m: (typeof byMonth)[number]) => number) => byMonth.reduce((s, m) => s + f(m), 0);
    expect(sum((m) => m.totals.received.online)).toBe(whole.totals.received.online);
    expect(sum((m) => m.totals.received.inPersonOrPost)).toBe(whole.totals.received.inPersonOrPost);
    expect(sum((m) => m.totals.resolved.late)).toBe(whole.totals.resolved.late);
    expect(sum((m) => m.totals.resolved.early + m.totals.resolved.onTime)).toBe(whole.totals.resolved.early + whole.totals.resolved.onTime);
    // the last month's dossiers still open are the whole span's
    expect(byMonth[5]!.totals.inProgress.total).toBe(whole.totals.inProgress.total);
    expect(whole.totals.received.total).toBeGreaterThan(0);
  });

  it("refuse a reversed range", async () => {
    await expect(system((tx) => dossierStatisticsByMonth(tx, { agencyId: communeId, fromMonth: "2026-06", toMonth: "2026-01" }))).rejects.toThrow(RangeError);
  });
});

describe("staff dashboard", () => {
  it("shows the desk officer the on-time and online shares of the half-year and the last 12 months", async () => {
    const res = await desk.get("/staff");
    expect(res.statusCode).toBe(200);
    const half = currentHalf(today);
    const s = await system((tx) => dossierStatistics(tx, { agencyId: communeId, from: half.from, to: today }));
    const onTime = figure(res.body, "dash-on-time");
    expectAccessibleChart(onTime, "dash-on-time", "Kết quả giải quyết so với thời hạn");
    const r = s.totals.resolved;
    expect(onTime).toContain(`<span class="chart-big">${formatPercent(percent(r.early + r.onTime, r.total))}</span>`);
    expect(onTime).toContain(`<th scope="row">Quá hạn</th><td class="numeric">${formatNumber(r.late)}</td>`);
    const online = figure(res.body, "dash-online");
    expectAccessibleChart(online, "dash-online", "Hình thức tiếp nhận hồ sơ mới");
    expect(online).toContain(`<th scope="row">Trực tuyến</th><td class="numeric">${formatNumber(s.totals.received.online)}</td>`);
    const months = monthsEndingAt(today.slice(0, 7), 12);
    const byMonth = figure(res.body, "dash-by-month");
    const last = months[11]!;
    expectAccessibleChart(byMonth, "dash-by-month", `Hồ sơ tiếp nhận mới theo tháng (12 tháng đến tháng ${Number(last.slice(5))}/${last.slice(0, 4)})`);
    expect(byMonth.match(/<tr><th scope="row">Tháng \d+\/\d{4}<\/th>/g)).toHaveLength(12);
    expect(res.body).toContain(`href="/staff/dossiers/statistics?period=${half.key}"`);
    expectClean(res.body);
  });

  it("shows no dossier charts to roles that may not view dossiers, nor to an agency without dossiers", async () => {
    const c = await comms.get("/staff");
    expect(c.statusCode).toBe(200);
    expect(c.body).not.toContain("dash-on-time");
    expect(c.body).not.toContain("/staff/dossiers/statistics");
    const p = await province.get("/staff");
    expect(p.statusCode).toBe(200);
    expect(p.body).not.toContain("dash-on-time");
  });
});

describe("dossier statistics page", () => {
  it("shows the figures by field, their charts and a link in the staff menu", async () => {
    const res = await leader.get("/staff/dossiers/statistics?period=2026");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<a href="/staff/dossiers/statistics" aria-current="page">Thống kê hồ sơ</a>');
    expect(res.body).toContain('<option value="2026" selected>Năm 2026</option>');
    const s = await system((tx) => dossierStatistics(tx, { agencyId: communeId, from: "2026-01-01", to: "2026-12-31" }));
    expect(s.rows.length).toBeGreaterThan(1);
    for (const row of s.rows) {
      const name = row.field || "Chưa phân loại";
      expect(res.body).toContain(`<th scope="row">${name}</th><td class="numeric">${formatNumber(row.received.total)}</td>`);
    }
    const tr = s.totals;
    expect(res.body).toContain(
      `<th scope="row">Tổng cộng</th>${[tr.received.total, tr.received.carriedOver, tr.received.online, tr.received.inPersonOrPost]
        .map((n) => `<td class="numeric">${formatNumber(n)}</td>`)
        .join("")}<td class="numeric">${formatPercent(percent(tr.received.online, tr.received.online + tr.received.inPersonOrPost))}</td>`,
    );
    const byField = figure(res.body, "stats-by-field");
    expectAccessibleChart(byField, "stats-by-field", "Hồ sơ tiếp nhận mới theo lĩnh vực");
    const biggest = [...s.rows].sort((a, b) => b.received.online + b.received.inPersonOrPost - (a.received.online + a.received.inPersonOrPost))[0]!;
    expect(byField).toContain(`nhiều nhất: ${biggest.field || "Chưa phân loại"} (${formatNumber(biggest.received.online + biggest.received.inPersonOrPost)})`);
    const byMonth = figure(res.body, "stats-by-month");
    expectAccessibleChart(byMonth, "stats-by-month", "Hồ sơ tiếp nhận mới theo tháng (12 tháng đến tháng 12/2026)");
    expect(byMonth).toContain('<th scope="row">Tháng 1/2026</th>');
    expectAccessibleChart(figure(res.body, "stats-on-time"), "stats-on-time", "Kết quả giải quyết so với thời hạn");
    expectAccessibleChart(figure(res.body, "stats-online"), "stats-online", "Hình thức tiếp nhận hồ sơ mới");
    expectClean(res.body);
  });

  it("defaults to the current half-year and takes months and quarters", async () => {
    const half = currentHalf(today);
    const res = await desk.get("/staff/dossiers/statistics");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<option value="${half.key}" selected>`);
    const q = await desk.get("/staff/dossiers/statistics?period=2026-Q3");
    expect(q.statusCode).toBe(200);
    expect(q.body).toContain("Quý III/2026");
    const m = await desk.get("/staff/dossiers/statistics?period=2026-07");
    expect(m.body).toContain("12 tháng đến tháng 7/2026");
    const old = await desk.get("/staff/dossiers/statistics?period=2012-H1");
    expect(old.statusCode).toBe(200);
    expect(old.body).toContain('<option value="2012-H1" selected>6 tháng đầu năm 2012</option>');
    expect(old.body).toContain("Không có hồ sơ nào trong kỳ này.");
    expect(figure(old.body, "stats-on-time")).toContain("Chưa có số liệu");
    expectClean(old.body);
  });

  it("answers a bad period with 400 and a Vietnamese message, other roles with 403", async () => {
    for (const [period, message] of [
      ["2026-13", "Kỳ thống kê không hợp lệ."],
      ["abc", "Kỳ thống kê không hợp lệ."],
      ["1999", "Kỳ thống kê không hợp lệ."],
      ["2999-H1", "Kỳ thống kê chưa bắt đầu."],
      ["x".repeat(500), "Kỳ thống kê không hợp lệ."],
    ] as const) {
      const res = await leader.get(`/staff/dossiers/statistics?period=${encodeURIComponent(period)}`);
      expect(res.statusCode, period).toBe(400);
      expect(res.body).toContain(message);
      expect(res.body).toContain('aria-invalid="true"');
      expect(res.body).not.toContain('class="chart"');
    }
    const twice = await leader.get("/staff/dossiers/statistics?period=2026&period=2025");
    expect(twice.statusCode).toBe(400);
    expect((await comms.get("/staff/dossiers/statistics")).statusCode).toBe(403);
  });

  it("gives an agency without dossiers empty charts, not broken ones", async () => {
    const res = await province.get("/staff/dossiers/statistics?period=2026");
    expect(res.statusCode).toBe(200);
    expect(figure(res.body, "stats-by-field")).toContain("Chưa có số liệu");
    expect(figure(res.body, "stats-online")).toContain('<span class="chart-big">—</span>');
    expectClean(res.body);
  });

  it("speaks English with the language switch", async () => {
    const en = await signIn(t.app, "demo-specialist");
    await en.get("/lang/en?next=/staff");
    const res = await en.get("/staff/dossiers/statistics?period=2026-Q3");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("Dossier statistics");
    expect(res.body).toContain("Q3 2026");
    expect(res.body).toContain("New dossiers by month (12 months to 9/2026)");
    const bad = await en.get("/staff/dossiers/statistics?period=nope");
    expect(bad.body).toContain("This is not a valid period.");
  });
});

describe("communication figures", () => {
  it("chart the period's activities by kind and by month, adding up to the summary", async () => {
    const year = today.slice(0, 4);
    const from = `${year}-01-01`;
    const to = `${year}-12-31`;
    const res = await comms.get(`/staff/communications/summary?from=${from}&to=${to}`);
    expect(res.statusCode).toBe(200);
    const [s, months] = await system((tx) => Promise.all([communicationsSummary(tx, { agencyId: communeId, from, to }), communicationsByMonth(tx, { agencyId: communeId, from, to })]));
    expect(months).toHaveLength(12);
    expect(months.reduce((n, m) => n + m.items, 0)).toBe(s.itemsTotal);
    expect(months.reduce((n, m) => n + m.broadcasts, 0)).toBe(s.broadcasts.count);
    expect(months.reduce((n, m) => n + m.signageInstalled, 0)).toBe(s.signage.installed);
    expect(months.reduce((n, m) => n + m.conferences, 0)).toBe(s.conferences.count);
    expect(s.broadcasts.count).toBeGreaterThan(0);
    const byKind = figure(res.body, "comm-by-kind");
    expectAccessibleChart(byKind, "comm-by-kind", "Hoạt động tuyên truyền trong kỳ theo loại");
    expect(byKind).toContain(`<th scope="row">Buổi phát thanh</th><td class="numeric">${formatNumber(s.broadcasts.count)}</td>`);
    const byMonth = figure(res.body, "comm-by-month");
    expectAccessibleChart(byMonth, "comm-by-month", "Hoạt động tuyên truyền theo tháng");
    const march = months[2]!;
    const total = march.items + march.broadcasts + march.signageInstalled + march.conferences;
    expect(byMonth).toContain(
      `<th scope="row">Tháng 3/${year}</th>${[march.items, march.broadcasts, march.signageInstalled, march.conferences, total].map((n) => `<td class="numeric">${formatNumber(n)}</td>`).join("")}`,
    );
    expectClean(res.body);
  });

  it("leaves out the chart by month for a period of more than 24 months, and draws none for a bad period", async () => {
    const long = await leader.get("/staff/communications/summary?from=2020-01-01&to=2024-12-31");
    expect(long.statusCode).toBe(200);
    expect(long.body).toContain("comm-by-kind");
    expect(long.body).not.toContain("comm-by-month");
    expect(long.body).toContain("Biểu đồ theo tháng chỉ vẽ cho kỳ không quá 24 tháng");
    const bad = await leader.get("/staff/communications/summary?from=2024-06-30&to=2024-01-01");
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toContain('class="chart"');
  });
});
