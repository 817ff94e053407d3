// The JSON API of dossiers under /api/v1: tracking, online submission, and the staff's queues,
// dossiers and actions.

import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { Applicant } from "../../domain/dossiers/applicant";
import { findConsent } from "../../domain/privacy/consent";
import { availableActions, DOSSIER_ACTIONS } from "../../domain/dossiers/state-machine";
import { defineApi } from "../../web/api";
import { HttpError, issueMessages, notFound, requireUser } from "../../web/http";
import { findAgencyIdentity } from "../agencies/agencies";
import { applicantAsSeen, viewDossier, viewerOf } from "../privacy/access-log";
import { stageFiles, type UploadInput } from "./files";
import { submissionHash, submitOnlineTx } from "./online-intake";
import { largeBodyGuard } from "../../web/large-bodies";
import { countAnonymousSubmission } from "../limits/buckets";
import { foldSearch, IdempotencyKey, localised, rateLimit, runAction } from "./route-support";
import { findDossier, listAttachments, listEvents, listQueue, QUEUES, trackDossier } from "./service";

/** A submission by API: a few scanned files in base64 (10 MB each at most) and the form. */
const API_SUBMISSION_BYTES = 32 * 1024 * 1024;

export async function dossierApiRoutes(app: FastifyInstance): Promise<void> {
  // -------------------------------------------------------------------------------------------
  // API: tracking (public)

  const TrackResponse = z.object({
    code: z.string(),
    procedure: z.string(),
    status: z.string(),
    receivedAt: z.string().nullable(),
    dueAt: z.string().nullable(),
    overdue: z.boolean(),
    history: z.array(z.object({ at: z.string(), status: z.string() })),
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/dossiers/:code/status",
    summary: "Status of a dossier for its applicant: the code and the last 4 digits of the applicant's phone (404 when either is wrong)",
    tags: ["dossiers"],
    auth: "public",
    params: z.object({ code: z.string().min(1).max(80) }),
    query: z.object({ phone: z.string().max(20).optional() }),
    response: TrackResponse,
    errors: { 404: "Unknown code or wrong phone digits", 429: "Too many look-ups" },
    handler: async ({ req, params, query }) => {
      await rateLimit(app, req, "track");
      const view = query.phone ? await app.deps.db.system((tx) => trackDossier(tx, { code: params.code, phoneLast4: query.phone! })) : undefined;
      if (!view) throw notFound("dossier.err.notFound");
      // Result files are downloaded from the tracking page; their storage is never told.
      const { results: _files, ...status } = view;
      return status;
    },
  });

  // -------------------------------------------------------------------------------------------
  // API: online submission

  const SubmitBody = z.object({
    procedureCode: z.string().max(60).optional(),
    agencyCode: z.string().max(60).optional(),
    applicant: z
      .object({
        fullName: z.string().max(400).optional(),
        idNumber: z.string().max(40).optional(),
        phone: z.string().max(40).optional(),
        email: z.string().max(400).optional(),
        address: z.object({ line: z.string().max(600).optional(), communeCode: z.string().max(60).optional() }).optional(),
      })
      .optional(),
    fields: z.record(z.string(), z.union([z.string().max(2000), z.number(), z.boolean()])).optional(),
    /** The version of the consent text (GET /api/v1/privacy/consent) the applicant agreed to; recorded with the dossier. */
    consentVersion: z.string().max(20).optional(),
    attachments: z
      .array(z.object({ documentName: z.string().max(4000), fileName: z.string().max(300), contentType: z.string().max(100).optional(), dataBase64: z.string() }))
      .max(20)
      .optional(),
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/dossiers",
    summary:
      "Submit a dossier online (no account needed). Send an Idempotency-Key header: a retry with the same key and body returns the same dossier; the same key with another body is refused (422).",
    tags: ["dossiers"],
    auth: "public",
    body: SubmitBody,
    bodyLimit: API_SUBMISSION_BYTES,
    onRequest: largeBodyGuard(API_SUBMISSION_BYTES),
    successStatus: 201,
    response: z.object({ code: z.string(), status: z.string(), dueAt: z.string().nullable(), acceptDueAt: z.string().nullable(), trackingUrl: z.string() }),
    errors: {
      413: "A file is larger than 10 MB, or the request than 32 MB",
      415: "A file is not PDF, JPEG or PNG",
      422: "Missing or invalid parts, named in details",
      429: "Too many anonymous submissions from this address or for this phone (Retry-After)",
      503: "Too many large uploads at once (Retry-After)",
    },
    handler: async ({ req, reply, body }) => {
      // Anonymous callers are counted per address and per phone; accounts and API tokens are not.
      if (!req.user) await localised(req, () => countAnonymousSubmission(app.deps.db, { address: req.ip, phone: body.applicant?.phone ?? null, perAddress: app.deps.config.submissionsPerAddress, perPhone: app.deps.config.submissionsPerPhone }));
      const headerKey = req.headers["idempotency-key"];
      const key = typeof headerKey === "string" ? IdempotencyKey.safeParse(headerKey) : undefined;
      if (key && !key.success) throw new HttpError(422, "dossier.err.idempotencyKey", undefined, [{ path: "Idempotency-Key", message: req.t("dossier.err.idempotencyKey") }]);
      const details: { path: string; message: string }[] = [];
      if (!body.procedureCode) details.push({ path: "procedureCode", message: req.t("dossier.err.procedure") });
      if (!body.agencyCode) details.push({ path: "agencyCode", message: req.t("dossier.err.agency") });
      const applicant = Applicant.safeParse({
        fullName: body.applicant?.fullName ?? "",
        idNumber: body.applicant?.idNumber ?? "",
        phone: body.applicant?.phone ?? "",
        email: body.applicant?.email,
        address: { line: body.applicant?.address?.line ?? "", communeCode: body.applicant?.address?.communeCode },
      });
      if (!applicant.success) details.push(...issueMessages(applicant.error, req.t).map((d) => ({ path: `applicant.${d.path}`, message: d.message })));
      const consent = body.consentVersion === undefined ? undefined : findConsent(body.consentVersion);
      if (body.consentVersion !== undefined && !consent) details.push({ path: "consentVersion", message: req.t("privacy.err.consentVersion") });
      const uploads: UploadInput[] = [];
      for (const [i, a] of (body.attachments ?? []).entries()) {
        if (!/^[A-Za-z0-9+/=\r\n]*$/.test(a.dataBase64)) {
          details.push({ path: `attachments.${i}.dataBase64`, message: req.t("dossier.err.base64") });
          continue;
        }
        uploads.push({ documentName: a.documentName, fileName: a.fileName, data: Buffer.from(a.dataBase64, "base64") });
      }
      const agency = body.agencyCode ? await findAgencyIdentity(app.deps.db, body.agencyCode) : undefined;
      if (body.agencyCode && !agency) details.push({ path: "agencyCode", message: req.t("dossier.err.agency") });
      if (details.length > 0 || !agency || !applicant.success) throw new HttpError(422, "error.validation", undefined, details);
      const staged = await stageFiles({ db: app.deps.db, agencyId: agency.id, uploads });
      const r = await localised(req, () =>
        submitOnlineTx(app.deps.db, {
          agencyId: agency.id,
          procedureCode: body.procedureCode!,
          applicant: applicant.data,
          fields: body.fields ?? {},
          files: staged,
          idempotencyKey: key?.data ?? null,
          requestHash: submissionHash({ agencyCode: agency.code, procedureCode: body.procedureCode!, applicant: applicant.data, fields: body.fields ?? {}, files: staged }),
          applicantUserId: req.user?.role === "citizen" ? req.user.id : null,
          consentVersion: consent?.version ?? null,
        }),
      );
      if (r.replayed) reply.header("Idempotent-Replayed", "true");
      return {
        code: r.dossier.code,
        status: r.dossier.status,
        dueAt: r.dossier.dueAt?.toISOString() ?? null,
        acceptDueAt: r.dossier.acceptDueAt?.toISOString() ?? null,
        trackingUrl: `/track?code=${encodeURIComponent(r.dossier.code)}`,
      };
    },
  });

  // -------------------------------------------------------------------------------------------
  // API: staff

  const QueueQuery = z.object({
    queue: z.enum(QUEUES, { error: "msg:dossier.err.queue" }).default("all"),
    q: z.string().max(100).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/dossiers",
    summary: "A work queue of the caller's agency (to_accept, to_process, to_approve, to_return, supplement, due_soon, overdue, transferred_in, all)",
    tags: ["dossiers"],
    auth: "dossier.view",
    query: QueueQuery,
    handler: async ({ req, query }) => {
      const user = requireUser(req);
      const items = await req.tx((tx) =>
        listQueue(tx, {
          agencyId: user.agencyId,
          userId: user.id,
          role: user.role,
          queue: query.queue,
          limit: query.limit,
          offset: query.offset,
          ...(query.q ? { search: foldSearch(query.q) } : {}),
        }),
      );
      return { items };
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/dossiers/:code",
    summary: "A dossier with its events and attachments (staff of the agency, or of the agency it was transferred to)",
    tags: ["dossiers"],
    auth: "dossier.view",
    params: z.object({ code: z.string().min(1).max(80) }),
    errors: { 404: "Unknown or not visible" },
    handler: async ({ req, params }) => {
      const user = requireUser(req);
      return req.tx(async (tx) => {
        const d = await findDossier(tx, { agencyId: user.agencyId, code: params.code });
        if (!d) throw notFound("dossier.err.notFound");
        // Logged like a page view; identifiers masked unless the caller handles the dossier.
        const exposure = await viewDossier(tx, { viewer: viewerOf(user), dossier: d, kind: "api" });
        const [events, attachments] = [await listEvents(tx, d.id), await listAttachments(tx, d.id)];
        return {
          dossier: { ...d, applicant: applicantAsSeen(d, exposure) },
          identifiers: exposure.whole ? "whole" : "masked",
          events,
          attachments: attachments.map(({ storagePath: _s, ...a }) => a),
          actions: availableActions(d.status, user.role),
        };
      });
    },
  });

  const ActionBody = z
    .object({
      note: z.string().max(4000).optional(),
      assigneeUserId: z.number().int().optional(),
      leaderUserId: z.number().int().optional(),
      toAgencyCode: z.string().max(60).optional(),
      amount: z.number().int().optional(),
      returnChannel: z.enum(["counter", "online", "post"]).optional(),
      // accept: the limit the desk enters for a procedure that has none (amount, unit, legal basis).
      timeLimit: z.object({ amount: z.number().int(), unit: z.string().max(30), basis: z.string().max(1000) }).optional(),
      attachments: z.array(z.object({ documentName: z.string().max(4000), fileName: z.string().max(300), dataBase64: z.string() })).max(10).optional(),
    })
    .default({});

  defineApi(app, {
    method: "POST",
    url: "/api/v1/dossiers/:code/actions/:action",
    summary: "Apply an action of the dossier state table (docs/dossiers.md); the role and the current status decide whether it is allowed",
    tags: ["dossiers"],
    auth: "authenticated",
    params: z.object({ code: z.string().min(1).max(80), action: z.enum(DOSSIER_ACTIONS) }),
    body: ActionBody,
    bodyLimit: API_SUBMISSION_BYTES,
    onRequest: largeBodyGuard(API_SUBMISSION_BYTES),
    errors: { 404: "Unknown or not visible", 409: "Not allowed in the current status", 422: "Invalid input" },
    handler: async ({ req, params, body }) => {
      const user = requireUser(req);
      const { attachments, ...input } = body;
      const uploads = (attachments ?? []).map((a) => ({ documentName: a.documentName, fileName: a.fileName, data: Buffer.from(a.dataBase64, "base64") }));
      const d = await runAction(app, req, { code: params.code, action: params.action, user, input, uploads });
      return { dossier: d };
    },
  });
}
