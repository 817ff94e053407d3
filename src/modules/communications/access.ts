import type { Access } from "../../domain/auth/permissions";

/**
 * Who opens each staff page of the module. The routes check these values and the tabs, the main
 * navigation and the links between pages show only where they would let the user in.
 */
export const COMM_ACCESS = {
  /** Writers and approvers: no role holds both, the approver reviews what writers submit. */
  items: ["content.write", "content.approve"],
  write: "content.write",
  radio: "radio.manage",
  signage: "signage.manage",
  conferences: "event.manage",
  summary: "report.view",
} as const satisfies Record<string, Access>;
