// Message templates, Vietnamese first. Applicants get e-mail (vi or en, by the language they
// chose) and SMS (always Vietnamese without diacritics: IsUnicode 0 is cheaper and reads on old
// phones, and brandname gateways only pass registered templates — SMS_TEMPLATES below is the
// list to register with the provider). Staff get in-app notices.

export const APPLICANT_KINDS = ["submitted", "received", "supplement_requested", "refused", "result_ready", "returned", "apology"] as const;
export type ApplicantKind = (typeof APPLICANT_KINDS)[number];
export const STAFF_KINDS = ["assigned", "awaiting_approval", "due_soon", "overdue", "prepare_apology"] as const;
export type StaffKind = (typeof STAFF_KINDS)[number];

export type TemplateVars = {
  agency: string;
  code: string;
  procedure: string;
  applicant: string;
  /** dd/mm/yyyy hh:mm or "" */
  due: string;
  url: string;
  reasons: string;
  /** Staff notices: who handed the dossier over, in words (BY_PHRASES), never a username. */
  by?: string;
  /** Where the applicant rates the dossier once it is returned or refused (the rating page asks the phone digits). */
  rate?: string;
};

type Pair = { vi: string; en: string };
type EmailTemplate = { subject: Pair; body: Pair };

const FOOTER: Pair = {
  vi: "\n\nTra cứu tình trạng hồ sơ: {url}\n\nĐây là thư tự động của {agency}, vui lòng không trả lời thư này.",
  en: "\n\nTrack your dossier: {url}\n\nThis is an automatic message from {agency}; please do not reply.",
};

export const EMAIL_TEMPLATES: Record<ApplicantKind, EmailTemplate> = {
  submitted: {
    subject: { vi: "Đã nhận hồ sơ nộp trực tuyến {code}", en: "Online dossier {code} sent" },
    body: {
      vi: "Kính gửi Ông/Bà {applicant},\n\n{agency} đã nhận hồ sơ nộp trực tuyến {code} — {procedure}.\nCơ quan sẽ tiếp nhận hoặc hướng dẫn bổ sung chậm nhất vào lúc {due}; khi tiếp nhận, Ông/Bà nhận được ngày hẹn trả kết quả.",
      en: "Dear {applicant},\n\n{agency} has received your online dossier {code} — {procedure}.\nThe desk will accept it or ask for more by {due}; on acceptance you get the date of the result.",
    },
  },
  received: {
    subject: { vi: "Đã tiếp nhận hồ sơ {code}", en: "Dossier {code} received" },
    body: {
      vi: "Kính gửi Ông/Bà {applicant},\n\n{agency} đã tiếp nhận hồ sơ {code} — {procedure}.\nHẹn trả kết quả vào lúc {due}.",
      en: "Dear {applicant},\n\n{agency} has received your dossier {code} — {procedure}.\nThe result is due at {due}.",
    },
  },
  supplement_requested: {
    subject: { vi: "Hồ sơ {code} cần bổ sung, hoàn thiện", en: "Dossier {code}: documents needed" },
    body: {
      vi: "Kính gửi Ông/Bà {applicant},\n\nHồ sơ {code} — {procedure} cần được bổ sung, hoàn thiện như sau:\n{reasons}\nThời hạn giải quyết tạm dừng cho đến khi Ông/Bà bổ sung đủ hồ sơ.",
      en: "Dear {applicant},\n\nYour dossier {code} — {procedure} needs the following:\n{reasons}\nThe time limit is paused until the documents are supplied.",
    },
  },
  refused: {
    subject: { vi: "Hồ sơ {code} không được tiếp nhận giải quyết", en: "Dossier {code} refused" },
    body: {
      vi: "Kính gửi Ông/Bà {applicant},\n\n{agency} thông báo không tiếp nhận, giải quyết hồ sơ {code} — {procedure}, với lý do:\n{reasons}\n\nMời Ông/Bà đánh giá mức độ hài lòng: {rate}",
      en: "Dear {applicant},\n\n{agency} cannot accept dossier {code} — {procedure}, for these reasons:\n{reasons}\n\nPlease rate your satisfaction: {rate}",
    },
  },
  result_ready: {
    subject: { vi: "Hồ sơ {code} đã có kết quả", en: "Dossier {code}: result ready" },
    body: {
      vi: "Kính gửi Ông/Bà {applicant},\n\nHồ sơ {code} — {procedure} đã có kết quả. Mời Ông/Bà đến Bộ phận Tiếp nhận và Trả kết quả của {agency} để nhận kết quả (mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả).",
      en: "Dear {applicant},\n\nThe result of dossier {code} — {procedure} is ready. Please collect it at the one-stop desk of {agency} (bring the receipt slip).",
    },
  },
  returned: {
    subject: { vi: "Đã trả kết quả hồ sơ {code}", en: "Dossier {code}: result handed over" },
    body: {
      vi: "Kính gửi Ông/Bà {applicant},\n\n{agency} đã trả kết quả hồ sơ {code} — {procedure}. Cảm ơn Ông/Bà.\n\nMời Ông/Bà đánh giá mức độ hài lòng: {rate}",
      en: "Dear {applicant},\n\n{agency} has handed over the result of dossier {code} — {procedure}. Thank you.\n\nPlease rate your satisfaction: {rate}",
    },
  },
  apology: {
    subject: { vi: "Xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}", en: "Apology: new date for dossier {code}" },
    body: {
      vi: "Kính gửi Ông/Bà {applicant},\n\n{agency} chưa trả kết quả hồ sơ {code} — {procedure} đúng hẹn, lý do: {reasons}\n{agency} xin lỗi Ông/Bà và hẹn trả kết quả vào lúc {due}.",
      en: "Dear {applicant},\n\n{agency} could not return the result of dossier {code} — {procedure} on time, because: {reasons}\nWe apologise; the new date is {due}.",
    },
  },
};

/** SMS text, ASCII; {placeholders} are the variable parts registered with the provider. */
export const SMS_TEMPLATES: Record<ApplicantKind, string> = {
  submitted: "{agency}: da nhan ho so truc tuyen {code}, se tiep nhan truoc {due}. Tra cuu: {url}",
  received: "{agency}: da tiep nhan ho so {code}, hen tra ket qua {due}. Tra cuu: {url}",
  supplement_requested: "{agency}: ho so {code} can bo sung giay to. Chi tiet: {url}",
  refused: "{agency}: ho so {code} khong duoc tiep nhan giai quyet. Chi tiet va danh gia: {url}",
  result_ready: "{agency}: ho so {code} da co ket qua, moi Ong/Ba den nhan. Tra cuu: {url}",
  returned: "{agency}: da tra ket qua ho so {code}. Danh gia muc do hai long: {rate}",
  apology: "{agency} xin loi: ho so {code} tre hen, hen lai {due}. Tra cuu: {url}",
};

export const STAFF_TEMPLATES: Record<StaffKind, { title: Pair; body: Pair }> = {
  assigned: {
    title: { vi: "Hồ sơ {code} được giao cho bạn", en: "Dossier {code} assigned to you" },
    body: { vi: "{procedure} — {applicant}. Hạn: {due}. {by}", en: "{procedure} — {applicant}. Due: {due}. {by}" },
  },
  awaiting_approval: {
    title: { vi: "Hồ sơ {code} chờ bạn phê duyệt", en: "Dossier {code} awaits your approval" },
    body: { vi: "{procedure} — {applicant}. Hạn: {due}. {by}", en: "{procedure} — {applicant}. Due: {due}. {by}" },
  },
  due_soon: { title: { vi: "Hồ sơ {code} sắp đến hạn", en: "Dossier {code} is due soon" }, body: { vi: "{procedure} — hẹn trả {due}", en: "{procedure} — due {due}" } },
  overdue: { title: { vi: "Hồ sơ {code} đã quá hạn", en: "Dossier {code} is overdue" }, body: { vi: "{procedure} — hẹn trả {due}", en: "{procedure} — was due {due}" } },
  prepare_apology: {
    title: { vi: "Lập Phiếu xin lỗi và hẹn lại (Mẫu 04) cho hồ sơ {code}", en: "Prepare the apology slip (form 04) for dossier {code}" },
    body: {
      vi: "Hồ sơ quá hạn từ {due}. Ghi lý do và ngày hẹn mới bằng thao tác \"Hẹn lại\", rồi in và gửi Mẫu 04 cho người nộp.",
      en: "Overdue since {due}. Record the reason and new date with \"Re-date\", then print and send form 04 to the applicant.",
    },
  },
};

/** Who handed a dossier over, for {by}: a person ({name} in words, from accounts/people.ts) or the field rules. */
export const BY_PHRASES = {
  assigned: { vi: "Người giao: {name}.", en: "Assigned by {name}." },
  awaiting_approval: { vi: "Người trình: {name}.", en: "Sent by {name}." },
  rule: { vi: "Giao tự động theo phân công lĩnh vực.", en: "Assigned automatically by field assignment." },
} as const satisfies Record<"assigned" | "awaiting_approval" | "rule", Pair>;

export function fill(template: string, vars: Readonly<Record<string, string | undefined>>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => {
    const v = vars[k];
    return v === undefined ? m : v;
  });
}

/** Removes Vietnamese diacritics keeping case: "Đăng ký" → "Dang ky". */
export function stripDiacritics(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .replace(/[^\x20-\x7e\n]/g, "");
}

/** Short agency name for SMS ("UBND xa Minh Tien"), keeping the 160-character budget. */
export function smsAgencyName(name: string): string {
  return stripDiacritics(name.replace(/^Ủy ban nhân dân/i, "UBND").replace(/^Uỷ ban nhân dân/i, "UBND"));
}

export function renderEmail(kind: ApplicantKind, lang: "vi" | "en", vars: TemplateVars): { subject: string; text: string } {
  const t = EMAIL_TEMPLATES[kind];
  return { subject: fill(t.subject[lang], vars), text: fill(t.body[lang] + FOOTER[lang], vars) };
}

export function renderSms(kind: ApplicantKind, vars: TemplateVars): string {
  const ascii: Partial<TemplateVars> = {};
  for (const [k, v] of Object.entries(vars)) (ascii as Record<string, string>)[k] = stripDiacritics(v);
  ascii.agency = smsAgencyName(vars.agency);
  // The code is already in the text: the bare tracking page keeps the SMS in one 160-character segment.
  ascii.url = vars.url.split("?")[0]!;
  if (vars.rate) ascii.rate = vars.rate.split("?")[0]!;
  return fill(SMS_TEMPLATES[kind], ascii);
}

export function renderStaff(kind: StaffKind, lang: "vi" | "en", vars: Partial<TemplateVars>): { title: string; body: string } {
  const t = STAFF_TEMPLATES[kind];
  return { title: fill(t.title[lang], vars), body: fill(t.body[lang], { by: "", ...vars }).trim() };
}

/** The allow-list form of a template: {placeholders} match any text (what the stand-in gateway checks). */
export function templatePattern(template: string): RegExp {
  const parts = template.split(/\{\w+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".+?")}$`, "s");
}
