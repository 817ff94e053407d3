import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { BulletinInput, ConferenceInput, IsoDate, ItemActionInput, ItemInput, SignageInput, SlotInput, SummaryQuery } from "../../domain/communications/schemas";
import { actorsOf, ITEM_STATUSES } from "../../domain/communications/workflow";
import { articleBodyFromInput } from "../../domain/communications/sanitize";
import { defineApi } from "../../web/api";
import { COMM_ACCESS } from "./access";
import { HttpError } from "../../web/http";
import { findAgencyByCode } from "../agencies/agencies";
import { createConference, listConferences } from "./conferences";
import { actOnItem, createItem, findColumnBySlug, getItem, listPublished, listStaffItems } from "./items";
import { absoluteBase, itemPath } from "./public";
import { createBulletin, createSlot, listSlots, makeSpokenVersion } from "./radio";
import { createSignage, listSignage } from "./signage";
import { actingOf } from "./staff-items";
import { communicationsSummary } from "./summary";

const Id = z.object({ id: z.coerce.number().int().positive() });

// Word's clipboard HTML runs to several times the text; the request limit (1 MB) bounds it.
const CleanInput = z.object({ html: z.string().max(1_000_000, "msg:communications.err.tooLong") });

const CommunicationsSummarySchema = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  itemsByColumn: z.array(z.object({ columnSlug: z.string(), columnName: z.string(), items: z.number() })),
  itemsTotal: z.number(),
  procedureAnnouncements: z.object({ new: z.number(), amended: z.number(), abolished: z.number(), total: z.number() }),
  broadcasts: z.object({ count: z.number(), minutes: z.number() }),
  signage: z.object({ installed: z.number(), standing: z.number(), byPlace: z.array(z.object({ place: z.string(), kinds: z.array(z.string()), count: z.number() })) }),
  conferences: z.object({ count: z.number(), attendees: z.number(), items: z.array(z.object({ date: z.string(), topic: z.string(), attendees: z.number() })) }),
});

const PublicItem = z.object({
  id: z.number(),
  kind: z.string(),
  column: z.string(),
  title: z.string(),
  summary: z.string().nullable(),
  publishedAt: z.string(),
  url: z.string(),
});

export async function communicationsApi(app: FastifyInstance): Promise<void> {
  defineApi(app, {
    method: "GET",
    url: "/api/v1/communications/summary",
    summary: "Communication figures of an agency for a period (inclusive local dates): items per column, procedures announced, broadcasts, signage, conferences",
    tags: ["communications"],
    auth: "report.view",
    query: SummaryQuery,
    response: CommunicationsSummarySchema,
    errors: { 404: "Agency unknown or outside the caller's scope" },
    handler: async ({ req, query }) =>
      req.tx(async (tx) => {
        const agency = await findAgencyByCode(tx, query.agency);
        if (!agency || !(req.scope.allAgencies || req.scope.agencyIds.includes(agency.id))) throw new HttpError(404, "communications.err.agency");
        return communicationsSummary(tx, { agencyId: agency.id, from: query.from, to: query.to });
      }),
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/communications/items",
    summary: "Published news items and articles of an agency, newest first (public)",
    tags: ["communications"],
    auth: "public",
    query: z.object({ agency: z.string().min(1).max(40), column: z.string().max(80).optional(), page: z.coerce.number().int().min(1).max(10_000).default(1) }),
    response: z.object({ total: z.number(), page: z.number(), items: z.array(PublicItem) }),
    handler: async ({ req, query }) =>
      req.tx(async (tx) => {
        const agency = await findAgencyByCode(tx, query.agency);
        if (!agency) throw new HttpError(404, "communications.err.agency");
        const col = query.column ? await findColumnBySlug(tx, agency.id, query.column) : undefined;
        if (query.column && !col) throw new HttpError(404, "communications.err.column");
        const p = await listPublished(tx, { agencyId: agency.id, page: query.page, pageSize: 20, ...(col ? { columnId: col.id } : {}) });
        const abs = absoluteBase(app, req);
        return {
          total: p.total,
          page: p.page,
          items: p.items.map((i) => ({ id: i.id, kind: i.kind, column: i.column_slug, title: i.title, summary: i.summary, publishedAt: new Date(i.published_at!).toISOString(), url: `${abs}${itemPath(agency.code, i)}` })),
        };
      }),
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/communications/staff/items",
    summary: "Items of the caller's agency in any status (writers and approvers)",
    tags: ["communications"],
    auth: "authenticated",
    query: z.object({ status: z.enum(ITEM_STATUSES).optional() }),
    handler: async ({ req, query }) => {
      const a = actingOf(req);
      // Drafts are the writers' and approvers' business, not every colleague's.
      if (actorsOf(a.role).length === 0) throw new HttpError(403, "error.403.body");
      return req.tx(async (tx) =>
        (await listStaffItems(tx, { agencyId: a.agencyId, ...(query.status ? { status: query.status } : {}) })).map((i) => ({ id: i.id, status: i.status, title: i.title, column: i.column_slug, updatedAt: i.updated_at })),
      );
    },
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/communications/clean",
    summary: "Clean pasted HTML (Word, web pages, Google Docs) or plain text to the article subset, as saving would; the editor shows the writer the result",
    tags: ["communications"],
    auth: COMM_ACCESS.write,
    body: CleanInput,
    response: z.object({ html: z.string() }),
    handler: async ({ body }) => ({ html: articleBodyFromInput(body.html).html }),
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/communications/items",
    summary: "Create a draft news item or article; the HTML body is sanitised to the allowed subset",
    tags: ["communications"],
    auth: "content.write",
    body: ItemInput,
    successStatus: 201,
    response: z.object({ id: z.number(), status: z.string(), cleaned: z.boolean(), body: z.string() }),
    handler: async ({ req, body }) =>
      req.tx(async (tx) => {
        const r = await createItem(tx, { acting: actingOf(req), input: body });
        const item = await getItem(tx, r.id);
        return { id: r.id, status: item.status, cleaned: r.cleaned, body: item.body };
      }),
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/communications/items/:id/actions",
    summary: "Take a workflow action on an item (submit, withdraw, send_back, publish, schedule, unschedule, unpublish, reopen)",
    tags: ["communications"],
    auth: "authenticated",
    params: Id,
    body: ItemActionInput,
    errors: { 403: "The caller's role may not take this action", 409: "Not allowed from the item's status" },
    handler: async ({ req, params, body }) => {
      const status = await req.tx((tx) => actOnItem(tx, { acting: actingOf(req), id: params.id, input: body }));
      return { id: params.id, status };
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/communications/radio/slots",
    summary: "Radio programme of an agency between two dates (public)",
    tags: ["communications"],
    auth: "public",
    query: z.object({ agency: z.string().min(1).max(40), from: IsoDate, to: IsoDate }).refine((q) => q.from <= q.to, { message: "msg:communications.err.reversed", path: ["to"] }),
    handler: async ({ req, query }) =>
      req.tx(async (tx) => {
        const agency = await findAgencyByCode(tx, query.agency);
        if (!agency) throw new HttpError(404, "communications.err.agency");
        return (await listSlots(tx, { agencyId: agency.id, from: query.from, to: query.to })).map((s) => ({
          id: s.id, date: s.date, time: s.time, durationMinutes: s.duration_minutes, topic: s.topic, bulletinId: s.bulletin_id, audioUrl: s.audio_file_id ? `/media/communications/${s.audio_file_id}` : null,
        }));
      }),
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/communications/radio/slots",
    summary: "Add a broadcast slot; overlapping slots are refused (409)",
    tags: ["communications"],
    auth: "radio.manage",
    body: SlotInput,
    successStatus: 201,
    errors: { 409: "Overlaps another slot" },
    handler: async ({ req, body }) => ({ id: await req.tx((tx) => createSlot(tx, { acting: actingOf(req), input: body })) }),
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/communications/radio/bulletins",
    summary: "Write a radio bulletin (by hand or from a news item)",
    tags: ["communications"],
    auth: "radio.manage",
    body: BulletinInput,
    successStatus: 201,
    handler: async ({ req, body }) => ({ id: await req.tx((tx) => createBulletin(tx, { acting: actingOf(req), input: body })) }),
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/communications/radio/bulletins/:id/speak",
    summary: "Make the bulletin's spoken version (eSpeak NG Vietnamese voice, MP3)",
    tags: ["communications"],
    auth: "radio.manage",
    params: Id,
    response: z.object({ fileId: z.number(), durationSeconds: z.number(), url: z.string() }),
    errors: { 422: "The text could not be spoken" },
    handler: async ({ req, params }) => {
      const r = await makeSpokenVersion((fn) => req.tx(fn), { acting: actingOf(req), id: params.id });
      return { ...r, url: `/media/communications/${r.fileId}` };
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/communications/signage",
    summary: "Signage of the caller's agency, by place; standingOn filters to what stood that day",
    tags: ["communications"],
    auth: "signage.manage",
    query: z.object({ place: z.string().max(200).optional(), standingOn: IsoDate.optional() }),
    handler: async ({ req, query }) => req.tx((tx) => listSignage(tx, { agencyId: actingOf(req).agencyId, place: query.place, standingOn: query.standingOn })),
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/communications/signage",
    summary: "Record a panel, poster, slogan or banner",
    tags: ["communications"],
    auth: "signage.manage",
    body: SignageInput,
    successStatus: 201,
    handler: async ({ req, body }) => ({ id: await req.tx((tx) => createSignage(tx, { acting: actingOf(req), input: body })) }),
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/communications/conferences",
    summary: "Conferences and briefings of the caller's agency",
    tags: ["communications"],
    auth: "event.manage",
    query: z.object({ from: IsoDate.optional(), to: IsoDate.optional() }),
    handler: async ({ req, query }) => req.tx((tx) => listConferences(tx, { agencyId: actingOf(req).agencyId, from: query.from, to: query.to })),
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/communications/conferences",
    summary: "Record a conference or briefing",
    tags: ["communications"],
    auth: "event.manage",
    body: ConferenceInput,
    successStatus: 201,
    handler: async ({ req, body }) => ({ id: await req.tx((tx) => createConference(tx, { acting: actingOf(req), input: body })) }),
  });
}
