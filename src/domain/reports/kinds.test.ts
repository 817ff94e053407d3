import { describe, expect, it } from "vitest";
import { SAMPLE_COMBINED_DATA, SAMPLE_REPORT_DATA } from "./sample-data";
import { DATA_PARTS, dueDate, FREQUENCIES, frequencyOf, periodFitsKind, periodsOf, REPORT_KIND_CODES, REPORT_KINDS, recipientLines, sectionKeys } from "./kinds";
import { composeKind, narrativesOf, recipientsOf, subjectOf, TEMPLATES } from "./templates";

// Issue 16: report kinds are data. Every declaration is checked here, kind by kind, against its
// template: a new kind that forgets a section's wording, a heading or a recipient list fails.

const docText = (kind: (typeof REPORT_KIND_CODES)[number], data = SAMPLE_REPORT_DATA) => {
  const narratives = narrativesOf(kind, data);
  const doc = composeKind(kind, { data, subject: subjectOf(kind, data), narratives, recipients: recipientsOf(kind, data), draftDate: "2024-06-14", signer: { mode: "KT", name: "Ngô Thị Hạnh" } });
  return { doc, narratives, text: JSON.stringify(doc) };
};

describe("report kinds as data", () => {
  it("declares four kinds, each complete", () => {
    expect(REPORT_KIND_CODES).toEqual(["cchc-communication", "cchc-periodic", "dossier-statistics", "feedback-statistics"]);
    for (const kind of REPORT_KIND_CODES) {
      const k = REPORT_KINDS[kind];
      expect(k.subject.length, kind).toBeGreaterThan(10);
      expect(k.frequencies.length, kind).toBeGreaterThan(0);
      for (const f of k.frequencies) expect(Object.keys(FREQUENCIES), kind).toContain(f);
      expect(k.deadline.day, kind).toBeGreaterThanOrEqual(1);
      expect(k.deadline.day, kind).toBeLessThanOrEqual(28);
      expect(k.data.length, kind).toBeGreaterThan(0);
      for (const d of k.data) expect(DATA_PARTS, kind).toContain(d);
      expect(sectionKeys(kind).length, kind).toBeGreaterThan(1);
      for (const q of k.quoted) expect(sectionKeys(kind), `${kind} quotes ${q}`).toContain(q);
      for (const level of ["commune", "province"] as const) {
        const lines = recipientLines(kind, level, { province: "Tỉnh Thái Nguyên", commune: "Xã Minh Tiến" });
        expect(lines.at(-1), `${kind} ${level}`).toMatch(/^Lưu: VT/);
        expect(lines.join(" "), `${kind} ${level}`).not.toMatch(/\{\w+\}/);
      }
    }
    // The provincial template's areas, in order.
    expect(sectionKeys("cchc-periodic")).toEqual(["direction", "institutions", "procedures", "organisation", "civilService", "publicFinance", "digitalGovernment", "assessment", "proposals", "nextTasks"]);
  });

  it("each template words every section it declares, and nothing else", () => {
    for (const kind of REPORT_KIND_CODES) {
      expect(Object.keys(TEMPLATES[kind].defaults).sort(), kind).toEqual(sectionKeys(kind).sort());
      for (const [s, text] of Object.entries(TEMPLATES[kind].defaults)) expect(text.trim().length, `${kind}.${s}`).toBeGreaterThan(10);
    }
  });

  it("each document carries every section's heading and text, with placeholders filled", () => {
    for (const kind of REPORT_KIND_CODES) {
      const { doc, narratives, text } = docText(kind);
      expect(doc.kindTitle).toBe("BÁO CÁO");
      expect(doc.subject).toBe(`${REPORT_KINDS[kind].subject} 06 tháng đầu năm 2024`);
      expect(doc.signature.authorityLines).toEqual(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]);
      expect(doc.recipients.at(-1)).toMatch(/^Lưu: VT/);
      expect(doc.draftMark).toBe("DỰ THẢO");
      for (const [s, heading] of Object.entries(REPORT_KINDS[kind].sections)) {
        expect(text, `${kind}: heading of ${s}`).toContain(s === "nextTasks" ? heading.split(" kỳ")[0] : s === "directions" ? "III. Phương hướng, nhiệm vụ" : s === "closing" ? "" : heading);
        const first = narratives[s]!.split("\n")[0]!.replace(/^-\s*/, "");
        expect(text, `${kind}: text of ${s}`).toContain(first);
        expect(narratives[s], `${kind}.${s}`).not.toMatch(/\{(soKeHoach|coQuan|tenXa|ky|kyToi|nam)\}/);
      }
      const page = TEMPLATES[kind].page(SAMPLE_REPORT_DATA, narratives);
      for (const s of sectionKeys(kind)) expect(page.map((p) => p.key), kind).toContain(s);
    }
  });

  it("the kinds that quote dossier figures print Biểu 06 from the data", () => {
    for (const kind of ["cchc-communication", "cchc-periodic", "dossier-statistics"] as const) {
      expect(docText(kind).text, kind).toContain('"Tổng cộng","860","330","530","4","858","40","816","2","6","6","0"');
    }
    expect(docText("dossier-statistics").text).toContain('"I","Cấp xã","860"');
    // Feedback without a provider's data says so, never a number.
    expect(docText("feedback-statistics").text).toContain("Trong kỳ chưa có số liệu về phản ánh, kiến nghị");
  });

  it("a province's combined report has the table by commune and quotes each commune with its report", () => {
    for (const kind of REPORT_KIND_CODES) {
      const { doc, text } = docText(kind, SAMPLE_COMBINED_DATA);
      expect(doc.header.agencyLines).toEqual(["ỦY BAN NHÂN DÂN", "TỈNH THÁI NGUYÊN"]);
      expect(doc.header.placeDate).toMatch(/^Thái Nguyên, ngày/);
      expect(doc.recipients[0], kind).not.toContain("Sở Nội vụ tỉnh");
      for (const q of REPORT_KINDS[kind].quoted) {
        const quote = SAMPLE_COMBINED_DATA.combined!.quotes.find((x) => x.section === q)!;
        expect(text, `${kind} quotes ${q}`).toContain(`UBND xã Minh Tiến (Báo cáo số 82/BC-UBND ngày 14/06/2024): “${quote.text}”`);
      }
      if (kind !== "feedback-statistics") {
        expect(text, kind).toContain('"Xã Minh Tiến","860","858"');
        expect(text, kind).toContain('"Phường Phan Đình Phùng","100","90","88,9%","15","60%","80","Chưa gửi"');
        expect(text, kind).toContain("Các xã chưa gửi báo cáo: Phường Phan Đình Phùng.");
      } else expect(text).toContain("Các xã, phường tiếp nhận 3 phản ánh, kiến nghị; đã xử lý 2.");
    }
  });
});

describe("when a kind is due", () => {
  it("on a day of the period's last month or of the month after", () => {
    expect(dueDate({ to: "2026-06-30" }, { month: "last", day: 15 })).toBe("2026-06-15");
    expect(dueDate({ to: "2026-12-31" }, { month: "next", day: 10 })).toBe("2027-01-10");
    expect(dueDate({ to: "2026-03-31" }, { month: "next", day: 5 })).toBe("2026-04-05");
  });
  it("periods of each frequency cover the year without gaps", () => {
    for (const f of Object.keys(FREQUENCIES) as (keyof typeof FREQUENCIES)[]) {
      const ps = periodsOf(f, 2026);
      expect(ps[0]!.from).toBe("2026-01-01");
      expect(ps.at(-1)!.to).toBe("2026-12-31");
      for (const p of ps) expect(frequencyOf(p.from, p.to)).toBe(f);
    }
  });
  it("a kind is drafted for its own periods", () => {
    expect(periodFitsKind("cchc-periodic", "2026-01-01", "2026-03-31")).toBe(true);
    expect(periodFitsKind("cchc-periodic", "2026-02-01", "2026-03-31")).toBe(false);
    expect(periodFitsKind("cchc-communication", "2026-01-01", "2026-03-31")).toBe(true);
    expect(periodFitsKind("cchc-communication", "2026-02-01", "2026-03-31")).toBe(true);
  });
});
