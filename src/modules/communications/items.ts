import type { Tx } from "../../db/scope";
import type { Role } from "../../domain/auth/roles";
import { articleBodyFromInput, htmlToText, MEDIA_PREFIX } from "../../domain/communications/sanitize";
import type { ItemActionInput, ItemInput } from "../../domain/communications/schemas";
import { slugify } from "../../domain/communications/slug";
import { type Actor, actorsOf, canEdit, type ItemStatus, nextStatus } from "../../domain/communications/workflow";
import { DomainError } from "../../domain/errors";
import { appendAudit } from "../audit/audit";
import { saveAttachment, saveImage, type Upload } from "./media";

export type Acting = { userId: number; username: string; role: Role; agencyId: number };

export type Column = { id: number; agency_id: number; slug: string; name: string; description: string | null; shows_announcements: boolean; sort_order: number };

export type Item = {
  id: number;
  agency_id: number;
  column_id: number;
  column_slug: string;
  column_name: string;
  kind: "news" | "article";
  status: ItemStatus;
  title: string;
  slug: string;
  summary: string | null;
  body: string;
  tags: string[];
  cover_file_id: number | null;
  author_id: number | null;
  author_name: string | null;
  approver_id: number | null;
  approver_name: string | null;
  publish_at: Date | null;
  published_at: Date | null;
  review_note: string | null;
  created_at: Date;
  updated_at: Date;
};

export type Attachment = { id: number; name: string; mime: string; size: number };

/** The columns every commune starts with (the report's "xây dựng chuyên mục"). */
export const DEFAULT_COLUMNS = [
  { slug: "cai-cach-hanh-chinh", name: "Cải cách hành chính", description: "Tin, bài về công tác cải cách hành chính của xã.", shows: false },
  { slug: "thu-tuc-hanh-chinh-moi", name: "Thủ tục hành chính mới", description: "Thủ tục hành chính mới ban hành, sửa đổi, bổ sung hoặc bãi bỏ.", shows: true },
  { slug: "chuyen-doi-so", name: "Chuyển đổi số", description: "Dịch vụ công trực tuyến, chuyển đổi số ở cơ sở.", shows: false },
  { slug: "tin-hoat-dong", name: "Tin hoạt động", description: "Hoạt động của Ủy ban nhân dân xã.", shows: false },
] as const;

export async function ensureDefaultColumns(tx: Tx, agencyId: number): Promise<void> {
  for (const [i, c] of DEFAULT_COLUMNS.entries()) {
    await tx.exec(
      `insert into comm_columns (agency_id, slug, name, description, shows_announcements, sort_order) values ($1, $2, $3, $4, $5, $6)
       on conflict (agency_id, slug) do nothing`,
      [agencyId, c.slug, c.name, c.description, c.shows, (i + 1) * 10],
    );
  }
}

export async function listColumns(tx: Tx, agencyId: number): Promise<Column[]> {
  return tx.query<Column>("select * from comm_columns where agency_id = $1 order by sort_order, name", [agencyId]);
}

export async function findColumnBySlug(tx: Tx, agencyId: number, slug: string): Promise<Column | undefined> {
  return tx.maybeOne<Column>("select * from comm_columns where agency_id = $1 and slug = $2", [agencyId, slug]);
}

const ITEM_SELECT = `select i.*, c.slug as column_slug, c.name as column_name, a.full_name as author_name, p.full_name as approver_name
  from comm_items i join comm_columns c on c.id = i.column_id
  left join users a on a.id = i.author_id left join users p on p.id = i.approver_id`;

export async function findItem(tx: Tx, id: number): Promise<Item | undefined> {
  return tx.maybeOne<Item>(`${ITEM_SELECT} where i.id = $1`, [id]);
}

export async function getItem(tx: Tx, id: number): Promise<Item> {
  return tx.one<Item>(`${ITEM_SELECT} where i.id = $1`, [id]);
}

export async function listAttachments(tx: Tx, itemId: number): Promise<Attachment[]> {
  return tx.query<Attachment>(
    "select f.id, f.name, f.mime, f.size from comm_item_files x join comm_files f on f.id = x.file_id where x.item_id = $1 and f.kind = 'attachment' order by f.id",
    [itemId],
  );
}

export async function listStaffItems(tx: Tx, o: { agencyId: number; status?: ItemStatus; limit?: number }): Promise<Item[]> {
  return tx.query<Item>(
    `${ITEM_SELECT} where i.agency_id = $1 and ($2::text is null or i.status = $2) order by i.updated_at desc limit $3`,
    [o.agencyId, o.status ?? null, o.limit ?? 200],
  );
}

export type PublishedPage = { items: Item[]; total: number; page: number; pageSize: number };

/** Published items of an agency, newest first; a column when given. Readable by anyone (RLS select policy). */
export async function listPublished(tx: Tx, o: { agencyId: number; columnId?: number; page?: number; pageSize?: number }): Promise<PublishedPage> {
  const pageSize = o.pageSize ?? 10;
  const page = Math.max(1, o.page ?? 1);
  const where = "i.agency_id = $1 and i.status = 'published' and ($2::int is null or i.column_id = $2)";
  const items = await tx.query<Item>(`${ITEM_SELECT} where ${where} order by i.published_at desc, i.id desc limit $3 offset $4`, [
    o.agencyId,
    o.columnId ?? null,
    pageSize,
    (page - 1) * pageSize,
  ]);
  const total = await tx.one<{ n: number }>(`select count(*)::int as n from comm_items i where ${where}`, [o.agencyId, o.columnId ?? null]);
  return { items, total: total.n, page, pageSize };
}

function summaryOf(input: ItemInput, cleanBody: string): string | null {
  if (input.summary) return input.summary;
  const text = htmlToText(cleanBody).replace(/\n/g, " ");
  if (!text) return null;
  return text.length > 280 ? `${text.slice(0, 277).replace(/\s+\S*$/, "")}…` : text;
}

function requireActor(acting: Acting, actor: Actor): void {
  if (!actorsOf(acting.role).includes(actor)) throw new DomainError("forbidden", "error.403.body");
}

async function checkColumn(tx: Tx, agencyId: number, columnId: number): Promise<void> {
  const c = await tx.maybeOne("select 1 from comm_columns where id = $1 and agency_id = $2", [columnId, agencyId]);
  if (!c) throw new DomainError("invalid", "communications.err.column");
}

/** cover: the item's picture; images: pictures appended to the text (the writer moves the tags); attachments: documents. */
export type ItemFiles = { cover?: Upload | undefined; images?: Upload[] | undefined; attachments?: Upload[] | undefined };

async function attachFiles(tx: Tx, acting: Acting, itemId: number, files: ItemFiles): Promise<void> {
  if (files.cover) {
    const id = await saveImage(tx, { agencyId: acting.agencyId, userId: acting.userId, upload: files.cover });
    await tx.exec("update comm_items set cover_file_id = $2 where id = $1", [itemId, id]);
  }
  const tags: string[] = [];
  for (const img of files.images ?? []) {
    const id = await saveImage(tx, { agencyId: acting.agencyId, userId: acting.userId, upload: img });
    // Linked like an attachment so that the public policy lets visitors load it once published.
    await tx.exec("insert into comm_item_files (item_id, file_id, agency_id) values ($1, $2, $3)", [itemId, id, acting.agencyId]);
    tags.push(`<p><img src="${MEDIA_PREFIX}${id}" alt="" /></p>`);
  }
  if (tags.length) await tx.exec("update comm_items set body = body || $2 where id = $1", [itemId, tags.join("")]);
  for (const a of files.attachments ?? []) {
    const id = await saveAttachment(tx, { agencyId: acting.agencyId, userId: acting.userId, upload: a });
    await tx.exec("insert into comm_item_files (item_id, file_id, agency_id) values ($1, $2, $3)", [itemId, id, acting.agencyId]);
  }
}

/** A new draft. The body is sanitised whatever was posted; returns whether it had to be cleaned. */
export async function createItem(tx: Tx, o: { acting: Acting; input: ItemInput; files?: ItemFiles }): Promise<{ id: number; cleaned: boolean }> {
  requireActor(o.acting, "writer");
  await checkColumn(tx, o.acting.agencyId, o.input.columnId);
  const { html: body, cleaned } = articleBodyFromInput(o.input.body);
  const r = await tx.one<{ id: number }>(
    `insert into comm_items (agency_id, column_id, kind, title, slug, summary, body, tags, author_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
    [o.acting.agencyId, o.input.columnId, o.input.kind, o.input.title, slugify(o.input.title), summaryOf(o.input, body), body, o.input.tags, o.acting.userId],
  );
  await attachFiles(tx, o.acting, r.id, o.files ?? {});
  await appendAudit(tx, {
    agencyId: o.acting.agencyId,
    actorUserId: o.acting.userId,
    actor: o.acting.username,
    action: "communications.item.create",
    entity: "comm_item",
    entityId: r.id,
    data: { title: o.input.title, columnId: o.input.columnId },
  });
  return { id: r.id, cleaned };
}

export async function updateItem(tx: Tx, o: { acting: Acting; id: number; input: ItemInput; files?: ItemFiles }): Promise<{ cleaned: boolean }> {
  const item = await getItem(tx, o.id);
  if (!canEdit(item.status, actorsOf(o.acting.role))) throw new DomainError("conflict", "communications.err.notEditable");
  await checkColumn(tx, item.agency_id, o.input.columnId);
  const { html: body, cleaned } = articleBodyFromInput(o.input.body);
  await tx.exec(
    `update comm_items set column_id = $2, kind = $3, title = $4, slug = $5, summary = $6, body = $7, tags = $8, updated_at = now() where id = $1`,
    [o.id, o.input.columnId, o.input.kind, o.input.title, slugify(o.input.title), summaryOf(o.input, body), body, o.input.tags],
  );
  await attachFiles(tx, { ...o.acting, agencyId: item.agency_id }, o.id, o.files ?? {});
  await appendAudit(tx, {
    agencyId: item.agency_id,
    actorUserId: o.acting.userId,
    actor: o.acting.username,
    action: "communications.item.edit",
    entity: "comm_item",
    entityId: o.id,
    data: { title: o.input.title },
  });
  return { cleaned };
}

/** Takes a workflow action; the domain table decides whether it is allowed. */
export async function actOnItem(tx: Tx, o: { acting: Acting; id: number; input: ItemActionInput; now?: Date }): Promise<ItemStatus> {
  const now = o.now ?? new Date();
  const item = await tx.maybeOne<{ id: number; agency_id: number; status: ItemStatus; title: string; body: string }>(
    "select id, agency_id, status, title, body from comm_items where id = $1 for update",
    [o.id],
  );
  if (!item) throw new DomainError("not_found", "error.404.body");
  const to = nextStatus(item.status, o.input.action, actorsOf(o.acting.role));
  if (!to) {
    const anyone = nextStatus(item.status, o.input.action, ["writer", "approver", "system"]);
    throw anyone ? new DomainError("forbidden", "communications.err.notYourAction") : new DomainError("conflict", "communications.err.badTransition", { vars: { status: item.status } });
  }
  if ((to === "submitted" && o.input.action === "submit") || to === "published" || to === "scheduled") {
    if (!item.title.trim() || !htmlToText(item.body).trim()) throw new DomainError("invalid", "communications.err.emptyBody");
  }
  if (o.input.action === "send_back" && !o.input.note) throw new DomainError("invalid", "communications.err.noteRequired");
  if (o.input.action === "schedule") {
    if (!o.input.publishAt) throw new DomainError("invalid", "communications.err.publishAtRequired");
    if (o.input.publishAt.getTime() <= now.getTime()) throw new DomainError("invalid", "communications.err.publishAtPast");
  }
  const sets: string[] = ["status = $2", "updated_at = now()"];
  const vals: unknown[] = [o.id, to];
  const add = (sql: string, v: unknown) => {
    vals.push(v);
    sets.push(`${sql} = $${vals.length}`);
  };
  switch (o.input.action) {
    case "publish":
      add("published_at", now);
      add("approver_id", o.acting.userId);
      add("publish_at", null);
      break;
    case "schedule":
      add("publish_at", o.input.publishAt);
      add("approver_id", o.acting.userId);
      break;
    case "unschedule":
      add("publish_at", null);
      break;
    case "send_back":
      add("review_note", o.input.note);
      break;
    case "submit":
      add("review_note", null);
      break;
  }
  await tx.exec(`update comm_items set ${sets.join(", ")} where id = $1`, vals);
  await appendAudit(tx, {
    agencyId: item.agency_id,
    actorUserId: o.acting.userId,
    actor: o.acting.username,
    action: `communications.item.${o.input.action}`,
    entity: "comm_item",
    entityId: o.id,
    data: { from: item.status, to, ...(o.input.note ? { note: o.input.note } : {}), ...(o.input.publishAt ? { publishAt: o.input.publishAt.toISOString() } : {}) },
  });
  return to;
}

/** Publishes scheduled items whose time has come (system transaction, run by the job every minute). */
export async function publishDue(tx: Tx, now: Date = new Date()): Promise<number> {
  const due = await tx.query<{ id: number; agency_id: number; publish_at: Date }>(
    "select id, agency_id, publish_at from comm_items where status = 'scheduled' and publish_at <= $1 order by publish_at for update skip locked",
    [now],
  );
  for (const d of due) {
    const to = nextStatus("scheduled", "publish_due", ["system"]);
    await tx.exec("update comm_items set status = $2, published_at = publish_at, publish_at = null, updated_at = now() where id = $1", [d.id, to]);
    await appendAudit(tx, { agencyId: d.agency_id, actor: "system", action: "communications.item.publish_due", entity: "comm_item", entityId: d.id, data: { publishAt: d.publish_at.toISOString() } });
  }
  return due.length;
}
