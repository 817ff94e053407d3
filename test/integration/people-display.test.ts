import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import { allAuditActions } from "../../src/modules/audit/actions";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { requiredDocuments } from "../../src/modules/dossiers/service";
import { type Client, createTestApp, signIn, type TestApp } from "../support/app";

// People, not identifiers: the staff and citizen dossier pages, the control slip (Mẫu 05), the
// staff notices and the audit page name who acted — full name and title, the applicant, "theo
// phân công lĩnh vực", "Hệ thống" — and never print a stored label, a username or an id.

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
const HOA_VI = "Nguyễn Thị Hoa (Công chức Bộ phận Một cửa)";
const HOA_EN = "Nguyễn Thị Hoa (One-stop desk officer)";

let t: TestApp;
let dir: string;
let desk: Client;
let citizen: Client;
let specialist: Client;
/** Submitted by the signed-in demo citizen (Vũ Văn An) / by a visitor without an account (Lê Thị Mai). */
let mine: string;
let visitor: string;

const sys = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);

/** Nothing a machine wrote for itself: labels, usernames, ids, action codes. */
function expectNoIdentifiers(text: string, where: string): void {
  for (const s of ["system:", "applicant:", "user #", "demo-desk", "demo-specialist", "demo-citizen", "auth.login", "dossier.accept", "dossier.assign"]) {
    expect(text, `${where} shows ${s}`).not.toContain(s);
  }
  expect(text, where).not.toMatch(/\b[a-z_]+ #\d+/);
}

function pdfText(buf: Buffer, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, buf);
  return execFileSync("/usr/bin/pdftotext", ["-layout", file, "-"], { encoding: "utf8" }).normalize("NFC");
}

/** The page's visible text, tags and entities removed, so a phrase split by markup still matches. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");
}

beforeAll(async () => {
  t = await createTestApp();
  dir = mkdtempSync(path.join(tmpdir(), "motcua-people-"));
  const communeId = (await sys((tx) => tx.one<{ id: number }>("select id from agencies where code = '000.00.25.H12'"))).id;
  // An online procedure of a field the demo assigns by rule (Hộ tịch, … → a specialist).
  const candidates = await sys((tx) =>
    tx.query<{ code: string }>(
      `select p.code from agency_procedures ap join procedures p on p.id = ap.procedure_id
       where ap.agency_id = $1 and ap.enabled and ap.online_level <> 'none' order by p.code`,
      [communeId],
    ),
  );
  let proc: { code: string; mandatory: string[] } | undefined;
  for (const c of candidates) {
    const p = await sys((tx) => findOfferedProcedure(tx, { agencyId: communeId, code: c.code }));
    const docs = p ? requiredDocuments(p) : undefined;
    if (p && docs && p.onlineLevel !== "none" && p.field === "Hộ tịch" && docs.items.length > 0) {
      // A procedure with cases has no common mandatory list: one paper of its first case will do.
      proc = { code: p.code, mandatory: docs.mandatory.length ? docs.mandatory : [docs.items[0]!.name] };
      break;
    }
  }
  expect(proc).toBeDefined();
  const body = (fullName: string) => ({
    procedureCode: proc!.code,
    agencyCode: "000.00.25.H12",
    applicant: { fullName, idNumber: "019085001234", phone: "0912345678", address: { line: "Thôn Đồng Tiến" } },
    attachments: proc!.mandatory.map((name) => ({ documentName: name, fileName: "a.pdf", dataBase64: PDF.toString("base64") })),
  });
  citizen = await signIn(t.app, "demo-citizen");
  const a = await citizen.json("POST", "/api/v1/dossiers", body("Vũ Văn An"));
  expect(a.statusCode, a.body).toBe(201);
  mine = a.json().code;
  const b = await t.app.inject({ method: "POST", url: "/api/v1/dossiers", payload: JSON.stringify(body("Lê Thị Mai")), headers: { "content-type": "application/json" } });
  expect(b.statusCode, b.body).toBe(201);
  visitor = b.json().code;
  desk = await signIn(t.app, "demo-desk");
  for (const code of [mine, visitor]) {
    // Accepting hands the dossier to the field's specialist by rule (service: assignByRule).
    const r = await desk.json("POST", `/api/v1/dossiers/${encodeURIComponent(code)}/actions/accept`, {});
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().dossier.status).toBe("in_progress");
  }
  specialist = await signIn(t.app, "demo-specialist");
  const sent = await specialist.json("POST", `/api/v1/dossiers/${encodeURIComponent(mine)}/actions/send_to_leader`, {});
  expect(sent.statusCode, sent.body).toBe(200);
});
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("who acted, in words", () => {
  it("the staff dossier page names the applicant, the officer with their title and the field rule (vi and en)", async () => {
    const page = await desk.get(`/staff/dossiers/${encodeURIComponent(visitor)}`);
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain("Nộp trực tuyến · Người nộp hồ sơ: Lê Thị Mai");
    expect(text).toContain(`Tiếp nhận hồ sơ trực tuyến · ${HOA_VI}`);
    expect(text).toContain("Phân công xử lý · theo phân công lĩnh vực");
    expectNoIdentifiers(text, "staff page");

    const own = textOf((await desk.get(`/staff/dossiers/${encodeURIComponent(mine)}`)).body);
    expect(own).toContain("Nộp trực tuyến · Người nộp hồ sơ: Vũ Văn An");
    expect(own).toContain("Trình lãnh đạo · Trần Văn Hùng (Công chức Tư pháp – Hộ tịch)");
    expectNoIdentifiers(own, "staff page");

    await desk.get("/lang/en");
    const en = textOf((await desk.get(`/staff/dossiers/${encodeURIComponent(visitor)}`)).body);
    await desk.get("/lang/vi");
    expect(en).toContain("Submitted online · Applicant: Lê Thị Mai");
    expect(en).toContain(`Accept online dossier · ${HOA_EN}`);
    expect(en).toContain("Assign · by field assignment");
    expectNoIdentifiers(en, "staff page (en)");
  });

  it("the citizen's page names the officers and marks the citizen's own steps", async () => {
    const page = await citizen.get(`/my/dossiers/${encodeURIComponent(mine)}`);
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain("Nộp trực tuyến · bạn thực hiện");
    expect(text).toContain(`Tiếp nhận hồ sơ trực tuyến · ${HOA_VI}`);
    expect(text).toContain("Phân công xử lý · theo phân công lĩnh vực");
    expect(text).toContain("Trình lãnh đạo · Trần Văn Hùng (Công chức Tư pháp – Hộ tịch)");
    expectNoIdentifiers(text, "citizen page");
  });

  it("Mẫu 05 names who handed over and who received, and the rule in words", async () => {
    const res = await desk.get(`/staff/dossiers/${encodeURIComponent(mine)}/slips/05.pdf`);
    expect(res.statusCode).toBe(200);
    const text = pdfText(res.rawPayload, "m05.pdf");
    const flat = text.replace(/\s+/g, " ");
    expect(flat).toContain("Nguyễn Thị Hoa");
    expect(flat).toContain("Trần Văn Hùng");
    expect(flat).toContain("Hoàng Văn Minh");
    // The hand-over by rule: from the desk that held it, to the specialist, "theo phân công lĩnh vực"
    // (the table's cells wrap, so the phrase comes in two lines of the text).
    expect(flat).toContain("3. Giao: Bộ phận Tiếp nhận và");
    expect(text).toContain("Chuyển xử lý theo");
    expect(text).toContain("phân công lĩnh vực");
    expect(flat).toContain("Nhận: Trần Văn Hùng (Công");
    expect(flat).toContain("2. Giao: Nguyễn Thị Hoa (Công");
    expect(text).not.toContain("Giao: Hệ thống");
    expectNoIdentifiers(text, "Mẫu 05");
  });

  it("staff notices say who handed the dossier over", async () => {
    const notices = await sys((tx) =>
      tx.query<{ kind: string; body: string }>(
        "select n.kind, n.body from staff_notifications n join dossiers d on d.id = n.dossier_id where d.code = $1 order by n.id",
        [mine],
      ),
    );
    expect(notices.map((n) => n.kind)).toEqual(["assigned", "awaiting_approval"]);
    expect(notices[0]!.body).toContain("Giao tự động theo phân công lĩnh vực.");
    expect(notices[1]!.body).toContain("Người trình: Trần Văn Hùng (Công chức Tư pháp – Hộ tịch).");
    for (const n of notices) expectNoIdentifiers(n.body, `notice ${n.kind}`);
  });

  it("the audit page says who did what to which record, in Vietnamese and English, each sign-in once", async () => {
    const admin = await signIn(t.app, "demo-admin");
    const page = await admin.get("/staff/audit");
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain(`${HOA_VI} Đăng nhập Tài khoản ${HOA_VI}`);
    expect(text).toContain(`${HOA_VI} Tiếp nhận hồ sơ trực tuyến Hồ sơ ${visitor}`);
    expect(text).toContain(`theo phân công lĩnh vực Phân công xử lý Hồ sơ ${visitor}`);
    expect(text).toContain(`Người nộp hồ sơ: Lê Thị Mai Nộp trực tuyến Hồ sơ ${visitor}`);
    expect(text).toContain(`Vũ Văn An (Công dân) Nộp trực tuyến Hồ sơ ${mine}`);
    expect(text).toContain("Vũ Văn An (Công dân) Đăng nhập Tài khoản Vũ Văn An (Công dân)");
    expect(text).toContain("Hệ thống Tạo dữ liệu mẫu Đơn vị Ủy ban nhân dân xã Minh Tiến");
    expectNoIdentifiers(text, "audit page");
    for (const code of allAuditActions()) expect(page.body, code).not.toContain(`>${code}<`);
    // One line per sign-in: demo-desk signed in once in this file.
    expect(text.split(`${HOA_VI} Đăng nhập Tài khoản`).length - 1).toBe(1);

    await admin.get("/lang/en");
    const en = textOf((await admin.get("/staff/audit")).body);
    expect(en).toContain(`${HOA_EN} Signed in Account of ${HOA_EN}`);
    expect(en).toContain(`by field assignment Assign Dossier ${visitor}`);
    expect(en).toContain("System Created the demo data Agency");
    expectNoIdentifiers(en, "audit page (en)");
  });
});
