// Writing an imported catalog: new codes, new versions of changed procedures (with the field
// diff announced), abolitions. Runs in the caller's transaction, so a failure leaves nothing.
import type { Procedure } from "../../domain/catalog/model";
import { diffProcedures, procedureContentHash } from "../../domain/catalog/version";
import type { Tx } from "../../db/scope";
import { formatDate } from "../../domain/text/format";
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
  /** Abolish every procedure in the database that the file does not contain. */
  abolishMissing?: boolean;
  /** Write announcements (default true); the demo seed turns them off. */
  announce?: boolean;
  onProgress?: (done: number, total: number) => void;
};

export type ImportResult = {
  created: number;
  amended: string[];
  reinstated: string[];
  abolished: string[];
  unchanged: number;
  announcements: number;
};

const CHUNK = 250;

export async function todayInVietnam(tx: Tx): Promise<string> {
  const r = await tx.one<{ d: string }>("select to_char((now() at time zone 'Asia/Ho_Chi_Minh')::date, 'YYYY-MM-DD') as d");
  return r.d;
}

type Existing = { id: number; code: string; abolished_on: string | null; version_no: number; effective_from: string; content_hash: string };

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

async function insertAnnouncements(tx: Tx, rows: AnnouncementRow[]): Promise<number> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx.exec(
      `insert into catalog_announcements (agency_id, kind, procedure_id, version_id, procedure_code, procedure_name, title, summary, changes)
       select agency_id, kind, procedure_id, version_id, procedure_code, procedure_name, title, summary, changes
       from jsonb_to_recordset($1::jsonb) as x(agency_id int, kind text, procedure_id int, version_id int, procedure_code text,
         procedure_name text, title text, summary text, changes jsonb)`,
      [JSON.stringify(rows.slice(i, i + CHUNK))],
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

function newAnnouncement(p: Procedure, effectiveFrom: string): Pick<AnnouncementRow, "kind" | "title" | "summary" | "changes"> {
  return {
    kind: "new",
    title: `Công bố thủ tục hành chính mới: ${p.name}`,
    summary: `Thủ tục ${p.code} (lĩnh vực ${p.field || "chưa phân loại"})${p.decision ? ` theo Quyết định ${p.decision}` : ""}, áp dụng từ ngày ${formatDate(effectiveFrom)}.`,
    changes: [],
  };
}

/**
 * Imports parsed procedures. Identical content (same hash as the newest version) changes nothing;
 * changed content adds a version in force from `effectiveFrom` and announces the field diff to
 * every agency offering the procedure; unknown codes are created and announced to the importer.
 */
export async function importProcedures(tx: Tx, procedures: readonly Procedure[], opts: ImportOptions): Promise<ImportResult> {
  const effectiveFrom = opts.effectiveFrom ?? (await todayInVietnam(tx));
  const announce = opts.announce !== false;
  const existing = new Map(
    (
      await tx.query<Existing>(
        `select p.id, p.code, to_char(p.abolished_on, 'YYYY-MM-DD') as abolished_on, v.version_no,
                to_char(v.effective_from, 'YYYY-MM-DD') as effective_from, v.content_hash
         from procedures p
         join lateral (select version_no, effective_from, content_hash from procedure_versions where procedure_id = p.id order by version_no desc limit 1) v on true`,
      )
    ).map((e) => [e.code, e]),
  );
  const result: ImportResult = { created: 0, amended: [], reinstated: [], abolished: [], unchanged: 0, announcements: 0 };
  const announcements: AnnouncementRow[] = [];
  const fresh: { p: Procedure; hash: string }[] = [];
  const changed: { p: Procedure; hash: string; old: Existing }[] = [];
  for (const p of procedures) {
    const hash = procedureContentHash(p);
    const old = existing.get(p.code);
    if (!old) fresh.push({ p, hash });
    else if (old.content_hash !== hash || old.abolished_on !== null) changed.push({ p, hash, old });
    else result.unchanged++;
  }
  const total = procedures.length;
  let done = result.unchanged;
  const touched: number[] = [];
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
    if (announce) {
      const byCode = new Map(chunk.map((c) => [c.p.code, c.p]));
      for (const r of rows) {
        const p = byCode.get(r.code)!;
        announcements.push({ agency_id: opts.agencyId, procedure_id: r.procedure_id, version_id: r.version_id, procedure_code: p.code, procedure_name: p.name, ...newAnnouncement(p, effectiveFrom) });
      }
    }
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
      const text = reinstated
        ? newAnnouncement(p, effectiveFrom)
        : {
            kind: "amended" as const,
            title: `Sửa đổi, bổ sung thủ tục hành chính: ${p.name}`,
            summary: `Thủ tục ${p.code} được sửa đổi, bổ sung từ ngày ${formatDate(effectiveFrom)}: ${changes.map((c) => c.label).join("; ")}.`,
            changes,
          };
      for (const agencyId of await audienceOf(tx, old.id, opts.agencyId)) {
        announcements.push({ agency_id: agencyId, procedure_id: old.id, version_id: versionId, procedure_code: p.code, procedure_name: p.name, ...text });
      }
    }
    done++;
    if (done % 50 === 0 || done === total) opts.onProgress?.(done, total);
  }

  if (opts.abolishMissing) {
    const present = new Set(procedures.map((p) => p.code));
    for (const old of existing.values()) {
      if (old.abolished_on !== null || present.has(old.code)) continue;
      const r = await abolishOne(tx, { procedureId: old.id, effectiveOn: effectiveFrom, agencyId: opts.agencyId, announce });
      announcements.push(...r);
      result.abolished.push(old.code);
    }
  }
  if (touched.length) await refreshProcedureDefaults(tx, { procedureIds: touched });
  result.announcements = await insertAnnouncements(tx, announcements);
  opts.onProgress?.(total, total);
  await appendAudit(tx, {
    agencyId: opts.agencyId,
    actorUserId: opts.actorUserId ?? null,
    actor: opts.actor,
    action: "catalog.import",
    entity: "catalog",
    entityId: effectiveFrom,
    data: { ...result, records: procedures.length, effectiveFrom },
  });
  return result;
}

async function abolishOne(tx: Tx, o: { procedureId: number; effectiveOn: string; agencyId: number; announce: boolean }): Promise<AnnouncementRow[]> {
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
    summary: `Thủ tục ${p.code} (lĩnh vực ${p.field || "chưa phân loại"}) bị bãi bỏ từ ngày ${formatDate(o.effectiveOn)}.`,
    changes: [],
  }));
}

/** The explicit abolish action (CLI `motcua catalog abolish CODE`). */
export async function abolishProcedure(
  tx: Tx,
  o: { code: string; agencyId: number; actor: string; actorUserId?: number | null; effectiveOn?: string },
): Promise<{ announcements: number }> {
  const p = await tx.maybeOne<{ id: number; abolished_on: string | null }>("select id, abolished_on from procedures where code = $1", [o.code]);
  if (!p) throw new Error(`Không có thủ tục mã ${o.code}`);
  if (p.abolished_on !== null) throw new Error(`Thủ tục ${o.code} đã bị bãi bỏ`);
  const effectiveOn = o.effectiveOn ?? (await todayInVietnam(tx));
  const rows = await abolishOne(tx, { procedureId: p.id, effectiveOn, agencyId: o.agencyId, announce: true });
  await insertAnnouncements(tx, rows);
  await appendAudit(tx, { agencyId: o.agencyId, actorUserId: o.actorUserId ?? null, actor: o.actor, action: "catalog.abolish", entity: "procedure", entityId: o.code, data: { effectiveOn } });
  return { announcements: rows.length };
}
