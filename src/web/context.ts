import type { Role } from "../domain/auth/roles";
import type { Scope, Tx } from "../db/scope";
import type { Lang, Translate } from "./i18n";

export type CurrentUser = {
  id: number;
  username: string;
  fullName: string;
  role: Role;
  title: string | null;
  agencyId: number;
  agencyCode: string;
  agencyName: string;
  sessionId?: string;
};

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
