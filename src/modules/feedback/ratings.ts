// Satisfaction ratings of dossiers: one per dossier once its result is returned (or it is
// refused), given online (code + the last 4 digits of the applicant's phone), from the citizen's
// own account, or at the desk's kiosk (a one-use link bound to the dossier). Anonymous to the
// officers who handled the dossier: they see aggregates of their own dossiers only, over at least
// MIN_GROUP ratings; leaders see all, and the low ratings with comments for follow-up.

import { createHash, randomBytes } from "node:crypto";
import type { Db, Tx } from "../../db/scope";
import { applicantActorLabel } from "../../domain/auth/actors";
import { DomainError } from "../../domain/errors";
import { itemPoints, MAX_POINTS, type OverallLevel, RATEABLE_DOSSIER_STATUSES, RATING_ITEMS, type RatingInput, type RatingSummary, summaryOf } from "../../domain/feedback/rating";
import { appendAudit } from "../audit/audit";

export type RatingChannel = "online" | "account" | "kiosk" | "api";

/** Officials see figures of their own dossiers only over at least this many ratings: fewer would tell who rated what. */
export const MIN_GROUP = 3;
/** How long the kiosk link the desk opens stays usable. */
export const KIOSK_MINUTES = 30;
/**
 * The kiosk is for the applicant at the counter: only a dossier returned (or refused) in the last
 * day, so that nobody can fill the rating of an old dossier in its applicant's place.
 */
export const KIOSK_RECENT_HOURS = 24;

/** Whether the desk may open the kiosk for this dossier now. */
export function kioskOpenFor(d: { status: string; returnedAt: Date | null; finishedAt: Date | null }, now = new Date()): boolean {
  const at = d.status === "returned" ? d.returnedAt : d.status === "refused" ? d.finishedAt : null;
  return at !== null && now.getTime() - at.getTime() <= KIOSK_RECENT_HOURS * 3_600_000;
}

export type RateableDossier = { id: number; agencyId: number; agencyName: string; code: string; procedureName: string; status: string; finished: boolean; rated: boolean };

const DOSSIER_SQL = `select d.id, d.agency_id, a.name as agency_name, d.code, d.procedure_name, d.status,
  exists (select 1 from dossier_ratings r where r.dossier_id = d.id) as rated
  from dossiers d join agencies a on a.id = d.agency_id`;

type DossierRow = { id: number; agency_id: number; agency_name: string; code: string; procedure_name: string; status: string; rated: boolean };

function toRateable(r: DossierRow): RateableDossier {
  return {
    id: r.id,
    agencyId: r.agency_id,
    agencyName: r.agency_name,
    code: r.code,
    procedureName: r.procedure_name,
    status: r.status,
    finished: (RATEABLE_DOSSIER_STATUSES as readonly string[]).includes(r.status),
    rated: r.rated,
  };
}

/**
 * A dossier its applicant may rate: by code and the last 4 digits of the phone (the proof the
 * tracking page asks for), or by code for the signed-in citizen who submitted it. Undefined when
 * either is wrong: the answer never tells which.
 */
export async function findDossierToRate(db: Db, q: { code: string; phoneLast4?: string; citizenUserId?: number }): Promise<RateableDossier | undefined> {
  const code = q.code.replace(/\s+/g, "");
  if (code.length === 0 || code.length > 80) return undefined;
  if (q.citizenUserId !== undefined) {
    const r = await db.scoped({ agencyIds: [], userId: q.citizenUserId }, (tx) =>
      tx.maybeOne<DossierRow>(`${DOSSIER_SQL} where d.code in ($1, upper($1)) and d.applicant_user_id = $2 limit 1`, [code, q.citizenUserId]),
    );
    if (r) {
      // The citizen's own scope holds no agency, so it cannot see ratings: ask within the dossier's agency.
      const rated = await db.scoped({ agencyIds: [r.agency_id], userId: q.citizenUserId }, (tx) =>
        tx.one<{ rated: boolean }>("select exists (select 1 from dossier_ratings where dossier_id = $1) as rated", [r.id]),
      );
      return toRateable({ ...r, rated: rated.rated });
    }
  }
  const digits = (q.phoneLast4 ?? "").trim();
  if (!/^\d{4}$/.test(digits)) return undefined;
  // By code across agencies, as the tracking page does: the visitor has no scope yet.
  const r = await db.system((tx) => tx.maybeOne<DossierRow>(`${DOSSIER_SQL} where d.code in ($1, upper($1)) and right(d.applicant_phone, 4) = $2 limit 1`, [code, digits]));
  return r ? toRateable(r) : undefined;
}

/**
 * Stores the rating of a finished dossier, once: the unique key on the dossier decides between
 * two ratings sent at the same moment (the second is refused as a conflict, nothing stored).
 * Refusals: unprocessable (not finished yet), conflict (already rated).
 */
export async function rateDossier(
  tx: Tx,
  r: { dossierId: number; input: RatingInput; channel: RatingChannel; actor: { userId: number | null; label: string } },
): Promise<{ id: number }> {
  const d = await tx.maybeOne<{ id: number; agency_id: number; code: string; status: string }>("select id, agency_id, code, status from dossiers where id = $1", [r.dossierId]);
  if (!d) throw new DomainError("not_found", "dossier.err.notFound");
  if (!(RATEABLE_DOSSIER_STATUSES as readonly string[]).includes(d.status)) throw new DomainError("unprocessable", "feedback.rating.err.notFinished");
  const points = itemPoints(r.input.items);
  const row = await tx.maybeOne<{ id: number }>(
    `insert into dossier_ratings (agency_id, dossier_id, procedure_code, procedure_name, procedure_field, overall,
       item1, item2, item3, item4, item5, item6, item7, item8, item9, comment, channel, handled_by)
     select d.agency_id, d.id, d.procedure_code, d.procedure_name, d.procedure_field, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
       array(select distinct x from (
         select e.actor_user_id as x from dossier_events e join users u on u.id = e.actor_user_id where e.dossier_id = d.id and u.role <> 'citizen'
         union select d.assignee_user_id union select d.leader_user_id union select d.created_by) s where x is not null order by x)
     from dossiers d where d.id = $1
     on conflict (dossier_id) do nothing returning id`,
    [d.id, r.input.overall, ...points, r.input.comment || null, r.channel],
  );
  if (!row) throw new DomainError("conflict", "feedback.rating.err.twice");
  // The entry says that the dossier was rated and how, never what was said.
  await appendAudit(tx, {
    agencyId: d.agency_id,
    actorUserId: r.actor.userId,
    actor: r.actor.label,
    action: "satisfaction.rate",
    entity: "dossier",
    entityId: d.id,
    data: { code: d.code, channel: r.channel },
  });
  return row;
}

/** Rates a dossier found by findDossierToRate, within the agency that holds it. */
export async function rateFoundDossier(db: Db, r: { dossier: RateableDossier; input: RatingInput; channel: RatingChannel; user?: { id: number; username: string } | null }): Promise<{ id: number }> {
  const actor = r.user ? { userId: r.user.id, label: r.user.username } : { userId: null, label: applicantActorLabel("") };
  return db.scoped({ agencyIds: [r.dossier.agencyId], userId: r.user?.id ?? null }, (tx) => rateDossier(tx, { dossierId: r.dossier.id, input: r.input, channel: r.channel, actor }));
}

// ---------------------------------------------------------------------------------------------
// The kiosk

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * The desk opens the rating screen for the applicant of a dossier it has just returned (or
 * refused): a random link, usable once within KIOSK_MINUTES, that needs no sign-in.
 */
export async function openKiosk(tx: Tx, k: { agencyId: number; dossierCode: string; actor: { userId: number; label: string } }): Promise<{ token: string; expiresAt: Date }> {
  const d = await tx.maybeOne<{ id: number; code: string; status: string; returned_at: Date | null; finished_at: Date | null; rated: boolean; now: Date }>(
    `select d.id, d.code, d.status, d.returned_at, d.finished_at, exists (select 1 from dossier_ratings r where r.dossier_id = d.id) as rated, now() as now
     from dossiers d where d.agency_id = $1 and d.code = $2`,
    [k.agencyId, k.dossierCode],
  );
  if (!d) throw new DomainError("not_found", "dossier.err.notFound");
  if (!(RATEABLE_DOSSIER_STATUSES as readonly string[]).includes(d.status)) throw new DomainError("unprocessable", "feedback.rating.err.notFinished");
  if (d.rated) throw new DomainError("conflict", "feedback.rating.err.twice");
  if (!kioskOpenFor({ status: d.status, returnedAt: d.returned_at, finishedAt: d.finished_at }, d.now)) {
    throw new DomainError("unprocessable", "feedback.kiosk.err.notRecent", { vars: { hours: KIOSK_RECENT_HOURS } });
  }
  const token = randomBytes(24).toString("base64url");
  const row = await tx.one<{ expires_at: Date }>(
    `insert into rating_kiosk_tokens (token_hash, agency_id, dossier_id, created_by, expires_at)
     values ($1, $2, $3, $4, now() + make_interval(mins => $5)) returning expires_at`,
    [hashToken(token), k.agencyId, d.id, k.actor.userId, KIOSK_MINUTES],
  );
  await appendAudit(tx, { agencyId: k.agencyId, actorUserId: k.actor.userId, actor: k.actor.label, action: "satisfaction.kiosk_open", entity: "dossier", entityId: d.id, data: { code: d.code } });
  return { token, expiresAt: row.expires_at };
}

export type KioskView = { state: "open" | "used" | "expired"; agencyId: number; agencyName: string; dossierId: number; code: string; procedureName: string };

/** What the kiosk link shows: the dossier's code and procedure (nothing personal), and whether it can still be used. */
export async function findKiosk(db: Db, token: string): Promise<KioskView | undefined> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return undefined;
  // The link is the credential, as a session cookie is: looked up before any scope exists.
  const r = await db.system((tx) =>
    tx.maybeOne<{ agency_id: number; agency_name: string; dossier_id: number; code: string; procedure_name: string; used: boolean; expired: boolean; rated: boolean }>(
      `select t.agency_id, a.name as agency_name, t.dossier_id, d.code, d.procedure_name, t.used_at is not null as used, t.expires_at <= now() as expired,
         exists (select 1 from dossier_ratings r where r.dossier_id = d.id) as rated
       from rating_kiosk_tokens t join dossiers d on d.id = t.dossier_id join agencies a on a.id = t.agency_id where t.token_hash = $1`,
      [hashToken(token)],
    ),
  );
  if (!r) return undefined;
  return {
    state: r.used || r.rated ? "used" : r.expired ? "expired" : "open",
    agencyId: r.agency_id,
    agencyName: r.agency_name,
    dossierId: r.dossier_id,
    code: r.code,
    procedureName: r.procedure_name,
  };
}

/** Rates through the kiosk link: the link is spent in the same transaction that stores the rating. */
export async function rateByKiosk(db: Db, k: { token: string; input: RatingInput }): Promise<{ id: number }> {
  const view = await findKiosk(db, k.token);
  if (!view) throw new DomainError("not_found", "feedback.kiosk.err.unknown");
  return db.scoped({ agencyIds: [view.agencyId], userId: null }, async (tx) => {
    const spent = await tx.maybeOne<{ dossier_id: number }>(
      "update rating_kiosk_tokens set used_at = now() where token_hash = $1 and used_at is null and expires_at > now() returning dossier_id",
      [hashToken(k.token)],
    );
    if (!spent) throw new DomainError("conflict", view.state === "expired" ? "feedback.kiosk.err.expired" : "feedback.kiosk.err.used");
    return rateDossier(tx, { dossierId: spent.dossier_id, input: k.input, channel: "kiosk", actor: { userId: null, label: applicantActorLabel("") } });
  });
}

// ---------------------------------------------------------------------------------------------
// Figures

const TOTALS_SQL = `count(*)::int as count,
  count(*) filter (where overall = 'very_satisfied')::int as very,
  count(*) filter (where overall = 'satisfied')::int as satisfied,
  count(*) filter (where overall = 'dissatisfied')::int as dissatisfied,
  ${RATING_ITEMS.map((_, i) => `coalesce(sum(item${i + 1}), 0)::int as s${i + 1}`).join(", ")}`;

type TotalsRow = { count: number; very: number; satisfied: number; dissatisfied: number } & Record<`s${number}`, number>;

function summaryOfRow(r: TotalsRow): RatingSummary {
  return summaryOf({
    count: r.count,
    verySatisfied: r.very,
    satisfied: r.satisfied,
    dissatisfied: r.dissatisfied,
    itemSums: RATING_ITEMS.map((_, i) => r[`s${i + 1}`] ?? 0),
  });
}

/** Start of a local (UTC+7) day. */
export function localDayStart(iso: string): Date {
  return new Date(`${iso}T00:00:00+07:00`);
}

export type QuarterFigures = { quarter: 1 | 2 | 3 | 4; summary: RatingSummary };

/** The agency's ratings of a year, quarter by quarter (Vietnam time), empty quarters included. */
export async function quarterlySatisfaction(tx: Tx, q: { agencyId: number; year: number }): Promise<QuarterFigures[]> {
  const rows = await tx.query<TotalsRow & { quarter: number }>(
    `select extract(quarter from rated_at at time zone 'Asia/Ho_Chi_Minh')::int as quarter, ${TOTALS_SQL}
     from dossier_ratings where agency_id = $1 and rated_at >= $2 and rated_at < $3 group by 1`,
    [q.agencyId, localDayStart(`${q.year}-01-01`), localDayStart(`${q.year + 1}-01-01`)],
  );
  return ([1, 2, 3, 4] as const).map((quarter) => {
    const r = rows.find((x) => x.quarter === quarter);
    return { quarter, summary: r ? summaryOfRow(r) : summaryOf({ count: 0, verySatisfied: 0, satisfied: 0, dissatisfied: 0, itemSums: [] }) };
  });
}

/** Years with ratings, newest first (the year picker). */
export async function ratingYears(tx: Tx, agencyId: number): Promise<number[]> {
  const rows = await tx.query<{ year: number }>(
    "select distinct extract(year from rated_at at time zone 'Asia/Ho_Chi_Minh')::int as year from dossier_ratings where agency_id = $1 order by 1 desc",
    [agencyId],
  );
  return rows.map((r) => r.year);
}

export type AggregateRow = { key: string; label: string; title?: string | null; summary: RatingSummary };

type Period = { agencyId: number; from: string; to: string; officialId?: number };

function periodWhere(q: Period, params: unknown[]): string {
  params.push(q.agencyId, localDayStart(q.from), new Date(localDayStart(q.to).getTime() + 86_400_000));
  let where = "r.agency_id = $1 and r.rated_at >= $2 and r.rated_at < $3";
  if (q.officialId !== undefined) {
    params.push(q.officialId);
    where += ` and r.handled_by @> array[$${params.length}::int]`;
  }
  return where;
}

/** Per procedure; for one official, only the dossiers they handled, and only groups of MIN_GROUP or more. */
export async function satisfactionByProcedure(tx: Tx, q: Period): Promise<AggregateRow[]> {
  const params: unknown[] = [];
  const where = periodWhere(q, params);
  const rows = await tx.query<TotalsRow & { procedure_code: string; procedure_name: string }>(
    `select r.procedure_code, min(r.procedure_name) as procedure_name, ${TOTALS_SQL} from dossier_ratings r where ${where}
     group by r.procedure_code ${q.officialId !== undefined ? `having count(*) >= ${MIN_GROUP}` : ""} order by count(*) desc, r.procedure_code`,
    params,
  );
  return rows.map((r) => ({ key: r.procedure_code, label: r.procedure_name, summary: summaryOfRow(r) }));
}

/** Per official who handled the rated dossiers; for one official, their own row only, from MIN_GROUP ratings. */
export async function satisfactionByOfficial(tx: Tx, q: Period): Promise<AggregateRow[]> {
  const params: unknown[] = [];
  const where = periodWhere(q, params);
  const rows = await tx.query<TotalsRow & { user_id: number; full_name: string; title: string | null }>(
    `select u.id as user_id, u.full_name, u.title, ${TOTALS_SQL}
     from dossier_ratings r cross join lateral unnest(r.handled_by) as h(user_id) join users u on u.id = h.user_id
     where ${where} ${q.officialId !== undefined ? `and u.id = $${params.length}` : ""}
     group by u.id, u.full_name, u.title ${q.officialId !== undefined ? `having count(*) >= ${MIN_GROUP}` : ""} order by u.full_name`,
    params,
  );
  return rows.map((r) => ({ key: String(r.user_id), label: r.full_name, title: r.title, summary: summaryOfRow(r) }));
}

/** How many ratings one official's dossiers got in the period (to say why nothing is shown below MIN_GROUP). */
export async function countOwnRatings(tx: Tx, q: Period & { officialId: number }): Promise<number> {
  const params: unknown[] = [];
  const where = periodWhere(q, params);
  return (await tx.one<{ n: number }>(`select count(*)::int as n from dossier_ratings r where ${where}`, params)).n;
}

export type LowRating = { dossierCode: string; procedureName: string; overall: OverallLevel; points: number; comment: string | null; ratedAt: Date; channel: RatingChannel };

/** Ratings that ask for follow-up (the rule of isLowRating), newest first: for leaders only. */
export async function lowRatings(tx: Tx, q: Omit<Period, "officialId"> & { limit?: number }): Promise<LowRating[]> {
  const params: unknown[] = [];
  const where = periodWhere(q, params);
  return tx.query<LowRating>(
    `select d.code as "dossierCode", r.procedure_name as "procedureName", r.overall, r.points, r.comment, r.rated_at as "ratedAt", r.channel
     from dossier_ratings r join dossiers d on d.id = r.dossier_id
     where ${where} and (r.overall = 'dissatisfied' or r.points <= ${MAX_POINTS / 2}) order by r.rated_at desc limit ${Math.min(500, q.limit ?? 100)}`,
    params,
  );
}

/** All ratings of the period in one summary; for one official, of the dossiers they handled. */
export async function periodSatisfaction(tx: Tx, q: Period): Promise<RatingSummary> {
  const params: unknown[] = [];
  const where = periodWhere(q, params);
  return summaryOfRow(await tx.one<TotalsRow>(`select ${TOTALS_SQL} from dossier_ratings r where ${where}`, params));
}
