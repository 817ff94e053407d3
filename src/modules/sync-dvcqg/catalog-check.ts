// The commune's catalog against the national one: LayDanhSachTTHC gives the national list,
// LayThuTuc each procedure the commune offers; what differs (unknown or abolished nationally,
// another name, field, time limit or document list) is kept per procedure for the administrator,
// who decides (a local time limit may differ on purpose: the page shows the basis).

import type { Db } from "../../db/scope";
import { type CatalogDifference, compareWithNational, type LocalProcedure, NationalListItem, NationalProcedure } from "../../domain/sync/dvcqg";
import { appendAudit } from "../audit/audit";
import { findOfferedProcedure, listOfferedProcedures, type OfferedProcedure } from "../catalog/service";
import { PortalClient } from "./client";
import type { SyncSettings } from "./settings";

export type CatalogCheckResult = { nationalCount: number; compared: number; differing: number; error: string | null };

export function localProcedureOf(p: OfferedProcedure): LocalProcedure {
  const channels = p.procedure.channels.map((c) => {
    // The counter's limit is the one the commune applies (its own term, else the catalog's).
    const limit = c.channel === "in_person" ? p.timeLimit : c.timeLimit;
    return { channel: c.channel, amount: limit?.amount ?? null, unit: limit?.unit ?? null };
  });
  return { code: p.code, name: p.name, field: p.field, channels, documents: p.procedure.documents.flatMap((g) => g.items.map((i) => i.name)) };
}

export async function checkCatalog(db: Db, s: SyncSettings, opts: { timeoutMs?: number; actor?: { userId: number | null; label: string } } = {}): Promise<CatalogCheckResult> {
  const scope = { agencyIds: [s.agencyId], userId: opts.actor?.userId ?? null };
  const client = new PortalClient({ ...s, timeoutMs: opts.timeoutMs ?? 30_000 });
  const record = async (r: CatalogCheckResult, diffs: Map<string, CatalogDifference[]> | null) =>
    db.scoped(scope, async (tx) => {
      if (diffs) {
        await tx.exec("delete from sync_dvcqg_catalog_diffs where agency_id = $1", [s.agencyId]);
        const rows = [...diffs].filter(([, d]) => d.length > 0);
        if (rows.length) {
          await tx.exec(
            "insert into sync_dvcqg_catalog_diffs (agency_id, procedure_code, differences) select $1, c, d from unnest($2::text[], $3::jsonb[]) as x(c, d)",
            [s.agencyId, rows.map(([c]) => c), rows.map(([, d]) => JSON.stringify(d))],
          );
        }
      }
      await tx.exec("insert into sync_dvcqg_catalog_checks (agency_id, national_count, compared, differing, error) values ($1, $2, $3, $4, $5)", [
        s.agencyId,
        r.nationalCount,
        r.compared,
        r.differing,
        r.error,
      ]);
      await appendAudit(tx, {
        agencyId: s.agencyId,
        actorUserId: opts.actor?.userId ?? null,
        actor: opts.actor?.label ?? "system",
        action: "sync.catalog_check",
        entity: "sync_settings",
        entityId: "dvcqg",
        data: { ...r },
      });
      return r;
    });
  let national: NationalListItem[];
  try {
    const list = await client.call("LayDanhSachTTHC", {});
    national = NationalListItem.array().parse(list.data ?? []);
  } catch (e) {
    return record({ nationalCount: 0, compared: 0, differing: 0, error: (e as Error).message.slice(0, 500) }, null);
  }
  const known = new Set(national.map((n) => n.MaTTHC));
  const offered = await db.scoped(scope, (tx) => listOfferedProcedures(tx, { agencyId: s.agencyId }));
  const diffs = new Map<string, CatalogDifference[]>();
  for (const item of offered) {
    const p = await db.scoped(scope, (tx) => findOfferedProcedure(tx, { agencyId: s.agencyId, code: item.code }));
    if (!p) continue;
    let n: NationalProcedure | undefined;
    if (known.has(p.code)) {
      try {
        const r = await client.call("LayThuTuc", { MaTTHC: p.code });
        n = NationalProcedure.parse(r.data);
      } catch (e) {
        return record({ nationalCount: national.length, compared: diffs.size, differing: 0, error: (e as Error).message.slice(0, 500) }, null);
      }
    }
    diffs.set(p.code, compareWithNational(localProcedureOf(p), n));
  }
  return record({ nationalCount: national.length, compared: diffs.size, differing: [...diffs.values()].filter((d) => d.length > 0).length, error: null }, diffs);
}
