// Time rules of personal data protection, as data an administrator can change (settings) with the
// defaults below. Sources: Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 and Nghị định 356/2025/NĐ-CP
// (in force 01/01/2026), which replace Nghị định 13/2023/NĐ-CP; the archive periods come from the
// archive rules of each field. [?] marks a default whose exact text was not seen: the settings page
// and docs/privacy.md say so.

import { fold } from "../text/fold";

/** Hours to answer a data subject's request (access, correction, deletion). [?] 72 h as in Nghị định 13/2023 art. 14–16. */
export const REQUEST_ANSWER_HOURS = 72;

/** Hours from the discovery of a breach to the notification of the authority (A05, Bộ Công an). */
export const BREACH_NOTIFY_HOURS = 72;

/** Years a closed dossier's personal data is kept, per procedure field; null = kept permanently. */
export type RetentionRule = { field: string; years: number | null; basis: string };

export const DEFAULT_RETENTION_YEARS = 10;

/**
 * Defaults per field. [?] Civil status and land records are kept permanently (Luật Hộ tịch 2014,
 * Luật Đất đai 2024: their registers are permanent archives); certified copies 2 years (Nghị định
 * 23/2015/NĐ-CP art. 14 [?]); everything else DEFAULT_RETENTION_YEARS.
 */
export const DEFAULT_RETENTION: readonly RetentionRule[] = [
  { field: "Hộ tịch", years: null, basis: "Luật Hộ tịch 2014: sổ hộ tịch lưu trữ vĩnh viễn [?]" },
  { field: "Đất đai", years: null, basis: "Luật Đất đai 2024: hồ sơ địa chính lưu trữ vĩnh viễn [?]" },
  { field: "Chứng thực", years: 2, basis: "Nghị định 23/2015/NĐ-CP, Điều 14 [?]" },
];

function sameField(a: string, b: string): boolean {
  return fold(a).trim() === fold(b).trim();
}

/** The rule for a field: the agency's own setting, else the default table, else the general default. */
export function retentionFor(field: string, settings: readonly Pick<RetentionRule, "field" | "years">[] = []): { years: number | null; source: "setting" | "default" } {
  const own = settings.find((s) => sameField(s.field, field));
  if (own) return { years: own.years, source: "setting" };
  const d = DEFAULT_RETENTION.find((r) => sameField(r.field, field));
  return { years: d ? d.years : DEFAULT_RETENTION_YEARS, source: "default" };
}

/** When a dossier closed at `closedAt` may be anonymised under `years` (null: never). */
export function anonymiseAfter(closedAt: Date, years: number | null): Date | null {
  if (years === null) return null;
  const d = new Date(closedAt.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

export function hoursAfter(at: Date, hours: number): Date {
  return new Date(at.getTime() + hours * 3_600_000);
}

export type RequestKind = "correction" | "deletion";
export const REQUEST_KINDS = ["correction", "deletion"] as const satisfies readonly RequestKind[];

/**
 * Whether the law lets the agency delete a dossier's personal data on request. While the dossier
 * is being handled it cannot (the data is needed to carry out the procedure: a legal obligation);
 * once closed it is still an archive record until its retention period ends — except a dossier
 * withdrawn or refused before any decision, whose data nothing requires keeping. The staff member
 * decides; this is the answer the page proposes.
 */
export function deletionAllowed(d: { status: string; closedAt: Date | null; field: string }, settings: readonly Pick<RetentionRule, "field" | "years">[] = [], now = new Date()):
  | { allowed: true }
  | { allowed: false; reason: "open" | "retention"; until: Date | null } {
  if (!d.closedAt) return { allowed: false, reason: "open", until: null };
  if (d.status === "withdrawn" || d.status === "refused") return { allowed: true };
  const until = anonymiseAfter(d.closedAt, retentionFor(d.field, settings).years);
  if (until && until.getTime() <= now.getTime()) return { allowed: true };
  return { allowed: false, reason: "retention", until };
}
