import { describe, expect, it } from "vitest";
import { Applicant, checkCitizenId, normalisePhone } from "./applicant";

describe("applicant checks", () => {
  const today = new Date("2026-06-01T00:00:00Z");
  it("citizen IDs: 12 digits, a province code, a consistent century and year", () => {
    expect(checkCitizenId("019085001234", today)).toBeUndefined(); // Thái Nguyên, male, 1985
    expect(checkCitizenId("001305001234", today)).toBeUndefined(); // Hà Nội, female, 2005
    expect(checkCitizenId("01908500123", today)).toBe("format");
    expect(checkCitizenId("01908500123a", today)).toBe("format");
    expect(checkCitizenId("003085001234", today)).toBe("province"); // 003 is not a province code
    expect(checkCitizenId("099085001234", today)).toBe("province");
    expect(checkCitizenId("019230001234", today)).toBe("year"); // born 2030
    expect(checkCitizenId("019485001234", today)).toBe("century"); // 2185
    expect(checkCitizenId("019885001234", today)).toBe("century"); // 1885
  });
  it("phones: 10 digits from 0, +84 accepted", () => {
    expect(normalisePhone("0912 345 678")).toBe("0912345678");
    expect(normalisePhone("+84912345678")).toBe("0912345678");
    expect(normalisePhone("912345678")).toBeUndefined();
    expect(normalisePhone("09123456789")).toBeUndefined();
  });
  it("the schema names each invalid part", () => {
    const r = Applicant.safeParse({ fullName: "", idNumber: "123", phone: "abc", email: "x", address: { line: "" } });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["fullName", "idNumber", "phone", "email", "address.line"]));
    const ok = Applicant.parse({ fullName: "  Vũ  Văn An ", idNumber: "019085001234", phone: "+84912345678", address: { line: "Thôn Đồng Tiến" } });
    expect(ok).toMatchObject({ fullName: "Vũ Văn An", phone: "0912345678" });
  });
});
