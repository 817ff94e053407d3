import type { Tx } from "../../db/scope";
import { sanitizeArticleHtml } from "../../domain/communications/sanitize";
import { slugify } from "../../domain/communications/slug";
import { registerDemoSeeder } from "../demo/seed";
import { ensureDefaultColumns } from "./items";

// Demo content of xã Minh Tiến: the first half of 2024 (the seed report, Báo cáo 82/BC-UBND) and
// the current year. Written for the demo; names of plans follow the report (04/KH-UBND, 06/KH-UBND).
type DemoItem = { column: string; kind: "news" | "article"; at: string; title: string; summary: string; body: string; tags: string[] };

const ITEMS_2024: DemoItem[] = [
  {
    column: "cai-cach-hanh-chinh", kind: "news", at: "2024-01-12T08:30:00+07:00",
    title: "UBND xã Minh Tiến ban hành kế hoạch cải cách hành chính năm 2024",
    summary: "Ngày 08/01/2024, UBND xã ban hành Kế hoạch số 04/KH-UBND về cải cách hành chính và Kế hoạch số 06/KH-UBND về tuyên truyền cải cách hành chính năm 2024.",
    body: "<p>Ngày 08/01/2024, Ủy ban nhân dân xã Minh Tiến ban hành Kế hoạch số 04/KH-UBND về cải cách hành chính năm 2024 và Kế hoạch số 06/KH-UBND về tuyên truyền cải cách hành chính năm 2024.</p><p>Kế hoạch phân công rõ trách nhiệm cho công chức Văn phòng – Thống kê, Bộ phận Một cửa, công chức Văn hóa – Xã hội, Trang thông tin điện tử và Đài truyền thanh xã.</p><h2>Trọng tâm năm 2024</h2><ul><li>Niêm yết công khai, kịp thời bộ thủ tục hành chính tại Bộ phận Một cửa.</li><li>Tăng tỷ lệ hồ sơ nộp trực tuyến.</li><li>Xây dựng chuyên mục cải cách hành chính trên Trang thông tin điện tử và Đài truyền thanh xã.</li></ul>",
    tags: ["cải cách hành chính", "kế hoạch"],
  },
  {
    column: "cai-cach-hanh-chinh", kind: "article", at: "2024-03-05T09:00:00+07:00",
    title: "Bộ phận Một cửa xã: gần dân, nhanh gọn, đúng hẹn",
    summary: "Từ đầu năm, Bộ phận Một cửa xã tiếp nhận và trả kết quả hồ sơ đúng hẹn, niêm yết đầy đủ thủ tục hành chính để người dân dễ tra cứu.",
    body: "<p>Đến Bộ phận Một cửa của UBND xã Minh Tiến những ngày đầu năm, người dân dễ dàng tìm thấy bảng niêm yết thủ tục hành chính, mẫu tờ khai và số điện thoại đường dây nóng.</p><p>Công chức tiếp nhận hướng dẫn tận tình, hồ sơ được trả đúng hẹn. Bà Nguyễn Thị Lan, thôn Đồng Tiến, chia sẻ: <em>“Làm giấy khai sinh cho cháu chỉ mất một buổi sáng, cán bộ hướng dẫn rất chu đáo.”</em></p><blockquote>Lấy sự hài lòng của người dân làm thước đo chất lượng phục vụ.</blockquote>",
    tags: ["một cửa", "hài lòng"],
  },
  {
    column: "cai-cach-hanh-chinh", kind: "news", at: "2024-05-20T14:00:00+07:00",
    title: "Công khai kết quả tự đánh giá chỉ số cải cách hành chính năm 2023",
    summary: "UBND xã công khai kết quả tự đánh giá, xác định chỉ số CCHC năm 2023, làm cơ sở đánh giá mức độ hoàn thành nhiệm vụ.",
    body: "<p>Thực hiện yêu cầu công khai, khách quan trong đánh giá chỉ số cải cách hành chính, UBND xã đã niêm yết kết quả tự đánh giá năm 2023 tại trụ sở và đăng tải trên Trang thông tin điện tử.</p><p>Kết quả là cơ sở đánh giá mức độ hoàn thành nhiệm vụ, năng lực lãnh đạo, điều hành và là tiêu chí xét thi đua, khen thưởng năm 2024.</p>",
    tags: ["chỉ số CCHC", "thi đua"],
  },
  {
    column: "thu-tuc-hanh-chinh-moi", kind: "news", at: "2024-02-26T10:00:00+07:00",
    title: "Cập nhật thủ tục hành chính lĩnh vực hộ tịch sửa đổi, bổ sung",
    summary: "Bộ phận Một cửa đã cập nhật, niêm yết các thủ tục hộ tịch được sửa đổi, bổ sung theo quyết định công bố của UBND tỉnh.",
    body: "<p>Thực hiện quyết định công bố danh mục thủ tục hành chính được sửa đổi, bổ sung trong lĩnh vực hộ tịch, Bộ phận Một cửa xã đã thay thế bảng niêm yết và cập nhật trên Trang thông tin điện tử.</p><p>Người dân có thể tra cứu thành phần hồ sơ, thời hạn giải quyết và lệ phí tại mục <strong>Thủ tục hành chính</strong>.</p>",
    tags: ["hộ tịch", "thủ tục hành chính"],
  },
  {
    column: "thu-tuc-hanh-chinh-moi", kind: "news", at: "2024-06-03T08:00:00+07:00",
    title: "Niêm yết bổ sung thủ tục lĩnh vực chứng thực",
    summary: "Các thủ tục chứng thực bản sao từ bản chính, chứng thực chữ ký được niêm yết lại theo mẫu mới.",
    body: "<p>Bộ phận Một cửa xã đã rà soát, niêm yết bổ sung các thủ tục thuộc lĩnh vực chứng thực theo mẫu mới, gồm chứng thực bản sao từ bản chính và chứng thực chữ ký.</p>",
    tags: ["chứng thực"],
  },
  {
    column: "chuyen-doi-so", kind: "article", at: "2024-04-10T15:30:00+07:00",
    title: "Hướng dẫn người dân nộp hồ sơ trực tuyến trên Cổng Dịch vụ công",
    summary: "Tổ công nghệ số cộng đồng các thôn hỗ trợ người dân tạo tài khoản và nộp hồ sơ trực tuyến.",
    body: "<p>Tổ công nghệ số cộng đồng ở 100% thôn đã hướng dẫn người dân tạo tài khoản định danh điện tử và nộp hồ sơ trực tuyến.</p><h3>Các bước cơ bản</h3><ol><li>Đăng nhập bằng tài khoản định danh điện tử.</li><li>Chọn thủ tục, điền tờ khai và đính kèm giấy tờ.</li><li>Theo dõi tình trạng hồ sơ bằng mã hồ sơ.</li></ol><p>Xem thêm tại <a href=\"https://dichvucong.gov.vn\">Cổng Dịch vụ công quốc gia</a>.</p>",
    tags: ["dịch vụ công trực tuyến", "chuyển đổi số"],
  },
  {
    column: "tin-hoat-dong", kind: "news", at: "2024-02-08T16:00:00+07:00",
    title: "Hội nghị quán triệt công tác cải cách hành chính năm 2024",
    summary: "UBND xã tổ chức hội nghị quán triệt kế hoạch cải cách hành chính và tuyên truyền cải cách hành chính năm 2024 cho cán bộ, công chức.",
    body: "<p>Hội nghị quán triệt Kế hoạch số 04/KH-UBND và Kế hoạch số 06/KH-UBND đến toàn thể cán bộ, công chức xã, bí thư chi bộ và trưởng các thôn. Các đại biểu thống nhất coi cải cách hành chính là nhiệm vụ trọng tâm hàng đầu.</p>",
    tags: ["hội nghị"],
  },
];

const ITEMS_NOW: DemoItem[] = [
  {
    column: "cai-cach-hanh-chinh", kind: "news", at: "03-10T08:00:00+07:00",
    title: "Xã Minh Tiến triển khai kế hoạch cải cách hành chính năm {Y}",
    summary: "UBND xã triển khai kế hoạch cải cách hành chính năm {Y} với trọng tâm là dịch vụ công trực tuyến toàn trình và số hóa hồ sơ.",
    body: "<p>Năm {Y}, UBND xã tập trung nâng tỷ lệ hồ sơ trực tuyến toàn trình, số hóa kết quả giải quyết thủ tục hành chính và công khai tiến độ giải quyết hồ sơ.</p>",
    tags: ["cải cách hành chính"],
  },
  {
    column: "chuyen-doi-so", kind: "article", at: "06-18T09:00:00+07:00",
    title: "Tra cứu hồ sơ chỉ với một mã số",
    summary: "Người dân có thể tra cứu tình trạng hồ sơ ngay trên trang chủ của xã bằng mã hồ sơ in trên giấy tiếp nhận.",
    body: "<p>Trên trang chủ Trang thông tin điện tử của xã có ô <strong>Tra cứu hồ sơ</strong>. Người dân nhập mã hồ sơ ghi trên giấy tiếp nhận để biết hồ sơ đang ở bước nào và ngày hẹn trả kết quả.</p>",
    tags: ["tra cứu hồ sơ"],
  },
  {
    column: "thu-tuc-hanh-chinh-moi", kind: "news", at: "09-02T08:00:00+07:00",
    title: "Thủ tục hành chính thuộc thẩm quyền cấp xã sau sắp xếp chính quyền hai cấp",
    summary: "Từ 01/7/2025, một số thủ tục trước đây do cấp huyện giải quyết được chuyển về cấp xã.",
    body: "<p>Thực hiện mô hình chính quyền địa phương hai cấp từ ngày 01/7/2025, một số thủ tục hành chính trước đây thuộc thẩm quyền cấp huyện đã được chuyển về UBND cấp xã. Bộ phận Một cửa đã niêm yết đầy đủ danh mục mới.</p>",
    tags: ["chính quyền hai cấp"],
  },
  {
    column: "tin-hoat-dong", kind: "news", at: "11-05T14:00:00+07:00",
    title: "Đối thoại với người dân về giải quyết thủ tục hành chính",
    summary: "Lãnh đạo UBND xã đối thoại với người dân các thôn về chất lượng phục vụ của Bộ phận Một cửa.",
    body: "<p>Buổi đối thoại ghi nhận nhiều ý kiến về thời gian chờ tại Bộ phận Một cửa và việc nộp hồ sơ trực tuyến. Lãnh đạo UBND xã đã trả lời, tiếp thu và giao các bộ phận khắc phục.</p>",
    tags: ["đối thoại"],
  },
];

async function seedCommunications(tx: Tx, ctx: { communeId: number; users: Record<string, number> }): Promise<void> {
  const agencyId = ctx.communeId;
  const already = await tx.maybeOne("select 1 from comm_items where agency_id = $1 limit 1", [agencyId]);
  await ensureDefaultColumns(tx, agencyId);
  if (already) return;
  const author = ctx.users["demo-comms"] ?? null;
  const approver = ctx.users["demo-leader"] ?? null;
  const year = new Date().getUTCFullYear();
  const now = Date.now();
  const items = [
    ...ITEMS_2024,
    ...ITEMS_NOW.map((i) => ({ ...i, at: `${year}-${i.at}`, title: i.title.replace("{Y}", String(year)), summary: i.summary.replace("{Y}", String(year)), body: i.body.replaceAll("{Y}", String(year)) })),
  ].filter((i) => Date.parse(i.at) <= now);
  for (const i of items) {
    await tx.exec(
      `insert into comm_items (agency_id, column_id, kind, status, title, slug, summary, body, tags, author_id, approver_id, published_at, created_at, updated_at)
       select $1, c.id, $3, 'published', $4, $5, $6, $7, $8, $9, $10, $11, $11, $11 from comm_columns c where c.agency_id = $1 and c.slug = $2`,
      [agencyId, i.column, i.kind, i.title, slugify(i.title), i.summary, sanitizeArticleHtml(i.body), i.tags, author, approver, i.at],
    );
  }
  // One item waiting for the leader, one draft: the workflow has something to show.
  await tx.exec(
    `insert into comm_items (agency_id, column_id, kind, status, title, slug, summary, body, tags, author_id)
     select $1, c.id, 'news', s.status, s.title, s.slug, s.summary, s.body, '{}', $2 from comm_columns c,
       (values ('submitted', 'Lịch tiếp công dân của lãnh đạo UBND xã tháng tới', 'lich-tiep-cong-dan', 'Lịch tiếp công dân định kỳ.', '<p>Chủ tịch UBND xã tiếp công dân vào sáng thứ Năm hằng tuần tại trụ sở.</p>'),
               ('draft', 'Kết quả giải quyết hồ sơ quý này', 'ket-qua-giai-quyet-ho-so', null, '<p>Bản nháp.</p>')) as s(status, title, slug, summary, body)
     where c.agency_id = $1 and c.slug = 'tin-hoat-dong'`,
    [agencyId, author],
  );

  // Radio: two 15-minute reform slots a week (Monday and Thursday mornings) in the first half
  // of 2024 and in the current year up to the end of next month.
  const lastDay = new Date(Date.UTC(year, new Date().getUTCMonth() + 2, 0)).toISOString().slice(0, 10);
  for (const [from, to] of [["2024-01-08", "2024-06-30"], [`${year}-01-05`, lastDay]] as const) {
    await tx.exec(
      `insert into radio_slots (agency_id, date, start_time, duration_minutes, topic, created_by)
       select $1, d::date, time '06:15', 15,
         (array['Chuyên mục Cải cách hành chính', 'Hướng dẫn nộp hồ sơ trực tuyến', 'Thủ tục hành chính mới ban hành', 'Tuyên truyền chuyển đổi số'])[1 + (extract(week from d)::int % 4)], $4
       from generate_series($2::date, $3::date, interval '1 day') d where extract(isodow from d) in (1, 4)`,
      [agencyId, from, to, author],
    );
  }
  const bulletin = await tx.one<{ id: number }>(
    `insert into radio_bulletins (agency_id, title, text, created_by) values ($1, $2, $3, $4) returning id`,
    [
      agencyId,
      "Bản tin cải cách hành chính",
      "Kính thưa bà con nhân dân. Ủy ban nhân dân xã Minh Tiến thông báo: người dân có thể nộp hồ sơ đăng ký khai sinh, đăng ký kết hôn trực tuyến trên Cổng dịch vụ công quốc gia. Mọi thắc mắc xin liên hệ Bộ phận Một cửa của xã trong giờ hành chính.",
      author,
    ],
  );
  await tx.exec("update radio_slots set bulletin_id = $2 where id = (select id from radio_slots where agency_id = $1 order by date desc limit 1)", [agencyId, bulletin.id]);

  // Signage along the roads named in the report.
  await tx.exec(
    `insert into signage (agency_id, kind, title, text, place, lat, lng, size, quantity, installed_on, removed_on, created_by) values
      ($1, 'panel', 'Pano tuyên truyền cải cách hành chính', 'Cải cách hành chính vì nhân dân phục vụ', 'Cổng UBND xã', 21.714600, 105.646800, '4 × 2 m', 1, '2024-01-20', null, $2),
      ($1, 'slogan', 'Khẩu hiệu dịch vụ công trực tuyến', 'Nộp hồ sơ trực tuyến – tiết kiệm thời gian, chi phí', 'Cổng UBND xã', null, null, '3 × 0,8 m', 1, '2024-03-01', '2024-12-31', $2),
      ($1, 'panel', 'Pano tuyên truyền cải cách hành chính', 'Cơ chế một cửa, một cửa liên thông', 'Ngã tư chợ Minh Tiến', 21.712100, 105.649300, '4 × 2 m', 1, '2024-01-22', null, $2),
      ($1, 'poster', 'Áp phích hướng dẫn tra cứu hồ sơ', 'Tra cứu hồ sơ bằng mã số trên giấy tiếp nhận', 'Ngã tư chợ Minh Tiến', null, null, 'A1', 4, '2024-04-15', '2024-10-15', $2),
      ($1, 'banner', 'Băng rôn tuyên truyền cải cách hành chính', 'Đẩy mạnh cải cách hành chính, xây dựng chính quyền phục vụ', 'Trục đường chính các thôn', null, null, '6 × 0,8 m', 12, '2024-02-01', '2024-06-30', $2),
      ($1, 'banner', 'Băng rôn chuyển đổi số', 'Chuyển đổi số – người dân là trung tâm', 'Trục đường chính các thôn', null, null, '6 × 0,8 m', 12, $3::date, null, $2)`,
    [agencyId, author, `${year}-03-01`],
  );
  await tx.exec(
    `insert into signage_checks (agency_id, signage_id, checked_on, condition, note, checked_by)
     select agency_id, id, installed_on + 90, 'good', null, $2 from signage where agency_id = $1`,
    [agencyId, author],
  );

  await tx.exec(
    `insert into conferences (agency_id, kind, date, topic, organiser, audience, attendees, minutes, created_by) values
      ($1, 'conference', '2024-02-06', 'Quán triệt Kế hoạch 04/KH-UBND và 06/KH-UBND về cải cách hành chính năm 2024', 'UBND xã Minh Tiến', 'officials', 42,
       'Hội nghị thống nhất coi cải cách hành chính là nhiệm vụ trọng tâm; giao Văn phòng – Thống kê theo dõi, đôn đốc.', $2),
      ($1, 'briefing', '2024-05-16', 'Chuyên đề: công khai đánh giá chỉ số cải cách hành chính', 'Văn phòng – Thống kê', 'mixed', 65, null, $2),
      ($1, 'conference', $3::date, 'Triển khai mô hình chính quyền địa phương hai cấp và thủ tục hành chính cấp xã', 'UBND xã Minh Tiến', 'officials', 48, null, $2)`,
    [agencyId, author, `${year}-07-08`],
  );
}

registerDemoSeeder({ name: "communications", run: (tx, ctx) => seedCommunications(tx, ctx) });
