import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../src/modules/accounts/users";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { DEMO_CCHC_YEAR } from "../../src/modules/indexes/cchc-demo";
import { type Client, createTestApp, signIn, type TestApp } from "../support/app";
import { postMultipart } from "../support/multipart";

// Issue 15: the CCHC reform index — criteria files checked whole (every problem listed, nothing
// imported), and the walk self-assess → appraise → publish with each side's permissions.

let t: TestApp;
let provinceCode: string;
let provinceId: number;
const Y = DEMO_CCHC_YEAR;

const setCount = () => t.tdb.db.system((tx) => tx.one<{ n: number }>("select count(*)::int as n from cchc_criteria_sets where agency_id = $1", [provinceId])).then((r) => r.n);
const assessmentId = () =>
  t.tdb.db.system((tx) => tx.one<{ id: number }>("select s.id from cchc_assessments s join agencies a on a.id = s.agency_id where a.code = $1 and s.year = $2", [DEMO_COMMUNE_CODE, Y])).then((r) => r.id);
const statusOf = (id: number) => t.tdb.db.system((tx) => tx.one<{ status: string }>("select status from cchc_assessments where id = $1", [id])).then((r) => r.status);

const broken = {
  year: Y,
  title: "Bộ chỉ số có lỗi",
  thresholds: { excellent: 90, good: 80, fair: 70, average: 50 },
  criteria: [
    { code: "A", parent: null, name: "Lĩnh vực A", maxPoints: 10, method: "self", evidenceRequired: true, kind: "score" },
    { code: "A.1", parent: "A", name: "Tiêu chí A1", maxPoints: 7, method: "self", evidenceRequired: true, kind: "score" },
    { code: "A.2", parent: "A", name: "Tiêu chí A2", maxPoints: 5, method: "self", evidenceRequired: true, kind: "score" },
    { code: "A.2", parent: "A", name: "Tiêu chí trùng mã", maxPoints: 0, method: "self", evidenceRequired: true, kind: "score" },
    { code: "X", parent: "Y", name: "Vòng X", maxPoints: 1, method: "self", evidenceRequired: false, kind: "score" },
    { code: "Y", parent: "X", name: "Vòng Y", maxPoints: 1, method: "self", evidenceRequired: false, kind: "score" },
    { code: "B.1", parent: "B", name: "Cha không có", maxPoints: 1, method: "self", evidenceRequired: false, kind: "score" },
    { code: "C", parent: null, name: "Điểm không phải số", maxPoints: "ba", method: "self", evidenceRequired: false, kind: "score" },
  ],
};

beforeAll(async () => {
  t = await createTestApp();
  const p = await t.tdb.db.system((tx) => tx.one<{ id: number; code: string }>("select p.id, p.code from agencies a join agencies p on p.id = a.parent_id where a.code = $1", [DEMO_COMMUNE_CODE]));
  provinceId = p.id;
  provinceCode = p.code;
}, 180_000);
afterAll(async () => {
  await t?.close();
});

describe("criteria files", () => {
  let province: Client;
  beforeAll(async () => {
    province = await signIn(t.app, "demo-province");
  });

  it("refuses a broken JSON file through the API with every problem listed and imports nothing", async () => {
    const before = await setCount();
    const res = await province.json("POST", "/api/v1/indexes/cchc/criteria", broken);
    expect(res.statusCode).toBe(422);
    const details = (res.json() as { error: { details: { path: string; message: string }[] } }).error.details.map((d) => d.message);
    expect(details.some((m) => m.includes("Tiêu chí A:") && m.includes("(12)") && m.includes("(10)"))).toBe(true);
    expect(details.some((m) => m.includes("A.2") && m.includes("trùng"))).toBe(true);
    expect(details.some((m) => m.includes("vòng") && m.includes("X") && m.includes("Y"))).toBe(true);
    expect(details.some((m) => m.includes("B.1") && m.includes("mã cha B"))).toBe(true);
    expect(details.some((m) => m.includes("Tiêu chí C") && m.includes("“ba”"))).toBe(true);
    expect(await setCount()).toBe(before);
  });

  it("refuses a broken spreadsheet on the page with the list of problems, nothing imported; a good one becomes the next version", async () => {
    const before = await setCount();
    await province.get("/staff/indexes/cchc/criteria");
    const tpl = await province.get("/staff/indexes/cchc/criteria/template.xlsx");
    expect(tpl.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(tpl.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet("Tiêu chí")!;
    // LV1's first criterion made worth more than its area, and a row pointing at a missing parent
    sheet.getRow(3).getCell(4).value = 50;
    sheet.addRow(["Z.1", "ZZ", "Tiêu chí mồ côi", 1, "tự đánh giá", "không", "", "điểm", ""]);
    const bad = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await postMultipart(t.app, province, "/staff/indexes/cchc/criteria", [{ name: "file", filename: "bo-chi-so.xlsx", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data: bad }]);
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain("chưa nhập nội dung nào");
    expect(res.body).toContain("Tiêu chí LV1: tổng điểm các tiêu chí con");
    expect(res.body).toContain("mã cha ZZ");
    expect(await setCount()).toBe(before);

    const good = await postMultipart(t.app, province, "/staff/indexes/cchc/criteria", [{ name: "file", filename: "bo-chi-so.xlsx", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data: tpl.rawPayload }]);
    expect(good.statusCode).toBe(303);
    expect(await setCount()).toBe(before + 1);
  });

  it("takes the spreadsheet through the API too, refusing a broken one with its problems", async () => {
    const before = await setCount();
    const tpl = await province.get("/staff/indexes/cchc/criteria/template.xlsx");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(tpl.rawPayload as unknown as ArrayBuffer);
    wb.getWorksheet("Tiêu chí")!.addRow(["1.1", "LV1", "Mã trùng", 1, "tự đánh giá", "không", "", "điểm", ""]);
    wb.getWorksheet("Tiêu chí")!.addRow(["Z.9", "NOPE", "Cha không có", "hai", "tự đánh giá", "không", "", "điểm", ""]);
    const bad = Buffer.from(await wb.xlsx.writeBuffer());
    const type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    const refused = await postMultipart(t.app, province, "/api/v1/indexes/cchc/criteria/file", [{ name: "file", filename: "bo-chi-so.xlsx", type, data: bad }]);
    expect(refused.statusCode).toBe(422);
    const details = (refused.json() as { error: { details: { message: string }[] } }).error.details.map((d) => d.message);
    expect(details).toContain("Mã tiêu chí 1.1 bị trùng.");
    expect(details).toContain("Tiêu chí Z.9: mã cha NOPE không có trong tệp.");
    expect(details.some((m) => m.startsWith("Tiêu chí Z.9: điểm tối đa “hai”"))).toBe(true);
    expect(await setCount()).toBe(before);
    const ok = await postMultipart(t.app, province, "/api/v1/indexes/cchc/criteria/file", [{ name: "file", filename: "bo-chi-so.xlsx", type, data: tpl.rawPayload }]);
    expect(ok.statusCode).toBe(201);
    expect(await setCount()).toBe(before + 1);
  });

  it("lets no commune import criteria", async () => {
    const leader = await signIn(t.app, "demo-leader");
    const res = await leader.json("POST", "/api/v1/indexes/cchc/criteria", broken);
    expect(res.statusCode).toBe(403);
  });
});

describe("self-assessment → appraisal → publication", () => {
  let leader: Client;
  let desk: Client;
  let province: Client;
  let provinceLeader: Client;
  let id: number;

  beforeAll(async () => {
    leader = await signIn(t.app, "demo-leader");
    desk = await signIn(t.app, "demo-desk");
    province = await signIn(t.app, "demo-province");
    provinceLeader = await signIn(t.app, "demo-province-leader");
    id = await assessmentId();
  });

  it("shows the demo commune's draft, pre-filled from the data with the evidence linked", async () => {
    const page = await leader.get(`/staff/indexes/cchc?year=${Y}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Đang tự đánh giá");
    expect(page.body).toContain("Số liệu hệ thống");
    expect(page.body).toContain(`/staff/dossiers/statistics?period=${Y}`);
  });

  it("keeps what an officer typed when a number is wrong, and saves good points", async () => {
    await desk.get(`/staff/indexes/cchc/${id}`);
    const bad = await desk.post(`/staff/indexes/cchc/${id}/scores`, { "p:2.1": "mười", "n:2.1": "Giải trình đã gõ" });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("Điểm tiêu chí 2.1 phải là số từ 0 đến 3");
    expect(bad.body).toContain("Giải trình đã gõ");
    const ok = await desk.post(`/staff/indexes/cchc/${id}/scores`, { "p:2.1": "2,5", "n:2.1": "Đã rà soát" });
    expect(ok.statusCode).toBe(303);
    const s = await t.tdb.db.system((tx) => tx.one<{ self_points: string }>("select self_points from cchc_scores where assessment_id = $1 and code = '2.1'", [id]));
    expect(Number(s.self_points)).toBe(2.5);
  });

  it("refuses the province both self-assessing for the commune and appraising before submission (409)", async () => {
    await province.get(`/staff/indexes/cchc/${id}`);
    const fill = await province.post(`/staff/indexes/cchc/${id}/scores`, { "p:2.1": "3" });
    expect(fill.statusCode).toBe(403);
    const early = await province.json("POST", `/api/v1/indexes/cchc/${Y}/appraise`, { agency: DEMO_COMMUNE_CODE, items: [{ code: "2.1", decision: "accept" }] });
    expect(early.statusCode).toBe(409);
    const submitByProvince = await province.json("POST", `/api/v1/indexes/cchc/${Y}/submit`, { agency: DEMO_COMMUNE_CODE });
    expect(submitByProvince.statusCode).toBe(403);
    expect(await statusOf(id)).toBe("draft");
  });

  it("lets only the leader submit, numbering the report from the commune's register", async () => {
    const byDesk = await desk.post(`/staff/indexes/cchc/${id}/submit`, {});
    expect(byDesk.statusCode).toBe(403);
    await leader.get(`/staff/indexes/cchc/${id}`);
    const res = await leader.post(`/staff/indexes/cchc/${id}/submit`, {});
    expect(res.statusCode).toBe(303);
    const a = await leader.json("GET", `/api/v1/indexes/cchc/${Y}`);
    expect(a.statusCode).toBe(200);
    expect(a.json()).toMatchObject({ status: "submitted", reportNumber: expect.stringMatching(/^\d+\/BC-UBND$/) });
    const again = await leader.post(`/staff/indexes/cchc/${id}/submit`, {});
    expect(again.statusCode).toBe(409);
    // The council's dashboard counts it as waiting.
    const dash = await province.get("/staff");
    expect(dash.body).toMatch(/<span class="num">1<\/span><a href="\/staff\/indexes\/cchc">Xã, phường chờ thẩm định Chỉ số CCHC/);
  });

  it("hides the assessment from another province's council", async () => {
    const other = await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where kind = 'province' and id <> $1 order by id limit 1", [provinceId]));
    await t.tdb.db.system((tx) =>
      createUser(tx, { agencyId: other.id, username: "cchc-other-province", fullName: "Chuyên viên tỉnh khác", role: "province_supervisor", password: "other-province-pass", isDemo: false, mustChangePassword: false }, { userId: null, label: "test" }),
    );
    const stranger = await signIn(t.app, "cchc-other-province", "other-province-pass");
    expect((await stranger.get(`/staff/indexes/cchc/${id}`)).statusCode).toBe(404);
    const res = await stranger.json("POST", `/api/v1/indexes/cchc/${Y}/approve`, { agency: DEMO_COMMUNE_CODE });
    expect(res.statusCode).toBe(404);
  });

  it("lets no commune appraise itself", async () => {
    const res = await leader.json("POST", `/api/v1/indexes/cchc/${Y}/appraise`, { agency: DEMO_COMMUNE_CODE, items: [{ code: "2.1", decision: "accept" }] });
    expect(res.statusCode).toBe(403);
    const admin = await signIn(t.app, "demo-admin");
    const approve = await admin.json("POST", `/api/v1/indexes/cchc/${Y}/approve`, { agency: DEMO_COMMUNE_CODE });
    expect(approve.statusCode).toBe(403);
  });

  it("asks for evidence, sends back; the commune attaches it and submits again", async () => {
    await province.get(`/staff/indexes/cchc/${id}`);
    const noReason = await province.post(`/staff/indexes/cchc/${id}/appraise`, { "d:2.1": "evidence", "r:2.1": "" });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain("Cần ghi lý do cho tiêu chí 2.1");
    const ask = await province.post(`/staff/indexes/cchc/${id}/appraise`, { "d:2.1": "evidence", "r:2.1": "Thiếu báo cáo rà soát văn bản" });
    expect(ask.statusCode).toBe(303);
    const approveEarly = await province.post(`/staff/indexes/cchc/${id}/approve`, {});
    expect(approveEarly.statusCode).toBe(409);
    const back = await province.post(`/staff/indexes/cchc/${id}/return`, { reason: "Bổ sung tài liệu kiểm chứng tiêu chí 2.1" });
    expect(back.statusCode).toBe(303);
    expect(await statusOf(id)).toBe("returned");
    // The commune's chair is told, with the reason, in the notices.
    const notices = await leader.get("/staff/notifications");
    expect(notices.body).toContain("Hội đồng thẩm định trả lại, yêu cầu bổ sung");

    await desk.get(`/staff/indexes/cchc/${id}`);
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    const up = await postMultipart(t.app, desk, `/staff/indexes/cchc/${id}/evidence`, [
      { name: "code", value: "2.1" },
      { name: "file", filename: "bao-cao-ra-soat.pdf", type: "application/pdf", data: pdf },
    ]);
    expect(up.statusCode).toBe(303);
    const page = await desk.get(`/staff/indexes/cchc/${id}`);
    const link = /href="(\/staff\/indexes\/cchc\/\d+\/evidence\/\d+)"/.exec(page.body)?.[1];
    expect(link).toBeDefined();
    const file = await province.get(link!);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");

    await leader.get(`/staff/indexes/cchc/${id}`);
    expect((await leader.post(`/staff/indexes/cchc/${id}/submit`, {})).statusCode).toBe(303);
    expect(await statusOf(id)).toBe("submitted");
  });

  it("adjusts with a reason, accepts the rest, approves (numbered decision) and publishes; the ranking shows on the public pages", async () => {
    await province.get(`/staff/indexes/cchc/${id}`);
    expect((await province.post(`/staff/indexes/cchc/${id}/appraise`, { "d:2.1": "adjust", "q:2.1": "2", "r:2.1": "Rà soát chưa đủ văn bản" })).statusCode).toBe(303);
    expect((await province.post(`/staff/indexes/cchc/${id}/appraise`, { acceptRest: "1" })).statusCode).toBe(303);
    // The leader of the province may publish but not appraise.
    expect((await provinceLeader.json("POST", `/api/v1/indexes/cchc/${Y}/approve`, { agency: DEMO_COMMUNE_CODE })).statusCode).toBe(403);
    expect((await province.post(`/staff/indexes/cchc/${id}/approve`, {})).statusCode).toBe(303);
    const approved = (await province.json("GET", `/api/v1/indexes/cchc/${Y}?agency=${DEMO_COMMUNE_CODE}`)).json() as { status: string; decisionNumber: string; total: number; criteria: { code: string; finalPoints: number | null }[] };
    expect(approved.status).toBe("approved");
    expect(approved.decisionNumber).toMatch(/^\d+\/QĐ-UBND$/);
    expect(approved.criteria.find((c) => c.code === "2.1")?.finalPoints).toBe(2);
    // Not public until published.
    const anon = await t.app.inject({ method: "GET", url: `/c/${encodeURIComponent(provinceCode)}/cchc?year=${Y}` });
    expect(anon.body).not.toContain("Xã Minh Tiến");

    const pub = await provinceLeader.json("POST", `/api/v1/indexes/cchc/${Y}/publish`, { agency: DEMO_COMMUNE_CODE });
    expect(pub.statusCode).toBe(200);
    expect(await statusOf(id)).toBe("published");

    const provincePage = await t.app.inject({ method: "GET", url: `/c/${encodeURIComponent(provinceCode)}/cchc?year=${Y}` });
    expect(provincePage.statusCode).toBe(200);
    expect(provincePage.body).toContain("Xã Minh Tiến");
    const communePage = await t.app.inject({ method: "GET", url: `/c/${encodeURIComponent(DEMO_COMMUNE_CODE)}/cchc` });
    expect(communePage.body).toContain(`Chỉ số cải cách hành chính năm ${Y}`);
    expect(communePage.body).toContain(approved.decisionNumber);
    expect(communePage.body).toContain("<svg");
    const ranking = (await t.app.inject({ method: "GET", url: `/api/v1/indexes/cchc/${Y}?agency=${encodeURIComponent(provinceCode)}` })).json() as { ranking: { agency: string; rank: number; total: number }[] };
    const mine = ranking.ranking.find((r) => r.agency === DEMO_COMMUNE_CODE);
    expect(mine?.total).toBe(approved.total);
    expect(ranking.ranking.length).toBeGreaterThan(1);
    expect(ranking.ranking.filter((r) => r.total > mine!.total).length + 1).toBe(mine!.rank);
  });

  it("prints the report and the decision as DOCX and PDF with their register numbers", async () => {
    const docx = await province.get(`/staff/indexes/cchc/${id}/decision.docx`);
    expect(docx.statusCode).toBe(200);
    expect(docx.rawPayload.subarray(0, 2).toString()).toBe("PK");
    const pdf = await leader.get(`/staff/indexes/cchc/${id}/report.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("keeps who did what and why in the audit log", async () => {
    const rows = await t.tdb.db.system((tx) =>
      tx.query<{ action: string; actor: string; data: Record<string, unknown> }>("select action, actor, data from audit_log where entity = 'cchc_assessment' and entity_id = $1 order by id", [String(id)]),
    );
    const actions = rows.map((r) => `${r.action}:${r.actor}`);
    expect(actions).toEqual(expect.arrayContaining(["cchc.fill:demo-desk", "cchc.submit:demo-leader", "cchc.appraise:demo-province", "cchc.return:demo-province", "cchc.evidence:demo-desk", "cchc.approve:demo-province", "cchc.publish:demo-province-leader"]));
    expect(JSON.stringify(rows.find((r) => r.action === "cchc.return")?.data)).toContain("Bổ sung tài liệu kiểm chứng tiêu chí 2.1");
  });

  it("cites the published result in a reward proposal", async () => {
    await leader.get(`/staff/indexes/cchc/rewards?year=${Y}`);
    const res = await leader.post("/staff/indexes/cchc/rewards", { year: String(Y), commune: DEMO_COMMUNE_CODE, kind: "collective", nominee: "UBND xã Minh Tiến", title: "Tập thể lao động xuất sắc", grounds: "Hoàn thành xuất sắc nhiệm vụ CCHC" });
    expect(res.statusCode).toBe(303);
    const page = await leader.get(`/staff/indexes/cchc/rewards?year=${Y}`);
    expect(page.body).toContain(`Kết quả Chỉ số cải cách hành chính năm ${Y} của Xã Minh Tiến`);
    const sheet = await leader.get(`/staff/indexes/cchc/leaders?year=${Y}`);
    expect(sheet.body).toContain("Hoàng Văn Minh");
    expect(sheet.body).toContain(`Chỉ số CCHC năm ${Y}`);
  });
});
