// JSON API of the working calendar (public look-ups, and schedule/office management).

import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Tx } from "../../db/scope";
import { getIsoDate } from "../../domain/calendar/civil";
import { computeDeadline } from "../../domain/calendar/deadline";
import type { DayReason } from "../../domain/calendar/holidays";
import { lunarToSolar, solarToLunar } from "../../domain/calendar/lunar";
import { DayOffReasonCode, Verification, YearSchedule } from "../../domain/calendar/schedules";
import { DateRange, DeadlineAmount, Instant, IsoDate, LunarDateInput } from "../../domain/calendar/validation";
import { defineApi } from "../../web/api";
import { HttpError, requirePermission } from "../../web/http";
import { parseCalendar, queryNumber } from "./input";
import { AgencyOffice, deleteSchedule, getAgencyCalendar, getAgencyOffice, getEffectiveSchedule, saveAgencyOffice, saveSchedule } from "./service";

const TAGS = ["calendar"];

const AgencyParams = z.object({ agencyCode: z.string().min(1).max(60) });
const YearParams = z.object({ year: z.string().describe("Year 1900–2100") });

const DaysResponse = z.object({
  agency: z.object({ code: z.string(), name: z.string() }),
  days: z.array(
    z.object({
      date: z.string(),
      weekday: z.number().describe("1 = Monday … 7 = Sunday"),
      working: z.boolean(),
      reason: z.string().optional().describe("Name of the holiday or rule, in the request's language"),
      reasonCode: z.string().optional(),
      hours: z.array(z.object({ start: z.string(), end: z.string() })).optional(),
    }),
  ),
});
const DeadlineResponse = z.object({
  start: z.string(),
  due: z.string().describe("ISO-8601 with +07:00"),
  skipped: z.array(z.object({ date: z.string(), reason: z.string(), reasonCode: z.string() })),
});

// Query schemas for the OpenAPI document and a first shape check; the domain schemas then validate
// the values and give the precise message.
const DaysQuery = z.object({ from: z.string().describe("YYYY-MM-DD"), to: z.string().describe("YYYY-MM-DD, at most 3 years after from") });
const DeadlineQuery = z.object({
  start: z.string().describe("ISO-8601 instant; without offset it is Vietnamese time"),
  amount: z.string().describe("Non-negative integer"),
  unit: z.string().describe("working_days | working_hours | calendar_days"),
});
const LunarQuery = z.object({ date: z.string().describe("YYYY-MM-DD") });
const SolarQuery = z.object({
  year: z.string(),
  month: z.string(),
  day: z.string(),
  leap: z.enum(["true", "false", "1", "0"]).optional(),
});

const DocumentBody = z.object({ number: z.string(), title: z.string(), date: z.string(), issuer: z.string() });
const ScheduleBody = z.object({
  document: DocumentBody,
  relatedDocuments: z.array(DocumentBody).optional(),
  verification: Verification.optional(),
  note: z.string().optional(),
  daysOff: z.array(z.object({ date: z.string(), reason: DayOffReasonCode, label: z.object({ vi: z.string(), en: z.string() }).optional() })),
  workingDays: z.array(z.object({ date: z.string(), reason: z.string() })),
});
const ScheduleResponse = z.object({
  year: z.number(),
  source: z.enum(["agency", "inherited", "shipped", "default"]),
  agencyCode: z.string().optional(),
  schedule: z.unknown().optional(),
  updatedAt: z.string().optional(),
});

function reasonText(reason: DayReason, lang: "vi" | "en"): string {
  return lang === "en" ? reason.en : reason.vi;
}

async function agencyByCode(tx: Tx, code: string): Promise<{ id: number; code: string; name: string }> {
  const agency = await tx.maybeOne<{ id: number; code: string; name: string }>("select id, code, name from agencies where code = $1 or gso_code = $1 limit 1", [code.trim()]);
  if (!agency) throw new HttpError(404, "calendar.agency_not_found");
  return agency;
}

/** A deadline that would run past 2100 (the calendar's range) is the caller's input problem, not a crash. */
function outOfRangeAs400<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) throw new HttpError(400, "calendar.date_out_of_range");
    throw e;
  }
}

function parseYear(text: string): number {
  const year = queryNumber(text);
  if (!Number.isInteger(year) || year < 1900 || year > 2100) throw new HttpError(400, "calendar.year_invalid");
  return year;
}

function actorOf(req: FastifyRequest): { userId: number; label: string } {
  return { userId: req.user!.id, label: req.user!.username };
}

export function registerCalendarApi(app: FastifyInstance): void {
  defineApi(app, {
    method: "GET",
    url: "/api/v1/calendar/lunar",
    summary: "Vietnamese lunar date of a solar date (UTC+7)",
    tags: TAGS,
    auth: "public",
    query: LunarQuery,
    response: z.object({ day: z.number(), month: z.number(), year: z.number(), leap: z.boolean() }),
    handler: async ({ req, query }) => {
      const date = parseCalendar(IsoDate, query.date, req);
      const lunar = solarToLunar(getIsoDate(date));
      return { day: lunar.day, month: lunar.month, year: lunar.year, leap: lunar.leap };
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/calendar/solar",
    summary: "Solar date of a Vietnamese lunar date; 400 when that lunar date does not exist",
    tags: TAGS,
    auth: "public",
    query: SolarQuery,
    response: z.object({ date: z.string() }),
    handler: async ({ req, query }) => {
      const lunar = parseCalendar(
        LunarDateInput,
        { year: queryNumber(query.year), month: queryNumber(query.month), day: queryNumber(query.day), leap: query.leap === "true" || query.leap === "1" },
        req,
      );
      const solar = lunarToSolar(lunar)!;
      return { date: `${String(solar.year).padStart(4, "0")}-${String(solar.month).padStart(2, "0")}-${String(solar.day).padStart(2, "0")}` };
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/calendar/schedules/:year",
    summary: "The holiday schedule the caller's agency uses for a year, and where it comes from (agency, inherited, shipped, default rules)",
    tags: TAGS,
    auth: "calendar.manage",
    params: YearParams,
    response: ScheduleResponse,
    handler: async ({ req, params }) => {
      const year = parseYear(params.year);
      const user = req.user!;
      return req.tx(async (tx) => {
        const effective = await getEffectiveSchedule(tx, user.agencyId, year);
        const code = effective.agencyId ? (await tx.one<{ code: string }>("select code from agencies where id = $1", [effective.agencyId])).code : undefined;
        return { year, source: effective.source, ...(code ? { agencyCode: code } : {}), ...(effective.schedule ? { schedule: effective.schedule } : {}), ...(effective.updatedAt ? { updatedAt: effective.updatedAt } : {}) };
      });
    },
  });

  defineApi(app, {
    method: "PUT",
    url: "/api/v1/calendar/schedules/:year",
    summary: "Enter or replace the caller's agency's official schedule of a year (complete list of days off and make-up days, with the deciding document)",
    tags: TAGS,
    auth: "calendar.manage",
    params: YearParams,
    body: ScheduleBody,
    response: ScheduleResponse,
    errors: { 404: "Unknown agency" },
    handler: async ({ req, params, body }) => {
      const year = parseYear(params.year);
      const schedule = parseCalendar(YearSchedule, { ...body, year, verification: body.verification ?? "official_text" }, req);
      const user = req.user!;
      await req.tx((tx) => saveSchedule(tx, { agencyId: user.agencyId, schedule, actor: actorOf(req) }));
      return { year, source: "agency" as const, agencyCode: user.agencyCode, schedule };
    },
  });

  defineApi(app, {
    method: "DELETE",
    url: "/api/v1/calendar/schedules/:year",
    summary: "Remove the caller's agency's own schedule of a year",
    tags: TAGS,
    auth: "calendar.manage",
    params: YearParams,
    successStatus: 204,
    errors: { 404: "The agency has no schedule of its own for that year" },
    handler: async ({ req, reply, params }) => {
      const year = parseYear(params.year);
      const user = req.user!;
      const removed = await req.tx((tx) => deleteSchedule(tx, { agencyId: user.agencyId, year, actor: actorOf(req) }));
      if (!removed) throw new HttpError(404, "calendar.schedule_not_found");
      return reply.code(204).send();
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/calendar/:agencyCode/days",
    summary: "Working and non-working days of an agency between two dates (at most 3 years), with the holiday or rule",
    tags: TAGS,
    auth: "public",
    params: AgencyParams,
    query: DaysQuery,
    response: DaysResponse,
    errors: { 404: "Unknown agency" },
    handler: async ({ req, params, query }) => {
      const range = parseCalendar(DateRange, query, req);
      return req.tx(async (tx) => {
        const agency = await agencyByCode(tx, params.agencyCode);
        const calendar = await getAgencyCalendar(tx, agency.id);
        const days = calendar.days(range.from, range.to).map((d) => ({
          date: d.date,
          weekday: d.weekday,
          working: d.working,
          ...(d.reason ? { reason: reasonText(d.reason, req.lang), reasonCode: d.reason.code } : {}),
          ...(d.working ? { hours: calendar.hoursOf(d.date) } : {}),
        }));
        return { agency: { code: agency.code, name: agency.name }, days };
      });
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/calendar/:agencyCode/deadline",
    summary: "Appointment time for a dossier received at `start` with a time limit, by the agency's calendar",
    tags: TAGS,
    auth: "public",
    params: AgencyParams,
    query: DeadlineQuery,
    response: DeadlineResponse,
    errors: { 404: "Unknown agency" },
    handler: async ({ req, params, query }) => {
      const start = parseCalendar(Instant, query.start, req);
      const limit = parseCalendar(DeadlineAmount, { amount: queryNumber(query.amount), unit: query.unit }, req);
      return req.tx(async (tx) => {
        const agency = await agencyByCode(tx, params.agencyCode);
        const calendar = await getAgencyCalendar(tx, agency.id);
        const result = outOfRangeAs400(() => computeDeadline({ start, amount: limit.amount, unit: limit.unit, calendar }));
        return {
          start,
          due: result.due,
          skipped: result.skipped.map((s) => ({ date: s.date, reason: reasonText(s.reason, req.lang), reasonCode: s.reason.code })),
        };
      });
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/calendar/:agencyCode/office",
    summary: "Office settings of an agency (working weekdays, hours, receipt cut-off, dossier code pattern)",
    tags: TAGS,
    auth: "public",
    params: AgencyParams,
    response: AgencyOffice,
    errors: { 404: "Unknown agency" },
    handler: async ({ req, params }) =>
      req.tx(async (tx) => {
        const agency = await agencyByCode(tx, params.agencyCode);
        return getAgencyOffice(tx, agency.id);
      }),
  });

  defineApi(app, {
    method: "PUT",
    url: "/api/v1/calendar/:agencyCode/office",
    summary: "Change an agency's office settings (only within the caller's own agencies)",
    tags: TAGS,
    auth: "calendar.manage",
    params: AgencyParams,
    body: z.object({}).passthrough().describe("AgencyOffice: workingWeekdays, hours, hoursByWeekday?, saturdayMorningOnly?, receiptCutoff?, dossierCodePattern?"),
    response: AgencyOffice,
    errors: { 404: "Unknown agency, or an agency outside the caller's scope" },
    handler: async ({ req, params, body }) => {
      requirePermission(req, "calendar.manage");
      const office = parseCalendar(AgencyOffice, body, req);
      await req.tx(async (tx) => {
        const agency = await agencyByCode(tx, params.agencyCode);
        await saveAgencyOffice(tx, { agencyId: agency.id, office, actor: actorOf(req) });
      });
      return office;
    },
  });
}
