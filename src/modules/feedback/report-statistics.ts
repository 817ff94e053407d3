// The PAKN figures reports quote (FeedbackStatistics, src/domain/reports/contracts.ts): the commune's
// periodic report and the province's combined report. Counted by the rules of the indicators
// (indicators.ts), so a report and the QĐ 766 page never disagree:
// - received: received in the period, by topic;
// - resolved: the answer approved in the period; late when a limited step was taken after its limit
//   (isLate, as indicator 5.2);
// - refused: refused as outside the scope in the period;
// - in progress: received before the period's end and, as it stood then, still owed an answer
//   (received, more information asked, assigned, awaiting approval); overdue as the queues say;
// - published: answers published on the portal in the period.

import type { Tx } from "../../db/scope";
import type { FeedbackStatistics, ReportPeriod } from "../../domain/reports/contracts";
import { FEEDBACK_TOPICS, type FeedbackTopic } from "../../domain/feedback/submission";
import { isLate } from "../../domain/feedback/timeliness";
import type { FeedbackStatus } from "../../domain/feedback/workflow";
import { localDayStart } from "./ratings";
import { stepsDone } from "./service";

/** The topic as the report prints it (Vietnamese: reports are state documents). */
export const TOPIC_LABELS = {
  procedure: "Thủ tục hành chính",
  dossier: "Giải quyết hồ sơ",
  conduct: "Hành vi, thái độ của cán bộ",
  rule: "Quy định hành chính",
  other: "Nội dung khác",
} as const satisfies Record<FeedbackTopic, string>;

const OPEN: readonly FeedbackStatus[] = ["received", "info_requested", "assigned", "awaiting_approval"];

export async function feedbackStatistics(tx: Tx, p: ReportPeriod & { now?: Date }): Promise<FeedbackStatistics> {
  const start = localDayStart(p.from);
  const end = new Date(localDayStart(p.to).getTime() + 86_400_000);
  const now = p.now ?? new Date();
  const cut = now.getTime() < end.getTime() ? now : end;
  const rows = await tx.query<{
    topic: FeedbackTopic;
    status: FeedbackStatus;
    received_at: Date;
    consent_publish: boolean;
    triage_due_at: Date;
    info_due_at: Date;
    answer_due_at: Date;
    publish_due_at: Date | null;
    events: { action: string; at: string; to: FeedbackStatus }[];
  }>(
    `select f.topic, f.status, f.received_at, f.consent_publish, f.triage_due_at, f.info_due_at, f.answer_due_at, f.publish_due_at,
       coalesce((select json_agg(json_build_object('action', e.action, 'at', e.at, 'to', e.to_status) order by e.at, e.id) from feedback_events e
                 where e.feedback_id = f.id and e.at < $3), '[]') as events
     from feedback f where f.agency_id = $1 and f.received_at < $3
       and (f.received_at >= $2 or f.closed_at is null or f.closed_at >= $2 or f.answered_at >= $2 or f.published_at >= $2)`,
    [p.agencyId, start, cut],
  );
  const out: FeedbackStatistics = {
    period: { from: p.from, to: p.to },
    received: 0,
    byCategory: [],
    resolved: { total: 0, onTime: 0, late: 0 },
    refused: 0,
    inProgress: { total: 0, overdue: 0 },
    published: 0,
  };
  const byTopic = new Map<FeedbackTopic, number>();
  const inPeriod = (at: Date | undefined) => at !== undefined && at.getTime() >= start.getTime() && at.getTime() < cut.getTime();
  for (const f of rows) {
    const events = f.events.map((e) => ({ action: e.action, at: new Date(e.at), to: e.to }));
    // The PAKN as it stood at the end of the period (or now).
    const status = events.at(-1)?.to ?? (f.received_at.getTime() < cut.getTime() ? "received" : f.status);
    const clock = { status, consentToPublish: f.consent_publish, due: { triage: f.triage_due_at, info: f.info_due_at, answer: f.answer_due_at, publish: f.publish_due_at }, done: stepsDone(events) };
    const late = isLate(clock, cut);
    if (f.received_at.getTime() >= start.getTime()) {
      out.received++;
      byTopic.set(f.topic, (byTopic.get(f.topic) ?? 0) + 1);
    }
    const approved = events.find((e) => e.action === "approve")?.at;
    if (inPeriod(approved)) {
      out.resolved.total++;
      if (late) out.resolved.late++;
      else out.resolved.onTime++;
    }
    if (inPeriod(events.find((e) => e.action === "reject")?.at)) out.refused++;
    if (inPeriod(events.find((e) => e.action === "publish")?.at)) out.published++;
    if (OPEN.includes(status)) {
      out.inProgress.total++;
      if (late) out.inProgress.overdue++;
    }
  }
  out.byCategory = FEEDBACK_TOPICS.filter((t) => byTopic.has(t)).map((t) => ({ category: TOPIC_LABELS[t], count: byTopic.get(t)! }));
  return out;
}
