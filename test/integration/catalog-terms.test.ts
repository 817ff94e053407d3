import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { createTestApp, signIn, type TestApp } from "../support/app";

let t: TestApp;
let communeId: number;
beforeAll(async () => {
  t = await createTestApp();
  communeId = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE]))).id;
});
afterAll(async () => {
  await t?.close();
});

const offered = (code: string) => t.tdb.db.system((tx) => findOfferedProcedure(tx, { agencyId: communeId, code }));

describe("a commune's time limits, fees and documents", () => {
  it("the public page of a procedure says what applies at the commune: its time limit with the legal basis, and the papers by channel", async () => {
    const page = await t.app.inject({ method: "GET", url: "/procedures/1.001193" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Thực hiện tại Ủy ban nhân dân xã Minh Tiến");
    expect(page.body).toContain("Trả trong ngày (nhận sau 15 giờ: trả trong ngày làm việc tiếp theo)");
    expect(page.body).toContain("Luật Hộ tịch 2014");
    expect(page.body).toContain("Giấy tờ tải lên khi nộp trực tuyến");
    // Certification at the commune: no consulate's fee in US dollars.
    const certify = await t.app.inject({ method: "GET", url: "/procedures/2.000815" });
    const atAgency = certify.body.slice(certify.body.indexOf("Thực hiện tại"), certify.body.indexOf("Cách thức thực hiện theo danh mục quốc gia"));
    expect(atAgency).toContain("2.000 đồng/trang");
    expect(atAgency).not.toContain("USD");
  });

  it("flags offered procedures without a time limit and lists them for the administrator", async () => {
    const admin = await signIn(t.app, "demo-admin");
    const dash = await admin.get("/staff");
    expect(dash.body).toContain("Thủ tục chưa có thời hạn giải quyết");
    const list = await admin.get("/staff/procedures?status=no_time_limit");
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain("Chưa có — cần đặt");
    // Re-registration of a birth: the catalog says "5" with no unit; the demo did not set it.
    expect(list.body).toContain("Thủ tục đăng ký lại khai sinh");
    // Birth registration has its limit from the law (demo), so it is not in that list.
    expect(list.body).not.toContain("Thủ tục đăng ký khai sinh<");
    const all = await admin.get(`/staff/procedures?q=${encodeURIComponent("đăng ký khai sinh")}`);
    expect(all.body).toContain("Trả trong ngày (nhận sau 15 giờ: trả trong ngày làm việc tiếp theo)");
  });

  it("the administrator sets a time limit with its legal basis; a bad form is shown again with what was typed and nothing is saved", async () => {
    const admin = await signIn(t.app, "demo-admin");
    const code = "1.004884"; // Thủ tục đăng ký lại khai sinh
    const page = await admin.get(`/staff/procedures/${code}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Thủ tục chưa có thời hạn giải quyết");
    const bad = await admin.post(`/staff/procedures/${code}/time-limit`, { amount: "0", unit: "working_days", basis: "", reason: "Theo văn bản mới" });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain("Ghi căn cứ pháp lý");
    expect(bad.body).toContain("Nhập số ngày là số nguyên");
    expect(bad.body).toContain('value="Theo văn bản mới"');
    expect((await offered(code))?.timeLimit).toBeNull();
    const ok = await admin.post(`/staff/procedures/${code}/time-limit`, { amount: "5", unit: "working_days", basis: "Nghị định 123/2015/NĐ-CP, Điều 26", reason: "Đặt thời hạn" });
    expect(ok.statusCode).toBe(303);
    const p = await offered(code);
    expect(p?.timeLimit).toEqual({ amount: 5, unit: "working_days" });
    expect(p?.terms.timeLimitBasis).toBe("Nghị định 123/2015/NĐ-CP, Điều 26");
    const after = await admin.get(`/staff/procedures/${code}?saved=time_limit`);
    expect(after.body).toContain("Đã lưu thời hạn giải quyết.");
    expect(after.body).toContain("Đặt thời hạn");
    // The history names the person, not the account.
    expect(after.body).toContain("Lịch sử thay đổi của đơn vị");
    const name = (await t.tdb.db.system((tx) => tx.one<{ full_name: string }>("select full_name from users where username = 'demo-admin'"))).full_name;
    expect(after.body).toContain(name);
    // Back to the catalog's (none): flagged again.
    await admin.post(`/staff/procedures/${code}/time-limit`, { clear: "1", reason: "Thử lại" });
    expect((await offered(code))?.timeLimit).toBeNull();
  });

  it("sets a local fee and a document list; the citizen-facing requirements follow", async () => {
    const admin = await signIn(t.app, "demo-admin");
    const code = "2.000635"; // Cấp bản sao Trích lục hộ tịch
    const fee = await admin.post(`/staff/procedures/${code}/fees`, { kind: "fixed", amount: "8.000", per: "copy", cap: "", note: "", basis: "Thông tư 281/2016/TT-BTC", reason: "Mức thu theo bản" });
    expect(fee.statusCode).toBe(303);
    expect((await offered(code))?.fees).toEqual([{ kind: "fixed", amountVnd: 8000, per: "copy", capVnd: null, note: null }]);
    const badFee = await admin.post(`/staff/procedures/${code}/fees`, { kind: "fixed", amount: "abc", per: "copy" });
    expect(badFee.statusCode).toBe(422);
    expect(badFee.body).toContain("Nhập mức thu là số đồng");
    const docs = await admin.post(`/staff/procedures/${code}/documents`, {
      d0_name: "Tờ khai đề nghị cấp bản sao trích lục hộ tịch",
      d0_group: "",
      d0_kind: "submit",
      d0_need: "required",
      d0_channel: "any",
      d1_name: "Văn bản ủy quyền (trường hợp ủy quyền)",
      d1_kind: "submit",
      d1_need: "conditional",
      d1_channel: "any",
      d2_name: "",
      d2_kind: "submit",
      d2_need: "required",
      d2_channel: "any",
      notes: "Mang theo căn cước khi nhận kết quả.",
      reason: "Danh sách theo thực tế",
    });
    expect(docs.statusCode).toBe(303);
    const p = await offered(code);
    expect(p?.terms.documentsSource).toBe("local");
    expect(p!.requirements.groups[0]!.items.map((i) => i.name)).toEqual(["Tờ khai đề nghị cấp bản sao trích lục hộ tịch", "Văn bản ủy quyền (trường hợp ủy quyền)"]);
    expect(p?.requirements.notes).toEqual(["Mang theo căn cước khi nhận kết quả."]);
    const dup = await admin.post(`/staff/procedures/${code}/documents`, { d0_name: "Giấy A", d0_kind: "submit", d0_need: "required", d0_channel: "any", d1_name: "giấy a", d1_kind: "submit", d1_need: "required", d1_channel: "any" });
    expect(dup.statusCode).toBe(422);
    expect(dup.body).toContain("Giấy tờ này đã có trong danh sách.");
    const history = await t.tdb.db.system((tx) =>
      tx.query<{ what: string; reason: string | null }>(
        "select c.what, c.reason from agency_procedure_changes c join procedures p on p.id = c.procedure_id where c.agency_id = $1 and p.code = $2 order by c.id",
        [communeId, code],
      ),
    );
    expect(history.map((h) => h.what)).toEqual(["time_limit", "fees", "documents"]);
    expect(history[2]!.reason).toBe("Danh sách theo thực tế");
  });

  it("turns a whole field off and on, each procedure recorded, and the API reads and writes terms", async () => {
    const admin = await signIn(t.app, "demo-admin");
    const off = await admin.post("/staff/procedures/by-field", { field: "Nuôi con nuôi", enabled: "0", reason: "Chuyển cho xã khác" });
    expect(off.statusCode).toBe(303);
    expect(off.headers.location).toContain("bulk=0%3A5");
    const n = await t.tdb.db.system((tx) =>
      tx.one<{ n: number }>("select count(*)::int as n from procedures p join agency_offering($1) ao on ao.procedure_id = p.id where p.field = 'Nuôi con nuôi' and ao.enabled", [communeId]),
    );
    expect(n.n).toBe(0);
    await admin.post("/staff/procedures/by-field", { field: "Nuôi con nuôi", enabled: "1" });
    const res = await admin.json("PUT", "/api/v1/agency-procedures/1.004746/terms", { timeLimit: { amount: 5, unit: "working_days", basis: "Nghị định 123/2015/NĐ-CP" }, reason: "API" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ code: "1.004746", timeLimit: { amount: 5, unit: "working_days" }, timeLimitSource: "local" });
    const bad = await admin.json("PUT", "/api/v1/agency-procedures/1.004746/terms", { timeLimit: { amount: -1, unit: "weeks", basis: "" } });
    expect(bad.statusCode).toBe(400);
    // The desk officer may read but not change.
    const desk = await signIn(t.app, "demo-desk");
    expect((await desk.json("PUT", "/api/v1/agency-procedures/1.004746/terms", { timeLimit: null })).statusCode).toBe(403);
    expect((await desk.post("/staff/procedures/1.004746/time-limit", { amount: "3", unit: "working_days", basis: "abc" })).statusCode).toBe(403);
  });
});
