// What a PAKN is made of when someone sends one, checked: the topic, a subject and the text
// (cleaned with the portal's article sanitiser, so pasted HTML becomes its plain text and nothing
// executable is ever stored), who sends it or that it is anonymous, and a contact for the answer.

import { z } from "zod";
import { htmlToText, looksLikeHtml, sanitizeArticleHtml } from "../communications/sanitize";
import { normalisePhone } from "../dossiers/applicant";
import { cleanSpaces, toNfc } from "../text/fold";

export const FEEDBACK_TOPICS = ["procedure", "dossier", "conduct", "rule", "other"] as const;
export type FeedbackTopic = (typeof FEEDBACK_TOPICS)[number];

export const SUBJECT_LIMITS = { min: 5, max: 200 } as const;
export const CONTENT_LIMITS = { min: 20, max: 5000 } as const;
export const MAX_FEEDBACK_FILES = 5;

/**
 * A PAKN's text as stored and shown: HTML (pasted from a word processor or a web page) through the
 * article sanitiser down to its text; control characters removed; at most one blank line between
 * paragraphs.
 */
export function cleanFeedbackText(input: string): string {
  const nfc = toNfc(input);
  const text = looksLikeHtml(nfc) ? htmlToText(sanitizeArticleHtml(nfc)) : nfc;
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u2028\u2029\ufeff]/g, "")
    .split("\n")
    .map((l) => l.replace(/[ \t\u00a0]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const text = (limits: { min: number; max: number }, key: string) =>
  z
    .string({ error: `msg:feedback.err.${key}` })
    .max(limits.max * 3, { error: `msg:feedback.err.${key}Long` })
    .transform(cleanFeedbackText)
    .pipe(z.string().min(limits.min, { error: `msg:feedback.err.${key}` }).max(limits.max, { error: `msg:feedback.err.${key}Long` }));

const optionalText = (max: number) =>
  z
    .string()
    .max(max * 2)
    .transform((s) => cleanSpaces(toNfc(s)))
    .pipe(z.string().max(max, { error: "msg:feedback.err.tooLong" }))
    .transform((s) => (s ? s : undefined))
    .optional();

const ContactPhone = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    if (s.trim() === "") return undefined;
    const p = normalisePhone(s);
    if (!p) ctx.addIssue({ code: "custom", message: "msg:feedback.err.phone" });
    return p;
  })
  .optional();

const ContactEmail = z
  .string()
  .max(200)
  .transform((s) => s.trim())
  .pipe(z.union([z.literal(""), z.email({ error: "msg:feedback.err.email" })]))
  .transform((s) => (s === "" ? undefined : s.toLowerCase()))
  .optional();

export const FeedbackSubmission = z
  .object({
    topic: z.enum(FEEDBACK_TOPICS, { error: "msg:feedback.err.topic" }),
    subject: text(SUBJECT_LIMITS, "subject"),
    content: text(CONTENT_LIMITS, "content"),
    procedureCode: optionalText(60),
    dossierCode: optionalText(80).transform((s) => s?.replace(/\s+/g, "").toUpperCase()),
    anonymous: z.boolean({ error: "msg:feedback.err.anonymous" }),
    contact: z.object({ fullName: optionalText(200), phone: ContactPhone, email: ContactEmail }).default({}),
    consentToPublish: z.boolean().default(false),
  })
  // Checked even when other fields failed, so that a form comes back with all its messages at once
  // (the values may then be partly unparsed).
  .superRefine(
    (v, ctx) => {
      const contact = (v.contact ?? {}) as { fullName?: unknown; phone?: unknown; email?: unknown };
      const given = (x: unknown) => typeof x === "string" && x.trim() !== "";
      if (v.anonymous === false && !given(contact.fullName)) ctx.addIssue({ code: "custom", path: ["contact", "fullName"], message: "msg:feedback.err.fullName" });
      if (!given(contact.phone) && !given(contact.email)) ctx.addIssue({ code: "custom", path: ["contact", "phone"], message: "msg:feedback.err.contact" });
      if (v.topic === "dossier" && !given(v.dossierCode)) ctx.addIssue({ code: "custom", path: ["dossierCode"], message: "msg:feedback.err.dossierCode" });
    },
    { when: () => true },
  )
  // An anonymous petitioner's name is not kept even if one was typed.
  .transform((v) => (v.anonymous ? { ...v, contact: { ...v.contact, fullName: undefined } } : v));
export type FeedbackSubmission = z.infer<typeof FeedbackSubmission>;

/**
 * What a petitioner types to follow their PAKN with its code: the last 4 digits of the phone they
 * gave, or — when they gave only an e-mail address — that address.
 */
export function contactMatches(stored: { phone: string | null; email: string | null }, typed: string): boolean {
  const t = typed.trim().toLowerCase();
  if (stored.phone) return /^\d{4}$/.test(t) && stored.phone.endsWith(t);
  return !!stored.email && t.length > 3 && stored.email.toLowerCase() === t;
}

/** Codes people can read out and type: no 0/O, no 1/I. */
export const CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/** "PAKN-260312-7KQ4XM": the local receipt date and 6 random characters (32^6 codes a day: not guessable). */
export function formatFeedbackCode(at: Date, random: Uint8Array): string {
  const local = new Date(at.getTime() + 7 * 3_600_000);
  const ymd = `${String(local.getUTCFullYear() % 100).padStart(2, "0")}${String(local.getUTCMonth() + 1).padStart(2, "0")}${String(local.getUTCDate()).padStart(2, "0")}`;
  const tail = [...random.slice(0, 6)].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join("");
  if (tail.length !== 6) throw new Error("six random bytes are needed");
  return `PAKN-${ymd}-${tail}`;
}

export const FEEDBACK_CODE = /^PAKN-\d{6}-[2-9A-HJ-NP-Z]{6}$/;
