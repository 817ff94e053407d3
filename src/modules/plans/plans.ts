// Plans (kế hoạch) with their tasks: owners, deadlines, status, progress notes and evidence.
import { z } from "zod";
import type { Tx } from "../../db/scope";
import { documentCode, vnToday } from "../../domain/documents/numbering";
import { toNfc } from "../../domain/text/fold";
import { appendAudit } from "../audit/audit";
import { type Actor, issueDocumentNumber, recordExistingDocument } from "../documents/register";
import type { OfficialDocument } from "../../domain/documents/model";
import { composePlan } from "../../domain/plans/plan-document";
import { isOverdue, PLAN_KINDS, PLAN_STEPS, type PlanStatus, type PlanStep, planEditable, planProgress, TASK_STATUSES, type TaskStatus } from "./rules";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: "msg:plans.badDate" }).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), { message: "msg:plans.badDate" });
const optionalDate = z.preprocess((v) => (v === "" ? undefined : v), isoDate.optional());
const text = (min: number, max: number, key: string) => z.string().trim().transform(toNfc).pipe(z.string().min(min, { message: key }).max(max, { message: key }));

export const PlanInput = z
  .object({
    number: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1, { message: "msg:plans.badNumber" }).max(99999).optional()),
    /** Take the next KH number from the register instead of typing one. */
    allocateNumber: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()).default(false),
    issuedOn: optionalDate,
    year: z.coerce.number().int().min(2000, { message: "msg:plans.badYear" }).max(2100, { message: "msg:plans.badYear" }),
    kind: z.enum(PLAN_KINDS, { message: "msg:plans.badKind" }),
    title: text(3, 500, "msg:plans.badTitle"),
    goals: z.string().max(20000).default("").transform(toNfc),
  })
  .refine((p) => !(p.number || p.allocateNumber) || p.issuedOn, { message: "msg:plans.numberNeedsDate", path: ["issuedOn"] })
  .refine((p) => !(p.number && p.allocateNumber), { message: "msg:plans.numberOrAllocate", path: ["number"] });
export type PlanInput = z.infer<typeof PlanInput>;

/** What the writer may change of a plan before it is issued: its text. */
export const PlanEdit = z.object({
  year: z.coerce.number().int().min(2000, { message: "msg:plans.badYear" }).max(2100, { message: "msg:plans.badYear" }),
  kind: z.enum(PLAN_KINDS, { message: "msg:plans.badKind" }),
  title: text(3, 500, "msg:plans.badTitle"),
  goals: z.string().max(20000).default("").transform(toNfc),
});
export type PlanEdit = z.infer<typeof PlanEdit>;

export const PlanReturn = z.object({ reason: text(3, 1000, "msg:plans.badReason") });
export type PlanReturn = z.infer<typeof PlanReturn>;

export const Evidence = z.object({
  kind: z.enum(["article", "broadcast", "document", "link"]),
  label: z.string().trim().min(1).max(300).transform(toNfc),
  url: z
    .string()
    .trim()
    .max(1000)
    .refine((u) => /^https?:\/\//i.test(u) || u.startsWith("/"), { message: "msg:plans.badUrl" }),
});
export type Evidence = z.infer<typeof Evidence>;

export const TaskInput = z
  .object({
    title: text(3, 1000, "msg:plans.badTaskTitle"),
    ownerUserId: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().positive().optional()),
    ownerUnit: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().trim().min(2).max(200).transform(toNfc).optional()),
    deadline: optionalDate,
  })
  .refine((t) => t.ownerUserId || t.ownerUnit, { message: "msg:plans.needOwner", path: ["ownerUnit"] });
export type TaskInput = z.infer<typeof TaskInput>;

export const TaskProgress = z.object({
  status: z.enum(TASK_STATUSES, { message: "msg:plans.badStatus" }),
  progress: z.preprocess((v) => (v === "" ? 0 : v), z.coerce.number().int().min(0).max(100)).default(0),
  progressNote: z.string().max(5000).default("").transform(toNfc),
  evidence: z.array(Evidence).max(50).optional(),
  /** From the form: one more piece of evidence. */
  evidenceKind: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["article", "broadcast", "document", "link"]).optional()),
  evidenceLabel: z.string().trim().max(300).optional(),
  evidenceUrl: z.string().trim().max(1000).optional(),
});
export type TaskProgress = z.infer<typeof TaskProgress>;

export type PlanTask = {
  id: number;
  planId: number;
  title: string;
  ownerUserId: number | null;
  ownerName: string | null;
  ownerUnit: string | null;
  /** Who, as printed: the official's name, or the unit. */
  owner: string;
  deadline: string | null;
  status: TaskStatus;
  progress: number;
  progressNote: string;
  evidence: Evidence[];
  completedOn: string | null;
  overdue: boolean;
};

export type Plan = {
  id: number;
  agencyId: number;
  number: number | null;
  symbol: string | null;
  code: string | null;
  issuedOn: string | null;
  year: number;
  kind: (typeof PLAN_KINDS)[number];
  title: string;
  goals: string;
  progress: number;
  taskCount: number;
  doneCount: number;
  overdueCount: number;
  status: PlanStatus;
  submittedAt: string | null;
  submittedBy: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  /** Why the leader sent it back (status returned). */
  returnReason: string | null;
  signer: { mode: "TM" | "KT"; name: string; title: string | null } | null;
};

export type PlanWithTasks = Plan & { tasks: PlanTask[] };

type PlanRow = {
  id: number;
  agency_id: number;
  number: number | null;
  symbol: string | null;
  issued_on: string | null;
  year: number;
  kind: Plan["kind"];
  title: string;
  goals: string;
  status: PlanStatus;
  submitted_at: Date | null;
  submitted_name: string | null;
  decided_at: Date | null;
  decided_name: string | null;
  return_reason: string | null;
  signer_name: string | null;
  signer_title: string | null;
};
type TaskRow = {
  id: number;
  plan_id: number;
  title: string;
  owner_user_id: number | null;
  owner_name: string | null;
  owner_unit: string | null;
  deadline: string | null;
  status: TaskStatus;
  progress: number;
  progress_note: string;
  evidence: Evidence[];
  completed_on: string | null;
};

const PLAN_COLS = `p.id, p.agency_id, p.number, p.symbol, p.issued_on::text as issued_on, p.year, p.kind, p.title, p.goals, p.status,
  p.submitted_at, (select full_name from users where id = p.submitted_by) as submitted_name,
  p.decided_at, (select full_name from users where id = p.decided_by) as decided_name, p.return_reason, p.signer_name, p.signer_title`;

/** A vice-chair signs "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"; the chair signs for the committee (TM.). */
function signerMode(title: string | null): "TM" | "KT" {
  return /phó/iu.test(title ?? "") ? "KT" : "TM";
}
const TASK_COLS = `t.id, t.plan_id, t.title, t.owner_user_id, u.full_name as owner_name, t.owner_unit, t.deadline::text as deadline, t.status, t.progress,
  t.progress_note, t.evidence, t.completed_on::text as completed_on`;

function toTask(r: TaskRow, today: string): PlanTask {
  return {
    id: r.id,
    planId: r.plan_id,
    title: r.title,
    ownerUserId: r.owner_user_id,
    ownerName: r.owner_name,
    ownerUnit: r.owner_unit,
    owner: [r.owner_name, r.owner_unit].filter(Boolean).join(" – "),
    deadline: r.deadline,
    status: r.status,
    progress: r.status === "done" ? 100 : r.progress,
    progressNote: r.progress_note,
    evidence: r.evidence,
    completedOn: r.completed_on,
    overdue: isOverdue({ deadline: r.deadline, status: r.status }, today),
  };
}

function toPlan(r: PlanRow, tasks: PlanTask[]): Plan {
  return {
    id: r.id,
    agencyId: r.agency_id,
    number: r.number,
    symbol: r.symbol,
    code: r.number && r.symbol ? documentCode(r.number, r.symbol) : null,
    issuedOn: r.issued_on,
    year: r.year,
    kind: r.kind,
    title: r.title,
    goals: r.goals,
    progress: planProgress(tasks),
    taskCount: tasks.filter((t) => t.status !== "cancelled").length,
    doneCount: tasks.filter((t) => t.status === "done").length,
    overdueCount: tasks.filter((t) => t.overdue).length,
    status: r.status,
    submittedAt: r.submitted_at?.toISOString() ?? null,
    submittedBy: r.submitted_name,
    decidedAt: r.decided_at?.toISOString() ?? null,
    decidedBy: r.decided_name,
    returnReason: r.status === "returned" ? r.return_reason : null,
    signer: r.signer_name ? { mode: signerMode(r.signer_title), name: r.signer_name, title: r.signer_title } : null,
  };
}

async function tasksOf(tx: Tx, planIds: number[], today: string): Promise<Map<number, PlanTask[]>> {
  const out = new Map<number, PlanTask[]>(planIds.map((id) => [id, []]));
  if (planIds.length === 0) return out;
  const rows = await tx.query<TaskRow>(`select ${TASK_COLS} from plan_tasks t left join users u on u.id = t.owner_user_id where t.plan_id = any($1) order by t.plan_id, t.position, t.id`, [planIds]);
  for (const r of rows) out.get(r.plan_id)?.push(toTask(r, today));
  return out;
}

export async function listPlans(tx: Tx, opts: { agencyId: number; yearFrom?: number; yearTo?: number; kinds?: readonly string[]; today?: string }): Promise<PlanWithTasks[]> {
  const today = opts.today ?? vnToday();
  const rows = await tx.query<PlanRow>(
    `select ${PLAN_COLS} from plans p where p.agency_id = $1 and ($2::int is null or p.year >= $2) and ($3::int is null or p.year <= $3)
       and ($4::text[] is null or p.kind = any($4)) order by p.year desc, p.issued_on nulls last, p.number nulls last, p.id`,
    [opts.agencyId, opts.yearFrom ?? null, opts.yearTo ?? null, opts.kinds ?? null],
  );
  const tasks = await tasksOf(tx, rows.map((r) => r.id), today);
  return rows.map((r) => ({ ...toPlan(r, tasks.get(r.id) ?? []), tasks: tasks.get(r.id) ?? [] }));
}

export async function findPlan(tx: Tx, id: number, today = vnToday()): Promise<PlanWithTasks | undefined> {
  const r = await tx.maybeOne<PlanRow>(`select ${PLAN_COLS} from plans p where p.id = $1`, [id]);
  if (!r) return undefined;
  const tasks = (await tasksOf(tx, [r.id], today)).get(r.id) ?? [];
  return { ...toPlan(r, tasks), tasks };
}

export type PlanError = "number_taken" | "not_found" | "owner_not_found" | "awaiting_approval" | "wrong_status";

export async function createPlan(tx: Tx, agencyId: number, input: PlanInput, actor: Actor): Promise<PlanWithTasks | PlanError> {
  if (input.number && input.issuedOn) {
    const taken = await tx.maybeOne("select 1 from documents where agency_id = $1 and year = $2 and kind = 'KH' and number = $3", [agencyId, Number(input.issuedOn.slice(0, 4)), input.number]);
    if (taken) return "number_taken";
  }
  // A plan entered with its number was issued already (signed on paper, or numbered from the
  // register by the office): it is recorded as approved. Any other plan starts as a draft.
  const issued = Boolean(input.issuedOn && (input.number || input.allocateNumber));
  const { id } = await tx.one<{ id: number }>(
    `insert into plans (agency_id, issued_on, year, kind, title, goals, created_by, status) values ($1,$2,$3,$4,$5,$6,$7,$8) returning id`,
    [agencyId, input.issuedOn ?? null, input.year, input.kind, input.title, input.goals, actor.userId, issued ? "approved" : "draft"],
  );
  let number: number | null = null;
  if (input.issuedOn && (input.number || input.allocateNumber)) {
    // Registered after the plan row exists, so the register links back to the plan.
    const base = { agencyId, kind: "KH", issuedOn: input.issuedOn, subject: input.title, entity: "plan", entityId: id };
    const reg = input.number ? await recordExistingDocument(tx, { ...base, number: input.number }, actor) : await issueDocumentNumber(tx, base, actor);
    if (reg === "taken") throw new PlanNumberTaken();
    number = reg.number;
    await tx.exec("update plans set number = $2, symbol = $3, document_id = $4 where id = $1", [id, reg.number, reg.symbol, reg.id]);
  }
  await appendAudit(tx, { agencyId, actorUserId: actor.userId, actor: actor.label, action: "plan.create", entity: "plan", entityId: id, data: { number, title: input.title, year: input.year } });
  return (await findPlan(tx, id))!;
}

/** Thrown inside the transaction so the plan row inserted before the number check is rolled back. */
export class PlanNumberTaken extends Error {
  constructor() {
    super("plan number taken");
    this.name = "PlanNumberTaken";
  }
}

export async function addTask(tx: Tx, planId: number, input: TaskInput, actor: Actor): Promise<PlanTask | PlanError> {
  const plan = await tx.maybeOne<{ agency_id: number; status: PlanStatus }>("select agency_id, status from plans where id = $1 for update", [planId]);
  if (!plan) return "not_found";
  if (!planEditable(plan.status)) return "awaiting_approval";
  if (input.ownerUserId) {
    const u = await tx.maybeOne("select id from users where id = $1 and agency_id = $2 and active", [input.ownerUserId, plan.agency_id]);
    if (!u) return "owner_not_found";
  }
  const { id } = await tx.one<{ id: number }>(
    `insert into plan_tasks (agency_id, plan_id, position, title, owner_user_id, owner_unit, deadline)
     values ($1, $2, (select coalesce(max(position), 0) + 1 from plan_tasks where plan_id = $2), $3, $4, $5, $6) returning id`,
    [plan.agency_id, planId, input.title, input.ownerUserId ?? null, input.ownerUnit ?? null, input.deadline ?? null],
  );
  await tx.exec("update plans set updated_at = now() where id = $1", [planId]);
  await appendAudit(tx, { agencyId: plan.agency_id, actorUserId: actor.userId, actor: actor.label, action: "plan.task.add", entity: "plan_task", entityId: id, data: { planId, title: input.title } });
  const r = await tx.one<TaskRow>(`select ${TASK_COLS} from plan_tasks t left join users u on u.id = t.owner_user_id where t.id = $1`, [id]);
  return toTask(r, vnToday());
}

export async function updateTaskProgress(tx: Tx, taskId: number, input: TaskProgress, actor: Actor, today = vnToday()): Promise<PlanTask | PlanError> {
  const cur = await tx.maybeOne<{ agency_id: number; plan_id: number; evidence: Evidence[]; status: TaskStatus; completed_on: string | null }>(
    "select agency_id, plan_id, evidence, status, completed_on::text as completed_on from plan_tasks where id = $1 for update",
    [taskId],
  );
  if (!cur) return "not_found";
  let evidence = input.evidence ?? cur.evidence;
  if (input.evidenceKind && input.evidenceLabel && input.evidenceUrl) {
    evidence = [...evidence, Evidence.parse({ kind: input.evidenceKind, label: input.evidenceLabel, url: input.evidenceUrl })];
  }
  const completedOn = input.status === "done" ? (cur.status === "done" ? cur.completed_on : today) : null;
  await tx.exec(
    "update plan_tasks set status = $2, progress = $3, progress_note = $4, evidence = $5, completed_on = $6, updated_at = now() where id = $1",
    [taskId, input.status, input.status === "done" ? 100 : input.progress, input.progressNote, JSON.stringify(evidence), completedOn],
  );
  await tx.exec("update plans set updated_at = now() where id = $1", [cur.plan_id]);
  await appendAudit(tx, { agencyId: cur.agency_id, actorUserId: actor.userId, actor: actor.label, action: "plan.task.progress", entity: "plan_task", entityId: taskId, data: { status: input.status, progress: input.progress, evidence: evidence.length } });
  const r = await tx.one<TaskRow>(`select ${TASK_COLS} from plan_tasks t left join users u on u.id = t.owner_user_id where t.id = $1`, [taskId]);
  return toTask(r, today);
}

/** Staff of the agency a task can be given to. */
export function listAssignableStaff(tx: Tx, agencyId: number): Promise<{ id: number; full_name: string; title: string | null }[]> {
  return tx.query("select id, full_name, title from users where agency_id = $1 and active and role <> 'citizen' order by full_name", [agencyId]);
}

type Decider = Actor & { fullName?: string; title?: string | null };

/** Changes the text of a plan the leader is not reading (draft, returned, or issued). */
export async function updatePlan(tx: Tx, id: number, input: PlanEdit, actor: Actor): Promise<PlanWithTasks | PlanError> {
  const cur = await tx.maybeOne<{ agency_id: number; status: PlanStatus }>("select agency_id, status from plans where id = $1 for update", [id]);
  if (!cur) return "not_found";
  if (!planEditable(cur.status)) return "awaiting_approval";
  await tx.exec("update plans set year = $2, kind = $3, title = $4, goals = $5, updated_at = now() where id = $1", [id, input.year, input.kind, input.title, input.goals]);
  await appendAudit(tx, { agencyId: cur.agency_id, actorUserId: actor.userId, actor: actor.label, action: "plan.edit", entity: "plan", entityId: id, data: { title: input.title } });
  return (await findPlan(tx, id))!;
}

/**
 * One step on the way to approval (PLAN_STEPS): submit, approve — which takes the plan's KH number
 * from the register when it has none, dated today, signed by the approving leader — or return with
 * a reason. The caller has checked the step's permission; the status is checked here under a lock.
 */
export async function stepPlan(tx: Tx, id: number, step: PlanStep, actor: Decider, opts: { reason?: string; today?: string } = {}): Promise<PlanWithTasks | PlanError> {
  const cur = await tx.maybeOne<{ agency_id: number; status: PlanStatus; number: number | null; title: string }>(
    "select agency_id, status, number, title from plans where id = $1 for update",
    [id],
  );
  if (!cur) return "not_found";
  const rule = PLAN_STEPS[step];
  if (!(rule.from as readonly PlanStatus[]).includes(cur.status)) return "wrong_status";
  const data: Record<string, unknown> = { from: cur.status, to: rule.to };
  if (step === "submit") {
    await tx.exec("update plans set status = 'submitted', submitted_by = $2, submitted_at = now(), updated_at = now() where id = $1", [id, actor.userId]);
  } else if (step === "return") {
    await tx.exec("update plans set status = 'returned', decided_by = $2, decided_at = now(), return_reason = $3, updated_at = now() where id = $1", [
      id,
      actor.userId,
      opts.reason,
    ]);
    data.reason = opts.reason;
  } else {
    const today = opts.today ?? vnToday();
    await tx.exec(
      "update plans set status = 'approved', decided_by = $2, decided_at = now(), return_reason = null, signer_name = $3, signer_title = $4, updated_at = now() where id = $1",
      [id, actor.userId, actor.fullName ?? null, actor.title ?? null],
    );
    if (cur.number === null) {
      const reg = await issueDocumentNumber(
        tx,
        { agencyId: cur.agency_id, kind: "KH", issuedOn: today, subject: cur.title, entity: "plan", entityId: id, ...(actor.fullName ? { signerName: actor.fullName } : {}) },
        actor,
      );
      await tx.exec("update plans set number = $2, symbol = $3, document_id = $4, issued_on = $5 where id = $1", [id, reg.number, reg.symbol, reg.id, reg.issuedOn]);
      data.number = reg.code;
    }
  }
  await appendAudit(tx, { agencyId: cur.agency_id, actorUserId: actor.userId, actor: actor.label, action: `plan.${step}`, entity: "plan", entityId: id, data });
  return (await findPlan(tx, id))!;
}

/** The plan as a document in the state format (KẾ HOẠCH …), with its tasks as they stand. */
export async function planDocument(tx: Tx, plan: PlanWithTasks, today = vnToday()): Promise<OfficialDocument> {
  const agency = await tx.one<{ name: string; unit_name: string }>("select name, unit_name from agencies where id = $1", [plan.agencyId]);
  const issued = plan.status === "approved" && plan.number && plan.symbol && plan.issuedOn ? { number: plan.number, symbol: plan.symbol, date: plan.issuedOn } : undefined;
  return composePlan({
    agency: { name: agency.name, unitName: agency.unit_name },
    title: plan.title,
    goals: plan.goals,
    ...(issued ? { issued } : {}),
    draftDate: today,
    tasks: plan.tasks.map((t) => ({ title: t.title, owner: t.owner, deadline: t.deadline, status: t.status, overdue: t.overdue })),
    signer: plan.signer ? { mode: plan.signer.mode, name: plan.signer.name } : null,
  });
}

/**
 * Plan tasks overdue today (rules.ts isOverdue: a deadline passed and not done nor cancelled), per
 * agency: the figure a commune's dashboard shows and its province's supervision page lists.
 */
export async function overdueTaskCounts(tx: Tx, q: { agencyIds: readonly number[]; today?: string }): Promise<Map<number, number>> {
  const rows = await tx.query<{ agency_id: number; n: number }>(
    "select agency_id, count(*)::int as n from plan_tasks where agency_id = any($1) and deadline < $2 and status not in ('done','cancelled') group by agency_id",
    [q.agencyIds, q.today ?? vnToday()],
  );
  return new Map(rows.map((r) => [r.agency_id, r.n]));
}
