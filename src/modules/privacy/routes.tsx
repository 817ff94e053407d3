// Personal data protection: the citizen's pages and API, the staff's pages, the retention job.

import type { FastifyInstance } from "fastify";
import { privacyCitizenRoutes } from "./citizen-routes";
import "./retention";
import { privacyStaffRoutes } from "./staff-routes";

export async function privacyRoutes(app: FastifyInstance): Promise<void> {
  await privacyCitizenRoutes(app);
  await privacyStaffRoutes(app);
}
