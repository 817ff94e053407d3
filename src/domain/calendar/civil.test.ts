import { describe, expect, it } from "vitest";
import { toWallMinutes } from "./civil";

describe("fractions of a second", () => {
  it("round up in strings as in Dates, so a deadline is never early", () => {
    expect(toWallMinutes("2026-03-02T09:00:00.500+07:00")).toBe(toWallMinutes(new Date("2026-03-02T02:00:00.500Z")));
    expect(toWallMinutes("2026-03-02T09:00:00+07:00")).toBe(toWallMinutes(new Date("2026-03-02T02:00:00Z")));
  });
});
