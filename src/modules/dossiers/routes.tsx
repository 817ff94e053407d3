// The dossiers module: every journey's routes, composed in one plugin (src/web/modules.ts).

import type { FastifyInstance } from "fastify";
import { registerNav } from "../../web/registry";
import { dossierApiRoutes } from "./api-routes";
import { citizenDossierRoutes } from "./citizen-routes";
import "./demo";
import "./messages";
import { publicSubmitRoutes } from "./public-submit-routes";
import { assignmentRulesRoutes } from "./rules-routes";
import { staffDossierRoutes } from "./staff-dossier-routes";
import { staffQueueRoutes } from "./staff-queue-routes";
import { statisticsRoutes } from "./statistics-routes";
import { trackingRoutes } from "./tracking-routes";

registerNav(
  { href: "/staff/dossiers", labelKey: "dossier.nav.queues", area: "staff", permission: "dossier.view", order: 20 },
  { href: "/staff/dossiers/new", labelKey: "dossier.nav.new", area: "staff", permission: "dossier.receive", order: 21 },
  { href: "/submit", labelKey: "dossier.nav.submit", area: "public", order: 20 },
  { href: "/track", labelKey: "dossier.nav.track", area: "public", order: 21 },
);

export async function dossiersRoutes(app: FastifyInstance): Promise<void> {
  await assignmentRulesRoutes(app);
  await publicSubmitRoutes(app);
  await trackingRoutes(app);
  await dossierApiRoutes(app);
  await staffQueueRoutes(app);
  await statisticsRoutes(app);
  await staffDossierRoutes(app);
  await citizenDossierRoutes(app);
}
