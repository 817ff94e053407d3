// The demo criteria set, written in the import format (docs/indexes.md, "CCHC index"). Its areas
// are those of Hà Nội's 2025 index for communes (Quyết định 5666/QĐ-UBND of 17/11/2025: LV1–LV8
// and LV9 bonus/penalty). The decision's appendix with the criteria and their points was not
// retrieved: the criteria below each area, their points, the measured criteria and the bands
// (Điện Biên 2879/QĐ-UBND: ≥ 90 first class, 80–90 second) are this product's reading of the usual
// structure of provincial commune indexes (892/QĐ-BNV, 1187/QĐ-BNV), not the decision's text.

type Row = {
  code: string;
  parent: string | null;
  name: string;
  maxPoints: number;
  method: "self" | "appraised" | "survey";
  evidenceRequired: boolean;
  rule: string;
  kind: "score" | "bonus" | "penalty";
  measure?: string;
};

const area = (code: string, name: string, maxPoints: number, kind: Row["kind"] = "score"): Row => ({ code, parent: null, name, maxPoints, method: "self", evidenceRequired: false, rule: "", kind });
const crit = (code: string, parent: string, name: string, maxPoints: number, rule: string, o: Partial<Row> = {}): Row => ({
  code,
  parent,
  name,
  maxPoints,
  method: "self",
  evidenceRequired: true,
  rule,
  kind: "score",
  ...o,
});

const rows: Row[] = [
  area("LV1", "Công tác chỉ đạo, điều hành cải cách hành chính", 12),
  crit("1.1", "LV1", "Kế hoạch CCHC năm", 3, "Ban hành kế hoạch và hoàn thành các nhiệm vụ đúng hạn."),
  crit("1.1.1", "1.1", "Ban hành kế hoạch CCHC năm đúng thời hạn", 1, "Ban hành trước ngày 31/12 năm trước: 1 điểm; chậm: 0."),
  crit("1.1.2", "1.1", "Tỷ lệ nhiệm vụ trong kế hoạch hoàn thành đúng hạn", 2, "Điểm = 2 × tỷ lệ nhiệm vụ có hạn trong năm hoàn thành đúng hạn.", { measure: "plan-tasks-on-time", evidenceRequired: false }),
  crit("1.2", "LV1", "Báo cáo CCHC định kỳ đúng hạn, đủ nội dung", 2, "Điểm = 2 × tỷ lệ báo cáo đến hạn đã gửi đúng hạn.", { measure: "reports-on-time", evidenceRequired: false }),
  crit("1.3", "LV1", "Công tác thông tin, tuyên truyền CCHC", 3, "Đủ 24 tin, bài, buổi phát thanh, hội nghị trong năm: 3 điểm; ít hơn tính theo tỷ lệ.", { measure: "communication-items", evidenceRequired: false }),
  crit("1.4", "LV1", "Kiểm tra công tác CCHC và xử lý sau kiểm tra", 2, "Có kế hoạch kiểm tra và xử lý đủ các vấn đề phát hiện: 2 điểm."),
  crit("1.5", "LV1", "Sáng kiến, giải pháp mới trong CCHC được áp dụng", 2, "Có ít nhất một sáng kiến được công nhận: 2 điểm.", { method: "appraised" }),

  area("LV2", "Cải cách thể chế", 8),
  crit("2.1", "LV2", "Ban hành văn bản quy phạm pháp luật đúng thẩm quyền, trình tự", 3, "Không có văn bản sai thẩm quyền, trình tự: 3 điểm."),
  crit("2.2", "LV2", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật", 2, "Hoàn thành rà soát theo kế hoạch: 2 điểm."),
  crit("2.3", "LV2", "Theo dõi thi hành pháp luật và xử lý sau rà soát", 3, "Xử lý đủ các văn bản phát hiện có vấn đề: 3 điểm."),

  area("LV3", "Cải cách thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên thông", 22),
  crit("3.1", "LV3", "Công khai đầy đủ thủ tục hành chính thuộc thẩm quyền", 4, "Điểm = 4 × tỷ lệ thủ tục đang thực hiện có công khai.", { measure: "procedures-published", evidenceRequired: false }),
  crit("3.2", "LV3", "Tỷ lệ hồ sơ giải quyết đúng hạn, trước hạn", 8, "Điểm = 8 × tỷ lệ hồ sơ đã giải quyết trong năm đúng hạn, trước hạn.", { measure: "dossiers-on-time", evidenceRequired: false }),
  crit("3.3", "LV3", "Xin lỗi người dân khi hồ sơ trễ hạn", 2, "Có văn bản xin lỗi cho mọi hồ sơ trễ hạn: 2 điểm."),
  crit("3.4", "LV3", "Tiếp nhận, xử lý phản ánh, kiến nghị về thủ tục hành chính", 3, "Xử lý đúng hạn mọi phản ánh, kiến nghị: 3 điểm."),
  crit("3.5", "LV3", "Tổ chức, hoạt động của Bộ phận Một cửa", 3, "Bố trí đủ công chức, trang thiết bị theo quy định: 3 điểm."),
  crit("3.6", "LV3", "Rà soát, đơn giản hóa thủ tục hành chính", 2, "Có phương án đơn giản hóa được thông qua: 2 điểm."),

  area("LV4", "Cải cách tổ chức bộ máy hành chính nhà nước", 8),
  crit("4.1", "LV4", "Thực hiện quy định về tổ chức bộ máy, biên chế", 4, "Không vượt biên chế, đúng cơ cấu: 4 điểm."),
  crit("4.2", "LV4", "Thực hiện phân cấp, ủy quyền", 4, "Thực hiện đủ nhiệm vụ được phân cấp, ủy quyền: 4 điểm."),

  area("LV5", "Cải cách chế độ công vụ", 12),
  crit("5.1", "LV5", "Vị trí việc làm và cơ cấu ngạch công chức", 3, "Bố trí đúng vị trí việc làm được duyệt: 3 điểm."),
  crit("5.2", "LV5", "Đánh giá, xếp loại cán bộ, công chức", 3, "Đánh giá đúng quy định, đúng thời hạn: 3 điểm."),
  crit("5.3", "LV5", "Đào tạo, bồi dưỡng cán bộ, công chức", 3, "Hoàn thành kế hoạch đào tạo, bồi dưỡng: 3 điểm."),
  crit("5.4", "LV5", "Kỷ luật, kỷ cương hành chính", 3, "Không có cán bộ, công chức bị kỷ luật: 3 điểm."),

  area("LV6", "Cải cách tài chính công", 8),
  crit("6.1", "LV6", "Thực hiện dự toán ngân sách được giao", 4, "Thực hiện đúng, đủ dự toán: 4 điểm."),
  crit("6.2", "LV6", "Công khai ngân sách, tài chính", 2, "Công khai đúng, đủ, kịp thời: 2 điểm."),
  crit("6.3", "LV6", "Thực hành tiết kiệm, chống lãng phí", 2, "Có chương trình và báo cáo kết quả: 2 điểm."),

  area("LV7", "Xây dựng, phát triển chính quyền điện tử, chính quyền số", 18),
  crit("7.1", "LV7", "Ứng dụng công nghệ thông tin trong quản lý văn bản, điều hành", 4, "Văn bản đi, đến xử lý trên môi trường mạng: 4 điểm."),
  crit("7.2", "LV7", "Cung cấp dịch vụ công trực tuyến toàn trình", 4, "Mọi thủ tục đủ điều kiện được cung cấp trực tuyến toàn trình: 4 điểm."),
  crit("7.3", "LV7", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", 6, "Đạt 50 % trở lên: 6 điểm; thấp hơn tính theo tỷ lệ.", { measure: "online-share", evidenceRequired: false }),
  crit("7.4", "LV7", "Trang thông tin điện tử của xã", 2, "Cập nhật thông tin theo quy định: 2 điểm."),
  crit("7.5", "LV7", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", 2, "Số hóa đủ hồ sơ, kết quả theo quy định: 2 điểm."),

  area("LV8", "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội", 12),
  crit("8.1", "LV8", "Mức độ hài lòng của người dân, tổ chức", 6, "Theo kết quả điều tra xã hội học của tỉnh.", { method: "survey", evidenceRequired: false }),
  crit("8.2", "LV8", "Thực hiện các chỉ tiêu phát triển kinh tế - xã hội được giao", 6, "Đạt, vượt mọi chỉ tiêu: 6 điểm.", { method: "appraised" }),

  area("LV9A", "Điểm thưởng", 5, "bonus"),
  crit("9.1", "LV9A", "Mô hình, sáng kiến CCHC được cấp tỉnh trở lên công nhận", 3, "Mỗi mô hình: 1,5 điểm, tối đa 3.", { kind: "bonus" }),
  crit("9.2", "LV9A", "Khen thưởng về CCHC của cấp tỉnh trở lên", 2, "Có khen thưởng trong năm: 2 điểm.", { kind: "bonus" }),
  area("LV9B", "Điểm trừ", 5, "penalty"),
  crit("9.3", "LV9B", "Bị cấp trên phê bình, nhắc nhở về CCHC", 3, "Mỗi lần: trừ 1 điểm, tối đa 3.", { kind: "penalty" }),
  crit("9.4", "LV9B", "Cán bộ, công chức vi phạm trong giải quyết thủ tục hành chính", 2, "Mỗi trường hợp: trừ 1 điểm, tối đa 2.", { kind: "penalty" }),
];

export const DEMO_CCHC_CRITERIA_FILE = {
  year: 2026,
  title: "Bộ Chỉ số cải cách hành chính của Ủy ban nhân dân các xã, phường (bản trình diễn)",
  source: "Theo cấu trúc lĩnh vực của Quyết định 5666/QĐ-UBND ngày 17/11/2025 của UBND thành phố Hà Nội (LV1–LV8, LV9 điểm thưởng, điểm trừ); tiêu chí con và thang điểm là bản trình diễn, xem docs/indexes.md.",
  thresholds: { excellent: 90, good: 80, fair: 70, average: 50 },
  criteria: rows,
};
