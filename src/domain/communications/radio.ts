/** Radio programme rules: slots on a day must not overlap; figures per period. */
export type SlotTime = { id?: number; date: string; time: string; durationMinutes: number };

export function minutesOfDay(time: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m) throw new Error(`bad time ${time}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Absolute minutes since the epoch day, so a slot running past midnight still collides with the next day's early slot. */
function span(s: SlotTime): [number, number] {
  const day = Math.round(Date.parse(`${s.date}T00:00:00Z`) / 86_400_000);
  const start = day * 1440 + minutesOfDay(s.time);
  return [start, start + s.durationMinutes];
}

export function overlaps(a: SlotTime, b: SlotTime): boolean {
  const [a0, a1] = span(a);
  const [b0, b1] = span(b);
  return a0 < b1 && b0 < a1;
}

/** The first existing slot the candidate collides with (itself excluded when editing). */
export function findOverlap<T extends SlotTime>(candidate: SlotTime, existing: readonly T[]): T | undefined {
  return existing.find((s) => (candidate.id === undefined || s.id !== candidate.id) && overlaps(candidate, s));
}

export function endTime(s: SlotTime): string {
  const end = (minutesOfDay(s.time) + s.durationMinutes) % 1440;
  return `${String(Math.floor(end / 60)).padStart(2, "0")}:${String(end % 60).padStart(2, "0")}`;
}

/** Monday of the ISO week that contains `date` ("YYYY-MM-DD"). */
export function weekStart(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - dow);
  return d.toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** A bulletin drafted from a news item: title, then the text, cut at a sentence near `maxWords`. */
export function bulletinFromText(title: string, text: string, maxWords = 400): string {
  const words = text.split(/\s+/).filter(Boolean);
  let body = words.slice(0, maxWords).join(" ");
  if (words.length > maxWords) {
    const cut = body.lastIndexOf(". ");
    body = cut > body.length / 2 ? body.slice(0, cut + 1) : `${body}…`;
  }
  return `${title.trim()}.\n${body}`.trim();
}

/** Rough speaking time at a radio pace (~150 Vietnamese syllables a minute). */
export function estimatedSeconds(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.round((words / 150) * 60);
}
