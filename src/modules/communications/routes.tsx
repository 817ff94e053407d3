import type { FastifyInstance } from "fastify";
import { registerDashboard, registerNav } from "../../web/registry";
import { canAccess } from "../../domain/auth/permissions";
import { COMM_ACCESS } from "./access";
import { communicationsApi } from "./api";
import "./jobs";
import "./messages";
import { publicRoutes } from "./public";
import "./seed";
import { staffItemRoutes } from "./staff-items";
import { staffRadioRoutes } from "./staff-radio";
import { staffRecordRoutes } from "./staff-records";
import { editorScriptRoute } from "./editor";

registerNav(
  { href: "/news", labelKey: "nav.news", area: "public", order: 30 },
  { href: "/staff/communications", labelKey: "communications.nav", area: "staff", permission: COMM_ACCESS.items, order: 40 },
);

registerDashboard(async (req, tx) => {
  const u = req.user;
  if (!u || !canAccess(u.role, COMM_ACCESS.items)) return [];
  const r = await tx.one<{ awaiting: number; recent: number }>(
    `select count(*) filter (where status = 'submitted')::int as awaiting,
        count(*) filter (where status = 'published' and published_at > now() - interval '30 days')::int as recent
     from comm_items where agency_id = $1`,
    [u.agencyId],
  );
  return [
    { labelKey: "communications.dashboard.awaiting", value: r.awaiting, href: "/staff/communications", tone: r.awaiting > 0 && canAccess(u.role, "content.approve") ? "warn" : "normal" },
    { labelKey: "communications.dashboard.published30", value: r.recent, href: "/staff/communications" },
  ];
});

/** All communications routes: staff pages, public portal pages and feeds, media, JSON API. */
export async function communicationsRoutes(app: FastifyInstance): Promise<void> {
  await staffItemRoutes(app);
  await staffRadioRoutes(app);
  await staffRecordRoutes(app);
  await publicRoutes(app);
  await communicationsApi(app);
  await editorScriptRoute(app);
}
