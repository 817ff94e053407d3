// The CCHC index (issue 15): pages for the commune (fill, attach evidence, submit), the province's
// appraisal council (review each criterion, send back, approve, publish), criteria sets, ranking,
// rewards and the leaders' year-end sheet; the public result on the portals; the JSON API.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import { vnToday } from "../../domain/documents/numbering";
import { DomainError } from "../../domain/errors";
import { bandOf, CCHC_STEPS, type CriteriaProblem, indexTotals, leavesOf, readPoints, REVIEW_DECISIONS, type ReviewDecision } from "../../domain/indexes/cchc";
import { composeAppraisalDecision, composeSelfAssessmentReport } from "../../domain/indexes/cchc-documents";
import { DEMO_CCHC_CRITERIA_FILE } from "../../domain/indexes/cchc-demo-set";
import { defineApi } from "../../web/api";
import { asHttpError, HttpError, notFound, parseWith, requireAccess, requirePermission, verifyCsrf } from "../../web/http";
import { formatDate } from "../../web/i18n";
import { registerDashboard, registerHomeSection, registerNav } from "../../web/registry";
import { Layout } from "../../web/views/layout";
import { type Agency, findAgencyByCode } from "../agencies/agencies";
import { readMultipart } from "../dossiers/route-support";
import { finaliseFiles, stageFiles, withStagedFiles } from "../dossiers/files";
import { renderDocx } from "../documents/docx";
import { renderPdf } from "../documents/pdf";
import { fileStore } from "../storage/storage";
import "./cchc-demo";
import "./cchc-messages";
import { prefillAssessment } from "./cchc-prefill";
import { rewardsRoutes } from "./cchc-rewards";
import {
  type Assessment,
  appraiseCriteria,
  approveAssessment,
  type CchcActor,
  communeHistory,
  CriteriaFileRefused,
  findAssessment,
  findAssessmentById,
  findEvidenceFile,
  finalPointsMap,
  importCriteriaSet,
  listCriteriaSets,
  getCriteriaSet,
  openAssessment,
  provinceOverview,
  publishAssessment,
  ranking,
  recordEvidence,
  returnAssessment,
  type ReviewEntry,
  type SelfEntry,
  saveSelfScores,
  selfPointsOf,
  submitAssessment,
} from "./cchc-service";
import { readCriteriaXlsx, writeCriteriaXlsx } from "./cchc-xlsx";
import { AssessmentPage, BandTag, CCHC_BASE, CriteriaSetPage, CriteriaSetsPage, HistoryChart, OpenPage, pct, ProvincePage, pts, RankingTable, YearForm } from "./cchc-views";

registerNav({ href: CCHC_BASE, labelKey: "cchc.nav", area: "staff", permission: "cchc.view", order: 62 });

// What waits on the reader: the council sees the communes awaiting appraisal, the commune's chair an assessment to submit.
registerDashboard(async (req, tx) => {
  const user = req.user;
  if (!user) return [];
  if (can(user.role, "cchc.appraise")) {
    const r = await tx.one<{ n: number }>("select count(*)::int as n from cchc_assessments s join agencies a on a.id = s.agency_id where a.parent_id = $1 and s.status = 'submitted'", [user.agencyId]);
    return [{ labelKey: "cchc.dashboardWaiting", value: r.n, href: CCHC_BASE, tone: r.n > 0 ? "warn" : "normal" }];
  }
  if (can(user.role, "cchc.submit")) {
    const r = await tx.maybeOne<{ status: string }>("select status from cchc_assessments where agency_id = $1 and year = $2", [user.agencyId, thisYear()]);
    if (r && (r.status === "draft" || r.status === "returned")) return [{ labelKey: `cchc.dashboard.${r.status}`, value: String(thisYear()), href: CCHC_BASE, tone: r.status === "returned" ? "bad" : "warn" }];
  }
  return [];
});

const MAX_CRITERIA_FILE = 2 * 1024 * 1024;
const thisYear = () => Number(vnToday().slice(0, 4));
const YearQuery = z.object({ year: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number({ message: "msg:cchc.err.year" }).int().min(2000, { message: "msg:cchc.err.year" }).max(2100, { message: "msg:cchc.err.year" }).optional()) });
const IdParam = z.object({ id: z.coerce.number().int().positive().max(2147483647) });

export function actorOf(req: FastifyRequest): CchcActor {
  const u = req.user!;
  return { userId: u.id, label: u.username, role: u.role, agencyId: u.agencyId, fullName: u.fullName, title: u.title };
}

/** A criteria file refused: 422 with every problem in the user's language. */
function refusal(req: FastifyRequest, e: CriteriaFileRefused): HttpError {
  return new HttpError(422, "cchc.import.refused", { n: e.problems.length }, e.problems.map((p) => ({ path: p.path, message: problemText(req, p) })));
}
function problemText(req: FastifyRequest, p: CriteriaProblem): string {
  return req.t(p.key, p.vars);
}

async function agencyByCode(req: FastifyRequest, code: string): Promise<Agency> {
  const a = await req.tx((tx) => findAgencyByCode(tx, code));
  if (!a) throw notFound("cchc.err.noAgency");
  return a;
}

async function loadById(req: FastifyRequest, id: number): Promise<Assessment> {
  const a = await req.tx((tx) => findAssessmentById(tx, id));
  if (!a) throw notFound("cchc.err.notFound");
  return a;
}

/** The province whose index the caller works on: its own agency when a province, else the one above its commune. */
async function provinceOfUser(req: FastifyRequest): Promise<{ id: number; code: string; unitName: string; own: boolean }> {
  const r = await req.tx((tx) =>
    tx.maybeOne<{ id: number; code: string; unit_name: string; kind: string; own: boolean }>(
      `select p.id, p.code, p.unit_name, p.kind, p.id = a.id as own from agencies a join agencies p on p.id = case when a.kind = 'province' then a.id else a.parent_id end where a.id = $1`,
      [req.user!.agencyId],
    ),
  );
  if (r?.kind !== "province") throw notFound("cchc.err.noProvince");
  return { id: r.id, code: r.code, unitName: r.unit_name, own: r.own };
}

function redirectTo(reply: import("fastify").FastifyReply, to: string) {
  return reply.code(303).redirect(to);
}

/** The commune's form: points typed as people type them ("1,5"), notes; every bad number named. */
function readScoresForm(a: Assessment, body: Record<string, string>, req: FastifyRequest): { entries: SelfEntry[]; errors: Record<string, string> } {
  const entries: SelfEntry[] = [];
  const errors: Record<string, string> = {};
  for (const c of leavesOf(a.set.criteria)) {
    if (c.method === "survey") continue;
    const pKey = `p:${c.code}`;
    if (!(pKey in body)) continue;
    const raw = (body[pKey] ?? "").trim();
    const note = (body[`n:${c.code}`] ?? "").normalize("NFC").trim().slice(0, 4000);
    if (raw === "") {
      entries.push({ code: c.code, points: null, note });
      continue;
    }
    const v = readPoints(raw);
    if (v === undefined || v < 0 || v > c.maxPoints) errors[pKey] = req.t("cchc.err.pointsRange", { code: c.code, max: c.maxPoints });
    else entries.push({ code: c.code, points: Math.round(v * 100) / 100, note });
  }
  return { entries, errors };
}

/** The council's form: only criteria whose decision, points or reason changed are sent on. */
function readReviewForm(a: Assessment, body: Record<string, string>, req: FastifyRequest): { entries: ReviewEntry[]; errors: Record<string, string> } {
  const entries: ReviewEntry[] = [];
  const errors: Record<string, string> = {};
  const acceptRest = body.acceptRest === "1";
  for (const c of leavesOf(a.set.criteria)) {
    const cur = a.scores.get(c.code);
    if (acceptRest) {
      if (!cur?.review) entries.push({ code: c.code, decision: "accept" });
      continue;
    }
    const d = body[`d:${c.code}`] ?? "";
    if (!d) continue;
    if (!(REVIEW_DECISIONS as readonly string[]).includes(d)) {
      errors[`d:${c.code}`] = req.t("cchc.err.decision");
      continue;
    }
    const decision = d as ReviewDecision;
    const reason = (body[`r:${c.code}`] ?? "").normalize("NFC").trim();
    const rawPoints = (body[`q:${c.code}`] ?? "").trim();
    const points = decision === "adjust" ? readPoints(rawPoints) : undefined;
    if (decision === "adjust" && (points === undefined || points < 0 || points > c.maxPoints)) errors[`q:${c.code}`] = req.t("cchc.err.pointsRange", { code: c.code, max: c.maxPoints });
    if (decision !== "accept" && reason.length < 3) errors[`r:${c.code}`] = req.t("cchc.err.reasonNeeded", { code: c.code });
    const same = cur?.review === decision && (decision === "accept" || (cur.reviewReason ?? "") === reason) && (decision !== "adjust" || cur.finalPoints === points);
    if (!same) entries.push({ code: c.code, decision, ...(points !== undefined ? { points } : {}), ...(decision !== "accept" ? { reason } : {}) });
  }
  return { entries, errors };
}

async function documentOf(req: FastifyRequest, a: Assessment, which: "report" | "decision") {
  return req.tx(async (tx) => {
    const commune = await tx.one<{ name: string; unit_name: string }>("select name, unit_name from agencies where id = $1", [a.communeId]);
    const self = selfPointsOf(a);
    if (which === "report") {
      const totals = indexTotals(a.set.criteria, self);
      const signer = await tx.maybeOne<{ full_name: string; title: string | null }>("select full_name, title from users where id = (select submitted_by from cchc_assessments where id = $1)", [a.id]);
      return composeSelfAssessmentReport({
        agency: { name: commune.name, unitName: commune.unit_name },
        commune: { unitName: commune.unit_name },
        year: a.year,
        criteria: a.set.criteria,
        selfPoints: self,
        totals,
        band: bandOf(totals.index, a.set.thresholds),
        ...(a.reportDocument ? { issued: { code: a.reportDocument.code, date: a.reportDocument.issuedOn } } : {}),
        draftDate: vnToday(),
        signer: signer ? { name: signer.full_name, title: signer.title } : null,
      });
    }
    if (!a.decisionDocument || !a.provinceId) return undefined;
    const province = await tx.one<{ name: string; unit_name: string }>("select name, unit_name from agencies where id = $1", [a.provinceId]);
    const final = finalPointsMap(a);
    const totals = indexTotals(a.set.criteria, final);
    const signer = await tx.maybeOne<{ full_name: string; title: string | null }>("select full_name, title from users where id = (select approved_by from cchc_assessments where id = $1)", [a.id]);
    return composeAppraisalDecision({
      agency: { name: province.name, unitName: province.unit_name },
      commune: { unitName: commune.unit_name },
      year: a.year,
      criteria: a.set.criteria,
      selfPoints: self,
      finalPoints: final,
      adjustments: [...a.scores.values()].filter((s) => s.review === "adjust" && s.reviewReason).map((s) => ({ code: s.code, reason: s.reviewReason! })),
      totals,
      band: a.band ?? bandOf(totals.index, a.set.thresholds),
      issued: { code: a.decisionDocument.code, date: a.decisionDocument.issuedOn },
      draftDate: vnToday(),
      signer: signer ? { name: signer.full_name, title: signer.title } : null,
    });
  });
}

const FORMATS = { docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", pdf: "application/pdf" } as const;

// ---------------------------------------------------------------------------------------------
// Public: the commune's result and the province's ranking on their portals

registerHomeSection({
  order: 45,
  render: async ({ req, tx, agency }) => {
    const ctx = req.pageCtx();
    const t = ctx.t;
    const kind = await tx.maybeOne<{ kind: string }>("select kind from agencies where id = $1", [agency.id]);
    const href = `/c/${encodeURIComponent(agency.code)}/cchc`;
    if (kind?.kind === "province") {
      const y = await tx.maybeOne<{ year: number }>("select max(s.year) as year from cchc_assessments s join agencies a on a.id = s.agency_id where a.parent_id = $1 and s.status = 'published'", [agency.id]);
      if (!y?.year) return null;
      const rows = (await ranking(tx, { provinceId: agency.id, year: y.year })).slice(0, 5);
      return (
        <section aria-labelledby="home-cchc-h">
          <h2 id="home-cchc-h">{t("cchc.public.rankingTitle", { year: y.year })}</h2>
          <ol>
            {rows.map((r) => (
              <li key={r.communeId}>
                {r.unitName}: {pct(r.index)} <BandTag ctx={ctx} band={r.band} />
              </li>
            ))}
          </ol>
          <p>
            <a href={href}>{t("cchc.public.all")}</a>
          </p>
        </section>
      );
    }
    const h = await communeHistory(tx, agency.id);
    const last = h.at(-1);
    if (!last) return null;
    return (
      <section aria-labelledby="home-cchc-h">
        <h2 id="home-cchc-h">{t("cchc.public.title", { year: last.year })}</h2>
        <p>
          {t("cchc.public.result", { index: pct(last.index), total: pts(last.total) })} <BandTag ctx={ctx} band={last.band} /> <a href={href}>{t("cchc.public.more")}</a>
        </p>
      </section>
    );
  },
});

export async function cchcRoutes(app: FastifyInstance): Promise<void> {
  // --- the landing page: a commune's assessment of the year, or the province's overview
  app.get(CCHC_BASE, async (req, reply) => {
    const user = requireAccess(req, "cchc.view");
    const year = parseWith(YearQuery, req.query, req).year ?? thisYear();
    const province = await provinceOfUser(req);
    if (province.own) {
      const data = await req.tx(async (tx) => ({ rows: await provinceOverview(tx, { provinceId: province.id, year }), sets: await listCriteriaSets(tx, province.id) }));
      return reply.page(<ProvincePage ctx={req.pageCtx()} year={year} province={province} rows={data.rows} sets={data.sets} />);
    }
    const found = await req.tx(async (tx) => ({ a: await findAssessment(tx, user.agencyId, year), history: await communeHistory(tx, user.agencyId) }));
    if (found.a) return reply.page(<AssessmentPage ctx={req.pageCtx()} a={found.a} history={found.history} saved={(req.query as Record<string, string>).saved === "1"} />);
    return reply.page(<OpenPage ctx={req.pageCtx()} year={year} canOpen={can(user.role, CCHC_STEPS.fill.permission)} />);
  });

  app.post(`${CCHC_BASE}/open`, async (req, reply) => {
    const user = requirePermission(req, "cchc.fill");
    const body = (req.body ?? {}) as Record<string, string>;
    const year = parseWith(YearQuery, { year: body.year }, req).year ?? thisYear();
    try {
      const actor = actorOf(req);
      await req.tx((tx) => openAssessment(tx, { communeId: user.agencyId, year, actor, prefill: (t, a) => prefillAssessment(t, a, actor).then(() => undefined) }));
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status < 500) return reply.page(<OpenPage ctx={req.pageCtx()} year={year} canOpen error={req.t(he.messageKey, he.vars)} />, he.status);
      throw e;
    }
    return redirectTo(reply, `${CCHC_BASE}?year=${year}`);
  });

  app.get(`${CCHC_BASE}/commune/:code`, async (req, reply) => {
    requireAccess(req, "cchc.view");
    const { code } = parseWith(z.object({ code: z.string().trim().min(1).max(40) }), req.params, req);
    const year = parseWith(YearQuery, req.query, req).year ?? thisYear();
    const agency = await agencyByCode(req, code);
    const a = await req.tx((tx) => findAssessment(tx, agency.id, year));
    if (!a) throw notFound("cchc.err.notFound");
    return redirectTo(reply, `${CCHC_BASE}/${a.id}`);
  });

  app.get(`${CCHC_BASE}/:id`, async (req, reply) => {
    requireAccess(req, "cchc.view");
    const { id } = parseWith(IdParam, req.params, req);
    const a = await loadById(req, id);
    const history = await req.tx((tx) => communeHistory(tx, a.communeId));
    return reply.page(<AssessmentPage ctx={req.pageCtx()} a={a} history={history} saved={(req.query as Record<string, string>).saved === "1"} />);
  });

  /** Runs a step; a refusal a person can act on is shown on the assessment page with what they typed. */
  const step = async (req: FastifyRequest, reply: import("fastify").FastifyReply, id: number, fn: (a: Assessment) => Promise<unknown>, values?: Record<string, string>) => {
    const a = await loadById(req, id);
    try {
      await fn(a);
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status < 500 && he.status !== 404) {
        return reply.page(<AssessmentPage ctx={req.pageCtx()} a={await loadById(req, id)} errors={{ _: req.t(he.messageKey, he.vars) }} values={values} />, he.status);
      }
      throw e;
    }
    return redirectTo(reply, `${CCHC_BASE}/${id}?saved=1`);
  };

  app.post(`${CCHC_BASE}/:id/scores`, async (req, reply) => {
    requirePermission(req, "cchc.fill");
    const { id } = parseWith(IdParam, req.params, req);
    const body = (req.body ?? {}) as Record<string, string>;
    const a = await loadById(req, id);
    const { entries, errors } = readScoresForm(a, body, req);
    if (Object.keys(errors).length) return reply.page(<AssessmentPage ctx={req.pageCtx()} a={a} errors={errors} values={body} />, 400);
    return step(req, reply, id, () => req.tx((tx) => saveSelfScores(tx, { assessmentId: id, entries, actor: actorOf(req) })), body);
  });

  app.post(`${CCHC_BASE}/:id/prefill`, async (req, reply) => {
    requirePermission(req, "cchc.fill");
    const { id } = parseWith(IdParam, req.params, req);
    return step(req, reply, id, (a) => req.tx((tx) => prefillAssessment(tx, a, actorOf(req))));
  });

  app.post(`${CCHC_BASE}/:id/evidence`, async (req, reply) => {
    const user = requirePermission(req, "cchc.fill");
    const { id } = parseWith(IdParam, req.params, req);
    const form = await readMultipart(req, { files: 1 });
    const a = await loadById(req, id);
    const again = (status: number, errors: Record<string, string>) => reply.page(<AssessmentPage ctx={req.pageCtx()} a={a} errors={errors} values={form.values} />, status);
    if (form.tooManyFiles) return again(413, { file: req.t("cchc.err.oneFile") });
    if (form.tooLarge.length) return again(413, { file: req.t("dossier.err.fileTooLarge", { name: form.tooLarge[0]!.fileName }) });
    const code = form.values.code ?? "";
    if (!leavesOf(a.set.criteria).some((c) => c.code === code)) return again(400, { code: req.t("cchc.err.unknownCriterion", { code: code || "—" }) });
    const f = form.files[0];
    if (!f) return again(400, { file: req.t("cchc.err.noFile") });
    if (a.communeId !== user.agencyId) throw new HttpError(403, "cchc.err.communeOnly");
    let staged: Awaited<ReturnType<typeof stageFiles>>;
    try {
      staged = await stageFiles({ db: app.deps.db, agencyId: a.communeId, uploads: [{ documentName: f.fileName, fileName: f.fileName, data: f.data }] });
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status < 500) return again(he.status, { file: req.t(he.messageKey, he.vars) });
      throw e;
    }
    try {
      await withStagedFiles(app.deps.db, staged, () =>
        req.tx(async (tx) => {
          const s = staged[0]!;
          await recordEvidence(tx, { assessmentId: id, code, file: { storagePath: s.storagePath, fileName: s.fileName, contentType: s.contentType, size: s.size }, actor: actorOf(req) });
          await finaliseFiles(tx, staged);
        }),
      );
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status < 500) return again(he.status, { _: req.t(he.messageKey, he.vars) });
      throw e;
    }
    return redirectTo(reply, `${CCHC_BASE}/${id}?saved=1#c-${encodeURIComponent(code)}`);
  });

  app.get(`${CCHC_BASE}/:id/evidence/:eid`, async (req, reply) => {
    requireAccess(req, "cchc.view");
    const { id, eid } = parseWith(z.object({ id: z.coerce.number().int().positive().max(2147483647), eid: z.coerce.number().int().positive().max(2147483647) }), req.params, req);
    const f = await req.tx(async (tx) => {
      const e = await findEvidenceFile(tx, eid);
      const owner = e ? await tx.maybeOne("select 1 from cchc_evidence where id = $1 and assessment_id = $2", [eid, id]) : undefined;
      return owner ? e : undefined;
    });
    if (!f) throw notFound();
    const file = await fileStore(app.deps.db).open(f.storagePath);
    if (!file) throw notFound();
    return reply
      .header("content-type", f.contentType)
      .header("content-length", String(file.size))
      .header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(f.fileName)}`)
      .header("cache-control", "private, no-store")
      .header("x-content-type-options", "nosniff")
      .send(file.body);
  });

  app.post(`${CCHC_BASE}/:id/submit`, async (req, reply) => {
    requirePermission(req, "cchc.submit");
    const { id } = parseWith(IdParam, req.params, req);
    return step(req, reply, id, () => req.tx((tx) => submitAssessment(tx, { assessmentId: id, actor: actorOf(req) })));
  });

  app.post(`${CCHC_BASE}/:id/appraise`, async (req, reply) => {
    requirePermission(req, "cchc.appraise");
    const { id } = parseWith(IdParam, req.params, req);
    const body = (req.body ?? {}) as Record<string, string>;
    const a = await loadById(req, id);
    const { entries, errors } = readReviewForm(a, body, req);
    if (Object.keys(errors).length) return reply.page(<AssessmentPage ctx={req.pageCtx()} a={a} errors={errors} values={body} />, 400);
    return step(req, reply, id, () => req.tx((tx) => appraiseCriteria(tx, { assessmentId: id, entries, actor: actorOf(req) })), body);
  });

  app.post(`${CCHC_BASE}/:id/return`, async (req, reply) => {
    requirePermission(req, "cchc.appraise");
    const { id } = parseWith(IdParam, req.params, req);
    const body = (req.body ?? {}) as Record<string, string>;
    const reason = (body.reason ?? "").normalize("NFC").trim();
    if (reason.length < 3 || reason.length > 2000) return reply.page(<AssessmentPage ctx={req.pageCtx()} a={await loadById(req, id)} errors={{ reason: req.t("cchc.err.returnReason") }} values={body} />, 400);
    return step(req, reply, id, () => req.tx((tx) => returnAssessment(tx, { assessmentId: id, reason, actor: actorOf(req) })), body);
  });

  app.post(`${CCHC_BASE}/:id/approve`, async (req, reply) => {
    requirePermission(req, "cchc.appraise");
    const { id } = parseWith(IdParam, req.params, req);
    return step(req, reply, id, () => req.tx((tx) => approveAssessment(tx, { assessmentId: id, actor: actorOf(req) })));
  });

  app.post(`${CCHC_BASE}/:id/publish`, async (req, reply) => {
    requirePermission(req, "cchc.publish");
    const { id } = parseWith(IdParam, req.params, req);
    return step(req, reply, id, () => req.tx((tx) => publishAssessment(tx, { assessmentId: id, actor: actorOf(req) })));
  });

  app.get(`${CCHC_BASE}/:id/:doc.:format`, async (req, reply) => {
    requireAccess(req, "cchc.view");
    const p = parseWith(z.object({ id: z.coerce.number().int().positive().max(2147483647), doc: z.enum(["report", "decision"], { message: "msg:error.404.body" }), format: z.enum(["docx", "pdf"], { message: "msg:error.404.body" }) }), req.params, req);
    const a = await loadById(req, p.id);
    const doc = await documentOf(req, a, p.doc);
    if (!doc) throw notFound("cchc.err.noDecision");
    const bytes = p.format === "docx" ? await renderDocx(doc) : await renderPdf(doc);
    const name = `${p.doc === "report" ? "bao-cao-tu-danh-gia-cchc" : "quyet-dinh-cchc"}-${a.year}-${a.communeCode}.${p.format}`;
    return reply.header("content-type", FORMATS[p.format]).header("content-disposition", `attachment; filename="${name}"`).header("cache-control", "private, no-store").send(bytes);
  });

  // --- criteria sets (the province)
  app.get(`${CCHC_BASE}/criteria`, async (req, reply) => {
    requireAccess(req, "cchc.criteria");
    const province = await provinceOfUser(req);
    const sets = await req.tx((tx) => listCriteriaSets(tx, province.id));
    return reply.page(<CriteriaSetsPage ctx={req.pageCtx()} sets={sets} />);
  });

  app.get(`${CCHC_BASE}/criteria/template.:format`, async (req, reply) => {
    requireAccess(req, "cchc.criteria");
    const { format } = parseWith(z.object({ format: z.enum(["xlsx", "json"], { message: "msg:error.404.body" }) }), req.params, req);
    const file = { ...DEMO_CCHC_CRITERIA_FILE, year: thisYear() };
    if (format === "json") return reply.header("content-disposition", 'attachment; filename="bo-chi-so-cchc-xa.json"').type("application/json").send(JSON.stringify(file, null, 2));
    const checked = (await import("../../domain/indexes/cchc")).validateCriteriaFile(file);
    if (!checked.ok) throw new Error("demo criteria set does not validate");
    const bytes = await writeCriteriaXlsx(checked.set);
    return reply
      .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      .header("content-disposition", 'attachment; filename="bo-chi-so-cchc-xa.xlsx"')
      .send(bytes);
  });

  app.get(`${CCHC_BASE}/criteria/:id`, async (req, reply) => {
    requireAccess(req, "cchc.view");
    const { id } = parseWith(IdParam, req.params, req);
    const set = await req.tx(async (tx) => ((await tx.maybeOne("select 1 from cchc_criteria_sets where id = $1", [id])) ? getCriteriaSet(tx, id) : undefined));
    if (!set) throw notFound();
    return reply.page(<CriteriaSetPage ctx={req.pageCtx()} set={set} />);
  });

  app.post(`${CCHC_BASE}/criteria`, async (req, reply) => {
    requirePermission(req, "cchc.criteria");
    const province = await provinceOfUser(req);
    const page = async (status: number, o: { errors?: Record<string, string>; problems?: string[] }) =>
      reply.page(<CriteriaSetsPage ctx={req.pageCtx()} sets={await req.tx((tx) => listCriteriaSets(tx, province.id))} {...o} />, status);
    if (!province.own) throw new HttpError(403, "cchc.err.provinceOnly");
    let file: { name: string; data: Buffer } | null = null;
    let tooLarge = false;
    if (req.isMultipart()) {
      const form = await readMultipart(req, { files: 1, totalBytes: MAX_CRITERIA_FILE });
      tooLarge = form.tooLarge.length > 0 || Boolean(form.tooManyFiles);
      file = form.files[0] ? { name: form.files[0].fileName, data: form.files[0].data } : null;
    } else verifyCsrf(req, ((req.body ?? {}) as Record<string, string>)._csrf);
    if (tooLarge) return page(413, { errors: { file: req.t("cchc.import.tooLarge") } });
    if (!file) return page(400, { errors: { file: req.t("cchc.err.noFile") } });
    try {
      const raw = await parseCriteriaUpload(file);
      await req.tx((tx) => importCriteriaSet(tx, { provinceId: province.id, raw, fileName: file.name.normalize("NFC").slice(0, 200), actor: actorOf(req) }));
    } catch (e) {
      if (e instanceof CriteriaFileRefused) return page(422, { problems: e.problems.map((p) => `${p.path ? `${p.path}: ` : ""}${problemText(req, p)}`) });
      const he = asHttpError(e);
      if (he && he.status < 500) return page(he.status, { errors: { file: req.t(he.messageKey, he.vars) } });
      throw e;
    }
    return redirectTo(reply, `${CCHC_BASE}/criteria`);
  });

  // --- ranking (staff)
  app.get(`${CCHC_BASE}/ranking`, async (req, reply) => {
    requireAccess(req, "cchc.view");
    const year = parseWith(YearQuery, req.query, req).year ?? thisYear();
    const province = await provinceOfUser(req);
    const rows = await req.tx((tx) => ranking(tx, { provinceId: province.id, year }));
    const ctx = req.pageCtx();
    const t = ctx.t;
    const areas = areasOf(rows, await req.tx((tx) => latestAreaNames(tx, province.id, year)));
    return reply.page(
      <Layout ctx={ctx} title={t("cchc.rankingTitle", { province: province.unitName, year })} area="staff">
        <p class="no-print">
          <a href={`${CCHC_BASE}?year=${year}`}>← {t("cchc.nav")}</a>
        </p>
        <h1>{t("cchc.rankingTitle", { province: province.unitName, year })}</h1>
        <YearForm ctx={ctx} year={year} action={`${CCHC_BASE}/ranking`} />
        {rows.length ? <RankingTable ctx={ctx} rows={rows} areas={areas} communeHref={(r) => `/c/${encodeURIComponent(r.code)}/cchc`} /> : <p>{t("cchc.nonePublishedYet", { year })}</p>}
        <p class="hint">{t("cchc.rankingHint")}</p>
      </Layout>,
    );
  });

  await rewardsRoutes(app);

  // --- public pages
  app.get("/c/:code/cchc", async (req, reply) => {
    const { code } = req.params as { code: string };
    const agency = await req.tx((tx) => findAgencyByCode(tx, String(code).slice(0, 40)));
    if (!agency) throw notFound();
    const q = parseWith(YearQuery, req.query, req);
    const ctx = { ...req.pageCtx(), site: { code: agency.code, name: agency.name, unitName: agency.unit_name } };
    const t = ctx.t;
    const kind = await req.tx((tx) => tx.one<{ kind: string }>("select kind from agencies where id = $1", [agency.id]));
    if (kind.kind === "province") {
      // Public: what the anonymous scope sees — published results only.
      const data = await app.deps.db.scoped({ agencyIds: [], userId: null }, async (tx) => {
        const latest = await tx.maybeOne<{ year: number }>("select max(s.year) as year from cchc_assessments s join agencies a on a.id = s.agency_id where a.parent_id = $1 and s.status = 'published'", [agency.id]);
        const year = q.year ?? latest?.year ?? thisYear();
        return { year, rows: await ranking(tx, { provinceId: agency.id, year }), names: await latestAreaNames(tx, agency.id, year) };
      });
      const title = t("cchc.public.rankingTitle", { year: data.year });
      return reply.page(
        <Layout ctx={ctx} title={`${title} – ${agency.unit_name}`}>
          <h1>
            {title} – {agency.unit_name}
          </h1>
          <YearForm ctx={ctx} year={data.year} action={`/c/${encodeURIComponent(agency.code)}/cchc`} />
          {data.rows.length ? <RankingTable ctx={ctx} rows={data.rows} areas={areasOf(data.rows, data.names)} communeHref={(r) => `/c/${encodeURIComponent(r.code)}/cchc`} /> : <p>{t("cchc.nonePublishedYet", { year: data.year })}</p>}
          <p class="hint">{t("cchc.public.rankingHint")}</p>
        </Layout>,
      );
    }
    const data = await app.deps.db.scoped({ agencyIds: [], userId: null }, async (tx) => {
      const history = await communeHistory(tx, agency.id);
      const year = q.year ?? history.at(-1)?.year;
      const a = year
        ? await tx.maybeOne<{ year: number; final_total: string; index_value: string; band: import("../../domain/indexes/cchc").Band; areas: { code: string; name: string; kind: string; points: number; max: number }[]; decision_code: string | null; decision_date: string | null; published_at: Date; parent_id: number }>(
            `select s.year, s.final_total, s.index_value, s.band, s.areas, s.decision_code, s.decision_date::text as decision_date, s.published_at, a.parent_id
             from cchc_assessments s join agencies a on a.id = s.agency_id where s.agency_id = $1 and s.year = $2 and s.status = 'published'`,
            [agency.id, year],
          )
        : undefined;
      const ranked = a ? await ranking(tx, { provinceId: a.parent_id, year: a.year }) : [];
      const rank = ranked.find((r) => r.communeId === agency.id);
      const of = ranked.length;
      const provinceCode = a ? (await tx.maybeOne<{ code: string }>("select code from agencies where id = $1", [a.parent_id]))?.code : undefined;
      return { history, a, rank, of, provinceCode };
    });
    const title = t("cchc.public.communeTitle", { commune: agency.unit_name });
    return reply.page(
      <Layout ctx={ctx} title={title}>
        <h1>{title}</h1>
        {data.a ? (
          <>
            <h2>{t("cchc.public.title", { year: data.a.year })}</h2>
            <p class="lead">
              {t("cchc.public.result", { index: pct(Number(data.a.index_value)), total: pts(Number(data.a.final_total)) })} <BandTag ctx={ctx} band={data.a.band} />
              {data.rank ? ` · ${t("cchc.public.rank", { rank: data.rank.rank, of: data.of })}` : ""}
            </p>
            {data.a.decision_code ? <p>{t("cchc.public.decision", { code: data.a.decision_code, date: formatDate(data.a.decision_date) })}</p> : null}
            {data.provinceCode ? (
              <p>
                <a href={`/c/${encodeURIComponent(data.provinceCode)}/cchc?year=${data.a.year}`}>{t("cchc.public.provinceRanking")}</a>
              </p>
            ) : null}
            <div class="table-wrap">
              <table>
                <caption>{t("cchc.public.areas")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("cchc.code")}</th>
                    <th scope="col">{t("cchc.criterion")}</th>
                    <th scope="col">{t("cchc.pointsLabel")}</th>
                    <th scope="col">{t("cchc.max")}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.a.areas.map((x) => (
                    <tr key={x.code}>
                      <th scope="row">{x.code}</th>
                      <td>
                        {x.name} {x.kind !== "score" ? <span class="tag">{t(`cchc.kind.${x.kind}`)}</span> : null}
                      </td>
                      <td>{pts(x.points)}</td>
                      <td>{pts(x.max)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : (
          <p>{t("cchc.public.none")}</p>
        )}
        {data.history.length ? <HistoryChart ctx={ctx} id="cchc-history" history={data.history} /> : null}
      </Layout>,
    );
  });

  // --- JSON API
  const AgencyQuery = z.object({ agency: z.string().trim().min(1).max(40).optional() });
  const YearParam = z.object({ year: z.coerce.number({ message: "msg:cchc.err.year" }).int().min(2000, { message: "msg:cchc.err.year" }).max(2100, { message: "msg:cchc.err.year" }) });

  /** The commune an API call acts on: the one named (in scope), else the caller's own. */
  async function apiAssessment(req: FastifyRequest, year: number, agencyCode: string | undefined): Promise<Assessment> {
    const agencyId = agencyCode ? (await agencyByCode(req, agencyCode)).id : req.user!.agencyId;
    const a = await req.tx((tx) => findAssessment(tx, agencyId, year));
    if (!a) throw notFound("cchc.err.notFound");
    return a;
  }

  const CriterionJson = z.object({
    code: z.string(),
    parent: z.string().nullable(),
    name: z.string(),
    maxPoints: z.number(),
    method: z.string(),
    kind: z.string(),
    evidenceRequired: z.boolean(),
    selfPoints: z.number().nullable(),
    measured: z.unknown().nullable(),
    review: z.string().nullable(),
    finalPoints: z.number().nullable(),
    reviewReason: z.string().nullable(),
    evidence: z.array(z.object({ id: z.number(), fileName: z.string() })),
  });
  const AssessmentJson = z.object({
    agency: z.object({ code: z.string(), name: z.string() }),
    year: z.number(),
    status: z.string(),
    criteriaSet: z.object({ id: z.number(), version: z.number(), title: z.string() }),
    selfTotal: z.number().nullable(),
    total: z.number().nullable(),
    max: z.number(),
    index: z.number().nullable(),
    band: z.string().nullable(),
    reportNumber: z.string().nullable(),
    decisionNumber: z.string().nullable(),
    criteria: z.array(CriterionJson),
  });
  const RankingJson = z.object({
    agency: z.object({ code: z.string(), name: z.string() }),
    year: z.number(),
    ranking: z.array(z.object({ agency: z.string(), name: z.string(), total: z.number(), index: z.number(), band: z.string(), rank: z.number(), rankChange: z.number().nullable() })),
  });

  function assessmentJson(a: Assessment) {
    const self = selfPointsOf(a);
    const final = finalPointsMap(a);
    const totals = indexTotals(a.set.criteria, self);
    const leaves = new Set(leavesOf(a.set.criteria).map((c) => c.code));
    return {
      agency: { code: a.communeCode, name: a.communeName },
      year: a.year,
      status: a.status,
      criteriaSet: { id: a.set.id, version: a.set.version, title: a.set.title },
      selfTotal: a.selfTotal ?? totals.total,
      total: a.finalTotal,
      max: totals.max,
      index: a.index,
      band: a.band,
      reportNumber: a.reportDocument?.code ?? null,
      decisionNumber: a.decisionDocument?.code ?? null,
      criteria: a.set.criteria.map((c) => {
        const s = a.scores.get(c.code);
        return {
          code: c.code,
          parent: c.parent,
          name: c.name,
          maxPoints: c.maxPoints,
          method: c.method,
          kind: c.kind,
          evidenceRequired: c.evidenceRequired,
          selfPoints: leaves.has(c.code) ? (s?.selfPoints ?? null) : null,
          measured: s?.measured ?? null,
          review: s?.review ?? null,
          finalPoints: leaves.has(c.code) ? (final.get(c.code) ?? null) : null,
          reviewReason: s?.reviewReason ?? null,
          evidence: a.evidence.filter((e) => e.code === c.code).map((e) => ({ id: e.id, fileName: e.fileName })),
        };
      }),
    };
  }

  defineApi(app, {
    method: "GET",
    url: "/api/v1/indexes/cchc/:year",
    summary:
      "The CCHC index of a year. A commune (agency=its code, or the caller's own): its assessment with every criterion, self and appraised points, measured figures and evidence. A province: the ranking of its communes' published results. Anonymous callers see published results only",
    tags: ["indexes"],
    auth: "public",
    params: YearParam,
    query: AgencyQuery,
    response: z.union([AssessmentJson, RankingJson]),
    errors: { 404: "No such agency, or no assessment of the year visible to the caller" },
    handler: async ({ req, params, query }) => {
      if (!query.agency && !req.user) throw new HttpError(400, "cchc.err.agencyNeeded");
      const agency = query.agency ? await agencyByCode(req, query.agency) : undefined;
      const kind = agency ? (await req.tx((tx) => tx.one<{ kind: string }>("select kind from agencies where id = $1", [agency.id]))).kind : undefined;
      if (agency && kind === "province") {
        const rows = await req.tx((tx) => ranking(tx, { provinceId: agency.id, year: params.year }));
        return {
          agency: { code: agency.code, name: agency.unit_name },
          year: params.year,
          ranking: rows.map((r) => ({ agency: r.code, name: r.unitName, total: r.total, index: r.index, band: r.band, rank: r.rank, rankChange: r.rankChange })),
        };
      }
      return assessmentJson(await apiAssessment(req, params.year, query.agency));
    },
  });

  const ActionBody = z.object({ agency: z.string().trim().min(1).max(40).optional() });
  const ReviewBody = z.object({
    agency: z.string().trim().min(1).max(40),
    items: z
      .array(
        z.object({
          code: z.string().min(1).max(32),
          decision: z.enum(REVIEW_DECISIONS, { message: "msg:cchc.err.decision" }),
          points: z.number().min(0).max(1000).optional(),
          reason: z.string().trim().max(2000).optional(),
        }),
      )
      .min(1)
      .max(2000),
  });
  const ScoresBody = z.object({
    entries: z
      .array(z.object({ code: z.string().min(1).max(32), points: z.number().min(0).max(1000).nullable(), note: z.string().max(4000).default("") }))
      .min(1)
      .max(2000),
  });

  defineApi(app, {
    method: "PUT",
    url: "/api/v1/indexes/cchc/:year/scores",
    summary: "The commune's own points and notes for criteria (its officers; opens the year's assessment, pre-filled from the data, on first use)",
    tags: ["indexes"],
    auth: "cchc.fill",
    params: YearParam,
    body: ScoresBody,
    response: AssessmentJson,
    errors: { 409: "Submitted already", 422: "No criteria set for the year" },
    handler: async ({ req, params, body }) => {
      const actor = actorOf(req);
      const a = await req.tx(async (tx) => {
        const open = await openAssessment(tx, { communeId: actor.agencyId, year: params.year, actor, prefill: (t, x) => prefillAssessment(t, x, actor).then(() => undefined) });
        return saveSelfScores(tx, { assessmentId: open.id, entries: body.entries.map((e) => ({ code: e.code, points: e.points, note: e.note.normalize("NFC") })), actor });
      });
      return assessmentJson(a);
    },
  });

  const actions = [
    { name: "submit", auth: "cchc.submit", summary: "The commune's leader submits the self-assessment (numbered as a BC report from the commune's register)", run: (req: FastifyRequest, a: Assessment) => req.tx((tx) => submitAssessment(tx, { assessmentId: a.id, actor: actorOf(req) })) },
    { name: "approve", auth: "cchc.appraise", summary: "The province's appraisal council approves: every criterion reviewed, none awaiting evidence; the decision takes its QĐ number from the province's register", run: (req: FastifyRequest, a: Assessment) => req.tx((tx) => approveAssessment(tx, { assessmentId: a.id, actor: actorOf(req) })) },
    { name: "publish", auth: "cchc.publish", summary: "Publishes an approved result on the portals of the commune and of the province", run: (req: FastifyRequest, a: Assessment) => req.tx((tx) => publishAssessment(tx, { assessmentId: a.id, actor: actorOf(req) })) },
  ] as const;
  for (const action of actions) {
    defineApi(app, {
      method: "POST",
      url: `/api/v1/indexes/cchc/:year/${action.name}`,
      summary: action.summary,
      tags: ["indexes"],
      auth: action.auth,
      params: YearParam,
      body: ActionBody,
      response: AssessmentJson,
      errors: { 403: "Not this side's step (a commune never appraises itself, a province never self-assesses)", 404: "No assessment of the year for the agency", 409: "Not in a status this step starts from (e.g. appraising an unsubmitted assessment)" },
      handler: async ({ req, params, body }) => {
        const a = await apiAssessment(req, params.year, body.agency);
        return assessmentJson(await action.run(req, a));
      },
    });
  }

  defineApi(app, {
    method: "POST",
    url: "/api/v1/indexes/cchc/:year/appraise",
    summary: "The appraisal council's word on criteria of a submitted assessment: accept, adjust (points and reason) or ask for evidence (reason)",
    tags: ["indexes"],
    auth: "cchc.appraise",
    params: YearParam,
    body: ReviewBody,
    response: AssessmentJson,
    errors: { 403: "The caller's own commune, or not a province", 404: "No assessment", 409: "The assessment is not submitted" },
    handler: async ({ req, params, body }) => {
      const a = await apiAssessment(req, params.year, body.agency);
      return assessmentJson(await req.tx((tx) => appraiseCriteria(tx, { assessmentId: a.id, entries: body.items, actor: actorOf(req) })));
    },
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/indexes/cchc/:year/return",
    summary: "Sends a submitted assessment back to the commune for the evidence the council asked for",
    tags: ["indexes"],
    auth: "cchc.appraise",
    params: YearParam,
    body: z.object({ agency: z.string().trim().min(1).max(40), reason: z.string().trim().min(3, { message: "msg:cchc.err.returnReason" }).max(2000) }),
    response: AssessmentJson,
    errors: { 409: "Not submitted, or no criterion awaits evidence" },
    handler: async ({ req, params, body }) => {
      const a = await apiAssessment(req, params.year, body.agency);
      return assessmentJson(await req.tx((tx) => returnAssessment(tx, { assessmentId: a.id, reason: body.reason.normalize("NFC"), actor: actorOf(req) })));
    },
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/indexes/cchc/criteria",
    summary:
      "Imports a criteria file (the JSON format of docs/indexes.md, 'CCHC index') as the next version of the caller's province's set for its year. A broken file is refused whole with every problem listed (422, error.details)",
    tags: ["indexes"],
    auth: "cchc.criteria",
    body: z.record(z.string(), z.unknown()),
    bodyLimit: MAX_CRITERIA_FILE,
    successStatus: 201,
    response: z.object({ id: z.number(), year: z.number(), version: z.number(), criteria: z.number() }),
    errors: { 422: "The file breaks the format or the tree's rules: every problem in error.details" },
    handler: async ({ req, body }) => {
      const province = await provinceOfUser(req);
      if (!province.own) throw new HttpError(403, "cchc.err.provinceOnly");
      try {
        const s = await req.tx((tx) => importCriteriaSet(tx, { provinceId: province.id, raw: body, fileName: null, actor: actorOf(req) }));
        return { id: s.id, year: s.year, version: s.version, criteria: s.criteria.length };
      } catch (e) {
        if (e instanceof CriteriaFileRefused) throw refusal(req, e);
        throw e;
      }
    },
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/indexes/cchc/criteria/file",
    summary: "Imports a criteria file uploaded as it is (JSON or the XLSX spreadsheet of docs/indexes.md), like the JSON operation: refused whole with every problem listed (422)",
    tags: ["indexes"],
    auth: "cchc.criteria",
    multipart: { fields: z.object({}), files: [{ name: "file", required: true, description: ".json or .xlsx, 2 MB at most" }] },
    successStatus: 201,
    response: z.object({ id: z.number(), year: z.number(), version: z.number(), criteria: z.number() }),
    errors: { 413: "File over 2 MB", 415: "Not a multipart upload", 422: "Not JSON nor XLSX, or the file breaks the format or the tree's rules: every problem in error.details" },
    handler: async ({ req }) => {
      if (!req.isMultipart()) throw new HttpError(415, "cchc.import.multipart");
      const province = await provinceOfUser(req);
      if (!province.own) throw new HttpError(403, "cchc.err.provinceOnly");
      const form = await readMultipart(req, { files: 1, totalBytes: MAX_CRITERIA_FILE });
      if (form.tooLarge.length || form.tooManyFiles) throw new HttpError(413, "cchc.import.tooLarge");
      const f = form.files[0];
      if (!f) throw new HttpError(422, "cchc.err.noFile");
      try {
        const raw = await parseCriteriaUpload({ name: f.fileName, data: f.data });
        const s = await req.tx((tx) => importCriteriaSet(tx, { provinceId: province.id, raw, fileName: f.fileName.normalize("NFC").slice(0, 200), actor: actorOf(req) }));
        return { id: s.id, year: s.year, version: s.version, criteria: s.criteria.length };
      } catch (e) {
        if (e instanceof CriteriaFileRefused) throw refusal(req, e);
        throw e;
      }
    },
  });
}

/** JSON or XLSX by content: a ZIP signature is a spreadsheet, anything else must be JSON. */
async function parseCriteriaUpload(file: { name: string; data: Buffer }): Promise<unknown> {
  if (file.data.subarray(0, 2).toString("latin1") === "PK") return readCriteriaXlsx(file.data);
  try {
    return JSON.parse(file.data.toString("utf8").replace(/^\uFEFF/, ""));
  } catch {
    throw new DomainError("unprocessable", "cchc.import.notJson");
  }
}

async function latestAreaNames(tx: import("../../db/scope").Tx, provinceId: number, year: number): Promise<Map<string, string>> {
  const r = await tx.maybeOne<{ criteria: { code: string; parent: string | null; name: string }[] }>("select criteria from cchc_criteria_sets where agency_id = $1 and year = $2 order by version desc limit 1", [provinceId, year]);
  return new Map((r?.criteria ?? []).filter((c) => !c.parent).map((c) => [c.code, c.name]));
}

function areasOf(rows: { areas: { code: string }[] }[], names: Map<string, string>): { code: string; name: string }[] {
  const codes = [...new Set(rows.flatMap((r) => r.areas.map((a) => a.code)))];
  return codes.map((code) => ({ code, name: names.get(code) ?? code }));
}


