import type { ComponentChildren, VNode } from "preact";
import { canAccess } from "../../domain/auth/permissions";
import type { PageCtx } from "../../web/context";
import { COMM_ACCESS } from "./access";

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

// The shared form controls, under the names this module's pages use.
export { FileField as FileInput, SelectField as Select, TextAreaField as TextArea } from "../../web/views/layout";

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
    ["/staff/communications", "communications.items", COMM_ACCESS.items],
    ["/staff/communications/radio", "communications.radio", COMM_ACCESS.radio],
    ["/staff/communications/signage", "communications.signage", COMM_ACCESS.signage],
    ["/staff/communications/conferences", "communications.conferences", COMM_ACCESS.conferences],
    ["/staff/communications/summary", "communications.summary", COMM_ACCESS.summary],
  ] as const;
  return (
    <nav aria-label={t("communications.nav")} class="comm-subnav no-print">
      {links.filter(([, , access]) => canAccess(ctx.user?.role, access)).map(([href, key]) => (
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
