import { describe, expect, it } from "vitest";
import { nameForType } from "./names";

describe("file names follow their detected type", () => {
  it("replaces a lying or missing extension", () => {
    expect(nameForType("report.html", "application/pdf")).toBe("report.pdf");
    expect(nameForType("giấy chứng sinh.PDF", "application/pdf")).toBe("giấy chứng sinh.pdf");
    expect(nameForType("scan", "image/jpeg")).toBe("scan.jpg");
    expect(nameForType("photo.jpeg.exe", "image/png")).toBe("photo.jpeg.png");
    expect(nameForType(".html", "application/pdf")).toBe("tep.pdf");
    expect(nameForType("x.svg", "text/html")).toBe("x.bin");
  });
});
