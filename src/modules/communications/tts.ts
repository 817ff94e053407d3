import { Worker } from "node:worker_threads";

/**
 * Spoken bulletins: eSpeak NG compiled to WebAssembly (npm `espeak-ng`, which carries the
 * Vietnamese voice "vi" and its dictionary) renders the text; lamejs encodes it to MP3. Both are
 * plain npm packages, so `npm ci` on a fresh machine is enough. The work runs in a worker thread
 * (tts-worker.mjs): a long bulletin takes seconds of CPU that must not stall other requests.
 */
export type SpokenAudio = { mp3: Buffer; durationSeconds: number; sampleRate: number };
export type Voice = "vi" | "vi-vn-x-central" | "vi-vn-x-south";

export const MAX_SPOKEN_CHARS = 20_000;

/** Readings that eSpeak would otherwise spell out letter by letter. */
export function prepareForSpeech(text: string): string {
  return text
    .normalize("NFC")
    .replace(/\bUBND\b/g, "Ủy ban nhân dân")
    .replace(/\bHĐND\b/g, "Hội đồng nhân dân")
    .replace(/\bCCHC\b/g, "cải cách hành chính")
    .replace(/\bTTHC\b/g, "thủ tục hành chính")
    .replace(/(\d{1,2})\/(\d{1,2})\/(\d{4})/g, "ngày $1 tháng $2 năm $3")
    .replace(/[\u0000-\u0008\u000B-\u001F]/g, " ")
    .slice(0, MAX_SPOKEN_CHARS);
}

type Reply = { id: number; mp3?: Uint8Array; durationSeconds?: number; sampleRate?: number; error?: string };
type Pending = { resolve: (a: SpokenAudio) => void; reject: (e: Error) => void };

let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextId = 1;

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL("./tts-worker.mjs", import.meta.url));
  w.unref();
  w.on("message", (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error || !m.mp3) p.reject(new Error(m.error ?? "no audio"));
    else p.resolve({ mp3: Buffer.from(m.mp3.buffer, m.mp3.byteOffset, m.mp3.byteLength), durationSeconds: m.durationSeconds ?? 0, sampleRate: m.sampleRate ?? 0 });
    if (pending.size === 0) w.unref();
  });
  const fail = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    if (worker === w) worker = undefined;
  };
  w.on("error", fail);
  w.on("exit", (code) => fail(new Error(`text-to-speech worker exited (${code})`)));
  worker = w;
  return w;
}

/** Renders Vietnamese text to speech and returns an MP3 with its duration. */
export function speak(text: string, opts: { voice?: Voice; wordsPerMinute?: number } = {}): Promise<SpokenAudio> {
  const input = prepareForSpeech(text);
  if (!input.trim()) return Promise.reject(new Error("nothing to speak"));
  const w = getWorker();
  const id = nextId++;
  w.ref();
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ id, text: input, voice: opts.voice ?? "vi", wordsPerMinute: opts.wordsPerMinute ?? 145 });
  });
}
