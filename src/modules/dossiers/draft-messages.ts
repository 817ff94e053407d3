import { registerMessages } from "../../web/i18n";

// Online drafts that keep their attached files (src/modules/dossiers/drafts.ts).

const vi = {
  "dossier.draft.saved": "Đã lưu nháp, cả các tệp đã đính kèm. Giữ đường dẫn này để quay lại trong {days} ngày: {url}",
  "dossier.draft.kept": "Đã đính kèm: {name} ({size} KB)",
  "dossier.draft.replaceHint": "Chọn tệp khác nếu muốn thay thế; không chọn thì khi nộp dùng tệp đã đính kèm.",
  "dossier.draft.drop": "Bỏ tệp đã đính kèm này",
  "dossier.draft.fileNotKept": "{reason} Tệp này không được lưu vào bản nháp; các thông tin và tệp khác đã được lưu.",
};

const en: Record<keyof typeof vi, string> = {
  "dossier.draft.saved": "Draft saved, with the attached files. Keep this link to come back within {days} days: {url}",
  "dossier.draft.kept": "Attached: {name} ({size} KB)",
  "dossier.draft.replaceHint": "Choose another file to replace it; otherwise the attached file is used when you submit.",
  "dossier.draft.drop": "Remove this attached file",
  "dossier.draft.fileNotKept": "{reason} This file was not kept in the draft; the other details and files were saved.",
};

registerMessages({ vi, en });
