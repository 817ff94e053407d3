// Field → specialist assignment rules of an agency: the page (one form for every field, works
// without JavaScript) and the JSON API. The service (setAssignmentRule) writes the rule and its
// audit entry; this file decides which fields and which people are valid choices.

import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import type { ActorRole } from "../../domain/dossiers/state-machine";
import type { Tx } from "../../db/scope";
import { defineApi } from "../../web/api";
import type { CurrentUser, PageCtx } from "../../web/context";
import { forbidden, HttpError, requirePermission, requireUser } from "../../web/http";
import { registerNav } from "../../web/registry";
import { CsrfField, Layout } from "../../web/views/layout";
import { listOfferedProcedures } from "../catalog/service";
import "./rules-messages";
import { type DossierActor, listAssignmentRules, listStaff, setAssignmentRule } from "./service";

const PAGE = "/staff/dossiers/rules";

registerNav(
  { href: PAGE, labelKey: "dossier.rules.nav", area: "staff", permission: "dossier.rules", order: 23 },
  // Desk officers read the rules (they tell the applicant who will handle the dossier). Only they
  // hold dossier.receive and none of them holds dossier.rules, so nobody sees the entry twice.
  { href: PAGE, labelKey: "dossier.rules.nav", area: "staff", permission: "dossier.receive", order: 23 },
);

/** Who may read the rules: those who may change them, and those who assign dossiers by hand. */
function requireViewer(req: FastifyRequest): CurrentUser {
  const user = requireUser(req);
  if (!can(user.role, "dossier.rules") && !can(user.role, "dossier.assign")) throw forbidden();
  return user;
}

function actorOf(user: CurrentUser): DossierActor {
  return { userId: user.id, role: user.role as ActorRole, label: user.username, agencyId: user.agencyId };
}

// ---------------------------------------------------------------------------------------------
// Data

type Specialist = { id: number; fullName: string; title: string | null };

export type FieldRule = {
  field: string;
  /** Procedures of the field the agency offers; 0 for a rule left on a field no longer offered. */
  procedures: number;
  assignee: { userId: number; name: string; active: boolean } | null;
};

type RulesView = { rows: FieldRule[]; specialists: Specialist[] };

async function loadRules(tx: Tx, agencyId: number): Promise<RulesView> {
  const offered = await listOfferedProcedures(tx, { agencyId });
  const rules = await listAssignmentRules(tx, agencyId);
  const specialists = (await listStaff(tx, { agencyId, roles: ["specialist"] })).map(({ id, fullName, title }) => ({ id, fullName, title }));
  const counts = new Map<string, number>();
  for (const p of offered) counts.set(p.field, (counts.get(p.field) ?? 0) + 1);
  // A rule on a field the agency stopped offering stays listed, so that it can be removed.
  for (const r of rules) if (!counts.has(r.field)) counts.set(r.field, 0);
  const byField = new Map(rules.map((r) => [r.field, r]));
  const active = new Set(specialists.map((s) => s.id));
  const rows = [...counts]
    .sort(([a], [b]) => a.localeCompare(b, "vi"))
    .map(([field, procedures]): FieldRule => {
      const r = byField.get(field);
      return { field, procedures, assignee: r ? { userId: r.userId, name: r.userName, active: active.has(r.userId) } : null };
    });
  return { rows, specialists };
}

/** `unreadable`: the form sent something that is no user id (a tampered select). */
type RuleChange = { field: string; userId: number | null; unreadable?: boolean };
type RuleProblem = { field: string; kind: "field" | "user" };

/**
 * Checks every change first and writes only when all are valid, so a form with one bad row saves
 * nothing. A specialist must be active and of this agency; a field must be offered (or already
 * carry a rule, which may then be removed). Returns how many rules actually changed.
 */
async function saveRules(
  tx: Tx,
  o: { agencyId: number; changes: readonly RuleChange[]; actor: DossierActor },
): Promise<{ problems: RuleProblem[]; saved: number; view: RulesView }> {
  const view = await loadRules(tx, o.agencyId);
  const rows = new Map(view.rows.map((r) => [r.field, r]));
  const specialists = new Set(view.specialists.map((s) => s.id));
  const problems: RuleProblem[] = [];
  for (const c of o.changes) {
    const row = rows.get(c.field);
    if (!row) problems.push({ field: c.field, kind: "field" });
    else if (c.unreadable || (c.userId !== null && c.userId !== row.assignee?.userId && !specialists.has(c.userId))) problems.push({ field: c.field, kind: "user" });
  }
  if (problems.length) return { problems, saved: 0, view };
  let saved = 0;
  for (const c of o.changes) {
    if ((rows.get(c.field)?.assignee?.userId ?? null) === c.userId) continue;
    await setAssignmentRule(tx, { agencyId: o.agencyId, field: c.field, userId: c.userId, actor: o.actor });
    saved++;
  }
  return { problems, saved, view };
}

function problemMessage(req: { t: PageCtx["t"] }, p: RuleProblem): string {
  return req.t(p.kind === "field" ? "dossier.rules.err.field" : "dossier.rules.err.user", { field: p.field });
}

// ---------------------------------------------------------------------------------------------
// Page

const MAX_ROWS = 1000;
const MAX_USER_ID = 2_147_483_647;

/** A select's value: "" is no automatic assignment; anything else a user id. */
const UserChoice = z.union([
  z.literal("").transform(() => null),
  z
    .string()
    .regex(/^\d{1,10}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_USER_ID)),
]);
const FormRow = z.object({ field: z.string().min(1).max(300), was: UserChoice });

type Submitted = { values: Map<string, string>; problems: RuleProblem[]; formError: boolean };

function RulesPage(p: { ctx: PageCtx; view: RulesView; submitted?: Submitted; saved?: number }) {
  const { ctx, view } = p;
  const t = ctx.t;
  const manage = can(ctx.user?.role, "dossier.rules");
  const rowError = new Map((p.submitted?.problems ?? []).filter((x) => x.kind === "user").map((x) => [x.field, problemMessage(ctx, x)]));
  // Messages without a control of their own are listed as plain text, the others link to their select.
  const plain: string[] = [];
  const linked: [string, string][] = [];
  if (p.submitted) {
    plain.push(t("dossier.rules.err.invalid"));
    if (p.submitted.formError) plain.push(t("dossier.rules.err.form"));
    for (const x of p.submitted.problems) if (x.kind === "field") plain.push(problemMessage(ctx, x));
    view.rows.forEach((r, i) => {
      const m = rowError.get(r.field);
      if (m) linked.push([`f-user_${i}`, m]);
    });
  }
  const table = (
    <div class="table-wrap">
      <table>
        <caption class="muted">{ctx.user?.agencyName}</caption>
        <thead>
          <tr>
            <th scope="col">{t("dossier.rules.field")}</th>
            <th scope="col">{t("dossier.rules.procedures")}</th>
            <th scope="col">{t("dossier.rules.current")}</th>
            {manage ? <th scope="col">{t("dossier.rules.choose")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {view.rows.map((r, i) => (
            <RuleRow key={r.field} ctx={ctx} row={r} index={i} manage={manage} specialists={view.specialists} value={p.submitted?.values.get(r.field)} error={rowError.get(r.field)} />
          ))}
        </tbody>
      </table>
    </div>
  );
  return (
    <Layout ctx={ctx} title={t("dossier.rules.title")} area="staff">
      <h1>{t("dossier.rules.title")}</h1>
      <p class="lead">{t("dossier.rules.lead")}</p>
      {p.saved !== undefined ? (
        <p class="notice" role="status">
          {p.saved > 0 ? t("dossier.rules.saved", { n: p.saved }) : t("dossier.rules.unchanged")}
        </p>
      ) : null}
      {manage ? null : <p class="muted">{t("dossier.rules.readOnly")}</p>}
      {p.submitted ? (
        <div class="error-summary" role="alert" tabIndex={-1}>
          <h2>{t("error.validation")}</h2>
          <ul>
            {plain.map((m, i) => (
              <li key={`${i}`}>{m}</li>
            ))}
            {linked.map(([id, m]) => (
              <li key={id}>
                <a href={`#${id}`}>{m}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {view.rows.length === 0 ? <p>{t("dossier.rules.empty")}</p> : manage ? (
        <form method="post" action={PAGE} class="panel" novalidate>
          <CsrfField ctx={ctx} />
          {view.specialists.length === 0 ? <p class="muted">{t("dossier.rules.noSpecialists")}</p> : null}
          {table}
          <button type="submit">{t("dossier.rules.save")}</button>
        </form>
      ) : (
        table
      )}
    </Layout>
  );
}

function RuleRow(p: { ctx: PageCtx; row: FieldRule; index: number; manage: boolean; specialists: Specialist[]; value: string | undefined; error: string | undefined }) {
  const { ctx, row: r, index: i } = p;
  const t = ctx.t;
  const id = `f-user_${i}`;
  const current = r.assignee ? String(r.assignee.userId) : "";
  const selected = p.value ?? current;
  return (
    <tr>
      <th scope="row">
        {r.field}
        {r.procedures === 0 ? <div class="muted">{t("dossier.rules.notOffered")}</div> : null}
      </th>
      <td>{r.procedures}</td>
      <td>
        {r.assignee ? (
          <>
            {r.assignee.name}
            {r.assignee.active ? null : <div class="error">{t("dossier.rules.inactive", { name: r.assignee.name })}</div>}
          </>
        ) : (
          <span class="muted">{t("dossier.rules.none")}</span>
        )}
      </td>
      {p.manage ? (
        <td class={p.error ? "has-error" : undefined}>
          <input type="hidden" name={`field_${i}`} value={r.field} />
          <input type="hidden" name={`was_${i}`} value={current} />
          <label for={id} class="sr-only">
            {t("dossier.rules.chooseFor", { field: r.field })}
          </label>
          {p.error ? (
            <p class="error" id={`${id}-error`}>
              {p.error}
            </p>
          ) : null}
          <select id={id} name={`user_${i}`} aria-invalid={p.error ? "true" : undefined} aria-describedby={p.error ? `${id}-error` : undefined}>
            <option value="" selected={selected === ""}>
              {t("dossier.rules.none")}
            </option>
            {r.assignee && !r.assignee.active ? (
              // Kept as a choice so that saving other rows does not silently drop this rule.
              <option value={current} selected={selected === current}>
                {t("dossier.rules.inactive", { name: r.assignee.name })}
              </option>
            ) : null}
            {p.specialists.map((s) => (
              <option key={s.id} value={String(s.id)} selected={selected === String(s.id)}>
                {s.title ? `${s.fullName} — ${s.title}` : s.fullName}
              </option>
            ))}
          </select>
        </td>
      ) : null}
    </tr>
  );
}

/**
 * The form's rows (field_i, was_i = the rule shown when the page was drawn, user_i) that the user
 * changed, and what each select sent, to show the form again. A row whose field or "was" cannot be
 * read makes the whole form unreadable (it did not come from our page).
 */
function formChanges(body: Record<string, unknown>): { changes: RuleChange[]; values: Map<string, string>; formError: boolean } {
  const changes: RuleChange[] = [];
  const values = new Map<string, string>();
  const indices = Object.keys(body)
    .map((k) => /^field_(\d{1,4})$/.exec(k)?.[1])
    .filter((i): i is string => i !== undefined);
  if (indices.length > MAX_ROWS) return { changes, values, formError: true };
  let formError = false;
  for (const i of indices) {
    const head = FormRow.safeParse({ field: body[`field_${i}`], was: body[`was_${i}`] ?? "" });
    if (!head.success) {
      formError = true;
      continue;
    }
    const field = head.data.field.normalize("NFC");
    const raw = body[`user_${i}`] ?? "";
    values.set(field, typeof raw === "string" ? raw : "");
    const user = UserChoice.safeParse(raw);
    if (!user.success) changes.push({ field, userId: null, unreadable: true });
    // Only the rows the user changed: a rule someone else set meanwhile on an untouched row stays.
    else if (user.data !== head.data.was) changes.push({ field, userId: user.data });
  }
  return { changes, values, formError };
}

// ---------------------------------------------------------------------------------------------
// Routes

const ApiRule = z.object({
  field: z.string(),
  procedures: z.number().int(),
  userId: z.number().int().nullable(),
  userName: z.string().nullable(),
  userActive: z.boolean().nullable(),
});

function apiRule(r: FieldRule): z.infer<typeof ApiRule> {
  return { field: r.field, procedures: r.procedures, userId: r.assignee?.userId ?? null, userName: r.assignee?.name ?? null, userActive: r.assignee?.active ?? null };
}

export async function assignmentRulesRoutes(app: FastifyInstance): Promise<void> {
  app.get(PAGE, async (req, reply) => {
    const user = requireViewer(req);
    const q = req.query as Record<string, string | undefined>;
    const view = await req.tx((tx) => loadRules(tx, user.agencyId));
    const saved = /^\d{1,4}$/.test(q.saved ?? "") ? Number(q.saved) : undefined;
    return reply.page(<RulesPage ctx={req.pageCtx()} view={view} {...(saved !== undefined ? { saved } : {})} />);
  });

  app.post(PAGE, async (req, reply) => {
    const user = requirePermission(req, "dossier.rules");
    const body = req.body && typeof req.body === "object" ? (req.body as Record<string, unknown>) : {};
    const { changes, values, formError } = formChanges(body);
    const result = await req.tx(async (tx) =>
      formError ? { problems: [], saved: 0, view: await loadRules(tx, user.agencyId) } : saveRules(tx, { agencyId: user.agencyId, changes, actor: actorOf(user) }),
    );
    if (formError || result.problems.length) {
      return reply.page(<RulesPage ctx={req.pageCtx()} view={result.view} submitted={{ values, problems: result.problems, formError }} />, 422);
    }
    return reply.code(303).redirect(`${PAGE}?saved=${result.saved}`);
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/assignment-rules",
    summary:
      "Fields in which the caller's agency offers procedures, each with its automatic assignee (or null), and the agency's active specialists. Leaders, commune administrators and desk officers.",
    tags: ["dossiers"],
    auth: "authenticated",
    response: z.object({ rules: z.array(ApiRule), specialists: z.array(z.object({ id: z.number().int(), fullName: z.string(), title: z.string().nullable() })) }),
    handler: async ({ req }) => {
      const user = requireViewer(req);
      const view = await req.tx((tx) => loadRules(tx, user.agencyId));
      return { rules: view.rows.map(apiRule), specialists: view.specialists };
    },
  });

  defineApi(app, {
    method: "PUT",
    url: "/api/v1/assignment-rules/:field",
    summary: "Set the specialist who gets new dossiers of a field of the caller's agency, or null for no automatic assignment. Audited.",
    tags: ["dossiers"],
    auth: "dossier.rules",
    params: z.object({ field: z.string().min(1).max(300) }),
    body: z.object({ userId: z.number({ error: "msg:dossier.rules.err.userId" }).int().min(1).max(MAX_USER_ID).nullable() }),
    response: z.object({ rule: ApiRule, changed: z.boolean() }),
    errors: { 422: "The field is not offered by the agency, or the user is not one of its active specialists" },
    handler: async ({ req, params, body }) => {
      const user = requireUser(req);
      const field = params.field.normalize("NFC");
      return req.tx(async (tx) => {
        const r = await saveRules(tx, { agencyId: user.agencyId, changes: [{ field, userId: body.userId }], actor: actorOf(user) });
        const problem = r.problems[0];
        if (problem) {
          const key = problem.kind === "field" ? "dossier.rules.err.field" : "dossier.rules.err.user";
          throw new HttpError(422, key, { field }, [{ path: problem.kind === "field" ? "field" : "userId", message: problemMessage(req, problem) }]);
        }
        const row = r.saved ? (await loadRules(tx, user.agencyId)).rows.find((x) => x.field === field) : r.view.rows.find((x) => x.field === field);
        return { rule: apiRule(row ?? { field, procedures: 0, assignee: null }), changed: r.saved > 0 };
      });
    },
  });
}
