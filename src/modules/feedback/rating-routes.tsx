// Rating a dossier: the page the links of the tracking page, "my dossiers" and the return/refusal
// messages open (/rate), and the kiosk page the desk opens on a tablet (/kiosk/<token>).

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ComponentChildren, VNode } from "preact";
import { RatingInput } from "../../domain/feedback/rating";
import type { PageCtx } from "../../web/context";
import { asHttpError, issueMessages, notFound, redirect, requirePermission } from "../../web/http";
import { CsrfField, ErrorSummary, Field, Layout, ASSET_VERSION } from "../../web/views/layout";
import { rateLimit } from "../dossiers/route-support";
import { findDossierToRate, findKiosk, type KioskView, openKiosk, type RateableDossier, rateByKiosk, rateFoundDossier } from "./ratings";
import { errorText, localisedFeedback } from "./route-support";
import { RatingFields, type RatingValues, ratingErrors, ratingFromForm } from "./views";

function str(values: Record<string, unknown>, key: string): string {
  const v = values[key];
  return typeof v === "string" ? v : "";
}

function formValues(body: Record<string, unknown>): RatingValues {
  const v: Record<string, string> = { overall: str(body, "overall"), comment: str(body, "comment") };
  for (let i = 1; i <= 9; i++) v[`item${i}`] = str(body, `item${i}`);
  return v as RatingValues;
}

type RateState =
  | { kind: "lookup"; code: string; phone: string; error?: string }
  | { kind: "form"; dossier: RateableDossier; code: string; phone: string; values: RatingValues; errors: Record<string, string> }
  | { kind: "message"; text: string };

function RatePage({ ctx, state }: { ctx: PageCtx; state: RateState }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t("feedback.rating.title")}>
      <h1>{t("feedback.rating.title")}</h1>
      {state.kind === "message" ? (
        <p class="notice" role="status">
          {state.text}
        </p>
      ) : null}
      {state.kind === "lookup" ? (
        <>
          <p class="lead">{t("feedback.rating.lookup")}</p>
          {state.error ? (
            <p class="error" role="alert">
              {state.error}
            </p>
          ) : null}
          <form method="get" action="/rate" class="panel">
            <Field name="code" label={t("feedback.rating.code")} value={state.code} required maxLength={80} autoComplete="off" />
            <Field name="phone" label={t("feedback.rating.phone")} value={state.phone} required inputMode="numeric" maxLength={4} autoComplete="off" />
            <button type="submit">{t("feedback.rating.find")}</button>
          </form>
        </>
      ) : null}
      {state.kind === "form" ? (
        <>
          <p class="lead">{t("feedback.rating.intro", { agency: state.dossier.agencyName })}</p>
          <p>
            <strong>{t("feedback.rating.dossier", { code: state.dossier.code, procedure: state.dossier.procedureName })}</strong>
          </p>
          <ErrorSummary ctx={ctx} errors={state.errors} />
          <form method="post" action="/rate" novalidate>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="code" value={state.code} />
            <input type="hidden" name="phone" value={state.phone} />
            <RatingFields ctx={ctx} values={state.values} errors={state.errors} />
            <button type="submit">{t("feedback.rating.submit")}</button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}

/**
 * The kiosk's page: the commune's style without the site's menus or anyone's name, so that the
 * tablet handed to the applicant leads nowhere else.
 */
function KioskLayout({ ctx, title, children }: { ctx: PageCtx; title: string; children: ComponentChildren }): VNode {
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{title}</title>
        <link rel="stylesheet" href={`/assets/site.css?v=${ASSET_VERSION}`} />
      </head>
      <body class="area-kiosk">
        <main id="main" class="wrap kiosk">
          {children}
        </main>
      </body>
    </html>
  );
}

function KioskPage({ ctx, view, token, values, errors, message }: { ctx: PageCtx; view?: KioskView; token: string; values?: RatingValues; errors?: Record<string, string>; message?: string }) {
  const t = ctx.t;
  return (
    <KioskLayout ctx={ctx} title={t("feedback.kiosk.title")}>
      <h1>{t("feedback.kiosk.title")}</h1>
      {message ? (
        <p class="notice" role="status">
          {message}
        </p>
      ) : null}
      {view && !message ? (
        <>
          <p class="lead">{t("feedback.rating.intro", { agency: view.agencyName })}</p>
          <p>
            <strong>{t("feedback.rating.dossier", { code: view.code, procedure: view.procedureName })}</strong>
          </p>
          <ErrorSummary ctx={ctx} errors={errors} />
          <form method="post" action={`/kiosk/${encodeURIComponent(token)}`} novalidate>
            <CsrfField ctx={ctx} />
            <RatingFields ctx={ctx} values={values ?? {}} errors={errors ?? {}} large />
            <button type="submit">{t("feedback.rating.submit")}</button>
          </form>
        </>
      ) : null}
    </KioskLayout>
  );
}

export async function ratingRoutes(app: FastifyInstance): Promise<void> {
  /** The dossier a request names: a signed-in citizen's own by its code, else by code and phone digits. */
  async function findFor(req: FastifyRequest, code: string, phone: string): Promise<RateableDossier | undefined> {
    await rateLimit(app, req, "track");
    const citizen = req.user?.role === "citizen" ? req.user.id : undefined;
    return findDossierToRate(app.deps.db, { code, phoneLast4: phone, ...(citizen !== undefined ? { citizenUserId: citizen } : {}) });
  }

  function stateOf(req: FastifyRequest, d: RateableDossier, code: string, phone: string): RateState {
    if (d.rated) return { kind: "message", text: req.t("feedback.rating.already") };
    if (!d.finished) return { kind: "message", text: req.t("feedback.rating.notYet") };
    return { kind: "form", dossier: d, code, phone, values: {}, errors: {} };
  }

  app.get("/rate", async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const ctx = req.pageCtx();
    if (q.done) return reply.page(<RatePage ctx={ctx} state={{ kind: "message", text: req.t("feedback.rating.thanks") }} />);
    const code = (q.code ?? "").trim().slice(0, 80);
    const phone = (q.phone ?? "").trim().slice(0, 4);
    if (!code || (!phone && req.user?.role !== "citizen")) return reply.page(<RatePage ctx={ctx} state={{ kind: "lookup", code, phone }} />);
    const d = await findFor(req, code, phone);
    if (!d) return reply.page(<RatePage ctx={ctx} state={{ kind: "lookup", code, phone, error: req.t("feedback.rating.err.notFound") }} />, 404);
    const state = stateOf(req, d, code, phone);
    return reply.page(<RatePage ctx={ctx} state={state} />, state.kind === "message" && !d.finished ? 422 : 200);
  });

  app.post("/rate", async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const code = str(body, "code").trim().slice(0, 80);
    const phone = str(body, "phone").trim().slice(0, 4);
    const ctx = req.pageCtx();
    const d = code ? await findFor(req, code, phone) : undefined;
    if (!d) return reply.page(<RatePage ctx={ctx} state={{ kind: "lookup", code, phone, error: req.t("feedback.rating.err.notFound") }} />, 404);
    const values = formValues(body);
    const parsed = RatingInput.safeParse(ratingFromForm(body));
    if (!parsed.success) {
      return reply.page(<RatePage ctx={ctx} state={{ kind: "form", dossier: d, code, phone, values, errors: ratingErrors(issueMessages(parsed.error, req.t)) }} />, 400);
    }
    const user = req.user?.role === "citizen" ? { id: req.user.id, username: req.user.username } : null;
    try {
      await rateFoundDossier(app.deps.db, { dossier: d, input: parsed.data, channel: user ? "account" : "online", user });
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status < 500) return reply.page(<RatePage ctx={ctx} state={{ kind: "message", text: errorText(req, he) }} />, he.status);
      throw e;
    }
    return reply.code(303).redirect("/rate?done=1");
  });

  // The desk opens the rating screen for the dossier it has just returned (or refused).
  app.post("/staff/satisfaction/kiosk", async (req, reply) => {
    const user = requirePermission(req, "dossier.return");
    const code = str((req.body ?? {}) as Record<string, unknown>, "dossier").trim().slice(0, 80);
    if (!code) throw notFound("dossier.err.notFound");
    const k = await localisedFeedback(req, () => req.tx((tx) => openKiosk(tx, { agencyId: user.agencyId, dossierCode: code, actor: { userId: user.id, label: user.username } })));
    return redirect(reply, `/kiosk/${encodeURIComponent(k.token)}`);
  });

  async function renderKiosk(req: FastifyRequest, reply: FastifyReply, token: string, extra: { values?: RatingValues; errors?: Record<string, string>; status?: number } = {}) {
    const ctx = req.pageCtx();
    const view = await findKiosk(app.deps.db, token);
    if (!view) throw notFound("feedback.kiosk.err.unknown");
    const q = req.query as Record<string, string | undefined>;
    if (q.done) return reply.page(<KioskPage ctx={ctx} token={token} message={req.t("feedback.kiosk.thanks")} />);
    if (view.state !== "open") return reply.page(<KioskPage ctx={ctx} token={token} message={req.t(view.state === "used" ? "feedback.kiosk.used" : "feedback.kiosk.expired")} />, 410);
    return reply.page(<KioskPage ctx={ctx} view={view} token={token} {...extra} />, extra.status ?? 200);
  }

  app.get("/kiosk/:token", async (req, reply) => {
    const { token } = req.params as { token: string };
    return renderKiosk(req, reply, token);
  });

  app.post("/kiosk/:token", async (req, reply) => {
    const { token } = req.params as { token: string };
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = formValues(body);
    const parsed = RatingInput.safeParse(ratingFromForm(body));
    if (!parsed.success) return renderKiosk(req, reply, token, { values, errors: ratingErrors(issueMessages(parsed.error, req.t)), status: 400 });
    try {
      await rateByKiosk(app.deps.db, { token, input: parsed.data });
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status < 500) return reply.page(<KioskPage ctx={req.pageCtx()} token={token} message={errorText(req, he)} />, he.status);
      throw e;
    }
    return reply.code(303).redirect(`/kiosk/${encodeURIComponent(token)}?done=1`);
  });
}
