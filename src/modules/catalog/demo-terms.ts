// The demo commune's local time limits for its most common procedures, where the national
// catalog gives none it can count ("1" or "3" without a unit, or nothing). Each limit cites the
// text that sets it; the procedure's own steps in the catalog say the same (e.g. 1.001193: "nếu
// tiếp nhận hồ sơ sau 15 giờ thì … trả kết quả … trong ngày làm việc tiếp theo"). Procedures
// whose limit we could not verify are left for the administrator, who sees them flagged.
import type { LocalTimeLimit } from "../../domain/catalog/terms";

export type DemoTerm = { code: string; timeLimit: LocalTimeLimit };

const SAME_DAY_CIVIL = "trả ngay trong ngày; nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo (trình tự thực hiện của thủ tục)";
const CERTIFY_SAME_DAY =
  "Nghị định 23/2015/NĐ-CP (sửa đổi, bổ sung bởi Nghị định 280/2025/NĐ-CP), Điều 7 khoản 1: ngay trong ngày tiếp nhận yêu cầu hoặc trong ngày làm việc tiếp theo nếu tiếp nhận sau 15 giờ";
const CERTIFY_CONTRACT = "Nghị định 23/2015/NĐ-CP (sửa đổi, bổ sung bởi Nghị định 280/2025/NĐ-CP), Điều 7 khoản 2: không quá 02 ngày làm việc";

export const DEMO_TERMS = [
  { code: "1.001193", timeLimit: { amount: 0, unit: "same_day", basis: `Luật Hộ tịch 2014 (60/2014/QH13), Điều 16 khoản 2: ${SAME_DAY_CIVIL}` } },
  {
    code: "1.000894",
    timeLimit: { amount: 0, unit: "same_day", basis: `Luật Hộ tịch 2014 (60/2014/QH13), Điều 18 khoản 2: ${SAME_DAY_CIVIL}; cần xác minh thì không quá 05 ngày làm việc (hẹn lại bằng Mẫu 04)` },
  },
  { code: "1.000656", timeLimit: { amount: 0, unit: "same_day", basis: `Luật Hộ tịch 2014 (60/2014/QH13), Điều 34 khoản 2: ${SAME_DAY_CIVIL}` } },
  { code: "1.001022", timeLimit: { amount: 3, unit: "working_days", basis: "Luật Hộ tịch 2014 (60/2014/QH13), Điều 25 khoản 2: trong thời hạn 03 ngày làm việc" } },
  { code: "1.004873", timeLimit: { amount: 3, unit: "working_days", basis: "Nghị định 123/2015/NĐ-CP, Điều 22: trong thời hạn 03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ" } },
  { code: "2.000635", timeLimit: { amount: 0, unit: "same_day", basis: `Nghị định 123/2015/NĐ-CP, Điều 64: ${SAME_DAY_CIVIL}` } },
  { code: "2.000815", timeLimit: { amount: 0, unit: "same_day", basis: CERTIFY_SAME_DAY } },
  { code: "2.000884", timeLimit: { amount: 0, unit: "same_day", basis: CERTIFY_SAME_DAY } },
  { code: "2.000992", timeLimit: { amount: 0, unit: "same_day", basis: CERTIFY_SAME_DAY } },
  { code: "2.001035", timeLimit: { amount: 2, unit: "working_days", basis: CERTIFY_CONTRACT } },
  { code: "2.001019", timeLimit: { amount: 2, unit: "working_days", basis: CERTIFY_CONTRACT } },
  { code: "2.001016", timeLimit: { amount: 2, unit: "working_days", basis: CERTIFY_CONTRACT } },
  { code: "2.001406", timeLimit: { amount: 2, unit: "working_days", basis: CERTIFY_CONTRACT } },
  { code: "2.000913", timeLimit: { amount: 2, unit: "working_days", basis: CERTIFY_CONTRACT } },
  {
    code: "1.001612",
    timeLimit: { amount: 3, unit: "working_days", basis: "Nghị định 168/2025/NĐ-CP: trong thời hạn 03 ngày làm việc kể từ ngày nhận hồ sơ hợp lệ (trình tự thực hiện của thủ tục)" },
  },
] as const satisfies readonly DemoTerm[];
