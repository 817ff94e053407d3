// Personal data of applicants as a supervisor reads it (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15:
// only what the purpose needs). A province checks how a commune handles dossiers, not who the
// applicants are: names keep the family name and initials, numbers keep a few digits that help
// nobody find the person, addresses and form data are left out. The last four digits of the
// phone are the key of public tracking (src/modules/dossiers/service.ts trackDossier), so they
// are never shown.

export const MASK = "•";

const mask = (n: number) => MASK.repeat(Math.max(0, n));

/** "Nguyễn Văn An" → "Nguyễn V. A.": the family name, then initials. */
export function maskName(fullName: string): string {
  const words = fullName.normalize("NFC").trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return "";
  const [family, ...rest] = words;
  if (rest.length === 0) return `${[...family!][0]}.`;
  return [family, ...rest.map((w) => `${[...w][0]!.toLocaleUpperCase("vi")}.`)].join(" ");
}

/** "019085001234" → "•••••••••234". */
export function maskIdNumber(id: string): string {
  const digits = id.replace(/\s+/g, "");
  if (digits.length <= 3) return mask(digits.length);
  return mask(digits.length - 3) + digits.slice(-3);
}

/** "0912345678" → "091•••••••"; "+84912345678" → "+84•••••••••". */
export function maskPhone(phone: string): string {
  const p = phone.replace(/[\s.()-]/g, "");
  const keep = p.startsWith("+") ? 3 : Math.min(3, Math.max(0, p.length - 4));
  return p.slice(0, keep) + mask(p.length - keep);
}

/** "vuvanan@example.vn" → "v•••@example.vn". */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return mask(3);
  return `${email[0]}${mask(3)}${email.slice(at)}`;
}

const EMAIL_IN_TEXT = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// Six or more digits, possibly grouped ("0912 345 678", "019.085.001.234"): a phone or an ID.
const NUMBER_IN_TEXT = /\+?\d(?:[\s.-]?\d){5,}/g;

/**
 * Free text officials wrote (notes, reasons) keeps its words; phone numbers, ID numbers and
 * e-mail addresses inside it are masked.
 */
export function maskFreeText(text: string): string {
  return text.replace(EMAIL_IN_TEXT, (m) => maskEmail(m)).replace(NUMBER_IN_TEXT, (m) => {
    const digits = m.replace(/\D/g, "");
    // A phone has 10 digits from 0 (or +84 and 9); anything else is masked like an ID number.
    return (digits.length === 10 && digits.startsWith("0")) || (m.startsWith("+") && digits.length === 11) ? maskPhone(m.startsWith("+") ? `+${digits}` : digits) : maskIdNumber(digits);
  });
}

export type ApplicantData = {
  fullName: string;
  idNumber: string;
  phone: string;
  email: string | null;
  address: { line?: string | undefined; [k: string]: unknown };
};

/** What a supervisor reads of an applicant. The address is left out: with initials it would point at the person. */
export function maskApplicant(a: ApplicantData): ApplicantData {
  return {
    fullName: maskName(a.fullName),
    idNumber: maskIdNumber(a.idNumber),
    phone: maskPhone(a.phone),
    email: a.email ? maskEmail(a.email) : null,
    address: { line: mask(3) },
  };
}
