import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearCalendarCache, computeAgencyDeadline, getAgencyCalendar } from "../../src/modules/calendar/service";
import { createTestApp, newClient, signIn, type TestApp } from "../support/app";

const COMMUNE = "000.00.25.H12";
let t: TestApp;
let communeId: number;
let otherCommune: { id: number; code: string };

beforeAll(async () => {
  t = await createTestApp();
  communeId = (await t.tdb.db.system((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [COMMUNE]))).id;
  otherCommune = await t.tdb.db.system((tx) =>
    tx.one<{ id: number; code: string }>("select id, code from agencies where kind = 'commune' and id <> $1 and not is_demo order by id limit 1", [communeId]),
  );
});
afterAll(async () => {
  await t?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: assertions walk arbitrary response JSON
async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await t.app.inject({ method: "GET", url });
  return { status: res.statusCode, body: res.json() };
}

const SCHEDULE_2027 = {
  document: { number: "99/TB-BNV", title: "Thông báo nghỉ lễ năm 2027 (thử)", date: "2026-11-20", issuer: "Bộ Nội vụ" },
  daysOff: [
    { date: "2027-01-01", reason: "new_year" },
    { date: "2027-02-05", reason: "tet" },
    { date: "2027-02-08", reason: "tet" },
    { date: "2027-02-09", reason: "tet" },
    { date: "2027-02-10", reason: "tet" },
    { date: "2027-02-11", reason: "tet" },
    { date: "2027-03-08", reason: "other", label: { vi: "Ngày lễ thử nghiệm", en: "Test holiday" } },
    { date: "2027-04-16", reason: "hung_kings" },
    { date: "2027-04-30", reason: "victory_day" },
    { date: "2027-05-03", reason: "compensatory" },
    { date: "2027-09-02", reason: "national_day" },
    { date: "2027-09-03", reason: "national_day" },
  ],
  workingDays: [{ date: "2027-02-13", reason: "Làm bù" }],
};

describe("public calendar API", () => {
  it("lists days with the holiday or rule that makes them off", async () => {
    const r = await getJson(`/api/v1/calendar/${COMMUNE}/days?from=2026-02-13&to=2026-02-23`);
    expect(r.status).toBe(200);
    const days = r.body.days as { date: string; working: boolean; reason?: string; reasonCode?: string }[];
    expect(days).toHaveLength(11);
    expect(days.filter((d) => !d.working).map((d) => d.date)).toEqual([
      "2026-02-14",
      "2026-02-15",
      "2026-02-16",
      "2026-02-17",
      "2026-02-18",
      "2026-02-19",
      "2026-02-20",
      "2026-02-21",
      "2026-02-22",
    ]);
    expect(days[3]).toMatchObject({ date: "2026-02-16", reason: "Tết Nguyên đán", reasonCode: "tet" });
    expect(days[1]).toMatchObject({ reason: "Thứ Bảy", reasonCode: "saturday" });
    expect(days[0]).toMatchObject({ date: "2026-02-13", working: true });
    const en = await getJson(`/api/v1/calendar/${COMMUNE}/days?from=2026-02-16&to=2026-02-16&lang=en`);
    expect(en.body.days[0].reason).toBe("Lunar New Year (Tết)");
    // The make-up Saturday of the shipped 2026 schedule is worked.
    const makeUp = await getJson(`/api/v1/calendar/${COMMUNE}/days?from=2026-01-10&to=2026-01-10`);
    expect(makeUp.body.days[0]).toMatchObject({ working: true, reasonCode: "make_up" });
  });

  it("computes a deadline across Tết and lists the skipped days", async () => {
    const r = await getJson(`/api/v1/calendar/${COMMUNE}/deadline?start=2026-02-13T09:00:00%2B07:00&amount=1&unit=working_days`);
    expect(r.status).toBe(200);
    expect(r.body.due).toBe("2026-02-23T09:00:00+07:00");
    expect(r.body.skipped).toHaveLength(9);
    expect(r.body.skipped[2]).toEqual({ date: "2026-02-16", reason: "Tết Nguyên đán", reasonCode: "tet" });
    const hours = await getJson(`/api/v1/calendar/${COMMUNE}/deadline?start=2026-03-02T09:00&amount=8&unit=working_hours`);
    expect(hours.body.due).toBe("2026-03-03T09:30:00+07:00");
    const cal = await getJson(`/api/v1/calendar/${COMMUNE}/deadline?start=2026-03-02T09:00Z&amount=5&unit=calendar_days`);
    expect(cal.status).toBe(200);
    expect(cal.body.due).toMatch(/\+07:00$/);
  });

  it("converts between solar and lunar dates", async () => {
    expect((await getJson("/api/v1/calendar/lunar?date=2026-02-17")).body).toEqual({ day: 1, month: 1, year: 2026, leap: false });
    expect((await getJson("/api/v1/calendar/solar?year=2026&month=1&day=1")).body).toEqual({ date: "2026-02-17" });
    // 2025 has a leap 6th month.
    const leap = await getJson("/api/v1/calendar/solar?year=2025&month=6&day=1&leap=true");
    expect(leap.status).toBe(200);
    expect((await getJson(`/api/v1/calendar/lunar?date=${leap.body.date}`)).body).toEqual({ day: 1, month: 6, year: 2025, leap: true });
  });

  it.each([
    ["/api/v1/calendar/lunar?date=2025-02-30", 400, "Ngày không tồn tại"],
    ["/api/v1/calendar/lunar?date=hôm-nay", 400, "YYYY-MM-DD"],
    ["/api/v1/calendar/lunar", 400, ""],
    ["/api/v1/calendar/lunar?date=1800-01-01", 400, "1900"],
    ["/api/v1/calendar/solar?year=2026&month=6&day=1&leap=true", 400, "Ngày âm lịch không tồn tại"],
    ["/api/v1/calendar/solar?year=2026&month=2&day=31", 400, "Ngày âm lịch không tồn tại"],
    ["/api/v1/calendar/solar?year=abc&month=2&day=1", 400, ""],
    [`/api/v1/calendar/${COMMUNE}/days?from=2026-01-01&to=2029-06-01`, 400, "tối đa là 3 năm"],
    [`/api/v1/calendar/${COMMUNE}/days?from=2026-03-01&to=2026-02-01`, 400, "Ngày kết thúc"],
    [`/api/v1/calendar/${COMMUNE}/days?from=2026-02-29&to=2026-03-01`, 400, "Ngày không tồn tại"],
    [`/api/v1/calendar/${COMMUNE}/deadline?start=2026-03-02T09:00&amount=-1&unit=working_days`, 400, "số nguyên không âm"],
    [`/api/v1/calendar/${COMMUNE}/deadline?start=2026-03-02T09:00&amount=1.5&unit=working_days`, 400, "số nguyên không âm"],
    [`/api/v1/calendar/${COMMUNE}/deadline?start=2026-03-02T09:00&amount=99999999&unit=working_days`, 400, "vượt quá"],
    [`/api/v1/calendar/${COMMUNE}/deadline?start=2026-03-02T09:00&amount=1e400&unit=working_days`, 400, ""],
    [`/api/v1/calendar/${COMMUNE}/deadline?start=2026-03-02T09:00&amount=3&unit=weeks`, 400, "Đơn vị thời hạn"],
    [`/api/v1/calendar/${COMMUNE}/deadline?start=2026-02-30T09:00&amount=3&unit=working_days`, 400, "Thời điểm không hợp lệ"],
    [`/api/v1/calendar/${COMMUNE}/deadline?start=2100-12-31T16:00&amount=365&unit=working_days`, 400, ""],
    ["/api/v1/calendar/KHONG-CO/days?from=2026-01-01&to=2026-01-02", 404, "Không tìm thấy cơ quan"],
    ["/api/v1/calendar/KHONG-CO/deadline?start=2026-03-02T09:00&amount=1&unit=working_days", 404, "Không tìm thấy cơ quan"],
  ])("%s → %i", async (url, status, text) => {
    const r = await getJson(url);
    expect(r.status).toBe(status);
    expect(r.body.error.message).toContain(text);
  });

  it("answers in English with ?lang=en", async () => {
    const r = await getJson("/api/v1/calendar/lunar?date=2025-02-30&lang=en");
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain("This date does not exist");
    const u = await getJson(`/api/v1/calendar/${COMMUNE}/deadline?start=2026-03-02T09:00&amount=3&unit=weeks&lang=en`);
    expect(u.body.error.message).toContain("Unknown time-limit unit");
  });

  it("is described in the OpenAPI document", async () => {
    const doc = (await getJson("/api/v1/openapi.json")).body;
    for (const p of ["/api/v1/calendar/{agencyCode}/days", "/api/v1/calendar/{agencyCode}/deadline", "/api/v1/calendar/lunar", "/api/v1/calendar/solar", "/api/v1/calendar/schedules/{year}"]) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(doc.paths["/api/v1/calendar/schedules/{year}"].put).toBeDefined();
  });
});

describe("schedules entered by an administrator", () => {
  it("refuses anonymous and non-admin callers", async () => {
    expect((await t.app.inject({ method: "GET", url: "/api/v1/calendar/schedules/2027" })).statusCode).toBe(401);
    const desk = await signIn(t.app, "demo-desk");
    expect((await desk.json("PUT", "/api/v1/calendar/schedules/2027", SCHEDULE_2027)).statusCode).toBe(403);
  });

  it("changes computed days and deadlines at once (cache invalidated) and audits the change", async () => {
    const admin = await signIn(t.app, "demo-admin");
    const before = await admin.json("GET", "/api/v1/calendar/schedules/2027");
    expect(before.json()).toMatchObject({ year: 2027, source: "default" });
    // Warm the cache with the default rules.
    const day = await getJson(`/api/v1/calendar/${COMMUNE}/days?from=2027-03-08&to=2027-03-08`);
    expect(day.body.days[0].working).toBe(true);
    const dl = await getJson(`/api/v1/calendar/${COMMUNE}/deadline?start=2027-03-05T09:00&amount=1&unit=working_days`);
    expect(dl.body.due).toBe("2027-03-08T09:00:00+07:00");

    const put = await admin.json("PUT", "/api/v1/calendar/schedules/2027", SCHEDULE_2027);
    expect(put.statusCode).toBe(200);
    const after = await getJson(`/api/v1/calendar/${COMMUNE}/days?from=2027-03-08&to=2027-03-08`);
    expect(after.body.days[0]).toMatchObject({ working: false, reason: "Ngày lễ thử nghiệm", reasonCode: "other" });
    const dl2 = await getJson(`/api/v1/calendar/${COMMUNE}/deadline?start=2027-03-05T09:00&amount=1&unit=working_days`);
    expect(dl2.body.due).toBe("2027-03-09T09:00:00+07:00");
    const read = (await admin.json("GET", "/api/v1/calendar/schedules/2027")).json();
    expect(read).toMatchObject({ source: "agency", agencyCode: COMMUNE, schedule: { document: { number: "99/TB-BNV" } } });

    const audit = await t.tdb.db.system((tx) => tx.query<{ action: string }>("select action from audit_log where entity = 'calendar_schedule' order by id"));
    expect(audit.map((a) => a.action)).toEqual(["calendar.schedule.create"]);

    // Removing it brings the default rules back.
    expect((await admin.json("DELETE", "/api/v1/calendar/schedules/2027", {})).statusCode).toBe(204);
    expect((await getJson(`/api/v1/calendar/${COMMUNE}/days?from=2027-03-08&to=2027-03-08`)).body.days[0].working).toBe(true);
    expect((await admin.json("DELETE", "/api/v1/calendar/schedules/2027", {})).statusCode).toBe(404);
  });

  it("sees a change made by another app instance (version row), and inherits a province schedule", async () => {
    const province = await t.tdb.db.system((tx) => tx.one<{ parent_id: number }>("select parent_id from agencies where id = $1", [communeId]));
    await t.tdb.db.system((tx) => getAgencyCalendar(tx, communeId)); // cached in this process
    // Another instance enters a province-wide schedule: only the database changes.
    await t.tdb.db.system(async (tx) => {
      await tx.exec(
        `insert into calendar_schedules (agency_id, year, schedule, document_number, document_date, document_issuer)
         values ($1, 2028, $2, '1/TB-UBND', '2027-12-01', 'UBND tỉnh')`,
        [province.parent_id, JSON.stringify({ year: 2028, verification: "official_text", ...SCHEDULE_2027, workingDays: [], daysOff: [{ date: "2028-03-08", reason: "other", label: { vi: "Ngày lễ tỉnh", en: "Province day" } }] })],
      );
      await tx.exec("insert into calendar_versions (agency_id) values ($1) on conflict (agency_id) do update set version = calendar_versions.version + 1", [province.parent_id]);
    });
    const r = await t.tdb.db.system((tx) => computeAgencyDeadline(tx, { agencyId: communeId, start: new Date("2028-03-07T02:00:00Z"), amount: 1, unit: "working_days" }));
    expect(r.due).toBe("2028-03-09T09:00:00+07:00");
    expect(r.dueAt.toISOString()).toBe("2028-03-09T02:00:00.000Z");
    expect(r.skipped.map((s) => s.date)).toEqual(["2028-03-08"]);
    const admin = await signIn(t.app, "demo-admin");
    expect((await admin.json("GET", "/api/v1/calendar/schedules/2028")).json()).toMatchObject({ source: "inherited" });
    clearCalendarCache();
  });

  it("a province-level schedule (system administrator) applies to its communes unless they enter their own", async () => {
    const sys = await signIn(t.app, "demo-sysadmin");
    const schedule2030 = {
      ...SCHEDULE_2027,
      daysOff: [{ date: "2030-03-08", reason: "other", label: { vi: "Ngày lễ của tỉnh", en: "Province holiday" } }],
      workingDays: [],
    };
    expect((await sys.json("PUT", "/api/v1/calendar/schedules/2030", schedule2030)).statusCode).toBe(200);
    const day = await getJson(`/api/v1/calendar/${COMMUNE}/days?from=2030-03-08&to=2030-03-08`);
    expect(day.body.days[0]).toMatchObject({ working: false, reason: "Ngày lễ của tỉnh" });
    // A commune of another province is not affected.
    const far = await t.tdb.db.system((tx) =>
      tx.one<{ code: string }>("select a.code from agencies a join agencies p on p.id = a.parent_id where a.kind = 'commune' and a.parent_id <> (select parent_id from agencies where id = $1) limit 1", [communeId]),
    );
    expect((await getJson(`/api/v1/calendar/${far.code}/days?from=2030-03-08&to=2030-03-08`)).body.days[0].working).toBe(true);
    // The commune's own schedule wins over the province's.
    const admin = await signIn(t.app, "demo-admin");
    expect((await admin.json("GET", "/api/v1/calendar/schedules/2030")).json()).toMatchObject({ source: "inherited" });
    expect((await admin.json("PUT", "/api/v1/calendar/schedules/2030", { ...schedule2030, daysOff: [] })).statusCode).toBe(200);
    expect((await getJson(`/api/v1/calendar/${COMMUNE}/days?from=2030-03-08&to=2030-03-08`)).body.days[0].working).toBe(true);
    const audit = await t.tdb.db.system((tx) => tx.query<{ agency_id: number }>("select agency_id from audit_log where entity = 'calendar_schedule' and entity_id like '%:2030'"));
    expect(audit).toHaveLength(2);
  });

  it("rejects a bad schedule with clear messages and saves nothing", async () => {
    const admin = await signIn(t.app, "demo-admin");
    const bad = await admin.json("PUT", "/api/v1/calendar/schedules/2027", {
      ...SCHEDULE_2027,
      daysOff: [{ date: "2027-02-30", reason: "tet" }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain("Ngày không tồn tại");
    const wrongYear = await admin.json("PUT", "/api/v1/calendar/schedules/2027", {
      ...SCHEDULE_2027,
      daysOff: [
        { date: "2026-05-01", reason: "labour_day" },
        { date: "2027-05-01", reason: "labour_day" },
        { date: "2027-05-01", reason: "labour_day" },
      ],
    });
    expect(wrongYear.statusCode).toBe(400);
    const messages = (wrongYear.json().error.details as { message: string }[]).map((d) => d.message).join(" | ");
    expect(messages).toContain("Ngày không thuộc năm của lịch nghỉ");
    expect(messages).toContain("Ngày bị khai báo hai lần");
    expect((await admin.json("PUT", "/api/v1/calendar/schedules/abc", SCHEDULE_2027)).statusCode).toBe(400);
    expect((await admin.json("PUT", "/api/v1/calendar/schedules/2027", { nonsense: true })).statusCode).toBe(400);
    const n = await t.tdb.db.system((tx) => tx.one<{ n: number }>("select count(*)::int as n from calendar_schedules where year = 2027"));
    expect(n.n).toBe(0);
  });
});

describe("office settings", () => {
  it("a Saturday-morning desk receives on Saturday 07:30–11:30 and deadlines use it", async () => {
    const admin = await signIn(t.app, "demo-admin");
    const put = await admin.json("PUT", `/api/v1/calendar/${COMMUNE}/office`, {
      workingWeekdays: [1, 2, 3, 4, 5],
      hours: [
        { start: "07:30", end: "11:30" },
        { start: "13:30", end: "17:00" },
      ],
      saturdayMorningOnly: true,
    });
    expect(put.statusCode).toBe(200);
    const sat = await getJson(`/api/v1/calendar/${COMMUNE}/days?from=2026-03-07&to=2026-03-07`);
    expect(sat.body.days[0]).toMatchObject({ working: true, hours: [{ start: "07:30", end: "11:30" }] });
    const dl = await getJson(`/api/v1/calendar/${COMMUNE}/deadline?start=2026-03-06T16:00&amount=4&unit=working_hours`);
    expect(dl.body.due).toBe("2026-03-07T10:30:00+07:00");
    const office = await getJson(`/api/v1/calendar/${COMMUNE}/office`);
    expect(office.body).toMatchObject({ saturdayMorningOnly: true, timeZone: "Asia/Ho_Chi_Minh" });
    const audit = await t.tdb.db.system((tx) => tx.query<{ action: string }>("select action from audit_log where action = 'calendar.office.update'"));
    expect(audit).toHaveLength(1);
    // Back to Monday–Friday.
    await admin.json("PUT", `/api/v1/calendar/${COMMUNE}/office`, { workingWeekdays: [1, 2, 3, 4, 5], hours: [{ start: "07:30", end: "11:30" }, { start: "13:30", end: "17:00" }] });
    expect((await getJson(`/api/v1/calendar/${COMMUNE}/days?from=2026-03-07&to=2026-03-07`)).body.days[0].working).toBe(false);
  });

  it("rejects invalid settings in vi and en", async () => {
    const admin = await signIn(t.app, "demo-admin");
    const bad = await admin.json("PUT", `/api/v1/calendar/${COMMUNE}/office`, { workingWeekdays: [1, 8], hours: [{ start: "13:00", end: "11:00" }], dossierCodePattern: "{agencyCode}-{ngay}" });
    expect(bad.statusCode).toBe(400);
    const text = JSON.stringify(bad.json());
    expect(text).toContain("Ngày làm việc trong tuần");
    expect(text).toContain("Giờ làm việc phải tăng dần");
    expect(text).toContain("số thứ tự");
    const en = await admin.json("PUT", `/api/v1/calendar/${COMMUNE}/office?lang=en`, { workingWeekdays: [1], hours: [{ start: "7h", end: "11:00" }] });
    expect(en.json().error.message).toContain("Time must be formatted HH:MM");
  });

  it("a commune admin cannot change another commune's office settings", async () => {
    const admin = await signIn(t.app, "demo-admin");
    const res = await admin.json("PUT", `/api/v1/calendar/${otherCommune.code}/office`, { workingWeekdays: [1, 2, 3, 4, 5, 6], hours: [{ start: "07:00", end: "17:00" }] });
    expect(res.statusCode).toBe(404);
    const office = await t.tdb.db.system((tx) => tx.one<{ office: unknown }>("select office from agencies where id = $1", [otherCommune.id]));
    expect(JSON.stringify(office.office)).not.toContain("07:00");
    const versions = await t.tdb.db.system((tx) => tx.query("select 1 from calendar_versions where agency_id = $1", [otherCommune.id]));
    expect(versions).toHaveLength(0);
  });
});

describe("staff calendar page", () => {
  it("shows the year as 12 accessible month tables with a legend", async () => {
    const desk = await signIn(t.app, "demo-desk");
    const res = await desk.get("/staff/calendar?year=2026");
    expect(res.statusCode).toBe(200);
    expect(res.body.match(/<caption>/g)).toHaveLength(12);
    expect(res.body).toContain("<caption>Tháng 2 năm 2026</caption>");
    expect(res.body).toContain('<th scope="col">');
    expect(res.body).toMatch(/class="cal-off">16<small>Tết Nguyên đán<\/small>/);
    expect(res.body).toMatch(/class="cal-makeup">10<small>Làm bù<\/small>/);
    expect(res.body).toContain("Chú thích");
    expect(res.body).toContain("12729/VPCP-KGVX");
    expect(res.body).not.toContain('action="/staff/calendar/schedule');
    expect(Buffer.byteLength(res.body)).toBeLessThan(30_000);
    expect((await desk.get("/staff/calendar?year=abc")).statusCode).toBe(400);
    const anon = await newClient(t.app);
    expect((await anon.get("/staff/calendar")).statusCode).toBe(303);
  });

  it("lets the admin mark a day off with the form and see it, and edit office settings", async () => {
    const admin = await signIn(t.app, "demo-admin");
    const page = await admin.get("/staff/calendar?year=2029");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('action="/staff/calendar/schedule?year=2029"');
    const daysOff = /<textarea id="f-daysOff"[^>]*>([\s\S]*?)<\/textarea>/.exec(page.body)![1]!.replace(/&#x?[0-9a-f]+;/gi, "");
    expect(daysOff).toContain("2029-01-01 new_year");
    const bad = await admin.post("/staff/calendar/schedule?year=2029", { docNumber: "", docTitle: "x", docDate: "2029-02-30", docIssuer: "UBND", daysOff: "2029-05-19 nonsense", workingDays: "" });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("Dòng 1: lý do không hợp lệ");
    expect(bad.body).toContain("Ngày không tồn tại");
    const ok = await admin.post("/staff/calendar/schedule?year=2029", {
      docNumber: "15/QĐ-UBND",
      docTitle: "Quyết định nghỉ lễ 2029",
      docDate: "2028-12-01",
      docIssuer: "UBND tỉnh Thái Nguyên",
      daysOff: `${daysOff}\n2029-05-18 other Ngày hội xã | Commune festival`,
      workingDays: "2029-05-26 Làm bù cho thứ Sáu 18/5",
    });
    expect(ok.statusCode).toBe(303);
    const after = await admin.get("/staff/calendar?year=2029");
    expect(after.body).toMatch(/class="cal-off">18<small>Ngày hội xã<\/small>/);
    expect(after.body).toMatch(/class="cal-makeup">26<small>Làm bù<\/small>/);
    expect(after.body).toContain("15/QĐ-UBND");
    expect(after.body).toContain("2029-05-18 other Ngày hội xã | Commune festival");
    const en = await getJson(`/api/v1/calendar/${COMMUNE}/days?from=2029-05-18&to=2029-05-18&lang=en`);
    expect(en.body.days[0].reason).toBe("Commune festival");

    // Per-weekday hours set through the API survive a save from the page.
    await admin.json("PUT", `/api/v1/calendar/${COMMUNE}/office`, {
      workingWeekdays: [1, 2, 3, 4, 5],
      hours: [{ start: "07:30", end: "11:30" }, { start: "13:30", end: "17:00" }],
      hoursByWeekday: { "5": [{ start: "07:30", end: "11:30" }] },
    });
    const office = await admin.post("/staff/calendar/office?year=2029", { weekday: "1", hours: "07:30-11:30, 13:30-17:00", saturdayMorning: "1", receiptCutoff: "16:00", dossierCodePattern: "" });
    expect(office.statusCode).toBe(303);
    const stored = await t.tdb.db.system((tx) => tx.one<{ office: Record<string, unknown> }>("select office from agencies where id = $1", [communeId]));
    expect(stored.office).toMatchObject({ workingWeekdays: [1], saturdayMorningOnly: true, receiptCutoff: "16:00", hoursByWeekday: { "5": [{ start: "07:30", end: "11:30" }] } });
    const badOffice = await admin.post("/staff/calendar/office?year=2029", { hours: "sáng", receiptCutoff: "" });
    expect(badOffice.statusCode).toBe(400);
    expect(badOffice.body).toContain("Giờ làm việc phải có dạng");
  });
});
