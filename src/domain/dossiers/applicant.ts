// Applicant identity checks (citizen ID, phone) as pure functions and zod schemas.
// Citizen ID (căn cước / CCCD, Thông tư 59/2021/TT-BCA, formerly 07/2016/TT-BCA): 12 digits =
// 3-digit code of the province of birth registration + 1 digit century/gender + 2 digits year of
// birth + 6 random digits. The province codes are those of the 63 provinces before the 2025
// merger: IDs issued before it keep them.

import { z } from "zod";
import { cleanSpaces, toNfc } from "../text/fold";

export const ID_PROVINCE_CODES: ReadonlySet<string> = new Set(
  [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58,
    60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
  ].map((n) => String(n).padStart(3, "0")),
);

export type CitizenIdProblem = "format" | "province" | "century" | "year";

/** The century digit: 0/1 → 1900s (male/female), 2/3 → 2000s, 4/5 → 2100s, 6/7 → 2200s, 8/9 → 1800s. */
export function birthYearOfCitizenId(id: string): number {
  const d = Number(id[3]);
  const century = [1900, 1900, 2000, 2000, 2100, 2100, 2200, 2200, 1800, 1800][d]!;
  return century + Number(id.slice(4, 6));
}

export function checkCitizenId(id: string, today: Date = new Date()): CitizenIdProblem | undefined {
  if (!/^\d{12}$/.test(id)) return "format";
  if (!ID_PROVINCE_CODES.has(id.slice(0, 3))) return "province";
  const year = birthYearOfCitizenId(id);
  const thisYear = today.getUTCFullYear();
  if (year > thisYear) return Number(id[3]) >= 4 ? "century" : "year";
  if (year < thisYear - 130) return "century";
  return undefined;
}

/** "+84 912 345 678", "0912.345.678" → "0912345678"; undefined when not a 10-digit number starting with 0. */
export function normalisePhone(input: string): string | undefined {
  let s = input.replace(/[\s.\-()]/g, "");
  if (s.startsWith("+84")) s = `0${s.slice(3)}`;
  else if (s.startsWith("84") && s.length === 11) s = `0${s.slice(2)}`;
  return /^0\d{9}$/.test(s) ? s : undefined;
}

const text = (max: number) =>
  z
    .string()
    .transform((s) => cleanSpaces(toNfc(s)))
    .pipe(z.string().max(max, { error: "msg:dossier.err.tooLong" }));

export const CitizenId = z
  .string()
  .transform((s) => s.replace(/\s/g, ""))
  .superRefine((s, ctx) => {
    const p = checkCitizenId(s);
    if (p) ctx.addIssue({ code: "custom", message: `msg:dossier.err.id.${p}` });
  });

export const Phone = z.string().transform((s, ctx) => {
  const p = normalisePhone(s);
  if (!p) {
    ctx.addIssue({ code: "custom", message: "msg:dossier.err.phone" });
    return z.NEVER;
  }
  return p;
});

export const ApplicantAddress = z.object({
  /** Thôn / tổ dân phố, house number: free text. */
  line: text(300).pipe(z.string().min(1, { error: "msg:dossier.err.address" })),
  /** Commune (xã/phường) agency code from the administrative units; optional for addresses outside the installation. */
  communeCode: z
    .string()
    .max(40)
    .optional()
    .transform((s) => (s ? s.trim() : undefined)),
});
export type ApplicantAddress = z.infer<typeof ApplicantAddress>;

export const Applicant = z.object({
  fullName: text(200).pipe(z.string().min(2, { error: "msg:dossier.err.fullName" })),
  idNumber: CitizenId,
  phone: Phone,
  email: z
    .string()
    .trim()
    .max(200)
    .optional()
    .transform((s) => (s ? s : undefined))
    .pipe(z.email({ error: "msg:dossier.err.email" }).optional()),
  address: ApplicantAddress,
});
export type Applicant = z.infer<typeof Applicant>;

/** Last four digits of a phone: what a visitor gives to see a dossier's status. */
export function phoneLast4(phone: string): string {
  return phone.slice(-4);
}
