import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import type { DossierAction } from "../../src/domain/dossiers/state-machine";
import { hashPassword } from "../../src/modules/accounts/passwords";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { finaliseFiles, stageFiles } from "../../src/modules/dossiers/files";
import { applyAction, type DossierActor, requiredDocuments } from "../../src/modules/dossiers/service";
import { formatDate } from "../../src/web/i18n";
import { type Client, createTestApp, newClient, signIn, type TestApp } from "../support/app";

// Citizen self-service through HTTP: the list and page of one's own dossiers, a supplement with
// files (and a file that lies about its type), withdrawal, and what another account cannot see.

const COMMUNE = "000.00.25.H12";
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

let t: TestApp;
let communeId: number;
let users: Record<string, number>;
let procCode: string;
let citizen: Client;
let stranger: Client;
let desk: Client;

const sys = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);
const scoped = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.scoped({ agencyIds: [communeId], userId: null }, fn);

function actor(username: string, role: DossierActor["role"]): DossierActor {
  return { userId: users[username]!, role, label: username, agencyId: communeId };
}

function staffAct(code: string, action: DossierAction, input: Record<string, unknown> = {}) {
  return scoped((tx) => applyAction(tx, { dossierCode: code, agencyId: communeId, action, actor: actor("demo-desk", "desk_officer"), input }));
}

type Part = { name: string; value: string } | { name: string; filename: string; type: string; data: Buffer };

function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----motcua${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if ("data" in p) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`), p.data, Buffer.from("\r\n"));
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

function postMultipart(c: Client, url: string, parts: Part[]) {
  // The token travels in the form's body, as the page's hidden field sends it.
  const { body, contentType } = multipart([{ name: "_csrf", value: c.csrf }, ...parts]);
  return t.app.inject({
    method: "POST",
    url,
    payload: body,
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": contentType },
  });
}

/** Submits through the public no-JS form while signed in; returns the dossier code. */
async function submitSignedIn(c: Client): Promise<string> {
  const formUrl = `/submit/${COMMUNE}/${encodeURIComponent(procCode)}`;
  const page = await c.get(formUrl);
  expect(page.statusCode).toBe(200);
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.body)![1]!;
  const docs = [...page.body.matchAll(/name="(file_\d+)"/g)].map((m) => m[1]!);
  const r = await postMultipart(c, formUrl, [
    { name: "idempotencyKey", value: key },
    { name: "fullName", value: "Vũ Văn An" },
    { name: "idNumber", value: "019085001234" },
    { name: "phone", value: "0912345678" },
    { name: "addressLine", value: "Thôn Đồng Tiến" },
    { name: "consent", value: "yes" },
    { name: "intent", value: "submit" },
    ...docs.map((d) => ({ name: d, filename: "scan.pdf", type: "application/pdf", data: PDF })),
  ]);
  expect(r.statusCode, r.body.slice(0, 2000)).toBe(303);
  const code = new URL(r.headers.location as string, "http://x").searchParams.get("code")!;
  const owner = await sys((tx) => tx.one<{ applicant_user_id: number | null }>("select applicant_user_id from dossiers where code = $1", [code]));
  expect(owner.applicant_user_id).toBe(users["demo-citizen"]);
  return code;
}

const status = (code: string) => sys((tx) => tx.one<{ status: string }>("select status from dossiers where code = $1", [code])).then((r) => r.status);
const attachmentsOf = (code: string) =>
  sys((tx) =>
    tx.query<{ id: number; kind: string; document_name: string; file_name: string }>(
      "select a.id, a.kind, a.document_name, a.file_name from dossier_attachments a join dossiers d on d.id = a.dossier_id where d.code = $1 order by a.id",
      [code],
    ),
  );
const page = (code: string) => `/my/dossiers/${encodeURIComponent(code)}`;

beforeAll(async () => {
  t = await createTestApp();
  communeId = (await sys((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [COMMUNE]))).id;
  users = Object.fromEntries((await sys((tx) => tx.query<{ username: string; id: number }>("select username, id from users where is_demo"))).map((u) => [u.username, u.id]));
  // A procedure offered online, with mandatory documents and a time limit in working days (so an appointment exists).
  const candidates = await sys((tx) =>
    tx.query<{ code: string }>(
      `select p.code from procedures p join agency_offering($1) ap on ap.procedure_id = p.id where ap.enabled and ap.online_level <> 'none' order by p.code`,
      [communeId],
    ),
  );
  for (const cand of candidates) {
    const p = await sys((tx) => findOfferedProcedure(tx, { agencyId: communeId, code: cand.code }));
    if (!p || p.onlineLevel === "none" || p.timeLimit?.unit !== "working_days") continue;
    if (requiredDocuments(p).mandatory.length === 0) continue;
    procCode = p.code;
    break;
  }
  expect(procCode).toBeDefined();
  await sys(async (tx) =>
    tx.exec("insert into users (agency_id, username, full_name, role, password_hash) values ($1, 'citizen-two', 'Trần Thị Bình', 'citizen', $2)", [
      communeId,
      await hashPassword("citizen-two-pass-2026"),
    ]),
  );
  citizen = await signIn(t.app, "demo-citizen");
  stranger = await signIn(t.app, "citizen-two", "citizen-two-pass-2026");
  desk = await signIn(t.app, "demo-desk");
  await citizen.get("/my/dossiers");
  await stranger.get("/my/dossiers");
});
afterAll(async () => {
  await t?.close();
});

describe("a citizen's own dossiers", () => {
  it("lists an online submission made while signed in, with its date, status and a link to its page", async () => {
    const code = await submitSignedIn(citizen);
    const list = await citizen.get("/my/dossiers");
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="${page(code)}"`);
    expect(list.body).toContain(formatDate(new Date()));
    expect(list.body).toContain("Chờ tiếp nhận (nộp trực tuyến)");
    expect(list.body).toContain("Hồ sơ của tôi");
    // Another account's list does not show it.
    expect((await stranger.get("/my/dossiers")).body).not.toContain(code);
    // Anonymous visitors are sent to sign in; staff have no such page.
    const anon = await newClient(t.app);
    const r = await anon.get("/my/dossiers");
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe("/login?next=%2Fmy%2Fdossiers");
    expect((await desk.get("/my/dossiers")).statusCode).toBe(403);
    expect((await desk.get(page(code))).statusCode).toBe(403);
  });

  it("takes a supplement with files as asked; a lying file is refused and leaves nothing", async () => {
    const code = await submitSignedIn(citizen);
    await staffAct(code, "accept");
    await staffAct(code, "request_supplement", { note: "Thiếu bản chụp rõ nét Giấy khai sinh" });
    const before = await attachmentsOf(code);

    const view = await citizen.get(page(code));
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain("Thiếu bản chụp rõ nét Giấy khai sinh");
    expect(view.body).toContain('id="supplement-title"');
    expect(view.body).toContain('id="withdraw-title"');
    expect(view.body).toContain("Nộp trực tuyến");
    expect(view.body).toContain("Tiếp nhận hồ sơ trực tuyến");
    expect(view.body).toContain("Yêu cầu bổ sung, hoàn thiện");
    expect(view.body).toContain(`/track?code=${encodeURIComponent(code)}`);
    const english = await citizen.get(`${page(code)}?lang=en`);
    expect(english.body).toContain("Send a supplement");
    expect(english.body).toContain("Supplement requested");

    // A text file named .pdf: refused by content, with the reason on the page; nothing recorded.
    const lying = await postMultipart(citizen, `${page(code)}/supplement`, [
      { name: "note", value: "Gửi bản chụp" },
      { name: "documentName", value: "" },
      { name: "files", filename: "giay-khai-sinh.pdf", type: "application/pdf", data: Buffer.from("this is not a PDF at all") },
    ]);
    expect(lying.statusCode).toBe(415);
    expect(lying.body).toContain("không phải PDF, JPEG hoặc PNG");
    expect(lying.body).toContain('id="supplement-title"');
    expect(await attachmentsOf(code)).toEqual(before);
    expect(await status(code)).toBe("supplement_requested");

    // Nothing to send at all.
    const empty = await postMultipart(citizen, `${page(code)}/supplement`, [
      { name: "note", value: "  " },
      { name: "files", filename: "", type: "application/octet-stream", data: Buffer.alloc(0) },
    ]);
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain("Ghi nội dung bổ sung hoặc đính kèm ít nhất một tệp.");
    expect(await status(code)).toBe("supplement_requested");

    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#ffffff" } }).png().toBuffer();
    const ok = await postMultipart(citizen, `${page(code)}/supplement`, [
      { name: "note", value: "Đã chụp lại rõ nét" },
      { name: "documentName", value: "Giấy khai sinh" },
      { name: "files", filename: "khai-sinh.pdf", type: "application/pdf", data: PDF },
      { name: "files", filename: "khai-sinh-mat-sau.png", type: "image/png", data: png },
    ]);
    expect(ok.statusCode, ok.body.slice(0, 3000)).toBe(303);
    expect(ok.headers.location).toBe(`${page(code)}?done=supply_supplement`);
    expect(["received", "in_progress"]).toContain(await status(code));
    const added = (await attachmentsOf(code)).slice(before.length);
    expect(added.map((a) => [a.kind, a.document_name, a.file_name])).toEqual([
      ["supplement", "Giấy khai sinh (1)", "khai-sinh.pdf"],
      ["supplement", "Giấy khai sinh (2)", "khai-sinh-mat-sau.png"],
    ]);
    const event = await sys((tx) =>
      tx.one<{ note: string; actor_user_id: number }>(
        "select e.note, e.actor_user_id from dossier_events e join dossiers d on d.id = e.dossier_id where d.code = $1 and e.action = 'supply_supplement'",
        [code],
      ),
    );
    expect(event).toEqual({ note: "Đã chụp lại rõ nét", actor_user_id: users["demo-citizen"] });

    const after = await citizen.get(ok.headers.location as string);
    expect(after.body).toContain("Đã nộp bổ sung.");
    expect(after.body).toContain("Đã bổ sung hồ sơ · bạn thực hiện");
    expect(after.body).not.toContain('id="supplement-title"');

    // Downloads of one's own files, with the staff download's safe headers.
    const dl = await citizen.get(`${page(code)}/attachments/${added[0]!.id}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers["content-type"]).toBe("application/pdf");
    expect(dl.headers["content-disposition"]).toBe(`attachment; filename="khai-sinh.pdf"; filename*=UTF-8''khai-sinh.pdf`);
    expect(dl.headers["x-content-type-options"]).toBe("nosniff");
    expect(dl.headers["cache-control"]).toBe("private, no-store");
    expect(dl.rawPayload.equals(PDF)).toBe(true);
    expect((await stranger.get(`${page(code)}/attachments/${added[0]!.id}`)).statusCode).toBe(404);
    expect((await citizen.get(`${page(code)}/attachments/999999`)).statusCode).toBe(404);

    // Once supplied, another supplement is refused (wrong status) and nothing is saved.
    const again = await postMultipart(citizen, `${page(code)}/supplement`, [
      { name: "note", value: "Thêm lần nữa" },
      { name: "files", filename: "them.pdf", type: "application/pdf", data: PDF },
    ]);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain("Không thể thực hiện");
    expect((await attachmentsOf(code)).length).toBe(before.length + 2);
  });

  it("withdraws with a reason and a confirmation; another citizen gets 404 and changes nothing", async () => {
    const code = await submitSignedIn(citizen);

    expect((await stranger.get(page(code))).statusCode).toBe(404);
    const theirs = await stranger.post(`${page(code)}/withdraw`, { reason: "Không phải của tôi", confirm: "yes" });
    expect(theirs.statusCode).toBe(404);
    const theirFiles = await postMultipart(stranger, `${page(code)}/supplement`, [{ name: "files", filename: "a.pdf", type: "application/pdf", data: PDF }]);
    expect(theirFiles.statusCode).toBe(404);
    expect(await status(code)).toBe("submitted");

    const unconfirmed = await citizen.post(`${page(code)}/withdraw`, { reason: "Tôi đã nộp nhầm thủ tục" });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain("Đánh dấu ô xác nhận để rút hồ sơ.");
    expect(unconfirmed.body).toContain("Tôi đã nộp nhầm thủ tục");
    const noReason = await citizen.post(`${page(code)}/withdraw`, { reason: "x", confirm: "yes" });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain("Ghi lý do rút hồ sơ");
    expect(await status(code)).toBe("submitted");

    const ok = await citizen.post(`${page(code)}/withdraw`, { reason: "Tôi đã nộp nhầm thủ tục", confirm: "yes" });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`${page(code)}?done=withdraw`);
    const row = await sys((tx) => tx.one<{ status: string; closed_at: Date | null }>("select status, closed_at from dossiers where code = $1", [code]));
    expect(row.status).toBe("withdrawn");
    expect(row.closed_at).not.toBeNull();
    const audit = await sys((tx) => tx.query<{ action: string }>("select action from audit_log where entity = 'dossier' and entity_id = $1 order by id", [code]));
    expect(audit.map((a) => a.action)).toContain("dossier.withdraw");

    const view = await citizen.get(ok.headers.location as string);
    expect(view.body).toContain("Đã rút hồ sơ.");
    expect(view.body).toContain("Tôi đã nộp nhầm thủ tục");
    expect(view.body).not.toContain('id="withdraw-title"');
    const twice = await citizen.post(`${page(code)}/withdraw`, { reason: "Rút lần nữa", confirm: "yes" });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain("Không thể thực hiện");
  });

  it("offers the result file only once it was returned online", async () => {
    const code = await submitSignedIn(citizen);
    await staffAct(code, "accept");
    if ((await status(code)) === "received") await staffAct(code, "assign", { assigneeUserId: users["demo-specialist"] });
    const result = Buffer.from("%PDF-1.4\n% ket qua\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    const staged = await stageFiles({ db: t.tdb.db, agencyId: communeId, uploads: [{ documentName: "Trích lục khai sinh", fileName: "trich-luc.pdf", data: result }] });
    await scoped(async (tx) => {
      await applyAction(tx, { dossierCode: code, agencyId: communeId, action: "mark_result_ready", actor: actor("demo-desk", "desk_officer"), files: staged });
      await finaliseFiles(tx, staged);
    });
    const resultId = (await attachmentsOf(code)).find((a) => a.kind === "result")!.id;
    const ready = await citizen.get(page(code));
    expect(ready.body).toContain("Hồ sơ đã có kết quả.");
    expect(ready.body).not.toContain(`/attachments/${resultId}`);
    expect((await citizen.get(`${page(code)}/attachments/${resultId}`)).statusCode).toBe(404);

    await staffAct(code, "return", { returnChannel: "online" });
    const returned = await citizen.get(page(code));
    expect(returned.body).toContain("Kết quả giải quyết");
    expect(returned.body).toContain(`/attachments/${resultId}`);
    const dl = await citizen.get(`${page(code)}/attachments/${resultId}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(result)).toBe(true);
    expect((await stranger.get(`${page(code)}/attachments/${resultId}`)).statusCode).toBe(404);
  });
});
