// Speed and size of the communications module's heavy steps: text-to-speech (eSpeak NG WASM +
// lamejs MP3), photo re-encoding (sharp), HTML sanitising and RSS building.
// Run: node --import tsx bench/communications-media.ts
import { performance } from "node:perf_hooks";
import sharp from "sharp";
import { buildRss } from "../src/domain/communications/feed";
import { sanitizeArticleHtml } from "../src/domain/communications/sanitize";
import { processImage } from "../src/modules/communications/media";
import { speak } from "../src/modules/communications/tts";

async function time<T>(label: string, runs: number, fn: () => Promise<T> | T): Promise<T> {
  let last!: T;
  last = await fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) last = await fn();
  const ms = (performance.now() - t0) / runs;
  console.log(`${label}: ${ms.toFixed(1)} ms`);
  return last;
}

const sentence = "Ủy ban nhân dân xã Minh Tiến thông báo: từ tháng này người dân có thể nộp hồ sơ đăng ký khai sinh trực tuyến, không cần đến trụ sở, kết quả được trả tận nhà qua bưu điện.";
const short = await time("speak 36 words", 3, () => speak(sentence));
console.log(`  → ${short.durationSeconds} s of audio, ${(short.mp3.length / 1024).toFixed(0)} KB MP3`);
const long = Array.from({ length: 10 }, () => sentence).join(" ");
const big = await time("speak 360 words", 1, () => speak(long));
console.log(`  → ${big.durationSeconds} s of audio, ${(big.mp3.length / 1024).toFixed(0)} KB MP3`);

const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 40 } } }).jpeg({ quality: 90 }).toBuffer();
console.log(`input photo 4000×3000 JPEG: ${(photo.length / 1024 / 1024).toFixed(1)} MB`);
const img = await time("processImage 12 MP → WebP 1280 + 480", 3, () => processImage(photo));
console.log(`  → large ${(img.data.length / 1024).toFixed(0)} KB, thumb ${(img.thumb.length / 1024).toFixed(0)} KB`);

const article = `<h2>Tiêu đề</h2>${"<p>Đoạn văn có <strong>chữ đậm</strong>, <a href=\"https://dichvucong.gov.vn\">liên kết</a> và <script>alert(1)</script> rác.</p>".repeat(200)}`;
console.log(`article: ${(article.length / 1024).toFixed(0)} KB of HTML`);
await time("sanitizeArticleHtml (≈25 KB article)", 50, () => sanitizeArticleHtml(article));

const items = Array.from({ length: 30 }, (_, i) => ({ title: `Tin số ${i} & <b>`, link: `https://x.vn/c/a/news/b/${i}-tin`, guid: String(i), summary: "Tóm tắt ".repeat(30), publishedAt: new Date() }));
await time("buildRss 30 items", 200, () => buildRss({ title: "Cải cách hành chính", link: "https://x.vn/c/a/news/b", selfLink: "https://x.vn/c/a/news/b/feed.xml", description: "d", language: "vi", items }));
