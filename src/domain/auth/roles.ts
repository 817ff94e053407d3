// Roles of Một Cửa. One role per account; what each may do is the PERMISSIONS table below.
export const ROLES = [
  "citizen",
  "desk_officer",
  "specialist",
  "leader",
  "communication_officer",
  "commune_admin",
  "province_supervisor",
  "province_leader",
  "system_admin",
] as const;
export type Role = (typeof ROLES)[number];

export const STAFF_ROLES: readonly Role[] = ROLES.filter((r) => r !== "citizen");

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Roles whose scope is every agency below their own (a province supervisor sees its communes). */
export const ROLE_SCOPE = {
  citizen: "self",
  desk_officer: "agency",
  specialist: "agency",
  leader: "agency",
  communication_officer: "agency",
  commune_admin: "agency",
  province_supervisor: "subtree",
  province_leader: "subtree",
  system_admin: "all",
} as const satisfies Record<Role, "self" | "agency" | "subtree" | "all">;
