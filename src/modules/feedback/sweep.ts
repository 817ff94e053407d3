// Overdue PAKN, found by the overdue sweep of the notifications module (every 15 minutes): each
// PAKN whose running step is past its due time notifies who holds it — the desk for one still to
// classify or to publish, the assigned officer and the leaders for an answer — once per step and
// due time (the notices' keys say so, so a second run sends nothing again).

import type { Db } from "../../db/scope";
import type { FeedbackStatus, FeedbackStep } from "../../domain/feedback/workflow";
import { appendAudit } from "../audit/audit";
import { notifyOfficers, staffOf } from "./notices";

/** The step words of the notice (staff notices are in Vietnamese). */
const STEP_WORDS: Record<FeedbackStep, string> = {
  triage: "Phân loại, từ chối hoặc chuyển",
  info: "Đề nghị bổ sung thông tin",
  answer: "Trả lời",
  publish: "Công khai câu trả lời",
};

type Row = { id: number; agency_id: number; code: string; subject: string; status: FeedbackStatus; assignee_user_id: number | null; step: FeedbackStep; due: Date };

export async function sweepOverdueFeedback(db: Db, now: Date): Promise<number> {
  let notices = 0;
  // The job works for every agency of the installation: a system transaction is legitimate here.
  await db.system(async (tx) => {
    const rows = await tx.query<Row>(
      `select id, agency_id, code, subject, status, assignee_user_id, step, due from (
         select f.*, case when f.status = 'received' then 'triage' when f.status = 'answered' then 'publish' else 'answer' end as step,
           case when f.status = 'received' then f.triage_due_at when f.status = 'answered' then f.publish_due_at else f.answer_due_at end as due
         from feedback f
         where f.status in ('received', 'assigned', 'awaiting_approval') or (f.status = 'answered' and f.consent_publish)
       ) x where due < $1 order by due, id`,
      [now],
    );
    for (const r of rows) {
      const holders = new Set<number>();
      if (r.status === "received" || r.status === "answered") for (const id of await staffOf(tx, r.agency_id, ["desk_officer"])) holders.add(id);
      if (r.assignee_user_id && (r.status === "assigned" || r.status === "awaiting_approval")) holders.add(r.assignee_user_id);
      for (const id of await staffOf(tx, r.agency_id, ["leader"])) holders.add(id);
      const created = await notifyOfficers(tx, {
        agencyId: r.agency_id,
        userIds: holders,
        kind: "overdue",
        code: r.code,
        subject: r.subject,
        due: r.due,
        step: STEP_WORDS[r.step],
        dedupe: `feedback:${r.id}:overdue:${r.step}:${r.due.toISOString()}`,
      });
      if (created === 0) continue;
      notices += created;
      await appendAudit(tx, {
        agencyId: r.agency_id,
        actor: "system",
        action: "feedback.overdue_notified",
        entity: "feedback",
        entityId: r.id,
        data: { code: r.code, step: r.step, dueAt: r.due.toISOString(), recipients: [...holders] },
      });
    }
  });
  return notices;
}
