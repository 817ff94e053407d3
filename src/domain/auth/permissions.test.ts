import { describe, expect, it } from "vitest";
import { can, canAccess, PERMISSIONS, type Permission, permissionsOf } from "./permissions";
import { ROLES, type Role } from "./roles";

// The expected matrix written out by hand, role by role: a change to PERMISSIONS must be made
// here too, on purpose. Every (role, permission) pair is checked.
const EXPECTED: Record<Role, readonly Permission[]> = {
  citizen: ["dossier.submit", "dossier.track_own", "privacy.own"],
  desk_officer: [
    "staff.dashboard", "agency.view", "calendar.view", "dossier.view", "dossier.receive", "dossier.assign", "dossier.return",
    "feedback.handle", "satisfaction.own", "privacy.requests", "cchc.view", "cchc.fill",
  ],
  specialist: ["staff.dashboard", "agency.view", "calendar.view", "dossier.view", "dossier.process", "feedback.handle", "satisfaction.own", "cchc.view", "cchc.fill"],
  leader: [
    "staff.dashboard", "agency.view", "user.view", "audit.view", "calendar.view", "catalog.publish", "dossier.view",
    "dossier.assign", "dossier.rules", "dossier.approve", "content.approve", "plan.manage", "plan.approve", "report.approve", "report.view",
    "feedback.handle", "satisfaction.all", "sync.view", "privacy.requests", "privacy.manage", "document.receive",
    "cchc.view", "cchc.fill", "cchc.submit", "reward.manage",
  ],
  communication_officer: [
    "staff.dashboard", "agency.view", "calendar.view", "content.write", "radio.manage", "signage.manage", "event.manage",
    "plan.manage", "report.draft", "report.view", "cchc.view", "cchc.fill",
  ],
  commune_admin: [
    "staff.dashboard", "agency.view", "agency.edit", "user.view", "user.manage", "token.create", "audit.view", "calendar.view",
    "calendar.manage", "catalog.manage", "catalog.assign", "catalog.publish", "dossier.view", "dossier.rules", "content.write", "signage.manage", "event.manage",
    "plan.manage", "report.draft", "report.view", "review.manage", "satisfaction.all", "sync.manage", "sync.view", "privacy.requests", "privacy.manage",
    "document.receive", "cchc.view", "cchc.fill", "reward.manage",
  ],
  province_supervisor: [
    "staff.dashboard", "agency.view", "user.view", "audit.view", "calendar.view", "catalog.manage", "dossier.view",
    "report.draft", "report.view", "review.manage", "document.receive", "report.schedule", "province.supervise", "sync.view",
    "cchc.view", "cchc.appraise", "cchc.publish", "cchc.criteria", "reward.manage",
  ],
  province_leader: [
    "staff.dashboard", "agency.view", "user.view", "audit.view", "calendar.view", "report.approve", "report.view", "document.receive",
    "province.supervise", "cchc.view", "cchc.publish",
  ],
  system_admin: [
    "staff.dashboard", "agency.view", "agency.edit", "user.view", "user.manage", "token.create", "audit.view", "calendar.view",
    "calendar.manage", "catalog.manage", "catalog.assign", "catalog.publish", "dossier.view", "dossier.rules", "report.view",
    "review.manage", "province.supervise", "system.admin", "sync.view", "privacy.manage",
  ],
};

describe("permission table", () => {
  const all = Object.keys(PERMISSIONS) as Permission[];
  for (const role of ROLES) {
    for (const permission of all) {
      const expected = EXPECTED[role].includes(permission);
      it(`${role} ${expected ? "may" : "may not"} ${permission}`, () => {
        expect(can(role, permission)).toBe(expected);
      });
    }
  }
  it("lists nothing in the expected matrix that the table lacks", () => {
    for (const role of ROLES) expect(new Set(permissionsOf(role))).toEqual(new Set(EXPECTED[role]));
  });
  it("gives every permission to at least one role, and nothing to nobody", () => {
    for (const p of all) expect(PERMISSIONS[p].length).toBeGreaterThan(0);
    expect(can(undefined, "staff.dashboard")).toBe(false);
  });
});

describe("page access", () => {
  it("is one permission, or any one of several", () => {
    expect(canAccess("leader", "content.approve")).toBe(true);
    expect(canAccess("leader", "content.write")).toBe(false);
    expect(canAccess("leader", ["content.write", "content.approve"])).toBe(true);
    expect(canAccess("commune_admin", ["content.write", "content.approve"])).toBe(true);
    expect(canAccess("desk_officer", ["content.write", "content.approve"])).toBe(false);
    expect(canAccess(undefined, ["staff.dashboard"])).toBe(false);
  });
});
