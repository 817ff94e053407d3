// The figures of indicators 5.1–5.4 (QĐ 766/QĐ-TTg) for an agency and a period, from the stored
// PAKN, ratings and dossiers; the formulas are the domain's (src/domain/feedback/indicators.ts).
// - PAKN (5.2, 5.3): those received in the period; late when a limited step was (or, by the end
//   of the period or now if earlier, is) past its limit; disliked when the petitioner said the
//   answer did not satisfy them.
// - Dossiers (5.4): those received in the period; overdue when finished late (QĐ 766 rule:
//   classifyResolution) or still open past the appointment at the end of the period (or now);
//   complained about when a PAKN names them or their rating says "Không hài lòng".

import type { Tx } from "../../db/scope";
import { classifyResolution } from "../../domain/dossiers/timeliness";
import { feedbackSatisfactionRate, indicatorPoints, onTimeFeedbackRate, type ProcedureSatisfaction, procedureSatisfactionRate, type Rate } from "../../domain/feedback/indicators";
import { FEEDBACK_TOPICS, type FeedbackTopic } from "../../domain/feedback/submission";
import { isLate } from "../../domain/feedback/timeliness";
import type { FeedbackStatus } from "../../domain/feedback/workflow";
import { localDayStart } from "./ratings";
import { stepsDone } from "./service";

export type IndexFigures = {
  period: { from: string; to: string };
  feedback: { received: number; late: number; disliked: number };
  /** 5.1 (followed, no points): PAKN received in the period by topic. */
  byTopic: Record<FeedbackTopic, number>;
  onTime: Rate & { points: number | null };
  feedbackSatisfaction: Rate & { points: number | null };
  procedureSatisfaction: ProcedureSatisfaction & { points: number | null };
};

/**
 * The PAKN of 5.1–5.3 (received in the period), each judged as it stood at the end of the period
 * (or now if earlier): late, disliked, and its topic. The QĐ 766 index (src/modules/indexes)
 * counts 5.1–5.3 from this too.
 */
export type PaknIndexItem = { id: number; code: string; receivedAt: Date; topic: FeedbackTopic; late: boolean; disliked: boolean };

export async function paknIndexItems(tx: Tx, q: { agencyId: number; from: string; to: string; now?: Date }): Promise<PaknIndexItem[]> {
  const start = localDayStart(q.from);
  const end = new Date(localDayStart(q.to).getTime() + 86_400_000);
  const now = q.now ?? new Date();
  const cut = now.getTime() < end.getTime() ? now : end;
  const pakn = await tx.query<{
    id: number;
    code: string;
    received_at: Date;
    topic: FeedbackTopic;
    status: FeedbackStatus;
    consent_publish: boolean;
    triage_due_at: Date;
    info_due_at: Date;
    answer_due_at: Date;
    publish_due_at: Date | null;
    petitioner_rating: string | null;
    events: { action: string; at: string; to: FeedbackStatus }[];
  }>(
    `select f.id, f.code, f.received_at, f.topic, f.status, f.consent_publish, f.triage_due_at, f.info_due_at, f.answer_due_at, f.publish_due_at, f.petitioner_rating,
       coalesce((select json_agg(json_build_object('action', e.action, 'at', e.at, 'to', e.to_status) order by e.at, e.id) from feedback_events e
                 where e.feedback_id = f.id and e.at < $4), '[]') as events
     from feedback f where f.agency_id = $1 and f.received_at >= $2 and f.received_at < $3 order by f.received_at, f.id`,
    [q.agencyId, start, end, cut],
  );
  return pakn.map((f) => {
    // Events before the cut only: the PAKN as it stood then (one answered after the period was still open at its end).
    const events = f.events.map((e) => ({ action: e.action, at: new Date(e.at), to: e.to }));
    const status = events.at(-1)?.to ?? f.status;
    const late = isLate(
      {
        status,
        consentToPublish: f.consent_publish,
        due: { triage: f.triage_due_at, info: f.info_due_at, answer: f.answer_due_at, publish: f.publish_due_at },
        done: stepsDone(events),
      },
      cut,
    );
    return { id: f.id, code: f.code, receivedAt: f.received_at, topic: f.topic, late, disliked: f.petitioner_rating === "dissatisfied" };
  });
}

export async function indexFigures(tx: Tx, q: { agencyId: number; from: string; to: string; now?: Date }): Promise<IndexFigures> {
  const start = localDayStart(q.from);
  const end = new Date(localDayStart(q.to).getTime() + 86_400_000);
  const now = q.now ?? new Date();
  const cut = now.getTime() < end.getTime() ? now : end;
  const items = await paknIndexItems(tx, q);

  const dossiers = await tx.query<{ due_at: Date | null; finished_at: Date | null; supplement_count: number; feedback: boolean; disliked: boolean }>(
    `select d.due_at, d.finished_at, d.supplement_count,
       exists (select 1 from feedback f where f.dossier_id = d.id) as feedback,
       exists (select 1 from dossier_ratings r where r.dossier_id = d.id and r.overall = 'dissatisfied') as disliked
     from dossiers d where d.agency_id = $1 and d.received_at >= $2 and d.received_at < $3 and d.status <> 'withdrawn'`,
    [q.agencyId, start, end],
  );
  const dossierItems = dossiers.map((d) => {
    const finished = d.finished_at && d.finished_at.getTime() < cut.getTime() ? d.finished_at : null;
    const overdue = finished
      ? classifyResolution({ finishedAt: finished, dueAt: d.due_at, supplementCount: d.supplement_count }) === "late"
      : d.due_at !== null && d.due_at.getTime() < cut.getTime();
    return { overdue, feedback: d.feedback, disliked: d.disliked };
  });

  const onTime = onTimeFeedbackRate(items);
  const satisfaction = feedbackSatisfactionRate(items);
  const procedures = procedureSatisfactionRate(dossierItems);
  return {
    period: { from: q.from, to: q.to },
    feedback: { received: items.length, late: items.filter((i) => i.late).length, disliked: items.filter((i) => i.disliked).length },
    byTopic: Object.fromEntries(FEEDBACK_TOPICS.map((topic) => [topic, items.filter((f) => f.topic === topic).length])) as Record<FeedbackTopic, number>,
    onTime: { ...onTime, points: indicatorPoints("5.2", onTime.rate) },
    feedbackSatisfaction: { ...satisfaction, points: indicatorPoints("5.3", satisfaction.rate) },
    procedureSatisfaction: { ...procedures, points: indicatorPoints("5.4", procedures.rate) },
  };
}
