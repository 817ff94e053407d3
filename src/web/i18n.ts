export const LANGS = ["vi", "en"] as const;
export type Lang = (typeof LANGS)[number];

/** A module's strings: the Vietnamese catalog is the source; English must have the same keys. */
export type MessageCatalog<K extends string = string> = { vi: Record<K, string>; en: Record<K, string> };

const catalogs: { vi: Record<string, string>; en: Record<string, string> } = { vi: {}, en: {} };

/** Modules register their catalogs at import time; keys are namespaced ("dossier.status.received"). */
export function registerMessages<K extends string>(catalog: MessageCatalog<K>): MessageCatalog<K> {
  for (const lang of LANGS) {
    for (const [k, v] of Object.entries(catalog[lang]) as [string, string][]) {
      if (k in catalogs[lang] && catalogs[lang][k] !== v) throw new Error(`Message key registered twice: ${k}`);
      catalogs[lang][k] = v;
    }
  }
  return catalog;
}

export function allMessages(): { vi: Record<string, string>; en: Record<string, string> } {
  return catalogs;
}

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  return (key, vars) => {
    const template = catalogs[lang][key] ?? catalogs.vi[key] ?? key;
    if (!vars) return template;
    return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  };
}

export function isLang(v: unknown): v is Lang {
  return v === "vi" || v === "en";
}

// Vietnamese formats: dd/mm/yyyy, 24-hour, "1.000.000 đồng".
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

export function formatVnd(n: number, lang: Lang = "vi"): string {
  return lang === "vi" ? `${formatNumber(n)} đồng` : `${formatNumber(n)} VND`;
}
