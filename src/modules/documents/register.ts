// The register of outgoing documents (sổ đăng ký văn bản đi). A number is taken from the
// (agency, year, kind) counter inside the caller's transaction: the counter row's lock makes
// concurrent issues wait for each other, and a rolled-back issue gives its number back.
import { z } from "zod";
import type { Tx } from "../../db/scope";
import { documentCode, DOC_KINDS, isDocKind, symbolOf } from "../../domain/documents/numbering";
import { appendAudit } from "../audit/audit";

export type RegisteredDocument = {
  id: number;
  agencyId: number;
  year: number;
  kind: string;
  number: number;
  symbol: string;
  /** "82/BC-UBND" */
  code: string;
  issuedOn: string;
  subject: string;
  entity: string | null;
  entityId: number | null;
};

type Row = { id: number; agency_id: number; year: number; kind: string; number: number; symbol: string; issued_on: string; subject: string; entity: string | null; entity_id: number | null };

function toDoc(r: Row): RegisteredDocument {
  return {
    id: r.id,
    agencyId: r.agency_id,
    year: r.year,
    kind: r.kind,
    number: r.number,
    symbol: r.symbol,
    code: documentCode(r.number, r.symbol),
    issuedOn: r.issued_on,
    subject: r.subject,
    entity: r.entity,
    entityId: r.entity_id,
  };
}

const COLS = "id, agency_id, year, kind, number, symbol, issued_on::text as issued_on, subject, entity, entity_id";

export type Actor = { userId: number | null; label: string };

export type IssueNumberInput = {
  agencyId: number;
  kind: string;
  issuedOn: string;
  subject: string;
  issuer?: string;
  entity?: string;
  entityId?: number;
  signerName?: string;
};

/** Takes the next number of (agency, year, kind) and records the document, in the caller's transaction. */
export async function issueDocumentNumber(tx: Tx, input: IssueNumberInput, actor: Actor): Promise<RegisteredDocument> {
  if (!isDocKind(input.kind)) throw new Error(`unknown document kind ${input.kind}`);
  const year = Number(input.issuedOn.slice(0, 4));
  const { last_number } = await tx.one<{ last_number: number }>(
    `insert into doc_counters (agency_id, year, kind, last_number) values ($1, $2, $3, 1)
     on conflict (agency_id, year, kind) do update set last_number = doc_counters.last_number + 1
     returning last_number`,
    [input.agencyId, year, input.kind],
  );
  const row = await tx.one<Row>(
    `insert into documents (agency_id, year, kind, number, symbol, issued_on, subject, entity, entity_id, signer_name, created_by)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) returning ${COLS}`,
    [input.agencyId, year, input.kind, last_number, symbolOf(input.kind, input.issuer), input.issuedOn, input.subject, input.entity ?? null, input.entityId ?? null, input.signerName ?? null, actor.userId],
  );
  const doc = toDoc(row);
  await appendAudit(tx, { agencyId: input.agencyId, actorUserId: actor.userId, actor: actor.label, action: "document.register", entity: "document", entityId: doc.id, data: { code: doc.code, issuedOn: doc.issuedOn, entity: doc.entity, entityId: doc.entityId } });
  return doc;
}

/**
 * Records a document numbered outside the system (e.g. plans issued on paper before the
 * register was kept here) and moves the counter past it, so the next number never collides.
 */
export async function recordExistingDocument(tx: Tx, input: IssueNumberInput & { number: number }, actor: Actor): Promise<RegisteredDocument | "taken"> {
  if (!isDocKind(input.kind)) throw new Error(`unknown document kind ${input.kind}`);
  const year = Number(input.issuedOn.slice(0, 4));
  const row = await tx.maybeOne<Row>(
    `insert into documents (agency_id, year, kind, number, symbol, issued_on, subject, entity, entity_id, signer_name, created_by)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) on conflict (agency_id, year, kind, number) do nothing returning ${COLS}`,
    [input.agencyId, year, input.kind, input.number, symbolOf(input.kind, input.issuer), input.issuedOn, input.subject, input.entity ?? null, input.entityId ?? null, input.signerName ?? null, actor.userId],
  );
  if (!row) return "taken";
  await tx.exec(
    `insert into doc_counters (agency_id, year, kind, last_number) values ($1, $2, $3, $4)
     on conflict (agency_id, year, kind) do update set last_number = greatest(doc_counters.last_number, excluded.last_number)`,
    [input.agencyId, year, input.kind, input.number],
  );
  const doc = toDoc(row);
  await appendAudit(tx, { agencyId: input.agencyId, actorUserId: actor.userId, actor: actor.label, action: "document.record", entity: "document", entityId: doc.id, data: { code: doc.code, issuedOn: doc.issuedOn } });
  return doc;
}


export const DocumentQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  kind: z
    .string()
    .refine((k) => isDocKind(k), { message: "msg:documents.badKind" })
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type DocumentQuery = z.infer<typeof DocumentQuery>;

export async function listDocuments(tx: Tx, agencyId: number, q: DocumentQuery): Promise<RegisteredDocument[]> {
  const rows = await tx.query<Row>(
    `select ${COLS} from documents where agency_id = $1 and ($2::int is null or year = $2) and ($3::text is null or kind = $3)
     order by year desc, kind, number desc limit $4`,
    [agencyId, q.year ?? null, q.kind ?? null, q.limit],
  );
  return rows.map(toDoc);
}

export { DOC_KINDS };
