// What a PAKN's steps tell people. The petitioner: e-mail (in the language they wrote in) and SMS
// (Vietnamese without diacritics, registered templates as for dossiers: FEEDBACK_SMS_TEMPLATES
// is the list to register with the provider) to the contact they gave. Staff: in-app notices, in
// Vietnamese as all staff notices. Written in the step's transaction; the outbox sends after commit.

import type { Tx } from "../../db/scope";
import { slipDateTime } from "../../domain/slips/format";
import { notificationBaseUrl } from "../notifications/dossier-notify";
import { enqueueMessage, notifyStaff } from "../notifications/outbox";
import { fill, smsAgencyName, stripDiacritics } from "../notifications/templates";

export const PETITIONER_KINDS = ["received", "info_requested", "rejected", "transferred", "answered"] as const;
export type PetitionerKind = (typeof PETITIONER_KINDS)[number];

type Pair = { vi: string; en: string };

export type PetitionerVars = { agency: string; code: string; subject: string; due: string; url: string; reasons: string; to: string; answer: string };

const FOOTER: Pair = {
  vi: "\n\nTheo dõi phản ánh, kiến nghị: {url}\n(nhập mã {code} và 4 số cuối số điện thoại đã cho, hoặc địa chỉ thư điện tử nếu Ông/Bà không cho số điện thoại)\n\nĐây là thư tự động của {agency}, vui lòng không trả lời thư này.",
  en: "\n\nFollow your feedback: {url}\n(enter the code {code} and the last 4 digits of the phone number you gave, or your e-mail address if you gave no phone number)\n\nThis is an automatic message from {agency}; please do not reply.",
};

export const FEEDBACK_EMAIL_TEMPLATES: Record<PetitionerKind, { subject: Pair; body: Pair }> = {
  received: {
    subject: { vi: "Đã nhận phản ánh, kiến nghị {code}", en: "Feedback {code} received" },
    body: {
      vi: "{agency} đã nhận phản ánh, kiến nghị của Ông/Bà: \"{subject}\".\nMã số: {code}. Hạn trả lời: {due}.",
      en: "{agency} has received your feedback: \"{subject}\".\nCode: {code}. Answer due by {due}.",
    },
  },
  info_requested: {
    subject: { vi: "Phản ánh, kiến nghị {code}: đề nghị cung cấp thêm thông tin", en: "Feedback {code}: more information needed" },
    body: {
      vi: "{agency} đề nghị Ông/Bà cung cấp thêm thông tin về phản ánh, kiến nghị \"{subject}\":\n{reasons}\nÔng/Bà trả lời trên trang theo dõi dưới đây.",
      en: "{agency} asks you for more information about your feedback \"{subject}\":\n{reasons}\nPlease answer on the page below.",
    },
  },
  rejected: {
    subject: { vi: "Phản ánh, kiến nghị {code} không thuộc phạm vi xử lý", en: "Feedback {code} is outside the scope" },
    body: {
      vi: "{agency} thông báo phản ánh, kiến nghị \"{subject}\" không thuộc phạm vi tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính, với lý do:\n{reasons}",
      en: "{agency} informs you that your feedback \"{subject}\" is not feedback on administrative rules it can handle, because:\n{reasons}",
    },
  },
  transferred: {
    subject: { vi: "Phản ánh, kiến nghị {code} đã được chuyển đến cơ quan có thẩm quyền", en: "Feedback {code} sent on to the competent agency" },
    body: {
      vi: "{agency} đã chuyển phản ánh, kiến nghị \"{subject}\" đến {to} là cơ quan có thẩm quyền xử lý.",
      en: "{agency} has sent your feedback \"{subject}\" on to {to}, the agency competent to handle it.",
    },
  },
  answered: {
    subject: { vi: "Trả lời phản ánh, kiến nghị {code}", en: "Answer to your feedback {code}" },
    body: {
      vi: "{agency} trả lời phản ánh, kiến nghị \"{subject}\" của Ông/Bà như sau:\n\n{answer}\n\nÔng/Bà có thể cho biết có hài lòng với câu trả lời hay không trên trang theo dõi.",
      en: "{agency} answers your feedback \"{subject}\" as follows:\n\n{answer}\n\nYou may tell us whether the answer satisfies you on the follow-up page.",
    },
  },
};

/** ASCII, one segment where the variable parts allow; {placeholders} are registered with the provider. */
export const FEEDBACK_SMS_TEMPLATES: Record<PetitionerKind, string> = {
  received: "{agency}: da nhan phan anh, kien nghi {code}, han tra loi {due}. Tra cuu: {url}",
  info_requested: "{agency}: phan anh {code} can bo sung thong tin. Chi tiet: {url}",
  rejected: "{agency}: phan anh {code} khong thuoc pham vi xu ly. Chi tiet: {url}",
  transferred: "{agency}: phan anh {code} da chuyen co quan co tham quyen. Chi tiet: {url}",
  answered: "{agency}: da tra loi phan anh {code}. Xem va danh gia: {url}",
};

export function renderPetitionerEmail(kind: PetitionerKind, lang: "vi" | "en", vars: PetitionerVars): { subject: string; text: string } {
  const t = FEEDBACK_EMAIL_TEMPLATES[kind];
  return { subject: fill(t.subject[lang], vars), text: fill(t.body[lang] + FOOTER[lang], vars) };
}

export function renderPetitionerSms(kind: PetitionerKind, vars: PetitionerVars): string {
  const ascii: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) ascii[k] = stripDiacritics(v);
  ascii.agency = smsAgencyName(vars.agency);
  // The code is in the text: the bare tracking page keeps the message short.
  ascii.url = vars.url.split("?")[0]!;
  return fill(FEEDBACK_SMS_TEMPLATES[kind], ascii);
}

export function feedbackTrackingUrl(code: string): string {
  return `${notificationBaseUrl()}/feedback/track?code=${encodeURIComponent(code)}`;
}

export type PetitionerContact = { agencyId: number; code: string; subject: string; phone: string | null; email: string | null; lang: "vi" | "en"; agencyName: string };

export async function notifyPetitioner(
  tx: Tx,
  p: { to: PetitionerContact; kind: PetitionerKind; due?: Date | null; reasons?: string; transferredTo?: string; answer?: string; dedupe: string },
): Promise<void> {
  const vars: PetitionerVars = {
    agency: p.to.agencyName,
    code: p.to.code,
    subject: p.to.subject,
    due: p.due ? slipDateTime(p.due) : "",
    url: feedbackTrackingUrl(p.to.code),
    reasons: p.reasons ?? "",
    to: p.transferredTo ?? "",
    answer: p.answer ?? "",
  };
  const kind = `feedback_${p.kind}`;
  if (p.to.email) {
    const mail = renderPetitionerEmail(p.kind, p.to.lang, vars);
    await enqueueMessage(tx, { agencyId: p.to.agencyId, kind, channel: "email", recipient: p.to.email, lang: p.to.lang, subject: mail.subject, body: mail.text, dedupeKey: `${p.dedupe}:email` });
  }
  if (p.to.phone) {
    await enqueueMessage(tx, { agencyId: p.to.agencyId, kind, channel: "sms", recipient: p.to.phone, lang: "vi", body: renderPetitionerSms(p.kind, vars), dedupeKey: `${p.dedupe}:sms` });
  }
}

export const STAFF_NOTICE_KINDS = ["new", "assigned", "awaiting_approval", "sent_back", "info_supplied", "overdue"] as const;
export type StaffNoticeKind = (typeof STAFF_NOTICE_KINDS)[number];

export const FEEDBACK_STAFF_TEMPLATES: Record<StaffNoticeKind, { title: string; body: string }> = {
  new: { title: "Phản ánh, kiến nghị mới {code}", body: "{subject}. Phân loại trước {due}." },
  assigned: { title: "Phản ánh, kiến nghị {code} được giao cho bạn trả lời", body: "{subject}. Hạn trả lời: {due}." },
  awaiting_approval: { title: "Dự thảo trả lời phản ánh {code} chờ bạn duyệt", body: "{subject}. Hạn trả lời: {due}." },
  sent_back: { title: "Dự thảo trả lời phản ánh {code} được trả lại để sửa", body: "{reasons}" },
  info_supplied: { title: "Người gửi đã bổ sung thông tin cho phản ánh {code}", body: "{subject}. Hạn trả lời mới: {due}." },
  overdue: { title: "Phản ánh, kiến nghị {code} đã quá hạn", body: "{subject}. {step}: hạn {due}." },
};

export async function notifyOfficers(
  tx: Tx,
  n: { agencyId: number; userIds: Iterable<number>; kind: StaffNoticeKind; code: string; subject: string; due?: Date | null; reasons?: string; step?: string; dedupe: string },
): Promise<number> {
  const t = FEEDBACK_STAFF_TEMPLATES[n.kind];
  const vars = { code: n.code, subject: n.subject, due: n.due ? slipDateTime(n.due) : "", reasons: n.reasons ?? "", step: n.step ?? "" };
  let created = 0;
  for (const userId of new Set(n.userIds)) {
    const ok = await notifyStaff(tx, {
      agencyId: n.agencyId,
      userId,
      kind: `feedback_${n.kind}`,
      title: fill(t.title, vars),
      body: fill(t.body, vars).trim(),
      href: `/staff/feedback/${encodeURIComponent(n.code)}`,
      dedupeKey: `${n.dedupe}:${userId}`,
    });
    if (ok) created++;
  }
  return created;
}

/** Active staff of an agency in the given roles (who a notice goes to when nobody in particular holds the PAKN). */
export async function staffOf(tx: Tx, agencyId: number, roles: readonly string[]): Promise<number[]> {
  const rows = await tx.query<{ id: number }>("select id from users where agency_id = $1 and role = any($2) and active order by id", [agencyId, roles]);
  return rows.map((r) => r.id);
}
