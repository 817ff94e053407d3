// Anchoring the audit chain: a signed checkpoint of every chain head (Ed25519, key outside the
// database), stored in the database and exported as a file — and, when an address is set, sent
// to the supervisor by e-mail — so that a rewrite of entries a checkpoint covers is detected even
// by someone who also holds the HMAC key. Verification runs on a schedule and from the CLI; a
// failure is recorded and told to the system administrators. Threat model: docs/security.md.
import { createHash, sign, verify } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Db, Tx } from "../../db/scope";
import { registerJob } from "../../jobs/queue";
import { enqueueMessage, notifyStaff } from "../notifications/outbox";
import { type AuditProblem, canonicalJson, GENESIS_HASH, verifyAudit } from "./audit";
import { type AuditKeys, auditKeys } from "./keys";

export type CheckpointPayload = { at: string; rows: number; heads: [number, number, number, string][] };
export type Checkpoint = { payload: CheckpointPayload; signature: string; keyId: string; source: "database" | "file" };

/** A short fingerprint of the verifying key, stored with each checkpoint. */
export function keyIdOf(keys: AuditKeys): string {
  const spki = keys.verifyKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("hex").slice(0, 16);
}

/** Where checkpoint files go: DATA_DIR/audit-checkpoints (set at start; none in tests that do not set it). */
let exportDir: string | undefined;
let mailTo: string | undefined;
export function configureCheckpointExport(o: { dir?: string; email?: string }): void {
  exportDir = o.dir;
  mailTo = o.email;
}

/** Signs the current heads of every chain and keeps the checkpoint in the database and, when configured, in a file. */
export async function createCheckpoint(tx: Tx, o: { keys?: AuditKeys; now?: Date } = {}): Promise<Checkpoint> {
  const keys = o.keys ?? auditKeys();
  const heads = await tx.query<{ agency_id: number; lane: number; seq: number; hash: string }>("select agency_id, lane, seq, hash from audit_heads order by agency_id, lane");
  const rows = (await tx.one<{ n: number }>("select count(*)::int as n from audit_log")).n;
  const payload: CheckpointPayload = { at: (o.now ?? new Date()).toISOString(), rows, heads: heads.map((h) => [h.agency_id, h.lane, h.seq, h.hash]) };
  const signature = sign(null, Buffer.from(canonicalJson(payload)), keys.signingKey).toString("base64");
  const keyId = keyIdOf(keys);
  await tx.exec("insert into audit_checkpoints (at, payload, signature, key_id) values ($1, $2, $3, $4)", [payload.at, JSON.stringify(payload), signature, keyId]);
  const checkpoint: Checkpoint = { payload, signature, keyId, source: "database" };
  if (exportDir) {
    mkdirSync(exportDir, { recursive: true });
    writeFileSync(path.join(exportDir, `checkpoint-${payload.at.replace(/[:.]/g, "-")}.json`), JSON.stringify({ ...checkpoint, source: undefined }, null, 1));
  }
  if (mailTo) {
    const root = await tx.maybeOne<{ id: number }>("select id from agencies where parent_id is null order by id limit 1");
    if (root) {
      await enqueueMessage(tx, {
        agencyId: root.id,
        kind: "audit_checkpoint",
        channel: "email",
        recipient: mailTo,
        subject: `Điểm neo nhật ký thao tác ${payload.at}`,
        body: `Điểm neo nhật ký thao tác (giữ lại để đối chiếu khi cần):\n\n${JSON.stringify({ payload, signature, keyId })}`,
        dedupeKey: `audit-checkpoint:${payload.at}`,
      });
    }
  }
  return checkpoint;
}

/** Checkpoints from the database and from the export directory (a deleted row is still anchored by its file). */
export async function listCheckpoints(tx: Tx, o: { dir?: string } = {}): Promise<Checkpoint[]> {
  const out = (await tx.query<{ payload: CheckpointPayload; signature: string; key_id: string }>("select payload, signature, key_id from audit_checkpoints order by at")).map(
    (r): Checkpoint => ({ payload: r.payload, signature: r.signature, keyId: r.key_id, source: "database" }),
  );
  const dir = o.dir ?? exportDir;
  if (dir && existsSync(dir)) {
    const seen = new Set(out.map((c) => c.signature));
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".json")).sort()) {
      try {
        const c = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as Checkpoint;
        if (c?.payload && typeof c.signature === "string" && !seen.has(c.signature)) out.push({ ...c, source: "file" });
      } catch {
        // A damaged file anchors nothing; the database rows still do.
      }
    }
  }
  return out;
}

/** A checkpoint's signature, and that every chain it lists still passes through the hash it signed. */
async function checkCheckpoint(tx: Tx, c: Checkpoint, keys: AuditKeys, heads: Map<string, { seq: number }>): Promise<AuditProblem[]> {
  const good = verify(null, Buffer.from(canonicalJson(c.payload)), keys.verifyKey, Buffer.from(c.signature, "base64"));
  if (!good) return [{ agencyId: 0, problem: "checkpoint_forged" }];
  const problems: AuditProblem[] = [];
  const pinned = c.payload.heads.filter(([, , seq]) => seq > 0);
  const found = new Map(
    (
      await tx.query<{ agency_id: number; lane: number; seq: number; hash: string }>(
        `select l.agency_id, l.lane, l.seq, l.hash from audit_log l
         join unnest($1::int[], $2::int[], $3::int[]) as k(agency_id, lane, seq) on l.agency_id = k.agency_id and l.lane = k.lane and l.seq = k.seq`,
        [pinned.map((h) => h[0]), pinned.map((h) => h[1]), pinned.map((h) => h[2])],
      )
    ).map((r) => [`${r.agency_id}/${r.lane}/${r.seq}`, r.hash]),
  );
  for (const [agencyId, lane, seq, hash] of c.payload.heads) {
    const head = heads.get(`${agencyId}/${lane}`);
    if (!head || head.seq < seq) problems.push({ agencyId, lane, seq, problem: "checkpoint_mismatch" });
    else if (seq > 0 && found.get(`${agencyId}/${lane}/${seq}`) !== hash) problems.push({ agencyId, lane, seq, problem: "checkpoint_mismatch" });
    else if (seq === 0 && hash !== GENESIS_HASH) problems.push({ agencyId, lane, seq, problem: "checkpoint_mismatch" });
  }
  return problems;
}

export type IntegrityReport = { ok: boolean; rows: number; agencies: number; checkpoints: number; problems: AuditProblem[] };

/** The chains recomputed with the HMAC key, and every checkpoint checked against them. */
export async function verifyIntegrity(tx: Tx, o: { keys?: AuditKeys; dir?: string } = {}): Promise<IntegrityReport> {
  const keys = o.keys ?? auditKeys();
  const chains = await verifyAudit(tx, { hmacKey: keys.hmacKey });
  const heads = new Map(chains.heads.map((h) => [`${h.agency_id}/${h.lane}`, h]));
  const checkpoints = await listCheckpoints(tx, o.dir ? { dir: o.dir } : {});
  const problems = [...chains.problems];
  for (const c of checkpoints) problems.push(...(await checkCheckpoint(tx, c, keys, heads)));
  return { ok: problems.length === 0, rows: chains.rows, agencies: chains.agencies, checkpoints: checkpoints.length, problems };
}

/** Records a verification; a failure is told to every system administrator (in the app, and by e-mail when they have one). */
export async function recordVerification(db: Db, report: IntegrityReport, trigger: string): Promise<void> {
  await db.system(async (tx) => {
    await tx.exec("insert into audit_verifications (ok, rows, problems, trigger) values ($1, $2, $3, $4)", [report.ok, report.rows, JSON.stringify(report.problems.slice(0, 200)), trigger]);
    if (report.ok) return;
    const admins = await tx.query<{ id: number; agency_id: number; email: string | null }>("select id, agency_id, email from users where role = 'system_admin' and active");
    const title = "Nhật ký thao tác có dấu hiệu bị sửa đổi";
    const body = `Kiểm tra lúc ${new Date().toISOString()} phát hiện ${report.problems.length} vấn đề (${[...new Set(report.problems.map((p) => p.problem))].join(", ")}). Xem trang Nhật ký thao tác.`;
    for (const a of admins) {
      await notifyStaff(tx, { agencyId: a.agency_id, userId: a.id, kind: "audit_alert", title, body, href: "/staff/audit", dedupeKey: `audit-alert:${a.id}:${new Date().toISOString().slice(0, 13)}` });
      if (a.email) await enqueueMessage(tx, { agencyId: a.agency_id, kind: "audit_alert", channel: "email", recipient: a.email, subject: title, body, dedupeKey: `audit-alert-mail:${a.id}:${new Date().toISOString().slice(0, 13)}` });
    }
  });
}

export type LastVerification = { at: Date; ok: boolean; rows: number; problems: AuditProblem[] };

export async function findLastVerification(tx: Tx): Promise<LastVerification | undefined> {
  return tx.maybeOne<LastVerification>("select at, ok, rows, problems from audit_verifications order by id desc limit 1");
}

export const AUDIT_CHECKPOINT_JOB = "audit.checkpoint";
export const AUDIT_VERIFY_JOB = "audit.verify";

registerJob({
  name: AUDIT_CHECKPOINT_JOB,
  // Every six hours: what a checkpoint covers is safe from a rewrite, so a short interval narrows the window.
  cron: "15 */6 * * *",
  run: async ({ db }) => {
    await db.system((tx) => createCheckpoint(tx));
  },
});

registerJob({
  name: AUDIT_VERIFY_JOB,
  cron: "45 2 * * *",
  run: async ({ db }) => {
    const report = await db.system((tx) => verifyIntegrity(tx));
    await recordVerification(db, report, "schedule");
  },
});
