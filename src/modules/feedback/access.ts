import type { Access } from "../../domain/auth/permissions";

// What opening each staff page of the module takes; the menu entries and links use the same values.
export const FEEDBACK_ACCESS = {
  /** PAKN queues, a PAKN's page and its steps (the state table then says which steps). */
  queues: "feedback.handle",
  /** Satisfaction figures: officials their own, leaders and the commune's administrator all. */
  satisfaction: ["satisfaction.own", "satisfaction.all"],
  /** The low ratings with comments, per-official figures of everyone, the index figures. */
  allFigures: "satisfaction.all",
  /** Opening the kiosk for the applicant of a dossier just returned. */
  kiosk: "dossier.return",
} as const satisfies Record<string, Access>;
