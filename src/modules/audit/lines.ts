// The audit log as people read it: who (a name, not a username or an id), did what (words of the
// catalog, not an action code), to what (the record named as its own page names it).

import type { Tx } from "../../db/scope";
import { formatDate } from "../../web/i18n";
import { describeActor, describePerson, loadPeople, type Words } from "../accounts/people";
import { type AuditEntity, auditActionKey, isAuditEntity } from "./actions";

export type AuditLine = { id: number; at: Date; actor: string; action: string; record: string };

type Row = { id: number; at: Date; actor_user_id: number | null; actor: string; action: string; entity: string; entity_id: string; data: Record<string, unknown> };

/** How to read a record's name by its numeric id, for records whose entry does not carry one. */
const NAMES: Partial<Record<AuditEntity, string>> = {
  agency: "select id, name from agencies where id = any($1::int[])",
  dossier: "select id, code as name from dossiers where id = any($1::int[])",
  comm_item: "select id, title as name from comm_items where id = any($1::int[])",
  radio_slot: "select id, topic as name from radio_slots where id = any($1::int[])",
  radio_bulletin: "select id, title as name from radio_bulletins where id = any($1::int[])",
  signage: "select id, title as name from signage where id = any($1::int[])",
  conference: "select id, topic as name from conferences where id = any($1::int[])",
  plan: "select id, title as name from plans where id = any($1::int[])",
  plan_task: "select id, title as name from plan_tasks where id = any($1::int[])",
  report: "select id, to_char(period_from, 'DD/MM/YYYY') || ' – ' || to_char(period_to, 'DD/MM/YYYY') as name from reports where id = any($1::int[])",
  document: "select id, number || '/' || symbol as name from documents where id = any($1::int[])",
  feedback: "select id, code as name from feedback where id = any($1::int[])",
  incoming_document: "select id, number || '/' || year as name from incoming_documents where id = any($1::int[])",
};

/** Records named by a title, which reads best quoted. */
const QUOTED: ReadonlySet<AuditEntity> = new Set(["comm_item", "radio_slot", "radio_bulletin", "signage", "conference", "plan", "plan_task"]);

const numericId = (s: string) => (/^\d{1,9}$/.test(s) ? Number(s) : undefined);

/** The newest entries the caller's scope can see, in words. */
export async function listAuditLines(tx: Tx, o: { limit: number; words: Words }): Promise<AuditLine[]> {
  const rows = await tx.query<Row>(
    "select id, at, actor_user_id, actor, action, entity, entity_id, data from audit_log order by at desc, id desc limit $1",
    [o.limit],
  );
  const people = await loadPeople(tx, [...rows.map((r) => r.actor_user_id), ...rows.filter((r) => r.entity === "user").map((r) => numericId(r.entity_id))]);
  const names = new Map<string, string>();
  for (const [entity, sql] of Object.entries(NAMES)) {
    const ids = [...new Set(rows.filter((r) => r.entity === entity).map((r) => numericId(r.entity_id)))].filter((id) => id !== undefined);
    if (ids.length === 0) continue;
    for (const n of await tx.query<{ id: number; name: string }>(sql, [ids])) names.set(`${entity}:${n.id}`, n.name);
  }
  const { t } = o.words;
  const nameOf = (r: Row, entity: AuditEntity): string | undefined => {
    const code = typeof r.data?.code === "string" ? r.data.code : undefined;
    switch (entity) {
      case "user": {
        const id = numericId(r.entity_id);
        const p = id === undefined ? undefined : people.get(id);
        return p ? describePerson(p, o.words) : t("people.unknown");
      }
      case "procedure":
      case "dossier_rule":
        return r.entity_id;
      case "dossier":
        return code ?? (numericId(r.entity_id) === undefined ? r.entity_id : names.get(`dossier:${r.entity_id}`));
      case "document":
        return code ?? names.get(`document:${r.entity_id}`);
      case "feedback":
        return code ?? names.get(`feedback:${r.entity_id}`);
      case "catalog":
        return /^\d{4}-\d{2}-\d{2}$/.test(r.entity_id) ? formatDate(r.entity_id) : undefined;
      case "calendar_schedule":
        return /:(\d{4})$/.exec(r.entity_id)?.[1];
      case "api_token":
      case "report_template":
      case "report_schedule":
        return undefined;
      default: {
        const name = names.get(`${entity}:${r.entity_id}`);
        return name && QUOTED.has(entity) ? `“${name}”` : name;
      }
    }
  };
  return rows.map((r) => {
    const key = auditActionKey(r.action);
    const person = r.actor_user_id === null ? undefined : people.get(r.actor_user_id);
    let record = t("audit.entity.other");
    if (isAuditEntity(r.entity)) {
      const name = nameOf(r, r.entity);
      record = name ? `${t(`audit.entity.${r.entity}`)} ${name}` : t(`audit.entity.${r.entity}`);
    }
    return {
      id: Number(r.id),
      at: r.at,
      // A known user is named as such (a citizen signing in is "Vũ Văn An (Công dân)", not an applicant).
      actor: person ? describePerson(person, o.words) : describeActor({ userId: r.actor_user_id, label: r.actor }, people, o.words),
      action: key ? t(key) : t("audit.action.other"),
      record,
    };
  });
}
