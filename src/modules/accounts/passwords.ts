import { hash, verify } from "@node-rs/argon2";

// argon2id (algorithm 2) with the library's defaults: ~20 ms a hash on this machine class.
const OPTIONS = { algorithm: 2 as const };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// A real hash to verify against when the username does not exist, so timing does not reveal it.
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword("motcua-dummy-password-for-timing");
  return dummy;
}

export const MIN_PASSWORD_LENGTH = 10;
