// The index result put to use (issue 15, item 5): the emulation and rewards register — proposals
// for collectives and individuals whose grounds cite the commune's index result — and the year-end
// assessment sheet of the commune's leaders, which shows their commune's result (the seed report:
// "the basis for judging the leaders' capacity").
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import { vnToday } from "../../domain/documents/numbering";
import { DomainError } from "../../domain/errors";
import type { Band } from "../../domain/indexes/cchc";
import { BAND_WORDS } from "../../domain/indexes/cchc-documents";
import type { Tx } from "../../db/scope";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { asHttpError, parseForm, parseWith, requireAccess, requirePermission } from "../../web/http";
import { formatDate, formatNumber } from "../../web/i18n";
import { CsrfField, ErrorSummary, Field, Layout, SelectField, TextAreaField } from "../../web/views/layout";
import { appendAudit } from "../audit/audit";
import { type CchcActor, ranking } from "./cchc-service";
import { BandTag, CCHC_BASE, pct, pts, YearForm } from "./cchc-views";

const text = (min: number, max: number, key: string) => z.string().trim().transform((s) => s.normalize("NFC")).pipe(z.string().min(min, { message: key }).max(max, { message: key }));

export const RewardInput = z.object({
  year: z.coerce.number({ message: "msg:cchc.err.year" }).int().min(2000, { message: "msg:cchc.err.year" }).max(2100, { message: "msg:cchc.err.year" }),
  commune: z.string().trim().min(1, { message: "msg:cchc.reward.err.commune" }).max(40),
  kind: z.enum(["collective", "individual"], { message: "msg:cchc.reward.err.kind" }),
  nominee: text(2, 300, "msg:cchc.reward.err.nominee"),
  title: text(2, 300, "msg:cchc.reward.err.title"),
  grounds: text(3, 3000, "msg:cchc.reward.err.grounds"),
});
export type RewardInput = z.infer<typeof RewardInput>;

export type IndexResult = { communeId: number; code: string; unitName: string; year: number; total: number; index: number; band: Band; rank: number | null; of: number; status: string; decisionCode: string | null };

/** The commune's approved or published result of a year, with its place among the province's published ones. */
export async function indexResultOf(tx: Tx, q: { communeId: number; year: number }): Promise<IndexResult | undefined> {
  const r = await tx.maybeOne<{ agency_id: number; code: string; unit_name: string; parent_id: number; final_total: string; index_value: string; band: Band; status: string; decision_code: string | null }>(
    `select s.agency_id, a.code, a.unit_name, a.parent_id, s.final_total, s.index_value, s.band, s.status, s.decision_code
     from cchc_assessments s join agencies a on a.id = s.agency_id where s.agency_id = $1 and s.year = $2 and s.status in ('approved', 'published')`,
    [q.communeId, q.year],
  );
  if (!r) return undefined;
  const rows = await ranking(tx, { provinceId: r.parent_id, year: q.year });
  return {
    communeId: r.agency_id,
    code: r.code,
    unitName: r.unit_name,
    year: q.year,
    total: Number(r.final_total),
    index: Number(r.index_value),
    band: r.band,
    rank: rows.find((x) => x.communeId === r.agency_id)?.rank ?? null,
    of: rows.length,
    status: r.status,
    decisionCode: r.decision_code,
  };
}

/** The sentence a proposal's grounds end with: the index result it rests on, as the decision states it. */
export function citation(r: IndexResult): string {
  const n = (v: number) => String(Math.round(v * 100) / 100).replace(".", ",");
  return `Kết quả Chỉ số cải cách hành chính năm ${r.year} của ${r.unitName}: ${n(r.total)} điểm, đạt ${n(r.index)}%, xếp loại ${BAND_WORDS[r.band]}${r.rank ? `, xếp thứ ${r.rank}/${r.of} xã, phường` : ""}${r.decisionCode ? ` (Quyết định số ${r.decisionCode})` : ""}.`;
}

export async function proposeReward(tx: Tx, q: { input: RewardInput; actor: CchcActor }): Promise<{ id: number }> {
  const c = await tx.maybeOne<{ id: number }>("select id from agencies where (code = $1 or gso_code = $1) and kind = 'commune' and app_in_scope(id)", [q.input.commune]);
  if (!c) throw new DomainError("not_found", "cchc.reward.err.commune");
  const result = await indexResultOf(tx, { communeId: c.id, year: q.input.year });
  if (!result) throw new DomainError("unprocessable", "cchc.reward.err.noResult", { vars: { year: q.input.year } });
  const grounds = `${q.input.grounds}\n${citation(result)}`;
  const { id } = await tx.one<{ id: number }>(
    "insert into cchc_reward_proposals (agency_id, commune_id, year, kind, nominee, title, grounds, created_by) values ($1,$2,$3,$4,$5,$6,$7,$8) returning id",
    [q.actor.agencyId, c.id, q.input.year, q.input.kind, q.input.nominee, q.input.title, grounds, q.actor.userId],
  );
  await appendAudit(tx, { agencyId: q.actor.agencyId, actorUserId: q.actor.userId, actor: q.actor.label, action: "cchc.reward.propose", entity: "cchc_reward", entityId: id, data: { commune: result.code, year: q.input.year, kind: q.input.kind, nominee: q.input.nominee, title: q.input.title, index: result.index } });
  return { id };
}

type Proposal = { id: number; year: number; kind: "collective" | "individual"; nominee: string; title: string; grounds: string; commune: string; proposer: string; createdAt: string };

export async function listProposals(tx: Tx, year: number): Promise<Proposal[]> {
  const rows = await tx.query<{ id: number; year: number; kind: Proposal["kind"]; nominee: string; title: string; grounds: string; commune: string; proposer: string; created_at: Date }>(
    `select r.id, r.year, r.kind, r.nominee, r.title, r.grounds, c.unit_name as commune, p.unit_name as proposer, r.created_at
     from cchc_reward_proposals r join agencies c on c.id = r.commune_id join agencies p on p.id = r.agency_id where r.year = $1 order by r.created_at desc, r.id desc limit 500`,
    [year],
  );
  return rows.map((r) => ({ id: r.id, year: r.year, kind: r.kind, nominee: r.nominee, title: r.title, grounds: r.grounds, commune: r.commune, proposer: r.proposer, createdAt: r.created_at.toISOString() }));
}

function RewardsPage({ ctx, year, proposals, communes, errors, values }: { ctx: PageCtx; year: number; proposals: Proposal[]; communes: { code: string; unitName: string }[]; errors?: Record<string, string>; values?: Record<string, string> }) {
  const t = ctx.t;
  const v = values ?? {};
  return (
    <Layout ctx={ctx} title={t("cchc.rewards")} area="staff">
      <p class="no-print">
        <a href={`${CCHC_BASE}?year=${year}`}>← {t("cchc.nav")}</a>
      </p>
      <h1>{t("cchc.rewards")}</h1>
      <p class="lead">{t("cchc.reward.intro")}</p>
      <YearForm ctx={ctx} year={year} action={`${CCHC_BASE}/rewards`} />
      {proposals.length === 0 ? (
        <p>{t("cchc.reward.none")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">{t("cchc.rewards")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("cchc.reward.nominee")}</th>
                <th scope="col">{t("cchc.reward.title")}</th>
                <th scope="col">{t("cchc.reward.grounds")}</th>
                <th scope="col">{t("cchc.reward.proposer")}</th>
              </tr>
            </thead>
            <tbody>
              {proposals.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    {p.nominee} <small class="muted">({t(`cchc.reward.kind.${p.kind}`)})</small>
                  </th>
                  <td>{p.title}</td>
                  <td>
                    {p.grounds.split("\n").map((l, i) => (
                      <p key={i}>{l}</p>
                    ))}
                  </td>
                  <td>
                    {p.proposer} · {formatDate(p.createdAt)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section class="panel" aria-labelledby="rw-h">
        <h2 id="rw-h">{t("cchc.reward.new")}</h2>
        <ErrorSummary ctx={ctx} errors={errors} />
        {communes.length === 0 ? (
          <p>{t("cchc.reward.noResults", { year })}</p>
        ) : (
          <form method="post" action={`${CCHC_BASE}/rewards`} novalidate>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="year" value={year} />
            <SelectField name="commune" label={t("cchc.commune")} value={v.commune} error={errors?.commune} options={communes.map((c) => ({ value: c.code, label: c.unitName }))} />
            <SelectField
              name="kind"
              label={t("cchc.reward.kindLabel")}
              value={v.kind}
              error={errors?.kind}
              options={[
                { value: "collective", label: t("cchc.reward.kind.collective") },
                { value: "individual", label: t("cchc.reward.kind.individual") },
              ]}
            />
            <Field name="nominee" label={t("cchc.reward.nominee")} value={v.nominee} error={errors?.nominee} required maxLength={300} />
            <Field name="title" label={t("cchc.reward.title")} value={v.title} error={errors?.title} required maxLength={300} hint={t("cchc.reward.titleHint")} />
            <TextAreaField name="grounds" label={t("cchc.reward.grounds")} value={v.grounds} error={errors?.grounds} hint={t("cchc.reward.groundsHint")} rows={3} maxLength={3000} />
            <button type="submit">{t("cchc.reward.submit")}</button>
          </form>
        )}
      </section>
    </Layout>
  );
}

async function citableCommunes(tx: Tx, year: number): Promise<{ code: string; unitName: string }[]> {
  return tx.query<{ code: string; unitName: string }>(
    `select a.code, a.unit_name as "unitName" from cchc_assessments s join agencies a on a.id = s.agency_id
     where s.year = $1 and s.status in ('approved', 'published') and app_in_scope(s.agency_id) order by a.unit_name limit 500`,
    [year],
  );
}

function actorOf(req: FastifyRequest): CchcActor {
  const u = req.user!;
  return { userId: u.id, label: u.username, role: u.role, agencyId: u.agencyId, fullName: u.fullName, title: u.title };
}

const YearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });
const thisYear = () => Number(vnToday().slice(0, 4));

export async function rewardsRoutes(app: FastifyInstance): Promise<void> {
  app.get(`${CCHC_BASE}/rewards`, async (req, reply) => {
    requireAccess(req, "reward.manage");
    const year = parseWith(YearQuery, req.query, req).year ?? thisYear();
    const d = await req.tx(async (tx) => ({ proposals: await listProposals(tx, year), communes: await citableCommunes(tx, year) }));
    return reply.page(<RewardsPage ctx={req.pageCtx()} year={year} {...d} />);
  });

  app.post(`${CCHC_BASE}/rewards`, async (req, reply) => {
    requirePermission(req, "reward.manage");
    const values = (req.body ?? {}) as Record<string, string>;
    const year = Number(values.year) >= 2000 && Number(values.year) <= 2100 ? Number(values.year) : thisYear();
    const again = async (status: number, errors: Record<string, string>) => {
      const d = await req.tx(async (tx) => ({ proposals: await listProposals(tx, year), communes: await citableCommunes(tx, year) }));
      return reply.page(<RewardsPage ctx={req.pageCtx()} year={year} {...d} errors={errors} values={values} />, status);
    };
    const form = parseForm(RewardInput, values, req);
    if (!form.ok) return again(400, form.errors);
    try {
      await req.tx((tx) => proposeReward(tx, { input: form.data, actor: actorOf(req) }));
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status < 500) return again(he.status, { commune: req.t(he.messageKey, he.vars) });
      throw e;
    }
    return reply.code(303).redirect(`${CCHC_BASE}/rewards?year=${year}`);
  });

  app.get(`${CCHC_BASE}/leaders`, async (req, reply) => {
    const user = requireAccess(req, "cchc.view");
    const year = parseWith(YearQuery, req.query, req).year ?? thisYear();
    const data = await req.tx(async (tx) => {
      const communes = await tx.query<{ id: number; unit_name: string }>(
        "select id, unit_name from agencies where kind = 'commune' and app_in_scope(id) and (id = $1 or exists (select 1 from cchc_assessments s where s.agency_id = agencies.id and s.year = $2 and s.status in ('approved','published'))) order by unit_name limit 100",
        [user.agencyId, year],
      );
      const out = [];
      for (const c of communes) {
        const leaders = await tx.query<{ id: number; full_name: string; title: string | null }>("select id, full_name, title from users where agency_id = $1 and role = 'leader' and active order by title nulls last, full_name", [c.id]);
        out.push({ commune: c.unit_name, leaders, result: await indexResultOf(tx, { communeId: c.id, year }) });
      }
      return out;
    });
    const ctx = req.pageCtx();
    const t = ctx.t;
    return reply.page(
      <Layout ctx={ctx} title={t("cchc.leaders")} area="staff">
        <p class="no-print">
          <a href={`${CCHC_BASE}?year=${year}`}>← {t("cchc.nav")}</a>
        </p>
        <h1>{t("cchc.leaders")}</h1>
        <p class="lead">{t("cchc.leadersIntro", { year })}</p>
        <YearForm ctx={ctx} year={year} action={`${CCHC_BASE}/leaders`} />
        {data.map((d) => (
          <section class="panel" key={d.commune} aria-label={d.commune}>
            <h2>{d.commune}</h2>
            <p>
              {d.result ? (
                <>
                  {t("cchc.leaderResult", { year, index: pct(d.result.index), total: pts(d.result.total) })} <BandTag ctx={ctx} band={d.result.band} />
                  {d.result.rank ? ` · ${t("cchc.public.rank", { rank: d.result.rank, of: d.result.of })}` : ""}
                </>
              ) : (
                t("cchc.leaderNoResult", { year })
              )}
            </p>
            {d.leaders.length ? (
              <table>
                <caption class="sr-only">{t("cchc.leaders")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("cchc.leaderName")}</th>
                    <th scope="col">{t("cchc.leaderTitle")}</th>
                    <th scope="col">{t("cchc.leaderCriterion")}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.leaders.map((l) => (
                    <tr key={l.id}>
                      <th scope="row">{l.full_name}</th>
                      <td>{l.title ?? "—"}</td>
                      <td>{d.result ? t("cchc.leaderLine", { year, index: pct(d.result.index), band: t(`cchc.band.${d.result.band}`) }) : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </section>
        ))}
        {can(user.role, "reward.manage") ? (
          <p>
            <a href={`${CCHC_BASE}/rewards?year=${year}`}>{t("cchc.rewards")}</a>
          </p>
        ) : null}
        <p class="hint">{t("cchc.leadersHint", { n: formatNumber(data.length) })}</p>
      </Layout>,
    );
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/indexes/cchc/rewards",
    summary: "Proposes a reward (collective or individual) whose grounds cite the commune's approved or published index result of the year",
    tags: ["indexes"],
    auth: "reward.manage",
    body: RewardInput,
    successStatus: 201,
    response: z.object({ id: z.number() }),
    errors: { 404: "No such commune in the caller's scope", 422: "The commune has no approved index result for the year" },
    handler: async ({ req, body }) => req.tx((tx) => proposeReward(tx, { input: body, actor: actorOf(req) })),
  });
}
