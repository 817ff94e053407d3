// Online submission by the public: choose a procedure, fill the form (or keep a draft), confirm.

import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Applicant } from "../../domain/dossiers/applicant";
import type { PageCtx } from "../../web/context";
import { siteAgency } from "../../web/core-routes";
import { asHttpError, HttpError, httpErrorOf, notFound } from "../../web/http";
import { CsrfField, ErrorSummary, Field, Layout } from "../../web/views/layout";
import { findAgencyByCode, listAgencies } from "../agencies/agencies";
import { searchProcedures } from "../catalog/search-cache";
import { findOfferedProcedure, listOfferedProcedures } from "../catalog/service";
import { DRAFT_COOKIE, DRAFT_DAYS, type DraftFile, type DraftUpload, deleteDraft, findSubmittedCode, isDraftToken, listDraftFiles, loadDraft, saveDraft, stageDraftFiles } from "./drafts";
import { type StagedFile, stageFiles, type UploadInput, withStagedFiles } from "./files";
import { submissionHash, submitOnlineTx } from "./online-intake";
import { fieldErrors, filesDir, IdempotencyKey, readMultipart, tooLargeError } from "./route-support";
import { requiredDocuments } from "./service";
import { localise } from "./views";

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
      const rejected = [...form.tooLarge.map((f) => new HttpError(413, "dossier.err.fileTooLarge", { name: f.fileName })), ...saved.rejected.map(httpErrorOf)];
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
      const he = asHttpError(e);
      if (he) return again({ attachments: req.t(he.messageKey, he.vars) }, he.status);
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
      const he = asHttpError(e);
      if (he?.status === 422) {
        const l = localise(he, req) as HttpError;
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
}
