import type { FastifyInstance } from "fastify";
import type { Access } from "../../domain/auth/permissions";
import { requireAccess } from "../../web/http";
import { formatDateTime } from "../../web/i18n";
import { registerNav } from "../../web/registry";
import { Layout } from "../../web/views/layout";
import { findLastVerification } from "./integrity";
import { listAuditLines } from "./lines";

/** Who opens the audit log: its route, its menu entry and the dashboard's link use this. */
export const AUDIT_ACCESS = "audit.view" as const satisfies Access;

registerNav({ href: "/staff/audit", labelKey: "audit.title", area: "staff", permission: AUDIT_ACCESS, order: 95 });

export async function auditRoutes(app: FastifyInstance): Promise<void> {
  app.get("/staff/audit", async (req, reply) => {
    requireAccess(req, AUDIT_ACCESS);
    const ctx = req.pageCtx();
    const rows = await req.tx((tx) => listAuditLines(tx, { limit: 200, words: { t: ctx.t, lang: ctx.lang } }));
    // The last integrity check, for those who answer for the installation.
    const check = req.user?.role === "system_admin" ? await app.deps.db.system((tx) => findLastVerification(tx)) : undefined;
    const t = ctx.t;
    return reply.page(
      <Layout ctx={ctx} title={t("audit.title")} area="staff">
        <h1>{t("audit.title")}</h1>
        {req.user?.role === "system_admin" ? (
          check ? (
            <p class={`notice${check.ok ? "" : " warn"}`} role={check.ok ? "status" : "alert"}>
              {check.ok
                ? t("audit.integrity.ok", { at: formatDateTime(check.at), rows: check.rows })
                : t("audit.integrity.failed", { at: formatDateTime(check.at), n: check.problems.length })}
            </p>
          ) : (
            <p class="notice warn">{t("audit.integrity.never")}</p>
          )
        ) : null}
        {rows.length === 0 ? (
          <p>{t("common.none")}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("audit.at")}</th>
                  <th scope="col">{t("audit.actor")}</th>
                  <th scope="col">{t("audit.action")}</th>
                  <th scope="col">{t("audit.record")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>{formatDateTime(r.at)}</td>
                    <td>{r.actor}</td>
                    <td>{r.action}</td>
                    <td>{r.record}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Layout>,
    );
  });
}
