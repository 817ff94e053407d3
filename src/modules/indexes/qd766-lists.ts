// The records behind a figure of the QĐ 766 index (one agency, one indicator, its numerator or
// denominator): dossiers, procedures or PAKN. The predicates restate what the counters count
// (migrations/1100_index766.sql: index766_refresh, index766_open); the integration test checks
// that every list holds exactly as many records as its figure.
import type { Tx } from "../../db/scope";
import { paknIndexItems } from "../feedback/indicators";
import { type JudgedAnnouncement, judgeAnnouncements, periodOf } from "./qd766-service";

export const SIDES = ["num", "den"] as const;
export type Side = (typeof SIDES)[number];

// $1 agency, $2 period start, $3 period end (exclusive), $4 cut (the end, or now if earlier).
const RECV = "d.received_at >= $2 and d.received_at < $3";
const FIN = "d.finished_at >= $2 and d.finished_at < $3";
const OPEN = "d.received_at < $3 and (coalesce(d.finished_at, d.closed_at) is null or coalesce(d.finished_at, d.closed_at) >= $3)";
const LATE = "coalesce(d.supplement_count > 1 or d.finished_at > d.due_at, false)";
const SYNCED =
  "exists (select 1 from sync_dvcqg_outbox o where o.dossier_id = d.id and o.status = 'sent') and not exists (select 1 from sync_dvcqg_outbox o where o.dossier_id = d.id and o.status <> 'sent')";
const FEE = "exists (select 1 from dossier_fees f where f.dossier_id = d.id and f.amount_vnd > 0)";
const PAID = "exists (select 1 from payments p where p.dossier_id = d.id and p.channel = 'vnpay' and p.status in ('paid', 'refund_requested', 'refunded'))";
const ERESULT = "exists (select 1 from e_results e where e.dossier_id = d.id)";
const DIGITISED = `exists (select 1 from dossier_attachments a where a.dossier_id = d.id and a.kind in ('document', 'supplement')) and (d.finished_at is null or d.status = 'refused' or ${ERESULT})`;
const NOT_WITHDRAWN = "d.status <> 'withdrawn'";
const OVERDUE54 = `((d.finished_at < $3 and ${LATE}) or ((d.finished_at is null or d.finished_at >= $3) and coalesce(d.finished_at, d.closed_at, 'infinity') >= $3 and coalesce(d.due_at < $4, false)))`;
const COMPLAINED = "(exists (select 1 from feedback f where f.dossier_id = d.id) or exists (select 1 from dossier_ratings r where r.dossier_id = d.id and r.overall = 'dissatisfied'))";

/** Dossier indicators: the predicate of each side over dossiers d. */
export const DOSSIER_LISTS = {
  "1.4": { den: RECV, num: `${RECV} and ${SYNCED}` },
  "2.1": { den: `((${FIN}) or (${OPEN}))`, num: `((${FIN} and not ${LATE}) or (${OPEN} and not coalesce(d.due_at < $4, false)))` },
  "2.2": { den: FIN, num: FIN },
  "3.3": { den: RECV, num: `${RECV} and d.channel = 'online'` },
  "3.4": { den: `${RECV} and d.online_level = 'full'`, num: `${RECV} and d.online_level = 'full' and d.channel = 'online'` },
  "3.6": { den: `${RECV} and ${FEE}`, num: `${RECV} and ${FEE} and ${PAID}` },
  "4.1": { den: `${FIN} and d.status <> 'refused'`, num: `${FIN} and d.status <> 'refused' and ${ERESULT}` },
  "4.2": { den: RECV, num: `${RECV} and ${DIGITISED}` },
  "4.3": { den: RECV, num: `${RECV} and exists (select 1 from dossier_document_reuses r where r.dossier_id = d.id)` },
  "4.4": { den: RECV, num: `${RECV} and exists (select 1 from applicant_documents ad where ad.source_dossier_id = d.id)` },
  "5.4": { den: `${RECV} and ${NOT_WITHDRAWN}`, num: `${RECV} and ${NOT_WITHDRAWN} and not ${OVERDUE54} and not ${COMPLAINED}` },
} as const satisfies Record<string, Record<Side, string>>;
export type DossierListCode = keyof typeof DOSSIER_LISTS;

/** Procedure indicators: the flag each side requires of an offered and published procedure (null: every one). */
export const PROCEDURE_LISTS = {
  "1.3": { den: null, num: "complete" },
  "3.1": { den: null, num: "online" },
  "3.2": { den: "online", num: "onlineUsed" },
  "3.5": { den: "fee", num: "feeOnline" },
  "3.5b": { den: "fee", num: "feePaid" },
} as const satisfies Record<string, Record<Side, ProcedureFlag | null>>;
export type ProcedureListCode = keyof typeof PROCEDURE_LISTS;

/** PAKN indicators: which PAKN each side lists. */
export const PAKN_LISTS = {
  "5.1": { den: "all", num: "all" },
  "5.2": { den: "all", num: "onTime" },
  "5.3": { den: "all", num: "satisfied" },
} as const satisfies Record<string, Record<Side, "all" | "onTime" | "satisfied">>;
export type PaknListCode = keyof typeof PAKN_LISTS;

/** Province indicators: the province's announcements (1.1 counts those with an effective day). */
export const ANNOUNCEMENT_LISTS = {
  "1.1": { den: "withEffective", num: "announcedOnTime" },
  "1.2": { den: "all", num: "publishedOnTime" },
} as const satisfies Record<string, Record<Side, "all" | "withEffective" | "announcedOnTime" | "publishedOnTime">>;
export type AnnouncementListCode = keyof typeof ANNOUNCEMENT_LISTS;

export type ListKind = "dossiers" | "procedures" | "pakn" | "announcements";

export function listKindOf(code: string): ListKind | undefined {
  if (Object.hasOwn(ANNOUNCEMENT_LISTS, code)) return "announcements";
  if (Object.hasOwn(DOSSIER_LISTS, code)) return "dossiers";
  if (Object.hasOwn(PROCEDURE_LISTS, code)) return "procedures";
  if (Object.hasOwn(PAKN_LISTS, code)) return "pakn";
  return undefined;
}

export type ListedDossier = { code: string; procedureName: string; channel: string; status: string; receivedAt: Date | null; dueAt: Date | null; finishedAt: Date | null };

export async function listIndexDossiers(
  tx: Tx,
  q: { agencyId: number; code: DossierListCode; side: Side; from: string; to: string; now?: Date; limit: number; offset: number },
): Promise<{ total: number; items: ListedDossier[] }> {
  const p = periodOf(q);
  const pred = DOSSIER_LISTS[q.code][q.side];
  const where = `d.agency_id = $1 and d.received_at is not null and (${pred})`;
  const values = [q.agencyId, p.start, p.end, ...(pred.includes("$4") ? [p.cut] : [])];
  const total = (await tx.one<{ n: number }>(`select count(*)::int as n from dossiers d where ${where}`, values)).n;
  const rows = await tx.query<{ code: string; procedure_name: string; channel: string; status: string; received_at: Date | null; due_at: Date | null; finished_at: Date | null }>(
    `select d.code, d.procedure_name, d.channel, d.status, d.received_at, d.due_at, d.finished_at from dossiers d where ${where}
     order by d.received_at desc, d.id desc limit ${Math.min(200, Math.max(1, q.limit))} offset ${Math.max(0, q.offset)}`,
    values,
  );
  return {
    total,
    items: rows.map((r) => ({ code: r.code, procedureName: r.procedure_name, channel: r.channel, status: r.status, receivedAt: r.received_at, dueAt: r.due_at, finishedAt: r.finished_at })),
  };
}

export type ProcedureFlag = "complete" | "online" | "onlineUsed" | "fee" | "feeOnline" | "feePaid";
export type ListedProcedure = { code: string; name: string; onlineLevel: string } & Record<ProcedureFlag, boolean>;

export async function listIndexProcedures(
  tx: Tx,
  q: { agencyId: number; code: ProcedureListCode; side: Side; from: string; to: string; limit: number; offset: number },
): Promise<{ total: number; items: ListedProcedure[] }> {
  const rows = await tx.query<{ code: string; name: string; online_level: string; complete: boolean; fee: boolean; used: boolean; paid: boolean }>(
    `with used as (select * from index766_procedures(array[$1::int], $3::date, $2::date))
     select p.code, p.name, ao.online_level,
       v.qd766_complete as complete, v.qd766_fee as fee,
       exists (select 1 from used u where u.procedure_code = p.code and u.online > 0) as used,
       exists (select 1 from used u where u.procedure_code = p.code and u.paid_online > 0) as paid
     from agency_offering($1) ao
     join procedures p on p.id = ao.procedure_id
     cross join lateral (select pv.qd766_complete, pv.qd766_fee from procedure_versions pv where pv.procedure_id = p.id and pv.effective_from <= $2::date
                         order by pv.effective_from desc, pv.version_no desc limit 1) v
     where ao.enabled and ao.published and (p.abolished_on is null or p.abolished_on > $2::date)
     order by p.code`,
    [q.agencyId, q.to, q.from],
  );
  const all: ListedProcedure[] = rows.map((r) => ({
    code: r.code,
    name: r.name,
    onlineLevel: r.online_level,
    complete: r.complete,
    online: r.online_level !== "none",
    onlineUsed: r.online_level !== "none" && r.used,
    fee: r.fee,
    feeOnline: r.fee && r.online_level !== "none",
    feePaid: r.fee && r.paid,
  }));
  const flag = PROCEDURE_LISTS[q.code][q.side];
  const picked = flag ? all.filter((p) => p[flag]) : all;
  return { total: picked.length, items: picked.slice(q.offset, q.offset + q.limit) };
}

export type ListedPakn = { code: string; receivedAt: Date; late: boolean; disliked: boolean };

export async function listIndexPakn(
  tx: Tx,
  q: { agencyId: number; code: PaknListCode; side: Side; from: string; to: string; now?: Date; limit: number; offset: number },
): Promise<{ total: number; items: ListedPakn[] }> {
  const items = await paknIndexItems(tx, { agencyId: q.agencyId, from: q.from, to: q.to, ...(q.now ? { now: q.now } : {}) });
  const which = PAKN_LISTS[q.code][q.side];
  // 5.3 "satisfied" lists what remains after the subtractions: neither late nor disliked.
  const picked = which === "all" ? items : which === "onTime" ? items.filter((i) => !i.late) : items.filter((i) => !i.late && !i.disliked);
  return { total: picked.length, items: picked.slice(q.offset, q.offset + q.limit).map((i) => ({ code: i.code, receivedAt: i.receivedAt, late: i.late, disliked: i.disliked })) };
}

export async function listIndexAnnouncements(
  tx: Tx,
  q: { provinceId: number; code: AnnouncementListCode; side: Side; from: string; to: string; now?: Date; limit: number; offset: number },
): Promise<{ total: number; items: JudgedAnnouncement[] }> {
  const all = await judgeAnnouncements(tx, { provinceId: q.provinceId, from: q.from, to: q.to, ...(q.now ? { now: q.now } : {}) });
  const which = ANNOUNCEMENT_LISTS[q.code][q.side];
  const picked =
    which === "all" ? all : which === "withEffective" ? all.filter((a) => a.announcedOnTime !== null) : which === "announcedOnTime" ? all.filter((a) => a.announcedOnTime === true) : all.filter((a) => a.publishedOnTime);
  return { total: picked.length, items: picked.slice(q.offset, q.offset + q.limit) };
}
