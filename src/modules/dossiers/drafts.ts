// Online drafts: the applicant comes back with a token (cookie or link; only its hash is stored)
// to the form as left, attached files included. A draft's files are checked and stored like a
// submission's (files.ts) and recorded in dossier_draft_files in the draft's own transaction; a
// file leaves the store only after the transaction that dropped its row has committed, so a row
// never points at a missing file (a crash in between leaves an orphan file, never a broken row).

import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../../db/scope";
import { documentKey } from "../../domain/catalog/requirements";
import { registerJob } from "../../jobs/queue";
import { isSealed, seal, unseal } from "../privacy/sealing";
import { DomainError } from "../../domain/errors";
import "./draft-messages";
import { removeStoredFiles, fileStore } from "../storage/storage";
import { newFileKey } from "../storage/store";
import { ALLOWED_TYPES, type AllowedType, discardFiles, finaliseFiles, type StagedFile, stageFiles, type UploadInput } from "./files";
import type { DossierAttachment } from "./types";

export const DRAFT_COOKIE = "mc_draft";
export const DRAFT_DAYS = 30;
export const DRAFT_CLEANUP_JOB = "dossiers.draft-cleanup";

/** Text kept with a draft; consent is not: it is given when submitting. */
const KEPT_VALUES = ["fullName", "idNumber", "phone", "email", "addressLine", "addressCommune", "idempotencyKey"] as const;

export type DraftValues = Record<string, string>;

/** A file kept with a draft: an attachment's description (its key in the file store) and its document's place. */
export type DraftFile = Pick<DossierAttachment, "documentName" | "fileName" | "contentType" | "size" | "sha256" | "storagePath"> & { documentIndex: number };

/** An upload into a draft, for one document of the procedure's list (the form's file_<index>). */
export type DraftUpload = UploadInput & { documentIndex: number };

type DraftFileRow = {
  document_index: number;
  document_name: string;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  storage_path: string;
};

const scopeOf = (agencyId: number) => ({ agencyIds: [agencyId], userId: null });

export function isDraftToken(token: string | undefined): token is string {
  return typeof token === "string" && /^[A-Za-z0-9_-]{20,60}$/.test(token);
}

function newDraftToken(): string {
  return randomBytes(24).toString("base64url");
}

function draftHash(token: string): string {
  return createHash("sha256").update(`draft:${token}`).digest("hex");
}


export async function loadDraft(db: Db, q: { agencyId: number; procedureCode: string; token: string | undefined }): Promise<DraftValues | undefined> {
  if (!isDraftToken(q.token)) return undefined;
  const token = q.token;
  const r = await db.scoped(scopeOf(q.agencyId), (tx) =>
    tx.maybeOne<{ data: DraftValues }>("select data from dossier_drafts where token_hash = $1 and procedure_code = $2 and expires_at > now()", [
      draftHash(token),
      q.procedureCode,
    ]),
  );
  if (!r) return undefined;
  const { idNumber, ...rest } = r.data;
  return { ...rest, ...(idNumber ? { idNumber: unsealDraftValue(idNumber) } : {}), draft: token };
}

/** A draft's ID number is sealed like a dossier's; a draft saved before sealing holds it plain. */
function unsealDraftValue(v: string): string {
  return isSealed(v) ? unseal(v) : v;
}

/**
 * The files kept with a live draft, by document index (several per document, in the order
 * chosen), for the documents of `documents` (the procedure's current list) only: a file kept for
 * a document the list no longer has at that place is neither shown nor submitted.
 */
export async function listDraftFiles(
  db: Db,
  q: { agencyId: number; procedureCode: string; token: string | undefined; documents: readonly { name: string }[] },
): Promise<Map<number, DraftFile[]>> {
  const out = new Map<number, DraftFile[]>();
  if (!isDraftToken(q.token)) return out;
  const token = q.token;
  const rows = await db.scoped(scopeOf(q.agencyId), (tx) =>
    tx.query<DraftFileRow>(
      `select f.document_index, f.document_name, f.file_name, f.content_type, f.size, f.sha256, f.storage_path
       from dossier_draft_files f join dossier_drafts d on d.id = f.draft_id
       where d.token_hash = $1 and d.procedure_code = $2 and d.expires_at > now() order by f.document_index, f.id`,
      [draftHash(token), q.procedureCode],
    ),
  );
  for (const r of rows) {
    const doc = q.documents[r.document_index];
    if (!doc || documentKey(doc.name) !== documentKey(r.document_name)) continue;
    const list = out.get(r.document_index) ?? [];
    list.push({
      documentIndex: r.document_index,
      documentName: r.document_name,
      fileName: r.file_name,
      contentType: r.content_type,
      size: r.size,
      sha256: r.sha256,
      storagePath: r.storage_path,
    });
    out.set(r.document_index, list);
  }
  return out;
}

/**
 * Saves the draft's text and files. Each file is checked on its own: a bad one is left out (and
 * nothing of it stays stored) and returned in `rejected`, while the text and the good files are
 * saved. New files for a document replace those kept before; `drop` removes kept files.
 * Returns the token actually used (a new one when the given one is unknown here).
 */
export async function saveDraft(
  db: Db,
  q: { agencyId: number; procedureCode: string; token: string | undefined; values: DraftValues; uploads: readonly DraftUpload[]; drop?: readonly number[] },
): Promise<{ token: string; rejected: DomainError[] }> {
  const data = Object.fromEntries(KEPT_VALUES.filter((k) => typeof q.values[k] === "string").map((k) => [k, String(q.values[k]).slice(0, 300)]));
  // The ID number typed so far is kept sealed (privacy/sealing.ts), never plain in the database.
  if (data.idNumber) data.idNumber = seal(data.idNumber);
  const staged: { index: number; file: StagedFile }[] = [];
  const rejected: DomainError[] = [];
  let saved: { token: string; removed: string[] };
  try {
    for (const u of q.uploads) {
      try {
        const [file] = await stageFiles({ db, agencyId: q.agencyId, uploads: [u] });
        if (file) staged.push({ index: u.documentIndex, file });
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        rejected.push(e);
      }
    }
    saved = await db.scoped(scopeOf(q.agencyId), async (tx) => {
      let token = isDraftToken(q.token) ? q.token : newDraftToken();
      const removed: string[] = [];
      // Locked: two saves of one draft replace its files one after the other, never both.
      const existing = await tx.maybeOne<{ id: number; procedure_code: string }>("select id, procedure_code from dossier_drafts where token_hash = $1 for update", [
        draftHash(token),
      ]);
      let draftId: number;
      if (existing) {
        draftId = existing.id;
        await tx.exec(
          "update dossier_drafts set procedure_code = $2, data = $3, updated_at = now(), expires_at = now() + make_interval(days => $4) where id = $1",
          [draftId, q.procedureCode, JSON.stringify(data), DRAFT_DAYS],
        );
        if (existing.procedure_code !== q.procedureCode) {
          const rows = await tx.query<{ storage_path: string }>("delete from dossier_draft_files where draft_id = $1 returning storage_path", [draftId]);
          removed.push(...rows.map((r) => r.storage_path));
        }
      } else {
        const insert = (t: string) =>
          tx.maybeOne<{ id: number }>(
            `insert into dossier_drafts (agency_id, token_hash, procedure_code, data, expires_at) values ($1, $2, $3, $4, now() + make_interval(days => $5))
             on conflict (token_hash) do nothing returning id`,
            [q.agencyId, draftHash(t), q.procedureCode, JSON.stringify(data), DRAFT_DAYS],
          );
        // A token taken by a draft outside this agency's scope is not ours to touch: start afresh.
        let row = await insert(token);
        if (!row) {
          token = newDraftToken();
          row = await insert(token);
        }
        if (!row) throw new Error("draft token collision");
        draftId = row.id;
      }
      const replace = [...new Set([...staged.map((s) => s.index), ...(q.drop ?? [])])];
      if (replace.length > 0) {
        const rows = await tx.query<{ storage_path: string }>(
          "delete from dossier_draft_files where draft_id = $1 and document_index = any($2::int[]) returning storage_path",
          [draftId, replace],
        );
        removed.push(...rows.map((r) => r.storage_path));
      }
      for (const { index, file } of staged) {
        await tx.exec(
          `insert into dossier_draft_files (agency_id, draft_id, document_index, document_name, file_name, content_type, size, sha256, storage_path)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [q.agencyId, draftId, index, file.documentName, file.fileName, file.contentType, file.size, file.sha256, file.storagePath],
        );
      }
      await finaliseFiles(tx, staged.map((s) => s.file));
      return { token, removed };
    });
  } catch (e) {
    await discardFiles(db, staged.map((s) => s.file));
    throw e;
  }
  await removeStoredFiles(db, saved.removed);
  return { token: saved.token, rejected };
}

/**
 * The draft's kept files as staged files of a submission, for the documents not in `skip` (given
 * a new upload, or dropped): each gets a new key naming the same bytes (the store copies nothing
 * it need not), so the dossier owns its file whatever happens to the draft's. `undefined` when the
 * draft does not exist (any more). A kept file missing from the store or not matching its hash is
 * left out, so the submission's own document check names it.
 */
export async function stageDraftFiles(
  db: Db,
  q: { agencyId: number; procedureCode: string; token: string; documents: readonly { name: string }[]; skip: ReadonlySet<number>; now?: Date },
): Promise<StagedFile[] | undefined> {
  const exists = await loadDraft(db, { agencyId: q.agencyId, procedureCode: q.procedureCode, token: q.token });
  if (!exists) return undefined;
  const kept = await listDraftFiles(db, q);
  const store = fileStore(db);
  const staged: StagedFile[] = [];
  try {
    for (const [index, f] of [...kept].flatMap(([i, files]) => files.map((file) => [i, file] as const))) {
      if (q.skip.has(index) || !(ALLOWED_TYPES as readonly string[]).includes(f.contentType)) continue;
      const storagePath = newFileKey(q.agencyId, randomBytes(18).toString("base64url"), q.now);
      const copied = await store.copy(f.storagePath, storagePath, { stagedFor: q.agencyId });
      if (!copied) continue;
      const file: StagedFile = {
        documentName: f.documentName,
        fileName: f.fileName,
        contentType: f.contentType as AllowedType,
        size: f.size,
        sha256: f.sha256,
        storagePath,
      };
      staged.push(file);
      if (copied.sha256 !== f.sha256) {
        staged.pop();
        await discardFiles(db, [file]);
      }
    }
    return staged;
  } catch (e) {
    await discardFiles(db, staged);
    throw e;
  }
}

/** Deletes a draft, its rows and then its files: after the submission made from it has committed. */
export async function deleteDraft(db: Db, q: { agencyId: number; token: string }): Promise<void> {
  const paths = await db.scoped(scopeOf(q.agencyId), async (tx) => {
    const rows = await tx.query<{ storage_path: string }>(
      "delete from dossier_draft_files f using dossier_drafts d where d.id = f.draft_id and d.token_hash = $1 returning f.storage_path",
      [draftHash(q.token)],
    );
    await tx.exec("delete from dossier_drafts where token_hash = $1", [draftHash(q.token)]);
    return rows.map((r) => r.storage_path);
  });
  await removeStoredFiles(db, paths);
}

/**
 * The code of the dossier already submitted with this form's idempotency key: a retried
 * submission whose draft (and so its kept files) is already gone gets the first dossier back
 * instead of a mismatch.
 */
export async function findSubmittedCode(db: Db, q: { agencyId: number; idempotencyKey: string }): Promise<string | undefined> {
  const r = await db.scoped(scopeOf(q.agencyId), (tx) =>
    tx.maybeOne<{ code: string }>("select code from dossiers where agency_id = $1 and idempotency_key = $2", [q.agencyId, q.idempotencyKey]),
  );
  return r?.code;
}

/** Deletes drafts expired at `now`, with their files, in batches; returns how many of each. */
export async function purgeExpiredDrafts(db: Db, q: { now?: Date; batch?: number } = {}): Promise<{ drafts: number; files: number }> {
  const now = q.now ?? new Date();
  const batch = q.batch ?? 500;
  const total = { drafts: 0, files: 0 };
  for (;;) {
    const r = await db.system(async (tx) => {
      // Skip drafts being saved right now: a save extends the expiry, the next run sees the rest.
      const ids = (
        await tx.query<{ id: number }>("select id from dossier_drafts where expires_at <= $1 order by id limit $2 for update skip locked", [now, batch])
      ).map((x) => x.id);
      if (ids.length === 0) return { ids, paths: [] as string[] };
      const rows = await tx.query<{ storage_path: string }>("delete from dossier_draft_files where draft_id = any($1::int[]) returning storage_path", [ids]);
      await tx.exec("delete from dossier_drafts where id = any($1::int[])", [ids]);
      return { ids, paths: rows.map((x) => x.storage_path) };
    });
    await removeStoredFiles(db, r.paths);
    total.drafts += r.ids.length;
    total.files += r.paths.length;
    if (r.ids.length < batch) return total;
  }
}

registerJob({
  name: DRAFT_CLEANUP_JOB,
  cron: "40 * * * *",
  run: async ({ db }) => {
    await purgeExpiredDrafts(db);
  },
});
