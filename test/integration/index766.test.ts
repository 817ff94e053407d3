import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { judgeDossier21 } from "../../src/domain/indexes/qd766";
import type { Scope, Tx } from "../../src/db/scope";
import { backupDatabase, restoreDatabase } from "../../src/modules/backup/backup";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { generateDossiers } from "../../src/modules/dossiers/demo";
import { dossierStatistics } from "../../src/modules/dossiers/statistics";
import { indexFigures } from "../../src/modules/feedback/indicators";
import { DOSSIER_LISTS, type DossierListCode, listIndexAnnouncements, listIndexDossiers, listIndexProcedures, PROCEDURE_LISTS, type ProcedureListCode, SIDES } from "../../src/modules/indexes/qd766-lists";
import { computeIndex766, type Index766, rankCommunes766, refreshIndex766 } from "../../src/modules/indexes/qd766-service";
import { registeredJobs } from "../../src/jobs/queue";
import { type Client, createTestApp, signIn, type TestApp } from "../support/app";

// Issue 15: the QĐ 766 index computed live. A hand-worked commune checks every dossier rule
// (supplement time, more than one supplement, open at the period's end); a province is the sum
// of its communes; every figure's records are exactly as many as it counts; bad input is a 400.

let t: TestApp;
let provinceId: number;
let provinceCode: string;
let hand: { id: number; code: string };
let siblings: number[];
let demoId: number;
let leader: Client;
let supervisor: Client;

const scopeOf = (id: number): Scope => ({ agencyIds: [id], userId: null });
const Y = new Date().getUTCFullYear() - 1;
const MARCH = { from: `${Y}-03-01`, to: `${Y}-03-31` };
const at = (md: string) => new Date(`${Y}-${md}+07:00`);

type D = { code: string; received: string; due?: string; finished?: string; closed?: string; supp?: number; channel?: string; level?: string; status?: string; procedure?: string; year?: number };

async function dossier(tx: Tx, agencyId: number, d: D): Promise<number> {
  const status = d.status ?? (d.finished ? "returned" : "in_progress");
  const when = (md: string) => (d.year ? new Date(`${d.year}-${md}+07:00`) : at(md));
  const r = await tx.one<{ id: number }>(
    `insert into dossiers (agency_id, code, procedure_code, procedure_name, channel, status, applicant_full_name, applicant_id_number, applicant_phone,
       submitted_at, received_at, due_at, finished_at, closed_at, supplement_count, online_level)
     values ($1, $2, $11, 'Đăng ký khai sinh', $3, $4, 'Người nộp', '', '0900000000', $5, $5, $6, $7, $8, $9, $10) returning id`,
    [agencyId, d.code, d.channel ?? "in_person", status, when(d.received), d.due ? when(d.due) : null, d.finished ? when(d.finished) : null, d.closed ? when(d.closed) : d.finished ? when(d.finished) : null, d.supp ?? 0, d.level ?? "none", d.procedure ?? "1.001193"],
  );
  return r.id;
}

async function attachment(tx: Tx, agencyId: number, dossierId: number, kind: string): Promise<number> {
  return (
    await tx.one<{ id: number }>(
      `insert into dossier_attachments (agency_id, dossier_id, kind, document_name, file_name, content_type, size, sha256, storage_path)
       values ($1, $2, $3, 'Tờ khai', 'to-khai.pdf', 'application/pdf', 100, $4, 'test/x') returning id`,
      [agencyId, dossierId, kind, "a".repeat(64)],
    )
  ).id;
}

const figure = (index: Index766, code: string) => index.indicators.find((i) => i.code === code)!;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.tdb.db;
  const demo = await db.system((tx) => tx.one<{ id: number; parent_id: number }>("select id, parent_id from agencies where code = $1", [DEMO_COMMUNE_CODE]));
  demoId = demo.id;
  provinceId = demo.parent_id;
  provinceCode = (await db.system((tx) => tx.one<{ code: string }>("select coalesce(gso_code, code) as code from agencies where id = $1", [provinceId]))).code;
  const others = await db.system((tx) => tx.query<{ id: number; code: string }>("select id, code from agencies where parent_id = $1 and kind = 'commune' and id <> $2 order by id limit 3", [provinceId, demo.id]));
  hand = others[0]!;
  siblings = others.slice(1).map((o) => o.id);
  await db.system((tx) => generateDossiers(tx, { agencyIds: siblings, perAgency: 80, days: 500, seed: 15 }));

  // The hand-worked commune, March of last year (comments: what each dossier counts for).
  await db.system(async (tx) => {
    const a = hand.id;
    // D1 online, fully online procedure, finished before the appointment: 2.1 on time; paid online; documents + e-result: digitised; rated "Không hài lòng" (5.4 complained).
    const d1 = await dossier(tx, a, { code: "IDX-D1", received: "03-02T09:00:00", due: "03-10T17:00:00", finished: "03-09T10:00:00", channel: "online", level: "full" });
    // D2 the appointment moved by the 4 days waited for a supplement (due 09/03 → 13/03), finished 12/03: on time.
    const d2 = await dossier(tx, a, { code: "IDX-D2", received: "03-03T09:00:00", due: "03-13T17:00:00", finished: "03-12T10:00:00", supp: 1 });
    // D3 two supplement requests: late although finished before the appointment. Fully online procedure, submitted in person.
    await dossier(tx, a, { code: "IDX-D3", received: "03-04T09:00:00", due: "03-20T17:00:00", finished: "03-15T10:00:00", supp: 2, level: "full" });
    // D4 finished after the appointment: late.
    await dossier(tx, a, { code: "IDX-D4", received: "03-05T09:00:00", due: "03-10T17:00:00", finished: "03-11T08:00:00" });
    // D5 open at the end of March, due in April: in progress, on time.
    await dossier(tx, a, { code: "IDX-D5", received: "03-20T09:00:00", due: "04-05T17:00:00", channel: "online" });
    // D6 finished in April, due 25/03: open at March's end and past its appointment → late.
    await dossier(tx, a, { code: "IDX-D6", received: "03-10T09:00:00", due: "03-25T17:00:00", finished: "04-02T09:00:00" });
    // D7 carried over from February, finished in March on time.
    await dossier(tx, a, { code: "IDX-D7", received: "02-20T09:00:00", due: "03-05T17:00:00", finished: "03-03T09:00:00" });
    // D8 withdrawn during March: received (3.3), not handled (2.1), not in 5.4.
    await dossier(tx, a, { code: "IDX-D8", received: "03-25T09:00:00", closed: "03-26T09:00:00", status: "withdrawn" });
    // D9 received and finished in February: not in March at all.
    await dossier(tx, a, { code: "IDX-D9", received: "02-01T09:00:00", due: "02-10T17:00:00", finished: "02-09T09:00:00" });

    await tx.exec("insert into dossier_fees (dossier_id, agency_id, status, amount_vnd, due) values ($1, $3, 'due', 8000, 'submission'), ($2, $3, 'due', 8000, 'submission')", [d1, d2, a]);
    await tx.exec("insert into payments (agency_id, dossier_id, txn_ref, channel, amount_vnd, status, created_label, paid_at) values ($1, $2, 'IDXTEST0001', 'vnpay', 8000, 'paid', 'test', now())", [a, d1]);
    await attachment(tx, a, d1, "document");
    await attachment(tx, a, d2, "document");
    const result = await attachment(tx, a, d1, "result");
    await tx.exec(
      `insert into e_results (public_id, agency_id, dossier_id, attachment_id, document_name, sha256, source, signer_kind, signer_name, certificate_subject, certificate_serial, certificate_issuer)
       values ('idxtest-eresult-0001', $1, $2, $3, 'Giấy khai sinh', $4, 'uploaded', 'p12', 'Chủ tịch', 'CN=Chủ tịch', '01', 'CN=CA')`,
      [a, d1, result, "b".repeat(64)],
    );
    await tx.exec(
      `insert into dossier_ratings (agency_id, dossier_id, procedure_code, procedure_name, overall, item1, item2, item3, item4, item5, item6, item7, item8, item9, channel)
       values ($1, $2, '1.001193', 'Đăng ký khai sinh', 'dissatisfied', 0, 0, 0, 0, 0, 0, 0, 0, 0, 'online')`,
      [a, d1],
    );
  });
  leader = await signIn(t.app, "demo-leader");
  supervisor = await signIn(t.app, "demo-province");
}, 240_000);
afterAll(async () => {
  await t?.close();
});

describe("keeping the counters current", () => {
  it("a change marks its agency; the job rebuilds it and clears the mark", async () => {
    const db = t.tdb.db;
    const dirty = await db.system((tx) => tx.query<{ agency_id: number }>("select agency_id from index766_dirty"));
    expect(dirty.map((d) => d.agency_id)).toEqual(expect.arrayContaining([hand.id, ...siblings]));
    expect(await refreshIndex766(db)).toBeGreaterThanOrEqual(3);
    expect(await db.system((tx) => tx.query("select agency_id from index766_dirty"))).toEqual([]);
    const state = await db.system((tx) => tx.maybeOne<{ refreshed_at: Date }>("select refreshed_at from index766_state where agency_id = $1", [hand.id]));
    expect(state?.refreshed_at).toBeInstanceOf(Date);
  });
});

describe("1.1 and 1.2 for the province: its announcements", () => {
  it("announced at least 5 working days before taking effect (1.1) and published within 5 working days of the decision (1.2)", async () => {
    const db = t.tdb.db;
    await db.system(async (tx) => {
      const proc = await tx.one<{ id: number; code: string; name: string }>("select id, code, name from procedures order by id limit 1");
      const add = (decision: string, effective: string, published: string) =>
        tx.exec(
          `insert into catalog_announcements (agency_id, kind, procedure_id, procedure_code, procedure_name, title, summary, decision_number, decision_date, effective_on, published_at)
           values ($1, 'amended', $2, $3, $4, 'Sửa đổi', 'Sửa đổi thủ tục', '1/QĐ-UBND', $5, $6, $7)`,
          [provinceId, proc.id, proc.code, proc.name, `${Y}-${decision}`, `${Y}-${effective}`, at(published)],
        );
      // On time both ways: decided 01/03, in force 31/03, published the next day.
      await add("03-01", "03-31", "03-02T09:00:00");
      // Late both ways: in force two days after the decision, published 18 days after it.
      await add("03-10", "03-12", "03-28T09:00:00");
    });
    await refreshIndex766(db);
    const province = await db.system((tx) => computeIndex766(tx, { agency: provinceId, ...MARCH }));
    expect(figure(province, "1.1")).toMatchObject({ numerator: 1, denominator: 2, points: 3, status: "ok" });
    expect(figure(province, "1.2")).toMatchObject({ numerator: 1, denominator: 2, points: 2, status: "ok" });
    // Their records: the announcements, as many as each number counts, opened from the province's page.
    for (const code of ["1.1", "1.2"] as const) {
      for (const side of SIDES) {
        const list = await db.system((tx) => listIndexAnnouncements(tx, { provinceId, code, side, ...MARCH, limit: 50, offset: 0 }));
        expect(list.total, `${code} ${side}`).toBe(side === "num" ? 1 : 2);
      }
    }
    const page = await supervisor.get(`/staff/indexes/766/records?agency=${provinceCode}&from=${MARCH.from}&to=${MARCH.to}&code=1.1&side=den`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Công bố đúng hạn (1.1)");
    // A commune's figure is not read on the province, nor the province's on a commune.
    expect((await supervisor.get(`/staff/indexes/766/records?agency=${provinceCode}&from=${MARCH.from}&to=${MARCH.to}&code=2.1&side=den`)).statusCode).toBe(400);
    expect((await supervisor.get(`/staff/indexes/766/records?agency=${hand.code}&from=${MARCH.from}&to=${MARCH.to}&code=1.1&side=den`)).statusCode).toBe(400);
  });
});

describe("each indicator on the hand-worked commune (March)", () => {
  let index: Index766;
  beforeAll(async () => {
    await refreshIndex766(t.tdb.db);
    index = await t.tdb.db.scoped(scopeOf(hand.id), (tx) => computeIndex766(tx, { agency: hand.code, ...MARCH }));
  });

  it("2.1: resolved D1 D2 D7 on time, D3 (two supplements) and D4 late; open at the end D5 on time, D6 late → 4 of 7, 11.43 of 20 points", () => {
    expect(figure(index, "2.1")).toMatchObject({ numerator: 4, denominator: 7, points: 11.43, maxPoints: 20, status: "ok" });
  });

  it("2.2 (followed): average days from receipt to finishing of the five resolved", () => {
    const days = [
      [at("03-09T10:00:00"), at("03-02T09:00:00")],
      [at("03-12T10:00:00"), at("03-03T09:00:00")],
      [at("03-15T10:00:00"), at("03-04T09:00:00")],
      [at("03-11T08:00:00"), at("03-05T09:00:00")],
      [at("03-03T09:00:00"), at("02-20T09:00:00")],
    ].reduce((s, [f, r]) => s + (f!.getTime() - r!.getTime()) / 86_400_000, 0);
    expect(figure(index, "2.2")).toMatchObject({ denominator: 5, points: 0, maxPoints: 0, status: "ok" });
    expect(figure(index, "2.2").value).toBeCloseTo(Math.round((days / 5) * 10) / 10);
  });

  it("3.3: 2 of the 7 received in March online → 28.6 %, 2.29 of 4 points (full at 50 %)", () => {
    expect(figure(index, "3.3")).toMatchObject({ numerator: 2, denominator: 7, points: 2.29 });
  });

  it("3.4: of the 2 dossiers of fully online procedures, 1 submitted online", () => {
    expect(figure(index, "3.4")).toMatchObject({ numerator: 1, denominator: 2, points: 2 });
  });

  it("3.6: of the 2 dossiers with a fee, 1 paid online", () => {
    expect(figure(index, "3.6")).toMatchObject({ numerator: 1, denominator: 2, points: 3 });
  });

  it("4.1: of the 5 finished with a result, 1 signed electronically", () => {
    expect(figure(index, "4.1")).toMatchObject({ numerator: 1, denominator: 5, points: 1.2 });
  });

  it("4.2: digitised = documents as files and the e-result when finished: D1 only (D2 finished without e-result) → 1 of 7", () => {
    expect(figure(index, "4.2")).toMatchObject({ numerator: 1, denominator: 7 });
  });

  it("4.3, 4.4: nothing reused from or saved to the applicant's store → 0 of 7, 0 points (a real 0, not no-data)", () => {
    expect(figure(index, "4.3")).toMatchObject({ numerator: 0, denominator: 7, points: 0, status: "ok" });
    expect(figure(index, "4.4")).toMatchObject({ numerator: 0, denominator: 7, points: 0, status: "ok" });
  });

  it("5.4: 6 dossiers (D8 withdrawn left out), overdue D3 D4 D6, complained D1 → 1 − 3/6 − 1/6 = 33 %, 2.22 of 6 (full at 90 %)", () => {
    expect(figure(index, "5.4")).toMatchObject({ numerator: 2, denominator: 6, points: 2.22 });
  });

  it("5.4 and 5.1–5.3 agree with the feedback module's own figures", async () => {
    const fb = await t.tdb.db.scoped(scopeOf(hand.id), (tx) => indexFigures(tx, { agencyId: hand.id, ...MARCH }));
    expect(figure(index, "5.4").value).toBeCloseTo(fb.procedureSatisfaction.rate!);
    expect(figure(index, "5.4").points).toBe(fb.procedureSatisfaction.points);
    // No PAKN in March: nothing to measure, not a made-up 100 %.
    expect(figure(index, "5.2")).toMatchObject({ status: "no-data", points: null });
    expect(figure(index, "5.1")).toMatchObject({ status: "ok", value: 0 });
  });

  it("no data source or not connected: no-data with the reason, no points; province-level 1.1–1.2 not scored for a commune", () => {
    for (const code of ["4.2b", "4.5a", "4.5b"]) expect(figure(index, code)).toMatchObject({ status: "no-data", points: null, value: null });
    expect(figure(index, "1.4").reason?.vi).toContain("Cổng DVCQG");
    expect(figure(index, "1.1").status).toBe("no-data");
    const measured = index.indicators.filter((i) => i.status === "ok");
    expect(index.max).toBe(measured.reduce((s, i) => s + i.maxPoints, 0));
    expect(index.total).toBeCloseTo(measured.reduce((s, i) => s + (i.points ?? 0), 0), 2);
  });

  it("every dossier figure's records are exactly as many as it counts", async () => {
    for (const code of Object.keys(DOSSIER_LISTS) as DossierListCode[]) {
      const f = figure(index, code);
      for (const side of SIDES) {
        if (code === "2.2" && side === "num") continue; // days, not dossiers
        const list = await t.tdb.db.scoped(scopeOf(hand.id), (tx) => listIndexDossiers(tx, { agencyId: hand.id, code, side, ...MARCH, limit: 200, offset: 0 }));
        const expected = f.status === "ok" ? (side === "num" ? f.numerator : f.denominator) : 0;
        if (f.status === "ok") expect(list.total, `${code} ${side}`).toBe(expected);
      }
    }
  });
});

describe("1.4, 3.2, 3.5b on the hand-worked commune", () => {
  it("1.4 once connected: of the 7 received in March, D1 and D2 wholly sent, D3 failed, the rest never sent → 2 of 7", async () => {
    const db = t.tdb.db;
    await db.system(async (tx) => {
      // Switched off again at once, so nothing in this test tries to reach a portal; the rows are what counts.
      await tx.exec(
        `insert into sync_dvcqg_settings (agency_id, enabled, endpoint, username, password_sealed, unit_code, dst_code, mapping)
         values ($1, true, 'http://127.0.0.1:9/portal', 'u', 'sealed', 'U', 'D', '{}')`,
        [hand.id],
      );
      const ids = await tx.query<{ id: number; code: string }>("select id, code from dossiers where agency_id = $1 and code in ('IDX-D1', 'IDX-D2', 'IDX-D3')", [hand.id]);
      for (const d of ids) {
        await tx.exec("insert into sync_dvcqg_outbox (agency_id, dossier_id, status, sent_at) values ($1, $2, $3, now())", [hand.id, d.id, d.code === "IDX-D3" ? "failed" : "sent"]);
      }
    });
    await refreshIndex766(db);
    const index = await db.scoped(scopeOf(hand.id), (tx) => computeIndex766(tx, { agency: hand.id, ...MARCH }));
    expect(figure(index, "1.4")).toMatchObject({ numerator: 2, denominator: 7, points: 1.71, status: "ok" });
    const list = await db.scoped(scopeOf(hand.id), (tx) => listIndexDossiers(tx, { agencyId: hand.id, code: "1.4", side: "num", ...MARCH, limit: 50, offset: 0 }));
    expect(list.items.map((d) => d.code).sort()).toEqual(["IDX-D1", "IDX-D2"]);
    await db.system((tx) => tx.exec("update sync_dvcqg_settings set enabled = false where agency_id = $1", [hand.id]));
  });

  it("3.2 and 3.5b count procedures: an online procedure with an online dossier this year, paid online", async () => {
    const db = t.tdb.db;
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const THIS = { from: `${today.slice(0, 4)}-01-01`, to: today };
    // A procedure the commune offers online, in force now, with a fee if there is one.
    const p = await db.system((tx) =>
      tx.one<{ code: string; fee: boolean }>(
        `select p.code, v.qd766_fee as fee from agency_offering($1) ao join procedures p on p.id = ao.procedure_id
         cross join lateral (select pv.qd766_fee from procedure_versions pv where pv.procedure_id = p.id and pv.effective_from <= $2::date order by pv.effective_from desc, pv.version_no desc limit 1) v
         where ao.enabled and ao.published and ao.online_level <> 'none' and (p.abolished_on is null or p.abolished_on > $2::date)
         order by v.qd766_fee desc, p.code limit 1`,
        [hand.id, today],
      ),
    );
    const before = await db.scoped(scopeOf(hand.id), (tx) => computeIndex766(tx, { agency: hand.id, ...THIS }));
    expect(figure(before, "3.2").numerator).toBe(0);
    await db.system(async (tx) => {
      const id = await dossier(tx, hand.id, { code: "IDX-E1", received: "01-01T09:00:00", channel: "online", procedure: p.code, year: Number(today.slice(0, 4)) });
      await tx.exec("insert into dossier_fees (dossier_id, agency_id, status, amount_vnd, due) values ($1, $2, 'due', 8000, 'submission')", [id, hand.id]);
      await tx.exec("insert into payments (agency_id, dossier_id, txn_ref, channel, amount_vnd, status, created_label, paid_at) values ($1, $2, 'IDXTEST0002', 'vnpay', 8000, 'paid', 'test', now())", [hand.id, id]);
    });
    await refreshIndex766(db);
    const after = await db.scoped(scopeOf(hand.id), (tx) => computeIndex766(tx, { agency: hand.id, ...THIS }));
    expect(figure(after, "3.2")).toMatchObject({ numerator: 1, denominator: figure(before, "3.2").denominator });
    expect(figure(after, "3.5b").numerator).toBe(p.fee ? 1 : 0);
    const used = await db.scoped(scopeOf(hand.id), (tx) => listIndexProcedures(tx, { agencyId: hand.id, code: "3.2", side: "num", ...THIS, limit: 1000, offset: 0 }));
    expect(used.items.map((x) => x.code)).toEqual([p.code]);
    const paid = await db.scoped(scopeOf(hand.id), (tx) => listIndexProcedures(tx, { agencyId: hand.id, code: "3.5b", side: "num", ...THIS, limit: 1000, offset: 0 }));
    expect(paid.items.map((x) => x.code)).toEqual(p.fee ? [p.code] : []);
  });
});

describe("on generated data", () => {
  const YEAR = { from: `${Y}-01-01`, to: `${Y}-12-31` };

  it("2.1 is Biểu 06's handled − overdue over handled (the same rules as the statistics)", async () => {
    await refreshIndex766(t.tdb.db);
    for (const id of siblings) {
      const [index, stats] = await t.tdb.db.scoped(scopeOf(id), async (tx) => [await computeIndex766(tx, { agency: id, ...YEAR }), await dossierStatistics(tx, { agencyId: id, ...YEAR })] as const);
      const s = stats.totals;
      const handled = s.resolved.total + s.inProgress.total;
      expect(figure(index, "2.1")).toMatchObject({ numerator: handled - s.resolved.late - s.inProgress.overdue, denominator: handled });
      expect(figure(index, "3.3")).toMatchObject({ numerator: s.received.online, denominator: s.received.online + s.received.inPersonOrPost });
    }
  });

  it("2.1 equals the pure rule (judgeDossier21) applied to every dossier, for any period (property)", async () => {
    await refreshIndex766(t.tdb.db);
    const now = new Date();
    const day = fc.integer({ min: 0, max: 480 }).map((n) => new Date(now.getTime() + 7 * 3_600_000 - n * 86_400_000).toISOString().slice(0, 10));
    await fc.assert(
      fc.asyncProperty(day, day, fc.constantFrom(...siblings), async (a, b, id) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const index = await t.tdb.db.scoped(scopeOf(id), (tx) => computeIndex766(tx, { agency: id, from, to, now }));
        const raw = await t.tdb.db.system((tx) =>
          tx.query<{ received_at: Date | null; due_at: Date | null; finished_at: Date | null; closed_at: Date | null; supplement_count: number }>(
            "select received_at, due_at, finished_at, closed_at, supplement_count from dossiers where agency_id = $1",
            [id],
          ),
        );
        const start = new Date(`${from}T00:00:00+07:00`);
        const end = new Date(new Date(`${to}T00:00:00+07:00`).getTime() + 86_400_000);
        const p = { start, end, cut: now < end ? now : end };
        const judged = raw.map((r) => judgeDossier21({ receivedAt: r.received_at, dueAt: r.due_at, finishedAt: r.finished_at, closedAt: r.closed_at, supplementCount: r.supplement_count }, p));
        const onTime = judged.filter((j) => j === "on-time").length;
        const counted = judged.filter((j) => j !== "not-counted").length;
        if (counted === 0) expect(figure(index, "2.1").status).toBe("no-data");
        else expect(figure(index, "2.1"), `${id} ${from}..${to}`).toMatchObject({ numerator: onTime, denominator: counted });
      }),
      { numRuns: 12 },
    );
  });

  it("5.2–5.4 on the demo commune equal the feedback module's figures", async () => {
    await refreshIndex766(t.tdb.db);
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const period = { from: `${Y}-01-01`, to: today };
    const [index, fb] = await t.tdb.db.scoped(scopeOf(demoId), async (tx) => [await computeIndex766(tx, { agency: demoId, ...period }), await indexFigures(tx, { agencyId: demoId, ...period })] as const);
    const pairs = [
      ["5.2", fb.onTime],
      ["5.3", fb.feedbackSatisfaction],
      ["5.4", fb.procedureSatisfaction],
    ] as const;
    for (const [code, f] of pairs) {
      expect(figure(index, code).denominator, code).toBe(f.of);
      if (f.rate === null) expect(figure(index, code).status).toBe("no-data");
      else {
        expect(figure(index, code).value, code).toBeCloseTo(f.rate);
        expect(figure(index, code).points, code).toBe(f.points);
      }
    }
  });

  it("every procedure figure's records are as many as it counts", async () => {
    // The catalog as it stands now (the seed's versions take effect this year).
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const NOW = { from: `${today.slice(0, 4)}-01-01`, to: today };
    const index = await t.tdb.db.scoped(scopeOf(demoId), (tx) => computeIndex766(tx, { agency: demoId, ...NOW }));
    for (const code of Object.keys(PROCEDURE_LISTS) as ProcedureListCode[]) {
      const f = figure(index, code);
      for (const side of SIDES) {
        const list = await t.tdb.db.scoped(scopeOf(demoId), (tx) => listIndexProcedures(tx, { agencyId: demoId, code, side, ...NOW, limit: 1000, offset: 0 }));
        if (f.status === "ok") expect(list.total, `${code} ${side}`).toBe(side === "num" ? f.numerator : f.denominator);
      }
    }
    expect(figure(index, "3.1").denominator).toBeGreaterThan(0);
  });
});

describe("a province is the sum of its communes", () => {
  it("each indicator's numerator and denominator are the sums of the communes' own (each computed in the commune's scope), and the communes are ranked", async () => {
    await refreshIndex766(t.tdb.db);
    const province = await t.tdb.db.scoped({ agencyIds: [provinceId, ...(await t.tdb.db.system((tx) => tx.query<{ id: number }>("select id from agencies where parent_id = $1", [provinceId]))).map((r) => r.id)], userId: null }, (tx) =>
      computeIndex766(tx, { agency: provinceCode, ...MARCH }),
    );
    expect(province.communes!.length).toBeGreaterThan(3);
    for (const id of [hand.id, ...siblings, demoId]) {
      const own = await t.tdb.db.scoped(scopeOf(id), (tx) => computeIndex766(tx, { agency: id, ...MARCH }));
      const inProvince = province.communes!.find((c) => c.agency.id === id)!;
      expect(inProvince.indicators).toEqual(own.indicators);
    }
    for (const ind of province.indicators) {
      if (ind.code === "1.1" || ind.code === "1.2") continue; // the province's own announcements
      const rows = province.communes!.map((c) => c.indicators.find((i) => i.code === ind.code)!).filter((r) => r.status === "ok");
      if (ind.formula === "share") {
        expect(ind.numerator, ind.code).toBe(rows.reduce((s, r) => s + r.numerator, 0));
        expect(ind.denominator, ind.code).toBe(rows.reduce((s, r) => s + r.denominator, 0));
      }
    }
    // Not an average of the communes' rates.
    const r21 = province.communes!.map((c) => figure({ ...province, indicators: c.indicators }, "2.1")).filter((r) => r.status === "ok");
    const sum = r21.reduce((s, r) => ({ n: s.n + r.numerator, d: s.d + r.denominator }), { n: 0, d: 0 });
    expect(figure(province, "2.1").value).toBeCloseTo(sum.n / sum.d);
    const ranking = province.ranking!;
    expect(ranking.length).toBe(province.communes!.length);
    expect(ranking[0]!.rank).toBe(1);
    for (let i = 1; i < ranking.length; i++) expect(ranking[i]!.total).toBeLessThanOrEqual(ranking[i - 1]!.total);
    const ranked = await t.tdb.db.system((tx) => rankCommunes766(tx, { province: provinceId, ...MARCH }));
    expect(ranked).toEqual(ranking);
  });
});

describe("the API and the pages", () => {
  it("GET /api/v1/indexes/766 answers the commune's index; with the province code, the aggregate and the ranking", async () => {
    const own = await leader.get(`/api/v1/indexes/766?from=${MARCH.from}&to=${MARCH.to}`);
    expect(own.statusCode).toBe(200);
    const body = own.json() as { agency: string; total: number; max: number; indicators: { code: string; status: string; numerator: number }[] };
    expect(body.indicators.map((i) => i.code)).toContain("2.1");
    expect(body.indicators.find((i) => i.code === "4.5b")!.status).toBe("no-data");
    const prov = await supervisor.get(`/api/v1/indexes/766?agency=${provinceCode}&from=${MARCH.from}&to=${MARCH.to}`);
    expect(prov.statusCode).toBe(200);
    const pb = prov.json() as { ranking: { agency: string; rank: number }[] };
    expect(pb.ranking.length).toBeGreaterThan(3);
  });

  it("bad input: reversed or future period → 400 with a Vietnamese message (English by the switch); unknown agency 404; another commune 403", async () => {
    const reversed = await leader.get(`/api/v1/indexes/766?from=${MARCH.to}&to=${MARCH.from}`);
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toContain("ngày bắt đầu phải trước");
    const en = await leader.get(`/api/v1/indexes/766?from=${MARCH.to}&to=${MARCH.from}&lang=en`);
    expect(en.statusCode).toBe(400);
    expect(en.body).toContain("the start must be on or before the end");
    const future = await leader.get(`/api/v1/indexes/766?from=${MARCH.from}&to=${new Date().getUTCFullYear() + 1}-01-01`);
    expect(future.statusCode).toBe(400);
    expect(future.body).toContain("sau ngày hôm nay");
    const badDate = await leader.get(`/api/v1/indexes/766?from=2026-02-30&to=${MARCH.to}`);
    expect(badDate.statusCode).toBe(400);
    expect((await leader.get(`/api/v1/indexes/766?agency=KHONG-CO&from=${MARCH.from}&to=${MARCH.to}`)).statusCode).toBe(404);
    expect((await leader.get(`/api/v1/indexes/766?agency=${hand.code}&from=${MARCH.from}&to=${MARCH.to}`)).statusCode).toBe(403);
    const preset = await leader.get("/staff/indexes/766?preset=decade");
    expect(preset.statusCode).toBe(400);
    expect(preset.body).toContain("Kỳ có sẵn không hợp lệ");
    const page = await leader.get(`/staff/indexes/766?from=${MARCH.to}&to=${MARCH.from}`);
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain("ngày bắt đầu phải trước");
  });

  it("the page shows every indicator, the total and the freshness, and each number leads to its records", async () => {
    await refreshIndex766(t.tdb.db);
    const res = await supervisor.get(`/staff/indexes/766?agency=${hand.code}&from=${MARCH.from}&to=${MARCH.to}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("Hồ sơ xử lý trước hạn, đúng hạn");
    expect(res.body).toContain("Số liệu hồ sơ cập nhật lúc");
    expect(res.body).toContain("Chưa có số liệu");
    const href = [...res.body.matchAll(/href="([^"]*records[^"]*code=2\.1[^"]*side=num[^"]*)"/g)][0]![1]!.replace(/&amp;/g, "&");
    const list = await supervisor.get(href);
    expect(list.statusCode).toBe(200);
    for (const code of ["IDX-D1", "IDX-D2", "IDX-D7", "IDX-D5"]) expect(list.body).toContain(code);
    for (const code of ["IDX-D3", "IDX-D4", "IDX-D6", "IDX-D9"]) expect(list.body).not.toContain(code);
    const provPage = await supervisor.get(`/staff/indexes/766?agency=${provinceCode}&from=${MARCH.from}&to=${MARCH.to}`);
    expect(provPage.statusCode).toBe(200);
    expect(provPage.body).toContain("Xếp hạng các xã, phường");
    const bd = await supervisor.get(`/staff/indexes/766/breakdown?agency=${provinceCode}&from=${MARCH.from}&to=${MARCH.to}&code=2.1`);
    expect(bd.statusCode).toBe(200);
    const en = await supervisor.get(`/staff/indexes/766?agency=${hand.code}&from=${MARCH.from}&to=${MARCH.to}&lang=en`);
    expect(en.body).toContain("Dossiers handled early or on time");
  });
});

describe("the job keeps the figures current", () => {
  it("is scheduled; a dossier's change marks its agency and the next run counts it", async () => {
    const db = t.tdb.db;
    const job = registeredJobs().find((j) => j.name === "index766.refresh");
    expect(job?.cron).toBeDefined();
    await job!.run({ db, data: {} });
    const before = await db.scoped(scopeOf(hand.id), (tx) => computeIndex766(tx, { agency: hand.id, ...MARCH }));
    // A dossier received online on 30/03, due in April: 3.3 gains one online dossier, 2.1 one open on time.
    await db.system((tx) => dossier(tx, hand.id, { code: "IDX-D10", received: "03-30T09:00:00", due: "04-10T17:00:00", channel: "online" }));
    expect(await db.system((tx) => tx.query("select 1 from index766_dirty where agency_id = $1", [hand.id]))).toHaveLength(1);
    const stale = await db.scoped(scopeOf(hand.id), (tx) => computeIndex766(tx, { agency: hand.id, ...MARCH }));
    expect(stale.freshness.pending).toBe(true);
    await job!.run({ db, data: {} });
    const after = await db.scoped(scopeOf(hand.id), (tx) => computeIndex766(tx, { agency: hand.id, ...MARCH }));
    expect(after.freshness.pending).toBe(false);
    expect(figure(after, "3.3").numerator).toBe(figure(before, "3.3").numerator + 1);
    expect(figure(after, "3.3").denominator).toBe(figure(before, "3.3").denominator + 1);
    // Open at the end and due in April: on time (the live part needs no rebuild).
    expect(figure(after, "2.1").numerator).toBe(figure(before, "2.1").numerator + 1);
    await db.system((tx) => tx.exec("update dossiers set status = 'withdrawn', closed_at = $2 where agency_id = $1 and code = 'IDX-D10'", [hand.id, at("03-30T10:00:00")]));
    await job!.run({ db, data: {} });
    const back = await db.scoped(scopeOf(hand.id), (tx) => computeIndex766(tx, { agency: hand.id, ...MARCH }));
    expect(figure(back, "2.1")).toMatchObject({ numerator: figure(before, "2.1").numerator, denominator: figure(before, "2.1").denominator });
  });
});

describe("procedure flags (1.3, 3.5)", () => {
  it("a version whose JSON is not of the catalog's shape is still stored, and counts as neither complete nor fee-bearing", async () => {
    const r = await t.tdb.db.system(async (tx) => {
      const p = await tx.one<{ id: number; agency_id: number }>("select id, agency_id from procedures order by id limit 1");
      return tx.one<{ complete: boolean; fee: boolean }>(
        `insert into procedure_versions (agency_id, procedure_id, version_no, effective_from, name, field, content, content_hash)
         values ($1, $2, 9999, '2000-01-01', 'x', 'x', '{"steps": null, "channels": "text", "documents": [1], "legalBasis": {}}', 'x')
         returning qd766_complete as complete, qd766_fee as fee`,
        [p.agency_id, p.id],
      );
    });
    expect(r).toEqual({ complete: false, fee: false });
  });
});

describe("backup and restore", () => {
  it("a backup taken with recounts pending restores, and the counters come back the same after the next run", async () => {
    const db = t.tdb.db;
    await refreshIndex766(db);
    const before = await db.scoped(scopeOf(hand.id), (tx) => computeIndex766(tx, { agency: hand.id, ...MARCH }));
    // A change not yet counted: its mark is in the database when the backup is taken.
    await db.system((tx) => dossier(tx, hand.id, { code: "IDX-D11", received: "05-02T09:00:00", due: "05-10T17:00:00" }));
    expect(await db.system((tx) => tx.query("select 1 from index766_dirty where agency_id = $1", [hand.id]))).toHaveLength(1);
    const dir = mkdtempSync(path.join(os.tmpdir(), "motcua-index766-backup-"));
    try {
      const file = path.join(dir, "backup.mcb");
      await backupDatabase(db.pool, file);
      await restoreDatabase(db.pool, file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Restoring the dossiers marked their agencies again; the job's next run recounts them.
    expect(await db.system((tx) => tx.query("select 1 from index766_dirty where agency_id = $1", [hand.id]))).toHaveLength(1);
    await refreshIndex766(db);
    const after = await db.scoped(scopeOf(hand.id), (tx) => computeIndex766(tx, { agency: hand.id, ...MARCH }));
    expect(after.indicators).toEqual(before.indicators);
  });
});
