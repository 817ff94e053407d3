import type { Tx } from "../../db/scope";
import type { SignageCheckInput, SignageInput } from "../../domain/communications/schemas";
import { DomainError } from "../../domain/errors";
import { appendAudit } from "../audit/audit";
import type { Acting } from "./items";
import { saveImage, type Upload } from "./media";

export type Signage = {
  id: number;
  kind: "panel" | "poster" | "slogan" | "banner";
  title: string;
  text: string | null;
  place: string;
  lat: number | null;
  lng: number | null;
  size: string | null;
  quantity: number;
  installed_on: string;
  removed_on: string | null;
  photo_file_id: number | null;
  last_check_on: string | null;
  last_condition: string | null;
};

export async function listSignage(tx: Tx, o: { agencyId: number; place?: string | undefined; standingOn?: string | undefined }): Promise<Signage[]> {
  return tx.query<Signage>(
    `select s.id, s.kind, s.title, s.text, s.place, s.lat::float8 as lat, s.lng::float8 as lng, s.size, s.quantity,
        to_char(s.installed_on, 'YYYY-MM-DD') as installed_on, to_char(s.removed_on, 'YYYY-MM-DD') as removed_on, s.photo_file_id,
        to_char(c.checked_on, 'YYYY-MM-DD') as last_check_on, c.condition as last_condition
     from signage s
     left join lateral (select checked_on, condition from signage_checks k where k.signage_id = s.id order by checked_on desc, id desc limit 1) c on true
     where s.agency_id = $1 and ($2::text is null or fold(s.place) like '%' || fold($2) || '%')
       and ($3::date is null or (s.installed_on <= $3 and (s.removed_on is null or s.removed_on > $3)))
     order by s.place, s.installed_on desc, s.id`,
    // The place is matched as typed: LIKE's wildcards in it are escaped (backslash, LIKE's default escape).
    [o.agencyId, o.place ? o.place.replace(/[\\%_]/g, "\\$&") : null, o.standingOn ?? null],
  );
}

export async function createSignage(tx: Tx, o: { acting: Acting; input: SignageInput; photo?: Upload | undefined }): Promise<number> {
  const a = o.acting;
  const photo = o.photo ? await saveImage(tx, { agencyId: a.agencyId, userId: a.userId, upload: o.photo }) : null;
  const i = o.input;
  const r = await tx.one<{ id: number }>(
    `insert into signage (agency_id, kind, title, text, place, lat, lng, size, quantity, installed_on, removed_on, photo_file_id, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning id`,
    [a.agencyId, i.kind, i.title, i.text ?? null, i.place, i.lat ?? null, i.lng ?? null, i.size ?? null, i.quantity, i.installedOn, i.removedOn ?? null, photo, a.userId],
  );
  await appendAudit(tx, { agencyId: a.agencyId, actorUserId: a.userId, actor: a.username, action: "communications.signage.create", entity: "signage", entityId: r.id, data: { ...i } });
  return r.id;
}

export async function removeSignage(tx: Tx, o: { acting: Acting; id: number; removedOn: string }): Promise<void> {
  const s = await tx.maybeOne<{ installed_on: string }>("select to_char(installed_on, 'YYYY-MM-DD') as installed_on from signage where id = $1 and agency_id = $2", [o.id, o.acting.agencyId]);
  if (!s) throw new DomainError("not_found", "error.404.body");
  if (o.removedOn < s.installed_on) throw new DomainError("invalid", "communications.err.removedBeforeInstalled");
  await tx.exec("update signage set removed_on = $2 where id = $1", [o.id, o.removedOn]);
  await appendAudit(tx, { agencyId: o.acting.agencyId, actorUserId: o.acting.userId, actor: o.acting.username, action: "communications.signage.remove", entity: "signage", entityId: o.id, data: { removedOn: o.removedOn } });
}

export async function addSignageCheck(tx: Tx, o: { acting: Acting; id: number; input: SignageCheckInput }): Promise<number> {
  const s = await tx.maybeOne("select 1 from signage where id = $1 and agency_id = $2", [o.id, o.acting.agencyId]);
  if (!s) throw new DomainError("not_found", "error.404.body");
  const r = await tx.one<{ id: number }>(
    "insert into signage_checks (agency_id, signage_id, checked_on, condition, note, checked_by) values ($1, $2, $3, $4, $5, $6) returning id",
    [o.acting.agencyId, o.id, o.input.checkedOn, o.input.condition, o.input.note ?? null, o.acting.userId],
  );
  await appendAudit(tx, { agencyId: o.acting.agencyId, actorUserId: o.acting.userId, actor: o.acting.username, action: "communications.signage.check", entity: "signage", entityId: o.id, data: { ...o.input } });
  return r.id;
}
