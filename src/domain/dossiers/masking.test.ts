import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MASK, maskApplicant, maskEmail, maskFreeText, maskIdNumber, maskName, maskPhone } from "./masking";

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
const word = fc.constantFrom("Nguyễn", "Trần", "Lê", "Đặng", "Văn", "Thị", "Minh", "An", "Ánh", "Đức", "Ưng", "Yến");

describe("masking a supervisor's view of applicants", () => {
  it("names keep the family name and initials", () => {
    expect(maskName("Nguyễn Văn An")).toBe("Nguyễn V. A.");
    expect(maskName("  đặng   thị ánh  ")).toBe("đặng T. Á.");
    expect(maskName("Lý")).toBe("L.");
    expect(maskName("")).toBe("");
  });

  it("no given name survives, only its first letter", () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 2, maxLength: 5 }), (words) => {
        const masked = maskName(words.join(" "));
        const parts = masked.split(" ");
        expect(parts[0]).toBe(words[0]);
        expect(parts.slice(1).every((p) => /^\p{Lu}\.$/u.test(p))).toBe(true);
        expect(parts).toHaveLength(words.length);
      }),
    );
  });

  it("ID numbers keep three digits, phones keep the prefix and never the tracking key", () => {
    expect(maskIdNumber("019085001234")).toBe(`${MASK.repeat(9)}234`);
    expect(maskPhone("0912345678")).toBe(`091${MASK.repeat(7)}`);
    expect(maskPhone("+84912345678")).toBe(`+84${MASK.repeat(9)}`);
    expect(maskPhone("0912 345 678")).toBe(`091${MASK.repeat(7)}`);
    fc.assert(
      fc.property(digits(10, 12), (p) => {
        const m = maskPhone(p);
        expect(m).toHaveLength(p.length);
        // The last four digits (the key of public tracking) are all masked.
        expect(m.slice(-4)).toBe(MASK.repeat(4));
        expect(m.replace(new RegExp(MASK, "g"), "").length).toBeLessThanOrEqual(3);
        const id = maskIdNumber(p);
        expect(id.slice(-3)).toBe(p.slice(-3));
        expect(id.replace(new RegExp(MASK, "g"), "")).toHaveLength(3);
      }),
    );
  });

  it("e-mail addresses keep their first letter and domain", () => {
    expect(maskEmail("vuvanan@example.vn")).toBe(`v${MASK.repeat(3)}@example.vn`);
    expect(maskEmail("broken")).toBe(MASK.repeat(3));
  });

  it("free text keeps its words and hides numbers and addresses inside it", () => {
    const text = "Đã gọi 0912 345 678 và gửi thư tới an.nguyen@example.vn; CCCD 019085001234, nộp 2 bản sao, ngày 12/03/2026.";
    const masked = maskFreeText(text);
    expect(masked).toContain("Đã gọi 091");
    expect(masked).not.toContain("345 678");
    expect(masked).not.toContain("an.nguyen");
    expect(masked).toContain(`a${MASK.repeat(3)}@example.vn`);
    expect(masked).not.toContain("019085001234");
    expect(masked).toContain(`${MASK.repeat(9)}234`);
    // Dates and small numbers are not personal data and stay.
    expect(masked).toContain("nộp 2 bản sao, ngày 12/03/2026.");
    fc.assert(
      fc.property(digits(9, 12), fc.string({ maxLength: 20 }), (n, before) => {
        expect(maskFreeText(`${before.replace(/\d/g, "")} ${n}`)).not.toContain(n);
      }),
    );
  });

  it("an applicant comes out with nothing that identifies the person", () => {
    const a = maskApplicant({ fullName: "Vũ Văn An", idNumber: "019085001234", phone: "0912345678", email: "vuvanan@example.vn", address: { line: "Thôn Đồng Tiến" } });
    const text = JSON.stringify(a);
    for (const secret of ["Văn An", "019085001234", "5678", "vuvanan", "Đồng Tiến"]) expect(text).not.toContain(secret);
    expect(a.fullName).toBe("Vũ V. A.");
    expect(maskApplicant({ fullName: "A B", idNumber: "1", phone: "1", email: null, address: {} }).email).toBeNull();
  });
});
