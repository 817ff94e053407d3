import type { Tx } from "../../db/scope";
import { bulletinFromText, endTime, findOverlap } from "../../domain/communications/radio";
import { htmlToText } from "../../domain/communications/sanitize";
import type { BulletinInput, SlotInput } from "../../domain/communications/schemas";
import { DomainError } from "../../domain/errors";
import { formatDate } from "../../domain/text/format";
import { appendAudit } from "../audit/audit";
import type { Acting } from "./items";
import { saveAudio } from "./media";
import { type SpokenAudio, speak } from "./tts";

export type Slot = {
  id: number;
  agency_id: number;
  date: string;
  time: string;
  duration_minutes: number;
  topic: string;
  item_id: number | null;
  item_title: string | null;
  bulletin_id: number | null;
  bulletin_title: string | null;
  audio_file_id: number | null;
  audio_seconds: number | null;
  note: string | null;
};

export type Bulletin = {
  id: number;
  agency_id: number;
  title: string;
  text: string;
  item_id: number | null;
  audio_file_id: number | null;
  audio_seconds: number | null;
  audio_size: number | null;
  created_at: Date;
};

const SLOT_SELECT = `select s.id, s.agency_id, to_char(s.date, 'YYYY-MM-DD') as date, to_char(s.start_time, 'HH24:MI') as time, s.duration_minutes, s.topic,
    s.item_id, i.title as item_title, s.bulletin_id, b.title as bulletin_title, b.audio_file_id, f.duration_seconds::float8 as audio_seconds, s.note
  from radio_slots s left join comm_items i on i.id = s.item_id left join radio_bulletins b on b.id = s.bulletin_id left join comm_files f on f.id = b.audio_file_id`;

export async function listSlots(tx: Tx, o: { agencyId: number; from: string; to: string }): Promise<Slot[]> {
  return tx.query<Slot>(`${SLOT_SELECT} where s.agency_id = $1 and s.date between $2 and $3 order by s.date, s.start_time`, [o.agencyId, o.from, o.to]);
}

/** Adds a broadcast slot; a slot overlapping another of the same agency is refused with both times named. */
export async function createSlot(tx: Tx, o: { acting: Acting; input: SlotInput }): Promise<number> {
  const a = o.acting;
  // Serialise slot creation per agency so two concurrent requests cannot both pass the check.
  await tx.query("select pg_advisory_xact_lock(400, $1)", [a.agencyId]);
  const near = await tx.query<Slot>(`${SLOT_SELECT} where s.agency_id = $1 and s.date between ($2::date - 1) and ($2::date + 1)`, [a.agencyId, o.input.date]);
  const clash = findOverlap({ date: o.input.date, time: o.input.time, durationMinutes: o.input.durationMinutes }, near.map((s) => ({ ...s, durationMinutes: s.duration_minutes })));
  if (clash) {
    throw new DomainError("conflict", "communications.err.slotOverlap", {
      vars: {
        date: formatDate(clash.date),
        start: clash.time,
        end: endTime({ date: clash.date, time: clash.time, durationMinutes: clash.duration_minutes }),
        topic: clash.topic,
      },
    });
  }
  if (o.input.itemId) await tx.one("select 1 from comm_items where id = $1 and agency_id = $2", [o.input.itemId, a.agencyId]).catch(() => {
    throw new DomainError("invalid", "communications.err.itemUnknown");
  });
  if (o.input.bulletinId) await tx.one("select 1 from radio_bulletins where id = $1 and agency_id = $2", [o.input.bulletinId, a.agencyId]).catch(() => {
    throw new DomainError("invalid", "communications.err.bulletinUnknown");
  });
  const r = await tx.one<{ id: number }>(
    `insert into radio_slots (agency_id, date, start_time, duration_minutes, topic, item_id, bulletin_id, note, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
    [a.agencyId, o.input.date, o.input.time, o.input.durationMinutes, o.input.topic, o.input.itemId ?? null, o.input.bulletinId ?? null, o.input.note ?? null, a.userId],
  );
  await appendAudit(tx, { agencyId: a.agencyId, actorUserId: a.userId, actor: a.username, action: "communications.radio.slot.create", entity: "radio_slot", entityId: r.id, data: { ...o.input } });
  return r.id;
}

export async function deleteSlot(tx: Tx, o: { acting: Acting; id: number }): Promise<void> {
  const n = await tx.exec("delete from radio_slots where id = $1 and agency_id = $2", [o.id, o.acting.agencyId]);
  if (n !== 1) throw new DomainError("not_found", "error.404.body");
  await appendAudit(tx, { agencyId: o.acting.agencyId, actorUserId: o.acting.userId, actor: o.acting.username, action: "communications.radio.slot.delete", entity: "radio_slot", entityId: o.id });
}

const BULLETIN_SELECT = `select b.id, b.agency_id, b.title, b.text, b.item_id, b.audio_file_id, f.duration_seconds::float8 as audio_seconds, f.size as audio_size, b.created_at
  from radio_bulletins b left join comm_files f on f.id = b.audio_file_id`;

export async function listBulletins(tx: Tx, agencyId: number): Promise<Bulletin[]> {
  return tx.query<Bulletin>(`${BULLETIN_SELECT} where b.agency_id = $1 order by b.created_at desc limit 200`, [agencyId]);
}

export async function getBulletin(tx: Tx, id: number): Promise<Bulletin> {
  return tx.one<Bulletin>(`${BULLETIN_SELECT} where b.id = $1`, [id]);
}

/** The text a bulletin written from a news item starts with. */
export async function draftBulletinFromItem(tx: Tx, itemId: number): Promise<{ title: string; text: string }> {
  const item = await tx.one<{ title: string; summary: string | null; body: string }>("select title, summary, body from comm_items where id = $1", [itemId]);
  return { title: item.title, text: bulletinFromText(item.title, htmlToText(item.body) || item.summary || "") };
}

export async function createBulletin(tx: Tx, o: { acting: Acting; input: BulletinInput }): Promise<number> {
  const a = o.acting;
  if (o.input.itemId) await tx.one("select 1 from comm_items where id = $1 and agency_id = $2", [o.input.itemId, a.agencyId]).catch(() => {
    throw new DomainError("invalid", "communications.err.itemUnknown");
  });
  const r = await tx.one<{ id: number }>(
    "insert into radio_bulletins (agency_id, title, text, item_id, created_by) values ($1, $2, $3, $4, $5) returning id",
    [a.agencyId, o.input.title, o.input.text, o.input.itemId ?? null, a.userId],
  );
  await appendAudit(tx, { agencyId: a.agencyId, actorUserId: a.userId, actor: a.username, action: "communications.radio.bulletin.create", entity: "radio_bulletin", entityId: r.id, data: { title: o.input.title, itemId: o.input.itemId ?? null } });
  return r.id;
}

/** The text to speak, checked to be the caller's agency's bulletin. */
export async function getBulletinText(tx: Tx, o: { acting: Acting; id: number }): Promise<string> {
  const b = await tx.maybeOne<{ text: string }>("select text from radio_bulletins where id = $1 and agency_id = $2", [o.id, o.acting.agencyId]);
  if (!b) throw new DomainError("not_found", "error.404.body");
  return b.text;
}

/** Stores a rendered spoken version (MP3 + duration), replacing any earlier one. */
export async function saveSpokenVersion(tx: Tx, o: { acting: Acting; id: number; audio: SpokenAudio }): Promise<{ fileId: number; durationSeconds: number }> {
  const b = await tx.maybeOne<{ id: number; agency_id: number }>("select id, agency_id from radio_bulletins where id = $1 and agency_id = $2 for update", [o.id, o.acting.agencyId]);
  if (!b) throw new DomainError("not_found", "error.404.body");
  const { audio } = o;
  const fileId = await saveAudio(tx, { agencyId: b.agency_id, userId: o.acting.userId, name: `ban-tin-${b.id}.mp3`, mp3: audio.mp3, durationSeconds: audio.durationSeconds });
  await tx.exec("update radio_bulletins set audio_file_id = $2, updated_at = now() where id = $1", [b.id, fileId]);
  await appendAudit(tx, { agencyId: b.agency_id, actorUserId: o.acting.userId, actor: o.acting.username, action: "communications.radio.bulletin.speak", entity: "radio_bulletin", entityId: b.id, data: { fileId, durationSeconds: audio.durationSeconds, bytes: audio.mp3.length } });
  return { fileId, durationSeconds: audio.durationSeconds };
}

/**
 * Renders and stores a bulletin's spoken version. Synthesis takes seconds, so it runs between two
 * short transactions rather than holding one open.
 */
export async function makeSpokenVersion(runTx: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>, o: { acting: Acting; id: number }): Promise<{ fileId: number; durationSeconds: number }> {
  const text = await runTx((tx) => getBulletinText(tx, o));
  let audio: SpokenAudio;
  try {
    audio = await speak(text);
  } catch {
    throw new DomainError("unprocessable", "communications.err.speak");
  }
  return runTx((tx) => saveSpokenVersion(tx, { ...o, audio }));
}

export async function broadcastTotals(tx: Tx, o: { agencyId: number; from: string; to: string }): Promise<{ count: number; minutes: number }> {
  return tx.one<{ count: number; minutes: number }>(
    "select count(*)::int as count, coalesce(sum(duration_minutes), 0)::int as minutes from radio_slots where agency_id = $1 and date between $2 and $3",
    [o.agencyId, o.from, o.to],
  );
}
