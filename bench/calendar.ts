// Deadline throughput and the cost of building a year's table.
// Run: node --import tsx bench/calendar.ts
import { formatWallMinutes, toWallMinutes } from "../src/domain/calendar/civil";
import { computeDeadline, computeDueWallMinutes } from "../src/domain/calendar/deadline";
import { WorkingCalendar } from "../src/domain/calendar/working-calendar";

const N = 300_000;

// A fixed-seed generator so runs compare like with like.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(42);
const first = toWallMinutes("2000-01-01T00:00");
const last = toWallMinutes("2100-09-30T23:59");
const starts = Array.from({ length: N }, () => new Date((Math.floor(first + next() * (last - first)) - 420) * 60000));
const startStrings = starts.map((d) => formatWallMinutes(toWallMinutes(d)));
const amounts = Array.from({ length: N }, () => 1 + Math.floor(next() * 60));

function time(run: () => void): number {
  const t0 = process.hrtime.bigint();
  run();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return ms;
}

// Cold: the first call of each year builds its table (holidays, lunar dates, prefix sums).
const coldCalendar = new WorkingCalendar();
const years = Array.from({ length: 101 }, (_, i) => 2000 + i);
const coldMs = time(() => {
  for (const y of years) coldCalendar.yearTable(y);
});
const warmMs = time(() => {
  for (let r = 0; r < 100; r++) for (const y of years) coldCalendar.yearTable(y);
});

const calendar = new WorkingCalendar();
for (const y of years) calendar.yearTable(y);
let sink = 0;
// Warm-up for the JIT, then measure.
for (let i = 0; i < 20_000; i++) sink += computeDeadline({ start: starts[i]!, amount: amounts[i]!, unit: "working_days", calendar }).due.length;

const fullMs = time(() => {
  for (let i = 0; i < N; i++) sink += computeDeadline({ start: starts[i]!, amount: amounts[i]!, unit: "working_days", calendar }).skipped.length;
});
const stringMs = time(() => {
  for (let i = 0; i < N; i++) sink += computeDeadline({ start: startStrings[i]!, amount: amounts[i]!, unit: "working_days", calendar }).due.length;
});
const bareMs = time(() => {
  for (let i = 0; i < N; i++) sink += computeDueWallMinutes({ start: starts[i]!, amount: amounts[i]!, unit: "working_days", calendar }).due;
});
let fresh = calendar;
const constructMs = time(() => {
  fresh = new WorkingCalendar();
});
const firstCallMs = time(() => {
  sink += computeDeadline({ start: "2031-06-02T09:00", amount: 10, unit: "working_days", calendar: fresh }).due.length;
});

const rate = (ms: number) => Math.round(N / (ms / 1000)).toLocaleString("en-US");
console.log(`deadlines (random starts 2000–2100, 1–60 working days, n=${N}, one core)`);
console.log(`  computeDeadline, Date start, with skipped days: ${rate(fullMs)} /s`);
console.log(`  computeDeadline, ISO string start:              ${rate(stringMs)} /s`);
console.log(`  computeDueWallMinutes (no formatting):          ${rate(bareMs)} /s`);
console.log(`year tables`);
console.log(`  cold build: ${(coldMs / years.length).toFixed(3)} ms per year (${years.length} years in ${coldMs.toFixed(1)} ms)`);
console.log(`  warm lookup: ${((warmMs * 1e6) / (years.length * 100)).toFixed(0)} ns per year`);
console.log(`  new WorkingCalendar (validates settings): ${constructMs.toFixed(2)} ms`);
console.log(`  first deadline on a fresh calendar (builds its year): ${firstCallMs.toFixed(2)} ms`);
if (sink === -1) console.log("");
