// The adapter's HTTP client of the national portal's synchronisation service (protocols.md): a
// login with the unit's credentials and dstcode header gives a session, every service call carries
// it with the unit code. A call either succeeds or throws a PortalError that says whether trying
// again later can help (the portal down, slow, or failing inside) or not (the portal refused the
// data: a person must look at it).

import { PORTAL_ERRORS, PORTAL_PATHS, PortalReply, type ServiceName } from "../../domain/sync/dvcqg";

const LOGIN_PATH = PORTAL_PATHS.login;
const SERVICE_PATH = PORTAL_PATHS.service;

export type PortalConnection = { endpoint: string; username: string; password: string; unitCode: string; dstCode: string };

export class PortalError extends Error {
  /** transient: retry later; rejected: the portal refused this data; auth: credentials refused. */
  readonly kind: "transient" | "rejected" | "auth";
  /** The portal's error_code, when it answered one. */
  readonly code: number | null;
  constructor(kind: PortalError["kind"], message: string, code: number | null = null) {
    super(message);
    this.name = "PortalError";
    this.kind = kind;
    this.code = code;
  }
}

export type PortalClientOptions = PortalConnection & { timeoutMs?: number };

export class PortalClient {
  private session: string | undefined;
  constructor(private readonly o: PortalClientOptions) {}

  private async post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<PortalReply & Record<string, unknown>> {
    let res: Response;
    try {
      res = await fetch(`${this.o.endpoint.replace(/\/$/, "")}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000),
      });
    } catch (e) {
      const err = e as Error;
      const why = err.name === "TimeoutError" ? `không trả lời trong ${Math.round((this.o.timeoutMs ?? 30_000) / 1000)} giây` : `không kết nối được (${err.message})`;
      throw new PortalError("transient", `Cổng DVCQG ${why}`);
    }
    const text = await res.text().catch(() => "");
    if (res.status >= 500 || res.status === 429) throw new PortalError("transient", `Cổng DVCQG trả lỗi HTTP ${res.status}`);
    if (!res.ok) throw new PortalError("rejected", `Cổng DVCQG trả lỗi HTTP ${res.status}: ${text.slice(0, 200)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PortalError("transient", "Cổng DVCQG trả về dữ liệu không phải JSON");
    }
    const reply = PortalReply.safeParse(json);
    if (!reply.success) throw new PortalError("transient", "Cổng DVCQG trả về dữ liệu thiếu error_code");
    return reply.data as PortalReply & Record<string, unknown>;
  }

  async login(): Promise<void> {
    const r = await this.post(LOGIN_PATH, { username: this.o.username, password: this.o.password }, { dstcode: this.o.dstCode });
    if (r.error_code !== 0 || typeof r.session !== "string") {
      throw new PortalError(r.error_code === PORTAL_ERRORS.internal ? "transient" : "auth", `Đăng nhập Cổng DVCQG không thành công: ${r.message ?? `mã lỗi ${r.error_code}`}`, r.error_code);
    }
    this.session = r.session;
  }

  /** Calls a service; logs in first, and again once if the portal says the session expired. */
  async call(service: ServiceName, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      if (!this.session) await this.login();
      const r = await this.post(SERVICE_PATH, { session: this.session, madonvi: this.o.unitCode, service, ...payload });
      if (r.error_code === 0) return r;
      const message = `${service}: ${r.message ?? `mã lỗi ${r.error_code}`}`;
      if (r.error_code === PORTAL_ERRORS.auth) {
        this.session = undefined;
        if (attempt === 0) continue;
        throw new PortalError("auth", message, r.error_code);
      }
      if (r.error_code === PORTAL_ERRORS.internal) throw new PortalError("transient", message, r.error_code);
      throw new PortalError("rejected", message, r.error_code);
    }
  }
}
