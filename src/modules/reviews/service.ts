// The yearly review of procedures: rounds (one per agency and year, with its plan in the plans
// machinery), the review of each procedure (form, compliance cost), the income setting, and the
// round sent up to the province. Services raise DomainErrors; the web layer maps them.
import { type CostInput, CostItem, type CostResult, complianceCost, DEFAULT_WAGE, WageSetting } from "../../domain/catalog/compliance-cost";
import type { Procedure } from "../../domain/catalog/model";
import { Assessment, type Conclusion, currentContent, proposedChanges, type ReviewPart, reviewProblems } from "../../domain/catalog/review";
import { type ReviewForDocument, type RoundForDocument, signerMode } from "../../domain/catalog/review-documents";
import { effectiveTerms, parseLocalTerms } from "../../domain/catalog/terms";
import { documentCode, vnToday } from "../../domain/documents/numbering";
import { DomainError } from "../../domain/errors";
import type { Tx } from "../../db/scope";
import { appendAudit } from "../audit/audit";
import { type Actor, issueDocumentNumber } from "../documents/register";
import { addTask, createPlan, findPlan, PlanInput, TaskInput, TaskProgress, updateTaskProgress } from "../plans/plans";

export type { Actor };

// ---------------------------------------------------------------------------------------------
// The income figure

export type WageInForce = { setting: WageSetting; from: "own" | "parent" | "default"; agencyName: string | null; updatedAt: string | null };

/** The agency's own figure, else the nearest one above it (its province), else the built-in default. */
export async function wageFor(tx: Tx, agencyId: number): Promise<WageInForce> {
  const r = await tx.maybeOne<{ annual_income_vnd: string; income_year: number; source: string; own: boolean; name: string; updated_at: Date }>(
    `with recursive up as (
       select id, parent_id, 0 as depth from agencies where id = $1
       union all select a.id, a.parent_id, up.depth + 1 from agencies a join up on a.id = up.parent_id
     )
     select s.annual_income_vnd::text, s.income_year, s.source, up.depth = 0 as own, a.name, s.updated_at
     from up join compliance_cost_settings s on s.agency_id = up.id join agencies a on a.id = up.id
     order by up.depth limit 1`,
    [agencyId],
  );
  if (!r) return { setting: DEFAULT_WAGE, from: "default", agencyName: null, updatedAt: null };
  return {
    setting: { annualIncomeVnd: Number(r.annual_income_vnd), year: r.income_year, source: r.source },
    from: r.own ? "own" : "parent",
    agencyName: r.name,
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function saveWage(tx: Tx, agencyId: number, setting: WageSetting, actor: Actor): Promise<void> {
  const s = WageSetting.parse(setting);
  await tx.exec(
    `insert into compliance_cost_settings (agency_id, annual_income_vnd, income_year, source, updated_by) values ($1, $2, $3, $4, $5)
     on conflict (agency_id) do update set annual_income_vnd = excluded.annual_income_vnd, income_year = excluded.income_year, source = excluded.source,
       updated_by = excluded.updated_by, updated_at = now()`,
    [agencyId, s.annualIncomeVnd, s.year, s.source, actor.userId],
  );
  await appendAudit(tx, { agencyId, actorUserId: actor.userId, actor: actor.label, action: "review.settings", entity: "agency", entityId: agencyId, data: s });
}

// ---------------------------------------------------------------------------------------------
// Rounds

export type ReviewRound = {
  id: number;
  agencyId: number;
  year: number;
  planId: number | null;
  status: "open" | "sent";
  number: number | null;
  symbol: string | null;
  code: string | null;
  issuedOn: string | null;
  signerName: string | null;
  signerTitle: string | null;
  sentAt: string | null;
  toAgencyName: string | null;
};

type RoundRow = {
  id: number;
  agency_id: number;
  year: number;
  plan_id: number | null;
  status: "open" | "sent";
  number: number | null;
  symbol: string | null;
  issued_on: string | null;
  signer_name: string | null;
  signer_title: string | null;
  sent_at: Date | null;
  to_agency_name: string | null;
};

const ROUND_COLS = `r.id, r.agency_id, r.year, r.plan_id, r.status, r.number, r.symbol, to_char(r.issued_on, 'YYYY-MM-DD') as issued_on, r.signer_name, r.signer_title,
  r.sent_at, (select name from agencies where id = r.to_agency_id) as to_agency_name`;

function toRound(r: RoundRow): ReviewRound {
  return {
    id: r.id,
    agencyId: r.agency_id,
    year: r.year,
    planId: r.plan_id,
    status: r.status,
    number: r.number,
    symbol: r.symbol,
    code: r.number && r.symbol ? documentCode(r.number, r.symbol) : null,
    issuedOn: r.issued_on,
    signerName: r.signer_name,
    signerTitle: r.signer_title,
    sentAt: r.sent_at?.toISOString() ?? null,
    toAgencyName: r.to_agency_name,
  };
}

export async function findRound(tx: Tx, q: { agencyId: number; year: number }): Promise<ReviewRound | undefined> {
  const r = await tx.maybeOne<RoundRow>(`select ${ROUND_COLS} from review_rounds r where r.agency_id = $1 and r.year = $2`, [q.agencyId, q.year]);
  return r ? toRound(r) : undefined;
}

export async function findRoundById(tx: Tx, id: number): Promise<ReviewRound | undefined> {
  const r = await tx.maybeOne<RoundRow>(`select ${ROUND_COLS} from review_rounds r where r.id = $1`, [id]);
  return r ? toRound(r) : undefined;
}

/** The year's round, and its review plan ("Kế hoạch rà soát, đánh giá thủ tục hành chính năm …"), created on first use. */
async function ensureRound(tx: Tx, q: { agencyId: number; year: number; actor: Actor }): Promise<{ id: number; planId: number; status: "open" | "sent" }> {
  await tx.exec("insert into review_rounds (agency_id, year) values ($1, $2) on conflict (agency_id, year) do nothing", [q.agencyId, q.year]);
  const round = await tx.one<{ id: number; plan_id: number | null; status: "open" | "sent" }>("select id, plan_id, status from review_rounds where agency_id = $1 and year = $2 for update", [
    q.agencyId,
    q.year,
  ]);
  if (round.plan_id && (await tx.maybeOne("select 1 from plans where id = $1", [round.plan_id]))) return { id: round.id, planId: round.plan_id, status: round.status };
  const unit = await tx.one<{ unit_name: string; parent: string | null }>("select a.unit_name, p.name as parent from agencies a left join agencies p on p.id = a.parent_id where a.id = $1", [q.agencyId]);
  const xa = unit.unit_name.replace(/^X/u, "x").replace(/^P/u, "p").replace(/^T/u, "t");
  const plan = await createPlan(
    tx,
    q.agencyId,
    PlanInput.parse({
      year: q.year,
      kind: "cchc",
      title: `Kế hoạch rà soát, đánh giá thủ tục hành chính năm ${q.year}`,
      goals: [
        `- Rà soát, đánh giá các thủ tục hành chính thuộc thẩm quyền giải quyết của ${xa} theo Nghị định số 63/2010/NĐ-CP (được sửa đổi, bổ sung bởi Nghị định số 92/2017/NĐ-CP) và Thông tư số 02/2017/TT-VPCP: sự cần thiết, tính hợp lý, tính hợp pháp của từng bộ phận tạo thành thủ tục.`,
        "- Tính chi phí tuân thủ trước và sau đơn giản hóa; đề xuất phương án đơn giản hóa, cắt giảm thành phần hồ sơ, thời hạn, chi phí cho người dân.",
        `- Báo cáo kết quả và phương án đơn giản hóa${unit.parent ? ` về ${unit.parent}` : ""} đúng thời hạn.`,
      ].join("\n"),
    }),
    q.actor,
  );
  if (typeof plan === "string") throw new DomainError("conflict", "reviews.err.plan");
  await tx.exec("update review_rounds set plan_id = $2 where id = $1", [round.id, plan.id]);
  return { id: round.id, planId: plan.id, status: round.status };
}

// ---------------------------------------------------------------------------------------------
// Reviews

export type ProcedureReview = {
  id: number;
  agencyId: number;
  roundId: number;
  year: number;
  roundStatus: "open" | "sent";
  planId: number | null;
  planTaskId: number | null;
  procedureId: number;
  code: string;
  name: string;
  field: string;
  versionId: number;
  versionNo: number;
  reviewer: { id: number; name: string; title: string | null } | null;
  deadline: string | null;
  status: "todo" | "in_progress" | "done";
  assessment: Assessment;
  conclusion: Conclusion | null;
  recommendation: string;
  costItems: CostItem[];
  feeBefore: number | null;
  feeAfter: number | null;
  /** Entered by the reviewer; null = counted from the agency's dossiers. */
  dossiersPerYear: number | null;
  wage: WageSetting | null;
  cost: CostResult | null;
  completedAt: string | null;
  completedBy: string | null;
};

type ReviewRow = {
  id: number;
  agency_id: number;
  round_id: number;
  year: number;
  round_status: "open" | "sent";
  plan_id: number | null;
  plan_task_id: number | null;
  procedure_id: number;
  code: string;
  name: string;
  field: string;
  version_id: number;
  version_no: number;
  reviewer_user_id: number | null;
  reviewer_name: string | null;
  reviewer_title: string | null;
  deadline: string | null;
  status: ProcedureReview["status"];
  assessment: unknown;
  conclusion: Conclusion | null;
  recommendation: string;
  cost_items: unknown;
  fee_before: string | null;
  fee_after: string | null;
  dossiers_per_year: number | null;
  wage: WageSetting | null;
  cost: CostResult | null;
  completed_at: Date | null;
  completed_name: string | null;
};

const REVIEW_COLS = `pr.id, pr.agency_id, pr.round_id, r.year, r.status as round_status, r.plan_id, pr.plan_task_id, pr.procedure_id, p.code, v.name, v.field, pr.version_id,
  v.version_no, pr.reviewer_user_id, u.full_name as reviewer_name, u.title as reviewer_title, to_char(pr.deadline, 'YYYY-MM-DD') as deadline, pr.status, pr.assessment,
  pr.conclusion, pr.recommendation, pr.cost_items, pr.fee_before::text, pr.fee_after::text, pr.dossiers_per_year, pr.wage, pr.cost, pr.completed_at,
  (select full_name from users where id = pr.completed_by) as completed_name`;
const REVIEW_FROM = `procedure_reviews pr join review_rounds r on r.id = pr.round_id join procedures p on p.id = pr.procedure_id
  join procedure_versions v on v.id = pr.version_id left join users u on u.id = pr.reviewer_user_id`;

function toReview(r: ReviewRow): ProcedureReview {
  const assessment = Assessment.safeParse(r.assessment);
  const items = CostItem.array().safeParse(r.cost_items);
  return {
    id: r.id,
    agencyId: r.agency_id,
    roundId: r.round_id,
    year: r.year,
    roundStatus: r.round_status,
    planId: r.plan_id,
    planTaskId: r.plan_task_id,
    procedureId: r.procedure_id,
    code: r.code,
    name: r.name,
    field: r.field,
    versionId: r.version_id,
    versionNo: r.version_no,
    reviewer: r.reviewer_user_id && r.reviewer_name ? { id: r.reviewer_user_id, name: r.reviewer_name, title: r.reviewer_title } : null,
    deadline: r.deadline,
    status: r.status,
    assessment: assessment.success ? assessment.data : {},
    conclusion: r.conclusion,
    recommendation: r.recommendation,
    costItems: items.success ? items.data : [],
    feeBefore: r.fee_before === null ? null : Number(r.fee_before),
    feeAfter: r.fee_after === null ? null : Number(r.fee_after),
    dossiersPerYear: r.dossiers_per_year,
    wage: r.wage,
    cost: r.cost,
    completedAt: r.completed_at?.toISOString() ?? null,
    completedBy: r.completed_name,
  };
}

export async function listReviews(tx: Tx, q: { agencyId: number; year: number }): Promise<ProcedureReview[]> {
  const rows = await tx.query<ReviewRow>(`select ${REVIEW_COLS} from ${REVIEW_FROM} where r.agency_id = $1 and r.year = $2 order by v.field, v.name, pr.id`, [q.agencyId, q.year]);
  return rows.map(toReview);
}

export async function findReview(tx: Tx, id: number): Promise<ProcedureReview | undefined> {
  const r = await tx.maybeOne<ReviewRow>(`select ${REVIEW_COLS} from ${REVIEW_FROM} where pr.id = $1`, [id]);
  return r ? toReview(r) : undefined;
}

/** The reviews assigned to a user that are not done yet (their dashboard card and list). */
export async function countOpenReviewsOf(tx: Tx, userId: number): Promise<number> {
  return (await tx.one<{ n: number }>("select count(*)::int as n from procedure_reviews where reviewer_user_id = $1 and status <> 'done'", [userId])).n;
}

type Held = { procedureId: number; versionId: number; name: string; procedure: Procedure; terms: ReturnType<typeof effectiveTerms> | null };

/**
 * A procedure the agency holds: for a commune, one it offers (explicitly or by default) and that
 * is not abolished; for a province, one of its catalog (the procedures it imported) or one it offers.
 */
export async function findHeldProcedure(tx: Tx, q: { agencyId: number; code: string }): Promise<Held | undefined> {
  const r = await tx.maybeOne<{ procedure_id: number; version_id: number; content: Procedure; time_limit: unknown; fees: unknown; documents: unknown; offered: boolean }>(
    `select p.id as procedure_id, v.id as version_id, v.content, ao.time_limit, ao.fees, ao.documents, ao.enabled as offered
     from procedures p join agency_offering($1) ao on ao.procedure_id = p.id
     join lateral (select id, content from procedure_versions pv where pv.procedure_id = p.id and pv.effective_from <= (now() at time zone 'Asia/Ho_Chi_Minh')::date
                   order by pv.effective_from desc, pv.version_no desc limit 1) v on true
     where p.code = $2 and (p.abolished_on is null or p.abolished_on > (now() at time zone 'Asia/Ho_Chi_Minh')::date)
       and (ao.enabled or (not exists (select 1 from agencies where id = $1 and kind = 'commune')
            and p.agency_id in (with recursive up as (select id, parent_id from agencies where id = $1 union all select a.id, a.parent_id from agencies a join up on a.id = up.parent_id) select id from up)))`,
    [q.agencyId, q.code],
  );
  if (!r) return undefined;
  return { procedureId: r.procedure_id, versionId: r.version_id, name: r.content.name, procedure: r.content, terms: r.offered ? effectiveTerms(r.content, parseLocalTerms(r)) : null };
}

export type NewReview = { agencyId: number; year: number; code: string; reviewerUserId: number; deadline: string | null };

/** Adds a procedure to the year's review: a task of the review plan (official, deadline) and its review form. */
export async function createReview(tx: Tx, input: NewReview, actor: Actor): Promise<ProcedureReview> {
  const held = await findHeldProcedure(tx, { agencyId: input.agencyId, code: input.code });
  if (!held) throw new DomainError("not_found", "reviews.err.notHeld", { vars: { code: input.code } });
  const reviewer = await tx.maybeOne<{ id: number }>("select id from users where id = $1 and agency_id = $2 and active and role <> 'citizen'", [input.reviewerUserId, input.agencyId]);
  if (!reviewer) throw new DomainError("unprocessable", "reviews.err.reviewer");
  const round = await ensureRound(tx, { agencyId: input.agencyId, year: input.year, actor });
  if (round.status === "sent") throw new DomainError("conflict", "reviews.err.sent", { vars: { year: input.year } });
  const dup = await tx.maybeOne("select 1 from procedure_reviews where round_id = $1 and procedure_id = $2", [round.id, held.procedureId]);
  if (dup) throw new DomainError("conflict", "reviews.err.duplicate", { vars: { code: input.code, year: input.year } });
  const task = await addTask(
    tx,
    round.planId,
    TaskInput.parse({ title: `Rà soát, đánh giá thủ tục «${held.name}» (mã ${input.code})`, ownerUserId: input.reviewerUserId, deadline: input.deadline ?? "" }),
    actor,
  );
  if (task === "awaiting_approval") throw new DomainError("conflict", "reviews.err.planAwaiting");
  if (typeof task === "string") throw new DomainError("conflict", "reviews.err.plan");
  const fee = feeOf(held);
  const { id } = await tx.one<{ id: number }>(
    `insert into procedure_reviews (agency_id, round_id, procedure_id, version_id, plan_task_id, reviewer_user_id, deadline, cost_items, fee_before, fee_after, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) returning id`,
    [input.agencyId, round.id, held.procedureId, held.versionId, task.id, input.reviewerUserId, input.deadline, JSON.stringify(defaultCostItems(held)), fee, actor.userId],
  );
  await appendAudit(tx, { agencyId: input.agencyId, actorUserId: actor.userId, actor: actor.label, action: "review.create", entity: "procedure_review", entityId: id, data: { code: input.code, year: input.year, reviewerUserId: input.reviewerUserId, deadline: input.deadline } });
  return (await findReview(tx, id))!;
}

/** A fixed fee per dossier of the terms the agency applies; null when it is not a single known amount. */
function feeOf(h: Held): number | null {
  const fees = h.terms?.fees ?? h.procedure.channels.flatMap((c) => c.fees);
  if (fees.length === 0 || fees.every((f) => f.kind === "free")) return 0;
  const fixed = fees.find((f) => f.kind === "fixed");
  return fixed && fixed.kind === "fixed" ? fixed.amountVnd : null;
}

/**
 * The requirements a citizen meets, as lines of the cost table with no time yet: each paper the
 * procedure asks for, the trip to the desk and back, the waiting. The reviewer enters the hours and
 * costs; nothing is guessed.
 */
export function defaultCostItems(h: Pick<Held, "procedure" | "terms">): CostItem[] {
  const names = h.terms
    ? h.terms.requirements.groups.flatMap((g) => g.items.filter((i) => i.kind === "submit" && i.need !== "optional").map((i) => i.name))
    : h.procedure.documents.flatMap((g) => g.items.filter((i) => !i.optional).map((i) => i.name));
  const docs = [...new Set(names)].slice(0, 30).map((name): CostItem => ({ activity: "document", label: name.slice(0, 500), hoursBefore: 0, hoursAfter: 0, otherBefore: 0, otherAfter: 0 }));
  return [
    ...docs,
    { activity: "travel", label: "Đi lại nộp hồ sơ và nhận kết quả", hoursBefore: 0, hoursAfter: 0, otherBefore: 0, otherAfter: 0 },
    { activity: "waiting", label: "Chờ tiếp nhận và trả kết quả", hoursBefore: 0, hoursAfter: 0, otherBefore: 0, otherAfter: 0 },
  ];
}

/** Dossiers of the procedure the agency (a province: its communes too) received in the twelve months to `to`. */
export async function countDossiers(tx: Tx, q: { agencyId: number; code: string; to: string }): Promise<{ n: number; from: string; to: string }> {
  const r = await tx.one<{ n: number; from: string }>(
    `with recursive below as (select id from agencies where id = $1 union all select a.id from agencies a join below b on a.parent_id = b.id)
     select count(*)::int as n, to_char(($3::date - interval '1 year')::date, 'YYYY-MM-DD') as "from"
     from dossiers d where d.agency_id in (select id from below) and d.procedure_code = $2
       and coalesce(d.received_at, d.submitted_at) >= (($3::date - interval '1 year')::date)::timestamp at time zone 'Asia/Ho_Chi_Minh'
       and coalesce(d.received_at, d.submitted_at) < ($3::date)::timestamp at time zone 'Asia/Ho_Chi_Minh'`,
    [q.agencyId, q.code, q.to],
  );
  return { n: r.n, from: r.from, to: q.to };
}

export type ReviewCost = { input: CostInput; result: CostResult; wage: WageSetting; counted: { n: number; from: string; to: string }; dossiersSource: "entered" | "counted"; feeKnown: boolean };

/** The review's compliance cost: as frozen at completion, else computed now from its lines and the figures in force. */
export async function reviewCost(tx: Tx, r: ProcedureReview, today = vnToday()): Promise<ReviewCost> {
  const counted = await countDossiers(tx, { agencyId: r.agencyId, code: r.code, to: today });
  const wage = r.status === "done" && r.wage ? r.wage : (await wageFor(tx, r.agencyId)).setting;
  const input: CostInput = {
    items: r.costItems,
    feeBefore: r.feeBefore ?? 0,
    feeAfter: r.feeAfter ?? r.feeBefore ?? 0,
    dossiersPerYear: r.dossiersPerYear ?? counted.n,
  };
  const result = r.status === "done" && r.cost ? r.cost : complianceCost(input, wage);
  return { input, result, wage, counted, dossiersSource: r.dossiersPerYear === null ? "counted" : "entered", feeKnown: r.feeBefore !== null };
}

function assertEditable(r: ProcedureReview): void {
  if (r.roundStatus === "sent") throw new DomainError("conflict", "reviews.err.sent", { vars: { year: r.year } });
  if (r.status === "done") throw new DomainError("conflict", "reviews.err.done");
}

/** The first save starts the plan's task. */
async function markStarted(tx: Tx, r: ProcedureReview, actor: Actor): Promise<void> {
  if (r.status !== "todo") return;
  await tx.exec("update procedure_reviews set status = 'in_progress' where id = $1", [r.id]);
  if (r.planTaskId) await updateTaskProgress(tx, r.planTaskId, TaskProgress.parse({ status: "in_progress", progress: 10, progressNote: "Đang rà soát, đánh giá." }), actor);
}

export type AssessmentInput = { assessment: Assessment; conclusion: Conclusion | null; recommendation: string };

export async function saveAssessment(tx: Tx, id: number, input: AssessmentInput, actor: Actor): Promise<ProcedureReview> {
  const r = await lockReview(tx, id);
  assertEditable(r);
  await tx.exec("update procedure_reviews set assessment = $2, conclusion = $3, recommendation = $4, updated_at = now() where id = $1", [
    id,
    JSON.stringify(input.assessment),
    input.conclusion,
    input.recommendation,
  ]);
  await markStarted(tx, r, actor);
  await appendAudit(tx, { agencyId: r.agencyId, actorUserId: actor.userId, actor: actor.label, action: "review.update", entity: "procedure_review", entityId: id, data: { part: "assessment", conclusion: input.conclusion, proposals: proposedChanges(input.assessment).length } });
  return (await findReview(tx, id))!;
}

export type CostFormInput = { items: CostItem[]; feeBefore: number | null; feeAfter: number | null; dossiersPerYear: number | null };

export async function saveCost(tx: Tx, id: number, input: CostFormInput, actor: Actor): Promise<ProcedureReview> {
  const r = await lockReview(tx, id);
  assertEditable(r);
  await tx.exec("update procedure_reviews set cost_items = $2, fee_before = $3, fee_after = $4, dossiers_per_year = $5, updated_at = now() where id = $1", [
    id,
    JSON.stringify(input.items),
    input.feeBefore,
    input.feeAfter,
    input.dossiersPerYear,
  ]);
  await markStarted(tx, r, actor);
  await appendAudit(tx, { agencyId: r.agencyId, actorUserId: actor.userId, actor: actor.label, action: "review.update", entity: "procedure_review", entityId: id, data: { part: "cost", lines: input.items.length, dossiersPerYear: input.dossiersPerYear } });
  return (await findReview(tx, id))!;
}

async function lockReview(tx: Tx, id: number): Promise<ProcedureReview> {
  const locked = await tx.maybeOne("select 1 from procedure_reviews where id = $1 for update", [id]);
  if (!locked) throw new DomainError("not_found", "reviews.err.notFound");
  return (await findReview(tx, id))!;
}

/**
 * Completes a review once the form is whole (reviewProblems): the income figure and the cost are
 * frozen as they are now, and the plan's task is done with the review as its evidence.
 */
export async function completeReview(tx: Tx, id: number, actor: Actor, today = vnToday()): Promise<ProcedureReview> {
  const r = await lockReview(tx, id);
  assertEditable(r);
  const problems = reviewProblems({ assessment: r.assessment, conclusion: r.conclusion, costLines: r.costItems.length });
  if (r.feeBefore === null) problems.push({ part: "cost", key: "reviews.problem.noFee" });
  if (problems.length) throw new DomainError("unprocessable", "reviews.err.incomplete", { vars: { n: problems.length }, details: problems.map((p) => ({ path: p.part, message: p.key })) });
  const cost = await reviewCost(tx, r, today);
  await tx.exec("update procedure_reviews set status = 'done', wage = $2, cost = $3, completed_at = now(), completed_by = $4, updated_at = now() where id = $1", [
    id,
    JSON.stringify(cost.wage),
    JSON.stringify(cost.result),
    actor.userId,
  ]);
  if (r.planTaskId) {
    await updateTaskProgress(
      tx,
      r.planTaskId,
      TaskProgress.parse({ status: "done", progress: 100, progressNote: `Đã rà soát: ${r.conclusion ? conclusionWord(r.conclusion) : ""}.`, evidence: [{ kind: "document", label: `Biểu mẫu rà soát, đánh giá thủ tục ${r.code}`, url: `/staff/reviews/${id}` }] }),
      actor,
      today,
    );
  }
  await appendAudit(tx, { agencyId: r.agencyId, actorUserId: actor.userId, actor: actor.label, action: "review.complete", entity: "procedure_review", entityId: id, data: { code: r.code, conclusion: r.conclusion, before: cost.result.before, after: cost.result.after } });
  return (await findReview(tx, id))!;
}

function conclusionWord(c: Conclusion): string {
  return { keep: "giữ nguyên", amend: "đề nghị sửa đổi, bổ sung", abolish: "đề nghị bãi bỏ", replace: "đề nghị thay thế" }[c];
}

/** Opens a completed review again (before the round is sent): its figures are computed anew. */
export async function reopenReview(tx: Tx, id: number, actor: Actor): Promise<ProcedureReview> {
  const r = await lockReview(tx, id);
  if (r.roundStatus === "sent") throw new DomainError("conflict", "reviews.err.sent", { vars: { year: r.year } });
  if (r.status !== "done") throw new DomainError("conflict", "reviews.err.notDone");
  await tx.exec("update procedure_reviews set status = 'in_progress', wage = null, cost = null, completed_at = null, completed_by = null, updated_at = now() where id = $1", [id]);
  if (r.planTaskId) await updateTaskProgress(tx, r.planTaskId, TaskProgress.parse({ status: "in_progress", progress: 90, progressNote: "Mở lại để rà soát tiếp." }), actor);
  await appendAudit(tx, { agencyId: r.agencyId, actorUserId: actor.userId, actor: actor.label, action: "review.reopen", entity: "procedure_review", entityId: id, data: { code: r.code } });
  return (await findReview(tx, id))!;
}

// ---------------------------------------------------------------------------------------------
// Documents and sending

/** The current content of each part, for the form and the API. */
export async function reviewSubject(tx: Tx, r: ProcedureReview): Promise<{ procedure: Procedure; current: Record<ReviewPart, string> }> {
  const v = await tx.one<{ content: Procedure }>("select content from procedure_versions where id = $1", [r.versionId]);
  const held = await findHeldProcedure(tx, { agencyId: r.agencyId, code: r.code });
  const terms = held?.terms ?? null;
  const tl = terms?.timeLimit;
  const timeLimit = tl
    ? `${tl.unit === "same_day" ? "Trong ngày" : `${tl.amount} ${tl.unit === "working_days" ? "ngày làm việc" : tl.unit === "working_hours" ? "giờ làm việc" : tl.unit === "calendar_days" ? "ngày" : "tháng"}`}${terms?.timeLimitBasis ? ` (${terms.timeLimitBasis})` : ""}`
    : v.content.channels.map((c) => c.timeLimitText).filter(Boolean)[0] ?? "";
  const fees = (terms?.fees ?? v.content.channels.flatMap((c) => c.fees))
    .map((f) => (f.kind === "free" ? "Miễn phí" : f.kind === "fixed" ? `${f.amountVnd.toLocaleString("de-DE")} đồng${f.per ? `/${f.per}` : ""}` : f.kind === "local" ? f.note : f.kind === "unparsed" ? f.text : ""))
    .filter(Boolean);
  return { procedure: v.content, current: currentContent(v.content, terms, { timeLimit, fees: [...new Set(fees)].join("; ") }) };
}

export function reviewForDocument(r: ProcedureReview, cost: CostResult): ReviewForDocument {
  return {
    code: r.code,
    name: r.name,
    field: r.field,
    reviewer: r.reviewer?.name ?? null,
    completedOn: r.completedAt?.slice(0, 10) ?? null,
    conclusion: r.conclusion ?? "keep",
    recommendation: r.recommendation,
    changes: proposedChanges(r.assessment),
    items: r.costItems,
    cost,
  };
}

/** Everything the two documents of a round print, as of now (a draft) or as sent. */
export async function roundDocumentData(tx: Tx, q: { agencyId: number; year: number; today?: string }): Promise<RoundForDocument> {
  const today = q.today ?? vnToday();
  const agency = await tx.one<{ name: string; unit_name: string; parent: string | null }>(
    "select a.name, a.unit_name, p.name as parent from agencies a left join agencies p on p.id = a.parent_id where a.id = $1",
    [q.agencyId],
  );
  const round = await findRound(tx, q);
  const plan = round?.planId ? await findPlan(tx, round.planId) : undefined;
  const reviews = (await listReviews(tx, q)).filter((r) => r.status === "done");
  const docs: ReviewForDocument[] = [];
  for (const r of reviews) docs.push(reviewForDocument(r, (await reviewCost(tx, r, today)).result));
  return {
    agency: { name: agency.name, unitName: agency.unit_name },
    parentName: agency.parent,
    year: q.year,
    plan: plan ? { code: plan.status === "approved" ? plan.code : null, issuedOn: plan.status === "approved" ? plan.issuedOn : null } : null,
    wage: (await wageFor(tx, q.agencyId)).setting,
    reviews: docs,
    draftDate: today,
    signer: null,
  };
}

export type SendInput = { agencyId: number; year: number; signerName: string; signerTitle: string | null };
export type Rendered = { reportDocx: Buffer; reportPdf: Buffer; proposalDocx: Buffer; proposalPdf: Buffer };

/**
 * Sends the round up to the province: every review done (at least one), the report numbered in
 * the register (BC), both documents rendered and frozen with what they print, the round locked
 * and its results published on the portal.
 */
export async function sendRound(tx: Tx, input: SendInput, actor: Actor, render: (d: RoundForDocument) => Promise<Rendered>, today = vnToday()): Promise<ReviewRound> {
  await tx.exec("insert into review_rounds (agency_id, year) values ($1, $2) on conflict (agency_id, year) do nothing", [input.agencyId, input.year]);
  const round = await tx.one<{ id: number; status: string }>("select id, status from review_rounds where agency_id = $1 and year = $2 for update", [input.agencyId, input.year]);
  if (round.status === "sent") throw new DomainError("conflict", "reviews.err.sent", { vars: { year: input.year } });
  const reviews = await listReviews(tx, input);
  const open = reviews.filter((r) => r.status !== "done");
  if (reviews.length === 0) throw new DomainError("unprocessable", "reviews.err.noReviews", { vars: { year: input.year } });
  if (open.length) throw new DomainError("unprocessable", "reviews.err.openReviews", { vars: { n: open.length }, details: open.map((r) => ({ path: r.code, message: r.name })) });
  const data = await roundDocumentData(tx, { ...input, today });
  const reg = await issueDocumentNumber(
    tx,
    { agencyId: input.agencyId, kind: "BC", issuedOn: today, subject: `Kết quả rà soát, đánh giá thủ tục hành chính năm ${input.year}`, entity: "review_round", entityId: round.id, signerName: input.signerName },
    actor,
  );
  const issued: RoundForDocument = { ...data, issued: { number: reg.number, symbol: reg.symbol, date: reg.issuedOn }, signer: { mode: signerMode(input.signerTitle), name: input.signerName } };
  const files = await render(issued);
  const parent = await tx.maybeOne<{ id: number }>("select parent_id as id from agencies where id = $1 and parent_id is not null", [input.agencyId]);
  await tx.exec(
    `update review_rounds set status = 'sent', to_agency_id = $2, document_id = $3, number = $4, symbol = $5, issued_on = $6, signer_name = $7, signer_title = $8,
       data = $9, report_docx = $10, report_pdf = $11, proposal_docx = $12, proposal_pdf = $13, sent_at = now(), sent_by = $14 where id = $1`,
    [round.id, parent?.id ?? null, reg.id, reg.number, reg.symbol, reg.issuedOn, input.signerName, input.signerTitle, JSON.stringify(issued), files.reportDocx, files.reportPdf, files.proposalDocx, files.proposalPdf, actor.userId],
  );
  await appendAudit(tx, { agencyId: input.agencyId, actorUserId: actor.userId, actor: actor.label, action: "review.send", entity: "review_round", entityId: round.id, data: { year: input.year, number: reg.code, reviews: reviews.length, toAgencyId: parent?.id ?? null } });
  return (await findRoundById(tx, round.id))!;
}

export type SentFile = "report.docx" | "report.pdf" | "proposal.docx" | "proposal.pdf";
const FILE_COLUMNS: Record<SentFile, string> = { "report.docx": "report_docx", "report.pdf": "report_pdf", "proposal.docx": "proposal_docx", "proposal.pdf": "proposal_pdf" };

/** A frozen document of a sent round (RLS decides who may read: the agency, its province, the public). */
export async function sentFile(tx: Tx, roundId: number, file: SentFile): Promise<{ data: Buffer; code: string; year: number } | undefined> {
  const r = await tx.maybeOne<{ data: Buffer; number: number; symbol: string; year: number }>(
    `select ${FILE_COLUMNS[file]} as data, number, symbol, year from review_rounds where id = $1 and status = 'sent'`,
    [roundId],
  );
  return r ? { data: r.data, code: documentCode(r.number, r.symbol), year: r.year } : undefined;
}

/** What a sent round printed (its frozen data), for the portal and the province. */
export async function sentRoundData(tx: Tx, roundId: number): Promise<RoundForDocument | undefined> {
  const r = await tx.maybeOne<{ data: RoundForDocument }>("select data from review_rounds where id = $1 and status = 'sent'", [roundId]);
  return r?.data;
}

export type SentRoundSummary = ReviewRound & { agencyName: string; agencyCode: string; reviews: number; before: number; after: number; saving: number; savingRate: number };

/** Rounds sent by the agencies directly below a province (its communes), for the year. */
export async function listSentBelow(tx: Tx, q: { provinceId: number; year: number }): Promise<SentRoundSummary[]> {
  const rows = await tx.query<RoundRow & { agency_name: string; agency_code: string; data: RoundForDocument }>(
    `select ${ROUND_COLS}, a.name as agency_name, a.code as agency_code, r.data from review_rounds r join agencies a on a.id = r.agency_id
     where r.status = 'sent' and r.year = $2 and (a.parent_id = $1 or r.to_agency_id = $1) order by a.name`,
    [q.provinceId, q.year],
  );
  return rows.map((r) => summarise(r));
}

/** Sent rounds of one agency, newest first (the portal). */
export async function listSentOf(tx: Tx, agencyId: number): Promise<SentRoundSummary[]> {
  const rows = await tx.query<RoundRow & { agency_name: string; agency_code: string; data: RoundForDocument }>(
    `select ${ROUND_COLS}, a.name as agency_name, a.code as agency_code, r.data from review_rounds r join agencies a on a.id = r.agency_id
     where r.status = 'sent' and r.agency_id = $1 order by r.year desc`,
    [agencyId],
  );
  return rows.map((r) => summarise(r));
}

function summarise(r: RoundRow & { agency_name: string; agency_code: string; data: RoundForDocument }): SentRoundSummary {
  const before = r.data.reviews.reduce((s, x) => s + x.cost.before, 0);
  const after = r.data.reviews.reduce((s, x) => s + x.cost.after, 0);
  return {
    ...toRound(r),
    agencyName: r.agency_name,
    agencyCode: r.agency_code,
    reviews: r.data.reviews.length,
    before,
    after,
    saving: before - after,
    savingRate: before > 0 ? Math.round(((before - after) / before) * 10000) / 100 : 0,
  };
}
