import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueDocumentNumber, listDocuments, recordExistingDocument } from "../../src/modules/documents/register";
import { createTestApp, type TestApp } from "../support/app";

let t: TestApp;
let communeId: number;
beforeAll(async () => {
  t = await createTestApp();
  communeId = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where code = '000.00.25.H12'"))).id;
});
afterAll(async () => {
  await t?.close();
});

describe("register of outgoing documents", () => {
  it("gives 100 parallel issues 100 distinct consecutive numbers", async () => {
    const scope = { agencyIds: [communeId], userId: null };
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        t.tdb.db.scoped(scope, (tx) => issueDocumentNumber(tx, { agencyId: communeId, kind: "TB", issuedOn: "2025-03-02", subject: `Thông báo ${i}` }, { userId: null, label: "test" })),
      ),
    );
    const numbers = results.map((r) => r.number).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(100);
    expect(numbers[0]).toBe(1);
    expect(numbers[99]).toBe(100);
    expect(results.find((r) => r.number === 7)?.code).toBe("07/TB-UBND");
    const stored = await t.tdb.db.scoped(scope, (tx) => listDocuments(tx, communeId, { year: 2025, kind: "TB", limit: 500 }));
    expect(stored).toHaveLength(100);
  });

  it("numbers per (agency, year, kind): another kind or year starts at 1, a recorded paper number moves the counter on", async () => {
    const scope = { agencyIds: [communeId], userId: null };
    const actor = { userId: null, label: "test" };
    const r = await t.tdb.db.scoped(scope, async (tx) => ({
      gm: await issueDocumentNumber(tx, { agencyId: communeId, kind: "GM", issuedOn: "2025-05-05", subject: "Giấy mời họp" }, actor),
      tb2024: await issueDocumentNumber(tx, { agencyId: communeId, kind: "TB", issuedOn: "2024-12-30", subject: "Thông báo" }, actor),
      paper: await recordExistingDocument(tx, { agencyId: communeId, kind: "GM", issuedOn: "2025-05-06", subject: "Giấy mời (giấy)", number: 9 }, actor),
      dup: await recordExistingDocument(tx, { agencyId: communeId, kind: "GM", issuedOn: "2025-05-06", subject: "Trùng", number: 9 }, actor),
      next: await issueDocumentNumber(tx, { agencyId: communeId, kind: "GM", issuedOn: "2025-05-07", subject: "Giấy mời tiếp" }, actor),
    }));
    expect(r.gm.code).toBe("01/GM-UBND");
    expect(r.tb2024.number).toBe(1);
    expect(r.dup).toBe("taken");
    expect(r.next.number).toBe(10);
  });

  it("a registered number cannot be changed or deleted by the application role", async () => {
    const scope = { agencyIds: [communeId], userId: null };
    await expect(t.tdb.db.scoped(scope, (tx) => tx.exec("update documents set number = number + 1000 where agency_id = $1", [communeId]))).rejects.toThrow(/permission denied/);
    await expect(t.tdb.db.scoped(scope, (tx) => tx.exec("delete from documents where agency_id = $1", [communeId]))).rejects.toThrow(/permission denied/);
  });

  it("another commune's scope sees none of these numbers and starts its own counter", async () => {
    const other = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where kind = 'commune' and id <> $1 order by id limit 1", [communeId]))).id;
    const scope = { agencyIds: [other], userId: null };
    const seen = await t.tdb.db.scoped(scope, (tx) => tx.query("select 1 from documents where agency_id = $1", [communeId]));
    expect(seen).toHaveLength(0);
    const d = await t.tdb.db.scoped(scope, (tx) => issueDocumentNumber(tx, { agencyId: other, kind: "TB", issuedOn: "2025-03-02", subject: "Thông báo" }, { userId: null, label: "t" }));
    expect(d.number).toBe(1);
    await expect(
      t.tdb.db.scoped(scope, (tx) => issueDocumentNumber(tx, { agencyId: communeId, kind: "TB", issuedOn: "2025-03-02", subject: "Chen số" }, { userId: null, label: "t" })),
    ).rejects.toThrow(/row-level security/);
  });
});
