// An agency's connection to the national portal: adapter address, credentials, unit code, dstcode
// and the status mapping. The password is sealed like an ID number (privacy/sealing.ts).

import { z } from "zod";
import type { Tx } from "../../db/scope";
import { DomainError } from "../../domain/errors";
import { DEFAULT_MAPPING, SyncMapping } from "../../domain/sync/dvcqg";
import { appendAudit } from "../audit/audit";
import { seal, unseal } from "../privacy/sealing";

export type SyncSettings = {
  agencyId: number;
  enabled: boolean;
  endpoint: string;
  username: string;
  password: string;
  unitCode: string;
  dstCode: string;
  mapping: SyncMapping;
  updatedAt: Date;
};

type Row = {
  agency_id: number;
  enabled: boolean;
  endpoint: string;
  username: string;
  password_sealed: string;
  unit_code: string;
  dst_code: string;
  mapping: unknown;
  updated_at: Date;
};

function toSettings(r: Row): SyncSettings {
  const m = SyncMapping.safeParse(r.mapping);
  return {
    agencyId: r.agency_id,
    enabled: r.enabled,
    endpoint: r.endpoint,
    username: r.username,
    password: unseal(r.password_sealed),
    unitCode: r.unit_code,
    dstCode: r.dst_code,
    mapping: m.success ? m.data : DEFAULT_MAPPING,
    updatedAt: r.updated_at,
  };
}

export async function findSyncSettings(tx: Tx, agencyId: number): Promise<SyncSettings | undefined> {
  const r = await tx.maybeOne<Row>("select * from sync_dvcqg_settings where agency_id = $1", [agencyId]);
  return r ? toSettings(r) : undefined;
}

/** Agencies whose dossiers are synchronised (for the jobs, which run as the system). */
export async function listEnabledSettings(tx: Tx): Promise<SyncSettings[]> {
  return (await tx.query<Row>("select * from sync_dvcqg_settings where enabled order by agency_id")).map(toSettings);
}

const text = (max: number, key: string) => z.string().trim().min(1, { error: `msg:${key}` }).max(max, { error: `msg:${key}` });

/** The settings form; an empty password keeps the one saved. */
export const SettingsInput = z.object({
  enabled: z.boolean(),
  endpoint: z
    .string()
    .trim()
    .max(300, { error: "msg:sync.err.endpoint" })
    .regex(/^https?:\/\/[^\s]+$/, { error: "msg:sync.err.endpoint" }),
  username: text(200, "sync.err.username"),
  password: z.string().max(500, { error: "msg:sync.err.password" }),
  unitCode: text(100, "sync.err.unitCode"),
  dstCode: text(100, "sync.err.dstCode"),
  mapping: SyncMapping,
});
export type SettingsInput = z.infer<typeof SettingsInput>;

export async function saveSyncSettings(tx: Tx, q: { agencyId: number; input: SettingsInput; actor: { userId: number | null; label: string } }): Promise<SyncSettings> {
  const before = await findSyncSettings(tx, q.agencyId);
  const password = q.input.password !== "" ? q.input.password : before?.password;
  if (!password) throw new DomainError("unprocessable", "sync.err.password", { details: [{ path: "password", message: "" }] });
  const r = await tx.one<Row>(
    `insert into sync_dvcqg_settings (agency_id, enabled, endpoint, username, password_sealed, unit_code, dst_code, mapping, updated_by, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
     on conflict (agency_id) do update set enabled = excluded.enabled, endpoint = excluded.endpoint, username = excluded.username,
       password_sealed = excluded.password_sealed, unit_code = excluded.unit_code, dst_code = excluded.dst_code, mapping = excluded.mapping,
       updated_by = excluded.updated_by, updated_at = now()
     returning *`,
    [q.agencyId, q.input.enabled, q.input.endpoint, q.input.username, seal(password), q.input.unitCode, q.input.dstCode, JSON.stringify(q.input.mapping), q.actor.userId],
  );
  await appendAudit(tx, {
    agencyId: q.agencyId,
    actorUserId: q.actor.userId,
    actor: q.actor.label,
    action: "sync.settings",
    entity: "sync_settings",
    entityId: String(q.agencyId),
    // Never the password: what changed, in words the audit page can show.
    data: { enabled: q.input.enabled, endpoint: q.input.endpoint, unitCode: q.input.unitCode, passwordChanged: q.input.password !== "" },
  });
  return toSettings(r);
}
