import { describe, expect, it } from "vitest";
import { composePlan, planSubject, TASK_STATUS_WORDS } from "./plan-document";

const PLAN = {
  agency: { name: "Ủy ban nhân dân xã Minh Tiến", unitName: "Xã Minh Tiến" },
  title: "Kế hoạch cải cách hành chính xã Minh Tiến năm 2026",
  goals: "Vận hành Trung tâm Phục vụ hành chính công xã.\n- Tỷ lệ hồ sơ trực tuyến trên 50%.",
  draftDate: "2026-01-05",
  tasks: [
    { title: "Số hóa hồ sơ", owner: "Nguyễn Thị Hoa", deadline: "2026-06-30", status: "in_progress" as const, overdue: true },
    { title: "Tự đánh giá chỉ số CCHC", owner: "Phạm Quốc Bảo", deadline: null, status: "done" as const, overdue: false },
  ],
  signer: null,
};

describe("a plan as a document (Nghị định 30/2020)", () => {
  it("is titled KẾ HOẠCH with the title as subject, without repeating 'Kế hoạch'", () => {
    expect(planSubject("Kế hoạch cải cách hành chính năm 2026")).toBe("Cải cách hành chính năm 2026");
    expect(planSubject("Tuyên truyền cải cách hành chính năm 2024")).toBe("Tuyên truyền cải cách hành chính năm 2024");
    const doc = composePlan(PLAN);
    expect(doc.kindTitle).toBe("KẾ HOẠCH");
    expect(doc.subject).toBe("Cải cách hành chính xã Minh Tiến năm 2026");
    expect(doc.header.agencyLines).toEqual(["ỦY BAN NHÂN DÂN", "XÃ MINH TIẾN"]);
  });
  it("a draft has no number, today's date and the draft mark; an issued plan its number, date and signer", () => {
    const draft = composePlan(PLAN);
    expect(draft.header.numberLine).toBe("Số:       /KH-UBND");
    expect(draft.header.placeDate).toBe("Minh Tiến, ngày 05 tháng 01 năm 2026");
    expect(draft.draftMark).toBe("DỰ THẢO");
    const issued = composePlan({ ...PLAN, issued: { number: 3, symbol: "KH-UBND", date: "2026-01-06" }, signer: { mode: "KT", name: "Ngô Thị Hạnh" } });
    expect(issued.header.numberLine).toBe("Số: 03/KH-UBND");
    expect(issued.header.placeDate).toBe("Minh Tiến, ngày 06 tháng 01 năm 2026");
    expect(issued.draftMark).toBeUndefined();
    expect(issued.signature).toEqual({ authorityLines: ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], name: "Ngô Thị Hạnh" });
    expect(issued.recipients.at(-1)).toBe("Lưu: VT.");
  });
  it("lists the tasks in a table (task, owner, deadline, status in words)", () => {
    const doc = composePlan(PLAN);
    const table = doc.body.find((b) => b.type === "table");
    expect(table?.type === "table" && table.table.columns.map((c) => c.label)).toEqual(["STT", "Nhiệm vụ", "Người, đơn vị thực hiện", "Thời hạn", "Tình trạng"]);
    expect(table?.type === "table" && table.table.rows).toEqual([
      ["1", "Số hóa hồ sơ", "Nguyễn Thị Hoa", "30/06/2026", "Đang thực hiện (quá hạn)"],
      ["2", "Tự đánh giá chỉ số CCHC", "Phạm Quốc Bảo", "", "Đã hoàn thành"],
    ]);
    expect(doc.body.filter((b) => b.type === "heading").map((b) => b.type === "heading" && b.text)).toEqual([
      "I. MỤC ĐÍCH, YÊU CẦU",
      "II. NHIỆM VỤ VÀ PHÂN CÔNG THỰC HIỆN",
      "III. TỔ CHỨC THỰC HIỆN",
    ]);
    expect(doc.body).toContainEqual({ type: "bullet", text: "Tỷ lệ hồ sơ trực tuyến trên 50%." });
    for (const w of Object.values(TASK_STATUS_WORDS)) expect(w).toMatch(/^[A-ZĐ][^_]+$/u);
  });
  it("without goals or tasks it still reads as a plan", () => {
    const doc = composePlan({ ...PLAN, goals: "", tasks: [] });
    expect(doc.body.filter((b) => b.type === "heading").map((b) => b.type === "heading" && b.text)).toEqual(["I. NHIỆM VỤ VÀ PHÂN CÔNG THỰC HIỆN", "II. TỔ CHỨC THỰC HIỆN"]);
    expect(doc.body).toContainEqual({ type: "paragraph", text: "Kế hoạch chưa có nhiệm vụ." });
  });
});
