import type { Tx } from "../../db/scope";
import type { Role } from "../../domain/auth/roles";
import { appendAudit } from "../audit/audit";
import { createUser } from "../accounts/users";
import { findAgencyByCode } from "../agencies/agencies";

export const DEMO_PASSWORD = "minhtien-demo-2026";
export const DEMO_COMMUNE_CODE = "000.00.25.H12";
/** Thái Nguyên: the seed report's xã Minh Tiến (Đại Từ) lay in this province before the 2025 merger. */
export const DEMO_PROVINCE_GSO = "19";

export type DemoAccount = { username: string; role: Role; fullName: string; title: string; agency: "commune" | "province" };

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: "demo-desk", role: "desk_officer", fullName: "Nguyễn Thị Hoa", title: "Công chức Bộ phận Một cửa", agency: "commune" },
  { username: "demo-specialist", role: "specialist", fullName: "Trần Văn Hùng", title: "Công chức Tư pháp – Hộ tịch", agency: "commune" },
  { username: "demo-leader", role: "leader", fullName: "Hoàng Văn Minh", title: "Chủ tịch UBND xã", agency: "commune" },
  { username: "demo-comms", role: "communication_officer", fullName: "Lê Thị Thu", title: "Công chức Văn hóa – Xã hội", agency: "commune" },
  { username: "demo-admin", role: "commune_admin", fullName: "Phạm Quốc Bảo", title: "Công chức Văn phòng – Thống kê", agency: "commune" },
  { username: "demo-province", role: "province_supervisor", fullName: "Đỗ Thị Lan", title: "Chuyên viên Sở Nội vụ", agency: "province" },
  { username: "demo-citizen", role: "citizen", fullName: "Vũ Văn An", title: "", agency: "commune" },
  { username: "demo-sysadmin", role: "system_admin", fullName: "Quản trị hệ thống", title: "Quản trị hệ thống", agency: "province" },
  { username: "demo-province-leader", role: "province_leader", fullName: "Trịnh Quang Vinh", title: "Phó Chủ tịch UBND tỉnh", agency: "province" },
  // More staff of the commune, so queues and assignments look like a real office.
  { username: "demo-vicechair", role: "leader", fullName: "Ngô Thị Hạnh", title: "Phó Chủ tịch UBND xã", agency: "commune" },
  { username: "demo-landofficer", role: "specialist", fullName: "Đinh Công Thành", title: "Công chức Địa chính – Xây dựng", agency: "commune" },
  { username: "demo-socialofficer", role: "specialist", fullName: "Bùi Thị Mai", title: "Công chức Lao động – Thương binh và Xã hội", agency: "commune" },
];

export type DemoContext = { communeId: number; provinceId: number; users: Record<string, number> };
export type DemoSeeder = { name: string; run: (tx: Tx, ctx: DemoContext) => Promise<void> };

const seeders: DemoSeeder[] = [];
/** Modules add their demo data (procedures offered, articles, plans…) here. */
export function registerDemoSeeder(seeder: DemoSeeder): void {
  seeders.push(seeder);
}

export class DemoRefusedError extends Error {}

/** Creates the demo commune xã Minh Tiến with its staff. Requires the administrative units. */
export async function seedDemo(tx: Tx, opts: { production: boolean }): Promise<DemoContext> {
  if (opts.production) throw new DemoRefusedError("Không tạo dữ liệu mẫu khi NODE_ENV=production / demo data is never created in production");
  const province = await tx.maybeOne<{ id: number }>("select id from agencies where gso_code = $1 and kind = 'province'", [DEMO_PROVINCE_GSO]);
  if (!province) throw new Error("Chưa có danh mục đơn vị hành chính: chạy `motcua units import` trước / import the administrative units first");
  await tx.exec(
    `update agencies set address = coalesce(address, 'Số 18 đường Nha Trang, phường Phan Đình Phùng, tỉnh Thái Nguyên'),
       phone = coalesce(phone, '0208 3855 686') where id = $1`,
    [province.id],
  );
  let commune = await findAgencyByCode(tx, DEMO_COMMUNE_CODE);
  if (!commune) {
    await tx.exec(
      `insert into agencies (parent_id, kind, unit_type, code, unit_name, name, name_en, slug, address, phone, email, working_hours, office, is_demo, search_text)
       values ($1, 'commune', 'Xã', $2, 'Xã Minh Tiến', 'Ủy ban nhân dân xã Minh Tiến', 'Minh Tien Commune People''s Committee', 'minh_tien',
         'Thôn Đồng Tiến, xã Minh Tiến, tỉnh Thái Nguyên', '0208 3824 125', 'ubndminhtien@thainguyen.gov.vn',
         'Thứ Hai – Thứ Sáu: sáng 07:30–11:30, chiều 13:30–17:00',
         '{"workingWeekdays":[1,2,3,4,5],"hours":[{"start":"07:30","end":"11:30"},{"start":"13:30","end":"17:00"}]}'::jsonb,
         true, 'xa minh tien uy ban nhan dan xa minh tien thai nguyen')`,
      [province.id, DEMO_COMMUNE_CODE],
    );
    commune = await findAgencyByCode(tx, DEMO_COMMUNE_CODE);
  }
  const communeId = commune!.id;
  const users: Record<string, number> = {};
  for (const a of DEMO_ACCOUNTS) {
    const existing = await tx.maybeOne<{ id: number }>("select id from users where username = $1", [a.username]);
    if (existing) {
      users[a.username] = existing.id;
      continue;
    }
    const u = await createUser(
      tx,
      {
        agencyId: a.agency === "commune" ? communeId : province.id,
        username: a.username,
        fullName: a.fullName,
        role: a.role,
        ...(a.title ? { title: a.title } : {}),
        ...(a.role === "citizen" ? { phone: "0912345678", email: "vuvanan@example.vn" } : {}),
        password: DEMO_PASSWORD,
        isDemo: true,
        mustChangePassword: false,
      },
      { userId: null, label: "seed" },
    );
    users[a.username] = u.id;
  }
  await tx.exec(
    "insert into app_settings (key, value) values ('site_agency_code', to_jsonb($1::text)) on conflict (key) do update set value = excluded.value, updated_at = now()",
    [DEMO_COMMUNE_CODE],
  );
  const ctx: DemoContext = { communeId, provinceId: province.id, users };
  for (const s of seeders) await s.run(tx, ctx);
  await appendAudit(tx, { agencyId: communeId, actor: "seed", action: "demo.seed", entity: "agency", entityId: communeId, data: { seeders: seeders.map((s) => s.name) } });
  return ctx;
}
