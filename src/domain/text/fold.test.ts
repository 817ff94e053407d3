import { describe, expect, it } from "vitest";
import { cleanSpaces, fold, toNfc } from "./fold";

describe("fold", () => {
  it("strips tones and maps đ", () => {
    expect(fold("Đăng ký khai sinh")).toBe("dang ky khai sinh");
    expect(fold("ĐỘC THÂN")).toBe("doc than");
  });
  it("treats NFD and NFC input alike", () => {
    const nfd = "Hộ tịch".normalize("NFD");
    expect(fold(nfd)).toBe(fold("Hộ tịch"));
    expect(toNfc(nfd)).toBe("Hộ tịch");
  });
  it("collapses whitespace", () => {
    expect(cleanSpaces("  a \n\t b ")).toBe("a b");
  });
});
