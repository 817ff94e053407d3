import { createHash } from "node:crypto";
import type { Tx } from "../../db/scope";

export type AuditEntry = {
  agencyId: number;
  actorUserId?: number | null;
  /** Who acted, readable without a join: a username, "system", "cli", "citizen:<phone>"… */
  actor: string;
  action: string;
  entity: string;
  entityId: string | number;
  data?: Record<string, unknown>;
};

export const GENESIS_HASH = "0".repeat(64);

/** Canonical JSON (sorted keys) so a hash can be recomputed from the stored row. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export type AuditRow = {
  agency_id: number;
  seq: number;
  at: Date;
  actor_user_id: number | null;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
};

export function auditHash(row: Omit<AuditRow, "hash">): string {
  const body = canonicalJson({
    agency_id: row.agency_id,
    seq: row.seq,
    at: row.at.toISOString(),
    actor_user_id: row.actor_user_id,
    actor: row.actor,
    action: row.action,
    entity: row.entity,
    entity_id: row.entity_id,
    data: row.data,
  });
  return createHash("sha256").update(row.prev_hash).update("\n").update(body).digest("hex");
}

/**
 * Appends one entry to the agency's hash chain inside the caller's transaction, so the entry
 * exists exactly when the change it records is committed. The head row lock serialises writers
 * of one agency only.
 */
export async function appendAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  // One upsert both creates a missing head and locks the existing one (do update) — two round
  // trips in all, since every state change of an agency waits on this row until commit.
  const head = await tx.one<{ seq: number; hash: string }>(
    `insert into audit_heads as h (agency_id, seq, hash) values ($1, 0, $2)
     on conflict (agency_id) do update set seq = h.seq returning seq, hash`,
    [entry.agencyId, GENESIS_HASH],
  );
  // Round-trip through JSON so the hashed data is exactly what jsonb will give back.
  const data = JSON.parse(JSON.stringify(entry.data ?? {})) as Record<string, unknown>;
  const row = {
    agency_id: entry.agencyId,
    seq: head.seq + 1,
    at: new Date(),
    actor_user_id: entry.actorUserId ?? null,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entity_id: String(entry.entityId),
    data,
    prev_hash: head.hash,
  };
  const hash = auditHash(row);
  await tx.exec(
    `with appended as (
       insert into audit_log (agency_id, seq, at, actor_user_id, actor, action, entity, entity_id, data, prev_hash, hash)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
     )
     update audit_heads set seq = $2, hash = $11 where agency_id = $1`,
    [row.agency_id, row.seq, row.at, row.actor_user_id, row.actor, row.action, row.entity, row.entity_id, JSON.stringify(row.data), row.prev_hash, hash],
  );
}

export type AuditProblem = { agencyId: number; seq?: number; problem: "edited" | "inserted_or_reordered" | "missing" | "head_mismatch" };

/** Recomputes every chain; reports edited rows, rows inserted out of chain, and deleted rows. */
export async function verifyAudit(tx: Tx): Promise<{ rows: number; agencies: number; problems: AuditProblem[] }> {
  const problems: AuditProblem[] = [];
  const heads = new Map((await tx.query<{ agency_id: number; seq: number; hash: string }>("select agency_id, seq, hash from audit_heads")).map((h) => [h.agency_id, h]));
  const agencyIds = new Set<number>([...heads.keys(), ...(await tx.query<{ agency_id: number }>("select distinct agency_id from audit_log")).map((r) => r.agency_id)]);
  let rows = 0;
  for (const agencyId of [...agencyIds].sort((a, b) => a - b)) {
    const chain = await tx.query<AuditRow>(
      "select agency_id, seq, at, actor_user_id, actor, action, entity, entity_id, data, prev_hash, hash from audit_log where agency_id = $1 order by seq, id",
      [agencyId],
    );
    rows += chain.length;
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    for (const row of chain) {
      if (row.seq !== expectedSeq) {
        problems.push({ agencyId, seq: row.seq, problem: row.seq > expectedSeq ? "missing" : "inserted_or_reordered" });
      } else if (row.prev_hash !== prevHash) {
        problems.push({ agencyId, seq: row.seq, problem: "inserted_or_reordered" });
      }
      const { hash, ...rest } = row;
      if (auditHash(rest) !== hash) problems.push({ agencyId, seq: row.seq, problem: "edited" });
      prevHash = hash;
      expectedSeq = row.seq + 1;
    }
    const head = heads.get(agencyId);
    const last = chain[chain.length - 1];
    if (!head || (last ? head.seq !== last.seq || head.hash !== last.hash : head.seq !== 0)) {
      problems.push({ agencyId, problem: "head_mismatch" });
    }
  }
  return { rows, agencies: agencyIds.size, problems };
}
