// Digitised documents and the applicant's document store (kho dữ liệu của người nộp, keyed by the
// citizen ID). A scan received at the counter becomes an attachment of the dossier and an entry
// of the store, OCR pending; the OCR job reads it later and adds its text to the dossier's search
// text, so staff find dossiers by what their papers say. A later dossier of the same person reuses
// a stored document: an attachment pointing at the same file, the reuse recorded, the checklist
// item marked received. A stored file is removed only when no row names it any more
// (removeStoredFiles), so sharing one is safe.
import type { Db, Tx } from "../../db/scope";
import { documentKey } from "../../domain/catalog/requirements";
import { DomainError } from "../../domain/errors";
import { fold } from "../../domain/text/fold";
import { appendAudit } from "../audit/audit";
import type { StagedFile } from "../dossiers/files";
import { getStoredFile } from "../storage/storage";
import { ocrDocument } from "./ocr";

export type StoredDocument = {
  id: number;
  kind: "scan" | "result";
  documentName: string;
  fileName: string;
  contentType: string;
  size: number;
  sourceDossierId: number | null;
  sourceDossierCode: string | null;
  ocrStatus: "pending" | "done" | "failed" | "not_needed";
  ocrText: string | null;
  createdAt: Date;
};

const COLS = `s.id, s.kind, s.document_name as "documentName", s.file_name as "fileName", s.content_type as "contentType", s.size,
  s.source_dossier_id as "sourceDossierId", d.code as "sourceDossierCode", s.ocr_status as "ocrStatus", s.ocr_text as "ocrText", s.created_at as "createdAt"`;

/**
 * A person's stored documents at the agency, newest first, found by the keyed look-up hash of
 * their ID number (the number itself is stored sealed); a dossier without one has none.
 */
export async function listStored(tx: Tx, q: { agencyId: number; idHash: string | null }): Promise<StoredDocument[]> {
  if (!q.idHash) return [];
  return tx.query<StoredDocument>(
    `select ${COLS} from applicant_documents s left join dossiers d on d.id = s.source_dossier_id where s.agency_id = $1 and s.id_hash = $2 order by s.created_at desc, s.id desc limit 200`,
    [q.agencyId, q.idHash],
  );
}

/** The documents digitised for a dossier itself (its scans and results). */
export async function listDigitised(tx: Tx, dossierId: number): Promise<StoredDocument[]> {
  return tx.query<StoredDocument>(`select ${COLS} from applicant_documents s left join dossiers d on d.id = s.source_dossier_id where s.source_dossier_id = $1 order by s.id`, [dossierId]);
}

export type ReuseRecord = { documentName: string; storedId: number; sourceDossierCode: string | null; actorLabel: string; at: Date };

export async function listReuses(tx: Tx, dossierId: number): Promise<ReuseRecord[]> {
  return tx.query<ReuseRecord>(
    `select r.document_name as "documentName", r.applicant_document_id as "storedId", d.code as "sourceDossierCode", r.actor_label as "actorLabel", r.at
     from dossier_document_reuses r join applicant_documents s on s.id = r.applicant_document_id left join dossiers d on d.id = s.source_dossier_id
     where r.dossier_id = $1 order by r.at, r.id`,
    [dossierId],
  );
}

type DossierLite = { id: number; agency_id: number; code: string; status: string; applicant_id_number: string; applicant_id_hash: string | null; documents: { name: string; received: boolean; kind?: string }[] };

async function lockDossier(tx: Tx, dossierId: number): Promise<DossierLite> {
  const d = await tx.maybeOne<DossierLite>("select id, agency_id, code, status, applicant_id_number, applicant_id_hash, documents from dossiers where id = $1 for update", [dossierId]);
  if (!d) throw new DomainError("not_found", "dossier.err.notFound");
  return d;
}

export type DigitiseActor = { userId: number | null; label: string };

/**
 * Records scans of paper documents of a dossier (files already checked and staged like any upload):
 * attachments, entries of the applicant's store with OCR pending. The scans are the dossier's
 * papers: a closed dossier takes none.
 */
export async function recordScans(tx: Tx, o: { dossierId: number; files: readonly StagedFile[]; actor: DigitiseActor }): Promise<number[]> {
  const d = await lockDossier(tx, o.dossierId);
  if (["refused", "withdrawn", "returned"].includes(d.status)) throw new DomainError("conflict", "digitise.err.closed");
  const ids: number[] = [];
  for (const f of o.files) {
    const att = await tx.one<{ id: number }>(
      `insert into dossier_attachments (agency_id, dossier_id, kind, document_name, file_name, content_type, size, sha256, storage_path, created_by)
       values ($1, $2, 'document', $3, $4, $5, $6, $7, $8, $9) returning id`,
      [d.agency_id, d.id, f.documentName, f.fileName, f.contentType, f.size, f.sha256, f.storagePath, o.actor.userId],
    );
    // The applicant's store is keyed by their ID number: a dossier without one keeps the scan as
    // its attachment only.
    if (!d.applicant_id_hash) continue;
    const s = await tx.one<{ id: number }>(
      `insert into applicant_documents (agency_id, id_number, id_hash, kind, document_name, file_name, content_type, size, sha256, storage_path, source_dossier_id, source_attachment_id, ocr_status, created_by)
       values ($1, $2, $3, 'scan', $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12) returning id`,
      [d.agency_id, d.applicant_id_number, d.applicant_id_hash, f.documentName, f.fileName, f.contentType, f.size, f.sha256, f.storagePath, d.id, att.id, o.actor.userId],
    );
    ids.push(s.id);
  }
  await appendAudit(tx, {
    agencyId: d.agency_id,
    actorUserId: o.actor.userId,
    actor: o.actor.label,
    action: "document.scan",
    entity: "dossier",
    entityId: d.code,
    data: { documents: o.files.map((f) => ({ name: f.documentName, sha256: f.sha256 })) },
  });
  return ids;
}

/** Statuses in which a dossier still takes documents. */
const TAKES_DOCUMENTS = ["submitted", "received", "in_progress", "supplement_requested"];

/**
 * Uses a stored document of the same person for a dossier instead of receiving it again: an
 * attachment pointing at the stored file, the reuse recorded, the checklist item of the same name
 * marked received. Another person's document, or the same one twice, is refused.
 */
export async function reuseStored(tx: Tx, o: { dossierId: number; storedId: number; documentName?: string | null; actor: DigitiseActor }): Promise<void> {
  const d = await lockDossier(tx, o.dossierId);
  if (!TAKES_DOCUMENTS.includes(d.status)) throw new DomainError("conflict", "digitise.err.closed");
  const s = await tx.maybeOne<{ id: number; agency_id: number; id_hash: string | null; document_name: string; file_name: string; content_type: string; size: number; sha256: string; storage_path: string }>(
    "select id, agency_id, id_hash, document_name, file_name, content_type, size, sha256, storage_path from applicant_documents where id = $1",
    [o.storedId],
  );
  if (!s || s.agency_id !== d.agency_id || !d.applicant_id_hash || s.id_hash !== d.applicant_id_hash) throw new DomainError("not_found", "digitise.err.notFound");
  const already = await tx.maybeOne("select 1 from dossier_document_reuses where dossier_id = $1 and applicant_document_id = $2", [d.id, s.id]);
  if (already) throw new DomainError("conflict", "digitise.err.reused");
  const name = (o.documentName?.trim() || s.document_name).normalize("NFC").slice(0, 4000);
  const att = await tx.one<{ id: number }>(
    `insert into dossier_attachments (agency_id, dossier_id, kind, document_name, file_name, content_type, size, sha256, storage_path, created_by)
     values ($1, $2, 'document', $3, $4, $5, $6, $7, $8, $9) returning id`,
    [d.agency_id, d.id, name, s.file_name, s.content_type, s.size, s.sha256, s.storage_path, o.actor.userId],
  );
  await tx.exec(
    "insert into dossier_document_reuses (agency_id, dossier_id, applicant_document_id, attachment_id, document_name, actor_user_id, actor_label) values ($1, $2, $3, $4, $5, $6, $7)",
    [d.agency_id, d.id, s.id, att.id, name, o.actor.userId, o.actor.label],
  );
  const key = documentKey(name);
  if (d.documents.some((x) => documentKey(x.name) === key && !x.received)) {
    const documents = d.documents.map((x) => (documentKey(x.name) === key ? { ...x, received: true } : x));
    await tx.exec("update dossiers set documents = $2, updated_at = now() where id = $1", [d.id, JSON.stringify(documents)]);
  }
  await appendAudit(tx, { agencyId: d.agency_id, actorUserId: o.actor.userId, actor: o.actor.label, action: "document.reuse", entity: "dossier", entityId: d.code, data: { stored: s.id, name, sha256: s.sha256 } });
}

/** How many times to try a document before leaving it failed (an unreadable scan stays unreadable). */
const MAX_OCR_ATTEMPTS = 3;

/**
 * Reads pending scans (a background job): stores each text, adds it (folded) to its dossier's
 * search text. A failure is recorded on the document and never touches the dossier.
 */
export async function runOcr(db: Db, o: { limit?: number } = {}): Promise<{ done: number; failed: number }> {
  const out = { done: 0, failed: 0 };
  const claimed = await db.system((tx) =>
    tx.query<{ id: number; storage_path: string; content_type: string; source_dossier_id: number | null; attempts: number }>(
      `update applicant_documents set ocr_attempts = ocr_attempts + 1, ocr_at = now()
       where id in (select id from applicant_documents where ocr_status = 'pending' and ocr_attempts < $1 and (ocr_at is null or ocr_at < now() - interval '10 minutes')
                    order by created_at limit $2 for update skip locked)
       returning id, storage_path, content_type, source_dossier_id, ocr_attempts as attempts`,
      [MAX_OCR_ATTEMPTS, o.limit ?? 5],
    ),
  );
  for (const c of claimed) {
    const started = performance.now();
    try {
      const bytes = await getStoredFile(db, c.storage_path);
      const text = await ocrDocument(bytes, c.content_type);
      await db.system(async (tx) => {
        await tx.exec("update applicant_documents set ocr_status = 'done', ocr_text = $2, ocr_error = null, ocr_ms = $3 where id = $1", [c.id, text, Math.round(performance.now() - started)]);
        if (c.source_dossier_id !== null && text.trim()) {
          await tx.exec("update dossiers set search_text = left(search_text || ' ' || $2, 200000) where id = $1", [c.source_dossier_id, fold(text).replace(/\s+/g, " ")]);
        }
      });
      out.done++;
    } catch (e) {
      const last = c.attempts >= MAX_OCR_ATTEMPTS;
      await db.system((tx) =>
        tx.exec(`update applicant_documents set ocr_error = $2${last ? ", ocr_status = 'failed'" : ""} where id = $1`, [c.id, String((e as Error).message ?? e).slice(0, 500)]),
      );
      if (last) out.failed++;
    }
  }
  return out;
}
