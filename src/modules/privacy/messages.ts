import { registerMessages } from "../../web/i18n";

export const privacyMessages = registerMessages({
  vi: {
    "privacy.consent.purpose": "Mục đích xử lý dữ liệu cá nhân:",
    "privacy.consent.counter": "Người nộp đã được đọc mục đích xử lý và đồng ý:",
    "privacy.consent.version": "Văn bản đồng ý phiên bản {version}.",
    "privacy.err.consentCounter": "Người nộp cần được đọc mục đích xử lý dữ liệu cá nhân và đồng ý trước khi tiếp nhận hồ sơ.",
    "privacy.err.consentVersion": "Phiên bản văn bản đồng ý không có trong hệ thống.",
  },
  en: {
    "privacy.consent.purpose": "Purpose of processing personal data:",
    "privacy.consent.counter": "The applicant has read the purpose and agrees:",
    "privacy.consent.version": "Consent text version {version}.",
    "privacy.err.consentCounter": "The applicant must read the purpose of processing their personal data and agree before the dossier is received.",
    "privacy.err.consentVersion": "This version of the consent text is not known.",
  },
});
