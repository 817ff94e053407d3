import type { CatalogSummary, CommunicationsSummary, DossierStatistics, DossierStatisticsRow, FeedbackStatistics } from "./contracts";

export const PROVIDERS = ["communications", "catalog", "dossiers", "feedback"] as const;
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
  /** Feedback figures (absent in reports drafted before the kind existed). */
  feedback?: FeedbackStatistics | null;
  /** A province's report combining its communes' (issue 16): their figures and what their reports said. */
  combined?: CombinedData;
  /** Providers absent or failing when the data was gathered: their parts say there is no data. */
  unavailable: ProviderName[];
  gatheredAt: string;
};

/** One commune in a province's combined report. */
export type CombinedCommune = {
  agencyId: number;
  /** "Xã Minh Tiến" */
  unitName: string;
  dossiers: DossierStatisticsRow | null;
  proceduresPublished: number;
  onlineProcedures: number;
  communications: { items: number; broadcasts: number; conferences: number; signage: number };
  tasksOverdue: number;
  feedback: { received: number; resolved: number } | null;
  /** The commune's report of this kind and period, as received in the province's register. */
  report: { id: number; code: string; date: string; arrivedOn: string } | null;
};

/** A passage of a commune's report quoted in the province's, with where it comes from. */
export type CombinedQuote = { unitName: string; reportCode: string; reportDate: string; section: string; heading: string; text: string };

export type CombinedData = {
  communes: CombinedCommune[];
  quotes: CombinedQuote[];
  /** Communes that owed the report and had not sent it when the draft was made. */
  missing: string[];
};
