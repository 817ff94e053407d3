import sanitizeHtml from "sanitize-html";

/** Where our own uploaded images are served; the only image sources an article may use. */
export const MEDIA_PREFIX = "/media/communications/";
const OWN_IMAGE = /^\/media\/communications\/\d{1,12}(\/(large|thumb))?$/;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "ul", "ol", "li", "a", "img", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "caption"],
  allowedAttributes: {
    a: ["href", "title"],
    img: ["src", "alt", "width", "height"],
    th: ["colspan", "rowspan", "scope"],
    td: ["colspan", "rowspan"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: [] },
  allowedSchemesAppliedToAttributes: ["href", "src"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // Content of these is dropped with the tag, not kept as text.
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "iframe", "object", "embed", "svg", "math", "template", "title"],
  parseStyleAttributes: false,
  transformTags: {
    b: "strong",
    i: "em",
    a: (tagName, attribs) => {
      const href = (attribs.href ?? "").trim();
      const out: Record<string, string> = {};
      if (href) out.href = href;
      if (attribs.title) out.title = attribs.title;
      if (/^https?:/i.test(href)) {
        out.rel = "noopener noreferrer";
      }
      return { tagName, attribs: out };
    },
  },
  allowedClasses: {},
  exclusiveFilter: (frame) => frame.tag === "img" && !OWN_IMAGE.test(frame.attribs.src ?? ""),
};
// rel is added by transformTags, so it must be allowed too.
(OPTIONS.allowedAttributes as Record<string, string[]>).a!.push("rel");

/**
 * Cleans article HTML to the safe subset (paragraphs, headings h2–h4, emphasis, lists, links to
 * http/https/mailto, our own uploaded images, quotes, simple tables). Whatever a client posts,
 * what is stored and shown is this.
 */
export function sanitizeArticleHtml(html: string): string {
  return sanitizeHtml(html.normalize("NFC"), OPTIONS).trim();
}

/** Plain text of article HTML (for summaries, feeds, radio bulletins). */
export function htmlToText(html: string): string {
  const withBreaks = html.replace(/<\/(p|h[2-4]|li|blockquote|tr)>/gi, "$&\n").replace(/<br\s*\/?>/gi, "\n");
  const text = sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {}, nonTextTags: ["script", "style", "textarea"] });
  return decodeEntities(text)
    .split("\n")
    .map((l) => l.replace(/[ \t\u00a0]+/g, " ").trim())
    .filter(Boolean)
    .join("\n");
}

function decodeEntities(s: string): string {
  return s
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, "&");
}

/** True when sanitising changed nothing that matters (used to tell the writer their text was cleaned). */
export function wasCleaned(original: string, cleaned: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, "").replace(/<br\/?>/g, "<br>");
  return norm(original.normalize("NFC")) !== norm(cleaned);
}
