import type { FastifyInstance } from "fastify";
import type { Access } from "../../domain/auth/permissions";
import { requireAccess } from "../../web/http";
import { formatDateTime } from "../../web/i18n";
import { registerNav } from "../../web/registry";
import { Layout } from "../../web/views/layout";

/** Who opens the audit log: its route, its menu entry and the dashboard's link use this. */
export const AUDIT_ACCESS = "audit.view" as const satisfies Access;

registerNav({ href: "/staff/audit", labelKey: "audit.title", area: "staff", permission: AUDIT_ACCESS, order: 95 });

export async function auditRoutes(app: FastifyInstance): Promise<void> {
  app.get("/staff/audit", async (req, reply) => {
    requireAccess(req, AUDIT_ACCESS);
    const rows = await req.tx((tx) =>
      tx.query<{ at: Date; actor: string; action: string; entity: string; entity_id: string; agency_id: number }>(
        "select at, actor, action, entity, entity_id, agency_id from audit_log order by at desc, id desc limit 200",
      ),
    );
    const ctx = req.pageCtx();
    const t = ctx.t;
    return reply.page(
      <Layout ctx={ctx} title={t("audit.title")} area="staff">
        <h1>{t("audit.title")}</h1>
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
                {rows.map((r, i) => (
                  <tr key={i}>
                    <td>{formatDateTime(r.at)}</td>
                    <td>{r.actor}</td>
                    <td>{r.action}</td>
                    <td>
                      {r.entity} #{r.entity_id}
                    </td>
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
