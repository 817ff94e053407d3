// Staff page to abolish a procedure from a date (the decision's number and date, a reason), and
// its JSON API. The abolition is announced on the portal of every agency that offers it, as an
// import's would be (importer.ts abolishProcedure).
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { VNode } from "preact";
import { z } from "zod";
import { ProcedureCode } from "../../domain/catalog/model";
import { DomainError } from "../../domain/errors";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { asHttpError, parseWith, redirect, requireAccess } from "../../web/http";
import { formatDate, formatNumber } from "../../web/i18n";
import { CsrfField, ErrorSummary, Field, Layout, TextAreaField } from "../../web/views/layout";
import { abolishProcedure } from "./importer";
import "./import-messages";
import { importingAgencyOf } from "./imports";
import { invalidateCatalogSearch } from "./search-cache";
import { findProcedureInForce } from "./service";
import { CATALOG_MANAGE, DecisionFields, decisionOf } from "./staff-import";

const AbolishBody = z
  .object({
    ...DecisionFields,
    effectiveOn: z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      z
        .string()
        .trim()
        .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "msg:catalog.abolish.err.date" })
        .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s) && s >= "2000-01-01" && s <= "2100-12-31", {
          message: "msg:catalog.abolish.err.date",
        })
        .optional(),
    ),
    reason: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().trim().max(1000, { message: "msg:catalog.abolish.err.reason" }).optional()),
  })
  .refine((f) => !f.decisionDate || f.decision, { message: "msg:catalog.import.err.dateWithoutDecision", path: ["decision"] });
type AbolishBody = z.infer<typeof AbolishBody>;

const CodeParams = z.object({ code: z.string().max(60, "msg:catalog.error.badCode").regex(/^\d\.\d{6}(?:\.[A-Z0-9]+)*$/, "msg:catalog.error.badCode") });
const PageQuery = z.object({
  code: z.preprocess((v) => (typeof v === "string" ? v.trim().toUpperCase() : v), z.string().max(60).optional()),
  done: z.string().max(10).optional(),
  lang: z.string().optional(),
});

type Target = {
  code: string;
  name: string;
  field: string;
  versionNo: number;
  effectiveFrom: string;
  abolishedOn: string | null;
  /** Agencies offering it (explicitly, or communes in use by default): who will be told. */
  offeredBy: number;
};

async function findTarget(req: FastifyRequest, code: string): Promise<Target | undefined> {
  return req.tx(async (tx) => {
    const v = await findProcedureInForce(tx, code);
    if (!v) return undefined;
    const n = await tx.one<{ n: number }>(
      `select count(*)::int as n from (
         select agency_id from agency_procedures where procedure_id = $1 and enabled
         union
         select a.id from agencies a join procedures p on p.id = $1 and p.commune_default
         where a.kind = 'commune' and exists (select 1 from users u where u.agency_id = a.id)
           and not exists (select 1 from agency_procedures ap where ap.agency_id = a.id and ap.procedure_id = $1)) x`,
      [v.procedureId],
    );
    return { code, name: v.procedure.name, field: v.procedure.field, versionNo: v.versionNo, effectiveFrom: v.effectiveFrom, abolishedOn: v.abolishedOn, offeredBy: n.n };
  });
}

function AbolishPage({
  ctx,
  code,
  target,
  today,
  values,
  errors,
  done,
}: {
  ctx: PageCtx;
  code: string | undefined;
  target: Target | undefined;
  today: string;
  values: Record<string, string>;
  errors?: Record<string, string> | undefined;
  done?: boolean;
}): VNode {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={target ? t("catalog.abolish.pageTitle", { name: target.name }) : t("catalog.abolish.title")} area="staff">
      <p class="muted">
        <a href="/staff/catalog/imports">{t("catalog.import.title")}</a>
      </p>
      <h1>{target ? t("catalog.abolish.pageTitle", { name: target.name }) : t("catalog.abolish.title")}</h1>
      <form method="get" action="/staff/catalog/abolish" class="search-row">
        <Field name="code" label={t("catalog.code")} value={code ?? ""} maxLength={60} />
        <button type="submit" class="secondary">
          {t("catalog.abolish.find")}
        </button>
      </form>
      {code && !target ? (
        <p class="notice warn" role="alert">
          {t("catalog.abolish.unknown", { code })}
        </p>
      ) : null}
      {target ? (
        <>
          {done && target.abolishedOn ? (
            <p class="notice" role="status">
              {t("catalog.abolish.done", { date: formatDate(target.abolishedOn), n: formatNumber(target.offeredBy) })}
            </p>
          ) : null}
          <dl class="proc-facts">
            <dt>{t("catalog.code")}</dt>
            <dd>
              {target.code} · <a href={`/procedures/${encodeURIComponent(target.code)}`}>{t("catalog.terms.publicPage")}</a>
            </dd>
            <dt>{t("catalog.field")}</dt>
            <dd>{target.field || "—"}</dd>
            <dt>{t("catalog.abolish.version")}</dt>
            <dd>{t("catalog.abolish.versionText", { n: target.versionNo, date: formatDate(target.effectiveFrom) })}</dd>
            <dt>{t("catalog.abolish.audience")}</dt>
            <dd>{t("catalog.abolish.audienceText", { n: formatNumber(target.offeredBy) })}</dd>
          </dl>
          {target.abolishedOn ? (
            !done ? (
              <p class="notice warn" role="status">
                {t("catalog.abolish.already", { code: target.code, date: formatDate(target.abolishedOn) })}
              </p>
            ) : null
          ) : (
            <form method="post" action="/staff/catalog/abolish" class="panel" novalidate data-confirm={t("catalog.abolish.confirm", { name: target.name })}>
              <CsrfField ctx={ctx} />
              <input type="hidden" name="code" value={target.code} />
              <ErrorSummary ctx={ctx} errors={errors} />
              <Field name="effectiveOn" label={t("catalog.abolish.effectiveOn")} hint={t("catalog.abolish.effectiveHint")} type="date" value={values.effectiveOn ?? today} error={errors?.effectiveOn} />
              <Field name="decision" label={t("catalog.import.decision")} hint={t("catalog.import.decisionHint")} value={values.decision} error={errors?.decision} maxLength={100} />
              <Field name="decisionDate" label={t("catalog.import.decisionDate")} type="date" value={values.decisionDate} error={errors?.decisionDate} />
              <TextAreaField name="reason" label={t("catalog.abolish.reason")} hint={t("catalog.abolish.reasonHint")} value={values.reason} rows={2} maxLength={1000} error={errors?.reason} />
              <p class="notice warn" role="note">
                {t("catalog.abolish.warning")}
              </p>
              <button type="submit">{t("catalog.abolish.submit")}</button>
            </form>
          )}
        </>
      ) : null}
    </Layout>
  );
}

export async function catalogAbolishRoutes(app: FastifyInstance): Promise<void> {
  const db = app.deps.db;
  const today = (req: FastifyRequest) => req.tx((tx) => tx.one<{ d: string }>("select to_char((now() at time zone 'Asia/Ho_Chi_Minh')::date, 'YYYY-MM-DD') as d")).then((r) => r.d);

  /** Runs the abolition as the catalog's owner (the province above the caller), audited on both. */
  async function abolish(req: FastifyRequest, code: string, body: AbolishBody) {
    const user = requireAccess(req, CATALOG_MANAGE);
    const owner = await req.tx((tx) => importingAgencyOf(tx, user.agencyId));
    const r = await db.system((tx) =>
      abolishProcedure(tx, {
        code,
        agencyId: owner.id,
        actor: user.username,
        actorUserId: user.id,
        actorAgencyId: user.agencyId,
        ...(body.effectiveOn ? { effectiveOn: body.effectiveOn } : {}),
        decision: decisionOf(body),
        reason: body.reason ?? null,
      }),
    );
    invalidateCatalogSearch(db);
    return r;
  }

  app.get("/staff/catalog/abolish", async (req, reply) => {
    requireAccess(req, CATALOG_MANAGE);
    const q = parseWith(PageQuery, req.query, req);
    const code = q.code && ProcedureCode.safeParse(q.code).success ? q.code : q.code ? q.code.slice(0, 60) : undefined;
    const target = code && ProcedureCode.safeParse(code).success ? await findTarget(req, code) : undefined;
    return reply.page(<AbolishPage ctx={req.pageCtx()} code={code} target={target} today={await today(req)} values={{}} done={q.done === "1"} />, code && !target ? 404 : 200);
  });

  app.post("/staff/catalog/abolish", async (req, reply) => {
    requireAccess(req, CATALOG_MANAGE);
    const values = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    const code = (values.code ?? "").trim();
    const target = ProcedureCode.safeParse(code).success ? await findTarget(req, code) : undefined;
    const again = async (errors: Record<string, string>, status: number) =>
      reply.page(<AbolishPage ctx={req.pageCtx()} code={code || undefined} target={target} today={await today(req)} values={values} errors={errors} />, status);
    if (!target) return again({}, 404);
    const parsed = AbolishBody.safeParse(values);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const i of parsed.error.issues) {
        const k = String(i.path[0] ?? "_");
        if (!(k in errors)) errors[k] = i.message.startsWith("msg:") ? req.t(i.message.slice(4)) : i.message;
      }
      return again(errors, 422);
    }
    try {
      await abolish(req, code, parsed.data);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const he = asHttpError(e)!;
      return again({ effectiveOn: req.t(he.messageKey, he.vars) }, he.status);
    }
    return redirect(reply, `/staff/catalog/abolish?code=${encodeURIComponent(code)}&done=1`);
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/catalog/procedures/:code/abolish",
    summary:
      "Abolish a procedure from a date (default today), citing the decision; announced on the portal of every agency that offers it. The versions end that day; the public sees it as abolished from then.",
    tags: ["catalog"],
    auth: CATALOG_MANAGE,
    params: CodeParams,
    body: AbolishBody,
    response: z.object({ code: z.string(), abolishedOn: z.string(), announcements: z.number() }),
    errors: { 404: "Unknown procedure", 409: "Already abolished", 422: "The date is before the procedure's newest version" },
    handler: async ({ req, params, body }) => {
      const r = await abolish(req, params.code, body);
      return { code: params.code, abolishedOn: r.effectiveOn, announcements: r.announcements };
    },
  });
}
