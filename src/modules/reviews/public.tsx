// The portal publishes the review results an agency sent up: the procedures reviewed, what is
// proposed, the compliance cost before and after, and the report and proposal as sent (PDF).
import type { FastifyInstance } from "fastify";
import type { VNode } from "preact";
import { z } from "zod";
import { percentText } from "../../domain/catalog/compliance-cost";
import { CONCLUSION_WORDS, REVIEW_PART_WORDS } from "../../domain/catalog/review";
import type { RoundForDocument } from "../../domain/catalog/review-documents";
import type { PageCtx } from "../../web/context";
import { siteAgency } from "../../web/core-routes";
import { notFound, parseWith } from "../../web/http";
import { formatDate, formatVnd } from "../../web/i18n";
import { registerHomeSection } from "../../web/registry";
import { Layout } from "../../web/views/layout";
import { findAgencyByCode } from "../agencies/agencies";
import "./messages";
import { type SentRoundSummary, listSentOf, sentFile, sentRoundData } from "./service";

const PUBLIC_PATH = "/procedures/reviews";

registerHomeSection({
  order: 27,
  render: async ({ req, tx, agency }) => {
    const rounds = await listSentOf(tx, agency.id);
    const last = rounds[0];
    if (!last) return null;
    const ctx = req.pageCtx();
    return (
      <section aria-labelledby="home-reviews-h">
        <h2 id="home-reviews-h">{ctx.t("reviews.public.homeTitle", { year: last.year })}</h2>
        <p>{ctx.t("reviews.public.homeText", { n: last.reviews, saving: formatVnd(last.saving, ctx.lang), rate: percentText(last.savingRate) })}</p>
        <p>
          <a href={`${PUBLIC_PATH}?agency=${encodeURIComponent(agency.code)}`}>{ctx.t("reviews.public.more")}</a>
        </p>
      </section>
    );
  },
});

function RoundSection({ ctx, round, data }: { ctx: PageCtx; round: SentRoundSummary; data: RoundForDocument }): VNode {
  const t = ctx.t;
  return (
    <section class="panel" aria-labelledby={`round-${round.id}`}>
      <h2 id={`round-${round.id}`}>{t("reviews.public.year", { year: round.year })}</h2>
      <p>
        {t("reviews.public.report", { code: round.code ?? "", date: formatDate(round.issuedOn) })} · <a href={`${PUBLIC_PATH}/${round.id}/report.pdf`}>{t("reviews.doc.reportPdf")}</a> ·{" "}
        <a href={`${PUBLIC_PATH}/${round.id}/proposal.pdf`}>{t("reviews.doc.proposalPdf")}</a>
      </p>
      <p>{t("reviews.public.totals", { n: round.reviews, before: formatVnd(round.before, ctx.lang), after: formatVnd(round.after, ctx.lang), saving: formatVnd(round.saving, ctx.lang), rate: percentText(round.savingRate) })}</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("reviews.procedure")}</th>
              <th scope="col">{t("reviews.conclusion")}</th>
              <th scope="col">{t("reviews.public.proposals")}</th>
              <th scope="col">{t("reviews.cost.beforeYear")}</th>
              <th scope="col">{t("reviews.cost.afterYear")}</th>
              <th scope="col">{t("reviews.cost.rate")}</th>
            </tr>
          </thead>
          <tbody>
            {data.reviews.map((r) => (
              <tr key={r.code}>
                <td>
                  <a href={`/procedures/${encodeURIComponent(r.code)}`}>{r.name}</a>
                  <div class="muted">{r.code}</div>
                </td>
                <td>{ctx.lang === "vi" ? CONCLUSION_WORDS[r.conclusion] : t(`reviews.conclusion.${r.conclusion}`)}</td>
                <td>
                  {r.changes.length ? (
                    <ul>
                      {r.changes.map((c) => (
                        <li key={c.part}>
                          <strong>{ctx.lang === "vi" ? REVIEW_PART_WORDS[c.part] : t(`reviews.part.${c.part}`)}:</strong> {c.proposal}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    "—"
                  )}
                </td>
                <td>{formatVnd(r.cost.before, ctx.lang)}</td>
                <td>{formatVnd(r.cost.after, ctx.lang)}</td>
                <td>{percentText(r.cost.savingRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const Query = z.object({ agency: z.string().max(60).optional(), lang: z.string().optional() });
const FileParams = z.object({ id: z.coerce.number().int().positive().max(2147483647), doc: z.enum(["report", "proposal"], { message: "msg:error.404.body" }) });

export async function reviewsPublicRoutes(app: FastifyInstance): Promise<void> {
  app.get(PUBLIC_PATH, async (req, reply) => {
    const q = parseWith(Query, req.query, req);
    const agency = q.agency ? await app.deps.db.system((tx) => findAgencyByCode(tx, q.agency!)) : await siteAgency(app);
    if (!agency) throw notFound();
    const rounds = await req.tx(async (tx) => {
      const out: { round: SentRoundSummary; data: RoundForDocument }[] = [];
      for (const round of await listSentOf(tx, agency.id)) {
        const data = await sentRoundData(tx, round.id);
        if (data) out.push({ round, data });
      }
      return out;
    });
    const ctx = req.pageCtx();
    return reply.page(
      <Layout ctx={ctx} title={ctx.t("reviews.public.title", { agency: agency.name })}>
        <p class="muted">
          <a href="/procedures">{ctx.t("catalog.nav")}</a>
        </p>
        <h1>{ctx.t("reviews.public.title", { agency: agency.name })}</h1>
        <p class="lead">{ctx.t("reviews.public.intro")}</p>
        {rounds.length === 0 ? <p>{ctx.t("reviews.public.none")}</p> : rounds.map((r) => <RoundSection key={r.round.id} ctx={ctx} round={r.round} data={r.data} />)}
      </Layout>,
    );
  });

  app.get(`${PUBLIC_PATH}/:id/:doc.pdf`, async (req, reply) => {
    const { id, doc } = parseWith(FileParams, req.params, req);
    const f = await req.tx((tx) => sentFile(tx, id, `${doc}.pdf`));
    if (!f) throw notFound();
    const name = `${doc === "report" ? "bao-cao-ra-soat-tthc" : "phuong-an-don-gian-hoa-tthc"}-${f.code.replace("/", "-")}-${f.year}`;
    return reply.header("content-type", "application/pdf").header("content-disposition", `inline; filename="${name}.pdf"`).header("cache-control", "public, max-age=3600").send(f.data);
  });
}
