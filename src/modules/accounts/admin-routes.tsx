import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import { ROLES, STAFF_ROLES } from "../../domain/auth/roles";
import type { PageCtx } from "../../web/context";
import { parseForm, requirePermission } from "../../web/http";
import { formatDateTime } from "../../web/i18n";
import { registerNav } from "../../web/registry";
import { CsrfField, ErrorSummary, Field, Layout } from "../../web/views/layout";
import { appendAudit } from "../audit/audit";
import { createUser, NewUser } from "./users";

registerNav({ href: "/staff/users", labelKey: "staff.users", area: "staff", permission: "user.view", order: 92 });

type StaffRow = { id: number; username: string; full_name: string; role: string; title: string | null; active: boolean; last_login_at: Date | null; locked_until: Date | null };

const UserForm = NewUser.omit({ agencyId: true, isDemo: true, mustChangePassword: true }).extend({
  role: z.enum(ROLES).refine((r) => r !== "system_admin" && r !== "province_supervisor" && r !== "province_leader", "msg:users.roleNotAllowed"),
  email: z.union([z.literal(""), z.string().trim().email()]).optional(),
  phone: z.string().trim().max(20).optional(),
  title: z.string().trim().max(120).optional(),
});

function UsersPage({ ctx, rows, errors, values, created }: { ctx: PageCtx; rows: StaffRow[]; errors?: Record<string, string>; values?: Record<string, string>; created?: string }) {
  const t = ctx.t;
  const manage = can(ctx.user?.role, "user.manage");
  return (
    <Layout ctx={ctx} title={t("staff.users")} area="staff">
      <h1>{t("staff.users")}</h1>
      {created ? (
        <p class="notice" role="status">
          {t("users.created", { username: created })}
        </p>
      ) : null}
      <div class="table-wrap">
        <table>
          <caption class="muted">{ctx.user?.agencyName}</caption>
          <thead>
            <tr>
              <th scope="col">{t("users.fullName")}</th>
              <th scope="col">{t("login.username")}</th>
              <th scope="col">{t("dashboard.role")}</th>
              <th scope="col">{t("users.lastLogin")}</th>
              <th scope="col">{t("users.state")}</th>
              {manage ? <th scope="col">{t("users.actions")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>
                  {r.full_name}
                  {r.title ? <div class="muted">{r.title}</div> : null}
                </td>
                <td>{r.username}</td>
                <td>{t(`role.${r.role}`)}</td>
                <td>{formatDateTime(r.last_login_at)}</td>
                <td>
                  {!r.active ? (
                    <span class="tag bad">{t("users.inactive")}</span>
                  ) : r.locked_until && r.locked_until.getTime() > Date.now() ? (
                    <span class="tag warn">{t("users.locked")}</span>
                  ) : (
                    <span class="tag ok">{t("users.active")}</span>
                  )}
                </td>
                {manage ? (
                  <td>
                    {r.id !== ctx.user?.id ? (
                      <form method="post" action={`/staff/users/${r.id}/${r.active ? "deactivate" : "activate"}`} class="inline">
                        <CsrfField ctx={ctx} />
                        <button type="submit" class="secondary">
                          {t(r.active ? "users.deactivate" : "users.activate")}
                        </button>
                      </form>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {manage ? (
        <section aria-labelledby="new-user-h">
          <h2 id="new-user-h">{t("users.new")}</h2>
          <ErrorSummary ctx={ctx} errors={errors} />
          <form method="post" action="/staff/users" class="panel" novalidate>
            <CsrfField ctx={ctx} />
            <Field name="fullName" label={t("users.fullName")} value={values?.fullName} required error={errors?.fullName} autoComplete="off" />
            <Field name="username" label={t("login.username")} value={values?.username} required error={errors?.username} hint={t("user.usernameInvalid")} autoComplete="off" />
            <div class={`field${errors?.role ? " has-error" : ""}`}>
              <label for="f-role">{t("dashboard.role")}</label>
              {errors?.role ? <p class="error">{errors.role}</p> : null}
              <select id="f-role" name="role">
                {STAFF_ROLES.filter((r) => r !== "system_admin" && r !== "province_supervisor" && r !== "province_leader")
                  .concat(["citizen"])
                  .map((r) => (
                    <option key={r} value={r} selected={values?.role === r}>
                      {t(`role.${r}`)}
                    </option>
                  ))}
              </select>
            </div>
            <Field name="title" label={t("users.title")} value={values?.title} error={errors?.title} />
            <Field name="email" label={t("agency.email")} type="email" value={values?.email} error={errors?.email} />
            <Field name="password" label={t("password.new")} type="password" autoComplete="new-password" required error={errors?.password} hint={t("password.tooShort")} />
            <button type="submit">{t("users.create")}</button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

export async function accountAdminRoutes(app: FastifyInstance): Promise<void> {
  const list = (req: Parameters<typeof requirePermission>[0], agencyId: number) =>
    req.tx((tx) =>
      tx.query<StaffRow>(
        "select id, username, full_name, role, title, active, last_login_at, locked_until from users where agency_id = $1 order by active desc, role, full_name",
        [agencyId],
      ),
    );

  app.get("/staff/users", async (req, reply) => {
    const user = requirePermission(req, "user.view");
    const created = (req.query as Record<string, string | undefined>).created;
    return reply.page(<UsersPage ctx={req.pageCtx()} rows={await list(req, user.agencyId)} created={created} />);
  });

  app.post("/staff/users", async (req, reply) => {
    const user = requirePermission(req, "user.manage");
    const values = (req.body ?? {}) as Record<string, string>;
    const form = parseForm(UserForm, values, req);
    if (!form.ok) return reply.page(<UsersPage ctx={req.pageCtx()} rows={await list(req, user.agencyId)} errors={form.errors} values={values} />, 400);
    const taken = await app.deps.db.system((tx) => tx.maybeOne("select 1 from users where username = $1", [form.data.username]));
    if (taken) {
      return reply.page(<UsersPage ctx={req.pageCtx()} rows={await list(req, user.agencyId)} errors={{ username: req.t("users.usernameTaken") }} values={values} />, 409);
    }
    const { email, ...rest } = form.data;
    await req.tx((tx) =>
      createUser(tx, { ...rest, ...(email ? { email } : {}), agencyId: user.agencyId, isDemo: false, mustChangePassword: true }, { userId: user.id, label: user.username }),
    );
    return reply.code(303).redirect(`/staff/users?created=${encodeURIComponent(form.data.username)}`);
  });

  for (const action of ["activate", "deactivate"] as const) {
    app.post(`/staff/users/:id/${action}`, async (req, reply) => {
      const user = requirePermission(req, "user.manage");
      const id = Number((req.params as { id: string }).id);
      if (!Number.isInteger(id) || id <= 0 || id === user.id) return reply.code(303).redirect("/staff/users");
      await req.tx(async (tx) => {
        const n = await tx.exec("update users set active = $2 where id = $1 and agency_id = $3", [id, action === "activate", user.agencyId]);
        if (n === 1) {
          await appendAudit(tx, { agencyId: user.agencyId, actorUserId: user.id, actor: user.username, action: `user.${action}`, entity: "user", entityId: id });
        }
      });
      // Sessions are not a tenant table: the system context drops them.
      if (action === "deactivate") await app.deps.db.system((tx) => tx.exec("delete from sessions where user_id = $1 and agency_id = $2", [id, user.agencyId]));
      return reply.code(303).redirect("/staff/users");
    });
  }
}
