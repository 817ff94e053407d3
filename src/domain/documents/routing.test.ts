import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deliveries, routeRecipients } from "./routing";

const province = { id: 1, unitName: "Tỉnh Thái Nguyên" };
const commune = { id: 2, unitName: "Xã Minh Tiến" };

describe("where an issued report goes", () => {
  it("sends to the province through the system, the rest on paper, the file copy nowhere", () => {
    const routes = routeRecipients(
      ["UBND tỉnh Thái Nguyên (b/c);", "Sở Nội vụ tỉnh Thái Nguyên;", "TT Đảng ủy, HĐND, UBND xã Minh Tiến;", "Ban, ngành, đoàn thể xã Minh Tiến;", "Bí thư chi bộ, trưởng các thôn;", "Lưu: VT."],
      [province],
      commune,
    );
    expect(routes.map((r) => r.channel)).toEqual(["system", "system", "paper", "paper", "paper", "file"]);
    expect(deliveries(routes)).toEqual([{ agencyId: 1, line: "UBND tỉnh Thái Nguyên (b/c); Sở Nội vụ tỉnh Thái Nguyên;" }]);
  });
  it("matches whole names without tones, and never a part of a longer name", () => {
    const routes = routeRecipients(["ubnd tinh thai nguyen", "UBND tỉnh Thái Nguyên mới", "Tỉnh ủy Thái Nguyên;"], [province, { id: 3, unitName: "Tỉnh Thái Nguyên mới" }]);
    expect(routes.map((r) => (r.channel === "system" ? r.agencyId : r.channel))).toEqual([1, 3, "paper"]);
  });
  it("never sends to the sender and never invents a recipient (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 60 }), { maxLength: 12 }), (lines) => {
        const routes = routeRecipients(lines, [province], commune);
        for (const r of routes) if (r.channel === "system") expect(r.agencyId).toBe(1);
        expect(deliveries(routes).length).toBeLessThanOrEqual(1);
        expect(routes.length).toBe(lines.filter((l) => l.trim()).length);
      }),
    );
  });
});
