import { randomBytes } from "node:crypto";
import path from "node:path";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { MultipartFile } from "@fastify/multipart";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import { Applicant } from "../../domain/dossiers/applicant";
import {
  type ActorRole,
  availableActions,
  DOSSIER_ACTIONS,
  type DossierAction,
  isDossierAction,
  TRANSITIONS,
  type Transition,
} from "../../domain/dossiers/state-machine";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { siteAgency } from "../../web/core-routes";
import { HttpError, issueMessages, notFound, requirePermission, requireUser } from "../../web/http";
import { formatDateTime } from "../../web/i18n";
import { registerDashboard, registerNav } from "../../web/registry";
import { CsrfField, ErrorSummary, Field, Layout } from "../../web/views/layout";
import type { CurrentUser } from "../../web/context";
import type { Tx } from "../../db/scope";
import { findAgencyByCode, findAgencyIdentity, listAgencies } from "../agencies/agencies";
import { getAgencyCalendar } from "../calendar/service";
import { searchProcedures } from "../catalog/search-cache";
import { findOfferedProcedure, listOfferedProcedures } from "../catalog/service";
import { citizenDossierRoutes } from "./citizen-routes";
import "./demo";
import { DRAFT_COOKIE, DRAFT_DAYS, type DraftFile, type DraftUpload, deleteDraft, findSubmittedCode, isDraftToken, listDraftFiles, loadDraft, saveDraft, stageDraftFiles } from "./drafts";
import { filesRoot, type StagedFile, stageFiles, type UploadInput, withStagedFiles, finaliseFiles, MAX_FILE_BYTES } from "./files";
import "./messages";
import { assignmentRulesRoutes } from "./rules-routes";
import {
  applyAction,
  type Dossier,
  type DossierActor,
  findDossier,
  findOwnDossier,
  listAttachments,
  listEvents,
  listQueue,
  listStaff,
  QUEUES,
  type Queue,
  queueCounts,
  receiveAtCounter,
  requiredDocuments,
  timelinessOf,
  trackDossier,
} from "./service";
import { sendAttachment } from "./download";
import { DocumentChecklist, localise, StatusTag } from "./views";
import { submissionHash, submitOnlineTx } from "./online-intake";
import { RegisterDownload } from "../dossier-docs/register-link";

registerNav(
  { href: "/staff/dossiers", labelKey: "dossier.nav.queues", area: "staff", permission: "dossier.view", order: 20 },
  { href: "/staff/dossiers/new", labelKey: "dossier.nav.new", area: "staff", permission: "dossier.receive", order: 21 },
  { href: "/submit", labelKey: "dossier.nav.submit", area: "public", order: 20 },
  { href: "/track", labelKey: "dossier.nav.track", area: "public", order: 21 },
);

const DASH_QUEUES: { queue: Exclude<Queue, "all">; roles: readonly string[]; tone?: "warn" | "bad" }[] = [
  { queue: "to_accept", roles: ["desk_officer", "leader", "commune_admin"] },
  { queue: "to_process", roles: ["desk_officer", "specialist", "leader"] },
  { queue: "to_approve", roles: ["leader"] },
  { queue: "to_return", roles: ["desk_officer", "leader"] },
  { queue: "due_soon", roles: ["desk_officer", "specialist", "leader", "commune_admin"], tone: "warn" },
  { queue: "overdue", roles: ["desk_officer", "specialist", "leader", "commune_admin"], tone: "bad" },
];

registerDashboard(async (req, tx) => {
  const user = req.user;
  if (!user || !can(user.role, "dossier.view")) return [];
  const counts = await queueCounts(tx, { agencyId: user.agencyId, userId: user.id, role: user.role });
  return DASH_QUEUES.filter((q) => q.roles.includes(user.role)).map((q) => ({
    labelKey: `dossier.dash.${q.queue}`,
    value: counts[q.queue],
    href: `/staff/dossiers?queue=${q.queue}`,
    ...(q.tone && counts[q.queue] > 0 ? { tone: q.tone } : {}),
  }));
});

// ---------------------------------------------------------------------------------------------
// Helpers

function actorOf(user: CurrentUser): DossierActor {
  return { userId: user.id, role: user.role as ActorRole, label: user.username, agencyId: user.agencyId };
}

/** Message variables that are catalog keys (status and action names) shown in the reader's language. */
async function localised<T>(req: FastifyRequest, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw localise(e, req);
  }
}

/** A small fixed-window limiter per client address: tracking must not become a code oracle. */
const hits = new Map<string, { start: number; n: number }>();
export const TRACK_LIMIT = { max: 30, windowMs: 60_000 };
function rateLimit(req: FastifyRequest, bucket: string): void {
  const key = `${bucket}:${req.ip}`;
  const now = Date.now();
  const h = hits.get(key);
  if (!h || now - h.start > TRACK_LIMIT.windowMs) {
    if (hits.size > 50_000) hits.clear();
    hits.set(key, { start: now, n: 1 });
    return;
  }
  h.n++;
  if (h.n > TRACK_LIMIT.max) throw new HttpError(429, "error.429");
}

function filesDir(app: FastifyInstance): string {
  return filesRoot(app.deps.config.dataDir);
}

function TimeTag({ ctx, value }: { ctx: PageCtx; value: string }) {
  const tone = value === "overdue" ? "bad" : value === "due_soon" ? "warn" : "";
  return <span class={`tag ${tone}`}>{ctx.t(`dossier.time.${value}`)}</span>;
}

const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, { error: "msg:dossier.err.idempotencyKey" });

function newKey(): string {
  return randomBytes(18).toString("base64url");
}

// ---------------------------------------------------------------------------------------------
// Online submission (public)

type SubmitValues = Record<string, string>;

function applicantFrom(v: SubmitValues) {
  return {
    fullName: v.fullName ?? "",
    idNumber: v.idNumber ?? "",
    phone: v.phone ?? "",
    email: v.email ?? "",
    address: { line: v.addressLine ?? "", communeCode: v.addressCommune ?? "" },
  };
}

function fieldErrors(error: z.ZodError, req: FastifyRequest): Record<string, string> {
  const map: Record<string, string> = { "address.line": "addressLine", "address.communeCode": "addressCommune" };
  const errors: Record<string, string> = {};
  for (const d of issueMessages(error, req.t)) {
    const k = map[d.path] ?? d.path;
    if (!(k in errors)) errors[k] = d.message;
  }
  return errors;
}

type ProcedureDocs = ReturnType<typeof requiredDocuments>;

/** A file kept with the draft: used on submit unless replaced by a new upload or dropped. */
function KeptFile({ ctx, index, file }: { ctx: PageCtx; index: number; file: DraftFile }) {
  return (
    <div id={`f-file_${index}-kept`}>
      <p class="hint">
        {ctx.t("dossier.draft.kept", { name: file.fileName, size: Math.max(1, Math.ceil(file.size / 1024)) })}. {ctx.t("dossier.draft.replaceHint")}
      </p>
      <label>
        <input type="checkbox" name={`dropFile_${index}`} value="yes" /> {ctx.t("dossier.draft.drop")}
      </label>
    </div>
  );
}

function SubmitForm(p: {
  ctx: PageCtx;
  agency: { code: string; name: string; parentCode: string | null };
  procedure: { code: string; name: string };
  docs: ProcedureDocs;
  communes: { code: string; unitName: string }[];
  provinces: { code: string; unitName: string }[];
  province: string;
  values: SubmitValues;
  errors?: Record<string, string>;
  notice?: string;
  kept?: ReadonlyMap<number, DraftFile>;
}) {
  const { ctx, values: v, errors } = p;
  const t = ctx.t;
  const action = `/submit/${encodeURIComponent(p.agency.code)}/${encodeURIComponent(p.procedure.code)}?_csrf=${encodeURIComponent(ctx.csrfToken)}`;
  return (
    <Layout ctx={ctx} title={t("dossier.submit.formTitle", { name: p.procedure.name })}>
      <h1>{t("dossier.submit.formTitle", { name: p.procedure.name })}</h1>
      <p class="lead">
        {p.procedure.code} · {p.agency.name}
      </p>
      {p.notice ? (
        <p class="notice" role="status">
          {p.notice}
        </p>
      ) : null}
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="get" action={`/submit/${encodeURIComponent(p.agency.code)}/${encodeURIComponent(p.procedure.code)}`} class="panel no-print">
        <div class="field">
          <label for="f-province">{t("dossier.f.province")}</label>
          <select id="f-province" name="province">
            {p.provinces.map((pr) => (
              <option key={pr.code} value={pr.code} selected={pr.code === p.province}>
                {pr.unitName}
              </option>
            ))}
          </select>
        </div>
        {v.draft ? <input type="hidden" name="draft" value={v.draft} /> : null}
        <button type="submit" class="secondary">
          {t("dossier.f.changeProvince")}
        </button>
      </form>
      <form method="post" action={action} enctype="multipart/form-data" class="panel" novalidate>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="idempotencyKey" value={v.idempotencyKey} />
        {v.draft ? <input type="hidden" name="draft" value={v.draft} /> : null}
        <h2>{t("dossier.f.applicant")}</h2>
        <Field name="fullName" label={t("dossier.f.fullName")} value={v.fullName} error={errors?.fullName} required autoComplete="name" maxLength={200} />
        <Field name="idNumber" label={t("dossier.f.idNumber")} value={v.idNumber} error={errors?.idNumber} required inputMode="numeric" maxLength={12} />
        <Field name="phone" label={t("dossier.f.phone")} hint={t("dossier.f.phoneHint")} value={v.phone} error={errors?.phone} required type="tel" inputMode="tel" autoComplete="tel" maxLength={20} />
        <Field name="email" label={t("dossier.f.email")} value={v.email} error={errors?.email} type="email" autoComplete="email" maxLength={200} />
        <Field name="addressLine" label={t("dossier.f.addressLine")} value={v.addressLine} error={errors?.addressLine} required maxLength={300} />
        <div class={`field${errors?.addressCommune ? " has-error" : ""}`}>
          <label for="f-addressCommune">{t("dossier.f.addressCommune")}</label>
          <select id="f-addressCommune" name="addressCommune">
            <option value="">—</option>
            {p.communes.map((c) => (
              <option key={c.code} value={c.code} selected={c.code === v.addressCommune}>
                {c.unitName}
              </option>
            ))}
          </select>
        </div>
        <h2>{t("dossier.f.attachments")}</h2>
        {errors?.attachments ? <p class="error">{errors.attachments}</p> : null}
        {p.docs.items.map((d, i) => {
          const kept = p.kept?.get(i);
          return (
            <div class="field" key={`${i}`}>
              <label for={`f-file_${i}`}>
                {d.caseName ? `${d.caseName}: ` : ""}
                {d.name} {d.optional ? t("dossier.f.optional") : ""}
              </label>
              {kept ? <KeptFile ctx={ctx} index={i} file={kept} /> : null}
              <input
                id={`f-file_${i}`}
                type="file"
                name={`file_${i}`}
                accept="application/pdf,image/jpeg,image/png"
                aria-describedby={kept ? `f-file_${i}-kept` : undefined}
              />
            </div>
          );
        })}
        <div class={`field${errors?.consent ? " has-error" : ""}`}>
          {errors?.consent ? <p class="error">{errors.consent}</p> : null}
          <label>
            <input type="checkbox" name="consent" value="yes" checked={v.consent === "yes"} /> {t("dossier.submit.consent")}
          </label>
        </div>
        <button type="submit" name="intent" value="submit">
          {t("dossier.submit.send")}
        </button>{" "}
        <button type="submit" name="intent" value="draft" class="secondary">
          {t("dossier.submit.saveDraft")}
        </button>
      </form>
    </Layout>
  );
}

type PublicAgency = { id: number; code: string; name: string; parentCode: string | null; parentId: number | null };

async function publicAgency(req: FastifyRequest, code: string): Promise<PublicAgency> {
  const a = await req.tx((tx) =>
    tx.maybeOne<{ id: number; code: string; name: string; parent_id: number | null; parent_code: string | null }>(
      "select a.id, a.code, a.name, a.parent_id, p.code as parent_code from agencies a left join agencies p on p.id = a.parent_id where a.code = $1",
      [code],
    ),
  );
  if (!a) throw notFound("dossier.err.agency");
  return { id: a.id, code: a.code, name: a.name, parentCode: a.parent_code, parentId: a.parent_id };
}

async function formLists(req: FastifyRequest, province: string) {
  return req.tx(async (tx) => {
    const provinces = (await listAgencies(tx, { kind: "province", limit: 100, offset: 0 })).items.map((i) => ({ code: i.code, unitName: i.unitName }));
    const communes = province ? (await listAgencies(tx, { parent: province, limit: 500, offset: 0 })).items.map((i) => ({ code: i.code, unitName: i.unitName })) : [];
    return { provinces, communes };
  });
}

/** Indices of the form's documents: file_<i> fields, and dropFile_<i> boxes ticked. */
function documentIndex(field: string, prefix: "file_" | "dropFile_"): number {
  const m = new RegExp(`^${prefix}(\\d{1,3})$`).exec(field);
  return m ? Number(m[1]) : -1;
}

type MultipartForm = {
  values: Record<string, string>;
  files: { field: string; fileName: string; data: Buffer }[];
  /** Files over 10 MB: cut off while streaming and dropped, so the rest of the form is still read. */
  tooLarge: { field: string; fileName: string }[];
};

/** Reads a multipart form: text fields and files (each at most 10 MB, enforced while streaming). */
async function readMultipart(req: FastifyRequest): Promise<MultipartForm> {
  const values: Record<string, string> = {};
  const files: MultipartForm["files"] = [];
  const tooLarge: MultipartForm["tooLarge"] = [];
  if (!req.isMultipart()) {
    const body = (req.body ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(body)) values[k] = Array.isArray(v) ? String(v[0]) : String(v ?? "");
    return { values, files, tooLarge };
  }
  // throwFileSizeLimit (read by @fastify/multipart per call, missing from its types): mark, not throw.
  const options = { limits: { fileSize: MAX_FILE_BYTES }, throwFileSizeLimit: false } as Parameters<FastifyRequest["parts"]>[0];
  for await (const part of req.parts(options)) {
    if (part.type === "file") {
      const f = part as MultipartFile;
      const data = await f.toBuffer();
      if (f.file.truncated) tooLarge.push({ field: f.fieldname, fileName: f.filename || "tep" });
      else if (data.length > 0) files.push({ field: f.fieldname, fileName: f.filename || "tep", data });
    } else {
      values[part.fieldname] = String((part as { value: unknown }).value ?? "");
    }
  }
  return { values, files, tooLarge };
}

/** The 413 of the first file over the limit, for forms that cannot use the rest without it. */
function tooLargeError(form: MultipartForm): HttpError | undefined {
  const f = form.tooLarge[0];
  return f ? new HttpError(413, "dossier.err.fileTooLarge", { name: f.fileName }) : undefined;
}

export async function dossiersRoutes(app: FastifyInstance): Promise<void> {
  await assignmentRulesRoutes(app);
  // -------------------------------------------------------------------------------------------
  // Public: choose a procedure offered online

  app.get("/submit", async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const ctx = req.pageCtx();
    const t = ctx.t;
    const site = await siteAgency(app);
    const agencyCode = q.agency || site?.code;
    const agency = agencyCode ? await req.tx((tx) => findAgencyByCode(tx, agencyCode)) : undefined;
    const province = q.province || undefined;
    const lists = await formLists(req, province ?? "");
    const procedures = agency ? await req.tx((tx) => listOfferedProcedures(tx, { agencyId: agency.id, onlineOnly: true })) : [];
    const fields = [...procedures.reduce((m, p) => m.set(p.field, (m.get(p.field) ?? 0) + 1), new Map<string, number>())].sort((a, b) =>
      a[0].localeCompare(b[0], "vi"),
    );
    let shown: typeof procedures | undefined;
    const query = (q.q ?? "").slice(0, 200).trim();
    if (agency && query) {
      const online = new Map(procedures.map((p) => [p.code, p]));
      const found = await searchProcedures(app.deps.db, { agencyId: agency.id, q: query, limit: 50 });
      shown = found.items.flatMap((i) => {
        const p = online.get(i.code);
        return p ? [p] : [];
      });
    } else if (agency && q.field) {
      shown = procedures.filter((p) => p.field === q.field);
    }
    return reply.page(
      <Layout ctx={ctx} title={t("dossier.submit.title")}>
        <h1>{t("dossier.submit.title")}</h1>
        <form method="get" action="/submit" class="panel">
          <div class="field">
            <label for="f-province">{t("dossier.f.province")}</label>
            <select id="f-province" name="province">
              <option value="">—</option>
              {lists.provinces.map((p) => (
                <option key={p.code} value={p.code} selected={p.code === province}>
                  {p.unitName}
                </option>
              ))}
            </select>
          </div>
          {province ? (
            <div class="field">
              <label for="f-agency">{t("dossier.submit.chooseAgency")}</label>
              <select id="f-agency" name="agency">
                {lists.communes.map((c) => (
                  <option key={c.code} value={c.code} selected={c.code === agency?.code}>
                    {c.unitName}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <button type="submit" class="secondary">
            {t("dossier.submit.chooseAgency")}
          </button>
        </form>
        {agency ? (
          <section>
            <h2>{agency.name}</h2>
            <p>{t("dossier.submit.intro", { name: agency.unit_name })}</p>
            {procedures.length === 0 ? <p>{t("dossier.submit.none")}</p> : null}
            {procedures.length > 0 ? (
              <form method="get" action="/submit" role="search" class="search-row">
                <input type="hidden" name="agency" value={agency.code} />
                {province ? <input type="hidden" name="province" value={province} /> : null}
                <div class="field">
                  <label for="f-submit-q">{t("dossier.submit.search")}</label>
                  <input id="f-submit-q" name="q" type="search" value={q.q ?? ""} maxLength={200} />
                </div>
                <button type="submit">{t("home.search.submit")}</button>
              </form>
            ) : null}
            {shown ? (
              <>
                <h3>{q.q ? t("dossier.submit.results", { n: shown.length }) : q.field}</h3>
                <ul class="proc-list">
                  {shown.map((p) => (
                    <li key={p.code}>
                      <a href={`/submit/${encodeURIComponent(agency.code)}/${encodeURIComponent(p.code)}`}>{p.name}</a>{" "}
                      <span class="tag">{t(`dossier.submit.level.${p.onlineLevel}`)}</span> <small class="muted">{p.code} · {p.field}</small>
                    </li>
                  ))}
                </ul>
                <p>
                  <a href={`/submit?agency=${encodeURIComponent(agency.code)}`}>{t("dossier.submit.allFields")}</a>
                </p>
              </>
            ) : (
              // A phone on a slow network gets the fields first (a few hundred bytes each), not
              // every procedure at once.
              <ul class="proc-list">
                {fields.map(([field, n]) => (
                  <li key={field}>
                    <a href={`/submit?agency=${encodeURIComponent(agency.code)}&field=${encodeURIComponent(field)}`}>{field}</a>{" "}
                    <small class="muted">({n})</small>
                  </li>
                ))}
              </ul>
            )}
          </section>
        ) : null}
      </Layout>,
    );
  });

  async function renderSubmitForm(
    req: FastifyRequest,
    opts: { agencyCode: string; procedureCode: string; values?: SubmitValues; errors?: Record<string, string>; notice?: string; status?: number },
  ) {
    const agency = await publicAgency(req, opts.agencyCode);
    const procedure = await req.tx((tx) => findOfferedProcedure(tx, { agencyId: agency.id, code: opts.procedureCode }));
    if (!procedure || procedure.onlineLevel === "none") throw notFound();
    const q = req.query as Record<string, string | undefined>;
    const draftToken = q.draft ?? opts.values?.draft ?? req.cookies[DRAFT_COOKIE];
    const draft = opts.values ? undefined : await loadDraft(app.deps.db, { agencyId: agency.id, procedureCode: procedure.code, token: draftToken });
    const values: SubmitValues = { idempotencyKey: newKey(), ...(draft ?? {}), ...(opts.values ?? {}) };
    if (!values.idempotencyKey) values.idempotencyKey = newKey();
    const province = q.province ?? agency.parentCode ?? "";
    const lists = await formLists(req, province);
    const docs = requiredDocuments(procedure);
    const kept = await listDraftFiles(app.deps.db, { agencyId: agency.id, procedureCode: procedure.code, token: values.draft, documents: docs.items });
    return {
      status: opts.status ?? 200,
      page: (
        <SubmitForm
          ctx={req.pageCtx()}
          agency={agency}
          procedure={procedure}
          docs={docs}
          kept={kept}
          communes={lists.communes}
          provinces={lists.provinces}
          province={province}
          values={values}
          {...(opts.errors ? { errors: opts.errors } : {})}
          {...(opts.notice ? { notice: opts.notice } : {})}
        />
      ),
    };
  }

  app.get("/submit/:agency/:procedure", async (req, reply) => {
    const p = req.params as { agency: string; procedure: string };
    const r = await renderSubmitForm(req, { agencyCode: p.agency, procedureCode: p.procedure });
    return reply.page(r.page, r.status);
  });

  app.post("/submit/:agency/:procedure", async (req, reply) => {
    const p = req.params as { agency: string; procedure: string };
    const agency = await publicAgency(req, p.agency);
    const procedure = await req.tx((tx) => findOfferedProcedure(tx, { agencyId: agency.id, code: p.procedure }));
    if (!procedure || procedure.onlineLevel === "none") throw notFound();
    const form = await readMultipart(req);
    const { values, files } = form;
    const again = async (errors: Record<string, string>, status: number, notice?: string) => {
      const r = await renderSubmitForm(req, { agencyCode: agency.code, procedureCode: procedure.code, values, errors, status, ...(notice ? { notice } : {}) });
      return reply.page(r.page, r.status);
    };
    const dropped = Object.keys(values)
      .filter((k) => values[k] === "yes")
      .map((k) => documentIndex(k, "dropFile_"))
      .filter((i) => i >= 0);
    if (values.intent === "draft") {
      const draftDocs = requiredDocuments(procedure).items;
      const draftUploads: DraftUpload[] = files.flatMap((f) => {
        const i = documentIndex(f.field, "file_");
        const d = draftDocs[i];
        return d ? [{ documentIndex: i, documentName: d.name, fileName: f.fileName, data: f.data }] : [];
      });
      const saved = await saveDraft(app.deps.db, {
        root: filesDir(app),
        agencyId: agency.id,
        procedureCode: procedure.code,
        token: values.draft,
        values,
        uploads: draftUploads,
        drop: dropped,
      });
      reply.setCookie(DRAFT_COOKIE, saved.token, { path: "/submit", httpOnly: true, sameSite: "lax", maxAge: DRAFT_DAYS * 86400 });
      const url = `/submit/${encodeURIComponent(agency.code)}/${encodeURIComponent(procedure.code)}?draft=${saved.token}`;
      values.draft = saved.token;
      const notice = req.t("dossier.draft.saved", { url, days: DRAFT_DAYS });
      // The text and the good files are saved; each bad file is named, and nothing of it is kept.
      const rejected = [...form.tooLarge.map((f) => new HttpError(413, "dossier.err.fileTooLarge", { name: f.fileName })), ...saved.rejected];
      const bad = rejected.map((e) => req.t("dossier.draft.fileNotKept", { reason: req.t(e.messageKey, e.vars) }));
      return again(bad.length > 0 ? { attachments: bad.join(" ") } : {}, rejected[0]?.status ?? 200, notice);
    }
    const errors: Record<string, string> = {};
    const parsed = Applicant.safeParse(applicantFrom(values));
    if (!parsed.success) Object.assign(errors, fieldErrors(parsed.error, req));
    if (values.consent !== "yes") errors.consent = req.t("dossier.err.consent");
    const key = IdempotencyKey.safeParse(values.idempotencyKey);
    if (!key.success) errors._ = req.t("dossier.err.idempotencyKey");
    if (Object.keys(errors).length > 0 || !parsed.success) return again(errors, 400);
    const oversize = tooLargeError(form);
    if (oversize) return again({ attachments: req.t(oversize.messageKey, oversize.vars) }, 413);
    const fromDraft = isDraftToken(values.draft) ? values.draft : undefined;
    if (fromDraft && !(await loadDraft(app.deps.db, { agencyId: agency.id, procedureCode: procedure.code, token: fromDraft }))) {
      // A retried submission whose draft (kept files included) went with the first attempt:
      // the first dossier, not a mismatch of the idempotency key.
      const code = await findSubmittedCode(app.deps.db, { agencyId: agency.id, idempotencyKey: key.data! });
      if (code) {
        reply.clearCookie(DRAFT_COOKIE, { path: "/submit" });
        return reply.code(303).redirect(`/submit/done?code=${encodeURIComponent(code)}`);
      }
    }
    const docs = requiredDocuments(procedure);
    const uploads: UploadInput[] = files.map((f) => {
      const index = Number(/^file_(\d+)$/.exec(f.field)?.[1] ?? -1);
      return { documentName: docs.items[index]?.name ?? f.fileName, fileName: f.fileName, data: f.data };
    });
    let staged: StagedFile[];
    try {
      staged = await stageFiles({ root: filesDir(app), agencyId: agency.id, uploads });
    } catch (e) {
      if (e instanceof HttpError) return again({ attachments: req.t(e.messageKey, e.vars) }, e.status);
      throw e;
    }
    if (fromDraft) {
      // Documents without a new upload (and not dropped) take the file kept with the draft.
      const skip = new Set([...dropped, ...files.map((f) => documentIndex(f.field, "file_"))]);
      const kept = await withStagedFiles(staged, () =>
        stageDraftFiles(app.deps.db, { root: filesDir(app), agencyId: agency.id, procedureCode: procedure.code, token: fromDraft, documents: docs.items, skip }),
      );
      staged.push(...(kept ?? []));
    }
    try {
      const r = await submitOnlineTx(app.deps.db, {
        agencyId: agency.id,
        procedureCode: procedure.code,
        applicant: parsed.data,
        fields: {},
        files: staged,
        idempotencyKey: key.data!,
        requestHash: submissionHash({ agencyCode: agency.code, procedureCode: procedure.code, applicant: parsed.data, fields: {}, files: staged }),
        applicantUserId: req.user?.role === "citizen" ? req.user.id : null,
      });
      if (fromDraft) {
        // The dossier is in: a failure here must not turn it into an error (expiry sweeps the rest).
        await deleteDraft(app.deps.db, { root: filesDir(app), agencyId: agency.id, token: fromDraft }).catch((e: unknown) => req.log.warn({ err: e }, "draft not deleted"));
        reply.clearCookie(DRAFT_COOKIE, { path: "/submit" });
      }
      return reply.code(303).redirect(`/submit/done?code=${encodeURIComponent(r.dossier.code)}`);
    } catch (e) {
      if (e instanceof HttpError && e.status === 422) {
        const l = localise(e, req) as HttpError;
        return again({ attachments: req.t(l.messageKey, l.vars) }, 422);
      }
      throw e;
    }
  });

  app.get("/submit/done", async (req, reply) => {
    const code = String((req.query as Record<string, unknown>).code ?? "").slice(0, 80);
    const ctx = req.pageCtx();
    const t = ctx.t;
    return reply.page(
      <Layout ctx={ctx} title={t("dossier.submit.doneTitle")}>
        <h1>{t("dossier.submit.doneTitle")}</h1>
        <p class="notice" role="status">
          {t("dossier.submit.doneBody", { code })}
        </p>
        <p>{t("dossier.submit.keepCode")}</p>
        <p>
          <a class="button" href={`/track?code=${encodeURIComponent(code)}`}>
            {t("dossier.submit.trackLink")}
          </a>
        </p>
      </Layout>,
    );
  });

  // -------------------------------------------------------------------------------------------
  // Public tracking

  app.get("/track", async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const ctx = req.pageCtx();
    const t = ctx.t;
    const code = (q.code ?? "").trim().slice(0, 80);
    const phone = (q.phone ?? "").trim();
    let view: Awaited<ReturnType<typeof trackDossier>>;
    let asked = false;
    if (code && phone) {
      rateLimit(req, "track");
      asked = true;
      view = await app.deps.db.system((tx) => trackDossier(tx, { code, phoneLast4: phone }));
    }
    return reply.page(
      <Layout ctx={ctx} title={t("dossier.track.title")}>
        <h1>{t("dossier.track.title")}</h1>
        <form method="get" action="/track" class="panel">
          <Field name="code" label={t("dossier.track.code")} value={code} required maxLength={80} />
          <Field name="phone" label={t("dossier.track.phone")} value={phone} required inputMode="numeric" maxLength={4} />
          <button type="submit">{t("dossier.track.submit")}</button>
        </form>
        {asked && !view ? (
          <p class="error" role="alert">
            {t("dossier.track.notFound")}
          </p>
        ) : null}
        {view ? (
          <section aria-labelledby="track-result">
            <h2 id="track-result">{view.code}</h2>
            <dl>
              <dt>{t("dossier.f.procedure")}</dt>
              <dd>{view.procedure}</dd>
              <dt>{t("dossier.f.status")}</dt>
              <dd>
                <StatusTag ctx={ctx} status={view.status} />
              </dd>
              <dt>{t("dossier.f.receivedAt")}</dt>
              <dd>{formatDateTime(view.receivedAt)}</dd>
              <dt>{t("dossier.f.dueAt")}</dt>
              <dd>{formatDateTime(view.dueAt)}</dd>
            </dl>
            {view.overdue ? <p class="notice">{t("dossier.track.overdue")}</p> : null}
            <h3>{t("dossier.detail.history")}</h3>
            <ol>
              {view.history.map((h, i) => (
                <li key={`${i}`}>
                  {formatDateTime(h.at)}: {t(`dossier.status.${h.status}`)}
                </li>
              ))}
            </ol>
          </section>
        ) : null}
      </Layout>,
      asked && !view ? 404 : 200,
    );
  });

  const TrackResponse = z.object({
    code: z.string(),
    procedure: z.string(),
    status: z.string(),
    receivedAt: z.string().nullable(),
    dueAt: z.string().nullable(),
    overdue: z.boolean(),
    history: z.array(z.object({ at: z.string(), status: z.string() })),
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/dossiers/:code/status",
    summary: "Status of a dossier for its applicant: the code and the last 4 digits of the applicant's phone (404 when either is wrong)",
    tags: ["dossiers"],
    auth: "public",
    params: z.object({ code: z.string().min(1).max(80) }),
    query: z.object({ phone: z.string().max(20).optional() }),
    response: TrackResponse,
    errors: { 404: "Unknown code or wrong phone digits", 429: "Too many look-ups" },
    handler: async ({ req, params, query }) => {
      rateLimit(req, "track");
      const view = query.phone ? await app.deps.db.system((tx) => trackDossier(tx, { code: params.code, phoneLast4: query.phone! })) : undefined;
      if (!view) throw notFound("dossier.err.notFound");
      return view;
    },
  });

  // -------------------------------------------------------------------------------------------
  // API: online submission

  const SubmitBody = z.object({
    procedureCode: z.string().max(60).optional(),
    agencyCode: z.string().max(60).optional(),
    applicant: z
      .object({
        fullName: z.string().max(400).optional(),
        idNumber: z.string().max(40).optional(),
        phone: z.string().max(40).optional(),
        email: z.string().max(400).optional(),
        address: z.object({ line: z.string().max(600).optional(), communeCode: z.string().max(60).optional() }).optional(),
      })
      .optional(),
    fields: z.record(z.string(), z.union([z.string().max(2000), z.number(), z.boolean()])).optional(),
    attachments: z
      .array(z.object({ documentName: z.string().max(4000), fileName: z.string().max(300), contentType: z.string().max(100).optional(), dataBase64: z.string() }))
      .max(20)
      .optional(),
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/dossiers",
    summary:
      "Submit a dossier online (no account needed). Send an Idempotency-Key header: a retry with the same key and body returns the same dossier; the same key with another body is refused (422).",
    tags: ["dossiers"],
    auth: "public",
    body: SubmitBody,
    bodyLimit: 60 * 1024 * 1024,
    successStatus: 201,
    response: z.object({ code: z.string(), status: z.string(), dueAt: z.string().nullable(), acceptDueAt: z.string().nullable(), trackingUrl: z.string() }),
    errors: { 413: "A file is larger than 10 MB", 415: "A file is not PDF, JPEG or PNG", 422: "Missing or invalid parts, named in details" },
    handler: async ({ req, reply, body }) => {
      const headerKey = req.headers["idempotency-key"];
      const key = typeof headerKey === "string" ? IdempotencyKey.safeParse(headerKey) : undefined;
      if (key && !key.success) throw new HttpError(422, "dossier.err.idempotencyKey", undefined, [{ path: "Idempotency-Key", message: req.t("dossier.err.idempotencyKey") }]);
      const details: { path: string; message: string }[] = [];
      if (!body.procedureCode) details.push({ path: "procedureCode", message: req.t("dossier.err.procedure") });
      if (!body.agencyCode) details.push({ path: "agencyCode", message: req.t("dossier.err.agency") });
      const applicant = Applicant.safeParse({
        fullName: body.applicant?.fullName ?? "",
        idNumber: body.applicant?.idNumber ?? "",
        phone: body.applicant?.phone ?? "",
        email: body.applicant?.email,
        address: { line: body.applicant?.address?.line ?? "", communeCode: body.applicant?.address?.communeCode },
      });
      if (!applicant.success) details.push(...issueMessages(applicant.error, req.t).map((d) => ({ path: `applicant.${d.path}`, message: d.message })));
      const uploads: UploadInput[] = [];
      for (const [i, a] of (body.attachments ?? []).entries()) {
        if (!/^[A-Za-z0-9+/=\r\n]*$/.test(a.dataBase64)) {
          details.push({ path: `attachments.${i}.dataBase64`, message: req.t("dossier.err.base64") });
          continue;
        }
        uploads.push({ documentName: a.documentName, fileName: a.fileName, data: Buffer.from(a.dataBase64, "base64") });
      }
      const agency = body.agencyCode ? await findAgencyIdentity(app.deps.db, body.agencyCode) : undefined;
      if (body.agencyCode && !agency) details.push({ path: "agencyCode", message: req.t("dossier.err.agency") });
      if (details.length > 0 || !agency || !applicant.success) throw new HttpError(422, "error.validation", undefined, details);
      const staged = await stageFiles({ root: filesDir(app), agencyId: agency.id, uploads });
      const r = await localised(req, () =>
        submitOnlineTx(app.deps.db, {
          agencyId: agency.id,
          procedureCode: body.procedureCode!,
          applicant: applicant.data,
          fields: body.fields ?? {},
          files: staged,
          idempotencyKey: key?.data ?? null,
          requestHash: submissionHash({ agencyCode: agency.code, procedureCode: body.procedureCode!, applicant: applicant.data, fields: body.fields ?? {}, files: staged }),
          applicantUserId: req.user?.role === "citizen" ? req.user.id : null,
        }),
      );
      if (r.replayed) reply.header("Idempotent-Replayed", "true");
      return {
        code: r.dossier.code,
        status: r.dossier.status,
        dueAt: r.dossier.dueAt?.toISOString() ?? null,
        acceptDueAt: r.dossier.acceptDueAt?.toISOString() ?? null,
        trackingUrl: `/track?code=${encodeURIComponent(r.dossier.code)}`,
      };
    },
  });

  // -------------------------------------------------------------------------------------------
  // API: staff

  const QueueQuery = z.object({
    queue: z.enum(QUEUES, { error: "msg:dossier.err.queue" }).default("all"),
    q: z.string().max(100).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/dossiers",
    summary: "A work queue of the caller's agency (to_accept, to_process, to_approve, to_return, supplement, due_soon, overdue, transferred_in, all)",
    tags: ["dossiers"],
    auth: "dossier.view",
    query: QueueQuery,
    handler: async ({ req, query }) => {
      const user = requireUser(req);
      const items = await req.tx((tx) =>
        listQueue(tx, {
          agencyId: user.agencyId,
          userId: user.id,
          role: user.role,
          queue: query.queue,
          limit: query.limit,
          offset: query.offset,
          ...(query.q ? { search: foldSearch(query.q) } : {}),
        }),
      );
      return { items };
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/dossiers/:code",
    summary: "A dossier with its events and attachments (staff of the agency, or of the agency it was transferred to)",
    tags: ["dossiers"],
    auth: "dossier.view",
    params: z.object({ code: z.string().min(1).max(80) }),
    errors: { 404: "Unknown or not visible" },
    handler: async ({ req, params }) => {
      const user = requireUser(req);
      return req.tx(async (tx) => {
        const d = await findDossier(tx, { agencyId: user.agencyId, code: params.code });
        if (!d) throw notFound("dossier.err.notFound");
        const [events, attachments] = [await listEvents(tx, d.id), await listAttachments(tx, d.id)];
        return { dossier: d, events, attachments: attachments.map(({ storagePath: _s, ...a }) => a), actions: availableActions(d.status, user.role) };
      });
    },
  });

  const ActionBody = z
    .object({
      note: z.string().max(4000).optional(),
      assigneeUserId: z.number().int().optional(),
      leaderUserId: z.number().int().optional(),
      toAgencyCode: z.string().max(60).optional(),
      amount: z.number().int().optional(),
      returnChannel: z.enum(["counter", "online", "post"]).optional(),
      attachments: z.array(z.object({ documentName: z.string().max(4000), fileName: z.string().max(300), dataBase64: z.string() })).max(10).optional(),
    })
    .default({});

  defineApi(app, {
    method: "POST",
    url: "/api/v1/dossiers/:code/actions/:action",
    summary: "Apply an action of the dossier state table (docs/dossiers.md); the role and the current status decide whether it is allowed",
    tags: ["dossiers"],
    auth: "authenticated",
    params: z.object({ code: z.string().min(1).max(80), action: z.enum(DOSSIER_ACTIONS) }),
    body: ActionBody,
    bodyLimit: 45 * 1024 * 1024,
    errors: { 404: "Unknown or not visible", 409: "Not allowed in the current status", 422: "Invalid input" },
    handler: async ({ req, params, body }) => {
      const user = requireUser(req);
      const { attachments, ...input } = body;
      const uploads = (attachments ?? []).map((a) => ({ documentName: a.documentName, fileName: a.fileName, data: Buffer.from(a.dataBase64, "base64") }));
      const d = await runAction(req, { code: params.code, action: params.action, user, input, uploads });
      return { dossier: d };
    },
  });

  async function runAction(
    req: FastifyRequest,
    a: { code: string; action: DossierAction; user: CurrentUser; input: Record<string, unknown>; uploads: UploadInput[] },
  ): Promise<Dossier> {
    // A citizen acts on their own dossier within the agency that holds it (their scope has no agency).
    let agencyId = a.user.agencyId;
    let run = <T,>(fn: (tx: Tx) => Promise<T>) => req.tx(fn);
    if (a.user.role === "citizen") {
      const own = await req.tx((tx) => findOwnDossier(tx, { userId: a.user.id, code: a.code }));
      if (!own) throw notFound("dossier.err.notFound");
      agencyId = own.agencyId;
      run = (fn) => app.deps.db.scoped({ agencyIds: [own.agencyId], userId: a.user.id }, fn);
    }
    const staged = a.uploads.length ? await stageFiles({ root: filesDir(app), agencyId, uploads: a.uploads }) : [];
    return localised(req, () =>
      withStagedFiles(staged, () =>
        run(async (tx) => {
          const d = await applyAction(tx, { dossierCode: a.code, agencyId, action: a.action, actor: { ...actorOf(a.user), agencyId }, input: a.input, files: staged });
          await finaliseFiles(staged);
          return d;
        }),
      ),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Staff pages

  app.get("/staff/dossiers", async (req, reply) => {
    const user = requirePermission(req, "dossier.view");
    const q = req.query as Record<string, string | undefined>;
    const queue = (QUEUES as readonly string[]).includes(q.queue ?? "") ? (q.queue as Queue) : defaultQueue(user.role);
    const page = Math.max(0, Math.min(10_000, Number(q.page) || 0));
    const search = (q.q ?? "").slice(0, 100);
    const { items, counts } = await req.tx(async (tx) => ({
      items: await listQueue(tx, {
        agencyId: user.agencyId,
        userId: user.id,
        role: user.role,
        queue,
        limit: 50,
        offset: page * 50,
        ...(search ? { search: foldSearch(search) } : {}),
      }),
      counts: await queueCounts(tx, { agencyId: user.agencyId, userId: user.id, role: user.role }),
    }));
    const ctx = req.pageCtx();
    const t = ctx.t;
    return reply.page(
      <Layout ctx={ctx} title={t("dossier.list.title")} area="staff">
        <h1>{t("dossier.list.title")}</h1>
        <nav aria-label={t("dossier.list.title")}>
          <ul class="nav queue-tabs">
            {QUEUES.map((name) => (
              <li key={name}>
                <a href={`/staff/dossiers?queue=${name}`} aria-current={name === queue ? "page" : undefined}>
                  {t(`dossier.queue.${name}`)}
                  {name !== "all" ? ` (${counts[name]})` : ""}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <form method="get" action="/staff/dossiers" class="search-row" role="search">
          <input type="hidden" name="queue" value={queue} />
          <label class="sr-only" for="dq">
            {t("dossier.f.search")}
          </label>
          <input id="dq" name="q" type="search" value={search} placeholder={t("dossier.f.search")} maxLength={100} />
          <button type="submit" class="secondary">
            {t("dossier.track.submit")}
          </button>
        </form>
        {items.length === 0 ? (
          <p>{t("dossier.list.empty")}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t("dossier.f.code")}</th>
                  <th>{t("dossier.f.procedure")}</th>
                  <th>{t("dossier.f.applicant")}</th>
                  <th>{t("dossier.f.status")}</th>
                  <th>{t("dossier.f.dueAt")}</th>
                  <th>{t("dossier.f.timeliness")}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((i) => (
                  <tr key={i.code}>
                    <td>
                      <a href={`/staff/dossiers/${encodeURIComponent(i.code)}`}>{i.code}</a>
                    </td>
                    <td>{i.procedureName}</td>
                    <td>{i.applicantName}</td>
                    <td>
                      <StatusTag ctx={ctx} status={i.status} />
                    </td>
                    <td>{formatDateTime(i.dueAt ?? null)}</td>
                    <td>
                      <TimeTag ctx={ctx} value={i.timeliness} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {items.length === 50 ? (
          <p class="pager">
            <a href={`/staff/dossiers?queue=${queue}&page=${page + 1}${search ? `&q=${encodeURIComponent(search)}` : ""}`}>{t("dossier.list.more")}</a>
          </p>
        ) : null}
        <RegisterDownload ctx={ctx} />
      </Layout>,
    );
  });

  // Counter intake: step 1 picks the procedure (datalist type-ahead, works without JS), step 2 the rest.
  async function renderIntake(req: FastifyRequest, opts: { values?: Record<string, unknown>; errors?: Record<string, string>; status?: number }) {
    const user = requirePermission(req, "dossier.receive");
    const q = req.query as Record<string, string | undefined>;
    const values = (opts.values ?? {}) as Record<string, string | string[] | undefined>;
    const raw = String(values.procedure ?? q.procedure ?? "").trim();
    const code = raw.split(/\s+/)[0] ?? "";
    const { offered, procedure } = await req.tx(async (tx) => ({
      offered: await listOfferedProcedures(tx, { agencyId: user.agencyId }),
      procedure: code ? await findOfferedProcedure(tx, { agencyId: user.agencyId, code }) : undefined,
    }));
    const ctx = req.pageCtx();
    const t = ctx.t;
    const errors = { ...(opts.errors ?? {}) };
    if (raw && !procedure && !errors.procedure) errors.procedure = t("dossier.err.procedure");
    const docs = procedure ? requiredDocuments(procedure) : undefined;
    const ticked = new Set(Array.isArray(values.doc) ? values.doc : values.doc ? [values.doc] : []);
    const v = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : "");
    return {
      status: opts.status ?? (raw && !procedure ? 422 : 200),
      page: (
        <Layout ctx={ctx} title={t("dossier.new.title")} area="staff">
          <h1>{t("dossier.new.title")}</h1>
          <ErrorSummary ctx={ctx} errors={errors} />
          <form method="get" action="/staff/dossiers/new" class="panel">
            <div class={`field${errors.procedure ? " has-error" : ""}`}>
              <label for="f-procedure">{t("dossier.f.procedure")}</label>
              <p class="hint">{t("dossier.f.procedureHint")}</p>
              <input id="f-procedure" name="procedure" list="offered" value={procedure ? `${procedure.code} — ${procedure.name}` : raw} autoComplete="off" />
              <datalist id="offered">
                {offered.map((p) => (
                  <option key={p.code} value={`${p.code} — ${p.name}`} />
                ))}
              </datalist>
            </div>
            <button type="submit" class={procedure ? "secondary" : ""}>
              {t("dossier.new.pick")}
            </button>
            <p class="hint">{t("dossier.new.pickHint")}</p>
          </form>
          {procedure && docs ? (
            <form method="post" action="/staff/dossiers/new" class="panel" novalidate>
              <CsrfField ctx={ctx} />
              <input type="hidden" name="procedure" value={procedure.code} />
              <h2>
                {procedure.name} <small class="muted">{procedure.code}</small>
              </h2>
              <Field name="fullName" label={t("dossier.f.fullName")} value={v("fullName")} error={errors.fullName} required maxLength={200} />
              <Field name="idNumber" label={t("dossier.f.idNumber")} value={v("idNumber")} error={errors.idNumber} required inputMode="numeric" maxLength={12} />
              <Field name="phone" label={t("dossier.f.phone")} value={v("phone")} error={errors.phone} required type="tel" inputMode="tel" maxLength={20} />
              <Field name="email" label={t("dossier.f.email")} value={v("email")} error={errors.email} type="email" maxLength={200} />
              <Field name="addressLine" label={t("dossier.f.addressLine")} value={v("addressLine")} error={errors.addressLine} required maxLength={300} />
              <fieldset class={`field${errors.attachments ? " has-error" : ""}`}>
                <legend>{t("dossier.f.documents")}</legend>
                {errors.attachments ? <p class="error">{errors.attachments}</p> : null}
                {[...new Map(docs.items.map((d) => [d.name, d])).values()].map((d, i) => (
                  <label key={`${i}`}>
                    <input type="checkbox" name="doc" value={d.name} checked={ticked.has(d.name)} /> {d.caseName ? `${d.caseName}: ` : ""}
                    {d.name} {d.optional ? t("dossier.f.optional") : ""}
                  </label>
                ))}
              </fieldset>
              <div class="field">
                <label for="f-channel">{t("dossier.f.channel")}</label>
                <select id="f-channel" name="channel">
                  <option value="in_person" selected={v("channel") !== "post"}>
                    {t("dossier.channel.in_person")}
                  </option>
                  <option value="post" selected={v("channel") === "post"}>
                    {t("dossier.channel.post")}
                  </option>
                </select>
              </div>
              <button type="submit">{t("dossier.new.submit")}</button>
            </form>
          ) : null}
        </Layout>
      ),
    };
  }

  app.get("/staff/dossiers/new", async (req, reply) => {
    const r = await renderIntake(req, {});
    return reply.page(r.page, r.status);
  });

  app.post("/staff/dossiers/new", async (req, reply) => {
    const user = requirePermission(req, "dossier.receive");
    const body = (req.body ?? {}) as Record<string, string | string[] | undefined>;
    const str = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : "");
    const parsed = Applicant.safeParse({
      fullName: str("fullName"),
      idNumber: str("idNumber"),
      phone: str("phone"),
      email: str("email"),
      address: { line: str("addressLine") },
    });
    if (!parsed.success) {
      const r = await renderIntake(req, { values: body, errors: fieldErrors(parsed.error, req), status: 400 });
      return reply.page(r.page, r.status);
    }
    const docs = Array.isArray(body.doc) ? body.doc : body.doc ? [body.doc] : [];
    try {
      const d = await localised(req, () =>
        req.tx((tx) =>
          receiveAtCounter(tx, {
            agencyId: user.agencyId,
            procedureCode: str("procedure").split(/\s+/)[0] ?? "",
            applicant: parsed.data,
            documentsReceived: docs,
            channel: str("channel") === "post" ? "post" : "in_person",
            actor: actorOf(user),
          }),
        ),
      );
      return reply.code(303).redirect(`/staff/dossiers/${encodeURIComponent(d.code)}?received=1`);
    } catch (e) {
      if (e instanceof HttpError && e.status === 422) {
        const r = await renderIntake(req, { values: body, errors: { attachments: req.t(e.messageKey, e.vars) }, status: 422 });
        return reply.page(r.page, r.status);
      }
      throw e;
    }
  });

  app.get("/staff/dossiers/:code", async (req, reply) => {
    const user = requirePermission(req, "dossier.view");
    const { code } = req.params as { code: string };
    const q = req.query as Record<string, string | undefined>;
    const data = await req.tx(async (tx) => {
      const d = await findDossier(tx, { agencyId: user.agencyId, code });
      if (!d) throw notFound("dossier.err.notFound");
      const users = await tx.query<{ id: number; full_name: string }>("select id, full_name from users where id = any($1)", [
        [d.assigneeUserId, d.leaderUserId].filter((x): x is number => x !== null),
      ]);
      return {
        d,
        events: await listEvents(tx, d.id),
        attachments: await listAttachments(tx, d.id),
        calendar: await getAgencyCalendar(tx, d.agencyId),
        staff: await listStaff(tx, { agencyId: d.agencyId, roles: ["specialist", "leader", "desk_officer"] }),
        names: new Map(users.map((u) => [u.id, u.full_name])),
      };
    });
    const { d, events, attachments, staff, names } = data;
    const ctx = req.pageCtx();
    const t = ctx.t;
    const own = d.agencyId === user.agencyId;
    const actions = availableActions(d.status, user.role).filter((a) =>
      own ? !(TRANSITIONS[a] as Transition).byReceivingAgency || d.status !== "transferred" : d.status === "transferred" && (a === "transfer_back" || a === "note"),
    );
    const tl = timelinessOf(d, data.calendar);
    return reply.page(
      <Layout ctx={ctx} title={t("dossier.detail.title", { code: d.code })} area="staff">
        <h1>{t("dossier.detail.title", { code: d.code })}</h1>
        {q.received ? (
          <p class="notice" role="status">
            {t("dossier.detail.received", { code: d.code })}
          </p>
        ) : null}
        {q.done && isDossierAction(q.done) ? (
          <p class="notice" role="status">
            {t("dossier.detail.done", { action: t(`dossier.action.${q.done}`) })}
          </p>
        ) : null}
        <p class="lead">
          <StatusTag ctx={ctx} status={d.status} /> <TimeTag ctx={ctx} value={tl} />
        </p>
        {d.receivedAt ? (
          <p class="no-print">
            <a class="button" href={`/staff/dossiers/${encodeURIComponent(d.code)}/slips/01.pdf`}>
              {t("dossier.detail.print01")}
            </a>{" "}
            <a href={`/staff/dossiers/${encodeURIComponent(d.code)}/slips/05.pdf`}>{t("dossier.detail.print05")}</a>
          </p>
        ) : null}
        <div class="grid2">
          <section>
            <h2>{t("dossier.detail.data")}</h2>
            <dl class="proc-facts">
              <dt>{t("dossier.f.procedure")}</dt>
              <dd>
                {d.procedureName} <small class="muted">{d.procedureCode}</small>
              </dd>
              <dt>{t("dossier.f.applicant")}</dt>
              <dd>
                {d.applicant.fullName} · {d.applicant.idNumber} · {d.applicant.phone}
                {d.applicant.email ? ` · ${d.applicant.email}` : ""}
                <br />
                {d.applicant.address.line}
              </dd>
              <dt>{t("dossier.f.channel")}</dt>
              <dd>{t(`dossier.channel.${d.channel}`)}</dd>
              {d.submittedAt ? (
                <>
                  <dt>{t("dossier.f.submittedAt")}</dt>
                  <dd>{formatDateTime(d.submittedAt)}</dd>
                </>
              ) : null}
              {d.status === "submitted" && d.acceptDueAt ? (
                <>
                  <dt>{t("dossier.f.acceptDueAt")}</dt>
                  <dd>{formatDateTime(d.acceptDueAt)}</dd>
                </>
              ) : null}
              <dt>{t("dossier.f.receivedAt")}</dt>
              <dd>{formatDateTime(d.receivedAt)}</dd>
              <dt>{t("dossier.f.dueAt")}</dt>
              <dd>{formatDateTime(d.dueAt)}</dd>
              {d.finishedAt ? (
                <>
                  <dt>{t("dossier.f.finishedAt")}</dt>
                  <dd>{formatDateTime(d.finishedAt)}</dd>
                </>
              ) : null}
              <dt>{t("dossier.f.assignee")}</dt>
              <dd>{d.assigneeUserId ? names.get(d.assigneeUserId) : "—"}</dd>
              {d.leaderUserId ? (
                <>
                  <dt>{t("dossier.f.leader")}</dt>
                  <dd>{names.get(d.leaderUserId)}</dd>
                </>
              ) : null}
              <dt>{t("dossier.f.supplements")}</dt>
              <dd>{d.supplementCount}</dd>
            </dl>
            <h3>{t("dossier.detail.documents")}</h3>
            <DocumentChecklist ctx={ctx} documents={d.documents} />
            <h3>{t("dossier.detail.attachments")}</h3>
            <ul>
              {attachments.map((a) => (
                <li key={a.id}>
                  <a href={`/staff/dossiers/${encodeURIComponent(d.code)}/attachments/${a.id}`}>{a.documentName}</a>{" "}
                  <small class="muted">
                    {a.fileName} · {Math.ceil(a.size / 1024)} KB
                  </small>
                </li>
              ))}
            </ul>
          </section>
          <section>
            <h2>{t("dossier.detail.actions")}</h2>
            {actions.length === 0 ? <p>{t("dossier.detail.noActions")}</p> : null}
            {actions.map((a) => (
              <ActionForm key={a} ctx={ctx} code={d.code} action={a} staff={staff} />
            ))}
          </section>
        </div>
        <h2>{t("dossier.detail.history")}</h2>
        <ol>
          {events.map((e) => (
            <li key={e.id}>
              {formatDateTime(e.at)} · {t(`dossier.action.${e.action}`)} · {e.actorLabel} → <StatusTag ctx={ctx} status={e.toStatus} />
              {e.note ? ` — ${e.note}` : ""}
            </li>
          ))}
        </ol>
      </Layout>,
    );
  });

  app.post("/staff/dossiers/:code/actions/:action", async (req, reply) => {
    const user = requirePermission(req, "dossier.view");
    const p = req.params as { code: string; action: string };
    if (!isDossierAction(p.action)) throw notFound();
    const form = await readMultipart(req);
    const oversize = tooLargeError(form);
    if (oversize) throw oversize;
    const { values, files } = form;
    const uploads = files.map((f) => ({ documentName: values.documentName || f.fileName, fileName: f.fileName, data: f.data }));
    const { _csrf: _c, documentName: _n, ...input } = values;
    await runAction(req, { code: p.code, action: p.action, user, input, uploads });
    return reply.code(303).redirect(`/staff/dossiers/${encodeURIComponent(p.code)}?done=${p.action}`);
  });

  app.get("/staff/dossiers/:code/attachments/:id", async (req, reply) => {
    const user = requirePermission(req, "dossier.view");
    const p = req.params as { code: string; id: string };
    const id = Number(p.id);
    if (!Number.isInteger(id) || id <= 0) throw notFound();
    const att = await req.tx(async (tx) => {
      const d = await findDossier(tx, { agencyId: user.agencyId, code: p.code });
      if (!d) return undefined;
      return (await listAttachments(tx, d.id)).find((a) => a.id === id);
    });
    if (!att) throw notFound();
    return sendAttachment(reply, { path: path.join(filesDir(app), att.storagePath), fileName: att.fileName, contentType: att.contentType });
  });

  await citizenDossierRoutes(app);
}

function defaultQueue(role: string): Queue {
  if (role === "specialist") return "to_process";
  if (role === "leader") return "to_approve";
  if (role === "desk_officer") return "to_accept";
  return "all";
}

/** Search text is stored folded (no tones, đ → d): fold the query the same way. */
function foldSearch(s: string): string {
  return s
    .replace(/[đĐ]/g, "d")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[%_\\]/g, "")
    .trim();
}

function ActionForm({ ctx, code, action, staff }: { ctx: PageCtx; code: string; action: DossierAction; staff: { id: number; fullName: string; role: string }[] }) {
  const t = ctx.t;
  const kind = TRANSITIONS[action].input;
  const multipart = kind === "result";
  const url = `/staff/dossiers/${encodeURIComponent(code)}/actions/${action}`;
  const id = (n: string) => `a-${action}-${n}`;
  return (
    <form
      method="post"
      action={multipart ? `${url}?_csrf=${encodeURIComponent(ctx.csrfToken)}` : url}
      {...(multipart ? { enctype: "multipart/form-data" } : {})}
      class="panel action-form"
    >
      <CsrfField ctx={ctx} />
      <h3>{t(`dossier.action.${action}`)}</h3>
      {kind === "assignee" ? (
        <div class="field">
          <label for={id("assignee")}>{t("dossier.f.assignee")}</label>
          <select id={id("assignee")} name="assigneeUserId">
            <option value="">{t("dossier.f.byRule")}</option>
            {staff
              .filter((s) => s.role === "specialist")
              .map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.fullName}
                </option>
              ))}
          </select>
        </div>
      ) : null}
      {kind === "leader" ? (
        <div class="field">
          <label for={id("leader")}>{t("dossier.f.leader")}</label>
          <select id={id("leader")} name="leaderUserId">
            {staff
              .filter((s) => s.role === "leader")
              .map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.fullName}
                </option>
              ))}
          </select>
        </div>
      ) : null}
      {kind === "transfer" ? (
        <div class="field">
          <label for={id("to")}>{t("dossier.f.toAgency")}</label>
          <input id={id("to")} name="toAgencyCode" required maxLength={60} />
        </div>
      ) : null}
      {kind === "redate" ? (
        <div class="field">
          <label for={id("amount")}>{t("dossier.f.redateAmount")}</label>
          <input id={id("amount")} name="amount" type="number" min={1} max={365} required inputMode="numeric" />
        </div>
      ) : null}
      {kind === "result" ? (
        <div class="field">
          <label for={id("file")}>{t("dossier.f.resultFile")}</label>
          <input id={id("file")} type="file" name="file" accept="application/pdf,image/jpeg,image/png" />
        </div>
      ) : null}
      {kind === "return" ? (
        <div class="field">
          <label for={id("channel")}>{t("dossier.f.returnChannel")}</label>
          <select id={id("channel")} name="returnChannel">
            <option value="counter">{t("dossier.f.returnCounter")}</option>
            <option value="online">{t("dossier.f.returnOnline")}</option>
            <option value="post">{t("dossier.f.returnPost")}</option>
          </select>
        </div>
      ) : null}
      {kind !== "none" ? (
        <div class="field">
          <label for={id("note")}>{kind === "reasons" || kind === "redate" ? t("dossier.f.reasons") : t("dossier.f.note")}</label>
          <textarea id={id("note")} name="note" maxLength={2000} required={kind === "reasons" || kind === "redate"} />
        </div>
      ) : null}
      <button type="submit" class={action === "refuse" || action === "withdraw" ? "danger" : ""}>
        {t(`dossier.action.${action}`)}
      </button>
    </form>
  );
}

