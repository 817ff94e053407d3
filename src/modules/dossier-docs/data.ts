import type { Tx } from "../../db/scope";
import { SlipDataMissingError } from "../../domain/slips/layout";
import { trackingUrl } from "../../domain/slips/qr";
import type { RegisterRow, SlipData, SlipDocument, SlipForm, SlipHandover } from "../../domain/slips/types";
import { ownFirst, visibleToAgency } from "../dossiers/visibility";

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
  documents: { name?: string; received?: boolean; originals?: number; copies?: number }[] | null;
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

const UNIT_LABELS: Record<string, string> = { working_days: "ngày làm việc", working_hours: "giờ làm việc", calendar_days: "ngày" };

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
  // Names of everyone the events mention, for "giao / nhận".
  const ids = new Set<number>();
  for (const e of events) {
    if (e.actor_user_id) ids.add(e.actor_user_id);
    for (const [k, v] of Object.entries(e.data ?? {})) if (/UserId$/.test(k) && typeof v === "number") ids.add(v);
  }
  if (d.assignee_user_id) ids.add(d.assignee_user_id);
  const users = new Map<number, { full_name: string; title: string | null }>();
  if (ids.size) {
    for (const u of await tx.query<{ id: number; full_name: string; title: string | null }>("select id, full_name, title from users where id = any($1)", [[...ids]])) {
      users.set(u.id, u);
    }
  }
  const nameOf = (id: number | null | undefined, fallback: string) => {
    const u = id ? users.get(id) : undefined;
    return u ? `${u.full_name}${u.title ? ` (${u.title})` : ""}` : fallback;
  };
  const last = (actions: string[]) => [...events].reverse().find((e) => actions.includes(e.action));

  const documents: SlipDocument[] = (d.documents ?? [])
    .filter((x) => x?.name && x.received !== false)
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
      timeLimitText: d.time_limit_amount != null && d.time_limit_unit ? `${d.time_limit_amount} ${UNIT_LABELS[d.time_limit_unit] ?? d.time_limit_unit}` : null,
      resultDelivery: d.channel === "post" ? "Qua dịch vụ bưu chính công ích" : null,
      sets: 1,
    },
    applicant: {
      fullName: d.applicant_full_name,
      idNumber: d.applicant_id_number,
      phone: d.applicant_phone,
      email: d.applicant_email,
      address: d.applicant_address?.line ?? null,
    },
    documents,
    officer: reception ? { fullName: nameOf(reception.actor_user_id, reception.actor_label).replace(/ \(.*\)$/, "") } : undefined,
    trackingUrl: trackingUrl(input.baseUrl, d.code),
    issuedAt: input.now,
  };

  if (input.form === "02") {
    const e = last(["request_supplement"]);
    if (!e) throw new SlipDataMissingError("02", "hồ sơ chưa có yêu cầu bổ sung");
    const items = texts(e.data?.items ?? e.data?.documents ?? e.data?.reasons);
    data.supplement = { items: items.length ? items : texts(e.note), reason: typeof e.data?.reason === "string" ? e.data.reason : (e.note ?? undefined) };
    data.officer = { fullName: nameOf(e.actor_user_id, e.actor_label).replace(/ \(.*\)$/, "") };
    data.issuedAt = e.at;
  } else if (input.form === "03") {
    const e = last(["refuse"]);
    if (!e) throw new SlipDataMissingError("03", "hồ sơ chưa bị từ chối");
    const reasons = texts(e.data?.reasons);
    data.refusal = { reasons: reasons.length ? reasons : texts(e.note) };
    data.officer = { fullName: nameOf(e.actor_user_id, e.actor_label).replace(/ \(.*\)$/, "") };
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
      data.officer = { fullName: nameOf(e.actor_user_id, e.actor_label).replace(/ \(.*\)$/, "") };
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
        const v = e.data?.[k] as { name?: unknown } | undefined;
        return v && typeof v === "object" && typeof v.name === "string" ? v.name : undefined;
      };
      const target =
        named("assignee") ??
        named("leader") ??
        named("toAgency") ??
        (typeof e.data?.assigneeUserId === "number" ? nameOf(e.data.assigneeUserId as number, "") : undefined) ??
        STATUS_HOLDERS[e.to_status] ??
        e.to_status;
      const from = nameOf(e.actor_user_id, e.actor_label) || holder;
      const onTime = d.due_at ? (e.at.getTime() <= d.due_at.getTime() ? "Đúng hạn" : "Quá hạn") : undefined;
      handovers.push({ at: e.at, from, to: target || holder, action: ACTION_LABELS[e.action] ?? e.action, result: onTime, note: e.note ?? undefined });
      holder = target || holder;
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
    applicantContact: [r.applicant_address?.line, r.applicant_phone].filter(Boolean).join(" — "),
    handlingUnit: r.transfer_name ?? (r.assignee_name ? `${r.agency_name} (${r.assignee_name})` : r.agency_name),
    receivedAt: r.received_at!,
    dueAt: r.due_at,
    transferredAt: r.transferred_at,
    finishedAt: r.finished_at,
    returnedAt: r.returned_at,
    note: notes[r.status] ?? "",
  }));
}
