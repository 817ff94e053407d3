// Online submission by the public: choose a procedure, fill the form (or keep a draft), confirm.

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Applicant } from "../../domain/dossiers/applicant";
import type { PageCtx } from "../../web/context";
import { siteAgency } from "../../web/core-routes";
import { asHttpError, HttpError, httpErrorOf, notFound } from "../../web/http";
import { CsrfField, ErrorSummary, Field, Layout } from "../../web/views/layout";
import { findAgencyByCode, listAgencies } from "../agencies/agencies";
import { searchProcedures } from "../catalog/search-cache";
import { FILES_PER_DOCUMENT } from "../../domain/catalog/requirements";
import { findOfferedProcedure, listOfferedProcedures, type OfferedProcedure } from "../catalog/service";
import { feeText, timeLimitText } from "../catalog/views";
import { DRAFT_COOKIE, DRAFT_DAYS, type DraftFile, type DraftUpload, deleteDraft, findSubmittedCode, isDraftToken, listDraftFiles, loadDraft, saveDraft, stageDraftFiles } from "./drafts";
import { ConsentBlock, postedConsentVersion } from "../privacy/consent-view";
import { submissionHash, submitOnlineTx } from "./online-intake";
import { largeBodyGuard } from "../../web/large-bodies";
import { countAnonymousSubmission } from "../limits/buckets";
import { fieldErrors, IdempotencyKey, MAX_FORM_BYTES, readMultipart } from "./route-support";
import { buildSubmissionReceipt } from "../../domain/slips/layout";
import { formatDateTime } from "../../web/i18n";
import { loadSlipData } from "../dossier-docs/data";
import { renderSlipPdf } from "../dossier-docs/render";
import { listAttachments, listOwnDossiers, requiredDocuments } from "./service";
import "./intake-messages";
import { localise } from "./views";
import { dossierPanels } from "./panels";

/**
 * The confirmation page and its PDF are reached with the dossier code and this token (an HMAC of
 * the code with the installation secret): a code alone, guessable, shows nobody's details.
 */
export function receiptToken(app: FastifyInstance, code: string): string {
  return createHmac("sha256", app.deps.secret).update(`receipt:${code}`).digest("base64url").slice(0, 32);
}

export function isReceiptToken(app: FastifyInstance, code: string, token: unknown): boolean {
  if (typeof token !== "string" || token.length !== 32) return false;
  return timingSafeEqual(Buffer.from(token), Buffer.from(receiptToken(app, code)));
}

function newKey(): string {
  return randomBytes(18).toString("base64url");
}

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

type ProcedureDocs = ReturnType<typeof requiredDocuments>;

/** The field of a document's file input. */
const fileField = (index: number) => `file_${index}`;

/** Files kept with the draft for one document: used on submit unless replaced by new files or dropped. */
function KeptFiles({ ctx, index, files }: { ctx: PageCtx; index: number; files: readonly DraftFile[] }) {
  return (
    <div id={`f-file_${index}-kept`}>
      <ul class="kept-files">
        {files.map((f) => (
          <li key={f.sha256 + f.fileName}>{ctx.t("dossier.draft.kept", { name: f.fileName, size: Math.max(1, Math.ceil(f.size / 1024)) })}</li>
        ))}
      </ul>
      <p class="hint">{ctx.t("dossier.draft.replaceHint")}</p>
      <label>
        <input type="checkbox" name={`dropFile_${index}`} value="yes" /> {ctx.t("dossier.draft.drop")}
      </label>
    </div>
  );
}

function needTag(ctx: PageCtx, d: ProcedureDocs["items"][number]): string {
  if (!d.optional) return ctx.t("dossier.doc.required");
  if (d.kind === "present") return ctx.t("dossier.doc.presentOnline");
  return d.need === "optional" ? ctx.t("dossier.doc.ifAny") : ctx.t("dossier.doc.ifCase");
}

/** One file input per document the procedure asks for online, grouped as the procedure groups them. */
export function DocumentInputs({ ctx, docs, kept, errors }: { ctx: PageCtx; docs: ProcedureDocs; kept?: ReadonlyMap<number, readonly DraftFile[]> | undefined; errors?: Record<string, string> | undefined }) {
  const t = ctx.t;
  return (
    <>
      {docs.items.length === 0 ? <p class="notice">{t("dossier.doc.noneOnline")}</p> : <p class="hint">{t("dossier.doc.filesHint", { n: FILES_PER_DOCUMENT })}</p>}
      {docs.items.map((d, i) => {
        const files = kept?.get(i) ?? [];
        const name = fileField(i);
        const error = errors?.[name];
        const hintId = `f-${name}-need`;
        return (
            <div class={`field doc-input${error ? " has-error" : ""}`} key={d.id}>
              <label for={`f-${name}`}>{d.name}</label>
              <p class="hint" id={hintId}>
                <span class={`tag${d.optional ? "" : " warn"}`}>{needTag(ctx, d)}</span>
                {d.copies.original + d.copies.copy > 0 ? ` ${t("catalog.copies.value", { original: d.copies.original, copy: d.copies.copy })}` : ""}
                {d.optional && d.groupTitle && /^(Trường hợp|Đối với|Nếu)/u.test(d.groupTitle) ? ` — ${d.groupTitle}` : ""}
              </p>
              {error ? (
                <p class="error" id={`f-${name}-error`}>
                  {error}
                </p>
              ) : null}
              {files.length ? <KeptFiles ctx={ctx} index={i} files={files} /> : null}
              <input
                id={`f-${name}`}
                type="file"
                name={name}
                multiple
                accept="application/pdf,image/jpeg,image/png"
                aria-invalid={error ? "true" : undefined}
                aria-describedby={[hintId, error ? `f-${name}-error` : "", files.length ? `f-${name}-kept` : ""].filter(Boolean).join(" ")}
              />
            </div>
        );
      })}
    </>
  );
}

function SubmitForm(p: {
  ctx: PageCtx;
  agency: { code: string; name: string; parentCode: string | null };
  procedure: { code: string; name: string; terms: OfferedProcedure["terms"] };
  docs: ProcedureDocs;
  communes: { code: string; unitName: string }[];
  provinces: { code: string; unitName: string }[];
  province: string;
  values: SubmitValues;
  errors?: Record<string, string>;
  notice?: string;
  kept?: ReadonlyMap<number, readonly DraftFile[]>;
}) {
  const { ctx, values: v, errors } = p;
  const t = ctx.t;
  const action = `/submit/${encodeURIComponent(p.agency.code)}/${encodeURIComponent(p.procedure.code)}`;
  const terms = p.procedure.terms;
  return (
    <Layout ctx={ctx} title={t("dossier.submit.formTitle", { name: p.procedure.name })}>
      <h1>{t("dossier.submit.formTitle", { name: p.procedure.name })}</h1>
      <p class="lead">
        {p.procedure.code} · {p.agency.name}
      </p>
      <dl class="proc-facts">
        <dt>{t("catalog.timeLimit")}</dt>
        <dd>{terms.timeLimit ? timeLimitText(ctx, terms.timeLimit, null) : t("dossier.doc.timeLimitByDesk")}</dd>
        <dt>{t("catalog.fees")}</dt>
        <dd>{terms.fees.length ? terms.fees.map((f) => feeText(ctx, f)).join("; ") : t("catalog.noInfo")}</dd>
      </dl>
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
        <DocumentInputs ctx={ctx} docs={p.docs} kept={p.kept} errors={errors} />
        {p.docs.notes.length ? (
          <details class="doc-notes">
            <summary>{t("dossier.doc.notes", { n: p.docs.notes.length })}</summary>
            <ul>
              {p.docs.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          </details>
        ) : null}
        <ConsentBlock ctx={ctx} checked={v.consent === "yes"} error={errors?.consent} />
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

export async function publicSubmitRoutes(app: FastifyInstance): Promise<void> {
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

  /** A signed-in citizen's details, from the account and their latest dossier, to fill the form with. */
  async function citizenDefaults(req: FastifyRequest): Promise<SubmitValues> {
    const user = req.user;
    if (user?.role !== "citizen") return {};
    const r = await req.tx(async (tx) => {
      const account = await tx.maybeOne<{ full_name: string; phone: string | null; email: string | null }>("select full_name, phone, email from users where id = $1", [user.id]);
      const last = (await listOwnDossiers(tx, user.id))[0];
      return { account, last };
    });
    const out: SubmitValues = { fullName: r.account?.full_name ?? user.fullName };
    const phone = r.account?.phone ?? r.last?.applicant.phone;
    const email = r.account?.email ?? r.last?.applicant.email;
    if (phone) out.phone = phone;
    if (email) out.email = email;
    if (r.last) {
      out.idNumber = r.last.applicant.idNumber;
      out.addressLine = r.last.applicant.address.line;
      if (r.last.applicant.address.communeCode) out.addressCommune = r.last.applicant.address.communeCode;
    }
    return out;
  }

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
    const defaults = opts.values || draft ? {} : await citizenDefaults(req);
    const values: SubmitValues = { idempotencyKey: newKey(), ...defaults, ...(draft ?? {}), ...(opts.values ?? {}) };
    if (!values.idempotencyKey) values.idempotencyKey = newKey();
    const province = q.province ?? agency.parentCode ?? "";
    const lists = await formLists(req, province);
    const docs = requiredDocuments(procedure, "online");
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

  /**
   * A submission is saved as a draft first (its text and every good file), then checked: a
   * refused submission comes back with everything typed and every file already received, and
   * the draft becomes the dossier only when nothing is missing.
   */
  app.post("/submit/:agency/:procedure", { onRequest: largeBodyGuard(MAX_FORM_BYTES + 1024 * 1024) }, async (req, reply) => {
    const p = req.params as { agency: string; procedure: string };
    const agency = await publicAgency(req, p.agency);
    const procedure = await req.tx((tx) => findOfferedProcedure(tx, { agencyId: agency.id, code: p.procedure }));
    if (!procedure || procedure.onlineLevel === "none") throw notFound();
    const docs = requiredDocuments(procedure, "online");
    // The multipart limits follow the form: a browser sends a part for every file input, even empty.
    const form = await readMultipart(req, { files: Math.max(1, docs.items.length) * FILES_PER_DOCUMENT });
    const { values, files } = form;
    const again = async (errors: Record<string, string>, status: number, notice?: string) => {
      const r = await renderSubmitForm(req, { agencyCode: agency.code, procedureCode: procedure.code, values, errors, status, ...(notice ? { notice } : {}) });
      return reply.page(r.page, r.status);
    };
    const errors: Record<string, string> = {};
    const dropped = Object.keys(values)
      .filter((k) => values[k] === "yes")
      .map((k) => documentIndex(k, "dropFile_"))
      .filter((i) => i >= 0 && i < docs.items.length);
    const perDocument = new Map<number, number>();
    const uploads: DraftUpload[] = [];
    for (const f of files) {
      const i = documentIndex(f.field, "file_");
      const d = docs.items[i];
      if (!d) continue;
      const n = (perDocument.get(i) ?? 0) + 1;
      perDocument.set(i, n);
      if (n > FILES_PER_DOCUMENT) {
        errors[fileField(i)] = req.t("dossier.err.tooManyFiles", { name: d.name, n: FILES_PER_DOCUMENT });
        continue;
      }
      uploads.push({ documentIndex: i, documentName: d.name, fileName: f.fileName, data: f.data });
    }
    const retried = isDraftToken(values.draft) && !(await loadDraft(app.deps.db, { agencyId: agency.id, procedureCode: procedure.code, token: values.draft }));
    if (retried && values.intent !== "draft") {
      // A retried submission whose draft went with the first attempt: that dossier is the answer.
      const key = IdempotencyKey.safeParse(values.idempotencyKey);
      const code = key.success ? await findSubmittedCode(app.deps.db, { agencyId: agency.id, idempotencyKey: key.data }) : undefined;
      if (code) {
        reply.clearCookie(DRAFT_COOKIE, { path: "/submit" });
        return reply.code(303).redirect(`/submit/done?code=${encodeURIComponent(code)}&t=${receiptToken(app, code)}`);
      }
    }
    const saved = await saveDraft(app.deps.db, {
      agencyId: agency.id,
      procedureCode: procedure.code,
      token: values.draft,
      values,
      uploads,
      drop: dropped,
    });
    reply.setCookie(DRAFT_COOKIE, saved.token, { path: "/submit", httpOnly: true, sameSite: "lax", maxAge: DRAFT_DAYS * 86400 });
    values.draft = saved.token;
    const draftUrl = `/submit/${encodeURIComponent(agency.code)}/${encodeURIComponent(procedure.code)}?draft=${saved.token}`;
    // Each bad file is named; nothing of it is kept, while the text and the good files are.
    const rejected = [...form.tooLarge.map((f) => new HttpError(413, "dossier.err.fileTooLarge", { name: f.fileName })), ...saved.rejected.map(httpErrorOf)];
    if (form.tooManyFiles) rejected.push(new HttpError(413, "dossier.err.formTooManyFiles", { n: FILES_PER_DOCUMENT }));
    const rejectedText = rejected.map((e) => req.t("dossier.draft.fileNotKept", { reason: req.t(e.messageKey, e.vars) }));
    if (rejectedText.length) errors.attachments = rejectedText.join(" ");
    if (values.intent === "draft") {
      const notice = req.t("dossier.draft.saved", { url: draftUrl, days: DRAFT_DAYS });
      return again(errors, rejected[0]?.status ?? (Object.keys(errors).length ? 413 : 200), notice);
    }
    const parsed = Applicant.safeParse(applicantFrom(values));
    if (!parsed.success) Object.assign(errors, fieldErrors(parsed.error, req));
    if (!req.user) {
      // Anonymous submissions are counted per address and per phone; what was sent stays in the draft.
      try {
        await countAnonymousSubmission(app.deps.db, { address: req.ip, phone: values.phone ?? null, perAddress: app.deps.config.submissionsPerAddress, perPhone: app.deps.config.submissionsPerPhone });
      } catch (e) {
        const he = asHttpError(e);
        if (!he) throw e;
        reply.header("retry-after", String(he.vars?.seconds ?? 60));
        return again({ _: req.t(he.messageKey, he.vars) }, 429, req.t("dossier.submit.keptNotice", { url: draftUrl, days: DRAFT_DAYS }));
      }
    }
    if (values.consent !== "yes") errors.consent = req.t("dossier.err.consent");
    const key = IdempotencyKey.safeParse(values.idempotencyKey);
    if (!key.success) errors._ = req.t("dossier.err.idempotencyKey");
    const kept = await listDraftFiles(app.deps.db, { agencyId: agency.id, procedureCode: procedure.code, token: saved.token, documents: docs.items });
    docs.items.forEach((d, i) => {
      if (!d.optional && !kept.get(i)?.length && !errors[fileField(i)]) errors[fileField(i)] = req.t("dossier.err.documentMissing", { name: d.name });
    });
    if (Object.keys(errors).length > 0 || !parsed.success || !key.success) {
      // 400 for what was typed wrong; 422 when only the documents are missing.
      const typed = Object.keys(errors).some((k) => !k.startsWith("file_") && k !== "attachments");
      const status = rejected[0]?.status ?? (typed ? 400 : 422);
      return again(errors, status, req.t("dossier.submit.keptNotice", { url: draftUrl, days: DRAFT_DAYS }));
    }
    const staged =
      (await stageDraftFiles(app.deps.db, { agencyId: agency.id, procedureCode: procedure.code, token: saved.token, documents: docs.items, skip: new Set() })) ?? [];
    try {
      const r = await submitOnlineTx(app.deps.db, {
        agencyId: agency.id,
        procedureCode: procedure.code,
        applicant: parsed.data,
        fields: {},
        files: staged,
        idempotencyKey: key.data,
        requestHash: submissionHash({ agencyCode: agency.code, procedureCode: procedure.code, applicant: parsed.data, fields: {}, files: staged }),
        applicantUserId: req.user?.role === "citizen" ? req.user.id : null,
        consentVersion: postedConsentVersion(values.consentVersion),
      });
      // The dossier is in: a failure here must not turn it into an error (expiry sweeps the rest).
      await deleteDraft(app.deps.db, { agencyId: agency.id, token: saved.token }).catch((e: unknown) => req.log.warn({ err: e }, "draft not deleted"));
      reply.clearCookie(DRAFT_COOKIE, { path: "/submit" });
      return reply.code(303).redirect(`/submit/done?code=${encodeURIComponent(r.dossier.code)}&t=${receiptToken(app, r.dossier.code)}`);
    } catch (e) {
      const he = asHttpError(e);
      if (he?.status === 422) {
        const l = localise(he, req) as HttpError;
        return again({ attachments: req.t(l.messageKey, l.vars) }, 422, req.t("dossier.submit.keptNotice", { url: draftUrl, days: DRAFT_DAYS }));
      }
      throw e;
    }
  });

  /** The submitted dossier behind a confirmation link (code + token), read as the system: the token is the proof. */
  async function receiptData(code: string, token: unknown) {
    if (!isReceiptToken(app, code, token)) return undefined;
    return app.deps.db.system(async (tx) => {
      const d = await tx.maybeOne<{ id: number; agency_id: number; submitted_at: Date | null; accept_due_at: Date | null; status: string; channel: string }>(
        "select id, agency_id, submitted_at, accept_due_at, status, channel from dossiers where code = $1 order by id limit 1",
        [code],
      );
      const data = d ? await loadSlipData(tx, { code, agencyId: d.agency_id, form: "01", baseUrl: app.deps.config.baseUrl ?? "", now: new Date() }) : undefined;
      if (!data || !d || d.channel !== "online") return undefined;
      const files = await listAttachments(tx, d.id);
      return { data, submittedAt: d.submitted_at ?? new Date(), acceptDueAt: d.accept_due_at, status: d.status, files: files.filter((f) => f.kind === "document") };
    });
  }

  app.get("/submit/done", async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const code = String(q.code ?? "").slice(0, 80);
    const ctx = req.pageCtx();
    const t = ctx.t;
    const r = await receiptData(code, q.t);
    const panels = r ? await dossierPanels({ app, req, place: "submitted", code, proof: { token: String(q.t) } }) : [];
    return reply.page(
      <Layout ctx={ctx} title={t("dossier.submit.doneTitle")}>
        <h1>{t("dossier.submit.doneTitle")}</h1>
        <p class="notice" role="status">
          {t("dossier.submit.doneBody", { code })}
        </p>
        {r ? (
          <>
            <dl class="proc-facts">
              <dt>{t("dossier.f.procedure")}</dt>
              <dd>{r.data.dossier.procedureName}</dd>
              <dt>{t("dossier.f.submittedAt")}</dt>
              <dd>{formatDateTime(r.submittedAt)}</dd>
              <dt>{t("dossier.f.acceptDueAt")}</dt>
              <dd>{r.acceptDueAt ? formatDateTime(r.acceptDueAt) : "—"}</dd>
              <dt>{t("dossier.done.files")}</dt>
              <dd>
                {r.files.length ? (
                  <ul>
                    {r.files.map((f) => (
                      <li key={f.id}>
                        {f.documentName}: {f.fileName}
                      </li>
                    ))}
                  </ul>
                ) : (
                  t("dossier.done.noFiles")
                )}
              </dd>
            </dl>
            <p>
              <a class="button" href={`/submit/receipt/${encodeURIComponent(code)}.pdf?t=${encodeURIComponent(String(q.t))}`}>
                {t("dossier.done.receipt")}
              </a>
            </p>
            {r.data.applicant.email ? <p>{t("dossier.done.emailed", { email: r.data.applicant.email })}</p> : null}
            {panels}
          </>
        ) : null}
        <p>{t("dossier.submit.keepCode")}</p>
        <p>
          <a href={`/track?code=${encodeURIComponent(code)}`}>{t("dossier.submit.trackLink")}</a>
        </p>
      </Layout>,
    );
  });

  app.get("/submit/receipt/:file", async (req, reply) => {
    const m = /^(.{1,80})\.pdf$/.exec((req.params as { file: string }).file);
    const code = m?.[1] ?? "";
    const r = await receiptData(code, (req.query as Record<string, unknown>).t);
    if (!r) throw notFound("dossier.err.notFound");
    const pdf = await renderSlipPdf(
      buildSubmissionReceipt(r.data, { submittedAt: r.submittedAt, acceptDueAt: r.acceptDueAt, files: r.files.map((f) => ({ documentName: f.documentName, fileName: f.fileName })) }),
    );
    return reply
      .type("application/pdf")
      .header("cache-control", "private, no-store")
      .header("content-disposition", `inline; filename="xac-nhan-nop-ho-so_${code.replace(/[^\w.-]/g, "_")}.pdf"`)
      .send(pdf);
  });
}
