import type { Db } from "../../db/scope";
import type { Role } from "../../domain/auth/roles";
import { appendAudit } from "../audit/audit";
import { dummyHash, hashPassword, verifyPassword } from "./passwords";
import { destroyOtherSessions } from "./sessions";

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;

export type LoginResult =
  | { ok: true; userId: number; agencyId: number; role: Role; mustChangePassword: boolean }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; minutes: number };

/**
 * Checks a password and keeps the failure count: after MAX_FAILED_LOGINS wrong passwords in a row
 * the account is locked for LOCKOUT_MINUTES, even for the right password.
 */
export async function attemptLogin(db: Db, username: string, password: string): Promise<LoginResult> {
  const name = username.trim().toLowerCase();
  const user = await db.system((tx) =>
    tx.maybeOne<{ id: number; agency_id: number; role: Role; password_hash: string; failed_attempts: number; locked_until: Date | null; active: boolean; must_change_password: boolean }>(
      "select id, agency_id, role, password_hash, failed_attempts, locked_until, active, must_change_password from users where username = $1",
      [name],
    ),
  );
  if (!user || !user.active) {
    await verifyPassword(await dummyHash(), password);
    return { ok: false, reason: "invalid" };
  }
  if (user.locked_until && user.locked_until.getTime() > Date.now()) {
    return { ok: false, reason: "locked", minutes: Math.ceil((user.locked_until.getTime() - Date.now()) / 60_000) };
  }
  const good = await verifyPassword(user.password_hash, password);
  return db.system(async (tx) => {
    if (good) {
      // The sign-in itself is recorded with the session it opens (createSession), once.
      await tx.exec("update users set failed_attempts = 0, locked_until = null, last_login_at = now() where id = $1", [user.id]);
      return { ok: true, userId: user.id, agencyId: user.agency_id, role: user.role, mustChangePassword: user.must_change_password };
    }
    const r = await tx.one<{ failed_attempts: number; locked_until: Date | null }>(
      `update users set failed_attempts = failed_attempts + 1,
         locked_until = case when failed_attempts + 1 >= $2 then now() + make_interval(mins => $3) else locked_until end
       where id = $1 returning failed_attempts, locked_until`,
      [user.id, MAX_FAILED_LOGINS, LOCKOUT_MINUTES],
    );
    const locked = r.failed_attempts >= MAX_FAILED_LOGINS;
    await appendAudit(tx, {
      agencyId: user.agency_id,
      actorUserId: null,
      actor: name,
      action: locked ? "auth.lockout" : "auth.login_failed",
      entity: "user",
      entityId: user.id,
      data: { failedAttempts: r.failed_attempts },
    });
    if (locked) {
      await tx.exec("update users set failed_attempts = 0 where id = $1", [user.id]);
      return { ok: false, reason: "locked", minutes: LOCKOUT_MINUTES };
    }
    return { ok: false, reason: "invalid" };
  });
}

export async function changePassword(
  db: Db,
  opts: { userId: number; current: string; next: string; keepSessionId?: string },
): Promise<"ok" | "wrong_current"> {
  const row = await db.system((tx) =>
    tx.one<{ password_hash: string; agency_id: number; username: string }>("select password_hash, agency_id, username from users where id = $1", [opts.userId]),
  );
  if (!(await verifyPassword(row.password_hash, opts.current))) return "wrong_current";
  const hash = await hashPassword(opts.next);
  await db.system(async (tx) => {
    await tx.exec("update users set password_hash = $2, must_change_password = false where id = $1", [opts.userId, hash]);
    await destroyOtherSessions(tx, opts.userId, opts.keepSessionId);
    await appendAudit(tx, { agencyId: row.agency_id, actorUserId: opts.userId, actor: row.username, action: "auth.password_change", entity: "user", entityId: opts.userId });
  });
  return "ok";
}
