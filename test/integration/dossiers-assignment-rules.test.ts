import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/scope";
import { createUser } from "../../src/modules/accounts/users";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { type DossierActor, receiveAtCounter, requiredDocuments } from "../../src/modules/dossiers/service";
import { type Client, createTestApp, signIn, type TestApp } from "../support/app";

let t: TestApp;
let communeId: number;
let otherId: number;
let users: Record<string, number>;
let otherSpecialist: number;
/** A procedure with mandatory documents in a field the demo commune has no rule for. */
let proc: { code: string; mandatory: string[]; field: string };
let leader: Client;

const OTHER_PASSWORD = "other-commune-pass-2026";
const applicant = { fullName: "Vũ Văn An", idNumber: "019085001234", phone: "0912345678", email: "an@example.vn", address: { line: "Thôn Đồng Tiến", communeCode: undefined } };
const PAGE = "/staff/dossiers/rules";

const sys = <T>(fn: (tx: Tx) => Promise<T>) => t.tdb.db.system(fn);

async function rules(agencyId = communeId): Promise<Record<string, number>> {
  const rows = await sys((tx) => tx.query<{ field: string; user_id: number }>("select field, user_id from dossier_assignment_rules where agency_id = $1", [agencyId]));
  return Object.fromEntries(rows.map((r) => [r.field, r.user_id]));
}

/** The form's index of a field's row, read from the page as a browser would submit it. */
function rowIndex(html: string, field: string): string {
  const m = new RegExp(`name="field_(\\d+)" value="${field.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`).exec(html);
  if (!m) throw new Error(`no row for ${field}`);
  return m[1]!;
}

beforeAll(async () => {
  t = await createTestApp();
  communeId = (await sys((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE]))).id;
  otherId = (await sys((tx) => tx.one<{ id: number }>("select id from agencies where gso_code = '00004'"))).id;
  users = Object.fromEntries((await sys((tx) => tx.query<{ username: string; id: number }>("select username, id from users where is_demo"))).map((u) => [u.username, u.id]));
  const ruled = new Set(Object.keys(await rules()));
  const candidates = await sys((tx) =>
    tx.query<{ code: string }>("select p.code from procedures p join agency_offering($1) ap on ap.procedure_id = p.id where ap.enabled order by p.code", [communeId]),
  );
  for (const c of candidates) {
    const p = await sys((tx) => findOfferedProcedure(tx, { agencyId: communeId, code: c.code }));
    if (!p || ruled.has(p.field) || !p.timeLimit) continue;
    const docs = requiredDocuments(p, "counter");
    if (docs.mandatory.length === 0) continue;
    proc = { code: p.code, mandatory: docs.mandatory, field: p.field };
    break;
  }
  expect(proc).toBeDefined();
  for (const [username, role] of [["other-leader", "leader"], ["other-spec", "specialist"]] as const) {
    const u = await sys((tx) =>
      createUser(tx, { agencyId: otherId, username, fullName: `Cán bộ xã khác ${role}`, role, password: OTHER_PASSWORD, isDemo: false, mustChangePassword: false }, { userId: null, label: "test" }),
    );
    if (role === "specialist") otherSpecialist = u.id;
  }
  leader = await signIn(t.app, "demo-leader");
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("assignment rules page", () => {
  it("lists every offered field with its procedure count, current rule and a select of active specialists; nav entry for the leader", async () => {
    const res = await leader.get(PAGE);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("Phân công tự động theo lĩnh vực");
    expect(res.body).toContain(`href="${PAGE}"`);
    const fields = await sys((tx) =>
      tx.query<{ field: string; n: number }>(
        "select p.field, count(*)::int as n from procedures p join agency_offering($1) ap on ap.procedure_id = p.id where ap.enabled group by 1",
        [communeId],
      ),
    );
    expect(fields.length).toBeGreaterThan(3);
    for (const f of fields) expect(res.body).toContain(`value="${f.field}"`);
    // Demo rule: Hộ tịch → Trần Văn Hùng; a field without a rule says so.
    expect(res.body).toContain("Trần Văn Hùng");
    expect(res.body).toContain("Không tự động phân công");
    // Specialists only in the select: not the desk officer.
    expect(res.body).toContain(`value="${users["demo-landofficer"]}"`);
    expect(res.body).not.toContain(`<option value="${users["demo-desk"]}"`);
  });

  it("a leader sets a rule through the form; a dossier then received at the counter in that field goes to that specialist", async () => {
    const page = await leader.get(PAGE);
    const i = rowIndex(page.body, proc.field);
    const res = await leader.post(PAGE, { [`field_${i}`]: proc.field, [`was_${i}`]: "", [`user_${i}`]: String(users["demo-landofficer"]) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${PAGE}?saved=1`);
    expect((await rules())[proc.field]).toBe(users["demo-landofficer"]);
    const after = await leader.get(res.headers.location as string);
    expect(after.body).toContain("Đã lưu 1 thay đổi phân công.");
    const audit = await sys((tx) => tx.query<{ actor: string }>("select actor from audit_log where action = 'dossier.rule' and entity_id = $1", [proc.field]));
    expect(audit.map((a) => a.actor)).toEqual(["demo-leader"]);

    const desk: DossierActor = { userId: users["demo-desk"]!, role: "desk_officer", label: "demo-desk", agencyId: communeId };
    const d = await t.tdb.db.scoped({ agencyIds: [communeId], userId: users["demo-desk"]! }, (tx) =>
      receiveAtCounter(tx, { agencyId: communeId, procedureCode: proc.code, applicant, documentsReceived: proc.mandatory, actor: desk }),
    );
    expect(d.procedureField).toBe(proc.field);
    expect(d.assigneeUserId).toBe(users["demo-landofficer"]);
    expect(d.status).toBe("in_progress");
  });

  it("resubmitting the page unchanged saves nothing", async () => {
    const before = await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from audit_log where action = 'dossier.rule'"));
    const page = await leader.get(PAGE);
    const i = rowIndex(page.body, proc.field);
    const res = await leader.post(PAGE, { [`field_${i}`]: proc.field, [`was_${i}`]: String(users["demo-landofficer"]), [`user_${i}`]: String(users["demo-landofficer"]) });
    expect(res.headers.location).toBe(`${PAGE}?saved=0`);
    expect((await leader.get(`${PAGE}?saved=0`)).body).toContain("Không có thay đổi nào để lưu.");
    const after = await sys((tx) => tx.one<{ n: number }>("select count(*)::int as n from audit_log where action = 'dossier.rule'"));
    expect(after.n).toBe(before.n);
  });

  it("refuses a user who is not an active specialist of the commune with 422, and saves no row of the form", async () => {
    const before = await rules();
    const page = await leader.get(PAGE);
    const i = rowIndex(page.body, proc.field);
    const j = rowIndex(page.body, "Hộ tịch");
    for (const bad of [users["demo-desk"], otherSpecialist, 999_999, "abc"]) {
      const res = await leader.post(PAGE, {
        [`field_${i}`]: proc.field,
        [`was_${i}`]: String(users["demo-landofficer"]),
        [`user_${i}`]: String(bad),
        // A valid change in the same form must not be saved either.
        [`field_${j}`]: "Hộ tịch",
        [`was_${j}`]: String(users["demo-specialist"]),
        [`user_${j}`]: "",
      });
      expect(res.statusCode, String(bad)).toBe(422);
      expect(res.body).toContain("Chưa lưu gì");
      expect(res.body).toContain(`Người được chọn cho lĩnh vực “${proc.field}” không phải là công chức chuyên môn đang làm việc tại xã.`);
      expect(res.body).toContain('aria-invalid="true"');
    }
    const unknown = await leader.post(PAGE, { field_0: "Lĩnh vực không có", was_0: "", user_0: String(users["demo-landofficer"]) });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain("Lĩnh vực “Lĩnh vực không có” không thuộc các lĩnh vực xã đang cung cấp thủ tục.");
    expect(await rules()).toEqual(before);
  });

  it("a specialist cannot see or change the rules (403); a desk officer sees them read-only and cannot change them", async () => {
    const before = await rules();
    const spec = await signIn(t.app, "demo-specialist");
    expect((await spec.get(PAGE)).statusCode).toBe(403);
    expect((await spec.get("/staff")).body).not.toContain(`href="${PAGE}"`);
    expect((await spec.post(PAGE, { field_0: proc.field, was_0: "", user_0: String(users["demo-specialist"]) })).statusCode).toBe(403);
    expect((await spec.json("PUT", `/api/v1/assignment-rules/${encodeURIComponent(proc.field)}`, { userId: users["demo-specialist"] })).statusCode).toBe(403);
    expect((await spec.json("GET", "/api/v1/assignment-rules")).statusCode).toBe(403);

    const desk = await signIn(t.app, "demo-desk");
    const page = await desk.get(PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Trần Văn Hùng");
    expect(page.body).not.toContain("<select");
    expect(page.body).toContain(`href="${PAGE}"`);
    expect((await desk.post(PAGE, { field_0: proc.field, was_0: "", user_0: String(users["demo-specialist"]) })).statusCode).toBe(403);
    expect(await rules()).toEqual(before);
  });

  it("another commune's leader sees only its own fields and cannot change the demo commune's rules", async () => {
    const before = await rules();
    const other = await signIn(t.app, "other-leader", OTHER_PASSWORD);
    const page = await other.get(PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain("Trần Văn Hùng");
    expect(page.body).not.toContain("Đinh Công Thành");
    const form = await other.post(PAGE, { field_0: "Hộ tịch", was_0: "", user_0: String(users["demo-specialist"]) });
    expect(form.statusCode).toBe(422);
    const api = await other.json("PUT", `/api/v1/assignment-rules/${encodeURIComponent("Hộ tịch")}`, { userId: users["demo-specialist"] });
    expect(api.statusCode).toBe(422);
    const list = JSON.parse((await other.json("GET", "/api/v1/assignment-rules")).body) as { rules: { userName: string | null }[]; specialists: { id: number }[] };
    expect(list.rules.every((r) => r.userName === null)).toBe(true);
    expect(list.specialists.map((s) => s.id)).toEqual([otherSpecialist]);
    expect(await rules()).toEqual(before);
    expect(await rules(otherId)).toEqual({});
  });
});

describe("assignment rules API", () => {
  it("round-trips a rule: GET lists fields, PUT sets and clears, invalid input is refused", async () => {
    const url = `/api/v1/assignment-rules/${encodeURIComponent("Chứng thực")}`;
    const list = JSON.parse((await leader.json("GET", "/api/v1/assignment-rules")).body) as {
      rules: { field: string; procedures: number; userId: number | null; userName: string | null; userActive: boolean | null }[];
      specialists: { id: number; fullName: string }[];
    };
    expect(list.rules.find((r) => r.field === "Chứng thực")).toMatchObject({ userId: users["demo-specialist"], userName: "Trần Văn Hùng", userActive: true });
    expect(list.rules.find((r) => r.field === "Chứng thực")!.procedures).toBeGreaterThan(0);
    expect(list.specialists.map((s) => s.id).sort()).toEqual([users["demo-specialist"], users["demo-landofficer"], users["demo-socialofficer"]].sort());

    const set = await leader.json("PUT", url, { userId: users["demo-socialofficer"] });
    expect(set.statusCode).toBe(200);
    expect(JSON.parse(set.body)).toMatchObject({ changed: true, rule: { field: "Chứng thực", userId: users["demo-socialofficer"], userName: "Bùi Thị Mai" } });
    expect((await rules())["Chứng thực"]).toBe(users["demo-socialofficer"]);
    const again = await leader.json("PUT", url, { userId: users["demo-socialofficer"] });
    expect(JSON.parse(again.body).changed).toBe(false);

    const cleared = await leader.json("PUT", url, { userId: null });
    expect(JSON.parse(cleared.body)).toMatchObject({ changed: true, rule: { userId: null, userName: null } });
    expect((await rules())["Chứng thực"]).toBeUndefined();
    const listed = JSON.parse((await leader.json("GET", "/api/v1/assignment-rules")).body) as { rules: { field: string; userId: number | null }[] };
    expect(listed.rules.find((r) => r.field === "Chứng thực")?.userId).toBeNull();

    const badUser = await leader.json("PUT", url, { userId: users["demo-leader"] });
    expect(badUser.statusCode).toBe(422);
    expect(JSON.parse(badUser.body).error.message).toMatch(/không phải là công chức chuyên môn/);
    const badField = await leader.json("PUT", `/api/v1/assignment-rules/${encodeURIComponent("Không có")}`, { userId: null });
    expect(badField.statusCode).toBe(422);
    expect((await leader.json("PUT", url, { userId: "x" })).statusCode).toBe(400);
    expect((await leader.json("PUT", url, {})).statusCode).toBe(400);
    expect((await rules())["Chứng thực"]).toBeUndefined();
  });

  it("is described in the OpenAPI document", async () => {
    const doc = JSON.parse((await leader.get("/api/v1/openapi.json")).body) as { paths: Record<string, Record<string, unknown>> };
    expect(doc.paths["/api/v1/assignment-rules"]?.get).toBeDefined();
    expect(doc.paths["/api/v1/assignment-rules/{field}"]?.put).toBeDefined();
  });
});
