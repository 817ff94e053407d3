// What a citizen must bring or upload for a procedure, read from the catalog's document table.
//
// The portal's table mixes real documents with explanations typed as rows ("Trường hợp … thì
// không phải nộp"), documents needed only in some situation ("Văn bản ủy quyền … trong trường hợp
// ủy quyền"), papers that are only shown at the counter (giấy tờ phải xuất trình), the online
// form itself ("Mẫu điện tử tương tác") and the paper declaration used at the counter. A form with
// one file input per row asked birth registration for 33 files. These rules sort each row so that
// the online form asks for each real document once, enforces only what is always required, shows
// explanations as notes, and the desk's checklist separates papers received from papers shown.
// A commune corrects what the rules get wrong with its local document list (LocalTerms).
import { createHash } from "node:crypto";
import { z } from "zod";
import { cleanSpaces, fold } from "../text/fold";
import type { DocumentGroup, RequiredDocument } from "./model";

/** submit: handed in (nộp) or uploaded; present: shown at the counter (xuất trình); form: the online form itself. */
export const REQUIREMENT_KINDS = ["submit", "present", "form"] as const;
export const RequirementKind = z.enum(REQUIREMENT_KINDS);
export type RequirementKind = z.infer<typeof RequirementKind>;

/** required: always; conditional: only in the situation the row or its group names; optional: "(nếu có)". */
export const REQUIREMENT_NEEDS = ["required", "conditional", "optional"] as const;
export const RequirementNeed = z.enum(REQUIREMENT_NEEDS);
export type RequirementNeed = z.infer<typeof RequirementNeed>;

/** Which way of applying the row belongs to: every way, online only, or at the counter / by post only. */
export const REQUIREMENT_CHANNELS = ["any", "online", "offline"] as const;
export const RequirementChannel = z.enum(REQUIREMENT_CHANNELS);
export type RequirementChannel = z.infer<typeof RequirementChannel>;

export const MAX_REQUIREMENT_NAME = 4000;

export const Requirement = z.object({
  /** Stable across versions while the name stays the same; used as the form field key. */
  id: z.string().regex(/^d[0-9a-f]{10}$/),
  name: z.string().trim().min(1).max(MAX_REQUIREMENT_NAME),
  kind: RequirementKind,
  need: RequirementNeed,
  channel: RequirementChannel,
  copies: z.object({ original: z.number().int().min(0).max(99), copy: z.number().int().min(0).max(99) }),
  templates: z.array(z.object({ fileName: z.string().min(1).max(500) })).max(20),
});
export type Requirement = z.infer<typeof Requirement>;

export const RequirementGroup = z.object({
  /** The heading the catalog gives ("Giấy tờ phải nộp", "Trường hợp ủy quyền…"), or null. */
  title: z.string().max(MAX_REQUIREMENT_NAME).nullable(),
  items: z.array(Requirement).max(100),
});
export type RequirementGroup = z.infer<typeof RequirementGroup>;

export const DocumentRequirements = z.object({
  groups: z.array(RequirementGroup).max(30),
  notes: z.array(z.string().max(MAX_REQUIREMENT_NAME)).max(100),
});
export type DocumentRequirements = z.infer<typeof DocumentRequirements>;

const BULLET = /^[\s\-+*•–·]+/u;

/** How two spellings of a document's name are compared: case, spacing, tones and a leading bullet do not count. */
export function documentKey(name: string): string {
  return fold(cleanSpaces(name).replace(BULLET, ""));
}

export function requirementId(name: string): string {
  return `d${createHash("sha256").update(documentKey(name)).digest("hex").slice(0, 10)}`;
}

/** Folded, single-spaced, without a leading bullet: what the patterns below are written against. */
function key(text: string): string {
  return fold(cleanSpaces(text).replace(BULLET, "")).replace(/\s+/g, " ");
}

const NOTE_GROUP = /^(luu y|ghi chu|chu y)\b/;
const PRESENT_GROUP = /xuat trinh/;
const ONLINE_GROUP = /(tren moi truong dien tu|gui ho so truc tuyen|nop ho so truc tuyen)/;
const OFFLINE_GROUP = /(khong duoc gui tren moi truong dien tu|khong gui tren moi truong dien tu|nop ho so truc tiep|qua (he thong )?buu chinh)/;
const CASE_TITLE = /^(\(?[a-z0-9]{1,4}(\.[0-9]+)?[).]\s*)?(truong hop|doi voi|neu|rieng)\b/;

const NOTE_ROW = /^(luu y|ghi chu|chu y|vi du)\b/;
const FORM_ROW = /^mau (ho tich )?dien tu tuong tac/;
const ONLINE_ROW = /(theo hinh thuc truc tuyen|nop ho so truc tuyen|tren moi truong dien tu)/;
const OFFLINE_ROW = /(theo hinh thuc truc tiep|nop ho so truc tiep|khi lam thu tuc truc tiep|qua (he thong )?buu chinh)/;
const OPTIONAL_ROW = /\(\s*neu co\b/;
const CONDITIONAL_START = /^(truong hop|doi voi|neu|rieng|khi)\b/;
const CONDITIONAL_INSIDE = /(trong truong hop|doi voi truong hop|truong hop uy quyen|neu co yeu cau|neu nguoi (co )?yeu cau)/;

type GroupRole = "common" | "case" | "present" | "notes" | "online" | "offline";

function groupRole(title: string | null): GroupRole {
  if (title === null) return "common";
  const k = key(title);
  if (NOTE_GROUP.test(k)) return "notes";
  if (OFFLINE_GROUP.test(k)) return "offline";
  if (ONLINE_GROUP.test(k)) return "online";
  if (PRESENT_GROUP.test(k) && !/phai nop|gui ban/.test(k)) return "present";
  if (CASE_TITLE.test(k)) return "case";
  return /^(giay to phai nop|thanh phan ho so|ho so gom|\d+\. chung tu phai nop)/.test(k) || /\bgom\s*:?$/.test(k) ? "common" : "case";
}

function rowChannel(k: string, role: GroupRole, kind: RequirementKind): RequirementChannel {
  if (kind === "form" || role === "online") return "online";
  if (role === "offline") return "offline";
  if (OFFLINE_ROW.test(k)) return "offline";
  if (ONLINE_ROW.test(k)) return "online";
  return "any";
}

// "(nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp)" names the channel, which
// rowChannel has already read; it does not make the document situational.
const CHANNEL_CLAUSE = /\([^()]*(theo hinh thuc truc (tiep|tuyen)|qua (he thong )?buu chinh|tren cong dich vu cong)[^()]*\)/g;

function rowNeed(rowKey: string, groupIsCase: boolean): RequirementNeed {
  const k = rowKey.replace(CHANNEL_CLAUSE, " ");
  if (OPTIONAL_ROW.test(k)) return "optional";
  if (groupIsCase || CONDITIONAL_START.test(k) || CONDITIONAL_INSIDE.test(k)) return "conditional";
  return "required";
}

function toRequirement(d: RequiredDocument, role: GroupRole, groupIsCase: boolean): Requirement {
  const name = cleanSpaces(d.name).replace(BULLET, "");
  const k = key(name);
  const kind: RequirementKind = FORM_ROW.test(k) ? "form" : role === "present" ? "present" : "submit";
  return {
    id: requirementId(name),
    name,
    kind,
    need: rowNeed(k, groupIsCase),
    channel: rowChannel(k, role, kind),
    copies: { original: Math.min(d.copies.original, 99), copy: Math.min(d.copies.copy, 99) },
    templates: d.templates.slice(0, 20),
  };
}

/**
 * The catalog's document table as requirements: explanations (rows with no copies, "Lưu ý"
 * groups) become notes; each remaining row is a requirement once (the same paper listed twice
 * is asked once, under its first group).
 */
export function requirementsFromCatalog(documents: readonly DocumentGroup[]): DocumentRequirements {
  const roles = documents.map((g) => groupRole(g.case));
  // A single situational heading with nothing beside it ("Người yêu cầu … nộp 01 bộ hồ sơ, gồm")
  // describes the whole dossier, not a case.
  const realGroups = roles.filter((r) => r !== "notes");
  const onlyGroupIsCase = realGroups.length === 1 && realGroups[0] === "case" && !CASE_TITLE.test(key(documents[roles.indexOf("case")]!.case ?? ""));
  const notes: string[] = [];
  const groups: RequirementGroup[] = [];
  const seen = new Set<string>();
  documents.forEach((g, i) => {
    const role = roles[i]!;
    if (g.note) notes.push(...g.note.split("\n").map((n) => cleanSpaces(n).replace(BULLET, "")).filter(Boolean));
    const items: Requirement[] = [];
    for (const d of g.items) {
      const name = cleanSpaces(d.name).replace(BULLET, "");
      if (name === "") continue;
      if (role === "notes" || (d.copies.original === 0 && d.copies.copy === 0) || NOTE_ROW.test(key(name))) {
        notes.push(name);
        continue;
      }
      const r = toRequirement(d, role, role === "case" && !onlyGroupIsCase);
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      items.push(r);
    }
    if (items.length > 0) groups.push({ title: g.case === null ? null : cleanSpaces(g.case), items });
  });
  return { groups, notes: [...new Set(notes)] };
}

export type ApplyChannel = "online" | "counter";

function belongs(r: Requirement, channel: ApplyChannel): boolean {
  return r.channel === "any" || (channel === "online" ? r.channel === "online" : r.channel === "offline");
}

export type FormInput = Requirement & { groupTitle: string | null };

/**
 * The online form's file inputs: one per document that can be uploaded (the online form itself
 * replaces "form" rows; papers to show may be uploaded but are never demanded online, where the
 * identity comes from the national population database — Nghị định 104/2022/NĐ-CP).
 */
export function onlineInputs(reqs: DocumentRequirements): FormInput[] {
  const out: FormInput[] = [];
  for (const g of reqs.groups) for (const r of g.items) if (r.kind !== "form" && belongs(r, "online")) out.push({ ...r, groupTitle: g.title });
  return out;
}

/** The desk's checklist at the counter: papers received and papers shown. */
export function counterChecklist(reqs: DocumentRequirements): FormInput[] {
  const out: FormInput[] = [];
  for (const g of reqs.groups) for (const r of g.items) if (r.kind !== "form" && belongs(r, "counter")) out.push({ ...r, groupTitle: g.title });
  return out;
}

/** Whether the channel refuses a dossier without this document. */
export function isMandatory(r: Requirement, channel: ApplyChannel): boolean {
  if (r.need !== "required" || r.kind === "form" || !belongs(r, channel)) return false;
  return channel === "counter" || r.kind === "submit";
}

/** The mandatory documents of a channel that `present` (names or ids) does not cover. */
export function missingMandatory(reqs: DocumentRequirements, channel: ApplyChannel, present: Iterable<string>): Requirement[] {
  const have = new Set<string>();
  for (const p of present) {
    have.add(p);
    have.add(requirementId(p));
  }
  // `present` may hold ids as well as names: an id is its own key.
  const list = channel === "online" ? onlineInputs(reqs) : counterChecklist(reqs);
  return list.filter((r) => isMandatory(r, channel) && !have.has(r.id));
}

/** How many files one document input may carry (a scan of several pages, front and back…). */
export const FILES_PER_DOCUMENT = 5;
