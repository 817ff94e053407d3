import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Access, Permission } from "../domain/auth/permissions";
import { can, canAccess } from "../domain/auth/permissions";
import { DomainError, type DomainErrorKind, type ErrorDetail } from "../domain/errors";
import type { Lang, Translate } from "./i18n";

export type { ErrorDetail };

/**
 * An error meant for the client: a status and a message key from the catalogs, shown in the
 * user's language. Routes throw it; services throw a DomainError (src/domain/errors.ts), which
 * becomes one through httpErrorOf. Anything else thrown becomes a generic 500 without details.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly messageKey: string,
    readonly vars?: Record<string, string | number>,
    readonly details?: ErrorDetail[],
  ) {
    super(messageKey);
    this.name = "HttpError";
  }
}

/** The one place a domain error's kind becomes an HTTP status. */
const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_type: 415,
  unprocessable: 422,
  too_many: 429,
};

export function httpErrorOf(e: DomainError): HttpError {
  return new HttpError(STATUS_OF_KIND[e.kind], e.messageKey, e.vars, e.details);
}

/** The error as the client is to see it, for an HttpError or a DomainError; undefined for anything else. */
export function asHttpError(e: unknown): HttpError | undefined {
  if (e instanceof HttpError) return e;
  if (e instanceof DomainError) return httpErrorOf(e);
  return undefined;
}

export const notFound = (key = "error.404.body") => new HttpError(404, key);
export const forbidden = (key = "error.403.body") => new HttpError(403, key);

// Zod's own messages in the user's language; "msg:<key>" messages are looked up in our catalogs.
const zodLocales = { vi: z.locales.vi().localeError, en: z.locales.en().localeError } as const;

export function issueMessages(error: z.ZodError, t: Translate): ErrorDetail[] {
  return error.issues.map((i) => ({
    path: i.path.map(String).join("."),
    message: i.message.startsWith("msg:") ? t(i.message.slice(4)) : i.message,
  }));
}

export function parseWith<S extends z.ZodType>(schema: S, data: unknown, req: { lang: Lang; t: Translate }): z.infer<S> {
  const r = schema.safeParse(data, { error: zodLocales[req.lang] });
  if (!r.success) throw new HttpError(400, "error.validation", undefined, issueMessages(r.error, req.t));
  return r.data;
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: Record<string, string> };

/** For HTML forms: field → first message, so the form can be shown again with its errors. */
export function parseForm<S extends z.ZodType>(schema: S, data: unknown, req: { lang: Lang; t: Translate }): FormResult<z.infer<S>> {
  const r = schema.safeParse(data, { error: zodLocales[req.lang] });
  if (r.success) return { ok: true, data: r.data };
  const errors: Record<string, string> = {};
  for (const d of issueMessages(r.error, req.t)) if (!(d.path in errors)) errors[d.path || "_"] = d.message;
  return { ok: false, errors };
}

export function requireUser(req: FastifyRequest): NonNullable<FastifyRequest["user"]> {
  if (!req.user) throw new HttpError(401, "error.401.body");
  return req.user;
}

export function requirePermission(req: FastifyRequest, permission: Permission): NonNullable<FastifyRequest["user"]> {
  const user = requireUser(req);
  if (!can(user.role, permission)) throw forbidden();
  return user;
}

/** The page-level check: the same `Access` value decides whether links to the page are shown. */
export function requireAccess(req: FastifyRequest, access: Access): NonNullable<FastifyRequest["user"]> {
  const user = requireUser(req);
  if (!canAccess(user.role, access)) throw forbidden();
  return user;
}

/** Wants JSON when the path is under /api/ or the client asked for it. */
export function wantsJson(req: FastifyRequest): boolean {
  return req.url.startsWith("/api/") || (req.headers.accept ?? "").startsWith("application/json");
}

export function redirect(reply: FastifyReply, to: string): FastifyReply {
  return reply.code(303).redirect(to);
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether a request must present the CSRF token: a state change with cookies, or from a form. */
export function csrfRequired(req: FastifyRequest): boolean {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return false;
  if (req.authKind === "token") return false;
  const isForm = /^(application\/x-www-form-urlencoded|multipart\/form-data)/.test(req.headers["content-type"] ?? "");
  return req.authKind === "session" || isForm;
}

/** Refuses (403) a request that must present the token and does not present the right one. */
export function verifyCsrf(req: FastifyRequest, fromBody: string | undefined): void {
  if (!csrfRequired(req)) return;
  const presented = (req.headers["x-csrf-token"] as string | undefined) ?? fromBody;
  if (!presented || !sameToken(presented, req.csrfToken)) throw new HttpError(403, "error.csrf");
}

