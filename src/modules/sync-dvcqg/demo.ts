// Demo mode (`npm start` on an empty database, not in production): the demo commune is connected
// to a local stand-in of the national portal, so it synchronises as a real commune would — a new
// dossier appears at the "portal" within seconds (GET <stand-in>/_received shows it).

import type { Db } from "../../db/scope";
import { DEFAULT_MAPPING, nationalFromProcedure } from "../../domain/sync/dvcqg";
import { findOfferedProcedure, listOfferedProcedures } from "../catalog/service";
import { DEMO_COMMUNE_CODE } from "../demo/seed";
import { type DvcqgStandin, startDvcqgStandin } from "../dvcqg-standin/standin";
import { enqueueFullSync } from "./outbox";
import { findSyncSettings, saveSyncSettings } from "./settings";

export const DEMO_PORTAL_ACCOUNT = { username: "motcua-demo", password: "demo-cong-dvcqg", dstCode: "DEMO" } as const;

/**
 * Starts the stand-in (its own port) and connects the demo commune to it, unless an administrator
 * connected the commune to something else. The stand-in keeps nothing across restarts, so every
 * dossier of the commune is queued again. Returns undefined when there is no demo commune.
 */
export async function startDemoPortal(db: Db, opts: { port?: number; host?: string; log?: (line: string) => void } = {}): Promise<DvcqgStandin | undefined> {
  const commune = await db.system((tx) => tx.maybeOne<{ id: number }>("select id from agencies where code = $1 and is_demo", [DEMO_COMMUNE_CODE]));
  if (!commune) return undefined;
  const existing = await db.system((tx) => findSyncSettings(tx, commune.id));
  if (existing && existing.username !== DEMO_PORTAL_ACCOUNT.username) return undefined;
  // The national list: the installation's catalog as imported (the commune's own terms then show as differences).
  const national = await db.system(async (tx) => {
    const out = [];
    for (const item of await listOfferedProcedures(tx, { agencyId: commune.id })) {
      const p = await findOfferedProcedure(tx, { agencyId: commune.id, code: item.code });
      if (p) out.push(nationalFromProcedure({ ...p.procedure, channels: p.procedure.channels }));
    }
    return out;
  });
  const account = { ...DEMO_PORTAL_ACCOUNT, units: [DEMO_COMMUNE_CODE] };
  let standin: DvcqgStandin;
  try {
    standin = await startDvcqgStandin({ accounts: [account], procedures: national, port: opts.port ?? 8790, host: opts.host ?? "127.0.0.1" });
  } catch {
    // The usual port is taken (another demo running): any free one.
    standin = await startDvcqgStandin({ accounts: [account], procedures: national, port: 0, host: opts.host ?? "127.0.0.1" });
  }
  await db.system(async (tx) => {
    await saveSyncSettings(tx, {
      agencyId: commune.id,
      input: { enabled: existing?.enabled ?? true, endpoint: standin.url, ...DEMO_PORTAL_ACCOUNT, unitCode: DEMO_COMMUNE_CODE, mapping: existing?.mapping ?? DEFAULT_MAPPING },
      actor: { userId: null, label: "system" },
    });
    // The stand-in starts empty: the commune's dossiers go to it again, whole (the old rows are done).
    await tx.exec("update sync_dvcqg_outbox set status = 'sent', sent_at = coalesce(sent_at, now()) where agency_id = $1 and status <> 'sent'", [commune.id]);
    const ids = await tx.query<{ id: number }>("select id from dossiers where agency_id = $1 order by id", [commune.id]);
    await enqueueFullSync(tx, { agencyId: commune.id, dossierIds: ids.map((r) => r.id) });
  });
  opts.log?.(`Cổng DVCQG giả lập / national portal stand-in: ${standin.url} (${standin.url}/_received)`);
  return standin;
}
