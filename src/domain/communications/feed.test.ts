import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { buildRss, escapeXml } from "./feed";

type Node = { name: string; attributes: Record<string, string>; children: Node[]; text: string };

/** Parses strictly (throws on any well-formedness error) into a small tree. */
function parseXml(xml: string): Node {
  const parser = new SaxesParser({ xmlns: false });
  const root: Node = { name: "#root", attributes: {}, children: [], text: "" };
  const stack: Node[] = [root];
  parser.on("error", (e) => {
    throw e;
  });
  parser.on("opentag", (t) => {
    const n: Node = { name: t.name, attributes: t.attributes as Record<string, string>, children: [], text: "" };
    stack.at(-1)!.children.push(n);
    stack.push(n);
  });
  parser.on("closetag", () => void stack.pop());
  parser.on("text", (s) => {
    stack.at(-1)!.text += s;
  });
  parser.write(xml).close();
  return root.children[0]!;
}

const child = (n: Node, name: string) => n.children.find((c) => c.name === name);

describe("RSS feed", () => {
  const feed = buildRss({
    title: 'Cải cách hành chính – UBND xã "Minh Tiến" & <b>',
    link: "https://minhtien.example.vn/c/000.00.25.H12/news/cai-cach-hanh-chinh",
    selfLink: "https://minhtien.example.vn/c/000.00.25.H12/news/cai-cach-hanh-chinh/feed.xml",
    description: "Tin, bài <script>alert(1)</script>",
    language: "vi",
    items: [
      { title: "Tin 1 <img src=x onerror=alert(1)> & 'trích'", link: "https://minhtien.example.vn/c/x/news/a/1-tin?x=1&y=2", guid: "g1", summary: "Tóm tắt ]]> \u0001 hết", publishedAt: new Date("2024-03-05T02:00:00Z"), category: "CCHC" },
      { title: "Tin 2", link: "https://minhtien.example.vn/c/x/news/a/2-tin", guid: "g2", summary: "", publishedAt: new Date("2024-01-12T01:30:00Z") },
    ],
  });

  it("is well-formed XML with the RSS 2.0 required elements", () => {
    const rss = parseXml(feed);
    expect(rss.name).toBe("rss");
    expect(rss.attributes.version).toBe("2.0");
    const channel = child(rss, "channel")!;
    for (const req of ["title", "link", "description"]) expect(child(channel, req), req).toBeDefined();
    const items = channel.children.filter((c) => c.name === "item");
    expect(items).toHaveLength(2);
    for (const it of items) {
      expect(child(it, "title")).toBeDefined();
      expect(child(it, "link")!.text).toMatch(/^https:\/\//);
      expect(new Date(child(it, "pubDate")!.text).getTime()).not.toBeNaN();
    }
    expect(child(channel, "atom:link")!.attributes.rel).toBe("self");
  });

  it("escapes text so markup round-trips as text, and drops invalid control characters", () => {
    const channel = child(parseXml(feed), "channel")!;
    expect(child(channel, "title")!.text).toBe('Cải cách hành chính – UBND xã "Minh Tiến" & <b>');
    const first = channel.children.filter((c) => c.name === "item")[0]!;
    expect(child(first, "title")!.text).toBe("Tin 1 <img src=x onerror=alert(1)> & 'trích'");
    expect(child(first, "link")!.text).toBe("https://minhtien.example.vn/c/x/news/a/1-tin?x=1&y=2");
    expect(child(first, "description")!.text).toBe("Tóm tắt ]]>  hết");
    expect(feed).not.toContain("<script>");
  });

  it("refuses relative links", () => {
    expect(() => buildRss({ title: "t", link: "/c/x/news", selfLink: "https://a.vn/f.xml", description: "d", language: "vi", items: [] })).toThrow(/absolute/);
  });

  it("escapes the five XML specials", () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
  });
});
