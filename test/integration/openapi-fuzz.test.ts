import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newToken, sha256, TOKEN_PREFIX } from "../../src/modules/accounts/sessions";
import { createTestApp, type TestApp } from "../support/app";

// Every operation of the OpenAPI document, called with malformed input the way a careless client
// or an attacker would: NUL characters, overlong text, wrong types, repeated parameters, deep
// nesting, broken JSON — anonymously and with staff tokens. Not one answer may be a 5xx.

let t: TestApp;
const tokens: Record<string, string> = {};

type Operation = { parameters?: { name: string; in: string }[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } };
type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[] };

beforeAll(async () => {
  t = await createTestApp();
  for (const username of ["demo-sysadmin", "demo-desk", "demo-province"]) {
    const secret = newToken(TOKEN_PREFIX);
    await t.tdb.db.system(async (tx) => {
      const u = await tx.one<{ id: number; agency_id: number }>("select id, agency_id from users where username = $1", [username]);
      await tx.exec("insert into api_tokens (agency_id, user_id, name, token_hash, prefix) values ($1,$2,'fuzz',$3,$4)", [u.agency_id, u.id, sha256(secret), secret.slice(0, 8)]);
    });
    tokens[username] = secret;
  }
});
afterAll(async () => {
  await t?.close();
});

const NUL = "a\u0000b";
const LONG = "đ".repeat(20_000);
const PATH_VALUES = ["%00", encodeURIComponent(NUL), "x".repeat(190), "..%2F..%2Fetc%2Fpasswd", "-1", "0", "99999999999999999999", "1.001193", "%F0%9F%98%80", "'%3B--", "%E2%80%8B"];
const QUERY_VALUES: unknown[] = [NUL, LONG, "-1", "1e309", "NaN", "[]", "{}", "2026-02-30", "9999-99-99", ["a", "b"], "' or 1=1 --", "%_\\"];

/** A body of the schema's shape with every leaf replaced by `leaf`. */
function shaped(schema: JsonSchema | undefined, leaf: (type: string) => unknown, depth = 0): unknown {
  if (!schema || depth > 6) return leaf("string");
  const alt = schema.anyOf?.find((s) => s.type !== "null");
  if (alt) return shaped(alt, leaf, depth);
  const type = Array.isArray(schema.type) ? schema.type.find((x) => x !== "null") : schema.type;
  if (type === "object" || schema.properties) {
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, shaped(v, leaf, depth + 1)]));
  }
  if (type === "array") return [shaped(schema.items, leaf, depth + 1)];
  return leaf(type ?? "string");
}

function deep(n: number): unknown {
  let v: unknown = "x";
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

function bodiesFor(schema: JsonSchema | undefined): (string | undefined)[] {
  const bodies: unknown[] = [
    {},
    [],
    null,
    "text",
    shaped(schema, () => NUL),
    shaped(schema, () => LONG),
    shaped(schema, (ty) => (ty === "string" ? 12345 : "not a number")),
    shaped(schema, (ty) => (ty === "string" ? { nested: true } : [1, 2])),
    shaped(schema, () => -1),
    shaped(schema, () => null),
    deep(200),
  ];
  return [...bodies.map((b) => JSON.stringify(b)), "{not json", `{"a":"${"\\u0000"}"}`, undefined];
}

describe("the OpenAPI document under malformed input", () => {
  it("never answers 5xx", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/api/v1/openapi.json" })).json() as { paths: Record<string, Record<string, Operation>> };
    const failures: string[] = [];
    let calls = 0;
    const who: (string | undefined)[] = [undefined, tokens["demo-sysadmin"], tokens["demo-desk"], tokens["demo-province"]];
    for (const [template, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const params = op.parameters ?? [];
        const pathParams = params.filter((p) => p.in === "path").map((p) => p.name);
        const queryParams = params.filter((p) => p.in === "query").map((p) => p.name);
        const schema = op.requestBody?.content?.["application/json"]?.schema;
        const urls = PATH_VALUES.map((v) => pathParams.reduce((u, name) => u.replace(`{${name}}`, v), template));
        const queries: string[] = [""];
        for (const q of queryParams) {
          for (const v of QUERY_VALUES) {
            const qs = new URLSearchParams();
            for (const one of [v].flat()) qs.append(q, String(one));
            queries.push(`?${qs.toString()}`);
          }
        }
        const bodies = method === "get" || method === "delete" ? [undefined] : bodiesFor(schema);
        for (const token of who) {
          const headers: Record<string, string> = { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
          const requests: { url: string; payload: string | undefined }[] = [];
          for (const u of urls) requests.push({ url: u, payload: bodies[4] });
          for (const q of queries) requests.push({ url: `${urls[7]}${q}`, payload: bodies[0] });
          for (const b of bodies) requests.push({ url: urls[7]!, payload: b });
          for (const r of requests) {
            calls++;
            const res = await t.app.inject({ method: method.toUpperCase() as "GET", url: r.url, headers, ...(r.payload === undefined ? {} : { payload: r.payload }) });
            if (res.statusCode >= 500) failures.push(`${method.toUpperCase()} ${r.url.slice(0, 120)} ${token ? "(token)" : "(anon)"} body=${(r.payload ?? "").slice(0, 60)} → ${res.statusCode} ${res.body.slice(0, 120)}`);
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(1000);
    expect(failures, failures.slice(0, 30).join("\n")).toEqual([]);
  });

  it("names the field holding a NUL, in Vietnamese and in English", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/agencies?q=%00" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain("“q”");
    const en = await t.app.inject({ method: "POST", url: "/api/v1/dossiers?lang=en", payload: JSON.stringify({ applicant: { fullName: "A\u0000" } }), headers: { "content-type": "application/json" } });
    expect(en.statusCode).toBe(400);
    expect(en.json().error.message).toContain("applicant.fullName");
    expect(en.json().error.message).toContain("cannot be stored");
  });
});
