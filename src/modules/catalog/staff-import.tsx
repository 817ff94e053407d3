// Staff pages to import a province's announcement decision into the catalog: upload (with the
// decision's number, date and effective date), preview of what changes (new, amended field by
// field, reinstated, abolished, every problem by row), apply. Reading a large file and applying
// it run in the background and show their progress (a script polls; without JavaScript the page
// refreshes itself). The JSON API does the same synchronously.
import type { MultipartFile } from "@fastify/multipart";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { VNode } from "preact";
import { z } from "zod";
import { type ImportIssue, issueText } from "../../domain/catalog/import-check";
import { ProcedureCode } from "../../domain/catalog/model";
import { DomainError } from "../../domain/errors";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { HttpError, notFound, parseWith, redirect, requireAccess, verifyCsrf } from "../../web/http";
import { formatDate, formatDateTime, formatNumber } from "../../web/i18n";
import { registerNav } from "../../web/registry";
import { CsrfField, ErrorSummary, Field, FieldShell, Layout, SelectField, TextAreaField } from "../../web/views/layout";
import { ABOLISH_MISSING, type AbolishMissing, type ImportDecision } from "./importer";
import "./import-messages";
import {
  applyImport,
  type CatalogImport,
  createImport,
  findImport,
  type ImportPreview,
  type ImportRequest,
  importingAgencyOf,
  listImports,
  MAX_IMPORT_FILE_BYTES,
  makePreview,
} from "./imports";
import { invalidateCatalogSearch } from "./search-cache";
import { IMPORT_SCRIPT, IMPORT_SCRIPT_PATH } from "./import-script";

/** Who imports, announces and abolishes: the page, its menu entry and every link to it. */
export const CATALOG_MANAGE = "catalog.manage" as const;

registerNav({ href: "/staff/catalog/imports", labelKey: "catalog.import.nav", area: "staff", permission: CATALOG_MANAGE, order: 41 });

const IdParam = z.object({ id: z.coerce.number().int().positive().max(2147483647) });

const isoDate = (key: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: `msg:${key}` })
    .refine((s) => {
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s) && s >= "2000-01-01" && s <= "2100-12-31";
    }, { message: `msg:${key}` });
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** The decision's fields, shared by the import and the abolish forms and APIs. */
export const DecisionFields = {
  decision: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .max(100, { message: "msg:catalog.import.err.decision" })
      .regex(/\d/, { message: "msg:catalog.import.err.decision" })
      .optional(),
  ),
  decisionDate: z.preprocess(blankToUndefined, isoDate("catalog.import.err.decisionDate").optional()),
};

export const ImportFields = z
  .object({
    ...DecisionFields,
    effectiveFrom: z.preprocess(blankToUndefined, isoDate("catalog.import.err.effectiveFrom").optional()),
    abolish: z
      .string()
      .max(20_000, { message: "msg:catalog.import.err.abolish" })
      .default("")
      .transform((s) => [...new Set(s.split(/[\s,;]+/).filter(Boolean))])
      .refine((codes) => codes.every((c) => ProcedureCode.safeParse(c).success), { message: "msg:catalog.import.err.abolish" }),
    abolishMissing: z.preprocess(blankToUndefined, z.enum(ABOLISH_MISSING, { message: "msg:catalog.import.err.abolishMissing" }).default("none")),
  })
  .refine((f) => !f.decisionDate || f.decision, { message: "msg:catalog.import.err.dateWithoutDecision", path: ["decision"] });

export function decisionOf(f: { decision?: string | undefined; decisionDate?: string | undefined }): ImportDecision | null {
  return f.decision ? { number: f.decision, date: f.decisionDate ?? null } : null;
}

type UploadForm = { values: Record<string, string>; file: { name: string; data: Buffer } | null; tooLarge: string | null; tooMany: boolean };

/** The upload: one file (at most MAX_IMPORT_FILE_BYTES, cut off while streaming) and the decision's fields. */
async function readUpload(req: FastifyRequest): Promise<UploadForm> {
  const out: UploadForm = { values: {}, file: null, tooLarge: null, tooMany: false };
  if (!req.isMultipart()) {
    for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>)) if (typeof v === "string") out.values[k] = v;
    return out;
  }
  const options = { limits: { fileSize: MAX_IMPORT_FILE_BYTES, files: 1, fields: 20, parts: 21 }, throwFileSizeLimit: false } as Parameters<FastifyRequest["parts"]>[0];
  try {
    for await (const part of req.parts(options)) {
      if (part.type === "file") {
        const f = part as MultipartFile;
        const data = await f.toBuffer();
        if (f.file.truncated) out.tooLarge = f.filename || "tep";
        else if (f.filename || data.length) out.file = { name: f.filename || "tep.json", data };
      } else {
        const value = String((part as { value: unknown }).value ?? "");
        if (value.includes("\u0000")) throw new HttpError(400, "error.nul", { field: part.fieldname });
        out.values[part.fieldname] = value;
      }
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== "FST_FILES_LIMIT" && code !== "FST_PARTS_LIMIT" && code !== "FST_FIELDS_LIMIT") throw e;
    out.tooMany = true;
  }
  // The form's token travels in its body (or a header), not in its URL.
  verifyCsrf(req, out.values._csrf);
  return out;
}

type FormErrors = Record<string, string>;

/** The upload's fields and file as an import request, or the messages to show beside the fields. */
function toRequest(req: FastifyRequest, form: UploadForm, today: string): { ok: true; request: ImportRequest } | { ok: false; errors: FormErrors; status: number } {
  const t = req.t;
  if (form.tooLarge) return { ok: false, status: 413, errors: { file: t("catalog.import.err.tooLarge", { name: form.tooLarge, max: MAX_IMPORT_FILE_BYTES / 1024 / 1024 }) } };
  if (form.tooMany) return { ok: false, status: 413, errors: { file: t("catalog.import.err.oneFile") } };
  const errors: FormErrors = {};
  const parsed = ImportFields.safeParse(form.values);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const key = String(i.path[0] ?? "_");
      if (!(key in errors)) errors[key] = i.message.startsWith("msg:") ? t(i.message.slice(4)) : i.message;
    }
  }
  if (!form.file || form.file.data.length === 0) errors.file = t(form.file ? "catalog.import.err.emptyFile" : "catalog.import.err.noFile");
  if (!parsed.success || !form.file || Object.keys(errors).length) return { ok: false, status: 422, errors };
  const f = parsed.data;
  return {
    ok: true,
    request: {
      fileName: form.file.name.normalize("NFC"),
      data: form.file.data,
      decision: decisionOf(f),
      effectiveFrom: f.effectiveFrom ?? today,
      abolishCodes: f.abolish,
      abolishMissing: f.abolishMissing as AbolishMissing,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Background work: followed so the app's close waits for it (tests, shutdown).

const running = new WeakMap<FastifyInstance, Set<Promise<unknown>>>();

function inBackground(app: FastifyInstance, work: () => Promise<unknown>): void {
  let set = running.get(app);
  if (!set) {
    set = new Set();
    running.set(app, set);
  }
  const p = (async () => work())().catch((e: unknown) => {
    if (!(e instanceof DomainError)) app.log.error({ err: e }, "catalog import failed");
  });
  set.add(p);
  void p.finally(() => set.delete(p));
}

/** Resolves when every background import of the app has finished (tests wait on it). */
export async function catalogImportsSettled(app: FastifyInstance): Promise<void> {
  for (;;) {
    const set = running.get(app);
    if (!set || set.size === 0) return;
    await Promise.allSettled([...set]);
  }
}

// ---------------------------------------------------------------------------------------------
// Views

function decisionText(ctx: PageCtx, d: ImportDecision | null): string {
  if (!d) return ctx.t("catalog.import.noDecision");
  return d.date ? ctx.t("catalog.import.decisionOn", { number: d.number, date: formatDate(d.date) }) : d.number;
}

function StatusTag({ ctx, i }: { ctx: PageCtx; i: CatalogImport }): VNode {
  const t = ctx.t;
  if (i.busy) return <span class="tag warn">{t(i.progress.stage === "applying" ? "catalog.import.status.applying" : "catalog.import.status.reading")}</span>;
  if (i.interrupted && i.status === "reading") return <span class="tag bad">{t("catalog.import.status.interrupted")}</span>;
  const tone = i.status === "applied" ? "ok" : i.status === "previewed" ? "" : "bad";
  return <span class={`tag ${tone}`}>{t(`catalog.import.status.${i.status}`)}</span>;
}

function counts(ctx: PageCtx, p: ImportPreview): string {
  return ctx.t("catalog.import.counts", { added: p.added.length, amended: p.amended.length, reinstated: p.reinstated.length, abolished: p.abolished.length, unchanged: p.unchanged });
}

function UploadForm({ ctx, values, errors }: { ctx: PageCtx; values: Record<string, string>; errors?: FormErrors | undefined }): VNode {
  const t = ctx.t;
  return (
    <form
      method="post"
      action="/staff/catalog/imports"
      enctype="multipart/form-data"
      class="panel"
      novalidate
      data-import-upload={JSON.stringify({ sending: t("catalog.import.js.sending"), reading: t("catalog.import.js.read"), failed: t("catalog.import.js.failed") })}
    >
      <CsrfField ctx={ctx} />
      <h2 id="upload-h">{t("catalog.import.upload")}</h2>
      <ErrorSummary ctx={ctx} errors={errors} />
      <FieldShell
        name="file"
        label={t("catalog.import.file")}
        hint={t("catalog.import.fileHint", { max: MAX_IMPORT_FILE_BYTES / 1024 / 1024 })}
        error={errors?.file}
        control={(aria) => <input {...aria} name="file" type="file" required accept=".json,.gz,application/json,application/gzip" />}
      />
      <fieldset>
        <legend>{t("catalog.import.decisionLegend")}</legend>
        <Field name="decision" label={t("catalog.import.decision")} hint={t("catalog.import.decisionHint")} value={values.decision} error={errors?.decision} maxLength={100} />
        <Field name="decisionDate" label={t("catalog.import.decisionDate")} type="date" value={values.decisionDate} error={errors?.decisionDate} />
        <Field name="effectiveFrom" label={t("catalog.import.effectiveFrom")} hint={t("catalog.import.effectiveHint")} type="date" value={values.effectiveFrom} error={errors?.effectiveFrom} />
      </fieldset>
      <fieldset>
        <legend>{t("catalog.import.abolishLegend")}</legend>
        <TextAreaField name="abolish" label={t("catalog.import.abolishCodes")} hint={t("catalog.import.abolishHint")} value={values.abolish} rows={2} maxLength={20000} error={errors?.abolish} />
        <SelectField
          name="abolishMissing"
          label={t("catalog.import.abolishMissing")}
          value={values.abolishMissing ?? "none"}
          error={errors?.abolishMissing}
          options={ABOLISH_MISSING.map((m) => ({ value: m, label: t(`catalog.import.abolishMissing.${m}`) }))}
        />
      </fieldset>
      <p class="hint">{t("catalog.import.nothingYet")}</p>
      <div class="upload-progress" role="status" aria-live="polite" hidden>
        <progress max={100} value={0} />
        <span />
      </div>
      <button type="submit">{t("catalog.import.submit")}</button>
    </form>
  );
}

function ImportsPage({ ctx, owner, imports, values, errors }: { ctx: PageCtx; owner: string; imports: CatalogImport[]; values: Record<string, string>; errors?: FormErrors | undefined }): VNode {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t("catalog.import.title")} area="staff">
      <h1>{t("catalog.import.title")}</h1>
      <p class="lead">{t("catalog.import.intro")}</p>
      <p class="notice warn" role="note">
        {t("catalog.import.shared", { agency: owner })}
      </p>
      <UploadForm ctx={ctx} values={values} errors={errors} />
      <section class="panel" aria-labelledby="abolish-h">
        <h2 id="abolish-h">{t("catalog.abolish.title")}</h2>
        <p>{t("catalog.abolish.intro")}</p>
        <form method="get" action="/staff/catalog/abolish" class="search-row">
          <Field name="code" label={t("catalog.code")} inputMode="text" maxLength={60} />
          <button type="submit" class="secondary">
            {t("catalog.abolish.find")}
          </button>
        </form>
      </section>
      <h2>{t("catalog.import.history")}</h2>
      {imports.length === 0 ? (
        <p>{t("catalog.import.none")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("catalog.import.uploadedAt")}</th>
                <th scope="col">{t("catalog.import.file")}</th>
                <th scope="col">{t("catalog.import.decision")}</th>
                <th scope="col">{t("catalog.import.status")}</th>
                <th scope="col">{t("catalog.import.changes")}</th>
              </tr>
            </thead>
            <tbody>
              {imports.map((i) => (
                <tr key={i.id}>
                  <td>
                    <a href={`/staff/catalog/imports/${i.id}`}>{formatDateTime(i.createdAt)}</a>
                    {i.createdBy ? <div class="muted">{i.createdBy}</div> : null}
                  </td>
                  <td>{i.fileName}</td>
                  <td>{decisionText(ctx, i.decision)}</td>
                  <td>
                    <StatusTag ctx={ctx} i={i} />
                  </td>
                  <td>{i.preview ? counts(ctx, i.preview) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <script src={IMPORT_SCRIPT_PATH} defer />
    </Layout>
  );
}

function IssueTable({ ctx, issues, caption }: { ctx: PageCtx; issues: ImportIssue[]; caption: string }): VNode {
  const t = ctx.t;
  return (
    <div class="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("catalog.import.row")}</th>
            <th scope="col">{t("catalog.code")}</th>
            <th scope="col">{t("catalog.import.field")}</th>
            <th scope="col">{t("catalog.import.problem")}</th>
          </tr>
        </thead>
        <tbody>
          {issues.map((e, k) => (
            <tr key={k}>
              <td>{e.row === null ? t("catalog.import.wholeFile") : formatNumber(e.row)}</td>
              <td>{e.code ?? "—"}</td>
              <td>{e.field}</td>
              <td>{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EntryTable({ ctx, rows, caption, link }: { ctx: PageCtx; rows: { code: string; name: string; field: string }[]; caption: string; link?: boolean }): VNode {
  const t = ctx.t;
  return (
    <div class="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("catalog.code")}</th>
            <th scope="col">{t("catalog.import.name")}</th>
            <th scope="col">{t("catalog.field")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.code}>
              <td>{link ? <a href={`/procedures/${encodeURIComponent(r.code)}`}>{r.code}</a> : r.code}</td>
              <td>{r.name}</td>
              <td>{r.field || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Progress({ ctx, i }: { ctx: PageCtx; i: CatalogImport }): VNode {
  const t = ctx.t;
  const stage = i.progress.stage ?? "reading";
  const pct = i.progress.total > 0 ? Math.floor((i.progress.done / i.progress.total) * 100) : 0;
  return (
    <section class="panel" aria-labelledby="progress-h" data-import-progress={`/staff/catalog/imports/${i.id}/progress`}>
      <h2 id="progress-h">{t(stage === "applying" ? "catalog.import.applyingTitle" : "catalog.import.readingTitle")}</h2>
      <div role="status" aria-live="polite">
        <progress max={100} value={pct} aria-label={t("catalog.import.progress")}>
          {pct}%
        </progress>{" "}
        <span class="progress-text">{t(`catalog.import.stage.${stage}`, { done: formatNumber(i.progress.done), total: formatNumber(i.progress.total), pct })}</span>
      </div>
      <p class="hint">{t("catalog.import.progressHint")}</p>
      <p>
        <a href={`/staff/catalog/imports/${i.id}`}>{t("catalog.import.refresh")}</a>
      </p>
      {/* Without JavaScript the page reloads itself until the work is done. */}
      <noscript>
        <meta http-equiv="refresh" content="2" />
      </noscript>
    </section>
  );
}

function PreviewSections({ ctx, p }: { ctx: PageCtx; p: ImportPreview }): VNode {
  const t = ctx.t;
  return (
    <>
      {p.added.length ? <EntryTable ctx={ctx} rows={p.added} caption={t("catalog.import.added", { n: p.added.length })} /> : null}
      {p.amended.length ? (
        <section aria-labelledby="amended-h">
          <h2 id="amended-h">{t("catalog.import.amended", { n: p.amended.length })}</h2>
          {p.amended.map((a) => (
            <details key={a.code} class="panel" open={p.amended.length <= 5}>
              <summary>
                <strong>{a.code}</strong> {a.name} — {t("catalog.import.fieldsChanged", { n: a.changes.length })}
              </summary>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t("catalog.import.field")}</th>
                      <th scope="col">{t("catalog.import.before")}</th>
                      <th scope="col">{t("catalog.import.after")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {a.changes.map((c) => (
                      <tr key={c.field}>
                        <th scope="row">{c.label}</th>
                        <td class="pre-line">{c.before || "—"}</td>
                        <td class="pre-line">{c.after || "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          ))}
        </section>
      ) : null}
      {p.reinstated.length ? <EntryTable ctx={ctx} rows={p.reinstated} caption={t("catalog.import.reinstated", { n: p.reinstated.length })} /> : null}
      {p.abolished.length ? <EntryTable ctx={ctx} rows={p.abolished} caption={t("catalog.import.abolished", { n: p.abolished.length })} /> : null}
      {p.problemCount ? (
        <details class="panel">
          <summary>{t("catalog.import.problems", { n: p.problemCount, records: new Set(p.problems.map((x) => x.row)).size })}</summary>
          <p class="hint">{t("catalog.import.problemsHint")}</p>
          <IssueTable ctx={ctx} issues={p.problems} caption={t("catalog.import.problemsCaption")} />
          {p.problemCount > p.problems.length ? <p>{t("catalog.import.more", { n: p.problemCount - p.problems.length })}</p> : null}
        </details>
      ) : null}
    </>
  );
}

function ImportPage({ ctx, i, canApply, notice, error }: { ctx: PageCtx; i: CatalogImport; canApply: boolean; notice?: string | undefined; error?: string | undefined }): VNode {
  const t = ctx.t;
  const p = i.preview;
  const ready = i.status === "previewed" && !i.busy;
  return (
    <Layout ctx={ctx} title={t("catalog.import.pageTitle", { file: i.fileName })} area="staff">
      <p class="muted">
        <a href="/staff/catalog/imports">{t("catalog.import.title")}</a>
      </p>
      <h1>{t("catalog.import.pageTitle", { file: i.fileName })}</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {error ? (
        <div class="error-summary" role="alert" tabIndex={-1}>
          <p>{error}</p>
        </div>
      ) : null}
      <dl class="proc-facts">
        <dt>{t("catalog.import.status")}</dt>
        <dd>
          <StatusTag ctx={ctx} i={i} />
        </dd>
        <dt>{t("catalog.import.decision")}</dt>
        <dd>{decisionText(ctx, i.decision)}</dd>
        <dt>{t("catalog.import.effectiveFrom")}</dt>
        <dd>{formatDate(i.effectiveFrom)}</dd>
        <dt>{t("catalog.import.owner")}</dt>
        <dd>{i.importingAgency.name}</dd>
        <dt>{t("catalog.import.uploaded")}</dt>
        <dd>
          {formatDateTime(i.createdAt)}
          {i.createdBy ? ` — ${i.createdBy}` : ""} · {t("catalog.import.size", { kb: formatNumber(Math.max(1, Math.round(i.fileSize / 1024))) })}
        </dd>
        {i.abolishCodes.length || i.abolishMissing !== "none" ? (
          <>
            <dt>{t("catalog.import.abolishLegend")}</dt>
            <dd>
              {[i.abolishCodes.join(", "), i.abolishMissing !== "none" ? t(`catalog.import.abolishMissing.${i.abolishMissing}`) : ""].filter(Boolean).join(" · ")}
            </dd>
          </>
        ) : null}
      </dl>
      {i.busy ? <Progress ctx={ctx} i={i} /> : null}
      {i.interrupted && i.status === "reading" ? (
        <p class="notice warn" role="alert">
          {t("catalog.import.interrupted")} <a href="/staff/catalog/imports">{t("catalog.import.uploadAgain")}</a>
        </p>
      ) : null}
      {i.status === "failed" ? (
        <p class="notice warn" role="alert">
          {t("catalog.import.failed")} <a href="/staff/catalog/imports">{t("catalog.import.uploadAgain")}</a>
        </p>
      ) : null}
      {i.status === "stale" ? (
        <p class="notice warn" role="alert">
          {t("catalog.import.staleNotice")} <a href="/staff/catalog/imports">{t("catalog.import.uploadAgain")}</a>
        </p>
      ) : null}
      {i.status === "invalid" && p ? (
        <section aria-labelledby="errors-h">
          <div class="error-summary" role="alert" tabIndex={-1}>
            <h2 id="errors-h">{t("catalog.import.invalid", { n: p.errorCount })}</h2>
            <p>{t("catalog.import.invalidHint")}</p>
          </div>
          <IssueTable ctx={ctx} issues={p.errors} caption={t("catalog.import.errorsCaption")} />
          {p.errorCount > p.errors.length ? <p>{t("catalog.import.more", { n: p.errorCount - p.errors.length })}</p> : null}
          <p>
            <a class="button" href="/staff/catalog/imports">
              {t("catalog.import.uploadAgain")}
            </a>
          </p>
        </section>
      ) : null}
      {i.status === "applied" && i.result ? (
        <section class="panel" aria-labelledby="applied-h">
          <h2 id="applied-h">{t("catalog.import.appliedTitle")}</h2>
          <p>
            {t("catalog.import.appliedText", {
              at: formatDateTime(i.appliedAt),
              by: i.appliedBy ?? "—",
              created: i.result.created,
              amended: i.result.amended.length,
              reinstated: i.result.reinstated.length,
              abolished: i.result.abolished.length,
              announcements: i.result.announcements,
            })}
          </p>
          <p>
            <a href="/">{t("catalog.import.seePortal")}</a> · <a href="/procedures">{t("catalog.import.seeCatalog")}</a>
          </p>
        </section>
      ) : null}
      {p && i.status !== "invalid" ? (
        <section aria-labelledby="preview-h">
          <h2 id="preview-h">{t(i.status === "applied" ? "catalog.import.whatChanged" : "catalog.import.preview")}</h2>
          <p>{counts(ctx, p)}</p>
          {ready && canApply ? (
            p.added.length + p.amended.length + p.reinstated.length + p.abolished.length === 0 ? (
              <p class="notice" role="status">
                {t("catalog.import.nothingToDo")}
              </p>
            ) : (
              <form method="post" action={`/staff/catalog/imports/${i.id}/apply`} class="panel" data-confirm={t("catalog.import.confirm")}>
                <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                <p>{t("catalog.import.applyHint", { date: formatDate(i.effectiveFrom) })}</p>
                <button type="submit">{t("catalog.import.apply")}</button>
              </form>
            )
          ) : null}
          <PreviewSections ctx={ctx} p={p} />
        </section>
      ) : null}
      <script src={IMPORT_SCRIPT_PATH} defer />
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// JSON shapes

const Entry = z.object({ code: z.string(), name: z.string(), field: z.string() });
const Issue = z.object({ row: z.number().nullable(), code: z.string().nullable(), field: z.string(), message: z.string() });
const PreviewJson = z.object({
  id: z.number(),
  status: z.enum(["reading", "previewed", "invalid", "applied", "stale", "failed"]),
  canApply: z.boolean(),
  decision: z.object({ number: z.string(), date: z.string().nullable() }).nullable(),
  effectiveFrom: z.string(),
  records: z.number(),
  added: z.array(Entry),
  amended: z.array(Entry.extend({ changes: z.array(z.object({ field: z.string(), label: z.string(), from: z.string(), to: z.string() })) })),
  reinstated: z.array(Entry),
  abolished: z.array(Entry),
  unchanged: z.number(),
  errors: z.array(Issue),
  errorCount: z.number(),
  problems: z.array(Issue),
  problemCount: z.number(),
  url: z.string(),
});
const ApplyJson = z.object({
  id: z.number(),
  status: z.literal("applied"),
  alreadyApplied: z.boolean(),
  created: z.number(),
  amended: z.array(z.string()),
  reinstated: z.array(z.string()),
  abolished: z.array(z.string()),
  unchanged: z.number(),
  announcements: z.number(),
});

function previewJson(i: CatalogImport): z.infer<typeof PreviewJson> {
  const p = i.preview;
  return {
    id: i.id,
    status: i.status,
    canApply: i.status === "previewed" && !i.busy,
    decision: i.decision,
    effectiveFrom: i.effectiveFrom,
    records: p?.records ?? 0,
    added: p?.added ?? [],
    amended: (p?.amended ?? []).map((a) => ({ code: a.code, name: a.name, field: a.field, changes: a.changes.map((c) => ({ field: c.field, label: c.label, from: c.before, to: c.after })) })),
    reinstated: p?.reinstated ?? [],
    abolished: p?.abolished ?? [],
    unchanged: p?.unchanged ?? 0,
    errors: p?.errors ?? [],
    errorCount: p?.errorCount ?? 0,
    problems: p?.problems ?? [],
    problemCount: p?.problemCount ?? 0,
    url: `/staff/catalog/imports/${i.id}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Routes

export async function catalogImportRoutes(app: FastifyInstance): Promise<void> {
  const db = app.deps.db;

  app.addHook("onClose", async () => {
    await catalogImportsSettled(app);
  });

  app.get(IMPORT_SCRIPT_PATH, async (_req, reply) => reply.type("text/javascript; charset=utf-8").header("cache-control", "public, max-age=3600").send(IMPORT_SCRIPT));

  const today = (req: FastifyRequest) => req.tx((tx) => tx.one<{ d: string }>("select to_char((now() at time zone 'Asia/Ho_Chi_Minh')::date, 'YYYY-MM-DD') as d")).then((r) => r.d);

  async function listPage(req: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors?: FormErrors, status = 200) {
    const user = requireAccess(req, CATALOG_MANAGE);
    const { owner, imports } = await req.tx(async (tx) => ({ owner: await importingAgencyOf(tx, user.agencyId), imports: await listImports(tx, { agencyId: user.agencyId }) }));
    return reply.page(<ImportsPage ctx={req.pageCtx()} owner={owner.name} imports={imports} values={values} errors={errors} />, status);
  }

  app.get("/staff/catalog/imports", async (req, reply) => listPage(req, reply, { effectiveFrom: await today(req) }));

  /** Records the upload and starts (or, for the API, runs) its preview. */
  async function upload(req: FastifyRequest, request: ImportRequest): Promise<number> {
    const user = requireAccess(req, CATALOG_MANAGE);
    return req.tx(async (tx) => {
      const owner = await importingAgencyOf(tx, user.agencyId);
      return createImport(tx, { agencyId: user.agencyId, importingAgencyId: owner.id, userId: user.id, request });
    });
  }

  app.post("/staff/catalog/imports", async (req, reply) => {
    requireAccess(req, CATALOG_MANAGE);
    const form = await readUpload(req);
    const r = toRequest(req, form, await today(req));
    if (!r.ok) return listPage(req, reply, form.values, r.errors, r.status);
    const id = await upload(req, r.request);
    inBackground(app, () => makePreview(db, id, r.request));
    return redirect(reply, `/staff/catalog/imports/${id}`);
  });

  async function loadImport(req: FastifyRequest, id: number): Promise<CatalogImport> {
    requireAccess(req, CATALOG_MANAGE);
    const i = await req.tx((tx) => findImport(tx, id));
    if (!i) throw notFound("catalog.import.notFound");
    return i;
  }

  const PageQuery = z.object({ applied: z.enum(["1", "again"]).optional(), lang: z.string().optional() });

  app.get("/staff/catalog/imports/:id", async (req, reply) => {
    const { id } = parseWith(IdParam, req.params, req);
    const q = parseWith(PageQuery, req.query, req);
    const i = await loadImport(req, id);
    const notice = q.applied === "again" && i.status === "applied" ? req.t("catalog.import.alreadyApplied") : undefined;
    return reply.page(<ImportPage ctx={req.pageCtx()} i={i} canApply notice={notice} />);
  });

  app.get("/staff/catalog/imports/:id/progress", async (req, reply) => {
    const { id } = parseWith(IdParam, req.params, req);
    const i = await loadImport(req, id);
    const pct = i.progress.total > 0 ? Math.floor((i.progress.done / i.progress.total) * 100) : 0;
    const stage = i.progress.stage ?? "reading";
    return reply.header("cache-control", "no-store").send({
      status: i.status,
      busy: i.busy,
      stage,
      done: i.progress.done,
      total: i.progress.total,
      pct,
      text: req.t(`catalog.import.stage.${stage}`, { done: formatNumber(i.progress.done), total: formatNumber(i.progress.total), pct }),
    });
  });

  app.post("/staff/catalog/imports/:id/apply", async (req, reply) => {
    const user = requireAccess(req, CATALOG_MANAGE);
    const { id } = parseWith(IdParam, req.params, req);
    const i = await loadImport(req, id);
    // Applying twice changes nothing: the second click lands on the result.
    if (i.status === "applied") return redirect(reply, `/staff/catalog/imports/${id}?applied=again`);
    if (i.busy) return redirect(reply, `/staff/catalog/imports/${id}`);
    const refusal = i.status === "invalid" || i.status === "failed" ? "catalog.import.hasErrors" : i.status === "stale" ? "catalog.import.stale" : i.status === "reading" ? "catalog.import.notReady" : null;
    if (refusal) {
      const status = i.status === "invalid" || i.status === "failed" ? 422 : 409;
      return reply.page(<ImportPage ctx={req.pageCtx()} i={i} canApply error={req.t(refusal)} />, status);
    }
    // Marked before the work starts, so the page shows the progress and no second button.
    await req.tx((tx) => tx.exec("update catalog_imports set progress_stage = 'applying', progress_done = 0, updated_at = now() where id = $1", [id]));
    inBackground(app, async () => {
      await applyImport(db, { id, actor: user.username, actorUserId: user.id });
      invalidateCatalogSearch(db);
    });
    return redirect(reply, `/staff/catalog/imports/${id}`);
  });

  // JSON API: the same work, synchronously.
  defineApi(app, {
    method: "POST",
    url: "/api/v1/catalog/imports",
    summary:
      "Upload a catalog file in the national procedure database's shape (portal records or the structured seed; JSON or gzip, at most 30 MB) with the announcement decision; returns the preview: new procedures, amended ones field by field, abolished ones, and every problem by row. Nothing is written to the catalog until apply.",
    tags: ["catalog"],
    auth: CATALOG_MANAGE,
    multipart: {
      fields: z.object({
        decision: z.string().max(100).optional().describe("Number of the announcement decision, e.g. 1234/QĐ-UBND"),
        decisionDate: z.string().optional().describe("Date of the decision, YYYY-MM-DD"),
        effectiveFrom: z.string().optional().describe("Day the new and amended versions apply from, YYYY-MM-DD (default today in Vietnam)"),
        abolish: z.string().optional().describe("Codes the decision abolishes, separated by spaces or commas"),
        abolishMissing: z.enum(ABOLISH_MISSING).optional().describe("Also abolish what the file lacks: none (default), fields (of the fields in the file), all"),
      }),
      files: [{ name: "file", required: true, description: ".json or .json.gz" }],
    },
    response: PreviewJson,
    successStatus: 201,
    errors: { 413: "File over 30 MB", 415: "Not a multipart upload", 422: "A field is invalid or the file is missing" },
    handler: async ({ req }) => {
      if (!req.isMultipart()) throw new HttpError(415, "catalog.import.err.multipart");
      const form = await readUpload(req);
      const r = toRequest(req, form, await today(req));
      if (!r.ok) {
        const details = Object.entries(r.errors).map(([path, message]) => ({ path, message }));
        throw new HttpError(r.status, r.status === 413 ? "catalog.import.err.tooLargeShort" : "error.validation", { max: MAX_IMPORT_FILE_BYTES / 1024 / 1024 }, details);
      }
      const id = await upload(req, r.request);
      await makePreview(db, id, r.request);
      const i = await req.tx((tx) => findImport(tx, id));
      return previewJson(i!);
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/catalog/imports/:id",
    summary: "An import's preview (or its progress while the file is read)",
    tags: ["catalog"],
    auth: CATALOG_MANAGE,
    params: IdParam,
    response: PreviewJson,
    errors: { 404: "No such import in the caller's agencies" },
    handler: async ({ req, params }) => previewJson(await loadImport(req, params.id)),
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/catalog/imports/:id/apply",
    summary:
      "Apply a previewed import: new versions in force from its effective date, abolitions, announcements citing the decision to every agency concerned. Applying again changes nothing and returns the first result (alreadyApplied).",
    tags: ["catalog"],
    auth: CATALOG_MANAGE,
    params: IdParam,
    response: ApplyJson,
    errors: { 404: "No such import", 409: "Still being read, or the catalog changed since the preview (upload again)", 422: "The file has errors: nothing can be applied" },
    handler: async ({ req, params }) => {
      const user = requireAccess(req, CATALOG_MANAGE);
      const i = await loadImport(req, params.id);
      if (i.status === "invalid" && i.preview) {
        throw new HttpError(422, "catalog.import.hasErrors", undefined, i.preview.errors.map((e) => ({ path: e.row === null ? "file" : `row ${e.row}`, message: issueText(e) })));
      }
      const r = await applyImport(db, { id: params.id, actor: user.username, actorUserId: user.id });
      invalidateCatalogSearch(db);
      return { id: params.id, status: "applied" as const, alreadyApplied: r.alreadyApplied, ...r.result };
    },
  });
}
