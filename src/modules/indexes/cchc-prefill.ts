// Criteria the product can measure, from the same queries its own pages and reports read: plan
// tasks done on time (plans), reports sent on time (reporting calendar), procedures published
// (catalog), online share and dossiers on time (Biểu 06 statistics), communication items. Each
// figure carries links to the records behind it; with nothing to measure there are no points,
// never a made-up number.
import type { Tx } from "../../db/scope";
import { vnToday } from "../../domain/documents/numbering";
import { type CchcMeasure, leavesOf, measuredPoints } from "../../domain/indexes/cchc";
import { communicationTotals } from "../communications/summary";
import { dossierStatisticsByAgency } from "../dossiers/statistics";
import { communeObligations } from "../reports/calendar";
import { type Assessment, type CchcActor, type EvidenceLink, type Measured, recordMeasured } from "./cchc-service";

type Figure = { value: number | null; numerator: number | null; denominator: number | null; evidence: EvidenceLink[] };

const rate = (n: number, d: number) => (d > 0 ? n / d : null);

/** The figures of one commune for a year (up to today when the year is running). */
export async function measureCommune(tx: Tx, q: { communeId: number; communeCode: string; year: number; today?: string }): Promise<Record<CchcMeasure, Figure>> {
  const today = q.today ?? vnToday();
  const from = `${q.year}-01-01`;
  const to = [`${q.year}-12-31`, today].sort()[0]!;
  const code = encodeURIComponent(q.communeCode);
  const supervision = `/staff/supervision/${code}?from=${from}&to=${to}`;

  const tasks = await tx.one<{ due: number; on_time: number }>(
    `select count(*)::int as due, count(*) filter (where status = 'done' and completed_on <= deadline)::int as on_time
     from plan_tasks where agency_id = $1 and status <> 'cancelled' and deadline between $2::date and $3::date and deadline < $4::date`,
    [q.communeId, from, to, today],
  );

  const owed = (await communeObligations(tx, { communeId: q.communeId, from, to, today })).filter((o) => o.status === "sent" || o.status === "late" || o.status === "missing");
  const reportsOnTime = owed.filter((o) => o.status === "sent").length;

  const offer = await tx.one<{ enabled: number; published: number }>(
    "select count(*) filter (where ao.enabled)::int as enabled, count(*) filter (where ao.enabled and ao.published)::int as published from agency_offering($1) ao",
    [q.communeId],
  );

  const stats = (await dossierStatisticsByAgency(tx, { agencyIds: [q.communeId], from, to })).get(q.communeId)?.totals;
  const fresh = stats ? stats.received.online + stats.received.inPersonOrPost : 0;
  const resolved = stats?.resolved.total ?? 0;
  const resolvedOnTime = stats ? stats.resolved.early + stats.resolved.onTime : 0;

  const comms = (await communicationTotals(tx, { agencyIds: [q.communeId], from, to })).get(q.communeId);
  const commCount = comms ? comms.items + comms.broadcasts.count + comms.conferences.count : 0;

  return {
    "plan-tasks-on-time": {
      value: rate(tasks.on_time, tasks.due),
      numerator: tasks.on_time,
      denominator: tasks.due,
      evidence: [
        { label: "Kế hoạch và nhiệm vụ của năm", url: `/staff/plans?year=${q.year}`, side: "commune", access: "staff.dashboard" },
        { label: "Nhiệm vụ quá hạn của xã", url: `${supervision}#p`, side: "province", access: "province.supervise" },
      ],
    },
    "reports-on-time": {
      value: rate(reportsOnTime, owed.length),
      numerator: reportsOnTime,
      denominator: owed.length,
      evidence: [
        { label: "Báo cáo của xã", url: "/staff/reports", side: "commune", access: "report.view" },
        { label: "Báo cáo đến hạn của xã", url: `${supervision}#r`, side: "province", access: "province.supervise" },
      ],
    },
    "procedures-published": {
      value: rate(offer.published, offer.enabled),
      numerator: offer.published,
      denominator: offer.enabled,
      evidence: [{ label: "Thủ tục hành chính công khai trên trang của xã", url: `/procedures?agency=${code}` }],
    },
    "online-share": {
      value: rate(stats?.received.online ?? 0, fresh),
      numerator: stats?.received.online ?? 0,
      denominator: fresh,
      evidence: [
        { label: "Thống kê hồ sơ (Biểu 06)", url: `/staff/dossiers/statistics?period=${q.year}`, side: "commune", access: "dossier.view" },
        { label: "Hồ sơ nộp trực tuyến của xã", url: `/staff/supervision/${code}/dossiers?from=${from}&to=${to}&list=online`, side: "province", access: "province.supervise" },
      ],
    },
    "dossiers-on-time": {
      value: rate(resolvedOnTime, resolved),
      numerator: resolvedOnTime,
      denominator: resolved,
      evidence: [
        { label: "Thống kê hồ sơ (Biểu 06)", url: `/staff/dossiers/statistics?period=${q.year}`, side: "commune", access: "dossier.view" },
        { label: "Hồ sơ giải quyết quá hạn của xã", url: `/staff/supervision/${code}/dossiers?from=${from}&to=${to}&list=late`, side: "province", access: "province.supervise" },
      ],
    },
    "communication-items": {
      value: commCount,
      numerator: commCount,
      denominator: null,
      evidence: [
        { label: "Tổng hợp công tác tuyên truyền", url: "/staff/communications/summary", side: "commune", access: "report.view" },
        { label: "Tin, bài trên trang của xã", url: `/c/${code}/news` },
      ],
    },
  };
}

/** Writes the measured figures and their points into the assessment's measured criteria. */
export async function prefillAssessment(tx: Tx, a: Assessment, actor: CchcActor, today?: string): Promise<number> {
  const measured = leavesOf(a.set.criteria).filter((c) => c.measure);
  if (measured.length === 0) return 0;
  const figures = await measureCommune(tx, { communeId: a.communeId, communeCode: a.communeCode, year: a.year, ...(today ? { today } : {}) });
  const at = new Date().toISOString();
  const out = new Map<string, Measured>();
  for (const c of measured) {
    const f = figures[c.measure!];
    out.set(c.code, { ...f, points: measuredPoints(c.measure!, c.maxPoints, f.value), at });
  }
  await recordMeasured(tx, { assessmentId: a.id, measured: out, actor });
  return out.size;
}
