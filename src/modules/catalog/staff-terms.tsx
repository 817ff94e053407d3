// Staff page of one procedure as the agency applies it: offering, local time limit with its legal
// basis, fees, document list, and the history of these decisions. Also the bulk offering of a
// whole field and the JSON API for the same.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { VNode } from "preact";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import { FEE_BASES, FEE_BASIS_LABELS, Fee, type Procedure } from "../../domain/catalog/model";
import {
  counterChecklist,
  DocumentRequirements,
  isMandatory,
  onlineInputs,
  REQUIREMENT_CHANNELS,
  REQUIREMENT_KINDS,
  REQUIREMENT_NEEDS,
  type Requirement,
} from "../../domain/catalog/requirements";
import { type EffectiveTerms, effectiveTerms, LOCAL_TIME_UNITS, LocalFees, LocalTimeLimit, suggestTimeLimit } from "../../domain/catalog/terms";
import { FEE_DUES } from "../../domain/payments/fees";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { forbidden, HttpError, notFound, parseWith, redirect, requirePermission, requireUser } from "../../web/http";
import { formatDateTime, formatNumber } from "../../web/i18n";
import { CsrfField, ErrorSummary, Layout } from "../../web/views/layout";
import { invalidateCatalogSearch } from "./search-cache";
import {
  AssignmentError,
  type AssignmentRow,
  findAssignment,
  findProcedureInForce,
  listTermChanges,
  setFieldOffering,
  setLocalTerm,
  type TermChange,
  type TermHistoryEntry,
} from "./service";
import { type FormErrors, type FormValues, FEE_FORM_KINDS, formValues, NEW_DOCUMENT_ROWS, parseDocumentsForm, parseFeesForm, parseTimeLimitForm } from "./terms-form";
import { feeText, OnlineTag, timeLimitText } from "./views";
import "./terms-messages";

const CodeParams = z.object({ code: z.string().max(60, "msg:catalog.error.badCode").regex(/^\d\.\d{6}(?:\.[A-Z0-9]+)*$/, "msg:catalog.error.badCode") });

type StaffProcedure = {
  procedure: Procedure;
  assignment: { enabled: boolean; onlineLevel: string; published: boolean; explicit: boolean };
  defaultOffered: boolean;
  offerReason: string | null;
  terms: EffectiveTerms;
  history: TermHistoryEntry[];
};

async function loadStaffProcedure(req: FastifyRequest, code: string): Promise<StaffProcedure> {
  const user = requireUser(req);
  const r = await req.tx(async (tx) => {
    const version = await findProcedureInForce(tx, code);
    const assignment = await findAssignment(tx, { agencyId: user.agencyId, code });
    if (!version || !assignment) return undefined;
    const defaults = await tx.one<{ commune_default: boolean; offer_reason: string | null }>("select commune_default, offer_reason from procedures where code = $1", [code]);
    return {
      procedure: version.procedure,
      assignment,
      defaultOffered: defaults.commune_default,
      offerReason: defaults.offer_reason,
      terms: effectiveTerms(version.procedure, assignment.terms),
      history: await listTermChanges(tx, { agencyId: user.agencyId, code }),
    };
  });
  if (!r) throw notFound("catalog.error.unknownProcedure");
  return r;
}

type FormState = { form: "time_limit" | "fees" | "documents"; values: FormValues; errors: FormErrors };

function msg(ctx: PageCtx, errors: FormErrors | undefined): Record<string, string> | undefined {
  if (!errors) return undefined;
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, ctx.t(v)]));
}

function Err({ ctx, errors, name }: { ctx: PageCtx; errors: FormErrors | undefined; name: string }): VNode | null {
  const e = errors?.[name];
  return e ? (
    <p class="error" id={`f-${name}-error`}>
      {ctx.t(e)}
    </p>
  ) : null;
}

function Choice({ ctx, name, id, label, value, options, errors }: { ctx: PageCtx; name: string; id: string; label: string; value: string; options: { value: string; label: string }[]; errors?: FormErrors | undefined }): VNode {
  return (
    <div class={`field${errors?.[name] ? " has-error" : ""}`}>
      <label for={id}>{label}</label>
      <Err ctx={ctx} errors={errors} name={name} />
      <select id={id} name={name} aria-invalid={errors?.[name] ? "true" : undefined}>
        {options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function Input({ ctx, name, label, value, hint, errors, numeric, area, maxLength }: { ctx: PageCtx; name: string; label: string; value: string; hint?: string; errors?: FormErrors | undefined; numeric?: boolean; area?: number; maxLength?: number }): VNode {
  const id = `f-${name}`;
  const described = [hint ? `${id}-hint` : "", errors?.[name] ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`field${errors?.[name] ? " has-error" : ""}`}>
      <label for={id}>{label}</label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <Err ctx={ctx} errors={errors} name={name} />
      {area ? (
        <textarea id={id} name={name} rows={area} maxLength={maxLength} aria-describedby={described} aria-invalid={errors?.[name] ? "true" : undefined}>
          {value}
        </textarea>
      ) : (
        <input
          id={id}
          name={name}
          value={value}
          inputMode={numeric ? "numeric" : undefined}
          pattern={numeric ? "[0-9. ]*" : undefined}
          maxLength={maxLength}
          aria-describedby={described}
          aria-invalid={errors?.[name] ? "true" : undefined}
        />
      )}
    </div>
  );
}

function whatText(ctx: PageCtx, e: TermHistoryEntry): string {
  const t = ctx.t;
  const show = (v: unknown): string => {
    if (v === null || v === undefined) return t("catalog.terms.history.catalogValue");
    if (e.what === "time_limit") {
      const p = LocalTimeLimit.safeParse(v);
      return p.success ? `${timeLimitText(ctx, p.data, null)} — ${p.data.basis}` : "—";
    }
    if (e.what === "fees") {
      const p = LocalFees.safeParse(v);
      return p.success ? `${p.data.fees.map((f) => feeText(ctx, f)).join("; ")} · ${t(`catalog.terms.feeDue.${p.data.due}`)}` : "—";
    }
    if (e.what === "documents") {
      const p = DocumentRequirements.safeParse(v);
      return p.success ? t("catalog.terms.history.documents", { n: p.data.groups.reduce((n, g) => n + g.items.length, 0) }) : "—";
    }
    const o = v as { enabled?: boolean; onlineLevel?: string; published?: boolean };
    return [o.enabled ? t("catalog.staff.status.on") : t("catalog.staff.status.off"), o.onlineLevel ? t(`catalog.online.${o.onlineLevel}`) : "", o.published ? t("catalog.staff.status.published") : ""]
      .filter(Boolean)
      .join(" · ");
  };
  return `${show(e.before)} → ${show(e.after)}`;
}

function RequirementRow({ ctx, r, mandatoryOnline, mandatoryCounter }: { ctx: PageCtx; r: Requirement; mandatoryOnline: boolean; mandatoryCounter: boolean }): VNode {
  const t = ctx.t;
  return (
    <tr>
      <td>{r.name}</td>
      <td>{t(`catalog.req.kind.${r.kind}`)}</td>
      <td>{t(`catalog.req.need.${r.need}`)}</td>
      <td>{t(`catalog.req.channel.${r.channel}`)}</td>
      <td>{[mandatoryOnline ? t("catalog.terms.mandatoryOnline") : "", mandatoryCounter ? t("catalog.terms.mandatoryCounter") : ""].filter(Boolean).join(", ") || "—"}</td>
    </tr>
  );
}

export function StaffProcedurePage({ ctx, s, canEdit, state, saved }: { ctx: PageCtx; s: StaffProcedure; canEdit: boolean; state?: FormState | undefined; saved?: string | undefined }): VNode {
  const t = ctx.t;
  const p = s.procedure;
  const code = encodeURIComponent(p.code);
  const base = `/staff/procedures/${code}`;
  const terms = s.terms;
  const suggestion = suggestTimeLimit(p);
  const tlState = state?.form === "time_limit" ? state : undefined;
  const feeState = state?.form === "fees" ? state : undefined;
  const docState = state?.form === "documents" ? state : undefined;
  const localTl = terms.timeLimitSource === "local" ? terms.timeLimit : null;
  const tlValues: FormValues = tlState?.values ?? {
    amount: localTl ? String(localTl.amount) : suggestion ? String(suggestion.timeLimit.amount) : "",
    unit: localTl?.unit ?? suggestion?.timeLimit.unit ?? "working_days",
    basis: terms.timeLimitBasis ?? "",
    reason: "",
  };
  const fee = terms.fees[0];
  const feeValues: FormValues = feeState?.values ?? {
    kind: fee && (FEE_FORM_KINDS as readonly string[]).includes(fee.kind) ? fee.kind : "fixed",
    amount: fee?.kind === "fixed" ? String(fee.amountVnd) : "",
    per: fee?.kind === "fixed" ? (fee.per ?? "") : "",
    cap: fee?.kind === "fixed" && fee.capVnd !== null ? String(fee.capVnd) : "",
    note: fee && "note" in fee && fee.note ? fee.note : "",
    basis: terms.feesBasis ?? "",
    due: terms.feeDue,
    exemptions: terms.feeExemptions.join("\n"),
    reason: "",
  };
  const rows: Requirement[] = terms.requirements.groups.flatMap((g) => g.items);
  const groupOf = new Map(terms.requirements.groups.flatMap((g) => g.items.map((i) => [i.id, g.title ?? ""] as const)));
  const docValues: FormValues = docState?.values ?? {
    ...Object.fromEntries(
      rows.flatMap((r, i) => [
        [`d${i}_id`, r.id],
        [`d${i}_name`, r.name],
        [`d${i}_group`, groupOf.get(r.id) ?? ""],
        [`d${i}_kind`, r.kind],
        [`d${i}_need`, r.need],
        [`d${i}_channel`, r.channel],
      ]),
    ),
    notes: terms.requirements.notes.join("\n"),
    reason: "",
  };
  const rowCount = docState ? Math.max(...Object.keys(docState.values).map((k) => /^d(\d+)_name$/.exec(k)?.[1]).filter(Boolean).map(Number), -1) + 1 : rows.length + NEW_DOCUMENT_ROWS;
  const online = onlineInputs(terms.requirements);
  const counter = counterChecklist(terms.requirements);
  const kindOptions = REQUIREMENT_KINDS.map((k) => ({ value: k, label: t(`catalog.req.kind.${k}`) }));
  const needOptions = REQUIREMENT_NEEDS.map((k) => ({ value: k, label: t(`catalog.req.need.${k}`) }));
  const channelOptions = REQUIREMENT_CHANNELS.map((k) => ({ value: k, label: t(`catalog.req.channel.${k}`) }));
  return (
    <Layout ctx={ctx} title={p.name} area="staff">
      <p class="muted">
        <a href="/staff/procedures">{t("catalog.staff.title")}</a> › {p.field}
      </p>
      <h1>{p.name}</h1>
      {saved ? (
        <p class="notice" role="status">
          {t(`catalog.terms.saved.${saved}`)}
        </p>
      ) : null}
      <ErrorSummary ctx={ctx} errors={msg(ctx, state?.errors)} />
      <dl class="proc-facts">
        <dt>{t("catalog.code")}</dt>
        <dd>
          {p.code} · <a href={`/procedures/${code}`}>{t("catalog.terms.publicPage")}</a>
          {can(ctx.user?.role, "catalog.manage") ? <> · <a href={`/staff/catalog/abolish?code=${code}`}>{t("catalog.abolish.link")}</a></> : null}
        </dd>
        <dt>{t("catalog.terms.offering")}</dt>
        <dd>
          {s.assignment.enabled ? t("catalog.staff.status.on") : t("catalog.staff.status.off")} · <OnlineTag ctx={ctx} level={s.assignment.onlineLevel as AssignmentRow["onlineLevel"]} />{" "}
          {s.assignment.published ? `· ${t("catalog.staff.status.published")}` : ""}
          <br />
          <small class="muted">
            {s.assignment.explicit
              ? t("catalog.terms.offering.explicit")
              : t(s.defaultOffered ? "catalog.terms.offering.default" : "catalog.terms.offering.defaultOff", { reason: t(`catalog.offerReason.${s.offerReason ?? "other_agency"}`) })}
          </small>
        </dd>
        <dt>{t("catalog.executing")}</dt>
        <dd>{p.executingAgency ?? t("catalog.noInfo")}</dd>
      </dl>

      <section class="panel" aria-labelledby="tl-h">
        <h2 id="tl-h">{t("catalog.timeLimit")}</h2>
        {terms.timeLimit ? (
          <p>
            <strong>{timeLimitText(ctx, terms.timeLimit, null)}</strong> —{" "}
            {terms.timeLimitSource === "local" ? t("catalog.terms.source.local", { basis: terms.timeLimitBasis ?? "" }) : t("catalog.terms.source.catalog")}
          </p>
        ) : (
          <p class="notice warn" role="alert">
            {t("catalog.terms.noTimeLimit")}
          </p>
        )}
        {suggestion && terms.timeLimitSource !== "local" ? (
          <p class="hint">
            {t("catalog.terms.suggestion", { limit: timeLimitText(ctx, suggestion.timeLimit, null), quote: suggestion.quote })}
          </p>
        ) : null}
        {canEdit ? (
          <form method="post" action={`${base}/time-limit`} class="stack">
            <CsrfField ctx={ctx} />
            <div class="row">
              <Input ctx={ctx} name="amount" label={t("catalog.terms.amount")} hint={t("catalog.terms.amountHint")} value={tlValues.amount ?? ""} errors={tlState?.errors} numeric maxLength={3} />
              <Choice ctx={ctx} id="f-unit" name="unit" label={t("catalog.terms.unit")} value={tlValues.unit ?? ""} errors={tlState?.errors} options={LOCAL_TIME_UNITS.map((u) => ({ value: u, label: t(`catalog.terms.unit.${u}`) }))} />
            </div>
            <Input ctx={ctx} name="basis" label={t("catalog.terms.basis")} hint={t("catalog.terms.basisHint")} value={tlValues.basis ?? ""} errors={tlState?.errors} area={3} maxLength={1000} />
            <Input ctx={ctx} name="reason" label={t("catalog.terms.reason")} value={tlValues.reason ?? ""} errors={tlState?.errors} maxLength={1000} />
            <p>
              <button type="submit">{t("catalog.terms.saveTimeLimit")}</button>{" "}
              {terms.timeLimitSource === "local" ? (
                <button type="submit" name="clear" value="1" class="secondary">
                  {t("catalog.terms.useCatalog")}
                </button>
              ) : null}
            </p>
          </form>
        ) : null}
      </section>

      <section class="panel" aria-labelledby="fee-h">
        <h2 id="fee-h">{t("catalog.fees")}</h2>
        <p>
          {terms.fees.length ? terms.fees.map((f) => feeText(ctx, f)).join("; ") : t("catalog.noInfo")} —{" "}
          {terms.feesSource === "local" ? t("catalog.terms.source.local", { basis: terms.feesBasis ?? "—" }) : t("catalog.terms.source.catalog")}{" "}
          {t("catalog.terms.feeDueShown", { due: t(`catalog.terms.feeDue.${terms.feeDue}`) })}
        </p>
        {canEdit ? (
          <form method="post" action={`${base}/fees`} class="stack">
            <CsrfField ctx={ctx} />
            <div class="row">
              <Choice ctx={ctx} id="f-kind" name="kind" label={t("catalog.terms.feeKind")} value={feeValues.kind ?? ""} errors={feeState?.errors} options={FEE_FORM_KINDS.map((k) => ({ value: k, label: t(`catalog.terms.feeKind.${k}`) }))} />
              <Input ctx={ctx} name="amount" label={t("catalog.terms.feeAmount")} value={feeValues.amount ?? ""} errors={feeState?.errors} numeric maxLength={14} />
              <Choice
                ctx={ctx}
                id="f-per"
                name="per"
                label={t("catalog.terms.feePer")}
                value={feeValues.per ?? ""}
                errors={feeState?.errors}
                options={[{ value: "", label: t("catalog.terms.feePer.none") }, ...FEE_BASES.map((b) => ({ value: b, label: `/${FEE_BASIS_LABELS[b]}` }))]}
              />
              <Input ctx={ctx} name="cap" label={t("catalog.terms.feeCap")} value={feeValues.cap ?? ""} errors={feeState?.errors} numeric maxLength={14} />
            </div>
            <Input ctx={ctx} name="note" label={t("catalog.terms.feeNote")} value={feeValues.note ?? ""} errors={feeState?.errors} maxLength={1000} />
            <Input ctx={ctx} name="basis" label={t("catalog.terms.feeBasis")} hint={t("catalog.terms.feeBasisHint")} value={feeValues.basis ?? ""} errors={feeState?.errors} maxLength={1000} />
            <Choice ctx={ctx} id="f-due" name="due" label={t("catalog.terms.feeDue")} value={feeValues.due ?? ""} errors={feeState?.errors} options={FEE_DUES.map((d) => ({ value: d, label: t(`catalog.terms.feeDue.${d}`) }))} />
            <Input ctx={ctx} name="exemptions" label={t("catalog.terms.feeExemptions")} hint={t("catalog.terms.feeExemptionsHint")} value={feeValues.exemptions ?? ""} errors={feeState?.errors} area={3} maxLength={3100} />
            <Input ctx={ctx} name="reason" label={t("catalog.terms.reason")} value={feeValues.reason ?? ""} errors={feeState?.errors} maxLength={1000} />
            <p>
              <button type="submit">{t("catalog.terms.saveFees")}</button>{" "}
              {terms.feesSource === "local" ? (
                <button type="submit" name="clear" value="1" class="secondary">
                  {t("catalog.terms.useCatalog")}
                </button>
              ) : null}
            </p>
          </form>
        ) : null}
      </section>

      <section class="panel" aria-labelledby="doc-h">
        <h2 id="doc-h">{t("catalog.documents")}</h2>
        <p>
          {terms.documentsSource === "local" ? t("catalog.terms.documents.local") : t("catalog.terms.documents.catalog")}{" "}
          {t("catalog.terms.documents.counts", { online: formatNumber(online.length), counter: formatNumber(counter.length) })}
        </p>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("catalog.document")}</th>
                <th scope="col">{t("catalog.req.kind")}</th>
                <th scope="col">{t("catalog.req.need")}</th>
                <th scope="col">{t("catalog.req.channel")}</th>
                <th scope="col">{t("catalog.terms.mandatory")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <RequirementRow key={r.id} ctx={ctx} r={r} mandatoryOnline={isMandatory(r, "online")} mandatoryCounter={isMandatory(r, "counter")} />
              ))}
            </tbody>
          </table>
        </div>
        {terms.requirements.notes.length ? (
          <details>
            <summary>{t("catalog.terms.notes", { n: terms.requirements.notes.length })}</summary>
            <ul>
              {terms.requirements.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          </details>
        ) : null}
        {canEdit ? (
          <details open={docState ? true : undefined}>
            <summary>{t("catalog.terms.editDocuments")}</summary>
            <form method="post" action={`${base}/documents`} class="stack">
              <CsrfField ctx={ctx} />
              <p class="hint">{t("catalog.terms.documentsHint")}</p>
              {Array.from({ length: rowCount }, (_, i) => (
                <fieldset key={i} class="doc-row">
                  <legend>{docValues[`d${i}_name`] ? t("catalog.terms.row", { n: i + 1 }) : t("catalog.terms.newRow")}</legend>
                  <input type="hidden" name={`d${i}_id`} value={docValues[`d${i}_id`] ?? ""} />
                  <Input ctx={ctx} name={`d${i}_name`} label={t("catalog.document")} value={docValues[`d${i}_name`] ?? ""} errors={docState?.errors} area={2} maxLength={4000} />
                  <div class="row">
                    <Input ctx={ctx} name={`d${i}_group`} label={t("catalog.terms.group")} value={docValues[`d${i}_group`] ?? ""} errors={docState?.errors} maxLength={500} />
                    <Choice ctx={ctx} id={`f-d${i}_kind`} name={`d${i}_kind`} label={t("catalog.req.kind")} value={docValues[`d${i}_kind`] ?? "submit"} errors={docState?.errors} options={kindOptions} />
                    <Choice ctx={ctx} id={`f-d${i}_need`} name={`d${i}_need`} label={t("catalog.req.need")} value={docValues[`d${i}_need`] ?? "required"} errors={docState?.errors} options={needOptions} />
                    <Choice ctx={ctx} id={`f-d${i}_channel`} name={`d${i}_channel`} label={t("catalog.req.channel")} value={docValues[`d${i}_channel`] ?? "any"} errors={docState?.errors} options={channelOptions} />
                  </div>
                  {docValues[`d${i}_name`] ? (
                    <label>
                      <input type="checkbox" name={`d${i}_remove`} value="1" checked={docValues[`d${i}_remove`] === "1"} /> {t("catalog.terms.remove")}
                    </label>
                  ) : null}
                </fieldset>
              ))}
              <Input ctx={ctx} name="notes" label={t("catalog.terms.notesLabel")} hint={t("catalog.terms.notesHint")} value={docValues.notes ?? ""} errors={docState?.errors} area={6} />
              <Input ctx={ctx} name="reason" label={t("catalog.terms.reason")} value={docValues.reason ?? ""} errors={docState?.errors} maxLength={1000} />
              <p>
                <button type="submit">{t("catalog.terms.saveDocuments")}</button>{" "}
                {terms.documentsSource === "local" ? (
                  <button type="submit" name="clear" value="1" class="secondary">
                    {t("catalog.terms.useCatalog")}
                  </button>
                ) : null}
              </p>
            </form>
          </details>
        ) : null}
      </section>

      <section aria-labelledby="hist-h">
        <h2 id="hist-h">{t("catalog.terms.history")}</h2>
        {s.history.length === 0 ? (
          <p>{t("catalog.terms.history.none")}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("catalog.terms.history.when")}</th>
                  <th scope="col">{t("catalog.terms.history.who")}</th>
                  <th scope="col">{t("catalog.terms.history.what")}</th>
                  <th scope="col">{t("catalog.terms.reason")}</th>
                </tr>
              </thead>
              <tbody>
                {s.history.map((e, i) => (
                  <tr key={i}>
                    <td>{formatDateTime(e.changedAt)}</td>
                    <td>{e.changedByName ?? t("catalog.terms.history.system")}</td>
                    <td>
                      <strong>{t(`catalog.terms.what.${e.what}`)}</strong>: {whatText(ctx, e)}
                    </td>
                    <td>{e.reason ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}

const TermsBody = z.object({
  timeLimit: LocalTimeLimit.nullable().optional(),
  fees: LocalFees.nullable().optional(),
  documents: DocumentRequirements.nullable().optional(),
  reason: z.string().trim().max(1000).optional(),
});

const TermsResponse = z.object({
  code: z.string(),
  timeLimit: z.object({ amount: z.number(), unit: z.string() }).nullable(),
  timeLimitSource: z.enum(["local", "catalog"]).nullable(),
  timeLimitBasis: z.string().nullable(),
  fees: z.array(Fee),
  feesSource: z.enum(["local", "catalog"]),
  feeDue: z.enum(FEE_DUES),
  feeExemptions: z.array(z.string()),
  documents: DocumentRequirements,
  documentsSource: z.enum(["local", "catalog"]),
});

function termsJson(code: string, terms: EffectiveTerms): z.infer<typeof TermsResponse> {
  return {
    code,
    timeLimit: terms.timeLimit,
    timeLimitSource: terms.timeLimitSource,
    timeLimitBasis: terms.timeLimitBasis,
    fees: terms.fees,
    feesSource: terms.feesSource,
    feeDue: terms.feeDue,
    feeExemptions: terms.feeExemptions,
    documents: terms.requirements,
    documentsSource: terms.documentsSource,
  };
}

const FieldForm = z.object({
  field: z.string().trim().min(1, "msg:catalog.terms.err.field").max(300),
  enabled: z.enum(["0", "1"]),
  reason: z.string().trim().max(1000).optional(),
  _csrf: z.string().optional(),
});

export async function catalogTermsRoutes(app: FastifyInstance): Promise<void> {
  const db = app.deps.db;

  const canView = (req: FastifyRequest) => {
    const user = requireUser(req);
    if (!can(user.role, "catalog.assign") && !can(user.role, "catalog.publish")) throw forbidden();
    return user;
  };

  app.get("/staff/procedures/:code", async (req, reply) => {
    const user = canView(req);
    const { code } = parseWith(CodeParams, req.params, req);
    const saved = z.object({ saved: z.enum(["time_limit", "fees", "documents"]).optional() }).safeParse(req.query);
    const s = await loadStaffProcedure(req, code);
    return reply.page(<StaffProcedurePage ctx={req.pageCtx()} s={s} canEdit={can(user.role, "catalog.assign")} saved={saved.success ? saved.data.saved : undefined} />);
  });

  async function save(req: FastifyRequest, code: string, change: TermChange, reason: string | null) {
    const user = requireUser(req);
    try {
      await req.tx((tx) => setLocalTerm(tx, { agencyId: user.agencyId, code, change, reason, actor: user.username, actorUserId: user.id }));
    } catch (e) {
      if (e instanceof AssignmentError) throw new HttpError(404, e.messageKey);
      throw e;
    }
  }

  const forms = {
    "time-limit": { what: "time_limit", parse: (v: FormValues, _s: StaffProcedure) => parseTimeLimitForm(v) },
    fees: { what: "fees", parse: (v: FormValues, _s: StaffProcedure) => parseFeesForm(v) },
    documents: { what: "documents", parse: (v: FormValues, s: StaffProcedure) => parseDocumentsForm(v, s.terms.requirements) },
  } as const;

  for (const [path, f] of Object.entries(forms)) {
    app.post(`/staff/procedures/:code/${path}`, async (req, reply) => {
      const user = requirePermission(req, "catalog.assign");
      const { code } = parseWith(CodeParams, req.params, req);
      const values = formValues(req.body);
      const s = await loadStaffProcedure(req, code);
      if (values.clear === "1") {
        await save(req, code, { what: f.what, value: null } as TermChange, values.reason?.trim() || null);
        return redirect(reply, `/staff/procedures/${encodeURIComponent(code)}?saved=${f.what}`);
      }
      const parsed = f.parse(values, s);
      if (!parsed.ok) {
        // Shown again with everything typed, and a 422 so that scripts see the refusal.
        return reply.page(<StaffProcedurePage ctx={req.pageCtx()} s={s} canEdit={can(user.role, "catalog.assign")} state={{ form: f.what, values, errors: parsed.errors }} />, 422);
      }
      await save(req, code, { what: f.what, value: parsed.value } as TermChange, parsed.reason);
      return redirect(reply, `/staff/procedures/${encodeURIComponent(code)}?saved=${f.what}`);
    });
  }

  app.post("/staff/procedures/by-field", async (req, reply) => {
    const user = requirePermission(req, "catalog.assign");
    const form = parseWith(FieldForm, req.body, req);
    const n = await req.tx((tx) =>
      setFieldOffering(tx, { agencyId: user.agencyId, field: form.field, enabled: form.enabled === "1", reason: form.reason || null, actor: user.username, actorUserId: user.id }),
    );
    invalidateCatalogSearch(db);
    return redirect(reply, `/staff/procedures?${new URLSearchParams({ field: form.field, bulk: `${form.enabled}:${n}` }).toString()}`);
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/agency-procedures/:code/terms",
    summary: "The caller's agency's terms of a procedure: time limit (with its legal basis), fees and document requirements, each its own or the catalog's.",
    tags: ["catalog"],
    auth: "authenticated",
    params: CodeParams,
    response: TermsResponse,
    errors: { 404: "Unknown procedure" },
    handler: async ({ req, params }) => {
      canView(req);
      const s = await loadStaffProcedure(req, params.code);
      return termsJson(params.code, s.terms);
    },
  });

  defineApi(app, {
    method: "PUT",
    url: "/api/v1/agency-procedures/:code/terms",
    summary: "Set (or with null, return to the catalog's) the agency's time limit, fees or document list of a procedure; each change is kept with its reason. catalog.assign.",
    tags: ["catalog"],
    auth: "authenticated",
    params: CodeParams,
    body: TermsBody,
    response: TermsResponse,
    errors: { 404: "Unknown procedure" },
    handler: async ({ req, params, body }) => {
      requirePermission(req, "catalog.assign");
      const reason = body.reason || null;
      if (body.timeLimit !== undefined) await save(req, params.code, { what: "time_limit", value: body.timeLimit }, reason);
      if (body.fees !== undefined) await save(req, params.code, { what: "fees", value: body.fees }, reason);
      if (body.documents !== undefined) await save(req, params.code, { what: "documents", value: body.documents }, reason);
      const s = await loadStaffProcedure(req, params.code);
      return termsJson(params.code, s.terms);
    },
  });
}
