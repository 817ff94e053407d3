// Demo citizens' voice for xã Minh Tiến: ratings of about half the dossiers returned or refused
// (mostly satisfied, a few not, with comments), and PAKN at every stage — answered and published
// (personal data masked), waiting to be classified, assigned, awaiting approval, overdue, refused.
// Through the module's own services, at dates in the past, so due times, events and published
// texts are what the live software would have written.

import type { Tx } from "../../db/scope";
import { MAX_POINTS, RATING_ITEMS } from "../../domain/feedback/rating";
import { FeedbackSubmission } from "../../domain/feedback/submission";
import type { FeedbackAction } from "../../domain/feedback/workflow";
import { registerDemoSeeder } from "../demo/seed";
import { applyFeedbackAction, receiveFeedback } from "./service";

/** Small deterministic PRNG so the demo is the same on every build. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMENTS_LOW = [
  "Phải đi lại nhiều lần mới đủ giấy tờ, đề nghị hướng dẫn một lần cho rõ.",
  "Trả kết quả chậm hơn ngày hẹn mà không được báo trước.",
  "Chờ ở bộ phận một cửa lâu, ít ghế ngồi.",
];
const COMMENTS_HIGH = ["Cán bộ hướng dẫn tận tình, chu đáo.", "Nộp trực tuyến nhanh, nhận kết quả đúng hẹn.", "Thủ tục gọn, không phải đi lại."];

async function seedRatings(tx: Tx, communeId: number): Promise<void> {
  const random = rng(20260314);
  const rows = await tx.query<{ id: number; returned_at: Date | null; finished_at: Date | null }>(
    "select id, returned_at, finished_at from dossiers where agency_id = $1 and status in ('returned', 'refused') order by id",
    [communeId],
  );
  const values: { dossierId: number; overall: string; items: number[]; comment: string | null; channel: string; at: Date }[] = [];
  for (const d of rows) {
    if (random() > 0.55) continue;
    const unhappy = random() < 0.1;
    const items = RATING_ITEMS.map((): number => {
      const r = random();
      if (unhappy) return r < 0.45 ? 0 : r < 0.85 ? 1 : 2;
      return r < 0.72 ? 2 : r < 0.96 ? 1 : 0;
    });
    const total = items.reduce((a, b) => a + b, 0);
    const overall = unhappy || total <= MAX_POINTS / 2 ? "dissatisfied" : total >= 16 ? "very_satisfied" : "satisfied";
    const comment = overall === "dissatisfied" ? COMMENTS_LOW[values.length % COMMENTS_LOW.length]! : random() < 0.15 ? COMMENTS_HIGH[values.length % COMMENTS_HIGH.length]! : null;
    const base = d.returned_at ?? d.finished_at ?? new Date();
    values.push({ dossierId: d.id, overall, items, comment, channel: random() < 0.4 ? "kiosk" : "online", at: new Date(Math.min(Date.now() - 60_000, base.getTime() + 20 * 60_000)) });
  }
  if (values.length === 0) return;
  const items = RATING_ITEMS.map((_, i) => `x.i${i + 1}`).join(", ");
  const columns = RATING_ITEMS.map((_, i) => `i${i + 1}`).join(", ");
  const arrays = RATING_ITEMS.map((_, i) => `$${i + 3}::smallint[]`).join(", ");
  await tx.exec(
    `insert into dossier_ratings (agency_id, dossier_id, procedure_code, procedure_name, procedure_field, overall,
       item1, item2, item3, item4, item5, item6, item7, item8, item9, comment, channel, handled_by, rated_at)
     select d.agency_id, d.id, d.procedure_code, d.procedure_name, d.procedure_field, x.overall, ${items}, x.comment, x.channel,
       array(select distinct u from unnest(array[d.assignee_user_id, d.leader_user_id, d.created_by]) u where u is not null order by u), x.at
     from unnest($1::int[], $2::text[], ${arrays}, $12::text[], $13::text[], $14::timestamptz[]) as x(dossier_id, overall, ${columns}, comment, channel, at)
     join dossiers d on d.id = x.dossier_id
     on conflict (dossier_id) do nothing`,
    [
      values.map((v) => v.dossierId),
      values.map((v) => v.overall),
      ...RATING_ITEMS.map((_, i) => values.map((v) => v.items[i]!)),
      values.map((v) => v.comment),
      values.map((v) => v.channel),
      values.map((v) => v.at),
    ],
  );
}

type Step = { action: FeedbackAction; by: string; daysAfter: number; input?: Record<string, unknown> };
type DemoFeedback = { daysAgo: number; submission: Record<string, unknown>; steps: Step[] };

const ANSWER_CHUNG_THUC =
  "UBND xã Minh Tiến trả lời như sau:\n\nTừ tuần tới, Bộ phận Một cửa bố trí thêm một công chức Tư pháp – Hộ tịch thực hiện chứng thực vào sáng thứ Hai và thứ Năm, là những buổi đông người nhất. Người dân có thể nộp hồ sơ chứng thực bản sao điện tử qua Cổng Dịch vụ công quốc gia để không phải chờ tại quầy.\n\nCảm ơn Ông/Bà đã góp ý.";

const FEEDBACK: DemoFeedback[] = [
  {
    daysAgo: 40,
    submission: {
      topic: "procedure",
      procedureCode: "2.000815",
      subject: "Thời gian chờ chứng thực bản sao vào sáng thứ Hai",
      content:
        "Tôi là Nguyễn Văn Bình, ở thôn Đồng Tiến. Sáng thứ Hai tuần trước tôi đến chứng thực bản sao sổ hộ khẩu và chờ gần hai tiếng vì chỉ có một cán bộ làm chứng thực. Đề nghị xã bố trí thêm người vào các buổi đông. Liên hệ tôi qua số 0912 345 678.",
      anonymous: false,
      contact: { fullName: "Nguyễn Văn Bình", phone: "0912345678" },
      consentToPublish: true,
    },
    steps: [
      { action: "assign", by: "demo-desk", daysAfter: 1, input: { assignee: "demo-specialist" } },
      { action: "send_for_approval", by: "demo-specialist", daysAfter: 6, input: { answer: ANSWER_CHUNG_THUC } },
      { action: "approve", by: "demo-leader", daysAfter: 8, input: { publish: true } },
    ],
  },
  {
    daysAgo: 75,
    submission: {
      topic: "rule",
      subject: "Đề nghị niêm yết rõ các khoản lệ phí hộ tịch miễn cho người dân",
      content:
        "Bảng niêm yết tại Bộ phận Một cửa chưa ghi rõ trường hợp nào được miễn lệ phí đăng ký khai sinh, khai tử. Nhiều người không biết nên vẫn hỏi. Đề nghị xã niêm yết rõ các trường hợp miễn lệ phí theo quy định hiện hành.",
      anonymous: true,
      contact: { email: "gopy.minhtien@example.vn" },
      consentToPublish: true,
    },
    steps: [
      { action: "assign", by: "demo-leader", daysAfter: 1, input: { assignee: "demo-specialist" } },
      {
        action: "send_for_approval",
        by: "demo-specialist",
        daysAfter: 5,
        input: {
          answer:
            "UBND xã tiếp thu ý kiến. Đăng ký khai sinh đúng hạn, khai tử đúng hạn được miễn lệ phí; giám hộ, kết hôn của công dân Việt Nam cư trú ở trong nước cũng được miễn. Bộ phận Một cửa đã niêm yết bổ sung bảng các trường hợp miễn lệ phí hộ tịch.",
        },
      },
      { action: "approve", by: "demo-leader", daysAfter: 6, input: { publish: true } },
    ],
  },
  {
    daysAgo: 30,
    submission: {
      topic: "dossier",
      subject: "Hồ sơ đăng ký kết hôn trả kết quả chậm",
      content:
        "Hồ sơ đăng ký kết hôn của tôi hẹn trả kết quả vào thứ Sáu nhưng đến thứ Hai tuần sau mới nhận được, không được báo trước. Đề nghị xã cho biết lý do và có biện pháp khắc phục.",
      dossierCode: "000.00.25.H12-DEMO",
      anonymous: false,
      contact: { fullName: "Trần Thị Mai", phone: "0987654321", email: "mai.tt@example.vn" },
      consentToPublish: false,
    },
    steps: [
      { action: "assign", by: "demo-desk", daysAfter: 1, input: { assignee: "demo-specialist" } },
      {
        action: "send_for_approval",
        by: "demo-specialist",
        daysAfter: 4,
        input: { answer: "UBND xã xin lỗi Ông/Bà vì trả kết quả chậm do phải xác minh thông tin với nơi cư trú trước đây. Xã đã chấn chỉnh việc gửi Phiếu xin lỗi và hẹn lại ngày trả kết quả." },
      },
      { action: "approve", by: "demo-leader", daysAfter: 5 },
      { action: "close", by: "demo-desk", daysAfter: 7 },
    ],
  },
  {
    daysAgo: 12,
    submission: {
      topic: "other",
      subject: "Tranh chấp ranh giới đất với hộ liền kề",
      content: "Gia đình tôi có tranh chấp ranh giới đất với hộ bên cạnh từ năm 2024, đề nghị xã xuống giải quyết dứt điểm cho gia đình tôi.",
      anonymous: false,
      contact: { fullName: "Lê Văn Hải", phone: "0978123456" },
      consentToPublish: false,
    },
    steps: [
      {
        action: "reject",
        by: "demo-desk",
        daysAfter: 1,
        input: { note: "Nội dung là tranh chấp đất đai, không phải phản ánh, kiến nghị về quy định hành chính; đề nghị Ông gửi đơn hòa giải tranh chấp đất đai đến UBND xã theo Luật Đất đai." },
      },
    ],
  },
  {
    daysAgo: 9,
    submission: {
      topic: "conduct",
      subject: "Cán bộ một cửa hướng dẫn chưa đầy đủ",
      content: "Khi nộp hồ sơ xác nhận tình trạng hôn nhân, tôi được hướng dẫn thiếu giấy tờ nên phải quay lại lần thứ hai. Đề nghị cán bộ hướng dẫn đầy đủ ngay từ lần đầu.",
      anonymous: true,
      contact: { phone: "0911222333" },
      consentToPublish: true,
    },
    steps: [{ action: "assign", by: "demo-leader", daysAfter: 1, input: { assignee: "demo-specialist" } }],
  },
  {
    daysAgo: 6,
    submission: {
      topic: "procedure",
      subject: "Nộp hồ sơ trợ cấp xã hội trực tuyến báo lỗi tệp đính kèm",
      content: "Tôi nộp hồ sơ trợ cấp xã hội hằng tháng trực tuyến nhưng hệ thống báo lỗi khi tải tệp ảnh chụp giấy tờ. Đề nghị xã kiểm tra và hướng dẫn cách nộp.",
      anonymous: false,
      contact: { fullName: "Phạm Thị Hoa", email: "hoa.pt@example.vn" },
      consentToPublish: true,
    },
    steps: [
      { action: "assign", by: "demo-desk", daysAfter: 1, input: { assignee: "demo-specialist" } },
      {
        action: "send_for_approval",
        by: "demo-specialist",
        daysAfter: 3,
        input: { answer: "Hệ thống nhận tệp PDF, JPEG hoặc PNG, mỗi tệp không quá 10 MB. Ảnh chụp từ điện thoại nên chụp rõ, không quá lớn; nếu vẫn lỗi, Ông/Bà mang giấy tờ đến Bộ phận Một cửa để được hỗ trợ scan." },
      },
    ],
  },
  {
    daysAgo: 5,
    submission: {
      topic: "rule",
      subject: "Đề nghị bỏ yêu cầu nộp bản sao giấy khai sinh khi làm căn cước cho trẻ",
      content: "Khi làm thủ tục cho con, tôi vẫn được yêu cầu nộp bản sao giấy khai sinh dù thông tin đã có trong Cơ sở dữ liệu quốc gia về dân cư. Đề nghị xem xét bỏ yêu cầu này.",
      anonymous: true,
      contact: { phone: "0933444555" },
      consentToPublish: true,
    },
    steps: [],
  },
  {
    daysAgo: 1,
    submission: {
      topic: "procedure",
      subject: "Giờ làm việc của Bộ phận Một cửa vào thứ Bảy",
      content: "Đề nghị xã cho biết Bộ phận Một cửa có tiếp nhận hồ sơ vào sáng thứ Bảy không, vì người đi làm xa khó đến trong giờ hành chính.",
      anonymous: false,
      contact: { fullName: "Đỗ Văn Nam", phone: "0966777888" },
      consentToPublish: true,
    },
    steps: [],
  },
  {
    daysAgo: 3,
    submission: {
      topic: "procedure",
      subject: "Chưa rõ hồ sơ cần nộp khi đăng ký thường trú",
      content: "Tôi muốn hỏi thủ tục đăng ký thường trú cho người thân chuyển về ở cùng, cần những giấy tờ gì và nộp ở đâu.",
      anonymous: false,
      contact: { fullName: "Bùi Văn Long", phone: "0945111222" },
      consentToPublish: false,
    },
    steps: [{ action: "request_info", by: "demo-desk", daysAfter: 1, input: { note: "Đề nghị Ông cho biết người thân chuyển đến từ tỉnh nào và có quan hệ gì với chủ hộ." } }],
  },
];

async function seedFeedback(tx: Tx, communeId: number, users: Record<string, number>): Promise<void> {
  const roles = new Map((await tx.query<{ id: number; role: string; username: string }>("select id, role, username from users where agency_id = $1", [communeId])).map((u) => [u.username, u]));
  // The dossier PAKN names a real demo dossier: the last returned one.
  const returned = await tx.maybeOne<{ code: string }>("select code from dossiers where agency_id = $1 and status = 'returned' order by received_at desc limit 1", [communeId]);
  const day = 86_400_000;
  // Submissions at 09:30 Vietnam time on the day, so steps fall in office hours.
  const at = (daysAgo: number) => {
    const d = new Date(Date.now() - daysAgo * day);
    const local = new Date(d.getTime() + 7 * 3_600_000);
    return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 2, 30));
  };
  for (const demo of FEEDBACK) {
    const raw = { ...demo.submission };
    if (raw.dossierCode && returned) raw.dossierCode = returned.code;
    const submission = FeedbackSubmission.parse(raw);
    const received = at(demo.daysAgo);
    const r = await receiveFeedback(tx, { agencyId: communeId, submission, files: [], sourceHash: null, user: null, lang: "vi", now: received, notify: false });
    if (!r.ok) continue;
    for (const step of demo.steps) {
      const who = roles.get(step.by);
      if (!who || users[step.by] === undefined) continue;
      const input = { ...(step.input ?? {}) };
      if (typeof input.assignee === "string") {
        input.assigneeUserId = users[input.assignee];
        delete input.assignee;
      }
      const when = new Date(Math.min(Date.now() - 60_000, received.getTime() + step.daysAfter * day + 2 * 3_600_000));
      await applyFeedbackAction(tx, {
        agencyId: communeId,
        code: r.feedback.code,
        action: step.action,
        actor: { userId: who.id, role: who.role as "desk_officer", label: who.username },
        input,
        now: when,
        notify: false,
      });
    }
  }
}

registerDemoSeeder({
  name: "feedback",
  run: async (tx, { communeId, users }) => {
    await seedRatings(tx, communeId);
    await seedFeedback(tx, communeId, users);
  },
});
