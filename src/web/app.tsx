import { createHmac, randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { VNode } from "preact";
import type { Config } from "../config";
import { type Db, NotFoundError, PUBLIC_SCOPE } from "../db/scope";
import { loadApiToken, loadSession, SESSION_COOKIE, scopeFor } from "../modules/accounts/sessions";
import { configureDataKeys, dataKeysFrom } from "../modules/privacy/sealing";
import { useConfiguredStore } from "../modules/storage/storage";
import { registerMetrics, requestIdOf } from "./metrics";
import type { PageCtx } from "./context";
import { CSRF_COOKIE, LANG_COOKIE } from "./cookies";
import { asHttpError, csrfRequired, HttpError, verifyCsrf, wantsJson } from "./http";
import { depthOf, findNul, MAX_BODY_DEPTH } from "./input-guard";
import { isLang, type Lang, translator } from "./i18n";
import "./messages";
import { MODULES } from "./modules";
import { ErrorPage, renderDocument } from "./views/layout";

export type AppDeps = {
  db: Db;
  config: Config;
  version: string;
  /** Secret for CSRF tokens; shared by all instances of an installation (kept in app_settings). */
  secret: string;
  /** The background job queue, when this process runs one (not in most tests). */
  jobs?: import("../jobs/queue").JobQueue;
  /** Set when the process is shutting down: /readyz answers 503 so the proxy sends no new requests. */
  draining?: boolean;
};

declare module "fastify" {
  interface FastifyInstance {
    deps: AppDeps;
    /** Every route registered, for tests that must try them all (tenant isolation). */
    routeList: { method: string; url: string }[];
  }
  interface FastifyReply {
    /** Renders a full HTML page. */
    page(vnode: VNode, status?: number): FastifyReply;
  }
  interface FastifyRequest {
    pageCtx(): PageCtx;
  }
}

const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "assets");

export function csrfTokenFor(secret: string, cookieValue: string): string {
  return createHmac("sha256", secret).update(`csrf:${cookieValue}`).digest("base64url");
}


/** An Origin (or, lacking it, a Referer) naming another host is a cross-site request. */
function sameOrigin(req: FastifyRequest): boolean {
  const from = (req.headers.origin as string | undefined) ?? (req.headers.referer as string | undefined);
  if (!from || from === "null") return from !== "null";
  try {
    // Both sides through URL, so that a default port (":80", ":443") compares equal to none.
    return new URL(from).host === new URL(`${req.protocol}://${req.headers.host ?? ""}`).host;
  } catch {
    return false;
  }
}

function pickLang(req: FastifyRequest): Lang {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (isLang(q)) return q;
  const c = req.cookies[LANG_COOKIE];
  if (isLang(c)) return c;
  if (req.url.startsWith("/api/") && /^en\b/i.test(req.headers["accept-language"] ?? "")) return "en";
  return "vi";
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // The configured key seals personal data (loadConfig refused a production configuration without one).
  if (deps.config.dataKey) configureDataKeys(dataKeysFrom({ key: deps.config.dataKey, production: deps.config.nodeEnv === "production" }));
  // Stored files go where the configuration says (PostgreSQL by default), the same for every instance.
  useConfiguredStore(deps.config, deps.db);
  const app = Fastify({
    logger: deps.config.logLevel === "silent" ? false : { level: deps.config.logLevel },
    trustProxy: deps.config.trustProxy,
    // Ids unique across instances (or the proxy's), carried into the jobs a request queues.
    genReqId: requestIdOf,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
  });
  app.decorate("deps", deps);
  app.decorate("apiOperations", []);
  app.decorate("routeList", []);
  app.addHook("onRoute", (r) => {
    for (const method of [r.method].flat()) if (method !== "HEAD") app.routeList.push({ method, url: r.url });
  });

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 1024 * 1024 });
  await app.register(multipart, { limits: { fileSize: 10 * 1024 * 1024, files: 20, fields: 200, parts: 240 } });
  await app.register(rateLimit, { global: false });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        mediaSrc: ["'self'"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    // Only meaningful behind TLS; harmless otherwise.
    strictTransportSecurity: deps.config.baseUrl?.startsWith("https://") ? { maxAge: 31536000 } : false,
    crossOriginEmbedderPolicy: false,
    // Other sites learn nothing of our URLs; our own forms send their true Origin (with
    // "no-referrer" browsers send "Origin: null" even to the same site), which the CSRF check of
    // multipart forms reads.
    referrerPolicy: { policy: "same-origin" },
  });
  await app.register(fastifyStatic, { root: ASSETS, prefix: "/assets/", maxAge: "7d", immutable: false, decorateReply: false });

  registerMetrics(app, deps.config.metricsToken ? { token: deps.config.metricsToken } : {});
  // Closing finishes the requests in flight; a kept-alive connection is closed as soon as it is
  // idle (else the close would wait for the client, up to the keep-alive timeout).
  app.addHook("preClose", async () => {
    const timer = setInterval(() => app.server.closeIdleConnections(), 50);
    timer.unref();
    app.server.once("close", () => clearInterval(timer));
  });

  app.decorateRequest("lang", "vi");
  app.decorateRequest("t", translator("vi"));
  app.decorateRequest("user", undefined);
  app.decorateRequest("scope", null as unknown as typeof PUBLIC_SCOPE);
  app.decorateRequest("csrfToken", "");
  app.decorateRequest("authKind", "none");
  app.decorateRequest("tx", function <T>(this: FastifyRequest, fn: (tx: import("../db/scope").Tx) => Promise<T>): Promise<T> {
    return deps.db.scoped(this.scope, fn);
  });
  // The installation's public commune, shown in every page header; re-read every 30 s so an
  // administrator's change reaches all instances without a restart.
  let site: PageCtx["site"];
  let siteReadAt = 0;
  const refreshSite = async () => {
    if (Date.now() - siteReadAt < 30_000) return;
    siteReadAt = Date.now();
    site = await deps.db
      .system((tx) =>
        tx.maybeOne<{ code: string; name: string; unit_name: string }>(
          "select a.code, a.name, a.unit_name from app_settings s join agencies a on a.code = s.value #>> '{}' where s.key = 'site_agency_code'",
        ),
      )
      .then((r) => (r ? { code: r.code, name: r.name, unitName: r.unit_name } : undefined))
      .catch(() => site);
  };
  app.decorateRequest("pageCtx", function (this: FastifyRequest): PageCtx {
    return { lang: this.lang, t: this.t, user: this.user, csrfToken: this.csrfToken, path: this.url.split("?")[0] ?? "/", site };
  });
  app.decorateReply("page", function (this: FastifyReply, vnode: VNode, status = 200) {
    return this.code(status).type("text/html; charset=utf-8").send(renderDocument(vnode));
  });

  const secure = deps.config.baseUrl?.startsWith("https://") ?? false;

  app.addHook("onRequest", async (req, reply) => {
    req.scope = PUBLIC_SCOPE;
    req.lang = pickLang(req);
    req.t = translator(req.lang);
    if (req.url.startsWith("/assets/") || req.url === "/healthz" || req.url === "/readyz" || req.url === "/metrics") return;
    await refreshSite();
    // Every browser gets a CSRF cookie; forms carry the HMAC of it. An API call without any
    // cookie (an integration, a public submission) has no form to protect: it gets none.
    let csrf = req.cookies[CSRF_COOKIE];
    const cookieless = req.url.startsWith("/api/") && !csrf && !req.cookies[SESSION_COOKIE];
    if (!cookieless && (!csrf || csrf.length !== 32)) {
      csrf = randomBytes(24).toString("base64url");
      reply.setCookie(CSRF_COOKIE, csrf, { path: "/", httpOnly: true, sameSite: "lax", secure: secure || req.protocol === "https" });
    }
    req.csrfToken = csrf ? csrfTokenFor(deps.secret, csrf) : "";

    const auth = req.headers.authorization;
    if (auth?.startsWith("Bearer ")) {
      const user = await loadApiToken(deps.db, auth.slice(7).trim());
      if (!user) throw new HttpError(401, "error.401.body");
      req.user = user;
      req.authKind = "token";
    } else {
      const token = req.cookies[SESSION_COOKIE];
      if (token) {
        const user = await loadSession(deps.db, token);
        if (user) {
          req.user = user;
          req.authKind = "session";
        } else {
          reply.clearCookie(SESSION_COOKIE, { path: "/" });
        }
      }
    }
    req.scope = await scopeFor(deps.db, req.user);
  });

  // Characters PostgreSQL cannot store, and bodies nested deeper than any form or API needs, are
  // refused once here for every route (src/web/input-guard.ts).
  app.addHook("preValidation", async (req) => {
    for (const [part, value] of [["query", req.query], ["params", req.params], ["body", req.body]] as const) {
      const at = findNul(value);
      if (at) throw new HttpError(400, "error.nul", { field: at === "_" ? part : at }, [{ path: at, message: req.t("error.nul", { field: at }) }]);
    }
    if (req.body && typeof req.body === "object" && depthOf(req.body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) throw new HttpError(400, "error.tooDeep");
  });

  // CSRF: every state-changing request that carries ambient authority (cookies) must present the
  // token, in a header or in the body — never in the URL, where it would be logged and leaked by
  // Referer. API calls with a bearer token, or with no cookies at all, carry none. A multipart
  // body is not parsed yet here: its readers check the token field themselves (verifyCsrf), and
  // a request that says where it comes from must come from here.
  app.addHook("preHandler", async (req) => {
    if (!csrfRequired(req)) return;
    if (/^multipart\/form-data/.test(req.headers["content-type"] ?? "")) {
      if (!sameOrigin(req)) throw new HttpError(403, "error.csrf");
      return;
    }
    const body = req.body as Record<string, unknown> | undefined;
    const fromBody = body && typeof body === "object" && typeof body._csrf === "string" ? body._csrf : undefined;
    verifyCsrf(req, (req.headers["x-csrf-token"] as string | undefined) ?? fromBody);
  });

  app.setNotFoundHandler(async (req, reply) => {
    if (wantsJson(req)) return reply.code(404).send({ error: { status: 404, message: req.t("error.404.body") } });
    return reply.page(<ErrorPage ctx={req.pageCtx()} status={404} />, 404);
  });

  app.setErrorHandler(async (err: FastifyError | Error, req, reply) => {
    const { status, message, details } = classifyError(err, req);
    const seconds = asHttpError(err)?.vars?.seconds;
    if ((status === 429 || status === 503) && typeof seconds === "number") reply.header("retry-after", String(seconds));
    if (status >= 500) req.log.error({ err }, "request failed");
    if (wantsJson(req)) return reply.code(status).send({ error: { status, message, ...(details ? { details } : {}) } });
    if (status === 401 && req.method === "GET") return reply.code(303).redirect(`/login?next=${encodeURIComponent(req.url)}`);
    return reply.page(<ErrorPage ctx={req.pageCtx()} status={status} message={details?.length ? `${message} ${details.map((d) => d.message).join("; ")}` : message} />, status);
  });

  for (const mod of MODULES) await mod(app);
  return app;
}

type Classified = { status: number; message: string; details?: { path: string; message: string }[] };

/** Maps any error to what a client may see: a 4xx with a clear message, or a bare 500. */
export function classifyError(err: FastifyError | Error, req: FastifyRequest): Classified {
  const t = req.t;
  const he = asHttpError(err);
  if (he) return { status: he.status, message: t(he.messageKey, he.vars), ...(he.details ? { details: he.details } : {}) };
  if (err instanceof NotFoundError) return { status: 404, message: t("error.404.body") };
  const fe = err as FastifyError & { code?: string };
  switch (fe.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
    case "FST_REQ_FILE_TOO_LARGE":
    case "FST_FILES_LIMIT":
    case "FST_PARTS_LIMIT":
    case "FST_FIELDS_LIMIT":
      return { status: 413, message: t("error.413") };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_INVALID_MULTIPART_CONTENT_TYPE":
      return { status: 415, message: t("error.415") };
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { status: 400, message: t("error.invalidJson") };
    case "23514":
    case "54000": // program limit exceeded (a value too large for an index entry)
      return { status: 400, message: t("error.validation") };
    case "42501": // row-level security refused the row: the caller's scope does not include it
      return { status: 404, message: t("error.404.body") };
    case "23505":
      return { status: 409, message: t("error.validation") };
  }
  // Class 22 is "data exception": the input could not be stored or compared (a NUL the guard
  // missed, a number out of range, a malformed date…). Never the caller's 500; never the SQL.
  if (typeof fe.code === "string" && /^22[0-9A-Z]{3}$/.test(fe.code)) return { status: 400, message: t("error.validation") };
  if (fe.statusCode === 429) return { status: 429, message: t("error.429") };
  if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, message: t(fe.statusCode === 413 ? "error.413" : fe.statusCode === 415 ? "error.415" : "error.validation") };
  }
  return { status: 500, message: t("error.500.body") };
}
