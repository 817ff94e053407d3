import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import { parseForm, redirect, requireUser } from "../../web/http";
import { isLang } from "../../web/i18n";
import { LANG_COOKIE } from "../../web/cookies";
import { CsrfField, ErrorSummary, Field, Layout } from "../../web/views/layout";
import type { PageCtx } from "../../web/context";
import { attemptLogin, changePassword } from "./auth";
import { MIN_PASSWORD_LENGTH } from "./passwords";
import { createSession, destroySession, SESSION_COOKIE, SESSION_MAX_MS } from "./sessions";

const LoginForm = z.object({
  username: z.string().trim().min(1, "msg:login.required").max(64, "msg:login.failed"),
  password: z.string().min(1, "msg:login.required").max(200, "msg:login.failed"),
  next: z.string().max(500).optional(),
});

const PasswordForm = z
  .object({
    current: z.string().min(1).max(200),
    next: z.string().min(MIN_PASSWORD_LENGTH, "msg:password.tooShort").max(200),
    confirm: z.string().max(200),
  })
  .refine((v) => v.next === v.confirm, { message: "msg:password.mismatch", path: ["confirm"] });

/** Only same-site relative paths are followed after sign-in (no open redirect). */
export function safeNext(next: string | undefined, fallback: string): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}

export function homeFor(role: string | undefined): string {
  return role === "citizen" ? "/account" : "/staff";
}

function LoginPage({ ctx, errors, username, next }: { ctx: PageCtx; errors?: Record<string, string>; username?: string; next?: string }) {
  return (
    <Layout ctx={ctx} title={ctx.t("login.title")}>
      <h1>{ctx.t("login.title")}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action="/login" class="panel" novalidate>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="next" value={next ?? ""} />
        <Field name="username" label={ctx.t("login.username")} value={username} autoComplete="username" required error={errors?.username} />
        <Field name="password" label={ctx.t("login.password")} type="password" autoComplete="current-password" required error={errors?.password} />
        <button type="submit">{ctx.t("login.submit")}</button>
      </form>
    </Layout>
  );
}

function PasswordPage({ ctx, errors, done }: { ctx: PageCtx; errors?: Record<string, string>; done?: boolean }) {
  return (
    // Citizens change their password too: they stay in the public area, whose links they can open.
    <Layout ctx={ctx} title={ctx.t("password.title")} area={can(ctx.user?.role, "staff.dashboard") ? "staff" : "public"}>
      <h1>{ctx.t("password.title")}</h1>
      {done ? (
        <p class="notice" role="status">
          {ctx.t("password.changed")}
        </p>
      ) : null}
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action="/account/password" class="panel" novalidate>
        <CsrfField ctx={ctx} />
        <Field name="current" label={ctx.t("password.current")} type="password" autoComplete="current-password" required error={errors?.current} />
        <Field name="next" label={ctx.t("password.new")} type="password" autoComplete="new-password" required error={errors?.next} hint={ctx.t("password.tooShort")} />
        <Field name="confirm" label={ctx.t("password.confirm")} type="password" autoComplete="new-password" required error={errors?.confirm} />
        <button type="submit">{ctx.t("password.submit")}</button>
      </form>
    </Layout>
  );
}

function cookieSecure(app: FastifyInstance, req: FastifyRequest): boolean {
  return (app.deps.config.baseUrl?.startsWith("https://") ?? false) || req.protocol === "https";
}

export async function accountsRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.get("/login", async (req, reply) => {
    const next = (req.query as Record<string, string | undefined>).next;
    if (req.user) return redirect(reply, safeNext(next, homeFor(req.user.role)));
    return reply.page(<LoginPage ctx={req.pageCtx()} next={next} />);
  });

  app.post(
    "/login",
    { config: { rateLimit: { max: 30, timeWindow: "5 minutes", errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, message: "too many", ttl: ctx.ttl }) } } },
    async (req, reply) => {
      const form = parseForm(LoginForm, req.body, req);
      const body = (req.body ?? {}) as Record<string, string>;
      if (!form.ok) return reply.page(<LoginPage ctx={req.pageCtx()} errors={form.errors} username={body.username} next={body.next} />, 400);
      const result = await attemptLogin(db, { username: form.data.username, password: form.data.password, address: req.ip });
      if (!result.ok) {
        if (result.reason === "throttled") reply.header("retry-after", String(result.retryAfterSeconds));
        const message = result.reason === "throttled" ? req.t("login.throttled", { seconds: result.retryAfterSeconds }) : req.t("login.failed");
        return reply.page(<LoginPage ctx={req.pageCtx()} errors={{ _: message }} username={form.data.username} next={form.data.next} />, result.reason === "throttled" ? 429 : 401);
      }
      const token = await createSession(db, { userId: result.userId, agencyId: result.agencyId, ip: req.ip, userAgent: req.headers["user-agent"] ?? "" });
      reply.setCookie(SESSION_COOKIE, token, { path: "/", httpOnly: true, sameSite: "lax", secure: cookieSecure(app, req), maxAge: SESSION_MAX_MS / 1000 });
      if (result.mustChangePassword) return redirect(reply, "/account/password?first=1");
      return redirect(reply, safeNext(form.data.next, homeFor(result.role)));
    },
  );

  app.post("/logout", async (req, reply) => {
    if (req.user?.sessionId) await destroySession(db, req.user.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return redirect(reply, "/");
  });

  app.get("/account/password", async (req, reply) => {
    requireUser(req);
    return reply.page(<PasswordPage ctx={req.pageCtx()} />);
  });

  app.post("/account/password", async (req, reply) => {
    const user = requireUser(req);
    const form = parseForm(PasswordForm, req.body, req);
    if (!form.ok) return reply.page(<PasswordPage ctx={req.pageCtx()} errors={form.errors} />, 400);
    const r = await changePassword(db, { userId: user.id, current: form.data.current, next: form.data.next, keepSessionId: user.sessionId });
    if (r === "wrong_current") return reply.page(<PasswordPage ctx={req.pageCtx()} errors={{ current: req.t("password.wrongCurrent") }} />, 400);
    return reply.page(<PasswordPage ctx={req.pageCtx()} done />);
  });

  // Language switch: a plain link, so it works without JavaScript.
  app.get("/lang/:lang", async (req, reply) => {
    const { lang } = req.params as { lang: string };
    const next = safeNext((req.query as Record<string, string | undefined>).next, "/");
    if (isLang(lang)) reply.setCookie(LANG_COOKIE, lang, { path: "/", sameSite: "lax", maxAge: 365 * 24 * 3600, httpOnly: false });
    return redirect(reply, next);
  });

  // A citizen's own page; staff land on /staff.
  app.get("/account", async (req, reply) => {
    const user = requireUser(req);
    if (can(user.role, "staff.dashboard")) return redirect(reply, "/staff");
    const ctx = req.pageCtx();
    return reply.page(
      <Layout ctx={ctx} title={ctx.t("account.title")}>
        <h1>{ctx.t("account.title")}</h1>
        <p>{ctx.t("dashboard.welcome", { name: user.fullName })}</p>
        <ul>
          <li>
            <a href="/account/password">{ctx.t("nav.password")}</a>
          </li>
        </ul>
      </Layout>,
    );
  });
}
