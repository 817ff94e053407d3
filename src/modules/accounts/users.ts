import { z } from "zod";
import { type Role, ROLES } from "../../domain/auth/roles";
import type { Tx } from "../../db/scope";
import { toNfc } from "../../domain/text/fold";
import { appendAudit } from "../audit/audit";
import { hashPassword, MIN_PASSWORD_LENGTH } from "./passwords";

export const NewUser = z.object({
  agencyId: z.number().int().positive(),
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9._-]{3,64}$/, "msg:user.usernameInvalid"),
  fullName: z.string().trim().min(2).max(120).transform(toNfc),
  role: z.enum(ROLES),
  title: z.string().trim().max(120).transform(toNfc).optional(),
  email: z.string().trim().email().optional(),
  phone: z.string().trim().max(20).optional(),
  password: z.string().min(MIN_PASSWORD_LENGTH, "msg:password.tooShort").max(200),
  isDemo: z.boolean().default(false),
  mustChangePassword: z.boolean().default(false),
});
export type NewUser = z.infer<typeof NewUser>;

export type UserRow = {
  id: number;
  agency_id: number;
  username: string;
  full_name: string;
  role: Role;
  title: string | null;
  email: string | null;
  phone: string | null;
  active: boolean;
};

export async function createUser(tx: Tx, input: NewUser, actor: { userId: number | null; label: string }): Promise<UserRow> {
  const passwordHash = await hashPassword(input.password);
  const row = await tx.one<UserRow>(
    `insert into users (agency_id, username, full_name, role, title, email, phone, password_hash, is_demo, must_change_password)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
     returning id, agency_id, username, full_name, role, title, email, phone, active`,
    [input.agencyId, input.username, input.fullName, input.role, input.title ?? null, input.email ?? null, input.phone ?? null, passwordHash, input.isDemo, input.mustChangePassword],
  );
  await appendAudit(tx, {
    agencyId: input.agencyId,
    actorUserId: actor.userId,
    actor: actor.label,
    action: "user.create",
    entity: "user",
    entityId: row.id,
    data: { username: row.username, role: row.role },
  });
  return row;
}

export function findUserByUsername(tx: Tx, username: string): Promise<UserRow | undefined> {
  return tx.maybeOne<UserRow>(
    "select id, agency_id, username, full_name, role, title, email, phone, active from users where username = $1",
    [username.trim().toLowerCase()],
  );
}

export function listUsers(tx: Tx, agencyId: number): Promise<UserRow[]> {
  return tx.query<UserRow>(
    "select id, agency_id, username, full_name, role, title, email, phone, active from users where agency_id = $1 order by role, full_name",
    [agencyId],
  );
}
