// Catalog data access and the contracts other modules use (dossiers, communications, reports).
import { z } from "zod";
import type { DocumentGroup, Fee, Procedure, TimeLimit } from "../../domain/catalog/model";
import { prepared, type Tx } from "../../db/scope";
import { appendAudit } from "../audit/audit";

export const ONLINE_LEVELS = ["full", "partial", "none"] as const;
export const OnlineLevel = z.enum(ONLINE_LEVELS);
export type OnlineLevel = z.infer<typeof OnlineLevel>;

/** Today in Vietnam, as SQL: versions and abolitions are dated in local days. */
export const TODAY_SQL = "(now() at time zone 'Asia/Ho_Chi_Minh')::date";

/** Joins `v`, the version in force today of procedure `p`. */
const IN_FORCE = `join lateral (
  select id, version_no, effective_from, effective_to, content from procedure_versions pv
  where pv.procedure_id = p.id and pv.effective_from <= ${TODAY_SQL}
  order by pv.effective_from desc, pv.version_no desc limit 1) v on true`;
const NOT_ABOLISHED = `(p.abolished_on is null or p.abolished_on > ${TODAY_SQL})`;

export function procedureUrl(code: string): string {
  return `/procedures/${encodeURIComponent(code)}`;
}

export type OfferedProcedure = {
  procedureId: number;
  versionId: number;
  code: string;
  name: string;
  field: string;
  onlineLevel: OnlineLevel;
  timeLimit: TimeLimit | null;
  documents: DocumentGroup[];
  fees: Fee[];
  procedure: Procedure;
};

/** The counter channel's time limit and fees (what the desk quotes), else the first channel that has them. */
export function deskTerms(p: Procedure): { timeLimit: TimeLimit | null; fees: Fee[] } {
  const order = [...p.channels].sort((a, b) => (a.channel === "in_person" ? -1 : 0) - (b.channel === "in_person" ? -1 : 0));
  return {
    timeLimit: order.find((c) => c.timeLimit)?.timeLimit ?? null,
    fees: order.find((c) => c.fees.length)?.fees ?? [],
  };
}

/**
 * The version in force of a procedure the agency offers (enabled, not abolished), or undefined.
 * Under a public scope only published procedures are visible (row-level security).
 */
export async function findOfferedProcedure(tx: Tx, q: { agencyId: number; code: string }): Promise<OfferedProcedure | undefined> {
  const r = await tx.maybeOne<{ procedure_id: number; version_id: number; online_level: OnlineLevel; content: Procedure }>(
    prepared(`select p.id as procedure_id, v.id as version_id, ap.online_level, v.content
     from procedures p join agency_procedures ap on ap.procedure_id = p.id and ap.agency_id = $1 and ap.enabled
     ${IN_FORCE}
     where p.code = $2 and ${NOT_ABOLISHED}`),
    [q.agencyId, q.code],
  );
  if (!r) return undefined;
  const p = r.content;
  const terms = deskTerms(p);
  return {
    procedureId: r.procedure_id,
    versionId: r.version_id,
    code: p.code,
    name: p.name,
    field: p.field,
    onlineLevel: r.online_level,
    timeLimit: terms.timeLimit,
    documents: p.documents,
    fees: terms.fees,
    procedure: p,
  };
}

export type OfferedProcedureItem = { code: string; name: string; field: string; onlineLevel: OnlineLevel };

/** Procedures the agency offers (enabled, not abolished), by name; online only = full or partial. */
export async function listOfferedProcedures(tx: Tx, q: { agencyId: number; onlineOnly?: boolean }): Promise<OfferedProcedureItem[]> {
  return tx.query<OfferedProcedureItem>(
    `select p.code, p.name, p.field, ap.online_level as "onlineLevel"
     from agency_procedures ap join procedures p on p.id = ap.procedure_id
     where ap.agency_id = $1 and ap.enabled and ${NOT_ABOLISHED} ${q.onlineOnly ? "and ap.online_level <> 'none'" : ""}
       and exists (select 1 from procedure_versions pv where pv.procedure_id = p.id and pv.effective_from <= ${TODAY_SQL})
     order by p.name, p.code`,
    [q.agencyId],
  );
}

export type Announcement = {
  id: number;
  kind: "new" | "amended" | "abolished";
  procedureCode: string;
  procedureName: string;
  title: string;
  summary: string;
  changes: { field: string; label: string; before: string; after: string }[];
  publishedAt: Date;
  url: string;
};

/** Announcements attributed to the agency, newest first; from/to are inclusive local dates. */
export async function listAnnouncements(tx: Tx, q: { agencyId: number; from?: string; to?: string; limit?: number }): Promise<Announcement[]> {
  const rows = await tx.query<Omit<Announcement, "url">>(
    `select id, kind, procedure_code as "procedureCode", procedure_name as "procedureName", title, summary, changes, published_at as "publishedAt"
     from catalog_announcements
     where agency_id = $1
       and ($2::date is null or published_at >= ($2::date)::timestamp at time zone 'Asia/Ho_Chi_Minh')
       and ($3::date is null or published_at < ($3::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh')
     order by published_at desc, id desc
     limit $4`,
    [q.agencyId, q.from ?? null, q.to ?? null, Math.max(0, Math.min(q.limit ?? 100, 1000))],
  );
  return rows.map((r) => ({ ...r, url: procedureUrl(r.procedureCode) }));
}

export type ProcedureVersion = {
  procedureId: number;
  versionId: number;
  versionNo: number;
  effectiveFrom: string;
  effectiveTo: string | null;
  abolishedOn: string | null;
  procedure: Procedure;
};

const VERSION_COLS = `p.id as "procedureId", v.id as "versionId", v.version_no as "versionNo",
  to_char(v.effective_from, 'YYYY-MM-DD') as "effectiveFrom", to_char(v.effective_to, 'YYYY-MM-DD') as "effectiveTo",
  to_char(p.abolished_on, 'YYYY-MM-DD') as "abolishedOn", v.content as procedure`;

/** The version in force today (abolished procedures included: the page says so). */
export async function findProcedureInForce(tx: Tx, code: string): Promise<ProcedureVersion | undefined> {
  return tx.maybeOne<ProcedureVersion>(`select ${VERSION_COLS} from procedures p ${IN_FORCE} where p.code = $1`, [code]);
}

export async function findProcedureVersion(tx: Tx, code: string, versionNo: number): Promise<ProcedureVersion | undefined> {
  return tx.maybeOne<ProcedureVersion>(
    `select ${VERSION_COLS} from procedures p join procedure_versions v on v.procedure_id = p.id and v.version_no = $2 where p.code = $1`,
    [code, versionNo],
  );
}

export async function listVersions(tx: Tx, code: string): Promise<ProcedureVersion[]> {
  return tx.query<ProcedureVersion>(
    `select ${VERSION_COLS} from procedures p join procedure_versions v on v.procedure_id = p.id where p.code = $1 order by v.version_no desc`,
    [code],
  );
}

export type Assignment = { enabled: boolean; onlineLevel: OnlineLevel; published: boolean };

/** How an agency offers a procedure, or undefined if it was never assigned. */
export async function findAssignment(tx: Tx, q: { agencyId: number; code: string }): Promise<(Assignment & { procedureId: number }) | undefined> {
  return tx.maybeOne(
    `select p.id as "procedureId", ap.enabled, ap.online_level as "onlineLevel", ap.published
     from procedures p join agency_procedures ap on ap.procedure_id = p.id and ap.agency_id = $1 where p.code = $2`,
    [q.agencyId, q.code],
  );
}

export type AssignmentChange = { agencyId: number; code: string; actor: string; actorUserId: number | null } & Partial<Assignment>;

/**
 * Turns a procedure on/off, sets its online level or publishes it for one agency, and audits the
 * change. Publishing needs the procedure enabled; turning it off unpublishes it.
 */
export async function changeAssignment(tx: Tx, c: AssignmentChange): Promise<Assignment> {
  const p = await tx.maybeOne<{ id: number }>(`select p.id from procedures p where p.code = $1 and ${NOT_ABOLISHED}`, [c.code]);
  if (!p) throw new AssignmentError("catalog.error.unknownProcedure");
  const before = await findAssignment(tx, { agencyId: c.agencyId, code: c.code });
  const next: Assignment = {
    enabled: c.enabled ?? before?.enabled ?? false,
    onlineLevel: c.onlineLevel ?? before?.onlineLevel ?? "none",
    published: c.published ?? before?.published ?? false,
  };
  if (!next.enabled) {
    if (c.published === true) throw new AssignmentError("catalog.error.publishDisabled");
    next.published = false;
  }
  if (before && before.enabled === next.enabled && before.onlineLevel === next.onlineLevel && before.published === next.published) return next;
  await tx.exec(
    `insert into agency_procedures (agency_id, procedure_id, enabled, online_level, published, updated_by)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (agency_id, procedure_id) do update set enabled = excluded.enabled, online_level = excluded.online_level,
       published = excluded.published, updated_by = excluded.updated_by, updated_at = clock_timestamp()`,
    [c.agencyId, p.id, next.enabled, next.onlineLevel, next.published, c.actorUserId],
  );
  await appendAudit(tx, {
    agencyId: c.agencyId,
    actorUserId: c.actorUserId,
    actor: c.actor,
    action: "catalog.assignment",
    entity: "procedure",
    entityId: c.code,
    data: { before: before ? { enabled: before.enabled, onlineLevel: before.onlineLevel, published: before.published } : null, after: next },
  });
  return next;
}

/** A refused assignment change; the key is a message catalog key. */
export class AssignmentError extends Error {
  constructor(readonly messageKey: string) {
    super(messageKey);
    this.name = "AssignmentError";
  }
}

export type AssignmentRow = { code: string; name: string; field: string; enabled: boolean; onlineLevel: OnlineLevel; published: boolean; assigned: boolean };

/** The staff page: every procedure in force, with how this agency offers it. */
export async function listAssignments(
  tx: Tx,
  q: { agencyId: number; q?: string; field?: string; status?: "on" | "off" | "published" | "unpublished"; offset: number; limit: number },
): Promise<{ total: number; items: AssignmentRow[] }> {
  const where = [NOT_ABOLISHED, `exists (select 1 from procedure_versions pv where pv.procedure_id = p.id and pv.effective_from <= ${TODAY_SQL})`];
  const args: unknown[] = [q.agencyId];
  if (q.q) {
    args.push(`%${q.q.replace(/[\\%_]/g, "\\$&")}%`);
    where.push(`p.search_text like fold($${args.length})`);
  }
  if (q.field) {
    args.push(q.field);
    where.push(`p.field = $${args.length}`);
  }
  if (q.status === "on") where.push("coalesce(ap.enabled, false)");
  if (q.status === "off") where.push("not coalesce(ap.enabled, false)");
  if (q.status === "published") where.push("coalesce(ap.published, false)");
  if (q.status === "unpublished") where.push("coalesce(ap.enabled, false) and not ap.published");
  const from = `from procedures p left join agency_procedures ap on ap.procedure_id = p.id and ap.agency_id = $1 where ${where.join(" and ")}`;
  const total = (await tx.one<{ n: number }>(`select count(*)::int as n ${from}`, args)).n;
  const items = await tx.query<AssignmentRow>(
    `select p.code, p.name, p.field, coalesce(ap.enabled, false) as enabled, coalesce(ap.online_level, 'none') as "onlineLevel",
            coalesce(ap.published, false) as published, ap.agency_id is not null as assigned
     ${from} order by p.field, p.name, p.code offset ${Math.max(0, q.offset | 0)} limit ${Math.max(1, Math.min(q.limit | 0, 200))}`,
    args,
  );
  return { total, items };
}

/** Fields of the catalog in force, with how many procedures the agency publishes in each (or all). */
export async function fieldCounts(tx: Tx, q: { agencyId: number | null }): Promise<{ field: string; count: number }[]> {
  if (q.agencyId === null) {
    return tx.query(`select p.field, count(*)::int as count from procedures p where ${NOT_ABOLISHED} group by p.field order by p.field`);
  }
  return tx.query(
    `select p.field, count(*)::int as count from agency_procedures ap join procedures p on p.id = ap.procedure_id
     where ap.agency_id = $1 and ap.enabled and ap.published and ${NOT_ABOLISHED} group by p.field order by p.field`,
    [q.agencyId],
  );
}

export type PublishedItem = { code: string; name: string; field: string; onlineLevel: OnlineLevel | null };

/** Browsing without a query: published procedures of the agency (or the whole catalog), by name. */
export async function listPublished(
  tx: Tx,
  q: { agencyId: number | null; field?: string; offset: number; limit: number },
): Promise<{ total: number; items: PublishedItem[] }> {
  const args: unknown[] = [];
  const where = [NOT_ABOLISHED, `exists (select 1 from procedure_versions pv where pv.procedure_id = p.id and pv.effective_from <= ${TODAY_SQL})`];
  let from = "from procedures p";
  let level = "null::text";
  if (q.agencyId !== null) {
    args.push(q.agencyId);
    from += " join agency_procedures ap on ap.procedure_id = p.id and ap.agency_id = $1 and ap.enabled and ap.published";
    level = "ap.online_level";
  }
  if (q.field) {
    args.push(q.field);
    where.push(`p.field = $${args.length}`);
  }
  const total = (await tx.one<{ n: number }>(`select count(*)::int as n ${from} where ${where.join(" and ")}`, args)).n;
  const items = await tx.query<PublishedItem>(
    `select p.code, p.name, p.field, ${level} as "onlineLevel" ${from} where ${where.join(" and ")}
     order by p.name, p.code offset ${Math.max(0, q.offset | 0)} limit ${Math.max(1, Math.min(q.limit | 0, 200))}`,
    args,
  );
  return { total, items };
}
