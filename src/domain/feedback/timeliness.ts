// Whether a PAKN kept the legal limits (indicator 5.2 of QĐ 766/QĐ-TTg), and whether it is overdue
// now (queues, the overdue sweep). Due times are computed by the agency's working calendar when the
// PAKN is received (and when its clock resumes); here they are only compared.
//
// A step counts when it happened (refused or sent on: triage; more information asked: info; the
// leader approved the answer: answer; the answer published: publish) or when it is still owed:
// an answer not given by its due time is late even before it is given, except while the petitioner
// is asked for more (the clock stops, the due time moves when they answer); a publication is owed
// only after an answer the petitioner agreed to publish, and only until the PAKN is closed.

import { currentStep, type FeedbackStatus, type FeedbackStep } from "./workflow";

export type FeedbackClock = {
  status: FeedbackStatus;
  consentToPublish: boolean;
  due: { triage: Date; info: Date; answer: Date; publish: Date | null };
  /** When each limited step was first taken. */
  done: Partial<Record<FeedbackStep, Date>>;
};

export type StepCheck = { step: FeedbackStep; due: Date; at: Date | null; late: boolean };

const after = (a: Date, b: Date) => a.getTime() > b.getTime();

/** The limited steps that apply to this PAKN, each with its due time, when it was taken and whether it was (or is) late. */
export function checkSteps(c: FeedbackClock, now: Date): StepCheck[] {
  const out: StepCheck[] = [];
  const { done, due } = c;
  if (done.triage) out.push({ step: "triage", due: due.triage, at: done.triage, late: after(done.triage, due.triage) });
  if (done.info) out.push({ step: "info", due: due.info, at: done.info, late: after(done.info, due.info) });
  const answerOwed = c.status !== "rejected" && c.status !== "transferred";
  if (done.answer) out.push({ step: "answer", due: due.answer, at: done.answer, late: after(done.answer, due.answer) });
  else if (answerOwed) out.push({ step: "answer", due: due.answer, at: null, late: c.status !== "info_requested" && after(now, due.answer) });
  if (due.publish && done.publish) out.push({ step: "publish", due: due.publish, at: done.publish, late: after(done.publish, due.publish) });
  else if (due.publish && c.consentToPublish && c.status === "answered") out.push({ step: "publish", due: due.publish, at: null, late: after(now, due.publish) });
  return out;
}

/** Late for the index: some applicable step was (or is) taken after its limit. */
export function isLate(c: FeedbackClock, now: Date): boolean {
  return checkSteps(c, now).some((s) => s.late);
}

/** Due time of the step that runs now (received: classify within 2 working days), if any. */
export function currentDue(c: Pick<FeedbackClock, "status" | "consentToPublish" | "due">): { step: FeedbackStep; due: Date } | null {
  const step = currentStep(c.status, c.consentToPublish);
  if (!step) return null;
  const due = c.due[step];
  return due ? { step, due } : null;
}

/** Overdue in the queues and for the sweep: the running step's due time has passed. */
export function isOverdueNow(c: Pick<FeedbackClock, "status" | "consentToPublish" | "due">, now: Date): boolean {
  const d = currentDue(c);
  return d !== null && after(now, d.due);
}
