// Writing an imported catalog: new codes, new versions of changed procedures (with the field
// diff announced), abolitions. Runs in the caller's transaction, so a failure leaves nothing.
import type { Procedure } from "../../domain/catalog/model";
import { diffProcedures, procedureContentHash } from "../../domain/catalog/version";
import type { Tx } from "../../db/scope";
import { formatDate } from "../../domain/text/format";
import { DomainError } from "../../domain/errors";
import { appendAudit } from "../audit/audit";
import { refreshProcedureDefaults } from "./defaults";
import { searchText } from "./file";

export type AnnouncementChange = { field: string; label: string; before: string; after: string };

export type ImportOptions = {
  /** The root (province) agency that imports; it owns new procedures and "new" announcements. */
  agencyId: number;
  actor: string;
  actorUserId?: number | null;
  /** "YYYY-MM-DD"; default today in Vietnam. New versions are in force from this day. */
  effectiveFrom?: string;
  /**
   * Abolish what the file does not contain: `true` or "all" every procedure of the catalog,
   * "fields" only those of the fields the file contains (a decision that re-announces whole fields).
   */
  abolishMissing?: boolean | AbolishMissing;
  /** Codes the decision abolishes (its list of "thủ tục hành chính bị bãi bỏ"). */
  abolishCodes?: readonly string[];
  /** The announcement decision the file comes from; cited in every announcement. */
  decision?: ImportDecision | null;
  /** The staff import this run applies (catalog_imports), kept on its announcements. */
  importId?: number | null;
  /** The agency of whoever ran it, when not the importing agency: its audit log records it too. */
  actorAgencyId?: number | null;
  /** Write announcements (default true); the demo seed turns them off. */
  announce?: boolean;
  onProgress?: (done: number, total: number) => void;
};

export const ABOLISH_MISSING = ["none", "fields", "all"] as const;
export type AbolishMissing = (typeof ABOLISH_MISSING)[number];

/** Number and date of the decision announcing the procedures (Quyết định công bố). */
export type ImportDecision = { number: string; date: string | null };

export type ImportResult = {
  created: number;
  amended: string[];
  reinstated: string[];
  abolished: string[];
  unchanged: number;
  announcements: number;
};

const CHUNK = 250;

/** The advisory lock every catalog import and abolition takes for its transaction. */
export const IMPORT_LOCK = 1_700_017;

export async function todayInVietnam(tx: Tx): Promise<string> {
  const r = await tx.one<{ d: string }>("select to_char((now() at time zone 'Asia/Ho_Chi_Minh')::date, 'YYYY-MM-DD') as d");
  return r.d;
}

export type Existing = { id: number; code: string; name: string; field: string; abolished_on: string | null; version_no: number; effective_from: string; content_hash: string };

type AnnouncementRow = {
  agency_id: number;
  kind: "new" | "amended" | "abolished";
  procedure_id: number;
  version_id: number | null;
  procedure_code: string;
  procedure_name: string;
  title: string;
  summary: string;
  changes: AnnouncementChange[];
};

type Announced = { importId: number | null; decision: ImportDecision | null; effectiveOn: string };

async function insertAnnouncements(tx: Tx, rows: AnnouncementRow[], meta: Announced): Promise<number> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx.exec(
      `insert into catalog_announcements (agency_id, kind, procedure_id, version_id, procedure_code, procedure_name, title, summary, changes,
         import_id, decision_number, decision_date, effective_on)
       select agency_id, kind, procedure_id, version_id, procedure_code, procedure_name, title, summary, changes, $2, $3, $4::date, $5::date
       from jsonb_to_recordset($1::jsonb) as x(agency_id int, kind text, procedure_id int, version_id int, procedure_code text,
         procedure_name text, title text, summary text, changes jsonb)`,
      [JSON.stringify(rows.slice(i, i + CHUNK)), meta.importId, meta.decision?.number ?? null, meta.decision?.date ?? null, meta.effectiveOn],
    );
  }
  return rows.length;
}

/**
 * Agencies that offer a procedure, else the importing agency: someone must be told. A commune
 * that offers it by default counts once it is in use (has staff accounts): the thousands of
 * communes nobody works in yet are not sent notices.
 */
async function audienceOf(tx: Tx, procedureId: number, fallback: number): Promise<number[]> {
  const rows = await tx.query<{ agency_id: number }>(
    `select agency_id from agency_procedures where procedure_id = $1 and enabled
     union
     select a.id from agencies a join procedures p on p.id = $1 and p.commune_default
     where a.kind = 'commune' and exists (select 1 from users u where u.agency_id = a.id)
       and not exists (select 1 from agency_procedures ap where ap.agency_id = a.id and ap.procedure_id = $1)
     order by 1`,
    [procedureId],
  );
  return rows.length ? rows.map((r) => r.agency_id) : [fallback];
}

/**
 * Who is told of new procedures: the importing agency, and every commune in use that offers them
 * by default (its public catalog shows them from the effective date, so its portal announces them).
 */
async function newAudiences(tx: Tx, procedureIds: readonly number[], importer: number): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>(procedureIds.map((id) => [id, [importer]]));
  if (procedureIds.length === 0) return out;
  const rows = await tx.query<{ procedure_id: number; agency_id: number }>(
    `select p.id as procedure_id, a.id as agency_id from procedures p
     join agencies a on a.kind = 'commune' and a.id <> $2 and exists (select 1 from users u where u.agency_id = a.id)
     where p.id = any($1::int[]) and p.commune_default
       and not exists (select 1 from agency_procedures ap where ap.agency_id = a.id and ap.procedure_id = p.id and not ap.enabled)
     order by 1, 2`,
    [[...procedureIds], importer],
  );
  for (const r of rows) out.get(r.procedure_id)?.push(r.agency_id);
  return out;
}

/** " theo Quyết định số 12/QĐ-UBND ngày 02/06/2026" (the import's decision, else the catalog's own). */
function decisionPhrase(decision: ImportDecision | null | undefined, own: string | null): string {
  if (decision) return ` theo Quyết định số ${decision.number}${decision.date ? ` ngày ${formatDate(decision.date)}` : ""}`;
  return own ? ` theo Quyết định ${own}` : "";
}

function newAnnouncement(p: Procedure, effectiveFrom: string, decision: ImportDecision | null | undefined): Pick<AnnouncementRow, "kind" | "title" | "summary" | "changes"> {
  return {
    kind: "new",
    title: `Công bố thủ tục hành chính mới: ${p.name}`,
    summary: `Thủ tục ${p.code} (lĩnh vực ${p.field || "chưa phân loại"})${decisionPhrase(decision, p.decision)}, áp dụng từ ngày ${formatDate(effectiveFrom)}.`,
    changes: [],
  };
}

function amendedAnnouncement(p: Procedure, effectiveFrom: string, decision: ImportDecision | null | undefined, changes: AnnouncementChange[]): Pick<AnnouncementRow, "kind" | "title" | "summary" | "changes"> {
  return {
    kind: "amended",
    title: `Sửa đổi, bổ sung thủ tục hành chính: ${p.name}`,
    summary: `Thủ tục ${p.code} được sửa đổi, bổ sung${decision ? decisionPhrase(decision, null) : ""} từ ngày ${formatDate(effectiveFrom)}: ${changes.map((c) => c.label).join("; ")}.`,
    changes,
  };
}

/** Every procedure's newest version, by code: what a file is compared with. */
export async function loadExisting(tx: Tx): Promise<Map<string, Existing>> {
  return new Map(
    (
      await tx.query<Existing>(
        `select p.id, p.code, p.name, p.field, to_char(p.abolished_on, 'YYYY-MM-DD') as abolished_on, v.version_no,
                to_char(v.effective_from, 'YYYY-MM-DD') as effective_from, v.content_hash
         from procedures p
         join lateral (select version_no, effective_from, content_hash from procedure_versions where procedure_id = p.id order by version_no desc limit 1) v on true`,
      )
    ).map((e) => [e.code, e]),
  );
}

export type Classified = {
  fresh: { p: Procedure; hash: string }[];
  /** Changed content, or an abolished code that comes back (reinstated). */
  changed: { p: Procedure; hash: string; old: Existing }[];
  unchanged: number;
};

/** New codes, changed content (by hash) and identical ones: the one rule the preview and the import share. */
export function classifyProcedures(existing: ReadonlyMap<string, Existing>, procedures: readonly Procedure[]): Classified {
  const out: Classified = { fresh: [], changed: [], unchanged: 0 };
  for (const p of procedures) {
    const hash = procedureContentHash(p);
    const old = existing.get(p.code);
    if (!old) out.fresh.push({ p, hash });
    else if (old.content_hash !== hash || old.abolished_on !== null) out.changed.push({ p, hash, old });
    else out.unchanged++;
  }
  return out;
}

export type AbolishTargets = { targets: Existing[]; problems: { code: string; message: string }[] };

/**
 * What the import abolishes: the codes listed, and with `missing` the procedures the file lacks
 * (of the whole catalog, or of the fields it contains). Listing a code that is unknown, abolished
 * already or also in the file is a problem: the import is refused rather than guessing.
 */
export function abolishTargets(
  existing: ReadonlyMap<string, Existing>,
  procedures: readonly Procedure[],
  spec: { codes?: readonly string[] | undefined; missing?: boolean | AbolishMissing | undefined },
): AbolishTargets {
  const present = new Set(procedures.map((p) => p.code));
  const out = new Map<string, Existing>();
  const problems: AbolishTargets["problems"] = [];
  for (const code of new Set(spec.codes ?? [])) {
    const e = existing.get(code);
    if (!e) problems.push({ code, message: "không có trong danh mục, không thể bãi bỏ" });
    else if (present.has(code)) problems.push({ code, message: "vừa có trong tệp vừa được liệt kê để bãi bỏ" });
    else if (e.abolished_on !== null) problems.push({ code, message: `đã bị bãi bỏ từ ngày ${formatDate(e.abolished_on)}` });
    else out.set(code, e);
  }
  const missing = spec.missing === true ? "all" : spec.missing || "none";
  if (missing !== "none") {
    const fields = new Set(procedures.map((p) => p.field));
    for (const e of existing.values()) {
      if (e.abolished_on !== null || present.has(e.code)) continue;
      if (missing === "fields" && !fields.has(e.field)) continue;
      out.set(e.code, e);
    }
  }
  return { targets: [...out.values()].sort((a, b) => (a.code < b.code ? -1 : 1)), problems };
}

/**
 * Imports parsed procedures. Identical content (same hash as the newest version) changes nothing;
 * changed content adds a version in force from `effectiveFrom` and announces the field diff to
 * every agency offering the procedure; unknown codes are created and announced to the importer
 * and the communes that offer them by default; listed or missing codes are abolished.
 */
export async function importProcedures(tx: Tx, procedures: readonly Procedure[], opts: ImportOptions): Promise<ImportResult> {
  const effectiveFrom = opts.effectiveFrom ?? (await todayInVietnam(tx));
  const announce = opts.announce !== false;
  const decision = opts.decision ?? null;
  // One import at a time (CLI, staff page): versions are numbered from the newest one.
  await tx.exec("select pg_advisory_xact_lock($1)", [IMPORT_LOCK]);
  const existing = await loadExisting(tx);
  const { fresh, changed, unchanged } = classifyProcedures(existing, procedures);
  const abolish = abolishTargets(existing, procedures, { codes: opts.abolishCodes, missing: opts.abolishMissing });
  if (abolish.problems.length) {
    const p = abolish.problems[0]!;
    throw new Error(`Thủ tục ${p.code} ${p.message}`);
  }
  const result: ImportResult = { created: 0, amended: [], reinstated: [], abolished: [], unchanged, announcements: 0 };
  const announcements: AnnouncementRow[] = [];
  const total = procedures.length;
  let done = result.unchanged;
  const touched: number[] = [];
  const created: { procedureId: number; versionId: number; p: Procedure }[] = [];
  opts.onProgress?.(done, total);

  for (let i = 0; i < fresh.length; i += CHUNK) {
    const chunk = fresh.slice(i, i + CHUNK);
    const rows = await tx.query<{ procedure_id: number; version_id: number; code: string }>(
      `with input as (
         select * from jsonb_to_recordset($1::jsonb) as x(code text, name text, field text, search_text text, content jsonb, hash text)
       ), p as (
         insert into procedures (agency_id, code, name, field, search_text)
         select $2, code, name, field, search_text from input returning id, code
       ), v as (
         insert into procedure_versions (agency_id, procedure_id, version_no, effective_from, name, field, content, content_hash)
         select $2, p.id, 1, $3::date, i.name, i.field, i.content, i.hash from input i join p using (code)
         returning id, procedure_id
       )
       select v.procedure_id, v.id as version_id, p.code from v join p on p.id = v.procedure_id`,
      [
        JSON.stringify(chunk.map(({ p, hash }) => ({ code: p.code, name: p.name, field: p.field, search_text: searchText(p), content: p, hash }))),
        opts.agencyId,
        effectiveFrom,
      ],
    );
    touched.push(...rows.map((r) => r.procedure_id));
    const byCode = new Map(chunk.map((c) => [c.p.code, c.p]));
    for (const r of rows) created.push({ procedureId: r.procedure_id, versionId: r.version_id, p: byCode.get(r.code)! });
    result.created += chunk.length;
    done += chunk.length;
    opts.onProgress?.(done, total);
  }

  for (const { p, hash, old } of changed) {
    if (effectiveFrom < old.effective_from) {
      throw new Error(`Ngày hiệu lực ${formatDate(effectiveFrom)} của thủ tục ${p.code} sớm hơn phiên bản hiện có (${formatDate(old.effective_from)})`);
    }
    const reinstated = old.abolished_on !== null;
    let versionId: number | null = null;
    let changes: AnnouncementChange[] = [];
    if (old.content_hash !== hash) {
      const before = await tx.one<{ content: Procedure }>("select content from procedure_versions where procedure_id = $1 and version_no = $2", [old.id, old.version_no]);
      changes = diffProcedures(before.content, p).map((c) => ({ field: c.field, label: c.label_vi, before: c.before, after: c.after }));
      await tx.exec("update procedure_versions set effective_to = $3::date where procedure_id = $1 and version_no = $2", [old.id, old.version_no, effectiveFrom]);
      versionId = (
        await tx.one<{ id: number }>(
          `insert into procedure_versions (agency_id, procedure_id, version_no, effective_from, name, field, content, content_hash)
           values ($1, $2, $3, $4::date, $5, $6, $7, $8) returning id`,
          [opts.agencyId, old.id, old.version_no + 1, effectiveFrom, p.name, p.field, JSON.stringify(p), hash],
        )
      ).id;
    } else {
      await tx.exec("update procedure_versions set effective_to = null where procedure_id = $1 and version_no = $2", [old.id, old.version_no]);
    }
    await tx.exec("update procedures set name = $2, field = $3, search_text = $4, abolished_on = null, updated_at = clock_timestamp() where id = $1", [
      old.id,
      p.name,
      p.field,
      searchText(p),
    ]);
    touched.push(old.id);
    if (reinstated) result.reinstated.push(p.code);
    else result.amended.push(p.code);
    if (announce) {
      const text = reinstated ? newAnnouncement(p, effectiveFrom, decision) : amendedAnnouncement(p, effectiveFrom, decision, changes);
      for (const agencyId of await audienceOf(tx, old.id, opts.agencyId)) {
        announcements.push({ agency_id: agencyId, procedure_id: old.id, version_id: versionId, procedure_code: p.code, procedure_name: p.name, ...text });
      }
    }
    done++;
    if (done % 50 === 0 || done === total) opts.onProgress?.(done, total);
  }

  for (const old of abolish.targets) {
    const r = await abolishOne(tx, { procedureId: old.id, effectiveOn: effectiveFrom, agencyId: opts.agencyId, announce, decision });
    announcements.push(...r);
    result.abolished.push(old.code);
  }
  if (touched.length) await refreshProcedureDefaults(tx, { procedureIds: touched });
  if (announce && created.length) {
    // After the defaults are computed: they decide which communes offer the new procedures.
    const audiences = await newAudiences(tx, created.map((c) => c.procedureId), opts.agencyId);
    for (const c of created) {
      const text = newAnnouncement(c.p, effectiveFrom, decision);
      for (const agencyId of audiences.get(c.procedureId) ?? [opts.agencyId]) {
        announcements.push({ agency_id: agencyId, procedure_id: c.procedureId, version_id: c.versionId, procedure_code: c.p.code, procedure_name: c.p.name, ...text });
      }
    }
  }
  result.announcements = await insertAnnouncements(tx, announcements, { importId: opts.importId ?? null, decision, effectiveOn: effectiveFrom });
  opts.onProgress?.(total, total);
  const data = { ...result, records: procedures.length, effectiveFrom, ...(decision ? { decision: decision.number, decisionDate: decision.date } : {}), ...(opts.importId ? { importId: opts.importId } : {}) };
  for (const agencyId of new Set([opts.agencyId, opts.actorAgencyId ?? opts.agencyId])) {
    await appendAudit(tx, { agencyId, actorUserId: opts.actorUserId ?? null, actor: opts.actor, action: "catalog.import", entity: "catalog", entityId: effectiveFrom, data });
  }
  return result;
}

async function abolishOne(
  tx: Tx,
  o: { procedureId: number; effectiveOn: string; agencyId: number; announce: boolean; decision?: ImportDecision | null; reason?: string | null },
): Promise<AnnouncementRow[]> {
  const p = await tx.one<{ code: string; name: string; field: string }>(
    "update procedures set abolished_on = $2::date, updated_at = clock_timestamp() where id = $1 returning code, name, field",
    [o.procedureId, o.effectiveOn],
  );
  await tx.exec(
    "update procedure_versions set effective_to = $2::date where procedure_id = $1 and effective_to is null",
    [o.procedureId, o.effectiveOn],
  );
  if (!o.announce) return [];
  const audience = await audienceOf(tx, o.procedureId, o.agencyId);
  return audience.map((agencyId) => ({
    agency_id: agencyId,
    kind: "abolished" as const,
    procedure_id: o.procedureId,
    version_id: null,
    procedure_code: p.code,
    procedure_name: p.name,
    title: `Bãi bỏ thủ tục hành chính: ${p.name}`,
    summary: `Thủ tục ${p.code} (lĩnh vực ${p.field || "chưa phân loại"}) bị bãi bỏ${o.decision ? decisionPhrase(o.decision, null) : ""} từ ngày ${formatDate(o.effectiveOn)}${o.reason ? `: ${o.reason.replace(/[.\s]+$/u, "")}` : ""}.`,
    changes: [],
  }));
}

/** The explicit abolish action (CLI `motcua catalog abolish CODE`, the staff page). */
export async function abolishProcedure(
  tx: Tx,
  o: {
    code: string;
    agencyId: number;
    actor: string;
    actorUserId?: number | null;
    actorAgencyId?: number | null;
    effectiveOn?: string;
    decision?: ImportDecision | null;
    reason?: string | null;
  },
): Promise<{ announcements: number; effectiveOn: string }> {
  await tx.exec("select pg_advisory_xact_lock($1)", [IMPORT_LOCK]);
  const p = await tx.maybeOne<{ id: number; abolished_on: string | null; effective_from: string }>(
    `select p.id, to_char(p.abolished_on, 'YYYY-MM-DD') as abolished_on,
       (select to_char(max(effective_from), 'YYYY-MM-DD') from procedure_versions where procedure_id = p.id) as effective_from
     from procedures p where code = $1 for update`,
    [o.code],
  );
  if (!p) throw new DomainError("not_found", "catalog.abolish.unknown", { vars: { code: o.code } });
  if (p.abolished_on !== null) throw new DomainError("conflict", "catalog.abolish.already", { vars: { code: o.code, date: formatDate(p.abolished_on) } });
  const effectiveOn = o.effectiveOn ?? (await todayInVietnam(tx));
  if (effectiveOn < p.effective_from) throw new DomainError("unprocessable", "catalog.abolish.beforeVersion", { vars: { code: o.code, date: formatDate(p.effective_from) } });
  const decision = o.decision ?? null;
  const rows = await abolishOne(tx, { procedureId: p.id, effectiveOn, agencyId: o.agencyId, announce: true, decision, reason: o.reason ?? null });
  await insertAnnouncements(tx, rows, { importId: null, decision, effectiveOn });
  const data = { effectiveOn, ...(decision ? { decision: decision.number, decisionDate: decision.date } : {}), ...(o.reason ? { reason: o.reason } : {}) };
  for (const agencyId of new Set([o.agencyId, o.actorAgencyId ?? o.agencyId])) {
    await appendAudit(tx, { agencyId, actorUserId: o.actorUserId ?? null, actor: o.actor, action: "catalog.abolish", entity: "procedure", entityId: o.code, data });
  }
  return { announcements: rows.length, effectiveOn };
}
