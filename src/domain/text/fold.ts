// Vietnamese text helpers shared by search, import and validation.
// NFD does not decompose đ/Đ, so they are mapped by hand after stripping combining marks.

const COMBINING = /[\u0300-\u036f]/g;

export function toNfc(text: string): string {
  return text.normalize("NFC");
}

/** Folds diacritics and đ, lower-cases: "Đăng ký Khai sinh" → "dang ky khai sinh". */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(COMBINING, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase();
}

/** Collapses runs of whitespace and trims; keeps NFC. */
export function cleanSpaces(text: string): string {
  return toNfc(text).replace(/\s+/g, " ").trim();
}
