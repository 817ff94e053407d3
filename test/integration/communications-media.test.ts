import JSZip from "jszip";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { type Client, createTestApp, newClient, signIn, type TestApp } from "../support/app";

let t: TestApp;
let comms: Client;
let columnId: number;

beforeAll(async () => {
  t = await createTestApp();
  comms = await signIn(t.app, "demo-comms");
  columnId = (
    await t.tdb.db.system((tx) => tx.one<{ id: number }>("select c.id from comm_columns c join agencies a on a.id = c.agency_id where a.code = $1 and c.slug = 'tin-hoat-dong'", [DEMO_COMMUNE_CODE]))
  ).id;
});
afterAll(async () => {
  await t?.close();
});

type Part = { name: string; value: string } | { name: string; filename: string; type: string; data: Buffer };

function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----motcua${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if ("filename" in p) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`), p.data, Buffer.from("\r\n"));
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function postMultipart(c: Client, url: string, parts: Part[]) {
  // The token travels in the form's body, as the page's hidden field sends it.
  const { body, contentType } = multipart([{ name: "_csrf", value: c.csrf }, ...parts]);
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  return t.app.inject({ method: "POST", url, payload: body, headers: { cookie, "content-type": contentType } });
}

const itemFields = (title: string): Part[] => [
  { name: "kind", value: "article" },
  { name: "columnId", value: String(columnId) },
  { name: "title", value: title },
  { name: "body", value: "<p>Nội dung có ảnh.</p>" },
];

describe("communications: uploads", () => {
  it("re-encodes a photo to WebP at web size without its EXIF data, with a thumbnail", async () => {
    const photo = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: { r: 200, g: 120, b: 40 } } })
      .jpeg()
      .withMetadata({ exif: { IFD0: { Copyright: "SECRET-EXIF", Artist: "GPS-OWNER" } } })
      .toBuffer();
    expect(photo.includes(Buffer.from("SECRET-EXIF"))).toBe(true);
    await comms.get("/staff/communications/items/new");
    const res = await postMultipart(comms, "/staff/communications/items", [...itemFields("Tin có ảnh"), { name: "cover", filename: "anh.jpg", type: "image/jpeg", data: photo }]);
    expect(res.statusCode, res.body.slice(0, 400)).toBe(303);
    const id = Number(/items\/(\d+)/.exec(res.headers.location as string)![1]);
    const f = await t.tdb.db.system((tx) =>
      tx.one<{ id: number; mime: string; width: number; height: number; data: Buffer; thumb: Buffer }>("select f.* from comm_files f join comm_items i on i.cover_file_id = f.id where i.id = $1", [id]),
    );
    expect(f.mime).toBe("image/webp");
    expect([f.width, f.height]).toEqual([1280, 853]);
    expect(f.data.includes(Buffer.from("SECRET-EXIF"))).toBe(false);
    const meta = await sharp(f.data).metadata();
    expect(meta.format).toBe("webp");
    expect(meta.exif).toBeUndefined();
    expect((await sharp(f.thumb).metadata()).width).toBe(480);
    // Staff see the draft's image; a visitor does not until the item is published.
    const own = await comms.get(`/media/communications/${f.id}/thumb`);
    expect(own.statusCode).toBe(200);
    expect(own.headers["content-type"]).toBe("image/webp");
    expect((await (await newClient(t.app)).get(`/media/communications/${f.id}`)).statusCode).toBe(404);
  });

  it("appends uploaded images to the text; visitors load them once the item is published", async () => {
    const png = await sharp({ create: { width: 600, height: 400, channels: 3, background: "#3a6" } }).png().toBuffer();
    await comms.get("/staff/communications/items/new");
    const res = await postMultipart(comms, "/staff/communications/items", [...itemFields("Tin có ảnh trong bài"), { name: "images", filename: "hien-truong.png", type: "image/png", data: png }]);
    expect(res.statusCode).toBe(303);
    const id = Number(/items\/(\d+)/.exec(res.headers.location as string)![1]);
    const row = await t.tdb.db.system((tx) => tx.one<{ body: string }>("select body from comm_items where id = $1", [id]));
    const src = /<img src="(\/media\/communications\/\d+)"/.exec(row.body)![1]!;
    const visitor = await newClient(t.app);
    expect((await visitor.get(src)).statusCode).toBe(404);
    const leader = await signIn(t.app, "demo-leader");
    await comms.json("POST", `/api/v1/communications/items/${id}/actions`, { action: "submit" });
    expect((await leader.json("POST", `/api/v1/communications/items/${id}/actions`, { action: "publish" })).statusCode).toBe(200);
    const img = await visitor.get(src);
    expect(img.statusCode).toBe(200);
    expect(img.headers["content-type"]).toBe("image/webp");
    // Images in the text are not listed again as attachments.
    const page = await visitor.get(`/c/${DEMO_COMMUNE_CODE}/news/tin-hoat-dong/${id}-tin-co-anh-trong-bai`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<img src="${src}"`);
    expect(page.body).not.toContain("Tệp đính kèm");
    expect((await visitor.get("/api/v1/openapi.json")).json().paths["/api/v1/communications/summary"]).toBeDefined();
  });

  it("refuses a file that is not an image, with a clear message, and saves nothing", async () => {
    const before = await t.tdb.db.system((tx) => tx.one<{ n: number }>("select count(*)::int as n from comm_items"));
    await comms.get("/staff/communications/items/new");
    const res = await postMultipart(comms, "/staff/communications/items", [...itemFields("Ảnh giả"), { name: "cover", filename: "virus.jpg", type: "image/jpeg", data: Buffer.from("MZ this is not a picture at all") }]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("không phải là ảnh hợp lệ");
    const truncated = (await sharp({ create: { width: 50, height: 50, channels: 3, background: "#fff" } }).png().toBuffer()).subarray(0, 60);
    const res2 = await postMultipart(comms, "/staff/communications/items", [...itemFields("Ảnh hỏng"), { name: "cover", filename: "hong.png", type: "image/png", data: truncated }]);
    expect(res2.statusCode).toBe(400);
    const after = await t.tdb.db.system((tx) => tx.one<{ n: number }>("select count(*)::int as n from comm_items"));
    expect(after.n).toBe(before.n);
  });

  it("answers a 50 MB upload with 413 and a message naming the file", async () => {
    await comms.get("/staff/communications/items/new");
    const res = await postMultipart(comms, "/staff/communications/items", [...itemFields("Tệp lớn"), { name: "attachments", filename: "bao-cao.pdf", type: "application/pdf", data: Buffer.alloc(50 * 1024 * 1024, 0x25) }]);
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain("bao-cao.pdf");
    expect(res.body).toContain("10 MB");
  });

  it("keeps PDF attachments and refuses executables posing as documents", async () => {
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    await comms.get("/staff/communications/items/new");
    const ok = await postMultipart(comms, "/staff/communications/items", [...itemFields("Có đính kèm"), { name: "attachments", filename: "ke-hoach-06.pdf", type: "application/pdf", data: pdf }]);
    expect(ok.statusCode).toBe(303);
    const bad = await postMultipart(comms, "/staff/communications/items", [...itemFields("Đính kèm xấu"), { name: "attachments", filename: "ke-hoach.pdf", type: "application/pdf", data: Buffer.from("#!/bin/sh\nrm -rf /\n") }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("PDF, DOC/DOCX");
    // A zip (here a small "bomb": one entry of 5 MB of zeros) is not a document of a public article.
    const zip = await new JSZip().file("a.txt", Buffer.alloc(5 * 1024 * 1024)).generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
    const archive = await postMultipart(comms, "/staff/communications/items", [...itemFields("Nén"), { name: "attachments", filename: "tai-lieu.zip", type: "application/zip", data: zip }]);
    expect(archive.statusCode).toBe(400);
    // A PDF named like a web page is kept, and served, as a PDF.
    const polyglot = await postMultipart(comms, "/staff/communications/items", [...itemFields("Tên sai"), { name: "attachments", filename: "report.html", type: "text/html", data: pdf }]);
    expect(polyglot.statusCode).toBe(303);
    const stored = await t.tdb.db.system((tx) => tx.one<{ name: string }>("select name from comm_files where kind = 'attachment' order by id desc limit 1"));
    expect(stored.name).toBe("report.pdf");
  });

  it("records signage with a photo and lists it by place; conferences with materials", async () => {
    await comms.get("/staff/communications/signage");
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#06c" } }).png().toBuffer();
    const res = await postMultipart(comms, "/staff/communications/signage", [
      { name: "kind", value: "poster" },
      { name: "title", value: "Áp phích dịch vụ công" },
      { name: "place", value: "Nhà văn hóa thôn Đồng Tiến" },
      { name: "installedOn", value: "2024-04-01" },
      { name: "quantity", value: "2" },
      { name: "photo", filename: "ap-phich.png", type: "image/png", data: photo },
    ]);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
    const list = await comms.get("/staff/communications/signage?place=nha van hoa");
    expect(list.body).toContain("Áp phích dịch vụ công");
    expect(list.body).not.toContain("Ngã tư chợ Minh Tiến</h2>");
    // LIKE's wildcards typed in the filter are characters, not patterns.
    const wildcard = await comms.get(`/staff/communications/signage?place=${encodeURIComponent("%")}`);
    expect(wildcard.statusCode).toBe(200);
    expect(wildcard.body).not.toContain("Áp phích dịch vụ công");
    const reversed = await postMultipart(comms, "/staff/communications/signage", [
      { name: "kind", value: "banner" },
      { name: "title", value: "Băng rôn" },
      { name: "place", value: "Cổng UBND xã" },
      { name: "installedOn", value: "2024-04-01" },
      { name: "removedOn", value: "2024-03-01" },
    ]);
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toContain("không được trước ngày lắp đặt");

    await comms.get("/staff/communications/conferences");
    const conf = await postMultipart(comms, "/staff/communications/conferences", [
      { name: "kind", value: "briefing" },
      { name: "date", value: "2024-04-20" },
      { name: "topic", value: "Chuyên đề dịch vụ công trực tuyến" },
      { name: "organiser", value: "Văn phòng – Thống kê" },
      { name: "audience", value: "citizens" },
      { name: "attendees", value: "37" },
      { name: "materials", filename: "tai-lieu.pdf", type: "application/pdf", data: Buffer.from("%PDF-1.4\n%%EOF\n") },
    ]);
    expect(conf.statusCode, conf.body.slice(0, 300)).toBe(303);
    const page = await comms.get("/staff/communications/conferences");
    expect(page.body).toContain("Chuyên đề dịch vụ công trực tuyến");
    expect(page.body).toContain("tai-lieu.pdf");
  });
});
