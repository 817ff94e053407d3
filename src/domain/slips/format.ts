// Vietnamese date wording for documents, in Asia/Ho_Chi_Minh (UTC+7 all year, no daylight saving,
// so a fixed offset is exact and needs no time-zone database).

const OFFSET_MS = 7 * 60 * 60 * 1000;

export type WallParts = { year: number; month: number; day: number; hour: number; minute: number };

export function wallParts(at: Date): WallParts {
  const d = new Date(at.getTime() + OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

const two = (n: number) => String(n).padStart(2, "0");

/** dd/mm/yyyy */
export function slipDate(at: Date): string {
  const p = wallParts(at);
  return `${two(p.day)}/${two(p.month)}/${p.year}`;
}

/** hh:mm dd/mm/yyyy */
export function slipDateTime(at: Date): string {
  const p = wallParts(at);
  return `${two(p.hour)}:${two(p.minute)} ${two(p.day)}/${two(p.month)}/${p.year}`;
}

/** "10 giờ 05 phút, ngày 03 tháng 12 năm 2026" — the wording of the appointment on Mẫu 01. */
export function slipMoment(at: Date): string {
  const p = wallParts(at);
  return `${two(p.hour)} giờ ${two(p.minute)} phút, ngày ${two(p.day)} tháng ${two(p.month)} năm ${p.year}`;
}

/**
 * "Minh Tiến, ngày 03 tháng 12 năm 2026". Nghị định 30/2020/NĐ-CP: days below 10 and months
 * below 3 take a leading zero (so "tháng 01", "tháng 02", but "tháng 3").
 */
export function placeDateLine(place: string, at: Date): string {
  const p = wallParts(at);
  const month = p.month < 3 ? two(p.month) : String(p.month);
  return `${place}, ngày ${two(p.day)} tháng ${month} năm ${p.year}`;
}
