import type { Db, Tx } from "../../db/scope";
import { delayAfter, THROTTLE_WINDOW_HOURS, type ThrottleRule, throttleKeys } from "../../domain/auth/throttle";
import { slipDateTime } from "../../domain/slips/format";
import { enqueueMessage, notifyStaff } from "../notifications/outbox";
import type { Role } from "../../domain/auth/roles";
import { appendAudit } from "../audit/audit";
import { dummyHash, hashPassword, verifyPassword } from "./passwords";
import { destroyOtherSessions } from "./sessions";

export type LoginResult =
  | { ok: true; userId: number; agencyId: number; role: Role; mustChangePassword: boolean }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

type ThrottleRow = { key: string; failures: number; blocked_until: Date | null; last_failure_at: Date };

/** The owner hears of failed attempts from the third one, at most once an hour. */
const TELL_OWNER_FROM = 3;

/**
 * Checks a password. Failures slow further attempts down (src/domain/auth/throttle.ts) per
 * address, per account from an address and per account, and never lock an account: a stranger
 * cannot keep its owner out. Known and unknown usernames answer alike, in the same time.
 */
export async function attemptLogin(db: Db, input: { username: string; password: string; address: string; now?: Date }): Promise<LoginResult> {
  const name = input.username.trim().toLowerCase();
  const now = input.now ?? new Date();
  const keys = throttleKeys(name, input.address);
  const rows = await db.system((tx) => tx.query<ThrottleRow>("select key, failures, blocked_until, last_failure_at from login_throttle where key = any($1)", [Object.values(keys)]));
  const wait = Math.max(0, ...rows.map((r) => (r.blocked_until ? Math.ceil((r.blocked_until.getTime() - now.getTime()) / 1000) : 0)));
  if (wait > 0) return { ok: false, reason: "throttled", retryAfterSeconds: wait };
  const user = await db.system((tx) =>
    tx.maybeOne<{ id: number; agency_id: number; role: Role; password_hash: string; active: boolean; must_change_password: boolean; email: string | null; full_name: string }>(
      "select id, agency_id, role, password_hash, active, must_change_password, email, full_name from users where username = $1",
      [name],
    ),
  );
  const known = user?.active ? user : undefined;
  const good = known ? await verifyPassword(known.password_hash, input.password) : (await verifyPassword(await dummyHash(), input.password)) && false;
  return db.system(async (tx) => {
    if (good && known) {
      // The sign-in itself is recorded with the session it opens (createSession), once.
      await tx.exec("update users set last_login_at = now() where id = $1", [known.id]);
      await tx.exec("delete from login_throttle where key = any($1)", [[keys.accountFromAddress, keys.account]]);
      return { ok: true, userId: known.id, agencyId: known.agency_id, role: known.role, mustChangePassword: known.must_change_password };
    }
    const counted = new Map<string, number>();
    for (const rule of Object.keys(keys) as ThrottleRule[]) {
      const r = await tx.one<{ failures: number }>(
        `insert into login_throttle as t (key, failures, last_failure_at) values ($1, 1, $2)
         on conflict (key) do update set
           failures = case when t.last_failure_at < $2::timestamptz - make_interval(hours => $3) then 1 else t.failures + 1 end,
           last_failure_at = $2
         returning failures`,
        [keys[rule], now, THROTTLE_WINDOW_HOURS],
      );
      const delay = delayAfter(r.failures, rule);
      if (delay > 0) await tx.exec("update login_throttle set blocked_until = $2::timestamptz + make_interval(secs => $3) where key = $1", [keys[rule], now, delay]);
      counted.set(rule, r.failures);
    }
    if (known) {
      const failures = counted.get("account") ?? 1;
      await appendAudit(tx, {
        agencyId: known.agency_id,
        actorUserId: null,
        actor: name,
        action: "auth.login_failed",
        entity: "user",
        entityId: known.id,
        data: { failedAttempts: failures, address: input.address },
      });
      if (failures >= TELL_OWNER_FROM) await tellOwner(tx, { user: known, failures, address: input.address, now });
    }
    return { ok: false, reason: "invalid" };
  });
}

/** The account's owner is told of repeated failed sign-ins (in the app, and by e-mail when they have one). */
async function tellOwner(tx: Tx, o: { user: { id: number; agency_id: number; email: string | null; full_name: string }; failures: number; address: string; now: Date }): Promise<void> {
  const hour = o.now.toISOString().slice(0, 13);
  const title = `Có ${o.failures} lần đăng nhập sai vào tài khoản của bạn`;
  const body = `Lần gần nhất lúc ${slipDateTime(o.now)} từ địa chỉ ${o.address}. Nếu không phải bạn, hãy đổi mật khẩu và báo cho quản trị hệ thống.`;
  await notifyStaff(tx, { agencyId: o.user.agency_id, userId: o.user.id, kind: "login_failed", title, body, href: "/account/password", dedupeKey: `login-failed:${o.user.id}:${hour}` });
  if (o.user.email) {
    await enqueueMessage(tx, {
      agencyId: o.user.agency_id,
      kind: "login_failed",
      channel: "email",
      recipient: o.user.email,
      subject: title,
      body: `Kính gửi ${o.user.full_name},\n\n${title}. ${body}`,
      dedupeKey: `login-failed-mail:${o.user.id}:${hour}`,
    });
  }
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
