import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSms, SMS_TEMPLATES, type TemplateVars } from "../../src/modules/notifications/templates";
import { esmsTransport, PermanentSendError } from "../../src/modules/notifications/transports";
import { ESMS_CODES, SEND_PATH, type SmsGatewayStandin, startSmsGatewayStandin } from "../../src/modules/sms-gateway-standin/standin";

// The eSMS-protocol stand-in and the adapter against it: what the real gateway refuses, the
// stand-in refuses with the same code; delivery reports are retried until the receiver answers.

let gw: SmsGatewayStandin;
let receiver: Server;
let receiverUrl: string;
const reports: URLSearchParams[] = [];
let failFirst = 0;

const vars: TemplateVars = {
  agency: "Ủy ban nhân dân xã Minh Tiến",
  code: "000.00.25.H12-261203-0007",
  procedure: "Đăng ký khai sinh",
  applicant: "Vũ Thị Hương",
  due: "16:30 04/12/2026",
  url: "https://motcua.example.vn/track?code=000.00.25.H12-261203-0007",
  reasons: "",
};

async function send(body: Record<string, string>): Promise<{ CodeResult: string; SMSID?: string }> {
  const res = await fetch(`${gw.url}${SEND_PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return (await res.json()) as { CodeResult: string; SMSID?: string };
}

const base = () => ({ ApiKey: "k", SecretKey: "s", Brandname: "UBNDMINHTIEN", Phone: "0912345678", Content: renderSms("received", vars), SmsType: "2", IsUnicode: "0", Sandbox: "0" });

beforeAll(async () => {
  receiver = createServer((req, res) => {
    if (failFirst > 0) {
      failFirst--;
      res.writeHead(503).end();
      return;
    }
    reports.push(new URL(req.url!, "http://x").searchParams);
    res.writeHead(200).end("ok");
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb`;
  gw = await startSmsGatewayStandin({
    apiKey: "k",
    secretKey: "s",
    brandnames: ["UBNDMINHTIEN"],
    templates: Object.values(SMS_TEMPLATES),
    balance: 5,
    callbackDelayMs: 10,
    outcome: (phone) => (phone.endsWith("99") ? "4" : "5"),
  });
});

afterAll(async () => {
  await gw?.close();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
});

describe("eSMS stand-in", () => {
  it("SMS templates are short ASCII", () => {
    for (const kind of Object.keys(SMS_TEMPLATES) as (keyof typeof SMS_TEMPLATES)[]) {
      const text = renderSms(kind, vars);
      expect(text).toMatch(/^[\x20-\x7e]+$/);
      expect(text.length).toBeLessThanOrEqual(160);
    }
    expect(renderSms("received", vars)).toBe(
      "UBND xa Minh Tien: da tiep nhan ho so 000.00.25.H12-261203-0007, hen tra ket qua 16:30 04/12/2026. Tra cuu: https://motcua.example.vn/track",
    );
  });

  it("refuses what the real gateway refuses, with its codes", async () => {
    expect((await send({ ...base(), SecretKey: "wrong" })).CodeResult).toBe(ESMS_CODES.wrongKey);
    expect((await send({ ...base(), Brandname: "OTHER" })).CodeResult).toBe(ESMS_CODES.unknownBrandname);
    expect((await send({ ...base(), Phone: "0212345678" })).CodeResult).toBe(ESMS_CODES.badPhone);
    expect((await send({ ...base(), Phone: "09123" })).CodeResult).toBe(ESMS_CODES.badPhone);
    expect((await send({ ...base(), Content: "Khuyen mai lon!" })).CodeResult).toBe(ESMS_CODES.templateMismatch);
    expect(gw.inbox).toHaveLength(0);
  });

  it("accepts, de-duplicates RequestId, reports delivery with retries", async () => {
    failFirst = 2;
    const ok = await send({ ...base(), RequestId: "r-1", CallbackUrl: receiverUrl });
    expect(ok.CodeResult).toBe("100");
    expect(ok.SMSID).toMatch(/^[0-9a-f-]{36}$/);
    expect((await send({ ...base(), RequestId: "r-1", CallbackUrl: receiverUrl })).CodeResult).toBe(ESMS_CODES.duplicateRequest);
    const rejected = await send({ ...base(), Phone: "+84 912 345 699", RequestId: "r-2", CallbackUrl: receiverUrl });
    expect(rejected.CodeResult).toBe("100");
    await gw.settled();
    expect(gw.inbox.map((m) => m.phone)).toEqual(["84912345678", "84912345699"]);
    // Two refused deliveries were retried: every report arrived in the end.
    expect(gw.inbox.every((m) => m.callback?.delivered)).toBe(true);
    expect(gw.inbox.reduce((n, m) => n + (m.callback?.attempts ?? 0), 0)).toBe(4);
    const byRequest = Object.fromEntries(reports.map((r) => [r.get("RequestId"), r]));
    expect(byRequest["r-1"]!.get("SMSID")).toBe(ok.SMSID);
    expect(byRequest["r-1"]!.get("SendStatus")).toBe("5");
    expect(byRequest["r-1"]!.get("phonenumber")).toBe("84912345678");
    expect(byRequest["r-1"]!.get("telcoid")).toBe("3");
    expect(byRequest["r-2"]!.get("SendStatus")).toBe("4");
    expect(byRequest["r-2"]!.get("SendFailed")).toBe("1");
    // The inbox is readable over HTTP too.
    const inbox = (await (await fetch(`${gw.url}/_inbox`)).json()) as { messages: unknown[] };
    expect(inbox.messages).toHaveLength(2);
  });

  it("runs out of balance with code 103", async () => {
    for (let i = 0; i < 3; i++) expect((await send({ ...base(), RequestId: `b-${i}` })).CodeResult).toBe("100");
    expect((await send({ ...base(), RequestId: "b-x" })).CodeResult).toBe(ESMS_CODES.noBalance);
  });

  it("the adapter maps codes to permanent or retryable failures", async () => {
    const good = esmsTransport({ url: gw.url, apiKey: "k", secretKey: "s", brandname: "UBNDMINHTIEN", sandbox: false });
    await expect(good.send({ phone: "0912345678", content: "Khuyen mai", requestId: "a-1" })).rejects.toBeInstanceOf(PermanentSendError);
    // No balance (103) may be topped up: retryable, not permanent.
    const err = await good.send({ phone: "0912345678", content: renderSms("returned", vars), requestId: "a-2" }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentSendError);
    expect((err as Error).message).toContain("103");
    const down = esmsTransport({ url: "http://127.0.0.1:1", apiKey: "k", secretKey: "s", brandname: "X", sandbox: false });
    await expect(down.send({ phone: "0912345678", content: "x", requestId: "a-3" })).rejects.not.toBeInstanceOf(PermanentSendError);
  });
});
