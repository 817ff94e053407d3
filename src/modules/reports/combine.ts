// A province's report combining its communes' (issue 16): their figures from the queries each
// commune's own report reads (dossier_statistics, the catalog and communication totals, plan tasks
// overdue), and what the reports they sent said — the sections the kind quotes, with who said it
// in which report — frozen with the draft; the narrative stays the province's to write.
import type { Tx } from "../../db/scope";
import { mergeByField, sumRows } from "../../domain/reports/combined";
import type { DossierStatistics, FeedbackStatistics } from "../../domain/reports/contracts";
import { REPORT_KINDS, type ReportKind } from "../../domain/reports/kinds";
import type { CombinedData, CombinedQuote } from "../../domain/reports/report-data";
import { catalogSummaries } from "../catalog/summary";
import { communicationTotals } from "../communications/summary";
import { dossierStatisticsByAgency } from "../dossiers/statistics";
import { overdueTaskCounts } from "../plans/plans";
import { communesOf, obligations } from "./calendar";
import { guarded, type ReportProviders } from "./providers";

export type Combined = { combined: CombinedData; dossiers: DossierStatistics; feedbackUnavailable: boolean };

/** The communes' reports of a kind and period as received in the province's register, newest per commune. */
async function receivedReports(tx: Tx, q: { provinceId: number; kind: ReportKind; from: string; to: string }) {
  return tx.query<{ from_agency_id: number; report_id: number; doc_code: string; doc_date: string; arrived_on: string; narratives: Record<string, string> }>(
    `select distinct on (i.from_agency_id) i.from_agency_id, i.report_id, i.doc_code, i.doc_date::text as doc_date,
            to_char(i.arrived_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') as arrived_on, r.narratives
     from incoming_documents i join reports r on r.id = i.report_id
     where i.agency_id = $1 and i.report_kind = $2 and i.period_from = $3 and i.period_to = $4 and i.from_agency_id is not null
     order by i.from_agency_id, i.arrived_at desc`,
    [q.provinceId, q.kind, q.from, q.to],
  );
}

export async function gatherCombined(
  tx: Tx,
  q: { provinceId: number; kind: ReportKind; from: string; to: string; until: string; today: string; providers: ReportProviders },
): Promise<Combined> {
  const communes = await communesOf(tx, q.provinceId);
  const ids = communes.map((c) => c.id);
  const [dossiers, catalog, comms, tasks, reports] = [
    await dossierStatisticsByAgency(tx, { agencyIds: ids, from: q.from, to: q.until }),
    await catalogSummaries(tx, { agencyIds: ids, to: q.until }),
    await communicationTotals(tx, { agencyIds: ids, from: q.from, to: q.until }),
    await overdueTaskCounts(tx, { agencyIds: ids, today: q.until }),
    await receivedReports(tx, q),
  ];
  const feedbackProvider = (REPORT_KINDS[q.kind].data as readonly string[]).includes("feedback") ? q.providers.feedback : undefined;
  const feedback = new Map<number, FeedbackStatistics>();
  if (feedbackProvider) {
    for (const c of communes) {
      const f = await guarded(tx, "feedback", () => feedbackProvider(tx, { agencyId: c.id, from: q.from, to: q.until }));
      if (f) feedback.set(c.id, f);
    }
  }
  const byCommune = new Map(reports.map((r) => [r.from_agency_id, r]));
  const quotes: CombinedQuote[] = [];
  const sections = REPORT_KINDS[q.kind].sections as Readonly<Record<string, string>>;
  for (const c of communes) {
    const r = byCommune.get(c.id);
    if (!r) continue;
    for (const s of REPORT_KINDS[q.kind].quoted) {
      const text = (r.narratives?.[s] ?? "").trim();
      if (text) quotes.push({ unitName: c.unitName, reportCode: r.doc_code, reportDate: r.doc_date, section: s, heading: sections[s] ?? s, text });
    }
  }
  const owed = await obligations(tx, { provinceId: q.provinceId, communes, from: q.from, to: "2100-12-31", today: q.today, kind: q.kind });
  const owing = new Set(owed.filter((o) => o.from === q.from && o.to === q.to).map((o) => o.communeId));
  const missing = communes.filter((c) => owing.has(c.id) && !byCommune.has(c.id)).map((c) => c.unitName);
  const rows = mergeByField(communes.map((c) => dossiers.get(c.id)?.rows ?? []));
  const online = communes.reduce((s, c) => ({ full: s.full + (catalog.get(c.id)?.onlineFull ?? 0), partial: s.partial + (catalog.get(c.id)?.onlinePartial ?? 0) }), { full: 0, partial: 0 });
  return {
    combined: {
      communes: communes.map((c) => {
        const cat = catalog.get(c.id);
        const cm = comms.get(c.id)!;
        const r = byCommune.get(c.id);
        const f = feedback.get(c.id);
        return {
          agencyId: c.id,
          unitName: c.unitName,
          dossiers: dossiers.get(c.id)?.totals ?? null,
          proceduresPublished: cat?.proceduresPublished ?? 0,
          onlineProcedures: (cat?.onlineFull ?? 0) + (cat?.onlinePartial ?? 0),
          communications: { items: cm.items, broadcasts: cm.broadcasts.count, conferences: cm.conferences.count, signage: cm.signage.installed },
          tasksOverdue: tasks.get(c.id) ?? 0,
          feedback: f ? { received: f.received, resolved: f.resolved.total } : null,
          report: r ? { id: r.report_id, code: r.doc_code, date: r.doc_date, arrivedOn: r.arrived_on } : null,
        };
      }),
      quotes,
      missing,
    },
    dossiers: { period: { from: q.from, to: q.until }, rows, totals: sumRows(rows), onlineProcedures: online },
    feedbackUnavailable: Boolean((REPORT_KINDS[q.kind].data as readonly string[]).includes("feedback") && !feedbackProvider),
  };
}
