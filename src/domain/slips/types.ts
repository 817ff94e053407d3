// What the standard slips of Thông tư 01/2018/TT-VPCP need to know about a dossier. The data
// layer (src/modules/dossier-docs/data.ts) fills these from the dossier tables; the layouts here
// are pure, so every form can be checked on fixtures.

export const SLIP_FORMS = ["01", "02", "03", "04", "05"] as const;
export type SlipForm = (typeof SLIP_FORMS)[number];

export function isSlipForm(v: unknown): v is SlipForm {
  return typeof v === "string" && (SLIP_FORMS as readonly string[]).includes(v);
}

export type SlipAgency = {
  /** The issuing agency ("Ủy ban nhân dân xã Minh Tiến"). */
  name: string;
  /** The agency above it, printed first in the header (may be absent). */
  parentName?: string | undefined;
  /** Place name for the date line: "Minh Tiến, ngày … tháng … năm …". */
  placeName: string;
  phone?: string | undefined;
};

export type SlipApplicant = {
  fullName: string;
  idNumber?: string | null | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
  address?: string | null | undefined;
};

export type SlipDocument = { name: string; originals?: number | undefined; copies?: number | undefined };

/** One hand-over of the dossier between officers or units (Mẫu 05). */
export type SlipHandover = {
  at: Date;
  from: string;
  to: string;
  /** What was done: "Chuyển xử lý", "Trình ký"… */
  action: string;
  /** Trước hạn / đúng hạn / quá hạn at that step, when known. */
  result?: string | undefined;
  note?: string | undefined;
};

export type SlipData = {
  agency: SlipAgency;
  dossier: {
    code: string;
    procedureCode: string;
    procedureName: string;
    field?: string | null | undefined;
    channel?: string | null | undefined;
    receivedAt: Date;
    dueAt?: Date | null | undefined;
    /** Legal time limit, in working days, when known ("3 ngày làm việc"). */
    timeLimitText?: string | null | undefined;
    /** Where the result is collected: "Bộ phận Một cửa xã Minh Tiến", "Qua dịch vụ bưu chính"… */
    resultDelivery?: string | null | undefined;
    /** Number of sets (bộ) received. */
    sets?: number | undefined;
  };
  applicant: SlipApplicant;
  documents: readonly SlipDocument[];
  /** The officer who received (01, 03), guided (02) or signs for the agency (04). */
  officer?: { fullName: string; title?: string | null | undefined } | undefined;
  /** Public tracking link printed under the QR. */
  trackingUrl: string;
  /** When the slip is issued (date line). */
  issuedAt: Date;
  supplement?: { items: readonly string[]; reason?: string | undefined } | undefined;
  refusal?: { reasons: readonly string[] } | undefined;
  apology?: { reason: string; newDueAt: Date | null } | undefined;
  handovers?: readonly SlipHandover[] | undefined;
};

/** One row of Mẫu 06 Sổ theo dõi hồ sơ. */
export type RegisterRow = {
  code: string;
  procedureName: string;
  sets: number;
  applicantName: string;
  applicantContact: string;
  handlingUnit: string;
  receivedAt: Date;
  dueAt: Date | null;
  transferredAt: Date | null;
  finishedAt: Date | null;
  returnedAt: Date | null;
  note: string;
};
