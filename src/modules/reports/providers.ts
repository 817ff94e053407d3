// The providers of the figures reports quote (src/domain/reports/contracts.ts), and the
// savepoint each runs under so that one failing leaves the draft's transaction usable.
import type { Tx } from "../../db/scope";
import type { CatalogSummary, CommunicationsSummary, DossierStatistics, FeedbackStatistics, ReportPeriod } from "../../domain/reports/contracts";
import { catalogSummary } from "../catalog/summary";
import { communicationsSummary } from "../communications/summary";
import { dossierStatistics } from "../dossiers/statistics";

export type ReportProviders = {
  communications?: (tx: Tx, p: ReportPeriod) => Promise<CommunicationsSummary>;
  catalog?: (tx: Tx, p: ReportPeriod) => Promise<CatalogSummary>;
  dossiers?: (tx: Tx, p: ReportPeriod) => Promise<DossierStatistics>;
  feedback?: (tx: Tx, p: ReportPeriod) => Promise<FeedbackStatistics>;
};

let override: ReportProviders | undefined;

/** Tests replace the providers with fixtures; `undefined` restores the installed ones. */
export function overrideReportProviders(p: ReportProviders | undefined): void {
  override = p;
}

/** The providers named in src/domain/reports/contracts.ts, checked against the contract by the compiler. */
export const INSTALLED_PROVIDERS: ReportProviders = {
  communications: communicationsSummary,
  catalog: catalogSummary,
  dossiers: (tx, p) => dossierStatistics(tx, p),
};

/**
 * A module that owns data a report kind quotes and that the reports module does not import (the
 * feedback module's statistics) installs its provider here at start-up.
 */
export function registerReportProvider<K extends keyof ReportProviders>(name: K, provider: NonNullable<ReportProviders[K]>): void {
  INSTALLED_PROVIDERS[name] = provider;
}

export function defaultProviders(): Promise<ReportProviders> {
  return Promise.resolve(override ?? INSTALLED_PROVIDERS);
}

export async function guarded<T>(tx: Tx, name: string, fn: (() => Promise<T>) | undefined): Promise<T | null> {
  if (!fn) return null;
  const sp = `report_${name}`;
  await tx.exec(`savepoint ${sp}`);
  try {
    const r = await fn();
    await tx.exec(`release savepoint ${sp}`);
    return r;
  } catch {
    await tx.exec(`rollback to savepoint ${sp}`);
    return null;
  }
}

