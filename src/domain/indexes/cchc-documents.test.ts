import { describe, expect, it } from "vitest";
import { indexTotals, validateCriteriaFile } from "./cchc";
import { composeAppraisalDecision, composeSelfAssessmentReport } from "./cchc-documents";
import { DEMO_CCHC_CRITERIA_FILE } from "./cchc-demo-set";

const checked = validateCriteriaFile(DEMO_CCHC_CRITERIA_FILE);
if (!checked.ok) throw new Error("demo set invalid");
const criteria = checked.set.criteria;
const self = new Map<string, number | null>([["1.1.1", 1], ["2.1", 2.5], ["9.3", 1]]);
const base = {
  agency: { name: "Ủy ban nhân dân xã Minh Tiến", unitName: "Xã Minh Tiến" },
  commune: { unitName: "Xã Minh Tiến" },
  year: 2026,
  criteria,
  selfPoints: self,
  draftDate: "2026-12-07",
  signer: { name: "Hoàng Văn Minh", title: "Chủ tịch UBND xã" },
};

describe("the index's documents", () => {
  it("drafts the self-assessment report unnumbered, with the table of areas and criteria", () => {
    const totals = indexTotals(criteria, self);
    const doc = composeSelfAssessmentReport({ ...base, totals, band: "below" });
    expect(doc.kindTitle).toBe("BÁO CÁO");
    expect(doc.header.numberLine).toBe("Số:       /BC-UBND");
    expect(doc.draftMark).toBe("DỰ THẢO");
    const table = doc.body.find((b) => b.type === "table");
    expect(table?.type === "table" && table.table.rows.length).toBe(criteria.length);
    // 1 + 2.5 − 1 (penalty) = 2.5 points
    expect(doc.body.some((b) => b.type === "paragraph" && b.text.includes("Tổng điểm tự đánh giá: 2,5/100 điểm"))).toBe(true);
    expect(doc.signature.authorityLines).toEqual(["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]);
  });

  it("numbers the decision from the register and lists the adjustments' reasons", () => {
    const final = new Map<string, number | null>([["1.1.1", 1], ["2.1", 2], ["9.3", 1]]);
    const doc = composeAppraisalDecision({
      ...base,
      agency: { name: "Ủy ban nhân dân tỉnh Thái Nguyên", unitName: "Tỉnh Thái Nguyên" },
      finalPoints: final,
      adjustments: [{ code: "2.1", reason: "Rà soát chưa đủ văn bản" }],
      totals: indexTotals(criteria, final),
      band: "below",
      issued: { code: "12/QĐ-UBND", date: "2026-12-07" },
      signer: { name: "Trịnh Quang Vinh", title: "Phó Chủ tịch UBND tỉnh" },
    });
    expect(doc.header.numberLine).toBe("Số: 12/QĐ-UBND");
    expect(doc.draftMark).toBeUndefined();
    expect(doc.header.placeDate).toBe("Thái Nguyên, ngày 07 tháng 12 năm 2026");
    expect(doc.body.some((b) => b.type === "bullet" && b.text === "2.1: Rà soát chưa đủ văn bản")).toBe(true);
    expect(doc.signature.authorityLines).toEqual(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]);
    const table = doc.body.find((b) => b.type === "table");
    expect(table?.type === "table" && table.table.rows.find((r) => r[0] === "2.1")?.slice(3)).toEqual(["2,5", "2"]);
  });
});
