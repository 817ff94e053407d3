import ExcelJS from "exceljs";
import jsQR from "jsqr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../src/modules/accounts/users";
import { DEMO_COMMUNE_CODE, DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { type Client, createTestApp, signIn, type TestApp } from "../support/app";
import { pdfInfo, pdfText, renderPdfPage } from "../support/pdf";
import { seal } from "../../src/modules/privacy/sealing";

// Slips of Thông tư 01/2018/TT-VPCP rendered from real dossier rows, through the staff routes.

let t: TestApp;
let desk: Client;
const CODE = "000.00.25.H12-261203-0007";

async function insertDossier(): Promise<void> {
  await t.tdb.db.system(async (tx) => {
    const agency = await tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE]);
    const u = Object.fromEntries(
      (await tx.query<{ id: number; username: string }>("select id, username from users where agency_id = $1", [agency.id])).map((r) => [r.username, r.id]),
    );
    const d = await tx.one<{ id: number }>(
      `insert into dossiers (agency_id, code, procedure_code, procedure_name, procedure_field, channel, status, applicant_full_name, applicant_id_number,
         applicant_phone, applicant_email, applicant_address, documents, received_at, due_at, time_limit_amount, time_limit_unit, assignee_user_id)
       values ($1, $2, '1.001193', 'Đăng ký khai sinh', 'Hộ tịch', 'in_person', 'in_progress', 'Vũ Thị Hương', $5, '0912345678',
         'huong@example.vn', '{"line":"Xóm Đồng Tâm, xã Minh Tiến"}', $3, '2026-12-03T03:05:00Z', '2026-12-04T09:30:00Z', 1, 'working_days', $4)
       returning id`,
      [agency.id, CODE, JSON.stringify([{ name: "Tờ khai đăng ký khai sinh", received: true }, { name: "Giấy chứng sinh", received: true, copies: 1 }, { name: "Sổ hộ khẩu", received: false }]), u["demo-specialist"], seal("019203004567")],
    );
    const ev = (at: string, action: string, from: string | null, to: string, actor: number, data: object, note: string | null = null) =>
      tx.exec(
        "insert into dossier_events (agency_id, dossier_id, at, action, from_status, to_status, actor_user_id, actor_label, note, data) values ($1,$2,$3,$4,$5,$6,$7,'x',$8,$9)",
        [agency.id, d.id, at, action, from, to, actor, note, JSON.stringify(data)],
      );
    await ev("2026-12-03T03:05:00Z", "receive", null, "received", u["demo-desk"]!, {});
    await ev("2026-12-03T03:20:00Z", "request_supplement", "received", "supplement_requested", u["demo-desk"]!, { supplementCount: 1 }, "Bản sao Giấy chứng nhận kết hôn có chứng thực");
    await ev("2026-12-03T04:00:00Z", "supply_supplement", "supplement_requested", "received", u["demo-desk"]!, {});
    await ev("2026-12-03T04:10:00Z", "assign", "received", "in_progress", u["demo-desk"]!, { assignee: { id: u["demo-specialist"], name: "Trần Văn Hùng" } });
    await ev("2026-12-04T02:00:00Z", "refuse", "in_progress", "refused", u["demo-leader"]!, {}, "Không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã");
    await ev("2026-12-05T02:00:00Z", "redate", "in_progress", "in_progress", u["demo-leader"]!, {
      previousDueAt: "2026-12-04T09:30:00Z",
      dueAt: "2026-12-08T09:00:00Z",
      amount: 2,
      unit: "working_days",
    }, "Chờ kết quả xác minh");
    // An officer of another commune, to check tenant scoping.
    const other = await tx.one<{ id: number }>("select id from agencies where kind = 'commune' and code <> $1 order by id limit 1", [DEMO_COMMUNE_CODE]);
    await createUser(tx, { agencyId: other.id, username: "other-desk", fullName: "Cán bộ xã khác", role: "desk_officer", password: DEMO_PASSWORD, isDemo: true, mustChangePassword: false }, { userId: null, label: "test" });
  });
}

beforeAll(async () => {
  t = await createTestApp();
  await insertDossier();
  desk = await signIn(t.app, "demo-desk");
});

afterAll(async () => {
  await t?.close();
});

describe("slip routes", () => {
  it("Mẫu 01 is a real A5 PDF with the Vietnamese text, the code and the appointment", async () => {
    const res = await desk.get(`/staff/dossiers/${CODE}/slips/01.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("application/pdf");
    const buf = res.rawPayload;
    expect(buf.subarray(0, 5).toString()).toBe("%PDF-");
    // A5 in points, one page
    expect((await pdfInfo(buf)).pages).toEqual([{ width: 419.53, height: 595.28 }]);
    const text = await pdfText(buf);
    expect(text).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    expect(text).toContain("Độc lập - Tự do - Hạnh phúc");
    expect(text).toContain("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    expect(text).toContain(CODE);
    expect(text).toContain("Vũ Thị Hương");
    expect(text).toContain("Tờ khai đăng ký khai sinh");
    expect(text).not.toContain("Sổ hộ khẩu"); // not received
    expect(text.replace(/\s+/g, " ")).toContain("16 giờ 30 phút, ngày 04 tháng 12 năm 2026");
    expect(text).toContain("Nguyễn Thị Hoa"); // the receiving officer
    expect(text).toContain(`/track?code=${CODE}`);
  });

  it("the QR code printed at the top left decodes to the dossier, procedure, applicant and document name", async () => {
    const res = await desk.get(`/staff/dossiers/${CODE}/slips/01.pdf`);
    // The QR is drawn as vector squares: rasterise the top-left corner at 300 dpi.
    const img = await renderPdfPage(res.rawPayload, { dpi: 300, crop: { x: 100, y: 40, width: 265, height: 270 } });
    const padded = pad(img.rgba, img.width, img.height, 24);
    const qr = jsQR(padded.data, padded.width, padded.height);
    expect(qr).not.toBeNull();
    expect(JSON.parse(qr!.data)).toEqual({
      v: 1,
      MaHoSo: CODE,
      MaTTHC: "1.001193",
      MaDoiTuong: "019203004567",
      TenGiayTo: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
      TraCuu: `http://127.0.0.1:3000/track?code=${CODE}`,
    });
  });

  it("Mẫu 02, 03, 04 and 05 take their content from the events", async () => {
    const m02 = await pdfText((await desk.get(`/staff/dossiers/${CODE}/slips/02.pdf`)).rawPayload);
    expect(m02).toContain("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ");
    expect(m02).toContain("Bản sao Giấy chứng nhận kết hôn có chứng thực");
    const m03 = await pdfText((await desk.get(`/staff/dossiers/${CODE}/slips/03.pdf`)).rawPayload);
    expect(m03).toContain("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ");
    expect(m03).toContain("Không thuộc thẩm quyền");
    const m04 = (await pdfText((await desk.get(`/staff/dossiers/${CODE}/slips/04.pdf`)).rawPayload)).replace(/\s+/g, " ");
    expect(m04).toContain("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ");
    expect(m04).toContain("Chờ kết quả xác minh");
    expect(m04).toContain("16 giờ 00 phút, ngày 08 tháng 12 năm 2026");
    expect(m04).toContain("Ngày hẹn trả kết quả: 04/12/2026");
    expect(m04).toContain("Kính gửi: Ông/Bà Vũ Thị Hương");
    expect(m04).toContain("Hoàng Văn Minh"); // the leader who re-dated signs
    const m05 = await pdfText((await desk.get(`/staff/dossiers/${CODE}/slips/05.pdf`)).rawPayload);
    expect(m05).toContain("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
    expect(m05).toContain("Chuyển xử lý");
    expect(m05).toContain("Trần Văn Hùng");
    expect(m05).toContain("Quá hạn"); // the refusal came after the appointment
  });

  it("rejects unknown forms and another commune's officer", async () => {
    expect((await desk.get(`/staff/dossiers/${CODE}/slips/07.pdf`)).statusCode).toBe(404);
    expect((await desk.get(`/staff/dossiers/NO-SUCH-CODE/slips/01.pdf`)).statusCode).toBe(404);
    const other = await signIn(t.app, "other-desk");
    expect((await other.get(`/staff/dossiers/${CODE}/slips/01.pdf`)).statusCode).toBe(404);
    const xlsx = await other.get("/staff/dossiers/register.xlsx?from=2026-12-01&to=2026-12-31");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(JSON.stringify(wb.worksheets[0]!.getSheetValues())).not.toContain(CODE);
    const anon = await t.app.inject({ method: "GET", url: `/staff/dossiers/${CODE}/slips/01.pdf` });
    expect([302, 303, 401]).toContain(anon.statusCode);
  });

  it("Mẫu 06 register opens with exceljs and lists the period's dossiers", async () => {
    const res = await desk.get("/staff/dossiers/register.xlsx?from=2026-12-01&to=2026-12-31");
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell(3, 1).value).toBe("SỔ THEO DÕI HỒ SƠ");
    let found = 0;
    ws.eachRow((row, n) => {
      if (n > 6 && row.getCell(2).value === CODE) found = n;
    });
    expect(found).toBeGreaterThan(6);
    const row = ws.getRow(found);
    expect(row.getCell(1).value).toBe(found - 6);
    expect(row.getCell(3).value).toBe("Đăng ký khai sinh");
    expect(row.getCell(4).value).toBe(1);
    expect(row.getCell(5).value).toBe("Vũ Thị Hương");
    expect(row.getCell(8).value).toBe("10:05 03/12/2026");
    expect(row.getCell(9).value).toBe("16:30 04/12/2026");
    const empty = await desk.get("/staff/dossiers/register.xlsx?from=2020-01-01&to=2020-01-31");
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(empty.rawPayload as unknown as ArrayBuffer);
    expect(wb2.worksheets[0]!.getRow(7).getCell(2).value).toBeNull();
  });

  // Issue 12: the province supervisor gets 404 opening a commune's dossier; the same rule keeps the
  // commune's dossiers (with citizens' phone numbers) out of its slips and register.
  it("a province supervisor sees in the register and slips exactly the dossiers it can open", async () => {
    const province = await signIn(t.app, "demo-province");
    expect((await province.get(`/staff/dossiers/${encodeURIComponent(CODE)}`)).statusCode).toBe(404);
    expect((await province.get(`/staff/dossiers/${CODE}/slips/01.pdf`)).statusCode).toBe(404);
    const res = await province.get("/staff/dossiers/register.xlsx?from=2026-12-01&to=2026-12-31");
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const values = JSON.stringify(wb.worksheets[0]!.getSheetValues());
    expect(values).not.toContain(CODE);
    expect(values).not.toContain("0912345678");
    // No demo dossier of the commune at all, though the province's scope covers the commune.
    expect(values).not.toContain(DEMO_COMMUNE_CODE);
    const inScope = await t.tdb.db.system((tx) =>
      tx.one<{ n: number }>("select count(*)::int as n from dossiers d join agencies a on a.id = d.agency_id where a.code = $1 and d.received_at >= '2026-12-01'", [DEMO_COMMUNE_CODE]),
    );
    expect(inScope.n).toBeGreaterThan(0);
  });

  it("the register is offered on the queues page to those who may download it", async () => {
    const page = await desk.get("/staff/dossiers");
    expect(page.body).toContain('action="/staff/dossiers/register.xlsx"');
    expect(page.body).toContain("Sổ theo dõi hồ sơ (Mẫu 06)");
    const from = /id="register-from" name="from" type="date" value="([^"]+)"/.exec(page.body)?.[1];
    const to = /id="register-to" name="to" type="date" value="([^"]+)"/.exec(page.body)?.[1];
    const xlsx = await desk.get(`/staff/dossiers/register.xlsx?from=${from}&to=${to}`);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers["content-type"]).toContain("spreadsheetml");
    // Roles without dossier.view neither see the form nor download the file.
    const comms = await signIn(t.app, "demo-comms");
    expect((await comms.get("/staff/dossiers/register.xlsx")).statusCode).toBe(403);
    const dash = await comms.get("/staff");
    expect(dash.body).not.toContain("register.xlsx");
  });

  it("answers bad periods with a 400 in Vietnamese", async () => {
    const res = await desk.get("/staff/dossiers/register.xlsx?from=2026-12-31&to=2026-12-01", { accept: "application/json" });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("Khoảng thời gian không hợp lệ");
    const bad = await desk.get("/staff/dossiers/register.xlsx?from=hom-qua", { accept: "application/json" });
    expect(bad.statusCode).toBe(400);
  });
});

function pad(data: Uint8ClampedArray, w: number, h: number, m: number): { data: Uint8ClampedArray; width: number; height: number } {
  // A quiet zone around the code (rendered with margin 0 on the slip, the page is white around it).
  const W = w + 2 * m;
  const H = h + 2 * m;
  const out = new Uint8ClampedArray(W * H * 4).fill(255);
  for (let y = 0; y < h; y++) out.set(data.subarray(y * w * 4, (y + 1) * w * 4), ((y + m) * W + m) * 4);
  return { data: out, width: W, height: H };
}
