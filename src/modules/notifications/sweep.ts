import type { Db } from "../../db/scope";
import type { WorkingCalendar } from "../../domain/calendar/working-calendar";
import type { DossierStatus } from "../../domain/dossiers/state-machine";
import { timeliness } from "../../domain/dossiers/timeliness";
import { appendAudit } from "../audit/audit";
import { getAgencyCalendar } from "../calendar/service";
import { type DossierForNotice, notifyOfficer, varsOf } from "./dossier-notify";

// The overdue sweep (job every 15 minutes). "Due soon" and "overdue" are derived each time from
// the appointment, the clock and the agency's working calendar (src/domain/dossiers/timeliness.ts);
// what is stored is only that a given appointment was already announced (dossier_deadline_marks),
// so each (dossier, kind, appointment) notifies the assignee and the leader once, and a re-dated
// dossier is watched again. An overdue dossier also opens a task "prepare the apology slip"
// (Mẫu 04); the re-dating itself is the dossier's own "redate" action.

type Row = {
  id: number;
  agency_id: number;
  agency_name: string;
  code: string;
  procedure_name: string;
  status: DossierStatus;
  due_at: Date;
  assignee_user_id: number | null;
  leader_user_id: number | null;
  applicant_full_name: string;
  applicant_phone: string;
  applicant_email: string | null;
  fields: Record<string, unknown>;
};

export type SweepResult = { dueSoon: number; overdue: number; notices: number };

/** Other modules' overdue checks (PAKN…), run by the same job after the dossiers'; each returns the notices it created. */
export type OverdueSweep = (db: Db, now: Date) => Promise<number>;
const otherSweeps: OverdueSweep[] = [];
export function registerOverdueSweep(sweep: OverdueSweep): void {
  otherSweeps.push(sweep);
}

// Statuses whose clock runs (a paused or finished dossier is neither due soon nor overdue).
const WATCHED: readonly DossierStatus[] = ["received", "in_progress", "awaiting_approval", "approved", "transferred"];

export async function runOverdueSweep(db: Db, now: Date = new Date()): Promise<SweepResult> {
  const result: SweepResult = { dueSoon: 0, overdue: 0, notices: 0 };
  // The job works for every agency of the installation: a system transaction is legitimate here.
  await db.system(async (tx) => {
    const rows = await tx.query<Row>(
      `select d.id, d.agency_id, a.name as agency_name, d.code, d.procedure_name, d.status, d.due_at, d.assignee_user_id, d.leader_user_id,
              d.applicant_full_name, d.applicant_phone, d.applicant_email, d.fields
       from dossiers d join agencies a on a.id = d.agency_id
       where d.status = any($1) and d.due_at is not null and d.due_at <= $2::timestamptz + interval '20 days'
         and not exists (select 1 from dossier_deadline_marks m where m.dossier_id = d.id and m.kind = 'overdue' and m.due_at = d.due_at)
       order by d.due_at, d.id`,
      [WATCHED, now],
    );
    const calendars = new Map<number, WorkingCalendar>();
    const leaders = new Map<number, number[]>();
    const desks = new Map<number, number[]>();
    const usersOf = async (cache: Map<number, number[]>, agencyId: number, role: string) => {
      if (!cache.has(agencyId)) {
        const us = await tx.query<{ id: number }>("select id from users where agency_id = $1 and role = $2 and active order by id", [agencyId, role]);
        cache.set(agencyId, us.map((u) => u.id));
      }
      return cache.get(agencyId)!;
    };
    for (const r of rows) {
      let calendar = calendars.get(r.agency_id);
      if (!calendar) {
        calendar = await getAgencyCalendar(tx, r.agency_id);
        calendars.set(r.agency_id, calendar);
      }
      const t = timeliness({ dueAt: r.due_at, now, status: r.status, calendar });
      if (t !== "overdue" && t !== "due_soon") continue;
      const marked = await tx.exec(
        "insert into dossier_deadline_marks (agency_id, dossier_id, kind, due_at, notified_at) values ($1, $2, $3, $4, $5) on conflict do nothing",
        [r.agency_id, r.id, t, r.due_at, now],
      );
      if (marked === 0) continue;
      if (t === "overdue") result.overdue++;
      else result.dueSoon++;
      const dossier: DossierForNotice = {
        id: r.id,
        agencyId: r.agency_id,
        code: r.code,
        procedureName: r.procedure_name,
        dueAt: r.due_at,
        fields: r.fields ?? {},
        applicant: { fullName: r.applicant_full_name, phone: r.applicant_phone, email: r.applicant_email },
      };
      const vars = varsOf(dossier, r.agency_name);
      const stamp = r.due_at.toISOString();
      const recipients = new Set<number>();
      if (r.assignee_user_id) recipients.add(r.assignee_user_id);
      if (r.leader_user_id) recipients.add(r.leader_user_id);
      else for (const id of await usersOf(leaders, r.agency_id, "leader")) recipients.add(id);
      for (const userId of recipients) {
        if (await notifyOfficer(tx, { dossier, userId, kind: t, vars, dedupe: `sweep:${t}:${r.id}:${stamp}:${userId}` })) result.notices++;
      }
      if (t === "overdue") {
        const owners = r.assignee_user_id ? [r.assignee_user_id] : await usersOf(desks, r.agency_id, "desk_officer");
        for (const userId of owners) {
          const created = await notifyOfficer(tx, {
            dossier,
            userId,
            kind: "prepare_apology",
            vars,
            dedupe: `sweep:apology:${r.id}:${stamp}:${userId}`,
            href: `/staff/dossiers/${encodeURIComponent(r.code)}/slips/04.pdf`,
            isTask: true,
          });
          if (created) result.notices++;
        }
      }
      await appendAudit(tx, {
        agencyId: r.agency_id,
        actor: "system",
        action: `dossier.${t}_notified`,
        entity: "dossier",
        entityId: r.id,
        data: { code: r.code, dueAt: stamp, recipients: [...recipients] },
      });
    }
  });
  for (const sweep of otherSweeps) result.notices += await sweep(db, now);
  return result;
}
