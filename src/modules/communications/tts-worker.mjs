// Text-to-speech off the main thread: eSpeak NG (WebAssembly) renders a WAV, lamejs encodes MP3.
// Plain JavaScript so that it runs in a worker thread without the TypeScript loader.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { parentPort } from "node:worker_threads";
import { Mp3Encoder } from "@breezystack/lamejs";
import ESpeakNG from "espeak-ng";

let compiled;
function espeakWasm() {
  // The 18 MB module is compiled once; each text gets a fresh instance (eSpeak keeps global state).
  compiled ??= (async () => {
    const main = createRequire(import.meta.url).resolve("espeak-ng");
    return WebAssembly.compile(await readFile(path.join(path.dirname(main), "espeak-ng.wasm")));
  })();
  return compiled;
}

/** PCM samples of a 16-bit mono WAV, walking its chunks. */
export function readWav(wav) {
  const dv = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const tag = (o) => String.fromCharCode(wav[o], wav[o + 1], wav[o + 2], wav[o + 3]);
  if (tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error("not a WAV file");
  let offset = 12;
  let sampleRate = 22050;
  while (offset + 8 <= wav.length) {
    const id = tag(offset);
    let size = dv.getUint32(offset + 4, true);
    if (id === "fmt ") sampleRate = dv.getUint32(offset + 12, true);
    else if (id === "data") {
      // eSpeak may leave the size at 0 or 0x7fffffff when it streams the file.
      if (size === 0 || offset + 8 + size > wav.length) size = wav.length - offset - 8;
      const bytes = wav.slice(offset + 8, offset + 8 + (size - (size % 2)));
      return { samples: new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2), sampleRate };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error("WAV without data");
}

export function encodeMp3(samples, sampleRate, kbps = 48) {
  const enc = new Mp3Encoder(1, sampleRate, kbps);
  const chunks = [];
  const block = 1152 * 8;
  for (let i = 0; i < samples.length; i += block) {
    const out = enc.encodeBuffer(samples.subarray(i, i + block));
    if (out.length) chunks.push(out);
  }
  const tail = enc.flush();
  if (tail.length) chunks.push(tail);
  return Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

export async function synthesize(text, voice = "vi", wordsPerMinute = 145) {
  const wasm = await espeakWasm();
  const mod = await ESpeakNG({
    arguments: ["-v", voice, "-s", String(wordsPerMinute), "-w", "/out.wav", "-f", "/in.txt"],
    preRun: [(m) => m.FS.writeFile("/in.txt", text)],
    instantiateWasm: (imports, done) => {
      void WebAssembly.instantiate(wasm, imports).then((instance) => done(instance, wasm));
      return {};
    },
    print: () => {},
    printErr: () => {},
  });
  const { samples, sampleRate } = readWav(mod.FS.readFile("/out.wav"));
  const mp3 = encodeMp3(samples, sampleRate);
  return { mp3, durationSeconds: Math.round((samples.length / sampleRate) * 100) / 100, sampleRate };
}

if (parentPort) {
  const port = parentPort;
  port.on("message", async (msg) => {
    try {
      const r = await synthesize(msg.text, msg.voice, msg.wordsPerMinute);
      const bytes = new Uint8Array(r.mp3.buffer, r.mp3.byteOffset, r.mp3.byteLength).slice();
      port.postMessage({ id: msg.id, mp3: bytes, durationSeconds: r.durationSeconds, sampleRate: r.sampleRate }, [bytes.buffer]);
    } catch (e) {
      port.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
}
