import { describe, expect, it } from "vitest";
import { APPLICANT_KINDS, BY_PHRASES, EMAIL_TEMPLATES, fill, renderEmail, renderSms, renderStaff, SMS_TEMPLATES, STAFF_KINDS, stripDiacritics, templatePattern } from "./templates";

const vars = { agency: "Ủy ban nhân dân xã Minh Tiến", code: "MT-1", procedure: "Đăng ký khai sinh", applicant: "Vũ Thị Hương", due: "16:30 04/12/2026", url: "https://x/track?code=MT-1", rate: "https://x/rate?code=MT-1", reasons: "Thiếu giấy tờ" };

describe("notification templates", () => {
  it("every kind has vi and en texts with no placeholder left", () => {
    for (const kind of APPLICANT_KINDS) {
      expect(EMAIL_TEMPLATES[kind]).toBeDefined();
      expect(SMS_TEMPLATES[kind]).toBeDefined();
      for (const lang of ["vi", "en"] as const) {
        const m = renderEmail(kind, lang, vars);
        expect(`${m.subject}${m.text}`).not.toMatch(/\{\w+\}/);
      }
    }
    for (const kind of STAFF_KINDS) for (const lang of ["vi", "en"] as const) expect(JSON.stringify(renderStaff(kind, lang, vars))).not.toMatch(/\{\w+\}/);
  });

  it("staff notices say who handed the dossier over, in words", () => {
    const byRule = renderStaff("assigned", "vi", { ...vars, by: BY_PHRASES.rule.vi });
    expect(byRule.body).toBe("Đăng ký khai sinh — Vũ Thị Hương. Hạn: 16:30 04/12/2026. Giao tự động theo phân công lĩnh vực.");
    const byPerson = renderStaff("awaiting_approval", "en", { ...vars, by: fill(BY_PHRASES.awaiting_approval.en, { name: "Trần Văn Hùng (Specialist)" }) });
    expect(byPerson.body).toBe("Đăng ký khai sinh — Vũ Thị Hương. Due: 16:30 04/12/2026. Sent by Trần Văn Hùng (Specialist).");
    // Without anyone to name (the sweep's notices), nothing dangles.
    expect(renderStaff("assigned", "vi", vars).body).toBe("Đăng ký khai sinh — Vũ Thị Hương. Hạn: 16:30 04/12/2026.");
  });

  it("strips Vietnamese diacritics keeping case", () => {
    expect(stripDiacritics("Đăng ký khai sinh — Ủy ban")).toBe("Dang ky khai sinh  Uy ban");
    expect(stripDiacritics("ĐỒNG Hỷ")).toBe("DONG Hy");
  });

  it("the messages of a returned or refused dossier invite the applicant to rate it", () => {
    expect(renderEmail("returned", "vi", vars).text).toContain("Mời Ông/Bà đánh giá mức độ hài lòng: https://x/rate?code=MT-1");
    expect(renderEmail("refused", "en", vars).text).toContain("Please rate your satisfaction: https://x/rate?code=MT-1");
    expect(renderSms("returned", vars)).toBe("UBND xa Minh Tien: da tra ket qua ho so MT-1. Danh gia muc do hai long: https://x/rate");
  });

  it("template patterns match rendered messages and nothing else", () => {
    const p = templatePattern(SMS_TEMPLATES.received);
    expect(p.test("UBND xa A: da tiep nhan ho so X, hen tra ket qua 1. Tra cuu: u")).toBe(true);
    expect(p.test("Khuyen mai")).toBe(false);
  });
});
