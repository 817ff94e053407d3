import { describe, expect, it } from "vitest";
import { isLowRating, itemPoints, MAX_POINTS, quarterOf, quarterRange, RATING_ITEMS, RatingInput, summarise, totalPoints } from "./rating";
import { cleanFeedbackText, contactMatches, FEEDBACK_CODE, FeedbackSubmission, formatFeedbackCode } from "./submission";

const items = (...p: number[]) => Object.fromEntries(p.map((v, i) => [String(i + 1), v]));

describe("a dossier's rating", () => {
  it("has the 9 items of the official form, 0–2 points each, 18 in all", () => {
    expect(RATING_ITEMS).toHaveLength(9);
    expect(MAX_POINTS).toBe(18);
    const r = RatingInput.parse({ overall: "satisfied", items: items(2, 2, 1, 2, 2, 1, 2, 2, 0), comment: "  Cán bộ nhiệt tình\u0007 " });
    expect(itemPoints(r.items)).toEqual([2, 2, 1, 2, 2, 1, 2, 2, 0]);
    expect(totalPoints(r.items)).toBe(14);
    expect(r.comment).toBe("Cán bộ nhiệt tình");
  });

  it("refuses a missing item, a point outside 0–2, an unknown overall level and an overlong comment", () => {
    const bad = [
      { overall: "satisfied", items: items(2, 2, 2, 2, 2, 2, 2, 2) },
      { overall: "satisfied", items: items(2, 2, 2, 2, 2, 2, 2, 2, 3) },
      { overall: "satisfied", items: items(2, 2, 2, 2, 2, 2, 2, 2, -1) },
      { overall: "satisfied", items: items(2, 2, 2, 2, 2, 2, 2, 2, 1.5) },
      { overall: "happy", items: items(2, 2, 2, 2, 2, 2, 2, 2, 2) },
      { overall: "satisfied", items: items(2, 2, 2, 2, 2, 2, 2, 2, 2), comment: "x".repeat(1001) },
    ];
    for (const b of bad) expect(RatingInput.safeParse(b).success, JSON.stringify(b).slice(0, 80)).toBe(false);
    expect(RatingInput.safeParse({ overall: "dissatisfied", items: items(0, 0, 0, 0, 0, 0, 0, 0, 0) }).success).toBe(true);
  });

  it("summarises a quarter: share satisfied (very + satisfied), each item's average, the average total", () => {
    const rows = [
      { overall: "very_satisfied" as const, items: [2, 2, 2, 2, 2, 2, 2, 2, 2] },
      { overall: "satisfied" as const, items: [2, 1, 2, 2, 1, 2, 1, 2, 1] },
      { overall: "satisfied" as const, items: [1, 1, 2, 2, 2, 2, 2, 2, 0] },
      { overall: "dissatisfied" as const, items: [0, 0, 1, 2, 1, 1, 0, 1, 0] },
    ];
    const s = summarise(rows);
    expect(s.count).toBe(4);
    expect(s.satisfied).toBe(0.75);
    expect(s.verySatisfied).toBe(0.25);
    expect(s.dissatisfied).toBe(0.25);
    expect(s.itemAverages).toEqual([1.25, 1, 1.75, 2, 1.5, 1.75, 1.25, 1.75, 0.75]);
    expect(s.averagePoints).toBe((18 + 14 + 14 + 6) / 4);
    expect(summarise([])).toMatchObject({ count: 0, satisfied: null, averagePoints: null });
  });

  it("asks for follow-up on a dislike or on half the points or fewer", () => {
    expect(isLowRating({ overall: "dissatisfied", points: 18 })).toBe(true);
    expect(isLowRating({ overall: "satisfied", points: 9 })).toBe(true);
    expect(isLowRating({ overall: "satisfied", points: 10 })).toBe(false);
  });

  it("places ratings in quarters by Vietnam time", () => {
    expect(quarterOf(new Date("2026-03-31T16:59:00Z"))).toEqual({ year: 2026, quarter: 1 });
    expect(quarterOf(new Date("2026-03-31T17:00:00Z"))).toEqual({ year: 2026, quarter: 2 });
    expect(quarterRange(2026, 1)).toEqual({ from: "2026-01-01", to: "2026-03-31" });
    expect(quarterRange(2024, 4)).toEqual({ from: "2024-10-01", to: "2024-12-31" });
  });
});

describe("a PAKN as sent", () => {
  const base = { topic: "procedure", subject: "Thời gian chứng thực", content: "Đề nghị xã bố trí thêm người chứng thực vào sáng thứ Hai.", anonymous: true, contact: { phone: "0912 345 678" } };

  it("keeps a contact for the answer and drops the name of an anonymous petitioner", () => {
    const v = FeedbackSubmission.parse({ ...base, contact: { ...base.contact, fullName: "Nguyễn Văn A" } });
    expect(v.contact).toEqual({ fullName: undefined, phone: "0912345678", email: undefined });
    expect(v.consentToPublish).toBe(false);
  });

  it("requires a name unless anonymous, a phone or an e-mail address, and a dossier code for a dossier", () => {
    const fails = (o: object) => FeedbackSubmission.safeParse(o).error?.issues.map((i) => i.message);
    expect(fails({ ...base, anonymous: false })).toEqual(["msg:feedback.err.fullName"]);
    expect(fails({ ...base, contact: {} })).toEqual(["msg:feedback.err.contact"]);
    expect(fails({ ...base, contact: { phone: "12345" } })).toContain("msg:feedback.err.phone");
    expect(fails({ ...base, contact: { email: "not-an-address" } })).toContain("msg:feedback.err.email");
    expect(fails({ ...base, topic: "dossier" })).toEqual(["msg:feedback.err.dossierCode"]);
    expect(fails({ ...base, topic: "weather" })).toEqual(["msg:feedback.err.topic"]);
    expect(fails({ ...base, subject: "ab" })).toEqual(["msg:feedback.err.subject"]);
    expect(fails({ ...base, content: "x".repeat(5001) })).toEqual(["msg:feedback.err.contentLong"]);
  });

  it("cleans pasted HTML to its text with the article sanitiser: no markup, no script survives", () => {
    const v = FeedbackSubmission.parse({
      ...base,
      content: '<p>Đề nghị <b>giảm</b> thời gian chờ</p><script>alert(1)</script><img src=x onerror="alert(2)"><p>tại Bộ phận Một cửa.</p>',
    });
    expect(v.content).toBe("Đề nghị giảm thời gian chờ\ntại Bộ phận Một cửa.");
    expect(cleanFeedbackText("dòng 1\r\n\r\n\r\n\r\n  dòng\u0000 2  ")).toBe("dòng 1\n\ndòng 2");
  });

  it("is followed with the last 4 digits of the phone, or the e-mail address when no phone was given", () => {
    expect(contactMatches({ phone: "0912345678", email: null }, "5678")).toBe(true);
    expect(contactMatches({ phone: "0912345678", email: "a@b.vn" }, "a@b.vn")).toBe(false);
    expect(contactMatches({ phone: "0912345678", email: null }, "678")).toBe(false);
    expect(contactMatches({ phone: null, email: "Lan@Example.vn" }, " lan@example.vn ")).toBe(true);
    expect(contactMatches({ phone: null, email: null }, "")).toBe(false);
  });

  it("gets a code with the receipt date in Vietnam time and 6 readable random characters", () => {
    const code = formatFeedbackCode(new Date("2026-03-11T18:30:00Z"), new Uint8Array([0, 1, 31, 32, 200, 255]));
    expect(code).toBe("PAKN-260312-23Z2AZ");
    expect(FEEDBACK_CODE.test(code)).toBe(true);
    expect(FEEDBACK_CODE.test("PAKN-260312-0OI1AB")).toBe(false);
  });
});
