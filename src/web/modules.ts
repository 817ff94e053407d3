import { accountsRoutes } from "../modules/accounts/routes";
import { agenciesRoutes } from "../modules/agencies/routes";
import { auditRoutes } from "../modules/audit/routes";
import { calendarRoutes } from "../modules/calendar/routes";
import { catalogRoutes } from "../modules/catalog/routes";
import { dossierDocsRoutes } from "../modules/dossier-docs/routes";
import { notificationsRoutes } from "../modules/notifications/routes";
import { communicationsRoutes } from "../modules/communications/routes";
import { reportsRoutes } from "../modules/reports/routes";
import { coreRoutes } from "./core-routes";
import type { ModulePlugin } from "./registry";

// Every capability's routes, in registration order. A new module adds one line here.
export const MODULES: ModulePlugin[] = [coreRoutes, accountsRoutes, agenciesRoutes, auditRoutes, calendarRoutes, catalogRoutes, dossierDocsRoutes, notificationsRoutes, communicationsRoutes, reportsRoutes];
