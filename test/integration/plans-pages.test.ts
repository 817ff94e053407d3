import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
