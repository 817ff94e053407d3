import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOfferedProcedure } from "../../src/modules/catalog/service";
import { DEMO_COMMUNE_CODE } from "../../src/modules/demo/seed";
import { requiredDocuments } from "../../src/modules/dossiers/service";
import { MAX_CONCURRENT_LARGE } from "../../src/web/large-bodies";
import { createTestApp, type TestApp } from "../support/app";

// Anonymous callers cannot flood the desk nor the process: per-address and per-phone limits on
// submissions (429 + Retry-After), and large bodies refused before they are read or read a few at
// a time, so memory stays bounded.

let t: TestApp;
let port = 0;
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
let attachments: { documentName: string; fileName: string; dataBase64: string }[] = [];

beforeAll(async () => {
  t = await createTestApp({ SUBMISSIONS_PER_ADDRESS: "3", SUBMISSIONS_PER_PHONE: "2" });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  port = (t.app.server.address() as { port: number }).port;
  const p = await t.tdb.db.system(async (tx) => {
    const id = (await tx.one<{ id: number }>("select id from agencies where code = $1", [DEMO_COMMUNE_CODE])).id;
    return findOfferedProcedure(tx, { agencyId: id, code: "1.001193" });
  });
  attachments = requiredDocuments(p!, "online").mandatory.map((documentName) => ({ documentName, fileName: "cs.pdf", dataBase64: PDF.toString("base64") }));
});
afterAll(async () => {
  await t?.close();
});

const submit = (phone: string, address: string) =>
  t.app.inject({
    method: "POST",
    url: "/api/v1/dossiers",
    remoteAddress: address,
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({
      procedureCode: "1.001193",
      agencyCode: DEMO_COMMUNE_CODE,
      applicant: { fullName: "Phan Văn Lũ", idNumber: "019190001234", phone, address: { line: "Thôn Tân Lập" } },
      attachments,
    }),
  });

describe("anonymous submissions", () => {
  it("are limited per address and per phone, with a clear 429 and Retry-After", async () => {
    const fromOne = [];
    for (let i = 0; i < 4; i++) fromOne.push(await submit(`09120000${10 + i}`, "203.0.113.9"));
    expect(fromOne.slice(0, 3).map((r) => r.statusCode)).toEqual([201, 201, 201]);
    expect(fromOne[3]!.statusCode).toBe(429);
    expect(Number(fromOne[3]!.headers["retry-after"])).toBeGreaterThan(0);
    expect(fromOne[3]!.json().error.message).toContain("Có quá nhiều hồ sơ gửi từ đây");
    // One phone from many addresses.
    const phone = ["198.51.100.1", "198.51.100.2", "198.51.100.3"].map((a) => submit("0987 654 321", a));
    expect((await Promise.all(phone)).map((r) => r.statusCode).sort()).toEqual([201, 201, 429]);
    // A refused submission left nothing behind.
    const n = await t.tdb.db.system((tx) => tx.one<{ n: number }>("select count(*)::int as n from dossiers where applicant_full_name = 'Phan Văn Lũ'"));
    expect(n.n).toBe(5);
  });
});

/** Sends a body of `size` bytes in chunks (never held whole by the sender), with or without its length. */
function post(size: number, withLength: boolean): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, method: "POST", path: "/api/v1/dossiers", headers: { "content-type": "application/json", ...(withLength ? { "content-length": String(size) } : {}) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(-1));
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once("drain", pump);
      }
      req.end();
    };
    req.write('{"a":"');
    pump();
  });
}

async function readyzMs(): Promise<number> {
  const start = performance.now();
  await new Promise<void>((resolve) => http.get({ host: "127.0.0.1", port, path: "/readyz" }, (res) => res.resume().on("end", () => resolve())));
  return performance.now() - start;
}

describe("large bodies", () => {
  it("six concurrent 56 MB bodies are refused before they are read; chunked 40 MB ones are read a few at a time; memory stays bounded", async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const declared = await Promise.all(Array.from({ length: 6 }, () => post(56 * 1024 * 1024, true)));
    expect(declared.every((s) => s === 413 || s === -1)).toBe(true);
    const chunked = Promise.all(Array.from({ length: 8 }, () => post(40 * 1024 * 1024, false)));
    const latency = await readyzMs();
    const statuses = await chunked;
    clearInterval(sampler);
    // Past the route's 32 MB a body is refused (413); beyond MAX_CONCURRENT_LARGE at once, 503 + Retry-After.
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(8 - MAX_CONCURRENT_LARGE);
    expect(statuses.every((s) => s === 413 || s === 503 || s === -1)).toBe(true);
    // The bound stated in docs/security.md: bodies cost at most MAX_CONCURRENT_LARGE × 32 MB, read as a string and a buffer.
    expect(peak - before).toBeLessThan(MAX_CONCURRENT_LARGE * 32 * 1024 * 1024 * 2.5);
    expect(latency).toBeLessThan(2000);
  });
});
