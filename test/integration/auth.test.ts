import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/modules/demo/seed";
import { createTestApp, newClient, signIn, type TestApp } from "../support/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("sign-in, sessions and CSRF", () => {
  it("signs in with the right password and lands on the staff dashboard with real numbers", async () => {
    const c = await newClient(t.app);
    const res = await c.post("/login", { username: "demo-desk", password: DEMO_PASSWORD });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/staff");
    const cookie = res.cookies.find((x) => x.name === "mc_session");
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Lax");
    const dash = await c.get("/staff");
    expect(dash.statusCode).toBe(200);
    expect(dash.body).toContain("Nguyễn Thị Hoa");
    // The demo commune has 8 staff accounts (the citizen is not staff, province staff are elsewhere).
    expect(dash.body).toMatch(/<span class="num">8<\/span><span>Cán bộ có tài khoản/);
  });

  it("rejects a wrong password with a clear message and no session", async () => {
    const c = await newClient(t.app);
    const res = await c.post("/login", { username: "demo-leader", password: "wrong-password" });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain("Tên đăng nhập hoặc mật khẩu không đúng.");
    expect(c.cookies.has("mc_session")).toBe(false);
  });

  it("answers an empty form with 400 and a message in English when asked", async () => {
    const c = await newClient(t.app);
    await c.get("/lang/en?next=/login");
    const res = await c.post("/login", { username: "", password: "" });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("Please enter your username and password.");
  });

  /** A sign-in form sent from a given address, as a browser there would send it. */
  async function loginFrom(address: string, username: string, password: string) {
    const c = await newClient(t.app);
    const payload = new URLSearchParams({ _csrf: c.csrf, username, password }).toString();
    return t.app.inject({
      method: "POST",
      url: "/login",
      payload,
      remoteAddress: address,
      headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": "application/x-www-form-urlencoded" },
    });
  }

  it("slows guessing down instead of locking: a stranger cannot keep a known user out", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await loginFrom("203.0.113.7", "demo-vicechair", "nope-nope-nope")).statusCode);
    // Three free tries, then the stranger's own address must wait (429 with Retry-After).
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toContain(429);
    const slowed = await loginFrom("203.0.113.7", "demo-vicechair", DEMO_PASSWORD);
    expect(slowed.statusCode).toBe(429);
    expect(Number(slowed.headers["retry-after"])).toBeGreaterThan(0);
    // The owner, from their own address, signs in at once.
    const owner = await loginFrom("198.51.100.20", "demo-vicechair", DEMO_PASSWORD);
    expect(owner.statusCode).toBe(303);
    const audit = await t.tdb.db.system((tx) => tx.query<{ action: string }>("select action from audit_log where entity = 'user' and action like 'auth.%' order by id"));
    expect(audit.map((a) => a.action)).toContain("auth.login_failed");
    expect(audit.map((a) => a.action)).not.toContain("auth.lockout");
    // And is told of the failed attempts.
    const notices = await t.tdb.db.system((tx) =>
      tx.query<{ title: string; body: string }>("select n.title, n.body from staff_notifications n join users u on u.id = n.user_id where u.username = 'demo-vicechair' and n.kind = 'login_failed'"),
    );
    expect(notices.length).toBe(1);
    expect(notices[0]!.body).toContain("203.0.113.7");
  });

  it("answers unknown and known usernames alike, throttled alike", async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push((await loginFrom("192.0.2.50", "demo-comms", "wrong-wrong-wrong")).statusCode);
      unknown.push((await loginFrom("192.0.2.51", "no-such-user-anywhere", "wrong-wrong-wrong")).statusCode);
    }
    expect(unknown).toEqual(known);
    const a = await loginFrom("192.0.2.52", "demo-comms", "wrong-wrong-wrong");
    const b = await loginFrom("192.0.2.53", "no-such-user-anywhere", "wrong-wrong-wrong");
    const message = (html: string) => /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0];
    expect(message(a.body)).toBe(message(b.body));
  });

  it("records each sign-in once, with its session; the same form sent twice is one sign-in", async () => {
    const logins = async () =>
      (
        await t.tdb.db.system((tx) =>
          tx.one<{ entries: number; sessions: number }>(
            `select (select count(*) from audit_log where action = 'auth.login' and entity = 'user' and entity_id = u.id::text)::int as entries,
                    (select count(*) from sessions where user_id = u.id)::int as sessions
             from users u where u.username = 'demo-socialofficer'`,
          ),
        )
      );
    const before = await logins();
    const c = await newClient(t.app);
    expect((await c.post("/login", { username: "demo-socialofficer", password: DEMO_PASSWORD })).statusCode).toBe(303);
    expect(await logins()).toEqual({ entries: before.entries + 1, sessions: before.sessions + 1 });
    // A second click before the first answer came: the browser gets a working session, the log one sign-in.
    const again = await c.post("/login", { username: "demo-socialofficer", password: DEMO_PASSWORD });
    expect(again.statusCode).toBe(303);
    expect((await c.get("/staff")).statusCode).toBe(200);
    expect(await logins()).toEqual({ entries: before.entries + 1, sessions: before.sessions + 2 });
    // Another browser is another sign-in.
    const other = await newClient(t.app);
    const res = await t.app.inject({
      method: "POST",
      url: "/login",
      payload: new URLSearchParams({ _csrf: other.csrf, username: "demo-socialofficer", password: DEMO_PASSWORD }).toString(),
      headers: { cookie: [...other.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": "application/x-www-form-urlencoded", "user-agent": "Mozilla/5.0 (Android 14) Chrome/131" },
    });
    expect(res.statusCode).toBe(303);
    expect((await logins()).entries).toBe(before.entries + 2);
    const entry = await t.tdb.db.system((tx) =>
      tx.one<{ actor: string; actor_user_id: number }>("select actor, actor_user_id from audit_log where action = 'auth.login' order by id desc limit 1"),
    );
    expect(entry.actor).toBe("demo-socialofficer");
  });

  it("refuses a form post without the CSRF token", async () => {
    const c = await signIn(t.app, "demo-admin");
    const res = await c.post("/staff/agency", { code: "000.00.25.H12", name: "Ủy ban nhân dân xã Minh Tiến" }, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain("Phiên làm việc của biểu mẫu đã hết hạn");
    const bad = await c.post("/staff/agency", { _csrf: "forged", code: "X.1", name: "Tên giả" }, { csrf: false });
    expect(bad.statusCode).toBe(403);
    const code = await t.tdb.db.system((tx) => tx.one<{ code: string }>("select code from agencies where is_demo"));
    expect(code.code).toBe("000.00.25.H12");
  });

  it("refuses a JSON write with the session cookie but without the CSRF header", async () => {
    const c = await signIn(t.app, "demo-admin");
    c.csrf = "";
    const res = await c.json("POST", "/logout", {});
    expect(res.statusCode).toBe(403);
  });

  it("logs out and the session no longer works", async () => {
    const c = await signIn(t.app, "demo-specialist");
    const cookie = c.cookies.get("mc_session")!;
    const out = await c.post("/logout", {});
    expect(out.statusCode).toBe(303);
    const res = await t.app.inject({ method: "GET", url: "/staff", headers: { cookie: `mc_session=${cookie}` } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain("/login");
  });

  it("changes the password and signs out the other sessions", async () => {
    const a = await signIn(t.app, "demo-landofficer");
    const b = await signIn(t.app, "demo-landofficer");
    const mismatch = await a.post("/account/password", { current: DEMO_PASSWORD, next: "new-password-123", confirm: "other-password-1" });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain("không khớp");
    const ok = await a.post("/account/password", { current: DEMO_PASSWORD, next: "new-password-123", confirm: "new-password-123" });
    expect(ok.statusCode).toBe(200);
    expect((await a.get("/staff")).statusCode).toBe(200);
    expect((await b.get("/staff")).statusCode).toBe(303);
    await expect(signIn(t.app, "demo-landofficer")).rejects.toThrow();
    await signIn(t.app, "demo-landofficer", "new-password-123");
  });

  it("sends the security headers with a CSP that forbids inline script", async () => {
    const res = await t.app.inject({ method: "GET", url: "/" });
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBeDefined();
  });

  it("does not follow an open redirect after sign-in", async () => {
    const c = await newClient(t.app);
    const res = await c.post("/login", { username: "demo-comms", password: DEMO_PASSWORD, next: "//evil.example/" });
    expect(res.headers.location).toBe("/staff");
  });

  it("accepts a bearer API token and rejects a wrong one", async () => {
    const wrong = await t.app.inject({ method: "GET", url: "/api/v1/agencies?limit=1", headers: { authorization: "Bearer mc_wrong" } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toBeTruthy();
  });
});

describe("errors never leak a stack trace", () => {
  it("answers junk with 4xx JSON on the API", async () => {
    for (const url of ["/api/v1/agencies?limit=-5", "/api/v1/agencies?limit=99999", "/api/v1/agencies?kind=%3Cscript%3E", "/api/v1/nothing-here"]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.body).not.toMatch(/at .*\.ts:\d+/);
    }
    const json = await t.app.inject({ method: "POST", url: "/login", payload: "{not json", headers: { "content-type": "application/json" } });
    expect(json.statusCode).toBe(400);
  });

  it("matches agency names without diacritics", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/agencies?q=minh%20tien" });
    const names = (res.json() as { items: { unitName: string }[] }).items.map((i) => i.unitName);
    expect(names).toContain("Xã Minh Tiến");
    const prov = await t.app.inject({ method: "GET", url: "/api/v1/agencies?parent=19&limit=500" });
    expect(prov.json().total).toBeGreaterThan(90);
  });

  it("serves the OpenAPI document", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/openapi.json" });
    expect(res.json().paths["/api/v1/agencies"].get.summary).toBeTruthy();
  });
});

describe("account administration", () => {
  it("lets the commune admin create an account that must change its password, and disable it", async () => {
    const admin = await signIn(t.app, "demo-admin");
    const bad = await admin.post("/staff/users", { fullName: "A", username: "Bad Name!", role: "specialist", password: "short" });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("Tên đăng nhập gồm");
    const escalate = await admin.post("/staff/users", { fullName: "Kẻ Leo Quyền", username: "escalate", role: "system_admin", password: "long-enough-password" });
    expect(escalate.statusCode).toBe(400);
    const ok = await admin.post("/staff/users", { fullName: "Đặng Văn Tư", username: "dang.van.tu", role: "specialist", title: "Công chức Tư pháp", password: "temporary-password-1" });
    expect(ok.statusCode).toBe(303);
    const c = await newClient(t.app);
    const first = await c.post("/login", { username: "dang.van.tu", password: "temporary-password-1" });
    expect(first.headers.location).toBe("/account/password?first=1");
    const row = await t.tdb.db.system((tx) => tx.one<{ id: number; agency_id: number }>("select id, agency_id from users where username = 'dang.van.tu'"));
    const off = await admin.post(`/staff/users/${row.id}/deactivate`, {});
    expect(off.statusCode).toBe(303);
    expect((await c.get("/staff")).statusCode).toBe(303);
    const leader = await signIn(t.app, "demo-leader");
    expect((await leader.get("/staff/users")).statusCode).toBe(200);
    expect((await leader.post("/staff/users", { fullName: "X Y", username: "xyxyxy", role: "specialist", password: "long-enough-password" })).statusCode).toBe(403);
  });
});
