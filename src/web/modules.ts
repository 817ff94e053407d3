import { accountAdminRoutes } from "../modules/accounts/admin-routes";
import { accountsRoutes } from "../modules/accounts/routes";
import { agenciesRoutes } from "../modules/agencies/routes";
import { auditRoutes } from "../modules/audit/routes";
import { calendarRoutes } from "../modules/calendar/routes";
import { catalogRoutes } from "../modules/catalog/routes";
import { dossiersRoutes } from "../modules/dossiers/routes";
import { communicationsRoutes } from "../modules/communications/routes";
import { dossierDocsRoutes } from "../modules/dossier-docs/routes";
import { feedbackRoutes } from "../modules/feedback/routes";
import { notificationsRoutes } from "../modules/notifications/routes";
import { paymentRoutes } from "../modules/payments/routes";
import { esignRoutes } from "../modules/esign/routes";
import { digitisationRoutes } from "../modules/digitisation/routes";
import { reportsRoutes } from "../modules/reports/routes";
import { reviewsRoutes } from "../modules/reviews/routes";
import { syncRoutes } from "../modules/sync-dvcqg/routes";
import { privacyRoutes } from "../modules/privacy/routes";
import { supervisionRoutes } from "../modules/supervision/routes";
import { cchcRoutes } from "../modules/indexes/cchc-routes";
import { index766Routes } from "../modules/indexes/qd766-routes";
import { coreRoutes } from "./core-routes";
import type { ModulePlugin } from "./registry";

// Every capability's routes, in registration order. A new module adds one line here.
export const MODULES: ModulePlugin[] = [coreRoutes, accountsRoutes, accountAdminRoutes, agenciesRoutes, auditRoutes, calendarRoutes, catalogRoutes, dossiersRoutes, dossierDocsRoutes, paymentRoutes, esignRoutes, digitisationRoutes, notificationsRoutes, communicationsRoutes, reportsRoutes, reviewsRoutes, feedbackRoutes, syncRoutes, privacyRoutes, supervisionRoutes, cchcRoutes, index766Routes];
