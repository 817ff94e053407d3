import type { ComponentChildren, VNode } from "preact";
import type { PageCtx } from "../../web/context";

export function todayLocal(now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** "YYYY-MM-DDTHH:MM" in Asia/Ho_Chi_Minh, for datetime-local inputs. */
export function localDateTimeInput(d: Date): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false })
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour === "24" ? "00" : p.hour}:${p.minute}`;
}

type Option = { value: string | number; label: string };

export function Select(p: { name: string; label: string; options: Option[]; value?: string | number | null | undefined; error?: string | undefined; required?: boolean }): VNode {
  const id = `f-${p.name}`;
  return (
    <div class={`field${p.error ? " has-error" : ""}`}>
      <label for={id}>{p.label}</label>
      {p.error ? (
        <p class="error" id={`${id}-error`}>
          {p.error}
        </p>
      ) : null}
      <select id={id} name={p.name} required={p.required} aria-invalid={p.error ? "true" : undefined} aria-describedby={p.error ? `${id}-error` : undefined}>
        {p.options.map((o) => (
          <option key={String(o.value)} value={String(o.value)} selected={String(o.value) === String(p.value ?? "")}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function TextArea(p: { name: string; label: string; value?: string | null | undefined; error?: string | undefined; hint?: string; rows?: number; required?: boolean; maxLength?: number }): VNode {
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
      <textarea id={id} name={p.name} rows={p.rows ?? 6} required={p.required} maxLength={p.maxLength} aria-invalid={p.error ? "true" : undefined} aria-describedby={describedBy}>
        {p.value ?? ""}
      </textarea>
    </div>
  );
}

export function FileInput(p: { name: string; label: string; hint?: string; multiple?: boolean; accept?: string; error?: string | undefined }): VNode {
  const id = `f-${p.name}`;
  return (
    <div class={`field${p.error ? " has-error" : ""}`}>
      <label for={id}>{p.label}</label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      {p.error ? <p class="error">{p.error}</p> : null}
      <input id={id} name={p.name} type="file" multiple={p.multiple} accept={p.accept} aria-describedby={p.hint ? `${id}-hint` : undefined} />
    </div>
  );
}

export function Notice({ children }: { children: ComponentChildren }): VNode {
  return (
    <p class="notice" role="status">
      {children}
    </p>
  );
}

export function SubNav({ ctx }: { ctx: PageCtx }): VNode {
  const t = ctx.t;
  const links = [
    ["/staff/communications", "communications.items"],
    ["/staff/communications/radio", "communications.radio"],
    ["/staff/communications/signage", "communications.signage"],
    ["/staff/communications/conferences", "communications.conferences"],
    ["/staff/communications/summary", "communications.summary"],
  ] as const;
  return (
    <nav aria-label={t("communications.nav")} class="comm-subnav no-print">
      {links.map(([href, key]) => (
        <a key={href} href={href} aria-current={ctx.path === href ? "page" : undefined}>
          {t(key)}
        </a>
      ))}
    </nav>
  );
}

export function Pager({ ctx, base, page, pageSize, total }: { ctx: PageCtx; base: string; page: number; pageSize: number; total: number }): VNode | null {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  const sep = base.includes("?") ? "&" : "?";
  return (
    <nav class="pager" aria-label={ctx.t("common.page", { n: page })}>
      {page > 1 ? (
        <a href={`${base}${sep}page=${page - 1}`} rel="prev">
          {ctx.t("common.prev")}
        </a>
      ) : null}
      <span>
        {page} / {pages}
      </span>
      {page < pages ? (
        <a href={`${base}${sep}page=${page + 1}`} rel="next">
          {ctx.t("common.next")}
        </a>
      ) : null}
    </nav>
  );
}
