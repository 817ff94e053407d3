// What the feedback route files share: errors in the reader's words, the sender's address as a
// keyed hash, the agency of a public page, the actor of a request.

import { createHmac } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { PUBLIC_SCOPE } from "../../db/scope";
import type { FeedbackActor } from "../../domain/feedback/workflow";
import type { CurrentUser, PageCtx } from "../../web/context";
import { asHttpError, HttpError } from "../../web/http";
import { type Agency, findAgencyByCode } from "../agencies/agencies";
import type { FeedbackActorRef } from "./service";

/**
 * An HttpError, or a DomainError as one, with catalog-key variables (action and status names) and
 * "msg:" details in the reader's language; anything else as it is.
 */
export function localiseFeedbackError(e: unknown, req: FastifyRequest): unknown {
  const he = asHttpError(e);
  if (!he) return e;
  const vars: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(he.vars ?? {})) vars[k] = typeof v === "string" && v.startsWith("feedback.") ? req.t(v) : v;
  const details = he.details?.map((d) => ({ ...d, message: d.message.startsWith("msg:") ? req.t(d.message.slice(4)) : d.message }));
  return new HttpError(he.status, he.messageKey, vars, details);
}

export async function localisedFeedback<T>(req: FastifyRequest, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw localiseFeedbackError(e, req);
  }
}

/** One text of an error for a form: its message and its details. */
export function errorText(req: FastifyRequest, e: HttpError): string {
  const l = localiseFeedbackError(e, req) as HttpError;
  const message = req.t(l.messageKey, l.vars);
  const details = (l.details ?? []).map((d) => d.message).filter((m) => m && m !== message);
  return [message, ...details].join(" ");
}

/** The sender's address, keyed with the installation's secret: enough to count, useless to anyone reading the table. */
export function sourceHashOf(app: FastifyInstance, req: FastifyRequest): string {
  return createHmac("sha256", app.deps.secret).update(`feedback-source:${req.ip}`).digest("hex");
}

export async function publicAgency(app: FastifyInstance, code: string): Promise<Agency> {
  const a = await app.deps.db.scoped(PUBLIC_SCOPE, (tx) => findAgencyByCode(tx, code));
  if (!a) throw new HttpError(404, "error.404.body");
  return a;
}

export function siteOf(a: Agency): PageCtx["site"] {
  return { code: a.code, name: a.name, unitName: a.unit_name };
}

export const feedbackBase = (agencyCode: string) => `/c/${encodeURIComponent(agencyCode)}/feedback`;

export function staffActor(user: CurrentUser): FeedbackActorRef {
  return { userId: user.id, role: user.role as FeedbackActor, label: user.username };
}
