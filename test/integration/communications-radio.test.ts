import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { communicationsSummary } from "../../src/modules/communications/summary";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { type Client, createTestApp, newClient, signIn, type TestApp } from "../support/app";

let t: TestApp;
let comms: Client;
let agencyId: number;

beforeAll(async () => {
  t = await createTestApp();
  comms = await signIn(t.app, "demo-comms");
  agencyId = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE]))).id;
});
afterAll(async () => {
  await t?.close();
});

/** Duration of an MPEG audio stream by walking its frames (MPEG-1/2 Layer III). */
function mp3Duration(buf: Buffer): { frames: number; seconds: number } {
  const BITRATES: Record<number, number[]> = {
    1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  };
  const RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };
  let i = 0;
  let frames = 0;
  let seconds = 0;
  while (i + 4 <= buf.length) {
    if (buf[i] !== 0xff || (buf[i + 1]! & 0xe0) !== 0xe0) throw new Error(`lost frame sync at ${i}`);
    const version = (buf[i + 1]! >> 3) & 3;
    const br = BITRATES[version === 3 ? 1 : 2]![buf[i + 2]! >> 4]! * 1000;
    const rate = RATES[version]![(buf[i + 2]! >> 2) & 3]!;
    const pad = (buf[i + 2]! >> 1) & 1;
    const samples = version === 3 ? 1152 : 576;
    const len = Math.floor((samples / 8) * br / rate) + pad;
    frames++;
    seconds += samples / rate;
    i += len;
  }
  return { frames, seconds };
}

describe("communications: radio programme and spoken bulletins", () => {
  it("adds a slot and refuses an overlapping one with a clear message", async () => {
    const ok = await comms.json("POST", "/api/v1/communications/radio/slots", { date: "2030-03-04", time: "17:00", durationMinutes: 20, topic: "Chuyên mục CCHC" });
    expect(ok.statusCode, ok.body).toBe(201);
    const clash = await comms.json("POST", "/api/v1/communications/radio/slots", { date: "2030-03-04", time: "17:10", durationMinutes: 15, topic: "Tin tức" });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.message).toBe("Buổi phát bị trùng giờ với buổi đã có ngày 04/03/2030 từ 17:00 đến 17:20 (Chuyên mục CCHC). Vui lòng chọn giờ khác.");
    const after = await comms.json("POST", "/api/v1/communications/radio/slots", { date: "2030-03-04", time: "17:20", durationMinutes: 15, topic: "Tin tức" });
    expect(after.statusCode).toBe(201);
    // Through the form: the page is shown again with the message.
    await comms.get("/staff/communications/radio?week=2030-03-04");
    const form = await comms.post("/staff/communications/radio/slots", { date: "2030-03-04", time: "17:05", durationMinutes: "5", topic: "Trùng" });
    expect(form.statusCode).toBe(409);
    expect(form.body).toContain("trùng giờ");
    const bad = await comms.post("/staff/communications/radio/slots", { date: "2030-02-30", time: "25:00", durationMinutes: "0", topic: "" });
    expect(bad.statusCode).toBe(400);
    // Deleting the slot in the way frees its time.
    await comms.get("/staff/communications/radio?week=2030-03-04");
    expect((await comms.post(`/staff/communications/radio/slots/${ok.json().id}/delete`, {})).statusCode).toBe(303);
    expect((await comms.json("POST", "/api/v1/communications/radio/slots", { date: "2030-03-04", time: "17:00", durationMinutes: 20, topic: "Chuyên mục CCHC" })).statusCode).toBe(201);
  });

  it("writes a bulletin from a news item and makes a real MP3 of plausible duration", async () => {
    const item = await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from comm_items where agency_id = $1 and status = 'published' order by published_at limit 1", [agencyId]));
    const draft = await comms.get(`/staff/communications/radio/bulletins/new?item=${item.id}`);
    expect(draft.statusCode).toBe(200);
    expect(draft.body).toContain("Kế hoạch số 04/KH-UBND");
    // A 30-word sentence.
    const text =
      "Ủy ban nhân dân xã Minh Tiến thông báo: từ tháng này người dân có thể nộp hồ sơ đăng ký khai sinh trực tuyến, không cần đến trụ sở, kết quả được trả tận nhà qua bưu điện.";
    expect(text.split(/\s+/).length).toBeGreaterThanOrEqual(30);
    const b = await comms.json("POST", "/api/v1/communications/radio/bulletins", { title: "Bản tin thử", text, itemId: item.id });
    expect(b.statusCode, b.body).toBe(201);
    const spoken = await comms.json("POST", `/api/v1/communications/radio/bulletins/${b.json().id}/speak`, {});
    expect(spoken.statusCode, spoken.body).toBe(200);
    const { durationSeconds, url } = spoken.json();
    expect(durationSeconds).toBeGreaterThan(2);
    expect(durationSeconds).toBeLessThan(30);
    const audio = await comms.get(url);
    expect(audio.statusCode).toBe(200);
    expect(audio.headers["content-type"]).toBe("audio/mpeg");
    const mp3 = audio.rawPayload;
    expect(mp3[0]).toBe(0xff);
    expect(mp3[1]! & 0xe0).toBe(0xe0);
    const walked = mp3Duration(mp3);
    expect(walked.frames).toBeGreaterThan(50);
    expect(Math.abs(walked.seconds - durationSeconds)).toBeLessThan(0.5);

    // On the programme it becomes public, with an <audio> player.
    const slot = await comms.json("POST", "/api/v1/communications/radio/slots", { date: "2030-03-05", time: "06:15", durationMinutes: 10, topic: "Bản tin thử", bulletinId: b.json().id });
    expect(slot.statusCode).toBe(201);
    const visitor = await newClient(t.app);
    const page = await visitor.get(`/c/${DEMO_COMMUNE_CODE}/radio?week=2030-03-04`);
    expect(page.body).toContain(`<audio controls preload="none" src="${url}"`);
    expect((await visitor.get(url)).statusCode).toBe(200);
    const vtt = await visitor.get(`${url}/captions`);
    expect(vtt.headers["content-type"]).toContain("text/vtt");
    expect(vtt.body).toMatch(/^WEBVTT\n\n00:00:00\.000 --> 00:00:\d\d\.\d{3}\nỦy ban nhân dân xã Minh Tiến/);
    const printable = await visitor.get(`/c/${DEMO_COMMUNE_CODE}/radio/print?week=2030-03-04`);
    expect(printable.body).toContain("17:00–17:20");
  });

  it("gives the period's figures matching the seed report's first half of 2024", async () => {
    const s = await t.tdb.db.system((tx) => communicationsSummary(tx, { agencyId, from: "2024-01-01", to: "2024-06-30" }));
    expect(s.itemsTotal).toBe(7);
    expect(Object.fromEntries(s.itemsByColumn.map((c) => [c.columnSlug, c.items]))).toEqual({ "cai-cach-hanh-chinh": 3, "thu-tuc-hanh-chinh-moi": 2, "chuyen-doi-so": 1, "tin-hoat-dong": 1 });
    expect(s.broadcasts.count).toBe(50);
    expect(s.broadcasts.minutes).toBe(750);
    expect(s.signage.installed).toBe(19);
    expect(s.signage.standing).toBe(7);
    expect(s.signage.byPlace.map((p) => p.place)).toEqual(["Cổng UBND xã", "Ngã tư chợ Minh Tiến", "Trục đường chính các thôn"]);
    expect(s.conferences).toMatchObject({ count: 2, attendees: 107 });

    const api = await comms.get(`/api/v1/communications/summary?agency=${DEMO_COMMUNE_CODE}&from=2024-01-01&to=2024-06-30`);
    expect(api.statusCode, api.body).toBe(200);
    expect(api.json()).toEqual(JSON.parse(JSON.stringify(s)));
    const reversed = await comms.get(`/api/v1/communications/summary?agency=${DEMO_COMMUNE_CODE}&from=2024-06-30&to=2024-01-01`);
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error.details[0].message).toBe("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.");
    const other = await comms.get("/api/v1/communications/summary?agency=000.00.00.H01&from=2024-01-01&to=2024-06-30");
    expect(other.statusCode).toBe(404);
    expect((await (await newClient(t.app)).get(`/api/v1/communications/summary?agency=${DEMO_COMMUNE_CODE}&from=2024-01-01&to=2024-06-30`)).statusCode).toBe(401);
    const page = await comms.get("/staff/communications/summary?from=2024-01-01&to=2024-06-30");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Trục đường chính các thôn");
  });
});
