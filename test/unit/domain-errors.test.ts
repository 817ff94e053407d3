import { describe, expect, it } from "vitest";
import { DomainError, type DomainErrorKind } from "../../src/domain/errors";
import { asHttpError, HttpError, httpErrorOf } from "../../src/web/http";

describe("domain errors as the web layer answers them", () => {
  it("gives each kind the status the routes have always answered with", () => {
    const expected: Record<DomainErrorKind, number> = {
      invalid: 400,
      forbidden: 403,
      not_found: 404,
      conflict: 409,
      too_large: 413,
      too_many: 429,
      unsupported_type: 415,
      unprocessable: 422,
    };
    for (const [kind, status] of Object.entries(expected) as [DomainErrorKind, number][]) {
      expect(httpErrorOf(new DomainError(kind, "error.x")).status).toBe(status);
    }
  });

  it("keeps the message key, variables and details", () => {
    const e = httpErrorOf(new DomainError("unprocessable", "dossier.err.notOnline", { vars: { code: "1.1" }, details: [{ path: "procedureCode", message: "1.1" }] }));
    expect(e).toBeInstanceOf(HttpError);
    expect(e).toMatchObject({ status: 422, messageKey: "dossier.err.notOnline", vars: { code: "1.1" }, details: [{ path: "procedureCode", message: "1.1" }] });
  });

  it("passes an HttpError through and leaves other errors alone", () => {
    const h = new HttpError(429, "error.429");
    expect(asHttpError(h)).toBe(h);
    expect(asHttpError(new Error("boom"))).toBeUndefined();
    expect(asHttpError("nope")).toBeUndefined();
  });
});
