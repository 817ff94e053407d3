// The purpose of processing and the applicant's consent (Luật Bảo vệ dữ liệu cá nhân
// 91/2025/QH15; Nghị định 356/2025/NĐ-CP): explicit and informed, never a pre-ticked box. The
// text is versioned: a dossier records the version its applicant agreed to, so a later wording
// never rewrites what someone accepted. A new wording is a new entry here, never an edit.

export type ConsentVersion = {
  /** Stored with the dossier; never reused for another wording. */
  version: string;
  /** From this day (Vietnam time) new dossiers are asked with this wording. */
  effectiveFrom: string;
  purpose: { vi: string; en: string };
  text: { vi: string; en: string };
};

export const CONSENT_VERSIONS = [
  {
    version: "2026-01",
    effectiveFrom: "2026-01-01",
    purpose: {
      vi:
        "Dữ liệu cá nhân trong hồ sơ (họ tên, số định danh, số điện thoại, thư điện tử, địa chỉ, giấy tờ kèm theo) được dùng để tiếp nhận, " +
        "giải quyết và trả kết quả thủ tục hành chính, báo tiến độ cho người nộp và đồng bộ với Cổng Dịch vụ công quốc gia theo quy định; " +
        "lưu trữ theo thời hạn của pháp luật về lưu trữ rồi được ẩn danh. Người nộp có quyền xem, tải về, yêu cầu chỉnh sửa, yêu cầu xóa " +
        "(trong phạm vi pháp luật cho phép) và xem ai đã truy cập dữ liệu của mình tại mục “Hồ sơ của tôi”.",
      en:
        "The personal data in the dossier (name, ID number, phone, e-mail, address, attached papers) is used to receive, process and return " +
        "the administrative procedure, to tell the applicant its progress and to synchronise it with the National Public Service Portal as " +
        "the law requires; it is kept for the archive period the law sets and then anonymised. The applicant may view and download it, ask " +
        "for a correction or a deletion (where the law allows) and see who accessed it, under “My dossiers”.",
    },
    text: {
      vi: "Tôi đồng ý để cơ quan xử lý dữ liệu cá nhân trong hồ sơ này theo mục đích nêu trên, để giải quyết thủ tục (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15).",
      en: "I agree that the agency processes the personal data in this dossier for the purpose above, to handle the procedure (Personal Data Protection Law 91/2025/QH15).",
    },
  },
] as const satisfies readonly ConsentVersion[];

export type ConsentVersionId = (typeof CONSENT_VERSIONS)[number]["version"];

/** The wording in force on a day (the latest whose effective date has come). */
export function currentConsent(now: Date = new Date()): ConsentVersion {
  const day = new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
  const inForce = CONSENT_VERSIONS.filter((c) => c.effectiveFrom <= day);
  return inForce[inForce.length - 1] ?? CONSENT_VERSIONS[0];
}

export function findConsent(version: string | null | undefined): ConsentVersion | undefined {
  return CONSENT_VERSIONS.find((c) => c.version === version);
}

/** What a dossier keeps of its applicant's consent. */
export type ConsentRecord = { version: string; at: Date; channel: "online" | "counter" };
