import { nameForType } from "../../domain/files/names";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { addDays } from "../../domain/communications/radio";
import { buildRss } from "../../domain/communications/feed";
import type { Tx } from "../../db/scope";
import type { PageCtx } from "../../web/context";
import { HttpError } from "../../web/http";
import { formatDate, formatDateTime } from "../../web/i18n";
import { registerHomeSection } from "../../web/registry";
import { type AlternateLink, Layout } from "../../web/views/layout";
import { type Agency, findAgencyByCode } from "../agencies/agencies";
import { type Announcement, listAnnouncements } from "../catalog/service";
import { siteAgency } from "../../web/core-routes";
import { type Column, findColumnBySlug, type Item, listAttachments, listColumns, listPublished } from "./items";
import { findFile } from "./media";
import { listSlots } from "./radio";
import { ProgrammeTable, weekOf } from "./staff-radio";
import { Pager } from "./views";

const base = (code: string) => `/c/${encodeURIComponent(code)}`;
export const itemPath = (code: string, i: { id: number; slug: string; column_slug: string }) => `${base(code)}/news/${i.column_slug}/${i.id}-${i.slug}`;

function ItemCard({ code, item, ctx }: { code: string; item: Item; ctx: PageCtx }) {
  return (
    <li class="comm-card">
      {item.cover_file_id ? <img src={`/media/communications/${item.cover_file_id}/thumb`} alt="" loading="lazy" width={160} /> : null}
      <div>
        <a href={itemPath(code, item)}>
          <strong>{item.title}</strong>
        </a>
        <div class="muted">
          {formatDate(item.published_at)} · {item.column_name}
        </div>
        {item.summary ? <p>{item.summary}</p> : null}
        <span class="sr-only">{ctx.t("communications.readMore")}</span>
      </div>
    </li>
  );
}

function AnnouncementList({ ctx, rows }: { ctx: PageCtx; rows: Announcement[] }) {
  const t = ctx.t;
  return (
    <ul class="comm-list">
      {rows.map((a) => (
        <li key={a.id}>
          <span class={`tag ${a.kind === "abolished" ? "bad" : a.kind === "new" ? "ok" : "warn"}`}>{t(`communications.announcement.${a.kind}`)}</span>{" "}
          <a href={a.url}>{a.title || a.procedureName}</a> <span class="muted">({a.procedureCode}, {formatDate(a.publishedAt)})</span>
          {a.summary ? <div>{a.summary}</div> : null}
        </li>
      ))}
    </ul>
  );
}

/** The commune's news feed: every published item, all columns. */
export const newsFeedPath = (code: string) => `${base(code)}/news/feed.xml`;

function newsFeedLink(ctx: { t: (k: string) => string }, agency: { code: string; name: string }): AlternateLink {
  return { href: newsFeedPath(agency.code), type: "application/rss+xml", title: `${ctx.t("nav.news")} – ${agency.name}` };
}

registerHomeSection({
  order: 20,
  alternates: ({ req, agency }) => [newsFeedLink(req, agency)],
  render: async ({ req, tx, agency }) => {
    const page = await listPublished(tx, { agencyId: agency.id, pageSize: 5 });
    if (!page.items.length) return null;
    const ctx = req.pageCtx();
    return (
      <section aria-labelledby="home-news-h">
        <h2 id="home-news-h">{ctx.t("communications.latest")}</h2>
        <ul class="comm-list">
          {page.items.map((i) => (
            <ItemCard key={i.id} code={agency.code} item={i} ctx={ctx} />
          ))}
        </ul>
        <p>
          <a href={`${base(agency.code)}/news`}>{ctx.t("communications.allNews")}</a>
        </p>
      </section>
    );
  },
});

registerHomeSection({
  order: 25,
  render: async ({ req, tx, agency }) => {
    const rows = await listAnnouncements(tx, { agencyId: agency.id, limit: 5 });
    if (!rows.length) return null;
    const ctx = req.pageCtx();
    const col = await tx.maybeOne<{ slug: string }>("select slug from comm_columns where agency_id = $1 and shows_announcements order by sort_order limit 1", [agency.id]);
    return (
      <section aria-labelledby="home-proc-h">
        <h2 id="home-proc-h">{ctx.t("communications.newProcedures")}</h2>
        <AnnouncementList ctx={ctx} rows={rows} />
        {col ? (
          <p>
            <a href={`${base(agency.code)}/news/${col.slug}`}>{ctx.t("communications.newProcedures")}</a>
          </p>
        ) : null}
      </section>
    );
  },
});

async function agencyOr404(tx: Tx, code: string): Promise<Agency> {
  const a = await findAgencyByCode(tx, code);
  if (!a) throw new HttpError(404, "error.404.body");
  return a;
}

function siteOf(a: Agency): PageCtx["site"] {
  return { code: a.code, name: a.name, unitName: a.unit_name };
}

function pageNo(req: FastifyRequest): number {
  const n = Number((req.query as Record<string, string>).page ?? 1);
  return Number.isSafeInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}

export function absoluteBase(app: FastifyInstance, req: FastifyRequest): string {
  return (app.deps.config.baseUrl ?? `${req.protocol}://${req.host}`).replace(/\/$/, "");
}

function ColumnNav({ ctx, code, columns, current }: { ctx: PageCtx; code: string; columns: Column[]; current?: string }) {
  return (
    <nav aria-label={ctx.t("communications.columns")} class="comm-subnav">
      <a href={`${base(code)}/news`} aria-current={current === undefined ? "page" : undefined}>
        {ctx.t("communications.allNews")}
      </a>
      {columns.map((c) => (
        <a key={c.id} href={`${base(code)}/news/${c.slug}`} aria-current={current === c.slug ? "page" : undefined}>
          {c.name}
        </a>
      ))}
    </nav>
  );
}

export function toWebVtt(text: string, seconds: number): string {
  const ts = (x: number) => {
    const ms = Math.max(0, Math.round(x * 1000));
    const h = Math.floor(ms / 3_600_000);
    const m = Math.floor((ms % 3_600_000) / 60_000);
    const s = (ms % 60_000) / 1000;
    return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${s.toFixed(3).padStart(6, "0")}`;
  };
  // "-->" inside a cue would end it; blank lines would split it.
  const body = text.replace(/-->/g, "→").replace(/\n\s*\n/g, "\n").trim();
  return `WEBVTT\n\n00:00:00.000 --> ${ts(seconds)}\n${body}\n`;
}

export async function publicRoutes(app: FastifyInstance): Promise<void> {
  const toSite = (suffix: string) => async (_req: FastifyRequest, reply: FastifyReply) => {
    const a = await siteAgency(app);
    if (!a) throw new HttpError(404, "error.404.body");
    return reply.code(302).redirect(`${base(a.code)}${suffix}`);
  };
  app.get("/news", toSite("/news"));
  app.get("/radio", toSite("/radio"));

  app.get("/c/:code/news", async (req, reply) => {
    const { code } = req.params as { code: string };
    const page = pageNo(req);
    const data = await req.tx(async (tx) => {
      const agency = await agencyOr404(tx, code);
      return { agency, columns: await listColumns(tx, agency.id), page: await listPublished(tx, { agencyId: agency.id, page }) };
    });
    const ctx = { ...req.pageCtx(), site: siteOf(data.agency) };
    const t = ctx.t;
    const feed = newsFeedLink(ctx, data.agency);
    return reply.header("link", `<${feed.href}>; rel="alternate"; type="${feed.type}"`).page(
      <Layout ctx={ctx} title={t("nav.news")} alternates={[feed]}>
        <h1>{t("nav.news")}</h1>
        <ColumnNav ctx={ctx} code={data.agency.code} columns={data.columns} />
        <ul class="comm-list">
          {data.page.items.map((i) => (
            <ItemCard key={i.id} code={data.agency.code} item={i} ctx={ctx} />
          ))}
        </ul>
        {data.page.items.length === 0 ? <p>{t("common.none")}</p> : null}
        <Pager ctx={ctx} base={`${base(data.agency.code)}/news`} page={data.page.page} pageSize={data.page.pageSize} total={data.page.total} />
        <p>
          <a href={feed.href} type={feed.type}>
            {t("communications.feed")}
          </a>
        </p>
      </Layout>,
    );
  });

  app.get("/c/:code/news/:column", async (req, reply) => {
    const { code, column } = req.params as { code: string; column: string };
    const page = pageNo(req);
    const data = await req.tx(async (tx) => {
      const agency = await agencyOr404(tx, code);
      const col = await findColumnBySlug(tx, agency.id, column);
      if (!col) throw new HttpError(404, "error.404.body");
      const announcements = col.shows_announcements && page === 1 ? await listAnnouncements(tx, { agencyId: agency.id, limit: 20 }) : [];
      return { agency, col, columns: await listColumns(tx, agency.id), announcements, page: await listPublished(tx, { agencyId: agency.id, columnId: col.id, page }) };
    });
    const ctx = { ...req.pageCtx(), site: siteOf(data.agency) };
    const code2 = data.agency.code;
    return reply
      .header("link", `<${base(code2)}/news/${data.col.slug}/feed.xml>; rel="alternate"; type="application/rss+xml"`)
      .page(
        <Layout
          ctx={ctx}
          title={data.col.name}
          alternates={[{ href: `${base(code2)}/news/${data.col.slug}/feed.xml`, type: "application/rss+xml", title: `${data.col.name} – ${data.agency.name}` }]}
        >
          <h1>{data.col.name}</h1>
          {data.col.description ? <p class="lead">{data.col.description}</p> : null}
          <ColumnNav ctx={ctx} code={code2} columns={data.columns} current={data.col.slug} />
          {data.announcements.length ? <AnnouncementList ctx={ctx} rows={data.announcements} /> : null}
          <ul class="comm-list">
            {data.page.items.map((i) => (
              <ItemCard key={i.id} code={code2} item={i} ctx={ctx} />
            ))}
          </ul>
          {data.page.items.length === 0 && data.announcements.length === 0 ? <p>{ctx.t("common.none")}</p> : null}
          <Pager ctx={ctx} base={`${base(code2)}/news/${data.col.slug}`} page={data.page.page} pageSize={data.page.pageSize} total={data.page.total} />
          <p>
            <a href={`${base(code2)}/news/${data.col.slug}/feed.xml`} type="application/rss+xml">
              {ctx.t("communications.feed")}
            </a>
          </p>
        </Layout>,
      );
  });

  const itemEntry = (abs: string, code: string, i: Item) => ({
    title: i.title,
    link: `${abs}${itemPath(code, i)}`,
    guid: `${abs}${itemPath(code, i)}`,
    summary: i.summary ?? "",
    publishedAt: new Date(i.published_at!),
    category: i.column_name,
  });
  const sendFeed = (reply: FastifyReply, xml: string) => reply.type("application/rss+xml; charset=utf-8").header("cache-control", "public, max-age=300").send(xml);

  // Static segment: preferred by the router over a column named "feed.xml" (slugs have no dot).
  app.get("/c/:code/news/feed.xml", async (req, reply) => {
    const { code } = req.params as { code: string };
    const data = await req.tx(async (tx) => {
      const agency = await agencyOr404(tx, code);
      return { agency, page: await listPublished(tx, { agencyId: agency.id, pageSize: 30 }) };
    });
    const abs = absoluteBase(app, req);
    return sendFeed(
      reply,
      buildRss({
        title: `${req.t("nav.news")} – ${data.agency.name}`,
        link: `${abs}${base(data.agency.code)}/news`,
        selfLink: `${abs}${newsFeedPath(data.agency.code)}`,
        description: req.t("communications.feedAll", { name: data.agency.name }),
        language: "vi",
        items: data.page.items.map((i) => itemEntry(abs, data.agency.code, i)),
      }),
    );
  });

  app.get("/c/:code/news/:column/feed.xml", async (req, reply) => {
    const { code, column } = req.params as { code: string; column: string };
    const data = await req.tx(async (tx) => {
      const agency = await agencyOr404(tx, code);
      const col = await findColumnBySlug(tx, agency.id, column);
      if (!col) throw new HttpError(404, "error.404.body");
      const announcements = col.shows_announcements ? await listAnnouncements(tx, { agencyId: agency.id, limit: 20 }) : [];
      return { agency, col, announcements, page: await listPublished(tx, { agencyId: agency.id, columnId: col.id, pageSize: 30 }) };
    });
    const abs = absoluteBase(app, req);
    const items = [
      ...data.page.items.map((i) => itemEntry(abs, data.agency.code, i)),
      ...data.announcements.map((a) => ({
        title: a.title || a.procedureName,
        link: `${abs}${a.url}`,
        guid: `announcement-${a.id}`,
        summary: a.summary,
        publishedAt: new Date(a.publishedAt),
        category: req.t(`communications.announcement.${a.kind}`),
      })),
    ].sort((x, y) => y.publishedAt.getTime() - x.publishedAt.getTime());
    const xml = buildRss({
      title: `${data.col.name} – ${data.agency.name}`,
      link: `${abs}${base(data.agency.code)}/news/${data.col.slug}`,
      selfLink: `${abs}${base(data.agency.code)}/news/${data.col.slug}/feed.xml`,
      description: data.col.description ?? data.col.name,
      language: "vi",
      items,
    });
    return sendFeed(reply, xml);
  });

  app.get("/c/:code/news/:column/:ref", async (req, reply) => {
    const { code, ref } = req.params as { code: string; column: string; ref: string };
    const id = Number(/^(\d{1,10})(-|$)/.exec(ref)?.[1]);
    if (!Number.isSafeInteger(id)) throw new HttpError(404, "error.404.body");
    const data = await req.tx(async (tx) => {
      const agency = await agencyOr404(tx, code);
      // Only published items of this agency: the public select policy shows nothing else to visitors.
      const item = await tx.maybeOne<Item>(
        `select i.*, c.slug as column_slug, c.name as column_name from comm_items i join comm_columns c on c.id = i.column_id
         where i.id = $1 and i.agency_id = $2 and i.status = 'published'`,
        [id, agency.id],
      );
      if (!item) throw new HttpError(404, "error.404.body");
      return { agency, item, attachments: await listAttachments(tx, id) };
    });
    const canonical = itemPath(data.agency.code, data.item);
    if (req.url.split("?")[0] !== canonical) return reply.code(301).redirect(canonical);
    const ctx = { ...req.pageCtx(), site: siteOf(data.agency) };
    const t = ctx.t;
    const i = data.item;
    return reply.page(
      <Layout ctx={ctx} title={i.title}>
        <article class="comm-article">
          <p class="muted">
            <a href={`${base(data.agency.code)}/news/${i.column_slug}`}>{i.column_name}</a> · {formatDateTime(i.published_at)}
          </p>
          <h1>{i.title}</h1>
          {i.summary ? <p class="lead">{i.summary}</p> : null}
          {i.cover_file_id ? <img class="comm-cover" src={`/media/communications/${i.cover_file_id}`} alt="" /> : null}
          <div dangerouslySetInnerHTML={{ __html: i.body }} />
          {data.attachments.length ? (
            <section aria-labelledby="att-h">
              <h2 id="att-h">{t("communications.attachments")}</h2>
              <ul>
                {data.attachments.map((a) => (
                  <li key={a.id}>
                    <a href={`/media/communications/${a.id}`}>{a.name}</a>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {i.tags.length ? (
            <p>
              {t("communications.tags")}:{" "}
              {i.tags.map((tag) => (
                <span key={tag} class="tag">
                  {tag}
                </span>
              ))}
            </p>
          ) : null}
        </article>
      </Layout>,
    );
  });

  const programme = (print: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    const { code } = req.params as { code: string };
    const week = weekOf(req.query);
    const data = await req.tx(async (tx) => {
      const agency = await agencyOr404(tx, code);
      return { agency, slots: await listSlots(tx, { agencyId: agency.id, from: week, to: addDays(week, 6) }) };
    });
    const ctx = { ...req.pageCtx(), site: siteOf(data.agency) };
    const t = ctx.t;
    const b = base(data.agency.code);
    return reply.page(
      <Layout ctx={ctx} title={t("communications.radio.programme")}>
        <h1>
          {t("communications.radio.programme")} – {data.agency.unit_name}
        </h1>
        <p class="lead">{t("communications.radio.week", { from: formatDate(week), to: formatDate(addDays(week, 6)) })}</p>
        {print ? null : (
          <p class="no-print">
            <a href={`${b}/radio?week=${addDays(week, -7)}`}>{t("communications.radio.prevWeek")}</a> · <a href={`${b}/radio?week=${addDays(week, 7)}`}>{t("communications.radio.nextWeek")}</a> ·{" "}
            <a href={`${b}/radio/print?week=${week}`}>{t("communications.radio.print")}</a>
          </p>
        )}
        <ProgrammeTable ctx={ctx} slots={data.slots} audioBase="/media/communications/" />
      </Layout>,
    );
  };
  app.get("/c/:code/radio", programme(false));
  app.get("/c/:code/radio/print", programme(true));

  const media = async (req: FastifyRequest, reply: FastifyReply) => {
    const { id, variant } = req.params as { id: string; variant?: string };
    const n = Number(id);
    if (!Number.isSafeInteger(n) || n <= 0 || (variant !== undefined && !["large", "thumb", "captions"].includes(variant))) throw new HttpError(404, "error.404.body");
    if (variant === "captions") {
      // WebVTT captions of a spoken bulletin: its text as one cue over the whole recording.
      const b = await req.tx((tx) =>
        tx.maybeOne<{ text: string; seconds: number }>(
          "select b.text, f.duration_seconds::float8 as seconds from radio_bulletins b join comm_files f on f.id = b.audio_file_id where b.audio_file_id = $1",
          [n],
        ),
      );
      if (!b) throw new HttpError(404, "error.404.body");
      return reply.type("text/vtt; charset=utf-8").send(toWebVtt(b.text, b.seconds));
    }
    // Scoped: visitors see only files of published items and the programme; staff their agency's.
    const f = await req.tx((tx) => findFile(tx, n, variant === "thumb" ? "thumb" : "large"));
    if (!f) throw new HttpError(404, "error.404.body");
    const disposition = f.kind === "attachment" ? "attachment" : "inline";
    return reply
      .type(f.mime)
      .header("content-disposition", `${disposition}; filename*=UTF-8''${encodeURIComponent(nameForType(f.name, f.mime))}`)
      .header("cache-control", req.user ? "private, max-age=60" : "public, max-age=3600")
      .header("x-content-type-options", "nosniff")
      .send(f.data);
  };
  app.get("/media/communications/:id", media);
  app.get("/media/communications/:id/:variant", media);
}
