// The National Public Service Portal's one-stop synchronisation (Cổng Dịch vụ công quốc gia,
// DVCQG): its record shapes, dates and status codes, and how a dossier and each step of its
// progress become those records. Pure: the adapter (src/modules/sync-dvcqg) reads the rows and
// sends; the local stand-in (src/modules/dvcqg-standin) validates what it receives with the same
// schemas, so a record the adapter would send wrongly fails in the tests as it would at the portal.
// Sources: ../shared/notes/protocols.md; [?] marks what the public documentation did not confirm
// (status and channel codes, the sub-records' field names): those are configuration or documented
// in docs/sync.md.

import { z } from "zod";
import { DOSSIER_STATUSES, type DossierStatus } from "../dossiers/state-machine";

// ---------------------------------------------------------------------------------------------
// Dates: yyyyMMddHHmmss in Asia/Ho_Chi_Minh (UTC+7 all year: Vietnam keeps no summer time).

const VN_OFFSET_MS = 7 * 3_600_000;

export function portalDate(d: Date): string {
  const v = new Date(d.getTime() + VN_OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(v.getUTCFullYear(), 4)}${p(v.getUTCMonth() + 1)}${p(v.getUTCDate())}${p(v.getUTCHours())}${p(v.getUTCMinutes())}${p(v.getUTCSeconds())}`;
}

export function portalDateOrEmpty(d: Date | null | undefined): string {
  return d ? portalDate(d) : "";
}

/** The instant a portal date names, or undefined when it is not a real date and time. */
export function parsePortalDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, se) - VN_OFFSET_MS;
  const back = new Date(t + VN_OFFSET_MS);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return undefined;
  return new Date(t);
}

// ---------------------------------------------------------------------------------------------
// Codes (configuration): the portal's dossier statuses and channels.

/** The portal's dossier statuses [?] (protocols.md): kept as a configurable mapping. */
export const PORTAL_STATUSES = {
  "1": "Mới đăng ký",
  "2": "Đã tiếp nhận",
  "3": "Không được tiếp nhận",
  "4": "Đang xử lý",
  "5": "Yêu cầu bổ sung giấy tờ",
  "6": "Yêu cầu thực hiện nghĩa vụ tài chính",
  "7": "Công dân yêu cầu rút hồ sơ",
  "8": "Dừng xử lý",
  "9": "Đã xử lý xong",
  "10": "Đã trả kết quả",
} as const;
export type PortalStatus = keyof typeof PORTAL_STATUSES;
const PortalStatusCode = z.enum(Object.keys(PORTAL_STATUSES) as [PortalStatus, ...PortalStatus[]]);

export type StatusMap = Record<DossierStatus, PortalStatus>;

/** Our statuses → the portal's. An installation changes it in its settings, never in code. */
export const DEFAULT_STATUS_MAP: StatusMap = {
  submitted: "1",
  received: "2",
  in_progress: "4",
  awaiting_approval: "4",
  approved: "4",
  supplement_requested: "5",
  transferred: "4",
  result_ready: "9",
  returned: "10",
  refused: "3",
  withdrawn: "7",
};

export const CHANNELS = ["in_person", "online", "post"] as const;
export type ChannelMap = Record<(typeof CHANNELS)[number], string>;
/** HinhThuc [?]: in person / online / public post. */
export const DEFAULT_CHANNEL_MAP: ChannelMap = { in_person: "1", online: "2", post: "3" };

/** The mapping an administrator saves: every status and channel named, codes the portal knows. */
export const SyncMapping = z.object({
  status: z.object(Object.fromEntries(DOSSIER_STATUSES.map((s) => [s, PortalStatusCode])) as Record<DossierStatus, typeof PortalStatusCode>),
  channel: z.object({ in_person: z.string().regex(/^\d{1,2}$/), online: z.string().regex(/^\d{1,2}$/), post: z.string().regex(/^\d{1,2}$/) }),
});
export type SyncMapping = z.infer<typeof SyncMapping>;
export const DEFAULT_MAPPING: SyncMapping = { status: DEFAULT_STATUS_MAP, channel: DEFAULT_CHANNEL_MAP };

// ---------------------------------------------------------------------------------------------
// Records (the fields of protocols.md). The stand-in validates with these; the adapter too,
// before sending, so that a malformed record is stopped here with the field that is wrong.

const PortalDate = z.string().refine((s) => parsePortalDate(s) !== undefined, { message: "ngày giờ phải có dạng yyyyMMddHHmmss" });
const PortalDateOrEmpty = z.union([z.literal(""), PortalDate]);
const Text = (max: number) => z.string().max(max, { message: `tối đa ${max} ký tự` });
const Required = (max: number) => z.string().trim().min(1, { message: "bắt buộc" }).max(max, { message: `tối đa ${max} ký tự` });

/** A submitted file (TaiLieuNop [?] field names). */
export const SubmittedFile = z.object({
  TepDinhKemId: Required(50),
  TenTepDinhKem: Required(300),
  MaThanhPhanHoSo: Text(50),
  TenThanhPhanHoSo: Required(1000),
  IsDeleted: z.boolean(),
});
/** A fee of the procedure (DanhSachLePhi [?]): amount in đồng, 0 when free or set locally. */
export const FeeItem = z.object({ TenPhiLePhi: Required(500), MaPhiLePhi: Text(50), HinhThucThu: Text(50), Gia: z.number().int().nonnegative(), LoaiPhiLePhi: z.enum(["1", "2"]) });
/** A supplement round (DanhSachHoSoBoSung [?]) with the appointment before and after it. */
export const SupplementRound = z.object({
  HoSoBoSungId: Required(50),
  NguoiYeuCauBoSung: Text(200),
  NoiDungBoSung: Text(4000),
  NgayBoSung: PortalDate,
  NgayTiepNhanBoSung: PortalDateOrEmpty,
  TrangThaiBoSung: z.enum(["1", "2"]),
  NgayHenTraTruoc: PortalDateOrEmpty,
  NgayHenTraMoi: PortalDateOrEmpty,
});
/** A result document (DanhSachGiayToKetQua [?]). */
export const ResultDocument = z.object({ GiayToId: Required(50), TenGiayTo: Required(1000), MaThanhPhanHoSo: Text(50), DuongDanTepTinKetQua: Text(1000) });

export const DossierRecord = z
  .object({
    MaHoSo: Required(50),
    MaTTHC: z.string().regex(/^\d\.\d{6}(?:\.[A-Z0-9]+)*$/, { message: "mã thủ tục không đúng dạng 1.001193" }),
    TenTTHC: Required(1000),
    MaLinhVuc: Text(50),
    TenLinhVuc: Text(500),
    SoBienNhan: Required(50),
    ChuHoSo: Required(200),
    LoaiDoiTuong: z.enum(["1", "2"], { message: "1 (công dân) hoặc 2 (doanh nghiệp)" }),
    // A citizen's 12-digit ID (căn cước), or a business's tax code (10 or 13 digits); empty once anonymised.
    MaDoiTuong: z.string().regex(/^(\d{12}|\d{10}(-?\d{3})?)?$/, { message: "số định danh cá nhân (12 chữ số) hoặc mã số thuế không hợp lệ" }),
    Email: z.union([z.literal(""), z.email({ message: "thư điện tử không hợp lệ" })]),
    SoDienThoai: z.string().regex(/^(0\d{9,10})?$/, { message: "số điện thoại không hợp lệ" }),
    TrichYeuHoSo: Required(1000),
    NgayTiepNhan: PortalDate,
    NgayHenTra: PortalDateOrEmpty,
    TrangThaiHoSo: PortalStatusCode,
    NgayTra: PortalDateOrEmpty,
    HinhThuc: z.string().regex(/^\d{1,2}$/),
    NgayKetThucXuLy: PortalDateOrEmpty,
    DonViXuLy: Required(200),
    GhiChu: Text(2000),
    TaiLieuNop: z.array(SubmittedFile).max(200),
    DanhSachLePhi: z.array(FeeItem).max(50),
    DanhSachHoSoBoSung: z.array(SupplementRound).max(50),
    DanhSachGiayToKetQua: z.array(ResultDocument).max(50),
  })
  .superRefine((r, ctx) => {
    // A citizen is identified by the 12-digit ID (căn cước).
    if (r.LoaiDoiTuong === "1" && r.MaDoiTuong !== "" && !/^\d{12}$/.test(r.MaDoiTuong)) ctx.addIssue({ code: "custom", path: ["MaDoiTuong"], message: "số định danh cá nhân phải có 12 chữ số" });
    if (r.NgayHenTra && parsePortalDate(r.NgayHenTra)! < parsePortalDate(r.NgayTiepNhan)!) ctx.addIssue({ code: "custom", path: ["NgayHenTra"], message: "ngày hẹn trả trước ngày tiếp nhận" });
    if (r.TrangThaiHoSo === "10" && !r.NgayTra) ctx.addIssue({ code: "custom", path: ["NgayTra"], message: "hồ sơ đã trả kết quả phải có ngày trả" });
  });
export type DossierRecord = z.infer<typeof DossierRecord>;

export const ProgressStep = z.object({
  MaHoSo: Required(50),
  NguoiXuLy: Required(200),
  ChucDanh: Text(200),
  ThoiDiemXuLy: PortalDate,
  PhongBanXuLy: Required(300),
  NoiDungXuLy: Required(2000),
  TrangThai: PortalStatusCode,
  NgayBatDau: PortalDate,
  NgayKetThucTheoQuyDinh: PortalDateOrEmpty,
});
export type ProgressStep = z.infer<typeof ProgressStep>;

/** The problems of a record, "Field: message", for the failure list and the portal's error text. */
export function recordProblems(schema: z.ZodType, value: unknown): string[] {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.map(String).join(".") || "(bản ghi)"}: ${i.message}`);
}

// ---------------------------------------------------------------------------------------------
// From a dossier to its records

export type DossierForSync = {
  id: number;
  code: string;
  procedureCode: string;
  procedureName: string;
  procedureField: string;
  channel: (typeof CHANNELS)[number];
  status: DossierStatus;
  applicant: { fullName: string; idNumber: string; phone: string; email: string | null };
  submittedAt: Date | null;
  receivedAt: Date | null;
  dueAt: Date | null;
  finishedAt: Date | null;
  returnedAt: Date | null;
  createdAt: Date;
  anonymised: boolean;
};

export type EventForSync = { id: number; at: Date; action: string; fromStatus: DossierStatus | null; toStatus: DossierStatus; note: string | null; data: Record<string, unknown> };
export type PauseForSync = { id: number; fromAt: Date; toAt: Date | null; reasons: string };
export type AttachmentForSync = { id: number; kind: "document" | "result" | "supplement"; documentName: string; fileName: string; createdAt: Date };
export type FeeForSync = { name: string; amountVnd: number };

function dateOf(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v === "string" && v) {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** The appointment as it stood just after event `upTo` (events record every change of it). */
function dueAsOf(events: readonly EventForSync[], upTo: EventForSync, current: Date | null): Date | null {
  let due: Date | null = null;
  let seen = false;
  for (const e of events) {
    if (e.id > upTo.id && seen) break;
    const d = dateOf(e.data.dueAt);
    if (d) due = d;
    if (e.id === upTo.id) seen = true;
  }
  // Rows from before events carried the appointment (the demo's history): the dossier's own.
  return due ?? (upTo.toStatus === "submitted" ? null : current);
}

/**
 * The dossier record as it stood right after `asOf` (an event), or now when `asOf` is null: a
 * step is always reported with the record of its moment, so a later state never overtakes an
 * earlier step at the portal even when both are sent late.
 */
export function buildDossierRecord(input: {
  dossier: DossierForSync;
  events: readonly EventForSync[];
  pauses: readonly PauseForSync[];
  attachments: readonly AttachmentForSync[];
  fees: readonly FeeForSync[];
  asOf: EventForSync | null;
  agency: { code: string; name: string };
  mapping: SyncMapping;
}): DossierRecord {
  const { dossier: d, mapping } = input;
  // What had happened by the step is read from the events up to it (by id: the steps of one
  // transaction share its time), the files by time (they carry their transaction's time).
  const upTo = input.asOf ? input.events.filter((e) => e.id <= input.asOf!.id) : input.events;
  const last = upTo[upTo.length - 1] ?? null;
  const at = input.asOf ? input.asOf.at : new Date(8.64e15);
  const status = input.asOf ? input.asOf.toStatus : d.status;
  const happened = (actions: readonly string[]) => upTo.some((e) => actions.includes(e.action));
  const reached = (statuses: readonly string[]) => upTo.some((e) => statuses.includes(e.toStatus));
  const received = happened(["receive", "accept"]) || (reached(["received"]) && d.receivedAt) ? d.receivedAt : null;
  const finished = reached(["result_ready", "returned", "refused"]) ? d.finishedAt : null;
  const registered = received ?? d.submittedAt ?? d.createdAt;
  const due = input.asOf && last ? dueAsOf(input.events, last, d.dueAt) : d.dueAt;
  // The k-th supplement request opened the k-th pause; the answer that closed it carries the
  // appointment before and after.
  const asks = upTo.filter((e) => e.action === "request_supplement");
  const answers = upTo.filter((e) => e.action === "supply_supplement");
  const rounds = [...input.pauses]
    .sort((a, b) => a.fromAt.getTime() - b.fromAt.getTime())
    .slice(0, input.asOf ? asks.length : input.pauses.length)
    .map((p, i) => {
      const answer = p.toAt ? answers[i] : undefined;
      return {
        HoSoBoSungId: `${d.code}-BS${i + 1}`,
        NguoiYeuCauBoSung: input.agency.name.slice(0, 200),
        NoiDungBoSung: (p.reasons || asks[i]?.note || "").slice(0, 4000),
        NgayBoSung: portalDate(p.fromAt),
        NgayTiepNhanBoSung: portalDateOrEmpty(answer && p.toAt ? p.toAt : null),
        TrangThaiBoSung: answer ? ("2" as const) : ("1" as const),
        NgayHenTraTruoc: portalDateOrEmpty(dateOf(answer?.data.previousDueAt) ?? null),
        NgayHenTraMoi: portalDateOrEmpty(dateOf(answer?.data.dueAt) ?? null),
      };
    });
  const visible = input.attachments.filter((a) => a.createdAt.getTime() <= at.getTime());
  const resultsOut = ["result_ready", "returned"].includes(status);
  return {
    MaHoSo: d.code,
    MaTTHC: d.procedureCode,
    TenTTHC: d.procedureName,
    MaLinhVuc: "",
    TenLinhVuc: d.procedureField,
    SoBienNhan: d.code,
    ChuHoSo: d.anonymised ? "Đã ẩn danh" : d.applicant.fullName,
    LoaiDoiTuong: "1",
    MaDoiTuong: d.anonymised ? "" : d.applicant.idNumber,
    Email: d.anonymised ? "" : (d.applicant.email ?? ""),
    SoDienThoai: d.anonymised ? "" : d.applicant.phone,
    TrichYeuHoSo: `${d.procedureName}${d.anonymised ? "" : ` - ${d.applicant.fullName}`}`.slice(0, 1000),
    NgayTiepNhan: portalDate(registered),
    NgayHenTra: portalDateOrEmpty(received ? due : null),
    TrangThaiHoSo: mapping.status[status],
    NgayTra: portalDateOrEmpty(status === "returned" ? (d.returnedAt ?? last?.at ?? null) : null),
    HinhThuc: mapping.channel[d.channel],
    NgayKetThucXuLy: portalDateOrEmpty(finished),
    DonViXuLy: input.agency.code,
    GhiChu: "",
    TaiLieuNop: visible
      .filter((a) => a.kind !== "result")
      .map((a) => ({ TepDinhKemId: String(a.id), TenTepDinhKem: a.fileName || a.documentName.slice(0, 300), MaThanhPhanHoSo: "", TenThanhPhanHoSo: a.documentName.slice(0, 1000), IsDeleted: false })),
    DanhSachLePhi: input.fees.map((f) => ({ TenPhiLePhi: f.name.slice(0, 500), MaPhiLePhi: "", HinhThucThu: "", Gia: f.amountVnd, LoaiPhiLePhi: "2" as const })),
    DanhSachHoSoBoSung: rounds,
    DanhSachGiayToKetQua: resultsOut
      ? visible.filter((a) => a.kind === "result").map((a) => ({ GiayToId: String(a.id), TenGiayTo: a.documentName.slice(0, 1000), MaThanhPhanHoSo: "", DuongDanTepTinKetQua: "" }))
      : [],
  };
}

/** The step of an event: who acted (name and title in words), where, what, and the resulting status. */
export function buildProgressStep(input: {
  dossierCode: string;
  event: EventForSync;
  previous: EventForSync | null;
  events: readonly EventForSync[];
  dueAt: Date | null;
  actor: { name: string; title: string };
  unit: string;
  content: string;
  mapping: SyncMapping;
}): ProgressStep {
  const due = dueAsOf(input.events, input.event, input.dueAt);
  return {
    MaHoSo: input.dossierCode,
    NguoiXuLy: input.actor.name.slice(0, 200) || input.unit.slice(0, 200),
    ChucDanh: input.actor.title.slice(0, 200),
    ThoiDiemXuLy: portalDate(input.event.at),
    PhongBanXuLy: input.unit.slice(0, 300),
    NoiDungXuLy: input.content.slice(0, 2000),
    TrangThai: input.mapping.status[input.event.toStatus],
    NgayBatDau: portalDate((input.previous ?? input.event).at),
    NgayKetThucTheoQuyDinh: portalDateOrEmpty(input.event.toStatus === "submitted" ? null : due),
  };
}

// ---------------------------------------------------------------------------------------------
// Services and replies

/** Where the adapter answers [?]: the login, and every service (named in the body). */
export const PORTAL_PATHS = { login: "/login", service: "/service" } as const;

export const SERVICES = ["DongBoHoSoMC", "CapNhatTienDoHoSoMC", "TraCuuHoSo", "LayThuTuc", "LayDanhSachTTHC"] as const;
export type ServiceName = (typeof SERVICES)[number];

/**
 * The portal's error codes as the adapter reads them [?]: 0 success; the stand-in answers the
 * others the same way. Which are worth retrying decides what the outbox does.
 */
export const PORTAL_ERRORS = {
  ok: 0,
  auth: 1,
  invalidData: 2,
  unknownService: 3,
  notFound: 4,
  unitNotAllowed: 5,
  internal: 99,
} as const;

export const PortalReply = z.looseObject({ error_code: z.coerce.number().int(), message: z.string().optional() });
export type PortalReply = z.infer<typeof PortalReply>;

// ---------------------------------------------------------------------------------------------
// The national procedure list (LayDanhSachTTHC, LayThuTuc) and how a local entry differs.

/** One procedure as the portal describes it [?] (the fields the comparison reads). */
export const NationalProcedure = z.looseObject({
  MaTTHC: z.string(),
  TenTTHC: z.string(),
  TenLinhVuc: z.string().default(""),
  /** "1" in force, "0" abolished. */
  TrangThai: z.enum(["0", "1"]).default("1"),
  CachThucThucHien: z
    .array(z.object({ KenhNop: z.enum(["in_person", "online", "post"]), ThoiHan: z.number().nullable(), DonViThoiHan: z.string().nullable() }))
    .default([]),
  ThanhPhanHoSo: z.array(z.object({ TenGiayTo: z.string() })).default([]),
});
export type NationalProcedure = z.infer<typeof NationalProcedure>;

export const NationalListItem = z.looseObject({ MaTTHC: z.string(), TenTTHC: z.string(), NgayCapNhat: z.string().optional() });
export type NationalListItem = z.infer<typeof NationalListItem>;

export type LocalProcedure = {
  code: string;
  name: string;
  field: string;
  channels: { channel: "in_person" | "online" | "post"; amount: number | null; unit: string | null }[];
  documents: string[];
};

export type CatalogDifference = { what: "missing" | "abolished" | "name" | "field" | "time_limit" | "documents"; local: string; national: string };

const norm = (s: string) => s.normalize("NFC").replace(/\s+/g, " ").trim().toLowerCase();

/** How a procedure the commune offers differs from the national record (nothing: the same). */
export function compareWithNational(local: LocalProcedure, national: NationalProcedure | undefined): CatalogDifference[] {
  if (!national) return [{ what: "missing", local: local.code, national: "" }];
  const out: CatalogDifference[] = [];
  if (national.TrangThai === "0") out.push({ what: "abolished", local: local.code, national: national.MaTTHC });
  if (norm(local.name) !== norm(national.TenTTHC)) out.push({ what: "name", local: local.name, national: national.TenTTHC });
  if (national.TenLinhVuc && norm(local.field) !== norm(national.TenLinhVuc)) out.push({ what: "field", local: local.field, national: national.TenLinhVuc });
  const limit = (c: { amount: number | null; unit: string | null } | undefined) => (c && c.amount !== null ? `${c.amount} ${c.unit ?? ""}`.trim() : "");
  for (const ch of ["in_person", "online", "post"] as const) {
    const l = local.channels.find((c) => c.channel === ch);
    const n = national.CachThucThucHien.find((c) => c.KenhNop === ch);
    if (!l || !n) continue;
    const lt = limit(l);
    const nt = limit({ amount: n.ThoiHan, unit: n.DonViThoiHan });
    if (lt !== nt) out.push({ what: "time_limit", local: `${ch}: ${lt || "—"}`, national: `${ch}: ${nt || "—"}` });
  }
  const ld = [...new Set(local.documents.map(norm))].sort();
  const nd = [...new Set(national.ThanhPhanHoSo.map((d) => norm(d.TenGiayTo)))].sort();
  if (nd.length > 0 && ld.join("\n") !== nd.join("\n")) {
    const onlyLocal = ld.filter((x) => !nd.includes(x));
    const onlyNational = nd.filter((x) => !ld.includes(x));
    out.push({ what: "documents", local: onlyLocal.join("; ") || "—", national: onlyNational.join("; ") || "—" });
  }
  return out;
}

/** A catalog procedure as the portal would describe it (the stand-in's national list is made of these). */
export function nationalFromProcedure(p: {
  code: string;
  name: string;
  field: string;
  channels: readonly { channel: "in_person" | "online" | "post"; timeLimit: { amount: number; unit: string } | null }[];
  documents: readonly { items: readonly { name: string }[] }[];
}): NationalProcedure {
  return {
    MaTTHC: p.code,
    TenTTHC: p.name,
    TenLinhVuc: p.field,
    TrangThai: "1",
    CachThucThucHien: p.channels.map((c) => ({ KenhNop: c.channel, ThoiHan: c.timeLimit?.amount ?? null, DonViThoiHan: c.timeLimit?.unit ?? null })),
    ThanhPhanHoSo: p.documents.flatMap((g) => g.items.map((i) => ({ TenGiayTo: i.name }))),
  };
}
