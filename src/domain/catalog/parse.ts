// Importer for the national portal's procedure records (the crawler's shape, Vietnamese keys).
// The portal renders its tables as HTML; the crawler kept only the text, so table cells arrive
// run together ("Trực tiếp7 NgàyKhông có thông tinNộp trực tiếp…"). The patterns below were
// measured on all 2,642 records of the national dump; whatever they cannot read is reported
// per record as a `problem` instead of being guessed.
import { z } from "zod";
import { cleanSpaces, fold, toNfc } from "../text/fold";
import {
  type Channel,
  type ChannelOption,
  type DocumentGroup,
  type Fee,
  type FeeBasis,
  type LegalBasis,
  Procedure,
  ProcedureCode,
  type RequiredDocument,
  type TimeLimit,
  type TimeUnit,
} from "./model";

export { diffProcedures, procedureContentHash } from "./version";

export type ParseProblem = { field: string; message: string };
export type ParseResult = { procedure: Procedure; problems: ParseProblem[] };

/** A record that is not a procedure at all; the importer must then write nothing. */
export class CatalogImportError extends Error {
  readonly recordIndex: number;
  readonly code: string | undefined;
  readonly field: string;
  /** The message without the record and field in front of it. */
  readonly detail: string;

  constructor(details: { recordIndex: number; code?: string; field: string; message: string }) {
    const where = `bản ghi #${details.recordIndex}${details.code ? ` (${details.code})` : ""}`;
    super(`${where}, trường ${details.field}: ${details.message}`);
    this.name = "CatalogImportError";
    this.recordIndex = details.recordIndex;
    this.code = details.code;
    this.field = details.field;
    this.detail = details.message;
  }
}

const optionalText = z.string().optional();

/** The raw record as the crawler stored it. Extra keys (formality_id, bo_nganh_folder…) pass. */
export const PortalRecord = z.looseObject({
  ma_thu_tuc: z.string(),
  ten_thu_tuc: z.string(),
  linh_vuc: optionalText,
  cap_thuc_hien: optionalText,
  so_quyet_dinh: optionalText,
  loai_thu_tuc: optionalText,
  doi_tuong_thuc_hien: optionalText,
  co_quan_co_tham_quyen: optionalText,
  co_quan_thuc_hien: optionalText,
  cach_thuc_thuc_hien: optionalText,
  thanh_phan_ho_so: optionalText,
  can_cu_phap_ly: optionalText,
  yeu_cau_dieu_kien: optionalText,
  trinh_tu_thuc_hien: optionalText,
  ket_qua_xu_ly: optionalText,
  detail_url: optionalText,
});
export type PortalRecord = z.infer<typeof PortalRecord>;

const NO_INFO = "Không có thông tin";

/** Empty and "Không có thông tin" both mean the portal said nothing. */
function textOrNull(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const text = cleanSpaces(raw);
  return text === "" || text === NO_INFO ? null : text;
}

/** Splits on commas outside parentheses: "Tổ chức (không bao gồm doanh nghiệp, HTX), …". */
function splitList(raw: string | undefined): string[] {
  const text = textOrNull(raw);
  if (text === null) return [];
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "(") depth++;
    else if (ch === ")") depth = Math.max(0, depth - 1);
    else if (ch === "," && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return [...new Set(out.map((s) => s.trim()).filter((s) => s !== ""))];
}

/** Reads a balanced "( … )" starting at `from`; returns the inner text and the end index. */
function readParenthesised(text: string, from: number): { inner: string; end: number } | null {
  if (text[from] !== "(") return null;
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")") {
      depth--;
      if (depth === 0) return { inner: text.slice(from + 1, i), end: i + 1 };
    }
  }
  // Unbalanced: the note runs to the end of the cell.
  return { inner: text.slice(from + 1), end: text.length };
}

// ---------------------------------------------------------------------------------------------
// Channels (cách thức thực hiện)

const CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả";
const CHANNEL_NAMES: Record<string, Channel> = {
  "Trực tiếp": "in_person",
  "Trực tuyến": "online",
  "Dịch vụ bưu chính": "post",
};
// A channel name starts a row only when a time or fee cell follows without a space; the same
// words inside descriptions ("- Trực tiếp: nộp hồ sơ…") are followed by punctuation or a space.
const CHANNEL_START = /(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=\d|Không có thông tin|Không phải|Không quy định|Trong ngày|Miễn phí)/g;
const TIME_CELL = /^(\d+(?:[.,]\d+)?)\s*(Ngày làm việc|Ngày|Giờ làm việc|Giờ|Tháng)/;
const TIME_UNITS: Record<string, TimeUnit> = {
  "Ngày làm việc": "working_days",
  Ngày: "calendar_days",
  // Decree 61/2018 counts hour limits in working hours.
  "Giờ làm việc": "working_hours",
  Giờ: "working_hours",
  Tháng: "months",
};
const MONEY_CELL = /^(\d[\d.,]*)\s*(Việt Nam Đồng|VNĐ|Đồng|USD)/;
const FEE_START = /Miễn phí|Không có thông tin|\d[\d.,]*\s*(?:Việt Nam Đồng|VNĐ|Đồng|USD)/;

const FEE_BASES: [RegExp, FeeBasis][] = [
  [/^trang/, "page"],
  [/^(bản|bộ)\b/, "copy"],
  [/^hồ sơ/, "dossier"],
  [/^(lần|chuyến)/, "time"],
  [/^người/, "person"],
  [/^(trường hợp|việc)/, "case"],
  [/^(giấy|thẻ|chứng chỉ|biển)/, "certificate"],
  [/^(giao dịch|hợp đồng)/, "transaction"],
  [/^(văn bản|tờ khai|di chúc)/, "document"],
];

function parseAmount(digits: string): number {
  // VND has no minor unit: both "7,000" and "7.000" are thousands separators.
  return Number(digits.replace(/[.,]/g, ""));
}

function feeBasis(note: string | null): FeeBasis | null {
  if (note === null) return null;
  const m = /(?:^|đồng|đ|vnđ|usd)\s*\/\s*(?:0?1\s+)?([\p{L} ]{2,20})/iu.exec(note);
  if (!m) return null;
  const unit = m[1]!.trim().toLowerCase();
  for (const [re, basis] of FEE_BASES) if (re.test(unit)) return basis;
  return null;
}

function feeCap(note: string | null): number | null {
  if (note === null) return null;
  const m = /tối đa[^.;]{0,25}?(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:đồng|vnđ|đ(?!\p{L}))/iu.exec(note);
  return m ? parseAmount(m[1]!) : null;
}

const AMOUNT_IN_NOTE = /(\d{1,3}(?:[.,]\d{3})+|\d{4,})\s*(?:đồng|vnđ|đ(?!\p{L}))/iu;

function parseFeeCell(cell: string, problems: ParseProblem[]): { fee: Fee; rest: string } {
  let fee: Fee;
  let rest: string;
  let note: string | null = null;
  const takeNote = (text: string): string => {
    const paren = readParenthesised(text, 0);
    if (!paren) return text;
    note = cleanSpaces(paren.inner) || null;
    return text.slice(paren.end);
  };
  if (cell.startsWith("Miễn phí")) {
    rest = takeNote(cell.slice("Miễn phí".length));
    const n = note as string | null;
    if (n !== null && /Hội đồng nhân dân|HĐND/.test(n)) fee = { kind: "local", note: n };
    else if (n !== null && AMOUNT_IN_NOTE.test(n)) {
      problems.push({ field: "channels", message: `"Miễn phí" nhưng ghi chú nêu mức thu: ${n.slice(0, 80)}` });
      fee = { kind: "unparsed", text: `Miễn phí (${n})` };
    } else fee = { kind: "free", note: n };
    return { fee, rest };
  }
  if (cell.startsWith(NO_INFO)) {
    rest = takeNote(cell.slice(NO_INFO.length));
    const n = note as string | null;
    fee = n !== null && /Hội đồng nhân dân|HĐND/.test(n) ? { kind: "local", note: n } : { kind: "unknown" };
    return { fee, rest };
  }
  const money = MONEY_CELL.exec(cell);
  if (!money) return { fee: { kind: "unknown" }, rest: cell };
  rest = takeNote(cell.slice(money[0].length));
  const n = note as string | null;
  let amount = parseAmount(money[1]!);
  if (money[2] === "USD") {
    return { fee: { kind: "foreign", amount, currency: "USD", per: feeBasis(n), note: n }, rest };
  }
  if (amount < 1000) {
    // The portal sometimes keys amounts in thousands ("40 Việt Nam Đồng(4.000 đ/giấy…)").
    const inNote = n === null ? null : AMOUNT_IN_NOTE.exec(n);
    if (inNote && parseAmount(inNote[1]!) === amount * 1000) {
      amount *= 1000;
      problems.push({ field: "channels", message: `mức thu "${money[0]}" vô lý, lấy theo ghi chú: ${amount} đồng` });
    } else {
      problems.push({ field: "channels", message: `mức thu "${money[0]}" vô lý, ghi chú không xác nhận mức thu` });
      return { fee: { kind: "unparsed", text: n ? `${money[0]} (${n})` : money[0] }, rest };
    }
  }
  const fixed: Fee = { kind: "fixed", amountVnd: amount, per: feeBasis(n), capVnd: feeCap(n), note: n };
  return { fee: fixed, rest };
}

function parseChannels(raw: string | undefined, problems: ParseProblem[]): ChannelOption[] {
  const text = toNfc(raw ?? "").trim();
  if (text === "" || text === NO_INFO) {
    problems.push({ field: "channels", message: "không có cách thức thực hiện" });
    return [];
  }
  if (!text.startsWith(CHANNEL_HEADER)) {
    problems.push({ field: "channels", message: "không đúng dạng bảng cách thức thực hiện" });
    return [];
  }
  const body = text.slice(CHANNEL_HEADER.length);
  const starts = [...body.matchAll(CHANNEL_START)];
  if (starts.length === 0 || starts[0]!.index !== 0) {
    problems.push({ field: "channels", message: `không đọc được hình thức nộp: "${body.slice(0, 60)}"` });
    if (starts.length === 0) return [];
  }
  const out: ChannelOption[] = [];
  starts.forEach((m, i) => {
    const channel = CHANNEL_NAMES[m[1]!]!;
    const cellStart = m.index + m[0].length;
    const cellEnd = i + 1 < starts.length ? starts[i + 1]!.index : body.length;
    let cell = body.slice(cellStart, cellEnd);

    let timeLimit: TimeLimit | null = null;
    let timeLimitText: string | null = null;
    const time = TIME_CELL.exec(cell);
    if (time) {
      timeLimitText = cleanSpaces(time[0]);
      timeLimit = { amount: Number(time[1]!.replace(",", ".")), unit: TIME_UNITS[time[2]!]! };
      cell = cell.slice(time[0].length);
    } else if (cell.startsWith("Trong ngày")) {
      timeLimitText = "Trong ngày";
      timeLimit = { amount: 0, unit: "same_day" };
      cell = cell.slice("Trong ngày".length);
    } else if (cell.startsWith(NO_INFO)) {
      cell = cell.slice(NO_INFO.length);
      problems.push({ field: "channels", message: `${m[1]}: không có thời hạn giải quyết` });
    } else {
      const bare = /^(\d+)(?=Miễn phí|Không có thông tin)/.exec(cell);
      const feeAt = FEE_START.exec(cell);
      if (bare) {
        timeLimitText = bare[1]!;
        cell = cell.slice(bare[0].length);
        problems.push({ field: "channels", message: `${m[1]}: thời hạn "${bare[1]}" không có đơn vị` });
      } else if (feeAt && feeAt.index > 0) {
        timeLimitText = cleanSpaces(cell.slice(0, feeAt.index));
        cell = cell.slice(feeAt.index);
        problems.push({ field: "channels", message: `${m[1]}: thời hạn không phải số: "${timeLimitText.slice(0, 60)}"` });
      } else {
        problems.push({ field: "channels", message: `${m[1]}: ô thời hạn và phí dính nhau: "${cell.slice(0, 40)}"` });
      }
    }
    const { fee, rest } = parseFeeCell(cell, problems);
    out.push({ channel, timeLimit, timeLimitText, fees: [fee], description: textOrNull(rest) });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Required documents (thành phần hồ sơ)

const DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng";
// A row ends with its quantity cell; "01 bản sao có chứng thực …" inside a name is followed by
// a space and a lower-case word, a real cell end never is.
const QUANTITY = /(?:(\d+) bản chính(?:\s*,\s*(\d+) bản sao)?|(\d+) bản sao)(?![ \t\u00a0]+\p{Ll})/gu;
const TEMPLATE_FILES = /[\s\S]*?\.(?:docx|doc|pdf|xlsx|xls|zip|rar|odt)(?=$|[^a-z])/giu;
const TEMPLATE_TAIL = /\.(?:docx|doc|pdf|xlsx|xls|zip|rar|odt)$/i;

function cleanCaseTitle(raw: string): string | null {
  const title = cleanSpaces(raw)
    .replace(/^[-*+\s]+/, "")
    .replace(/[:\s]+$/, "");
  return title === "" || title === "--" ? null : title;
}

/** Separates "Tên giấy tờ" from the run-together template file names ("…(mẫu NA17)101-Mau.doc"). */
function splitTemplates(row: string): { name: string; templates: string[] } {
  const text = row.trim();
  if (!TEMPLATE_TAIL.test(text)) return { name: text, templates: [] };
  // The file cell starts after the last closing bracket or semicolon of the name; without one,
  // at the first place where a lower-case letter runs into an upper-case one ("sinhTờ khai").
  let cut = Math.max(text.lastIndexOf(")"), text.lastIndexOf(";"), text.lastIndexOf("]"), text.lastIndexOf("”")) + 1;
  const tailHasExt = (from: number) => TEMPLATE_TAIL.test(text.slice(from)) && /\p{L}|\d/u.test(text.slice(from));
  if (cut <= 0 || !tailHasExt(cut) || /^\s*\.(?:docx?|pdf|xlsx?)$/i.test(text.slice(cut))) {
    const joint = /[\p{Ll}\d.][\p{Lu}]/u.exec(text);
    cut = joint ? joint.index + 1 : 0;
  }
  const files = text
    .slice(cut)
    .replace(/^[.\s]+/, "")
    .match(TEMPLATE_FILES);
  const name = cleanSpaces(text.slice(0, cut));
  if (!files || name === "") return { name: text, templates: [] };
  return { name, templates: files.map((f) => f.trim()).filter((f) => f.length > 4) };
}

function parseDocuments(raw: string | undefined, problems: ParseProblem[]): DocumentGroup[] {
  const text = toNfc(raw ?? "").trim();
  if (text === "" || text === NO_INFO || text === "--") {
    problems.push({ field: "documents", message: "không có thành phần hồ sơ" });
    return [];
  }
  const parts = text.split(DOC_HEADER);
  if (parts.length === 1) {
    problems.push({ field: "documents", message: "không đúng dạng bảng thành phần hồ sơ" });
    return [{ case: null, items: [], note: cleanSpaces(text) }];
  }
  const groups: DocumentGroup[] = [];
  let caseTitle = cleanCaseTitle(parts[0]!);
  for (let p = 1; p < parts.length; p++) {
    const part = parts[p]!;
    const items: RequiredDocument[] = [];
    const notes: string[] = [];
    let last = 0;
    for (const q of part.matchAll(QUANTITY)) {
      let rowText = part.slice(last, q.index);
      last = q.index + q[0].length;
      let first = q[1] ?? q[3] ?? "0";
      // "theo Mẫu số 131 bản chính" is "Mẫu số 13" + "1 bản chính": nobody brings 131 originals.
      if (first.length >= 2 && Number(first) > 10) {
        rowText += first.slice(0, -1);
        first = first.slice(-1);
      }
      const original = q[1] !== undefined ? Number(first) : 0;
      const copy = q[2] !== undefined ? Number(q[2]) : q[3] !== undefined ? Number(first) : 0;
      const { name, templates } = splitTemplates(rowText);
      if (name === "") {
        problems.push({ field: "documents", message: `dòng không có tên giấy tờ: "${q[0]}"` });
        continue;
      }
      // Explanations ("*Lưu ý: …", "Ví dụ: …") are typed into the table as 0-copy rows.
      if (original === 0 && copy === 0 && /^[*\s-]*(Lưu ý|Ghi chú|Ví dụ|Số lượng hồ sơ)/iu.test(name)) {
        notes.push(cleanSpaces(name.replace(/^[*\s-]+/, "")));
        continue;
      }
      items.push({
        name: cleanSpaces(name),
        templates: templates.map((fileName) => ({ fileName: cleanSpaces(fileName) })),
        copies: { original, copy },
        optional: /\(\s*nếu có/iu.test(name),
      });
    }
    const tail = part.slice(last);
    groups.push({ case: caseTitle, items, note: notes.length ? notes.join("\n") : null });
    if (p + 1 < parts.length) caseTitle = cleanCaseTitle(tail);
    else if (cleanSpaces(tail) !== "") {
      problems.push({ field: "documents", message: `phần cuối không đọc được: "${cleanSpaces(tail).slice(0, 60)}"` });
      const g = groups[groups.length - 1]!;
      g.note = [g.note, cleanSpaces(tail)].filter(Boolean).join("\n");
    }
  }
  const nonEmpty = groups.filter((g) => g.items.length > 0 || g.note !== null);
  if (nonEmpty.every((g) => g.items.length === 0)) {
    problems.push({ field: "documents", message: "bảng thành phần hồ sơ không có dòng nào" });
  }
  return nonEmpty;
}

// ---------------------------------------------------------------------------------------------
// Legal basis (căn cứ pháp lý)

const LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản";
// Digits end the symbol only when they do not start the next number ("…TT-BCA55/2021/…").
// "TTg" (Prime Minister) is the one symbol with a lower-case letter.
const LEGAL_NUMBER = /\d+(?:\.\d+)?\/\d{4}\/(?:TTg|[A-ZĐ]|\d(?!\d*\/\d{4}\/))+(?:-(?:TTg|[A-ZĐ]|\d(?!\d*\/\d{4}\/))+)*/gu;
// Words a new title starts with. When the number's symbol swallowed the capital of the next
// title ("TT-BCAThông tư…" read as "TT-BCAT"+"hông"), the capital goes back to the title.
const TITLE_STARTS = new Set(
  [
    "thong",
    "nghi",
    "luat",
    "quy",
    "quyet",
    "sua",
    "huong",
    "thuc",
    "van",
    "bo",
    "phap",
    "hien",
    "chi",
    "cong",
    "ve",
    "ban",
    "danh",
    "dieu",
    "giao",
    "trang",
    "hang",
    "phi",
    "thue",
    "nhap",
    "ke",
    "so",
    "cac",
    "co",
    "bieu",
    "lenh",
    "muc",
    "ap",
  ].map((w) => w),
);
// Lower-case words that continue a title after a number ("…/TT-BCAngày 01/7/2025 của…").
const TITLE_CONTINUATIONS = new Set(["ngay", "cua", "va", "do", "nam", "thang", "duoc", "tai", "cho", "theo"]);
const NUMBER_PREFIX = /(?<=[\p{Ll})])\s*(Bộ luật|Luật|Nghị định|Nghị quyết|Thông tư liên tịch|Thông tư|Quyết định|Pháp lệnh)(\s+số)?\s*$/u;

function parseLegalBasis(raw: string | undefined, problems: ParseProblem[]): LegalBasis[] {
  const text = toNfc(raw ?? "").trim();
  if (text === "" || text === NO_INFO) return [];
  let body = text;
  if (body.startsWith(LEGAL_HEADER)) body = body.slice(LEGAL_HEADER.length);
  else problems.push({ field: "legalBasis", message: "không đúng dạng bảng căn cứ pháp lý" });

  const out: LegalBasis[] = [];
  let rowStart = 0;
  const re = new RegExp(LEGAL_NUMBER.source, "gu");
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    let number = m[0];
    let start = m.index;
    let end = start + number.length;
    // "ngày 29/6/202443/2024/QH15", "năm 202068/2020/QH14": the year of a date ran into the
    // number cell. Numbers of five digits or more do not occur in this format.
    if (/^(?:19|20)\d{3,}\//.test(number)) {
      number = number.slice(4);
      start += 4;
    }
    // "Luật 49/2019/QH1449/2019/QH14": the symbol's trailing digits ran into the number cell;
    // the split that makes the cell repeat the title's number is the right one.
    const run = /^(\d+)\/\d{4}\//.exec(body.slice(end));
    if (run) {
      for (let k = 1; k < run[1]!.length; k++) {
        const candidate = number + run[1]!.slice(0, k);
        if (body.startsWith(candidate, end + k)) {
          number = candidate;
          end += k;
          break;
        }
      }
    }
    re.lastIndex = end;
    const next = body.slice(end);
    if (next !== "" && !/^[\p{L}\d]/u.test(next)) continue; // "… 53/2025/TT-BCA ngày …": inside a title
    if (next.startsWith(number)) continue; // "Thông tư 55/2021/TT-BCA" then its number cell
    const word = /^\p{Ll}+/u.exec(next)?.[0];
    if (word !== undefined) {
      const lastChar = number.slice(-1);
      if (/\p{Lu}/u.test(lastChar) && TITLE_STARTS.has(fold(lastChar + word))) {
        number = number.slice(0, -1);
        end -= 1;
        re.lastIndex = end;
      } else if (TITLE_CONTINUATIONS.has(fold(word))) continue;
    }
    let title = cleanSpaces(body.slice(rowStart, start)).replace(/[;,.:\s]+$/, "");
    title = title.replace(NUMBER_PREFIX, "").trim();
    out.push({ title: title === "" ? number : title, number });
    rowStart = end;
  }
  const tail = cleanSpaces(body.slice(rowStart));
  if (tail !== "") {
    out.push({ title: tail, number: null });
    problems.push({ field: "legalBasis", message: `văn bản không có số hiệu đọc được: "${tail.slice(0, 60)}"` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Result (kết quả thực hiện)

// Everything from here on is the portal's page chrome, not the result.
const RESULT_BOILERPLATE = /Từ khóa|Chọn cơ quan thực hiện|Hệ thống chỉ hiển thị/u;
const RESULT_CODE = /Mã:\s*(KQ(?:\.[A-Z]*\d+)+)/gu;

function parseResult(raw: string | undefined): { result: string | null; resultCodes: string[] } {
  const text = toNfc(raw ?? "");
  const cut = RESULT_BOILERPLATE.exec(text);
  const body = cut ? text.slice(0, cut.index) : text;
  const resultCodes = [...body.matchAll(RESULT_CODE)].map((m) => m[1]!);
  const parts = body
    .split(RESULT_CODE)
    .filter((_, i) => i % 2 === 0)
    .map((s) => cleanSpaces(s.replace(/Mã:\s*[\w.]*$/u, ""))) // "Mã: dsfas": a code field typed wrong
    .filter((s) => s !== "" && s !== NO_INFO);
  return { result: parts.length ? parts.join("\n") : null, resultCodes: [...new Set(resultCodes)] };
}

function parseSteps(raw: string | undefined): string[] {
  return toNfc(raw ?? "")
    .split(/\r?\n/)
    .map((s) => cleanSpaces(s))
    .filter((s) => s !== "" && s !== NO_INFO);
}

// ---------------------------------------------------------------------------------------------

/**
 * Parses one portal record. Throws `CatalogImportError` when the record is not a procedure
 * (missing or malformed code or name, wrong types); returns problems for what it could not read.
 */
export function parsePortalRecord(raw: unknown, options: { recordIndex?: number } = {}): ParseResult {
  const recordIndex = options.recordIndex ?? 0;
  const rawCode = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>).ma_thu_tuc : undefined;
  const maybeCode = typeof rawCode === "string" ? cleanSpaces(rawCode) : undefined;
  const parsed = PortalRecord.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? issue.path.join(".") : "(bản ghi)";
    const message = issue.code === "invalid_type" && issue.input === undefined ? "thiếu trường bắt buộc" : issue.message;
    throw new CatalogImportError({ recordIndex, code: maybeCode, field, message });
  }
  const r = parsed.data;
  const code = cleanSpaces(r.ma_thu_tuc);
  if (!ProcedureCode.safeParse(code).success) {
    throw new CatalogImportError({
      recordIndex,
      code: code || undefined,
      field: "ma_thu_tuc",
      message: `mã thủ tục không hợp lệ: "${code.slice(0, 40)}"`,
    });
  }
  const name = cleanSpaces(r.ten_thu_tuc).replace(/\.$/, "");
  if (name === "") throw new CatalogImportError({ recordIndex, code, field: "ten_thu_tuc", message: "tên thủ tục trống" });

  const problems: ParseProblem[] = [];
  const channels = parseChannels(r.cach_thuc_thuc_hien, problems);
  if (channels.length > 0 && channels.every((c) => c.timeLimit === null) && !problems.some((p) => p.field === "channels")) {
    problems.push({ field: "channels", message: "không có thời hạn giải quyết" });
  }
  const { result, resultCodes } = parseResult(r.ket_qua_xu_ly);
  if (result === null) problems.push({ field: "result", message: "không có kết quả thực hiện" });
  const field = textOrNull(r.linh_vuc);
  const executingAgency = textOrNull(r.co_quan_thuc_hien);
  // Some crawled records are shifted: a paragraph of steps sits in the agency cell.
  if (executingAgency !== null && executingAgency.length > 300) {
    problems.push({ field: "executingAgency", message: "cơ quan thực hiện quá dài, có thể bị lệch cột" });
  }
  if (field === null) problems.push({ field: "field", message: "không có lĩnh vực" });

  const procedure: Procedure = {
    code,
    name,
    field: field ?? "",
    levels: splitList(r.cap_thuc_hien),
    decision: textOrNull(r.so_quyet_dinh),
    kind: textOrNull(r.loai_thu_tuc),
    applicants: splitList(r.doi_tuong_thuc_hien),
    competentAgency: textOrNull(r.co_quan_co_tham_quyen),
    executingAgency,
    channels,
    documents: parseDocuments(r.thanh_phan_ho_so, problems),
    steps: parseSteps(r.trinh_tu_thuc_hien),
    conditions: textOrNull(r.yeu_cau_dieu_kien),
    result,
    resultCodes,
    legalBasis: parseLegalBasis(r.can_cu_phap_ly, problems),
    sourceUrl: textOrNull(r.detail_url),
  };
  // Guards the parser itself: whatever it produced must satisfy the model.
  const checked = Procedure.safeParse(procedure);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new CatalogImportError({ recordIndex, code, field: issue.path.join("."), message: issue.message });
  }
  return { procedure, problems };
}

export type RecordProblems = { recordIndex: number; code: string; problems: ParseProblem[] };

/**
 * Parses a whole dump. All-or-nothing: throws on the first invalid record or a duplicated code,
 * so the caller can validate everything before writing anything.
 */
export function parsePortalCatalog(raw: unknown): { procedures: Procedure[]; problems: RecordProblems[] } {
  if (!Array.isArray(raw)) {
    throw new CatalogImportError({ recordIndex: -1, field: "(tệp)", message: "tệp phải là một mảng các thủ tục" });
  }
  const procedures: Procedure[] = [];
  const problems: RecordProblems[] = [];
  const seen = new Map<string, number>();
  raw.forEach((record, recordIndex) => {
    const parsed = parsePortalRecord(record, { recordIndex });
    const code = parsed.procedure.code;
    const first = seen.get(code);
    if (first !== undefined) {
      throw new CatalogImportError({ recordIndex, code, field: "ma_thu_tuc", message: `trùng mã với bản ghi #${first}` });
    }
    seen.set(code, recordIndex);
    procedures.push(parsed.procedure);
    if (parsed.problems.length) problems.push({ recordIndex, code, problems: parsed.problems });
  });
  return { procedures, problems };
}
