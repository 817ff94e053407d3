// Public tracking of a dossier by its code and the last digits of the applicant's phone.

import type { FastifyInstance } from "fastify";
import { formatDateTime } from "../../web/i18n";
import { Field, Layout } from "../../web/views/layout";
import { notFound } from "../../web/http";
import { sendAttachment } from "./download";
import "./intake-messages";
import { rateLimit } from "./route-support";
import { trackDossier } from "./service";
import { StatusTag } from "./views";
import { dossierPanels } from "./panels";

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
      await rateLimit(app, req, "track");
      asked = true;
      view = await app.deps.db.system((tx) => trackDossier(tx, { code, phoneLast4: phone }));
    }
    const panels = view ? await dossierPanels({ app, req, place: "tracking", code: view.code, proof: { phoneLast4: phone } }) : [];
    return reply.page(
      <Layout ctx={ctx} title={t("dossier.track.title")}>
        <h1>{t("dossier.track.title")}</h1>
        <form method="get" action="/track" class="panel">
          <Field name="code" label={t("dossier.track.code")} value={code} required maxLength={80} />
          <Field name="phone" label={t("dossier.track.phone")} value={phone} required inputMode="numeric" maxLength={4} autoComplete="off" />
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
            {view.status === "returned" || view.status === "refused" ? (
              <p class="panel">
                <a class="button" href={`/rate?${new URLSearchParams({ code: view.code, phone }).toString()}`}>
                  {t("feedback.rating.link")}
                </a>{" "}
                <small class="muted">{t("feedback.rating.linkHint")}</small>
              </p>
            ) : null}
            {panels}
            {view.results.length ? (
              <>
                <h3>{t("dossier.track.result")}</h3>
                <ul>
                  {view.results.map((r) => (
                    <li key={r.id}>
                      <a href={`/track/result/${r.id}?${new URLSearchParams({ code: view.code, phone }).toString()}`}>{r.fileName}</a>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
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

  // The result file, for whoever can track the dossier (code + phone digits), once returned online.
  app.get("/track/result/:id", async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const id = Number((req.params as { id: string }).id);
    await rateLimit(app, req, "track");
    const code = (q.code ?? "").trim().slice(0, 80);
    const view = Number.isInteger(id) && id > 0 && code ? await app.deps.db.system((tx) => trackDossier(tx, { code, phoneLast4: q.phone ?? "" })) : undefined;
    const file = view?.results.find((r) => r.id === id);
    if (!file) throw notFound("dossier.err.notFound");
    return sendAttachment(reply, { db: app.deps.db, key: file.storagePath, fileName: file.fileName, contentType: file.contentType });
  });
}
