// The workspace's table as an Excel file (province supervisors compare communes in a spreadsheet):
// the same rows, the same filters and order, numbers as numbers and shares as percentages.
import { sharesOf } from "../../domain/supervision/figures";
import type { SupervisionRow } from "./service";

const COLUMNS = [
  { header: "Xã, phường", width: 28 },
  { header: "Mã đơn vị", width: 18 },
  { header: "Hồ sơ tiếp nhận trong kỳ", width: 12 },
  { header: "Nộp trực tuyến", width: 11 },
  { header: "Tỷ lệ trực tuyến", width: 11 },
  { header: "Kỳ trước chuyển qua", width: 11 },
  { header: "Đã giải quyết", width: 11 },
  { header: "Giải quyết đúng hạn, trước hạn", width: 13 },
  { header: "Tỷ lệ đúng hạn", width: 11 },
  { header: "Quá hạn (đã giải quyết + đang giải quyết)", width: 14 },
  { header: "Tỷ lệ quá hạn", width: 11 },
  { header: "DVC trực tuyến", width: 11 },
  { header: "Tin, bài", width: 9 },
  { header: "Buổi phát thanh", width: 10 },
  { header: "Hội nghị", width: 9 },
  { header: "Nhiệm vụ quá hạn", width: 10 },
  { header: "Báo cáo đến hạn", width: 10 },
  { header: "Báo cáo đã nhận", width: 10 },
  { header: "Báo cáo chưa gửi", width: 10 },
  { header: "Cần chú ý", width: 22 },
] as const;

const REASONS = { overdue: "quá hạn cao", reports_missing: "thiếu báo cáo" } as const;

export async function renderSupervisionXlsx(input: { province: string; from: string; to: string; field: string | null; rows: readonly SupervisionRow[] }): Promise<Buffer> {
  // exceljs on first use (~8 MB of heap and ~0.5 s to load, for an occasional export).
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  wb.creator = "Một Cửa";
  wb.created = new Date(0);
  const ws = wb.addWorksheet("Giam sat cac xa", { views: [{ state: "frozen", ySplit: 3, xSplit: 1 }] });
  ws.columns = COLUMNS.map((c) => ({ width: c.width }));
  const vn = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
  ws.getCell(1, 1).value = `Giám sát các xã, phường – ${input.province}: từ ${vn(input.from)} đến ${vn(input.to)}${input.field ? ` – lĩnh vực ${input.field}` : ""}`;
  ws.getCell(1, 1).font = { bold: true, size: 13 };
  const head = ws.getRow(3);
  COLUMNS.forEach((c, i) => {
    const cell = head.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.alignment = { wrapText: true, vertical: "top" };
  });
  input.rows.forEach((r, i) => {
    const s = sharesOf(r);
    const d = r.dossiers;
    const row = ws.getRow(4 + i);
    row.values = [
      r.unitName,
      r.code,
      s.received,
      d.received.online,
      s.onlineShare ?? null,
      d.received.carriedOver,
      d.resolved.total,
      d.resolved.early + d.resolved.onTime,
      s.onTimeShare ?? null,
      s.overdue,
      s.overdueShare ?? null,
      s.onlineProcedures,
      r.communications.items,
      r.communications.broadcasts,
      r.communications.conferences,
      r.tasksOverdue,
      r.reports.due,
      r.reports.received,
      r.reports.missing,
      r.attention.map((a) => REASONS[a]).join("; "),
    ];
    for (const c of [5, 9, 11]) row.getCell(c).numFmt = "0.0%";
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
