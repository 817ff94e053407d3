// Documents sent (văn bản đi) to their recipients (issue 16). Issuing a report sends it: each
// recipient line is routed (src/domain/documents/routing.ts) to an agency of the installation —
// the report lands in that agency's incoming register through deliver_dispatch — or recorded as
// sent on paper. Sending again is harmless: one dispatch and one incoming entry per recipient.
import type { Tx } from "../../db/scope";
import { deliveries, type RouteCandidate, routeRecipients } from "../../domain/documents/routing";
import { DomainError } from "../../domain/errors";
import { appendAudit } from "../audit/audit";
import type { Actor } from "./register";

/** Agencies a document of `agencyId` may go to through the system: the agencies above it. */
export async function routeCandidates(tx: Tx, agencyId: number): Promise<{ self: RouteCandidate; above: RouteCandidate[] }> {
  const rows = await tx.query<{ id: number; unit_name: string; depth: number }>(
    `with recursive up(id, depth) as (select $1::int, 0 union all select a.parent_id, up.depth + 1 from agencies a join up on a.id = up.id where a.parent_id is not null)
     select a.id, a.unit_name, up.depth from up join agencies a on a.id = up.id order by up.depth`,
    [agencyId],
  );
  const [self, ...above] = rows.map((r) => ({ id: r.id, unitName: r.unit_name }));
  if (!self) throw new DomainError("not_found", "error.404.body");
  return { self, above };
}

export type DispatchStatus = {
  id: number;
  line: string;
  channel: "system" | "paper";
  toAgencyId: number | null;
  toName: string | null;
  sentAt: Date;
  receivedAt: Date | null;
  readAt: Date | null;
  acknowledgedAt: Date | null;
  correctionRequestedAt: Date | null;
  correctionReason: string | null;
};

type DispatchRow = {
  id: number;
  line: string;
  channel: "system" | "paper";
  to_agency_id: number | null;
  to_name: string | null;
  sent_at: Date;
  received_at: Date | null;
  read_at: Date | null;
  acknowledged_at: Date | null;
  correction_requested_at: Date | null;
  correction_reason: string | null;
};

const toStatus = (r: DispatchRow): DispatchStatus => ({
  id: r.id,
  line: r.line,
  channel: r.channel,
  toAgencyId: r.to_agency_id,
  toName: r.to_name,
  sentAt: r.sent_at,
  receivedAt: r.received_at,
  readAt: r.read_at,
  acknowledgedAt: r.acknowledged_at,
  correctionRequestedAt: r.correction_requested_at,
  correctionReason: r.correction_reason,
});

/** Who a report went to and where each copy stands: received, read, acknowledged, a correction asked for. */
export async function listDispatches(tx: Tx, reportId: number): Promise<DispatchStatus[]> {
  const rows = await tx.query<DispatchRow>(
    `select x.id, x.line, x.channel, x.to_agency_id, a.name as to_name, x.sent_at, x.received_at, x.read_at, x.acknowledged_at,
            x.correction_requested_at, x.correction_reason
     from document_dispatches x left join agencies a on a.id = x.to_agency_id
     where x.report_id = $1 order by x.channel desc, x.id`,
    [reportId],
  );
  return rows.map(toStatus);
}

/**
 * Sends an issued report to its recipients, in the caller's transaction. Idempotent: a recipient
 * already sent to is not sent to again, and its incoming entry is the one made the first time.
 * Returns every dispatch of the report.
 */
export async function sendIssuedReport(tx: Tx, reportId: number, actor: Actor): Promise<DispatchStatus[]> {
  const r = await tx.maybeOne<{ agency_id: number; document_id: number | null; status: string; recipients: string[] }>(
    "select agency_id, document_id, status, recipients from reports where id = $1",
    [reportId],
  );
  if (!r) throw new DomainError("not_found", "error.404.body");
  if (r.status !== "issued" || !r.document_id) throw new DomainError("conflict", "documents.notIssued");
  const { self, above } = await routeCandidates(tx, r.agency_id);
  const routes = routeRecipients(r.recipients, above, self);
  let fresh = 0;
  for (const d of deliveries(routes)) {
    const row = await tx.maybeOne<{ id: number }>(
      `insert into document_dispatches (agency_id, document_id, report_id, line, to_agency_id, channel, sent_by)
       values ($1,$2,$3,$4,$5,'system',$6) on conflict (document_id, to_agency_id) where to_agency_id is not null do nothing returning id`,
      [r.agency_id, r.document_id, reportId, d.line, d.agencyId, actor.userId],
    );
    const id = row?.id ?? (await tx.one<{ id: number }>("select id from document_dispatches where document_id = $1 and to_agency_id = $2", [r.document_id, d.agencyId])).id;
    // Delivered once: a second call returns the entry the first made.
    await tx.one("select deliver_dispatch($1) as entry", [id]);
    if (row) fresh++;
  }
  for (const p of routes.filter((x) => x.channel === "paper")) {
    const row = await tx.maybeOne<{ id: number }>(
      `insert into document_dispatches (agency_id, document_id, report_id, line, channel, sent_by)
       values ($1,$2,$3,$4,'paper',$5) on conflict (document_id, line) where to_agency_id is null do nothing returning id`,
      [r.agency_id, r.document_id, reportId, p.line.slice(0, 300), actor.userId],
    );
    if (row) fresh++;
  }
  if (fresh > 0) {
    await appendAudit(tx, {
      agencyId: r.agency_id,
      actorUserId: actor.userId,
      actor: actor.label,
      action: "document.send",
      entity: "report",
      entityId: reportId,
      data: { system: deliveries(routes).map((d) => d.agencyId), paper: routes.filter((x) => x.channel === "paper").length },
    });
  }
  return listDispatches(tx, reportId);
}
