// Staff imports of the catalog: an uploaded file is decoded, checked record by record (every
// problem listed by row), compared with the catalog (new, amended field by field, reinstated,
// abolished) and kept as a preview; applying it runs the one importer the CLI also uses
// (importer.ts) on exactly what was previewed. Long files report their progress.
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { type CheckedCatalog, checkCatalog, type ImportIssue } from "../../domain/catalog/import-check";
import type { Procedure } from "../../domain/catalog/model";
import { diffProcedures } from "../../domain/catalog/version";
import { DomainError } from "../../domain/errors";
import { formatDate } from "../../domain/text/format";
import type { Db, Tx } from "../../db/scope";
import {
  type AbolishMissing,
  abolishTargets,
  type AnnouncementChange,
  classifyProcedures,
  IMPORT_LOCK,
  type ImportDecision,
  type ImportResult,
  importProcedures,
  loadExisting,
} from "./importer";

/** Largest upload: the raw national dump of all levels is 20.7 MB as JSON, 2.0 MB gzipped. */
export const MAX_IMPORT_FILE_BYTES = 30 * 1024 * 1024;
/** Largest decoded JSON (a gzip bomb stops here). */
const MAX_DECODED_BYTES = 120 * 1024 * 1024;
/** Kept in the preview; the counts say how many there were in all. */
const MAX_LISTED_ISSUES = 500;
/** An import still "reading" or "applying" without news for this long was interrupted. */
export const STALLED_AFTER_MS = 2 * 60_000;

export type ImportRequest = {
  fileName: string;
  data: Buffer;
  decision: ImportDecision | null;
  effectiveFrom: string;
  abolishCodes: string[];
  abolishMissing: AbolishMissing;
};

export type PreviewEntry = { code: string; name: string; field: string };
export type PreviewAmended = PreviewEntry & { changes: AnnouncementChange[] };

export type ImportPreview = {
  shape: "portal" | "seed" | null;
  records: number;
  added: PreviewEntry[];
  amended: PreviewAmended[];
  reinstated: PreviewEntry[];
  abolished: PreviewEntry[];
  unchanged: number;
  errors: ImportIssue[];
  errorCount: number;
  problems: ImportIssue[];
  problemCount: number;
};

export type ImportStatus = "reading" | "previewed" | "invalid" | "applied" | "stale" | "failed";

export type CatalogImport = {
  id: number;
  agencyId: number;
  importingAgency: { id: number; name: string };
  fileName: string;
  fileSize: number;
  decision: ImportDecision | null;
  effectiveFrom: string;
  abolishCodes: string[];
  abolishMissing: AbolishMissing;
  status: ImportStatus;
  progress: { done: number; total: number; stage: string | null };
  /** Work under way (reading or applying) with news within STALLED_AFTER_MS. */
  busy: boolean;
  /** Work that stopped without finishing (the process ended): the file must be sent again, or applied again. */
  interrupted: boolean;
  preview: ImportPreview | null;
  result: (ImportResult & { alreadyApplied?: boolean }) | null;
  createdAt: string;
  createdBy: string | null;
  appliedAt: string | null;
  appliedBy: string | null;
};

type Row = {
  id: number;
  agency_id: number;
  importing_agency_id: number;
  importing_agency_name: string;
  file_name: string;
  file_size: number;
  decision_number: string | null;
  decision_date: string | null;
  effective_from: string;
  abolish_codes: string[];
  abolish_missing: AbolishMissing;
  status: ImportStatus;
  progress_done: number;
  progress_total: number;
  progress_stage: string | null;
  preview: ImportPreview | null;
  result: ImportResult | null;
  created_at: Date;
  created_name: string | null;
  applied_at: Date | null;
  applied_name: string | null;
  quiet_ms: number;
};

const COLS = `i.id, i.agency_id, i.importing_agency_id, a.name as importing_agency_name, i.file_name, i.file_size, i.decision_number,
  to_char(i.decision_date, 'YYYY-MM-DD') as decision_date, to_char(i.effective_from, 'YYYY-MM-DD') as effective_from, i.abolish_codes,
  i.abolish_missing, i.status, i.progress_done, i.progress_total, i.progress_stage, i.preview, i.result, i.created_at,
  (select full_name from users where id = i.created_by) as created_name, i.applied_at, (select full_name from users where id = i.applied_by) as applied_name,
  (extract(epoch from (clock_timestamp() - i.updated_at)) * 1000)::bigint::float8 as quiet_ms`;

function toImport(r: Row): CatalogImport {
  const working = r.status === "reading" || r.progress_stage === "applying";
  const busy = working && r.quiet_ms < STALLED_AFTER_MS;
  return {
    id: r.id,
    agencyId: r.agency_id,
    importingAgency: { id: r.importing_agency_id, name: r.importing_agency_name },
    fileName: r.file_name,
    fileSize: r.file_size,
    decision: r.decision_number ? { number: r.decision_number, date: r.decision_date } : null,
    effectiveFrom: r.effective_from,
    abolishCodes: r.abolish_codes,
    abolishMissing: r.abolish_missing,
    status: r.status,
    progress: { done: r.progress_done, total: r.progress_total, stage: r.progress_stage },
    busy,
    interrupted: working && !busy,
    preview: r.preview,
    result: r.result,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_name,
    appliedAt: r.applied_at?.toISOString() ?? null,
    appliedBy: r.applied_name,
  };
}

export async function findImport(tx: Tx, id: number): Promise<CatalogImport | undefined> {
  const r = await tx.maybeOne<Row>(`select ${COLS} from catalog_imports i join agencies a on a.id = i.importing_agency_id where i.id = $1`, [id]);
  return r ? toImport(r) : undefined;
}

export async function listImports(tx: Tx, opts: { agencyId: number; limit?: number }): Promise<CatalogImport[]> {
  const rows = await tx.query<Row>(
    `select ${COLS} from catalog_imports i join agencies a on a.id = i.importing_agency_id where i.agency_id = $1 order by i.created_at desc, i.id desc limit $2`,
    [opts.agencyId, Math.min(opts.limit ?? 50, 200)],
  );
  return rows.map(toImport);
}

/**
 * The agency that owns the catalog for an uploader: the province above a commune, the root of
 * the uploader's tree otherwise (the CLI's default is the same province).
 */
export async function importingAgencyOf(tx: Tx, agencyId: number): Promise<{ id: number; name: string }> {
  return tx.one<{ id: number; name: string }>(
    `with recursive up as (
       select id, parent_id, kind, name, 0 as depth from agencies where id = $1
       union all
       select a.id, a.parent_id, a.kind, a.name, up.depth + 1 from agencies a join up on a.id = up.parent_id where up.kind <> 'province'
     )
     select id, name from up order by (kind = 'province') desc, depth desc limit 1`,
    [agencyId],
  );
}

/** Records the upload (status reading) in the uploader's scope; the preview is made next. */
export async function createImport(
  tx: Tx,
  o: { agencyId: number; importingAgencyId: number; userId: number | null; request: ImportRequest },
): Promise<number> {
  const r = o.request;
  const row = await tx.one<{ id: number }>(
    `insert into catalog_imports (agency_id, importing_agency_id, file_name, file_size, file_sha256, decision_number, decision_date, effective_from,
       abolish_codes, abolish_missing, created_by)
     values ($1, $2, $3, $4, $5, $6, $7::date, $8::date, $9, $10, $11) returning id`,
    [
      o.agencyId,
      o.importingAgencyId,
      r.fileName.slice(0, 300) || "tep.json",
      r.data.length,
      createHash("sha256").update(r.data).digest("hex"),
      r.decision?.number ?? null,
      r.decision?.date ?? null,
      r.effectiveFrom,
      r.abolishCodes,
      r.abolishMissing,
      o.userId,
    ],
  );
  return row.id;
}

/** Progress written from its own short transactions, at most every 300 ms; `flush` waits for the last. */
function progressWriter(db: Db, id: number): { report: (stage: string, done: number, total: number) => void; flush: () => Promise<void> } {
  let last = 0;
  let pending: { stage: string; done: number; total: number } | undefined;
  let chain: Promise<void> = Promise.resolve();
  const write = () => {
    const p = pending;
    pending = undefined;
    if (!p) return;
    chain = chain
      .then(async () => {
        await db.system((tx) => tx.exec("update catalog_imports set progress_stage = $2, progress_done = $3, progress_total = $4, updated_at = now() where id = $1", [id, p.stage, p.done, p.total]));
      })
      .catch(() => {});
  };
  return {
    report: (stage, done, total) => {
      pending = { stage, done, total };
      const now = Date.now();
      if (now - last >= 300 || done === total) {
        last = now;
        write();
      }
    },
    flush: async () => {
      write();
      await chain;
    },
  };
}

function issue(message: string): ImportIssue {
  return { row: null, code: null, field: "(tệp)", message };
}

/** gzip (by its magic bytes, whatever the name) or plain UTF-8 JSON. */
export function decodeCatalogData(data: Buffer): { raw: unknown } | { error: ImportIssue } {
  if (data.length === 0) return { error: issue("tệp rỗng") };
  let bytes = data;
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      bytes = gunzipSync(data, { maxOutputLength: MAX_DECODED_BYTES });
    } catch (e) {
      const tooBig = (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError;
      return { error: issue(tooBig ? `tệp nén giải nén ra quá ${MAX_DECODED_BYTES / 1024 / 1024} MB` : "tệp nén gzip bị hỏng, không giải nén được") };
    }
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { error: issue("tệp không phải văn bản UTF-8 (JSON phải lưu ở dạng UTF-8)") };
  }
  try {
    return { raw: JSON.parse(text.replace(/^\uFEFF/, "")) };
  } catch (e) {
    return { error: issue(`tệp không phải JSON hợp lệ (${(e as Error).message.replace(/^Unexpected/, "ký tự không mong đợi").slice(0, 160)})`) };
  }
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Checks every record, giving the event loop back between small batches. */
async function checkWithProgress(raw: unknown, onProgress: (done: number, total: number) => void): Promise<CheckedCatalog> {
  const it = checkCatalog(raw);
  let started = Date.now();
  for (;;) {
    const step = it.next();
    if (step.done) return step.value;
    if (Date.now() - started > 25) {
      onProgress(step.value.done, step.value.total);
      await yieldToLoop();
      started = Date.now();
    }
  }
}

/** What the procedures of a checked file change in the catalog as it is now (the page's and the CLI's preview). */
export async function previewCatalog(
  tx: Tx,
  checked: CheckedCatalog,
  opts: { effectiveFrom: string; abolishCodes: readonly string[]; abolishMissing: AbolishMissing },
): Promise<{ preview: ImportPreview; changing: Procedure[] }> {
  const existing = await loadExisting(tx);
  const { fresh, changed, unchanged } = classifyProcedures(existing, checked.procedures);
  const errors = [...checked.errors];
  const amendedIds = changed.filter((c) => c.old.content_hash !== c.hash);
  const before = new Map(
    (
      await tx.query<{ id: number; content: Procedure }>(
        `select p.id, v.content from procedures p join lateral (select content from procedure_versions where procedure_id = p.id order by version_no desc limit 1) v on true
         where p.id = any($1::int[])`,
        [amendedIds.map((c) => c.old.id)],
      )
    ).map((r) => [r.id, r.content]),
  );
  const amended: PreviewAmended[] = [];
  const reinstated: PreviewEntry[] = [];
  for (const c of changed) {
    if (opts.effectiveFrom < c.old.effective_from) {
      errors.push({ row: null, code: c.p.code, field: "Ngày áp dụng", message: `ngày áp dụng ${formatDate(opts.effectiveFrom)} sớm hơn phiên bản hiện có (áp dụng từ ${formatDate(c.old.effective_from)})` });
    }
    const entry = { code: c.p.code, name: c.p.name, field: c.p.field };
    if (c.old.abolished_on !== null) reinstated.push(entry);
    const old = before.get(c.old.id);
    if (old) {
      const changes = diffProcedures(old, c.p).map((d) => ({ field: d.field, label: d.label_vi, before: d.before, after: d.after }));
      if (c.old.abolished_on === null) amended.push({ ...entry, changes });
    }
  }
  const abolish = abolishTargets(existing, checked.procedures, { codes: opts.abolishCodes, missing: opts.abolishMissing });
  for (const p of abolish.problems) errors.push({ row: null, code: p.code, field: "Thủ tục bãi bỏ", message: p.message });
  const problems = checked.problems;
  return {
    preview: {
      shape: checked.shape,
      records: checked.procedures.length + new Set(checked.errors.filter((e) => e.row !== null).map((e) => e.row)).size,
      added: fresh.map(({ p }) => ({ code: p.code, name: p.name, field: p.field })),
      amended,
      reinstated,
      abolished: abolish.targets.map((e) => ({ code: e.code, name: e.name, field: e.field })),
      unchanged,
      errors: errors.slice(0, MAX_LISTED_ISSUES),
      errorCount: errors.length,
      problems: problems.slice(0, MAX_LISTED_ISSUES),
      problemCount: problems.length,
    },
    changing: [...fresh.map((f) => f.p), ...changed.map((c) => c.p)],
  };
}

const catalogMark = (tx: Tx) => tx.one<{ mark: Date | null; n: number }>("select max(updated_at) as mark, count(*)::int as n from procedures");

function sameMark(a: { mark: Date | null; n: number }, stored: { mark: string | null; n: number }): boolean {
  return (a.mark?.toISOString() ?? null) === stored.mark && a.n === stored.n;
}

/**
 * Reads, checks and compares the file of an import, then stores the preview (status previewed,
 * or invalid when anything stops it). Never throws for a bad file: the problems are the preview.
 */
export async function makePreview(db: Db, id: number, request: ImportRequest): Promise<void> {
  const progress = progressWriter(db, id);
  try {
    progress.report("reading", 0, 0);
    const decoded = decodeCatalogData(request.data);
    let checked: CheckedCatalog;
    if ("error" in decoded) checked = { shape: null, procedures: [], errors: [decoded.error], problems: [] };
    else {
      await yieldToLoop();
      checked = await checkWithProgress(decoded.raw, (done, total) => progress.report("checking", done, total));
    }
    progress.report("comparing", checked.procedures.length, checked.procedures.length);
    await progress.flush();
    await db.system(async (tx) => {
      const mark = await catalogMark(tx);
      const { preview, changing } = await previewCatalog(tx, checked, request);
      const invalid = preview.errorCount > 0;
      await tx.exec(
        `update catalog_imports set status = $2, preview = $3, procedures = $4, catalog_mark = $5, shape = $6, progress_stage = 'done',
           progress_done = $7, progress_total = $7, updated_at = now() where id = $1`,
        [id, invalid ? "invalid" : "previewed", JSON.stringify(preview), invalid ? null : JSON.stringify(changing), JSON.stringify({ mark: mark.mark?.toISOString() ?? null, n: mark.n }), checked.shape, checked.procedures.length],
      );
    });
  } catch (e) {
    await progress.flush();
    await db.system((tx) => tx.exec("update catalog_imports set status = 'failed', progress_stage = 'done', updated_at = now() where id = $1", [id])).catch(() => {});
    throw e;
  }
}

export type ApplyOutcome = { result: ImportResult; alreadyApplied: boolean };

/**
 * Applies a previewed import with the importer: exactly the previewed changes, or nothing. A
 * second apply returns the first one's result and changes nothing; an import whose catalog moved
 * since the preview (another import in between) is refused as stale, to be previewed again.
 */
export async function applyImport(db: Db, o: { id: number; actor: string; actorUserId: number | null; onProgress?: (done: number, total: number) => void }): Promise<ApplyOutcome> {
  const progress = progressWriter(db, o.id);
  const run = db.system(async (tx) => {
    // One import at a time, whichever path it comes by (importProcedures takes the same lock).
    await tx.exec("select pg_advisory_xact_lock($1)", [IMPORT_LOCK]);
    const row = await tx.maybeOne<{
      status: ImportStatus;
      agency_id: number;
      importing_agency_id: number;
      procedures: Procedure[] | null;
      preview: ImportPreview | null;
      result: ImportResult | null;
      catalog_mark: { mark: string | null; n: number } | null;
      decision_number: string | null;
      decision_date: string | null;
      effective_from: string;
    }>(
      `select status, agency_id, importing_agency_id, procedures, preview, result, catalog_mark, decision_number, to_char(decision_date, 'YYYY-MM-DD') as decision_date,
         to_char(effective_from, 'YYYY-MM-DD') as effective_from from catalog_imports where id = $1`,
      [o.id],
    );
    if (!row) throw new DomainError("not_found", "catalog.import.notFound");
    if (row.status === "applied" && row.result) return { result: row.result, alreadyApplied: true };
    if (row.status === "invalid" || row.status === "failed") throw new DomainError("unprocessable", "catalog.import.hasErrors");
    if (row.status === "reading") throw new DomainError("conflict", "catalog.import.notReady");
    if (row.status === "stale") throw new DomainError("conflict", "catalog.import.stale");
    const mark = await catalogMark(tx);
    if (!row.catalog_mark || !sameMark(mark, row.catalog_mark) || !row.procedures || !row.preview) {
      await tx.exec("update catalog_imports set status = 'stale', updated_at = now() where id = $1", [o.id]);
      return "stale" as const;
    }
    progress.report("applying", 0, row.procedures.length);
    const result = await importProcedures(tx, row.procedures, {
      agencyId: row.importing_agency_id,
      actor: o.actor,
      actorUserId: o.actorUserId,
      actorAgencyId: row.agency_id,
      effectiveFrom: row.effective_from,
      abolishCodes: row.preview.abolished.map((a) => a.code),
      decision: row.decision_number ? { number: row.decision_number, date: row.decision_date } : null,
      importId: o.id,
      onProgress: (done, total) => {
        progress.report("applying", done, total);
        o.onProgress?.(done, total);
      },
    });
    // Only what changes was kept; the preview counted the rest.
    result.unchanged += row.preview.unchanged;
    await progress.flush();
    await tx.exec(
      "update catalog_imports set status = 'applied', result = $2, applied_by = $3, applied_at = now(), progress_stage = 'done', updated_at = now() where id = $1",
      [o.id, JSON.stringify(result), o.actorUserId],
    );
    return { result, alreadyApplied: false };
  });
  let outcome: Awaited<typeof run>;
  try {
    outcome = await run;
  } catch (e) {
    // Rolled back: the import is as it was before, ready to be applied again.
    await progress.flush();
    await db.system((tx) => tx.exec("update catalog_imports set progress_stage = 'done', updated_at = now() where id = $1 and progress_stage = 'applying'", [o.id])).catch(() => {});
    throw e;
  }
  if (outcome === "stale") throw new DomainError("conflict", "catalog.import.stale");
  return outcome;
}
