// A citizen's own dossiers (submitted online while signed in): the list, one dossier with its
// history and files, a supplement when the agency asks for one, and withdrawal. Actions go through
// the state table and applyAction with role "citizen", so the rules, events and audit entries are
// the ones the desk sees; the dossier is found by its applicant account, never by agency.

import type { MultipartFile } from "@fastify/multipart";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { VNode } from "preact";
import { z } from "zod";
import { canAccess } from "../../domain/auth/permissions";
import { availableActions, type DossierAction } from "../../domain/dossiers/state-machine";
import type { Timeliness } from "../../domain/dossiers/timeliness";
import type { CurrentUser, PageCtx } from "../../web/context";
import { asHttpError, HttpError, notFound, parseForm, requirePermission, verifyCsrf } from "../../web/http";
import { formatDate, formatDateTime } from "../../web/i18n";
import { registerNav } from "../../web/registry";
import { CsrfField, ErrorSummary, Field, FileField, Layout, TextAreaField } from "../../web/views/layout";
import { getAgencyCalendar } from "../calendar/service";
import "./citizen-messages";
import "../privacy/messages";
import { sendAttachment } from "./download";
import { DocumentChecklist, EventHistory, localise, StatusTag } from "./views";
import { peopleOfEvents } from "./history";
import { dossierPanels } from "./panels";
import type { People } from "../accounts/people";
import { finaliseFiles, MAX_FILE_BYTES, type StagedFile, stageFiles, type UploadInput, withStagedFiles } from "./files";
import {
  applyAction,
  type Dossier,
  type DossierActor,
  type DossierAttachment,
  type DossierEvent,
  findOwnDossier,
  listAttachments,
  listEvents,
  listOwnDossiers,
  timelinessOf,
} from "./service";

registerNav({ href: "/my/dossiers", labelKey: "dossier.my.nav", area: "public", permission: "dossier.track_own", order: 22 });

/** Files per supplement: a few missing papers, not a second dossier. */
export const MAX_SUPPLEMENT_FILES = 10;

const ACCEPT = "application/pdf,image/jpeg,image/png";

/** Events whose note is written FOR the applicant (what to supply, why refused, the apology). */
const NOTE_FOR_APPLICANT: ReadonlySet<string> = new Set(["request_supplement", "supply_supplement", "refuse", "withdraw", "redate"]);
/** Working notes between officers are internal to the agency; they stay off the citizen's page. */
const INTERNAL_ACTIONS: ReadonlySet<string> = new Set(["note"]);

type Calendar = Parameters<typeof timelinessOf>[1];

type OwnDossier = {
  d: Dossier;
  agencyName: string;
  events: DossierEvent[];
  /** Who acted in the events, read in the dossier's agency (the citizen's own scope cannot see its staff). */
  people: People;
  attachments: DossierAttachment[];
  timeliness: Timeliness;
};

type FormState = { errors: Record<string, string>; values: Record<string, string> };
type PageState = { status?: number; supplement?: FormState; withdraw?: FormState; general?: string };

function ownPath(code: string): string {
  return `/my/dossiers/${encodeURIComponent(code)}`;
}

function lastEvent(events: readonly DossierEvent[], action: string): DossierEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]!.action === action) return events[i];
  return undefined;
}

/** The result is the citizen's to download only once it was returned online. */
function returnedOnline(own: OwnDossier): boolean {
  return own.d.status === "returned" && lastEvent(own.events, "return")?.data.returnChannel === "online";
}

function downloadable(own: OwnDossier): DossierAttachment[] {
  const result = returnedOnline(own);
  return own.attachments.filter((a) => a.kind !== "result" || result);
}

/** An HttpError's message and details as one text in the reader's language. */
function errorText(req: FastifyRequest, e: HttpError): string {
  const l = localise(e, req) as HttpError;
  return [req.t(l.messageKey, l.vars), ...(l.details ?? []).map((d) => d.message).filter((m) => m !== "")].join(" ");
}

function OverdueTag({ ctx, timeliness }: { ctx: PageCtx; timeliness: Timeliness }) {
  return timeliness === "overdue" ? <span class="tag bad">{ctx.t("dossier.my.overdue")}</span> : null;
}

// ---------------------------------------------------------------------------------------------
// Reading a supplement form (multipart, without JavaScript)

type SupplementRequest = { values: Record<string, string>; files: { fileName: string; data: Buffer }[]; error?: HttpError };

async function readSupplement(req: FastifyRequest): Promise<SupplementRequest> {
  const values: Record<string, string> = {};
  const files: { fileName: string; data: Buffer }[] = [];
  if (!req.isMultipart()) {
    const body = (req.body ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(body)) values[k] = typeof v === "string" ? v : "";
    return { values, files };
  }
  try {
    for await (const part of req.parts({ limits: { fileSize: MAX_FILE_BYTES, files: MAX_SUPPLEMENT_FILES, fields: 20 } })) {
      if (part.type === "file") {
        const f = part as MultipartFile;
        const data = await f.toBuffer();
        // An empty file input (nothing chosen) still sends a part, without a name.
        if (data.length === 0 && !f.filename) continue;
        files.push({ fileName: f.filename || "tep", data });
      } else {
        const value = String((part as { value: unknown }).value ?? "");
        if (value.includes("\u0000")) throw new HttpError(400, "error.nul", { field: part.fieldname });
        values[part.fieldname] = value;
      }
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    verifyCsrf(req, values._csrf);
    if (code === "FST_FILES_LIMIT") return { values, files, error: new HttpError(413, "dossier.my.err.tooManyFiles", { n: MAX_SUPPLEMENT_FILES }) };
    if (code === "FST_REQ_FILE_TOO_LARGE") {
      const name = (e as { part?: { filename?: string } }).part?.filename ?? "";
      return { values, files, error: new HttpError(413, "dossier.err.fileTooLarge", { name }) };
    }
    throw e;
  }
  // The form's token travels in its body, not in its URL (src/web/app.tsx checks the origin before).
  verifyCsrf(req, values._csrf);
  return { values, files };
}

const SupplementForm = z.object({
  note: z.string().trim().max(2000, { error: "msg:dossier.my.err.noteTooLong" }),
  documentName: z.string().trim().max(300, { error: "msg:dossier.my.err.documentNameTooLong" }),
});

const WithdrawForm = z.object({
  reason: z.string().trim().min(3, { error: "msg:dossier.my.err.reason" }).max(2000, { error: "msg:dossier.my.err.reason" }),
  confirm: z.literal("yes", { error: "msg:dossier.my.err.confirm" }),
});

function str(values: Record<string, unknown>, key: string): string {
  const v = values[key];
  return typeof v === "string" ? v : "";
}

// ---------------------------------------------------------------------------------------------
// Pages

function ListPage({ ctx, items }: { ctx: PageCtx; items: { d: Dossier; timeliness: Timeliness }[] }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t("dossier.my.title")}>
      <h1>{t("dossier.my.title")}</h1>
      <p class="lead">{t("dossier.my.intro")}</p>
      {ctx.user && canAccess(ctx.user.role, "privacy.own") ? (
        <p>
          <a href="/my/access-log">{t("privacy.my.accessTitle")}</a> · <a href="/my/data">{t("privacy.my.nav")}</a>
        </p>
      ) : null}
      {items.length === 0 ? (
        <p>
          {t("dossier.my.empty")} <a href="/submit">{t("dossier.my.submitLink")}</a>
        </p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("dossier.f.code")}</th>
                <th scope="col">{t("dossier.f.procedure")}</th>
                <th scope="col">{t("dossier.f.submittedAt")}</th>
                <th scope="col">{t("dossier.f.status")}</th>
                <th scope="col">{t("dossier.f.dueAt")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map(({ d, timeliness }) => (
                <tr key={d.code} class={timeliness === "overdue" ? "overdue" : undefined}>
                  <td>
                    <a href={ownPath(d.code)}>{d.code}</a>
                  </td>
                  <td>{d.procedureName}</td>
                  <td>{formatDate(d.submittedAt ?? d.createdAt)}</td>
                  <td>
                    <StatusTag ctx={ctx} status={d.status} />
                  </td>
                  <td>
                    {d.dueAt ? formatDate(d.dueAt) : "—"} <OverdueTag ctx={ctx} timeliness={timeliness} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

function AttachmentList({ ctx, code, items }: { ctx: PageCtx; code: string; items: DossierAttachment[] }) {
  return (
    <ul>
      {items.map((a) => (
        <li key={a.id}>
          <a href={`${ownPath(code)}/attachments/${a.id}`}>{a.documentName}</a>{" "}
          <small class="muted">
            ({ctx.t(`dossier.my.kind.${a.kind}`)}) {a.fileName} · {Math.max(1, Math.ceil(a.size / 1024))} KB · {formatDate(a.createdAt)}
          </small>
        </li>
      ))}
    </ul>
  );
}

function SupplementFormView({ ctx, code, state }: { ctx: PageCtx; code: string; state: FormState | undefined }) {
  const t = ctx.t;
  const e = state?.errors ?? {};
  const v = state?.values ?? {};
  return (
    <section aria-labelledby="supplement-title" class="panel">
      <h2 id="supplement-title">{t("dossier.my.supplement.title")}</h2>
      <p>{t("dossier.my.supplement.intro", { n: MAX_SUPPLEMENT_FILES })}</p>
      <form method="post" action={`${ownPath(code)}/supplement`} enctype="multipart/form-data" novalidate>
        <CsrfField ctx={ctx} />
        <TextAreaField name="note" label={t("dossier.my.supplement.note")} value={v.note} error={e.note} rows={4} maxLength={2000} />
        <Field
          name="documentName"
          label={t("dossier.my.supplement.documentName")}
          hint={t("dossier.my.supplement.documentNameHint")}
          value={v.documentName}
          error={e.documentName}
          maxLength={300}
        />
        <FileField name="files" label={t("dossier.my.supplement.files")} error={e.files} multiple accept={ACCEPT} />
        <button type="submit">{t("dossier.my.supplement.submit")}</button>
      </form>
    </section>
  );
}

function WithdrawFormView({ ctx, code, state }: { ctx: PageCtx; code: string; state: FormState | undefined }) {
  const t = ctx.t;
  const e = state?.errors ?? {};
  const v = state?.values ?? {};
  return (
    <section aria-labelledby="withdraw-title" class="panel">
      <h2 id="withdraw-title">{t("dossier.my.withdraw.title")}</h2>
      <p>{t("dossier.my.withdraw.intro")}</p>
      <form method="post" action={`${ownPath(code)}/withdraw`} novalidate>
        <CsrfField ctx={ctx} />
        <TextAreaField name="reason" label={t("dossier.my.withdraw.reason")} value={v.reason} error={e.reason} rows={3} maxLength={2000} required />
        <div class={`field${e.confirm ? " has-error" : ""}`}>
          {e.confirm ? (
            <p class="error" id="f-confirm-error">
              {e.confirm}
            </p>
          ) : null}
          <label for="f-confirm">
            <input
              id="f-confirm"
              type="checkbox"
              name="confirm"
              value="yes"
              required
              aria-invalid={e.confirm ? "true" : undefined}
              aria-describedby={e.confirm ? "f-confirm-error" : undefined}
            />{" "}
            {t("dossier.my.withdraw.confirm")}
          </label>
        </div>
        <button type="submit" class="danger">
          {t("dossier.my.withdraw.submit")}
        </button>
      </form>
    </section>
  );
}

function DetailPage({ ctx, own, state, done, panels }: { ctx: PageCtx; own: OwnDossier; state: PageState; done: DossierAction | undefined; panels?: VNode[] }) {
  const t = ctx.t;
  const { d, events } = own;
  const userId = ctx.user?.id;
  const actions = availableActions(d.status, "citizen");
  const files = downloadable(own);
  const results = files.filter((a) => a.kind === "result");
  const papers = files.filter((a) => a.kind !== "result");
  const asked = d.status === "supplement_requested" ? lastEvent(events, "request_supplement") : undefined;
  const refused = d.status === "refused" ? lastEvent(events, "refuse") : undefined;
  const withdrawn = d.status === "withdrawn" ? lastEvent(events, "withdraw") : undefined;
  const returnChannel = d.status === "returned" ? lastEvent(events, "return")?.data.returnChannel : undefined;
  const errors = { ...(state.general ? { _: state.general } : {}), ...(state.supplement?.errors ?? {}), ...(state.withdraw?.errors ?? {}) };
  const date = (label: string, value: Date | null) =>
    value ? (
      <>
        <dt>{label}</dt>
        <dd>{formatDateTime(value)}</dd>
      </>
    ) : null;
  return (
    <Layout ctx={ctx} title={t("dossier.detail.title", { code: d.code })}>
      <p class="no-print">
        <a href="/my/dossiers">{t("dossier.my.back")}</a>
      </p>
      <h1>{t("dossier.detail.title", { code: d.code })}</h1>
      {done ? (
        <p class="notice" role="status">
          {t(`dossier.my.done.${done}`)}
        </p>
      ) : null}
      <ErrorSummary ctx={ctx} errors={errors} />
      <p class="lead">
        <StatusTag ctx={ctx} status={d.status} /> <OverdueTag ctx={ctx} timeliness={own.timeliness} />
      </p>
      {asked?.note ? (
        <div class="notice">
          <h2>{t("dossier.my.supplementAsked")}</h2>
          <p>{asked.note}</p>
        </div>
      ) : null}
      {refused?.note ? (
        <div class="notice">
          <h2>{t("dossier.my.refusedReasons")}</h2>
          <p>{refused.note}</p>
        </div>
      ) : null}
      {withdrawn?.note ? (
        <div class="notice">
          <h2>{t("dossier.my.withdrawnReason")}</h2>
          <p>{withdrawn.note}</p>
        </div>
      ) : null}
      {d.status === "result_ready" ? <p class="notice">{t("dossier.my.resultReady")}</p> : null}
      {d.status === "returned" || d.status === "refused" ? (
        <p class="panel no-print">
          <a class="button" href={`/rate?${new URLSearchParams({ code: d.code }).toString()}`}>
            {t("feedback.rating.link")}
          </a>{" "}
          <small class="muted">{t("feedback.rating.linkHint")}</small>
        </p>
      ) : null}
      <div class="grid2">
        <section aria-labelledby="data-title">
          <h2 id="data-title">{t("dossier.detail.data")}</h2>
          <dl class="proc-facts">
            <dt>{t("dossier.f.procedure")}</dt>
            <dd>
              {d.procedureName} <small class="muted">{d.procedureCode}</small>
            </dd>
            <dt>{t("dossier.my.agency")}</dt>
            <dd>{own.agencyName}</dd>
            <dt>{t("dossier.f.channel")}</dt>
            <dd>{t(`dossier.channel.${d.channel}`)}</dd>
            {date(t("dossier.f.submittedAt"), d.submittedAt)}
            {d.status === "submitted" ? date(t("dossier.f.acceptDueAt"), d.acceptDueAt) : null}
            {date(t("dossier.f.receivedAt"), d.receivedAt)}
            {date(t("dossier.f.dueAt"), d.dueAt)}
            {date(t("dossier.f.finishedAt"), d.finishedAt)}
            {date(t("dossier.my.returnedAt"), d.returnedAt)}
            {d.status !== "returned" ? date(t("dossier.my.closedAt"), d.closedAt) : null}
            {typeof returnChannel === "string" && ["counter", "online", "post"].includes(returnChannel) ? (
              <>
                <dt>{t("dossier.my.returnChannel")}</dt>
                <dd>{t(`dossier.f.return${returnChannel[0]!.toUpperCase()}${returnChannel.slice(1)}`)}</dd>
              </>
            ) : null}
            {d.supplementCount > 0 ? (
              <>
                <dt>{t("dossier.f.supplements")}</dt>
                <dd>{d.supplementCount}</dd>
              </>
            ) : null}
          </dl>
          <h3>{t("dossier.detail.documents")}</h3>
          <DocumentChecklist ctx={ctx} documents={d.documents} />
          {results.length > 0 ? (
            <>
              <h3>{t("dossier.my.result")}</h3>
              <AttachmentList ctx={ctx} code={d.code} items={results} />
            </>
          ) : null}
          <h3>{t("dossier.detail.attachments")}</h3>
          {papers.length === 0 ? <p>{t("dossier.my.noAttachments")}</p> : <AttachmentList ctx={ctx} code={d.code} items={papers} />}
          <p>
            <a href={`/track?code=${encodeURIComponent(d.code)}`}>{t("dossier.my.track")}</a>
            <br />
            <small class="muted">{t("dossier.my.trackHint")}</small>
          </p>
        </section>
        <div>
          {actions.includes("supply_supplement") ? <SupplementFormView ctx={ctx} code={d.code} state={state.supplement} /> : null}
          {actions.includes("withdraw") ? <WithdrawFormView ctx={ctx} code={d.code} state={state.withdraw} /> : null}
        </div>
      </div>
      {panels}
      <h2>{t("dossier.detail.history")}</h2>
      <EventHistory ctx={ctx} events={events.filter((e) => !INTERNAL_ACTIONS.has(e.action))} people={own.people} you={userId} showNote={(e) => NOTE_FOR_APPLICANT.has(e.action)} />
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Routes

export async function citizenDossierRoutes(app: FastifyInstance): Promise<void> {

  /** The signed-in citizen's dossier with what its page shows; 404 for anyone else's (or no such code). */
  async function loadOwn(req: FastifyRequest, user: CurrentUser, code: string): Promise<OwnDossier> {
    if (code.length === 0 || code.length > 80) throw notFound("dossier.err.notFound");
    const own = await req.tx(async (tx) => {
      const d = await findOwnDossier(tx, { userId: user.id, code });
      if (!d) return undefined;
      const agency = await tx.maybeOne<{ name: string }>("select name from agencies where id = $1", [d.agencyId]);
      const events = await listEvents(tx, d.id);
      const attachments = await listAttachments(tx, d.id);
      const calendar = await getAgencyCalendar(tx, d.agencyId);
      return { d, agencyName: agency?.name ?? "", events, attachments, timeliness: timelinessOf(d, calendar) };
    });
    if (!own) throw notFound("dossier.err.notFound");
    // Only the names of those who acted on this citizen's own dossier (found above by their account).
    const people = await app.deps.db.scoped({ agencyIds: [own.d.agencyId], userId: user.id }, (tx) => peopleOfEvents(tx, own.events));
    return { ...own, people };
  }

  async function renderDetail(req: FastifyRequest, reply: FastifyReply, q: { user: CurrentUser; code: string; state?: PageState; done?: DossierAction }) {
    const own = await loadOwn(req, q.user, q.code);
    const panels = await dossierPanels({ app, req, place: "citizen", code: own.d.code });
    return reply.page(<DetailPage ctx={req.pageCtx()} own={own} state={q.state ?? {}} done={q.done} panels={panels} />, q.state?.status ?? 200);
  }

  /** Runs one action as the citizen within the agency holding the dossier (their own scope has no agency). */
  async function act(q: { user: CurrentUser; own: OwnDossier; action: DossierAction; input: Record<string, unknown>; files: readonly StagedFile[] }): Promise<Dossier> {
    const agencyId = q.own.d.agencyId;
    const actor: DossierActor = { userId: q.user.id, role: "citizen", label: q.user.username, agencyId };
    return withStagedFiles(app.deps.db, q.files, () =>
      app.deps.db.scoped({ agencyIds: [agencyId], userId: q.user.id }, async (tx) => {
        const d = await applyAction(tx, { dossierCode: q.own.d.code, agencyId, action: q.action, actor, input: q.input, files: q.files });
        // Last step before the commit: a failed commit removes the moved files (withStagedFiles).
        await finaliseFiles(tx, q.files);
        return d;
      }),
    );
  }

  /** Refuses early (409, nothing staged) an action the current status does not allow; applyAction checks again under lock. */
  function statusError(req: FastifyRequest, own: OwnDossier, action: DossierAction): string | undefined {
    if (availableActions(own.d.status, "citizen").includes(action)) return undefined;
    return req.t("dossier.err.status", { action: req.t(`dossier.action.${action}`), status: req.t(`dossier.status.${own.d.status}`) });
  }

  app.get("/my/dossiers", async (req, reply) => {
    const user = requirePermission(req, "dossier.track_own");
    const now = new Date();
    const items = await req.tx(async (tx) => {
      const list = await listOwnDossiers(tx, user.id);
      const calendars = new Map<number, Calendar>();
      const out: { d: Dossier; timeliness: Timeliness }[] = [];
      for (const d of list) {
        let calendar = calendars.get(d.agencyId);
        if (!calendar) {
          calendar = await getAgencyCalendar(tx, d.agencyId);
          calendars.set(d.agencyId, calendar);
        }
        out.push({ d, timeliness: timelinessOf(d, calendar, now) });
      }
      return out;
    });
    return reply.page(<ListPage ctx={req.pageCtx()} items={items} />);
  });

  app.get("/my/dossiers/:code", async (req, reply) => {
    const user = requirePermission(req, "dossier.track_own");
    const { code } = req.params as { code: string };
    const done = (req.query as Record<string, unknown>).done;
    return renderDetail(req, reply, { user, code, ...(done === "supply_supplement" || done === "withdraw" ? { done } : {}) });
  });

  app.post("/my/dossiers/:code/supplement", async (req, reply) => {
    const user = requirePermission(req, "dossier.track_own");
    const { code } = req.params as { code: string };
    const own = await loadOwn(req, user, code);
    const form = await readSupplement(req);
    const values = { note: str(form.values, "note"), documentName: str(form.values, "documentName") };
    const again = (status: number, errors: Record<string, string>) =>
      renderDetail(req, reply, { user, code, state: { status, supplement: { errors, values } } });
    if (form.error) return again(form.error.status, { files: errorText(req, form.error) });
    const parsed = parseForm(SupplementForm, values, req);
    if (!parsed.ok) return again(400, parsed.errors);
    if (parsed.data.note === "" && form.files.length === 0) return again(400, { note: req.t("dossier.my.err.supplementEmpty") });
    const wrong = statusError(req, own, "supply_supplement");
    if (wrong) return again(409, { _: wrong });
    const name = parsed.data.documentName;
    const uploads: UploadInput[] = form.files.map((f, i) => ({
      documentName: name ? (form.files.length > 1 ? `${name} (${i + 1})` : name) : f.fileName,
      fileName: f.fileName,
      data: f.data,
    }));
    let staged: StagedFile[];
    try {
      staged = await stageFiles({ db: app.deps.db, agencyId: own.d.agencyId, uploads });
    } catch (e) {
      const he = asHttpError(e);
      if (he) return again(he.status, { files: errorText(req, he) });
      throw e;
    }
    try {
      await act({ user, own, action: "supply_supplement", input: parsed.data.note ? { note: parsed.data.note } : {}, files: staged });
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status < 500) return again(he.status, { _: errorText(req, he) });
      throw e;
    }
    return reply.code(303).redirect(`${ownPath(code)}?done=supply_supplement`);
  });

  app.post("/my/dossiers/:code/withdraw", async (req, reply) => {
    const user = requirePermission(req, "dossier.track_own");
    const { code } = req.params as { code: string };
    const own = await loadOwn(req, user, code);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = { reason: str(body, "reason"), confirm: str(body, "confirm") };
    const again = (status: number, errors: Record<string, string>) =>
      renderDetail(req, reply, { user, code, state: { status, withdraw: { errors, values: { reason: values.reason } } } });
    const parsed = parseForm(WithdrawForm, values, req);
    if (!parsed.ok) return again(400, parsed.errors);
    const wrong = statusError(req, own, "withdraw");
    if (wrong) return again(409, { _: wrong });
    try {
      await act({ user, own, action: "withdraw", input: { note: parsed.data.reason }, files: [] });
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status < 500) return again(he.status, { _: errorText(req, he) });
      throw e;
    }
    return reply.code(303).redirect(`${ownPath(code)}?done=withdraw`);
  });

  app.get("/my/dossiers/:code/attachments/:id", async (req, reply) => {
    const user = requirePermission(req, "dossier.track_own");
    const p = req.params as { code: string; id: string };
    if (!/^\d{1,9}$/.test(p.id)) throw notFound();
    const own = await loadOwn(req, user, p.code);
    const att = downloadable(own).find((a) => a.id === Number(p.id));
    if (!att) throw notFound();
    return sendAttachment(reply, { db: app.deps.db, key: att.storagePath, fileName: att.fileName, contentType: att.contentType });
  });
}
