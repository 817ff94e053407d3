// Catalog data access and the contracts other modules use (dossiers, communications, reports).
import type { DocumentGroup, Fee, OnlineLevel, Procedure, TimeLimit } from "../../domain/catalog/model";
import type { OfferReason } from "../../domain/catalog/offering";
import type { DocumentRequirements } from "../../domain/catalog/requirements";
import { catalogDeskTerms, type EffectiveTerms, effectiveTerms, type LocalTerms, parseLocalTerms } from "../../domain/catalog/terms";
import { prepared, type Tx } from "../../db/scope";
import { assessFee } from "../../domain/payments/fees";
import { appendAudit } from "../audit/audit";

export { ONLINE_LEVELS, OnlineLevel } from "../../domain/catalog/model";

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

/** The agency's view of every procedure (explicit decision, else a commune's default): migration 0700. */
export const OFFERING = (agencyParam: string) => `join agency_offering(${agencyParam}) ao on ao.procedure_id = p.id`;

export type OfferedProcedure = {
  procedureId: number;
  versionId: number;
  code: string;
  name: string;
  field: string;
  onlineLevel: OnlineLevel;
  /** What applies at this agency: its own time limit, fees and document list where it set them. */
  terms: EffectiveTerms;
  timeLimit: TimeLimit | null;
  documents: DocumentGroup[];
  requirements: DocumentRequirements;
  fees: Fee[];
  procedure: Procedure;
};

/** The counter channel's time limit and fees in the catalog (before the agency's own terms). */
export const deskTerms = catalogDeskTerms;

type OfferedRow = { procedure_id: number; version_id: number; online_level: OnlineLevel; content: Procedure; time_limit: unknown; fees: unknown; documents: unknown };

function toOffered(r: OfferedRow): OfferedProcedure {
  const p = r.content;
  const terms = effectiveTerms(p, parseLocalTerms(r));
  return {
    procedureId: r.procedure_id,
    versionId: r.version_id,
    code: p.code,
    name: p.name,
    field: p.field,
    onlineLevel: r.online_level,
    terms,
    timeLimit: terms.timeLimit,
    documents: p.documents,
    requirements: terms.requirements,
    fees: terms.fees,
    procedure: p,
  };
}

/**
 * The version in force of a procedure the agency offers (enabled, not abolished), or undefined,
 * with the agency's own terms applied.
 */
export async function findOfferedProcedure(tx: Tx, q: { agencyId: number; code: string }): Promise<OfferedProcedure | undefined> {
  const r = await tx.maybeOne<OfferedRow>(
    prepared(`select p.id as procedure_id, v.id as version_id, ao.online_level, v.content, ao.time_limit, ao.fees, ao.documents
     from procedures p ${OFFERING("$1")} and ao.enabled
     ${IN_FORCE}
     where p.code = $2 and ${NOT_ABOLISHED}`),
    [q.agencyId, q.code],
  );
  return r ? toOffered(r) : undefined;
}

export type OfferedProcedureItem = { code: string; name: string; field: string; onlineLevel: OnlineLevel };

/** Procedures the agency offers (enabled, not abolished), by name; online only = full or partial. */
export async function listOfferedProcedures(tx: Tx, q: { agencyId: number; onlineOnly?: boolean }): Promise<OfferedProcedureItem[]> {
  return tx.query<OfferedProcedureItem>(
    `select p.code, p.name, p.field, ao.online_level as "onlineLevel"
     from procedures p ${OFFERING("$1")}
     where ao.enabled and ${NOT_ABOLISHED} ${q.onlineOnly ? "and ao.online_level <> 'none'" : ""}
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

type AssignmentState = Assignment & { procedureId: number; explicit: boolean; terms: LocalTerms };

/** How an agency offers a procedure: its own decision, else the commune default. */
export async function findAssignment(tx: Tx, q: { agencyId: number; code: string }): Promise<AssignmentState | undefined> {
  const r = await tx.maybeOne<{ procedureId: number; enabled: boolean; onlineLevel: OnlineLevel; published: boolean; explicit: boolean; time_limit: unknown; fees: unknown; documents: unknown }>(
    `select p.id as "procedureId", ao.enabled, ao.online_level as "onlineLevel", ao.published, ao.explicit, ao.time_limit, ao.fees, ao.documents
     from procedures p ${OFFERING("$1")} where p.code = $2`,
    [q.agencyId, q.code],
  );
  if (!r) return undefined;
  return { procedureId: r.procedureId, enabled: r.enabled, onlineLevel: r.onlineLevel, published: r.published, explicit: r.explicit, terms: parseLocalTerms(r) };
}

export type CatalogActor = { actor: string; actorUserId: number | null };

export type AssignmentChange = { agencyId: number; code: string; reason?: string | null } & CatalogActor & Partial<Assignment>;

/** The row an explicit decision writes: what the agency sees now, made its own. */
async function upsertOffering(tx: Tx, o: { agencyId: number; procedureId: number; state: Assignment; actorUserId: number | null }): Promise<void> {
  await tx.exec(
    `insert into agency_procedures (agency_id, procedure_id, enabled, online_level, published, updated_by)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (agency_id, procedure_id) do update set enabled = excluded.enabled, online_level = excluded.online_level,
       published = excluded.published, updated_by = excluded.updated_by, updated_at = clock_timestamp()`,
    [o.agencyId, o.procedureId, o.state.enabled, o.state.onlineLevel, o.state.published, o.actorUserId],
  );
}

async function recordChange(
  tx: Tx,
  c: { agencyId: number; procedureId: number; code: string; what: "offering" | "time_limit" | "fees" | "documents"; before: unknown; after: unknown; reason: string | null } & CatalogActor,
): Promise<void> {
  await tx.exec(
    `insert into agency_procedure_changes (agency_id, procedure_id, what, before, after, reason, changed_by) values ($1, $2, $3, $4, $5, $6, $7)`,
    [c.agencyId, c.procedureId, c.what, JSON.stringify(c.before ?? null), JSON.stringify(c.after ?? null), c.reason, c.actorUserId],
  );
  const offering = c.what === "offering";
  await appendAudit(tx, {
    agencyId: c.agencyId,
    actorUserId: c.actorUserId,
    actor: c.actor,
    action: offering ? "catalog.assignment" : "catalog.terms",
    entity: "procedure",
    entityId: c.code,
    data: { what: c.what, before: c.before ?? null, after: c.after ?? null, ...(c.reason ? { reason: c.reason } : {}) },
  });
}

/**
 * Turns a procedure on/off, sets its online level or publishes it for one agency; the change is
 * kept in the agency's history and audited. Publishing needs the procedure enabled; turning it
 * off unpublishes it.
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
  const same = before && before.enabled === next.enabled && before.onlineLevel === next.onlineLevel && before.published === next.published;
  if (same && before.explicit) return next;
  await upsertOffering(tx, { agencyId: c.agencyId, procedureId: p.id, state: next, actorUserId: c.actorUserId });
  if (same) return next;
  await recordChange(tx, {
    agencyId: c.agencyId,
    procedureId: p.id,
    code: c.code,
    what: "offering",
    before: before ? { enabled: before.enabled, onlineLevel: before.onlineLevel, published: before.published } : null,
    after: next,
    reason: c.reason ?? null,
    actor: c.actor,
    actorUserId: c.actorUserId,
  });
  return next;
}

const TERM_COLUMNS = { time_limit: "time_limit", fees: "fees", documents: "documents" } as const;
const TERM_KEYS = { time_limit: "timeLimit", fees: "fees", documents: "documents" } as const satisfies Record<keyof typeof TERM_COLUMNS, keyof LocalTerms>;

export type TermChange =
  | { what: "time_limit"; value: LocalTerms["timeLimit"] }
  | { what: "fees"; value: LocalTerms["fees"] }
  | { what: "documents"; value: LocalTerms["documents"] };

/**
 * Sets (or with null, clears back to the catalog's) one of the agency's local terms of a
 * procedure. The value is validated by the caller (zod at the boundary); the reason is kept.
 */
export async function setLocalTerm(tx: Tx, c: { agencyId: number; code: string; change: TermChange; reason: string | null } & CatalogActor): Promise<LocalTerms> {
  const current = await findAssignment(tx, { agencyId: c.agencyId, code: c.code });
  const p = await tx.maybeOne<{ id: number }>(`select p.id from procedures p where p.code = $1 and ${NOT_ABOLISHED}`, [c.code]);
  if (!current || !p) throw new AssignmentError("catalog.error.unknownProcedure");
  const key = TERM_KEYS[c.change.what];
  const before = current.terms[key];
  if (JSON.stringify(before) === JSON.stringify(c.change.value)) return current.terms;
  if (!current.explicit) await upsertOffering(tx, { agencyId: c.agencyId, procedureId: p.id, state: current, actorUserId: c.actorUserId });
  await tx.exec(
    `update agency_procedures set ${TERM_COLUMNS[c.change.what]} = $3, terms_updated_at = clock_timestamp(), terms_updated_by = $4, updated_at = clock_timestamp()
     where agency_id = $1 and procedure_id = $2`,
    [c.agencyId, p.id, c.change.value === null ? null : JSON.stringify(c.change.value), c.actorUserId],
  );
  await recordChange(tx, { agencyId: c.agencyId, procedureId: p.id, code: c.code, what: c.change.what, before, after: c.change.value, reason: c.reason, actor: c.actor, actorUserId: c.actorUserId });
  return { ...current.terms, [key]: c.change.value };
}

export type TermHistoryEntry = {
  what: "offering" | "time_limit" | "fees" | "documents";
  before: unknown;
  after: unknown;
  reason: string | null;
  changedAt: Date;
  changedByName: string | null;
};

/** The agency's changes to one procedure, newest first, with the names of who made them. */
export async function listTermChanges(tx: Tx, q: { agencyId: number; code: string; limit?: number }): Promise<TermHistoryEntry[]> {
  return tx.query<TermHistoryEntry>(
    `select c.what, c.before, c.after, c.reason, c.changed_at as "changedAt", u.full_name as "changedByName"
     from agency_procedure_changes c join procedures p on p.id = c.procedure_id left join users u on u.id = c.changed_by
     where c.agency_id = $1 and p.code = $2 order by c.changed_at desc, c.id desc limit $3`,
    [q.agencyId, q.code, Math.max(1, Math.min(q.limit ?? 50, 500))],
  );
}

/**
 * Turns every procedure of a field on or off for the agency (the staff page's bulk action); each
 * procedure whose state changes gets its history entry. Returns how many changed.
 */
export async function setFieldOffering(tx: Tx, c: { agencyId: number; field: string; enabled: boolean; reason: string | null } & CatalogActor): Promise<number> {
  const rows = await tx.query<{ code: string }>(
    `select p.code from procedures p ${OFFERING("$1")}
     where p.field = $2 and ao.enabled <> $3 and ${NOT_ABOLISHED}
       and exists (select 1 from procedure_versions pv where pv.procedure_id = p.id and pv.effective_from <= ${TODAY_SQL})
     order by p.code`,
    [c.agencyId, c.field, c.enabled],
  );
  for (const r of rows) await changeAssignment(tx, { agencyId: c.agencyId, code: r.code, enabled: c.enabled, reason: c.reason, actor: c.actor, actorUserId: c.actorUserId });
  return rows.length;
}

/** A refused assignment change; the key is a message catalog key. */
export class AssignmentError extends Error {
  constructor(readonly messageKey: string) {
    super(messageKey);
    this.name = "AssignmentError";
  }
}

export type AssignmentRow = {
  code: string;
  name: string;
  field: string;
  enabled: boolean;
  onlineLevel: OnlineLevel;
  published: boolean;
  /** The agency decided itself (else the commune default applies). */
  assigned: boolean;
  defaultOffered: boolean;
  offerReason: OfferReason | null;
  timeLimit: TimeLimit | null;
  timeLimitLocal: boolean;
};

export const ASSIGNMENT_STATUSES = ["on", "off", "published", "unpublished", "no_time_limit", "local"] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

/** The effective time limit in SQL: the agency's own, else the catalog's. */
const TIME_LIMIT_SQL = "coalesce(ao.time_limit, p.catalog_time_limit)";

/** The staff page: every procedure in force, with how this agency offers it. */
export async function listAssignments(
  tx: Tx,
  q: { agencyId: number; q?: string; field?: string; status?: AssignmentStatus; offset: number; limit: number },
): Promise<{ total: number; items: AssignmentRow[] }> {
  const where = [NOT_ABOLISHED, `exists (select 1 from procedure_versions pv where pv.procedure_id = p.id and pv.effective_from <= ${TODAY_SQL})`];
  const args: unknown[] = [q.agencyId];
  if (q.q) {
    args.push(`%${q.q.replace(/[\\%_]/g, "\\$&")}%`);
    where.push(`(p.search_text like fold($${args.length}) or p.code like $${args.length})`);
  }
  if (q.field) {
    args.push(q.field);
    where.push(`p.field = $${args.length}`);
  }
  if (q.status === "on") where.push("ao.enabled");
  if (q.status === "off") where.push("not ao.enabled");
  if (q.status === "published") where.push("ao.published");
  if (q.status === "unpublished") where.push("ao.enabled and not ao.published");
  if (q.status === "no_time_limit") where.push(`ao.enabled and ${TIME_LIMIT_SQL} is null`);
  if (q.status === "local") where.push("(ao.time_limit is not null or ao.fees is not null or ao.documents is not null)");
  const from = `from procedures p ${OFFERING("$1")} where ${where.join(" and ")}`;
  const total = (await tx.one<{ n: number }>(`select count(*)::int as n ${from}`, args)).n;
  const items = await tx.query<AssignmentRow>(
    `select p.code, p.name, p.field, ao.enabled, ao.online_level as "onlineLevel", ao.published, ao.explicit as assigned,
            p.commune_default as "defaultOffered", p.offer_reason as "offerReason",
            ${TIME_LIMIT_SQL} - 'basis' as "timeLimit", ao.time_limit is not null as "timeLimitLocal"
     ${from} order by ao.enabled desc, p.field, p.name, p.code offset ${Math.max(0, q.offset | 0)} limit ${Math.max(1, Math.min(q.limit | 0, 200))}`,
    args,
  );
  return { total, items };
}

/** Offered procedures without a time limit (neither the catalog's nor a local one): flagged to the administrator. */
export async function countMissingTimeLimits(tx: Tx, agencyId: number): Promise<number> {
  const r = await tx.one<{ n: number }>(
    `select count(*)::int as n from procedures p ${OFFERING("$1")}
     where ao.enabled and ${TIME_LIMIT_SQL} is null and ${NOT_ABOLISHED}
       and exists (select 1 from procedure_versions pv where pv.procedure_id = p.id and pv.effective_from <= ${TODAY_SQL})`,
    [agencyId],
  );
  return r.n;
}

/** Fields of the catalog in force, with how many procedures the agency publishes in each (or all). */
export async function fieldCounts(tx: Tx, q: { agencyId: number | null }): Promise<{ field: string; count: number }[]> {
  if (q.agencyId === null) {
    return tx.query(`select p.field, count(*)::int as count from procedures p where ${NOT_ABOLISHED} group by p.field order by p.field`);
  }
  return tx.query(
    `select p.field, count(*)::int as count from procedures p ${OFFERING("$1")}
     where ao.enabled and ao.published and ${NOT_ABOLISHED} group by p.field order by p.field`,
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
    from += ` ${OFFERING("$1")} and ao.enabled and ao.published`;
    level = "ao.online_level";
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

export type ProcedureDefaults = { commune_default: boolean; default_online_level: OnlineLevel; offer_reason: OfferReason; catalog_time_limit: TimeLimit | null };

export type PayableItem = PublishedItem & { feeVnd: number };

/**
 * Procedures the agency publishes whose fee can be paid online (one fixed, non-zero amount: its
 * own fee, else the catalog's counter fee), by name. The SQL keeps only those with a local fee or a
 * fixed amount somewhere in the catalog; the fee rule decides (QĐ 766, indicator 3.5).
 */
export async function listPayableProcedures(tx: Tx, q: { agencyId: number }): Promise<PayableItem[]> {
  const rows = await tx.query<{ code: string; name: string; field: string; onlineLevel: OnlineLevel; content: Procedure; fees: unknown }>(
    `select p.code, p.name, p.field, ao.online_level as "onlineLevel", v.content, ao.fees
     from procedures p ${OFFERING("$1")} and ao.enabled and ao.published
     ${IN_FORCE}
     where ${NOT_ABOLISHED} and (ao.fees is not null or jsonb_path_exists(v.content, '$.channels[*].fees[*] ? (@.kind == "fixed")'))
     order by p.name, p.code`,
    [q.agencyId],
  );
  return rows.flatMap((r) => {
    const terms = effectiveTerms(r.content, parseLocalTerms({ time_limit: null, fees: r.fees, documents: null }));
    const a = assessFee({ fees: terms.fees });
    return a.kind === "amount" ? [{ code: r.code, name: r.name, field: r.field, onlineLevel: r.onlineLevel, feeVnd: a.amountVnd }] : [];
  });
}
