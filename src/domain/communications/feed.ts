/** RSS 2.0 for a column: pure string building, every text node and attribute escaped. */
export type FeedItem = { title: string; link: string; guid: string; summary: string; publishedAt: Date; category?: string };
export type Feed = { title: string; link: string; selfLink: string; description: string; language: string; items: FeedItem[] };

// XML 1.0 forbids most control characters even when escaped; drop them.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(s: string): string {
  return s
    .replace(INVALID_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export function isAbsoluteUrl(u: string): boolean {
  return /^https?:\/\/[^\s/]+/.test(u);
}

export function buildRss(feed: Feed): string {
  for (const u of [feed.link, feed.selfLink, ...feed.items.map((i) => i.link)]) {
    if (!isAbsoluteUrl(u)) throw new Error(`feed links must be absolute: ${u}`);
  }
  const e = escapeXml;
  const last = feed.items.reduce<Date | undefined>((m, i) => (!m || i.publishedAt > m ? i.publishedAt : m), undefined);
  const items = feed.items
    .map(
      (i) =>
        `<item><title>${e(i.title)}</title><link>${e(i.link)}</link><guid isPermaLink="false">${e(i.guid)}</guid>` +
        `<pubDate>${i.publishedAt.toUTCString()}</pubDate>${i.category ? `<category>${e(i.category)}</category>` : ""}` +
        `<description>${e(i.summary)}</description></item>`,
    )
    .join("\n");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>\n` +
    `<title>${e(feed.title)}</title><link>${e(feed.link)}</link><description>${e(feed.description)}</description>` +
    `<language>${e(feed.language)}</language>` +
    `<atom:link href="${e(feed.selfLink)}" rel="self" type="application/rss+xml"/>` +
    (last ? `<lastBuildDate>${last.toUTCString()}</lastBuildDate>` : "") +
    `\n${items}\n</channel></rss>\n`
  );
}
