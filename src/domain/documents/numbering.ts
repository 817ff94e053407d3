// Numbers, symbols, places and dates of outgoing documents (Nghị định 30/2020/NĐ-CP, Phụ lục I).

/** Document kinds and their symbol abbreviations (Phụ lục III); the register numbers per kind. */
export const DOC_KINDS = {
  BC: "Báo cáo",
  KH: "Kế hoạch",
  QĐ: "Quyết định",
  TB: "Thông báo",
  TTr: "Tờ trình",
  CTr: "Chương trình",
  GM: "Giấy mời",
} as const satisfies Record<string, string>;
export type DocKind = keyof typeof DOC_KINDS;

export function isDocKind(v: string): v is DocKind {
  return Object.hasOwn(DOC_KINDS, v);
}

/** Numbers below 10 are written with a leading zero ("04/KH-UBND"). */
export function formatDocNumber(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "BC-UBND" for a report of a People's Committee. */
export function symbolOf(kind: string, issuer = "UBND"): string {
  return `${kind}-${issuer}`;
}

/** "82/BC-UBND" */
export function documentCode(n: number, symbol: string): string {
  return `${formatDocNumber(n)}/${symbol}`;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * "Minh Tiến, ngày 14 tháng 6 năm 2024": days 1–9 and months 1–2 take a leading zero, so a date
 * cannot be altered by adding a digit (Phụ lục I, mục 5).
 */
export function placeDate(place: string, isoDate: string): string {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  const day = d < 10 ? pad2(d) : String(d);
  const month = m < 3 ? pad2(m) : String(m);
  return `${place}, ngày ${day} tháng ${month} năm ${y}`;
}

/** dd/mm/yyyy */
export function vnDate(isoDate: string): string {
  const [y, m, d] = isoDate.split("-");
  return `${d}/${m}/${y}`;
}

/** "Xã Minh Tiến" → "Minh Tiến": the place name on a document drops the unit type. */
export function placeName(unitName: string): string {
  return unitName.replace(/^(xã|phường|thị trấn|đặc khu|tỉnh|thành phố)\s+/iu, "").trim();
}

/**
 * Issuing agency in capitals split over two lines the way offices write it:
 * "Ủy ban nhân dân xã Minh Tiến" → ["ỦY BAN NHÂN DÂN", "XÃ MINH TIẾN"].
 */
export function agencyLines(name: string): string[] {
  const upper = name.normalize("NFC").toLocaleUpperCase("vi").replace(/\s+/g, " ").trim();
  const m = /^(ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN)\s+(.+)$/u.exec(upper);
  if (m) return [m[1]!.replace("UỶ", "ỦY"), m[2]!];
  return [upper];
}

/** Today's date in Vietnam (UTC+7, no daylight saving) as YYYY-MM-DD. */
export function vnToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}
