// Demo plans of xã Minh Tiến: the two plans the seed report cites (04/KH-UBND and 06/KH-UBND of
// 08/01/2024) and the 2026 plans, with tasks given to the demo staff.
import type { Tx } from "../../db/scope";
import { registerDemoSeeder } from "../demo/seed";
import { addTask, createPlan, updateTaskProgress } from "./plans";
import type { TaskStatus } from "./rules";

type DemoTask = { title: string; owner?: string; unit?: string; deadline: string; status?: TaskStatus; progress?: number; note?: string; evidence?: { kind: "article" | "broadcast" | "document" | "link"; label: string; url: string }[] };
type DemoPlan = { number: number; issuedOn: string; year: number; kind: "cchc" | "communication"; title: string; goals: string; tasks: DemoTask[] };

const PLANS: DemoPlan[] = [
  {
    number: 4,
    issuedOn: "2024-01-08",
    year: 2024,
    kind: "cchc",
    title: "Kế hoạch cải cách hành chính xã Minh Tiến năm 2024",
    goals: "Nâng cao chất lượng giải quyết thủ tục hành chính; cải thiện chỉ số CCHC và mức độ hài lòng của người dân.",
    tasks: [
      { title: "Rà soát, niêm yết công khai bộ thủ tục hành chính tại Bộ phận Một cửa", owner: "demo-desk", deadline: "2024-03-31", status: "done", note: "Đã niêm yết đủ bộ TTHC cấp xã." },
      { title: "Tự đánh giá, chấm điểm chỉ số CCHC năm 2024 kèm tài liệu kiểm chứng", owner: "demo-admin", deadline: "2024-11-30", status: "done" },
      { title: "Hướng dẫn người dân nộp hồ sơ trực tuyến trên Cổng dịch vụ công", owner: "demo-desk", deadline: "2024-12-31", status: "done" },
    ],
  },
  {
    number: 6,
    issuedOn: "2024-01-08",
    year: 2024,
    kind: "communication",
    title: "Tuyên truyền cải cách hành chính năm 2024",
    goals: "Nâng cao nhận thức của cán bộ, công chức và Nhân dân về cải cách hành chính.",
    tasks: [
      { title: "Xây dựng chuyên mục Cải cách hành chính trên Trang thông tin điện tử xã", owner: "demo-comms", deadline: "2024-03-31", status: "done", evidence: [{ kind: "link", label: "Chuyên mục CCHC", url: "/news?column=cai-cach-hanh-chinh" }] },
      { title: "Phát thanh tuyên truyền CCHC trên Đài truyền thanh xã, 2 buổi mỗi tháng", unit: "Đài truyền thanh xã", owner: "demo-comms", deadline: "2024-12-31", status: "done" },
      { title: "Treo pano, khẩu hiệu tại cổng UBND xã và ngã tư chợ Minh Tiến", owner: "demo-admin", deadline: "2024-06-30", status: "done" },
    ],
  },
  {
    number: 3,
    issuedOn: "2026-01-06",
    year: 2026,
    kind: "cchc",
    title: "Kế hoạch cải cách hành chính xã Minh Tiến năm 2026",
    goals: "Vận hành Trung tâm Phục vụ hành chính công xã; tỷ lệ hồ sơ trực tuyến toàn trình đạt trên 50%.",
    tasks: [
      { title: "Số hóa hồ sơ, kết quả giải quyết TTHC (mục tiêu 80%)", owner: "demo-desk", deadline: "2026-06-30", status: "in_progress", progress: 70, note: "Đạt 72% hồ sơ tiếp nhận từ tháng 7." },
      { title: "Tự đánh giá chỉ số CCHC năm 2026", owner: "demo-admin", deadline: "2026-11-15", status: "in_progress", progress: 40 },
      { title: "Công khai kết quả đánh giá cán bộ gắn với kết quả CCHC", owner: "demo-leader", deadline: "2026-12-31", status: "todo" },
      { title: "Rà soát, đơn giản hóa thủ tục lĩnh vực đất đai", owner: "demo-landofficer", deadline: "2026-09-30", status: "done" },
    ],
  },
  {
    number: 5,
    issuedOn: "2026-01-06",
    year: 2026,
    kind: "communication",
    title: "Tuyên truyền cải cách hành chính năm 2026",
    goals: "Tuyên truyền mô hình chính quyền hai cấp và dịch vụ công trực tuyến toàn trình.",
    tasks: [
      { title: "Tin, bài về chính quyền địa phương hai cấp trên Trang thông tin điện tử", owner: "demo-comms", deadline: "2026-07-31", status: "done" },
      { title: "Hội nghị tuyên truyền dịch vụ công trực tuyến cho trưởng thôn", owner: "demo-vicechair", deadline: "2026-10-31", status: "todo" },
      { title: "Bản tin phát thanh hằng tuần về thủ tục hành chính mới", unit: "Đài truyền thanh xã", deadline: "2026-12-31", status: "in_progress", progress: 80 },
    ],
  },
];

export async function seedDemoPlans(tx: Tx, ctx: { communeId: number; users: Record<string, number> }): Promise<void> {
  const existing = await tx.maybeOne("select 1 from plans where agency_id = $1 limit 1", [ctx.communeId]);
  if (existing) return;
  const actor = { userId: null, label: "seed" };
  for (const p of PLANS) {
    const plan = await createPlan(tx, ctx.communeId, { number: p.number, allocateNumber: false, issuedOn: p.issuedOn, year: p.year, kind: p.kind, title: p.title, goals: p.goals }, actor);
    if (typeof plan === "string") throw new Error(`demo plan ${p.number}: ${plan}`);
    for (const t of p.tasks) {
      const task = await addTask(
        tx,
        plan.id,
        { title: t.title, deadline: t.deadline, ...(t.owner ? { ownerUserId: ctx.users[t.owner]! } : {}), ...(t.unit ? { ownerUnit: t.unit } : {}) },
        actor,
      );
      if (typeof task === "string") throw new Error(`demo task: ${task}`);
      if (t.status && t.status !== "todo") {
        await updateTaskProgress(tx, task.id, { status: t.status, progress: t.progress ?? 0, progressNote: t.note ?? "", ...(t.evidence ? { evidence: t.evidence } : {}) }, actor, t.status === "done" ? t.deadline : undefined);
      }
    }
  }
}

registerDemoSeeder({ name: "plans", run: seedDemoPlans });
