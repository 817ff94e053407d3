// Who did something, as stored (a user id when there is one, and a machine-readable label) and as
// it is to be told to people. The stored label stays machine-readable ("system:rule",
// "applicant:<name>", a username…) because it is useful to scripts and to the audit chain; pages
// and documents never print it, they describe the actor (src/modules/accounts/people.ts).

import type { Role } from "./roles";

/** The label of an automatic assignment by the field → officer rules. */
export const RULE_ACTOR_LABEL = "system:rule";
/** The label of jobs and other work of the software itself. */
export const SYSTEM_ACTOR_LABEL = "system";

/** The label of an applicant who acted without an account (online submission). */
export function applicantActorLabel(fullName: string): string {
  return `applicant:${fullName}`;
}

/** The label of someone who sent feedback (PAKN) without an account: never named, they may be anonymous. */
export const PETITIONER_ACTOR_LABEL = "petitioner";

/** What the store says about who acted. */
export type StoredActor = { userId: number | null; label: string };

/** A user as people know them. */
export type Person = { id: number; fullName: string; title: string | null; role: Role };

export type ActorIdentity =
  | { kind: "staff"; person: Person }
  | { kind: "applicant"; name: string | null; person?: Person }
  | { kind: "petitioner" }
  | { kind: "rule" }
  | { kind: "system" }
  | { kind: "unknown" };

// Labels written by the software itself (jobs, the demo seed, the command line).
const SYSTEM_LABELS: ReadonlySet<string> = new Set([SYSTEM_ACTOR_LABEL, "seed", "cli"]);

/**
 * Who a stored actor is: the user (looked up now, so a renamed officer shows their current name)
 * when the row names one that can still be read, else what the label tells. A label that is
 * neither the software's nor an applicant's is a username with nothing to resolve it: unknown.
 */
export function identifyActor(actor: StoredActor, person: Person | undefined): ActorIdentity {
  if (person) return person.role === "citizen" ? { kind: "applicant", name: person.fullName, person } : { kind: "staff", person };
  const label = actor.label;
  if (label === RULE_ACTOR_LABEL) return { kind: "rule" };
  if (label.startsWith("applicant:")) return { kind: "applicant", name: label.slice("applicant:".length).trim() || null };
  if (label.startsWith("citizen:")) return { kind: "applicant", name: null };
  if (actor.userId === null && label === PETITIONER_ACTOR_LABEL) return { kind: "petitioner" };
  if (actor.userId === null && (SYSTEM_LABELS.has(label) || label.startsWith("system:"))) return { kind: "system" };
  return { kind: "unknown" };
}
