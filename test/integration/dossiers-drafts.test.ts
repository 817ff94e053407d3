import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import { registeredJobs } from "../../src/jobs/queue";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { DRAFT_CLEANUP_JOB } from "../../src/modules/dossiers/drafts";
import { requiredDocuments } from "../../src/modules/dossiers/service";
import { fileStore } from "../../src/modules/storage/storage";
import { type Client, createTestApp, newClient, type TestApp } from "../support/app";

// Online drafts keep their attached files: saved with the draft, listed when it is reopened,
// used on submit without choosing them again, swept with the draft when it expires.

const AGENCY = "000.00.25.H12";

let t: TestApp;
let communeId: number;
let formUrl: string;

const sys = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** A small valid PDF, distinct per call so its hash identifies it. */
function pdf(): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${randomBytes(8).toString("hex")}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
}

type Part = { field: string; fileName: string; data: Buffer };

/** Posts the public form as a browser without JavaScript does: multipart, CSRF token in the URL. */
async function postForm(c: Client, url: string, fields: Record<string, string>, files: Part[] = []) {
  const boundary = `----draft${randomBytes(6).toString("hex")}`;
  const parts: Buffer[] = [];
  // The token travels in the form's body, as the page's hidden field sends it.
  for (const [k, v] of Object.entries({ _csrf: c.csrf, ...fields })) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.fileName}"\r\nContent-Type: application/pdf\r\n\r\n`));
    parts.push(f.data, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return t.app.inject({
    method: "POST",
    url,
    payload: Buffer.concat(parts),
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": `multipart/form-data; boundary=${boundary}` },
  });
}

/** Every stored file of the agency whose bytes are exactly `data` (pending ones included). */
async function filesWithContent(data: Buffer): Promise<string[]> {
  const store = fileStore(t.tdb.db);
  const out: string[] = [];
  for await (const o of store.list(`${communeId}/`)) if (o.size === data.length && (await store.get(o.key))!.equals(data)) out.push(o.key);
  return out;
}
const has = async (key: string) => (await fileStore(t.tdb.db).head(key)) !== undefined;
const bytesOf = async (key: string) => (await fileStore(t.tdb.db).get(key))!;

const draftRows = (fullName: string) =>
  sys((tx) => tx.query<{ id: number; expires_at: Date }>("select id, expires_at from dossier_drafts where data->>'fullName' = $1", [fullName]));
const draftFileRows = (draftId: number) =>
  sys((tx) =>
    tx.query<{ document_index: number; file_name: string; sha256: string; storage_path: string }>(
      "select document_index, file_name, sha256, storage_path from dossier_draft_files where draft_id = $1 order by document_index",
      [draftId],
    ),
  );

beforeAll(async () => {
  t = await createTestApp();
  communeId = (await sys((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [AGENCY]))).id;
  const candidates = await sys((tx) =>
    tx.query<{ code: string }>(
      "select p.code from procedures p join agency_offering($1) ap on ap.procedure_id = p.id where ap.enabled and ap.online_level <> 'none' order by p.code",
      [communeId],
    ),
  );
  for (const cand of candidates) {
    const p = await sys((tx) => findOfferedProcedure(tx, { agencyId: communeId, code: cand.code }));
    // Document names over 300 characters cannot be matched by any upload today (stored names are
    // cut at 300): such a procedure cannot be submitted online at all, draft or not.
    const docs = p ? requiredDocuments(p) : undefined;
    if (p && p.onlineLevel !== "none" && docs && docs.mandatory.length > 0 && docs.items.every((d) => d.name.length <= 300)) {
      formUrl = `/submit/${AGENCY}/${encodeURIComponent(p.code)}`;
      break;
    }
  }
  expect(formUrl).toBeDefined();
});
afterAll(async () => {
  await t?.close();
});

/** Opens the form, then saves a draft with a PDF for every document; returns what was sent. */
async function saveDraftWithFiles(fullName: string) {
  const c = await newClient(t.app);
  const page = await c.get(formUrl);
  expect(page.statusCode).toBe(200);
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.body)![1]!;
  const fields = [...page.body.matchAll(/name="(file_\d+)"/g)].map((m) => m[1]!);
  expect(fields.length).toBeGreaterThan(0);
  const files = fields.map((field) => ({ field, fileName: `${field}-giấy tờ.pdf`, data: pdf() }));
  const saved = await postForm(c, formUrl, { idempotencyKey: key, fullName, idNumber: "019190001234", phone: "0987111222", addressLine: "Thôn Đồng Kiệm", intent: "draft" }, files);
  expect(saved.statusCode).toBe(200);
  expect(saved.body).toContain("Đã lưu nháp");
  const token = /\?draft=([A-Za-z0-9_-]+)/.exec(saved.body)![1]!;
  expect(saved.cookies.some((k: { name: string; value: string }) => k.name === "mc_draft" && k.value === token)).toBe(true);
  return { c, key, token, files };
}

describe("drafts keep their attached files", () => {
  it("saves a draft with PDFs, lists them when reopened, replaces one, and submits without re-uploading", async () => {
    const { key, token, files } = await saveDraftWithFiles("Đỗ Thị Nháp Một");
    const [draft] = await draftRows("Đỗ Thị Nháp Một");
    expect(draft).toBeDefined();
    const rows = await draftFileRows(draft!.id);
    expect(rows.map((r) => r.sha256)).toEqual(files.map((f) => sha(f.data)));
    for (const r of rows) expect((await bytesOf(r.storage_path)).equals(files[r.document_index]!.data)).toBe(true);

    // Reopened from the link, and from the cookie: each document shows its kept file.
    const visitor = await newClient(t.app);
    const reopened = await visitor.get(`${formUrl}?draft=${token}`);
    expect(reopened.body).toContain("Đỗ Thị Nháp Một");
    expect(reopened.body).toContain(`name="draft" value="${token}"`);
    for (const f of files) expect(reopened.body).toContain(`Đã đính kèm: ${f.fileName} (1 KB)`);
    expect(reopened.body).toContain('name="dropFile_0"');
    const byCookie = await newClient(t.app);
    byCookie.cookies.set("mc_draft", token);
    expect((await byCookie.get(formUrl)).body).toContain(`Đã đính kèm: ${files[0]!.fileName}`);

    // Saving again with a new file for the first document replaces the kept one, on disk too.
    const replacement = { field: "file_0", fileName: "thay-the.pdf", data: pdf() };
    const again = await postForm(visitor, formUrl, { idempotencyKey: key, draft: token, fullName: "Đỗ Thị Nháp Một", intent: "draft" }, [replacement]);
    expect(again.statusCode).toBe(200);
    const after = await draftFileRows(draft!.id);
    expect(after).toHaveLength(rows.length);
    expect(after[0]!.sha256).toBe(sha(replacement.data));
    expect((await has(rows[0]!.storage_path))).toBe(false);
    expect((await has(after[0]!.storage_path))).toBe(true);
    expect((await visitor.get(`${formUrl}?draft=${token}`)).body).toContain("Đã đính kèm: thay-the.pdf (1 KB)");

    // Submit from the reopened form, choosing no file at all.
    const submit = { idempotencyKey: key, draft: token, fullName: "Đỗ Thị Nháp Một", idNumber: "019190001234", phone: "0987111222", addressLine: "Thôn Đồng Kiệm", consent: "yes", intent: "submit" };
    const sent = await postForm(visitor, formUrl, submit);
    expect(sent.statusCode).toBe(303);
    const code = new URL(sent.headers.location as string, "http://x").searchParams.get("code")!;
    const attachments = await sys((tx) =>
      tx.query<{ sha256: string; storage_path: string; file_name: string }>(
        "select a.sha256, a.storage_path, a.file_name from dossier_attachments a join dossiers d on d.id = a.dossier_id where d.code = $1 and d.agency_id = $2 order by a.id",
        [code, communeId],
      ),
    );
    const expected = [replacement, ...files.slice(1)];
    expect(attachments.map((a) => a.sha256).sort()).toEqual(expected.map((f) => sha(f.data)).sort());
    expect(attachments.map((a) => a.file_name)).toContain("thay-the.pdf");
    // The dossier owns its copies: the draft's files are gone, the dossier's remain.
    for (const a of attachments) {
      expect(after.map((r) => r.storage_path)).not.toContain(a.storage_path);
      expect(sha((await bytesOf(a.storage_path)))).toBe(a.sha256);
    }
    expect(await draftRows("Đỗ Thị Nháp Một")).toEqual([]);
    expect(await draftFileRows(draft!.id)).toEqual([]);
    for (const r of after) expect((await has(r.storage_path))).toBe(false);
    expect(sent.cookies.some((k: { name: string; value: string }) => k.name === "mc_draft" && k.value === "")).toBe(true);

    // A retry of the same submission (the draft already gone) gets the same dossier back.
    const retry = await postForm(visitor, formUrl, submit);
    expect(retry.statusCode).toBe(303);
    expect(retry.headers.location).toBe(sent.headers.location);
    const n = await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from dossiers where idempotency_key = $1", [key]));
    expect(n.n).toBe(1);
  });

  it("keeps the text of a draft with a lying file, answers 415 naming it, and keeps nothing of the file", async () => {
    const c = await newClient(t.app);
    const page = await c.get(formUrl);
    const others = [...page.body.matchAll(/name="(file_\d+)"/g)].map((m) => m[1]!).filter((f) => f !== "file_0");
    const good = others.map((field) => ({ field, fileName: "dung.pdf", data: pdf() }));
    const liar = Buffer.from(`hello, not a pdf ${randomBytes(8).toString("hex")}`);
    const r = await postForm(c, formUrl, { fullName: "Lê Văn Nói Dối", phone: "0911222333", intent: "draft" }, [{ field: "file_0", fileName: "don.pdf", data: liar }, ...good]);
    expect(r.statusCode).toBe(415);
    expect(r.body).toContain("không phải PDF, JPEG hoặc PNG");
    expect(r.body).toContain("không được lưu vào bản nháp");
    expect(r.body).toContain("Đã lưu nháp");
    const [draft] = await draftRows("Lê Văn Nói Dối");
    expect(draft).toBeDefined();
    // The good files of the same save are kept; the lying one has no row and no bytes anywhere.
    const rows = await draftFileRows(draft!.id);
    expect(rows.map((f) => f.sha256)).toEqual(good.map((f) => sha(f.data)));
    expect(rows.map((f) => f.document_index)).not.toContain(0);
    expect(await filesWithContent(liar)).toEqual([]);
    // The saved text comes back with the link; no file is listed.
    const token = /\?draft=([A-Za-z0-9_-]+)/.exec(r.body)![1]!;
    const back = await (await newClient(t.app)).get(`${formUrl}?draft=${token}`);
    expect(back.body).toContain("0911222333");
    expect(back.body).not.toContain("Đã đính kèm: don.pdf");
  });

  it("keeps the text of a draft with a file over 10 MB, answers 413 naming it; a submission with one keeps the form filled", async () => {
    const c = await newClient(t.app);
    await c.get(formUrl);
    const huge = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(10 * 1024 * 1024 + 1, 0x20)]);
    const r = await postForm(c, formUrl, { fullName: "Đỗ Văn Tệp Lớn", phone: "0933444555", intent: "draft" }, [{ field: "file_0", fileName: "quet-ca-so.pdf", data: huge }]);
    expect(r.statusCode).toBe(413);
    expect(r.body).toContain("quet-ca-so.pdf");
    expect(r.body).toContain("không được lưu vào bản nháp");
    const [draft] = await draftRows("Đỗ Văn Tệp Lớn");
    expect(draft).toBeDefined();
    expect(await draftFileRows(draft!.id)).toEqual([]);
    const sent = await postForm(c, formUrl, { fullName: "Đỗ Văn Nộp Lớn", idNumber: "019085001234", phone: "0933444556", addressLine: "Thôn Đông", consent: "yes", idempotencyKey: randomUUID() }, [
      { field: "file_0", fileName: "quet-ca-so.pdf", data: huge },
    ]);
    expect(sent.statusCode).toBe(413);
    expect(sent.body).toContain("quet-ca-so.pdf");
    expect(sent.body).toContain("Đỗ Văn Nộp Lớn");
  });

  it("drops a kept file when asked, in English too", async () => {
    const { key, token, files } = await saveDraftWithFiles("Phạm Thị Bỏ Tệp");
    const [draft] = await draftRows("Phạm Thị Bỏ Tệp");
    const before = await draftFileRows(draft!.id);
    const c = await newClient(t.app);
    const en = await c.get(`${formUrl}?draft=${token}&lang=en`);
    expect(en.body).toContain(`Attached: ${files[0]!.fileName} (1 KB)`);
    const r = await postForm(c, formUrl, { idempotencyKey: key, draft: token, fullName: "Phạm Thị Bỏ Tệp", dropFile_0: "yes", intent: "draft" });
    expect(r.statusCode).toBe(200);
    const after = await draftFileRows(draft!.id);
    expect(after.map((f) => f.document_index)).not.toContain(0);
    expect((await has(before[0]!.storage_path))).toBe(false);
  });

  it("sweeps expired drafts and their files on the job queue, leaving live drafts alone", async () => {
    const expired = await saveDraftWithFiles("Hoàng Văn Hết Hạn");
    const live = await saveDraftWithFiles("Hoàng Văn Còn Hạn");
    const [gone] = await draftRows("Hoàng Văn Hết Hạn");
    const [kept] = await draftRows("Hoàng Văn Còn Hạn");
    const goneFiles = await draftFileRows(gone!.id);
    const keptFiles = await draftFileRows(kept!.id);
    await sys((tx) => tx.exec("update dossier_drafts set expires_at = now() - interval '1 minute' where id = $1", [gone!.id]));
    // The expired link no longer opens the draft.
    expect((await (await newClient(t.app)).get(`${formUrl}?draft=${expired.token}`)).body).not.toContain("Hoàng Văn Hết Hạn");

    const job = registeredJobs().find((j) => j.name === DRAFT_CLEANUP_JOB);
    expect(job?.cron).toBeDefined();
    await job!.run({ db: t.tdb.db, data: {} });
    expect(await draftRows("Hoàng Văn Hết Hạn")).toEqual([]);
    expect(await draftFileRows(gone!.id)).toEqual([]);
    for (const f of goneFiles) expect((await has(f.storage_path))).toBe(false);
    for (const f of expired.files) expect(await filesWithContent(f.data)).toEqual([]);
    expect(await draftRows("Hoàng Văn Còn Hạn")).toHaveLength(1);
    expect(await draftFileRows(kept!.id)).toEqual(keptFiles);
    for (const f of keptFiles) expect((await has(f.storage_path))).toBe(true);
    expect(live.files.length).toBe(keptFiles.length);
  });
});
