import { describe, expect, it } from "vitest";
import {
  buildDossierRecord,
  buildProgressStep,
  compareWithNational,
  DEFAULT_MAPPING,
  type DossierForSync,
  DossierRecord,
  type EventForSync,
  nationalFromProcedure,
  parsePortalDate,
  portalDate,
  ProgressStep,
  recordProblems,
  SyncMapping,
} from "../../src/domain/sync/dvcqg";

const at = (s: string) => new Date(s);

describe("portal dates", () => {
  it("are yyyyMMddHHmmss in Asia/Ho_Chi_Minh and read back", () => {
    expect(portalDate(at("2026-01-05T02:30:15Z"))).toBe("20260105093015");
    // Past midnight in Vietnam while still the day before in UTC.
    expect(portalDate(at("2026-12-31T17:00:00Z"))).toBe("20270101000000");
    expect(parsePortalDate("20270101000000")?.toISOString()).toBe("2026-12-31T17:00:00.000Z");
    expect(parsePortalDate("20260230120000")).toBeUndefined();
    expect(parsePortalDate("2026-01-05")).toBeUndefined();
  });
});

describe("the status mapping is configuration", () => {
  it("names every status with a portal code", () => {
    expect(SyncMapping.safeParse(DEFAULT_MAPPING).success).toBe(true);
    const { returned: _r, ...missing } = DEFAULT_MAPPING.status;
    expect(SyncMapping.safeParse({ ...DEFAULT_MAPPING, status: missing }).success).toBe(false);
    expect(SyncMapping.safeParse({ ...DEFAULT_MAPPING, status: { ...DEFAULT_MAPPING.status, returned: "42" } }).success).toBe(false);
  });
});

const dossier: DossierForSync = {
  id: 1,
  code: "000.00.25.H12-260105-0001",
  procedureCode: "1.001193",
  procedureName: "Đăng ký khai sinh",
  procedureField: "Hộ tịch",
  channel: "online",
  status: "returned",
  applicant: { fullName: "Vũ Văn An", idNumber: "019085001234", phone: "0912345678", email: null },
  submittedAt: at("2026-01-05T01:00:00Z"),
  receivedAt: at("2026-01-05T02:00:00Z"),
  dueAt: at("2026-01-09T09:00:00Z"),
  finishedAt: at("2026-01-08T03:00:00Z"),
  returnedAt: at("2026-01-08T04:00:00Z"),
  createdAt: at("2026-01-05T01:00:00Z"),
  anonymised: false,
};
const ev = (id: number, iso: string, action: string, to: EventForSync["toStatus"], data: Record<string, unknown> = {}): EventForSync => ({
  id,
  at: at(iso),
  action,
  fromStatus: null,
  toStatus: to,
  note: null,
  data,
});
const events = [
  ev(1, "2026-01-05T01:00:00Z", "submit_online", "submitted"),
  ev(2, "2026-01-05T02:00:00Z", "accept", "received", { dueAt: "2026-01-08T09:00:00Z" }),
  ev(3, "2026-01-06T02:00:00Z", "request_supplement", "supplement_requested"),
  ev(4, "2026-01-07T02:00:00Z", "supply_supplement", "received", { previousDueAt: "2026-01-08T09:00:00Z", dueAt: "2026-01-09T09:00:00Z" }),
  ev(5, "2026-01-08T03:00:00Z", "mark_result_ready", "result_ready"),
  ev(6, "2026-01-08T04:00:00Z", "return", "returned"),
];
const common = {
  dossier,
  events,
  pauses: [{ id: 1, fromAt: at("2026-01-06T02:00:00Z"), toAt: at("2026-01-07T02:00:00Z"), reasons: "Bản sao giấy chứng sinh" }],
  attachments: [
    { id: 11, kind: "document" as const, documentName: "Giấy chứng sinh", fileName: "chung-sinh.pdf", createdAt: at("2026-01-05T01:00:00Z") },
    { id: 12, kind: "result" as const, documentName: "Giấy khai sinh", fileName: "khai-sinh.pdf", createdAt: at("2026-01-08T03:00:00Z") },
  ],
  fees: [{ name: "Lệ phí cấp bản sao", amountVnd: 8000 }],
  agency: { code: "000.00.25.H12", name: "Ủy ban nhân dân xã Minh Tiến" },
  mapping: DEFAULT_MAPPING,
};

describe("a dossier as the portal's record", () => {
  it("is the record of its moment: each step carries the status, appointment and rounds as they stood", () => {
    const submitted = buildDossierRecord({ ...common, asOf: events[0]! });
    expect(submitted.TrangThaiHoSo).toBe("1");
    expect(submitted.NgayHenTra).toBe("");
    expect(submitted.DanhSachHoSoBoSung).toEqual([]);
    expect(submitted.DanhSachGiayToKetQua).toEqual([]);
    const accepted = buildDossierRecord({ ...common, asOf: events[1]! });
    expect(accepted.TrangThaiHoSo).toBe("2");
    expect(accepted.NgayTiepNhan).toBe("20260105090000");
    expect(accepted.NgayHenTra).toBe("20260108160000");
    const asked = buildDossierRecord({ ...common, asOf: events[2]! });
    expect(asked.TrangThaiHoSo).toBe("5");
    expect(asked.DanhSachHoSoBoSung).toHaveLength(1);
    expect(asked.DanhSachHoSoBoSung[0]).toMatchObject({ TrangThaiBoSung: "1", NgayTiepNhanBoSung: "", NgayHenTraMoi: "" });
    const supplied = buildDossierRecord({ ...common, asOf: events[3]! });
    expect(supplied.DanhSachHoSoBoSung[0]).toMatchObject({ TrangThaiBoSung: "2", NgayHenTraTruoc: "20260108160000", NgayHenTraMoi: "20260109160000" });
    expect(supplied.NgayHenTra).toBe("20260109160000");
    expect(supplied.NgayKetThucXuLy).toBe("");
    const done = buildDossierRecord({ ...common, asOf: null });
    expect(done).toMatchObject({ TrangThaiHoSo: "10", NgayTra: "20260108110000", NgayKetThucXuLy: "20260108100000", HinhThuc: "2", MaDoiTuong: "019085001234" });
    expect(done.DanhSachGiayToKetQua.map((g) => g.TenGiayTo)).toEqual(["Giấy khai sinh"]);
    expect(done.DanhSachLePhi).toEqual([expect.objectContaining({ Gia: 8000 })]);
    for (const r of [submitted, accepted, asked, supplied, done]) expect(recordProblems(DossierRecord, r)).toEqual([]);
  });

  it("an anonymised dossier carries no personal data", () => {
    const r = buildDossierRecord({ ...common, dossier: { ...dossier, anonymised: true, applicant: { fullName: "", idNumber: "", phone: "", email: null } }, asOf: null });
    expect(r).toMatchObject({ ChuHoSo: "Đã ẩn danh", MaDoiTuong: "", SoDienThoai: "", Email: "" });
    expect(recordProblems(DossierRecord, r)).toEqual([]);
  });

  it("validation names the fields that break the portal's rules", () => {
    const r = buildDossierRecord({ ...common, asOf: null });
    const problems = recordProblems(DossierRecord, { ...r, MaTTHC: "abc", NgayTiepNhan: "2026-01-05", SoDienThoai: "12", MaDoiTuong: "12345", TrangThaiHoSo: "11", NgayTra: "" });
    expect(problems.map((p) => p.split(":")[0])).toEqual(expect.arrayContaining(["MaTTHC", "NgayTiepNhan", "SoDienThoai", "MaDoiTuong", "TrangThaiHoSo"]));
  });

  it("a step says who, where, what and the appointment as it stood", () => {
    const s = buildProgressStep({
      dossierCode: dossier.code,
      event: events[3]!,
      previous: events[2]!,
      events,
      dueAt: dossier.dueAt,
      actor: { name: "Nguyễn Thị Hoa", title: "Công chức Bộ phận Một cửa" },
      unit: "Ủy ban nhân dân xã Minh Tiến",
      content: "Đã bổ sung hồ sơ",
      mapping: DEFAULT_MAPPING,
    });
    expect(s).toMatchObject({ TrangThai: "2", ThoiDiemXuLy: "20260107090000", NgayBatDau: "20260106090000", NgayKetThucTheoQuyDinh: "20260109160000", NguoiXuLy: "Nguyễn Thị Hoa" });
    expect(recordProblems(ProgressStep, s)).toEqual([]);
  });
});

describe("the national catalog", () => {
  const local = {
    code: "1.001193",
    name: "Đăng ký khai sinh",
    field: "Hộ tịch",
    channels: [{ channel: "in_person" as const, amount: 3, unit: "working_days" }],
    documents: ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
  };
  const national = nationalFromProcedure({
    code: "1.001193",
    name: "Đăng ký khai sinh",
    field: "Hộ tịch",
    channels: [{ channel: "in_person", timeLimit: { amount: 3, unit: "working_days" } }],
    documents: [{ items: [{ name: "Tờ khai đăng ký khai sinh" }, { name: "Giấy chứng sinh" }] }],
  });
  it("finds nothing when they agree, and names each difference", () => {
    expect(compareWithNational(local, national)).toEqual([]);
    expect(compareWithNational(local, undefined)).toEqual([{ what: "missing", local: "1.001193", national: "" }]);
    const changed = compareWithNational(local, {
      ...national,
      TrangThai: "0",
      TenTTHC: "Đăng ký khai sinh (sửa đổi)",
      CachThucThucHien: [{ KenhNop: "in_person", ThoiHan: 5, DonViThoiHan: "working_days" }],
      ThanhPhanHoSo: [{ TenGiayTo: "Tờ khai đăng ký khai sinh" }],
    });
    expect(changed.map((d) => d.what)).toEqual(["abolished", "name", "time_limit", "documents"]);
  });
});
