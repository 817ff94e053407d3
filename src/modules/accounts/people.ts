// The one way an actor is put into words for people: pages, slips, notices and the audit log all
// describe "who" through describeActor, never by printing a stored label, a username or an id.

import type { Tx } from "../../db/scope";
import { type ActorIdentity, identifyActor, type Person, type StoredActor } from "../../domain/auth/actors";
import { isRole } from "../../domain/auth/roles";
import { type Lang, registerMessages, type Translate } from "../../web/i18n";

export type { Person, StoredActor } from "../../domain/auth/actors";

registerMessages({
  vi: {
    "people.system": "Hệ thống",
    "people.rule": "theo phân công lĩnh vực",
    "people.applicant": "Người nộp hồ sơ: {name}",
    "people.applicantUnnamed": "Người nộp hồ sơ",
    "people.petitioner": "Người gửi phản ánh, kiến nghị",
    "people.unknown": "Người dùng không xác định",
    "people.withTitle": "{name} ({title})",
  },
  en: {
    "people.system": "System",
    "people.rule": "by field assignment",
    "people.applicant": "Applicant: {name}",
    "people.applicantUnnamed": "Applicant",
    "people.petitioner": "Person who sent the feedback",
    "people.unknown": "Unknown user",
    "people.withTitle": "{name} ({title})",
  },
});

/** Users by id, read now (under the caller's scope: a user it cannot see stays unresolved). */
export type People = ReadonlyMap<number, Person>;

export async function loadPeople(tx: Tx, ids: Iterable<number | null | undefined>): Promise<People> {
  const wanted = [...new Set([...ids].filter((id): id is number => typeof id === "number" && Number.isInteger(id)))];
  if (wanted.length === 0) return new Map();
  const rows = await tx.query<{ id: number; full_name: string; title: string | null; role: string }>(
    "select id, full_name, title, role from users where id = any($1::int[])",
    [wanted],
  );
  return new Map(rows.filter((r) => isRole(r.role)).map((r) => [r.id, { id: r.id, fullName: r.full_name, title: r.title, role: r.role as Person["role"] }]));
}

export type Words = { t: Translate; lang: Lang };

/**
 * A user with what they do: the title they were given (Vietnamese, as the commune wrote it) in
 * Vietnamese, the role's name in English; the role's name when there is no title ("Công dân").
 */
export function describePerson(person: Person, w: Words): string {
  const title = w.lang === "vi" && person.title ? person.title : w.t(`role.${person.role}`);
  return w.t("people.withTitle", { name: person.fullName, title });
}

export function describeIdentity(who: ActorIdentity, w: Words): string {
  switch (who.kind) {
    case "staff":
      return describePerson(who.person, w);
    case "applicant":
      return who.name ? w.t("people.applicant", { name: who.name }) : w.t("people.applicantUnnamed");
    case "petitioner":
      return w.t("people.petitioner");
    case "rule":
      return w.t("people.rule");
    case "system":
      return w.t("people.system");
    case "unknown":
      return w.t("people.unknown");
  }
}

/** Who acted, in words: "Nguyễn Thị Hoa (Công chức Bộ phận Một cửa)", "Người nộp hồ sơ: Vũ Văn An", "Hệ thống"… */
export function describeActor(actor: StoredActor, people: People, w: Words): string {
  return describeIdentity(identifyActor(actor, actor.userId === null ? undefined : people.get(actor.userId)), w);
}
