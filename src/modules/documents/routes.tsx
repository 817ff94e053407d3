import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { DOC_KINDS } from "../../domain/documents/numbering";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { parseWith, requirePermission } from "../../web/http";
import { formatDate } from "../../web/i18n";
import { registerNav } from "../../web/registry";
import { Layout } from "../../web/views/layout";
import { incomingRoutes } from "./incoming-routes";
import { DocumentQuery, listDocuments, type RegisteredDocument } from "./register";

registerNav({ href: "/staff/documents", labelKey: "documents.nav", area: "staff", permission: "report.view", order: 72 });

function RegisterPage({ ctx, docs, year }: { ctx: PageCtx; docs: RegisteredDocument[]; year: number }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t("documents.title")} area="staff">
      <h1>{t("documents.title")}</h1>
      <p class="lead">{t("documents.intro")}</p>
      <form method="get" action="/staff/documents" class="search-row">
        <div class="field">
          <label for="f-year">{t("plans.year")}</label>
          <input id="f-year" name="year" type="number" min={2000} max={2100} value={year} />
        </div>
        <button type="submit" class="secondary">
          {t("plans.filter")}
        </button>
      </form>
      {docs.length === 0 ? (
        <p>{t("documents.none")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("reports.number")}</th>
                <th scope="col">{t("documents.kind")}</th>
                <th scope="col">{t("plans.issuedOn")}</th>
                <th scope="col">{t("reports.subject")}</th>
              </tr>
            </thead>
            <tbody>
              {docs.map((d) => (
                <tr key={d.id}>
                  <td>
                    {d.entity === "report" && d.entityId ? (
                      <a href={`/staff/reports/${d.entityId}`}>{d.code}</a>
                    ) : d.entity === "plan" && d.entityId ? (
                      <a href={`/staff/plans/${d.entityId}`}>{d.code}</a>
                    ) : (
                      d.code
                    )}
                  </td>
                  <td>{(DOC_KINDS as Record<string, string>)[d.kind] ?? d.kind}</td>
                  <td>{formatDate(d.issuedOn)}</td>
                  <td>{d.subject}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

const DocJson = z.object({ id: z.number(), code: z.string(), kind: z.string(), number: z.number(), symbol: z.string(), year: z.number(), issuedOn: z.string(), subject: z.string() }).passthrough();

export async function documentsRoutes(app: FastifyInstance): Promise<void> {
  await incomingRoutes(app);
  app.get("/staff/documents", async (req, reply) => {
    const user = requirePermission(req, "report.view");
    const q = parseWith(DocumentQuery, req.query, req);
    const year = q.year ?? new Date().getUTCFullYear();
    const docs = await req.tx((tx) => listDocuments(tx, user.agencyId, { ...q, year }));
    return reply.page(<RegisterPage ctx={req.pageCtx()} docs={docs} year={year} />);
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/documents",
    summary: "The register of outgoing documents of the caller's agency (number per agency, year and kind)",
    tags: ["documents"],
    auth: "report.view",
    query: DocumentQuery,
    response: z.object({ items: z.array(DocJson) }),
    handler: async ({ req, query }) => ({ items: await req.tx((tx) => listDocuments(tx, req.user!.agencyId, query)) }),
  });
}
