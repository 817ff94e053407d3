import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkCatalog, checkCatalogNow, issueText } from "../../src/domain/catalog/import-check";

const SEED = path.resolve(import.meta.dirname, "../../seed/procedures/commune-catalog.json");
const seed = () => (JSON.parse(readFileSync(SEED, "utf8")) as Record<string, unknown>[]).slice(0, 3);

describe("checking a whole catalog file", () => {
  it("accepts the structured seed shape and reports its progress record by record", () => {
    const it = checkCatalog(seed());
    const steps: number[] = [];
    let r = it.next();
    while (!r.done) {
      steps.push(r.value.done);
      r = it.next();
    }
    expect(steps).toEqual([1, 2, 3]);
    expect(r.value).toMatchObject({ shape: "seed", errors: [], problems: [] });
    expect(r.value.procedures).toHaveLength(3);
  });

  it("lists every broken record of the seed shape, not only the first", () => {
    const [a, b, c] = seed();
    const out = checkCatalogNow([a, { ...b, channels: [{ channel: "fax" }] }, { ...c, name: 12 }, a]);
    expect(out.procedures).toHaveLength(1);
    expect(out.errors.map((e) => [e.row, e.field])).toEqual([
      [2, "Cách thức thực hiện"],
      [3, "Tên thủ tục"],
      [4, "Mã thủ tục"],
    ]);
    expect(out.errors[1]!.message).toBe("phải là văn bản, không phải một số");
    expect(out.errors[2]!.message).toBe("trùng mã với bản ghi số 1");
    expect(issueText(out.errors[2]!)).toBe(`Bản ghi số 4 (${String(a!.code)}), Mã thủ tục: trùng mã với bản ghi số 1`);
  });

  it("refuses what is not a list of records, as a whole", () => {
    expect(checkCatalogNow({}).errors).toEqual([{ row: null, code: null, field: "(tệp)", message: "tệp phải là một danh sách (mảng JSON) các thủ tục" }]);
    expect(checkCatalogNow([]).errors[0]!.message).toBe("tệp không có thủ tục nào");
    expect(checkCatalogNow(new Array(20_001).fill(null)).errors[0]!.message).toContain("quá 20000 bản ghi");
    expect(checkCatalogNow([null, 3]).errors.map((e) => e.message)).toEqual(["bản ghi phải là một đối tượng, không phải giá trị rỗng (null)", "bản ghi phải là một đối tượng, không phải một số"]);
  });
});
