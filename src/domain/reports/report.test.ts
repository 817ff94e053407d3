import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agencyLines, documentCode, placeDate, placeName } from "../documents/numbering";
import { composeReport, defaultRecipients, fillTemplate, initialNarratives, normaliseRecipients, SIGNAGE_KIND_WORDS, sectionFacts } from "./cchc-communication";
import { SIGNAGE_KINDS } from "../communications/schemas";
import { addDays, checkPeriod, defaultPeriod, kindOf, nextPeriodLabel, periodLabel, STANDARD_PERIODS, type StandardPeriod } from "./period";
import { EMPTY_REPORT_DATA, SAMPLE_REPORT_DATA } from "./sample-data";

describe("document numbering and dates (Nghị định 30/2020, Phụ lục I)", () => {
  it("writes numbers below 10 and days 1–9, months 1–2 with a leading zero", () => {
    expect(documentCode(4, "KH-UBND")).toBe("04/KH-UBND");
    expect(documentCode(82, "BC-UBND")).toBe("82/BC-UBND");
    expect(placeDate("Minh Tiến", "2024-06-14")).toBe("Minh Tiến, ngày 14 tháng 6 năm 2024");
    expect(placeDate("Minh Tiến", "2024-01-08")).toBe("Minh Tiến, ngày 08 tháng 01 năm 2024");
    expect(placeDate("Minh Tiến", "2024-02-09")).toBe("Minh Tiến, ngày 09 tháng 02 năm 2024");
    expect(placeDate("Minh Tiến", "2024-03-10")).toBe("Minh Tiến, ngày 10 tháng 3 năm 2024");
  });
  it("names the agency in capitals over two lines and the place without the unit type", () => {
    expect(agencyLines("Ủy ban nhân dân xã Minh Tiến")).toEqual(["ỦY BAN NHÂN DÂN", "XÃ MINH TIẾN"]);
    expect(agencyLines("Uỷ ban nhân dân phường Ba Đình")).toEqual(["ỦY BAN NHÂN DÂN", "PHƯỜNG BA ĐÌNH"]);
    expect(placeName("Xã Minh Tiến")).toBe("Minh Tiến");
    expect(placeName("Phường Phan Đình Phùng")).toBe("Phan Đình Phùng");
  });
});

describe("reporting periods", () => {
  const today = "2026-11-28";
  it("accepts half-years, years and one year plus one day", () => {
    expect(checkPeriod("2024-01-01", "2024-06-30", today)).toBeUndefined();
    expect(checkPeriod("2024-01-01", "2024-12-31", today)).toBeUndefined();
    expect(checkPeriod("2023-01-01", "2024-01-01", today)).toBeUndefined();
    expect(checkPeriod("2026-11-01", "2026-11-29", today)).toBeUndefined();
  });
  it("refuses reversed, too long, too early, future and unreal dates", () => {
    expect(checkPeriod("2024-06-30", "2024-01-01", today)).toBe("reversed");
    expect(checkPeriod("2023-01-01", "2024-01-02", today)).toBe("too_long");
    expect(checkPeriod("1999-12-31", "2000-06-30", today)).toBe("too_early");
    expect(checkPeriod("2026-11-01", "2026-11-30", today)).toBe("future");
    expect(checkPeriod("2024-02-30", "2024-06-30", today)).toBe("format");
    expect(checkPeriod("2024-1-1", "2024-06-30", today)).toBe("format");
  });
  it("any accepted period is ordered, at most 367 days, within 2000..tomorrow unless a standard period in its last month (property)", () => {
    const day = fc.integer({ min: 0, max: 12000 }).map((n) => addDays("1995-01-01", n));
    fc.assert(
      fc.property(day, day, day, (from, to, on) => {
        if (checkPeriod(from, to, on) !== undefined) return;
        const len = (Date.parse(to) - Date.parse(from)) / 86400000 + 1;
        expect(to >= from).toBe(true);
        expect(len).toBeLessThanOrEqual(367);
        expect(from >= "2000-01-01").toBe(true);
        if (to > addDays(on, 1)) {
          const kind = kindOf(from, to);
          expect(kind).not.toBe("other");
          expect(on >= `${from.slice(0, 4)}-${STANDARD_PERIODS[kind as StandardPeriod].draftFrom}`).toBe(true);
        }
      }),
    );
  });
  // Issue 12: the hint promised "6 tháng cuối năm: 01/7 – 31/12" and December refused 31/12.
  it("accepts each standard period the hint lists from the first day of its last month, not before", () => {
    for (const [kind, p] of Object.entries(STANDARD_PERIODS)) {
      const from = `2026-${p.from}`;
      const to = `2026-${p.to}`;
      expect(kindOf(from, to)).toBe(kind);
      const opens = `2026-${p.draftFrom}`;
      expect(checkPeriod(from, to, opens), `${kind} on ${opens}`).toBeUndefined();
      expect(checkPeriod(from, to, addDays(opens, 10)), kind).toBeUndefined();
      expect(checkPeriod(from, to, addDays(opens, -1)), kind).toBe("too_soon");
      // After the period: always.
      expect(checkPeriod(from, to, "2027-03-01"), kind).toBeUndefined();
    }
    expect(checkPeriod("2026-07-01", "2026-12-31", "2026-12-07")).toBeUndefined();
    expect(checkPeriod("2026-01-01", "2026-12-31", "2026-12-07")).toBeUndefined();
    // Any other period still ends tomorrow at the latest.
    expect(checkPeriod("2026-12-01", "2026-12-31", "2026-12-07")).toBe("future");
    expect(checkPeriod("2026-07-01", "2026-12-30", "2026-12-07")).toBe("future");
  });
  it("proposes the period being drafted", () => {
    expect(defaultPeriod("2026-12-07")).toEqual({ from: "2026-07-01", to: "2026-12-31" });
    expect(defaultPeriod("2026-06-14")).toEqual({ from: "2026-01-01", to: "2026-06-30" });
    expect(defaultPeriod("2026-03-10")).toEqual({ from: "2026-01-01", to: "2026-03-10" });
    expect(defaultPeriod("2026-08-20")).toEqual({ from: "2026-07-01", to: "2026-08-20" });
    for (const d of ["2026-01-01", "2026-05-31", "2026-06-01", "2026-06-30", "2026-07-01", "2026-11-30", "2026-12-01", "2026-12-31"]) {
      const p = defaultPeriod(d);
      expect(checkPeriod(p.from, p.to, d), d).toBeUndefined();
    }
  });
  it("names the period and the next one as the report does", () => {
    expect(periodLabel("2024-01-01", "2024-06-30")).toBe("06 tháng đầu năm 2024");
    expect(nextPeriodLabel("2024-01-01", "2024-06-30")).toBe("06 tháng cuối năm 2024");
    expect(periodLabel("2024-07-01", "2024-12-31")).toBe("06 tháng cuối năm 2024");
    expect(nextPeriodLabel("2024-07-01", "2024-12-31")).toBe("06 tháng đầu năm 2025");
    expect(periodLabel("2024-01-01", "2024-12-31")).toBe("năm 2024");
    expect(periodLabel("2024-03-01", "2024-05-31")).toBe("từ ngày 01/03/2024 đến ngày 31/05/2024");
  });
});

describe("the CCHC communication report", () => {
  it("fills placeholders and leaves unknown ones for the drafter to see", () => {
    expect(fillTemplate("{coQuan} – {ky} – {khac}", { coQuan: "UBND xã Minh Tiến", ky: "năm 2024" })).toBe("UBND xã Minh Tiến – năm 2024 – {khac}");
    const n = initialNarratives(SAMPLE_REPORT_DATA);
    expect(n.organisation).toContain("Thực hiện Kế hoạch số 04/KH-UBND ngày 08/01/2024 về Kế hoạch cải cách hành chính xã Minh Tiến năm 2024, Kế hoạch số 06/KH-UBND ngày 08/01/2024");
    expect(n.closing).toContain("06 tháng đầu năm 2024 và phương hướng, nhiệm vụ 06 tháng cuối năm 2024, UBND xã Minh Tiến trân trọng báo cáo./.");
  });
  it("quotes every figure from the data", () => {
    const f = sectionFacts(SAMPLE_REPORT_DATA);
    expect(f.visual[0]).toContain("112 thủ tục hành chính");
    expect(f.visual.join(" ")).toContain("Tại ngã tư chợ Minh Tiến: 3 (áp phích, khẩu hiệu).");
    expect(f.visual.join(" ")).toContain("Tại cổng UBND xã: 2 (pano).");
    expect(f.media.join(" ")).toContain('chuyên mục "Cải cách hành chính" 12');
    expect(f.media.join(" ")).toContain("mới ban hành: 3; sửa đổi, bổ sung: 2; bãi bỏ: 1");
    expect(f.conferences[0]).toBe("Tổ chức 2 hội nghị, buổi tuyên truyền với 135 lượt người tham dự.");
    expect(f.organisation.join(" ")).toContain("1 nhiệm vụ quá hạn chưa hoàn thành");
  });
  it("words every signage kind, and no stored code reaches the document", () => {
    for (const k of SIGNAGE_KINDS) expect(SIGNAGE_KIND_WORDS[k]).toMatch(/^[a-zàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ ]+$/);
    const data = structuredClone(SAMPLE_REPORT_DATA);
    data.communications!.signage.byPlace = [{ place: "Cổng UBND xã", kinds: [...SIGNAGE_KINDS], count: 4 }];
    const doc = composeReport({ data, subject: "x", narratives: initialNarratives(data), recipients: [], draftDate: "2024-06-14", signer: null });
    const text = JSON.stringify(doc.body);
    expect(text).toContain("Tại Cổng UBND xã: 4 (pano, áp phích, khẩu hiệu, băng rôn).");
    for (const k of SIGNAGE_KINDS) expect(text).not.toMatch(new RegExp(`\\b${k}\\b`));
  });
  it("a half-year drafted in its last month says until which day its figures run", () => {
    const data = { ...structuredClone(SAMPLE_REPORT_DATA), period: { from: "2024-01-01", to: "2024-06-30", figuresTo: "2024-06-14" } };
    const doc = composeReport({ data, subject: "x", narratives: initialNarratives(data), recipients: [], draftDate: "2024-06-14", signer: null });
    expect(doc.body[1]).toEqual({ type: "paragraph", text: "(Số liệu tính đến ngày 14/06/2024)", italic: true });
    expect(JSON.stringify(doc.body)).toContain("Biểu 06. Tình hình, kết quả giải quyết thủ tục hành chính 06 tháng đầu năm 2024 (đến ngày 14/06/2024)");
  });
  it("with no data every part says so and no number appears", () => {
    const f = sectionFacts(EMPTY_REPORT_DATA);
    for (const line of Object.values(f).flat()) expect(line).toMatch(/^Trong kỳ chưa có số liệu/);
    const doc = composeReport({ data: EMPTY_REPORT_DATA, subject: "S", narratives: initialNarratives(EMPTY_REPORT_DATA), recipients: [], draftDate: "2024-06-14", signer: null });
    expect(doc.body.some((b) => b.type === "table")).toBe(false);
  });
  it("keeps the file copy last in the recipients", () => {
    expect(normaliseRecipients(["- Lưu: VT.", "UBND tỉnh;", ""])).toEqual(["UBND tỉnh;", "Lưu: VT."]);
    expect(normaliseRecipients(["Sở Nội vụ;"])).toEqual(["Sở Nội vụ;", "Lưu: VT."]);
    expect(defaultRecipients(SAMPLE_REPORT_DATA).at(-1)).toBe("Lưu: VT.");
  });
  it("lays out the header, title, signature and the Biểu 06 table", () => {
    const doc = composeReport({
      data: SAMPLE_REPORT_DATA,
      subject: "Công tác tuyên truyền cải cách hành chính 06 tháng đầu năm 2024",
      narratives: initialNarratives(SAMPLE_REPORT_DATA),
      recipients: defaultRecipients(SAMPLE_REPORT_DATA),
      issued: { number: 82, symbol: "BC-UBND", date: "2024-06-14" },
      draftDate: "2024-06-14",
      signer: { mode: "TM", name: "Hoàng Văn Minh" },
    });
    expect(doc.header).toEqual({ parentLines: [], agencyLines: ["ỦY BAN NHÂN DÂN", "XÃ MINH TIẾN"], numberLine: "Số: 82/BC-UBND", placeDate: "Minh Tiến, ngày 14 tháng 6 năm 2024" });
    expect(doc.kindTitle).toBe("BÁO CÁO");
    expect(doc.signature.authorityLines).toEqual(["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]);
    expect(doc.draftMark).toBeUndefined();
    const table = doc.body.find((b) => b.type === "table");
    expect(table?.type === "table" && table.table.rows.at(-1)).toEqual(["", "Tổng cộng", "860", "330", "530", "4", "858", "40", "816", "2", "6", "6", "0"]);
  });
});
