import { createHash } from "node:crypto";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vnToday } from "../../src/domain/documents/numbering";
import { addDays, defaultPeriod } from "../../src/domain/reports/period";
import { SAMPLE_REPORT_DATA } from "../../src/domain/reports/sample-data";
import { createUser } from "../../src/modules/accounts/users";
import { overrideReportProviders } from "../../src/modules/reports/gather";
import { createTestApp, signIn, type Client, type TestApp } from "../support/app";
import { pdfInfo, pdfText, renderPdfPage } from "../support/pdf";

let t: TestApp;
let comms: Client;
let leader: Client;
let admin: Client;
let reportId: number;

const FIXTURE_PROVIDERS = {
  communications: async () => SAMPLE_REPORT_DATA.communications!,
  catalog: async () => SAMPLE_REPORT_DATA.catalog!,
  dossiers: async () => SAMPLE_REPORT_DATA.dossiers!,
};

beforeAll(async () => {
  t = await createTestApp();
  overrideReportProviders(FIXTURE_PROVIDERS);
  [comms, leader, admin] = await Promise.all([signIn(t.app, "demo-comms"), signIn(t.app, "demo-leader"), signIn(t.app, "demo-admin")]);
});
afterAll(async () => {
  overrideReportProviders(undefined);
  await t?.close();
});

const H1 = { agency: "000.00.25.H12", kind: "cchc-communication", from: "2024-01-01", to: "2024-06-30" };

async function docxXml(bytes: Buffer, part = "word/document.xml"): Promise<string> {
  const file = (await JSZip.loadAsync(bytes)).file(part);
  if (!file) throw new Error(`${part} missing from the .docx`);
  return file.async("string");
}

describe("six-monthly report: draft, edit, approve, issue", () => {
  it("drafts from the data: plans, figures and pre-filled narratives", async () => {
    const res = await comms.json("POST", "/api/v1/reports", H1);
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    reportId = r.id;
    expect(r.status).toBe("draft");
    expect(r.number).toBeNull();
    expect(r.subject).toBe("Công tác tuyên truyền cải cách hành chính 06 tháng đầu năm 2024");
    const org = r.sections.find((s: { key: string }) => s.key === "organisation");
    expect(org.narrative).toContain("Kế hoạch số 04/KH-UBND ngày 08/01/2024 về Kế hoạch cải cách hành chính xã Minh Tiến năm 2024");
    expect(org.narrative).toContain("Kế hoạch số 06/KH-UBND ngày 08/01/2024");
    expect(org.facts.join("\n")).toMatch(/Nguyễn Thị Hoa|Lê Thị Thu|Phạm Quốc Bảo/);
    const media = r.sections.find((s: { key: string }) => s.key === "media");
    expect(media.facts.join("\n")).toContain("24 buổi phát thanh");
    const dossiers = r.sections.find((s: { key: string }) => s.key === "dossiers");
    expect(dossiers.facts[0]).toContain("Tiếp nhận 860 hồ sơ");
    expect(r.recipients.at(-1)).toBe("Lưu: VT.");
  });

  it("refuses bad periods with a clear 400", async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ from: "2024-06-30", to: "2024-01-01" }, /trước ngày bắt đầu/],
      [{ from: "2023-01-01", to: "2024-06-30" }, /dài quá một năm/],
      [{ from: "1999-01-01", to: "1999-06-30" }, /trước năm 2000/],
      [{ from: "2024-02-30", to: "2024-06-30" }, /không có thật/],
      [{ from: vnToday(), to: addDays(vnToday(), 5) }, /sau ngày mai/],
      [{ from: `${Number(vnToday().slice(0, 4)) + 1}-07-01`, to: `${Number(vnToday().slice(0, 4)) + 1}-12-31` }, /chưa đến tháng cuối/],
      [{ from: "2024/01/01", to: "2024-06-30" }, /năm-tháng-ngày/],
    ];
    for (const [p, msg] of cases) {
      const res = await comms.json("POST", "/api/v1/reports", { ...H1, ...p });
      expect(res.statusCode, JSON.stringify(p)).toBe(400);
      expect(JSON.stringify(res.json())).toMatch(msg);
    }
    // one year plus one day is the longest accepted period
    expect((await comms.json("POST", "/api/v1/reports", { ...H1, from: "2023-01-01", to: "2024-01-01" })).statusCode).toBe(201);
  });

  // Issue 12: the hint and the validation come from one table, and the form proposes a period it accepts.
  it("the drafting form's hint lists every period kind, and its proposed period is accepted", async () => {
    const page = await comms.get("/staff/reports");
    const hint = /<div class="hint" id="period-hint">([\s\S]*?)<\/div>/.exec(page.body)?.[1] ?? "";
    expect(hint).toContain("6 tháng đầu năm: từ 01/01 đến 30/06; lập được từ ngày 01/06");
    expect(hint).toContain("6 tháng cuối năm: từ 01/07 đến 31/12; lập được từ ngày 01/12");
    expect(hint).toContain("cả năm: từ 01/01 đến 31/12; lập được từ ngày 01/12");
    expect(hint).toContain("kỳ khác: ngày kết thúc không sau ngày mai");
    const from = /id="f-from" name="from" type="date" value="([^"]+)"/.exec(page.body)?.[1];
    const to = /id="f-to" name="to" type="date" value="([^"]+)"/.exec(page.body)?.[1];
    expect({ from, to }).toEqual(defaultPeriod(vnToday()));
    const res = await comms.post("/staff/reports", { from: from!, to: to! });
    expect(res.statusCode, res.body.slice(0, 200)).toBe(303);
    const id = Number(res.headers.location!.split("/").pop());
    const r = (await comms.get(`/api/v1/reports/${id}`)).json();
    // A period still running (December's second half-year) quotes today's figures and says so.
    if (to! > vnToday()) {
      expect(r.data.period.figuresTo).toBe(vnToday());
      expect((await comms.get(`/staff/reports/${id}`)).body).toContain("số liệu tính đến ngày");
    } else expect(r.data.period.figuresTo).toBeUndefined();
  });

  it("a period without data says so plainly, with no invented numbers", async () => {
    overrideReportProviders({});
    try {
      const res = await comms.json("POST", "/api/v1/reports", { ...H1, from: "2001-01-01", to: "2001-12-31" });
      expect(res.statusCode).toBe(201);
      const r = res.json();
      expect(r.subject).toContain("năm 2001");
      const facts: string[] = r.sections.flatMap((s: { facts: string[] }) => s.facts);
      expect(facts.length).toBeGreaterThan(3);
      for (const f of facts) expect(f).toMatch(/^Trong kỳ chưa có số liệu/);
      for (const f of facts) expect(f).not.toMatch(/\d+ (hồ sơ|tin|buổi|thủ tục)/);
      const xml = await docxXml((await comms.get(`/api/v1/reports/${r.id}.docx`)).rawPayload);
      expect(xml).toContain("Trong kỳ chưa có số liệu về tiếp nhận, giải quyết hồ sơ thủ tục hành chính.");
      expect(xml).not.toContain("Biểu 06");
    } finally {
      overrideReportProviders(FIXTURE_PROVIDERS);
    }
  });

  it("permissions: a specialist cannot draft, only the leader approves", async () => {
    const spec = await signIn(t.app, "demo-specialist");
    expect((await spec.json("POST", "/api/v1/reports", H1)).statusCode).toBe(403);
    expect((await spec.get(`/api/v1/reports/${reportId}`)).statusCode).toBe(403);
    expect((await comms.json("POST", `/api/v1/reports/${reportId}/approve`, {})).statusCode).toBe(403);
    expect((await admin.json("POST", `/api/v1/reports/${reportId}/approve`, {})).statusCode).toBe(403);
    // not approved yet: cannot be issued
    const early = await admin.json("POST", `/api/v1/reports/${reportId}/issue`, {});
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toContain("duyệt");
  });

  it("edits narratives through the staff page, approval is withdrawn by a later edit", async () => {
    const page = await comms.get(`/staff/reports/${reportId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="narratives.difficulties"');
    const save = await comms.post(`/staff/reports/${reportId}`, {
      subject: "Công tác tuyên truyền cải cách hành chính 06 tháng đầu năm 2024",
      "narratives.difficulties": "- Nguồn lực cho tuyên truyền còn hạn chế, chưa có kinh phí riêng.",
      recipients: "UBND tỉnh Thái Nguyên (b/c);\nSở Nội vụ tỉnh Thái Nguyên;\nChủ tịch, các Phó Chủ tịch UBND;",
    });
    expect(save.statusCode).toBe(303);
    const approved = await leader.json("POST", `/api/v1/reports/${reportId}/approve`, {});
    expect(approved.statusCode).toBe(200);
    expect(approved.json().signer).toMatchObject({ mode: "TM", name: "Hoàng Văn Minh" });
    const edit = await comms.json("PATCH", `/api/v1/reports/${reportId}`, { narratives: { closing: "Trên đây là báo cáo của UBND xã Minh Tiến./." } });
    expect(edit.statusCode).toBe(200);
    expect(edit.json().status).toBe("draft");
    expect(edit.json().recipients.at(-1)).toBe("Lưu: VT.");
    const again = await leader.post(`/staff/reports/${reportId}/approve`, {});
    expect(again.statusCode).toBe(303);
  });

  it("issues: numbered from the register, files stored with their sha256", async () => {
    const res = await admin.json("POST", `/api/v1/reports/${reportId}/issue`, {});
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.status).toBe("issued");
    expect(r.number).toMatch(/^\d{2,}\/BC-UBND$/);
    expect(r.issuedOn).toBe(vnToday());
    const docx = await comms.get(`/api/v1/reports/${reportId}.docx`);
    expect(docx.statusCode).toBe(200);
    expect(createHash("sha256").update(docx.rawPayload).digest("hex")).toBe(r.files.docxSha256);
    const pdf = await comms.get(`/api/v1/reports/${reportId}.pdf`);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(createHash("sha256").update(pdf.rawPayload).digest("hex")).toBe(r.files.pdfSha256);
    // served as stored: byte-identical on every request
    expect((await leader.get(`/api/v1/reports/${reportId}.pdf`)).rawPayload.equals(pdf.rawPayload)).toBe(true);
    const reg = await admin.get("/api/v1/documents?kind=BC");
    expect(reg.json().items.map((d: { code: string }) => d.code)).toContain(r.number);
  });

  it("the DOCX opens and holds the header, sections, numbers and recipients in Times New Roman", async () => {
    const r = (await comms.get(`/api/v1/reports/${reportId}`)).json();
    const xml = await docxXml((await comms.get(`/api/v1/reports/${reportId}.docx`)).rawPayload);
    for (const s of [
      "ỦY BAN NHÂN DÂN",
      "XÃ MINH TIẾN",
      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "Độc lập - Tự do - Hạnh phúc",
      `Số: ${r.number}`,
      "BÁO CÁO",
      "I. Kết quả thực hiện công tác tuyên truyền cải cách hành chính 06 tháng đầu năm 2024",
      "2.1. Tuyên truyền cổ động trực quan",
      "2.2. Tuyên truyền trên hệ thống Truyền thanh, Trang thông tin điện tử",
      "2.3. Tuyên truyền tại các hội nghị, chuyên đề",
      "II. Những thuận lợi, khó khăn",
      "III. Phương hướng, nhiệm vụ tuyên truyền cải cách hành chính 06 tháng cuối năm 2024",
      "Nguồn lực cho tuyên truyền còn hạn chế",
      "Biểu 06",
      "Tiếp nhận 860 hồ sơ",
      "Niêm yết công khai 112 thủ tục hành chính",
      "Tại ngã tư chợ Minh Tiến: 3 (áp phích, khẩu hiệu).",
      "Nơi nhận:",
      "- Sở Nội vụ tỉnh Thái Nguyên;",
      "- Lưu: VT.",
      "TM. ỦY BAN NHÂN DÂN",
      "Hoàng Văn Minh",
    ])
      expect(xml, s).toContain(s);
    expect(xml).toMatch(/Minh Tiến, ngày \d{2} tháng \d{1,2} năm \d{4}/);
    expect(xml).not.toContain("DỰ THẢO");
    // The signage register's codes never reach the document.
    expect(xml).not.toMatch(/\b(panel|poster|slogan|banner)\b/);
    expect(xml).toContain('w:ascii="Times New Roman"');
    expect(xml).toContain('w:cs="Times New Roman"');
    expect(xml).toContain('w:eastAsia="Times New Roman"');
    // A4 with the decree's margins (twentieths of a point): left 30 mm, right 15 mm, top/bottom 20 mm
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(xml).toMatch(/w:left="1701"/);
    expect(xml).toMatch(/w:right="850"/);
    // page numbers from page 2: a distinct (empty) first-page header, the PAGE field in the default one
    expect(xml).toContain("<w:titlePg/>");
    const bytes = (await comms.get(`/api/v1/reports/${reportId}.docx`)).rawPayload;
    const headers = [await docxXml(bytes, "word/header1.xml"), await docxXml(bytes, "word/header2.xml")];
    expect(headers.filter((h) => h.includes("PAGE"))).toHaveLength(1);
  });

  it("the PDF renders (page 1 not blank) and its text keeps the Vietnamese headings", async () => {
    const bytes = (await comms.get(`/api/v1/reports/${reportId}.pdf`)).rawPayload;
    const page = await renderPdfPage(bytes, { dpi: 50 });
    let dark = 0;
    for (let i = 0; i < page.rgba.length; i += 4) if (0.299 * page.rgba[i]! + 0.587 * page.rgba[i + 1]! + 0.114 * page.rgba[i + 2]! < 200) dark++;
    expect(page.width).toBeGreaterThan(390); // A4 at 50 dpi ≈ 413 × 585
    expect(dark / (page.width * page.height)).toBeGreaterThan(0.01);
    const text = await pdfText(bytes);
    for (const s of ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "Nơi nhận", "ỦY BAN NHÂN DÂN", "Tuyên truyền cổ động trực quan", "Lưu: VT."]) expect(text, s).toContain(s);
    const tinos = (await pdfInfo(bytes)).fonts.filter((font) => font.name.includes("Tinos"));
    expect(tinos.length).toBeGreaterThan(0);
    expect(tinos.filter((font) => !font.embedded)).toEqual([]);
  });

  it("an issued report cannot be altered: 409 through the API, refused by the database", async () => {
    const patch = await comms.json("PATCH", `/api/v1/reports/${reportId}`, { subject: "Sửa sau khi ban hành" });
    expect(patch.statusCode).toBe(409);
    expect(patch.json().error.message).toContain("Báo cáo đã ban hành, không thể sửa");
    expect((await leader.json("POST", `/api/v1/reports/${reportId}/approve`, {})).statusCode).toBe(409);
    expect((await admin.json("POST", `/api/v1/reports/${reportId}/issue`, {})).statusCode).toBe(409);
    const form = await comms.post(`/staff/reports/${reportId}`, { subject: "Sửa qua biểu mẫu" });
    expect(form.statusCode).toBe(409);
    const communeId = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select agency_id as id from reports where id = $1", [reportId]))).id;
    await expect(t.tdb.db.scoped({ agencyIds: [communeId] }, (tx) => tx.exec("update reports set subject = 'x' where id = $1", [reportId]))).rejects.toThrow(/issued and cannot be changed/);
    await expect(t.tdb.db.system((tx) => tx.exec("update reports set pdf = '\\x00' where id = $1", [reportId]))).rejects.toThrow(/issued and cannot be changed/);
    await expect(t.tdb.db.system((tx) => tx.exec("delete from reports where id = $1", [reportId]))).rejects.toThrow(/issued and cannot be changed/);
    // Issuing sends the report to its recipients (issue 16): the last entry.
    const audit = await t.tdb.db.system((tx) => tx.query<{ action: string }>("select action from audit_log where entity = 'report' and entity_id = $1 order by seq", [String(reportId)]));
    expect(audit.map((a) => a.action)).toEqual(["report.draft", "report.edit", "report.approve", "report.edit", "report.approve", "report.issue", "document.send"]);
  });

  it("a vice-chair approves as KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", async () => {
    const id = (await comms.json("POST", "/api/v1/reports", { ...H1, from: "2024-07-01", to: "2024-12-31" })).json().id;
    const vice = await signIn(t.app, "demo-vicechair");
    const r = (await vice.json("POST", `/api/v1/reports/${id}/approve`, {})).json();
    expect(r.signer).toMatchObject({ mode: "KT", name: "Ngô Thị Hạnh" });
    const xml = await docxXml((await comms.get(`/api/v1/reports/${id}.docx`)).rawPayload);
    expect(xml).toContain("KT. CHỦ TỊCH");
    expect(xml).toContain("PHÓ CHỦ TỊCH");
    expect(xml).toContain("DỰ THẢO");
    expect(xml).toContain("Số:       /BC-UBND");
  });

  it("tenant scoping: another commune's staff neither see nor draft for Minh Tiến; the province sees it", async () => {
    await t.tdb.db.system(async (tx) => {
      const other = await tx.one<{ id: number }>("select id from agencies where kind = 'commune' and code <> '000.00.25.H12' order by id limit 1");
      await createUser(tx, { agencyId: other.id, username: "other-comms", fullName: "Cán bộ xã khác", role: "communication_officer", password: "other-password-123", isDemo: true, mustChangePassword: false }, { userId: null, label: "test" });
    });
    const other = await signIn(t.app, "other-comms", "other-password-123");
    expect((await other.get(`/api/v1/reports/${reportId}`)).statusCode).toBe(404);
    expect((await other.get(`/api/v1/reports/${reportId}.pdf`)).statusCode).toBe(404);
    expect((await other.get(`/staff/reports/${reportId}`)).statusCode).toBe(404);
    expect((await other.json("PATCH", `/api/v1/reports/${reportId}`, { subject: "Chen" })).statusCode).toBe(404);
    const cross = await other.json("POST", "/api/v1/reports", H1);
    expect(cross.statusCode).toBe(403);
    expect((await other.get("/api/v1/reports")).json().items).toHaveLength(0);
    const province = await signIn(t.app, "demo-province");
    expect((await province.get(`/api/v1/reports/${reportId}`)).statusCode).toBe(200);
    // the province lists the communes' issued reports, not their drafts
    const listed = (await province.get("/api/v1/reports")).json().items;
    expect(listed.map((x: { id: number }) => x.id)).toContain(reportId);
    expect(listed.every((x: { status: string }) => x.status === "issued")).toBe(true);
    expect((await province.get("/staff/reports")).body).toContain("Xã Minh Tiến");
  });

  it("staff pages: list, preview and templates", async () => {
    const list = await comms.get("/staff/reports");
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain("Công tác tuyên truyền cải cách hành chính 06 tháng đầu năm 2024");
    const preview = await leader.get(`/staff/reports/${reportId}/preview`);
    expect(preview.body).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    const bad = await comms.post("/staff/reports", { from: "2024-06-30", to: "2024-01-01" });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("Ngày kết thúc kỳ báo cáo đứng trước ngày bắt đầu");
    const tpl = await comms.post("/staff/reports/templates", { advantages: "- {coQuan} luôn được cấp trên quan tâm ({ky})." });
    expect(tpl.statusCode).toBe(303);
    const r = (await comms.json("POST", "/api/v1/reports", H1)).json();
    expect(r.narratives.advantages).toBe("- UBND xã Minh Tiến luôn được cấp trên quan tâm (06 tháng đầu năm 2024).");
    const paths = Object.keys((await comms.get("/api/v1/openapi.json")).json().paths);
    expect(paths).toEqual(expect.arrayContaining(["/api/v1/reports", "/api/v1/reports/{ref}", "/api/v1/reports/{id}/issue", "/api/v1/plans", "/api/v1/plan-tasks/{id}", "/api/v1/documents"]));
    const dash = await comms.get("/staff");
    expect(dash.body).toContain("Báo cáo chờ duyệt, ban hành");
  });
});
