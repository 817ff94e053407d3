import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import { Procedure, ProcedureCode } from "../../domain/catalog/model";
import { effectiveTerms } from "../../domain/catalog/terms";
import { diffProcedures } from "../../domain/catalog/version";
import { vnToday } from "../../domain/documents/numbering";
import { defineApi } from "../../web/api";
import { siteAgency } from "../../web/core-routes";
import { forbidden, HttpError, notFound, parseWith, redirect, requirePermission, requireUser } from "../../web/http";
import { registerDashboard, registerNav } from "../../web/registry";
import { findAgencyByCode } from "../agencies/agencies";
import "./demo";
import "./messages";
import { catalogAbolishRoutes } from "./staff-abolish";
import { catalogImportRoutes } from "./staff-import";
import { catalogTermsRoutes } from "./staff-terms";
import { invalidateCatalogSearch, MARKS_TTL_MS, searchProcedures, watchCatalogChanges } from "./search-cache";
import {
  ASSIGNMENT_STATUSES,
  AssignmentError,
  changeAssignment,
  countMissingTimeLimits,
  fieldCounts,
  findAssignment,
  findProcedureInForce,
  findProcedureVersion,
  listAssignments,
  listPayableProcedures,
  listPublished,
  listVersions,
  OnlineLevel,
  procedureUrl,
} from "./service";
import { DetailPage, type HistoryEntry, HistoryPage, ListPage, StaffListPage } from "./views";

registerNav(
  { href: "/procedures", labelKey: "catalog.nav", area: "public", order: 20 },
  { href: "/staff/procedures", labelKey: "catalog.nav.staff", area: "staff", permission: "catalog.assign", order: 40 },
);

registerDashboard(async (req, tx) => {
  if (!req.user || !can(req.user.role, "catalog.assign")) return [];
  const published = (await fieldCounts(tx, { agencyId: req.user.agencyId })).reduce((n, f) => n + f.count, 0);
  const missing = await countMissingTimeLimits(tx, req.user.agencyId);
  return [
    { labelKey: "catalog.dashboard.published", value: published, href: "/staff/procedures" },
    ...(missing > 0 ? [{ labelKey: "catalog.dashboard.noTimeLimit", value: missing, href: "/staff/procedures?status=no_time_limit", tone: "warn" as const }] : []),
  ];
});

const PAGE_SIZE = 20;
/** Anything longer is not a search; the domain search reads only the first 200 characters anyway. */
const MAX_Q = 10_000;

const text = (max: number) => z.string().max(max, "msg:catalog.error.queryTooLong");
const optionalText = (max: number) =>
  text(max)
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

export const ProcedureListQuery = z.object({
  q: optionalText(MAX_Q),
  field: optionalText(300),
  agency: optionalText(60),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  lang: z.string().optional(),
});
export type ProcedureListQuery = z.infer<typeof ProcedureListQuery>;

export const ProcedureSearchQuery = z.object({
  q: optionalText(MAX_Q),
  /** true: only procedures whose fee can be paid online (payments). */
  payable: z.enum(["true", "false"], { error: "msg:catalog.error.payable" }).optional(),
  field: optionalText(300),
  agency: optionalText(60),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  lang: z.string().optional(),
});
export type ProcedureSearchQuery = z.infer<typeof ProcedureSearchQuery>;

const CodeParams = z.object({ code: z.string().max(60, "msg:catalog.error.badCode").regex(/^\d\.\d{6}(?:\.[A-Z0-9]+)*$/, "msg:catalog.error.badCode") });
const DetailQuery = z.object({
  agency: optionalText(60),
  version: z.coerce.number().int().min(1).max(100_000).optional(),
  lang: z.string().optional(),
});

const SearchResponse = z.object({
  total: z.number(),
  items: z.array(z.object({ code: z.string(), name: z.string(), field: z.string(), onlineLevel: OnlineLevel.nullable(), url: z.string(), feeVnd: z.number().optional() })),
});
const DetailResponse = z.object({
  code: z.string(),
  name: z.string(),
  field: z.string(),
  version: z.object({ number: z.number(), effectiveFrom: z.string(), effectiveTo: z.string().nullable() }),
  abolishedOn: z.string().nullable(),
  agency: z.object({ code: z.string(), name: z.string(), offered: z.boolean(), onlineLevel: OnlineLevel.nullable() }).nullable(),
  url: z.string(),
  procedure: Procedure,
});

type AgencyRef = { id: number; code: string; name: string } | null;

// Agency look-ups are cached as briefly as the search marks: a search then needs no database
// round trip at all, and a renamed or re-coded agency shows within a second.
const agencyCaches = new WeakMap<FastifyInstance, Map<string, { at: number; value: AgencyRef }>>();

/** ?agency=CODE, else the site's commune, else none (the whole catalog). Unknown code → 404. */
async function resolveAgency(app: FastifyInstance, code: string | undefined): Promise<AgencyRef> {
  const key = code ?? "";
  let agencyCache = agencyCaches.get(app);
  if (!agencyCache) {
    agencyCache = new Map();
    agencyCaches.set(app, agencyCache);
  }
  const hit = agencyCache.get(key);
  if (hit && Date.now() - hit.at <= MARKS_TTL_MS) {
    if (code && !hit.value) throw new HttpError(404, "catalog.error.unknownAgency");
    return hit.value;
  }
  let value: AgencyRef;
  if (code) {
    // Agency names and codes are public: read outside any tenant scope.
    const a = await app.deps.db.system((tx) => findAgencyByCode(tx, code));
    value = a ? { id: a.id, code: a.code, name: a.name } : null;
  } else {
    const site = await siteAgency(app);
    value = site ? { id: site.id, code: site.code, name: site.name } : null;
  }
  if (agencyCache.size > 5000) agencyCache.clear();
  agencyCache.set(key, { at: Date.now(), value });
  if (code && !value) throw new HttpError(404, "catalog.error.unknownAgency");
  return value;
}

export async function catalogRoutes(app: FastifyInstance): Promise<void> {
  // Catalog changes committed by any instance reach this one's search index at once.
  const stopWatching = watchCatalogChanges(app.deps.db, { log: (l) => app.log.warn(l) });
  app.addHook("onClose", stopWatching);
  await catalogTermsRoutes(app);
  await catalogImportRoutes(app);
  await catalogAbolishRoutes(app);
  const db = app.deps.db;

  async function runList(req: FastifyRequest, q: { q?: string | undefined; field?: string | undefined; agency: AgencyRef; offset: number; limit: number }) {
    if (q.q) {
      // The ranked list is cut at 100: nobody pages further through a relevance ranking.
      const r = await searchProcedures(db, { agencyId: q.agency?.id ?? null, q: q.q, ...(q.field ? { field: q.field } : {}), limit: 100 });
      return { total: Math.min(r.total, 100), items: r.items.slice(q.offset, q.offset + q.limit) };
    }
    const r = await req.tx((tx) => listPublished(tx, { agencyId: q.agency?.id ?? null, ...(q.field ? { field: q.field } : {}), offset: q.offset, limit: q.limit }));
    return { total: r.total, items: r.items.map((i) => ({ ...i, url: procedureUrl(i.code) })) };
  }

  app.get("/procedures", async (req, reply) => {
    const query = parseWith(ProcedureListQuery, req.query, req);
    const agency = await resolveAgency(app, query.agency);
    const { total, items } = await runList(req, { q: query.q, field: query.field, agency, offset: (query.page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
    const fields = await req.tx((tx) => fieldCounts(tx, { agencyId: agency?.id ?? null }));
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const href = (p: number) => {
      const qs = new URLSearchParams();
      if (query.q) qs.set("q", query.q.slice(0, 200));
      if (query.field) qs.set("field", query.field);
      if (query.agency) qs.set("agency", query.agency);
      qs.set("page", String(p));
      return `/procedures?${qs.toString()}`;
    };
    return reply.page(
      <ListPage
        ctx={req.pageCtx()}
        agencyName={agency?.name ?? null}
        agencyCode={query.agency}
        q={query.q ?? ""}
        field={query.field}
        fields={fields}
        total={total}
        items={items}
        page={Math.min(query.page, pages)}
        pages={pages}
        href={href}
      />,
    );
  });

  async function loadDetail(req: FastifyRequest, code: string, version: number | undefined, agencyCode: string | undefined) {
    const agency = await resolveAgency(app, agencyCode);
    return req.tx(async (tx) => {
      const current = await findProcedureInForce(tx, code);
      if (!current) throw notFound();
      const shown = version === undefined || version === current.versionNo ? current : await findProcedureVersion(tx, code, version);
      if (!shown) throw notFound();
      const assignment = agency ? await findAssignment(tx, { agencyId: agency.id, code }) : undefined;
      // Abolished from a later day: still offered until then.
      const abolished = current.abolishedOn !== null && current.abolishedOn <= vnToday();
      const offered = Boolean(assignment?.enabled && assignment.published && !abolished);
      // The terms that apply at this agency (its own time limit, fees, documents), for the version in force.
      const terms = offered && assignment && shown.versionNo === current.versionNo ? effectiveTerms(current.procedure, assignment.terms) : null;
      return { agency, current, shown, offered, onlineLevel: offered ? assignment!.onlineLevel : null, terms };
    });
  }

  app.get("/procedures/:code", async (req, reply) => {
    const { code } = parseWith(CodeParams, req.params, req);
    const query = parseWith(DetailQuery, req.query, req);
    const d = await loadDetail(req, code, query.version, query.agency);
    return reply.page(
      <DetailPage
        ctx={req.pageCtx()}
        version={d.shown}
        current={d.shown.versionNo === d.current.versionNo}
        agencyName={d.agency?.name ?? null}
        agencyCode={query.agency}
        onlineLevel={d.onlineLevel}
        terms={d.terms}
      />,
    );
  });

  app.get("/procedures/:code/history", async (req, reply) => {
    const { code } = parseWith(CodeParams, req.params, req);
    const query = parseWith(DetailQuery, req.query, req);
    const versions = await req.tx((tx) => listVersions(tx, code));
    if (versions.length === 0) throw notFound();
    const entries: HistoryEntry[] = versions.map((v, i) => {
      const previous = versions[i + 1];
      return { version: v, changes: previous ? diffProcedures(previous.procedure, v.procedure).map((c) => ({ label: c.label_vi, before: c.before, after: c.after })) : [] };
    });
    return reply.page(<HistoryPage ctx={req.pageCtx()} code={code} name={versions[0]!.procedure.name} entries={entries} agencyCode={query.agency} />);
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/procedures",
    summary:
      "Search procedures (ranked best first; typos, missing diacritics and everyday words tolerated) or, without q, list them by name. agency defaults to the site's commune and limits the result to what it publishes; payable=true keeps those whose fee can be paid online (with feeVnd).",
    tags: ["catalog"],
    auth: "public",
    query: ProcedureSearchQuery,
    response: SearchResponse,
    errors: { 404: "Unknown agency code" },
    handler: async ({ req, query }) => {
      const agency = await resolveAgency(app, query.agency);
      if (query.payable === "true") {
        if (!agency) return { total: 0, items: [] };
        const all = await req.tx((tx) => listPayableProcedures(tx, { agencyId: agency.id }));
        let items = query.field ? all.filter((i) => i.field === query.field) : all;
        if (query.q) {
          const ranked = await searchProcedures(db, { agencyId: agency.id, q: query.q, limit: 100 });
          const byCode = new Map(items.map((i) => [i.code, i]));
          items = ranked.items.flatMap((r) => (byCode.has(r.code) ? [byCode.get(r.code)!] : []));
        }
        return { total: items.length, items: items.slice(query.offset, query.offset + query.limit).map((i) => ({ ...i, url: procedureUrl(i.code) })) };
      }
      return runList(req, { q: query.q, field: query.field, agency, offset: query.offset, limit: query.limit });
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/procedures/:code",
    summary: "A procedure: the version in force (or ?version=N), fully structured, and how the agency (default: the site's commune) offers it.",
    tags: ["catalog"],
    auth: "public",
    params: CodeParams,
    query: DetailQuery,
    response: DetailResponse,
    errors: { 404: "Unknown procedure, version or agency" },
    handler: async ({ req, params, query }) => {
      const d = await loadDetail(req, params.code, query.version, query.agency);
      return {
        code: d.shown.procedure.code,
        name: d.shown.procedure.name,
        field: d.shown.procedure.field,
        version: { number: d.shown.versionNo, effectiveFrom: d.shown.effectiveFrom, effectiveTo: d.shown.effectiveTo },
        abolishedOn: d.current.abolishedOn,
        agency: d.agency ? { code: d.agency.code, name: d.agency.name, offered: d.offered, onlineLevel: d.onlineLevel } : null,
        url: procedureUrl(params.code),
        procedure: d.shown.procedure,
      };
    },
  });

  // Staff: what the agency offers.
  const StaffQuery = z.object({
    q: optionalText(200),
    field: optionalText(300),
    status: z.enum(["", ...ASSIGNMENT_STATUSES]).default(""),
    bulk: z.string().regex(/^[01]:\d{1,6}$/).optional(),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    saved: z.string().max(60).optional(),
    lang: z.string().optional(),
  });

  app.get("/staff/procedures", async (req, reply) => {
    const user = requireUser(req);
    const canAssign = can(user.role, "catalog.assign");
    const canPublish = can(user.role, "catalog.publish");
    if (!canAssign && !canPublish) throw forbidden();
    const f = parseWith(StaffQuery, req.query, req);
    const size = 25;
    const { list, fields, missing } = await req.tx(async (tx) => ({
      missing: await countMissingTimeLimits(tx, user.agencyId),
      list: await listAssignments(tx, {
        agencyId: user.agencyId,
        ...(f.q ? { q: f.q } : {}),
        ...(f.field ? { field: f.field } : {}),
        ...(f.status ? { status: f.status } : {}),
        offset: (f.page - 1) * size,
        limit: size,
      }),
      fields: (await fieldCounts(tx, { agencyId: null })).map((r) => r.field),
    }));
    const pages = Math.max(1, Math.ceil(list.total / size));
    const href = (p: number) => `/staff/procedures?${new URLSearchParams({ q: f.q ?? "", field: f.field ?? "", status: f.status, page: String(p) }).toString()}`;
    return reply.page(
      <StaffListPage
        ctx={req.pageCtx()}
        agencyName={user.agencyName}
        canAssign={canAssign}
        canPublish={canPublish}
        filter={{ q: f.q ?? "", field: f.field ?? "", status: f.status }}
        fields={fields}
        total={list.total}
        items={list.items}
        page={Math.min(f.page, pages)}
        pages={pages}
        href={href}
        saved={f.saved && ProcedureCode.safeParse(f.saved).success ? f.saved : undefined}
        missing={missing}
        bulk={f.bulk ? { enabled: f.bulk.startsWith("1"), n: Number(f.bulk.slice(2)) } : undefined}
      />,
    );
  });

  const Back = z
    .string()
    .max(2000)
    .optional()
    .transform((b) => (b && /^\/staff\/procedures(\?|$)/.test(b) ? b : "/staff/procedures"));
  const AssignForm = z.object({ enabled: z.enum(["1"]).optional(), onlineLevel: OnlineLevel, back: Back, _csrf: z.string().optional() });
  const PublishForm = z.object({ published: z.enum(["0", "1"]), back: Back, _csrf: z.string().optional() });
  const withSaved = (back: string, code: string) => `${back}${back.includes("?") ? "&" : "?"}saved=${encodeURIComponent(code)}`;

  async function applyChange(req: FastifyRequest, code: string, change: { enabled?: boolean; onlineLevel?: OnlineLevel; published?: boolean }) {
    const user = requireUser(req);
    try {
      const r = await req.tx((tx) => changeAssignment(tx, { agencyId: user.agencyId, code, actor: user.username, actorUserId: user.id, ...change }));
      invalidateCatalogSearch(db);
      return r;
    } catch (e) {
      if (e instanceof AssignmentError) throw new HttpError(e.messageKey === "catalog.error.unknownProcedure" ? 404 : 409, e.messageKey);
      throw e;
    }
  }

  app.post("/staff/procedures/:code", async (req, reply) => {
    requirePermission(req, "catalog.assign");
    const { code } = parseWith(CodeParams, req.params, req);
    const form = parseWith(AssignForm, req.body, req);
    await applyChange(req, code, { enabled: form.enabled === "1", onlineLevel: form.onlineLevel });
    return redirect(reply, withSaved(form.back, code));
  });

  app.post("/staff/procedures/:code/publish", async (req, reply) => {
    requirePermission(req, "catalog.publish");
    const { code } = parseWith(CodeParams, req.params, req);
    const form = parseWith(PublishForm, req.body, req);
    await applyChange(req, code, { published: form.published === "1" });
    return redirect(reply, withSaved(form.back, code));
  });

  const AssignmentBody = z.object({ enabled: z.boolean().optional(), onlineLevel: OnlineLevel.optional(), published: z.boolean().optional() });
  defineApi(app, {
    method: "PUT",
    url: "/api/v1/agency-procedures/:code",
    summary: "Set how the caller's agency offers a procedure (enabled, online level: catalog.assign; published: catalog.publish). Audited.",
    tags: ["catalog"],
    auth: "authenticated",
    params: CodeParams,
    body: AssignmentBody,
    response: z.object({ code: z.string(), enabled: z.boolean(), onlineLevel: OnlineLevel, published: z.boolean() }),
    errors: { 404: "Unknown procedure", 409: "Publishing a procedure the agency does not offer" },
    handler: async ({ req, params, body }) => {
      if (body.enabled !== undefined || body.onlineLevel !== undefined) requirePermission(req, "catalog.assign");
      if (body.published !== undefined) requirePermission(req, "catalog.publish");
      const r = await applyChange(req, params.code, body);
      return { code: params.code, ...r };
    },
  });
}
