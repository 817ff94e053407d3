// Errors that services and rules raise for a caller to show: what went wrong (the kind) and a
// message key from the catalogs. Only the web layer (src/web/http.ts) turns a kind into an HTTP
// status, so services, jobs and the CLI share one vocabulary without knowing about HTTP.

export type DomainErrorKind =
  /** The input is malformed or breaks a rule of its own (a date out of range, an empty body). */
  | "invalid"
  /** The actor's role may not do this. */
  | "forbidden"
  /** Unknown, or not visible to the actor. */
  | "not_found"
  /** Not allowed in the current state of the thing (status, overlapping slot). */
  | "conflict"
  /** A file or an image is over its limit. */
  | "too_large"
  /** A file is not of an accepted type. */
  | "unsupported_type"
  /** Well-formed, but cannot be acted on (a document missing, an unknown procedure, a reused key). */
  | "unprocessable"
  /** Too many of these from the same caller for now; `vars.seconds` says how long to wait. */
  | "too_many";

export type ErrorDetail = { path: string; message: string };

export class DomainError extends Error {
  readonly vars?: Record<string, string | number>;
  readonly details?: ErrorDetail[];

  constructor(
    readonly kind: DomainErrorKind,
    readonly messageKey: string,
    extra: { vars?: Record<string, string | number>; details?: ErrorDetail[] } = {},
  ) {
    super(messageKey);
    this.name = "DomainError";
    if (extra.vars) this.vars = extra.vars;
    if (extra.details) this.details = extra.details;
  }
}
