import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MASKS, maskPersonalData } from "./masking";

describe("masking personal data in a published PAKN", () => {
  it("a real-looking question: the petitioner's name, phone, identity number, address and e-mail go; the substance stays", () => {
    const question =
      "Tôi là Nguyễn Văn Bình, CCCD 019203004567, địa chỉ: Thôn Đồng Tiến, xã Minh Tiến. Ngày 03/03/2026 tôi nộp hồ sơ đăng ký khai sinh 000.00.25.H12-260303-0012 nhưng đến nay chưa có kết quả. Đề nghị xã trả lời qua số 0912 345 678 hoặc binh.nv@example.vn.";
    const masked = maskPersonalData(question, { names: ["Nguyễn Văn Bình"] });
    expect(masked).toBe(
      `Tôi là ${MASKS.name}, CCCD ${MASKS.id}, địa chỉ: ${MASKS.address}. Ngày 03/03/2026 tôi nộp hồ sơ đăng ký khai sinh 000.00.25.H12-260303-0012 nhưng đến nay chưa có kết quả. Đề nghị xã trả lời qua số ${MASKS.phone} hoặc ${MASKS.email}.`,
    );
  });

  it("phone numbers however written, landlines included; not amounts of money nor dates", () => {
    for (const phone of ["0912345678", "0912.345.678", "0912-345-678", "+84 912 345 678", "84912345678", "0208 3824 125"]) {
      expect(maskPersonalData(`Gọi ${phone} nhé`), phone).toBe(`Gọi ${MASKS.phone} nhé`);
    }
    const kept = "Lệ phí 1.000.000.000 đồng, nộp ngày 01/02/2026, theo Nghị định số 20/2008/NĐ-CP, Điều 15 khoản 2; 150.000 đồng.";
    expect(maskPersonalData(kept)).toBe(kept);
  });

  it("identity numbers: 12-digit citizen ID, 9-digit old ID, grouped or not; short numbers stay", () => {
    expect(maskPersonalData("CCCD số 001 090 123 456 cấp ngày 10/10/2021")).toBe(`CCCD số ${MASKS.id} cấp ngày 10/10/2021`);
    expect(maskPersonalData("CMND 123456789")).toBe(`CMND ${MASKS.id}`);
    expect(maskPersonalData("hộ chiếu C1234567 và mã số thuế 8012345678")).toBe(`hộ chiếu C1234567 và mã số thuế ${MASKS.id}`);
    expect(maskPersonalData("thửa đất số 125, tờ bản đồ số 12")).toBe("thửa đất số 125, tờ bản đồ số 12");
  });

  it("addresses down to the house, and what follows 'trú tại', 'địa chỉ:'; not document numbers", () => {
    expect(maskPersonalData("Nhà tôi ở số 12 ngõ 34 đường Lê Lợi, thị trấn Hùng Sơn.")).toBe(`Nhà tôi ở ${MASKS.address}, thị trấn Hùng Sơn.`);
    expect(maskPersonalData("hộ gia đình số nhà 15, tổ 3 bị ngập")).toBe(`hộ gia đình ${MASKS.address} bị ngập`);
    expect(maskPersonalData("Ông trú tại xóm Cây Thị, xã Minh Tiến; đề nghị…")).toBe(`Ông trú tại ${MASKS.address}; đề nghị…`);
    expect(maskPersonalData("Thường trú: thôn Làng Lớn (xã cũ)")).toBe(`Thường trú: ${MASKS.address} (xã cũ)`);
    expect(maskPersonalData("căn cứ Quyết định số 20/2008/NĐ-CP")).toBe("căn cứ Quyết định số 20/2008/NĐ-CP");
    expect(maskPersonalData("đường liên thôn Đồng Tiến bị hỏng")).toBe("đường liên thôn Đồng Tiến bị hỏng");
  });

  it("people named after a form of address, but not officials' titles", () => {
    expect(maskPersonalData("ông Trần Văn Nam và bà Lan đến Bộ phận Một cửa")).toBe(`ông ${MASKS.name} và bà ${MASKS.name} đến Bộ phận Một cửa`);
    expect(maskPersonalData("Kính gửi Ông/Bà Vũ Thị Hương,")).toBe(`Kính gửi Ông/Bà ${MASKS.name},`);
    expect(maskPersonalData("ông Chủ tịch UBND xã đã chỉ đạo; bà con trong thôn đồng tình")).toBe("ông Chủ tịch UBND xã đã chỉ đạo; bà con trong thôn đồng tình");
  });

  it("known names anywhere, in any letter case, and e-mail addresses", () => {
    expect(maskPersonalData("Người nộp: VŨ THỊ HƯƠNG. Liên hệ huong.vt@gmail.com", { names: ["Vũ Thị Hương", null, ""] })).toBe(`Người nộp: ${MASKS.name}. Liên hệ ${MASKS.email}`);
  });

  it("is idempotent: masking a masked text changes nothing, so an edited masked text is masked again safely", () => {
    const once = maskPersonalData("Bà Nguyễn Thị Lan, trú tại thôn Minh Hòa, SĐT 0987654321, CCCD 019304005678, lan@example.vn, số nhà 7 ngõ 2.", { names: ["Nguyễn Thị Lan"] });
    expect(maskPersonalData(once, { names: ["Nguyễn Thị Lan"] })).toBe(once);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const m = maskPersonalData(s);
        expect(maskPersonalData(m)).toBe(m);
      }),
      { numRuns: 500 },
    );
  });

  it("property: no 10-digit phone number survives, wherever it is put", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^0[35789]\d{8}$/), fc.constantFrom("Gọi ", "SĐT: ", "(", "số "), fc.constantFrom(" nhé", ".", ")", ""), (phone, before, after) => {
        const m = maskPersonalData(`${before}${phone}${after}`);
        expect(m).not.toContain(phone);
        expect(m).toContain(MASKS.phone);
      }),
      { numRuns: 300 },
    );
  });
});
