// The QĐ 766 index computed live for an agency and a period (issue 15; rules and the indicator
// table: src/domain/indexes/qd766.ts; storage: migrations/1100_index766.sql; docs/indexes.md).
// Other modules call computeIndex766 / rankCommunes766 (the CCHC index pre-fills from them).
//
// Where each figure comes from:
// - dossier counts of the period: the daily counters (index766_daily, index766_procedure_daily),
//   rebuilt per agency by the job below shortly after any change (the page says how fresh);
// - dossiers still open at the period's end (2.1 in progress, 5.4 overdue): counted live;
// - catalog (1.3, 3.1, 3.2, 3.5, 3.5b): what the agency offers and publishes now, in the
//   versions in force on the period's last day (as the supervision page counts it);
// - announcements (1.1, 1.2): the province's own, published in the period;
// - PAKN (5.1–5.3): the feedback module's own judgement (paknIndexItems), not restated here.

import type { Db, Tx } from "../../db/scope";
import { toWallMinutes } from "../../domain/calendar/civil";
import { addWorkingMinutes } from "../../domain/calendar/deadline";
import { vnToday } from "../../domain/documents/numbering";
import { DomainError } from "../../domain/errors";
import {
  checkPeriod,
  NO_SOURCE,
  type Qd766Figure,
  type Qd766Result,
  type Qd766Version,
  rankAgencies,
  scoreIndicator,
  sumFigures,
  totalOf,
  versionInForce,
} from "../../domain/indexes/qd766";
import { registerJob } from "../../jobs/queue";
import { getAgencyCalendar } from "../calendar/service";
import { paknIndexItems } from "../feedback/indicators";
import { communesOf } from "../reports/calendar";

export type Index766Agency = { id: number; code: string; gso: string | null; name: string; kind: string };

export type Index766Freshness = {
  /** Oldest rebuild of the counters among the agencies counted (null: never built). */
  refreshedAt: Date | null;
  /** Some agency has changes not yet counted (the job runs every minute). */
  pending: boolean;
};

export type Index766Ranking = { agency: string; agencyId: number; name: string; total: number; max: number; rank: number };

export type Index766 = {
  agency: Index766Agency;
  from: string;
  to: string;
  version: Pick<Qd766Version, "id" | "decision" | "effectiveFrom">;
  total: number;
  /** Sum of the maxima of the indicators measured. */
  max: number;
  /** Sum of the maxima of every indicator of the version. */
  maxAll: number;
  indicators: Qd766Result[];
  freshness: Index766Freshness;
  /** A province: its communes by total (competition ranking), each with its own total and max. */
  ranking?: Index766Ranking[];
  /** A province: each commune's indicators, for the breakdown of a figure. */
  communes?: { agency: Index766Agency; indicators: Qd766Result[]; total: number; max: number }[];
};

type Period = { from: string; to: string; start: Date; end: Date; cut: Date };

function localDayStart(iso: string): Date {
  return new Date(`${iso}T00:00:00+07:00`);
}

export function periodOf(q: { from: string; to: string; now?: Date }): Period {
  const start = localDayStart(q.from);
  const end = new Date(localDayStart(q.to).getTime() + 86_400_000);
  const now = q.now ?? new Date();
  return { from: q.from, to: q.to, start, end, cut: now.getTime() < end.getTime() ? now : end };
}

/** The period must be real, in order, not past today: else DomainError invalid with a message key. */
export function assertPeriod(from: string, to: string, today = vnToday()): void {
  const e = checkPeriod(from, to, today);
  if (e) throw new DomainError("invalid", `index766.${e}`);
}

/**
 * An agency by code or GSO code (or id), checked against the caller's scope with the policies'
 * own predicate: unknown → not_found, outside the scope → forbidden (as the supervision API).
 */
export async function getIndexAgency(tx: Tx, agency: string | number): Promise<Index766Agency> {
  const r = await tx.maybeOne<{ id: number; code: string; gso_code: string | null; unit_name: string; kind: string; allowed: boolean }>(
    `select id, code, gso_code, unit_name, kind, (app_in_scope(id) or current_setting('role', true) is distinct from 'motcua_app') as allowed
     from agencies where ${typeof agency === "number" ? "id = $1" : "(code = $1 or gso_code = $1)"} order by (code = $1::text) desc limit 1`,
    [typeof agency === "number" ? agency : agency.trim()],
  );
  if (!r) throw new DomainError("not_found", "index766.noAgency");
  if (!r.allowed) throw new DomainError("forbidden", "index766.outOfScope");
  return { id: r.id, code: r.code, gso: r.gso_code, name: r.unit_name, kind: r.kind };
}

type Sums = {
  agency_id: number;
  r_received: number;
  r_online: number;
  r_full_eligible: number;
  r_full_online: number;
  r_synced: number;
  r_fee: number;
  r_paid_online: number;
  r_digitised: number;
  r_reused: number;
  r_stored: number;
  r_counted54: number;
  r_late54: number;
  r_complained54: number;
  f_resolved: number;
  f_late: number;
  f_days: number;
  f_result: number;
  f_eresult: number;
};

type Open = { agency_id: number; open_total: number; open_overdue: number; rp_open: number; rp_open_overdue: number; rp_late_after: number };

type CatalogCounts = { agency_id: number; published: number; complete: number; online: number; online_used: number; fee: number; fee_online: number; fee_paid: number };

/** Per agency: procedures offered and published (as of `to`), complete, online, with a fee, used online, paid online in the period. */
async function catalogCounts(tx: Tx, ids: readonly number[], p: Period): Promise<Map<number, CatalogCounts>> {
  const rows = await tx.query<CatalogCounts>("select * from index766_catalog($1::int[], $2::date, $3::date)", [ids, p.from, p.to]);
  return new Map(rows.map((r) => [r.agency_id, r]));
}

export type JudgedAnnouncement = {
  procedureCode: string;
  procedureName: string;
  title: string;
  decisionNumber: string | null;
  decisionDate: string;
  effectiveOn: string | null;
  publishedAt: Date;
  /** 1.1: decided at least five working days before taking effect (null: no effective day to judge). */
  announcedOnTime: boolean | null;
  /** 1.2: published within five working days of the decision (by the end of the fifth). */
  publishedOnTime: boolean;
};

/** The province's announcements published in the period, each judged for 1.1 and 1.2 on the province's working calendar. */
export async function judgeAnnouncements(tx: Tx, q: { provinceId: number; from: string; to: string; now?: Date }): Promise<JudgedAnnouncement[]> {
  const p = periodOf(q);
  const rows = await tx.query<{ procedure_code: string; procedure_name: string; title: string; decision_number: string | null; decision_date: string; effective_on: string | null; published_at: Date }>(
    `select procedure_code, procedure_name, title, decision_number, to_char(decision_date, 'YYYY-MM-DD') as decision_date, to_char(effective_on, 'YYYY-MM-DD') as effective_on, published_at
     from catalog_announcements where agency_id = $1 and published_at >= $2 and published_at < $3 and decision_date is not null order by published_at, id`,
    [q.provinceId, p.start, p.end],
  );
  const calendar = await getAgencyCalendar(tx, q.provinceId);
  const fiveDays = 5 * calendar.standardDayMinutes;
  const plus5 = (day: string) => addWorkingMinutes(calendar, toWallMinutes(localDayStart(day)), fiveDays);
  return rows.map((r) => ({
    procedureCode: r.procedure_code,
    procedureName: r.procedure_name,
    title: r.title,
    decisionNumber: r.decision_number,
    decisionDate: r.decision_date,
    effectiveOn: r.effective_on,
    publishedAt: r.published_at,
    announcedOnTime: r.effective_on ? plus5(r.decision_date) <= toWallMinutes(localDayStart(r.effective_on)) : null,
    publishedOnTime: toWallMinutes(r.published_at) <= plus5(r.decision_date),
  }));
}

async function announcementFigures(tx: Tx, provinceId: number, p: Period): Promise<{ "1.1": Qd766Figure; "1.2": Qd766Figure }> {
  const judged = await judgeAnnouncements(tx, { provinceId, from: p.from, to: p.to, now: p.cut });
  const withEffective = judged.filter((a) => a.announcedOnTime !== null);
  return {
    "1.1": { numerator: withEffective.filter((a) => a.announcedOnTime).length, denominator: withEffective.length },
    "1.2": { numerator: judged.filter((a) => a.publishedOnTime).length, denominator: judged.length },
  };
}

const n = (v: number | string | null | undefined) => Number(v ?? 0);

/** Every indicator's figure for each agency (none of them a province: those are sums). */
async function agencyFigures(tx: Tx, ids: readonly number[], p: Period, version: Qd766Version): Promise<Map<number, Record<string, Qd766Figure>>> {
  const sums = new Map((await tx.query<Sums>("select * from index766_sums($1::int[], $2::date, $3::date)", [ids, p.from, p.to])).map((r) => [r.agency_id, r]));
  const open = new Map((await tx.query<Open>("select * from index766_open($1::int[], $2, $3, $4)", [ids, p.start, p.end, p.cut])).map((r) => [r.agency_id, r]));
  const catalog = await catalogCounts(tx, ids, p);
  const connected = new Set(
    (await tx.query<{ agency_id: number }>("select agency_id from sync_dvcqg_settings where agency_id = any($1::int[]) and enabled", [ids])).map((r) => r.agency_id),
  );
  // PAKN judged by the feedback module, only for the agencies that received some in the period.
  const withPakn = (await tx.query<{ agency_id: number }>("select distinct agency_id from feedback where agency_id = any($1::int[]) and received_at >= $2 and received_at < $3", [ids, p.start, p.end])).map(
    (r) => r.agency_id,
  );
  const pakn = new Map<number, { n: number; late: number; disliked: number }>();
  for (const id of withPakn) {
    const items = await paknIndexItems(tx, { agencyId: id, from: p.from, to: p.to, now: p.cut });
    pakn.set(id, { n: items.length, late: items.filter((i) => i.late).length, disliked: items.filter((i) => i.disliked).length });
  }

  const out = new Map<number, Record<string, Qd766Figure>>();
  for (const id of ids) {
    const s = sums.get(id);
    const o = open.get(id);
    const c = catalog.get(id);
    const f = pakn.get(id) ?? { n: 0, late: 0, disliked: 0 };
    const S = (k: keyof Sums) => n(s?.[k]);
    const O = (k: keyof Open) => n(o?.[k]);
    const C = (k: keyof CatalogCounts) => n(c?.[k]);
    const share = (numerator: number, denominator: number): Qd766Figure => ({ numerator, denominator });
    const figures: Record<string, Qd766Figure> = {
      "1.1": { numerator: 0, denominator: 0, noData: "province-level" },
      "1.2": { numerator: 0, denominator: 0, noData: "province-level" },
      "1.3": share(C("complete"), C("published")),
      "1.4": connected.has(id) ? share(S("r_synced"), S("r_received")) : { numerator: 0, denominator: 0, noData: "not-connected" },
      "2.1": share(S("f_resolved") - S("f_late") + O("open_total") - O("open_overdue"), S("f_resolved") + O("open_total")),
      "2.2": share(S("f_days"), S("f_resolved")),
      "3.1": share(C("online"), C("published")),
      "3.2": share(C("online_used"), C("online")),
      "3.3": share(S("r_online"), S("r_received")),
      "3.4": share(S("r_full_online"), S("r_full_eligible")),
      "3.5": share(C("fee_online"), C("fee")),
      "3.5b": share(C("fee_paid"), C("fee")),
      "3.6": share(S("r_paid_online"), S("r_fee")),
      "4.1": share(S("f_eresult"), S("f_result")),
      "4.2": share(S("r_digitised"), S("r_received")),
      "4.3": share(S("r_reused"), S("r_received")),
      "4.4": share(S("r_stored"), S("r_received")),
      "5.1": share(f.n, 0),
      "5.2": share(f.n - f.late, f.n),
      "5.3": { numerator: 0, denominator: f.n, parts: { disliked: f.disliked, late: f.late } },
      "5.4": {
        numerator: 0,
        denominator: S("r_counted54"),
        parts: { overdue: S("r_late54") - O("rp_late_after") + O("rp_open_overdue"), complained: S("r_complained54") },
      },
    };
    for (const ind of version.indicators) if (ind.source === "none") figures[ind.code] = NO_SOURCE;
    out.set(id, figures);
  }
  return out;
}

async function freshnessOf(tx: Tx, ids: readonly number[]): Promise<Index766Freshness> {
  const r = await tx.one<{ oldest: Date | null; missing: number; pending: boolean }>(
    `select min(s.refreshed_at) as oldest, count(*) filter (where s.agency_id is null)::int as missing,
       exists (select 1 from index766_dirty d where d.agency_id = any(index766_allowed($1::int[]))) as pending
     from unnest(index766_allowed($1::int[])) a(id) left join index766_state s on s.agency_id = a.id`,
    [ids],
  );
  return { refreshedAt: r.missing > 0 && r.oldest === null ? null : r.oldest, pending: r.pending };
}

const score = (version: Qd766Version, figures: Record<string, Qd766Figure>) => version.indicators.map((ind) => scoreIndicator(ind, figures[ind.code] ?? NO_SOURCE));

/**
 * The QĐ 766 index of an agency (code, GSO code or id) for a period of local days, both ends
 * included. A province is the sum of its communes' numerators and denominators (plus its own
 * announcements for 1.1–1.2) with the communes ranked. Throws DomainError: invalid (period
 * reversed, in the future, not a date), not_found (agency), forbidden (outside the caller's scope).
 */
export async function computeIndex766(tx: Tx, q: { agency: string | number; from: string; to: string; now?: Date; today?: string }): Promise<Index766> {
  assertPeriod(q.from, q.to, q.today ?? vnToday(q.now));
  const agency = await getIndexAgency(tx, q.agency);
  const p = periodOf(q);
  const version = versionInForce(q.to);
  const head = { agency, from: q.from, to: q.to, version: { id: version.id, decision: version.decision, effectiveFrom: version.effectiveFrom } };
  if (agency.kind !== "province") {
    const figures = (await agencyFigures(tx, [agency.id], p, version)).get(agency.id)!;
    const indicators = score(version, figures);
    return { ...head, ...totalOf(indicators), indicators, freshness: await freshnessOf(tx, [agency.id]) };
  }
  const communes = await communesOf(tx, agency.id);
  const ids = communes.map((c) => c.id);
  const byAgency = await agencyFigures(tx, ids, p, version);
  const own = await announcementFigures(tx, agency.id, p);
  const summed: Record<string, Qd766Figure> = {};
  for (const ind of version.indicators) summed[ind.code] = sumFigures(ids.map((id) => byAgency.get(id)![ind.code] ?? NO_SOURCE));
  summed["1.1"] = own["1.1"];
  summed["1.2"] = own["1.2"];
  const indicators = score(version, summed);
  const perCommune = communes.map((c) => {
    const r = score(version, byAgency.get(c.id)!);
    return { agency: { id: c.id, code: c.code, gso: c.gso, name: c.unitName, kind: "commune" }, indicators: r, ...totalOf(r) };
  });
  const ranking = rankAgencies(perCommune.map((c) => ({ agency: c.agency.gso ?? c.agency.code, agencyId: c.agency.id, name: c.agency.name, total: c.total, max: c.max })));
  return {
    ...head,
    ...totalOf(indicators),
    indicators,
    freshness: await freshnessOf(tx, ids),
    ranking,
    communes: perCommune.map((c) => ({ agency: c.agency, indicators: c.indicators, total: c.total, max: c.max })),
  };
}

/** The communes of a province ranked by their QĐ 766 total for the period (1 = best; ties share a rank). */
export async function rankCommunes766(tx: Tx, q: { province: string | number; from: string; to: string; now?: Date }): Promise<Index766Ranking[]> {
  const index = await computeIndex766(tx, { agency: q.province, from: q.from, to: q.to, ...(q.now ? { now: q.now } : {}) });
  if (!index.ranking) throw new DomainError("invalid", "index766.notProvince");
  return index.ranking;
}

// ----- keeping the counters current -----

/**
 * Rebuilds the counters of the agencies marked dirty (all of them with `all`), one transaction per
 * agency: its mark is taken in the same transaction, so a change committed meanwhile marks it
 * again for the next run. Returns how many agencies were rebuilt.
 */
export async function refreshIndex766(db: Db, opts: { all?: boolean; agencyIds?: readonly number[] } = {}): Promise<number> {
  const ids = opts.agencyIds
    ? [...opts.agencyIds]
    : opts.all
      ? (await db.system((tx) => tx.query<{ id: number }>("select distinct agency_id as id from dossiers order by 1"))).map((r) => r.id)
      : (await db.system((tx) => tx.query<{ id: number }>("select agency_id as id from index766_dirty order by since"))).map((r) => r.id);
  for (const id of ids) {
    await db.system(async (tx) => {
      // Two runs (two instances, or a run longer than its minute) never rebuild one agency at once.
      await tx.exec("select pg_advisory_xact_lock(766, $1)", [id]);
      await tx.exec("delete from index766_dirty where agency_id = $1", [id]);
      await tx.exec("select index766_refresh($1)", [id]);
    });
  }
  return ids.length;
}

registerJob({ name: "index766.refresh", cron: "* * * * *", run: async ({ db }) => void (await refreshIndex766(db)) });
