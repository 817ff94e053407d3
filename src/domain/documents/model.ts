// An administrative document laid out per Nghị định 30/2020/NĐ-CP, Phụ lục I, independent of
// the output format: the DOCX and PDF renderers draw the same model.

export type DocTable = {
  /** Optional first header row grouping columns: label and how many columns it spans. */
  groups?: { label: string; span: number }[];
  columns: { label: string; /** relative width */ width: number }[];
  rows: string[][];
  /** Index of rows drawn in bold (e.g. the totals row). */
  boldRows?: number[];
};

export type DocBlock =
  | { type: "heading"; text: string; level: 1 | 2 | 3 }
  | { type: "paragraph"; text: string; italic?: boolean }
  | { type: "bullet"; text: string }
  | { type: "table"; caption?: string; table: DocTable };

export type OfficialDocument = {
  header: {
    /** Governing body above the issuing agency, capitals, not bold ("" or absent when none). */
    parentLines: string[];
    /** Issuing agency, capitals, bold; one entry per line. */
    agencyLines: string[];
    /** "Số: 82/BC-UBND", or "Số:      /BC-UBND" for a draft not yet numbered. */
    numberLine: string;
    /** "Minh Tiến, ngày 14 tháng 6 năm 2024" (italic). */
    placeDate: string;
  };
  /** "BÁO CÁO" (bold capitals). */
  kindTitle: string;
  /** Trích yếu, bold, under the kind title. */
  subject: string;
  body: DocBlock[];
  signature: {
    /** e.g. ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] (bold capitals). */
    authorityLines: string[];
    name: string;
  };
  recipients: string[];
  /** Shown as a watermark line on drafts ("DỰ THẢO"); absent once issued. */
  draftMark?: string;
};

export const NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
export const MOTTO = "Độc lập - Tự do - Hạnh phúc";
