import type { CatalogSummary, CommunicationsSummary, DossierStatistics } from "./contracts";

export const PROVIDERS = ["communications", "catalog", "dossiers"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export type ReportTask = {
  title: string;
  owner: string;
  deadline: string | null;
  status: "todo" | "in_progress" | "done" | "cancelled";
  overdue: boolean;
};

export type ReportPlan = {
  id: number;
  /** "04/KH-UBND", or null for a plan without a registered number. */
  code: string | null;
  issuedOn: string | null;
  title: string;
  kind: string;
  tasks: ReportTask[];
};

/** Everything the report quotes, gathered once when the draft is made and frozen with it. */
export type ReportData = {
  agency: {
    id: number;
    code: string;
    /** "Ủy ban nhân dân xã Minh Tiến" */
    name: string;
    /** "Xã Minh Tiến" */
    unitName: string;
    /** Governing body printed above the agency name, when the layout calls for one (none for a People's Committee). */
    parentLine: string | null;
    /** Name of the agency above (for the recipients list), e.g. "Tỉnh Thái Nguyên". */
    parentName: string | null;
  };
  /** `figuresTo`: the day the figures stop, when the period was drafted before its end. */
  period: { from: string; to: string; figuresTo?: string };
  plans: ReportPlan[];
  /** Who carries out the plans' tasks in the period. */
  assignments: { owner: string; tasks: number; done: number }[];
  communications: CommunicationsSummary | null;
  catalog: CatalogSummary | null;
  dossiers: DossierStatistics | null;
  /** Providers absent or failing when the data was gathered: their parts say there is no data. */
  unavailable: ProviderName[];
  gatheredAt: string;
};
