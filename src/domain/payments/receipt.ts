// Electronic receipts of fees (biên lai điện tử thu phí, lệ phí): Nghị định 123/2020/NĐ-CP
// (Điều 32: what a receipt states) and Thông tư 78/2021/TT-BTC (template and series symbols).
// One series per agency and year: the symbol ends with the year's two digits and "E" (electronic),
// so numbers restart at 1 each year and never repeat within a series.
import { z } from "zod";

/** Template code of a receipt without a pre-printed amount ("01BLP0-001") [?] per agency registration. */
export const DEFAULT_RECEIPT_TEMPLATE = "01BLP0-001";

/** Two capital letters chosen by the agency when it registers its series ("MT" for Minh Tiến). */
export const ReceiptPrefix = z.string().regex(/^[A-Z]{2}$/, { error: "msg:payment.err.receiptPrefix" });

export function receiptSymbol(prefix: string, year: number): string {
  if (!/^[A-Z]{2}$/.test(prefix)) throw new RangeError(`bad receipt prefix ${prefix}`);
  return `${prefix}-${String(year % 100).padStart(2, "0")}E`;
}

/** Numbers are printed with seven digits ("0000001"), as series are registered. */
export function formatReceiptNumber(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1 || n > 9_999_999) throw new RangeError(`receipt number out of range: ${n}`);
  return String(n).padStart(7, "0");
}

/** The series prefix an agency gets until it registers its own: the initials of its place name, unaccented ("Minh Tiến" → "MT"). */
export function defaultReceiptPrefix(placeName: string): string {
  const letters = placeName
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "D")
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase())
    .filter((c) => /[A-Z]/.test(c));
  const two = `${letters[0] ?? "A"}${letters[1] ?? letters[0] ?? "A"}`;
  return two;
}

/** Payment channels a receipt names ("Hình thức thanh toán"). */
export const PAYMENT_CHANNELS = ["vnpay", "cash"] as const;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];
