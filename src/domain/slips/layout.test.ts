import { describe, expect, it } from "vitest";
import { placeDateLine, slipDate, slipMoment } from "./format";
import { SAMPLE_SLIP } from "./fixtures";
import { buildSlipLayout, layoutText, SLIP_NAMES, SlipDataMissingError } from "./layout";
import { buildQrPayload, encodeQrPayload, findQrPayload, trackingUrl } from "./qr";
import { SLIP_FORMS } from "./types";

describe("slip wording", () => {
  it("formats dates in Vietnam time with leading zeros", () => {
    const at = new Date("2026-01-04T17:05:00Z"); // 00:05 on 05/01 in UTC+7
    expect(slipDate(at)).toBe("05/01/2026");
    expect(slipMoment(at)).toBe("00 giờ 05 phút, ngày 05 tháng 01 năm 2026");
    expect(placeDateLine("Minh Tiến", at)).toBe("Minh Tiến, ngày 05 tháng 01 năm 2026");
    expect(placeDateLine("Minh Tiến", new Date("2026-11-20T03:00:00Z"))).toBe("Minh Tiến, ngày 20 tháng 11 năm 2026");
  });

  it("Mẫu 01 carries the applicant, the documents and the appointment", () => {
    const text = layoutText(buildSlipLayout("01", SAMPLE_SLIP));
    expect(text).toContain("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    expect(text).toContain("Mã hồ sơ: 000.00.25.H12-261203-0007");
    expect(text).toContain("Vũ Thị Hương");
    expect(text).toContain("(3) Giấy chứng nhận kết hôn của cha mẹ — 1 bản sao");
    expect(text).toContain("hẹn trả kết quả vào lúc 16 giờ 30 phút, ngày 04 tháng 12 năm 2026");
    expect(text).toContain("NGƯỜI NỘP HỒ SƠ");
    expect(text).toContain("NGƯỜI TIẾP NHẬN HỒ SƠ");
  });

  it("Mẫu 02/03/04 need their event data and print it", () => {
    expect(layoutText(buildSlipLayout("02", SAMPLE_SLIP))).toContain("1. Bản sao Giấy chứng nhận kết hôn có chứng thực");
    expect(layoutText(buildSlipLayout("03", SAMPLE_SLIP))).toContain("không thuộc thẩm quyền");
    const apology = layoutText(buildSlipLayout("04", SAMPLE_SLIP));
    expect(apology).toContain("xin lỗi Ông/Bà và sẽ trả kết quả vào lúc 16 giờ 00 phút, ngày 08 tháng 12 năm 2026");
    const bare = { ...SAMPLE_SLIP, supplement: undefined, refusal: undefined, apology: undefined };
    for (const f of ["02", "03", "04"] as const) expect(() => buildSlipLayout(f, bare)).toThrow(SlipDataMissingError);
  });

  it("Mẫu 05 lists every hand-over after reception", () => {
    const l = buildSlipLayout("05", SAMPLE_SLIP);
    const table = l.blocks.find((b) => b.kind === "table");
    expect(table && table.kind === "table" && table.rows.length).toBe(3);
    expect(layoutText(l)).toContain("Trình ký");
  });

  it("every form's QR holds the dossier, procedure, applicant id and document name", () => {
    for (const form of SLIP_FORMS) {
      const l = buildSlipLayout(form, SAMPLE_SLIP);
      expect(findQrPayload(l.qrText)).toEqual({
        v: 1,
        MaHoSo: "000.00.25.H12-261203-0007",
        MaTTHC: "1.001193",
        MaDoiTuong: "019203004567",
        TenGiayTo: SLIP_NAMES[form],
        TraCuu: SAMPLE_SLIP.trackingUrl,
      });
    }
  });

  it("QR payloads round-trip and reject foreign text", () => {
    const p = buildQrPayload({ dossierCode: "A-1", procedureCode: "1.0", applicantId: null, documentName: "Giấy", trackingUrl: trackingUrl("http://x/", "A 1") });
    expect(p.TraCuu).toBe("http://x/track?code=A%201");
    expect(findQrPayload(encodeQrPayload(p))).toEqual(p);
    expect(findQrPayload("hello")).toBeUndefined();
    expect(findQrPayload('{"v":2}')).toBeUndefined();
  });
});
