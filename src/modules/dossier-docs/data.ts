import type { Tx } from "../../db/scope";
import { identifyActor } from "../../domain/auth/actors";
import { SlipDataMissingError } from "../../domain/slips/layout";
import { trackingUrl } from "../../domain/slips/qr";
import type { RegisterRow, SlipData, SlipDocument, SlipForm, SlipHandover } from "../../domain/slips/types";
import { translator } from "../../web/i18n";
import { describeIdentity, describePerson, loadPeople } from "../accounts/people";
import { ownFirst, visibleToAgency } from "../dossiers/visibility";
import { maskPhone } from "../../domain/privacy/mask";
import { unseal } from "../privacy/sealing";

// Reads what the slips need from the dossier tables (migrations/0300_dossiers.sql), read-only, in
// the caller's scoped transaction: a dossier of another commune is simply not found (404).

type DossierRow = {
  id: number;
  agency_id: number;
  code: string;
  procedure_code: string;
  procedure_name: string;
  procedure_field: string;
  channel: string;
  status: string;
  applicant_full_name: string;
  applicant_id_number: string;
  applicant_phone: string;
  applicant_email: string | null;
  applicant_address: { line?: string; communeCode?: string } | null;
  documents: { name?: string; received?: boolean; originals?: number; copies?: number; kind?: "submit" | "present" }[] | null;
  received_at: Date | null;
  submitted_at: Date | null;
  created_at: Date;
  due_at: Date | null;
  finished_at: Date | null;
  returned_at: Date | null;
  time_limit_amount: number | null;
  time_limit_unit: string | null;
  assignee_user_id: number | null;
  transfer_agency_id: number | null;
};

type EventRow = {
  id: number;
  at: Date;
  action: string;
  from_status: string | null;
  to_status: string;
  actor_user_id: number | null;
  actor_label: string;
  note: string | null;
  data: Record<string, unknown>;
};

const DOSSIER_COLUMNS = `id, agency_id, code, procedure_code, procedure_name, procedure_field, channel, status, applicant_full_name,
  applicant_id_number, applicant_phone, applicant_email, applicant_address, documents, received_at, submitted_at, created_at, due_at,
  finished_at, returned_at, time_limit_amount, time_limit_unit, assignee_user_id, transfer_agency_id`;

const ACTION_LABELS: Record<string, string> = {
  receive: "Tiếp nhận",
  submit_online: "Nộp trực tuyến",
  accept: "Tiếp nhận hồ sơ trực tuyến",
  request_supplement: "Yêu cầu bổ sung",
  supply_supplement: "Bổ sung hồ sơ",
  assign: "Chuyển xử lý",
  note: "Ghi chú",
  send_to_leader: "Trình phê duyệt",
  approve: "Phê duyệt",
  send_back: "Trả lại để xử lý lại",
  refuse: "Từ chối",
  transfer: "Chuyển liên thông",
  transfer_back: "Nhận lại từ liên thông",
  mark_result_ready: "Có kết quả",
  return: "Trả kết quả",
  withdraw: "Rút hồ sơ",
  redate: "Hẹn lại ngày trả kết quả",
};

const STATUS_HOLDERS: Record<string, string> = {
  submitted: "Bộ phận Tiếp nhận và Trả kết quả",
  received: "Bộ phận Tiếp nhận và Trả kết quả",
  in_progress: "Công chức xử lý",
  awaiting_approval: "Lãnh đạo phê duyệt",
  approved: "Công chức xử lý",
  supplement_requested: "Người nộp hồ sơ",
  transferred: "Cơ quan phối hợp",
  result_ready: "Bộ phận Tiếp nhận và Trả kết quả",
  returned: "Người nộp hồ sơ",
  refused: "Người nộp hồ sơ",
  withdrawn: "Người nộp hồ sơ",
};

/** Keys of event data that name a user as { id, name } (an agency is named the same way under toAgency). */
const PERSON_KEYS: readonly string[] = ["assignee", "leader"];

/** A step of another origin (the demo's generated history). */
const OTHER_ACTION = "Cập nhật trạng thái";

const UNIT_LABELS: Record<string, string> = { working_days: "ngày làm việc", working_hours: "giờ làm việc", calendar_days: "ngày" };

/** The time limit as the slip states it; a same-day limit names its 15:00 rule. */
export function slipTimeLimitText(amount: number | null, unit: string | null): string | null {
  if (amount === null || unit === null) return null;
  if (unit === "same_day") return amount === 0 ? "trong ngày (tiếp nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo)" : `trong ngày và thêm ${amount} ngày làm việc`;
  return `${amount} ${UNIT_LABELS[unit] ?? unit}`;
}

function texts(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => (typeof x === "string" ? x : typeof x === "object" && x && "name" in x ? String((x as { name: unknown }).name) : String(x))).filter(Boolean);
  if (typeof v === "string" && v.trim()) return v.split(/\n+/).map((s) => s.trim()).filter(Boolean);
  return [];
}

function dateOf(v: unknown): Date | undefined {
  if (typeof v !== "string" && !(v instanceof Date)) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Place name of the date line: "Xã Minh Tiến" → "Minh Tiến". */
export function placeNameOf(unitName: string): string {
  return unitName.replace(/^(xã|phường|thị trấn|đặc khu|tỉnh|thành phố)\s+/i, "").trim() || unitName;
}

/** The dossier as the staff of `agencyId` see it (the dossier pages' rule): another agency's is not found. */
export async function findDossierRow(tx: Tx, code: string, agencyId: number): Promise<DossierRow | undefined> {
  return tx.maybeOne<DossierRow>(
    `select ${DOSSIER_COLUMNS} from dossiers d where d.code = $1 and ${visibleToAgency("d", "$2")} order by ${ownFirst("d", "$2")}, d.id limit 1`,
    [code, agencyId],
  );
}

export async function loadSlipData(tx: Tx, input: { code: string; agencyId: number; form: SlipForm; baseUrl: string; now: Date }): Promise<SlipData | undefined> {
  const d = await findDossierRow(tx, input.code, input.agencyId);
  if (!d) return undefined;
  const agency = await tx.one<{ name: string; unit_name: string; phone: string | null; parent_name: string | null }>(
    "select a.name, a.unit_name, a.phone, p.name as parent_name from agencies a left join agencies p on p.id = a.parent_id where a.id = $1",
    [d.agency_id],
  );
  const events = await tx.query<EventRow>(
    "select id, at, action, from_status, to_status, actor_user_id, actor_label, note, data from dossier_events where dossier_id = $1 order by at, id",
    [d.id],
  );
  // Everyone the events mention, for "giao / nhận" and the signatures, by their current name.
  const ids = new Set<number>();
  for (const e of events) {
    if (e.actor_user_id) ids.add(e.actor_user_id);
    for (const [k, v] of Object.entries(e.data ?? {})) {
      if (/UserId$/.test(k) && typeof v === "number") ids.add(v);
      if (PERSON_KEYS.includes(k) && v && typeof v === "object" && typeof (v as { id?: unknown }).id === "number") ids.add((v as { id: number }).id);
    }
  }
  if (d.assignee_user_id) ids.add(d.assignee_user_id);
  const people = await loadPeople(tx, ids);
  const words = { t: translator("vi"), lang: "vi" as const };
  const who = (e: EventRow) => identifyActor({ userId: e.actor_user_id, label: e.actor_label }, e.actor_user_id ? people.get(e.actor_user_id) : undefined);
  /** The officer who signs: only a person the events name, never a label (a blank line is filled in by hand). */
  const officerOf = (e: EventRow | undefined) => {
    const w = e ? who(e) : undefined;
    return w?.kind === "staff" ? { fullName: w.person.fullName } : undefined;
  };
  const personNamed = (id: unknown, fallback: string | undefined) => {
    const p = typeof id === "number" ? people.get(id) : undefined;
    return p ? describePerson(p, words) : fallback;
  };
  const last = (actions: string[]) => [...events].reverse().find((e) => actions.includes(e.action));

  const documents: SlipDocument[] = (d.documents ?? [])
    // Papers only shown at the desk (giấy tờ xuất trình) are handed back, not part of the dossier.
    .filter((x) => x?.name && x.received !== false && x.kind !== "present")
    .map((x) => ({ name: String(x.name), originals: x.originals, copies: x.copies }));
  const receivedAt = d.received_at ?? d.submitted_at ?? d.created_at;
  const reception = last(["receive", "accept"]);
  const data: SlipData = {
    agency: { name: agency.name, parentName: agency.parent_name ?? undefined, placeName: placeNameOf(agency.unit_name), phone: agency.phone ?? undefined },
    dossier: {
      code: d.code,
      procedureCode: d.procedure_code,
      procedureName: d.procedure_name,
      field: d.procedure_field,
      channel: d.channel,
      receivedAt,
      dueAt: d.due_at,
      timeLimitText: slipTimeLimitText(d.time_limit_amount ?? null, d.time_limit_unit ?? null),
      resultDelivery: d.channel === "post" ? "Qua dịch vụ bưu chính công ích" : null,
      sets: 1,
    },
    applicant: {
      fullName: d.applicant_full_name,
      idNumber: unseal(d.applicant_id_number),
      phone: d.applicant_phone,
      email: d.applicant_email,
      address: d.applicant_address?.line ?? null,
    },
    documents,
    officer: officerOf(reception),
    trackingUrl: trackingUrl(input.baseUrl, d.code),
    issuedAt: input.now,
  };

  if (input.form === "02") {
    const e = last(["request_supplement"]);
    if (!e) throw new SlipDataMissingError("02", "hồ sơ chưa có yêu cầu bổ sung");
    const items = texts(e.data?.items ?? e.data?.documents ?? e.data?.reasons);
    data.supplement = { items: items.length ? items : texts(e.note), reason: typeof e.data?.reason === "string" ? e.data.reason : (e.note ?? undefined) };
    data.officer = officerOf(e);
    data.issuedAt = e.at;
  } else if (input.form === "03") {
    const e = last(["refuse"]);
    if (!e) throw new SlipDataMissingError("03", "hồ sơ chưa bị từ chối");
    const reasons = texts(e.data?.reasons);
    data.refusal = { reasons: reasons.length ? reasons : texts(e.note) };
    data.officer = officerOf(e);
    data.issuedAt = e.at;
  } else if (input.form === "04") {
    const e = last(["redate"]);
    if (e) {
      // The printed "ngày hẹn trả" is the broken appointment; the new one is what the redate set.
      const previous = dateOf(e.data?.previousDueAt ?? e.data?.oldDueAt ?? e.data?.fromDueAt);
      const next = dateOf(e.data?.newDueAt ?? e.data?.dueAt) ?? d.due_at;
      if (previous) data.dossier.dueAt = previous;
      const reason = typeof e.data?.reason === "string" ? e.data.reason : texts(e.data?.reasons).join("; ") || (e.note ?? "");
      data.apology = { reason, newDueAt: next };
      data.issuedAt = e.at;
      // Signed by the head of the agency, who decided the new date — not the receiving officer.
      data.officer = officerOf(e);
    } else {
      // Draft for the overdue task: reason and new date are filled in by hand or after "redate".
      data.apology = { reason: "", newDueAt: null };
      data.officer = undefined;
    }
  } else if (input.form === "05") {
    const handovers: SlipHandover[] = [];
    let holder = "Bộ phận Tiếp nhận và Trả kết quả";
    for (const e of events) {
      if (e.action === "receive" || e.action === "submit_online" || e.action === "note") continue;
      const named = (k: string) => {
        const v = e.data?.[k] as { id?: unknown; name?: unknown } | undefined;
        if (!v || typeof v !== "object" || typeof v.name !== "string") return undefined;
        return PERSON_KEYS.includes(k) ? personNamed(v.id, v.name) : v.name;
      };
      const target =
        named("assignee") ??
        named("leader") ??
        named("toAgency") ??
        personNamed(e.data?.assigneeUserId, undefined) ??
        STATUS_HOLDERS[e.to_status] ??
        holder;
      // Who handed it over: the officer or the applicant who acted; a step the software took (an
      // assignment by the field rules, the demo's history) leaves it with whoever held it.
      const actor = who(e);
      const from = actor.kind === "staff" || actor.kind === "applicant" ? describeIdentity(actor, words) : holder;
      const action = ACTION_LABELS[e.action] ?? OTHER_ACTION;
      const onTime = d.due_at ? (e.at.getTime() <= d.due_at.getTime() ? "Đúng hạn" : "Quá hạn") : undefined;
      handovers.push({ at: e.at, from, to: target, action: actor.kind === "rule" ? `${action} ${words.t("people.rule")}` : action, result: onTime, note: e.note ?? undefined });
      holder = target;
    }
    data.handovers = handovers;
  }
  return data;
}

/** Rows of Mẫu 06 for dossiers received between two dates (inclusive, Vietnam time). */
/** Mẫu 06: the dossiers the staff of `agencyId` see (the dossier pages' rule), received in the period. */
export async function loadRegisterRows(tx: Tx, input: { agencyId: number; from: string; to: string }): Promise<RegisterRow[]> {
  const rows = await tx.query<
    DossierRow & { agency_name: string; assignee_name: string | null; transfer_name: string | null; transferred_at: Date | null }
  >(
    `select ${DOSSIER_COLUMNS.split(",").map((c) => `d.${c.trim()}`).join(", ")}, a.name as agency_name, u.full_name as assignee_name, t.name as transfer_name,
        (select min(e.at) from dossier_events e where e.dossier_id = d.id and e.action in ('assign', 'transfer')) as transferred_at
     from dossiers d
     join agencies a on a.id = d.agency_id
     left join users u on u.id = d.assignee_user_id
     left join agencies t on t.id = d.transfer_agency_id
     where d.received_at >= ($1::date)::timestamp at time zone 'Asia/Ho_Chi_Minh'
       and d.received_at < ($2::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh'
       and ${visibleToAgency("d", "$3")}
     order by d.received_at, d.id`,
    [input.from, input.to, input.agencyId],
  );
  const notes: Record<string, string> = { refused: "Từ chối tiếp nhận giải quyết", withdrawn: "Rút hồ sơ", supplement_requested: "Đang bổ sung hồ sơ" };
  return rows.map((r) => ({
    code: r.code,
    procedureName: r.procedure_name,
    sets: 1,
    applicantName: r.applicant_full_name,
    // A register lists people: their phone masked, like every list (minimum exposure).
    applicantContact: [r.applicant_address?.line, maskPhone(r.applicant_phone)].filter(Boolean).join(" — "),
    handlingUnit: r.transfer_name ?? (r.assignee_name ? `${r.agency_name} (${r.assignee_name})` : r.agency_name),
    receivedAt: r.received_at!,
    dueAt: r.due_at,
    transferredAt: r.transferred_at,
    finishedAt: r.finished_at,
    returnedAt: r.returned_at,
    note: notes[r.status] ?? "",
  }));
}
