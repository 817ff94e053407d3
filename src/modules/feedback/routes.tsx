// The citizens' voice (issue 14): PAKN with public answers, ratings of dossiers, the figures of the
// indexes. Its routes by journey, composed in one plugin (src/web/modules.ts).

import type { FastifyInstance } from "fastify";
import { registerNav } from "../../web/registry";
import { registerOverdueSweep } from "../notifications/sweep";
import { registerReportProvider } from "../reports/providers";
import { feedbackStatistics } from "./report-statistics";
import { FEEDBACK_ACCESS } from "./access";
import { feedbackApiRoutes } from "./api-routes";
import "./demo";
import "./messages";
import { feedbackPublicRoutes } from "./public-routes";
import { ratingRoutes } from "./rating-routes";
import { feedbackStaffRoutes } from "./staff-routes";

// The PAKN figures of the commune's and the province's reports come from here.
registerReportProvider("feedback", (tx, p) => feedbackStatistics(tx, p));
import { sweepOverdueFeedback } from "./sweep";

registerNav(
  { href: "/feedback", labelKey: "feedback.nav", area: "public", order: 35 },
  { href: "/staff/feedback", labelKey: "feedback.nav.staff", area: "staff", permission: FEEDBACK_ACCESS.queues, order: 24 },
  { href: "/staff/satisfaction", labelKey: "feedback.nav.satisfaction", area: "staff", permission: FEEDBACK_ACCESS.satisfaction, order: 26 },
);

registerOverdueSweep(sweepOverdueFeedback);

export async function feedbackRoutes(app: FastifyInstance): Promise<void> {
  await feedbackPublicRoutes(app);
  await ratingRoutes(app);
  await feedbackStaffRoutes(app);
  await feedbackApiRoutes(app);
}
