import type { Tx } from "../../db/scope";
import type { ConferenceInput } from "../../domain/communications/schemas";
import { appendAudit } from "../audit/audit";
import type { Acting } from "./items";
import { saveAttachment, type Upload } from "./media";

export type Conference = {
  id: number;
  kind: "conference" | "briefing";
  date: string;
  topic: string;
  organiser: string;
  audience: string;
  attendees: number;
  minutes: string | null;
  files: { id: number; name: string }[];
};

export async function listConferences(tx: Tx, o: { agencyId: number; from?: string | undefined; to?: string | undefined }): Promise<Conference[]> {
  return tx.query<Conference>(
    `select c.id, c.kind, to_char(c.date, 'YYYY-MM-DD') as date, c.topic, c.organiser, c.audience, c.attendees, c.minutes,
        coalesce((select json_agg(json_build_object('id', f.id, 'name', f.name) order by f.id) from conference_files x join comm_files f on f.id = x.file_id where x.conference_id = c.id), '[]') as files
     from conferences c where c.agency_id = $1 and ($2::date is null or c.date >= $2) and ($3::date is null or c.date <= $3)
     order by c.date desc, c.id desc`,
    [o.agencyId, o.from ?? null, o.to ?? null],
  );
}

export async function createConference(tx: Tx, o: { acting: Acting; input: ConferenceInput; materials?: Upload[] }): Promise<number> {
  const a = o.acting;
  const i = o.input;
  const r = await tx.one<{ id: number }>(
    `insert into conferences (agency_id, kind, date, topic, organiser, audience, attendees, minutes, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
    [a.agencyId, i.kind, i.date, i.topic, i.organiser, i.audience, i.attendees, i.minutes ?? null, a.userId],
  );
  for (const m of o.materials ?? []) {
    const fileId = await saveAttachment(tx, { agencyId: a.agencyId, userId: a.userId, upload: m });
    await tx.exec("insert into conference_files (conference_id, file_id, agency_id) values ($1, $2, $3)", [r.id, fileId, a.agencyId]);
  }
  await appendAudit(tx, { agencyId: a.agencyId, actorUserId: a.userId, actor: a.username, action: "communications.conference.create", entity: "conference", entityId: r.id, data: { ...i, minutes: undefined, materials: o.materials?.length ?? 0 } });
  return r.id;
}
