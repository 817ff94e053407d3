// An amount of money in Vietnamese words, as receipts and invoices print it ("Số tiền bằng chữ":
// "Tám nghìn đồng"). Reading rules: "mười" for 10–19, "mươi" from 20; "mốt" for a final 1 after
// 20+; "lăm" for a final 5 after 10+; "tư" for a final 4 after 20+; "linh" when the tens are zero
// inside a number; "không trăm" when a group after the first has no hundreds; empty groups skipped.

const DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"] as const;
/** Units of each group of three digits, from the right; past "tỷ" the names repeat ("nghìn tỷ"). */
const GROUPS = ["", "nghìn", "triệu"] as const;

/** A group of three digits (0–999); `full` when a non-empty group stands before it ("không trăm", "linh"). */
function group(n: number, full: boolean): string {
  const h = Math.floor(n / 100);
  const t = Math.floor((n % 100) / 10);
  const u = n % 10;
  const words: string[] = [];
  if (h > 0 || full) words.push(DIGITS[h]!, "trăm");
  if (t === 0) {
    if (u > 0 && (h > 0 || full)) words.push("linh");
  } else if (t === 1) words.push("mười");
  else words.push(DIGITS[t]!, "mươi");
  if (u > 0) {
    if (u === 1 && t >= 2) words.push("mốt");
    else if (u === 5 && t >= 1) words.push("lăm");
    else if (u === 4 && t >= 2) words.push("tư");
    else words.push(DIGITS[u]!);
  }
  return words.join(" ");
}

/** A non-negative integer in words, lower case ("một triệu không trăm linh năm nghìn"). */
export function numberInWords(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a non-negative integer: ${value}`);
  if (value === 0) return DIGITS[0];
  // Split into groups of three from the right; every third group is a "tỷ".
  const groups: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 1000)) groups.push(n % 1000);
  const parts: string[] = [];
  let started = false;
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i]!;
    const billions = Math.floor(i / 3);
    const unit = GROUPS[i % 3]!;
    if (g > 0) {
      parts.push(group(g, started));
      if (unit) parts.push(unit);
      started = true;
    }
    // "tỷ" closes every third group once anything stands before it, even when that group is empty.
    if (i % 3 === 0 && billions > 0 && started && !parts.at(-1)?.endsWith("tỷ")) parts.push(Array(billions).fill("tỷ").join(" "));
  }
  return parts.join(" ");
}

/** An amount in đồng as a receipt prints it: capital first letter, "đồng" at the end ("Tám nghìn đồng"). */
export function vndInWords(amountVnd: number): string {
  const words = `${numberInWords(amountVnd)} đồng`;
  return words.charAt(0).toUpperCase() + words.slice(1);
}
