// The breach register (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15): each incident where personal data
// was exposed, lost or altered, with what and whom it touched, the measures taken and whether the
// authority was notified within 72 hours of its discovery — the deadline shown until it is done.

import { z } from "zod";
import type { Tx } from "../../db/scope";
import { DomainError } from "../../domain/errors";
import { BREACH_NOTIFY_HOURS, hoursAfter } from "../../domain/privacy/rules";
import { cleanSpaces, toNfc } from "../../domain/text/fold";
import { appendAudit } from "../audit/audit";

const text = (min: number, max: number, key: string) =>
  z
    .string()
    .transform((s) => toNfc(s).trim())
    .pipe(z.string().min(min, { error: `msg:${key}` }).max(max, { error: `msg:${key}` }));

/** dd/mm/yyyy hh:mm in Vietnam time (what people type), or an ISO string from the API. */
export const LocalDateTime = z.string().transform((s, ctx) => {
  const t = cleanSpaces(s);
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(t);
  const d = m ? new Date(Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]), Number(m[4] ?? 0) - 7, Number(m[5] ?? 0))) : new Date(t);
  if (!t || Number.isNaN(d.getTime()) || (m && new Date(d.getTime() + 7 * 3_600_000).getUTCDate() !== Number(m[1]))) {
    ctx.addIssue({ code: "custom", message: "msg:privacy.err.when" });
    return z.NEVER;
  }
  return d;
});

export const BreachInput = z.object({
  discoveredAt: LocalDateTime,
  description: text(10, 4000, "privacy.err.description"),
  dataAffected: text(0, 2000, "privacy.err.tooLong"),
  subjectsCount: z.preprocess((v) => (v === "" || v === undefined ? null : v), z.coerce.number({ error: "msg:privacy.err.count" }).int({ error: "msg:privacy.err.count" }).min(0, { error: "msg:privacy.err.count" }).nullable()),
  measures: text(0, 4000, "privacy.err.tooLong"),
});
export type BreachInput = z.infer<typeof BreachInput>;

export type Breach = {
  id: number;
  discoveredAt: Date;
  notifyBy: Date;
  description: string;
  dataAffected: string;
  subjectsCount: number | null;
  measures: string;
  authorityNotifiedAt: Date | null;
  subjectsNotifiedAt: Date | null;
  closedAt: Date | null;
  createdAt: Date;
};

type Row = {
  id: number;
  discovered_at: Date;
  description: string;
  data_affected: string;
  subjects_count: number | null;
  measures: string;
  authority_notified_at: Date | null;
  subjects_notified_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
};

const toBreach = (r: Row): Breach => ({
  id: r.id,
  discoveredAt: r.discovered_at,
  notifyBy: hoursAfter(r.discovered_at, BREACH_NOTIFY_HOURS),
  description: r.description,
  dataAffected: r.data_affected,
  subjectsCount: r.subjects_count,
  measures: r.measures,
  authorityNotifiedAt: r.authority_notified_at,
  subjectsNotifiedAt: r.subjects_notified_at,
  closedAt: r.closed_at,
  createdAt: r.created_at,
});

/** Where a breach stands against the 72-hour deadline. */
export function breachDeadline(b: Pick<Breach, "notifyBy" | "authorityNotifiedAt">, now = new Date()): "notified" | "notified_late" | "open" | "overdue" {
  if (b.authorityNotifiedAt) return b.authorityNotifiedAt.getTime() <= b.notifyBy.getTime() ? "notified" : "notified_late";
  return now.getTime() > b.notifyBy.getTime() ? "overdue" : "open";
}

export async function listBreaches(tx: Tx, agencyId: number): Promise<Breach[]> {
  return (await tx.query<Row>("select * from privacy_breaches where agency_id = $1 order by (closed_at is null) desc, discovered_at desc limit 200", [agencyId])).map(toBreach);
}

export async function recordBreach(tx: Tx, q: { agencyId: number; input: BreachInput; actor: { userId: number; label: string }; now?: Date }): Promise<Breach> {
  if (q.input.discoveredAt.getTime() > (q.now ?? new Date()).getTime() + 5 * 60_000) throw new DomainError("unprocessable", "privacy.err.future", { details: [{ path: "discoveredAt", message: "" }] });
  const r = await tx.one<Row>(
    `insert into privacy_breaches (agency_id, discovered_at, description, data_affected, subjects_count, measures, recorded_by)
     values ($1, $2, $3, $4, $5, $6, $7) returning *`,
    [q.agencyId, q.input.discoveredAt, q.input.description, q.input.dataAffected, q.input.subjectsCount, q.input.measures, q.actor.userId],
  );
  await appendAudit(tx, { agencyId: q.agencyId, actorUserId: q.actor.userId, actor: q.actor.label, action: "privacy.breach.create", entity: "privacy_breach", entityId: r.id, data: { discoveredAt: r.discovered_at } });
  return toBreach(r);
}

export const BREACH_STEPS = ["authority_notified", "subjects_notified", "closed"] as const;
export type BreachStep = (typeof BREACH_STEPS)[number];

export async function markBreach(tx: Tx, q: { agencyId: number; id: number; step: BreachStep; measures?: string | undefined; actor: { userId: number; label: string } }): Promise<void> {
  const column = { authority_notified: "authority_notified_at", subjects_notified: "subjects_notified_at", closed: "closed_at" }[q.step];
  const n = await tx.exec(
    `update privacy_breaches set ${column} = coalesce(${column}, now()), measures = case when $3::text is null or $3 = '' then measures else $3 end where id = $1 and agency_id = $2`,
    [q.id, q.agencyId, q.measures ?? null],
  );
  if (n === 0) throw new DomainError("not_found", "privacy.err.breach");
  await appendAudit(tx, { agencyId: q.agencyId, actorUserId: q.actor.userId, actor: q.actor.label, action: "privacy.breach.update", entity: "privacy_breach", entityId: q.id, data: { step: q.step } });
}
