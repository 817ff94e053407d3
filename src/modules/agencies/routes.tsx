import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { notFound, parseForm, requirePermission } from "../../web/http";
import { registerNav } from "../../web/registry";
import { CsrfField, ErrorSummary, Field, Layout } from "../../web/views/layout";
import { type Agency, AgencyQuery, AgencyUpdate, findAgency, listAgencies, updateAgency } from "./agencies";

registerNav({ href: "/staff/agency", labelKey: "agency.settings", area: "staff", permission: "agency.edit", order: 90 });

const AgencyListResponse = z.object({
  total: z.number(),
  items: z.array(z.object({ code: z.string(), gsoCode: z.string().nullable(), name: z.string(), unitName: z.string(), kind: z.string(), parent: z.string().nullable() })),
});

function AgencyForm({ ctx, agency, errors, saved, values }: { ctx: PageCtx; agency: Agency; errors?: Record<string, string>; saved?: boolean; values?: Record<string, string> }) {
  const t = ctx.t;
  const v = values ?? {
    code: agency.code,
    name: agency.name,
    address: agency.address ?? "",
    phone: agency.phone ?? "",
    email: agency.email ?? "",
    workingHours: agency.working_hours ?? "",
  };
  return (
    <Layout ctx={ctx} title={t("agency.settings")} area="staff">
      <h1>{t("agency.settings")}</h1>
      <p class="lead">
        {agency.unit_name}
        {agency.gso_code ? ` · ${t("agency.gso")}: ${agency.gso_code}` : ""}
      </p>
      {saved ? (
        <p class="notice" role="status">
          {t("agency.saved")}
        </p>
      ) : null}
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action="/staff/agency" class="panel" novalidate>
        <CsrfField ctx={ctx} />
        <Field name="code" label={t("agency.code")} value={v.code} required error={errors?.code} />
        <Field name="name" label={t("agency.name")} value={v.name} required error={errors?.name} />
        <Field name="address" label={t("home.address")} value={v.address} error={errors?.address} />
        <Field name="phone" label={t("home.phone")} value={v.phone} type="tel" inputMode="tel" error={errors?.phone} />
        <Field name="email" label={t("agency.email")} value={v.email} type="email" error={errors?.email} />
        <Field name="workingHours" label={t("home.hours")} value={v.workingHours} error={errors?.workingHours} />
        <button type="submit">{t("common.save")}</button>
      </form>
    </Layout>
  );
}

export async function agenciesRoutes(app: FastifyInstance): Promise<void> {
  defineApi(app, {
    method: "GET",
    url: "/api/v1/agencies",
    summary: "List agencies (provinces, communes), filtered by parent code and a name match that ignores diacritics",
    tags: ["agencies"],
    auth: "public",
    query: AgencyQuery,
    response: AgencyListResponse,
    handler: async ({ req, query }) => req.tx((tx) => listAgencies(tx, query)),
  });

  app.get("/staff/agency", async (req, reply) => {
    const user = requirePermission(req, "agency.edit");
    const agency = await req.tx((tx) => findAgency(tx, user.agencyId));
    if (!agency) throw notFound();
    return reply.page(<AgencyForm ctx={req.pageCtx()} agency={agency} saved={(req.query as Record<string, string>).saved === "1"} />);
  });

  app.post("/staff/agency", async (req, reply) => {
    const user = requirePermission(req, "agency.edit");
    const agency = await req.tx((tx) => findAgency(tx, user.agencyId));
    if (!agency) throw notFound();
    const form = parseForm(AgencyUpdate, req.body, req);
    const values = req.body as Record<string, string>;
    if (!form.ok) return reply.page(<AgencyForm ctx={req.pageCtx()} agency={agency} errors={form.errors} values={values} />, 400);
    const r = await req.tx((tx) => updateAgency(tx, agency.id, form.data, { userId: user.id, label: user.username }));
    if (r === "code_taken") return reply.page(<AgencyForm ctx={req.pageCtx()} agency={agency} errors={{ code: req.t("agency.codeTaken") }} values={values} />, 409);
    if (r === "not_found") throw notFound();
    return reply.code(303).redirect("/staff/agency?saved=1");
  });
}
