import type { FastifyInstance, FastifyRequest } from "fastify";
import { ItemActionInput, ItemInput } from "../../domain/communications/schemas";
import { actorsOf, allowedActions, canEdit, type ItemAction, type ItemStatus } from "../../domain/communications/workflow";
import type { PageCtx } from "../../web/context";
import { canAccess } from "../../domain/auth/permissions";
import { asHttpError, HttpError, parseForm, requireAccess, requireUser } from "../../web/http";
import { COMM_ACCESS } from "./access";
import { formatDateTime } from "../../web/i18n";
import { ASSET_VERSION, CsrfField, ErrorSummary, Field, Layout } from "../../web/views/layout";
import { EDITOR_PATH, editorLabels } from "./editor";
import { type Acting, type Attachment, type Column, createItem, ensureDefaultColumns, findItem, type Item, listAttachments, listColumns, listStaffItems, actOnItem, updateItem } from "./items";
import { readForm } from "./multipart";
import { FileInput, localDateTimeInput, Notice, Select, SubNav, TextArea } from "./views";

export function actingOf(req: FastifyRequest): Acting {
  const u = requireUser(req);
  return { userId: u.id, username: u.username, role: u.role, agencyId: u.agencyId };
}

function requireStaffContent(req: FastifyRequest) {
  return requireAccess(req, COMM_ACCESS.items);
}

type ItemValues = { kind?: string; columnId?: string | number; title?: string; summary?: string; body?: string; tags?: string };

function ItemForm({ ctx, columns, values, errors, action }: { ctx: PageCtx; columns: Column[]; values: ItemValues; errors?: Record<string, string> | undefined; action: string }) {
  const t = ctx.t;
  return (
    <form method="post" action={action} enctype="multipart/form-data" class="panel" novalidate data-editor={editorLabels(ctx)}>
      <CsrfField ctx={ctx} />
      <Select name="kind" label={t("communications.f.kind")} value={values.kind ?? "news"} options={[{ value: "news", label: t("communications.kind.news") }, { value: "article", label: t("communications.kind.article") }]} />
      <Select name="columnId" label={t("communications.f.column")} value={values.columnId} error={errors?.columnId} options={columns.map((c) => ({ value: c.id, label: c.name }))} />
      <Field name="title" label={t("communications.f.title")} value={values.title} required maxLength={300} error={errors?.title} />
      <TextArea name="summary" label={t("communications.f.summary")} hint={t("communications.f.summaryHint")} value={values.summary} rows={3} error={errors?.summary} />
      <TextArea name="body" label={t("communications.f.body")} hint={t("communications.f.bodyHint")} value={values.body} rows={16} error={errors?.body} />
      <Field name="tags" label={t("communications.f.tags")} value={values.tags} error={errors?.tags} />
      <FileInput name="cover" label={t("communications.f.cover")} hint={t("communications.f.coverHint")} accept="image/jpeg,image/png,image/webp" />
      <FileInput name="images" label={t("communications.f.image")} hint={t("communications.f.imageHint")} multiple accept="image/jpeg,image/png,image/webp" />
      <FileInput name="attachments" label={t("communications.f.attachments")} multiple accept=".pdf,.doc,.docx,.xls,.xlsx,.pptx,.zip" />
      <button type="submit">{t("common.save")}</button>
      <script src={`${EDITOR_PATH}?v=${ASSET_VERSION}`} defer />
    </form>
  );
}

function StatusTag({ ctx, status }: { ctx: PageCtx; status: ItemStatus }) {
  const tone = status === "published" ? "ok" : status === "submitted" || status === "scheduled" ? "warn" : status === "unpublished" ? "bad" : "";
  return <span class={`tag ${tone}`}>{ctx.t(`communications.status.${status}`)}</span>;
}

function ItemsIndex({ ctx, items }: { ctx: PageCtx; items: Item[] }) {
  const t = ctx.t;
  const awaiting = items.filter((i) => i.status === "submitted");
  const table = (rows: Item[]) => (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{t("communications.f.title")}</th>
            <th>{t("communications.f.column")}</th>
            <th>{t("communications.status")}</th>
            <th>{t("communications.author")}</th>
            <th>{t("communications.updatedAt")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr key={i.id}>
              <td>
                <a href={`/staff/communications/items/${i.id}`}>{i.title}</a>
              </td>
              <td>{i.column_name}</td>
              <td>
                <StatusTag ctx={ctx} status={i.status} />
              </td>
              <td>{i.author_name ?? ""}</td>
              <td>{formatDateTime(i.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
  return (
    <Layout ctx={ctx} title={t("communications.title")} area="staff">
      <SubNav ctx={ctx} />
      <h1>{t("communications.title")}</h1>
      {canAccess(ctx.user?.role, COMM_ACCESS.write) ? (
        <p>
          <a class="button" href="/staff/communications/items/new">
            {t("communications.newItem")}
          </a>
        </p>
      ) : null}
      {awaiting.length > 0 ? (
        <section aria-labelledby="awaiting-h">
          <h2 id="awaiting-h">{t("communications.awaitingReview")}</h2>
          {table(awaiting)}
        </section>
      ) : null}
      <h2>{t("communications.items")}</h2>
      {items.length ? table(items) : <p>{t("common.none")}</p>}
    </Layout>
  );
}

function ItemPage(p: { ctx: PageCtx; item: Item; columns: Column[]; attachments: Attachment[]; errors?: Record<string, string> | undefined; values?: ItemValues; notice?: string | undefined }) {
  const { ctx, item } = p;
  const t = ctx.t;
  const actors = actorsOf(ctx.user?.role);
  const actions = allowedActions(item.status, actors);
  const editable = canEdit(item.status, actors);
  return (
    <Layout ctx={ctx} title={item.title} area="staff">
      <SubNav ctx={ctx} />
      <h1>{item.title}</h1>
      <p class="lead">
        <StatusTag ctx={ctx} status={item.status} /> · {item.column_name} · {t("communications.author")}: {item.author_name ?? "—"}
        {item.approver_name ? ` · ${t("communications.approver")}: ${item.approver_name}` : ""}
        {item.published_at ? ` · ${t("communications.publishedAt")}: ${formatDateTime(item.published_at)}` : ""}
        {item.publish_at ? ` · ${t("communications.f.publishAt")}: ${formatDateTime(item.publish_at)}` : ""}
      </p>
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <ErrorSummary ctx={ctx} errors={p.errors} />
      {item.review_note ? (
        <p class="notice">
          <strong>{t("communications.reviewNote")}:</strong> {item.review_note}
        </p>
      ) : null}
      {actions.length > 0 ? (
        <section class="panel no-print" aria-label={t("communications.status")}>
          {actions.map((a) => (
            <ActionForm key={a} ctx={ctx} itemId={item.id} action={a} />
          ))}
          {item.status === "published" && canAccess(ctx.user?.role, COMM_ACCESS.radio) ? (
            <p>
              <a href={`/staff/communications/radio/bulletins/new?item=${item.id}`}>{t("communications.radio.fromItem")}</a>
            </p>
          ) : null}
        </section>
      ) : null}
      <section aria-labelledby="preview-h" class="comm-article">
        <h2 id="preview-h">{t("communications.preview")}</h2>
        {item.cover_file_id ? <img src={`/media/communications/${item.cover_file_id}/thumb`} alt="" class="comm-cover" /> : null}
        {item.summary ? <p class="lead">{item.summary}</p> : null}
        <div dangerouslySetInnerHTML={{ __html: item.body }} />
        {p.attachments.length ? (
          <ul>
            {p.attachments.map((a) => (
              <li key={a.id}>
                <a href={`/media/communications/${a.id}`}>{a.name}</a>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      {editable ? (
        <section aria-labelledby="edit-h">
          <h2 id="edit-h">{t("communications.editItem")}</h2>
          <ItemForm
            ctx={ctx}
            columns={p.columns}
            errors={p.errors}
            action={`/staff/communications/items/${item.id}`}
            values={p.values ?? { kind: item.kind, columnId: item.column_id, title: item.title, summary: item.summary ?? "", body: item.body, tags: item.tags.join(", ") }}
          />
        </section>
      ) : null}
    </Layout>
  );
}

function ActionForm({ ctx, itemId, action }: { ctx: PageCtx; itemId: number; action: ItemAction }) {
  const t = ctx.t;
  const soon = new Date(Date.now() + 60 * 60 * 1000);
  return (
    <form method="post" action={`/staff/communications/items/${itemId}/action`} class="comm-action">
      <CsrfField ctx={ctx} />
      <input type="hidden" name="action" value={action} />
      {action === "send_back" ? <Field name="note" label={t("communications.f.note")} required maxLength={1000} /> : null}
      {action === "schedule" ? <Field name="publishAt" type="datetime-local" label={t("communications.f.publishAt")} value={localDateTimeInput(soon)} required /> : null}
      <button type="submit" class={action === "unpublish" || action === "send_back" ? "secondary" : undefined}>
        {t(`communications.action.${action}`)}
      </button>
    </form>
  );
}

function NewItemPage({ ctx, columns, errors, values }: { ctx: PageCtx; columns: Column[]; errors?: Record<string, string> | undefined; values: ItemValues }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t("communications.newItem")} area="staff">
      <SubNav ctx={ctx} />
      <h1>{t("communications.newItem")}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <ItemForm ctx={ctx} columns={columns} values={values} errors={errors} action="/staff/communications/items" />
    </Layout>
  );
}

function errorsOf(e: unknown, req: FastifyRequest): Record<string, string> | undefined {
  const he = asHttpError(e);
  if (he && he.status < 500 && he.status !== 413) return { _: req.t(he.messageKey, he.vars) };
  return undefined;
}

export async function staffItemRoutes(app: FastifyInstance): Promise<void> {
  app.get("/staff/communications", async (req, reply) => {
    const u = requireStaffContent(req);
    const items = await req.tx(async (tx) => {
      // A commune that never used the module gets its standard columns on first visit.
      if (actorsOf(u.role).includes("writer")) await ensureDefaultColumns(tx, u.agencyId);
      return listStaffItems(tx, { agencyId: u.agencyId });
    });
    return reply.page(<ItemsIndex ctx={req.pageCtx()} items={items} />);
  });

  app.get("/staff/communications/items/new", async (req, reply) => {
    const u = requireAccess(req, COMM_ACCESS.write);
    const columns = await req.tx(async (tx) => {
      await ensureDefaultColumns(tx, u.agencyId);
      return listColumns(tx, u.agencyId);
    });
    const column = (req.query as Record<string, string>).column;
    return reply.page(<NewItemPage ctx={req.pageCtx()} columns={columns} values={{ columnId: column ?? columns[0]?.id }} />);
  });

  app.post("/staff/communications/items", async (req, reply) => {
    const u = requireAccess(req, COMM_ACCESS.write);
    const form = await readForm(req);
    const columns = await req.tx((tx) => listColumns(tx, u.agencyId));
    const parsed = parseForm(ItemInput, form.fields, req);
    if (!parsed.ok) return reply.page(<NewItemPage ctx={req.pageCtx()} columns={columns} values={form.fields} errors={parsed.errors} />, 400);
    try {
      const r = await req.tx((tx) => createItem(tx, { acting: actingOf(req), input: parsed.data, files: { cover: form.files.cover?.[0], images: form.files.images, attachments: form.files.attachments } }));
      return reply.code(303).redirect(`/staff/communications/items/${r.id}?saved=1${r.cleaned ? "&cleaned=1" : ""}`);
    } catch (e) {
      const errors = errorsOf(e, req);
      if (!errors) throw e;
      return reply.page(<NewItemPage ctx={req.pageCtx()} columns={columns} values={form.fields} errors={errors} />, asHttpError(e)?.status ?? 400);
    }
  });

  const loadItemPage = async (req: FastifyRequest, id: number) =>
    req.tx(async (tx) => {
      const item = await findItem(tx, id);
      const u = requireStaffContent(req);
      if (!item || item.agency_id !== u.agencyId) throw new HttpError(404, "error.404.body");
      return { item, columns: await listColumns(tx, u.agencyId), attachments: await listAttachments(tx, id) };
    });

  const idOf = (req: FastifyRequest) => {
    const id = Number((req.params as { id: string }).id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, "error.404.body");
    return id;
  };

  app.get("/staff/communications/items/:id", async (req, reply) => {
    requireStaffContent(req);
    const data = await loadItemPage(req, idOf(req));
    const q = req.query as Record<string, string>;
    const notice = q.cleaned ? req.t("communications.cleaned") : q.saved ? req.t("communications.saved") : q.done ? req.t("communications.done", { status: req.t(`communications.status.${data.item.status}`) }) : undefined;
    return reply.page(<ItemPage ctx={req.pageCtx()} {...data} notice={notice} />);
  });

  app.post("/staff/communications/items/:id", async (req, reply) => {
    requireAccess(req, COMM_ACCESS.write);
    const id = idOf(req);
    const form = await readForm(req);
    const parsed = parseForm(ItemInput, form.fields, req);
    if (!parsed.ok) {
      const data = await loadItemPage(req, id);
      return reply.page(<ItemPage ctx={req.pageCtx()} {...data} values={form.fields} errors={parsed.errors} />, 400);
    }
    try {
      const r = await req.tx((tx) => updateItem(tx, { acting: actingOf(req), id, input: parsed.data, files: { cover: form.files.cover?.[0], images: form.files.images, attachments: form.files.attachments } }));
      return reply.code(303).redirect(`/staff/communications/items/${id}?saved=1${r.cleaned ? "&cleaned=1" : ""}`);
    } catch (e) {
      const errors = errorsOf(e, req);
      if (!errors) throw e;
      const data = await loadItemPage(req, id);
      return reply.page(<ItemPage ctx={req.pageCtx()} {...data} values={form.fields} errors={errors} />, asHttpError(e)?.status ?? 400);
    }
  });

  app.post("/staff/communications/items/:id/action", async (req, reply) => {
    requireStaffContent(req);
    const id = idOf(req);
    const parsed = parseForm(ItemActionInput, req.body, req);
    try {
      if (!parsed.ok) throw new HttpError(400, "error.validation", undefined, Object.entries(parsed.errors).map(([path, message]) => ({ path, message })));
      await req.tx((tx) => actOnItem(tx, { acting: actingOf(req), id, input: parsed.data }));
      return reply.code(303).redirect(`/staff/communications/items/${id}?done=1`);
    } catch (e) {
      const errors = parsed.ok ? errorsOf(e, req) : parsed.errors;
      if (!errors) throw e;
      const data = await loadItemPage(req, id);
      return reply.page(<ItemPage ctx={req.pageCtx()} {...data} errors={errors} />, asHttpError(e)?.status ?? 400);
    }
  });
}
