import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { articleBodyFromInput, htmlToText, sanitizeArticleHtml, textToArticleHtml } from "./sanitize";

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
    expect(sanitizeArticleHtml('<a href="ftp://x">f</a>')).toBe("f");
    expect(sanitizeArticleHtml('<a href="/c/000.00.25.H12/news">tin</a>')).toBe('<a href="/c/000.00.25.H12/news">tin</a>');
    expect(sanitizeArticleHtml('<a href="https://x" rel="opener" target="_blank">x</a>')).toBe('<a href="https://x" rel="noopener noreferrer">x</a>');
  });

  it("keeps our own images only", () => {
    expect(sanitizeArticleHtml('<img src="/media/communications/12/large" alt="Ảnh">')).toBe('<img src="/media/communications/12/large" alt="Ảnh" />');
    expect(sanitizeArticleHtml('<img src="/media/communications/12/../../x">')).toBe("");
    expect(sanitizeArticleHtml('<img src="https://example.com/a.png">')).toBe("");
  });

  it("turns b/i into strong/em, h1 into a section heading (the title is the page's h1), div into its text, and normalises to NFC", () => {
    expect(sanitizeArticleHtml("<b>a</b><i>b</i>")).toBe("<strong>a</strong><em>b</em>");
    expect(sanitizeArticleHtml("<h1>Lớn</h1><div>khối</div><h6>nhỏ</h6>")).toBe("<h2>Lớn</h2>khối<h4>nhỏ</h4>");
    expect(sanitizeArticleHtml("<p>Tie\u0302\u0301n</p>")).toBe("<p>Tiến</p>");
  });

  // Issue 12: a writer pastes from Word. Headings, paragraphs, bold/italic, lists and links stay;
  // Word's classes, styles, <o:p>, conditional blocks and list bullets do not.
  it("turns Word's clipboard HTML into clean article HTML", () => {
    const word = readFileSync(new URL("../../../test/unit/fixtures/word-clipboard.txt", import.meta.url), "utf8");
    const out = sanitizeArticleHtml(word);
    expect(out).toBe(
      [
        "<h2>Thông báo lịch tiếp công dân tháng 12</h2>",
        "<p>Ủy ban nhân dân xã <strong>Minh Tiến</strong> thông báo <em>lịch tiếp công dân</em> của lãnh đạo xã như sau:</p>",
        "<h3>Thời gian tiếp</h3>",
        "<ul><li>Sáng thứ Hai: từ 7 giờ 30 đến 11 giờ<ul><li>tại Bộ phận Một cửa</li></ul></li><li>Chiều thứ Năm: từ 14 giờ đến 17 giờ</li></ul>",
        "<h4>Khi đến, công dân cần</h4>",
        "<ol><li>Mang theo thẻ căn cước;</li><li>Đăng ký trước qua số điện thoại của Văn phòng.</li></ol>",
        '<p>Xem thêm tại <a href="https://dichvucong.gov.vn/" rel="noopener noreferrer">Cổng Dịch vụ công quốc gia</a>.</p>',
      ].join("\n"),
    );
    expect(out).not.toMatch(/mso|Mso|o:p|style=|class=|lang=|\[if|endif|Font Definitions|·/);
    expect(sanitizeArticleHtml(out)).toBe(out);
  });

  it("keeps bold and italic written as styles, and drops Google Docs' not-bold wrapper", () => {
    expect(sanitizeArticleHtml('<b style="font-weight:normal;" id="docs-internal-guid-1"><p><span style="font-weight:700">Đậm</span> và <span style="font-style:italic">nghiêng</span></p></b>')).toBe(
      "<p><strong>Đậm</strong> và <em>nghiêng</em></p>",
    );
    expect(sanitizeArticleHtml("<b style='mso-bidi-font-weight:normal'>vẫn đậm</b>")).toBe("<strong>vẫn đậm</strong>");
    expect(sanitizeArticleHtml("<p>&nbsp;</p><p>x</p><p> </p>")).toBe("<p>x</p>");
  });

  it("closes every tag it keeps, whatever its neighbours became", () => {
    expect(sanitizeArticleHtml('<p><a href="javascript:x()">a</a> <a href="https://x.vn">b</a></p>')).toBe('<p>a <a href="https://x.vn" rel="noopener noreferrer">b</a></p>');
    expect(sanitizeArticleHtml('<strong style="font-weight:400">a</strong><strong>b</strong><span>c</span><em>d</em>')).toBe("a<strong>b</strong>c<em>d</em>");
    expect(sanitizeArticleHtml('<p><a name="_Toc1">Mục</a></p><p><a href="/c/x/news">tin</a></p>')).toBe('<p>Mục</p><p><a href="/c/x/news">tin</a></p>');
  });

  it("drops Word's list bullets even without their conditional block", () => {
    expect(sanitizeArticleHtml("<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><span style='mso-list:Ignore'>·&nbsp;&nbsp;</span>Một</p>")).toBe("<ul><li>Một</li></ul>");
  });

  it("stays safe when a payload dresses as Word", () => {
    for (const p of PAYLOADS) {
      const out = sanitizeArticleHtml(`<p class=MsoNormal style='mso-list:l0 level1 lfo1'><![if !supportLists]>·<![endif]>${p}</p>`);
      try {
        assertSafe(out);
      } catch (e) {
        throw new Error(`payload ${p} → ${out}: ${(e as Error).message}`);
      }
    }
    assertSafe(sanitizeArticleHtml("<p class=MsoNormal><scr<!--[if gte mso 9]>x<![endif]-->ipt>alert(1)</script></p>"));
  });

  it("gives text typed or pasted without formatting its paragraphs and lists", () => {
    expect(textToArticleHtml("Thông báo\r\n\r\nLịch tiếp dân:\n- Thứ Hai\n- Thứ Năm\nMang theo:\n1. Căn cước\n2) Giấy hẹn\nA < B & C")).toBe(
      "<p>Thông báo</p><p>Lịch tiếp dân:</p><ul><li>Thứ Hai</li><li>Thứ Năm</li></ul><p>Mang theo:</p><ol><li>Căn cước</li><li>Giấy hẹn</li></ol><p>A &lt; B &amp; C</p>",
    );
    expect(articleBodyFromInput("Một dòng\nHai dòng")).toEqual({ html: "<p>Một dòng</p><p>Hai dòng</p>", cleaned: false });
    expect(articleBodyFromInput("<p>Sạch</p>")).toEqual({ html: "<p>Sạch</p>", cleaned: false });
    expect(articleBodyFromInput('<p onclick="x()">Bẩn</p>')).toEqual({ html: "<p>Bẩn</p>", cleaned: true });
  });

  it("gives plain text for bulletins and summaries", () => {
    expect(htmlToText("<h2>Tiêu đề</h2><p>Một &amp; hai</p><script>x()</script><ul><li>a</li><li>b</li></ul>")).toBe("Tiêu đề\nMột & hai\na\nb");
  });
});
