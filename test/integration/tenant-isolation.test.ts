import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_SCOPE } from "../../src/db/scope";
import { createUser } from "../../src/modules/accounts/users";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { type Client, createTestApp, signIn, type TestApp } from "../support/app";

// Staff of another commune try every registered route with the demo commune's identifiers.
// Whatever the module, nothing private of xã Minh Tiến may show up in a response, and no row of
// xã Minh Tiến may change. Private = rows an anonymous visitor cannot read under RLS.

const OTHER_PASSWORD = "other-commune-password";
const OTHER_ROLES = ["desk_officer", "specialist", "leader", "communication_officer", "commune_admin"] as const;

let t: TestApp;
let demoId: number;
let tenantTables: string[];
const clients: Client[] = [];

async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of tenantTables) {
    const r = await t.tdb.db.system((tx) =>
      tx.one<{ h: string | null }>(`select md5(string_agg(x::text, '|' order by x::text)) as h from "${table}" x where agency_id = $1`, [demoId]),
    );
    out[table] = r.h ?? "";
  }
  return out;
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.tdb.db;
  demoId = (await db.system((tx) => tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE]))).id;
  const other = await db.system((tx) => tx.one<{ id: number }>("select id from agencies where gso_code = '00004'"));
  for (const role of OTHER_ROLES) {
    await db.system((tx) =>
      createUser(tx, { agencyId: other.id, username: `other-${role.replace("_", "")}`, fullName: `Cán bộ khác ${role}`, role, password: OTHER_PASSWORD, isDemo: false, mustChangePassword: false }, { userId: null, label: "test" }),
    );
    clients.push(await signIn(t.app, `other-${role.replace("_", "")}`, OTHER_PASSWORD));
  }
  tenantTables = (
    await db.system((tx) =>
      tx.query<{ t: string }>(
        `select c.table_name::text as t from information_schema.columns c join information_schema.tables tb using (table_schema, table_name)
         where c.table_schema = 'public' and c.column_name = 'agency_id' and tb.table_type = 'BASE TABLE' order by 1`,
      ),
    )
  ).map((r) => r.t);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

/** Text written in the product's own (non-demo) sources: defaults and labels every agency shows. */
function productLiterals(): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|tsx)$/.test(e.name) && !/demo|seed/i.test(e.name)) out.push(readFileSync(p, "utf8"));
    }
  };
  walk(path.resolve(__dirname, "../../src"));
  return out.join("\n");
}

type Fixtures = { ids: string[]; codes: string[]; slugs: string[]; markers: string[] };

async function fixtures(): Promise<Fixtures> {
  const db = t.tdb.db;
  const ids = new Set<string>();
  const codes = new Set<string>();
  const slugs = new Set<string>();
  const markers = new Set<string>();
  const literals = productLiterals();
  // Text anyone may read (catalog names copied into dossiers, published items…) is no secret.
  const publicTexts = new Set<string>();
  const allTables = (
    await db.system((tx) => tx.query<{ t: string }>("select table_name::text as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'"))
  ).map((r) => r.t);
  for (const table of allTables) {
    const rows = await db.scoped(PUBLIC_SCOPE, (tx) => tx.query<Record<string, unknown>>(`select * from "${table}" limit 5000`)).catch(() => []);
    for (const row of rows) for (const v of Object.values(row)) if (typeof v === "string") publicTexts.add(v.slice(0, 60));
  }
  for (const table of tenantTables) {
    const cols = await db.system((tx) =>
      tx.query<{ c: string; d: string }>("select column_name::text as c, data_type::text as d from information_schema.columns where table_schema = 'public' and table_name = $1", [table]),
    );
    const names = cols.map((c) => c.c);
    const rows = await db.system((tx) => tx.query<Record<string, unknown>>(`select * from "${table}" where agency_id = $1 order by 1 limit 5`, [demoId]));
    for (const row of rows) {
      if (names.includes("id")) ids.add(String(row.id));
      if (typeof row.code === "string") codes.add(row.code);
      if (typeof row.slug === "string") slugs.add(row.slug);
    }
    if (table === "users" || table === "agencies" || table === "audit_heads") continue;
    // Rows the public cannot see are private: their distinctive text must never leak.
    const visible = await db.scoped(PUBLIC_SCOPE, (tx) => tx.query<Record<string, unknown>>(`select * from "${table}" where agency_id = $1`, [demoId])).catch(() => []);
    const visibleKeys = new Set(visible.map((v) => JSON.stringify(v)));
    const textCols = cols.filter((c) => c.d === "text" || c.d === "character varying").map((c) => c.c);
    for (const row of await db.system((tx) => tx.query<Record<string, unknown>>(`select * from "${table}" where agency_id = $1 limit 50`, [demoId]))) {
      if (visibleKeys.has(JSON.stringify(row))) continue;
      for (const c of textCols) {
        const v = row[c];
        // Human text only (names, titles, ID numbers): machine identifiers like "user.create" recur everywhere.
        // The commune's own name ("UBND xã Minh Tiến") is public wherever it appears.
        if (typeof v === "string" && v.length >= 10 && !/^[a-z0-9_.:/-]+$/.test(v) && !/^[0-9a-f]{32,}$/.test(v) && !(v.length < 30 && v.includes("Minh Tiến")))
          if (!publicTexts.has(v.slice(0, 60)) && !literals.includes(v.slice(0, 60))) markers.add(v.slice(0, 60));
      }
    }
  }
  return { ids: [...ids].slice(0, 8), codes: [...codes].slice(0, 6), slugs: [...slugs].slice(0, 3), markers: [...markers] };
}

function candidates(param: string, f: Fixtures): string[] {
  const p = param.toLowerCase();
  if (p.includes("code")) return f.codes.length ? f.codes : ["x"];
  if (p === "year") return ["2024", "2026"];
  if (p === "form") return ["01", "04", "05"];
  if (p.includes("slug")) return f.slugs.length ? f.slugs : ["x"];
  if (p === "lang") return [];
  return [...f.ids.slice(0, 4), ...f.codes.slice(0, 2)];
}

function expand(url: string, f: Fixtures): string[] {
  const params = [...url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
  let urls = [url];
  for (const p of params) {
    const values = candidates(p, f);
    urls = urls.flatMap((u) => values.map((v) => u.replace(new RegExp(`:${p}(?=[/.]|$)`), encodeURIComponent(v))));
  }
  return urls.slice(0, 12).map((u) => u.replace(/\*$/, ""));
}

describe("tenant isolation", () => {
  it("lets staff of another commune neither read nor change anything private of xã Minh Tiến", async () => {
    const f = await fixtures();
    const before = await snapshot();
    const routes = t.app.routeList.filter((r) => !r.url.startsWith("/assets") && !r.url.startsWith("/lang") && r.url !== "/logout" && !r.url.startsWith("/account/password"));
    expect(routes.length).toBeGreaterThan(5);
    const leaks: string[] = [];
    let calls = 0;
    for (const route of routes) {
      for (const url of expand(route.url, f)) {
        const withAgency = url.includes("?") ? url : `${url}?agency=${encodeURIComponent(DEMO_COMMUNE_CODE)}&agencyCode=${encodeURIComponent(DEMO_COMMUNE_CODE)}`;
        for (const c of clients) {
          calls++;
          const res =
            route.method === "GET"
              ? await c.get(withAgency)
              : route.url.startsWith("/api/")
                ? await c.json(route.method as "POST", url, { agency: DEMO_COMMUNE_CODE, agencyCode: DEMO_COMMUNE_CODE })
                : await c.post(url, { agency: DEMO_COMMUNE_CODE, agencyCode: DEMO_COMMUNE_CODE });
          expect(res.statusCode, `${route.method} ${url}`).toBeLessThan(500);
          // A value the request itself carried (a code in the URL, echoed in links) is not a leak.
          const asked = decodeURIComponent(url);
          for (const m of f.markers) if (res.body.includes(m) && !asked.includes(m)) leaks.push(`${route.method} ${url} shows "${m}"`);
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect(calls).toBeGreaterThan(20);
  }, 300_000);
});
