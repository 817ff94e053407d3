import { createHash, randomBytes } from "node:crypto";
import type { Db, Scope, Tx } from "../../db/scope";
import { ROLE_SCOPE, type Role } from "../../domain/auth/roles";

/** The signed-in user of a request (session or API token). */
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
import { appendAudit } from "../audit/audit";

export const SESSION_COOKIE = "mc_session";
export const SESSION_IDLE_MS = 8 * 3600_000; // a working day without activity
export const SESSION_MAX_MS = 7 * 24 * 3600_000;

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function newToken(prefix = ""): string {
  return prefix + randomBytes(32).toString("base64url");
}

type SessionUserRow = {
  session_id: string;
  user_id: number;
  username: string;
  full_name: string;
  role: Role;
  title: string | null;
  agency_id: number;
  agency_code: string;
  agency_name: string;
  last_seen_at: Date;
};

const USER_COLUMNS = `u.id as user_id, u.username, u.full_name, u.role, u.title, u.agency_id, a.code as agency_code, a.name as agency_name`;

function toCurrentUser(r: Omit<SessionUserRow, "session_id" | "last_seen_at">, sessionId?: string): CurrentUser {
  return {
    id: r.user_id,
    username: r.username,
    fullName: r.full_name,
    role: r.role,
    title: r.title,
    agencyId: r.agency_id,
    agencyCode: r.agency_code,
    agencyName: r.agency_name,
    ...(sessionId ? { sessionId } : {}),
  };
}

/**
 * A form sent twice (a second click before the first answer came) signs in twice: from the same
 * address and browser within this time it is the same sign-in, and recorded once.
 */
export const SIGN_IN_REPEAT_SECONDS = 10;

/**
 * Opens a session after a successful password check: the sign-in. The audit entry ("auth.login")
 * is written here, in the session's transaction, and nowhere else — one entry for each sign-in.
 */
export async function createSession(db: Db, opts: { userId: number; agencyId: number; ip?: string; userAgent?: string }): Promise<string> {
  const token = newToken();
  const userAgent = (opts.userAgent ?? "").slice(0, 300);
  await db.system(async (tx) => {
    // Locked so that two submissions of one form are written one after the other and the second sees the first.
    const user = await tx.one<{ username: string }>("select username from users where id = $1 for update", [opts.userId]);
    const r = await tx.one<{ repeated: boolean }>(
      `with earlier as (
         select 1 from sessions where user_id = $2 and ip is not distinct from $5 and user_agent = $6 and created_at > now() - make_interval(secs => $7)
       ), opened as (
         insert into sessions (id, user_id, agency_id, expires_at, ip, user_agent) values ($1,$2,$3, now() + make_interval(secs => $4), $5, $6)
       )
       select exists (select 1 from earlier) as repeated`,
      [sha256(token), opts.userId, opts.agencyId, SESSION_MAX_MS / 1000, opts.ip ?? null, userAgent, SIGN_IN_REPEAT_SECONDS],
    );
    if (!r.repeated) await appendAudit(tx, { agencyId: opts.agencyId, actorUserId: opts.userId, actor: user.username, action: "auth.login", entity: "user", entityId: opts.userId });
  });
  return token;
}

/** The signed-in user for a session cookie, or undefined when absent, expired or idle too long. */
export async function loadSession(db: Db, token: string): Promise<CurrentUser | undefined> {
  if (!token || token.length > 100) return undefined;
  const id = sha256(token);
  return db.system(async (tx) => {
    const r = await tx.maybeOne<SessionUserRow>(
      `select s.id as session_id, s.last_seen_at, ${USER_COLUMNS}
       from sessions s join users u on u.id = s.user_id join agencies a on a.id = u.agency_id
       where s.id = $1 and s.expires_at > now() and u.active`,
      [id],
    );
    if (!r) return undefined;
    const idle = Date.now() - r.last_seen_at.getTime();
    if (idle > SESSION_IDLE_MS) {
      await tx.exec("delete from sessions where id = $1", [id]);
      return undefined;
    }
    // Touch at most once a minute to keep writes off the hot path.
    if (idle > 60_000) await tx.exec("update sessions set last_seen_at = now() where id = $1", [id]);
    return toCurrentUser(r, id);
  });
}

export async function destroySession(db: Db, sessionId: string): Promise<void> {
  await db.system((tx) => tx.exec("delete from sessions where id = $1", [sessionId]));
}

export async function destroyOtherSessions(tx: Tx, userId: number, keepSessionId?: string): Promise<void> {
  await tx.exec("delete from sessions where user_id = $1 and id <> coalesce($2, '')", [userId, keepSessionId ?? null]);
}

/** Staff API tokens: shown once, stored as a hash. */
export const TOKEN_PREFIX = "mc_";

export async function loadApiToken(db: Db, token: string): Promise<CurrentUser | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return undefined;
  return db.system(async (tx) => {
    const r = await tx.maybeOne<Omit<SessionUserRow, "session_id" | "last_seen_at"> & { token_id: number }>(
      `select t.id as token_id, ${USER_COLUMNS}
       from api_tokens t join users u on u.id = t.user_id join agencies a on a.id = u.agency_id
       where t.token_hash = $1 and t.revoked_at is null and u.active`,
      [sha256(token)],
    );
    if (!r) return undefined;
    await tx.exec("update api_tokens set last_used_at = now() where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')", [r.token_id]);
    return toCurrentUser(r);
  });
}

/** The agencies a user acts for: its own, every agency below it, or all, by role. */
export async function scopeFor(db: Db, user: CurrentUser | undefined): Promise<Scope> {
  if (!user) return { agencyIds: [], userId: null };
  const kind = ROLE_SCOPE[user.role];
  if (kind === "all") return { agencyIds: [user.agencyId], allAgencies: true, userId: user.id };
  if (kind === "self") return { agencyIds: [], userId: user.id };
  if (kind === "agency") return { agencyIds: [user.agencyId], userId: user.id };
  const ids = await db.system((tx) =>
    tx.query<{ id: number }>(
      `with recursive t(id) as (select $1::int union all select a.id from agencies a join t on a.parent_id = t.id) select id from t`,
      [user.agencyId],
    ),
  );
  return { agencyIds: ids.map((r) => r.id), userId: user.id };
}
