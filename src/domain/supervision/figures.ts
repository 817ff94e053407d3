// The figures the province supervises each commune by (issue 16), the shares derived from them,
// which communes need attention and how the table sorts. Pure: the counts come from the queries
// each commune's own pages and reports read (src/modules/supervision/service.ts).
import type { DossierStatisticsRow } from "../reports/contracts";

/** When a commune is listed first: thresholds as data, so a province can discuss them in one place. */
export const ATTENTION = {
  /** Overdue dossiers (resolved late + open past the appointment) over the dossiers handled. */
  overdueShare: 0.1,
  /** Below this many dossiers handled a share says little: not flagged on the share alone. */
  minHandled: 10,
  /** Reports due and not received. */
  reportsMissing: 1,
} as const satisfies Record<string, number>;

export type CommuneFigures = {
  agencyId: number;
  code: string;
  /** The statistics office's code (mã GSO), shorter in links; absent for agencies created by hand. */
  gso?: string | null;
  unitName: string;
  dossiers: DossierStatisticsRow;
  procedures: { published: number; onlineFull: number; onlinePartial: number };
  communications: { items: number; broadcasts: number; conferences: number; signage: number };
  tasksOverdue: number;
  reports: { due: number; received: number; late: number; missing: number };
};

export type Shares = {
  /** New dossiers in the period (carried over ones excluded). */
  received: number;
  handled: number;
  overdue: number;
  overdueShare: number | undefined;
  onTimeShare: number | undefined;
  onlineShare: number | undefined;
  onlineProcedures: number;
};

export function sharesOf(f: Pick<CommuneFigures, "dossiers" | "procedures">): Shares {
  const d = f.dossiers;
  const received = d.received.online + d.received.inPersonOrPost;
  const handled = d.resolved.total + d.inProgress.total;
  const overdue = d.resolved.late + d.inProgress.overdue;
  return {
    received,
    handled,
    overdue,
    overdueShare: handled ? overdue / handled : undefined,
    onTimeShare: d.resolved.total ? (d.resolved.early + d.resolved.onTime) / d.resolved.total : undefined,
    onlineShare: received ? d.received.online / received : undefined,
    onlineProcedures: f.procedures.onlineFull + f.procedures.onlinePartial,
  };
}

export const ATTENTION_REASONS = ["overdue", "reports_missing"] as const;
export type AttentionReason = (typeof ATTENTION_REASONS)[number];

export function attentionReasons(f: CommuneFigures): AttentionReason[] {
  const s = sharesOf(f);
  const out: AttentionReason[] = [];
  if (s.handled >= ATTENTION.minHandled && (s.overdueShare ?? 0) > ATTENTION.overdueShare) out.push("overdue");
  if (f.reports.missing >= ATTENTION.reportsMissing) out.push("reports_missing");
  return out;
}

export const SORT_KEYS = ["name", "received", "onTime", "overdue", "online", "procedures", "communications", "tasks", "reports"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

const sortValue: Record<SortKey, (f: CommuneFigures) => number | string> = {
  name: (f) => f.unitName,
  received: (f) => sharesOf(f).received,
  onTime: (f) => sharesOf(f).onTimeShare ?? -1,
  overdue: (f) => sharesOf(f).overdueShare ?? -1,
  online: (f) => sharesOf(f).onlineShare ?? -1,
  procedures: (f) => sharesOf(f).onlineProcedures,
  communications: (f) => f.communications.items + f.communications.broadcasts + f.communications.conferences,
  tasks: (f) => f.tasksOverdue,
  reports: (f) => f.reports.missing,
};

/**
 * Communes needing attention first (more reasons first), then by the chosen figure; ties by name.
 * Sorting never drops or duplicates a commune.
 */
export function sortCommunes<T extends CommuneFigures>(rows: readonly T[], key: SortKey, dir: "asc" | "desc"): T[] {
  const sign = dir === "asc" ? 1 : -1;
  const cmp = (a: T, b: T) => {
    const va = sortValue[key](a);
    const vb = sortValue[key](b);
    const c = typeof va === "string" ? va.localeCompare(vb as string, "vi") : va - (vb as number);
    return c * sign || a.unitName.localeCompare(b.unitName, "vi");
  };
  return [...rows].sort((a, b) => attentionReasons(b).length - attentionReasons(a).length || cmp(a, b));
}
