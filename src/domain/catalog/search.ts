// In-memory procedure search for type-ahead at the desk and the citizen's search box.
// BM25 over folded title words, with: exact-diacritic bonus ("Đặng" above "Đăng"), typo
// tolerance by a deletion index (SymSpell-style: one edit on words of 4+ letters, two on 8+),
// Telex leftovers ("kys", "ddang"), run-together words ("khaisinh"), prefix match on the last
// word (type-ahead), everyday synonyms, stopwords, and codes with or without dots.
// Everything costly is precomputed in createSearchIndex; a query touches only posting lists.
import { fold, toNfc } from "../text/fold";
import { STOPWORDS_VI } from "./stopwords";
import { ABBREVIATIONS, SYNONYMS } from "./synonyms";

export type SearchableProcedure = { code: string; name: string; field: string };

type Postings = { docs: number[]; tfs: number[] };

export type SearchIndex = {
  readonly docs: readonly { code: string; codeKey: string; foldedName: string; foldedField: string }[];
  readonly postings: ReadonlyMap<string, Postings>;
  readonly fieldPostings: ReadonlyMap<string, Postings>;
  readonly bigrams: ReadonlyMap<string, number[]>;
  readonly exact: readonly ReadonlySet<string>[];
  readonly docLength: Float64Array;
  readonly averageLength: number;
  readonly idf: ReadonlyMap<string, number>;
  readonly deletions: ReadonlyMap<string, string[]>;
  readonly sortedTerms: readonly string[];
};

export type SearchOptions = { limit?: number; field?: string; allowedCodes?: ReadonlySet<string> };
export type SearchHit = { code: string; score: number };
export type SearchResult = { total: number; items: SearchHit[] };

/** Longer input is typing gone wrong or an attack; no title needs more. */
export const MAX_QUERY_LENGTH = 200;

// Titles seldom repeat a word for emphasis: saturate term frequency early.
const K1 = 0.6;
// Titles range from 2 to 120 words; full length normalisation buries the long official ones.
const B = 0.5;
const FIELD_WEIGHT = 0.3;
const FUZZY_WEIGHT = 0.7;
const PREFIX_WEIGHT = 0.8;
// "Đặng" typed with its marks: a title with "Đặng" beats one with "Đăng"; typed bare, both tie.
const EXACT_BONUS = 1.25;
const FOLDED_ONLY = 0.6;
const BIGRAM_WEIGHT = 1.0;
// What a synonym means is what the person asked for; the words around it are mostly filler.
const SYNONYM_BOOST = 2;

function words(text: string): string[] {
  return toNfc(text)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "")
    .map((w) => (/^0+\d/.test(w) ? w.replace(/^0+/, "") : w)); // "09 số" = "9 số"
}

const codeKey = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Title words plus the expansion of abbreviations ("BHXH" → "bảo hiểm xã hội"). */
function titleWords(text: string): string[] {
  const out: string[] = [];
  const ws = words(text);
  // Half the hộ tịch titles start with "Thủ tục"; it says nothing and would lengthen them.
  if (ws[0] === "thủ" && ws[1] === "tục") ws.splice(0, 2);
  for (const w of ws) {
    out.push(w);
    const expansion = (ABBREVIATIONS as Record<string, string>)[w];
    if (expansion) out.push(...words(expansion));
  }
  return out;
}

function deletionsOf(term: string, depth: number, into: Set<string>): void {
  if (depth === 0) return;
  for (let i = 0; i < term.length; i++) {
    const d = term.slice(0, i) + term.slice(i + 1);
    if (!into.has(d)) {
      into.add(d);
      deletionsOf(d, depth - 1, into);
    }
  }
}

const maxEdits = (length: number) => (length >= 8 ? 2 : length >= 4 ? 1 : 0);

function addPosting(map: Map<string, Postings>, term: string, doc: number): void {
  let p = map.get(term);
  if (!p) {
    p = { docs: [], tfs: [] };
    map.set(term, p);
  }
  const last = p.docs.length - 1;
  if (last >= 0 && p.docs[last] === doc) p.tfs[last]! += 1;
  else {
    p.docs.push(doc);
    p.tfs.push(1);
  }
}

export function createSearchIndex(procedures: readonly SearchableProcedure[]): SearchIndex {
  const postings = new Map<string, Postings>();
  const fieldPostings = new Map<string, Postings>();
  const bigramSets = new Map<string, Set<number>>();
  const exact: Set<string>[] = [];
  const docLength = new Float64Array(procedures.length);
  const docs = procedures.map((p, doc) => {
    const ws = titleWords(p.name);
    const folded = ws.map(fold);
    exact.push(new Set(ws));
    docLength[doc] = folded.length;
    folded.forEach((f, i) => {
      addPosting(postings, f, doc);
      if (i > 0) {
        const key = `${folded[i - 1]} ${f}`;
        const set = bigramSets.get(key) ?? new Set<number>();
        bigramSets.set(key, set);
        set.add(doc);
      }
    });
    for (const f of new Set(words(p.field).map(fold))) addPosting(fieldPostings, f, doc);
    return { code: p.code, codeKey: codeKey(p.code), foldedName: folded.join(" "), foldedField: fold(p.field).trim() };
  });
  const n = Math.max(procedures.length, 1);
  const idf = new Map<string, number>();
  for (const [term, p] of postings) idf.set(term, Math.log(1 + (n - p.docs.length + 0.5) / (p.docs.length + 0.5)));
  const deletions = new Map<string, string[]>();
  for (const term of postings.keys()) {
    const edits = maxEdits(term.length);
    if (edits === 0) continue;
    const set = new Set<string>();
    deletionsOf(term, edits, set);
    for (const d of set) {
      const list = deletions.get(d);
      if (list) list.push(term);
      else deletions.set(d, [term]);
    }
  }
  const bigrams = new Map<string, number[]>();
  for (const [k, set] of bigramSets) bigrams.set(k, [...set]);
  let total = 0;
  for (const l of docLength) total += l;
  return {
    docs,
    postings,
    fieldPostings,
    bigrams,
    exact,
    docLength,
    averageLength: total / n || 1,
    idf,
    deletions,
    sortedTerms: [...postings.keys()].sort(),
  };
}

// ---------------------------------------------------------------------------------------------
// Query analysis

type QueryWord = { exact: string; folded: string; boost?: number };

const STOP_SINGLE = new Set(STOPWORDS_VI.filter((w) => !w.includes(" ")));
const STOP_SINGLE_FOLDED = new Set([...STOP_SINGLE].map(fold));
const STOP_PAIRS = new Set(STOPWORDS_VI.filter((w) => w.split(" ").length === 2));

type CompiledSynonym = { phrase: string[]; means: QueryWord[] };
const COMPILED_SYNONYMS: CompiledSynonym[] = SYNONYMS.flatMap((s) => {
  const means = words(s.means).map((w) => ({ exact: w, folded: fold(w), boost: SYNONYM_BOOST }));
  const meansSet = new Set(means.map((m) => m.folded));
  return s.phrases
    .map((p) => words(p).map(fold))
    // A short phrase already in the catalog's wording ("tạm trú") must not turn "gia hạn tạm
    // trú" into "gia hạn đăng ký tạm trú"; longer ones are whole requests and may be completed.
    .filter((phrase) => phrase.length > 2 || !phrase.every((w) => meansSet.has(w)))
    .map((phrase) => ({ phrase, means }));
}).sort((a, b) => b.phrase.length - a.phrase.length);

const levenshteinWithin = (a: string, b: string, max: number): boolean => {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      // Adjacent swap ("dnag") counts as one edit.
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (prev[j - 2] ?? v) + 1);
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return false;
    prev = cur;
  }
  return prev[b.length]! <= max;
};

/** Telex typed without an IME: "kys" → "ky", "ddang" → "dang", "vieejt" → "viet". */
function telexVariants(w: string): string[] {
  const out: string[] = [];
  let t = w.replace(/dd/g, "d").replace(/([aeo])\1/g, "$1").replace(/([aou])w/g, "$1");
  if (t !== w) out.push(t);
  const m = /^(.*[aeiouy].*?)[sfrxj]$/.exec(t);
  if (m) out.push(m[1]!);
  t = t.replace(/[sfrxj](?=[^aeiouy]*$)/, "");
  if (t !== w && !out.includes(t)) out.push(t);
  // Old and new spellings: "kí"/"ký", "lí"/"lý".
  if (/[^aeiouy]i$/.test(w)) out.push(`${w.slice(0, -1)}y`);
  else if (/[^aeiouy]y$/.test(w)) out.push(`${w.slice(0, -1)}i`);
  return out;
}

/** "khaisinh" → ["khai", "sinh"] when the pieces are all catalog words. */
function splitJoined(w: string, index: SearchIndex): string[] | null {
  if (w.length < 5 || w.length > 40) return null;
  const found: string[][] = [];
  const walk = (from: number, acc: string[]) => {
    if (found.length >= 64 || acc.length > 5) return;
    if (from === w.length) {
      if (acc.length >= 2) found.push(acc);
      return;
    }
    for (let end = Math.min(w.length, from + 7); end >= from + 2; end--) {
      const piece = w.slice(from, end);
      if (index.postings.has(piece)) walk(end, [...acc, piece]);
    }
  };
  walk(0, []);
  if (found.length === 0) return null;
  // Fewest pieces, then the split whose neighbours occur side by side in titles ("ket hon",
  // not "ke thon").
  const pairs = (parts: string[]) => parts.slice(1).filter((p, i) => index.bigrams.has(`${parts[i]} ${p}`)).length;
  found.sort((a, b) => a.length - b.length || pairs(b) - pairs(a));
  return found[0]!;
}

function analyse(index: SearchIndex, query: string): QueryWord[] {
  const known = (t: string) => index.postings.has(t);
  let ws: QueryWord[] = [];
  for (const raw of words(query)) {
    const folded = fold(raw);
    if (known(folded) || /^\d+$/.test(folded)) {
      ws.push({ exact: raw, folded });
      continue;
    }
    const telex = telexVariants(folded).find(known);
    if (telex) {
      ws.push({ exact: telex, folded: telex });
      continue;
    }
    const parts = splitJoined(folded, index);
    if (parts) ws.push(...parts.map((p) => ({ exact: p, folded: p })));
    else ws.push({ exact: raw, folded });
  }
  // Synonyms: longest phrase first, on folded words.
  const out: QueryWord[] = [];
  for (let i = 0; i < ws.length; ) {
    const hit = COMPILED_SYNONYMS.find((s) => s.phrase.every((p, k) => ws[i + k]?.folded === p));
    if (hit) {
      out.push(...hit.means);
      i += hit.phrase.length;
    } else out.push(ws[i++]!);
  }
  ws = out;
  // Stopwords, unless that would leave nothing to search for.
  const kept = ws.filter((w, i) => {
    if (STOP_SINGLE.has(w.exact)) return false;
    // Typed without diacritics: drop only words that do not occur in any title.
    if (w.exact === w.folded && STOP_SINGLE_FOLDED.has(w.folded) && !known(w.folded)) return false;
    const next = ws[i + 1];
    const prev = ws[i - 1];
    if (next && STOP_PAIRS.has(`${w.exact} ${next.exact}`)) return false;
    if (prev && STOP_PAIRS.has(`${prev.exact} ${w.exact}`)) return false;
    return true;
  });
  const result = kept.length > 0 ? kept : ws;
  const seen = new Set<string>();
  const unique: QueryWord[] = [];
  for (const w of result) {
    if (seen.has(w.folded)) continue;
    seen.add(w.folded);
    unique.push(w);
  }
  // Long queries are sentences; the first words carry the request.
  return unique.slice(0, 24);
}

function candidatesFor(index: SearchIndex, w: QueryWord, isLast: boolean): [string, number][] {
  const out: [string, number][] = [];
  if (index.postings.has(w.folded)) out.push([w.folded, 1]);
  const edits = maxEdits(w.folded.length);
  if (out.length === 0 && w.folded.length === 3) {
    // A 3-letter word may be a 4-letter one with a letter missing ("snh" for "sinh").
    for (const term of index.deletions.get(w.folded) ?? []) if (term.length === 4) out.push([term, FUZZY_WEIGHT]);
  }
  if (out.length === 0 && edits > 0) {
    const variants = new Set<string>([w.folded]);
    deletionsOf(w.folded, edits, variants);
    const found = new Set<string>();
    for (const v of variants) {
      for (const term of index.deletions.get(v) ?? []) {
        if (!found.has(term) && levenshteinWithin(w.folded, term, edits)) found.add(term);
      }
      if (index.postings.has(v) && v.length >= 3 && levenshteinWithin(w.folded, v, edits)) found.add(v);
    }
    for (const t of found) out.push([t, FUZZY_WEIGHT]);
  }
  // Type-ahead: the word being typed may be unfinished ("khai si").
  if (isLast && w.folded.length >= 2) {
    const terms = index.sortedTerms;
    let lo = 0;
    let hi = terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (terms[mid]! < w.folded) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo, n = 0; i < terms.length && n < 30 && terms[i]!.startsWith(w.folded); i++, n++) {
      if (terms[i] !== w.folded) out.push([terms[i]!, PREFIX_WEIGHT]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function searchByCode(index: SearchIndex, query: string): SearchHit[] | null {
  const compact = query.replace(/\s+/g, "");
  if (!/^\d[\d.]*(?:\.?[a-z]\w*)?$/i.test(compact)) return null;
  const key = codeKey(compact);
  if (key.replace(/\D/g, "").length < 4) return null;
  const hits: SearchHit[] = [];
  index.docs.forEach((d) => {
    if (d.codeKey === key) hits.push({ code: d.code, score: 1000 });
    else if (d.codeKey.startsWith(key)) hits.push({ code: d.code, score: 500 - (d.codeKey.length - key.length) });
  });
  return hits.length ? hits : null;
}

/** Never throws: any input gives a (possibly empty) result. */
export function search(index: SearchIndex, query: unknown, options: SearchOptions = {}): SearchResult {
  const limit = Math.max(0, Math.min(options.limit ?? 10, 100));
  if (typeof query !== "string") return { total: 0, items: [] };
  const q = toNfc(query.slice(0, MAX_QUERY_LENGTH)).trim();
  if (q === "") return { total: 0, items: [] };
  const fieldFilter = options.field === undefined ? undefined : fold(options.field).trim();
  const allowed = (doc: number) => {
    const d = index.docs[doc]!;
    if (fieldFilter !== undefined && d.foldedField !== fieldFilter) return false;
    return options.allowedCodes === undefined || options.allowedCodes.has(d.code);
  };

  const byCode = searchByCode(index, q);
  if (byCode) {
    const codeToDoc = new Map(index.docs.map((d, i) => [d.code, i]));
    const hits = byCode.filter((h) => allowed(codeToDoc.get(h.code)!)).sort((a, b) => b.score - a.score || (a.code < b.code ? -1 : 1));
    return { total: hits.length, items: hits.slice(0, limit) };
  }

  const qws = analyse(index, q);
  const n = index.docs.length;
  const score = new Float64Array(n);
  const matched = new Float64Array(n);
  const touched: number[] = [];
  let totalWeight = 0;
  const tokenScore = new Float64Array(n);
  // How well the word matched in each title: 1 exact, less for typo, prefix or folded-only.
  const tokenQuality = new Float64Array(n);
  const tokenTouched: number[] = [];
  const wordIdf: number[] = [];

  qws.forEach((w, wi) => {
    const candidates = candidatesFor(index, w, wi === qws.length - 1);
    const boost = w.boost ?? 1;
    let weight = 0;
    for (const [term, termWeight] of candidates) {
      const cw = termWeight * boost;
      const idf = index.idf.get(term) ?? 0;
      weight = Math.max(weight, idf * cw);
      const p = index.postings.get(term)!;
      for (let k = 0; k < p.docs.length; k++) {
        const doc = p.docs[k]!;
        const tf = p.tfs[k]!;
        let s = (cw * idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * index.docLength[doc]!) / index.averageLength));
        let quality = termWeight;
        if (w.exact !== w.folded && termWeight === 1) {
          const exact = index.exact[doc]!.has(w.exact);
          s *= exact ? EXACT_BONUS : FOLDED_ONLY;
          quality = exact ? 1 : FOLDED_ONLY;
        }
        if (tokenScore[doc] === 0) tokenTouched.push(doc);
        if (s > tokenScore[doc]!) tokenScore[doc] = s;
        if (quality > tokenQuality[doc]!) tokenQuality[doc] = quality;
      }
    }
    // The field name helps ("hộ tịch kết hôn") but never outweighs the title.
    const fp = index.fieldPostings.get(w.folded);
    if (fp) {
      const fidf = Math.log(1 + (n - fp.docs.length + 0.5) / (fp.docs.length + 0.5));
      weight = Math.max(weight, fidf * FIELD_WEIGHT);
      for (const doc of fp.docs) {
        const s = fidf * FIELD_WEIGHT;
        if (tokenScore[doc] === 0) tokenTouched.push(doc);
        if (s > tokenScore[doc]!) tokenScore[doc] = s;
        if (FIELD_WEIGHT > tokenQuality[doc]!) tokenQuality[doc] = FIELD_WEIGHT;
      }
    }
    wordIdf.push(weight);
    if (weight === 0) return; // a word no title knows is noise, not a requirement
    totalWeight += weight;
    for (const doc of tokenTouched) {
      if (score[doc] === 0 && matched[doc] === 0) touched.push(doc);
      score[doc]! += tokenScore[doc]!;
      matched[doc]! += weight * tokenQuality[doc]!;
      tokenScore[doc] = 0;
      tokenQuality[doc] = 0;
    }
    tokenTouched.length = 0;
  });

  // Words in the query's order, side by side in the title.
  for (let i = 1; i < qws.length; i++) {
    const docs = index.bigrams.get(`${qws[i - 1]!.folded} ${qws[i]!.folded}`);
    if (!docs) continue;
    const bonus = (BIGRAM_WEIGHT * (wordIdf[i - 1]! + wordIdf[i]!)) / 2;
    for (const doc of docs) if (score[doc]! > 0) score[doc]! += bonus;
  }

  const phrase = qws.map((w) => w.folded).join(" ");
  const hits: SearchHit[] = [];
  for (const doc of touched) {
    if (!allowed(doc)) continue;
    const coverage = totalWeight > 0 ? matched[doc]! / totalWeight : 0;
    let s = score[doc]! * coverage * coverage;
    const name = index.docs[doc]!.foldedName;
    // The whole title inside the query ("đăng ký thường trú cho con"), or the whole query
    // inside the title: the person named this procedure.
    if (phrase.includes(name)) s *= 1.5;
    else if (name.includes(phrase)) s *= 1.3;
    if (s > 0) hits.push({ code: index.docs[doc]!.code, score: Math.round(s * 1000) / 1000 });
  }
  hits.sort((a, b) => b.score - a.score || (a.code < b.code ? -1 : 1));
  return { total: hits.length, items: hits.slice(0, limit) };
}
