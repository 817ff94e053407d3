// The one-round-trip scope script interpolates only checked integers; audit lanes are fixed per
// entity and spread entities over every lane.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scopeStatement } from "../../src/db/scope";
import { AUDIT_LANES, auditLaneOf } from "../../src/modules/audit/audit";

describe("scopeStatement", () => {
  it("writes the scope's integers and nothing else", () => {
    const sql = scopeStatement({ agencyIds: [12, 3456], userId: 7 });
    expect(sql).toContain("'{12,3456}'");
    expect(sql).toContain("set_config('app.user_id', '7', true)");
    expect(sql).toContain("set_config('app.all_agencies', 'off', true)");
    expect(sql.startsWith("begin; ")).toBe(true);
    expect(scopeStatement({ agencyIds: [], userId: null, allAgencies: true })).toContain("set_config('app.all_agencies', 'on', true)");
  });

  it("refuses anything that is not a safe integer, so no text can reach the script", () => {
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, "1); drop table x; --" as unknown as number]) {
      expect(() => scopeStatement({ agencyIds: [bad], userId: null })).toThrow(TypeError);
      expect(() => scopeStatement({ agencyIds: [1], userId: bad })).toThrow(TypeError);
    }
  });
});

describe("audit lanes", () => {
  it("gives an entity always the same lane, within range", () => {
    fc.assert(
      fc.property(fc.string(), fc.oneof(fc.string(), fc.integer()), (entity, id) => {
        const lane = auditLaneOf(entity, id);
        expect(lane).toBe(auditLaneOf(entity, id));
        expect(Number.isInteger(lane) && lane >= 0 && lane < AUDIT_LANES).toBe(true);
      }),
    );
  });

  it("spreads a commune's dossiers over every lane, none with more than twice its share", () => {
    const counts = new Array<number>(AUDIT_LANES).fill(0);
    for (let i = 1; i <= 1600; i++) counts[auditLaneOf("dossier", `000.00.25.H12-261128-${String(i).padStart(4, "0")}`)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThan((2 * 1600) / AUDIT_LANES);
  });
});
