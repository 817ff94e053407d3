import type { ComponentChildren, VNode } from "preact";
import { render } from "preact-render-to-string";
import { can, canAccess } from "../../domain/auth/permissions";
import type { PageCtx } from "../context";
import { getNav } from "../registry";

export const ASSET_VERSION = "4";

/** A feed (or other version) of the page, announced in its head for feed readers. */
export type AlternateLink = { href: string; title: string; type: "application/rss+xml" | "application/atom+xml" };

type LayoutProps = { ctx: PageCtx; title: string; children: ComponentChildren; area?: "public" | "staff"; alternates?: readonly AlternateLink[] };

function langSwitchHref(ctx: PageCtx): string {
  const other = ctx.lang === "vi" ? "en" : "vi";
  return `/lang/${other}?next=${encodeURIComponent(ctx.path)}`;
}

export function Layout({ ctx, title, children, area = "public", alternates = [] }: LayoutProps): VNode {
  const { t, user } = ctx;
  const items = getNav().filter((n) => n.area === area && (!n.permission || canAccess(user?.role, n.permission)));
  const siteName = (area === "staff" ? user?.agencyName : undefined) ?? ctx.site?.name ?? t("app.name");
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* A page whose title already is (or names) the commune does not repeat it. */}
        <title>{title.includes(siteName) ? title : `${title} – ${siteName}`}</title>
        <link rel="icon" type="image/svg+xml" href={`/assets/favicon.svg?v=${ASSET_VERSION}`} />
        {alternates.map((a) => (
          <link key={a.href} rel="alternate" type={a.type} href={a.href} title={a.title} />
        ))}
        <link rel="stylesheet" href={`/assets/site.css?v=${ASSET_VERSION}`} />
        <script src={`/assets/site.js?v=${ASSET_VERSION}`} defer />
      </head>
      <body class={`area-${area}`}>
        <a class="skip" href="#main">
          {t("nav.skip")}
        </a>
        <header class="top">
          <div class="wrap top-row">
            <a class="brand" href={area === "staff" ? "/staff" : "/"}>
              <span class="brand-mark" aria-hidden="true">
                MC
              </span>
              <span>
                <strong>{siteName}</strong>
                <small>{t("app.tagline")}</small>
              </span>
            </a>
            <div class="top-tools">
              <a href={langSwitchHref(ctx)} hrefLang={ctx.lang === "vi" ? "en" : "vi"} lang={ctx.lang === "vi" ? "en" : "vi"}>
                {t("nav.lang")}
              </a>
              {user ? (
                <>
                  <span class="who">{user.fullName}</span>
                  <form method="post" action="/logout" class="inline">
                    <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                    <button type="submit" class="link">
                      {t("nav.logout")}
                    </button>
                  </form>
                </>
              ) : (
                <a href="/login">{t("nav.login")}</a>
              )}
            </div>
          </div>
          <nav class="wrap" aria-label={t("nav.menu")}>
            <ul class="nav">
              {area === "public" ? (
                <li>
                  <a href="/" aria-current={ctx.path === "/" ? "page" : undefined}>
                    {t("nav.home")}
                  </a>
                </li>
              ) : null}
              {items.map((n) => (
                <li key={n.href}>
                  <a href={n.href} aria-current={ctx.path === n.href ? "page" : undefined}>
                    {t(n.labelKey)}
                  </a>
                </li>
              ))}
              {area === "public" && user && can(user.role, "staff.dashboard") ? (
                <li>
                  <a href="/staff">{t("nav.staff")}</a>
                </li>
              ) : null}
            </ul>
          </nav>
        </header>
        <main id="main" class="wrap" tabIndex={-1}>
          {children}
        </main>
        <footer class="foot">
          <div class="wrap">
            <p>{t("footer.text")}</p>
          </div>
        </footer>
      </body>
    </html>
  );
}

export function renderDocument(vnode: VNode): string {
  return "<!doctype html>" + render(vnode);
}

export function ErrorSummary({ ctx, errors }: { ctx: PageCtx; errors?: Record<string, string> | undefined }): VNode | null {
  if (!errors || Object.keys(errors).length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1}>
      <h2>{ctx.t("error.validation")}</h2>
      <ul>
        {Object.entries(errors).map(([field, message]) => (
          <li key={field}>{field === "_" ? message : <a href={`#f-${field}`}>{message}</a>}</li>
        ))}
      </ul>
    </div>
  );
}

type FieldProps = {
  name: string;
  label: string;
  type?: string;
  value?: string | number | null | undefined;
  error?: string | undefined;
  hint?: string;
  required?: boolean;
  autoComplete?: string;
  inputMode?: "text" | "numeric" | "tel" | "email" | "search";
  maxLength?: number;
};

type ShellProps = { name: string; label: string; hint?: string | undefined; error?: string | undefined };
type ControlAria = { id: string; "aria-invalid": "true" | undefined; "aria-describedby": string | undefined };

/**
 * The one place a form control gets its label, hint and error, tied to it by aria-describedby;
 * every control (input, select, textarea, file) renders inside it.
 */
export function FieldShell(p: ShellProps & { control: (aria: ControlAria) => VNode }): VNode {
  const id = `f-${p.name}`;
  const describedBy = [p.hint ? `${id}-hint` : "", p.error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`field${p.error ? " has-error" : ""}`}>
      <label for={id}>{p.label}</label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      {p.error ? (
        <p class="error" id={`${id}-error`}>
          {p.error}
        </p>
      ) : null}
      {p.control({ id, "aria-invalid": p.error ? "true" : undefined, "aria-describedby": describedBy })}
    </div>
  );
}

/** A labelled input with its hint and error tied to it by aria-describedby. */
export function Field(p: FieldProps): VNode {
  return (
    <FieldShell
      {...p}
      control={(aria) => (
        <input
          {...aria}
          name={p.name}
          type={p.type ?? "text"}
          value={p.value ?? ""}
          required={p.required}
          autoComplete={p.autoComplete}
          inputMode={p.inputMode}
          maxLength={p.maxLength}
        />
      )}
    />
  );
}

export type SelectOption = { value: string | number; label: string };

export function SelectField(p: ShellProps & { options: SelectOption[]; value?: string | number | null | undefined; required?: boolean }): VNode {
  return (
    <FieldShell
      {...p}
      control={(aria) => (
        <select {...aria} name={p.name} required={p.required}>
          {p.options.map((o) => (
            <option key={String(o.value)} value={String(o.value)} selected={String(o.value) === String(p.value ?? "")}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

export function TextAreaField(p: ShellProps & { value?: string | null | undefined; rows?: number; required?: boolean; maxLength?: number }): VNode {
  return (
    <FieldShell
      {...p}
      control={(aria) => (
        <textarea {...aria} name={p.name} rows={p.rows ?? 6} required={p.required} maxLength={p.maxLength}>
          {p.value ?? ""}
        </textarea>
      )}
    />
  );
}

export function FileField(p: ShellProps & { multiple?: boolean; accept?: string }): VNode {
  return <FieldShell {...p} control={(aria) => <input {...aria} name={p.name} type="file" multiple={p.multiple} accept={p.accept} />} />;
}

export function CsrfField({ ctx }: { ctx: PageCtx }): VNode {
  return <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
}

export function ErrorPage({ ctx, status, message }: { ctx: PageCtx; status: number; message?: string }): VNode {
  const known = [400, 401, 403, 404, 500].includes(status) ? status : status >= 500 ? 500 : 400;
  return (
    <Layout ctx={ctx} title={ctx.t(`error.${known}.title`)}>
      <section class="error-page">
        <p class="status">{status}</p>
        <h1>{ctx.t(`error.${known}.title`)}</h1>
        <p>{message ?? ctx.t(`error.${known}.body`)}</p>
        {status === 401 ? (
          <p>
            <a class="button" href={`/login?next=${encodeURIComponent(ctx.path)}`}>
              {ctx.t("nav.login")}
            </a>
          </p>
        ) : (
          <p>
            <a href="/">{ctx.t("error.back")}</a>
          </p>
        )}
      </section>
    </Layout>
  );
}
