import { createHash, createHmac } from "node:crypto";
import { prepared, type Tx } from "../../db/scope";
import type { AuditAction, AuditEntity } from "./actions";
import { auditKeys } from "./keys";

export type AuditEntry = {
  agencyId: number;
  actorUserId?: number | null;
  /** Who acted, machine-readable without a join: a username, "system", "cli", "citizen:<phone>"… (pages describe it: accounts/people.ts) */
  actor: string;
  /** One of the table in actions.ts, which gives it words in Vietnamese and English. */
  action: AuditAction;
  entity: AuditEntity;
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
  lane: number;
  /** 0: SHA-256 (links written before the chain was keyed); 1: HMAC-SHA256 with the key outside the database. */
  alg: number;
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

function bodyOf(row: Omit<AuditRow, "hash">): Record<string, unknown> {
  return {
    agency_id: row.agency_id,
    // Lane 0 hashes as before lanes existed, so chains written then still verify.
    ...(row.lane === 0 ? {} : { lane: row.lane }),
    seq: row.seq,
    at: row.at.toISOString(),
    actor_user_id: row.actor_user_id,
    actor: row.actor,
    action: row.action,
    entity: row.entity,
    entity_id: row.entity_id,
    data: row.data,
  };
}

/** The link: HMAC-SHA256 (alg 1) or SHA-256 (alg 0, older rows) of the previous link, a newline and the entry's canonical JSON. */
export function auditHash(row: Omit<AuditRow, "hash">, hmacKey: Buffer = auditKeys().hmacKey): string {
  const h = row.alg === 1 ? createHmac("sha256", hmacKey) : createHash("sha256");
  return h.update(row.prev_hash).update("\n").update(canonicalJson(bodyOf(row))).digest("hex");
}

/**
 * Lanes per agency chain. A head row stays locked from an append until the transaction commits,
 * so writers of one lane queue behind each other's WAL flush; 16 lanes let concurrent changes of
 * one commune commit together while each chain stays verifiable on its own.
 */
export const AUDIT_LANES = 16;

/** The lane of an entity: fixed, so an entity's entries stay in order in one chain. */
export function auditLaneOf(entity: string, entityId: string | number): number {
  return createHash("sha256").update(`${entity}\u0000${entityId}`).digest().readUInt16BE(0) % AUDIT_LANES;
}

/**
 * The entry's canonical JSON up to its sequence number, which the database completes: "seq" is
 * the last key in sorted order, so the hashed body is `prefix + seq + "}"` (see `auditHash`).
 */
function auditPrefix(row: Omit<AuditRow, "hash" | "seq" | "prev_hash">): string {
  const full = canonicalJson({ ...bodyOf({ ...row, seq: 0, prev_hash: "" }) });
  const tail = `"seq":0}`;
  if (!full.endsWith(tail)) throw new Error("audit body: seq must sort last");
  return `${full.slice(0, -tail.length)}"seq":`;
}

/**
 * SQL for appending one entry as two data-modifying CTEs (`audit_head`, `audit_entry`) to embed
 * in a statement, with its parameters numbered from `param`. The head upsert advances the lane's
 * head and locks it until commit; `when` names a CTE of the same statement that must yield a row
 * for the entry to be written (the change it records).
 */
export function auditCtes(entry: AuditEntry, o: { param: number; when?: string }): { sql: string; values: unknown[] } {
  const lane = auditLaneOf(entry.entity, entry.entityId);
  // Round-trip through JSON so the hashed data is exactly what jsonb will give back.
  const data = JSON.parse(JSON.stringify(entry.data ?? {})) as Record<string, unknown>;
  const row = {
    agency_id: entry.agencyId,
    lane,
    alg: 1,
    at: new Date(),
    actor_user_id: entry.actorUserId ?? null,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entity_id: String(entry.entityId),
    data,
  };
  const p = (i: number) => `$${o.param + i}`;
  const link = (prev: string, seq: string) => `encode(hmac(convert_to(${prev} || E'\\n' || ${p(2)}::text || ${seq} || '}', 'UTF8'), ${p(11)}::bytea, 'sha256'), 'hex')`;
  const sql = `audit_head as (
       insert into audit_heads as h (agency_id, lane, seq, prev_hash, hash)
       select ${p(0)}::integer, ${p(1)}::smallint, 1, ${p(3)}::text, ${link(`${p(3)}::text`, "'1'")}${o.when ? ` from ${o.when}` : ""}
       on conflict (agency_id, lane) do update set seq = h.seq + 1, prev_hash = h.hash, hash = ${link("h.hash", "(h.seq + 1)::text")}
       returning seq, prev_hash, hash
     ),
     audit_entry as (
       insert into audit_log (agency_id, lane, alg, seq, at, actor_user_id, actor, action, entity, entity_id, data, prev_hash, hash)
       select ${p(0)}::integer, ${p(1)}::smallint, 1, seq, ${p(4)}::timestamptz, ${p(5)}::integer, ${p(6)}::text, ${p(7)}::text, ${p(8)}::text, ${p(9)}::text, ${p(10)}::jsonb, prev_hash, hash
       from audit_head
     )`;
  return {
    sql,
    values: [row.agency_id, lane, auditPrefix(row), GENESIS_HASH, row.at, row.actor_user_id, row.actor, row.action, row.entity, row.entity_id, JSON.stringify(data), auditKeys().hmacKey],
  };
}

/**
 * Appends one entry to its lane of the agency's hash chain inside the caller's transaction, so
 * the entry exists exactly when the change it records is committed: one round trip, since
 * changes in this lane wait on its head row until commit.
 */
export async function appendAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  const a = auditCtes(entry, { param: 1 });
  await tx.exec(prepared(`with ${a.sql} select 1`), a.values);
}

export type AuditHead = { agency_id: number; lane: number; seq: number; hash: string };

function lanePairs(entries: readonly Pick<AuditEntry, "agencyId" | "entity" | "entityId">[]): [number, number][] {
  return [...new Set(entries.map((e) => `${e.agencyId}/${auditLaneOf(e.entity, e.entityId)}`))].map((k) => k.split("/").map(Number) as [number, number]);
}

/**
 * A CTE named `audit_locked` that locks (in sorted order) the heads the entries will need, for a
 * caller that wants to take the locks inside one of its own statements and hand the rows to
 * `appendAuditBatch` — one round trip less. Parameters numbered from `param`.
 */
export function auditLockCte(entries: readonly Pick<AuditEntry, "agencyId" | "entity" | "entityId">[], o: { param: number }): { sql: string; values: unknown[] } {
  const pairs = lanePairs(entries);
  return {
    sql: `audit_locked as (
       select h.agency_id, h.lane, h.seq, h.hash from audit_heads h
       join unnest($${o.param}::int[], $${o.param + 1}::int[]) as k(agency_id, lane) on h.agency_id = k.agency_id and h.lane = k.lane
       order by h.agency_id, h.lane for update of h
     )`,
    values: [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  };
}

/**
 * Appends many entries in two round trips whatever their number (one when the caller passes the
 * heads it locked with `auditLockCte`): locks the lanes' heads (in sorted order, so concurrent
 * batches cannot deadlock), chains the entries in order here, then writes them and the new heads
 * in one statement. For bulk work such as batched online intake.
 */
export async function appendAuditBatch(tx: Tx, entries: readonly AuditEntry[], o: { locked?: readonly AuditHead[] } = {}): Promise<void> {
  if (entries.length === 0) return;
  const lanes = entries.map((e) => auditLaneOf(e.entity, e.entityId));
  const pairs = lanePairs(entries);
  const lock = () =>
    tx.query<AuditHead>(
      prepared(`select h.agency_id, h.lane, h.seq, h.hash from audit_heads h
       join unnest($1::int[], $2::int[]) as k(agency_id, lane) on h.agency_id = k.agency_id and h.lane = k.lane
       order by h.agency_id, h.lane for update of h`),
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
  const have = new Set((o.locked ?? []).map((h) => `${h.agency_id}/${h.lane}`));
  let heads = o.locked && pairs.every(([a, l]) => have.has(`${a}/${l}`)) ? o.locked : await lock();
  if (heads.length < pairs.length) {
    // An agency's first entries in some lanes: create every lane's head once, then lock again.
    await tx.exec(
      `insert into audit_heads (agency_id, lane, seq, hash)
       select a, l, 0, $2 from unnest($1::int[]) a, generate_series(0, ${AUDIT_LANES - 1}) l
       on conflict (agency_id, lane) do nothing`,
      [[...new Set(pairs.map((p) => p[0]))], GENESIS_HASH],
    );
    heads = await lock();
  }
  const head = new Map(heads.map((h) => [`${h.agency_id}/${h.lane}`, { seq: h.seq, hash: h.hash, prev: h.hash }]));
  const rows = entries.map((e, i) => {
    const h = head.get(`${e.agencyId}/${lanes[i]}`);
    if (!h) throw new Error(`audit head ${e.agencyId}/${lanes[i]} missing`);
    const row = {
      agency_id: e.agencyId,
      lane: lanes[i]!,
      alg: 1,
      seq: h.seq + 1,
      at: new Date(),
      actor_user_id: e.actorUserId ?? null,
      actor: e.actor,
      action: e.action,
      entity: e.entity,
      entity_id: String(e.entityId),
      data: JSON.parse(JSON.stringify(e.data ?? {})) as Record<string, unknown>,
      prev_hash: h.hash,
    };
    const hash = auditHash(row);
    h.prev = h.hash;
    h.seq = row.seq;
    h.hash = hash;
    return { ...row, at: row.at.toISOString(), hash };
  });
  const newHeads = [...head.entries()].map(([k, h]) => {
    const [agency_id, lane] = k.split("/").map(Number);
    return { agency_id, lane, seq: h.seq, hash: h.hash, prev_hash: h.prev };
  });
  await tx.exec(
    prepared(`with appended as (
       insert into audit_log (agency_id, lane, alg, seq, at, actor_user_id, actor, action, entity, entity_id, data, prev_hash, hash)
       select agency_id, lane, alg, seq, at, actor_user_id, actor, action, entity, entity_id, data, prev_hash, hash
       from jsonb_to_recordset($1::jsonb) as r(agency_id integer, lane smallint, alg smallint, seq integer, at timestamptz, actor_user_id integer, actor text,
         action text, entity text, entity_id text, data jsonb, prev_hash text, hash text)
     )
     update audit_heads h set seq = n.seq, hash = n.hash, prev_hash = n.prev_hash
     from jsonb_to_recordset($2::jsonb) as n(agency_id integer, lane smallint, seq integer, hash text, prev_hash text)
     where h.agency_id = n.agency_id and h.lane = n.lane`),
    [JSON.stringify(rows), JSON.stringify(newHeads)],
  );
}

export type AuditProblem = {
  agencyId: number;
  lane?: number;
  seq?: number;
  problem: "edited" | "inserted_or_reordered" | "missing" | "head_mismatch" | "head_missing" | "downgraded" | "checkpoint_forged" | "checkpoint_mismatch";
};

const PAGE = 20_000;

/**
 * Recomputes every chain (each lane of each agency), reading the log in pages: edited rows, rows
 * inserted out of chain, deleted rows, a lane whose head is gone (every agency with any entry has
 * all AUDIT_LANES heads), and links "downgraded" to the unkeyed hash after keyed ones.
 */
export async function verifyAudit(tx: Tx, o: { hmacKey?: Buffer } = {}): Promise<{ rows: number; agencies: number; problems: AuditProblem[]; heads: AuditHead[] }> {
  const hmacKey = o.hmacKey ?? auditKeys().hmacKey;
  const problems: AuditProblem[] = [];
  const key = (agencyId: number, lane: number) => `${agencyId}/${lane}`;
  const headRows = await tx.query<AuditHead>("select agency_id, lane, seq, hash from audit_heads order by agency_id, lane");
  const heads = new Map(headRows.map((h) => [key(h.agency_id, h.lane), h]));
  const agencies = new Set(headRows.map((h) => h.agency_id));
  type Cursor = { expectedSeq: number; prevHash: string; last?: { seq: number; hash: string }; keyed: boolean };
  const chains = new Map<string, Cursor>();
  let rows = 0;
  let after: [number, number, number] = [-1, -1, -1];
  for (;;) {
    const page = await tx.query<AuditRow>(
      `select agency_id, lane, alg, seq, at, actor_user_id, actor, action, entity, entity_id, data, prev_hash, hash from audit_log
       where (agency_id, lane, seq) > ($1, $2, $3) order by agency_id, lane, seq limit ${PAGE}`,
      after,
    );
    for (const row of page) {
      rows++;
      agencies.add(row.agency_id);
      const k = key(row.agency_id, row.lane);
      let c = chains.get(k);
      if (!c) {
        c = { expectedSeq: 1, prevHash: GENESIS_HASH, keyed: false };
        chains.set(k, c);
      }
      if (row.seq !== c.expectedSeq) problems.push({ agencyId: row.agency_id, lane: row.lane, seq: row.seq, problem: row.seq > c.expectedSeq ? "missing" : "inserted_or_reordered" });
      else if (row.prev_hash !== c.prevHash) problems.push({ agencyId: row.agency_id, lane: row.lane, seq: row.seq, problem: "inserted_or_reordered" });
      if (row.alg === 0 && c.keyed) problems.push({ agencyId: row.agency_id, lane: row.lane, seq: row.seq, problem: "downgraded" });
      if (row.alg === 1) c.keyed = true;
      const { hash, ...rest } = row;
      if (auditHash(rest, hmacKey) !== hash) problems.push({ agencyId: row.agency_id, lane: row.lane, seq: row.seq, problem: "edited" });
      c.prevHash = hash;
      c.expectedSeq = row.seq + 1;
      c.last = { seq: row.seq, hash };
    }
    if (page.length < PAGE) break;
    const last = page[page.length - 1]!;
    after = [last.agency_id, last.lane, last.seq];
  }
  for (const agencyId of [...agencies].sort((a, b) => a - b)) {
    for (let lane = 0; lane < AUDIT_LANES; lane++) {
      const head = heads.get(key(agencyId, lane));
      const last = chains.get(key(agencyId, lane))?.last;
      if (!head) problems.push({ agencyId, lane, problem: "head_missing" });
      else if (last ? head.seq !== last.seq || head.hash !== last.hash : head.seq !== 0) problems.push({ agencyId, lane, problem: "head_mismatch" });
    }
  }
  return { rows, agencies: agencies.size, problems, heads: headRows };
}
