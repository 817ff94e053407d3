// A realistic dossier of xã Minh Tiến, used by the slip tests and the benchmark.
import type { RegisterRow, SlipData } from "./types";

export const SAMPLE_SLIP: SlipData = {
  agency: {
    name: "Ủy ban nhân dân xã Minh Tiến",
    parentName: "Ủy ban nhân dân tỉnh Thái Nguyên",
    placeName: "Minh Tiến",
    phone: "0208 3824 125",
  },
  dossier: {
    code: "000.00.25.H12-261203-0007",
    procedureCode: "1.001193",
    procedureName: "Đăng ký khai sinh",
    field: "Hộ tịch",
    channel: "in_person",
    receivedAt: new Date("2026-12-03T03:05:00Z"),
    dueAt: new Date("2026-12-04T09:30:00Z"),
    timeLimitText: "01 ngày làm việc",
    sets: 1,
  },
  applicant: {
    fullName: "Vũ Thị Hương",
    idNumber: "019203004567",
    phone: "0912345678",
    email: "huong.vt@example.vn",
    address: "Xóm Đồng Tâm, xã Minh Tiến, tỉnh Thái Nguyên",
  },
  documents: [
    { name: "Tờ khai đăng ký khai sinh", originals: 1 },
    { name: "Giấy chứng sinh", originals: 1 },
    { name: "Giấy chứng nhận kết hôn của cha mẹ", copies: 1 },
  ],
  officer: { fullName: "Nguyễn Thị Hoa", title: "Công chức Bộ phận Một cửa" },
  trackingUrl: "https://motcua.example.vn/track?code=000.00.25.H12-261203-0007",
  issuedAt: new Date("2026-12-03T03:06:00Z"),
  supplement: { items: ["Bản sao Giấy chứng nhận kết hôn có chứng thực", "Chữ ký của người đi khai sinh trên tờ khai"], reason: "Thiếu giấy tờ theo quy định" },
  refusal: { reasons: ["Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã"] },
  apology: { reason: "Chờ kết quả xác minh từ cơ quan khác", newDueAt: new Date("2026-12-08T09:00:00Z") },
  handovers: [
    { at: new Date("2026-12-03T03:30:00Z"), from: "Nguyễn Thị Hoa (Bộ phận Một cửa)", to: "Trần Văn Hùng (Tư pháp – Hộ tịch)", action: "Chuyển xử lý", result: "Đúng hạn" },
    { at: new Date("2026-12-04T02:00:00Z"), from: "Trần Văn Hùng (Tư pháp – Hộ tịch)", to: "Hoàng Văn Minh (Chủ tịch UBND xã)", action: "Trình ký" },
  ],
};

export const SAMPLE_REGISTER: RegisterRow[] = [
  {
    code: "000.00.25.H12-261203-0007",
    procedureName: "Đăng ký khai sinh",
    sets: 1,
    applicantName: "Vũ Thị Hương",
    applicantContact: "Xóm Đồng Tâm, xã Minh Tiến — 0912345678",
    handlingUnit: "Tư pháp – Hộ tịch",
    receivedAt: new Date("2026-12-03T03:05:00Z"),
    dueAt: new Date("2026-12-04T09:30:00Z"),
    transferredAt: new Date("2026-12-03T03:30:00Z"),
    finishedAt: new Date("2026-12-04T08:00:00Z"),
    returnedAt: null,
    note: "",
  },
];
