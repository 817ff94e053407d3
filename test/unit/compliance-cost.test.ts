import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CostItem, complianceCost, hourlyIncome, percentText, simplificationRate } from "../../src/domain/catalog/compliance-cost";
import { type Assessment, CONCLUSIONS, REVIEW_PARTS, reviewProblems } from "../../src/domain/catalog/review";
import { composeReviewReport, composeSimplificationProposal, costItemsTable, type ReviewForDocument, type RoundForDocument } from "../../src/domain/catalog/review-documents";

// The compliance cost model of Thông tư 02/2017/TT-VPCP (its guide to calculating compliance
// costs, worksheet Biểu mẫu 03/SCM-KSTT): hourly income = yearly income per head ÷ 12 ÷ 22 ÷ 8;
// a dossier = Σ hours × hourly income + other costs + fees; a year = a dossier × dossiers a year.
//
// Source of the figures: the circular's appendix was not available where this was written (no
// copy of its worked example could be read here), so the example below is our own, worked by
// hand on the circular's formula with the income figure the product ships as its default
// (GDP per head 2024, 114.000.000 đồng, General Statistics Office). Replace it with the
// appendix's own figures when they are checked against the published text.
const WAGE = { annualIncomeVnd: 114_000_000 };

/** Chứng thực bản sao: before — photocopy, a trip to the commune and back, a wait at the desk; after — sent online, a short wait. */
const ITEMS: CostItem[] = [
  { activity: "document", label: "Bản sao giấy tờ cần chứng thực", hoursBefore: 0.5, hoursAfter: 0.5, otherBefore: 1_000, otherAfter: 1_000 },
  { activity: "travel", label: "Đi lại nộp hồ sơ và nhận kết quả", hoursBefore: 2, hoursAfter: 0, otherBefore: 30_000, otherAfter: 0 },
  { activity: "waiting", label: "Chờ tiếp nhận và trả kết quả", hoursBefore: 1, hoursAfter: 0.25, otherBefore: 0, otherAfter: 0 },
];

describe("compliance cost (standard cost model)", () => {
  it("values an hour as the yearly income per head over 12 months, 22 working days and 8 hours", () => {
    // 114.000.000 : 12 : 22 : 8 = 53.977,27 đồng
    expect(hourlyIncome(WAGE)).toBeCloseTo(53_977.2727, 3);
    expect(hourlyIncome({ annualIncomeVnd: 126_720_000 })).toBe(60_000);
  });

  it("works the example through: per dossier, per year, the saving and the rate", () => {
    const r = complianceCost({ items: ITEMS, feeBefore: 2_000, feeAfter: 2_000, dossiersPerYear: 1_000 }, WAGE);
    // Before: (0,5 + 2 + 1) h × 53.977,27 = 188.920,45; + 1.000 + 30.000 other; + 2.000 fee = 221.920,45 đồng a dossier.
    // After:  (0,5 + 0 + 0,25) h × 53.977,27 = 40.482,95; + 1.000 other; + 2.000 fee = 43.482,95 đồng a dossier.
    expect(r.perDossier).toEqual({ before: 221_920, after: 43_483 });
    expect(r.lines.map((l) => [l.before, l.after])).toEqual([
      [27_989, 27_989],
      [137_955, 0],
      [53_977, 13_494],
      [2_000, 2_000],
    ]);
    // × 1.000 dossiers a year.
    expect(r.before).toBe(221_920_455);
    expect(r.after).toBe(43_482_955);
    expect(r.saving).toBe(178_437_500);
    // 178.437.500 ÷ 221.920.455 = 80,41 %
    expect(r.savingRate).toBe(80.41);
    expect(percentText(r.savingRate)).toBe("80,41%");
  });

  it("sums procedures into the simplification rate (total saving over total cost before)", () => {
    const a = complianceCost({ items: ITEMS, feeBefore: 2_000, feeAfter: 2_000, dossiersPerYear: 1_000 }, WAGE);
    const b = complianceCost({ items: [ITEMS[2]!], feeBefore: 0, feeAfter: 0, dossiersPerYear: 400 }, WAGE);
    const all = simplificationRate([a, b]);
    expect(all.before).toBe(a.before + b.before);
    expect(all.saving).toBe(a.saving + b.saving);
    expect(all.savingRate).toBe(Math.round((all.saving / all.before) * 10000) / 100);
    expect(simplificationRate([])).toEqual({ before: 0, after: 0, saving: 0, savingRate: 0 });
  });

  it("never saves more than it cost, and scales with the dossiers (property)", () => {
    const item = fc.record({
      activity: fc.constantFrom("document", "travel", "waiting", "submission", "other") as fc.Arbitrary<CostItem["activity"]>,
      label: fc.constant("x"),
      hoursBefore: fc.integer({ min: 0, max: 4000 }).map((x) => x / 100),
      hoursAfter: fc.integer({ min: 0, max: 4000 }).map((x) => x / 100),
      otherBefore: fc.integer({ min: 0, max: 10_000_000 }),
      otherAfter: fc.integer({ min: 0, max: 10_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 12 }), fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 100_000 }), (items, fee, n) => {
        const r = complianceCost({ items, feeBefore: fee, feeAfter: fee, dossiersPerYear: n }, WAGE);
        expect(r.saving).toBe(r.before - r.after);
        expect(r.savingRate).toBeLessThanOrEqual(100);
        if (items.every((i) => i.hoursAfter <= i.hoursBefore && i.otherAfter <= i.otherBefore)) expect(r.saving).toBeGreaterThanOrEqual(-1);
        if (n === 0) expect(r.before).toBe(0);
      }),
    );
  });
});

describe("a review form is complete when", () => {
  const all: Assessment = Object.fromEntries(REVIEW_PARTS.map((p) => [p, { necessary: "yes", reasonable: "yes", lawful: "yes", proposal: "", reason: "" }]));
  it("every part is answered, a 'no' has its proposal and reason, the conclusion agrees and the cost has a line", () => {
    expect(reviewProblems({ assessment: all, conclusion: "keep", costLines: 1 })).toEqual([]);
    expect(reviewProblems({ assessment: {}, conclusion: null, costLines: 0 }).map((p) => p.key)).toEqual([
      ...REVIEW_PARTS.map(() => "reviews.problem.unanswered"),
      "reviews.problem.noConclusion",
      "reviews.problem.noCost",
    ]);
    const no: Assessment = { ...all, fees: { necessary: "yes", reasonable: "no", lawful: "yes", proposal: "", reason: "" } };
    expect(reviewProblems({ assessment: no, conclusion: "amend", costLines: 1 }).map((p) => [p.part, p.key])).toEqual([
      ["fees", "reviews.problem.noProposal"],
      ["conclusion", "reviews.problem.amendWithout"],
    ]);
    const proposed: Assessment = { ...all, fees: { necessary: "yes", reasonable: "no", lawful: "yes", proposal: "Miễn lệ phí", reason: "" } };
    expect(reviewProblems({ assessment: proposed, conclusion: "keep", costLines: 1 }).map((p) => p.key)).toEqual(["reviews.problem.noReason", "reviews.problem.keepWithProposals"]);
    expect(CONCLUSIONS).toEqual(["keep", "amend", "abolish", "replace"]);
  });
});

describe("the review documents", () => {
  const cost = complianceCost({ items: ITEMS, feeBefore: 2_000, feeAfter: 2_000, dossiersPerYear: 1_000 }, WAGE);
  const review: ReviewForDocument = {
    code: "2.000815",
    name: "Chứng thực bản sao từ bản chính",
    field: "Chứng thực",
    reviewer: "Trần Văn Hùng",
    completedOn: "2026-10-01",
    conclusion: "amend",
    recommendation: "Sửa đổi Điều 20 Nghị định 23/2015/NĐ-CP",
    changes: [{ part: "channels", proposal: "Cho nộp trực tuyến bản chụp", reason: "Không phải đến trụ sở" }],
    items: ITEMS,
    cost,
  };
  const round: RoundForDocument = {
    agency: { name: "Ủy ban nhân dân xã Minh Tiến", unitName: "Xã Minh Tiến" },
    parentName: "Ủy ban nhân dân tỉnh Thái Nguyên",
    year: 2026,
    plan: { code: "05/KH-UBND", issuedOn: "2026-02-10" },
    wage: { annualIncomeVnd: 114_000_000, year: 2024, source: "Tổng cục Thống kê" },
    reviews: [review],
    issued: { number: 82, symbol: "BC-UBND", date: "2026-11-15" },
    draftDate: "2026-11-15",
    signer: { mode: "KT", name: "Ngô Thị Hạnh" },
  };

  it("the report: header, legal basis and plan, results table, cost table with totals, signature", () => {
    const doc = composeReviewReport(round);
    expect(doc.header.numberLine).toBe("Số: 82/BC-UBND");
    expect(doc.header.placeDate).toBe("Minh Tiến, ngày 15 tháng 11 năm 2026");
    expect(doc.kindTitle).toBe("BÁO CÁO");
    expect(doc.subject).toBe("Kết quả rà soát, đánh giá thủ tục hành chính năm 2026");
    const first = doc.body[0];
    expect(first?.type === "paragraph" && first.text).toContain("Kế hoạch số 05/KH-UBND ngày 10/02/2026");
    const tables = doc.body.filter((b) => b.type === "table");
    expect(tables).toHaveLength(2);
    const costTable = tables[1]!.type === "table" ? tables[1]!.table : undefined;
    expect(costTable?.rows).toEqual([
      ["1", "Chứng thực bản sao từ bản chính (2.000815)", "221.920.455", "43.482.955", "178.437.500", "80,41%"],
      ["", "Tổng cộng", "221.920.455", "43.482.955", "178.437.500", "80,41%"],
    ]);
    expect(doc.signature).toEqual({ authorityLines: ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], name: "Ngô Thị Hạnh" });
    expect(doc.recipients[0]).toBe("Ủy ban nhân dân tỉnh Thái Nguyên (qua Văn phòng);");
    expect(doc.draftMark).toBeUndefined();
  });

  it("the proposal: per procedure a) what and why, b) what to amend, c) the benefit, with the cost table", () => {
    const doc = composeSimplificationProposal({ ...round, issued: undefined as never, signer: null });
    expect(doc.kindTitle).toBe("PHƯƠNG ÁN");
    expect(doc.draftMark).toBe("DỰ THẢO");
    const texts = doc.body.map((b) => (b.type === "table" ? "[table]" : b.text));
    expect(texts).toEqual([
      "(Kèm theo Báo cáo kết quả rà soát, đánh giá thủ tục hành chính năm 2026 của Ủy ban nhân dân xã Minh Tiến)",
      "1. Chứng thực bản sao từ bản chính (mã 2.000815, lĩnh vực Chứng thực)",
      "a) Nội dung đơn giản hóa",
      "Cách thức thực hiện: Cho nộp trực tuyến bản chụp. Lý do: Không phải đến trụ sở.",
      "b) Kiến nghị thực thi",
      "Sửa đổi Điều 20 Nghị định 23/2015/NĐ-CP",
      "c) Lợi ích phương án đơn giản hóa",
      "Chi phí tuân thủ thủ tục hành chính trước khi đơn giản hóa: 221.920.455 đồng/năm.",
      "Chi phí tuân thủ thủ tục hành chính sau khi đơn giản hóa: 43.482.955 đồng/năm.",
      "Chi phí tiết kiệm: 178.437.500 đồng/năm.",
      "Tỷ lệ cắt giảm chi phí: 80,41%.",
      "[table]",
      expect.stringContaining("114.000.000 đồng/năm (Tổng cục Thống kê) : 12 tháng : 22 ngày : 8 giờ = 53.977 đồng/giờ"),
    ]);
    const t = costItemsTable(review);
    expect(t.groups?.map((g) => g.label)).toEqual(["", "Trước đơn giản hóa", "Sau đơn giản hóa"]);
    expect(t.rows.at(-1)).toEqual(["", "Một năm (1.000 hồ sơ)", "", "", "221.920.455", "", "", "43.482.955"]);
    expect(t.rows[1]).toEqual(["2", "Đi lại nộp hồ sơ và nhận kết quả (đi lại)", "2", "30.000", "137.955", "0", "0", "0"]);
  });
});
