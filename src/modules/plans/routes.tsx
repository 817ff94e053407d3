import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import { vnToday } from "../../domain/documents/numbering";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { HttpError, notFound, parseForm, parseWith, requireAccess, requirePermission } from "../../web/http";
import { formatDate, formatDateTime } from "../../web/i18n";
import { registerDashboard, registerNav } from "../../web/registry";
import { CsrfField, ErrorSummary, Field, Layout, SelectField, TextAreaField } from "../../web/views/layout";
import "./demo";
import { renderDocx } from "../documents/render";
import { renderPdf } from "../documents/render";
import {
  addTask,
  createPlan,
  findPlan,
  listAssignableStaff,
  listPlans,
  planDocument,
  PlanEdit,
  type PlanError,
  PlanInput,
  PlanNumberTaken,
  PlanReturn,
  type PlanTask,
  type PlanWithTasks,
  stepPlan,
  TaskInput,
  overdueTaskCounts,
  TaskProgress,
  updatePlan,
  updateTaskProgress,
} from "./plans";
import { doneLate, PLAN_KINDS, PLAN_STEPS, type PlanStatus, type PlanStep, planEditable, stepsFor, TASK_STATUSES } from "./rules";

registerNav({ href: "/staff/plans", labelKey: "plans.nav", area: "staff", permission: "staff.dashboard", order: 60 });

registerDashboard(async (req, tx) => {
  if (!req.user || !can(req.user.role, "plan.manage")) return [];
  const overdue = (await overdueTaskCounts(tx, { agencyIds: [req.user.agencyId], today: vnToday() })).get(req.user.agencyId) ?? 0;
  const r = { n: overdue, ...(await tx.one<{ awaiting: number }>("select count(*)::int as awaiting from plans where agency_id = $1 and status = 'submitted'", [req.user.agencyId])) };
  return [
    { labelKey: "plans.dashboardOverdue", value: r.n, href: "/staff/plans", tone: r.n > 0 ? "bad" : "normal" },
    ...(can(req.user.role, "plan.approve") ? [{ labelKey: "plans.dashboardAwaiting", value: r.awaiting, href: "/staff/plans", tone: r.awaiting > 0 ? "warn" : "normal" } as const] : []),
  ];
});

const IdParam = z.object({ id: z.coerce.number().int().positive().max(2147483647) });
const DocParam = z.object({ id: z.coerce.number().int().positive().max(2147483647), format: z.enum(["docx", "pdf"], { message: "msg:error.404.body" }) });
const YearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });

function actorOf(req: FastifyRequest) {
  const u = req.user!;
  return { userId: u.id, label: u.username, fullName: u.fullName, title: u.title };
}

const StepBody = z.object({ step: z.enum(Object.keys(PLAN_STEPS) as [PlanStep, ...PlanStep[]], { message: "msg:plans.badStep" }) });

const FORMATS = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pdf: "application/pdf",
} as const;

function StatusTag({ ctx, status }: { ctx: PageCtx; status: PlanStatus }) {
  const tone = status === "approved" ? "ok" : status === "submitted" ? "warn" : status === "returned" ? "bad" : "";
  return <span class={`tag ${tone}`}>{ctx.t(`plans.planStatus.${status}`)}</span>;
}

/** A number taken by a concurrent request rolls the whole transaction back, then reads as any taken number. */
function numberTaken<T>(p: Promise<T>): Promise<T | "number_taken"> {
  return p.catch((e: unknown) => {
    if (e instanceof PlanNumberTaken) return "number_taken" as const;
    throw e;
  });
}

function planError(e: PlanError): HttpError {
  if (e === "number_taken") return new HttpError(409, "plans.numberTaken");
  if (e === "owner_not_found") return new HttpError(400, "plans.ownerNotFound");
  if (e === "awaiting_approval") return new HttpError(409, "plans.awaitingApproval");
  if (e === "wrong_status") return new HttpError(409, "plans.wrongStatus");
  return new HttpError(404, "error.404.body");
}

function Progress({ ctx, plan }: { ctx: PageCtx; plan: PlanWithTasks }) {
  return (
    <p>
      <progress max={100} value={plan.progress} aria-label={ctx.t("plans.progress")}>
        {plan.progress}%
      </progress>{" "}
      {ctx.t("plans.progressOf", { done: plan.doneCount, total: plan.taskCount, pct: plan.progress })}
      {plan.overdueCount > 0 ? (
        <>
          {" "}
          <strong class="tag bad">⚠ {ctx.t("plans.overdueCount", { n: plan.overdueCount })}</strong>
        </>
      ) : null}
    </p>
  );
}

function PlanListPage({ ctx, plans, year, canManage, errors, values }: { ctx: PageCtx; plans: PlanWithTasks[]; year: number; canManage: boolean; errors?: Record<string, string>; values?: Record<string, string> }) {
  const t = ctx.t;
  const v = values ?? {};
  return (
    <Layout ctx={ctx} title={t("plans.title")} area="staff">
      <h1>{t("plans.title")}</h1>
      <p class="lead">{t("plans.intro")}</p>
      <form method="get" action="/staff/plans" class="search-row">
        <div class="field">
          <label for="f-year">{t("plans.year")}</label>
          <input id="f-year" name="year" type="number" min={2000} max={2100} value={year} />
        </div>
        <button type="submit" class="secondary">
          {t("plans.filter")}
        </button>
      </form>
      {plans.length === 0 ? <p>{t("plans.none")}</p> : null}
      {plans.map((p) => (
        <section class="panel" key={p.id}>
          <h2>
            <a href={`/staff/plans/${p.id}`}>{p.code ? `${p.code} – ${p.title}` : p.title}</a>
          </h2>
          <p class="muted">
            <StatusTag ctx={ctx} status={p.status} /> · {t(`plans.kind.${p.kind}`)}
            {p.issuedOn ? ` · ${t("plans.issuedOn")}: ${formatDate(p.issuedOn)}` : ""}
          </p>
          <Progress ctx={ctx} plan={p} />
        </section>
      ))}
      {canManage ? (
        <section class="panel">
          <h2 id="new-plan">{t("plans.create")}</h2>
          <ErrorSummary ctx={ctx} errors={errors} />
          <form method="post" action="/staff/plans" novalidate>
            <CsrfField ctx={ctx} />
            <Field name="title" label={t("plans.titleField")} value={v.title} required error={errors?.title} maxLength={500} />
            <div class={`field${errors?.kind ? " has-error" : ""}`}>
              <label for="f-kind">{t("plans.kind")}</label>
              {errors?.kind ? <p class="error">{errors.kind}</p> : null}
              <select id="f-kind" name="kind">
                {PLAN_KINDS.map((k) => (
                  <option value={k} selected={v.kind === k}>
                    {t(`plans.kind.${k}`)}
                  </option>
                ))}
              </select>
            </div>
            <Field name="year" label={t("plans.year")} value={v.year ?? String(year)} type="number" required error={errors?.year} />
            <Field name="number" label={t("plans.number")} value={v.number} hint={t("plans.numberHint")} inputMode="numeric" error={errors?.number} />
            <div class="field">
              <label>
                <input type="checkbox" name="allocateNumber" checked={v.allocateNumber === "on"} /> {t("plans.allocate")}
              </label>
            </div>
            <Field name="issuedOn" label={t("plans.issuedOn")} value={v.issuedOn} type="date" error={errors?.issuedOn} />
            <div class="field">
              <label for="f-goals">{t("plans.goals")}</label>
              <textarea id="f-goals" name="goals" maxLength={20000}>
                {v.goals ?? ""}
              </textarea>
            </div>
            <button type="submit">{t("plans.create")}</button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

function TaskRow({ ctx, task, canUpdate }: { ctx: PageCtx; task: PlanTask; canUpdate: boolean }) {
  const t = ctx.t;
  const late = doneLate(task);
  return (
    <tr class={task.overdue ? "overdue" : undefined} id={`task-${task.id}`}>
      <td>
        {task.overdue ? <strong class="tag bad">⚠ {t("plans.overdue")}</strong> : null} {task.title}
        {task.progressNote ? <p class="muted">{task.progressNote}</p> : null}
        {task.evidence.length ? (
          <ul>
            {task.evidence.map((e) => (
              <li>
                {t(`plans.evidence.${e.kind}`)}: <a href={e.url}>{e.label}</a>
              </li>
            ))}
          </ul>
        ) : null}
      </td>
      <td>{task.owner}</td>
      <td>{task.deadline ? formatDate(task.deadline) : "—"}</td>
      <td>
        {t(`plans.status.${task.status}`)} {task.status !== "done" && task.status !== "cancelled" ? `(${task.progress}%)` : ""}
        {late ? <span class="tag warn">{t("plans.doneLate")}</span> : null}
        {canUpdate ? (
          <details>
            <summary>{t("plans.updateTask")}</summary>
            <form method="post" action={`/staff/plans/tasks/${task.id}`}>
              <CsrfField ctx={ctx} />
              <label for={`s-${task.id}`}>{t("plans.status")}</label>
              <select id={`s-${task.id}`} name="status">
                {TASK_STATUSES.map((s) => (
                  <option value={s} selected={task.status === s}>
                    {t(`plans.status.${s}`)}
                  </option>
                ))}
              </select>
              <label for={`p-${task.id}`}>{t("plans.progress")} (%)</label>
              <input id={`p-${task.id}`} name="progress" type="number" min={0} max={100} value={task.progress} />
              <label for={`n-${task.id}`}>{t("plans.note")}</label>
              <textarea id={`n-${task.id}`} name="progressNote" maxLength={5000}>
                {task.progressNote}
              </textarea>
              <label for={`ek-${task.id}`}>{t("plans.evidence.kind")}</label>
              <select id={`ek-${task.id}`} name="evidenceKind">
                <option value="">{t("plans.choose")}</option>
                {(["article", "broadcast", "document", "link"] as const).map((k) => (
                  <option value={k}>{t(`plans.evidence.${k}`)}</option>
                ))}
              </select>
              <label for={`el-${task.id}`}>{t("plans.evidence.label")}</label>
              <input id={`el-${task.id}`} name="evidenceLabel" maxLength={300} />
              <label for={`eu-${task.id}`}>{t("plans.evidence.url")}</label>
              <input id={`eu-${task.id}`} name="evidenceUrl" maxLength={1000} />
              <button type="submit">{t("common.save")}</button>
            </form>
          </details>
        ) : null}
      </td>
    </tr>
  );
}

/** Where the plan stands on its way to approval, and the step this user may take now. */
function Approval({ ctx, plan, errors }: { ctx: PageCtx; plan: PlanWithTasks; errors?: Record<string, string> | undefined }) {
  const t = ctx.t;
  const steps = stepsFor(plan.status, ctx.user?.role);
  return (
    <section class="panel" aria-labelledby="approval-h">
      <h2 id="approval-h">{t("plans.approval")}</h2>
      <p>
        <StatusTag ctx={ctx} status={plan.status} />{" "}
        {plan.status === "submitted" && plan.submittedAt ? t("plans.submittedBy", { name: plan.submittedBy ?? "—", at: formatDateTime(plan.submittedAt) }) : null}
        {plan.status === "approved" && plan.decidedAt ? t("plans.approvedBy", { name: plan.decidedBy ?? "—", at: formatDateTime(plan.decidedAt) }) : null}
        {plan.status === "approved" && !plan.decidedAt ? t("plans.issuedOnPaper") : null}
        {plan.status === "draft" ? t("plans.draftHint") : null}
      </p>
      {plan.status === "returned" ? (
        <p class="notice" role="note">
          <strong>{t("plans.returnedBy", { name: plan.decidedBy ?? "—", at: formatDateTime(plan.decidedAt) })}</strong> {plan.returnReason}
        </p>
      ) : null}
      <ErrorSummary ctx={ctx} errors={errors} />
      {steps.includes("submit") ? (
        <form method="post" action={`/staff/plans/${plan.id}/step`}>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="step" value="submit" />
          <p class="hint">{t("plans.submitHint")}</p>
          <button type="submit">{t("plans.step.submit")}</button>
        </form>
      ) : null}
      <div class="grid2">
      {steps.includes("approve") ? (
        <form method="post" action={`/staff/plans/${plan.id}/step`}>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="step" value="approve" />
          <p class="hint">{t(plan.number ? "plans.approveHintNumbered" : "plans.approveHint")}</p>
          <button type="submit">{t("plans.step.approve")}</button>
        </form>
      ) : null}
      {steps.includes("return") ? (
        <form method="post" action={`/staff/plans/${plan.id}/step`} novalidate>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="step" value="return" />
          <TextAreaField name="reason" label={t("plans.returnReason")} hint={t("plans.returnHint")} rows={3} maxLength={1000} required error={errors?.reason} />
          <button type="submit" class="secondary">
            {t("plans.step.return")}
          </button>
        </form>
      ) : null}
      </div>
    </section>
  );
}

function PlanPage({
  ctx,
  plan,
  staff,
  canManage,
  errors,
  stepErrors,
  editErrors,
  saved,
}: {
  ctx: PageCtx;
  plan: PlanWithTasks;
  staff: { id: number; full_name: string; title: string | null }[];
  canManage: boolean;
  errors?: Record<string, string>;
  stepErrors?: Record<string, string>;
  editErrors?: Record<string, string>;
  saved?: boolean;
}) {
  const t = ctx.t;
  const editable = canManage && planEditable(plan.status);
  return (
    <Layout ctx={ctx} title={plan.title} area="staff">
      <p>
        <a href={`/staff/plans?year=${plan.year}`}>← {t("plans.title")}</a>
      </p>
      <h1>{plan.code ? `${plan.code} – ${plan.title}` : plan.title}</h1>
      <p class="muted">
        <StatusTag ctx={ctx} status={plan.status} /> · {t(`plans.kind.${plan.kind}`)} · {t("plans.year")} {plan.year}
        {plan.issuedOn ? ` · ${t("plans.issuedOn")}: ${formatDate(plan.issuedOn)}` : ""}
      </p>
      {saved ? (
        <p class="notice" role="status">
          {t("plans.saved")}
        </p>
      ) : null}
      <p>
        <a class="button secondary" href={`/staff/plans/${plan.id}/document.docx`}>
          {t("plans.docx")}
        </a>{" "}
        <a class="button secondary" href={`/staff/plans/${plan.id}/document.pdf`}>
          {t("plans.pdf")}
        </a>
      </p>
      {plan.goals ? (
        <div>
          {plan.goals
            .split(/\r?\n/)
            .filter((l) => l.trim())
            .map((l) => (
              <p>{l}</p>
            ))}
        </div>
      ) : null}
      <Progress ctx={ctx} plan={plan} />
      {plan.status !== "approved" || stepsFor(plan.status, ctx.user?.role).length ? <Approval ctx={ctx} plan={plan} errors={stepErrors} /> : null}
      <h2>{t("plans.tasks")}</h2>
      {plan.tasks.length === 0 ? (
        <p>{t("plans.noTasks")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("plans.task")}</th>
                <th scope="col">{t("plans.owner")}</th>
                <th scope="col">{t("plans.deadline")}</th>
                <th scope="col">{t("plans.status")}</th>
              </tr>
            </thead>
            <tbody>
              {plan.tasks.map((task) => (
                <TaskRow ctx={ctx} task={task} canUpdate={canManage || task.ownerUserId === ctx.user?.id} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editable ? (
        <section class="panel">
          <h2>{t("plans.addTask")}</h2>
          <ErrorSummary ctx={ctx} errors={errors} />
          <form method="post" action={`/staff/plans/${plan.id}/tasks`} novalidate>
            <CsrfField ctx={ctx} />
            <Field name="title" label={t("plans.task")} required error={errors?.title} maxLength={1000} />
            <div class="field">
              <label for="f-ownerUserId">{t("plans.ownerUser")}</label>
              <p class="hint">{t("plans.ownerHint")}</p>
              <select id="f-ownerUserId" name="ownerUserId">
                <option value="">{t("plans.choose")}</option>
                {staff.map((s) => (
                  <option value={s.id}>{s.title ? `${s.full_name} – ${s.title}` : s.full_name}</option>
                ))}
              </select>
            </div>
            <Field name="ownerUnit" label={t("plans.ownerUnit")} error={errors?.ownerUnit} maxLength={200} />
            <Field name="deadline" label={t("plans.deadline")} type="date" error={errors?.deadline} />
            <button type="submit">{t("plans.addTask")}</button>
          </form>
        </section>
      ) : null}
      {editable && plan.status !== "approved" ? (
        <details class="panel" open={editErrors ? true : undefined}>
          <summary>{t("plans.edit")}</summary>
          <ErrorSummary ctx={ctx} errors={editErrors} />
          <form method="post" action={`/staff/plans/${plan.id}`} novalidate>
            <CsrfField ctx={ctx} />
            <Field name="title" label={t("plans.titleField")} value={plan.title} required error={editErrors?.title} maxLength={500} />
            <SelectField name="kind" label={t("plans.kind")} value={plan.kind} error={editErrors?.kind} options={PLAN_KINDS.map((k) => ({ value: k, label: t(`plans.kind.${k}`) }))} />
            <Field name="year" label={t("plans.year")} value={plan.year} type="number" required error={editErrors?.year} />
            <TextAreaField name="goals" label={t("plans.goals")} value={plan.goals} maxLength={20000} error={editErrors?.goals} />
            <button type="submit">{t("common.save")}</button>
          </form>
        </details>
      ) : null}
    </Layout>
  );
}

const PlanJson = z
  .object({ id: z.number(), code: z.string().nullable(), title: z.string(), year: z.number(), kind: z.string(), status: z.enum(["draft", "submitted", "returned", "approved"]), progress: z.number(), overdueCount: z.number() })
  .passthrough();

export async function plansRoutes(app: FastifyInstance): Promise<void> {
  app.get("/staff/plans", async (req, reply) => {
    const user = requirePermission(req, "staff.dashboard");
    const q = parseWith(YearQuery, req.query, req);
    const year = q.year ?? Number(vnToday().slice(0, 4));
    const plans = await req.tx((tx) => listPlans(tx, { agencyId: user.agencyId, yearFrom: year, yearTo: year }));
    return reply.page(<PlanListPage ctx={req.pageCtx()} plans={plans} year={year} canManage={can(user.role, "plan.manage")} />);
  });

  app.post("/staff/plans", async (req, reply) => {
    const user = requirePermission(req, "plan.manage");
    const values = req.body as Record<string, string>;
    const form = parseForm(PlanInput, values, req);
    const year = Number(values.year) || Number(vnToday().slice(0, 4));
    const again = async (errors: Record<string, string>, status: number) => {
      const plans = await req.tx((tx) => listPlans(tx, { agencyId: user.agencyId, yearFrom: year, yearTo: year }));
      return reply.page(<PlanListPage ctx={req.pageCtx()} plans={plans} year={year} canManage errors={errors} values={values} />, status);
    };
    if (!form.ok) return again(form.errors, 400);
    const r = await numberTaken(req.tx((tx) => createPlan(tx, user.agencyId, form.data, actorOf(req))));
    if (r === "number_taken") return again({ number: req.t("plans.numberTaken") }, 409);
    if (typeof r === "string") throw planError(r);
    return reply.code(303).redirect(`/staff/plans/${r.id}`);
  });

  app.get("/staff/plans/:id", async (req, reply) => {
    const user = requirePermission(req, "staff.dashboard");
    const { id } = parseWith(IdParam, req.params, req);
    const r = await req.tx(async (tx) => ({ plan: await findPlan(tx, id), staff: await listAssignableStaff(tx, user.agencyId) }));
    if (!r.plan) throw notFound();
    return reply.page(<PlanPage ctx={req.pageCtx()} plan={r.plan} staff={r.staff} canManage={can(user.role, "plan.manage")} saved={(req.query as Record<string, string>).saved === "1"} />);
  });

  const loadPage = async (req: FastifyRequest, id: number) => {
    const user = req.user!;
    const r = await req.tx(async (tx) => ({ plan: await findPlan(tx, id), staff: await listAssignableStaff(tx, user.agencyId) }));
    if (!r.plan) throw notFound();
    return { plan: r.plan, staff: r.staff, canManage: can(user.role, "plan.manage") };
  };

  app.post("/staff/plans/:id", async (req, reply) => {
    requirePermission(req, "plan.manage");
    const { id } = parseWith(IdParam, req.params, req);
    const form = parseForm(PlanEdit, req.body, req);
    if (!form.ok) return reply.page(<PlanPage ctx={req.pageCtx()} {...await loadPage(req, id)} editErrors={form.errors} />, 400);
    const r = await req.tx((tx) => updatePlan(tx, id, form.data, actorOf(req)));
    if (typeof r === "string") throw planError(r);
    return reply.code(303).redirect(`/staff/plans/${id}?saved=1`);
  });

  // One route for the steps to approval; the step's own permission (PLAN_STEPS) is checked.
  app.post("/staff/plans/:id/step", async (req, reply) => {
    const { id } = parseWith(IdParam, req.params, req);
    const { step } = parseWith(StepBody, req.body, req);
    requireAccess(req, PLAN_STEPS[step].permission);
    let reason: string | undefined;
    if (step === "return") {
      const form = parseForm(PlanReturn, req.body, req);
      if (!form.ok) return reply.page(<PlanPage ctx={req.pageCtx()} {...await loadPage(req, id)} stepErrors={form.errors} />, 400);
      reason = form.data.reason;
    }
    const r = await req.tx((tx) => stepPlan(tx, id, step, actorOf(req), reason ? { reason } : {}));
    if (typeof r === "string") throw planError(r);
    return reply.code(303).redirect(`/staff/plans/${id}?saved=1`);
  });

  app.get("/staff/plans/:id/document.:format", async (req, reply) => {
    requirePermission(req, "staff.dashboard");
    const { id, format } = parseWith(DocParam, req.params, req);
    const r = await req.tx(async (tx) => {
      const plan = await findPlan(tx, id);
      return plan ? { plan, doc: await planDocument(tx, plan) } : undefined;
    });
    if (!r) throw notFound();
    const bytes = format === "docx" ? await renderDocx(r.doc) : await renderPdf(r.doc);
    const name = r.plan.code && r.plan.status === "approved" ? `ke-hoach-${r.plan.code.replace("/", "-")}-${r.plan.issuedOn?.slice(0, 4)}` : `du-thao-ke-hoach-${id}`;
    return reply.header("content-type", FORMATS[format]).header("content-disposition", `attachment; filename="${name}.${format}"`).header("cache-control", "private, no-store").send(bytes);
  });

  app.post("/staff/plans/:id/tasks", async (req, reply) => {
    const user = requirePermission(req, "plan.manage");
    const { id } = parseWith(IdParam, req.params, req);
    const form = parseForm(TaskInput, req.body, req);
    if (!form.ok) {
      const r = await req.tx(async (tx) => ({ plan: await findPlan(tx, id), staff: await listAssignableStaff(tx, user.agencyId) }));
      if (!r.plan) throw notFound();
      return reply.page(<PlanPage ctx={req.pageCtx()} plan={r.plan} staff={r.staff} canManage errors={form.errors} />, 400);
    }
    const r = await req.tx((tx) => addTask(tx, id, form.data, actorOf(req)));
    if (typeof r === "string") throw planError(r);
    return reply.code(303).redirect(`/staff/plans/${id}?saved=1#task-${r.id}`);
  });

  app.post("/staff/plans/tasks/:id", async (req, reply) => {
    const user = requirePermission(req, "staff.dashboard");
    const { id } = parseWith(IdParam, req.params, req);
    const data = parseWith(TaskProgress, req.body, req);
    const r = await req.tx(async (tx) => {
      const task = await tx.maybeOne<{ plan_id: number; owner_user_id: number | null }>("select plan_id, owner_user_id from plan_tasks where id = $1", [id]);
      if (!task) return "not_found" as const;
      if (!can(user.role, "plan.manage") && task.owner_user_id !== user.id) throw new HttpError(403, "plans.notYourTask");
      const updated = await updateTaskProgress(tx, id, data, actorOf(req));
      return typeof updated === "string" ? updated : task.plan_id;
    });
    if (typeof r === "string") throw planError(r);
    return reply.code(303).redirect(`/staff/plans/${r}?saved=1#task-${id}`);
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/plans",
    summary: "Plans of the caller's agency for a year, with their tasks and progress",
    tags: ["plans"],
    auth: "staff.dashboard",
    query: YearQuery,
    response: z.object({ items: z.array(PlanJson) }),
    handler: async ({ req, query }) => {
      const year = query.year ?? Number(vnToday().slice(0, 4));
      return { items: await req.tx((tx) => listPlans(tx, { agencyId: req.user!.agencyId, yearFrom: year, yearTo: year })) };
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/plans/:id",
    summary: "A plan with its tasks (overdue flagged)",
    tags: ["plans"],
    auth: "staff.dashboard",
    params: IdParam,
    response: PlanJson,
    errors: { 404: "No such plan in the caller's agencies" },
    handler: async ({ req, params }) => {
      const p = await req.tx((tx) => findPlan(tx, params.id));
      if (!p) throw notFound();
      return p;
    },
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/plans",
    summary: "Create a plan (optionally numbered from the register)",
    tags: ["plans"],
    auth: "plan.manage",
    body: PlanInput,
    response: PlanJson,
    successStatus: 201,
    errors: { 409: "The number is already registered" },
    handler: async ({ req, body }) => {
      const r = await numberTaken(req.tx((tx) => createPlan(tx, req.user!.agencyId, body, actorOf(req))));
      if (typeof r === "string") throw planError(r);
      return r;
    },
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/plans/:id/tasks",
    summary: "Add a task to a plan",
    tags: ["plans"],
    auth: "plan.manage",
    params: IdParam,
    body: TaskInput,
    successStatus: 201,
    errors: { 404: "No such plan" },
    handler: async ({ req, params, body }) => {
      const r = await req.tx((tx) => addTask(tx, params.id, body, actorOf(req)));
      if (typeof r === "string") throw planError(r);
      return r;
    },
  });

  for (const step of Object.keys(PLAN_STEPS) as PlanStep[]) {
    defineApi(app, {
      method: "POST",
      url: `/api/v1/plans/:id/${step}`,
      summary:
        step === "submit"
          ? "Submit a draft or returned plan to the leader for approval"
          : step === "approve"
            ? "Approve a submitted plan (leader): it takes the next KH number from the register, dated today, signed by the approver"
            : "Return a submitted plan to its writer with a reason (leader)",
      tags: ["plans"],
      auth: PLAN_STEPS[step].permission,
      params: IdParam,
      ...(step === "return" ? { body: PlanReturn } : {}),
      response: PlanJson,
      errors: { 404: "No such plan in the caller's agencies", 409: "The plan is not in a status this step starts from" },
      handler: async ({ req, params, body }) => {
        const reason = step === "return" ? (body as PlanReturn).reason : undefined;
        const r = await req.tx((tx) => stepPlan(tx, params.id, step, actorOf(req), reason ? { reason } : {}));
        if (typeof r === "string") throw planError(r);
        return r;
      },
    });
  }

  defineApi(app, {
    method: "PATCH",
    url: "/api/v1/plan-tasks/:id",
    summary: "Update a task's status, progress note and evidence (plan managers, or the official it is assigned to)",
    tags: ["plans"],
    auth: "staff.dashboard",
    params: IdParam,
    body: TaskProgress,
    errors: { 404: "No such task" },
    handler: async ({ req, params, body }) => {
      const user = req.user!;
      const r = await req.tx(async (tx) => {
        const task = await tx.maybeOne<{ owner_user_id: number | null }>("select owner_user_id from plan_tasks where id = $1", [params.id]);
        if (!task) return "not_found" as const;
        if (!can(user.role, "plan.manage") && task.owner_user_id !== user.id) throw new HttpError(403, "plans.notYourTask");
        return updateTaskProgress(tx, params.id, body, actorOf(req));
      });
      if (typeof r === "string") throw planError(r);
      return r;
    },
  });
}
