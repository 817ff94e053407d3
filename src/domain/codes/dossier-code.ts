// Dossier codes (số hồ sơ / mã hồ sơ) built from a per-agency pattern. The default follows common
// practice: agency identifier (QCVN 102:2016/BTTTT) - receipt date yymmdd - 4-digit sequence. The
// data layer keeps one counter per (agency, scope key); the scope comes from the date tokens the
// pattern contains, so codes stay unique whatever the pattern.

export const DEFAULT_CODE_PATTERN = "{agencyCode}-{yymmdd}-{seq:4}";

export type SequenceScope = "day" | "month" | "year" | "never";

export type CodeDate = { year: number; month: number; day: number };

export type CodeMessage = { key: string; vi: string; en: string; token?: string };

export type PatternCheck = { ok: true } | { ok: false; errors: CodeMessage[] };

const TOKEN = /\{([^{}]*)\}/g;
const SIMPLE_TOKENS = new Set(["agencyCode", "yyyy", "yy", "mm", "dd", "yymmdd"]);
const SEQ = /^seq(?::(\d{1,2}))?$/;
/** Literal text allowed between tokens: what agency codes and separators use. */
const LITERAL = /^[A-Za-z0-9.\-_/]*$/;
const MAX_PATTERN_LENGTH = 100;
const MAX_SEQ_WIDTH = 10;

const MESSAGES = {
  too_long: { vi: "Mẫu mã hồ sơ quá dài (tối đa 100 ký tự)", en: "The code pattern is too long (at most 100 characters)" },
  missing_agency: {
    vi: "Mẫu mã hồ sơ phải có mã đơn vị {agencyCode}: mã hồ sơ phải không trùng với đơn vị khác",
    en: "The code pattern must contain the agency code {agencyCode}: codes must differ from every other agency's",
  },
  missing_seq: { vi: "Mẫu mã hồ sơ phải có số thứ tự {seq} hoặc {seq:N}", en: "The code pattern must contain a sequence {seq} or {seq:N}" },
  many_seq: { vi: "Mẫu mã hồ sơ chỉ được có một số thứ tự", en: "The code pattern may contain only one sequence" },
  unknown_token: { vi: "Mẫu mã hồ sơ có thành phần không được hỗ trợ", en: "The code pattern contains an unsupported token" },
  bad_width: { vi: "Độ dài số thứ tự phải từ 1 đến 10", en: "The sequence width must be between 1 and 10" },
  bad_literal: {
    vi: "Mẫu mã hồ sơ chỉ được chứa chữ không dấu, chữ số và các ký tự . - _ /",
    en: "The code pattern may only contain unaccented letters, digits and . - _ /",
  },
} as const;

function message(key: keyof typeof MESSAGES, token?: string): CodeMessage {
  return token === undefined ? { key: `code.${key}`, ...MESSAGES[key] } : { key: `code.${key}`, ...MESSAGES[key], token };
}

/** Checks a pattern an administrator typed; every problem is reported, in Vietnamese and English. */
export function validateCodePattern(pattern: string): PatternCheck {
  const errors: CodeMessage[] = [];
  if (pattern.length > MAX_PATTERN_LENGTH) errors.push(message("too_long"));
  let seqCount = 0;
  for (const match of pattern.matchAll(TOKEN)) {
    const name = match[1]!;
    const seq = SEQ.exec(name);
    if (seq) {
      seqCount++;
      const width = seq[1] === undefined ? 1 : Number(seq[1]);
      if (width < 1 || width > MAX_SEQ_WIDTH) errors.push(message("bad_width", match[0]));
    } else if (!SIMPLE_TOKENS.has(name)) {
      errors.push(message("unknown_token", match[0]));
    }
  }
  if (!LITERAL.test(pattern.replace(TOKEN, ""))) errors.push(message("bad_literal"));
  if (seqCount === 0) errors.push(message("missing_seq"));
  // Tracking looks a code up across the installation: a code must name its agency.
  if (!tokensOf(pattern).has("agencyCode")) errors.push(message("missing_agency"));
  if (seqCount > 1) errors.push(message("many_seq"));
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

function tokensOf(pattern: string): Set<string> {
  return new Set([...pattern.matchAll(TOKEN)].map((m) => m[1]!));
}

/**
 * How often the sequence must restart so that codes stay unique: per day only when the code shows
 * the full date, per month when it shows year and month, per year when it shows the year, else never.
 * A pattern showing the day but not the month (e.g. "{dd}") must not restart daily: 05 January and
 * 05 February would collide.
 */
export function sequenceScope(pattern: string): SequenceScope {
  const t = tokensOf(pattern);
  const hasYear = t.has("yyyy") || t.has("yy") || t.has("yymmdd");
  const hasMonth = t.has("mm") || t.has("yymmdd");
  const hasDay = t.has("dd") || t.has("yymmdd");
  if (hasYear && hasMonth && hasDay) return "day";
  if (hasYear && hasMonth) return "month";
  if (hasYear) return "year";
  return "never";
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Key of the counter a code draws from, e.g. "2026-11-28", "2026-11", "2026" or "all". */
export function sequenceScopeKey(pattern: string, date: CodeDate): string {
  switch (sequenceScope(pattern)) {
    case "day":
      return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
    case "month":
      return `${pad(date.year, 4)}-${pad(date.month, 2)}`;
    case "year":
      return pad(date.year, 4);
    case "never":
      return "all";
  }
}

/**
 * Formats a code, e.g. ("{agencyCode}-{yymmdd}-{seq:4}", 000.00.25.H12, 2026-11-28, 1) →
 * "000.00.25.H12-261128-0001". A sequence wider than its padding is written in full rather than cut,
 * so codes stay unique. Throws for an invalid pattern or sequence (validate patterns when saved).
 */
export function formatDossierCode(pattern: string, values: { agencyCode: string; date: CodeDate; seq: number }): string {
  const check = validateCodePattern(pattern);
  if (!check.ok) throw new RangeError(`Invalid dossier code pattern "${pattern}": ${check.errors.map((e) => e.en).join("; ")}`);
  if (!Number.isSafeInteger(values.seq) || values.seq < 1) throw new RangeError(`Sequence must be a positive integer, got ${values.seq}`);
  const { year, month, day } = values.date;
  const yy = pad(year % 100, 2);
  return pattern.replace(TOKEN, (_whole, name: string) => {
    switch (name) {
      case "agencyCode":
        return values.agencyCode;
      case "yyyy":
        return pad(year, 4);
      case "yy":
        return yy;
      case "mm":
        return pad(month, 2);
      case "dd":
        return pad(day, 2);
      case "yymmdd":
        return yy + pad(month, 2) + pad(day, 2);
      default: {
        const width = Number(SEQ.exec(name)?.[1] ?? 1);
        return pad(values.seq, width);
      }
    }
  });
}
