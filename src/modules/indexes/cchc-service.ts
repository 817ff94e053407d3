// The CCHC index (issue 15): criteria sets of a province, a commune's assessment of a year from
// self-assessment to the published result, rankings. Every change writes its audit entry in the
// same transaction; every step is checked against CCHC_STEPS (src/domain/indexes/cchc.ts).
import type { Tx } from "../../db/scope";
import { vnToday } from "../../domain/documents/numbering";
import { DomainError } from "../../domain/errors";
import {
  type AssessmentStatus,
  type Band,
  bandOf,
  type BandThresholds,
  type CchcStep,
  type Criterion,
  type CriteriaProblem,
  type CriteriaSet,
  finalPointsOf,
  approvalBlockers,
  indexTotals,
  leavesOf,
  rankBy,
  type ReviewDecision,
  round2,
  stepVerdict,
  validateCriteriaFile,
} from "../../domain/indexes/cchc";
import type { Permission } from "../../domain/auth/permissions";
import type { Role } from "../../domain/auth/roles";
import { appendAudit } from "../audit/audit";
import { issueDocumentNumber } from "../documents/register";
import { notifyStaff } from "../notifications/outbox";

export type CchcActor = { userId: number | null; label: string; role: Role | undefined; agencyId: number; fullName?: string; title?: string | null };

/** A criteria file refused: every problem, for the caller to show in the user's language. */
export class CriteriaFileRefused extends DomainError {
  constructor(readonly problems: CriteriaProblem[]) {
    super("unprocessable", "cchc.import.refused", { vars: { n: problems.length } });
  }
}

export type StoredSet = CriteriaSet & { id: number; provinceId: number; version: number; fileName: string | null; createdAt: string };

type SetRow = { id: number; agency_id: number; year: number; version: number; title: string; source: string; thresholds: BandThresholds; criteria: Criterion[]; file_name: string | null; created_at: Date };
const toSet = (r: SetRow): StoredSet => ({
  id: r.id,
  provinceId: r.agency_id,
  year: r.year,
  version: r.version,
  title: r.title,
  source: r.source,
  thresholds: r.thresholds,
  criteria: r.criteria,
  fileName: r.file_name,
  createdAt: r.created_at.toISOString(),
});
const SET_COLS = "id, agency_id, year, version, title, source, thresholds, criteria, file_name, created_at";

/**
 * Checks the file whole and stores it as the next version of the province's set for its year.
 * Nothing is stored when anything is wrong (CriteriaFileRefused lists every problem).
 */
export async function importCriteriaSet(tx: Tx, q: { provinceId: number; raw: unknown; fileName?: string | null; actor: CchcActor }): Promise<StoredSet> {
  const checked = validateCriteriaFile(q.raw);
  if (!checked.ok) throw new CriteriaFileRefused(checked.problems);
  const s = checked.set;
  const province = await tx.maybeOne<{ kind: string }>("select kind from agencies where id = $1", [q.provinceId]);
  if (province?.kind !== "province") throw new DomainError("forbidden", "cchc.err.provinceOnly");
  await tx.exec("select pg_advisory_xact_lock(hashtext('cchc_criteria_sets'), $1)", [q.provinceId]);
  const row = await tx.one<SetRow>(
    `insert into cchc_criteria_sets (agency_id, year, version, title, source, thresholds, criteria, file_name, created_by)
     values ($1, $2, (select coalesce(max(version), 0) + 1 from cchc_criteria_sets where agency_id = $1 and year = $2), $3, $4, $5, $6, $7, $8)
     returning ${SET_COLS}`,
    [q.provinceId, s.year, s.title, s.source, JSON.stringify(s.thresholds), JSON.stringify(s.criteria), q.fileName ?? null, q.actor.userId],
  );
  await appendAudit(tx, {
    agencyId: q.provinceId,
    actorUserId: q.actor.userId,
    actor: q.actor.label,
    action: "cchc.criteria.import",
    entity: "cchc_criteria_set",
    entityId: row.id,
    data: { year: s.year, version: row.version, criteria: s.criteria.length, file: q.fileName ?? null },
  });
  return toSet(row);
}

export async function listCriteriaSets(tx: Tx, provinceId: number): Promise<StoredSet[]> {
  return (await tx.query<SetRow>(`select ${SET_COLS} from cchc_criteria_sets where agency_id = $1 order by year desc, version desc`, [provinceId])).map(toSet);
}

export async function latestCriteriaSet(tx: Tx, provinceId: number, year: number): Promise<StoredSet | undefined> {
  const r = await tx.maybeOne<SetRow>(`select ${SET_COLS} from cchc_criteria_sets where agency_id = $1 and year = $2 order by version desc limit 1`, [provinceId, year]);
  return r ? toSet(r) : undefined;
}

export async function getCriteriaSet(tx: Tx, id: number): Promise<StoredSet> {
  return toSet(await tx.one<SetRow>(`select ${SET_COLS} from cchc_criteria_sets where id = $1`, [id]));
}

// ---------------------------------------------------------------------------------------------

/**
 * A link to the figures behind a measured criterion. Staff pages are scoped: the commune's own
 * pages for its staff, the province's supervision pages for the council (`side`), each shown only
 * to whoever may open it (`access`); public pages have neither.
 */
export type EvidenceLink = { label: string; url: string; side?: "commune" | "province"; access?: Permission };
export type Measured = { value: number | null; numerator: number | null; denominator: number | null; points: number | null; evidence: EvidenceLink[]; at: string };

export type Score = {
  code: string;
  selfPoints: number | null;
  selfNote: string;
  measured: Measured | null;
  review: ReviewDecision | null;
  finalPoints: number | null;
  reviewReason: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
};

export type Evidence = { id: number; code: string; fileName: string; contentType: string; size: number; uploadedAt: string; uploadedBy: string | null };

export type Assessment = {
  id: number;
  communeId: number;
  communeCode: string;
  communeName: string;
  provinceId: number | null;
  year: number;
  status: AssessmentStatus;
  set: StoredSet;
  scores: Map<string, Score>;
  evidence: Evidence[];
  selfTotal: number | null;
  finalTotal: number | null;
  index: number | null;
  band: Band | null;
  areas: { code: string; name: string; kind: string; points: number; max: number }[] | null;
  returnReason: string | null;
  submittedAt: string | null;
  submittedBy: string | null;
  approvedAt: string | null;
  approvedBy: string | null;
  publishedAt: string | null;
  reportDocument: { id: number; code: string; issuedOn: string } | null;
  decisionDocument: { id: number; code: string; issuedOn: string } | null;
};

type AssessmentRow = {
  id: number;
  agency_id: number;
  code: string;
  unit_name: string;
  parent_id: number | null;
  year: number;
  set_id: number;
  status: AssessmentStatus;
  self_total: string | null;
  final_total: string | null;
  index_value: string | null;
  band: Band | null;
  areas: Assessment["areas"];
  return_reason: string | null;
  submitted_at: Date | null;
  submitted_name: string | null;
  approved_at: Date | null;
  approved_name: string | null;
  published_at: Date | null;
  report_doc: { id: number; code: string; issuedOn: string } | null;
  decision_doc: { id: number; code: string; issuedOn: string } | null;
};

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

const ASSESSMENT_SELECT = `select s.id, s.agency_id, a.code, a.unit_name, a.parent_id, s.year, s.set_id, s.status, s.self_total, s.final_total, s.index_value, s.band, s.areas,
  s.return_reason, s.submitted_at, (select full_name from users where id = s.submitted_by) as submitted_name,
  s.approved_at, (select full_name from users where id = s.approved_by) as approved_name, s.published_at,
  case when s.report_code is not null then json_build_object('id', s.report_document_id, 'code', s.report_code, 'issuedOn', s.report_date::text) end as report_doc,
  case when s.decision_code is not null then json_build_object('id', s.decision_document_id, 'code', s.decision_code, 'issuedOn', s.decision_date::text) end as decision_doc
  from cchc_assessments s join agencies a on a.id = s.agency_id`;

async function loadAssessment(tx: Tx, where: string, params: unknown[]): Promise<Assessment | undefined> {
  const r = await tx.maybeOne<AssessmentRow>(`${ASSESSMENT_SELECT} where ${where}`, params);
  if (!r) return undefined;
  const set = await getCriteriaSet(tx, r.set_id);
  const scores = new Map<string, Score>();
  const rows = await tx.query<{
    code: string;
    self_points: string | null;
    self_note: string;
    measured: Measured | null;
    review: ReviewDecision | null;
    final_points: string | null;
    review_reason: string | null;
    reviewed_name: string | null;
    reviewed_at: Date | null;
  }>(
    `select c.code, c.self_points, c.self_note, c.measured, c.review, c.final_points, c.review_reason, u.full_name as reviewed_name, c.reviewed_at
     from cchc_scores c left join users u on u.id = c.reviewed_by where c.assessment_id = $1`,
    [r.id],
  );
  for (const s of rows) {
    scores.set(s.code, {
      code: s.code,
      selfPoints: num(s.self_points),
      selfNote: s.self_note,
      measured: s.measured,
      review: s.review,
      finalPoints: num(s.final_points),
      reviewReason: s.review_reason,
      reviewedBy: s.reviewed_name,
      reviewedAt: s.reviewed_at?.toISOString() ?? null,
    });
  }
  const evidence = (
    await tx.query<{ id: number; code: string; file_name: string; content_type: string; size: number; uploaded_at: Date; uploaded_name: string | null }>(
      `select e.id, e.code, e.file_name, e.content_type, e.size, e.uploaded_at, u.full_name as uploaded_name
       from cchc_evidence e left join users u on u.id = e.uploaded_by where e.assessment_id = $1 order by e.code, e.id`,
      [r.id],
    )
  ).map((e) => ({ id: e.id, code: e.code, fileName: e.file_name, contentType: e.content_type, size: e.size, uploadedAt: e.uploaded_at.toISOString(), uploadedBy: e.uploaded_name }));
  return {
    id: r.id,
    communeId: r.agency_id,
    communeCode: r.code,
    communeName: r.unit_name,
    provinceId: r.parent_id,
    year: r.year,
    status: r.status,
    set,
    scores,
    evidence,
    selfTotal: num(r.self_total),
    finalTotal: num(r.final_total),
    index: num(r.index_value),
    band: r.band,
    areas: r.areas,
    returnReason: r.return_reason,
    submittedAt: r.submitted_at?.toISOString() ?? null,
    submittedBy: r.submitted_name,
    approvedAt: r.approved_at?.toISOString() ?? null,
    approvedBy: r.approved_name,
    publishedAt: r.published_at?.toISOString() ?? null,
    reportDocument: r.report_doc,
    decisionDocument: r.decision_doc,
  };
}

export function findAssessment(tx: Tx, communeId: number, year: number): Promise<Assessment | undefined> {
  return loadAssessment(tx, "s.agency_id = $1 and s.year = $2", [communeId, year]);
}

export function findAssessmentById(tx: Tx, id: number): Promise<Assessment | undefined> {
  return loadAssessment(tx, "s.id = $1", [id]);
}

/** The commune's own points of every leaf (the self-assessment), and the council's. */
export function selfPointsOf(a: Assessment): Map<string, number | null> {
  return new Map([...a.scores.values()].map((s) => [s.code, s.selfPoints]));
}
export function finalPointsMap(a: Assessment): Map<string, number | null> {
  return new Map([...a.scores.values()].map((s) => [s.code, finalPointsOf(s.review, s.selfPoints, s.finalPoints)]));
}

function check(step: CchcStep, actor: CchcActor, a: { communeId: number; status: AssessmentStatus }): void {
  const v = stepVerdict(step, actor, a);
  if (v === "forbidden") throw new DomainError("forbidden", CCHC_STEP_SIDE_KEY[step]);
  if (v === "conflict") throw new DomainError("conflict", "cchc.err.status", { vars: { status: a.status } });
}
const CCHC_STEP_SIDE_KEY: Record<CchcStep, string> = {
  fill: "cchc.err.communeOnly",
  submit: "cchc.err.communeOnly",
  appraise: "cchc.err.provinceOnly",
  return: "cchc.err.provinceOnly",
  approve: "cchc.err.provinceOnly",
  publish: "cchc.err.provinceOnly",
};

async function audit(tx: Tx, a: { id: number; communeId: number }, actor: CchcActor, step: "create" | "fill" | "prefill" | "evidence" | "submit" | "appraise" | "return" | "approve" | "publish", data: Record<string, unknown>) {
  await appendAudit(tx, { agencyId: a.communeId, actorUserId: actor.userId, actor: actor.label, action: `cchc.${step}`, entity: "cchc_assessment", entityId: a.id, data });
}

/**
 * The commune's assessment of a year, opened on first use under the latest version of its
 * province's criteria for that year (the commune's own staff only), with the measurable criteria
 * pre-filled from the product's data.
 */
export async function openAssessment(tx: Tx, q: { communeId: number; year: number; actor: CchcActor; prefill?: (tx: Tx, a: Assessment) => Promise<void> }): Promise<Assessment> {
  const found = await findAssessment(tx, q.communeId, q.year);
  if (found) return found;
  check("fill", q.actor, { communeId: q.communeId, status: "draft" });
  const agency = await tx.maybeOne<{ parent_id: number | null; kind: string }>("select parent_id, kind from agencies where id = $1", [q.communeId]);
  if (agency?.kind !== "commune" || !agency.parent_id) throw new DomainError("unprocessable", "cchc.err.notCommune");
  const set = await tx.maybeOne<{ id: number; criteria: Criterion[] }>("select id, criteria from cchc_criteria_sets where agency_id = $1 and year = $2 order by version desc limit 1", [agency.parent_id, q.year]);
  if (!set) throw new DomainError("unprocessable", "cchc.err.noCriteria", { vars: { year: q.year } });
  const r = await tx.maybeOne<{ id: number }>(
    "insert into cchc_assessments (agency_id, year, set_id, created_by) values ($1, $2, $3, $4) on conflict (agency_id, year) do nothing returning id",
    [q.communeId, q.year, set.id, q.actor.userId],
  );
  if (r) {
    const leaves = leavesOf(set.criteria);
    await tx.exec(
      "insert into cchc_scores (assessment_id, agency_id, code) select $1, $2, unnest($3::text[]) on conflict do nothing",
      [r.id, q.communeId, leaves.map((l) => l.code)],
    );
    await audit(tx, { id: r.id, communeId: q.communeId }, q.actor, "create", { year: q.year, setId: set.id });
  }
  const a = (await findAssessment(tx, q.communeId, q.year))!;
  if (r && q.prefill) {
    await q.prefill(tx, a);
    return (await findAssessment(tx, q.communeId, q.year))!;
  }
  return a;
}

export type SelfEntry = { code: string; points: number | null; note: string };

/** Officers' own points and notes for criteria they score (not the council's nor the survey's). */
export async function saveSelfScores(tx: Tx, q: { assessmentId: number; entries: readonly SelfEntry[]; actor: CchcActor }): Promise<Assessment> {
  const a = await lockAssessment(tx, q.assessmentId);
  check("fill", q.actor, a);
  const leaves = new Map(leavesOf(a.set.criteria).map((l) => [l.code, l]));
  const changed: string[] = [];
  for (const e of q.entries) {
    const c = leaves.get(e.code);
    if (!c) throw new DomainError("invalid", "cchc.err.unknownCriterion", { vars: { code: e.code } });
    if (c.method === "survey" && e.points !== null) throw new DomainError("invalid", "cchc.err.surveyByProvince", { vars: { code: e.code } });
    if (e.points !== null && (e.points < 0 || e.points > c.maxPoints)) throw new DomainError("invalid", "cchc.err.pointsRange", { vars: { code: e.code, max: c.maxPoints } });
    const cur = a.scores.get(e.code);
    if (cur && cur.selfPoints === e.points && cur.selfNote === e.note) continue;
    await tx.exec(
      `update cchc_scores set self_points = $3, self_note = $4, updated_by = $5, updated_at = now(),
         -- a criterion sent back for evidence is reviewed again once the commune changes it
         review = case when review = 'evidence' then null else review end
       where assessment_id = $1 and code = $2`,
      [a.id, e.code, e.points, e.note, q.actor.userId],
    );
    changed.push(e.code);
  }
  if (changed.length) {
    await tx.exec("update cchc_assessments set updated_at = now() where id = $1", [a.id]);
    await audit(tx, a, q.actor, "fill", { codes: changed, entries: q.entries.filter((e) => changed.includes(e.code)).map((e) => ({ code: e.code, points: e.points })) });
  }
  return (await findAssessmentById(tx, a.id))!;
}

/** Measured figures written into the assessment (the prefill's result), the commune's own points for those criteria too. */
export async function recordMeasured(tx: Tx, q: { assessmentId: number; measured: ReadonlyMap<string, Measured>; actor: CchcActor }): Promise<void> {
  const a = await lockAssessment(tx, q.assessmentId);
  check("fill", q.actor, a);
  for (const [code, m] of q.measured) {
    await tx.exec("update cchc_scores set measured = $3, self_points = $4, updated_by = $5, updated_at = now() where assessment_id = $1 and code = $2", [a.id, code, JSON.stringify(m), m.points, q.actor.userId]);
  }
  await audit(tx, a, q.actor, "prefill", { criteria: Object.fromEntries([...q.measured].map(([c, m]) => [c, { value: m.value, points: m.points }])) });
}

export async function recordEvidence(tx: Tx, q: { assessmentId: number; code: string; file: { storagePath: string; fileName: string; contentType: string; size: number }; actor: CchcActor }): Promise<void> {
  const a = await lockAssessment(tx, q.assessmentId);
  check("fill", q.actor, a);
  if (!leavesOf(a.set.criteria).some((l) => l.code === q.code)) throw new DomainError("invalid", "cchc.err.unknownCriterion", { vars: { code: q.code } });
  const { id } = await tx.one<{ id: number }>(
    "insert into cchc_evidence (agency_id, assessment_id, code, storage_path, file_name, content_type, size, uploaded_by) values ($1,$2,$3,$4,$5,$6,$7,$8) returning id",
    [a.communeId, a.id, q.code, q.file.storagePath, q.file.fileName, q.file.contentType, q.file.size, q.actor.userId],
  );
  // New evidence answers the council's request: the criterion is reviewed again.
  await tx.exec("update cchc_scores set review = null where assessment_id = $1 and code = $2 and review = 'evidence'", [a.id, q.code]);
  await audit(tx, a, q.actor, "evidence", { code: q.code, evidenceId: id, file: q.file.fileName });
}

export async function findEvidenceFile(tx: Tx, id: number): Promise<{ storagePath: string; fileName: string; contentType: string } | undefined> {
  const r = await tx.maybeOne<{ storage_path: string; file_name: string; content_type: string }>("select storage_path, file_name, content_type from cchc_evidence where id = $1", [id]);
  return r ? { storagePath: r.storage_path, fileName: r.file_name, contentType: r.content_type } : undefined;
}

async function lockAssessment(tx: Tx, id: number): Promise<Assessment> {
  const l = await tx.maybeOne("select id from cchc_assessments where id = $1 for update", [id]);
  if (!l) throw new DomainError("not_found", "cchc.err.notFound");
  return (await findAssessmentById(tx, id))!;
}

/** Criteria that need evidence, are scored, and have none attached. */
export function missingEvidence(a: Assessment): string[] {
  const have = new Set(a.evidence.map((e) => e.code));
  return leavesOf(a.set.criteria).filter((c) => c.evidenceRequired && c.method !== "survey" && (a.scores.get(c.code)?.selfPoints ?? 0) > 0 && !have.has(c.code)).map((c) => c.code);
}

/** The leader submits the self-assessment: its total is fixed and the report takes its BC number from the commune's register. */
export async function submitAssessment(tx: Tx, q: { assessmentId: number; actor: CchcActor; today?: string }): Promise<Assessment> {
  const a = await lockAssessment(tx, q.assessmentId);
  check("submit", q.actor, a);
  // Criteria without their evidence are shown to the leader and the council (missingEvidence); the
  // council asks for it rather than the submission being refused.
  const totals = indexTotals(a.set.criteria, selfPointsOf(a));
  let report = a.reportDocument;
  if (!report) {
    const doc = await issueDocumentNumber(
      tx,
      { agencyId: a.communeId, kind: "BC", issuedOn: q.today ?? vnToday(), subject: `Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm ${a.year}`, entity: "cchc_assessment", entityId: a.id, ...(q.actor.fullName ? { signerName: q.actor.fullName } : {}) },
      q.actor,
    );
    report = { id: doc.id, code: doc.code, issuedOn: doc.issuedOn };
  }
  await tx.exec(
    `update cchc_assessments set status = 'submitted', self_total = $2, submitted_by = $3, submitted_at = now(), report_document_id = $4, report_code = $5, report_date = $6,
       updated_at = now() where id = $1`,
    [a.id, totals.total, q.actor.userId, report.id, report.code, report.issuedOn],
  );
  await audit(tx, a, q.actor, "submit", { from: a.status, selfTotal: totals.total, index: totals.index });
  return (await findAssessmentById(tx, a.id))!;
}

export type ReviewEntry = { code: string; decision: ReviewDecision; points?: number | null | undefined; reason?: string | undefined };

/** The council's word on criteria: accept, adjust (points and a reason) or ask for evidence (a reason). */
export async function appraiseCriteria(tx: Tx, q: { assessmentId: number; entries: readonly ReviewEntry[]; actor: CchcActor }): Promise<Assessment> {
  const a = await lockAssessment(tx, q.assessmentId);
  check("appraise", q.actor, a);
  const leaves = new Map(leavesOf(a.set.criteria).map((l) => [l.code, l]));
  for (const e of q.entries) {
    const c = leaves.get(e.code);
    if (!c) throw new DomainError("invalid", "cchc.err.unknownCriterion", { vars: { code: e.code } });
    const reason = e.reason?.trim() ?? "";
    if ((e.decision === "adjust" || e.decision === "evidence") && reason.length < 3) throw new DomainError("invalid", "cchc.err.reasonNeeded", { vars: { code: e.code } });
    if (e.decision === "adjust" && (e.points === null || e.points === undefined || e.points < 0 || e.points > c.maxPoints)) {
      throw new DomainError("invalid", "cchc.err.pointsRange", { vars: { code: e.code, max: c.maxPoints } });
    }
    const self = a.scores.get(e.code)?.selfPoints ?? null;
    await tx.exec(
      "update cchc_scores set review = $3, final_points = $4, review_reason = $5, reviewed_by = $6, reviewed_at = now() where assessment_id = $1 and code = $2",
      [a.id, e.code, e.decision, finalPointsOf(e.decision, self, e.points ?? null), e.decision === "accept" ? null : reason.slice(0, 2000), q.actor.userId],
    );
  }
  if (q.entries.length) await audit(tx, a, q.actor, "appraise", { entries: q.entries.map((e) => ({ code: e.code, decision: e.decision, points: e.points ?? null, reason: e.reason ?? null })) });
  return (await findAssessmentById(tx, a.id))!;
}

/** Sends the assessment back to the commune for the evidence the council asked for. */
export async function returnAssessment(tx: Tx, q: { assessmentId: number; reason: string; actor: CchcActor }): Promise<Assessment> {
  const a = await lockAssessment(tx, q.assessmentId);
  check("return", q.actor, a);
  const asked = [...a.scores.values()].filter((s) => s.review === "evidence").map((s) => s.code);
  if (asked.length === 0) throw new DomainError("conflict", "cchc.err.nothingAsked");
  await tx.exec("update cchc_assessments set status = 'returned', return_reason = $2, updated_at = now() where id = $1", [a.id, q.reason]);
  await audit(tx, a, q.actor, "return", { reason: q.reason, codes: asked });
  await noticeToCommune(tx, a, "return", q.reason);
  return (await findAssessmentById(tx, a.id))!;
}

/**
 * Tells the commune's chair and administrators what the council did (in the commune's name, so
 * the notice is written within the province's scope and read within theirs).
 */
async function noticeToCommune(tx: Tx, a: Assessment, step: "return" | "publish", body: string): Promise<void> {
  const staff = await tx.query<{ id: number }>("select id from users where agency_id = $1 and active and role in ('leader', 'commune_admin')", [a.communeId]);
  const title = step === "return" ? `Chỉ số CCHC năm ${a.year}: Hội đồng thẩm định trả lại, yêu cầu bổ sung` : `Chỉ số CCHC năm ${a.year} đã được công bố`;
  for (const u of staff) {
    await notifyStaff(tx, { agencyId: a.communeId, userId: u.id, kind: `cchc_${step}`, title, body, href: `/staff/indexes/cchc/${a.id}`, isTask: step === "return", dedupeKey: `cchc:${a.id}:${step}:${Date.now()}:${u.id}` });
  }
}

/** Approval: every criterion reviewed, none waiting for evidence; the total, index and band are fixed and the decision numbered in the province's register. */
export async function approveAssessment(tx: Tx, q: { assessmentId: number; actor: CchcActor; today?: string }): Promise<Assessment> {
  const a = await lockAssessment(tx, q.assessmentId);
  check("approve", q.actor, a);
  const leaves = leavesOf(a.set.criteria);
  const blockers = approvalBlockers(leaves, new Map([...a.scores.values()].map((s) => [s.code, s.review])));
  if (blockers.awaitingEvidence.length) throw new DomainError("conflict", "cchc.err.awaitingEvidence", { vars: { codes: blockers.awaitingEvidence.join(", ") } });
  if (blockers.unreviewed.length) throw new DomainError("conflict", "cchc.err.unreviewed", { vars: { n: blockers.unreviewed.length, codes: blockers.unreviewed.slice(0, 10).join(", ") } });
  const totals = indexTotals(a.set.criteria, finalPointsMap(a));
  const band = bandOf(totals.index, a.set.thresholds);
  const doc = await issueDocumentNumber(
    tx,
    {
      agencyId: q.actor.agencyId,
      kind: "QĐ",
      issuedOn: q.today ?? vnToday(),
      subject: `Phê duyệt kết quả thẩm định Chỉ số cải cách hành chính năm ${a.year} của ${a.communeName}`,
      entity: "cchc_assessment",
      entityId: a.id,
      ...(q.actor.fullName ? { signerName: q.actor.fullName } : {}),
    },
    q.actor,
  );
  await tx.exec(
    `update cchc_assessments set status = 'approved', final_total = $2, index_value = $3, band = $4, areas = $5, approved_by = $6, approved_at = now(),
       decision_document_id = $7, decision_code = $8, decision_date = $9, return_reason = null, updated_at = now() where id = $1`,
    [a.id, totals.total, totals.index, band, JSON.stringify(totals.byArea), q.actor.userId, doc.id, doc.code, doc.issuedOn],
  );
  await audit(tx, a, q.actor, "approve", { total: totals.total, index: totals.index, band, decision: doc.code });
  return (await findAssessmentById(tx, a.id))!;
}

export async function publishAssessment(tx: Tx, q: { assessmentId: number; actor: CchcActor }): Promise<Assessment> {
  const a = await lockAssessment(tx, q.assessmentId);
  check("publish", q.actor, a);
  await tx.exec("update cchc_assessments set status = 'published', published_by = $2, published_at = now(), updated_at = now() where id = $1", [a.id, q.actor.userId]);
  await audit(tx, a, q.actor, "publish", { total: a.finalTotal, index: a.index, band: a.band });
  const vn = (n: number | null) => String(n ?? 0).replace(".", ",");
  await noticeToCommune(tx, a, "publish", `Chỉ số ${vn(a.index)}%, ${vn(a.finalTotal)} điểm.`);
  return (await findAssessmentById(tx, a.id))!;
}

// ---------------------------------------------------------------------------------------------
// Rankings

export type RankingRow = {
  communeId: number;
  code: string;
  unitName: string;
  total: number;
  index: number;
  band: Band;
  rank: number;
  areas: { code: string; points: number; max: number; rank: number }[];
  previous: { total: number; index: number; rank: number } | null;
  /** Places gained since last year (positive = up); null without last year's published result. */
  rankChange: number | null;
};

type PublishedRow = { agency_id: number; code: string; unit_name: string; year: number; final_total: string; index_value: string; band: Band; areas: NonNullable<Assessment["areas"]> };

async function publishedOf(tx: Tx, provinceId: number, years: readonly number[]): Promise<PublishedRow[]> {
  return tx.query<PublishedRow>(
    `select s.agency_id, a.code, a.unit_name, s.year, s.final_total, s.index_value, s.band, s.areas
     from cchc_assessments s join agencies a on a.id = s.agency_id
     where a.parent_id = $1 and s.status = 'published' and s.year = any($2::int[]) order by a.unit_name`,
    [provinceId, years],
  );
}

/** The province's communes with a published result for the year, ranked by the index and by each area, with last year's place. */
export async function ranking(tx: Tx, q: { provinceId: number; year: number }): Promise<RankingRow[]> {
  const rows = await publishedOf(tx, q.provinceId, [q.year, q.year - 1]);
  const rankOf = (list: PublishedRow[]) => new Map(rankBy(list, (r) => Number(r.index_value)).map((x) => [x.item.agency_id, x.rank]));
  const cur = rows.filter((r) => r.year === q.year);
  const prev = rows.filter((r) => r.year === q.year - 1);
  const curRank = rankOf(cur);
  const prevRank = rankOf(prev);
  const prevBy = new Map(prev.map((r) => [r.agency_id, r]));
  const areaCodes = [...new Set(cur.flatMap((r) => r.areas.map((x) => x.code)))];
  const areaRanks = new Map<string, Map<number, number>>();
  for (const code of areaCodes) {
    const list = cur.map((r) => ({ id: r.agency_id, v: r.areas.find((x) => x.code === code)?.points ?? 0 }));
    areaRanks.set(code, new Map(rankBy(list, (x) => x.v).map((x) => [x.item.id, x.rank])));
  }
  return cur
    .map((r) => {
      const p = prevBy.get(r.agency_id);
      const rank = curRank.get(r.agency_id)!;
      const previous = p ? { total: Number(p.final_total), index: Number(p.index_value), rank: prevRank.get(r.agency_id)! } : null;
      return {
        communeId: r.agency_id,
        code: r.code,
        unitName: r.unit_name,
        total: Number(r.final_total),
        index: Number(r.index_value),
        band: r.band,
        rank,
        areas: r.areas.map((x) => ({ code: x.code, points: x.points, max: x.max, rank: areaRanks.get(x.code)?.get(r.agency_id) ?? 0 })),
        previous,
        rankChange: previous ? previous.rank - rank : null,
      };
    })
    .sort((a, b) => a.rank - b.rank || a.unitName.localeCompare(b.unitName, "vi"));
}

/** A commune's published results over the years, oldest first (its chart). */
export async function communeHistory(tx: Tx, communeId: number): Promise<{ year: number; total: number; index: number; band: Band }[]> {
  const rows = await tx.query<{ year: number; final_total: string; index_value: string; band: Band }>(
    "select year, final_total, index_value, band from cchc_assessments where agency_id = $1 and status = 'published' order by year",
    [communeId],
  );
  return rows.map((r) => ({ year: r.year, total: Number(r.final_total), index: Number(r.index_value), band: r.band }));
}

/** Where the communes of a province stand for a year (the council's list): every commune, with its assessment's status if any. */
export async function provinceOverview(tx: Tx, q: { provinceId: number; year: number }): Promise<{ communeId: number; code: string; unitName: string; status: AssessmentStatus | null; selfTotal: number | null; finalTotal: number | null; index: number | null; band: Band | null }[]> {
  const rows = await tx.query<{ id: number; code: string; unit_name: string; status: AssessmentStatus | null; self_total: string | null; final_total: string | null; index_value: string | null; band: Band | null }>(
    `select a.id, a.code, a.unit_name, s.status, s.self_total, s.final_total, s.index_value, s.band
     from agencies a left join cchc_assessments s on s.agency_id = a.id and s.year = $2
     where a.parent_id = $1 and a.kind = 'commune'
     order by (s.status is null), case s.status when 'submitted' then 0 when 'approved' then 1 when 'returned' then 2 when 'draft' then 3 else 4 end, a.unit_name limit 1000`,
    [q.provinceId, q.year],
  );
  return rows.map((r) => ({ communeId: r.id, code: r.code, unitName: r.unit_name, status: r.status, selfTotal: num(r.self_total), finalTotal: num(r.final_total), index: num(r.index_value), band: r.band }));
}

export const roundPoints = round2;
