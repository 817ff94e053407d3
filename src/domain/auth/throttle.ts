// Growing delays after failed sign-ins, instead of a lock a stranger could set off: five wrong
// passwords from anywhere used to lock any account for 15 minutes (issue 19). Delays are counted
// per address, per account from that address, and per account from everywhere; the last one
// grows slowly and stays short, so guesses spread over many addresses are slowed down while the
// account's owner, from their own address, is never kept out for long.

export const THROTTLE_RULES = {
  /** One address trying many accounts (credential stuffing). */
  address: { free: 10, maxDelaySeconds: 15 * 60 },
  /** One account from one address: the usual guessing. */
  accountFromAddress: { free: 3, maxDelaySeconds: 15 * 60 },
  /** One account from all addresses: slows a distributed attack without locking the owner out. */
  account: { free: 20, maxDelaySeconds: 60 },
} as const satisfies Record<string, { free: number; maxDelaySeconds: number }>;

export type ThrottleRule = keyof typeof THROTTLE_RULES;

/** Failures older than this are forgotten. */
export const THROTTLE_WINDOW_HOURS = 24;

/** Seconds to wait after `failures` failures in the window: none while free, then doubling up to the cap. */
export function delayAfter(failures: number, rule: ThrottleRule): number {
  const r = THROTTLE_RULES[rule];
  if (failures < r.free) return 0;
  return Math.min(r.maxDelaySeconds, 2 ** Math.min(30, failures - r.free));
}

/** The throttle keys of an attempt. Unknown usernames get keys too, so they answer exactly like known ones. */
export function throttleKeys(username: string, address: string): Record<ThrottleRule, string> {
  const name = username.trim().toLowerCase();
  return { address: `ip:${address}`, accountFromAddress: `user:${name}|ip:${address}`, account: `user:${name}` };
}
