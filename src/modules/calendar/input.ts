// Validation of calendar inputs with the domain's zod schemas, whose issue messages are catalog
// keys ("calendar.date_invalid") or bilingual texts (code patterns): localised here for a 400.

import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { calendarMessage } from "../../domain/calendar/validation";
import { DomainError, type ErrorDetail } from "../../domain/errors";

const zodLocales = { vi: z.locales.vi().localeError, en: z.locales.en().localeError } as const;

export function localiseIssue(message: string, lang: "vi" | "en"): string {
  if (message.startsWith("bi:")) {
    const [vi, en] = message.slice(3).split("\u0001");
    return (lang === "en" ? en : vi) ?? message;
  }
  if (message.startsWith("calendar.")) return calendarMessage(message, lang);
  return message;
}

export function issueDetails(error: z.ZodError, req: Pick<FastifyRequest, "lang" | "t">): ErrorDetail[] {
  return error.issues.map((i) => {
    const message = i.message.startsWith("msg:") ? req.t(i.message.slice(4)) : i.message.startsWith("calendar.") ? req.t(i.message) : localiseIssue(i.message, req.lang);
    return { path: i.path.map(String).join("."), message };
  });
}

export function safeParseCalendar<S extends z.ZodType>(schema: S, data: unknown, req: Pick<FastifyRequest, "lang" | "t">): { ok: true; data: z.infer<S> } | { ok: false; details: ErrorDetail[] } {
  const r = schema.safeParse(data, { error: zodLocales[req.lang] });
  return r.success ? { ok: true, data: r.data } : { ok: false, details: issueDetails(r.error, req) };
}

/** Parses or throws a 400 whose message is the first issue's text (clearer than a generic one). */
export function parseCalendar<S extends z.ZodType>(schema: S, data: unknown, req: Pick<FastifyRequest, "lang" | "t">): z.infer<S> {
  const r = safeParseCalendar(schema, data, req);
  if (r.ok) return r.data;
  const first = r.details[0];
  throw new DomainError("invalid", "calendar.invalid", { vars: { message: first ? (first.path ? `${first.path}: ${first.message}` : first.message) : "" }, details: r.details });
}

/** A query-string number: only optional sign and digits/decimals count, so "" or "abc" is NaN, not 0. */
export function queryNumber(text: unknown): number {
  if (typeof text !== "string" || !/^-?\d+(\.\d+)?([eE]\d+)?$/.test(text.trim())) return Number.NaN;
  return Number(text);
}
