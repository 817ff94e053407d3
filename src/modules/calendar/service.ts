// Storage side of the working calendar: official schedules entered by administrators, office
// settings in agencies.office, and the per-agency WorkingCalendar other modules compute deadlines
// with. Calendars are cached per process and checked against calendar_versions on every call, so
// a change made through another app instance is seen at once.

import { z } from "zod";
import { NotFoundError, prepared, type Tx } from "../../db/scope";
import { computeDeadline, type Pause, type SkippedDay } from "../../domain/calendar/deadline";
import { OFFICIAL_SCHEDULES, YearSchedule } from "../../domain/calendar/schedules";
import type { DeadlineUnit } from "../../domain/calendar/validation";
import { DEFAULT_OFFICE_SETTINGS, OfficeSettings, WorkingCalendar } from "../../domain/calendar/working-calendar";
import { DEFAULT_CODE_PATTERN, validateCodePattern } from "../../domain/codes/dossier-code";
import { appendAudit } from "../audit/audit";

export type Actor = { userId: number; label: string };

/** An issue message carrying its own vi and en text (the code-pattern checks have no catalog keys). */
export function bilingualMessage(m: { vi: string; en: string }): string {
  return `bi:${m.vi}\u0001${m.en}`;
}

/** What agencies.office holds for the calendar: the domain's OfficeSettings plus the dossier code pattern. */
export const AgencyOffice = OfficeSettings.extend({
  dossierCodePattern: z
    .string()
    .trim()
    .max(100)
    .superRefine((pattern, ctx) => {
      const check = validateCodePattern(pattern);
      if (!check.ok) for (const e of check.errors) ctx.addIssue({ code: "custom", message: bilingualMessage(e) });
    })
    .optional(),
});
export type AgencyOffice = z.infer<typeof AgencyOffice>;

/** Keys of agencies.office this module owns; other keys (other modules') are kept on save. */
const OFFICE_KEYS = ["workingWeekdays", "hours", "hoursByWeekday", "saturdayMorningOnly", "receiptCutoff", "timeZone", "dossierCodePattern"] as const;

/**
 * Settings of an agency from its stored jsonb: missing keys take the defaults; a stored value that
 * no longer validates (edited by hand in the database) falls back to the defaults rather than
 * breaking every deadline of the agency.
 */
export function officeFromStored(stored: unknown): AgencyOffice {
  const raw = stored && typeof stored === "object" ? (stored as Record<string, unknown>) : {};
  const picked: Record<string, unknown> = { ...DEFAULT_OFFICE_SETTINGS };
  for (const key of OFFICE_KEYS) if (raw[key] !== undefined && raw[key] !== null) picked[key] = raw[key];
  const parsed = AgencyOffice.safeParse(picked);
  if (parsed.success) return parsed.data;
  const pattern = typeof raw.dossierCodePattern === "string" && validateCodePattern(raw.dossierCodePattern).ok ? raw.dossierCodePattern : undefined;
  return { ...DEFAULT_OFFICE_SETTINGS, ...(pattern ? { dossierCodePattern: pattern } : {}) };
}

export function codePatternOf(office: AgencyOffice): string {
  return office.dossierCodePattern ?? DEFAULT_CODE_PATTERN;
}

type ChainRow = { id: number; depth: number; version: number };

/** The agency and its ancestors, nearest first, with their calendar versions: one cheap query. */
async function chainOf(tx: Tx, agencyId: number): Promise<ChainRow[]> {
  return tx.query<ChainRow>(
    prepared(`with recursive chain(id, parent_id, depth) as (
       select id, parent_id, 0 from agencies where id = $1
       union all
       select a.id, a.parent_id, c.depth + 1 from agencies a join chain c on a.id = c.parent_id where c.depth < 10
     )
     select c.id, c.depth, coalesce(v.version, 0)::int as version
     from chain c left join calendar_versions v on v.agency_id = c.id
     order by c.depth`),
    [agencyId],
  );
}

type CacheEntry = { key: string; calendar: WorkingCalendar };
const cache = new Map<number, CacheEntry>();
/** Enough for every commune of a province-wide installation; the oldest entry goes first. */
const CACHE_LIMIT = 5000;

/** For tests: forget every cached calendar of this process. */
export function clearCalendarCache(): void {
  cache.clear();
}

type StoredSchedule = { agency_id: number; year: number; schedule: YearSchedule };

/** Schedules entered for the chain, farthest ancestor first so that nearer ones override them. */
async function schedulesOfChain(tx: Tx, chain: ChainRow[]): Promise<StoredSchedule[]> {
  if (chain.length === 0) return [];
  const rows = await tx.query<StoredSchedule>("select agency_id, year, schedule from calendar_schedules where agency_id = any($1::int[])", [chain.map((c) => c.id)]);
  const depth = new Map(chain.map((c) => [c.id, c.depth]));
  return rows.sort((a, b) => depth.get(b.agency_id)! - depth.get(a.agency_id)!);
}

/**
 * The working calendar of an agency: its office settings, and per year the nearest schedule found
 * on the agency or its ancestors, else the shipped one, else the default rules. Throws
 * NotFoundError (→ 404) for an unknown agency.
 */
export async function getAgencyCalendar(tx: Tx, agencyId: number): Promise<WorkingCalendar> {
  const chain = await chainOf(tx, agencyId);
  if (chain.length === 0) throw new NotFoundError("agency");
  const key = chain.map((c) => `${c.id}:${c.version}`).join(",");
  const hit = cache.get(agencyId);
  if (hit && hit.key === key) return hit.calendar;
  const agency = await tx.one<{ office: unknown }>("select office from agencies where id = $1", [agencyId]);
  const stored = await schedulesOfChain(tx, chain);
  const schedules: YearSchedule[] = [...OFFICIAL_SCHEDULES];
  for (const s of stored) {
    const parsed = YearSchedule.safeParse(s.schedule);
    if (parsed.success) schedules.push(parsed.data);
  }
  const { dossierCodePattern: _pattern, ...settings } = officeFromStored(agency.office);
  const calendar = new WorkingCalendar({ settings, schedules });
  cache.delete(agencyId);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(agencyId, { key, calendar });
  return calendar;
}

export type AgencyDeadline = { due: string; dueAt: Date; skipped: SkippedDay[] };

/** Appointment time for a dossier received at `start` by the agency. */
export async function computeAgencyDeadline(
  tx: Tx,
  input: { agencyId: number; start: Date; amount: number; unit: DeadlineUnit; pauses?: readonly Pause[] },
): Promise<AgencyDeadline> {
  const calendar = await getAgencyCalendar(tx, input.agencyId);
  const result = computeDeadline({
    start: input.start,
    amount: input.amount,
    unit: input.unit,
    calendar,
    ...(input.pauses ? { pauses: input.pauses } : {}),
  });
  return { due: result.due, dueAt: new Date(Date.parse(result.due)), skipped: result.skipped };
}

/** Marks every cached calendar of the agency (and, through the chain key, of its descendants) stale. */
async function bumpVersion(tx: Tx, agencyId: number): Promise<void> {
  await tx.exec(
    `insert into calendar_versions (agency_id) values ($1)
     on conflict (agency_id) do update set version = calendar_versions.version + 1, updated_at = now()`,
    [agencyId],
  );
}

export type ScheduleSource = "agency" | "inherited" | "shipped" | "default";

export type EffectiveSchedule = {
  year: number;
  source: ScheduleSource;
  /** Agency that entered the schedule (source agency or inherited). */
  agencyId?: number;
  schedule?: YearSchedule;
  updatedAt?: string;
};

/** Which schedule an agency's calendar uses for a year, and where it comes from. */
export async function getEffectiveSchedule(tx: Tx, agencyId: number, year: number): Promise<EffectiveSchedule> {
  const chain = await chainOf(tx, agencyId);
  if (chain.length === 0) throw new NotFoundError("agency");
  const rows = await tx.query<{ agency_id: number; schedule: unknown; updated_at: Date }>(
    "select agency_id, schedule, updated_at from calendar_schedules where agency_id = any($1::int[]) and year = $2",
    [chain.map((c) => c.id), year],
  );
  for (const link of chain) {
    const row = rows.find((r) => r.agency_id === link.id);
    if (!row) continue;
    const parsed = YearSchedule.safeParse(row.schedule);
    if (!parsed.success) continue;
    return {
      year,
      source: link.id === agencyId ? "agency" : "inherited",
      agencyId: link.id,
      schedule: parsed.data,
      updatedAt: row.updated_at.toISOString(),
    };
  }
  const shipped = OFFICIAL_SCHEDULES.find((s) => s.year === year);
  if (shipped) return { year, source: "shipped", schedule: shipped as unknown as YearSchedule };
  return { year, source: "default" };
}

/** Enters (or replaces) the agency's schedule of a year. The schedule must be validated already. */
export async function saveSchedule(tx: Tx, input: { agencyId: number; schedule: YearSchedule; actor: Actor }): Promise<void> {
  const { agencyId, schedule, actor } = input;
  const before = await tx.maybeOne<{ schedule: unknown }>("select schedule from calendar_schedules where agency_id = $1 and year = $2", [agencyId, schedule.year]);
  await tx.exec(
    `insert into calendar_schedules (agency_id, year, schedule, document_number, document_date, document_issuer, updated_by)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (agency_id, year) do update set schedule = excluded.schedule, document_number = excluded.document_number,
       document_date = excluded.document_date, document_issuer = excluded.document_issuer, updated_by = excluded.updated_by, updated_at = now()`,
    [agencyId, schedule.year, JSON.stringify(schedule), schedule.document.number, schedule.document.date, schedule.document.issuer, actor.userId],
  );
  await bumpVersion(tx, agencyId);
  await appendAudit(tx, {
    agencyId,
    actorUserId: actor.userId,
    actor: actor.label,
    action: before ? "calendar.schedule.update" : "calendar.schedule.create",
    entity: "calendar_schedule",
    entityId: `${agencyId}:${schedule.year}`,
    data: { before: before?.schedule ?? null, after: schedule },
  });
}

/** Removes the agency's own schedule of a year (its calendar falls back to an ancestor's, the shipped one or the defaults). */
export async function deleteSchedule(tx: Tx, input: { agencyId: number; year: number; actor: Actor }): Promise<boolean> {
  const { agencyId, year, actor } = input;
  const before = await tx.maybeOne<{ schedule: unknown }>("delete from calendar_schedules where agency_id = $1 and year = $2 returning schedule", [agencyId, year]);
  if (!before) return false;
  await bumpVersion(tx, agencyId);
  await appendAudit(tx, {
    agencyId,
    actorUserId: actor.userId,
    actor: actor.label,
    action: "calendar.schedule.delete",
    entity: "calendar_schedule",
    entityId: `${agencyId}:${year}`,
    data: { before: before.schedule },
  });
  return true;
}

export async function getAgencyOffice(tx: Tx, agencyId: number): Promise<AgencyOffice> {
  const row = await tx.maybeOne<{ office: unknown }>("select office from agencies where id = $1", [agencyId]);
  if (!row) throw new NotFoundError("agency");
  return officeFromStored(row.office);
}

/**
 * Saves the calendar keys of agencies.office (other keys are kept). Row-level security limits the
 * update to the caller's agencies: another agency's row is not found (→ 404).
 */
export async function saveAgencyOffice(tx: Tx, input: { agencyId: number; office: AgencyOffice; actor: Actor }): Promise<void> {
  const { agencyId, office, actor } = input;
  const before = await tx.maybeOne<{ office: unknown }>("select office from agencies where id = $1", [agencyId]);
  const updated = await tx.exec(
    "update agencies set office = (office - $2::text[]) || $3::jsonb, updated_at = now() where id = $1",
    [agencyId, [...OFFICE_KEYS], JSON.stringify(office)],
  );
  if (updated === 0 || !before) throw new NotFoundError("agency");
  await bumpVersion(tx, agencyId);
  await appendAudit(tx, {
    agencyId,
    actorUserId: actor.userId,
    actor: actor.label,
    action: "calendar.office.update",
    entity: "agency",
    entityId: agencyId,
    data: { before: officeFromStored(before.office), after: office },
  });
}
