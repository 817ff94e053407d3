// Public tracking of a dossier by its code and the last digits of the applicant's phone.

import type { FastifyInstance } from "fastify";
import { formatDateTime } from "../../web/i18n";
import { Field, Layout } from "../../web/views/layout";
import { rateLimit } from "./route-support";
import { trackDossier } from "./service";
import { StatusTag } from "./views";

export async function trackingRoutes(app: FastifyInstance): Promise<void> {
  app.get("/track", async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const ctx = req.pageCtx();
    const t = ctx.t;
    const code = (q.code ?? "").trim().slice(0, 80);
    const phone = (q.phone ?? "").trim();
    let view: Awaited<ReturnType<typeof trackDossier>>;
    let asked = false;
    if (code && phone) {
      rateLimit(req, "track");
      asked = true;
      view = await app.deps.db.system((tx) => trackDossier(tx, { code, phoneLast4: phone }));
    }
    return reply.page(
      <Layout ctx={ctx} title={t("dossier.track.title")}>
        <h1>{t("dossier.track.title")}</h1>
        <form method="get" action="/track" class="panel">
          <Field name="code" label={t("dossier.track.code")} value={code} required maxLength={80} />
          <Field name="phone" label={t("dossier.track.phone")} value={phone} required inputMode="numeric" maxLength={4} />
          <button type="submit">{t("dossier.track.submit")}</button>
        </form>
        {asked && !view ? (
          <p class="error" role="alert">
            {t("dossier.track.notFound")}
          </p>
        ) : null}
        {view ? (
          <section aria-labelledby="track-result">
            <h2 id="track-result">{view.code}</h2>
            <dl>
              <dt>{t("dossier.f.procedure")}</dt>
              <dd>{view.procedure}</dd>
              <dt>{t("dossier.f.status")}</dt>
              <dd>
                <StatusTag ctx={ctx} status={view.status} />
              </dd>
              <dt>{t("dossier.f.receivedAt")}</dt>
              <dd>{formatDateTime(view.receivedAt)}</dd>
              <dt>{t("dossier.f.dueAt")}</dt>
              <dd>{formatDateTime(view.dueAt)}</dd>
            </dl>
            {view.overdue ? <p class="notice">{t("dossier.track.overdue")}</p> : null}
            <h3>{t("dossier.detail.history")}</h3>
            <ol>
              {view.history.map((h, i) => (
                <li key={`${i}`}>
                  {formatDateTime(h.at)}: {t(`dossier.status.${h.status}`)}
                </li>
              ))}
            </ol>
          </section>
        ) : null}
      </Layout>,
      asked && !view ? 404 : 200,
    );
  });
}
