import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { Mp3Encoder } from "@breezystack/lamejs";
import ESpeakNG from "espeak-ng";

/**
 * Spoken bulletins: eSpeak NG compiled to WebAssembly (npm `espeak-ng`, which carries the
 * Vietnamese voice "vi" and its dictionary) renders a WAV in its virtual file system; lamejs
 * encodes it to MP3. Both are plain npm packages, so `npm ci` on a fresh machine is enough.
 */
export type SpokenAudio = { mp3: Buffer; durationSeconds: number; sampleRate: number };
export type Voice = "vi" | "vi-vn-x-central" | "vi-vn-x-south";

type EmscriptenFs = { writeFile(path: string, data: string): void; readFile(path: string): Uint8Array };
type EspeakModule = { FS: EmscriptenFs };
type EspeakFactory = (opts: Record<string, unknown>) => Promise<EspeakModule>;

export const MAX_SPOKEN_CHARS = 20_000;

// The 18 MB WebAssembly module is compiled once per process; each bulletin gets a fresh instance
// (eSpeak keeps global state, so instances are not reused).
let compiled: Promise<WebAssembly.Module> | undefined;
function espeakWasm(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const main = createRequire(import.meta.url).resolve("espeak-ng");
    return WebAssembly.compile(await readFile(path.join(path.dirname(main), "espeak-ng.wasm")));
  })();
  return compiled;
}

/** Readings that eSpeak would otherwise spell out letter by letter. */
function prepare(text: string): string {
  return text
    .normalize("NFC")
    .replace(/\bUBND\b/g, "Ủy ban nhân dân")
    .replace(/\bHĐND\b/g, "Hội đồng nhân dân")
    .replace(/\bCCHC\b/g, "cải cách hành chính")
    .replace(/\bTTHC\b/g, "thủ tục hành chính")
    .replace(/(\d{1,2})\/(\d{1,2})\/(\d{4})/g, "ngày $1 tháng $2 năm $3")
    .replace(/[\u0000-\u0008\u000B-\u001F]/g, " ");
}

/** Reads the PCM samples of a 16-bit mono WAV, walking its chunks. */
export function readWav(wav: Uint8Array): { samples: Int16Array; sampleRate: number; channels: number } {
  const dv = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const tag = (o: number) => String.fromCharCode(wav[o]!, wav[o + 1]!, wav[o + 2]!, wav[o + 3]!);
  if (tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error("not a WAV file");
  let offset = 12;
  let sampleRate = 22050;
  let channels = 1;
  while (offset + 8 <= wav.length) {
    const id = tag(offset);
    let size = dv.getUint32(offset + 4, true);
    if (id === "fmt ") {
      channels = dv.getUint16(offset + 10, true);
      sampleRate = dv.getUint32(offset + 12, true);
    } else if (id === "data") {
      // eSpeak writes the WAV to a pipe-like stream and may leave the size field at 0 or 0x7fffffff.
      if (size === 0 || offset + 8 + size > wav.length) size = wav.length - offset - 8;
      const bytes = wav.slice(offset + 8, offset + 8 + (size - (size % 2)));
      return { samples: new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2), sampleRate, channels };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error("WAV without data");
}

export function encodeMp3(samples: Int16Array, sampleRate: number, kbps = 48): Buffer {
  const enc = new Mp3Encoder(1, sampleRate, kbps);
  const chunks: Uint8Array[] = [];
  const block = 1152 * 8;
  for (let i = 0; i < samples.length; i += block) {
    const out = enc.encodeBuffer(samples.subarray(i, i + block));
    if (out.length) chunks.push(out);
  }
  const tail = enc.flush();
  if (tail.length) chunks.push(tail);
  return Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

/** Renders Vietnamese text to speech and returns an MP3 with its duration. */
export async function speak(text: string, opts: { voice?: Voice; wordsPerMinute?: number } = {}): Promise<SpokenAudio> {
  const input = prepare(text).slice(0, MAX_SPOKEN_CHARS);
  if (!input.trim()) throw new Error("nothing to speak");
  const factory = ESpeakNG as unknown as EspeakFactory;
  const wasm = await espeakWasm();
  const mod = await factory({
    instantiateWasm: (imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
      void WebAssembly.instantiate(wasm, imports).then((instance) => done(instance, wasm));
      return {};
    },
    arguments: ["-v", opts.voice ?? "vi", "-s", String(opts.wordsPerMinute ?? 145), "-w", "/out.wav", "-f", "/in.txt"],
    preRun: [(m: EspeakModule) => m.FS.writeFile("/in.txt", input)],
    print: () => {},
    printErr: () => {},
  });
  const wav = mod.FS.readFile("/out.wav");
  const { samples, sampleRate } = readWav(wav);
  return { mp3: encodeMp3(samples, sampleRate), durationSeconds: Math.round((samples.length / sampleRate) * 100) / 100, sampleRate };
}
