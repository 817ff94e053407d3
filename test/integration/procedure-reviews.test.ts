import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REVIEW_PARTS } from "../../src/domain/catalog/review";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { type Client, createTestApp, signIn, type TestApp } from "../support/app";
import { pdfText } from "../support/pdf";

// Issue 17, parts 2–7: the yearly review as staff click through it. The commune administrator
// plans it (procedures, the official responsible, deadlines: tasks of a plan), the official fills
// in the form of Thông tư 02/2017/TT-VPCP and the compliance cost, the administrator sends the
// report and the simplification proposal up (numbered, DOCX and PDF), the province sees and sums
// up its communes' results, and the portal publishes them.

const YEAR = 2026;
const BIRTH = "1.001193"; // Đăng ký khai sinh
const DEATH = "1.000656"; // Đăng ký khai tử

let t: TestApp;
let admin: Client;
let official: Client;
let officialId: number;
let communeId: number;
const reviewIds: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp();
  const ids = await t.tdb.db.system((tx) =>
    tx.one<{ official: number; commune: number }>("select u.id as official, a.id as commune from users u join agencies a on a.id = u.agency_id where u.username = 'demo-specialist' and a.code = $1", [DEMO_COMMUNE_CODE]),
  );
  officialId = ids.official;
  communeId = ids.commune;
  admin = await signIn(t.app, "demo-admin");
  official = await signIn(t.app, "demo-specialist");
});
afterAll(async () => {
  await t?.close();
});

const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ");

/** A urlencoded form with repeated keys (several checkboxes of one name), as a browser posts it. */
function postForm(c: Client, url: string, pairs: [string, string][]) {
  const body = new URLSearchParams([["_csrf", c.csrf], ...pairs]).toString();
  return t.app.inject({ method: "POST", url, payload: body, headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": "application/x-www-form-urlencoded" } });
}

/** Every part answered yes, unless overridden. */
function answers(over: Record<string, Record<string, string>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of REVIEW_PARTS) {
    for (const c of ["necessary", "reasonable", "lawful"]) out[`a_${part}_${c}`] = over[part]?.[c] ?? "yes";
    out[`a_${part}_proposal`] = over[part]?.proposal ?? "";
    out[`a_${part}_reason`] = over[part]?.reason ?? "";
  }
  return out;
}

describe("planning the year's review", () => {
  it("the administrator lists the procedures of a field and puts two under review with the official and a deadline", async () => {
    const empty = text((await admin.get(`/staff/reviews?year=${YEAR}`)).body);
    expect(empty).toContain("Chưa có kế hoạch rà soát");
    const listed = await admin.get(`/staff/reviews?year=${YEAR}&field=${encodeURIComponent("Hộ tịch")}`);
    expect(listed.body).toContain(`value="${BIRTH}"`);
    expect(listed.body).toContain(`value="${officialId}"`);
    const none = await postForm(admin, "/staff/reviews", [
      ["year", String(YEAR)],
      ["field", "Hộ tịch"],
      ["reviewerUserId", ""],
      ["deadline", "30/11/2026"],
    ]);
    expect(none.statusCode).toBe(422);
    expect(text(none.body)).toContain("Chọn ít nhất một thủ tục");
    expect(text(none.body)).toContain("Chọn người phụ trách là công chức của đơn vị");
    expect(text(none.body)).toContain("Nhập thời hạn");
    const res = await postForm(admin, "/staff/reviews", [
      ["year", String(YEAR)],
      ["field", "Hộ tịch"],
      ["code", BIRTH],
      ["code", DEATH],
      ["reviewerUserId", String(officialId)],
      ["deadline", "2026-11-30"],
    ]);
    expect(res.statusCode).toBe(303);
    const page = await admin.get(res.headers.location as string);
    const body = text(page.body);
    expect(body).toContain("Đã đưa thủ tục vào kế hoạch rà soát");
    expect(body).toContain("Thủ tục rà soát (2)");
    expect(body).toContain("Trần Văn Hùng");
    expect(body).toContain("30/11/2026");
    for (const m of page.body.matchAll(/href="\/staff\/reviews\/(\d+)">([^<]+)</g)) reviewIds[m[2]!.includes("khai sinh") ? BIRTH : DEATH] = Number(m[1]);
    expect(Object.keys(reviewIds).sort()).toEqual([DEATH, BIRTH].sort());
    // The plan is in the plans machinery, its tasks owned by the official with the deadline.
    const planId = Number(/href="\/staff\/plans\/(\d+)"/.exec(page.body)![1]);
    const plan = text((await admin.get(`/staff/plans/${planId}`)).body);
    expect(plan).toContain("Kế hoạch rà soát, đánh giá thủ tục hành chính năm 2026");
    expect(plan).toMatch(/Rà soát, đánh giá thủ tục «Thủ tục đăng ký khai sinh» \(mã 1\.001193\) Trần Văn Hùng 30\/11\/2026 Chưa thực hiện/);
    // Twice the same procedure, or one the commune does not hold: refused in words.
    const again = await postForm(admin, "/staff/reviews", [["year", String(YEAR)], ["field", "Hộ tịch"], ["code", BIRTH], ["reviewerUserId", String(officialId)], ["deadline", "2026-11-30"]]);
    expect(again.statusCode).toBe(409);
    expect(text(again.body)).toContain("Thủ tục 1.001193 đã có trong kế hoạch rà soát năm 2026");
  });

  it("the API refuses a procedure the agency does not hold with 404, and an unknown official with 422", async () => {
    const customs = await t.tdb.db.system((tx) => tx.one<{ code: string }>("select code from procedures where field = 'Hải quan' order by code limit 1"));
    const res = await admin.json("POST", "/api/v1/procedure-reviews", { code: customs.code, year: YEAR, reviewerUserId: officialId, deadline: "2026-11-30" });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toBe(`Đơn vị không thực hiện thủ tục mã ${customs.code}: chỉ rà soát được thủ tục thuộc thẩm quyền của đơn vị.`);
    const unknown = await admin.json("POST", "/api/v1/procedure-reviews", { code: "9.999999", year: YEAR, reviewerUserId: officialId });
    expect(unknown.statusCode).toBe(404);
    const stranger = await admin.json("POST", "/api/v1/procedure-reviews", { code: "2.000815", year: YEAR, reviewerUserId: 999999 });
    expect(stranger.statusCode).toBe(422);
    expect(stranger.json().error.message).toBe("Chọn người phụ trách là công chức của đơn vị.");
    // A desk officer may read the reviews but not plan them.
    const desk = await signIn(t.app, "demo-desk");
    expect((await desk.get(`/staff/reviews?year=${YEAR}`)).statusCode).toBe(200);
    expect((await desk.json("POST", "/api/v1/procedure-reviews", { code: "2.000815", reviewerUserId: officialId })).statusCode).toBe(403);
    expect((await desk.get(`/staff/reviews/${reviewIds[BIRTH]}`)).body).not.toContain(`action="/staff/reviews/${reviewIds[BIRTH]}/assessment"`);
    const notYours = await desk.post(`/staff/reviews/${reviewIds[BIRTH]}/assessment`, answers());
    expect(notYours.statusCode).toBe(403);
  });
});

describe("the official fills in the review form and the compliance cost", () => {
  it("sees the task on the dashboard, answers per part with a proposal and its reason, and concludes", async () => {
    const dash = text((await official.get("/staff")).body);
    expect(dash).toContain(" 2 Thủ tục được giao rà soát ");
    const id = reviewIds[BIRTH]!;
    const form = await official.get(`/staff/reviews/${id}`);
    expect(form.statusCode).toBe(200);
    const body = text(form.body);
    expect(body).toContain("Biểu mẫu rà soát, đánh giá (Biểu mẫu 02/RS-KSTT)");
    expect(body).toContain("Thành phần, số lượng hồ sơ");
    expect(body).toContain("Giấy chứng sinh"); // the current documents, shown beside the questions
    const bad = await official.post(`/staff/reviews/${id}/assessment`, { ...answers(), a_name_necessary: "maybe", conclusion: "later" });
    expect(bad.statusCode).toBe(422);
    expect(text(bad.body)).toContain("Chọn Có, Không hoặc Chưa trả lời");
    expect(text(bad.body)).toContain("Chọn một kết luận trong danh sách");
    const ok = await official.post(`/staff/reviews/${id}/assessment`, {
      ...answers({
        documents: { reasonable: "no", proposal: "Không yêu cầu nộp Giấy chứng sinh bản giấy khi cơ sở y tế đã gửi giấy chứng sinh điện tử", reason: "Dữ liệu đã có trong hệ thống; Nghị định 45/2020/NĐ-CP không cho yêu cầu lại" },
        channels: { proposal: "Nhận kết quả qua ứng dụng VNeID", reason: "Người dân không phải đến nhận" },
      }),
      conclusion: "amend",
      recommendation: "Sửa đổi khoản 1 Điều 16 Luật Hộ tịch 2014 về giấy tờ nộp khi đăng ký khai sinh",
    });
    expect(ok.statusCode).toBe(303);
    const saved = text((await official.get(ok.headers.location as string)).body);
    expect(saved).toContain("Đã lưu biểu mẫu rà soát");
    expect(saved).toContain("Đang rà soát");
  });

  it("enters time and other costs per requirement; the cost follows the circular's model, with the saving and the rate", async () => {
    const id = reviewIds[BIRTH]!;
    const bad = await official.post(`/staff/reviews/${id}/cost`, { c0_label: "Giấy chứng sinh", c0_activity: "document", c0_hoursBefore: "nửa giờ", c0_otherBefore: "-5", feeBefore: "abc" });
    expect(bad.statusCode).toBe(422);
    const badText = text(bad.body);
    expect(badText).toContain("Số giờ là số không âm");
    expect(badText).toContain("Số tiền là số đồng không âm");
    expect(bad.body).toContain('value="nửa giờ"');
    const res = await official.post(`/staff/reviews/${id}/cost`, {
      c0_label: "Giấy chứng sinh (sao, chụp)",
      c0_activity: "document",
      c0_hoursBefore: "0,5",
      c0_otherBefore: "1.000",
      c0_hoursAfter: "0,5",
      c0_otherAfter: "1.000",
      c1_label: "Đi lại nộp hồ sơ và nhận kết quả",
      c1_activity: "travel",
      c1_hoursBefore: "2",
      c1_otherBefore: "30.000",
      c1_hoursAfter: "0",
      c1_otherAfter: "0",
      c2_label: "Chờ tiếp nhận và trả kết quả",
      c2_activity: "waiting",
      c2_hoursBefore: "1",
      c2_hoursAfter: "0,25",
      c3_label: "",
      feeBefore: "0",
      feeAfter: "0",
      dossiersPerYear: "1.000",
    });
    expect(res.statusCode).toBe(303);
    // 114.000.000 đồng a year ÷ 12 ÷ 22 ÷ 8 = 53.977,27 đồng an hour (the default figure).
    // Before: 3,5 h × 53.977,27 + 31.000 = 219.920,45 a dossier; after: 0,75 h × … + 1.000 = 41.482,95.
    const cost = await official.json("GET", `/api/v1/procedure-reviews/${id}/cost`);
    expect(cost.statusCode).toBe(200);
    expect(cost.json()).toMatchObject({
      before: 219_920_455,
      after: 41_482_955,
      saving: 178_437_500,
      savingRate: 81.14,
      perDossier: { before: 219_920, after: 41_483 },
      dossiersPerYear: 1000,
      dossiersSource: "entered",
      hourlyIncome: 53_977.27,
      frozen: false,
    });
    const page = text((await official.get(`/staff/reviews/${id}`)).body);
    expect(page).toContain("Chi phí tiết kiệm: 178.437.500 đồng/năm; tỷ lệ cắt giảm: 81,14%");
  });

  it("completing an incomplete form lists what is missing; a whole form completes and the plan's task is done", async () => {
    const death = reviewIds[DEATH]!;
    const missing = await official.post(`/staff/reviews/${death}/complete`, {});
    expect(missing.statusCode).toBe(422);
    const m = text(missing.body);
    expect(m).toContain("Phiếu rà soát chưa đủ");
    expect(m).toContain("Tên thủ tục hành chính: chưa trả lời đủ ba câu hỏi");
    expect(m).toContain("Kết luận: chưa chọn kết luận");
    // The death registration: kept as it is, its cost from the commune's own dossiers.
    await official.post(`/staff/reviews/${death}/assessment`, { ...answers(), conclusion: "keep" });
    await official.post(`/staff/reviews/${death}/cost`, { c0_label: "Chờ tiếp nhận và trả kết quả", c0_activity: "waiting", c0_hoursBefore: "1", c0_hoursAfter: "1", feeBefore: "0" });
    const keep = await official.post(`/staff/reviews/${death}/complete`, {});
    expect(keep.statusCode).toBe(303);
    const birth = reviewIds[BIRTH]!;
    expect((await official.post(`/staff/reviews/${birth}/complete`, {})).statusCode).toBe(303);
    const done = text((await official.get(`/staff/reviews/${birth}?saved=complete`)).body);
    expect(done).toContain("Đã hoàn thành rà soát thủ tục");
    expect(done).toContain("Đã rà soát");
    const frozen = (await official.json("GET", `/api/v1/procedure-reviews/${birth}/cost`)).json();
    expect(frozen).toMatchObject({ frozen: true, before: 219_920_455 });
    // A completed form is read-only until reopened.
    expect((await official.post(`/staff/reviews/${birth}/assessment`, answers())).statusCode).toBe(409);
    const tasks = await t.tdb.db.system((tx) => tx.query<{ status: string; evidence: { url: string }[] }>("select status, evidence from plan_tasks where id in (select plan_task_id from procedure_reviews where round_id = (select round_id from procedure_reviews where id = $1))", [birth]));
    expect(tasks.map((x) => x.status)).toEqual(["done", "done"]);
    expect(tasks.flatMap((x) => x.evidence.map((e) => e.url)).sort()).toEqual([`/staff/reviews/${birth}`, `/staff/reviews/${death}`].sort());
    const audit = await t.tdb.db.system((tx) => tx.query<{ action: string }>("select distinct action from audit_log where agency_id = $1 and action like 'review.%' order by 1", [communeId]));
    expect(audit.map((a) => a.action)).toEqual(["review.complete", "review.create", "review.update"]);
  });
});

describe("sending the results up, the documents and the portal", () => {
  let roundId = 0;

  it("draft documents first; then the report is numbered, both documents frozen as DOCX and PDF, and the round locked", async () => {
    const draft = await admin.get(`/staff/reviews/documents/${YEAR}/report.pdf`);
    expect(draft.statusCode).toBe(200);
    expect(await pdfText(draft.rawPayload)).toContain("DỰ THẢO");
    const noSigner = await admin.post("/staff/reviews/send", { year: String(YEAR), signerName: "" });
    expect(noSigner.statusCode).toBe(422);
    expect(text(noSigner.body)).toContain("Nhập họ tên người ký");
    const sent = await admin.post("/staff/reviews/send", { year: String(YEAR), signerName: "Hoàng Văn Minh", signerTitle: "Chủ tịch UBND xã" });
    expect(sent.statusCode).toBe(303);
    const page = await admin.get(sent.headers.location as string);
    const body = text(page.body);
    expect(body).toContain("Đã gửi báo cáo và phương án đơn giản hóa lên tỉnh");
    expect(body).toMatch(/Báo cáo số \d{2,}\/BC-UBND ngày \d\d\/\d\d\/\d{4} đã gửi Ủy ban nhân dân tỉnh/);
    roundId = Number(/\/staff\/reviews\/rounds\/(\d+)\/report\.pdf/.exec(page.body)![1]);
    const report = await pdfText((await admin.get(`/staff/reviews/rounds/${roundId}/report.pdf`)).rawPayload);
    for (const s of ["BÁO CÁO", "Kết quả rà soát, đánh giá thủ tục hành chính năm 2026", "Thông tư số 02/2017/TT-VPCP", "Thủ tục đăng ký khai sinh (1.001193)", "Sửa đổi, bổ sung", "Giữ nguyên", "Hoàng Văn Minh"]) {
      expect(report).toContain(s);
    }
    expect(report).toMatch(/Số: \d{2,}\/BC-UBND/);
    expect(report).not.toContain("DỰ THẢO");
    // Body text from the PDF (pdf.js reads the bold subset's letters back poorly); the headings from the DOCX.
    const proposal = await pdfText((await admin.get(`/staff/reviews/rounds/${roundId}/proposal.pdf`)).rawPayload);
    for (const s of [
      "PHƯƠNG ÁN",
      "Thành phần, số lượng hồ sơ: Không yêu cầu nộp Giấy chứng sinh bản giấy",
      "Sửa đổi khoản 1 Điều 16 Luật Hộ tịch 2014",
      "Chi phí tuân thủ thủ tục hành chính trước khi đơn giản hóa: 219.920.455 đồng/năm",
      "Chi phí tiết kiệm: 178.437.500 đồng/năm",
      "Tỷ lệ cắt giảm chi phí: 81,14%",
    ]) {
      expect(proposal.replace(/\s+/g, " ")).toContain(s);
    }
    const docx = await JSZip.loadAsync((await admin.get(`/staff/reviews/rounds/${roundId}/proposal.docx`)).rawPayload);
    const xml = await docx.file("word/document.xml")!.async("string");
    expect(xml).toContain("Times New Roman");
    for (const h of ["a) Nội dung đơn giản hóa", "b) Kiến nghị thực thi", "c) Lợi ích phương án đơn giản hóa", "Đơn giản hóa thủ tục hành chính thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã Minh Tiến năm 2026"]) {
      expect(xml).toContain(h);
    }
    // In the register, and nothing can change any more.
    const reg = text((await admin.get(`/staff/documents?year=${YEAR}`)).body);
    expect(reg).toContain("Kết quả rà soát, đánh giá thủ tục hành chính năm 2026");
    expect((await official.post(`/staff/reviews/${reviewIds[DEATH]}/assessment`, answers())).statusCode).toBe(403);
    expect((await admin.post(`/staff/reviews/${reviewIds[DEATH]}/reopen`, {})).statusCode).toBe(409);
    expect((await admin.post("/staff/reviews/send", { year: String(YEAR), signerName: "Hoàng Văn Minh" })).statusCode).toBe(409);
  });

  it("the portal publishes the results, on the home page too, with the report as sent", async () => {
    const home = text((await t.app.inject({ method: "GET", url: "/" })).body);
    expect(home).toContain("Kết quả rà soát thủ tục hành chính năm 2026");
    expect(home).toContain("2 thủ tục được rà soát; phương án đơn giản hóa tiết kiệm cho người dân 178.437.500 đồng mỗi năm");
    const page = await t.app.inject({ method: "GET", url: "/procedures/reviews" });
    expect(page.statusCode).toBe(200);
    const body = text(page.body);
    expect(body).toContain("Thủ tục đăng ký khai sinh");
    expect(body).toContain("Không yêu cầu nộp Giấy chứng sinh bản giấy");
    const pdf = await t.app.inject({ method: "GET", url: `/procedures/reviews/${roundId}/report.pdf` });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect((await t.app.inject({ method: "GET", url: "/procedures/reviews/999999/report.pdf" })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: "/procedures/reviews?agency=khong-co" })).statusCode).toBe(404);
  });

  it("the province sees its communes' results with the totals and downloads its summary", async () => {
    const province = await signIn(t.app, "demo-province");
    const page = await province.get(`/staff/reviews/communes?year=${YEAR}`);
    expect(page.statusCode).toBe(200);
    const body = text(page.body);
    expect(body).toContain("Ủy ban nhân dân xã Minh Tiến");
    expect(body).toContain("178.437.500 đồng");
    const api = (await province.json("GET", `/api/v1/procedure-review-reports?year=${YEAR}`)).json() as { items: { agency: string; reviews: number; saving: number }[] };
    expect(api.items).toEqual([expect.objectContaining({ agency: "Ủy ban nhân dân xã Minh Tiến", reviews: 2, saving: 178_437_500 })]);
    const summary = await province.get(`/staff/reviews/communes/${YEAR}/summary.pdf`);
    expect(summary.statusCode).toBe(200);
    const pdf = (await pdfText(summary.rawPayload)).replace(/\s+/g, " ");
    expect(pdf).toContain("1 đơn vị cấp xã đã gửi kết quả rà soát, đánh giá thủ tục hành chính năm 2026: 2 thủ tục được rà soát, 1 thủ tục có phương án đơn giản hóa");
    expect(pdf).toContain("Thủ tục đăng ký khai sinh (1.001193) — Sửa đổi, bổ sung");
    const docx = await JSZip.loadAsync((await province.get(`/staff/reviews/communes/${YEAR}/summary.docx`)).rawPayload);
    expect(await docx.file("word/document.xml")!.async("string")).toContain("Tổng hợp kết quả rà soát, đánh giá và phương án đơn giản hóa thủ tục hành chính cấp xã năm 2026");
    // The commune's administrator does not see the province's page (nor a link to it).
    expect((await admin.get(`/staff/reviews/communes?year=${YEAR}`)).statusCode).toBe(403);
    expect((await admin.get(`/staff/reviews?year=${YEAR}`)).body).not.toContain("/staff/reviews/communes");
  });
});

describe("the income figure the cost model uses", () => {
  it("is a setting with its source; a commune uses its province's when it has none", async () => {
    const province = await signIn(t.app, "demo-province");
    const bad = await province.post("/staff/reviews/settings", { annualIncomeVnd: "12", year: "1999", source: "" });
    expect(bad.statusCode).toBe(422);
    expect(text(bad.body)).toContain("Thu nhập một năm từ 1.000.000");
    const ok = await province.post("/staff/reviews/settings", { annualIncomeVnd: "126.720.000", year: "2025", source: "GDP bình quân đầu người năm 2025 (thử nghiệm)" });
    expect(ok.statusCode).toBe(303);
    const commune = (await admin.json("GET", "/api/v1/compliance-cost-settings")).json();
    // 126.720.000 ÷ 12 ÷ 22 ÷ 8 = 60.000 đồng an hour.
    expect(commune).toMatchObject({ annualIncomeVnd: 126_720_000, year: 2025, from: "parent", hourlyIncome: 60_000 });
    // Completed reviews keep the figure they were computed with.
    expect((await admin.json("GET", `/api/v1/procedure-reviews/${reviewIds[BIRTH]}/cost`)).json()).toMatchObject({ before: 219_920_455, wage: { annualIncomeVnd: 114_000_000 } });
  });
});

describe("the province reviews its own procedures too", () => {
  it("plans a review of a procedure of its catalog with its own officer", async () => {
    const province = await signIn(t.app, "demo-province");
    const me = await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from users where username = 'demo-province'"));
    const res = await province.json("POST", "/api/v1/procedure-reviews", { code: "2.000815", year: YEAR, reviewerUserId: me.id, deadline: "2026-12-20" });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ code: "2.000815", status: "todo", reviewer: { id: me.id, name: "Đỗ Thị Lan" } });
    const list = (await province.json("GET", `/api/v1/procedure-reviews?year=${YEAR}`)).json() as { round: { planId: number }; items: unknown[] };
    expect(list.items).toHaveLength(1);
    // Its plan is the province's, not the commune's.
    expect((await province.get(`/staff/plans/${list.round.planId}`)).statusCode).toBe(200);
    expect((await admin.get(`/staff/plans/${list.round.planId}`)).statusCode).toBe(404);
  });
});

describe("every review page a user is shown opens for them, in words (vi and en)", () => {
  const ROLES = ["demo-desk", "demo-specialist", "demo-leader", "demo-comms", "demo-admin", "demo-province", "demo-sysadmin"];
  const AREA = /^\/staff\/(reviews|catalog|plans)(\/|\?|$)/;
  const FILE = /\.(pdf|docx)$/;

  it("follows the links of the review and catalog pages as each staff role, finds no refusal, failure or message key", async () => {
    const problems: string[] = [];
    for (const username of ROLES) {
      const c = username === "demo-admin" ? admin : username === "demo-specialist" ? official : await signIn(t.app, username);
      for (const lang of ["vi", "en"]) {
        const seen = new Set<string>();
        const queue = [`/staff/reviews?year=${YEAR}`];
        const nav = (await c.get("/staff")).body;
        if (nav.includes('href="/staff/catalog/imports"')) queue.push("/staff/catalog/imports");
        while (queue.length && seen.size < 60) {
          const path = queue.shift()!;
          if (seen.has(path)) continue;
          seen.add(path);
          const res = await c.get(`${path}${path.includes("?") ? "&" : "?"}lang=${lang}`);
          if (res.statusCode === 403 || res.statusCode >= 500) problems.push(`${username} ${lang}: ${res.statusCode} ${path}`);
          const visible = text(res.body.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, " "));
          for (const m of visible.matchAll(/\b(reviews|catalog)\.[a-zA-Z0-9_.]+[a-zA-Z0-9]\b/g)) problems.push(`${username} ${lang}: key ${m[0]} on ${path}`);
          for (const m of res.body.matchAll(/<a\b[^>]*\shref="([^"]*)"/g)) {
            const href = m[1]!.replace(/&amp;/g, "&").replace(/[?&]lang=\w+/, "");
            if (AREA.test(href) && !FILE.test(href.split("?")[0]!) && !seen.has(href)) queue.push(href);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
