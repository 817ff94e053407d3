import { slipDate, slipDateTime } from "../../domain/slips/format";
import type { RegisterRow } from "../../domain/slips/types";

// Mẫu 06 Sổ theo dõi hồ sơ (Thông tư 01/2018/TT-VPCP), A4 landscape: one row per dossier received
// in the period, with the dates of each stage.
export const REGISTER_COLUMNS = [
  { header: "STT", width: 5 },
  { header: "Mã hồ sơ", width: 26 },
  { header: "Tên thủ tục hành chính", width: 32 },
  { header: "Số lượng hồ sơ (bộ)", width: 9 },
  { header: "Tên cá nhân, tổ chức", width: 22 },
  { header: "Địa chỉ, số điện thoại", width: 28 },
  { header: "Cơ quan chủ trì giải quyết", width: 20 },
  { header: "Nhận hồ sơ", width: 16 },
  { header: "Hẹn trả kết quả", width: 16 },
  { header: "Chuyển hồ sơ đến cơ quan giải quyết", width: 16 },
  { header: "Có kết quả giải quyết hồ sơ", width: 16 },
  { header: "Trả kết quả", width: 16 },
  { header: "Ký nhận", width: 12 },
  { header: "Ghi chú", width: 18 },
] as const;

export async function renderRegisterXlsx(input: { agencyName: string; parentName?: string | undefined; from: string; to: string; rows: readonly RegisterRow[] }): Promise<Buffer> {
  // exceljs on first use (~8 MB of heap and ~0.5 s to load, for an occasional export).
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  wb.creator = "Một Cửa";
  wb.created = new Date(0);
  const ws = wb.addWorksheet("So theo doi ho so", {
    pageSetup: { paperSize: 9, orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    views: [{ state: "frozen", ySplit: 6 }],
  });
  ws.columns = REGISTER_COLUMNS.map((c) => ({ width: c.width }));
  const last = REGISTER_COLUMNS.length;
  const font = { name: "Times New Roman", size: 11 };

  ws.mergeCells(1, 1, 1, 5);
  ws.getCell(1, 1).value = (input.parentName ?? "").toUpperCase();
  ws.mergeCells(2, 1, 2, 5);
  ws.getCell(2, 1).value = input.agencyName.toUpperCase();
  ws.getCell(2, 1).font = { ...font, bold: true };
  ws.mergeCells(1, 9, 1, last);
  ws.getCell(1, 9).value = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
  ws.getCell(1, 9).font = { ...font, bold: true };
  ws.mergeCells(2, 9, 2, last);
  ws.getCell(2, 9).value = "Độc lập - Tự do - Hạnh phúc";
  ws.getCell(2, 9).font = { ...font, bold: true, underline: true };
  for (const r of [1, 2]) for (const c of [1, 9]) ws.getCell(r, c).alignment = { horizontal: "center" };

  ws.mergeCells(3, 1, 3, last);
  ws.getCell(3, 1).value = "SỔ THEO DÕI HỒ SƠ";
  ws.getCell(3, 1).font = { ...font, bold: true, size: 14 };
  ws.getCell(3, 1).alignment = { horizontal: "center" };
  ws.mergeCells(4, 1, 4, last);
  ws.getCell(4, 1).value = `Từ ngày ${isoToVn(input.from)} đến ngày ${isoToVn(input.to)}`;
  ws.getCell(4, 1).font = { ...font, italic: true };
  ws.getCell(4, 1).alignment = { horizontal: "center" };

  // Two-row heading: the five dates are grouped under "Ngày, tháng, năm".
  const h1 = 5;
  const h2 = 6;
  REGISTER_COLUMNS.forEach((c, i) => {
    const col = i + 1;
    if (col >= 8 && col <= 12) {
      ws.getCell(h2, col).value = c.header;
    } else {
      ws.mergeCells(h1, col, h2, col);
      ws.getCell(h1, col).value = c.header;
    }
  });
  ws.mergeCells(h1, 8, h1, 12);
  ws.getCell(h1, 8).value = "Ngày, tháng, năm";
  for (const r of [h1, h2]) {
    ws.getRow(r).height = r === h1 ? 20 : 42;
    for (let c = 1; c <= last; c++) {
      const cell = ws.getCell(r, c);
      cell.font = { ...font, bold: true };
      cell.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
      cell.border = thin;
    }
  }

  input.rows.forEach((row, i) => {
    const r = ws.addRow([
      i + 1,
      row.code,
      row.procedureName,
      row.sets,
      row.applicantName,
      row.applicantContact,
      row.handlingUnit,
      slipDateTime(row.receivedAt),
      row.dueAt ? slipDateTime(row.dueAt) : "",
      row.transferredAt ? slipDateTime(row.transferredAt) : "",
      row.finishedAt ? slipDateTime(row.finishedAt) : "",
      row.returnedAt ? slipDate(row.returnedAt) : "",
      "",
      row.note,
    ]);
    r.eachCell({ includeEmpty: true }, (cell) => {
      cell.font = font;
      cell.alignment = { vertical: "top", wrapText: true };
      cell.border = thin;
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const side = { style: "thin" as const };
const thin = { top: side, left: side, bottom: side, right: side };

function isoToVn(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}
