// Vietnamese formats: dd/mm/yyyy, 24-hour, "1.000.000 đồng". Pure, so services can name a date in a
// message without the web layer; src/web/i18n.ts re-exports them for pages.
const TZ = "Asia/Ho_Chi_Minh";

function parts(d: Date): Record<string, string> {
  const f = new Intl.DateTimeFormat("en-GB", {
    timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  });
  return Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]));
}

export function formatDate(value: Date | string | null | undefined): string {
  if (!value) return "";
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split("-");
    return `${d}/${m}/${y}`;
  }
  const p = parts(new Date(value));
  return `${p.day}/${p.month}/${p.year}`;
}

export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return "";
  const p = parts(new Date(value));
  const hour = p.hour === "24" ? "00" : p.hour;
  return `${hour}:${p.minute} ${p.day}/${p.month}/${p.year}`;
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat("vi-VN").format(n);
}

export function formatVnd(n: number, lang: "vi" | "en" = "vi"): string {
  return lang === "vi" ? `${formatNumber(n)} đồng` : `${formatNumber(n)} VND`;
}
