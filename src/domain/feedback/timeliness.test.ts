import { describe, expect, it } from "vitest";
import { computeDeadline, type Pause } from "../calendar/deadline";
import { WorkingCalendar } from "../calendar/working-calendar";
import { checkSteps, currentDue, type FeedbackClock, isLate, isOverdueNow } from "./timeliness";
import { FEEDBACK_LIMITS, type FeedbackStep } from "./workflow";

// The calendar with the official 2026 schedule (Tết 16–20/02, 30/4–1/5 with Giỗ Tổ moved to
// Monday 27/4, 2/9), office hours 07:30–11:30 and 13:30–17:00 Monday to Friday. A PAKN's limits are
// counted as the service counts them: the step's amount in working days from the receipt (or from
// the answer, to publish), the answer's clock stopped while the petitioner is asked for more.
const cal = new WorkingCalendar();

function due(step: FeedbackStep, start: string, pauses: readonly Pause[] = []): string {
  const limit = FEEDBACK_LIMITS[step];
  return computeDeadline({ start, amount: limit.amount, unit: limit.unit, calendar: cal, pauses }).due;
}

describe("PAKN deadlines across weekends and holidays", () => {
  it("a PAKN received on Thursday afternoon: refuse by Monday, ask by Thursday, answer three weeks later", () => {
    const at = "2026-03-12T15:00:00+07:00";
    expect(due("triage", at)).toBe("2026-03-16T15:00:00+07:00");
    expect(due("info", at)).toBe("2026-03-19T15:00:00+07:00");
    expect(due("answer", at)).toBe("2026-04-02T15:00:00+07:00");
  });

  it("Tết 2026: received Friday 13/02 before the five days off, refused by Tuesday 24/02", () => {
    const at = "2026-02-13T09:00:00+07:00";
    expect(due("triage", at)).toBe("2026-02-24T09:00:00+07:00");
    expect(due("info", at)).toBe("2026-02-27T09:00:00+07:00");
    // 15 working days: the week of Tết and its two weekends do not count.
    expect(due("answer", at)).toBe("2026-03-13T09:00:00+07:00");
  });

  it("30/4–1/5 and the Giỗ Tổ day moved to Monday 27/4: an answer approved Wednesday 29/4 is published by Tuesday 5/5", () => {
    expect(due("publish", "2026-04-29T10:00:00+07:00")).toBe("2026-05-05T10:00:00+07:00");
    expect(due("triage", "2026-04-24T16:00:00+07:00")).toBe("2026-04-29T16:00:00+07:00");
  });

  it("received on a Sunday: the count starts at Monday's opening", () => {
    expect(due("triage", "2026-03-15T20:00:00+07:00")).toBe("2026-03-17T17:00:00+07:00");
  });

  it("the answer's clock stops while the petitioner is asked for more: three working days of waiting move it by three", () => {
    const at = "2026-03-02T09:00:00+07:00";
    expect(due("answer", at)).toBe("2026-03-23T09:00:00+07:00");
    // Asked Wednesday 04/03 09:00, answered Monday 09/03 09:00: Wed, Thu, Fri = 3 working days.
    expect(due("answer", at, [{ from: "2026-03-04T09:00:00+07:00", to: "2026-03-09T09:00:00+07:00" }])).toBe("2026-03-26T09:00:00+07:00");
  });
});

const d = (s: string) => new Date(s);
const base: FeedbackClock = {
  status: "assigned",
  consentToPublish: true,
  due: { triage: d("2026-03-16T15:00:00+07:00"), info: d("2026-03-19T15:00:00+07:00"), answer: d("2026-04-02T15:00:00+07:00"), publish: null },
  done: {},
};

describe("PAKN lateness", () => {
  it("an open PAKN is late only once its answer is past due, and not while the petitioner is asked", () => {
    expect(isLate(base, d("2026-04-02T15:00:00+07:00"))).toBe(false);
    expect(isLate(base, d("2026-04-02T15:01:00+07:00"))).toBe(true);
    expect(isLate({ ...base, status: "info_requested" }, d("2026-04-10T00:00:00+07:00"))).toBe(false);
  });

  it("refused or sent on after 2 working days is late; no answer is owed then", () => {
    const refused = { ...base, status: "rejected" as const, done: { triage: d("2026-03-17T08:00:00+07:00") } };
    expect(checkSteps(refused, d("2026-06-01T00:00:00+07:00"))).toEqual([{ step: "triage", due: base.due.triage, at: refused.done.triage, late: true }]);
    expect(isLate({ ...refused, done: { triage: d("2026-03-16T14:00:00+07:00") } }, d("2026-06-01T00:00:00+07:00"))).toBe(false);
  });

  it("asked for more after 5 working days is late even when the answer is on time", () => {
    const c: FeedbackClock = { ...base, status: "answered", consentToPublish: false, done: { info: d("2026-03-20T09:00:00+07:00"), answer: d("2026-03-30T09:00:00+07:00") } };
    expect(checkSteps(c, d("2026-04-30T00:00:00+07:00")).map((s) => `${s.step}:${s.late}`)).toEqual(["info:true", "answer:false"]);
  });

  it("publishing is owed after an answer the petitioner agreed to publish, and late after 2 working days", () => {
    const answered: FeedbackClock = { ...base, status: "answered", due: { ...base.due, publish: d("2026-04-01T10:00:00+07:00") }, done: { answer: d("2026-03-30T10:00:00+07:00") } };
    expect(isLate(answered, d("2026-04-01T10:00:00+07:00"))).toBe(false);
    expect(isLate(answered, d("2026-04-01T10:30:00+07:00"))).toBe(true);
    expect(isOverdueNow(answered, d("2026-04-01T10:30:00+07:00"))).toBe(true);
    expect(isLate({ ...answered, consentToPublish: false }, d("2026-05-01T00:00:00+07:00"))).toBe(false);
    expect(isOverdueNow({ ...answered, consentToPublish: false }, d("2026-05-01T00:00:00+07:00"))).toBe(false);
    const published = { ...answered, status: "published" as const, done: { ...answered.done, publish: d("2026-04-02T08:00:00+07:00") } };
    expect(checkSteps(published, d("2026-05-01T00:00:00+07:00")).map((s) => `${s.step}:${s.late}`)).toEqual(["answer:false", "publish:true"]);
  });

  it("overdue in the queues: a PAKN still to classify after 2 working days, an answer past due", () => {
    const received = { ...base, status: "received" as const };
    expect(currentDue(received)).toEqual({ step: "triage", due: base.due.triage });
    expect(isOverdueNow(received, d("2026-03-16T15:01:00+07:00"))).toBe(true);
    expect(isOverdueNow(base, d("2026-03-20T00:00:00+07:00"))).toBe(false);
    expect(isOverdueNow({ ...base, status: "info_requested" }, d("2026-12-31T00:00:00+07:00"))).toBe(false);
    expect(isOverdueNow({ ...base, status: "closed" }, d("2026-12-31T00:00:00+07:00"))).toBe(false);
  });
});
