// The JSON API of the citizens' voice under /api/v1: sending and following a PAKN, the public
// answers, rating a dossier, and the staff's steps.

import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { RatingInput } from "../../domain/feedback/rating";
import { FEEDBACK_TOPICS, FeedbackSubmission, MAX_FEEDBACK_FILES } from "../../domain/feedback/submission";
import { FEEDBACK_ACTIONS } from "../../domain/feedback/workflow";
import { defineApi } from "../../web/api";
import { HttpError, issueMessages, notFound, requireUser } from "../../web/http";
import { findAgencyIdentity } from "../agencies/agencies";
import { stageFiles, type UploadInput, withStagedFiles, discardFiles } from "../dossiers/files";
import { rateLimit } from "../dossiers/route-support";
import { FEEDBACK_ACCESS } from "./access";
import { feedbackTrackingUrl } from "./notices";
import { findDossierToRate, rateFoundDossier } from "./ratings";
import { localisedFeedback, sourceHashOf, staffActor } from "./route-support";
import { applyFeedbackAction, type Feedback, type FeedbackEvent, listFeedbackEvents, listPublishedFeedback, submitFeedback, trackFeedback } from "./service";

const Contact = z.object({ fullName: z.string().max(400).optional(), phone: z.string().max(40).optional(), email: z.string().max(400).optional() });

const SubmitBody = z.object({
  agencyCode: z.string().min(1).max(60),
  topic: z.string().max(40),
  subject: z.string().max(1000),
  content: z.string().max(20_000),
  procedureCode: z.string().max(60).optional(),
  dossierCode: z.string().max(80).optional(),
  anonymous: z.boolean(),
  contact: Contact.default({}),
  consentToPublish: z.boolean().optional(),
  attachments: z.array(z.object({ fileName: z.string().max(300), dataBase64: z.string() })).max(MAX_FEEDBACK_FILES).optional(),
});

/** A PAKN as its petitioner (or the staff) reads it over the API: never a contact. */
function view(f: Feedback, history: { at: Date; status: string }[]) {
  return {
    code: f.code,
    status: f.status,
    topic: f.topic,
    subject: f.subject,
    receivedAt: f.receivedAt.toISOString(),
    dueAt: f.answeredAt ? null : f.due.answer.toISOString(),
    answer: f.answeredAt ? f.answer : null,
    answeredAt: f.answeredAt?.toISOString() ?? null,
    publishedAt: f.publishedAt?.toISOString() ?? null,
    transferredTo: f.transferredTo,
    history: history.map((h) => ({ at: h.at.toISOString(), status: h.status })),
  };
}

/** Status changes, oldest first. */
function historyOf(events: readonly FeedbackEvent[]): { at: Date; status: string }[] {
  return events.filter((e) => e.fromStatus !== e.toStatus).map((e) => ({ at: e.at, status: e.toStatus }));
}

const FeedbackView = z.object({
  code: z.string(),
  status: z.enum(["received", "info_requested", "assigned", "awaiting_approval", "answered", "published", "rejected", "transferred", "closed"]),
  topic: z.enum(FEEDBACK_TOPICS),
  subject: z.string(),
  receivedAt: z.string(),
  dueAt: z.string().nullable(),
  answer: z.string().nullable(),
  answeredAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
  transferredTo: z.string().nullable(),
  history: z.array(z.object({ at: z.string(), status: z.string() })),
});

export async function feedbackApiRoutes(app: FastifyInstance): Promise<void> {
  defineApi(app, {
    method: "POST",
    url: "/api/v1/feedback",
    summary:
      "Send feedback or a petition (PAKN) to an agency, named or anonymous with a phone or an e-mail for the answer; follow it with its code and the last 4 digits of that phone (or the e-mail address). Senders without an account are limited to 5 an hour per address.",
    tags: ["feedback"],
    auth: "public",
    body: SubmitBody,
    bodyLimit: 60 * 1024 * 1024,
    successStatus: 201,
    response: z.object({ code: z.string(), trackingUrl: z.string() }),
    errors: { 413: "A file is larger than 10 MB", 415: "A file is not PDF, JPEG or PNG", 422: "Invalid parts, named in details", 429: "Too many from this address" },
    handler: async ({ req, body }) => {
      const agency = await findAgencyIdentity(app.deps.db, body.agencyCode);
      const details: { path: string; message: string }[] = [];
      if (!agency) details.push({ path: "agencyCode", message: req.t("feedback.err.agency") });
      const parsed = FeedbackSubmission.safeParse({ ...body, consentToPublish: body.consentToPublish ?? false });
      if (!parsed.success) details.push(...issueMessages(parsed.error, req.t));
      const uploads: UploadInput[] = [];
      for (const [i, a] of (body.attachments ?? []).entries()) {
        if (!/^[A-Za-z0-9+/=\r\n]*$/.test(a.dataBase64)) details.push({ path: `attachments.${i}.dataBase64`, message: req.t("feedback.err.base64") });
        else uploads.push({ documentName: a.fileName, fileName: a.fileName, data: Buffer.from(a.dataBase64, "base64") });
      }
      if (details.length > 0 || !agency || !parsed.success) throw new HttpError(422, "error.validation", undefined, details);
      const staged = await localisedFeedback(req, () => stageFiles({ db: app.deps.db, agencyId: agency.id, uploads }));
      const user = req.user?.role === "citizen" ? { id: req.user.id, username: req.user.username } : null;
      const r = await localisedFeedback(req, () =>
        withStagedFiles(app.deps.db, staged, () => submitFeedback(app.deps.db, { agencyId: agency.id, submission: parsed.data, files: staged, sourceHash: req.user ? null : sourceHashOf(app, req), user, lang: req.lang })),
      );
      if (!r.ok) {
        await discardFiles(app.deps.db, staged);
        throw new HttpError(429, "feedback.err.rateLimited");
      }
      return { code: r.feedback.code, trackingUrl: feedbackTrackingUrl(r.feedback.code) };
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/feedback/:code",
    summary: "A PAKN for its sender: status, history, the answer once approved. `contact` is the last 4 digits of the phone given, or the e-mail address when no phone was given (404 when either is wrong)",
    tags: ["feedback"],
    auth: "public",
    params: z.object({ code: z.string().min(1).max(40) }),
    query: z.object({ contact: z.string().max(200).optional() }),
    response: FeedbackView,
    errors: { 404: "Unknown code or wrong contact", 429: "Too many look-ups" },
    handler: async ({ req, params, query }) => {
      await rateLimit(app, req, "feedback-track");
      const tracked = query.contact ? await trackFeedback(app.deps.db, { code: params.code, contact: query.contact }) : undefined;
      if (!tracked) throw notFound("feedback.err.notFound");
      return view(tracked.feedback, historyOf(tracked.events));
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/feedback",
    summary: "Published answers to PAKN, newest first, personal data masked: by agency and topic, searched with tones and đ folded (q)",
    tags: ["feedback"],
    auth: "public",
    query: z.object({
      agency: z.string().max(60).optional(),
      answered: z.enum(["true"], { error: "msg:feedback.err.answered" }).optional(),
      topic: z.enum(FEEDBACK_TOPICS, { error: "msg:feedback.err.topic" }).optional(),
      q: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
      offset: z.coerce.number().int().min(0).max(100_000).default(0),
    }),
    response: z.object({
      total: z.number(),
      items: z.array(
        z.object({
          code: z.string(),
          topic: z.string(),
          subject: z.string(),
          question: z.string(),
          answer: z.string(),
          agencyCode: z.string(),
          agencyName: z.string(),
          receivedAt: z.string(),
          answeredAt: z.string(),
          publishedAt: z.string(),
        }),
      ),
    }),
    errors: { 404: "Unknown agency" },
    handler: async ({ query }) => {
      const agency = query.agency ? await findAgencyIdentity(app.deps.db, query.agency) : undefined;
      if (query.agency && !agency) throw notFound("feedback.err.agency");
      const list = await listPublishedFeedback(app.deps.db, {
        ...(agency ? { agencyId: agency.id } : {}),
        ...(query.topic ? { topic: query.topic } : {}),
        ...(query.q ? { search: query.q } : {}),
        limit: query.limit,
        offset: query.offset,
      });
      return {
        total: list.total,
        items: list.items.map((i) => ({ ...i, receivedAt: i.receivedAt.toISOString(), answeredAt: i.answeredAt.toISOString(), publishedAt: i.publishedAt.toISOString() })),
      };
    },
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/dossiers/:code/rating",
    summary:
      "Rate a dossier once its result is returned (or it is refused): overall level and the 9 items of the evaluation form (0–2 points each). `phone` is the last 4 digits of the applicant's phone. Once only: a second rating is refused (409), nothing stored",
    tags: ["dossiers", "feedback"],
    auth: "public",
    params: z.object({ code: z.string().min(1).max(80) }),
    body: z.object({ phone: z.string().max(10), overall: z.string().max(40), items: z.record(z.string(), z.unknown()), comment: z.string().max(5000).optional() }),
    successStatus: 201,
    response: z.object({ code: z.string(), rated: z.literal(true) }),
    errors: { 404: "Unknown code or wrong phone digits", 409: "Already rated", 422: "Not finished yet, or an item out of 0–2", 429: "Too many look-ups" },
    handler: async ({ req, params, body }) => {
      await rateLimit(app, req, "track");
      const d = await findDossierToRate(app.deps.db, { code: params.code, phoneLast4: body.phone });
      if (!d) throw notFound("feedback.rating.err.notFound");
      const input = RatingInput.safeParse({ overall: body.overall, items: body.items, comment: body.comment });
      if (!input.success) throw new HttpError(422, "error.validation", undefined, issueMessages(input.error, req.t));
      await localisedFeedback(req, () => rateFoundDossier(app.deps.db, { dossier: d, input: input.data, channel: "api", user: null }));
      return { code: d.code, rated: true as const };
    },
  });

  const ActionBody = z
    .object({
      note: z.string().max(4000).optional(),
      assigneeUserId: z.number().int().optional(),
      answer: z.string().max(30_000).optional(),
      transferTo: z.string().max(600).optional(),
      publish: z.boolean().optional(),
      publicQuestion: z.string().max(30_000).optional(),
      publicAnswer: z.string().max(30_000).optional(),
    })
    .default({});

  defineApi(app, {
    method: "POST",
    url: "/api/v1/feedback/:code/actions/:action",
    summary: "A step of the PAKN state table (docs/feedback.md) on a PAKN of the caller's agency; the role and the status decide whether it is allowed",
    tags: ["feedback"],
    auth: FEEDBACK_ACCESS.queues,
    params: z.object({ code: z.string().min(1).max(40), action: z.enum(FEEDBACK_ACTIONS) }),
    body: ActionBody,
    response: FeedbackView,
    errors: { 403: "The role may not take this step, or it is not the assigned officer", 404: "Unknown PAKN", 409: "Not allowed in the current status, or no consent to publish" },
    handler: async ({ req, params, body }) => {
      const user = requireUser(req);
      return localisedFeedback(req, () =>
        req.tx(async (tx) => {
          const f = await applyFeedbackAction(tx, { agencyId: user.agencyId, code: params.code, action: params.action, actor: staffActor(user), input: body as Record<string, unknown> });
          return view(f, historyOf(await listFeedbackEvents(tx, f.id)));
        }),
      );
    },
  });
}
