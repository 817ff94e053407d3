import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingProviders } from "../../src/modules/reports/gather";
import { createTestApp, signIn, type TestApp } from "../support/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("report drafted from the installed providers and the demo data", () => {
  it("gathers every installed provider's figures; a missing one is named, not invented", async () => {
    const missing = await missingProviders();
    const c = await signIn(t.app, "demo-comms");
    const res = await c.json("POST", "/api/v1/reports", { kind: "cchc-communication", from: "2026-01-01", to: "2026-06-30" });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r.data.unavailable.filter((p: string) => !missing.includes(p as never))).toEqual([]);
    for (const p of missing) expect(r.data.unavailable).toContain(p);
    expect(r.data.plans.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(["03/KH-UBND", "05/KH-UBND"]));
    if (!missing.includes("catalog")) expect(typeof r.data.catalog.proceduresPublished).toBe("number");
    if (!missing.includes("communications")) expect(typeof r.data.communications.itemsTotal).toBe("number");
    if (!missing.includes("dossiers")) expect(Array.isArray(r.data.dossiers.rows)).toBe(true);
    const pdf = await c.get(`/api/v1/reports/${r.id}.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
  });
});
