import { describe, expect, it } from "vitest";
import { htmlToText, sanitizeArticleHtml } from "./sanitize";

// Classic XSS payloads (OWASP filter-evasion cheat sheet and friends). None may leave script,
// an event handler, a javascript:/data:/vbscript: URL, a style, or an embedding element.
const PAYLOADS = [
  `<script>alert(1)</script>`,
  `<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>`,
  `<scr<script>ipt>alert(1)</scr</script>ipt>`,
  `<img src=x onerror=alert(1)>`,
  `<IMG SRC="/media/communications/1" OnErRoR="alert(1)">`,
  `<img src="javascript:alert(1)">`,
  `<img src=JaVaScRiPt:alert(1)>`,
  `<img src="/media/communications/1" onload=alert(1)>`,
  `<svg onload=alert(1)>`,
  `<svg><script>alert(1)</script></svg>`,
  `<a href="javascript:alert(1)">x</a>`,
  `<a href="JAVASCRIPT:alert(1)">x</a>`,
  `<a href="jav&#x09;ascript:alert(1)">x</a>`,
  `<a href="jav&#x0A;ascript:alert(1)">x</a>`,
  `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>`,
  `<a href="&#x6A;avascript:alert(1)">x</a>`,
  `<a href=" javascript:alert(1)">x</a>`,
  `<a href="\u0001javascript:alert(1)">x</a>`,
  `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
  `<a href="vbscript:msgbox(1)">x</a>`,
  `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
  `<p style="background:url(javascript:alert(1))">x</p>`,
  `<div style="width: expression(alert(1));">x</div>`,
  `<iframe src="javascript:alert(1)"></iframe>`,
  `<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
  `<object data="javascript:alert(1)"></object>`,
  `<embed src="javascript:alert(1)">`,
  `<body onload=alert(1)>`,
  `<p OnMouseOver="alert(1)">hover</p>`,
  `<a href="https://ok.example" oNcLiCk="alert(1)">x</a>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
  `<form action="javascript:alert(1)"><button>x</button></form>`,
  `<input autofocus onfocus=alert(1)>`,
  `<details open ontoggle=alert(1)>`,
  `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
  `<link rel=stylesheet href="javascript:alert(1)">`,
  `<base href="javascript:alert(1)//">`,
  `<style>@import 'javascript:alert(1)';</style>`,
  `"><script>alert(1)</script>`,
  `<a href="//evil.example/x">protocol-relative</a>`,
  `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
  `<table background="javascript:alert(1)"><tr><td>x</td></tr></table>`,
  `<img src="https://evil.example/tracker.png">`,
];

function assertSafe(out: string): void {
  const lower = out.toLowerCase();
  expect(lower).not.toMatch(/<script|<iframe|<svg|<object|<embed|<style|<meta|<link|<base|<form|<input|<math|<body|<details/);
  expect(lower).not.toMatch(/\son[a-z]+\s*=/);
  expect(lower).not.toMatch(/javascript:|vbscript:|data:/);
  expect(lower).not.toMatch(/style\s*=/);
  expect(lower).not.toMatch(/href="\/\//);
  // Every image left points at our own uploads.
  for (const m of out.matchAll(/<img[^>]*src="([^"]*)"/g)) expect(m[1]).toMatch(/^\/media\/communications\/\d+(\/(large|thumb))?$/);
}

describe("article sanitiser", () => {
  it(`neutralises ${PAYLOADS.length} classic XSS payloads`, () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(25);
    for (const p of PAYLOADS) {
      const out = sanitizeArticleHtml(p);
      try {
        assertSafe(out);
      } catch (e) {
        throw new Error(`payload ${p} → ${out}: ${(e as Error).message}`);
      }
    }
  });

  it("is idempotent on its own output", () => {
    for (const p of PAYLOADS) {
      const once = sanitizeArticleHtml(p);
      expect(sanitizeArticleHtml(once)).toBe(once);
    }
  });

  it("keeps the allowed subset", () => {
    const html =
      '<h2>Tiêu đề</h2><p>Đoạn <strong>đậm</strong> và <em>nghiêng</em>.</p><ul><li>một</li></ul><ol><li>hai</li></ol><blockquote>Trích</blockquote>' +
      '<table><thead><tr><th scope="col">A</th></tr></thead><tbody><tr><td colspan="2">1</td></tr></tbody></table>';
    expect(sanitizeArticleHtml(html)).toBe(html);
  });

  it("adds rel=noopener to web links, keeps mailto, drops other schemes", () => {
    expect(sanitizeArticleHtml('<a href="https://dichvucong.gov.vn">x</a>')).toBe('<a href="https://dichvucong.gov.vn" rel="noopener noreferrer">x</a>');
    expect(sanitizeArticleHtml('<a href="mailto:ubnd@example.vn">m</a>')).toBe('<a href="mailto:ubnd@example.vn">m</a>');
    expect(sanitizeArticleHtml('<a href="ftp://x">f</a>')).toBe("<a>f</a>");
    expect(sanitizeArticleHtml('<a href="https://x" rel="opener" target="_blank">x</a>')).toBe('<a href="https://x" rel="noopener noreferrer">x</a>');
  });

  it("keeps our own images only", () => {
    expect(sanitizeArticleHtml('<img src="/media/communications/12/large" alt="Ảnh">')).toBe('<img src="/media/communications/12/large" alt="Ảnh" />');
    expect(sanitizeArticleHtml('<img src="/media/communications/12/../../x">')).toBe("");
    expect(sanitizeArticleHtml('<img src="https://example.com/a.png">')).toBe("");
  });

  it("turns b/i into strong/em, h1 and div into their text, and normalises to NFC", () => {
    expect(sanitizeArticleHtml("<b>a</b><i>b</i>")).toBe("<strong>a</strong><em>b</em>");
    expect(sanitizeArticleHtml("<h1>Lớn</h1><div>khối</div>")).toBe("Lớnkhối");
    expect(sanitizeArticleHtml("<p>Tie\u0302\u0301n</p>")).toBe("<p>Tiến</p>");
  });

  it("gives plain text for bulletins and summaries", () => {
    expect(htmlToText("<h2>Tiêu đề</h2><p>Một &amp; hai</p><script>x()</script><ul><li>a</li><li>b</li></ul>")).toBe("Tiêu đề\nMột & hai\na\nb");
  });
});
