// Demo dossiers for xã Minh Tiến, and the bulk generator behind `motcua demo generate` (the
// benchmarks use it). Bulk SQL, so the demo seeder stays fast inside the test template build.
// Codes follow the agency's pattern and the code counters are advanced past them, so live
// receipts after the generator never collide.

import type { Tx } from "../../db/scope";
import { computeDueWallMinutes } from "../../domain/calendar/deadline";
import { epochMsOfWallMinutes } from "../../domain/calendar/civil";
import type { TimeLimit } from "../../domain/catalog/model";
import type { DeadlineUnit } from "../../domain/calendar/validation";
import type { DossierStatus } from "../../domain/dossiers/state-machine";
import { formatDossierCode, sequenceScopeKey } from "../../domain/codes/dossier-code";
import { codePatternOf, getAgencyCalendar, officeFromStored } from "../calendar/service";
import { localDateOf } from "../codes/dossier-codes";
import { registerDemoSeeder } from "../demo/seed";
import { idLookupHash, seal } from "../privacy/sealing";
import { dossierTimeLimit } from "./service";

const FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"];
const MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Thanh", "Ngọc", "Hữu", "Xuân"];
const GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hương", "Khánh", "Lan", "Long", "Mai", "Nam", "Phúc", "Quân", "Thảo", "Trang", "Tuấn", "Yến"];
const HAMLETS = ["Thôn Đồng Tiến", "Thôn Minh Hòa", "Thôn Tân Lập", "Thôn Đồng Kiệm", "Thôn Cây Thị", "Thôn Làng Lớn"];

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

type ProcedureLite = { code: string; name: string; field: string; onlineLevel: string; versionId: number | null; amount: number; unit: DeadlineUnit };

async function proceduresOf(tx: Tx, agencyId: number): Promise<ProcedureLite[]> {
  // Only procedures with a time limit (the agency's own, else the catalog's): others cannot be received without one.
  const rows = await tx.query<{ code: string; name: string; field: string; online_level: string; version_id: number; time_limit: TimeLimit }>(
    `select p.code, p.name, p.field, ao.online_level, v.id as version_id, coalesce(ao.time_limit, p.catalog_time_limit) as time_limit
     from procedures p join agency_offering($1) ao on ao.procedure_id = p.id
     join lateral (select id from procedure_versions pv where pv.procedure_id = p.id order by effective_from desc, version_no desc limit 1) v on true
     where ao.enabled and coalesce(ao.time_limit, p.catalog_time_limit) is not null
     order by p.field in ('Hộ tịch', 'Chứng thực') desc, p.code limit 60`,
    [agencyId],
  );
  const list: ProcedureLite[] = rows.flatMap((r) => {
    const limit = dossierTimeLimit({ amount: r.time_limit.amount, unit: r.time_limit.unit });
    return limit ? [{ code: r.code, name: r.name, field: r.field, onlineLevel: r.online_level, versionId: r.version_id, amount: limit.amount, unit: limit.unit }] : [];
  });
  if (list.length > 0) return list;
  return [
    { code: "1.001193", name: "Thủ tục đăng ký khai sinh", field: "Hộ tịch", onlineLevel: "full", versionId: null, amount: 1, unit: "working_days" },
    { code: "2.000815", name: "Thủ tục chứng thực bản sao từ bản chính", field: "Chứng thực", onlineLevel: "full", versionId: null, amount: 1, unit: "working_days" },
    { code: "1.004227", name: "Thủ tục đăng ký kết hôn", field: "Hộ tịch", onlineLevel: "partial", versionId: null, amount: 5, unit: "working_days" },
  ];
}

export type GenerateOptions = {
  agencyIds: readonly number[];
  /** Dossiers per agency. */
  perAgency: number;
  /** Receipts spread over this many days before `now`. */
  days?: number;
  now?: Date;
  seed?: number;
  users?: { desk?: number; specialists?: number[]; leader?: number };
};

type Gen = {
  code: string;
  procedure: ProcedureLite;
  channel: string;
  status: DossierStatus;
  name: string;
  idNumber: string;
  phone: string;
  hamlet: string;
  submittedAt: Date;
  receivedAt: Date | null;
  dueAt: Date | null;
  finishedAt: Date | null;
  returnedAt: Date | null;
  closedAt: Date | null;
  supplementCount: number;
  assignee: number | null;
};

/** Inserts realistic dossiers (with a receipt event and a last event each) in bulk. Returns how many. */
export async function generateDossiers(tx: Tx, o: GenerateOptions): Promise<number> {
  const now = o.now ?? new Date();
  const days = o.days ?? 180;
  const random = rng(o.seed ?? 20260101);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  let total = 0;
  for (const agencyId of o.agencyIds) {
    const agency = await tx.one<{ code: string; office: unknown }>("select code, office from agencies where id = $1", [agencyId]);
    const pattern = codePatternOf(officeFromStored(agency.office));
    const calendar = await getAgencyCalendar(tx, agencyId);
    const procedures = await proceduresOf(tx, agencyId);
    // Receipt instants, oldest first, so sequences grow with time.
    const instants: number[] = [];
    for (let i = 0; i < o.perAgency; i++) {
      const dayBack = Math.floor(random() * days);
      const d = new Date(now.getTime() - dayBack * 86_400_000);
      const local = localDateOf(d);
      const minutes = 7 * 60 + 30 + Math.floor(random() * 9 * 60);
      instants.push(Math.min(Date.UTC(local.year, local.month - 1, local.day, 0, 0) - 7 * 3_600_000 + minutes * 60_000, now.getTime() - 60_000));
    }
    instants.sort((a, b) => a - b);
    // Reserve each scope's numbers atomically in the counters, so receipts made meanwhile never collide.
    const needed = new Map<string, number>();
    for (const ms of instants) {
      const key = sequenceScopeKey(pattern, localDateOf(new Date(ms)));
      needed.set(key, (needed.get(key) ?? 0) + 1);
    }
    const next = new Map<string, number>();
    for (const [key, n] of needed) {
      const r = await tx.one<{ last_seq: number }>(
        `insert into dossier_code_counters as c (agency_id, scope_key, last_seq) values ($1,$2,$3)
         on conflict (agency_id, scope_key) do update set last_seq = c.last_seq + excluded.last_seq, updated_at = now() returning last_seq`,
        [agencyId, key, n],
      );
      next.set(key, Number(r.last_seq) - n);
    }
    const batch: Gen[] = [];
    for (const ms of instants) {
      const at = new Date(ms);
      const date = localDateOf(at);
      const key = sequenceScopeKey(pattern, date);
      const seq = next.get(key)! + 1;
      next.set(key, seq);
      const code = formatDossierCode(pattern, { agencyCode: agency.code, date, seq });
      const procedure = pick(procedures);
      const online = procedure.onlineLevel !== "none" && random() < 0.45;
      const due = new Date(epochMsOfWallMinutes(computeDueWallMinutes({ start: at, amount: procedure.amount, unit: procedure.unit, calendar }).due));
      const ageMs = now.getTime() - at.getTime();
      const fresh = ageMs < 3 * 86_400_000;
      const r = random();
      let status: DossierStatus;
      if (fresh) status = pick<DossierStatus>(online ? ["submitted", "received", "in_progress"] : ["received", "in_progress", "awaiting_approval", "result_ready"]);
      else if (ageMs < 12 * 86_400_000 && r < 0.45) status = pick<DossierStatus>(["in_progress", "awaiting_approval", "approved", "supplement_requested", "result_ready"]);
      else if (r < 0.03) status = "refused";
      else if (r < 0.05) status = "withdrawn";
      else status = "returned";
      const received = status !== "submitted";
      const finishedLate = random() < 0.06;
      const span = due.getTime() - at.getTime();
      const finishedAt =
        status === "returned" || status === "refused" || status === "result_ready"
          ? new Date(Math.min(now.getTime() - 60_000, finishedLate ? due.getTime() + 86_400_000 : at.getTime() + span * (0.3 + random() * 0.65)))
          : null;
      const returnedAt = status === "returned" && finishedAt ? new Date(Math.min(now.getTime() - 30_000, finishedAt.getTime() + 3_600_000)) : null;
      const closedAt = status === "returned" ? returnedAt : status === "refused" ? finishedAt : status === "withdrawn" ? new Date(at.getTime() + span / 2) : null;
      const born = 1950 + Math.floor(random() * 55);
      const digit4 = (born >= 2000 ? 2 : 0) + (random() < 0.5 ? 1 : 0);
      batch.push({
        code,
        procedure,
        channel: online ? "online" : random() < 0.03 ? "post" : "in_person",
        status,
        name: `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`,
        idNumber: `019${digit4}${String(born % 100).padStart(2, "0")}${String(Math.floor(random() * 1e6)).padStart(6, "0")}`,
        phone: `09${String(Math.floor(random() * 1e8)).padStart(8, "0")}`,
        hamlet: pick(HAMLETS),
        submittedAt: at,
        receivedAt: received ? at : null,
        dueAt: received ? due : null,
        finishedAt,
        returnedAt,
        closedAt,
        supplementCount: status === "supplement_requested" ? 1 : random() < 0.04 ? 1 : 0,
        assignee: ["in_progress", "awaiting_approval", "approved", "result_ready", "returned"].includes(status) && o.users?.specialists?.length ? pick(o.users.specialists) : null,
      });
    }
    for (let i = 0; i < batch.length; i += 5000) await insertBatch(tx, agencyId, batch.slice(i, i + 5000), o.users);
    total += batch.length;
  }
  return total;
}

async function insertBatch(tx: Tx, agencyId: number, b: Gen[], users: GenerateOptions["users"]): Promise<void> {
  const col = <T,>(f: (g: Gen) => T) => b.map(f);
  await tx.exec(
    `with input as (
       select * from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
         $12::text[], $13::text[], $14::timestamptz[], $15::timestamptz[], $16::timestamptz[], $17::timestamptz[], $18::timestamptz[], $19::timestamptz[],
         $20::int[], $21::int[], $22::text[], $23::int[], $25::text[])
       as x(code, pcode, pname, pfield, pversion, online_level, channel, status, name, id_number, phone, hamlet, submitted_at, received_at, due_at,
         finished_at, returned_at, closed_at, supplement_count, assignee, unit, amount, id_hash)
     ), ins as (
       insert into dossiers (agency_id, code, procedure_code, procedure_name, procedure_field, procedure_version_id, online_level, channel, status,
         applicant_full_name, applicant_id_number, applicant_phone, applicant_address, submitted_at, received_at, due_at, finished_at, returned_at,
         closed_at, supplement_count, assignee_user_id, time_limit_amount, time_limit_unit, created_by, search_text, applicant_id_hash)
       select $1, code, pcode, pname, pfield, pversion, online_level, channel, status, name, id_number, phone,
         jsonb_build_object('line', hamlet), submitted_at, received_at, due_at, finished_at, returned_at, closed_at, supplement_count, assignee,
         amount, unit, $24, fold(code || ' ' || name || ' ' || phone || ' ' || pname), id_hash
       from input
       returning id, status, channel, submitted_at, received_at, coalesce(closed_at, finished_at) as last_at
     )
     insert into dossier_events (agency_id, dossier_id, at, action, from_status, to_status, actor_label, actor_agency_id)
     select $1, id, submitted_at, case when channel = 'online' then 'submit_online' else 'receive' end, null,
            case when channel = 'online' then 'submitted' else 'received' end, 'seed', $1 from ins
     union all
     select $1, id, coalesce(last_at, received_at, submitted_at) + interval '1 minute', 'seed', null, status, 'seed', $1 from ins
       where status not in ('submitted', 'received')`,
    [
      agencyId,
      col((g) => g.code),
      col((g) => g.procedure.code),
      col((g) => g.procedure.name),
      col((g) => g.procedure.field),
      col((g) => g.procedure.versionId),
      col((g) => (["full", "partial", "none"].includes(g.procedure.onlineLevel) ? g.procedure.onlineLevel : "none")),
      col((g) => g.channel),
      col((g) => g.status),
      col((g) => g.name),
      // Sealed like every ID number (privacy/sealing.ts), even made-up ones.
      col((g) => seal(g.idNumber)),
      col((g) => g.phone),
      col((g) => g.hamlet),
      col((g) => g.submittedAt),
      col((g) => g.receivedAt),
      col((g) => g.dueAt),
      col((g) => g.finishedAt),
      col((g) => g.returnedAt),
      col((g) => g.closedAt),
      col((g) => g.supplementCount),
      col((g) => g.assignee),
      col((g) => g.procedure.unit),
      col((g) => g.procedure.amount),
      users?.desk ?? null,
      col((g) => idLookupHash(g.idNumber)),
    ],
  );
}

registerDemoSeeder({
  name: "dossiers",
  run: async (tx, { communeId, users }) => {
    const specialists = ["demo-specialist", "demo-landofficer", "demo-socialofficer"].map((u) => users[u]).filter((x): x is number => x !== undefined);
    await generateDossiers(tx, {
      agencyIds: [communeId],
      perAgency: 160,
      days: 150,
      users: { ...(users["demo-desk"] ? { desk: users["demo-desk"] } : {}), specialists },
    });
    // Field → specialist rules, as the commune's office would set them.
    const rules: [string, string][] = [
      ["Hộ tịch", "demo-specialist"],
      ["Chứng thực", "demo-specialist"],
      ["Đất đai", "demo-landofficer"],
      ["Bảo trợ xã hội", "demo-socialofficer"],
    ];
    for (const [field, username] of rules) {
      const id = users[username];
      if (id) await tx.exec("insert into dossier_assignment_rules (agency_id, field, user_id) values ($1,$2,$3) on conflict do nothing", [communeId, field, id]);
    }
  },
});
