// The structured procedure model, following the fields of the national procedure database
// (Cơ sở dữ liệu quốc gia về thủ tục hành chính). This schema is the boundary for the shipped
// seed and for anything that stores procedures; the raw portal shape is handled in ./parse.
import { z } from "zod";

/** Official codes: `1.001193`, local variants carry a suffix (`1.000948.H38`). */
export const ProcedureCode = z.string().regex(/^\d\.\d{6}(?:\.[A-Z0-9]+)*$/);
export type ProcedureCode = z.infer<typeof ProcedureCode>;

export const CHANNELS = ["in_person", "online", "post"] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

/** `same_day`: returned the day of receipt (after 15:00, the next working day); amount = further working days. */
export const TIME_UNITS = ["working_days", "calendar_days", "working_hours", "hours", "months", "same_day"] as const;
export const TimeUnit = z.enum(TIME_UNITS);
export type TimeUnit = z.infer<typeof TimeUnit>;

/** How a commune offers a procedure online: full (toàn trình), partial (một phần), none. */
export const ONLINE_LEVELS = ["full", "partial", "none"] as const;
export const OnlineLevel = z.enum(ONLINE_LEVELS);
export type OnlineLevel = z.infer<typeof OnlineLevel>;

export const TimeLimit = z.object({
  amount: z.number().nonnegative(),
  unit: TimeUnit,
});
export type TimeLimit = z.infer<typeof TimeLimit>;

/** What a fixed fee is charged for, from the note ("2.000 đồng/trang", "/bản", "/lần"…). */
export const FEE_BASES = [
  "page",
  "copy",
  "dossier",
  "time",
  "person",
  "case",
  "certificate",
  "transaction",
  "document",
] as const;
export const FeeBasis = z.enum(FEE_BASES);
export type FeeBasis = z.infer<typeof FeeBasis>;

const money = z.number().int().nonnegative();

/**
 * A fee cell. "Không có thông tin" is `unknown`, not `free`: the portal simply did not say, and
 * a desk officer must not tell a citizen it costs nothing. `local` is a fee that the province's
 * People's Council sets (the portal often writes "Miễn phí" with that note).
 */
export const Fee = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("free"), note: z.string().nullable() }),
  z.object({ kind: z.literal("unknown") }),
  z.object({ kind: z.literal("local"), note: z.string() }),
  z.object({
    kind: z.literal("fixed"),
    amountVnd: money,
    per: FeeBasis.nullable(),
    capVnd: money.nullable(),
    note: z.string().nullable(),
  }),
  z.object({
    kind: z.literal("foreign"),
    amount: z.number().nonnegative(),
    currency: z.literal("USD"),
    per: FeeBasis.nullable(),
    note: z.string().nullable(),
  }),
  z.object({ kind: z.literal("unparsed"), text: z.string() }),
]);
export type Fee = z.infer<typeof Fee>;

export const ChannelOption = z.object({
  channel: Channel,
  timeLimit: TimeLimit.nullable(),
  /** The portal's own wording ("05 Ngày làm việc"), kept for display and for re-checking. */
  timeLimitText: z.string().nullable(),
  fees: z.array(Fee),
  description: z.string().nullable(),
});
export type ChannelOption = z.infer<typeof ChannelOption>;

export const Template = z.object({ fileName: z.string().min(1) });
export type Template = z.infer<typeof Template>;

export const RequiredDocument = z.object({
  name: z.string().min(1),
  templates: z.array(Template),
  copies: z.object({ original: z.number().int().nonnegative(), copy: z.number().int().nonnegative() }),
  /** "(nếu có)": bring it only when it applies; the checklist shows it as optional. */
  optional: z.boolean(),
});
export type RequiredDocument = z.infer<typeof RequiredDocument>;

/** The portal lists documents per case ("a) Trường hợp …"); `case` is null for the single list. */
export const DocumentGroup = z.object({
  case: z.string().nullable(),
  items: z.array(RequiredDocument),
  note: z.string().nullable(),
});
export type DocumentGroup = z.infer<typeof DocumentGroup>;

export const LegalBasis = z.object({
  title: z.string().min(1),
  /** Number and symbol (`47/2014/QH13`), null when the portal gave none we could read. */
  number: z.string().nullable(),
});
export type LegalBasis = z.infer<typeof LegalBasis>;

export const Procedure = z.object({
  code: ProcedureCode,
  name: z.string().min(1),
  field: z.string(),
  levels: z.array(z.string()),
  decision: z.string().nullable(),
  kind: z.string().nullable(),
  applicants: z.array(z.string()),
  competentAgency: z.string().nullable(),
  executingAgency: z.string().nullable(),
  channels: z.array(ChannelOption),
  documents: z.array(DocumentGroup),
  steps: z.array(z.string()),
  conditions: z.string().nullable(),
  result: z.string().nullable(),
  resultCodes: z.array(z.string()),
  legalBasis: z.array(LegalBasis),
  sourceUrl: z.string().nullable(),
});
export type Procedure = z.infer<typeof Procedure>;

export const ProcedureList = z.array(Procedure);
export type ProcedureList = z.infer<typeof ProcedureList>;

/** Vietnamese labels of the fields, for diffs and announcements ("sửa đổi, bổ sung"). */
export const PROCEDURE_FIELD_LABELS = {
  code: "Mã thủ tục",
  name: "Tên thủ tục",
  field: "Lĩnh vực",
  levels: "Cấp thực hiện",
  decision: "Quyết định công bố",
  kind: "Loại thủ tục",
  applicants: "Đối tượng thực hiện",
  competentAgency: "Cơ quan có thẩm quyền",
  executingAgency: "Cơ quan thực hiện",
  channels: "Cách thức thực hiện",
  documents: "Thành phần hồ sơ",
  steps: "Trình tự thực hiện",
  conditions: "Yêu cầu, điều kiện",
  result: "Kết quả thực hiện",
  resultCodes: "Mã kết quả",
  legalBasis: "Căn cứ pháp lý",
  sourceUrl: "Nguồn",
} as const satisfies Record<keyof Procedure, string>;

export const CHANNEL_LABELS = {
  in_person: "Trực tiếp",
  online: "Trực tuyến",
  post: "Dịch vụ bưu chính",
} as const satisfies Record<Channel, string>;

export const FEE_BASIS_LABELS = {
  page: "trang",
  copy: "bản",
  dossier: "hồ sơ",
  time: "lần",
  person: "người",
  case: "trường hợp",
  certificate: "giấy",
  transaction: "giao dịch",
  document: "văn bản",
} as const satisfies Record<FeeBasis, string>;
