import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { launchBrowser, type LiveServer, startLiveServer } from "../support/browser";

// Issue 12: a communication officer pastes an article from Word instead of typing HTML. With
// JavaScript the editor shows the text as the server's sanitiser cleaned it; without JavaScript the
// textarea takes text whose lines become paragraphs and lists.

const WORD = readFileSync(new URL("../unit/fixtures/word-clipboard.txt", import.meta.url), "utf8");
const WORD_TEXT = "Thông báo lịch tiếp công dân tháng 12\r\nỦy ban nhân dân xã Minh Tiến thông báo lịch tiếp công dân của lãnh đạo xã như sau:";

let server: LiveServer;
let browser: Browser;
beforeAll(async () => {
  server = await startLiveServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signedIn(javaScriptEnabled: boolean): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Tên đăng nhập").fill("demo-comms");
  await page.getByLabel("Mật khẩu").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(/\/staff/);
  return { context, page };
}

async function storedBody(title: string): Promise<string> {
  const r = await server.tdb.db.system((tx) => tx.one<{ body: string }>("select body from comm_items where title = $1", [title]));
  return r.body;
}

describe("article editor", () => {
  it("pasting from Word keeps headings, paragraphs, bold, italic, lists and links, and none of Word's markup", async () => {
    const { context, page } = await signedIn(true);
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${server.url}/staff/communications/items/new`);
    await page.getByLabel("Tiêu đề", { exact: true }).fill("Lịch tiếp công dân tháng 12 (dán từ Word)");
    // The textarea gives way to the editor, labelled by the same label.
    await expect.poll(() => page.locator("#f-body").isHidden()).toBe(true);
    const editor = page.getByRole("textbox", { name: "Nội dung" });
    await editor.click();
    await editor.evaluate(
      (el, data) => {
        const dt = new DataTransfer();
        dt.setData("text/html", data.html);
        dt.setData("text/plain", data.text);
        el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
      },
      { html: WORD, text: WORD_TEXT },
    );
    await page.getByRole("status").filter({ hasText: "Đã dán" }).waitFor();
    await expect.poll(() => editor.locator("h2").textContent()).toBe("Thông báo lịch tiếp công dân tháng 12");
    expect(await editor.locator("strong").first().textContent()).toBe("Minh Tiến");
    expect(await editor.locator("ul > li").count()).toBe(3);
    expect(await editor.locator("ol > li").count()).toBe(2);
    expect(await editor.innerHTML()).not.toMatch(/mso|Mso|o:p|style=|class=|·/);

    // The toolbar works on the pasted text: the last paragraph becomes a small heading.
    await editor.locator("p").last().click();
    await page.getByRole("button", { name: "Tiêu đề nhỏ" }).click();
    expect(await editor.locator("h3").allTextContents()).toContain("Xem thêm tại Cổng Dịch vụ công quốc gia.");

    await page.getByRole("button", { name: "Lưu" }).click();
    await page.waitForURL(/\/staff\/communications\/items\/\d+\?saved=1/);
    // What the editor showed was already clean: no "content was cleaned" warning.
    expect(page.url()).not.toContain("cleaned=1");
    const body = await storedBody("Lịch tiếp công dân tháng 12 (dán từ Word)");
    expect(body).toContain("<h2>Thông báo lịch tiếp công dân tháng 12</h2>");
    expect(body).toContain("<p>Ủy ban nhân dân xã <strong>Minh Tiến</strong> thông báo <em>lịch tiếp công dân</em> của lãnh đạo xã như sau:</p>");
    expect(body).toContain("<ul><li>Sáng thứ Hai: từ 7 giờ 30 đến 11 giờ<ul><li>tại Bộ phận Một cửa</li></ul></li><li>Chiều thứ Năm: từ 14 giờ đến 17 giờ</li></ul>");
    expect(body).toContain("<ol><li>Mang theo thẻ căn cước;</li><li>Đăng ký trước qua số điện thoại của Văn phòng.</li></ol>");
    expect(body).toContain('<a href="https://dichvucong.gov.vn/" rel="noopener noreferrer">Cổng Dịch vụ công quốc gia</a>');
    expect(body).not.toMatch(/mso|Mso|o:p|style=|class=|lang=|\[if|·/);
    // The preview shows it as the portal will.
    expect(await page.locator(".comm-article > div > h2").first().textContent()).toBe("Thông báo lịch tiếp công dân tháng 12");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("reopening an article shows its HTML in the editor, and the HTML view edits the same field", async () => {
    const { context, page } = await signedIn(true);
    await page.goto(`${server.url}/staff/communications/items/new`);
    await page.getByLabel("Tiêu đề", { exact: true }).fill("Bài sửa bằng mã HTML");
    await page.getByRole("button", { name: "HTML" }).click();
    const source = page.locator("#f-body");
    await expect.poll(() => source.isVisible()).toBe(true);
    await source.fill('<h2>Mục</h2><p>Đoạn <b>đậm</b></p><img src="https://evil.example/x.png"><p onclick="alert(1)">x</p>');
    await page.getByRole("button", { name: "HTML" }).click();
    const editor = page.getByRole("textbox", { name: "Nội dung" });
    expect(await editor.innerHTML()).toBe("<h2>Mục</h2><p>Đoạn <strong>đậm</strong></p><p>x</p>");
    await page.getByRole("button", { name: "Lưu" }).click();
    await page.waitForURL(/\/staff\/communications\/items\/\d+\?saved=1/);
    expect(await storedBody("Bài sửa bằng mã HTML")).toBe("<h2>Mục</h2><p>Đoạn <strong>đậm</strong></p><p>x</p>");
    // Opened again, the editor holds the stored article.
    await page.reload();
    expect(await page.getByRole("textbox", { name: "Nội dung" }).innerHTML()).toBe("<h2>Mục</h2><p>Đoạn <strong>đậm</strong></p><p>x</p>");
    await context.close();
  });

  it("without JavaScript the textarea takes plain text: lines become paragraphs and lists", async () => {
    const { context, page } = await signedIn(false);
    await page.goto(`${server.url}/staff/communications/items/new`);
    expect(await page.locator("#f-body").isVisible()).toBe(true);
    expect(await page.locator(".comm-editor").count()).toBe(0);
    await page.getByLabel("Tiêu đề", { exact: true }).fill("Lịch tiếp công dân (không JavaScript)");
    // What a paste from Word into a plain textarea gives: the text, a line per paragraph.
    await page.getByLabel("Nội dung", { exact: true }).fill("Ủy ban nhân dân xã Minh Tiến thông báo lịch tiếp công dân:\n- Sáng thứ Hai\n- Chiều thứ Năm\n\nXem thêm tại Cổng Dịch vụ công & Bộ phận Một cửa.");
    await page.getByRole("button", { name: "Lưu" }).click();
    await page.waitForURL(/\/staff\/communications\/items\/\d+\?saved=1/);
    expect(page.url()).not.toContain("cleaned=1");
    expect(await storedBody("Lịch tiếp công dân (không JavaScript)")).toBe(
      "<p>Ủy ban nhân dân xã Minh Tiến thông báo lịch tiếp công dân:</p><ul><li>Sáng thứ Hai</li><li>Chiều thứ Năm</li></ul><p>Xem thêm tại Cổng Dịch vụ công &amp; Bộ phận Một cửa.</p>",
    );
    await context.close();
  });

  it("keeps the article form within 30 KB of own CSS and JavaScript", async () => {
    const { context, page } = await signedIn(true);
    await page.goto(`${server.url}/staff/communications/items/new`);
    const urls = await page.evaluate(() => [...document.querySelectorAll("link[rel=stylesheet], script[src]")].map((e) => (e as HTMLLinkElement).href || (e as HTMLScriptElement).src));
    let bytes = 0;
    for (const u of urls) bytes += (await (await fetch(u)).arrayBuffer()).byteLength;
    expect(urls.some((u) => u.includes("/communications/editor.js"))).toBe(true);
    expect(bytes).toBeLessThanOrEqual(30 * 1024);
    await context.close();
  });
});
