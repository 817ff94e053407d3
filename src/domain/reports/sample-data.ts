// A complete ReportData for xã Minh Tiến, first half of 2024, used by tests and previews before
// the data providers exist. The figures are fixtures, never shown as real data.
import type { ReportData } from "./report-data";

export const SAMPLE_REPORT_DATA: ReportData = {
  agency: { id: 0, code: "000.00.25.H12", name: "Ủy ban nhân dân xã Minh Tiến", unitName: "Xã Minh Tiến", parentLine: null, parentName: "Tỉnh Thái Nguyên" },
  period: { from: "2024-01-01", to: "2024-06-30" },
  plans: [
    {
      id: 1,
      code: "04/KH-UBND",
      issuedOn: "2024-01-08",
      title: "Kế hoạch cải cách hành chính xã Minh Tiến năm 2024",
      kind: "cchc",
      tasks: [
        { title: "Rà soát, công bố bộ thủ tục hành chính", owner: "Phạm Quốc Bảo", deadline: "2024-03-31", status: "done", overdue: false },
        { title: "Tự đánh giá chỉ số CCHC", owner: "Hoàng Văn Minh", deadline: "2024-05-31", status: "in_progress", overdue: true },
      ],
    },
    {
      id: 2,
      code: "06/KH-UBND",
      issuedOn: "2024-01-08",
      title: "Tuyên truyền cải cách hành chính năm 2024",
      kind: "communication",
      tasks: [{ title: "Xây dựng chuyên mục CCHC trên Trang thông tin điện tử", owner: "Lê Thị Thu", deadline: "2024-06-30", status: "done", overdue: false }],
    },
  ],
  assignments: [
    { owner: "Hoàng Văn Minh", tasks: 1, done: 0 },
    { owner: "Lê Thị Thu", tasks: 1, done: 1 },
    { owner: "Phạm Quốc Bảo", tasks: 1, done: 1 },
  ],
  communications: {
    period: { from: "2024-01-01", to: "2024-06-30" },
    itemsByColumn: [
      { columnSlug: "cai-cach-hanh-chinh", columnName: "Cải cách hành chính", items: 12 },
      { columnSlug: "tin-tuc", columnName: "Tin tức – Sự kiện", items: 7 },
    ],
    itemsTotal: 19,
    procedureAnnouncements: { new: 3, amended: 2, abolished: 1, total: 6 },
    broadcasts: { count: 24, minutes: 360 },
    signage: {
      installed: 5,
      standing: 9,
      byPlace: [
        { place: "cổng UBND xã", kinds: ["panel"], count: 2 },
        { place: "ngã tư chợ Minh Tiến", kinds: ["poster", "slogan"], count: 3 },
      ],
    },
    conferences: { count: 2, attendees: 135, items: [{ date: "2024-03-15", topic: "Hội nghị quán triệt công tác CCHC năm 2024", attendees: 85 }, { date: "2024-05-20", topic: "Tập huấn dịch vụ công trực tuyến", attendees: 50 }] },
  },
  catalog: { proceduresPublished: 112, byField: [{ field: "Hộ tịch", count: 24 }, { field: "Đất đai", count: 10 }], onlineFull: 40, onlinePartial: 30 },
  dossiers: {
    period: { from: "2024-01-01", to: "2024-06-30" },
    rows: [
      { field: "Hộ tịch", received: { total: 320, online: 210, inPersonOrPost: 110, carriedOver: 4 }, resolved: { total: 318, early: 40, onTime: 276, late: 2 }, inProgress: { total: 6, withinTime: 6, overdue: 0 } },
      { field: "Chứng thực", received: { total: 540, online: 120, inPersonOrPost: 420, carriedOver: 0 }, resolved: { total: 540, early: 0, onTime: 540, late: 0 }, inProgress: { total: 0, withinTime: 0, overdue: 0 } },
    ],
    totals: { field: "Tổng", received: { total: 860, online: 330, inPersonOrPost: 530, carriedOver: 4 }, resolved: { total: 858, early: 40, onTime: 816, late: 2 }, inProgress: { total: 6, withinTime: 6, overdue: 0 } },
    onlineProcedures: { full: 41, partial: 29 },
  },
  unavailable: [],
  gatheredAt: "2024-06-14T02:00:00.000Z",
};

export const EMPTY_REPORT_DATA: ReportData = {
  ...SAMPLE_REPORT_DATA,
  plans: [],
  assignments: [],
  communications: null,
  catalog: null,
  dossiers: null,
  unavailable: ["communications", "catalog", "dossiers"],
};

/** The province of Thái Nguyên combining two communes' first half of 2024 (one sent its report, one did not). */
export const SAMPLE_COMBINED_DATA: ReportData = {
  ...SAMPLE_REPORT_DATA,
  agency: { id: 1, code: "000.00.00.P19", name: "Ủy ban nhân dân tỉnh Thái Nguyên", unitName: "Tỉnh Thái Nguyên", parentLine: null, parentName: null },
  plans: [],
  assignments: [],
  combined: {
    communes: [
      {
        agencyId: 2,
        unitName: "Xã Minh Tiến",
        dossiers: SAMPLE_REPORT_DATA.dossiers!.totals,
        proceduresPublished: 112,
        onlineProcedures: 70,
        communications: { items: 19, broadcasts: 24, conferences: 2, signage: 5 },
        tasksOverdue: 1,
        feedback: { received: 3, resolved: 2 },
        report: { id: 7, code: "82/BC-UBND", date: "2024-06-14", arrivedOn: "2024-06-14" },
      },
      {
        agencyId: 3,
        unitName: "Phường Phan Đình Phùng",
        dossiers: { field: "", received: { total: 100, online: 60, inPersonOrPost: 40, carriedOver: 0 }, resolved: { total: 90, early: 10, onTime: 70, late: 10 }, inProgress: { total: 10, withinTime: 5, overdue: 5 } },
        proceduresPublished: 120,
        onlineProcedures: 80,
        communications: { items: 4, broadcasts: 0, conferences: 1, signage: 0 },
        tasksOverdue: 0,
        feedback: null,
        report: null,
      },
    ],
    quotes: [
      { unitName: "Xã Minh Tiến", reportCode: "82/BC-UBND", reportDate: "2024-06-14", section: "difficulties", heading: "2. Khó khăn", text: "- Kinh phí cho tuyên truyền còn hạn chế." },
      { unitName: "Xã Minh Tiến", reportCode: "82/BC-UBND", reportDate: "2024-06-14", section: "assessment", heading: "II. Đánh giá chung", text: "Tỷ lệ nộp trực tuyến còn thấp." },
      { unitName: "Xã Minh Tiến", reportCode: "82/BC-UBND", reportDate: "2024-06-14", section: "proposals", heading: "III. Kiến nghị, đề xuất", text: "Đề nghị tỉnh hỗ trợ máy quét." },
    ],
    missing: ["Phường Phan Đình Phùng"],
  },
};
