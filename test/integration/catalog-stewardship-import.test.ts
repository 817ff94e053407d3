import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCatalogAbolish, runCatalogImport, runCatalogPreview } from "../../src/modules/catalog/cli";
import { catalogImportsSettled } from "../../src/modules/catalog/staff-import";
import { DEMO_COMMUNE_CODE, DEMO_PROVINCE_GSO } from "../../src/modules/demo/seed";
import { type Client, createTestApp, signIn, type TestApp } from "../support/app";
import { forgetProcedure, type RawRecord, rawCommuneRecords } from "../support/catalog";
import { multipart, type Part, postMultipart } from "../support/multipart";

// Issue 17, part 1: staff import a province's announcement decision. A real slice of the national
// portal's commune records (the 12 certification procedures of ../shared/data) with one procedure
// the catalog does not hold yet, one amended and one the file no longer has; previewed, applied
// once (twice changes nothing), announced on the commune's portal; and every kind of bad file.

const NEW = "2.001016"; // Chứng thực văn bản từ chối nhận di sản
const AMENDED = "2.001019"; // Chứng thực di chúc
const DROPPED = "2.000927"; // Sửa lỗi sai sót trong giao dịch
const NEW_CONDITION = "Người lập di chúc phải xuất trình giấy tờ tùy thân còn giá trị; di chúc lập sẵn được chứng thực trong ngày.";

let t: TestApp;
let admin: Client;
let communeId: number;
let provinceId: number;

beforeAll(async () => {
  t = await createTestApp();
  const ids = await t.tdb.db.system((tx) =>
    tx.one<{ commune: number; province: number }>("select c.id as commune, p.id as province from agencies c, agencies p where c.code = $1 and p.gso_code = $2 and p.kind = 'province'", [
      DEMO_COMMUNE_CODE,
      DEMO_PROVINCE_GSO,
    ]),
  );
  communeId = ids.commune;
  provinceId = ids.province;
  // The catalog as it was before the province announced the "từ chối nhận di sản" procedure.
  await forgetProcedure(t.tdb.db, NEW);
  admin = await signIn(t.app, "demo-admin");
});
afterAll(async () => {
  await t?.close();
});

/** The certification field of the national data: the real records, one amended, one left out. */
function certificationSlice(): RawRecord[] {
  return rawCommuneRecords()
    .filter((r) => r.linh_vuc === "Chứng thực" && r.ma_thu_tuc !== DROPPED)
    .map((r) => (r.ma_thu_tuc === AMENDED ? { ...r, yeu_cau_dieu_kien: NEW_CONDITION } : r));
}

const counts = () =>
  t.tdb.db.system((tx) =>
    tx.one<{ p: number; v: number; a: number; abolished: number }>(
      `select (select count(*) from procedures)::int as p, (select count(*) from procedure_versions)::int as v,
              (select count(*) from catalog_announcements)::int as a, (select count(*) from procedures where abolished_on is not null)::int as abolished`,
    ),
  );

function filePart(data: Buffer, filename = "qd-cong-bo-chung-thuc.json"): Part {
  return { name: "file", filename, type: filename.endsWith(".gz") ? "application/gzip" : "application/json", data };
}

async function upload(c: Client, parts: Part[], headers: Record<string, string> = {}) {
  const res = await postMultipart(t.app, c, "/staff/catalog/imports", parts, headers);
  await catalogImportsSettled(t.app);
  return res;
}

const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ");

describe("importing an announcement decision through the staff pages", () => {
  let importUrl = "";

  it("previews a real slice: one new, one amended field by field, one abolished, and writes nothing", async () => {
    const before = await counts();
    const page = await admin.get("/staff/catalog/imports");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Tải lên và xem trước");
    const res = await upload(admin, [
      filePart(gzipSync(JSON.stringify(certificationSlice())), "qd-1234-chung-thuc.json.gz"),
      { name: "decision", value: "1234/QĐ-UBND" },
      { name: "decisionDate", value: "2026-06-02" },
      { name: "effectiveFrom", value: "" },
      { name: "abolish", value: "" },
      { name: "abolishMissing", value: "fields" },
    ]);
    expect(res.statusCode).toBe(303);
    importUrl = res.headers.location as string;
    expect(importUrl).toMatch(/^\/staff\/catalog\/imports\/\d+$/);
    const preview = await admin.get(importUrl);
    expect(preview.statusCode).toBe(200);
    const body = text(preview.body);
    expect(body).toContain("1 mới, 1 sửa đổi, 0 áp dụng lại, 1 bãi bỏ, 9 không đổi");
    expect(body).toContain("1234/QĐ-UBND ngày 02/06/2026");
    expect(body).toContain("Thủ tục mới (1)");
    expect(body).toMatch(new RegExp(`${NEW.replace(".", "\\.")} Chứng thực văn bản từ chối nhận di sản`));
    expect(body).toContain("Thủ tục sửa đổi, bổ sung (1)");
    // Field by field: the condition as it is and as the file has it.
    expect(body).toMatch(/Yêu cầu, điều kiện .*Không.* Người lập di chúc phải xuất trình/);
    expect(body).toContain("Thủ tục bị bãi bỏ (1)");
    expect(body).toContain("Sửa lỗi sai sót trong giao dịch");
    expect(preview.body).toContain(`action="${importUrl}/apply"`);
    expect(await counts()).toEqual(before);
  });

  it("applies it: the new version, the abolition and the announcements citing the decision, on the commune's portal", async () => {
    const before = await counts();
    const res = await admin.post(`${importUrl}/apply`, {});
    expect(res.statusCode).toBe(303);
    await catalogImportsSettled(t.app);
    const page = text((await admin.get(importUrl)).body);
    expect(page).toMatch(/Đã áp dụng.*1 thủ tục mới, 1 sửa đổi, 0 áp dụng lại, 1 bãi bỏ; \d+ thông báo đã đăng/);
    const after = await counts();
    expect(after.p - before.p).toBe(1);
    expect(after.v - before.v).toBe(2);
    expect(after.abolished - before.abolished).toBe(1);
    // The commune offers certification procedures by default: the three changes are on its portal.
    const ann = await t.tdb.db.system((tx) =>
      tx.query<{ kind: string; procedure_code: string; summary: string; decision_number: string }>(
        "select kind, procedure_code, summary, decision_number from catalog_announcements where agency_id = $1 and import_id is not null order by kind",
        [communeId],
      ),
    );
    expect(ann.map((a) => `${a.kind} ${a.procedure_code}`)).toEqual([`abolished ${DROPPED}`, `amended ${AMENDED}`, `new ${NEW}`]);
    for (const a of ann) expect(a.summary).toContain("theo Quyết định số 1234/QĐ-UBND ngày 02/06/2026");
    const home = text((await t.app.inject({ method: "GET", url: "/" })).body);
    expect(home).toContain("Công bố thủ tục hành chính mới: Chứng thực văn bản từ chối nhận di sản");
    expect(home).toContain("Bãi bỏ thủ tục hành chính: Sửa lỗi sai sót trong giao dịch");
    // The public catalog: the new procedure is found, the abolished one says so.
    const search = (await t.app.inject({ method: "GET", url: `/api/v1/procedures?q=${encodeURIComponent("từ chối nhận di sản")}` })).json() as { items: { code: string }[] };
    expect(search.items.map((i) => i.code)).toContain(NEW);
    expect((await t.app.inject({ method: "GET", url: `/procedures/${DROPPED}` })).body).toContain("đã bị bãi bỏ");
    const detail = (await t.app.inject({ method: "GET", url: `/api/v1/procedures/${AMENDED}` })).json() as { version: { number: number }; procedure: { conditions: string } };
    expect(detail.version.number).toBe(2);
    expect(detail.procedure.conditions).toBe(NEW_CONDITION);
    // Audited on the commune (who did it) and on the province (whose catalog changed).
    const audit = await t.tdb.db.system((tx) =>
      tx.query<{ agency_id: number }>("select agency_id from audit_log where action = 'catalog.import' and data->>'decision' = '1234/QĐ-UBND' order by agency_id", []),
    );
    expect(audit.map((a) => a.agency_id).sort()).toEqual([communeId, provinceId].sort());
  });

  it("applying twice changes nothing the second time, and the same file again has nothing to apply", async () => {
    const before = await counts();
    const again = await admin.post(`${importUrl}/apply`, {});
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`${importUrl}?applied=again`);
    await catalogImportsSettled(t.app);
    expect(text((await admin.get(again.headers.location as string)).body)).toContain("Lần nhập này đã được áp dụng trước đó");
    const id = Number(importUrl.split("/").pop());
    const api = await admin.json("POST", `/api/v1/catalog/imports/${id}/apply`, {});
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ id, status: "applied", alreadyApplied: true, created: 1, abolished: [DROPPED], amended: [AMENDED] });
    expect(await counts()).toEqual(before);
    const res = await upload(admin, [filePart(Buffer.from(JSON.stringify(certificationSlice()))), { name: "abolishMissing", value: "fields" }]);
    const page = text((await admin.get(res.headers.location as string)).body);
    expect(page).toContain("0 mới, 0 sửa đổi, 0 áp dụng lại, 0 bãi bỏ, 11 không đổi");
    expect(page).toContain("Tệp không có gì khác với danh mục hiện hành");
    expect(await counts()).toEqual(before);
  });
});

describe("a broken file is refused with every problem listed by row, and nothing is written", () => {
  it("lists not-a-record, missing and mistyped fields, bad codes and duplicates, and refuses to apply", async () => {
    const before = await counts();
    const slice = rawCommuneRecords().filter((r) => r.linh_vuc === "Hòa giải ở cơ sở");
    const records: unknown[] = [
      slice[0],
      "không phải bản ghi",
      { ...slice[1], ten_thu_tuc: "" },
      { ...slice[2], ma_thu_tuc: "12345" },
      { ...slice[3], linh_vuc: 7, thanh_phan_ho_so: ["a"] },
      { ...slice[4], ten_thu_tuc: undefined },
      slice[0],
    ];
    const res = await upload(admin, [filePart(Buffer.from(JSON.stringify(records)))]);
    const url = res.headers.location as string;
    const page = await admin.get(url);
    const body = text(page.body);
    expect(body).toContain("Tệp có 7 lỗi: không thể áp dụng");
    const code = (i: number) => slice[i]!.ma_thu_tuc!;
    // Every problem, in rows numbered as people count them (the string is the second record).
    for (const expected of [
      " 2 — (bản ghi) bản ghi phải là một đối tượng, không phải văn bản ",
      ` 3 ${code(1)} Tên thủ tục (ten_thu_tuc) tên thủ tục trống `,
      ' 4 12345 Mã thủ tục (ma_thu_tuc) mã thủ tục không hợp lệ: "12345" ',
      ` 5 ${code(3)} Lĩnh vực (linh_vuc) phải là văn bản, không phải một số `,
      ` 5 ${code(3)} Thành phần hồ sơ (thanh_phan_ho_so) phải là văn bản, không phải một danh sách `,
      ` 6 ${code(4)} Tên thủ tục (ten_thu_tuc) thiếu trường bắt buộc `,
      ` 7 ${code(0)} Mã thủ tục (ma_thu_tuc) trùng mã với bản ghi số 1 `,
    ]) {
      expect(body).toContain(expected);
    }
    expect(page.body).not.toContain("/apply");
    const id = Number(url.split("/").pop());
    const refused = await admin.post(`${url}/apply`, {});
    expect(refused.statusCode).toBe(422);
    expect(text(refused.body)).toContain("Tệp có lỗi nên không thể áp dụng");
    const api = await admin.json("POST", `/api/v1/catalog/imports/${id}/apply`, {});
    expect(api.statusCode).toBe(422);
    expect(api.json().error.details.length).toBe(7);
    expect(await counts()).toEqual(before);
  });

  it("explains files that are not JSON, not a list, empty, damaged gzip, or abolish codes it cannot abolish", async () => {
    const cases: { data: Buffer; fields?: Part[]; expected: string }[] = [
      { data: Buffer.from("{ không phải json"), expected: "tệp không phải JSON hợp lệ" },
      { data: Buffer.from(JSON.stringify({ ma_thu_tuc: "1.001193" })), expected: "tệp phải là một danh sách (mảng JSON) các thủ tục" },
      { data: Buffer.from("[]"), expected: "tệp không có thủ tục nào" },
      { data: Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), expected: "tệp nén gzip bị hỏng" },
      { data: Buffer.from([0xff, 0xfe, 0x5b, 0x00]), expected: "tệp không phải văn bản UTF-8" },
      {
        data: Buffer.from(JSON.stringify([rawCommuneRecords().find((r) => r.ma_thu_tuc === "2.000815")])),
        fields: [{ name: "abolish", value: "2.000815, 9.999999" }],
        expected: "9.999999 Thủ tục bãi bỏ không có trong danh mục, không thể bãi bỏ",
      },
    ];
    for (const c of cases) {
      const res = await upload(admin, [filePart(c.data), ...(c.fields ?? [])]);
      expect(res.statusCode, c.expected).toBe(303);
      const body = text((await admin.get(res.headers.location as string)).body);
      expect(body, c.expected).toContain("không thể áp dụng");
      expect(body, c.expected).toContain(c.expected);
    }
    const both = await upload(admin, [filePart(Buffer.from(JSON.stringify([rawCommuneRecords().find((r) => r.ma_thu_tuc === "2.000815")]))), { name: "abolish", value: "2.000815" }]);
    expect(text((await admin.get(both.headers.location as string)).body)).toContain("vừa có trong tệp vừa được liệt kê để bãi bỏ");
  });

  it("refuses in the form, with the typed fields kept: no file, an oversized file, bad dates and codes", async () => {
    const noFile = await postMultipart(t.app, admin, "/staff/catalog/imports", [{ name: "decision", value: "55/QĐ-UBND" }]);
    expect(noFile.statusCode).toBe(422);
    expect(text(noFile.body)).toContain("Chọn tệp dữ liệu thủ tục");
    expect(noFile.body).toContain('value="55/QĐ-UBND"');
    // Over the app's 10 MB for attachments, within the import's own 30 MB: read (and found empty).
    const large = await upload(admin, [filePart(Buffer.concat([Buffer.from("["), Buffer.alloc(12 * 1024 * 1024, 0x20), Buffer.from("]")]), "lon-vua.json")]);
    expect(large.statusCode).toBe(303);
    expect(text((await admin.get(large.headers.location as string)).body)).toContain("tệp không có thủ tục nào");
    const big = await postMultipart(t.app, admin, "/staff/catalog/imports", [filePart(Buffer.alloc(31 * 1024 * 1024, 0x20), "lon.json")]);
    expect(big.statusCode).toBe(413);
    expect(text(big.body)).toContain("Tệp lon.json lớn hơn 30 MB");
    const bad = await postMultipart(t.app, admin, "/staff/catalog/imports", [
      filePart(Buffer.from("[]")),
      { name: "decisionDate", value: "2026-02-30" },
      { name: "effectiveFrom", value: "hôm nay" },
      { name: "abolish", value: "1.001193 abc" },
    ]);
    expect(bad.statusCode).toBe(422);
    const body = text(bad.body);
    expect(body).toContain("Ngày ban hành phải là một ngày hợp lệ");
    expect(body).toContain("Ngày áp dụng phải là một ngày hợp lệ");
    expect(body).toContain("Mã thủ tục bị bãi bỏ phải có dạng 1.001193");
    expect(bad.body).toContain("1.001193 abc");
  });

  it("refuses an import whose catalog changed since its preview, until it is previewed again", async () => {
    const record = { ...rawCommuneRecords().find((r) => r.ma_thu_tuc === "2.000884")!, yeu_cau_dieu_kien: "Điều kiện của lần nhập thứ nhất." };
    const first = await upload(admin, [filePart(Buffer.from(JSON.stringify([record])))]);
    const other = { ...rawCommuneRecords().find((r) => r.ma_thu_tuc === "2.000908")!, yeu_cau_dieu_kien: "Một lần nhập khác xen vào." };
    const second = await upload(admin, [filePart(Buffer.from(JSON.stringify([other])))]);
    expect((await admin.post(`${second.headers.location}/apply`, {})).statusCode).toBe(303);
    await catalogImportsSettled(t.app);
    const before = await counts();
    const id = Number((first.headers.location as string).split("/").pop());
    const api = await admin.json("POST", `/api/v1/catalog/imports/${id}/apply`, {});
    expect(api.statusCode).toBe(409);
    expect(api.json().error.message).toContain("Danh mục đã thay đổi kể từ khi xem trước");
    expect(text((await admin.get(first.headers.location as string)).body)).toContain("Tải tệp lên lại");
    expect(await counts()).toEqual(before);
  });
});

describe("progress while a file is read", () => {
  it("the page refreshes itself without JavaScript, the script reads the progress as JSON, and an interrupted read says so", async () => {
    const id = await t.tdb.db.system(async (tx) =>
      (
        await tx.one<{ id: number }>(
          `insert into catalog_imports (agency_id, importing_agency_id, file_name, file_size, file_sha256, effective_from, status, progress_stage, progress_done, progress_total)
           values ($1, $2, 'tthc-all-levels.json.gz', 2022327, repeat('b', 64), current_date, 'reading', 'checking', 661, 2642) returning id`,
          [communeId, provinceId],
        )
      ).id,
    );
    const page = await admin.get(`/staff/catalog/imports/${id}`);
    expect(page.body).toContain('<noscript><meta http-equiv="refresh" content="2"/></noscript>');
    expect(text(page.body)).toContain("Đã kiểm tra 661/2.642 bản ghi (25%)");
    expect(page.body).not.toContain("/apply");
    const json = await admin.get(`/staff/catalog/imports/${id}/progress`);
    expect(json.json()).toEqual({ status: "reading", busy: true, stage: "checking", done: 661, total: 2642, pct: 25, text: "Đã kiểm tra 661/2.642 bản ghi (25%)" });
    // Applying meanwhile is refused.
    expect((await admin.json("POST", `/api/v1/catalog/imports/${id}/apply`, {})).statusCode).toBe(409);
    await t.tdb.db.system((tx) => tx.exec("update catalog_imports set updated_at = now() - interval '10 minutes' where id = $1", [id]));
    const stalled = text((await admin.get(`/staff/catalog/imports/${id}`)).body);
    expect(stalled).toContain("Việc đọc tệp đã dừng giữa chừng");
    expect(stalled).toContain("Bị gián đoạn");
  });
});

describe("the import API", () => {
  it("takes a multipart file and returns the preview; apply applies it; both are in the OpenAPI document", async () => {
    const record = { ...rawCommuneRecords().find((r) => r.ma_thu_tuc === "2.000942")!, yeu_cau_dieu_kien: "Xuất trình bản chính giao dịch." };
    const { body, contentType } = multipart([
      filePart(Buffer.from(JSON.stringify([record]))),
      { name: "decision", value: "77/QĐ-UBND" },
      { name: "effectiveFrom", value: "2099-01-01" },
    ]);
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/catalog/imports",
      payload: body,
      headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": contentType, "x-csrf-token": admin.csrf },
    });
    expect(res.statusCode).toBe(201);
    const preview = res.json() as { id: number; added: unknown[]; amended: { code: string; changes: { field: string; from: string; to: string }[] }[]; abolished: unknown[]; canApply: boolean };
    expect(preview).toMatchObject({ added: [], abolished: [], canApply: true, decision: { number: "77/QĐ-UBND", date: null }, effectiveFrom: "2099-01-01" });
    expect(preview.amended).toEqual([{ code: "2.000942", name: expect.any(String), field: "Chứng thực", changes: [{ field: "conditions", label: "Yêu cầu, điều kiện", from: "Không.", to: "Xuất trình bản chính giao dịch." }] }]);
    const applied = await admin.json("POST", `/api/v1/catalog/imports/${preview.id}/apply`, {});
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toMatchObject({ status: "applied", alreadyApplied: false, amended: ["2.000942"] });
    // A future-dated version: the public keeps the current one until 2099.
    const detail = (await t.app.inject({ method: "GET", url: "/api/v1/procedures/2.000942" })).json() as { procedure: { conditions: string } };
    expect(detail.procedure.conditions).toBe("Không.");
    const notMultipart = await admin.json("POST", "/api/v1/catalog/imports", { file: "x" });
    expect(notMultipart.statusCode).toBe(415);
    const doc = (await t.app.inject({ method: "GET", url: "/api/v1/openapi.json" })).json() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    expect(Object.keys(doc.paths["/api/v1/catalog/imports"]!.post!.requestBody!.content)).toEqual(["multipart/form-data"]);
    expect(doc.paths["/api/v1/catalog/imports/{id}/apply"]?.post).toBeDefined();
    expect(doc.paths["/api/v1/catalog/procedures/{code}/abolish"]?.post).toBeDefined();
  });
});

describe("abolishing a procedure from a date", () => {
  it("from the staff page, with the decision and a reason, announced to the commune; refusals in words", async () => {
    const code = "2.001406";
    const page = await admin.get(`/staff/catalog/abolish?code=${code}`);
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain("Bãi bỏ thủ tục: Chứng thực văn bản phân chia di sản");
    const early = await admin.post("/staff/catalog/abolish", { code, effectiveOn: "2020-01-01" });
    expect(early.statusCode).toBe(422);
    expect(text(early.body)).toContain("Ngày bãi bỏ không thể trước ngày áp dụng phiên bản mới nhất");
    const bad = await admin.post("/staff/catalog/abolish", { code, effectiveOn: "31/12/2026", decisionDate: "2026-12-01" });
    expect(bad.statusCode).toBe(422);
    expect(text(bad.body)).toContain("Ngày bãi bỏ phải là một ngày hợp lệ");
    expect(text(bad.body)).toContain("Có ngày ban hành thì cần ghi số quyết định");
    const ok = await admin.post("/staff/catalog/abolish", { code, effectiveOn: "2099-12-31", decision: "99/QĐ-UBND", decisionDate: "2099-12-01", reason: "Thay bằng thủ tục liên thông." });
    expect(ok.statusCode).toBe(303);
    const done = text((await admin.get(ok.headers.location as string)).body);
    expect(done).toContain("Đã bãi bỏ từ ngày 31/12/2099");
    const ann = await t.tdb.db.system((tx) => tx.one<{ summary: string }>("select summary from catalog_announcements where agency_id = $1 and kind = 'abolished' and procedure_code = $2", [communeId, code]));
    expect(ann.summary).toBe(`Thủ tục ${code} (lĩnh vực Chứng thực) bị bãi bỏ theo Quyết định số 99/QĐ-UBND ngày 01/12/2099 từ ngày 31/12/2099: Thay bằng thủ tục liên thông.`);
    // Abolished from a future day: offered until then.
    const api = (await t.app.inject({ method: "GET", url: `/api/v1/procedures/${code}?agency=${DEMO_COMMUNE_CODE}` })).json() as { abolishedOn: string; agency: { offered: boolean } };
    expect(api).toMatchObject({ abolishedOn: "2099-12-31", agency: { offered: true } });
    const twice = await admin.json("POST", `/api/v1/catalog/procedures/${code}/abolish`, {});
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toBe(`Thủ tục ${code} đã bị bãi bỏ từ ngày 31/12/2099.`);
    const unknown = await admin.get("/staff/catalog/abolish?code=9.999999");
    expect(unknown.statusCode).toBe(404);
    expect(text(unknown.body)).toContain("Không có thủ tục mã 9.999999");
    // The staff procedure page links here for those who may abolish.
    expect((await admin.get("/staff/procedures/2.000815")).body).toContain("/staff/catalog/abolish?code=2.000815");
  });
});

describe("who may import and abolish", () => {
  it("commune administrators and province roles; the menu shows it exactly to them", async () => {
    for (const [user, allowed] of [
      ["demo-admin", true],
      ["demo-province", true],
      ["demo-sysadmin", true],
      ["demo-desk", false],
      ["demo-leader", false],
    ] as const) {
      const c = user === "demo-admin" ? admin : await signIn(t.app, user);
      const staff = await c.get("/staff");
      expect(staff.body.includes('href="/staff/catalog/imports"'), user).toBe(allowed);
      expect((await c.get("/staff/catalog/imports")).statusCode, user).toBe(allowed ? 200 : 403);
      expect((await c.get("/staff/catalog/abolish?code=2.000815")).statusCode, user).toBe(allowed ? 200 : 403);
    }
    // The province's officer sees the catalog owned by the province and its own imports only.
    const province = await signIn(t.app, "demo-province");
    const page = text((await province.get("/staff/catalog/imports")).body);
    expect(page).toContain("Chưa có lần nhập nào");
  });
});

describe("the CLI shares the reader, the preview and the importer", () => {
  it("--dry-run prints the preview and writes nothing; the import cites the decision and abolishes the listed codes", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "catalog-cli-"));
    const record = { ...rawCommuneRecords().find((r) => r.ma_thu_tuc === "2.000913")!, yeu_cau_dieu_kien: "Điều kiện theo quyết định 321." };
    const file = path.join(dir, "qd-321.json");
    writeFileSync(file, JSON.stringify([record]));
    const province = await t.tdb.db.system((tx) => tx.one<{ code: string }>("select code from agencies where id = $1", [provinceId]));
    const before = await counts();
    const lines: string[] = [];
    const preview = await runCatalogPreview(t.tdb.db, file, { agency: province.code, abolish: "2.001008", log: (l) => lines.push(l) });
    expect(preview.amended.map((a) => a.code)).toEqual(["2.000913"]);
    expect(preview.abolished.map((a) => a.code)).toEqual(["2.001008"]);
    expect(lines.join("\n")).toContain("  ~ 2.000913");
    expect(lines.join("\n")).toContain("Yêu cầu, điều kiện:");
    expect(lines.join("\n")).toContain("  − 2.001008");
    expect(await counts()).toEqual(before);
    const r = await runCatalogImport(t.tdb.db, file, { agency: province.code, abolish: "2.001008", decision: "321/QĐ-UBND", decisionDate: "2026-07-01", log: () => {} });
    expect(r).toMatchObject({ amended: ["2.000913"], abolished: ["2.001008"] });
    const ann = await t.tdb.db.system((tx) => tx.query<{ summary: string }>("select summary from catalog_announcements where agency_id = $1 and decision_number = '321/QĐ-UBND' order by kind", [communeId]));
    expect(ann.map((a) => a.summary)).toEqual([
      expect.stringContaining("bị bãi bỏ theo Quyết định số 321/QĐ-UBND ngày 01/07/2026"),
      expect.stringContaining("được sửa đổi, bổ sung theo Quyết định số 321/QĐ-UBND ngày 01/07/2026"),
    ]);
    await expect(runCatalogImport(t.tdb.db, file, { agency: province.code, decisionDate: "2026-07-01", log: () => {} })).rejects.toThrow("--decision-date cần --decision");
    await expect(runCatalogAbolish(t.tdb.db, "2.001008", { agency: province.code, log: () => {} })).rejects.toThrow("Thủ tục 2.001008 đã bị bãi bỏ từ ngày");
  });
});
