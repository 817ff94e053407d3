import type { CurrentUser } from "../modules/accounts/sessions";
import type { Scope, Tx } from "../db/scope";
import type { Lang, Translate } from "./i18n";

// Defined where sessions and tokens load it, so that module needs nothing from the web layer.
export type { CurrentUser };

declare module "fastify" {
  interface FastifyRequest {
    lang: Lang;
    t: Translate;
    user?: CurrentUser;
    scope: Scope;
    csrfToken: string;
    authKind: "session" | "token" | "none";
    /** A transaction confined to the caller's agencies (row-level security). */
    tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  }
}

/** What every page view receives. */
export type PageCtx = {
  lang: Lang;
  t: Translate;
  user?: CurrentUser;
  csrfToken: string;
  path: string;
  site?: { code: string; name: string; unitName: string } | undefined;
};
