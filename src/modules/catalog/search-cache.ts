// The domain search index kept in process memory. Built lazily; before a search one cheap query
// reads the catalog's and the agency's change marks (max updated_at: rows are never deleted,
// every change bumps it) and today's date, so every instance of the app rebuilds after an import
// or an assignment change made anywhere. How soon: each instance LISTENs on `motcua_catalog`, which
// triggers on procedures, procedure_versions and agency_procedures notify at commit (migration
// 1160); a notification drops the marks, so the next search anywhere reads them again. While that
// connection is down the marks are trusted only MARKS_TTL_MS (polling); while it is up, for
// LISTENING_TTL_MS (the date still turns at midnight).
import { createSearchIndex, MAX_QUERY_LENGTH, type SearchIndex, search } from "../../domain/catalog/search";
import { type Listening, listen } from "../../db/listen";
import type { Db } from "../../db/scope";
import { type OnlineLevel, procedureUrl, TODAY_SQL } from "./service";

type CatalogEntry = { key: string; index: SearchIndex; byCode: Map<string, { name: string; field: string }> };
type AgencyEntry = { key: string; levels: Map<string, OnlineLevel>; allowed: Set<string> };
type Marks = { c: string | null; a: string | null; d: string; at: number };
type Cache = {
  catalog?: CatalogEntry;
  building?: { key: string; promise: Promise<CatalogEntry> };
  agencies: Map<number, AgencyEntry>;
  marks: Map<number, Marks>;
  listening?: Listening;
};

/**
 * How long the change marks read from the database are trusted. Changes made through this
 * process invalidate at once (invalidateCatalogSearch); another instance's change is seen
 * within this delay. It keeps a database round trip off nearly every search.
 */
export const MARKS_TTL_MS = 1000;
/** With notifications flowing, a change is announced: the marks are re-read only as a safety net. */
export const LISTENING_TTL_MS = 60_000;

export const CATALOG_CHANNEL = "motcua_catalog";

const caches = new WeakMap<Db, Cache>();

function cacheOf(db: Db): Cache {
  let c = caches.get(db);
  if (!c) {
    c = { agencies: new Map(), marks: new Map() };
    caches.set(db, c);
  }
  return c;
}

export type SearchItem = { code: string; name: string; field: string; onlineLevel: OnlineLevel | null; url: string };

async function buildCatalog(db: Db, key: string): Promise<CatalogEntry> {
  const rows = await db.system((tx) =>
    tx.query<{ code: string; name: string; field: string }>(
      `select p.code, v.name, v.field from procedures p
       join lateral (select name, field from procedure_versions pv where pv.procedure_id = p.id and pv.effective_from <= ${TODAY_SQL}
                     order by pv.effective_from desc, pv.version_no desc limit 1) v on true
       where p.abolished_on is null or p.abolished_on > ${TODAY_SQL}
       order by p.code`,
    ),
  );
  return { key, index: createSearchIndex(rows), byCode: new Map(rows.map((r) => [r.code, { name: r.name, field: r.field }])) };
}

/**
 * The domain search splits an unknown run-together word ("dangkykhaisinh") by trying its
 * splits, which grows steeply with the word's length: a 200-letter junk word costs 100–300 ms
 * of CPU, enough to stall the server (reported to the domain's owner). No real query has an
 * unspaced word of more than 24 letters ("dangkykethonvoinguoinuoc…" still finds its procedure), so longer ones are cut here.
 */
export function guardQuery(q: string): string {
  return q
    .slice(0, MAX_QUERY_LENGTH)
    .replace(/\S{25,}/g, (w) => w.slice(0, 24));
}

/**
 * Ranked search, best first. agencyId null searches the whole catalog in force; otherwise only
 * what the agency has enabled and published. Never throws on odd input (the domain search does not).
 */
export async function searchProcedures(db: Db, q: { agencyId: number | null; q: string; field?: string; limit?: number }): Promise<{ total: number; items: SearchItem[] }> {
  const cache = cacheOf(db);
  const now = Date.now();
  let marks = cache.marks.get(q.agencyId ?? 0);
  const ttl = cache.listening?.connected() ? LISTENING_TTL_MS : MARKS_TTL_MS;
  if (!marks || now - marks.at > ttl) {
    // One round trip, outside a transaction: the marks are not tenant data.
    const r = await db.pool.query<{ c: string | null; a: string | null; d: string }>(
      `select (select max(updated_at) from procedures)::text as c,
              (select max(updated_at) from agency_procedures where agency_id = $1)::text as a,
              ${TODAY_SQL}::text as d`,
      [q.agencyId ?? 0],
    );
    marks = { ...r.rows[0]!, at: now };
    cache.marks.set(q.agencyId ?? 0, marks);
  }
  const catalogKey = `${marks.c}|${marks.d}`;
  let catalog = cache.catalog;
  if (!catalog || catalog.key !== catalogKey) {
    if (cache.building?.key !== catalogKey) {
      const promise = buildCatalog(db, catalogKey);
      const building = { key: catalogKey, promise };
      cache.building = building;
      promise
        .finally(() => {
          if (cache.building === building) cache.building = undefined;
        })
        .catch(() => {});
    }
    catalog = await cache.building!.promise;
    cache.catalog = catalog;
  }
  let agency: AgencyEntry | undefined;
  if (q.agencyId !== null) {
    const agencyKey = `${catalogKey}|${marks.a}`;
    agency = cache.agencies.get(q.agencyId);
    if (!agency || agency.key !== agencyKey) {
      const rows = await db.pool.query<{ code: string; online_level: OnlineLevel }>(
        `select p.code, ao.online_level from procedures p join agency_offering($1) ao on ao.procedure_id = p.id
         where ao.enabled and ao.published`,
        [q.agencyId],
      );
      const levels = new Map(rows.rows.map((r) => [r.code, r.online_level]));
      agency = { key: agencyKey, levels, allowed: new Set(levels.keys()) };
      cache.agencies.set(q.agencyId, agency);
    }
  }
  const result = search(catalog.index, guardQuery(q.q), {
    limit: q.limit ?? 10,
    ...(q.field ? { field: q.field } : {}),
    ...(agency ? { allowedCodes: agency.allowed } : {}),
  });
  return {
    total: result.total,
    items: result.items.map((h) => {
      const p = catalog.byCode.get(h.code)!;
      return { code: h.code, name: p.name, field: p.field, onlineLevel: agency ? (agency.levels.get(h.code) ?? null) : null, url: procedureUrl(h.code) };
    }),
  };
}

/** Called after this process changed the catalog or an assignment: re-read the marks next time. */
export function invalidateCatalogSearch(db: Db): void {
  cacheOf(db).marks.clear();
}

/** Whether this process hears the catalog's change notifications for `db` now. */
export function catalogChangesHeard(db: Db): boolean {
  return cacheOf(db).listening?.connected() ?? false;
}

/**
 * Starts listening for catalog changes committed by any instance (once per database); returns the
 * stop function. Notifications missed while disconnected are covered by dropping the marks on
 * every (re)connection.
 */
export function watchCatalogChanges(db: Db, o: { log?: (line: string) => void } = {}): () => Promise<void> {
  const cache = cacheOf(db);
  if (cache.listening) return async () => {};
  const connectionString = (db.pool as unknown as { options: { connectionString?: string } }).options.connectionString;
  if (!connectionString) return async () => {};
  const l = listen({
    connectionString,
    channel: CATALOG_CHANNEL,
    onNotify: () => cache.marks.clear(),
    onConnect: () => cache.marks.clear(),
    ...(o.log ? { log: o.log } : {}),
  });
  cache.listening = l;
  return async () => {
    if (cache.listening === l) cache.listening = undefined;
    await l.stop();
  };
}
