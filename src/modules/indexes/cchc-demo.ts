// The demo province's CCHC index: the demo criteria set (src/domain/indexes/cchc-demo-set.ts) for
// this year and the two before; published results of the demo commune for the two past years and
// of a few other communes of the province for all three (so the ranking, its change since last
// year and the chart over the years have something to show); the demo commune's self-assessment
// of this year open as a draft, pre-filled from
// the demo data, for the leader to submit and the province to appraise.
import type { Tx } from "../../db/scope";
import { vnToday } from "../../domain/documents/numbering";
import { bandOf, indexTotals, leavesOf } from "../../domain/indexes/cchc";
import { DEMO_CCHC_CRITERIA_FILE } from "../../domain/indexes/cchc-demo-set";
import { registerDemoSeeder } from "../demo/seed";
import { prefillAssessment } from "./cchc-prefill";
import { type CchcActor, importCriteriaSet, openAssessment, saveSelfScores, type StoredSet } from "./cchc-service";

/** The year running when the demo is seeded: the live self-assessment; the two before it are published. */
export const DEMO_CCHC_YEAR = Number(vnToday().slice(0, 4));
const OTHER_COMMUNES = 8;

/** A stable share in [0, 1) from a few integers and a text (no randomness in demo data). */
function share(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const ch of parts.join("|")) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (h % 10_000) / 10_000;
}

async function publishedResult(tx: Tx, o: { communeId: number; set: StoredSet; strength: number }): Promise<void> {
  const leaves = leavesOf(o.set.criteria);
  const points = new Map<string, number>();
  for (const c of leaves) {
    const s = share(o.communeId, o.set.year, c.code);
    // bonus and penalty points are rare; score criteria mostly near full, weaker communes lower
    const v = c.kind === "score" ? c.maxPoints * Math.min(1, o.strength + 0.25 * s) : s > 0.8 ? c.maxPoints / 2 : 0;
    points.set(c.code, Math.round(v * 4) / 4);
  }
  const totals = indexTotals(o.set.criteria, points);
  const band = bandOf(totals.index, o.set.thresholds);
  const year = o.set.year;
  const a = await tx.one<{ id: number }>(
    `insert into cchc_assessments (agency_id, year, set_id, status, self_total, final_total, index_value, band, areas, submitted_at, approved_at, published_at)
     values ($1, $2, $3, 'published', $4, $4, $5, $6, $7, make_date($2 + 1, 1, 20), make_date($2 + 1, 2, 25), make_date($2 + 1, 3, 1))
     on conflict (agency_id, year) do nothing returning id`,
    [o.communeId, year, o.set.id, totals.total, totals.index, band, JSON.stringify(totals.byArea)],
  );
  await tx.exec(
    `insert into cchc_scores (assessment_id, agency_id, code, self_points, review, final_points)
     select $1, $2, x.code, x.points, 'accept', x.points from jsonb_to_recordset($3::jsonb) as x(code text, points numeric)`,
    [a.id, o.communeId, JSON.stringify([...points].map(([code, p]) => ({ code, points: p })))],
  );
}

registerDemoSeeder({
  name: "cchc-index",
  run: async (tx, ctx) => {
    const province: CchcActor = { userId: ctx.users["demo-province"] ?? null, label: "seed", role: "province_supervisor", agencyId: ctx.provinceId };
    const sets = new Map<number, StoredSet>();
    for (const year of [DEMO_CCHC_YEAR - 2, DEMO_CCHC_YEAR - 1, DEMO_CCHC_YEAR]) {
      sets.set(year, await importCriteriaSet(tx, { provinceId: ctx.provinceId, raw: { ...DEMO_CCHC_CRITERIA_FILE, year }, fileName: "bo-chi-so-cchc-xa.json", actor: province }));
    }
    const others = await tx.query<{ id: number }>("select id from agencies where parent_id = $1 and kind = 'commune' and id <> $2 order by unit_name limit $3", [ctx.provinceId, ctx.communeId, OTHER_COMMUNES]);
    for (const [i, c] of others.entries()) {
      const strength = 0.55 + (i % 5) * 0.08;
      for (const year of [DEMO_CCHC_YEAR - 2, DEMO_CCHC_YEAR - 1, DEMO_CCHC_YEAR]) {
        await publishedResult(tx, { communeId: c.id, set: sets.get(year)!, strength: strength + (year - DEMO_CCHC_YEAR) * 0.03 * (i % 2 ? 1 : -1) });
      }
    }
    await publishedResult(tx, { communeId: ctx.communeId, set: sets.get(DEMO_CCHC_YEAR - 2)!, strength: 0.6 });
    await publishedResult(tx, { communeId: ctx.communeId, set: sets.get(DEMO_CCHC_YEAR - 1)!, strength: 0.68 });

    // This year's self-assessment, as the commune's officers left it: measured criteria from the
    // data, most others scored with a note, the leader still to submit.
    const officer: CchcActor = { userId: ctx.users["demo-admin"] ?? null, label: "demo-admin", role: "commune_admin", agencyId: ctx.communeId };
    const a = await openAssessment(tx, { communeId: ctx.communeId, year: DEMO_CCHC_YEAR, actor: officer, prefill: (t, x) => prefillAssessment(t, x, officer).then(() => undefined) });
    const entries = leavesOf(a.set.criteria)
      .filter((c) => !c.measure && c.method !== "survey")
      .map((c) => {
        const s = share(ctx.communeId, c.code);
        const points = c.kind === "score" ? Math.round(c.maxPoints * (0.7 + 0.3 * s) * 4) / 4 : 0;
        return { code: c.code, points, note: c.kind === "score" ? "Đã thực hiện theo kế hoạch; hồ sơ lưu tại Văn phòng – Thống kê." : "" };
      });
    await saveSelfScores(tx, { assessmentId: a.id, entries, actor: officer });
  },
});
