import { z } from "zod";
import { type Db, PUBLIC_SCOPE, type Tx } from "../../db/scope";
import { fold, toNfc } from "../../domain/text/fold";
import { appendAudit } from "../audit/audit";

export type Agency = {
  id: number;
  parent_id: number | null;
  kind: string;
  unit_type: string | null;
  gso_code: string | null;
  code: string;
  unit_name: string;
  name: string;
  name_en: string | null;
  address: string | null;
  phone: string | null;
  email: string | null;
  working_hours: string | null;
  office: Record<string, unknown>;
  is_demo: boolean;
};

const COLUMNS = "id, parent_id, kind, unit_type, gso_code, code, unit_name, name, name_en, address, phone, email, working_hours, office, is_demo";

export function findAgencyByCode(tx: Tx, code: string): Promise<Agency | undefined> {
  return tx.maybeOne<Agency>(`select ${COLUMNS} from agencies where code = $1 or gso_code = $1 limit 1`, [code.trim()]);
}

const identities = new Map<string, { at: number; identity: { id: number; code: string } }>();
/** Long enough to spare a look-up per request under load, short enough for a changed code to be seen soon. */
const IDENTITY_TTL_MS = 60_000;
const IDENTITY_LIMIT = 10_000;

/**
 * An agency's id and code by code (or GSO code) without a transaction of its own when seen in the
 * last minute: online intake names the agency in every request, and ids and codes practically
 * never change. Only found agencies are remembered, so a newly created one is seen at once.
 */
export async function findAgencyIdentity(db: Db, code: string): Promise<{ id: number; code: string } | undefined> {
  const key = code.trim();
  const hit = identities.get(key);
  if (hit && Date.now() - hit.at < IDENTITY_TTL_MS) return hit.identity;
  const a = await db.scoped(PUBLIC_SCOPE, (tx) => findAgencyByCode(tx, key));
  if (!a) return undefined;
  if (identities.size >= IDENTITY_LIMIT) identities.delete(identities.keys().next().value!);
  identities.set(key, { at: Date.now(), identity: { id: a.id, code: a.code } });
  return { id: a.id, code: a.code };
}

export function findAgency(tx: Tx, id: number): Promise<Agency | undefined> {
  return tx.maybeOne<Agency>(`select ${COLUMNS} from agencies where id = $1`, [id]);
}

export async function getAgency(tx: Tx, id: number): Promise<Agency> {
  const a = await findAgency(tx, id);
  if (!a) throw new Error(`agency ${id} not found`);
  return a;
}

export const AgencyQuery = z.object({
  parent: z.string().trim().max(40).optional(),
  q: z.string().max(200).optional(),
  kind: z.string().regex(/^[a-z_]{2,30}$/).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type AgencyQuery = z.infer<typeof AgencyQuery>;

export type AgencyListItem = { code: string; gsoCode: string | null; name: string; unitName: string; kind: string; parent: string | null };

/** Lists agencies, filtered by parent code and a diacritic-insensitive name match. */
export async function listAgencies(tx: Tx, q: AgencyQuery): Promise<{ total: number; items: AgencyListItem[] }> {
  const where: string[] = [];
  const values: unknown[] = [];
  if (q.parent) {
    values.push(q.parent);
    where.push(`a.parent_id = (select id from agencies where code = $${values.length} or gso_code = $${values.length} limit 1)`);
  }
  if (q.kind) {
    values.push(q.kind);
    where.push(`a.kind = $${values.length}`);
  }
  const folded = q.q ? fold(q.q).replace(/\s+/g, " ").trim() : "";
  if (folded) {
    values.push(`%${folded.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
    where.push(`a.search_text like $${values.length}`);
  }
  const clause = where.length ? `where ${where.join(" and ")}` : "";
  const total = (await tx.one<{ n: number }>(`select count(*) as n from agencies a ${clause}`, values)).n;
  values.push(q.limit, q.offset);
  const rows = await tx.query<{ code: string; gso_code: string | null; name: string; unit_name: string; kind: string; parent: string | null }>(
    `select a.code, a.gso_code, a.name, a.unit_name, a.kind, p.code as parent
     from agencies a left join agencies p on p.id = a.parent_id ${clause}
     order by a.kind, a.gso_code nulls last, a.unit_name limit $${values.length - 1} offset $${values.length}`,
    values,
  );
  return { total, items: rows.map((r) => ({ code: r.code, gsoCode: r.gso_code, name: r.name, unitName: r.unit_name, kind: r.kind, parent: r.parent })) };
}

export const AgencyUpdate = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.]{3,40}$/, "msg:agency.codeInvalid"),
  name: z.string().trim().min(3).max(200).transform(toNfc),
  address: z.string().trim().max(300).transform(toNfc).optional().default(""),
  phone: z
    .string()
    .trim()
    .regex(/^$|^[0-9 +().-]{6,20}$/, "msg:agency.phoneInvalid")
    .optional()
    .default(""),
  email: z.union([z.literal(""), z.string().trim().email()]).optional().default(""),
  workingHours: z.string().trim().max(200).transform(toNfc).optional().default(""),
});
export type AgencyUpdate = z.infer<typeof AgencyUpdate>;

export async function updateAgency(tx: Tx, id: number, input: AgencyUpdate, actor: { userId: number; label: string }): Promise<"ok" | "code_taken" | "not_found"> {
  const clash = await tx.maybeOne("select 1 from agencies where code = $1 and id <> $2", [input.code, id]);
  if (clash) return "code_taken";
  const before = await findAgency(tx, id);
  const n = await tx.exec(
    `update agencies set code = $2, name = $3, address = nullif($4, ''), phone = nullif($5, ''), email = nullif($6, ''), working_hours = nullif($7, ''),
       updated_at = now() where id = $1`,
    [id, input.code, input.name, input.address, input.phone, input.email, input.workingHours],
  );
  if (n === 0 || !before) return "not_found";
  await appendAudit(tx, {
    agencyId: id,
    actorUserId: actor.userId,
    actor: actor.label,
    action: "agency.update",
    entity: "agency",
    entityId: id,
    data: { before: { code: before.code, name: before.name, address: before.address, phone: before.phone }, after: input },
  });
  return "ok";
}

export async function countCommunesBelow(tx: Tx, agencyId: number): Promise<number> {
  const r = await tx.one<{ n: number }>(
    `with recursive t(id) as (select $1::int union all select a.id from agencies a join t on a.parent_id = t.id)
     select count(*) - 1 as n from t`,
    [agencyId],
  );
  return r.n;
}
