import type { Role } from "./roles";

/**
 * Every permission and the roles that hold it: one table, checked exhaustively by
 * permissions.test.ts. A module adds its permissions here rather than testing roles in routes.
 */
export const PERMISSIONS = {
  // staff area
  "staff.dashboard": ["desk_officer", "specialist", "leader", "communication_officer", "commune_admin", "province_supervisor", "province_leader", "system_admin"],
  "agency.view": ["desk_officer", "specialist", "leader", "communication_officer", "commune_admin", "province_supervisor", "province_leader", "system_admin"],
  "agency.edit": ["commune_admin", "system_admin"],
  "user.view": ["leader", "commune_admin", "province_supervisor", "province_leader", "system_admin"],
  "user.manage": ["commune_admin", "system_admin"],
  "token.create": ["commune_admin", "system_admin"],
  "audit.view": ["leader", "commune_admin", "province_supervisor", "province_leader", "system_admin"],
  // calendar
  "calendar.view": ["desk_officer", "specialist", "leader", "communication_officer", "commune_admin", "province_supervisor", "province_leader", "system_admin"],
  "calendar.manage": ["commune_admin", "system_admin"],
  // procedure catalog
  // import, announce and abolish procedures (the catalog is shared by the installation)
  "catalog.manage": ["system_admin", "province_supervisor", "commune_admin"],
  "catalog.assign": ["commune_admin", "system_admin"],
  "catalog.publish": ["commune_admin", "leader", "system_admin"],
  // dossiers
  "dossier.view": ["desk_officer", "specialist", "leader", "commune_admin", "province_supervisor", "system_admin"],
  "dossier.receive": ["desk_officer"],
  "dossier.process": ["specialist"],
  "dossier.assign": ["desk_officer", "leader"],
  "dossier.rules": ["leader", "commune_admin", "system_admin"],
  "dossier.approve": ["leader"],
  "dossier.return": ["desk_officer"],
  "dossier.submit": ["citizen"],
  "dossier.track_own": ["citizen"],
  // communication
  "content.write": ["communication_officer", "commune_admin"],
  "content.approve": ["leader"],
  "radio.manage": ["communication_officer"],
  "signage.manage": ["communication_officer", "commune_admin"],
  "event.manage": ["communication_officer", "commune_admin"],
  // plans and reports
  "plan.manage": ["commune_admin", "communication_officer", "leader"],
  "plan.approve": ["leader"],
  "report.draft": ["commune_admin", "communication_officer", "province_supervisor"],
  "report.approve": ["leader", "province_leader"],
  "report.view": ["leader", "commune_admin", "communication_officer", "province_supervisor", "province_leader", "system_admin"],
  // yearly review of procedures (rà soát, đánh giá TTHC): plan it, assign it, send the results up
  "review.manage": ["commune_admin", "province_supervisor", "system_admin"],
  // citizens' voice: PAKN queues; satisfaction figures of one's own dossiers, or of everyone's
  "feedback.handle": ["desk_officer", "specialist", "leader"],
  "satisfaction.own": ["desk_officer", "specialist"],
  "satisfaction.all": ["leader", "commune_admin"],
  // synchronisation with the National Public Service Portal
  "sync.manage": ["commune_admin"],
  "sync.view": ["leader", "commune_admin", "province_supervisor", "system_admin"],
  // personal data protection
  "privacy.requests": ["desk_officer", "leader", "commune_admin"],
  "privacy.manage": ["leader", "commune_admin", "system_admin"],
  "privacy.own": ["citizen"],
  // province level
  // documents received (sổ văn bản đến): read, acknowledge, assign for handling, ask for a correction, register by hand
  "document.receive": ["leader", "commune_admin", "province_supervisor", "province_leader"],
  // the reporting calendar the communes follow
  "report.schedule": ["province_supervisor"],
  "province.supervise": ["province_supervisor", "province_leader", "system_admin"],
  // the administrative-reform (CCHC) index: communes self-assess (officers fill, the leader
  // submits); the province's appraisal council appraises, approves and publishes, and sets the criteria
  "cchc.view": ["desk_officer", "specialist", "leader", "communication_officer", "commune_admin", "province_supervisor", "province_leader"],
  "cchc.fill": ["desk_officer", "specialist", "leader", "communication_officer", "commune_admin"],
  "cchc.submit": ["leader"],
  "cchc.appraise": ["province_supervisor"],
  "cchc.publish": ["province_supervisor", "province_leader"],
  "cchc.criteria": ["province_supervisor"],
  // emulation and rewards: proposals citing the index result
  "reward.manage": ["leader", "commune_admin", "province_supervisor"],
  "system.admin": ["system_admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role | undefined, permission: Permission): boolean {
  if (!role) return false;
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/**
 * What opening a page takes: one permission, or any one of several. A page's route and every link
 * to it (navigation, tabs, dashboard cards) use the same value, so a link is shown exactly to those
 * the route lets in.
 */
export type Access = Permission | readonly Permission[];

export function canAccess(role: Role | undefined, access: Access): boolean {
  return typeof access === "string" ? can(role, access) : access.some((p) => can(role, p));
}

export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));
}
