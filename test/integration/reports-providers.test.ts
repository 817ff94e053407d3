import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, signIn, type TestApp } from "../support/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("report drafted from the installed providers and the demo data", () => {
  it("gathers the figures of the three installed providers on the demo data", async () => {
    const c = await signIn(t.app, "demo-comms");
    const res = await c.json("POST", "/api/v1/reports", { kind: "cchc-communication", from: "2026-01-01", to: "2026-06-30" });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r.data.unavailable).toEqual([]);
    expect(r.data.plans.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(["03/KH-UBND", "05/KH-UBND"]));
    expect(typeof r.data.catalog.proceduresPublished).toBe("number");
    expect(typeof r.data.communications.itemsTotal).toBe("number");
    expect(Array.isArray(r.data.dossiers.rows)).toBe(true);
    // the facts quote the providers' numbers, or say plainly there are none
    const media = r.sections.find((s: { key: string }) => s.key === "media").facts.join("\n");
    expect(media).toMatch(r.data.communications.itemsTotal > 0 ? new RegExp(`đăng ${r.data.communications.itemsTotal} tin, bài`) : /chưa có số liệu về tin, bài/);
    const pdf = await c.get(`/api/v1/reports/${r.id}.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
  });
});
