// Report kinds as data (issue 16). A kind declares what the report is made of — its sections,
// the data it quotes, how often it is due and by when, and to whom it goes — and a template
// (src/domain/reports/templates.ts) writes the document. Adding a kind is one entry here and
// one template there: the routes, the drafting, approval, issue, sending and the reporting
// calendar work for every kind.
import { addDays, kindOf, STANDARD_PERIODS, type StandardPeriod } from "./period";

/** How often a kind is due: the standard periods each frequency is made of. */
export const FREQUENCIES = {
  quarter: ["q1", "q2", "q3", "q4"],
  half: ["h1", "h2"],
  year: ["year"],
} as const satisfies Record<string, readonly StandardPeriod[]>;
export type Frequency = keyof typeof FREQUENCIES;

/** The data a report quotes, as the providers of src/domain/reports/contracts.ts deliver it. */
export const DATA_PARTS = ["plans", "communications", "catalog", "dossiers", "feedback"] as const;
export type DataPart = (typeof DATA_PARTS)[number];

/** Who issues it: a commune's People's Committee, or the province combining its communes' reports. */
export type IssuerLevel = "commune" | "province";

export type ReportKindSpec = {
  /** The document's title line words (trích yếu) before the period. */
  subject: string;
  /** Frequencies a province may set for it; the first is the default. */
  frequencies: readonly Frequency[];
  /** Whether a period other than a standard one may be drafted (any period up to a year). */
  otherPeriods: boolean;
  /** Due on `day` of the period's last month, or of the month after it. */
  deadline: { month: "last" | "next"; day: number };
  /** Owed by every commune unless the province's calendar says otherwise. */
  owedByDefault: boolean;
  data: readonly DataPart[];
  /** Narrative sections, editable by the drafter, in the order printed: key → heading. */
  sections: Readonly<Record<string, string>>;
  /** Sections of the communes' reports the province's combined report quotes, with attribution. */
  quoted: readonly string[];
  /**
   * "Nơi nhận" by issuer level, one line each; {tinh} is the province ("tỉnh Thái Nguyên"), {xa}
   * the commune ("xã Minh Tiến"). Agencies of the installation among them receive the issued
   * report in their incoming register; the others get it on paper. "Lưu: VT." closes the list.
   */
  recipients: Readonly<Record<IssuerLevel, readonly string[]>>;
};

const COMMUNE_UP = ["UBND {tinh} (b/c);", "Sở Nội vụ {tinh};"] as const;
const PROVINCE_UP = ["Bộ Nội vụ (b/c);", "Văn phòng Chính phủ (b/c);", "TT Tỉnh ủy, TT HĐND tỉnh (b/c);", "Chủ tịch, các Phó Chủ tịch UBND tỉnh;", "Sở Nội vụ;"] as const;

export const REPORT_KINDS = {
  // The seed report, 82/BC-UBND of xã Minh Tiến (14/6/2024): six-monthly, written in June and December.
  "cchc-communication": {
    subject: "Công tác tuyên truyền cải cách hành chính",
    frequencies: ["half", "year"],
    otherPeriods: true,
    deadline: { month: "last", day: 15 },
    owedByDefault: true,
    data: ["plans", "communications", "catalog", "dossiers"],
    sections: {
      organisation: "1. Tình hình tổ chức triển khai",
      visual: "2.1. Tuyên truyền cổ động trực quan",
      media: "2.2. Tuyên truyền trên hệ thống Truyền thanh, Trang thông tin điện tử",
      conferences: "2.3. Tuyên truyền tại các hội nghị, chuyên đề",
      advantages: "1. Thuận lợi",
      difficulties: "2. Khó khăn",
      directions: "III. Phương hướng, nhiệm vụ",
      closing: "Kết luận",
    },
    quoted: ["difficulties"],
    recipients: {
      commune: [...COMMUNE_UP, "TT Đảng ủy, HĐND, UBND {xa};", "Chủ tịch, các Phó Chủ tịch UBND;", "Ban, ngành, đoàn thể {xa};", "Bí thư chi bộ, trưởng các thôn;", "Lưu: VT."],
      province: [...PROVINCE_UP, "UBND các xã, phường;", "Lưu: VT, SNV."],
    },
  },
  // The periodic report on administrative reform, with the provincial template's sections (the
  // eight areas of the reform index, Quyết định 876/QĐ-BNV), then the assessment and the tasks ahead.
  "cchc-periodic": {
    subject: "Kết quả thực hiện công tác cải cách hành chính",
    frequencies: ["quarter", "half", "year"],
    otherPeriods: false,
    deadline: { month: "last", day: 15 },
    owedByDefault: false,
    data: ["plans", "communications", "catalog", "dossiers"],
    sections: {
      direction: "1. Công tác chỉ đạo, điều hành cải cách hành chính",
      institutions: "2. Cải cách thể chế",
      procedures: "3. Cải cách thủ tục hành chính, thực hiện cơ chế một cửa, một cửa liên thông",
      organisation: "4. Cải cách tổ chức bộ máy hành chính nhà nước",
      civilService: "5. Cải cách chế độ công vụ",
      publicFinance: "6. Cải cách tài chính công",
      digitalGovernment: "7. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
      assessment: "II. Đánh giá chung",
      proposals: "III. Kiến nghị, đề xuất",
      nextTasks: "IV. Nhiệm vụ trọng tâm kỳ tới",
    },
    quoted: ["assessment", "proposals"],
    recipients: {
      commune: [...COMMUNE_UP, "TT Đảng ủy, HĐND {xa};", "Chủ tịch, các Phó Chủ tịch UBND;", "Lưu: VT."],
      province: [...PROVINCE_UP, "Các sở, ban, ngành tỉnh;", "Lưu: VT, SNV."],
    },
  },
  // Biểu 06 of Thông tư 01/2020/TT-VPCP with a short commentary: by level and field.
  "dossier-statistics": {
    subject: "Tình hình, kết quả giải quyết thủ tục hành chính",
    frequencies: ["quarter", "half", "year"],
    otherPeriods: false,
    deadline: { month: "last", day: 20 },
    owedByDefault: false,
    data: ["catalog", "dossiers"],
    sections: {
      assessment: "II. Đánh giá, phân tích nguyên nhân hồ sơ quá hạn",
      proposals: "III. Kiến nghị, đề xuất",
    },
    quoted: ["assessment", "proposals"],
    recipients: {
      commune: [...COMMUNE_UP, "Chủ tịch, các Phó Chủ tịch UBND;", "Lưu: VT."],
      province: ["Văn phòng Chính phủ (b/c);", "Chủ tịch, các Phó Chủ tịch UBND tỉnh;", "Văn phòng UBND tỉnh;", "Lưu: VT, SNV."],
    },
  },
  // Feedback on administrative regulations (phản ánh, kiến nghị; Nghị định 20/2008/NĐ-CP).
  "feedback-statistics": {
    subject: "Kết quả tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính",
    frequencies: ["quarter", "half", "year"],
    otherPeriods: false,
    deadline: { month: "last", day: 20 },
    owedByDefault: false,
    data: ["feedback"],
    sections: {
      assessment: "II. Đánh giá chung",
      proposals: "III. Kiến nghị, đề xuất",
    },
    quoted: ["assessment", "proposals"],
    recipients: {
      commune: [...COMMUNE_UP, "Chủ tịch, các Phó Chủ tịch UBND;", "Lưu: VT."],
      province: ["Văn phòng Chính phủ (b/c);", "Chủ tịch, các Phó Chủ tịch UBND tỉnh;", "Văn phòng UBND tỉnh;", "Lưu: VT, SNV."],
    },
  },
} as const satisfies Record<string, ReportKindSpec>;

export type ReportKind = keyof typeof REPORT_KINDS;
export const REPORT_KIND_CODES = Object.keys(REPORT_KINDS) as ReportKind[];

export function isReportKind(v: unknown): v is ReportKind {
  return typeof v === "string" && Object.hasOwn(REPORT_KINDS, v);
}

export function kindSpec(kind: ReportKind): ReportKindSpec {
  return REPORT_KINDS[kind];
}

export function sectionKeys(kind: ReportKind): string[] {
  return Object.keys(REPORT_KINDS[kind].sections);
}

/** The frequency a standard period belongs to ("q2" → quarter), undefined for another period. */
export function frequencyOf(from: string, to: string): Frequency | undefined {
  const k = kindOf(from, to);
  if (k === "other") return undefined;
  return (Object.keys(FREQUENCIES) as Frequency[]).find((f) => (FREQUENCIES[f] as readonly StandardPeriod[]).includes(k));
}

export type PeriodRef = { from: string; to: string; period: StandardPeriod };

/** The periods of a frequency in a year, in order. */
export function periodsOf(frequency: Frequency, year: number): PeriodRef[] {
  return (FREQUENCIES[frequency] as readonly StandardPeriod[]).map((p) => ({ from: `${year}-${STANDARD_PERIODS[p].from}`, to: `${year}-${STANDARD_PERIODS[p].to}`, period: p }));
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** The due date of a period under a due rule: `day` of the period's last month, or of the month after. */
export function dueDate(period: { to: string }, rule: { month: "last" | "next"; day: number }): string {
  let y = Number(period.to.slice(0, 4));
  let m = Number(period.to.slice(5, 7));
  if (rule.month === "next") {
    m += 1;
    if (m === 13) {
      m = 1;
      y += 1;
    }
  }
  return `${y}-${pad2(m)}-${pad2(Math.min(rule.day, 28))}`;
}

/** Whether a kind may be drafted for a period: one of its frequencies' periods, or any period if it allows others. */
export function periodFitsKind(kind: ReportKind, from: string, to: string): boolean {
  const f = frequencyOf(from, to);
  if (f && (REPORT_KINDS[kind].frequencies as readonly Frequency[]).includes(f)) return true;
  return REPORT_KINDS[kind].otherPeriods;
}

/** The recipient lines of a kind for an issuer, with the province and commune named. */
export function recipientLines(kind: ReportKind, level: IssuerLevel, names: { province: string | null; commune: string | null }): string[] {
  const tinh = names.province ? lowerUnit(names.province) : "tỉnh";
  const xa = names.commune ? lowerUnit(names.commune) : "xã";
  return REPORT_KINDS[kind].recipients[level]
    .filter((l) => names.province !== null || !l.includes("{tinh}"))
    .map((l) => l.replaceAll("{tinh}", tinh).replaceAll("{xa}", xa));
}

/** "Tỉnh Thái Nguyên" → "tỉnh Thái Nguyên", "Thành phố Huế" → "thành phố Huế" (inside a sentence). */
export function lowerUnit(unitName: string): string {
  return unitName.replace(/^(Tỉnh|Thành phố|Xã|Phường|Đặc khu|Thị trấn)(?=\s)/u, (m) => m.toLocaleLowerCase("vi"));
}

/** The first reminder day and the due day of an obligation (reminders go out on both). */
export function reminderDays(due: string, remindDays: number): { first: string; due: string } {
  return { first: addDays(due, -remindDays), due };
}
