// The citizen's side of personal data protection, reached from "my dossiers": who accessed their
// data, their data to download (JSON, PDF), and requests to correct or delete it, with the answers.

import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { maskEmail, maskIdNumber, maskPhone } from "../../domain/privacy/mask";
import { REQUEST_ANSWER_HOURS } from "../../domain/privacy/rules";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { asHttpError, parseForm, redirect, requirePermission } from "../../web/http";
import { formatDateTime } from "../../web/i18n";
import { registerNav } from "../../web/registry";
import { CsrfField, ErrorSummary, Field, Layout, SelectField, TextAreaField } from "../../web/views/layout";
import { listOwnDossiers } from "../dossiers/service";
import { listAccess } from "./access-log";
import { accessInWords, buildMyData, type MyData } from "./export";
import "./messages";
import { CorrectionValues, fileRequest, listOwnRequests, RequestInput } from "./requests";

export const OWN_DATA_ACCESS = "privacy.own" as const;

registerNav({ href: "/my/data", labelKey: "privacy.my.nav", area: "public", permission: OWN_DATA_ACCESS, order: 23 });

function AccessTable({ ctx, rows }: { ctx: PageCtx; rows: MyData["accessLog"] }) {
  const t = ctx.t;
  if (rows.length === 0) return <p>{t("privacy.my.accessNone")}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("privacy.my.when")}</th>
            <th scope="col">{t("dossier.f.code")}</th>
            <th scope="col">{t("privacy.my.who")}</th>
            <th scope="col">{t("privacy.my.how")}</th>
            <th scope="col">{t("privacy.my.reason")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a, i) => (
            <tr key={`${a.at}-${i}`}>
              <td>{formatDateTime(a.at)}</td>
              <td>
                <a href={`/my/dossiers/${encodeURIComponent(a.dossierCode)}`}>{a.dossierCode}</a>
              </td>
              <td>{a.who}</td>
              <td>
                {a.kind}
                {a.whole ? "" : ` (${t("privacy.my.maskedView")})`}
              </td>
              <td>{a.reason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

async function ownAccess(app: FastifyInstance, req: FastifyRequest, userId: number): Promise<MyData["accessLog"]> {
  const entries = await req.tx(async (tx) => listAccess(tx, { dossierIds: (await listOwnDossiers(tx, userId)).map((d) => d.id) }));
  return accessInWords(app.deps.db, { userId, entries, lang: req.lang });
}

type FormState = { values: Record<string, string>; errors: Record<string, string> };

export async function privacyCitizenRoutes(app: FastifyInstance): Promise<void> {
  app.get("/my/access-log", async (req, reply) => {
    const user = requirePermission(req, OWN_DATA_ACCESS);
    const rows = await ownAccess(app, req, user.id);
    const ctx = req.pageCtx();
    return reply.page(
      <Layout ctx={ctx} title={ctx.t("privacy.my.accessTitle")}>
        <h1>{ctx.t("privacy.my.accessTitle")}</h1>
        <p class="lead">{ctx.t("privacy.my.accessIntro")}</p>
        <AccessTable ctx={ctx} rows={rows} />
        <p>
          <a href="/my/data">{ctx.t("privacy.my.nav")}</a> · <a href="/my/dossiers">{ctx.t("dossier.my.title")}</a>
        </p>
      </Layout>,
    );
  });

  async function renderData(req: FastifyRequest, userId: number, state?: FormState & { status: number }, notice?: string) {
    const { dossiers, requests } = await req.tx(async (tx) => ({ dossiers: await listOwnDossiers(tx, userId), requests: await listOwnRequests(tx, userId) }));
    const ctx = req.pageCtx();
    const t = ctx.t;
    const v = state?.values ?? {};
    const selected = v.dossier ?? ((req.query as Record<string, string | undefined>).dossier ?? "");
    const open = dossiers.filter((d) => !d.anonymisedAt);
    return {
      status: state?.status ?? 200,
      page: (
        <Layout ctx={ctx} title={t("privacy.my.title")}>
          <h1>{t("privacy.my.title")}</h1>
          {notice ? (
            <p class="notice" role="status">
              {notice}
            </p>
          ) : null}
          <p class="lead">{t("privacy.my.intro")}</p>
          <p>
            <a class="button" href="/my/data.pdf">
              {t("privacy.my.downloadPdf")}
            </a>{" "}
            <a href="/my/data.json">{t("privacy.my.downloadJson")}</a> · <a href="/my/access-log">{t("privacy.my.accessTitle")}</a>
          </p>
          <h2>{t("privacy.my.held")}</h2>
          {dossiers.length === 0 ? (
            <p>{t("dossier.my.empty")}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("dossier.f.code")}</th>
                    <th scope="col">{t("dossier.f.procedure")}</th>
                    <th scope="col">{t("dossier.f.applicant")}</th>
                  </tr>
                </thead>
                <tbody>
                  {dossiers.map((d) => (
                    <tr key={d.code}>
                      <td>
                        <a href={`/my/dossiers/${encodeURIComponent(d.code)}`}>{d.code}</a>
                      </td>
                      <td>{d.procedureName}</td>
                      <td>
                        {d.anonymisedAt
                          ? t("privacy.anonymised")
                          : [d.applicant.fullName, maskIdNumber(d.applicant.idNumber), maskPhone(d.applicant.phone), maskEmail(d.applicant.email)].filter(Boolean).join(" · ")}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>{t("privacy.my.requests")}</h2>
          {requests.length === 0 ? (
            <p>{t("privacy.my.requestsNone")}</p>
          ) : (
            <ul>
              {requests.map((r) => (
                <li key={r.id}>
                  {formatDateTime(r.createdAt)} · {r.dossierCode} · {t(`privacy.request.kind.${r.kind}`)} · <strong>{t(`privacy.request.status.${r.status}`)}</strong>
                  {r.status === "open" ? ` — ${t("privacy.my.dueBy", { at: formatDateTime(r.dueAt) })}` : r.answer ? ` — ${r.answer}` : ""}
                </li>
              ))}
            </ul>
          )}
          {open.length > 0 ? (
            <form method="post" action="/my/data/requests" class="panel" novalidate>
              <CsrfField ctx={ctx} />
              <h2>{t("privacy.my.newRequest")}</h2>
              <p class="hint">{t("privacy.my.newRequestHint", { hours: REQUEST_ANSWER_HOURS })}</p>
              <ErrorSummary ctx={ctx} errors={state?.errors} />
              <SelectField name="dossier" label={t("dossier.f.code")} value={selected} error={state?.errors.dossier} options={open.map((d) => ({ value: d.code, label: `${d.code} — ${d.procedureName}` }))} />
              <SelectField
                name="kind"
                label={t("privacy.my.kind")}
                value={v.kind ?? "correction"}
                error={state?.errors.kind}
                options={[
                  { value: "correction", label: t("privacy.request.kind.correction") },
                  { value: "deletion", label: t("privacy.request.kind.deletion") },
                ]}
              />
              <TextAreaField name="details" label={t("privacy.my.details")} value={v.details} error={state?.errors.details} rows={4} maxLength={2000} required />
              <fieldset>
                <legend>{t("privacy.my.correctTo")}</legend>
                <p class="hint">{t("privacy.my.correctToHint")}</p>
                <Field name="fullName" label={t("dossier.f.fullName")} value={v.fullName} error={state?.errors.fullName} maxLength={200} />
                <Field name="idNumber" label={t("dossier.f.idNumber")} value={v.idNumber} error={state?.errors.idNumber} inputMode="numeric" maxLength={12} />
                <Field name="phone" label={t("dossier.f.phone")} value={v.phone} error={state?.errors.phone} type="tel" maxLength={20} />
                <Field name="email" label={t("dossier.f.email")} value={v.email} error={state?.errors.email} type="email" maxLength={200} />
                <Field name="addressLine" label={t("dossier.f.addressLine")} value={v.addressLine} error={state?.errors.addressLine} maxLength={300} />
              </fieldset>
              <button type="submit">{t("privacy.my.send")}</button>
            </form>
          ) : null}
        </Layout>
      ),
    };
  }

  app.get("/my/data", async (req, reply) => {
    const user = requirePermission(req, OWN_DATA_ACCESS);
    const sent = (req.query as Record<string, unknown>).sent === "1";
    const r = await renderData(req, user.id, undefined, sent ? req.t("privacy.my.sent", { hours: REQUEST_ANSWER_HOURS }) : undefined);
    return reply.page(r.page, r.status);
  });

  app.get("/my/data.json", async (req, reply) => {
    const user = requirePermission(req, OWN_DATA_ACCESS);
    const data = await buildMyData(app.deps.db, { userId: user.id, lang: req.lang });
    return reply
      .type("application/json; charset=utf-8")
      .header("content-disposition", `attachment; filename="du-lieu-ca-nhan_${user.username}.json"`)
      .header("cache-control", "private, no-store")
      .send(JSON.stringify(data, null, 2));
  });

  app.get("/my/data.pdf", async (req, reply) => {
    const user = requirePermission(req, OWN_DATA_ACCESS);
    const data = await buildMyData(app.deps.db, { userId: user.id, lang: req.lang });
    // pdfkit loads with the first export, not with the server.
    const pdf = await (await import("./export-pdf")).renderMyDataPdf(data, req.lang);
    return reply
      .type("application/pdf")
      .header("content-disposition", `attachment; filename="du-lieu-ca-nhan_${user.username}.pdf"`)
      .header("cache-control", "private, no-store")
      .send(pdf);
  });

  app.post("/my/data/requests", async (req, reply) => {
    const user = requirePermission(req, OWN_DATA_ACCESS);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: Record<string, string> = {};
    for (const k of ["dossier", "kind", "details", "fullName", "idNumber", "phone", "email", "addressLine"]) values[k] = typeof body[k] === "string" ? (body[k] as string) : "";
    const base = parseForm(RequestInput, values, req);
    const correction = parseForm(CorrectionValues, values, req);
    const errors = { ...(base.ok ? {} : base.errors), ...(correction.ok ? {} : correction.errors) };
    if (!values.dossier) errors.dossier = req.t("dossier.err.notFound");
    if (!base.ok || !correction.ok || errors.dossier) {
      const r = await renderData(req, user.id, { values, errors, status: 400 });
      return reply.page(r.page, r.status);
    }
    try {
      await fileRequest(app.deps.db, { userId: user.id, dossierCode: values.dossier ?? "", kind: base.data.kind, details: base.data.details, requested: base.data.kind === "correction" ? correction.data : {} });
    } catch (e) {
      const he = asHttpError(e);
      if (he?.status === 404) {
        const r = await renderData(req, user.id, { values, errors: { dossier: req.t("dossier.err.notFound") }, status: 404 });
        return reply.page(r.page, r.status);
      }
      throw e;
    }
    return redirect(reply, "/my/data?sent=1");
  });

  // -------------------------------------------------------------------------------------------
  // API

  const When = z.string();
  defineApi(app, {
    method: "GET",
    url: "/api/v1/me/data",
    summary: "All the personal data held about the signed-in citizen: account, dossiers submitted from it (with ID number, history, papers, consent), who accessed them, requests",
    tags: ["privacy"],
    auth: OWN_DATA_ACCESS,
    handler: async ({ req }) => buildMyData(app.deps.db, { userId: req.user!.id, lang: req.lang }),
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/me/access-log",
    summary: "Every time a member of staff accessed the personal data of the signed-in citizen's dossiers: when, who, which dossier, how, and the reason given outside their queue",
    tags: ["privacy"],
    auth: OWN_DATA_ACCESS,
    response: z.object({ items: z.array(z.object({ at: When, dossierCode: z.string(), who: z.string(), kind: z.string(), whole: z.boolean(), reason: z.string().nullable() })) }),
    handler: async ({ req }) => ({ items: await ownAccess(app, req, req.user!.id) }),
  });
}
