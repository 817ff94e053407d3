import { describe, expect, it } from "vitest";
import { RULE_ACTOR_LABEL } from "../../src/domain/auth/actors";
import { describeActor, type Person } from "../../src/modules/accounts/people";
import { translator } from "../../src/web/i18n";
import "../../src/web/messages";

const vi = { t: translator("vi"), lang: "vi" as const };
const en = { t: translator("en"), lang: "en" as const };
const people = new Map<number, Person>([
  [1, { id: 1, fullName: "Nguyễn Thị Hoa", title: "Công chức Bộ phận Một cửa", role: "desk_officer" }],
  [2, { id: 2, fullName: "Trần Văn Hùng", title: null, role: "specialist" }],
  [7, { id: 7, fullName: "Vũ Văn An", title: null, role: "citizen" }],
]);

describe("describeActor", () => {
  it("names staff with their title in Vietnamese and their role in English", () => {
    expect(describeActor({ userId: 1, label: "demo-desk" }, people, vi)).toBe("Nguyễn Thị Hoa (Công chức Bộ phận Một cửa)");
    expect(describeActor({ userId: 1, label: "demo-desk" }, people, en)).toBe("Nguyễn Thị Hoa (One-stop desk officer)");
    expect(describeActor({ userId: 2, label: "demo-specialist" }, people, vi)).toBe("Trần Văn Hùng (Chuyên viên)");
  });

  it("says who the applicant is, and how the software acted", () => {
    expect(describeActor({ userId: 7, label: "demo-citizen" }, people, vi)).toBe("Người nộp hồ sơ: Vũ Văn An");
    expect(describeActor({ userId: null, label: "applicant:Lê Văn Tám" }, people, en)).toBe("Applicant: Lê Văn Tám");
    expect(describeActor({ userId: null, label: RULE_ACTOR_LABEL }, people, vi)).toBe("theo phân công lĩnh vực");
    expect(describeActor({ userId: null, label: RULE_ACTOR_LABEL }, people, en)).toBe("by field assignment");
    expect(describeActor({ userId: null, label: "seed" }, people, vi)).toBe("Hệ thống");
    expect(describeActor({ userId: null, label: "system" }, people, en)).toBe("System");
  });

  it("a user it cannot read gets a neutral word, not an id or a username", () => {
    expect(describeActor({ userId: 99, label: "demo-gone" }, people, vi)).toBe("Người dùng không xác định");
    expect(describeActor({ userId: 99, label: "demo-gone" }, people, en)).toBe("Unknown user");
  });
});
