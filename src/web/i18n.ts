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

import { formatDate as dateText, formatDateTime as dateTimeText } from "../domain/text/format";

export { formatNumber, formatVnd } from "../domain/text/format";

/** A date for a page: dd/mm/yyyy, and "—" where there is none (never an empty cell). */
export function formatDate(value: Date | string | null | undefined): string {
  return dateText(value) || "—";
}

/** A moment for a page: hh:mm dd/mm/yyyy, and "—" where there is none. */
export function formatDateTime(value: Date | string | null | undefined): string {
  return dateTimeText(value) || "—";
}
