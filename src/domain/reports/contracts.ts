// Figures the six-monthly report quotes, as the modules that own the data provide them.
// communications: src/modules/communications/summary.ts → communicationsSummary(tx, period)
// dossiers:       src/modules/dossiers/statistics.ts   → dossierStatistics(tx, period)
// catalog:        src/modules/catalog/summary.ts       → catalogSummary(tx, period)
// feedback:       registered by the feedback (PAKN) module through registerReportProvider
//                 (src/modules/reports/gather.ts); until one is, its reports say there is no data.
// All periods are inclusive local dates (Asia/Ho_Chi_Minh) "YYYY-MM-DD".

import type { SignageKind } from "../communications/schemas";

export type ReportPeriod = { agencyId: number; from: string; to: string };

export type CommunicationsSummary = {
  period: { from: string; to: string };
  /** Published news items and articles per column, in the period. */
  itemsByColumn: { columnSlug: string; columnName: string; items: number }[];
  itemsTotal: number;
  /** Announcements of new / amended / abolished procedures published in the period. */
  procedureAnnouncements: { new: number; amended: number; abolished: number; total: number };
  broadcasts: { count: number; minutes: number };
  signage: {
    installed: number;
    /** Standing at the end of the period (installed on or before `to`, not removed by then). */
    standing: number;
    byPlace: { place: string; kinds: SignageKind[]; count: number }[];
  };
  conferences: { count: number; attendees: number; items: { date: string; topic: string; attendees: number }[] };
};

/** One row of Biểu 06 (Thông tư 01/2020/TT-VPCP): dossier statistics for a field. */
export type DossierStatisticsRow = {
  field: string;
  received: { total: number; online: number; inPersonOrPost: number; carriedOver: number };
  resolved: { total: number; early: number; onTime: number; late: number };
  inProgress: { total: number; withinTime: number; overdue: number };
};

export type DossierStatistics = {
  period: { from: string; to: string };
  rows: DossierStatisticsRow[];
  totals: DossierStatisticsRow;
  /** Procedures the agency offers online in the period (full or partial). */
  onlineProcedures: { full: number; partial: number };
};

export type CatalogSummary = {
  /** Procedures the agency handles and has published (the catalog posted at the desk and portal). */
  proceduresPublished: number;
  byField: { field: string; count: number }[];
  onlineFull: number;
  onlinePartial: number;
};

/** Feedback on administrative regulations (phản ánh, kiến nghị, Nghị định 20/2008/NĐ-CP) in a period. */
export type FeedbackStatistics = {
  period: { from: string; to: string };
  received: number;
  byCategory: { category: string; count: number }[];
  /** Answered in the period, within the time limit or late. */
  resolved: { total: number; onTime: number; late: number };
  /** Refused as not within the scope of feedback on regulations. */
  refused: number;
  /** Open at the end of the period, overdue or not. */
  inProgress: { total: number; overdue: number };
  /** Answers published on the portal. */
  published: number;
};
