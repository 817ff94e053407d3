import { createCanvas, GlobalFonts } from "@napi-rs/canvas";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import { stopOcr } from "../../src/modules/digitisation/ocr";
import { runOcr } from "../../src/modules/digitisation/store";
import { createTestApp, signIn, type Client, type TestApp } from "../support/app";
import { idLookupHash } from "../../src/modules/privacy/sealing";

// Digitisation: a scanned Vietnamese page read by OCR (character error rate ≤ 2 %), its text
// searchable; a scan that is not a document refused as any upload; a failed OCR never touching
// the dossier; a stored document reused by a later dossier of the same person.

GlobalFonts.registerFromPath(path.resolve(import.meta.dirname, "../../assets/fonts/Tinos-Regular.ttf"), "Tinos");

const PAGE = [
  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
  "Độc lập - Tự do - Hạnh phúc",
  "GIẤY XÁC NHẬN NƠI CƯ TRÚ",
  "Họ, chữ đệm và tên: Nguyễn Thị Phương Thảo",
  "Ngày, tháng, năm sinh: 14/08/1992. Giới tính: Nữ",
  "Số định danh cá nhân: 019192004567",
  "Nơi thường trú: Thôn Đồng Kiệm, xã Minh Tiến, tỉnh Thái Nguyên",
  "Quan hệ với chủ hộ: Con đẻ. Dân tộc: Kinh. Tôn giáo: Không",
  "Xác nhận để làm thủ tục đăng ký kết hôn tại Ủy ban nhân dân xã.",
];

/** The page as a 200-dpi-like scan: black text on white, Tinos 40 px. */
function scanOfPage(): Buffer {
  const c = createCanvas(1700, 1300);
  const g = c.getContext("2d");
  g.fillStyle = "white";
  g.fillRect(0, 0, 1700, 1300);
  g.fillStyle = "black";
  g.font = "40px Tinos";
  for (const [i, line] of PAGE.entries()) g.fillText(line, 90, 120 + i * 120);
  return c.toBuffer("image/png");
}

function levenshtein(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length]!;
}

function characterErrorRate(ocr: string, truth: string): number {
  const norm = (s: string) => s.normalize("NFC").replace(/\s+/g, " ").trim();
  return levenshtein(norm(ocr), norm(truth)) / norm(truth).length;
}

let t: TestApp;
let desk: Client;
const sys = <T,>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);

beforeAll(async () => {
  t = await createTestApp();
  desk = await signIn(t.app, "demo-desk");
});
afterAll(async () => {
  await stopOcr();
  await t?.close();
});

async function counterDossier(idNumber: string): Promise<string> {
  const form = await desk.get("/staff/dossiers/new?procedure=1.000894");
  // The papers the checklist marks required ("tag warn"); the optional ones may come from the store later.
  const docs = [...form.body.matchAll(/name="doc" value="([^"]+)"[^<]*<span class="tag warn"/g)].map((m) => m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, "&"));
  const payload = new URLSearchParams({ _csrf: desk.csrf, procedure: "1.000894", fullName: "Nguyễn Thị Phương Thảo", idNumber, phone: "0987000111", addressLine: "Thôn Đồng Kiệm", consent: "yes" });
  for (const d of docs) payload.append("doc", d);
  const res = await t.app.inject({ method: "POST", url: "/staff/dossiers/new", payload: payload.toString(), headers: { cookie: [...desk.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": "application/x-www-form-urlencoded" } });
  const m = /\/staff\/dossiers\/([^?]+)\?received=1/.exec(String(res.headers.location ?? ""));
  expect(m, res.body.slice(0, 500)).not.toBeNull();
  return decodeURIComponent(m![1]!);
}

function multipart(fields: Record<string, string>, files: { name: string; fileName: string; type: string; data: Buffer }[]) {
  const boundary = "----scan";
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${f.name}"; filename="${f.fileName}"\r\ncontent-type: ${f.type}\r\n\r\n`), f.data, Buffer.from("\r\n"));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

async function scan(code: string, file: { fileName: string; type: string; data: Buffer }, documentName = "Giấy xác nhận nơi cư trú") {
  const m = multipart({ _csrf: desk.csrf, documentName }, [{ name: "files", ...file }]);
  return t.app.inject({
    method: "POST",
    url: `/staff/dossiers/${encodeURIComponent(code)}/scans`,
    payload: m.payload,
    headers: { cookie: [...desk.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": m.type },
  });
}

describe("digitised documents", () => {
  it("reads a scanned Vietnamese page with a character error rate of at most 2 %, and staff find the dossier by its content", async () => {
    const code = await counterDossier("019192004567");
    const res = await scan(code, { fileName: "xac-nhan-cu-tru.png", type: "image/png", data: scanOfPage() });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
    const pending = await sys((tx) => tx.one<{ ocr_status: string }>("select s.ocr_status from applicant_documents s join dossiers d on d.id = s.source_dossier_id where d.code = $1", [code]));
    expect(pending.ocr_status).toBe("pending");
    expect(await runOcr(t.tdb.db)).toEqual({ done: 1, failed: 0 });
    const doc = await sys((tx) => tx.one<{ ocr_status: string; ocr_text: string }>("select s.ocr_status, s.ocr_text from applicant_documents s join dossiers d on d.id = s.source_dossier_id where d.code = $1", [code]));
    expect(doc.ocr_status).toBe("done");
    const cer = characterErrorRate(doc.ocr_text, PAGE.join("\n"));
    expect(cer, doc.ocr_text).toBeLessThanOrEqual(0.02);
    // Found by what the paper says (typed without tones), not by anything typed at intake.
    const found = await desk.json("GET", `/api/v1/dossiers?queue=all&q=${encodeURIComponent("ton giao: khong")}`);
    expect(found.json().items.map((i: { code: string }) => i.code)).toContain(code);
    const page = await desk.get(`/staff/dossiers/${encodeURIComponent(code)}`);
    expect(page.body).toContain("đã nhận dạng chữ");
  });

  it("refuses a scan that is not a document, as any upload; a scan OCR cannot read never touches the dossier", async () => {
    const code = await counterDossier("019192004568");
    const exe = await scan(code, { fileName: "virus.png", type: "image/png", data: Buffer.from("MZ\x90\x00 not an image at all") });
    expect(exe.statusCode).toBe(415);
    expect(exe.body).toContain("PDF");
    const before = await sys((tx) => tx.one<{ status: string; n: number }>("select d.status, (select count(*)::int from dossier_attachments a where a.dossier_id = d.id) as n from dossiers d where d.code = $1", [code]));
    // A PDF by its first bytes that no reader can open: stored, its OCR fails three times, then stops.
    const broken = await scan(code, { fileName: "hong.pdf", type: "application/pdf", data: Buffer.from("%PDF-1.4\n%garbage that is no PDF\n%%EOF\n") });
    expect(broken.statusCode).toBe(303);
    for (let i = 0; i < 3; i++) {
      await runOcr(t.tdb.db);
      await sys((tx) => tx.exec("update applicant_documents set ocr_at = null where ocr_status = 'pending'"));
    }
    const s = await sys((tx) => tx.one<{ ocr_status: string; ocr_error: string | null }>("select s.ocr_status, s.ocr_error from applicant_documents s join dossiers d on d.id = s.source_dossier_id where d.code = $1", [code]));
    expect(s.ocr_status).toBe("failed");
    expect(s.ocr_error).toBeTruthy();
    const after = await sys((tx) => tx.one<{ status: string; n: number }>("select d.status, (select count(*)::int from dossier_attachments a where a.dossier_id = d.id) as n from dossiers d where d.code = $1", [code]));
    expect(after).toEqual({ status: before.status, n: before.n + 1 });
  });

  it("a later dossier of the same person reuses a stored document instead of receiving it again; the dossier records it", async () => {
    const first = await counterDossier("019192004570");
    expect((await scan(first, { fileName: "cu-tru.png", type: "image/png", data: scanOfPage() })).statusCode).toBe(303);
    const second = await counterDossier("019192004570");
    const stranger = await counterDossier("019192004571");
    const stored = await sys((tx) => tx.one<{ id: number }>("select id from applicant_documents where id_hash = $1 and kind = 'scan' order by id limit 1", [idLookupHash("019192004570")]));
    const page = await desk.get(`/staff/dossiers/${encodeURIComponent(second)}`);
    expect(page.body).toContain("Giấy tờ đã lưu của người nộp");
    expect(page.body).toContain("Dùng lại cho hồ sơ này");
    const missing = await sys((tx) => tx.one<{ documents: { name: string; received: boolean }[] }>("select documents from dossiers where code = $1", [second]));
    const target = missing.documents.find((d) => !d.received)!;
    const ok = await desk.post(`/staff/dossiers/${encodeURIComponent(second)}/reuse`, { storedId: String(stored.id), documentName: target.name });
    expect(ok.statusCode).toBe(303);
    const after = await sys((tx) =>
      tx.one<{ documents: { name: string; received: boolean }[]; reuses: number; storage: string[] }>(
        `select d.documents, (select count(*)::int from dossier_document_reuses r where r.dossier_id = d.id) as reuses,
           array(select a.storage_path from dossier_attachments a where a.dossier_id = d.id) as storage from dossiers d where d.code = $1`,
        [second],
      ),
    );
    expect(after.reuses).toBe(1);
    expect(after.documents.find((d) => d.name === target.name)?.received).toBe(true);
    const original = await sys((tx) => tx.one<{ storage_path: string }>("select storage_path from applicant_documents where id = $1", [stored.id]));
    expect(after.storage).toContain(original.storage_path);
    const shown = await desk.get(`/staff/dossiers/${encodeURIComponent(second)}`);
    expect(shown.body).toContain("Giấy tờ dùng lại");
    expect(shown.body).toContain(first);
    // Twice: refused; another person's dossier: not theirs to reuse.
    expect((await desk.post(`/staff/dossiers/${encodeURIComponent(second)}/reuse`, { storedId: String(stored.id) })).statusCode).toBe(409);
    expect((await desk.post(`/staff/dossiers/${encodeURIComponent(stranger)}/reuse`, { storedId: String(stored.id) })).statusCode).toBe(404);
    const audit = await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from audit_log where action = 'document.reuse' and entity_id = $1", [second]));
    expect(audit.n).toBe(1);
  });
});
