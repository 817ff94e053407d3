import { describe, expect, it } from "vitest";
import { ItemActionInput, ItemInput, Period, SignageInput, SlotInput } from "./schemas";
import { slugify } from "./slug";

describe("communications input schemas", () => {
  it("refuses a reversed period", () => {
    const r = Period.safeParse({ from: "2024-06-30", to: "2024-01-01" });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe("msg:communications.err.reversed");
    expect(Period.safeParse({ from: "2024-02-30", to: "2024-03-01" }).success).toBe(false);
    expect(Period.safeParse({ from: "2024-01-01", to: "2024-01-01" }).success).toBe(true);
  });
  it("validates slots", () => {
    expect(SlotInput.safeParse({ date: "2024-03-04", time: "24:00", durationMinutes: 15, topic: "x" }).success).toBe(false);
    expect(SlotInput.safeParse({ date: "2024-03-04", time: "06:15", durationMinutes: "0", topic: "x" }).success).toBe(false);
    const ok = SlotInput.parse({ date: "2024-03-04", time: "06:15", durationMinutes: "15", topic: "  Tin  CCHC ", itemId: "" });
    expect(ok).toMatchObject({ durationMinutes: 15, topic: "Tin CCHC", itemId: undefined });
  });
  it("validates signage dates and coordinates", () => {
    const base = { kind: "panel", title: "Pano", place: "Cổng UBND xã", installedOn: "2024-01-20" };
    expect(SignageInput.safeParse({ ...base, removedOn: "2024-01-01" }).success).toBe(false);
    expect(SignageInput.safeParse({ ...base, lat: "21.7" }).success).toBe(false);
    expect(SignageInput.parse({ ...base, lat: "21.7", lng: "105.6", removedOn: "" })).toMatchObject({ lat: 21.7, lng: 105.6, quantity: 1 });
  });
  it("cleans item fields and tags", () => {
    const r = ItemInput.parse({ columnId: "3", title: " Tin  mới ", body: "<p>x</p>", tags: "a, b,, a ," });
    expect(r).toMatchObject({ columnId: 3, title: "Tin mới", tags: ["a", "b"], kind: "news" });
    expect(ItemInput.safeParse({ columnId: "3", title: "   " }).success).toBe(false);
  });
  it("reads a local publish time as Asia/Ho_Chi_Minh", () => {
    expect(ItemActionInput.parse({ action: "schedule", publishAt: "2024-03-05T08:00" }).publishAt?.toISOString()).toBe("2024-03-05T01:00:00.000Z");
    expect(ItemActionInput.safeParse({ action: "destroy" }).success).toBe(false);
  });
  it("slugifies Vietnamese titles", () => {
    expect(slugify("Đăng ký khai sinh: hướng dẫn mới!")).toBe("dang-ky-khai-sinh-huong-dan-moi");
    expect(slugify("!!!")).toBe("bai-viet");
  });
});
