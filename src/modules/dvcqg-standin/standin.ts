import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import {
  DossierRecord,
  type NationalListItem,
  type NationalProcedure,
  PORTAL_ERRORS,
  PORTAL_PATHS,
  ProgressStep,
  parsePortalDate,
  recordProblems,
  SERVICES,
} from "../../domain/sync/dvcqg";

// A local stand-in of the National Public Service Portal's one-stop synchronisation adapter
// (../shared/notes/protocols.md): log in with a unit's credentials and its dstcode header, then
// call the services with the session and the unit code (madonvi). It checks what the portal
// checks — credentials, session, the unit allowed for the account, the service name, every field
// of every record (src/domain/sync/dvcqg.ts, the schemas the adapter is written against), that a
// progress step names a dossier it already holds — and answers malformed input with the portal's
// error shape `{ error_code, message }`. It keeps what it received, in the order received, for the
// tests (and GET /_received for a developer). It can be told to fail (HTTP 500 or an internal
// error), to slow down, and to die in the middle of a run and come back on the same port.

const LOGIN_PATH = PORTAL_PATHS.login;
const SERVICE_PATH = PORTAL_PATHS.service;

export type StandinAccount = { username: string; password: string; dstCode: string; units: readonly string[] };

export type ReceivedStep = ProgressStep & { unit: string; receivedAt: Date };

export type StandinOptions = {
  accounts: readonly StandinAccount[];
  /** The national procedure list LayDanhSachTTHC / LayThuTuc answer from. */
  procedures?: readonly NationalProcedure[];
  sessionTtlMs?: number;
  port?: number;
  host?: string;
};

export type FailMode = { kind: "http500" | "internal" | "timeout"; times?: number };

export type DvcqgStandin = {
  url: string;
  /** Dossier records by unit and MaHoSo (the latest upsert). */
  dossiers: Map<string, Map<string, DossierRecord>>;
  /** Every progress step applied, in the order received (duplicates are not applied twice). */
  steps: ReceivedStep[];
  /** Every service call answered, with its outcome (error_code), for the tests. */
  calls: { service: string; unit: string; errorCode: number; records: number; at: Date }[];
  /** Steps that arrived after a later step of the same dossier (should stay empty). */
  outOfOrder: ReceivedStep[];
  /** Fail the next `times` service calls (all, when absent) in the given way. */
  fail: (mode: FailMode | null) => void;
  /** Delay every answer. */
  slow: (ms: number) => void;
  /** Stop accepting connections after `calls` more service calls, cutting the one after mid-request. */
  dieAfter: (calls: number) => void;
  /** Stop now (connections cut), as if the portal went down. */
  kill: () => Promise<void>;
  /** Listen again on the same port. */
  revive: () => Promise<void>;
  /** Expire every session (as the portal does after a while). */
  expireSessions: () => void;
  /** Forget everything received (between runs of a benchmark). */
  reset: () => void;
  close: () => Promise<void>;
  app: FastifyInstance;
};

const Login = z.object({ username: z.string().max(200), password: z.string().max(500) });
const Call = z.looseObject({ session: z.string().max(200), madonvi: z.string().max(100), service: z.string().max(100) });

export async function startDvcqgStandin(opts: StandinOptions): Promise<DvcqgStandin> {
  const sessions = new Map<string, { account: StandinAccount; expires: number }>();
  const dossiers = new Map<string, Map<string, DossierRecord>>();
  const steps: ReceivedStep[] = [];
  const stepKeys = new Set<string>();
  const lastStepAt = new Map<string, number>();
  const calls: DvcqgStandin["calls"] = [];
  const outOfOrder: ReceivedStep[] = [];
  const national = new Map((opts.procedures ?? []).map((p) => [p.MaTTHC, p]));
  const ttl = opts.sessionTtlMs ?? 30 * 60_000;
  let failMode: FailMode | null = null;
  let delay = 0;
  let dieAfterCalls: number | null = null;
  let dead = false;
  const sockets = new Set<Socket>();

  const app = Fastify({ logger: false, bodyLimit: 20 * 1024 * 1024 });
  app.server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  const err = (code: number, message: string, extra: Record<string, unknown> = {}) => ({ error_code: code, message, ...extra });

  app.post(LOGIN_PATH, async (req) => {
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const dst = String(req.headers.dstcode ?? "");
    const body = Login.safeParse(req.body);
    if (!body.success) return err(PORTAL_ERRORS.invalidData, "Yêu cầu đăng nhập không hợp lệ");
    const account = opts.accounts.find((a) => a.username === body.data.username && a.password === body.data.password && a.dstCode === dst);
    if (!account) return err(PORTAL_ERRORS.auth, "Sai tên đăng nhập, mật khẩu hoặc mã dstcode");
    const session = randomBytes(16).toString("hex");
    sessions.set(session, { account, expires: Date.now() + ttl });
    return { session, error_code: 0 };
  });

  app.post(SERVICE_PATH, async (req, reply) => {
    if (dieAfterCalls !== null) {
      if (dieAfterCalls <= 0) {
        // Dies in the middle: this request is cut, the port closes.
        void kill();
        req.raw.socket.destroy();
        return reply;
      }
      dieAfterCalls -= 1;
    }
    if (delay) await new Promise((r) => setTimeout(r, delay));
    if (failMode) {
      const mode = failMode;
      if (mode.times !== undefined) {
        mode.times -= 1;
        if (mode.times <= 0) failMode = null;
      }
      if (mode.kind === "http500") return reply.code(500).send("Internal Server Error");
      if (mode.kind === "internal") return err(PORTAL_ERRORS.internal, "Lỗi hệ thống, vui lòng thử lại sau");
      // A timeout: answer far later than any client waits (the timer does not keep a test process alive).
      await new Promise((r) => setTimeout(r, 60_000).unref());
      return err(PORTAL_ERRORS.internal, "late");
    }
    const parsed = Call.safeParse(req.body);
    if (!parsed.success) return err(PORTAL_ERRORS.invalidData, "Thiếu session, madonvi hoặc service");
    const { session, madonvi, service } = parsed.data;
    const body = parsed.data as Record<string, unknown>;
    const s = sessions.get(session);
    const record = (errorCode: number, n = 0) => calls.push({ service, unit: madonvi, errorCode, records: n, at: new Date() });
    if (!s || s.expires < Date.now()) {
      record(PORTAL_ERRORS.auth);
      return err(PORTAL_ERRORS.auth, "Phiên làm việc không hợp lệ hoặc đã hết hạn");
    }
    if (!s.account.units.includes(madonvi)) {
      record(PORTAL_ERRORS.unitNotAllowed);
      return err(PORTAL_ERRORS.unitNotAllowed, `Tài khoản không được đồng bộ cho đơn vị ${madonvi}`);
    }
    if (!(SERVICES as readonly string[]).includes(service)) {
      record(PORTAL_ERRORS.unknownService);
      return err(PORTAL_ERRORS.unknownService, `Không có dịch vụ ${service}`);
    }
    const unit = dossiers.get(madonvi) ?? new Map<string, DossierRecord>();
    dossiers.set(madonvi, unit);
    switch (service) {
      case "DongBoHoSoMC": {
        const data = Array.isArray(body.data) ? body.data : null;
        if (!data || typeof body.isUpdating !== "boolean") {
          record(PORTAL_ERRORS.invalidData);
          return err(PORTAL_ERRORS.invalidData, "Yêu cầu phải có isUpdating (true/false) và data (danh sách hồ sơ)");
        }
        const errors = data.flatMap((r, i) =>
          recordProblems(DossierRecord, r).map((p) => ({ MaHoSo: String((r as { MaHoSo?: unknown })?.MaHoSo ?? `#${i}`), message: p })),
        );
        if (errors.length > 0) {
          record(PORTAL_ERRORS.invalidData, data.length);
          return err(PORTAL_ERRORS.invalidData, `Dữ liệu không hợp lệ: ${errors.slice(0, 5).map((e) => `${e.MaHoSo} ${e.message}`).join("; ")}`, { errors });
        }
        for (const r of data as DossierRecord[]) unit.set(r.MaHoSo, r);
        record(0, data.length);
        return { error_code: 0, message: "Thành công", count: data.length };
      }
      case "CapNhatTienDoHoSoMC": {
        const data = Array.isArray(body.data) ? body.data : null;
        if (!data) {
          record(PORTAL_ERRORS.invalidData);
          return err(PORTAL_ERRORS.invalidData, "Yêu cầu phải có data (danh sách bước xử lý)");
        }
        const errors = data.flatMap((r, i) =>
          recordProblems(ProgressStep, r).map((p) => ({ MaHoSo: String((r as { MaHoSo?: unknown })?.MaHoSo ?? `#${i}`), message: p })),
        );
        const unknown = (data as ProgressStep[]).filter((r) => errors.length === 0 && !unit.has(r.MaHoSo));
        if (errors.length > 0) {
          record(PORTAL_ERRORS.invalidData, data.length);
          return err(PORTAL_ERRORS.invalidData, `Dữ liệu không hợp lệ: ${errors.slice(0, 5).map((e) => `${e.MaHoSo} ${e.message}`).join("; ")}`, { errors });
        }
        if (unknown.length > 0) {
          record(PORTAL_ERRORS.notFound, data.length);
          return err(PORTAL_ERRORS.notFound, `Không tìm thấy hồ sơ ${unknown[0]!.MaHoSo}: đồng bộ hồ sơ trước khi cập nhật tiến độ`);
        }
        for (const step of data as ProgressStep[]) {
          // The same step twice (a retry) is applied once.
          const key = `${madonvi}|${step.MaHoSo}|${step.ThoiDiemXuLy}|${step.TrangThai}|${step.NoiDungXuLy}`;
          if (stepKeys.has(key)) continue;
          stepKeys.add(key);
          const got: ReceivedStep = { ...step, unit: madonvi, receivedAt: new Date() };
          const at = parsePortalDate(step.ThoiDiemXuLy)!.getTime();
          const dk = `${madonvi}|${step.MaHoSo}`;
          if ((lastStepAt.get(dk) ?? 0) > at) outOfOrder.push(got);
          lastStepAt.set(dk, Math.max(lastStepAt.get(dk) ?? 0, at));
          steps.push(got);
        }
        record(0, data.length);
        return { error_code: 0, message: "Thành công" };
      }
      case "TraCuuHoSo": {
        const code = typeof body.MaHoSo === "string" ? body.MaHoSo : "";
        const r = unit.get(code);
        record(r ? 0 : PORTAL_ERRORS.notFound);
        return r ? { error_code: 0, data: r } : err(PORTAL_ERRORS.notFound, `Không tìm thấy hồ sơ ${code}`);
      }
      case "LayDanhSachTTHC": {
        record(0, national.size);
        const list: NationalListItem[] = [...national.values()].map((p) => ({ MaTTHC: p.MaTTHC, TenTTHC: p.TenTTHC }));
        return { error_code: 0, data: list };
      }
      case "LayThuTuc": {
        const code = typeof body.MaTTHC === "string" ? body.MaTTHC : "";
        const p = national.get(code);
        record(p ? 0 : PORTAL_ERRORS.notFound);
        return p ? { error_code: 0, data: p } : err(PORTAL_ERRORS.notFound, `Không tìm thấy thủ tục ${code}`);
      }
    }
    return err(PORTAL_ERRORS.unknownService, service);
  });

  // For a person trying the demo by hand: POST /_control { "fail": "http500" | "internal" | "timeout" | null, "times"?, "slowMs"? }.
  const Control = z.object({ fail: z.enum(["http500", "internal", "timeout"]).nullable().optional(), times: z.number().int().positive().optional(), slowMs: z.number().int().min(0).max(120_000).optional() });
  app.post("/_control", async (req, reply) => {
    const c = Control.safeParse(req.body);
    if (!c.success) return reply.code(400).send({ error: "fail: http500 | internal | timeout | null, times: n, slowMs: n" });
    if (c.data.fail !== undefined) failMode = c.data.fail ? { kind: c.data.fail, ...(c.data.times ? { times: c.data.times } : {}) } : null;
    if (c.data.slowMs !== undefined) delay = c.data.slowMs;
    return { fail: failMode, slowMs: delay };
  });

  app.get("/_received", async () => ({
    dossiers: Object.fromEntries([...dossiers].map(([u, m]) => [u, [...m.values()]])),
    steps,
    outOfOrder,
  }));

  const host = opts.host ?? "127.0.0.1";
  const address = await app.listen({ port: opts.port ?? 0, host });
  const port = Number(new URL(address).port);

  async function kill(): Promise<void> {
    if (dead) return;
    dead = true;
    dieAfterCalls = null;
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => app.server.close(() => resolve()));
  }

  return {
    url: address,
    dossiers,
    steps,
    calls,
    outOfOrder,
    app,
    fail: (mode) => {
      failMode = mode ? { ...mode } : null;
    },
    slow: (ms) => {
      delay = ms;
    },
    dieAfter: (n) => {
      dieAfterCalls = n;
    },
    kill,
    revive: async () => {
      if (!dead) return;
      await new Promise<void>((resolve, reject) => {
        app.server.once("error", reject);
        app.server.listen(port, host, () => {
          app.server.off("error", reject);
          resolve();
        });
      });
      dead = false;
    },
    expireSessions: () => sessions.clear(),
    reset: () => {
      dossiers.clear();
      steps.length = 0;
      stepKeys.clear();
      lastStepAt.clear();
      calls.length = 0;
      outOfOrder.length = 0;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      if (!dead) await app.close();
    },
  };
}
