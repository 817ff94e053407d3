import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vnToday } from "../../src/domain/documents/numbering";
import { createTestApp, signIn, type TestApp } from "../support/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("plans", () => {
  it("the demo holds 04/KH-UBND and 06/KH-UBND of 08/01/2024 with tasks for the demo staff", async () => {
    const c = await signIn(t.app, "demo-admin");
    const page = await c.get("/staff/plans?year=2024");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("04/KH-UBND – Kế hoạch cải cách hành chính xã Minh Tiến năm 2024");
    expect(page.body).toContain("06/KH-UBND – Tuyên truyền cải cách hành chính năm 2024");
    expect(page.body).toContain("Ban hành: 08/01/2024".replace("Ban hành", "Ngày ban hành"));
    const api = (await c.get("/api/v1/plans?year=2024")).json();
    expect(api.items).toHaveLength(2);
    expect(api.items[0].tasks.map((x: { owner: string }) => x.owner)).toContain("Nguyễn Thị Hoa");
    expect(api.items.every((p: { progress: number }) => p.progress === 100)).toBe(true);
  });

  it("overdue tasks stand out with text, not colour alone", async () => {
    const c = await signIn(t.app, "demo-leader");
    const list = (await c.get("/api/v1/plans?year=2026")).json();
    const plan = list.items.find((p: { code: string }) => p.code === "03/KH-UBND");
    const overdue = plan.tasks.filter((x: { overdue: boolean }) => x.overdue);
    expect(overdue.length).toBeGreaterThan(0);
    const page = await c.get(`/staff/plans/${plan.id}`);
    expect(page.body).toContain('class="overdue"');
    expect(page.body).toContain("⚠ Quá hạn");
    expect(page.body).toMatch(/\d+ nhiệm vụ quá hạn/);
  });

  it("creates a plan numbered from the register, adds a task, the owner reports progress with evidence", async () => {
    const admin = await signIn(t.app, "demo-admin");
    const bad = await admin.post("/staff/plans", { title: "K", kind: "cchc", year: "2026" });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("Tên kế hoạch cần từ 3 đến 500 ký tự.");
    const dup = await admin.post("/staff/plans", { title: "Kế hoạch trùng số", kind: "cchc", year: "2026", number: "3", issuedOn: "2026-02-01" });
    expect(dup.statusCode).toBe(409);
    expect(dup.body).toContain("Số này đã có trong sổ văn bản đi");
    const res = await admin.post("/staff/plans", { title: "Kế hoạch chuyển đổi số xã Minh Tiến năm 2026", kind: "digital", year: "2026", allocateNumber: "on", issuedOn: "2026-03-02", goals: "Số hóa." });
    expect(res.statusCode).toBe(303);
    const planId = Number(res.headers.location!.split("/").pop());
    const plan = (await admin.get(`/api/v1/plans/${planId}`)).json();
    expect(plan.code).toBe("06/KH-UBND"); // after the demo's 03 and 05 of 2026
    const register = await admin.get("/staff/documents?year=2026");
    expect(register.body).toContain(`<a href="/staff/plans/${planId}">06/KH-UBND</a>`);
    // the refused duplicate left no plan behind
    expect((await admin.get("/api/v1/plans?year=2026")).json().items.map((p: { title: string }) => p.title)).not.toContain("Kế hoạch trùng số");
    const users = await t.tdb.db.system((tx) => tx.query<{ id: number; username: string }>("select id, username from users where username in ('demo-specialist','demo-desk')"));
    const specialistId = users.find((u) => u.username === "demo-specialist")!.id;
    const noOwner = await admin.post(`/staff/plans/${planId}/tasks`, { title: "Nhiệm vụ không người làm" });
    expect(noOwner.statusCode).toBe(400);
    expect(noOwner.body).toContain("Hãy chọn cán bộ hoặc ghi đơn vị thực hiện.");
    const add = await admin.post(`/staff/plans/${planId}/tasks`, { title: "Số hóa sổ hộ tịch", ownerUserId: String(specialistId), deadline: "2026-06-30" });
    expect(add.statusCode).toBe(303);
    const taskId = Number(/task-(\d+)/.exec(add.headers.location!)![1]);
    const spec = await signIn(t.app, "demo-specialist");
    const upd = await spec.post(`/staff/plans/tasks/${taskId}`, {
      status: "done",
      progress: "100",
      progressNote: "Đã số hóa 1.200 trang sổ.",
      evidenceKind: "article",
      evidenceLabel: "Bài viết trên Trang thông tin điện tử",
      evidenceUrl: "https://minhtien.example.vn/tin/so-hoa",
    });
    expect(upd.statusCode).toBe(303);
    const after = (await spec.get(`/api/v1/plans/${planId}`)).json();
    expect(after.tasks[0]).toMatchObject({ status: "done", progressNote: "Đã số hóa 1.200 trang sổ.", evidence: [{ kind: "article", url: "https://minhtien.example.vn/tin/so-hoa" }] });
    expect(after.progress).toBe(100);
    // a task given to someone else cannot be updated by the specialist
    const other = (await admin.get("/api/v1/plans?year=2026")).json().items.flatMap((p: { tasks: { id: number; ownerUserId: number | null }[] }) => p.tasks).find((x: { ownerUserId: number | null }) => x.ownerUserId !== specialistId);
    const refused = await spec.json("PATCH", `/api/v1/plan-tasks/${other.id}`, { status: "done" });
    expect(refused.statusCode).toBe(403);
    const badUrl = await admin.json("PATCH", `/api/v1/plan-tasks/${taskId}`, { status: "done", evidence: [{ kind: "link", label: "x", url: "javascript:alert(1)" }] });
    expect(badUrl.statusCode).toBe(400);
  });

  it("only plan managers create plans; another commune cannot see these plans", async () => {
    const spec = await signIn(t.app, "demo-specialist");
    expect((await spec.json("POST", "/api/v1/plans", { title: "Kế hoạch", kind: "cchc", year: 2026 })).statusCode).toBe(403);
    const planId = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from plans order by id limit 1"))).id;
    const other = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where kind = 'commune' and code <> '000.00.25.H12' order by id limit 1"))).id;
    const seen = await t.tdb.db.scoped({ agencyIds: [other] }, (tx) => tx.query("select id from plans where id = $1", [planId]));
    expect(seen).toHaveLength(0);
  });
});

function docxText(bytes: Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "plan-docx-"));
  try {
    const f = path.join(dir, "plan.docx");
    writeFileSync(f, bytes);
    const xml = execFileSync("unzip", ["-p", f, "word/document.xml"], { encoding: "utf8", maxBuffer: 20 * 1024 * 1024 });
    // Paragraph and cell ends become line breaks, runs are joined.
    return xml
      .replace(/<\/w:p>/g, "\n")
      .replace(/<[^>]+>/g, "")
      .replace(/&amp;/g, "&");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pdfText(bytes: Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "plan-pdf-"));
  try {
    const f = path.join(dir, "plan.pdf");
    writeFileSync(f, bytes);
    return execFileSync("pdftotext", ["-layout", f, "-"], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Issue 12: the writer submits, the leader approves or sends back with a reason; each step audited;
// the plan is a document in the state format with its tasks table.
describe("plans on their way to approval, and as a document", () => {
  it("draft → submitted → returned with a reason → submitted → approved (numbered), each step audited", async () => {
    const comms = await signIn(t.app, "demo-comms");
    const leader = await signIn(t.app, "demo-leader");
    const desk = await signIn(t.app, "demo-desk");
    const created = await comms.post("/staff/plans", { title: "Kế hoạch tuyên truyền chuyển đổi số năm 2027", kind: "communication", year: "2027", goals: "Người dân biết nộp hồ sơ trực tuyến.\n- Mỗi thôn một buổi hướng dẫn." });
    expect(created.statusCode).toBe(303);
    const id = Number(created.headers.location!.split("/").pop());
    const deskId = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from users where username = 'demo-desk'"))).id;
    expect((await comms.post(`/staff/plans/${id}/tasks`, { title: "Hướng dẫn nộp hồ sơ trực tuyến tại các thôn", ownerUserId: String(deskId), deadline: "2027-03-31" })).statusCode).toBe(303);
    let page = await comms.get(`/staff/plans/${id}`);
    expect(page.body).toContain("Dự thảo");
    expect(page.body).toContain("Trình lãnh đạo duyệt");
    expect(page.body).not.toContain("Duyệt và ban hành");

    // The leader cannot approve a draft that was not submitted; nobody but the leader approves.
    expect((await leader.json("POST", `/api/v1/plans/${id}/approve`, {})).statusCode).toBe(409);
    expect((await comms.json("POST", `/api/v1/plans/${id}/approve`, {})).statusCode).toBe(403);
    expect((await desk.post(`/staff/plans/${id}/step`, { step: "submit" })).statusCode).toBe(403);

    expect((await comms.post(`/staff/plans/${id}/step`, { step: "submit" })).statusCode).toBe(303);
    page = await comms.get(`/staff/plans/${id}`);
    expect(page.body).toContain("Chờ lãnh đạo duyệt");
    expect(page.body).not.toContain("Trình lãnh đạo duyệt</button>");
    // Locked while the leader reads it.
    const locked = await comms.post(`/staff/plans/${id}/tasks`, { title: "Nhiệm vụ thêm khi đang chờ duyệt", ownerUnit: "Đài truyền thanh xã" });
    expect(locked.statusCode).toBe(409);
    expect(locked.body).toContain("Kế hoạch đang chờ lãnh đạo duyệt");
    const renamed = await comms.post(`/staff/plans/${id}`, { title: "Đổi tên khi đang chờ duyệt", kind: "communication", year: "2027" });
    expect(renamed.statusCode).toBe(409);

    const leaderPage = await leader.get(`/staff/plans/${id}`);
    expect(leaderPage.body).toContain("Duyệt và ban hành");
    expect(leaderPage.body).toContain("Trả lại để sửa");
    const noReason = await leader.post(`/staff/plans/${id}/step`, { step: "return", reason: " " });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain("Hãy ghi lý do trả lại");
    expect((await leader.post(`/staff/plans/${id}/step`, { step: "return", reason: "Bổ sung nhiệm vụ phát thanh hằng tuần." })).statusCode).toBe(303);
    page = await comms.get(`/staff/plans/${id}`);
    expect(page.body).toContain("Lãnh đạo trả lại");
    expect(page.body).toContain("Bổ sung nhiệm vụ phát thanh hằng tuần.");
    expect(page.body).toContain("Hoàng Văn Minh trả lại lúc");

    expect((await comms.post(`/staff/plans/${id}/tasks`, { title: "Bản tin phát thanh hằng tuần về dịch vụ công trực tuyến", ownerUnit: "Đài truyền thanh xã", deadline: "2027-12-31" })).statusCode).toBe(303);
    expect((await comms.post(`/staff/plans/${id}`, { title: "Kế hoạch tuyên truyền dịch vụ công trực tuyến năm 2027", kind: "communication", year: "2027", goals: "Người dân biết nộp hồ sơ trực tuyến." })).statusCode).toBe(303);
    expect((await comms.json("POST", `/api/v1/plans/${id}/submit`, {})).statusCode).toBe(200);
    const approved = await leader.json("POST", `/api/v1/plans/${id}/approve`, {});
    expect(approved.statusCode, approved.body).toBe(200);
    const plan = approved.json();
    expect(plan.status).toBe("approved");
    expect(plan.code).toMatch(/^\d{2}\/KH-UBND$/);
    expect(plan.issuedOn).toBe(vnToday());
    expect(plan.signer).toMatchObject({ name: "Hoàng Văn Minh", mode: "TM" });
    const register = await leader.get(`/staff/documents?year=${vnToday().slice(0, 4)}`);
    expect(register.body).toContain(`<a href="/staff/plans/${id}">${plan.code}</a>`);
    // Approving again is refused: the status moved on.
    expect((await leader.json("POST", `/api/v1/plans/${id}/approve`, {})).statusCode).toBe(409);

    const audit = await t.tdb.db.system((tx) =>
      tx.query<{ action: string; actor: string; data: { reason?: string; number?: string } }>("select action, actor, data from audit_log where entity = 'plan' and entity_id = $1 order by id", [String(id)]),
    );
    expect(audit.map((a) => `${a.action} ${a.actor}`)).toEqual([
      "plan.create demo-comms",
      "plan.submit demo-comms",
      "plan.return demo-leader",
      "plan.edit demo-comms",
      "plan.submit demo-comms",
      "plan.approve demo-leader",
    ]);
    expect(audit[2]!.data.reason).toBe("Bổ sung nhiệm vụ phát thanh hằng tuần.");
    expect(audit[5]!.data.number).toBe(plan.code);
  });

  it("exports a plan as KẾ HOẠCH in the state format with the tasks table: a draft unnumbered, an issued one numbered and signed", async () => {
    const comms = await signIn(t.app, "demo-comms");
    const created = await comms.post("/staff/plans", { title: "Kế hoạch kiểm tra công tác cải cách hành chính năm 2027", kind: "inspection", year: "2027", goals: "Kiểm tra việc niêm yết thủ tục." });
    const id = Number(created.headers.location!.split("/").pop());
    await comms.post(`/staff/plans/${id}/tasks`, { title: "Kiểm tra niêm yết tại Bộ phận Một cửa", ownerUnit: "Văn phòng – Thống kê", deadline: "2027-05-15" });
    const page = await comms.get(`/staff/plans/${id}`);
    expect(page.body).toContain(`href="/staff/plans/${id}/document.docx"`);
    const draft = await comms.get(`/staff/plans/${id}/document.docx`);
    expect(draft.statusCode).toBe(200);
    expect(draft.headers["content-disposition"]).toContain(`du-thao-ke-hoach-${id}.docx`);
    const text = docxText(draft.rawPayload);
    for (const s of ["ỦY BAN NHÂN DÂN", "XÃ MINH TIẾN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số:       /KH-UBND", "DỰ THẢO", "KẾ HOẠCH", "Kiểm tra công tác cải cách hành chính năm 2027", "I. MỤC ĐÍCH, YÊU CẦU", "II. NHIỆM VỤ VÀ PHÂN CÔNG THỰC HIỆN", "Nhiệm vụ", "Người, đơn vị thực hiện", "Thời hạn", "Tình trạng", "Kiểm tra niêm yết tại Bộ phận Một cửa", "Văn phòng – Thống kê", "15/05/2027", "Chưa thực hiện", "III. TỔ CHỨC THỰC HIỆN", "Nơi nhận:", "Lưu: VT."]) {
      expect(text, s).toContain(s);
    }
    expect(text).not.toMatch(/\b(todo|in_progress|inspection)\b/);

    // An issued plan with tasks in every state: numbered, signed, statuses in words.
    const leader = await signIn(t.app, "demo-leader");
    const issued = (await leader.get("/api/v1/plans?year=2026")).json().items.find((p: { code: string }) => p.code === "03/KH-UBND");
    const pdf = await leader.get(`/staff/plans/${issued.id}/document.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.headers["content-disposition"]).toContain("ke-hoach-03-KH-UBND-2026.pdf");
    const ptext = pdfText(pdf.rawPayload).replace(/\s+/g, " ");
    for (const s of ["Số: 03/KH-UBND", "KẾ HOẠCH", "Cải cách hành chính xã Minh Tiến năm 2026", "ngày 06 tháng 01 năm 2026", "Đang thực hiện (quá hạn)", "Đã hoàn thành", "Chưa thực hiện", "Nguyễn Thị Hoa", "30/06/2026"]) {
      expect(ptext, s).toContain(s);
    }
    expect(ptext).not.toContain("DỰ THẢO");
    expect((await leader.get("/staff/plans/999999/document.pdf")).statusCode).toBe(404);
    expect((await leader.get(`/staff/plans/${id}/document.odt`)).statusCode).toBe(400);
  });
});
