// Minimum exposure (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15): lists, queues, registers and
// exports show identifiers masked; only the dossier page shows them whole, to the officers
// handling the dossier. Pure functions, shared by every view that lists people (the commune's
// queues, the province's supervision pages), so that a list cannot forget a digit.

/** The mask character run: a fixed width, so the mask does not tell the value's length. */
const MASK = "******";

/** Keeps the last `keep` digits: "019085001234" → "******1234". Empty in, empty out. */
export function maskDigits(value: string | null | undefined, keep = 4): string {
  const digits = (value ?? "").replace(/\D/g, "");
  if (digits.length === 0) return "";
  // A value barely longer than what is kept would be shown almost whole: keep less.
  const shown = digits.length > keep + 4 ? keep : Math.max(0, digits.length - 4);
  return `${MASK}${shown > 0 ? digits.slice(-shown) : ""}`;
}

/** A citizen ID (12 digits, căn cước): "******1234". */
export function maskIdNumber(id: string | null | undefined): string {
  return maskDigits(id, 4);
}

/** A phone number: "******5678" (the last four are what tracking asks for, so they identify nothing new). */
export function maskPhone(phone: string | null | undefined): string {
  return maskDigits(phone, 4);
}

/** An e-mail address: "v***@example.vn". */
export function maskEmail(email: string | null | undefined): string {
  const e = (email ?? "").trim();
  const at = e.lastIndexOf("@");
  if (at < 1) return e ? MASK : "";
  return `${e[0]}***${e.slice(at)}`;
}

/**
 * Masks every run of 9 or more digits in free text (a note that quotes an ID or a phone number):
 * what a list shows of text typed by people.
 */
export function maskDigitRuns(text: string): string {
  return text.replace(/\d(?:[\d .-]*\d)?/g, (run) => {
    const digits = run.replace(/\D/g, "");
    return digits.length >= 9 ? maskDigits(digits) : run;
  });
}
