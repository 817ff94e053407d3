// A citizen's own data (the right of access, Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15): their
// account, every dossier submitted from it with the personal data it holds, its history, its
// papers, the consent given, who among the staff accessed it, and their requests — as JSON (for a
// machine) and as a readable PDF. Only dossiers tied to the signed-in account: a dossier typed
// at the counter with someone's ID number is not theirs to read because they know that number.

import type { Db } from "../../db/scope";
import type { Lang } from "../../web/i18n";
import { translator } from "../../web/i18n";
import { describeActor, describePerson, loadPeople, type People } from "../accounts/people";
import { listAttachments, listEvents, listOwnDossiers } from "../dossiers/service";
import { eventActionWords } from "../dossiers/views";
import { type AccessEntry, listAccess } from "./access-log";
import { listOwnRequests } from "./requests";

/** Actions whose notes are written for the applicant (the rest are the officers' working notes). */
const NOTE_FOR_APPLICANT: ReadonlySet<string> = new Set(["request_supplement", "supply_supplement", "refuse", "withdraw", "redate"]);

export type MyData = {
  generatedAt: string;
  account: { username: string; fullName: string; email: string | null; phone: string | null; createdAt: string; lastLoginAt: string | null };
  dossiers: {
    code: string;
    agency: string;
    procedure: { code: string; name: string };
    channel: string;
    status: string;
    statusText: string;
    submittedAt: string | null;
    receivedAt: string | null;
    dueAt: string | null;
    finishedAt: string | null;
    returnedAt: string | null;
    anonymisedAt: string | null;
    applicant: { fullName: string; idNumber: string; phone: string; email: string | null; address: string };
    fields: Record<string, unknown>;
    consent: { version: string; at: string; channel: string } | null;
    documents: { name: string; received: boolean }[];
    attachments: { documentName: string; fileName: string; size: number; kind: string; createdAt: string }[];
    history: { at: string; action: string; status: string; note: string | null }[];
  }[];
  accessLog: { at: string; dossierCode: string; who: string; kind: string; whole: boolean; reason: string | null }[];
  requests: { id: number; dossierCode: string; kind: string; details: string; status: string; createdAt: string; dueAt: string; answer: string | null }[];
};

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The access log in words: who (name and title, read in the dossier's agency), how, why. */
export async function accessInWords(db: Db, q: { userId: number; entries: readonly AccessEntry[]; lang: Lang }): Promise<MyData["accessLog"]> {
  const t = translator(q.lang);
  const byAgency = new Map<number, Set<number>>();
  for (const e of q.entries) byAgency.set(e.dossierAgencyId, new Set([...(byAgency.get(e.dossierAgencyId) ?? []), e.userId]));
  const people = new Map<number, People>();
  // Staff are read in the scope of the agency that holds the dossier (a citizen's own scope holds none).
  for (const [agencyId, ids] of byAgency) people.set(agencyId, await db.scoped({ agencyIds: [agencyId], userId: q.userId }, (tx) => loadPeople(tx, ids)));
  return q.entries.map((e) => {
    const person = people.get(e.dossierAgencyId)?.get(e.userId);
    return {
      at: e.at.toISOString(),
      dossierCode: e.dossierCode,
      who: person ? describePerson(person, { t, lang: q.lang }) : t("people.unknown"),
      kind: t(`privacy.access.${e.kind}`),
      whole: e.whole,
      reason: e.reason,
    };
  });
}

export async function buildMyData(db: Db, q: { userId: number; lang: Lang; now?: Date }): Promise<MyData> {
  const t = translator(q.lang);
  const own = { agencyIds: [] as number[], userId: q.userId };
  const base = await db.scoped(own, async (tx) => {
    const account = await tx.one<{ username: string; full_name: string; email: string | null; phone: string | null; created_at: Date; last_login_at: Date | null }>(
      "select username, full_name, email, phone, created_at, last_login_at from users where id = $1",
      [q.userId],
    );
    const dossiers = await listOwnDossiers(tx, q.userId);
    const details = [];
    for (const d of dossiers) {
      details.push({
        d,
        agency: (await tx.maybeOne<{ name: string }>("select name from agencies where id = $1", [d.agencyId]))?.name ?? "",
        events: await listEvents(tx, d.id),
        attachments: await listAttachments(tx, d.id),
      });
    }
    const access = await listAccess(tx, { dossierIds: dossiers.map((d) => d.id) });
    const requests = await listOwnRequests(tx, q.userId);
    return { account, details, access, requests };
  });
  // Who acted on each dossier, read in its agency (the citizen's own scope cannot read its staff).
  const peopleByDossier = new Map<number, People>();
  for (const x of base.details) {
    peopleByDossier.set(x.d.id, await db.scoped({ agencyIds: [x.d.agencyId], userId: q.userId }, (tx) => loadPeople(tx, x.events.map((e) => e.actorUserId))));
  }
  const words = { t, lang: q.lang };
  return {
    generatedAt: (q.now ?? new Date()).toISOString(),
    account: {
      username: base.account.username,
      fullName: base.account.full_name,
      email: base.account.email,
      phone: base.account.phone,
      createdAt: base.account.created_at.toISOString(),
      lastLoginAt: iso(base.account.last_login_at),
    },
    dossiers: base.details.map(({ d, agency, events, attachments }) => ({
      code: d.code,
      agency,
      procedure: { code: d.procedureCode, name: d.procedureName },
      channel: t(`dossier.channel.${d.channel}`),
      status: d.status,
      statusText: t(`dossier.status.${d.status}`),
      submittedAt: iso(d.submittedAt),
      receivedAt: iso(d.receivedAt),
      dueAt: iso(d.dueAt),
      finishedAt: iso(d.finishedAt),
      returnedAt: iso(d.returnedAt),
      anonymisedAt: iso(d.anonymisedAt),
      applicant: { fullName: d.applicant.fullName, idNumber: d.applicant.idNumber, phone: d.applicant.phone, email: d.applicant.email, address: d.applicant.address.line ?? "" },
      fields: d.fields,
      consent: d.consent ? { version: d.consent.version, at: d.consent.at.toISOString(), channel: d.consent.channel } : null,
      documents: d.documents.map((x) => ({ name: x.name, received: x.received })),
      attachments: attachments.map((a) => ({ documentName: a.documentName, fileName: a.fileName, size: a.size, kind: a.kind, createdAt: a.createdAt.toISOString() })),
      history: events
        .filter((e) => e.action !== "note")
        .map((e) => ({
          at: e.at.toISOString(),
          action: `${eventActionWords(t, e.action)} — ${describeActor({ userId: e.actorUserId, label: e.actorLabel }, peopleByDossier.get(d.id) ?? new Map(), words)}`,
          status: t(`dossier.status.${e.toStatus}`),
          note: NOTE_FOR_APPLICANT.has(e.action) ? e.note : null,
        })),
    })),
    accessLog: await accessInWords(db, { userId: q.userId, entries: base.access, lang: q.lang }),
    requests: base.requests.map((r) => ({
      id: r.id,
      dossierCode: r.dossierCode,
      kind: t(`privacy.request.kind.${r.kind}`),
      details: r.details,
      status: t(`privacy.request.status.${r.status}`),
      createdAt: r.createdAt.toISOString(),
      dueAt: r.dueAt.toISOString(),
      answer: r.answer,
    })),
  };
}
