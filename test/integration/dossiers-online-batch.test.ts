// Online submissions arriving together are checked, numbered and written in batches: each still
// gets its own code, attachments, event and audit entry; a bad one is refused alone; a batch that
// fails as a whole is retried one by one; replays and races keep the idempotency promise.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import { verifyAudit } from "../../src/modules/audit/audit";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { onDossierEvent } from "../../src/modules/dossiers/events";
import { type StagedFile, stageFiles } from "../../src/modules/dossiers/files";
import { fileStore } from "../../src/modules/storage/storage";
import { intakeStatistics, type OnlineSubmission, submissionHash, submitOnlineTx } from "../../src/modules/dossiers/online-intake";
import { requiredDocuments } from "../../src/modules/dossiers/service";
import { asHttpError, HttpError } from "../../src/web/http";
import { createTestApp, signIn, type TestApp } from "../support/app";

let t: TestApp;
let communeId: number;
let onlineProc: { code: string; mandatory: string[] };
let otherOnline: { code: string; mandatory: string[] };

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
const sys = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);

beforeAll(async () => {
  t = await createTestApp();
  communeId = (await sys((tx) => tx.one<{ id: number }>("select id from agencies where code = '000.00.25.H12'"))).id;
  const candidates = await sys((tx) =>
    tx.query<{ code: string }>(
      "select p.code from procedures p join agency_offering($1) ap on ap.procedure_id = p.id where ap.enabled and ap.online_level <> 'none' order by p.code",
      [communeId],
    ),
  );
  for (const c of candidates) {
    const p = await sys((tx) => findOfferedProcedure(tx, { agencyId: communeId, code: c.code }));
    const docs = p ? requiredDocuments(p).mandatory : [];
    // Names the upload keeps whole (it cuts them at 300 characters).
    if (!p || docs.length === 0 || docs.some((d) => d.length > 200)) continue;
    if (!onlineProc) onlineProc = { code: p.code, mandatory: docs };
    else if (!otherOnline) otherOnline = { code: p.code, mandatory: docs };
    if (onlineProc && otherOnline) break;
  }
  expect(onlineProc).toBeDefined();
  expect(otherOnline).toBeDefined();
});
afterAll(async () => {
  await t?.close();
});

/** In the file store. */
const stored = async (f: StagedFile) => (await fileStore(t.tdb.db).head(f.storagePath)) !== undefined;
/** In the file store and recorded (no longer pending: the sweep leaves it). */
const kept = async (f: StagedFile) => (await stored(f)) && (await t.tdb.db.pool.query("select 1 from file_pending where key = $1", [f.storagePath])).rowCount === 0;

async function submission(name: string, o: { key?: string | null; procedure?: { code: string; mandatory: string[] }; procedureCode?: string; documents?: string[] } = {}): Promise<OnlineSubmission> {
  const applicant = { fullName: name, idNumber: "019085001234", phone: "0912345678", email: undefined, address: { line: "Thôn Đồng Tiến", communeCode: undefined } };
  const files: StagedFile[] = await stageFiles({
    db: t.tdb.db,
    agencyId: communeId,
    uploads: (o.documents ?? (o.procedure ?? onlineProc).mandatory).map((d) => ({ documentName: d, fileName: "giay-to.pdf", data: PDF })),
  });
  const procedureCode = o.procedureCode ?? (o.procedure ?? onlineProc).code;
  return {
    agencyId: communeId,
    procedureCode,
    applicant,
    fields: {},
    files,
    idempotencyKey: o.key === undefined ? randomUUID() : o.key,
    requestHash: submissionHash({ agencyCode: "000.00.25.H12", procedureCode, applicant, fields: {}, files }),
    applicantUserId: null,
  };
}

const db = () => t.app.deps.db;

describe("batched online intake", () => {
  it("writes 40 simultaneous submissions in few batches, each with its own consecutive code, attachments, event and audit entry", async () => {
    const before = intakeStatistics(db());
    const inputs = await Promise.all(Array.from({ length: 40 }, (_, i) => submission(`Người nộp ${i}`)));
    const results = await Promise.all(inputs.map((i) => submitOnlineTx(db(), i)));
    const after = intakeStatistics(db());
    expect(after.submissions - before.submissions).toBe(40);
    expect(after.batches - before.batches).toBeLessThan(40);
    expect(after.largest).toBeGreaterThan(1);

    const codes = results.map((r) => r.dossier.code);
    expect(new Set(codes).size).toBe(40);
    expect(results.every((r) => !r.replayed && r.dossier.status === "submitted" && r.dossier.acceptDueAt)).toBe(true);
    // Consecutive numbers: nothing skipped when nothing failed.
    const seqs = codes.map((c) => Number(c.split("-").pop())).sort((a, b) => a - b);
    expect(seqs[seqs.length - 1]! - seqs[0]!).toBe(39);
    // Each dossier is the applicant's own: names were not swapped between rows of a batch.
    expect(results.map((r) => r.dossier.applicant.fullName)).toEqual(inputs.map((_, i) => `Người nộp ${i}`));

    const ids = results.map((r) => r.dossier.id);
    const counts = await sys((tx) =>
      tx.one<{ att: number; ev: number; audit: number }>(
        `select (select count(*)::int from dossier_attachments where dossier_id = any($1)) as att,
                (select count(*)::int from dossier_events where dossier_id = any($1) and action = 'submit_online') as ev,
                (select count(*)::int from audit_log where action = 'dossier.submit_online' and entity_id = any($2)) as audit`,
        [ids, codes],
      ),
    );
    expect(counts).toEqual({ att: 40 * onlineProc.mandatory.length, ev: 40, audit: 40 });
    // What the event listeners do for a batch (one statement each): every dossier has its fee with
    // its first change, and its applicant an SMS naming that dossier's own code and the commune.
    const reactions = await sys((tx) =>
      tx.query<{ id: number; code: string; fees: number; changes: number; sms: string[] }>(
        `select d.id, d.code,
                (select count(*)::int from dossier_fees f where f.dossier_id = d.id) as fees,
                (select count(*)::int from dossier_fee_changes c where c.dossier_id = d.id and c.before is null) as changes,
                coalesce((select array_agg(o.body) from notification_outbox o where o.dossier_id = d.id and o.channel = 'sms' and o.kind = 'submitted'), '{}') as sms
         from dossiers d where d.id = any($1) order by d.id`,
        [ids],
      ),
    );
    expect(reactions).toHaveLength(40);
    for (const r of reactions) {
      expect([r.fees, r.changes, r.sms.length]).toEqual([1, 1, 1]);
      expect(r.sms[0]).toContain(r.code);
    }
    for (const i of inputs) for (const f of i.files) expect(await kept(f)).toBe(true);
    expect((await sys((tx) => verifyAudit(tx))).problems).toEqual([]);
  });

  it("lets the desk download a submitted file as an attachment, and answers 404 (not 500) once the file is gone from the store", async () => {
    const input = await submission("Tải Tệp");
    const { dossier } = await submitOnlineTx(db(), input);
    const att = await sys((tx) => tx.one<{ id: number }>("select id from dossier_attachments where dossier_id = $1 order by id limit 1", [dossier.id]));
    const desk = await signIn(t.app, "demo-desk");
    const url = `/staff/dossiers/${encodeURIComponent(dossier.code)}/attachments/${att.id}`;
    const ok = await desk.get(url);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers["content-disposition"]).toMatch(/^attachment; filename="giay-to.pdf"/);
    expect(ok.headers["x-content-type-options"]).toBe("nosniff");
    expect(ok.rawPayload.equals(PDF)).toBe(true);
    await fileStore(t.tdb.db).remove(input.files.map((f) => f.storagePath));
    expect((await desk.get(url)).statusCode).toBe(404);
  });

  it("refuses a bad submission alone: the others of its batch, of two procedures, are written", async () => {
    const good = await Promise.all([submission("Tốt Một"), submission("Tốt Hai", { procedure: otherOnline })]);
    const missing = await submission("Thiếu giấy tờ", { documents: [] });
    const unknown = await submission("Sai thủ tục", { procedureCode: "9.999999" });
    const settled = await Promise.allSettled([submitOnlineTx(db(), good[0]!), submitOnlineTx(db(), missing), submitOnlineTx(db(), good[1]!), submitOnlineTx(db(), unknown)]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected"]);
    const reasons = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected").map((s) => (asHttpError(s.reason) ?? s.reason) as HttpError);
    expect(reasons.every((r) => r instanceof HttpError && r.status === 422)).toBe(true);
    expect(reasons.map((r) => r.messageKey).sort()).toEqual(["dossier.err.missingDocuments", "dossier.err.procedureNotOffered"]);
    // Files of refused submissions are removed, those of written ones kept.
    for (const f of unknown.files) expect(await stored(f)).toBe(false);
    for (const f of [...good[0]!.files, ...good[1]!.files]) expect(await kept(f)).toBe(true);
    const written = settled.filter((s): s is PromiseFulfilledResult<Awaited<ReturnType<typeof submitOnlineTx>>> => s.status === "fulfilled").map((s) => s.value.dossier.procedureCode);
    expect(written).toEqual([onlineProc.code, otherOnline.code]);
  });

  it("gives one dossier to two simultaneous requests with the same key and refuses the same key with another body", async () => {
    const key = randomUUID();
    const a = await submission("Trùng Khóa", { key });
    const b = { ...(await submission("Trùng Khóa", { key })) };
    b.requestHash = a.requestHash;
    const other = await submission("Khác Nội Dung", { key });
    const [ra, rb] = await Promise.all([submitOnlineTx(db(), a), submitOnlineTx(db(), b)]);
    expect(ra.dossier.code).toBe(rb.dossier.code);
    expect([ra.replayed, rb.replayed].sort()).toEqual([false, true]);
    await expect(submitOnlineTx(db(), other).catch((e: unknown) => Promise.reject(asHttpError(e) ?? e))).rejects.toMatchObject({ status: 422, messageKey: "dossier.err.idempotencyMismatch" });
    const n = await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from dossiers where agency_id = $1 and idempotency_key = $2", [communeId, key]));
    expect(n.n).toBe(1);
    // The replayed request's own copies of the files are not kept.
    const replayed = ra.replayed ? a : b;
    for (const f of replayed.files) expect(await stored(f)).toBe(false);
  });

  it("retries one by one a batch that fails as a whole, so one submission cannot sink the others", async () => {
    const off = onDossierEvent(async ({ dossier }) => {
      if (dossier.applicant.fullName === "Làm Hỏng Lô") throw new Error("listener refuses this one");
    });
    try {
      const inputs = await Promise.all(["Đi Trước", "Lô Một", "Làm Hỏng Lô", "Lô Hai"].map((n) => submission(n)));
      const settled = await Promise.allSettled(inputs.map((i) => submitOnlineTx(db(), i)));
      expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
      const names = await sys((tx) =>
        tx.query<{ applicant_full_name: string }>("select applicant_full_name from dossiers where applicant_full_name = any($1) order by 1", [["Lô Một", "Làm Hỏng Lô", "Lô Hai"]]),
      );
      expect(names.map((r) => r.applicant_full_name)).toEqual(["Lô Hai", "Lô Một"]);
      for (const f of inputs[2]!.files) expect(await stored(f)).toBe(false);
      for (const f of inputs[1]!.files) expect(await kept(f)).toBe(true);
      expect((await sys((tx) => verifyAudit(tx))).problems).toEqual([]);
    } finally {
      off();
    }
  });
});
