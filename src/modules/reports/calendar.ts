// The reporting calendar (issue 16): the province sets which report kinds its communes owe, how
// often and by when (report_schedules); communes see what they owe and the due dates; reminders
// go out before and on the due day; the province sees who has sent, late or not at all. A kind
// that is owed by default (src/domain/reports/kinds.ts owedByDefault) is owed on its declared
// terms until the province sets its own schedule for it.
import { z } from "zod";
import type { Db, Tx } from "../../db/scope";
import { vnDate, vnToday } from "../../domain/documents/numbering";
import { DomainError } from "../../domain/errors";
import { FREQUENCIES, type Frequency, isReportKind, REPORT_KIND_CODES, REPORT_KINDS, type ReportKind } from "../../domain/reports/kinds";
import { type DueRule, type ObligationStatus, obligationStatus, obligationsDue, remindToday } from "../../domain/reports/obligations";
import { periodLabel } from "../../domain/reports/period";
import { appendAudit } from "../audit/audit";
import type { Actor } from "../documents/register";
import { enqueueMessage, notifyStaff } from "../notifications/outbox";

/** Reminder days of a kind owed by default (no schedule set by the province). */
export const DEFAULT_REMIND_DAYS = 5;

export type Schedule = DueRule & { id: number; agencyId: number; communes: number[] | null; active: boolean };

type ScheduleRow = { id: number; agency_id: number; kind: string; frequency: Frequency; due_month: "last" | "next"; due_day: number; remind_days: number; communes: number[] | null; active: boolean };

const toSchedule = (r: ScheduleRow): Schedule | undefined =>
  isReportKind(r.kind)
    ? { id: r.id, agencyId: r.agency_id, kind: r.kind, frequency: r.frequency, month: r.due_month, day: r.due_day, remindDays: r.remind_days, communes: r.communes, active: r.active }
    : undefined;

export async function listSchedules(tx: Tx, provinceId: number): Promise<Schedule[]> {
  const rows = await tx.query<ScheduleRow>("select id, agency_id, kind, frequency, due_month, due_day, remind_days, communes, active from report_schedules where agency_id = $1 order by kind, frequency", [provinceId]);
  return rows.map(toSchedule).filter((s): s is Schedule => s !== undefined);
}

const codeList = z
  .union([z.array(z.string().trim().max(40)).max(5000), z.string().max(100_000)])
  .transform((v) => (Array.isArray(v) ? v : v.split(/[\s,;]+/)).map((c) => c.trim()).filter(Boolean));

export const ScheduleInput = z
  .object({
    kind: z.enum(REPORT_KIND_CODES as [ReportKind, ...ReportKind[]], { error: "msg:reports.badKind" }),
    frequency: z.enum(Object.keys(FREQUENCIES) as [Frequency, ...Frequency[]], { error: "msg:reportcal.badFrequency" }),
    dueMonth: z.enum(["last", "next"], { error: "msg:reportcal.badDueMonth" }),
    dueDay: z.coerce.number({ error: "msg:reportcal.badDueDay" }).int({ error: "msg:reportcal.badDueDay" }).min(1, { error: "msg:reportcal.badDueDay" }).max(28, { error: "msg:reportcal.badDueDay" }),
    remindDays: z.coerce.number({ error: "msg:reportcal.badRemind" }).int({ error: "msg:reportcal.badRemind" }).min(0, { error: "msg:reportcal.badRemind" }).max(30, { error: "msg:reportcal.badRemind" }),
    /** Agency codes of the communes that owe it; empty or absent: every commune of the province. */
    communes: codeList.optional(),
    active: z.preprocess((v) => (v === undefined ? true : v === true || v === "on" || v === "true" || v === "1"), z.boolean()),
  })
  .refine((s) => (REPORT_KINDS[s.kind].frequencies as readonly Frequency[]).includes(s.frequency), { path: ["frequency"], error: "msg:reportcal.frequencyNotForKind" });
export type ScheduleInput = z.infer<typeof ScheduleInput>;

/** Communes below a province, by name. */
export async function communesOf(tx: Tx, provinceId: number): Promise<{ id: number; code: string; gso: string | null; unitName: string }[]> {
  return tx.query(
    `with recursive t(id) as (select $1::int union all select a.id from agencies a join t on a.parent_id = t.id)
     select a.id, a.code, a.gso_code as gso, a.unit_name as "unitName" from agencies a join t on t.id = a.id where a.kind = 'commune' order by a.unit_name, a.id`,
    [provinceId],
  );
}

/** Sets (or replaces) the province's schedule of a kind and frequency. */
export async function saveSchedule(tx: Tx, provinceId: number, input: ScheduleInput, actor: Actor): Promise<Schedule> {
  let communes: number[] | null = null;
  if (input.communes?.length) {
    const known = await communesOf(tx, provinceId);
    const byCode = new Map(known.flatMap((c) => [[c.code, c.id] as const]));
    const unknown = input.communes.filter((c) => !byCode.has(c));
    if (unknown.length) throw new DomainError("invalid", "reportcal.unknownCommunes", { vars: { codes: unknown.slice(0, 5).join(", ") }, details: unknown.map((c) => ({ path: "communes", message: c })) });
    communes = [...new Set(input.communes.map((c) => byCode.get(c)!))];
  }
  const row = await tx.one<ScheduleRow>(
    `insert into report_schedules (agency_id, kind, frequency, due_month, due_day, remind_days, communes, active, created_by, updated_by)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9)
     on conflict (agency_id, kind, frequency) do update set due_month = excluded.due_month, due_day = excluded.due_day, remind_days = excluded.remind_days,
       communes = excluded.communes, active = excluded.active, updated_by = excluded.updated_by, updated_at = now()
     returning id, agency_id, kind, frequency, due_month, due_day, remind_days, communes, active`,
    [provinceId, input.kind, input.frequency, input.dueMonth, input.dueDay, input.remindDays, communes, input.active, actor.userId],
  );
  await appendAudit(tx, {
    agencyId: provinceId,
    actorUserId: actor.userId,
    actor: actor.label,
    action: "report.schedule",
    entity: "report_schedule",
    entityId: row.id,
    data: { kind: input.kind, frequency: input.frequency, due: `${input.dueMonth}:${input.dueDay}`, remindDays: input.remindDays, communes: communes?.length ?? "all", active: input.active },
  });
  return toSchedule(row)!;
}

/** A kind owed by default, on its declared terms. */
function defaultRule(kind: ReportKind): DueRule {
  const k = REPORT_KINDS[kind];
  return { kind, frequency: k.frequencies[0]!, month: k.deadline.month, day: k.deadline.day, remindDays: DEFAULT_REMIND_DAYS };
}

/** The rules that apply to one commune under a province's schedules (or the kinds' defaults). */
export function rulesForCommune(schedules: readonly Schedule[], communeId: number): DueRule[] {
  const set = new Set(schedules.map((s) => s.kind));
  const own = schedules.filter((s) => s.active && (s.communes === null || s.communes.includes(communeId)));
  const defaults = REPORT_KIND_CODES.filter((k) => REPORT_KINDS[k].owedByDefault && !set.has(k)).map(defaultRule);
  return [...own.map((s) => ({ kind: s.kind, frequency: s.frequency, month: s.month, day: s.day, remindDays: s.remindDays })), ...defaults];
}

/** The province a commune reports to, and its schedules (a commune may read those of the agency above it). */
export async function schedulesAbove(tx: Tx, communeId: number): Promise<{ provinceId: number | null; schedules: Schedule[] }> {
  const a = await tx.maybeOne<{ parent_id: number | null }>("select parent_id from agencies where id = $1", [communeId]);
  if (!a?.parent_id) return { provinceId: null, schedules: [] };
  return { provinceId: a.parent_id, schedules: await listSchedules(tx, a.parent_id) };
}

/** Whether a commune owes a kind (any frequency): what it may draft. */
export async function owesKind(tx: Tx, communeId: number, kind: ReportKind): Promise<boolean> {
  const { schedules } = await schedulesAbove(tx, communeId);
  return rulesForCommune(schedules, communeId).some((r) => r.kind === kind);
}

/** When each commune's report of a kind and period reached the province (local date), through the system. */
export async function sentDates(tx: Tx, q: { provinceId: number; communeIds: readonly number[] }): Promise<Map<string, { on: string; reportId: number }>> {
  const rows = await tx.query<{ agency_id: number; kind: string; period_from: string; period_to: string; on: string; report_id: number }>(
    `select distinct on (x.agency_id, r.kind, r.period_from, r.period_to) x.agency_id, r.kind, r.period_from::text as period_from, r.period_to::text as period_to,
            to_char(x.sent_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') as on, r.id as report_id
     from document_dispatches x join reports r on r.id = x.report_id
     where x.to_agency_id = $1 and x.channel = 'system' and x.agency_id = any($2)
     order by x.agency_id, r.kind, r.period_from, r.period_to, x.sent_at`,
    [q.provinceId, q.communeIds],
  );
  return new Map(rows.map((r) => [sentKey(r.agency_id, r.kind, r.period_from, r.period_to), { on: r.on, reportId: r.report_id }]));
}

const sentKey = (agencyId: number, kind: string, from: string, to: string) => `${agencyId}|${kind}|${from}|${to}`;

export type ObligationRow = {
  communeId: number;
  unitName: string;
  kind: ReportKind;
  from: string;
  to: string;
  due: string;
  status: ObligationStatus;
  sentOn: string | null;
  reportId: number | null;
};

/**
 * Communes that work in the installation: those with an active staff account. A commune not yet
 * on the system sends its reports on paper and owes nothing through it.
 */
export async function communesOnSystem(tx: Tx, ids: readonly number[]): Promise<Set<number>> {
  const rows = await tx.query<{ agency_id: number }>(
    "select distinct agency_id from users where agency_id = any($1) and active and role <> 'citizen'",
    [ids],
  );
  return new Set(rows.map((r) => r.agency_id));
}

/** Every obligation of the given communes (those on the system) whose due day falls in [from, to], with where it stands today. */
export async function obligations(
  tx: Tx,
  q: { provinceId: number; communes: readonly { id: number; unitName: string }[]; from: string; to: string; today?: string; kind?: ReportKind },
): Promise<ObligationRow[]> {
  const today = q.today ?? vnToday();
  const schedules = await listSchedules(tx, q.provinceId);
  const onSystem = await communesOnSystem(tx, q.communes.map((c) => c.id));
  const communes = q.communes.filter((c) => onSystem.has(c.id));
  const sent = await sentDates(tx, { provinceId: q.provinceId, communeIds: communes.map((c) => c.id) });
  const out: ObligationRow[] = [];
  for (const c of communes) {
    for (const rule of rulesForCommune(schedules, c.id)) {
      if (q.kind && rule.kind !== q.kind) continue;
      for (const o of obligationsDue(rule, q.from, q.to)) {
        const s = sent.get(sentKey(c.id, o.kind, o.from, o.to));
        out.push({ communeId: c.id, unitName: c.unitName, ...o, status: obligationStatus({ due: o.due, sentOn: s?.on ?? null, today, remindDays: rule.remindDays }), sentOn: s?.on ?? null, reportId: s?.reportId ?? null });
      }
    }
  }
  return out.sort((a, b) => a.due.localeCompare(b.due) || a.kind.localeCompare(b.kind) || a.unitName.localeCompare(b.unitName, "vi"));
}

/** What one commune owes in a span, seen from the commune (its own dispatches tell what was sent). */
export async function communeObligations(tx: Tx, q: { communeId: number; from: string; to: string; today?: string }): Promise<ObligationRow[]> {
  const { provinceId } = await schedulesAbove(tx, q.communeId);
  if (!provinceId) return [];
  const c = await tx.one<{ unit_name: string }>("select unit_name from agencies where id = $1", [q.communeId]);
  return obligations(tx, { provinceId, communes: [{ id: q.communeId, unitName: c.unit_name }], from: q.from, to: q.to, ...(q.today ? { today: q.today } : {}) });
}

/** Roles that write and sign a commune's reports: they are reminded. */
const REMINDED_ROLES = ["commune_admin", "communication_officer", "leader"] as const;

export type ReminderResult = { notices: number; emails: number };

/**
 * The reminders of a day (job every morning): for each commune with staff who write its reports,
 * each obligation whose first reminder day or due day is today and that has not been sent gets an
 * in-app notice and an e-mail to each of them — once (dedupe keys), however often the job runs.
 */
export async function runReportReminders(db: Db, today: string = vnToday()): Promise<ReminderResult> {
  const result: ReminderResult = { notices: 0, emails: 0 };
  // The job works for every agency of the installation: a system transaction is legitimate here.
  await db.system(async (tx) => {
    const staff = await tx.query<{ id: number; agency_id: number; email: string | null; parent_id: number; unit_name: string }>(
      `select u.id, u.agency_id, u.email, a.parent_id, a.unit_name from users u join agencies a on a.id = u.agency_id
       where a.kind = 'commune' and a.parent_id is not null and u.active and u.role = any($1) order by u.agency_id, u.id`,
      [REMINDED_ROLES],
    );
    const byProvince = new Map<number, Map<number, { unitName: string; users: { id: number; email: string | null }[] }>>();
    for (const s of staff) {
      const communes = byProvince.get(s.parent_id) ?? new Map();
      const c = communes.get(s.agency_id) ?? { unitName: s.unit_name, users: [] };
      c.users.push({ id: s.id, email: s.email });
      communes.set(s.agency_id, c);
      byProvince.set(s.parent_id, communes);
    }
    // Reminders look ahead at most 30 days (the largest reminder span a schedule may set).
    const until = new Date(Date.parse(`${today}T00:00:00Z`) + 31 * 86_400_000).toISOString().slice(0, 10);
    for (const [provinceId, communes] of byProvince) {
      const schedules = await listSchedules(tx, provinceId);
      const rows = await obligations(tx, { provinceId, communes: [...communes].map(([id, c]) => ({ id, unitName: c.unitName })), from: today, to: until, today });
      for (const o of rows) {
        const rule = rulesForCommune(schedules, o.communeId).find((r) => r.kind === o.kind);
        const stage = rule ? remindToday(o.due, rule.remindDays, today) : undefined;
        if (!stage || o.sentOn) continue;
        const kindWords = REPORT_KINDS[o.kind].subject;
        const title = `${stage === "due" ? "Hôm nay là hạn gửi" : "Sắp đến hạn gửi"} báo cáo: ${kindWords} ${periodLabel(o.from, o.to)} (hạn ${vnDate(o.due)})`;
        const body = `Báo cáo ${kindWords.toLocaleLowerCase("vi")} ${periodLabel(o.from, o.to)} cần được ban hành và gửi lên tỉnh trước hết ngày ${vnDate(o.due)}. Lập dự thảo tại mục Báo cáo.`;
        for (const u of communes.get(o.communeId)!.users) {
          const key = `report-due:${o.kind}:${o.from}:${o.to}:${o.communeId}:${u.id}:${stage}`;
          if (await notifyStaff(tx, { agencyId: o.communeId, userId: u.id, kind: "report_due", title, body, href: "/staff/reports/calendar", isTask: stage === "due", dedupeKey: key })) result.notices++;
          if (u.email && (await enqueueMessage(tx, { agencyId: o.communeId, kind: "report_due", channel: "email", recipient: u.email, subject: title, body, dedupeKey: `${key}:email` }))) result.emails++;
        }
      }
    }
  });
  return result;
}

/** The reports a commune may draft now: the kinds it owes (the province's calendar, or the defaults). */
export async function owedKinds(tx: Tx, communeId: number): Promise<ReportKind[]> {
  const { schedules } = await schedulesAbove(tx, communeId);
  const owed = new Set(rulesForCommune(schedules, communeId).map((r) => r.kind));
  return REPORT_KIND_CODES.filter((k) => owed.has(k));
}
