// The yearly review of procedures: staff pages (the year's reviews and plan, a procedure's review
// form and compliance cost, the income figure, sending the results up, the province's view of its
// communes), their JSON API, and the results published on the portal (public.tsx).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import { CostItem, WageSetting } from "../../domain/catalog/compliance-cost";
import { Assessment, CONCLUSIONS, REVIEW_PARTS } from "../../domain/catalog/review";
import { composeProvinceSummary, composeReviewReport, composeSimplificationProposal, type ReviewForDocument, type RoundForDocument } from "../../domain/catalog/review-documents";
import type { OfficialDocument } from "../../domain/documents/model";
import { vnToday } from "../../domain/documents/numbering";
import { DomainError } from "../../domain/errors";
import { defineApi } from "../../web/api";
import { asHttpError, HttpError, notFound, parseWith, redirect, requireAccess, requireUser } from "../../web/http";
import { registerDashboard, registerNav } from "../../web/registry";
import { renderDocx } from "../documents/render";
import { renderPdf } from "../documents/render";
import { findPlan, listAssignableStaff } from "../plans/plans";
import { type FormErrors, type FormValues, parseAssessmentForm, parseCostForm, parseWageForm } from "./forms";
import "./messages";
import { reviewsPublicRoutes } from "./public";
import {
  type Actor,
  completeReview,
  countOpenReviewsOf,
  createReview,
  findReview,
  findRound,
  listReviews,
  listSentBelow,
  type ProcedureReview,
  reopenReview,
  reviewCost,
  reviewSubject,
  roundDocumentData,
  saveAssessment,
  saveCost,
  saveWage,
  sendRound,
  sentFile,
  sentRoundData,
  wageFor,
} from "./service";
import { CommunesPage, type Candidate, ReviewPage, SettingsPage, YearPage } from "./views";

/** Every staff member sees the agency's reviews; review.manage plans them and sends the results. */
export const REVIEWS_ACCESS = "staff.dashboard" as const;
export const REVIEWS_MANAGE = "review.manage" as const;
export const REVIEWS_PROVINCE = "province.supervise" as const;

registerNav({ href: "/staff/reviews", labelKey: "reviews.nav", area: "staff", permission: REVIEWS_ACCESS, order: 62 });

registerDashboard(async (req, tx) => {
  if (!req.user || !can(req.user.role, REVIEWS_ACCESS)) return [];
  const n = await countOpenReviewsOf(tx, req.user.id);
  return n > 0 ? [{ labelKey: "reviews.dashboard.mine", value: n, href: `/staff/reviews?year=${vnToday().slice(0, 4)}`, tone: "warn" as const }] : [];
});

const FORMATS = { docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", pdf: "application/pdf" } as const;

const IdParam = z.object({ id: z.coerce.number().int().positive().max(2147483647) });
const YearQuery = z.object({
  year: z.coerce.number().int().min(2000, { message: "msg:reviews.err.year" }).max(2100, { message: "msg:reviews.err.year" }).optional(),
  field: z.string().max(300).optional(),
  saved: z.string().max(30).optional(),
  lang: z.string().optional(),
});
const DocParams = z.object({
  year: z.coerce.number().int().min(2000).max(2100),
  doc: z.enum(["report", "proposal"], { message: "msg:error.404.body" }),
  format: z.enum(["docx", "pdf"], { message: "msg:error.404.body" }),
});
const SentParams = z.object({ id: z.coerce.number().int().positive().max(2147483647), doc: z.enum(["report", "proposal"], { message: "msg:error.404.body" }), format: z.enum(["docx", "pdf"], { message: "msg:error.404.body" }) });
const SummaryParams = z.object({ year: z.coerce.number().int().min(2000).max(2100), format: z.enum(["docx", "pdf"], { message: "msg:error.404.body" }) });

function actorOf(req: FastifyRequest): Actor {
  const u = requireUser(req);
  return { userId: u.id, label: u.username };
}

const today = () => vnToday();
const thisYear = () => Number(vnToday().slice(0, 4));

/** The review's own official, or whoever manages reviews in its agency, while the round is open. */
function mayEdit(req: FastifyRequest, r: ProcedureReview): boolean {
  const u = req.user;
  if (!u || u.agencyId !== r.agencyId || r.roundStatus === "sent") return false;
  return r.reviewer?.id === u.id || can(u.role, REVIEWS_MANAGE);
}

function requireEdit(req: FastifyRequest, r: ProcedureReview): void {
  if (!mayEdit(req, r)) throw new HttpError(403, r.roundStatus === "sent" ? "reviews.err.sentShort" : "reviews.err.notYours");
}

function values(body: unknown): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (typeof v === "string") out[k] = v;
    else if (Array.isArray(v)) out[k] = v.map(String).join(",");
  }
  return out;
}

async function sendDocument(reply: FastifyReply, doc: OfficialDocument | Buffer, format: "docx" | "pdf", name: string) {
  const bytes = Buffer.isBuffer(doc) ? doc : format === "docx" ? await renderDocx(doc) : await renderPdf(doc);
  return reply.header("content-type", FORMATS[format]).header("content-disposition", `attachment; filename="${name}.${format}"`).header("cache-control", "private, no-store").send(bytes);
}

async function renderRound(d: RoundForDocument) {
  const report = composeReviewReport(d);
  const proposal = composeSimplificationProposal(d);
  const [reportDocx, reportPdf, proposalDocx, proposalPdf] = await Promise.all([renderDocx(report), renderPdf(report), renderDocx(proposal), renderPdf(proposal)]);
  return { reportDocx, reportPdf, proposalDocx, proposalPdf };
}

// JSON shapes
const PartJson = z.object({ necessary: z.enum(["yes", "no"]).nullable(), reasonable: z.enum(["yes", "no"]).nullable(), lawful: z.enum(["yes", "no"]).nullable(), proposal: z.string(), reason: z.string() });
const CostJson = z.object({
  before: z.number().describe("Compliance cost a year before the proposal, đồng"),
  after: z.number().describe("… after the proposal, đồng"),
  saving: z.number(),
  savingRate: z.number().describe("Percent, two decimals"),
  perDossier: z.object({ before: z.number(), after: z.number() }),
  dossiersPerYear: z.number(),
  dossiersSource: z.enum(["entered", "counted"]),
  counted: z.object({ n: z.number(), from: z.string(), to: z.string() }),
  hourlyIncome: z.number(),
  wage: z.object({ annualIncomeVnd: z.number(), year: z.number(), source: z.string() }),
  lines: z.array(z.object({ label: z.string(), activity: z.string(), before: z.number(), after: z.number() })),
  frozen: z.boolean(),
});
const ReviewJson = z.object({
  id: z.number(),
  year: z.number(),
  code: z.string(),
  name: z.string(),
  field: z.string(),
  version: z.number(),
  status: z.enum(["todo", "in_progress", "done"]),
  reviewer: z.object({ id: z.number(), name: z.string() }).nullable(),
  deadline: z.string().nullable(),
  planId: z.number().nullable(),
  assessment: z.record(z.string(), PartJson),
  conclusion: z.enum(CONCLUSIONS).nullable(),
  recommendation: z.string(),
  costItems: z.array(CostItem),
  feeBefore: z.number().nullable(),
  feeAfter: z.number().nullable(),
  dossiersPerYear: z.number().nullable(),
  url: z.string(),
});
const RoundJson = z.object({
  id: z.number(),
  year: z.number(),
  status: z.enum(["open", "sent"]),
  planId: z.number().nullable(),
  code: z.string().nullable(),
  issuedOn: z.string().nullable(),
  sentAt: z.string().nullable(),
  toAgency: z.string().nullable(),
});

function reviewJson(r: ProcedureReview): z.infer<typeof ReviewJson> {
  return {
    id: r.id,
    year: r.year,
    code: r.code,
    name: r.name,
    field: r.field,
    version: r.versionNo,
    status: r.status,
    reviewer: r.reviewer ? { id: r.reviewer.id, name: r.reviewer.name } : null,
    deadline: r.deadline,
    planId: r.planId,
    assessment: Object.fromEntries(REVIEW_PARTS.map((p) => [p, { necessary: null, reasonable: null, lawful: null, proposal: "", reason: "", ...r.assessment[p] }])),
    conclusion: r.conclusion,
    recommendation: r.recommendation,
    costItems: r.costItems,
    feeBefore: r.feeBefore,
    feeAfter: r.feeAfter,
    dossiersPerYear: r.dossiersPerYear,
    url: `/staff/reviews/${r.id}`,
  };
}

export async function reviewsRoutes(app: FastifyInstance): Promise<void> {
  await reviewsPublicRoutes(app);

  // ------------------------------------------------------------------------- the year's page
  async function yearPage(req: FastifyRequest, reply: FastifyReply, o: { year: number; field?: string | undefined; values?: FormValues; errors?: FormErrors; sendErrors?: FormErrors; status?: number; notice?: string }) {
    const user = requireAccess(req, REVIEWS_ACCESS);
    const canManage = can(user.role, REVIEWS_MANAGE);
    const data = await req.tx(async (tx) => {
      const round = await findRound(tx, { agencyId: user.agencyId, year: o.year });
      const reviews = await listReviews(tx, { agencyId: user.agencyId, year: o.year });
      const withCost = [];
      for (const r of reviews) withCost.push({ ...r, cost: r.status === "done" ? (await reviewCost(tx, r)).result : null });
      const plan = round?.planId ? await findPlan(tx, round.planId) : undefined;
      const held = canManage
        ? await tx.query<{ code: string; name: string; field: string }>(
            `select p.code, p.name, p.field from procedures p join agency_offering($1) ao on ao.procedure_id = p.id
             where (p.abolished_on is null or p.abolished_on > (now() at time zone 'Asia/Ho_Chi_Minh')::date)
               and (ao.enabled or (not exists (select 1 from agencies where id = $1 and kind = 'commune')
                 and p.agency_id in (with recursive up as (select id, parent_id from agencies where id = $1 union all select a.id, a.parent_id from agencies a join up on a.id = up.parent_id) select id from up)))
             order by p.field, p.name`,
            [user.agencyId],
          )
        : [];
      const taken = new Set(reviews.map((r) => r.code));
      const leader = await tx.maybeOne<{ full_name: string; title: string | null }>(
        "select full_name, title from users where agency_id = $1 and role = 'leader' and active order by (title ilike '%phó%'), id limit 1",
        [user.agencyId],
      );
      return {
        round,
        planStatus: plan?.status ?? null,
        reviews: withCost,
        wage: await wageFor(tx, user.agencyId),
        fields: [...new Set(held.map((h) => h.field).filter(Boolean))],
        candidates: o.field ? held.filter((h) => h.field === o.field && !taken.has(h.code)).map((h): Candidate => ({ code: h.code, name: h.name })) : [],
        staff: canManage ? await listAssignableStaff(tx, user.agencyId) : [],
        signer: { name: leader?.full_name ?? "", title: leader?.title ?? "" },
      };
    });
    return reply.page(
      <YearPage
        ctx={req.pageCtx()}
        year={o.year}
        today={today()}
        {...data}
        canManage={canManage}
        isProvince={can(user.role, REVIEWS_PROVINCE)}
        field={o.field}
        values={o.values ?? {}}
        errors={o.errors}
        sendErrors={o.sendErrors}
        notice={o.notice}
      />,
      o.status ?? 200,
    );
  }

  app.get("/staff/reviews", async (req, reply) => {
    const q = parseWith(YearQuery, req.query, req);
    const notice = q.saved === "added" ? req.t("reviews.saved.added") : q.saved === "sent" ? req.t("reviews.saved.sent") : undefined;
    return yearPage(req, reply, { year: q.year ?? thisYear(), field: q.field || undefined, notice });
  });

  const AddForm = z.object({
    year: z.coerce.number().int().min(2000).max(2100),
    field: z.string().max(300).optional(),
    code: z.union([z.string(), z.array(z.string())]).optional(),
    reviewerUserId: z.string().optional(),
    deadline: z.string().optional(),
  });

  app.post("/staff/reviews", async (req, reply) => {
    const user = requireAccess(req, REVIEWS_MANAGE);
    const f = parseWith(AddForm, req.body, req);
    const codes = (Array.isArray(f.code) ? f.code : f.code ? [f.code] : []).filter(Boolean);
    const v = values(req.body);
    const errors: FormErrors = {};
    if (codes.length === 0) errors.code = "reviews.err.noProcedure";
    const reviewer = Number(f.reviewerUserId);
    if (!Number.isInteger(reviewer) || reviewer <= 0) errors.reviewerUserId = "reviews.err.reviewer";
    const deadline = (f.deadline ?? "").trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(deadline) || Number.isNaN(Date.parse(`${deadline}T00:00:00Z`))) errors.deadline = "reviews.err.deadline";
    if (Object.keys(errors).length) return yearPage(req, reply, { year: f.year, field: f.field, values: v, errors, status: 422 });
    try {
      await req.tx(async (tx) => {
        for (const code of codes) await createReview(tx, { agencyId: user.agencyId, year: f.year, code, reviewerUserId: reviewer, deadline }, actorOf(req));
      });
    } catch (e) {
      const he = asHttpError(e);
      if (!he) throw e;
      return yearPage(req, reply, { year: f.year, field: f.field, values: v, errors: { [he.messageKey === "reviews.err.reviewer" ? "reviewerUserId" : "code"]: req.t(he.messageKey, he.vars) }, status: he.status });
    }
    return redirect(reply, `/staff/reviews?year=${f.year}&saved=added`);
  });

  // ------------------------------------------------------------------------- one review
  async function reviewPage(
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    extra: { assessmentValues?: FormValues; assessmentErrors?: FormErrors; costValues?: FormValues; costErrors?: FormErrors; problems?: string[]; saved?: string; status?: number } = {},
  ) {
    requireAccess(req, REVIEWS_ACCESS);
    const data = await req.tx(async (tx) => {
      const r = await findReview(tx, id);
      if (!r) return undefined;
      return { r, cost: await reviewCost(tx, r), subject: await reviewSubject(tx, r) };
    });
    if (!data) throw notFound("reviews.err.notFound");
    const { r } = data;
    const editable = mayEdit(req, r) && r.status !== "done";
    const canReopen = r.status === "done" && r.roundStatus === "open" && req.user!.agencyId === r.agencyId && can(req.user!.role, REVIEWS_MANAGE);
    return reply.page(<ReviewPage ctx={req.pageCtx()} r={r} current={data.subject.current} cost={data.cost} editable={editable} canReopen={canReopen} today={today()} {...extra} />, extra.status ?? 200);
  }

  app.get("/staff/reviews/:id", async (req, reply) => {
    const { id } = parseWith(IdParam, req.params, req);
    const q = parseWith(YearQuery, req.query, req);
    return reviewPage(req, reply, id, q.saved && /^(assessment|cost|complete|reopen)$/.test(q.saved) ? { saved: q.saved } : {});
  });

  async function loadForEdit(req: FastifyRequest, id: number): Promise<ProcedureReview> {
    requireAccess(req, REVIEWS_ACCESS);
    const r = await req.tx((tx) => findReview(tx, id));
    if (!r) throw notFound("reviews.err.notFound");
    requireEdit(req, r);
    return r;
  }

  app.post("/staff/reviews/:id/assessment", async (req, reply) => {
    const { id } = parseWith(IdParam, req.params, req);
    await loadForEdit(req, id);
    const v = values(req.body);
    const form = parseAssessmentForm(v);
    if (!form.ok) return reviewPage(req, reply, id, { assessmentValues: v, assessmentErrors: form.errors, status: 422 });
    await req.tx((tx) => saveAssessment(tx, id, form.value, actorOf(req)));
    return redirect(reply, `/staff/reviews/${id}?saved=assessment`);
  });

  app.post("/staff/reviews/:id/cost", async (req, reply) => {
    const { id } = parseWith(IdParam, req.params, req);
    await loadForEdit(req, id);
    const v = values(req.body);
    const form = parseCostForm(v);
    if (!form.ok) return reviewPage(req, reply, id, { costValues: v, costErrors: form.errors, status: 422 });
    await req.tx((tx) => saveCost(tx, id, form.value, actorOf(req)));
    return redirect(reply, `/staff/reviews/${id}?saved=cost#form03-h`);
  });

  app.post("/staff/reviews/:id/complete", async (req, reply) => {
    const { id } = parseWith(IdParam, req.params, req);
    await loadForEdit(req, id);
    try {
      await req.tx((tx) => completeReview(tx, id, actorOf(req)));
    } catch (e) {
      if (e instanceof DomainError && e.messageKey === "reviews.err.incomplete") {
        const problems = (e.details ?? []).map((d) => `${d.path === "conclusion" || d.path === "cost" ? req.t(`reviews.problemPlace.${d.path}`) : req.t(`reviews.part.${d.path}`)}: ${req.t(d.message)}`);
        return reviewPage(req, reply, id, { problems, status: 422 });
      }
      throw e;
    }
    return redirect(reply, `/staff/reviews/${id}?saved=complete`);
  });

  app.post("/staff/reviews/:id/reopen", async (req, reply) => {
    const user = requireAccess(req, REVIEWS_MANAGE);
    const { id } = parseWith(IdParam, req.params, req);
    const r = await req.tx((tx) => findReview(tx, id));
    if (!r) throw notFound("reviews.err.notFound");
    if (r.agencyId !== user.agencyId) throw new HttpError(403, "reviews.err.notYours");
    await req.tx((tx) => reopenReview(tx, id, actorOf(req)));
    return redirect(reply, `/staff/reviews/${id}?saved=reopen`);
  });

  // ------------------------------------------------------------------------- settings
  app.get("/staff/reviews/settings", async (req, reply) => {
    const user = requireAccess(req, REVIEWS_MANAGE);
    const q = parseWith(YearQuery, req.query, req);
    const wage = await req.tx((tx) => wageFor(tx, user.agencyId));
    return reply.page(<SettingsPage ctx={req.pageCtx()} wage={wage} saved={q.saved === "1"} />);
  });

  app.post("/staff/reviews/settings", async (req, reply) => {
    const user = requireAccess(req, REVIEWS_MANAGE);
    const v = values(req.body);
    const form = parseWageForm(v);
    if (!form.ok) {
      const wage = await req.tx((tx) => wageFor(tx, user.agencyId));
      return reply.page(<SettingsPage ctx={req.pageCtx()} wage={wage} values={v} errors={form.errors} />, 422);
    }
    await req.tx((tx) => saveWage(tx, user.agencyId, form.value, actorOf(req)));
    return redirect(reply, "/staff/reviews/settings?saved=1");
  });

  // ------------------------------------------------------------------------- documents and sending
  app.get("/staff/reviews/documents/:year/:doc.:format", async (req, reply) => {
    const user = requireAccess(req, REVIEWS_ACCESS);
    const { year, doc, format } = parseWith(DocParams, req.params, req);
    const data = await req.tx((tx) => roundDocumentData(tx, { agencyId: user.agencyId, year }));
    if (data.reviews.length === 0) throw notFound("reviews.err.noneDone");
    const composed = doc === "report" ? composeReviewReport(data) : composeSimplificationProposal(data);
    return sendDocument(reply, composed, format, `du-thao-${doc === "report" ? "bao-cao-ra-soat-tthc" : "phuong-an-don-gian-hoa-tthc"}-${year}`);
  });

  app.get("/staff/reviews/rounds/:id/:doc.:format", async (req, reply) => {
    requireAccess(req, REVIEWS_ACCESS);
    const { id, doc, format } = parseWith(SentParams, req.params, req);
    const f = await req.tx((tx) => sentFile(tx, id, `${doc}.${format}`));
    if (!f) throw notFound();
    return sendDocument(reply, f.data, format, `${doc === "report" ? "bao-cao-ra-soat-tthc" : "phuong-an-don-gian-hoa-tthc"}-${f.code.replace("/", "-")}-${f.year}`);
  });

  const SendForm = z.object({ year: z.coerce.number().int().min(2000).max(2100), signerName: z.string().max(200).optional(), signerTitle: z.string().max(200).optional() });

  async function send(req: FastifyRequest, input: { year: number; signerName: string; signerTitle: string | null }) {
    const user = requireAccess(req, REVIEWS_MANAGE);
    return req.tx((tx) => sendRound(tx, { agencyId: user.agencyId, ...input }, actorOf(req), renderRound));
  }

  app.post("/staff/reviews/send", async (req, reply) => {
    requireAccess(req, REVIEWS_MANAGE);
    const f = parseWith(SendForm, req.body, req);
    const v = values(req.body);
    const signerName = (f.signerName ?? "").normalize("NFC").trim();
    if (signerName.length < 3) return yearPage(req, reply, { year: f.year, values: v, sendErrors: { signerName: "reviews.err.signer" }, status: 422 });
    try {
      await send(req, { year: f.year, signerName, signerTitle: (f.signerTitle ?? "").normalize("NFC").trim() || null });
    } catch (e) {
      const he = asHttpError(e);
      if (!he) throw e;
      const detail = he.details?.length ? ` ${he.details.map((d) => `${d.message} (${d.path})`).join("; ")}` : "";
      return yearPage(req, reply, { year: f.year, values: v, sendErrors: { _: `${req.t(he.messageKey, he.vars)}${detail}` }, status: he.status });
    }
    return redirect(reply, `/staff/reviews?year=${f.year}&saved=sent`);
  });

  // ------------------------------------------------------------------------- the province
  app.get("/staff/reviews/communes", async (req, reply) => {
    const user = requireAccess(req, REVIEWS_PROVINCE);
    const q = parseWith(YearQuery, req.query, req);
    const year = q.year ?? thisYear();
    const rounds = await req.tx((tx) => listSentBelow(tx, { provinceId: user.agencyId, year }));
    return reply.page(<CommunesPage ctx={req.pageCtx()} year={year} rounds={rounds} />);
  });

  app.get("/staff/reviews/communes/:year/summary.:format", async (req, reply) => {
    const user = requireAccess(req, REVIEWS_PROVINCE);
    const { year, format } = parseWith(SummaryParams, req.params, req);
    const doc = await req.tx(async (tx) => {
      const rounds = await listSentBelow(tx, { provinceId: user.agencyId, year });
      if (rounds.length === 0) return undefined;
      const agency = await tx.one<{ name: string; unit_name: string }>("select name, unit_name from agencies where id = $1", [user.agencyId]);
      const communes = [];
      for (const r of rounds) {
        const d = await sentRoundData(tx, r.id);
        if (d) communes.push({ name: r.agencyName, reportCode: r.code ?? "", issuedOn: r.issuedOn ?? "", reviews: d.reviews as ReviewForDocument[] });
      }
      return composeProvinceSummary({ agency: { name: agency.name, unitName: agency.unit_name }, year, communes, draftDate: today() });
    });
    if (!doc) throw notFound("reviews.communes.none");
    return sendDocument(reply, doc, format, `tong-hop-ra-soat-tthc-cap-xa-${year}`);
  });

  // ------------------------------------------------------------------------- JSON API
  const ListQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });
  defineApi(app, {
    method: "GET",
    url: "/api/v1/procedure-reviews",
    summary: "The caller's agency's yearly review: its round (plan, report) and the review of each procedure",
    tags: ["reviews"],
    auth: REVIEWS_ACCESS,
    query: ListQuery,
    response: z.object({ year: z.number(), round: RoundJson.nullable(), items: z.array(ReviewJson) }),
    handler: async ({ req, query }) => {
      const user = requireUser(req);
      const year = query.year ?? thisYear();
      return req.tx(async (tx) => {
        const round = await findRound(tx, { agencyId: user.agencyId, year });
        return {
          year,
          round: round ? { id: round.id, year: round.year, status: round.status, planId: round.planId, code: round.code, issuedOn: round.issuedOn, sentAt: round.sentAt, toAgency: round.toAgencyName } : null,
          items: (await listReviews(tx, { agencyId: user.agencyId, year })).map(reviewJson),
        };
      });
    },
  });

  const CreateBody = z.object({
    code: z.string().max(60).regex(/^\d\.\d{6}(?:\.[A-Z0-9]+)*$/, "msg:catalog.error.badCode"),
    year: z.number().int().min(2000).max(2100).optional(),
    reviewerUserId: z.number().int().positive(),
    deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "msg:reviews.err.deadline").nullable().optional(),
  });
  defineApi(app, {
    method: "POST",
    url: "/api/v1/procedure-reviews",
    summary: "Add a procedure the agency holds to the year's review: a task of the review plan (official, deadline) and its review form",
    tags: ["reviews"],
    auth: REVIEWS_MANAGE,
    body: CreateBody,
    response: ReviewJson,
    successStatus: 201,
    errors: { 404: "The agency does not hold (offer) this procedure", 409: "Already in this year's review, the review was sent, or the plan awaits the leader", 422: "The official is not a staff member of the agency" },
    handler: async ({ req, body }) => {
      const user = requireUser(req);
      const r = await req.tx((tx) => createReview(tx, { agencyId: user.agencyId, year: body.year ?? thisYear(), code: body.code, reviewerUserId: body.reviewerUserId, deadline: body.deadline ?? null }, actorOf(req)));
      return reviewJson(r);
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/procedure-reviews/:id",
    summary: "A procedure's review: answers per part (necessary, reasonable, lawful, proposal, reason), conclusion, cost lines, and each part's current content",
    tags: ["reviews"],
    auth: REVIEWS_ACCESS,
    params: IdParam,
    response: ReviewJson.extend({ current: z.record(z.string(), z.string()) }),
    errors: { 404: "No such review in the caller's agencies" },
    handler: async ({ req, params }) => {
      const d = await req.tx(async (tx) => {
        const r = await findReview(tx, params.id);
        return r ? { r, subject: await reviewSubject(tx, r) } : undefined;
      });
      if (!d) throw notFound("reviews.err.notFound");
      return { ...reviewJson(d.r), current: d.subject.current };
    },
  });

  const UpdateBody = z.object({
    assessment: Assessment.optional(),
    conclusion: z.enum(CONCLUSIONS).nullable().optional(),
    recommendation: z.string().max(4000).optional(),
    costItems: z.array(CostItem).max(60).optional(),
    feeBefore: z.number().int().min(0).max(1_000_000_000_000).nullable().optional(),
    feeAfter: z.number().int().min(0).max(1_000_000_000_000).nullable().optional(),
    dossiersPerYear: z.number().int().min(0).max(100_000_000).nullable().optional(),
  });
  defineApi(app, {
    method: "PUT",
    url: "/api/v1/procedure-reviews/:id",
    summary: "Fill in a review (its official, or review.manage): any of the answers, conclusion, recommendation, cost lines, fees, dossiers a year (null = counted)",
    tags: ["reviews"],
    auth: REVIEWS_ACCESS,
    params: IdParam,
    body: UpdateBody,
    response: ReviewJson,
    errors: { 403: "Not the review's official, or the results were sent", 404: "No such review", 409: "The review is completed (reopen it first)" },
    handler: async ({ req, params, body }) => {
      const r = await loadForEdit(req, params.id);
      const out = await req.tx(async (tx) => {
        if (body.assessment !== undefined || body.conclusion !== undefined || body.recommendation !== undefined) {
          await saveAssessment(tx, params.id, { assessment: { ...r.assessment, ...(body.assessment ?? {}) }, conclusion: body.conclusion === undefined ? r.conclusion : body.conclusion, recommendation: body.recommendation ?? r.recommendation }, actorOf(req));
        }
        if (body.costItems !== undefined || body.feeBefore !== undefined || body.feeAfter !== undefined || body.dossiersPerYear !== undefined) {
          await saveCost(
            tx,
            params.id,
            {
              items: body.costItems ?? r.costItems,
              feeBefore: body.feeBefore === undefined ? r.feeBefore : body.feeBefore,
              feeAfter: body.feeAfter === undefined ? r.feeAfter : body.feeAfter,
              dossiersPerYear: body.dossiersPerYear === undefined ? r.dossiersPerYear : body.dossiersPerYear,
            },
            actorOf(req),
          );
        }
        return findReview(tx, params.id);
      });
      return reviewJson(out!);
    },
  });

  for (const action of ["complete", "reopen"] as const) {
    defineApi(app, {
      method: "POST",
      url: `/api/v1/procedure-reviews/:id/${action}`,
      summary:
        action === "complete"
          ? "Complete a review whose form is whole: the income figure and the cost are frozen, the plan's task is done"
          : "Reopen a completed review before the results are sent (review.manage)",
      tags: ["reviews"],
      auth: action === "complete" ? REVIEWS_ACCESS : REVIEWS_MANAGE,
      params: IdParam,
      response: ReviewJson,
      errors: { 403: "Not allowed on this review", 404: "No such review", 409: "Not in a status this step starts from", 422: "The form is not complete (details list what is missing)" },
      handler: async ({ req, params }) => {
        await loadForEdit(req, params.id);
        try {
          const out = await req.tx((tx) => (action === "complete" ? completeReview(tx, params.id, actorOf(req)) : reopenReview(tx, params.id, actorOf(req))));
          return reviewJson(out);
        } catch (e) {
          if (e instanceof DomainError && e.messageKey === "reviews.err.incomplete") {
            throw new HttpError(422, e.messageKey, e.vars, (e.details ?? []).map((d) => ({ path: d.path, message: req.t(d.message) })));
          }
          throw e;
        }
      },
    });
  }

  defineApi(app, {
    method: "GET",
    url: "/api/v1/procedure-reviews/:id/cost",
    summary: "The review's compliance cost (standard cost model of Thông tư 02/2017/TT-VPCP): a year before and after the proposal, saving in đồng and percent",
    tags: ["reviews"],
    auth: REVIEWS_ACCESS,
    params: IdParam,
    response: CostJson,
    errors: { 404: "No such review in the caller's agencies" },
    handler: async ({ req, params }) => {
      const d = await req.tx(async (tx) => {
        const r = await findReview(tx, params.id);
        return r ? { r, cost: await reviewCost(tx, r) } : undefined;
      });
      if (!d) throw notFound("reviews.err.notFound");
      const c = d.cost;
      return {
        before: c.result.before,
        after: c.result.after,
        saving: c.result.saving,
        savingRate: c.result.savingRate,
        perDossier: c.result.perDossier,
        dossiersPerYear: c.result.dossiersPerYear,
        dossiersSource: c.dossiersSource,
        counted: c.counted,
        hourlyIncome: Math.round(c.result.hourly * 100) / 100,
        wage: c.wage,
        lines: c.result.lines,
        frozen: d.r.status === "done",
      };
    },
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/procedure-review-reports",
    summary: "Send the year's review results up to the province: the report (numbered BC in the register) and the simplification proposal, frozen as DOCX and PDF, published on the portal",
    tags: ["reviews"],
    auth: REVIEWS_MANAGE,
    body: z.object({ year: z.number().int().min(2000).max(2100), signerName: z.string().min(3).max(200), signerTitle: z.string().max(200).nullable().optional() }),
    response: RoundJson.extend({ files: z.array(z.string()) }),
    successStatus: 201,
    errors: { 409: "Already sent", 422: "No review done, or reviews not yet completed (details)" },
    handler: async ({ req, body }) => {
      const round = await send(req, { year: body.year, signerName: body.signerName.normalize("NFC").trim(), signerTitle: body.signerTitle?.normalize("NFC").trim() || null });
      return {
        id: round.id,
        year: round.year,
        status: round.status,
        planId: round.planId,
        code: round.code,
        issuedOn: round.issuedOn,
        sentAt: round.sentAt,
        toAgency: round.toAgencyName,
        files: ["report.docx", "report.pdf", "proposal.docx", "proposal.pdf"].map((f) => `/staff/reviews/rounds/${round.id}/${f}`),
      };
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/procedure-review-reports",
    summary: "Review results sent up for a year by the agencies below the caller's (a province's communes), with their totals",
    tags: ["reviews"],
    auth: REVIEWS_PROVINCE,
    query: ListQuery,
    response: z.object({
      year: z.number(),
      items: z.array(z.object({ agency: z.string(), code: z.string().nullable(), issuedOn: z.string().nullable(), reviews: z.number(), before: z.number(), after: z.number(), saving: z.number(), savingRate: z.number() })),
    }),
    handler: async ({ req, query }) => {
      const user = requireUser(req);
      const year = query.year ?? thisYear();
      const rounds = await req.tx((tx) => listSentBelow(tx, { provinceId: user.agencyId, year }));
      return { year, items: rounds.map((r) => ({ agency: r.agencyName, code: r.code, issuedOn: r.issuedOn, reviews: r.reviews, before: r.before, after: r.after, saving: r.saving, savingRate: r.savingRate })) };
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/compliance-cost-settings",
    summary: "The income figure the compliance cost values a citizen's hour with: the agency's own, else its province's, else the default (with its source)",
    tags: ["reviews"],
    auth: REVIEWS_ACCESS,
    response: z.object({ annualIncomeVnd: z.number(), year: z.number(), source: z.string(), from: z.enum(["own", "parent", "default"]), hourlyIncome: z.number() }),
    handler: async ({ req }) => {
      const w = await req.tx((tx) => wageFor(tx, requireUser(req).agencyId));
      return { ...w.setting, from: w.from, hourlyIncome: Math.round((w.setting.annualIncomeVnd / 12 / 22 / 8) * 100) / 100 };
    },
  });

  defineApi(app, {
    method: "PUT",
    url: "/api/v1/compliance-cost-settings",
    summary: "Set the agency's income figure (yearly income per head, its year and its source)",
    tags: ["reviews"],
    auth: REVIEWS_MANAGE,
    body: WageSetting,
    response: WageSetting,
    handler: async ({ req, body }) => {
      await req.tx((tx) => saveWage(tx, requireUser(req).agencyId, body, actorOf(req)));
      return body;
    },
  });
}
