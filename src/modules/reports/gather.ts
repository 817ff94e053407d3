// Gathers the figures of a report from the modules that own them. The providers are called by
// the names fixed in src/domain/reports/contracts.ts; each runs under a savepoint, so a provider
// that fails leaves the rest of the transaction usable and its part says "no data" (listed in
// ReportData.unavailable) instead of failing the draft. A report kind (src/domain/reports/kinds.ts)
// names the parts it quotes; only those are gathered. A province's report combines its communes'
// (./combine.ts).
import type { Tx } from "../../db/scope";
import type { CatalogSummary, CommunicationsSummary, DossierStatistics, FeedbackStatistics, ReportPeriod } from "../../domain/reports/contracts";
import { gatherCombined } from "./combine";
import { guarded, type ReportProviders } from "./providers";
import { vnToday } from "../../domain/documents/numbering";
import { type DataPart, REPORT_KINDS, type ReportKind } from "../../domain/reports/kinds";
import { figuresUntil } from "../../domain/reports/period";
import type { ProviderName, ReportData } from "../../domain/reports/report-data";
import { findAgency } from "../agencies/agencies";
import { listPlans } from "../plans/plans";

export { defaultProviders, guarded, INSTALLED_PROVIDERS, overrideReportProviders, registerReportProvider, type ReportProviders } from "./providers";

const PROVIDED: readonly (DataPart & ProviderName)[] = ["communications", "catalog", "dossiers", "feedback"];

export async function gatherReportData(
  tx: Tx,
  opts: { agencyId: number; from: string; to: string; providers: ReportProviders; today?: string; kind?: ReportKind },
): Promise<ReportData> {
  const today = opts.today ?? vnToday();
  const parts = new Set<DataPart>(REPORT_KINDS[opts.kind ?? "cchc-communication"].data);
  const agency = await findAgency(tx, opts.agencyId);
  if (!agency) throw new Error(`agency ${opts.agencyId} not found`);
  const parent = agency.parent_id ? await findAgency(tx, agency.parent_id) : undefined;
  // A period still running (a half-year drafted in its last month) quotes the figures of today.
  const until = figuresUntil(opts.to, today);
  const plans = parts.has("plans")
    ? await listPlans(tx, {
        agencyId: agency.id,
        yearFrom: Number(opts.from.slice(0, 4)),
        yearTo: Number(opts.to.slice(0, 4)),
        kinds: ["cchc", "communication"],
        // Overdue as at the end of the period (or today if that is earlier).
        today: until,
      })
    : [];
  const byOwner = new Map<string, { tasks: number; done: number }>();
  for (const p of plans)
    for (const t of p.tasks) {
      if (t.status === "cancelled") continue;
      const o = byOwner.get(t.owner) ?? { tasks: 0, done: 0 };
      o.tasks++;
      if (t.status === "done") o.done++;
      byOwner.set(t.owner, o);
    }
  const period: ReportPeriod = { agencyId: agency.id, from: opts.from, to: until };
  const pv = opts.providers;
  const run = <K extends keyof ReportProviders>(name: K) => {
    const provider = pv[name] as ((tx: Tx, p: ReportPeriod) => Promise<unknown>) | undefined;
    return parts.has(name) ? guarded(tx, name, provider && (() => provider(tx, period))) : Promise.resolve(null);
  };
  // A province reports for its communes: their figures, their reports (./combine.ts).
  const combined = agency.kind === "province" ? await gatherCombined(tx, { provinceId: agency.id, kind: opts.kind ?? "cchc-communication", from: opts.from, to: opts.to, until, today, providers: pv }) : undefined;
  const communications = combined ? null : ((await run("communications")) as CommunicationsSummary | null);
  const catalog = combined ? null : ((await run("catalog")) as CatalogSummary | null);
  const dossiers = combined ? (parts.has("dossiers") ? combined.dossiers : null) : ((await run("dossiers")) as DossierStatistics | null);
  const feedback = combined ? null : ((await run("feedback")) as FeedbackStatistics | null);
  const got: Record<ProviderName, unknown> = { communications, catalog, dossiers, feedback };
  const unavailable = combined ? (combined.feedbackUnavailable ? (["feedback"] as ProviderName[]) : []) : PROVIDED.filter((p) => parts.has(p) && !got[p]);
  return {
    agency: {
      id: agency.id,
      code: agency.code,
      name: agency.name,
      unitName: agency.unit_name,
      // A People's Committee prints no governing body above its name (Phụ lục I); units under it would.
      parentLine: null,
      parentName: parent ? parent.unit_name : null,
    },
    period: { from: opts.from, to: opts.to, ...(until < opts.to ? { figuresTo: until } : {}) },
    plans: plans.map((p) => ({
      id: p.id,
      code: p.code,
      issuedOn: p.issuedOn,
      title: p.title,
      kind: p.kind,
      tasks: p.tasks.map((t) => ({ title: t.title, owner: t.owner, deadline: t.deadline, status: t.status, overdue: t.overdue })),
    })),
    assignments: [...byOwner].map(([owner, v]) => ({ owner, ...v })).sort((a, b) => a.owner.localeCompare(b.owner, "vi")),
    communications,
    catalog,
    dossiers,
    ...(parts.has("feedback") ? { feedback } : {}),
    ...(combined ? { combined: combined.combined } : {}),
    unavailable,
    gatheredAt: new Date().toISOString(),
  };
}
