import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CCHC_CRITERIA_FILE } from "../../src/domain/indexes/cchc-demo-set";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { generateDossiers } from "../../src/modules/dossiers/demo";
import { prefillAssessment } from "../../src/modules/indexes/cchc-prefill";
import { type CchcActor, findAssessmentById, importCriteriaSet, openAssessment } from "../../src/modules/indexes/cchc-service";
import { createTestApp, type TestApp } from "../support/app";

// Issue 15: criteria the product can measure are pre-filled from its data — checked on a commune
// whose data the test lays down by hand, so each figure is known before it is computed.

let t: TestApp;
let commune: { id: number; code: string };
let provinceId: number;
const YEAR = 2021;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.tdb.db;
  const demo = await db.system((tx) => tx.one<{ parent_id: number }>("select parent_id from agencies where code = $1", [DEMO_COMMUNE_CODE]));
  provinceId = demo.parent_id;
  commune = await db.system((tx) =>
    tx.one<{ id: number; code: string }>("select id, code from agencies where parent_id = $1 and kind = 'commune' and code <> $2 order by unit_name desc limit 1", [provinceId, DEMO_COMMUNE_CODE]),
  );
  await db.system(async (tx) => {
    await importCriteriaSet(tx, { provinceId, raw: { ...DEMO_CCHC_CRITERIA_FILE, year: YEAR }, actor: { userId: null, label: "test", role: "province_supervisor", agencyId: provinceId } });
    const plan = await tx.one<{ id: number }>("insert into plans (agency_id, year, kind, title) values ($1, $2, 'cchc', 'Kế hoạch CCHC năm 2021') returning id", [commune.id, YEAR]);
    // Due in the year: two done on time, one done late, one still open; one cancelled (not counted), one due the next year (not counted).
    const tasks: [string, string, string | null][] = [
      ["2021-03-31", "done", "2021-03-30"],
      ["2021-06-30", "done", "2021-06-30"],
      ["2021-09-30", "done", "2021-10-05"],
      ["2021-11-30", "in_progress", null],
      ["2021-05-31", "cancelled", null],
      ["2022-01-31", "done", "2021-12-01"],
    ];
    for (const [deadline, status, completed] of tasks) {
      await tx.exec("insert into plan_tasks (agency_id, plan_id, title, owner_unit, deadline, status, completed_on) values ($1, $2, 'Nhiệm vụ thử', 'Văn phòng', $3, $4, $5)", [
        commune.id,
        plan.id,
        deadline,
        status,
        completed,
      ]);
    }
    await generateDossiers(tx, { agencyIds: [commune.id], perAgency: 80, days: 300, seed: 21, now: new Date("2021-12-20T03:00:00Z") });
  });
}, 180_000);
afterAll(async () => {
  await t?.close();
});

describe("pre-filled criteria", () => {
  it("scores plan tasks on time from the commune's plans, with the link to them, and dossiers from Biểu 06", async () => {
    const actor: CchcActor = { userId: null, label: "test", role: "commune_admin", agencyId: commune.id };
    const db = t.tdb.db;
    const a = await db.scoped({ agencyIds: [commune.id], userId: null }, async (tx) => {
      const opened = await openAssessment(tx, { communeId: commune.id, year: YEAR, actor, prefill: (x, y) => prefillAssessment(x, y, actor, "2022-01-15").then(() => undefined) });
      return findAssessmentById(tx, opened.id);
    });
    const tasks = a!.scores.get("1.1.2")!;
    expect(tasks.measured).toMatchObject({ numerator: 2, denominator: 4, value: 0.5, points: 1 });
    expect(tasks.selfPoints).toBe(1);
    expect(tasks.measured!.evidence.map((e) => e.url)).toContain(`/staff/plans?year=${YEAR}`);

    // The dossiers' figures, counted here straight from the rows by the rules of Biểu 06.
    const expected = await db.system((tx) =>
      tx.one<{ resolved: number; on_time: number; fresh: number; online: number }>(
        `select count(*) filter (where finished_at >= '2020-12-31T17:00:00Z' and finished_at < '2021-12-31T17:00:00Z')::int as resolved,
                count(*) filter (where finished_at >= '2020-12-31T17:00:00Z' and finished_at < '2021-12-31T17:00:00Z' and supplement_count <= 1 and finished_at <= due_at)::int as on_time,
                count(*) filter (where received_at >= '2020-12-31T17:00:00Z' and received_at < '2021-12-31T17:00:00Z')::int as fresh,
                count(*) filter (where received_at >= '2020-12-31T17:00:00Z' and received_at < '2021-12-31T17:00:00Z' and channel = 'online')::int as online
         from dossiers where agency_id = $1`,
        [commune.id],
      ),
    );
    expect(expected.resolved).toBeGreaterThan(0);
    const onTime = a!.scores.get("3.2")!.measured!;
    expect(onTime).toMatchObject({ numerator: expected.on_time, denominator: expected.resolved });
    expect(onTime.points).toBeCloseTo(Math.min(8, (8 * expected.on_time) / expected.resolved), 2);
    const online = a!.scores.get("7.3")!.measured!;
    expect(online).toMatchObject({ numerator: expected.online, denominator: expected.fresh });
    expect(online.points).toBeCloseTo(Math.min(6, (6 * (expected.online / expected.fresh)) / 0.5), 2);
  });

  it("gives no points when there is nothing to measure, never a made-up number", async () => {
    const a = await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from cchc_assessments where agency_id = $1 and year = $2", [commune.id, YEAR]));
    const s = await t.tdb.db.system((tx) => findAssessmentById(tx, a.id));
    // No report fell due from this commune in 2021: nothing to measure, so no points rather than zero.
    const reports = s!.scores.get("1.2")!;
    expect(reports.measured).toMatchObject({ numerator: 0, denominator: 0, value: null, points: null });
    expect(reports.selfPoints).toBeNull();
    expect(s!.scores.get("1.3")!.measured).toMatchObject({ value: 0, points: 0 });
  });
});
