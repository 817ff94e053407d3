import sanitizeHtml from "sanitize-html";

/** Where our own uploaded images are served; the only image sources an article may use. */
export const MEDIA_PREFIX = "/media/communications/";
const OWN_IMAGE = /^\/media\/communications\/\d{1,12}(\/(large|thumb))?$/;

/** A style declaration, not one of Word's "mso-…" look-alikes ("mso-bidi-font-weight:normal"). */
function styleSays(style: string | undefined, property: string, value: RegExp): boolean {
  const m = new RegExp(`(?:^|;)\\s*${property}\\s*:\\s*([^;]+)`, "i").exec(style ?? "");
  return m ? value.test(m[1]!.trim()) : false;
}
/** Whether sanitize-html keeps this href (same rules: http, https, mailto or relative; no "//host"). */
function linkKept(href: string): boolean {
  const h = href.replace(/[\u0000-\u0020]+/g, "");
  if (!h || h.startsWith("//")) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(h)?.[1]?.toLowerCase();
  return scheme === undefined || scheme === "http" || scheme === "https" || scheme === "mailto";
}
const NOT_BOLD = /^(normal|lighter|[1-4]00)$/i;
const BOLD = /^(bold|bolder|[6-9]00)$/i;

const ARTICLE_TAGS = ["p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "ul", "ol", "li", "a", "img", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "caption"];
/**
 * A tag that goes while its text stays. Only the first pass allows it, so the second discards it:
 * a rename to a tag the same pass does not allow would be mishandled by sanitize-html (it forgets
 * the rename when the tag closes, and the next sibling's closing tag comes out wrong).
 */
const UNWRAP = "mc-unwrap";

const BASE: sanitizeHtml.IOptions = {
  allowedTags: ARTICLE_TAGS,
  allowedAttributes: {
    a: ["href", "title", "rel"],
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
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "iframe", "object", "embed", "svg", "math", "template", "title", "xml", "head"],
  parseStyleAttributes: false,
  allowedClasses: {},
};

const ownImagesOnly = (frame: sanitizeHtml.IFrame) => frame.tag === "img" && !OWN_IMAGE.test(frame.attribs.src ?? "");

/** Pass 1: what the markup means — headings, bold and italic however written, links worth keeping, no empty blocks. */
const MEANING: sanitizeHtml.IOptions = {
  ...BASE,
  allowedTags: [...ARTICLE_TAGS, UNWRAP],
  transformTags: {
    // The page's own h1 is the article's title: a pasted h1 is a section heading; h5, h6 the smallest.
    h1: "h2",
    h5: "h4",
    h6: "h4",
    // Google Docs wraps a whole paste in <b style="font-weight:normal">: not bold at all.
    b: (_tagName, attribs) => ({ tagName: styleSays(attribs.style, "font-weight", NOT_BOLD) ? UNWRAP : "strong", attribs: {} }),
    strong: (tagName, attribs) => ({ tagName: styleSays(attribs.style, "font-weight", NOT_BOLD) ? UNWRAP : tagName, attribs: {} }),
    i: (_tagName, attribs) => ({ tagName: styleSays(attribs.style, "font-style", /^normal$/i) ? UNWRAP : "em", attribs: {} }),
    // Bold and italic written as styles (Google Docs, LibreOffice) keep their meaning.
    span: (_tagName, attribs) => ({
      tagName: styleSays(attribs.style, "font-weight", BOLD) ? "strong" : styleSays(attribs.style, "font-style", /^italic$/i) ? "em" : UNWRAP,
      attribs: {},
    }),
    // A bookmark (Word's <a name="_Toc…">) or a link the second pass would not keep is no link:
    // its text stays, the anchor goes (so sanitising twice changes nothing).
    a: (tagName, attribs) => {
      const href = (attribs.href ?? "").trim();
      if (!linkKept(href)) return { tagName: UNWRAP, attribs: {} };
      return { tagName, attribs: { href, ...(attribs.title ? { title: attribs.title } : {}) } };
    },
  },
  exclusiveFilter: (frame) =>
    ownImagesOnly(frame) ||
    // Empty paragraphs and headings (Word's <p><o:p>&nbsp;</o:p></p> spacers) go; one holding an image stays.
    (/^(p|h[1-6]|li)$/.test(frame.tag) && frame.text.replace(/[\s\u00a0]/g, "") === "" && frame.mediaChildren.length === 0),
};

/** Pass 2: the allowed subset and attributes; web links open without handing over the page. */
const SUBSET: sanitizeHtml.IOptions = {
  ...BASE,
  transformTags: {
    a: (tagName, attribs) => {
      const out: Record<string, string> = {};
      if (attribs.href) out.href = attribs.href;
      if (attribs.title) out.title = attribs.title;
      if (/^https?:/i.test((attribs.href ?? "").trim())) out.rel = "noopener noreferrer";
      return { tagName, attribs: out };
    },
  },
  exclusiveFilter: ownImagesOnly,
};

// --- Word -------------------------------------------------------------------------------------
// Word's clipboard HTML writes lists as paragraphs (style "mso-list:l0 level1 lfo1") whose bullet
// or number sits in a conditional block (<![if !supportLists]>·<![endif]>), headings as h1–h3, and
// everything else with classes, styles and <o:p>. It is turned into plain HTML first, then goes
// through the same sanitiser as everything else.
const LIST_MARK = "\u2063mclist:";
const WORD = /class="?Mso|mso-|urn:schemas-microsoft-com:office/i;

function markerKind(marker: string): "ol" | "ul" {
  const text = marker.replace(/<[^>]*>/g, "").replace(/&nbsp;|\u00a0/g, " ").trim();
  return /^(\d+|[a-z]|[ivxlc]+)[.)]/i.test(text) ? "ol" : "ul";
}

/** Word's list bullets that have no conditional block around them (style "mso-list:Ignore"). */
const WORD_DROP = "mc-drop";

const WORD_PASS: sanitizeHtml.IOptions = {
  ...MEANING,
  allowedTags: [...(MEANING.allowedTags as string[]), "h1", "h5", "h6", WORD_DROP],
  allowedAttributes: { ...(BASE.allowedAttributes as Record<string, string[]>), li: ["data-list"] },
  transformTags: {
    ...MEANING.transformTags,
    // Word's Heading 1–3 become the article's h2–h4 (its h1 is the title).
    h1: "h2",
    h2: "h3",
    h3: "h4",
    p: (tagName, attribs): sanitizeHtml.Tag => {
      const m = /mso-list\s*:\s*(l\d+)\s+level(\d+)/i.exec(attribs.style ?? "");
      return m ? { tagName: "li", attribs: { "data-list": `${m[1]}:${m[2]}` } } : { tagName, attribs: {} };
    },
    span: (tagName, attribs): sanitizeHtml.Tag =>
      /mso-list\s*:\s*ignore/i.test(attribs.style ?? "") ? { tagName: WORD_DROP, attribs: { "data-drop": "1" } } : (MEANING.transformTags!.span as sanitizeHtml.Transformer)(tagName, attribs),
  },
  // frame.tag is the tag as written; the transformed attributes carry the mark.
  exclusiveFilter: (frame) => frame.attribs["data-drop"] === "1" || MEANING.exclusiveFilter!(frame),
};

/** Consecutive Word list paragraphs (<li data-list="l0:1">) → nested <ul>/<ol>. */
function groupWordLists(html: string): string {
  return html.replace(/(?:<li data-list="[^"]*">[\s\S]*?<\/li>\s*)+/g, (run) => {
    let out = "";
    const stack: { level: number; tag: "ul" | "ol"; list: string }[] = [];
    for (const m of run.matchAll(/<li data-list="(l\d+):(\d+)">([\s\S]*?)<\/li>/g)) {
      const list = m[1]!;
      const level = Number(m[2]);
      let body = m[3]!;
      const kind = new RegExp(`^\\s*${LIST_MARK}(ol|ul)`).exec(body)?.[1] as "ol" | "ul" | undefined;
      body = body.replace(new RegExp(`${LIST_MARK}(ol|ul)`, "g"), "").trim();
      const tag = kind ?? "ul";
      while (stack.length && stack.at(-1)!.level > level) out += `</li></${stack.pop()!.tag}>`;
      const top = stack.at(-1);
      if (top && top.level === level && top.tag === tag && (level > 1 || top.list === list)) out += "</li><li>";
      else if (top && top.level === level) {
        out += `</li></${stack.pop()!.tag}><${tag}><li>`;
        stack.push({ level, tag, list });
      } else {
        out += `<${tag}><li>`;
        stack.push({ level, tag, list });
      }
      out += body;
    }
    while (stack.length) out += `</li></${stack.pop()!.tag}>`;
    return out;
  });
}

function fromWord(html: string): string {
  let s = html;
  const start = s.indexOf("<!--StartFragment-->");
  const end = s.indexOf("<!--EndFragment-->");
  if (start >= 0) s = s.slice(start + "<!--StartFragment-->".length, end > start ? end : undefined);
  // The bullet or number of a list paragraph: kept only as the list's kind.
  s = s.replace(/<!(?:--)?\[if !supportLists\](?:--)?>([\s\S]*?)<!(?:--)?\[endif\](?:--)?>/gi, (_m, marker: string) => `${LIST_MARK}${markerKind(marker)}`);
  // Line breaks in Word's HTML only wrap the source, as spaces would.
  s = s.replace(/\r?\n/g, " ");
  // Other conditional blocks (<!--[if gte mso 9]><xml>…</xml><![endif]-->, VML shapes) go whole.
  s = s.replace(/<!--\[if[\s\S]*?<!\[endif\]-->/gi, "").replace(/<!\[(?:end)?if[^\]]*\]>/gi, "");
  const plain = sanitizeHtml(s, WORD_PASS);
  // One block a line, as the editor and a writer would write it.
  return groupWordLists(plain)
    .split(LIST_MARK)
    .join("")
    .replace(/(<\/(?:p|h[2-4]|ul|ol|blockquote|table)>)\s*(?=<(?:p|h[2-4]|ul|ol|blockquote|table)[\s>])/g, "$1\n")
    .replace(/ {2,}/g, " ");
}

/**
 * Cleans article HTML to the safe subset (paragraphs, headings h2–h4, emphasis, lists, links to
 * http/https/mailto, our own uploaded images, quotes, simple tables). Whatever a client posts,
 * what is stored and shown is this.
 */
export function sanitizeArticleHtml(html: string): string {
  const nfc = html.normalize("NFC");
  return sanitizeHtml(sanitizeHtml(WORD.test(nfc) ? fromWord(nfc) : nfc, MEANING), SUBSET).trim();
}

/** Whether a body is HTML (has a tag) or text typed or pasted without formatting. */
export function looksLikeHtml(body: string): boolean {
  return /<\/?[a-z][^>]*>|<!--/i.test(body);
}

const escapeText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Plain text to article HTML, for a body typed or pasted without formatting (the form without
 * JavaScript): each line a paragraph, lines starting "- " or "• " a bulleted list, "1. " a
 * numbered one.
 */
export function textToArticleHtml(text: string): string {
  const out: string[] = [];
  let list: { tag: "ul" | "ol"; items: string[] } | undefined;
  const flush = () => {
    if (list) out.push(`<${list.tag}>${list.items.map((i) => `<li>${i}</li>`).join("")}</${list.tag}>`);
    list = undefined;
  };
  for (const raw of text.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.trim();
    const bullet = /^[-–•·*]\s+(.*)$/u.exec(line);
    const numbered = /^\d{1,3}[.)]\s+(.*)$/u.exec(line);
    const item = bullet ?? numbered;
    if (item) {
      const tag = bullet ? "ul" : "ol";
      if (list?.tag !== tag) flush();
      list ??= { tag, items: [] };
      list.items.push(escapeText(item[1]!));
      continue;
    }
    flush();
    if (line) out.push(`<p>${escapeText(line)}</p>`);
  }
  flush();
  return sanitizeArticleHtml(out.join(""));
}

/** The stored body of an article from what was posted: HTML is sanitised, plain text gets its paragraphs. */
export function articleBodyFromInput(body: string): { html: string; cleaned: boolean } {
  if (!looksLikeHtml(body)) return { html: textToArticleHtml(body), cleaned: false };
  const html = sanitizeArticleHtml(body);
  return { html, cleaned: wasCleaned(body, html) };
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
  // Serialisations differ (a browser's innerHTML writes <br> and &nbsp;, the sanitiser <br /> and U+00A0).
  const norm = (s: string) =>
    s
      .replace(/&nbsp;/g, " ")
      .replace(/\s+/g, "")
      .replace(/<br\/?>/g, "<br>")
      .replace(/\/>/g, ">");
  return norm(original.normalize("NFC")) !== norm(cleaned);
}
