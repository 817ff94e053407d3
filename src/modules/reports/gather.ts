// Gathers the figures of a report from the modules that own them. The three providers are
// called by the names fixed in src/domain/reports/contracts.ts; each runs under a savepoint, so
// a provider that fails leaves the rest of the transaction usable and its part says "no data".
import type { Tx } from "../../db/scope";
import type { CatalogSummary, CommunicationsSummary, DossierStatistics, ReportPeriod } from "../../domain/reports/contracts";
import type { ProviderName, ReportData } from "../../domain/reports/report-data";
import { vnToday } from "../../domain/documents/numbering";
import { findAgency } from "../agencies/agencies";
import { listPlans } from "../plans/plans";
import type { catalogSummary } from "../catalog/summary";
import type { communicationsSummary } from "../communications/summary";

export type ReportProviders = {
  communications?: (tx: Tx, p: ReportPeriod) => Promise<CommunicationsSummary>;
  catalog?: (tx: Tx, p: ReportPeriod) => Promise<CatalogSummary>;
  dossiers?: (tx: Tx, p: ReportPeriod) => Promise<DossierStatistics>;
};

// Module paths and export names agreed with the providers' owners.
const PROVIDER_MODULES = {
  communications: { path: "../communications/summary", fn: "communicationsSummary" },
  catalog: { path: "../catalog/summary", fn: "catalogSummary" },
  dossiers: { path: "../dossiers/statistics", fn: "dossierStatistics" },
} as const satisfies Record<ProviderName, { path: string; fn: string }>;

// Compile-time check that the installed providers match the contract (type-only imports: no load).
const _typeCheck: Required<Pick<ReportProviders, "communications" | "catalog">> = {} as { communications: typeof communicationsSummary; catalog: typeof catalogSummary };
void _typeCheck;

let loaded: Promise<ReportProviders> | undefined;
let override: ReportProviders | undefined;

/** Tests replace the providers with fixtures; `undefined` restores the installed ones. */
export function overrideReportProviders(p: ReportProviders | undefined): void {
  override = p;
}

/**
 * The installed providers. Loaded by a computed specifier so this module works (and type-checks)
 * while a provider module is still absent; a missing one is simply left out.
 */
export function defaultProviders(): Promise<ReportProviders> {
  if (override) return Promise.resolve(override);
  loaded ??= (async () => {
    const out: Record<string, unknown> = {};
    for (const [name, m] of Object.entries(PROVIDER_MODULES)) {
      try {
        const spec: string = m.path;
        const mod = (await import(/* @vite-ignore */ spec)) as Record<string, unknown>;
        if (typeof mod[m.fn] === "function") out[name] = mod[m.fn];
      } catch {
        // not installed yet
      }
    }
    return out as ReportProviders;
  })();
  return loaded;
}

export async function missingProviders(): Promise<ProviderName[]> {
  const p = await defaultProviders();
  return (Object.keys(PROVIDER_MODULES) as ProviderName[]).filter((k) => !p[k]);
}

async function guarded<T>(tx: Tx, name: string, fn: (() => Promise<T>) | undefined): Promise<T | null> {
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

export async function gatherReportData(tx: Tx, opts: { agencyId: number; from: string; to: string; providers: ReportProviders; today?: string }): Promise<ReportData> {
  const today = opts.today ?? vnToday();
  const agency = await findAgency(tx, opts.agencyId);
  if (!agency) throw new Error(`agency ${opts.agencyId} not found`);
  const parent = agency.parent_id ? await findAgency(tx, agency.parent_id) : undefined;
  const plans = await listPlans(tx, {
    agencyId: agency.id,
    yearFrom: Number(opts.from.slice(0, 4)),
    yearTo: Number(opts.to.slice(0, 4)),
    kinds: ["cchc", "communication"],
    // Overdue as at the end of the period (or today if that is earlier).
    today: [opts.to, today].sort()[0]!,
  });
  const byOwner = new Map<string, { tasks: number; done: number }>();
  for (const p of plans)
    for (const t of p.tasks) {
      if (t.status === "cancelled") continue;
      const o = byOwner.get(t.owner) ?? { tasks: 0, done: 0 };
      o.tasks++;
      if (t.status === "done") o.done++;
      byOwner.set(t.owner, o);
    }
  const period: ReportPeriod = { agencyId: agency.id, from: opts.from, to: opts.to };
  const pv = opts.providers;
  const communications = await guarded(tx, "communications", pv.communications && (() => pv.communications!(tx, period)));
  const catalog = await guarded(tx, "catalog", pv.catalog && (() => pv.catalog!(tx, period)));
  const dossiers = await guarded(tx, "dossiers", pv.dossiers && (() => pv.dossiers!(tx, period)));
  const unavailable: ProviderName[] = [];
  if (!communications) unavailable.push("communications");
  if (!catalog) unavailable.push("catalog");
  if (!dossiers) unavailable.push("dossiers");
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
    period: { from: opts.from, to: opts.to },
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
    unavailable,
    gatheredAt: new Date().toISOString(),
  };
}
