import { registerMessages } from "../../web/i18n";

const vi = {
  "dossier.rules.nav": "Phân công theo lĩnh vực",
  "dossier.rules.title": "Phân công tự động theo lĩnh vực",
  "dossier.rules.lead":
    "Hồ sơ tiếp nhận thuộc lĩnh vực nào sẽ được tự động giao cho công chức chuyên môn được chọn cho lĩnh vực đó. Chọn “Không tự động phân công” để giao bằng tay.",
  "dossier.rules.readOnly": "Anh/chị chỉ xem được quy tắc phân công; lãnh đạo hoặc quản trị viên của xã mới thay đổi được.",
  "dossier.rules.field": "Lĩnh vực",
  "dossier.rules.procedures": "Số thủ tục",
  "dossier.rules.current": "Đang phân công cho",
  "dossier.rules.choose": "Giao cho",
  "dossier.rules.chooseFor": "Giao hồ sơ lĩnh vực {field} cho",
  "dossier.rules.none": "Không tự động phân công",
  "dossier.rules.inactive": "{name} (không còn là công chức chuyên môn đang làm việc)",
  "dossier.rules.notOffered": "Xã không còn cung cấp thủ tục nào thuộc lĩnh vực này.",
  "dossier.rules.empty": "Xã chưa cung cấp thủ tục hành chính nào, nên chưa có lĩnh vực để phân công.",
  "dossier.rules.noSpecialists": "Xã chưa có tài khoản công chức chuyên môn đang hoạt động để phân công.",
  "dossier.rules.save": "Lưu phân công",
  "dossier.rules.saved": "Đã lưu {n} thay đổi phân công.",
  "dossier.rules.unchanged": "Không có thay đổi nào để lưu.",
  "dossier.rules.err.field": "Lĩnh vực “{field}” không thuộc các lĩnh vực xã đang cung cấp thủ tục.",
  "dossier.rules.err.user": "Người được chọn cho lĩnh vực “{field}” không phải là công chức chuyên môn đang làm việc tại xã.",
  "dossier.rules.err.userId": "Mã người dùng phải là số nguyên dương hoặc null (không tự động phân công).",
  "dossier.rules.err.form": "Biểu mẫu không hợp lệ, vui lòng tải lại trang và thử lại.",
  "dossier.rules.err.invalid": "Chưa lưu gì: vui lòng sửa các lỗi dưới đây.",
};

const en: Record<keyof typeof vi, string> = {
  "dossier.rules.nav": "Assignment by field",
  "dossier.rules.title": "Automatic assignment by field",
  "dossier.rules.lead":
    "A dossier received in a field is assigned automatically to the specialist chosen for that field. Choose “No automatic assignment” to assign by hand.",
  "dossier.rules.readOnly": "You can view the assignment rules; only the commune's leaders or administrators can change them.",
  "dossier.rules.field": "Field",
  "dossier.rules.procedures": "Procedures",
  "dossier.rules.current": "Currently assigned to",
  "dossier.rules.choose": "Assign to",
  "dossier.rules.chooseFor": "Assign dossiers of the field {field} to",
  "dossier.rules.none": "No automatic assignment",
  "dossier.rules.inactive": "{name} (no longer an active specialist)",
  "dossier.rules.notOffered": "The commune no longer offers any procedure in this field.",
  "dossier.rules.empty": "The commune offers no administrative procedure yet, so there is no field to assign.",
  "dossier.rules.noSpecialists": "The commune has no active specialist account to assign.",
  "dossier.rules.save": "Save assignments",
  "dossier.rules.saved": "{n} assignment change(s) saved.",
  "dossier.rules.unchanged": "There was no change to save.",
  "dossier.rules.err.field": "The field “{field}” is not one in which the commune offers procedures.",
  "dossier.rules.err.user": "The person chosen for the field “{field}” is not an active specialist of the commune.",
  "dossier.rules.err.userId": "The user id must be a positive whole number, or null (no automatic assignment).",
  "dossier.rules.err.form": "The form is not valid; please reload the page and try again.",
  "dossier.rules.err.invalid": "Nothing was saved: please correct the errors below.",
};

registerMessages({ vi, en });
