import { z } from "zod";
import { cleanSpaces, toNfc } from "../text/fold";

// Inputs from forms and the API. Empty form fields arrive as "" and mean "not given".
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const text = (max: number) => z.string().max(max, "msg:communications.err.tooLong").transform(cleanSpaces);
const requiredText = (max: number) =>
  z.string({ error: "msg:communications.err.required" }).transform(cleanSpaces).pipe(z.string().min(1, "msg:communications.err.required").max(max, "msg:communications.err.tooLong"));
const optionalText = (max: number) => z.preprocess(blankToUndefined, text(max).optional());
export const IsoDate = z
  .string({ error: "msg:communications.err.date" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "msg:communications.err.date")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "msg:communications.err.date");
const optionalDate = z.preprocess(blankToUndefined, IsoDate.optional());
const intFrom = (min: number, max: number) => z.coerce.number({ error: "msg:communications.err.number" }).int("msg:communications.err.number").min(min, "msg:communications.err.number").max(max, "msg:communications.err.number");

export const ItemKind = z.enum(["news", "article"]);
export type ItemKind = z.infer<typeof ItemKind>;

export const ItemInput = z.object({
  kind: ItemKind.default("news"),
  columnId: intFrom(1, 2_000_000_000),
  title: requiredText(300),
  summary: optionalText(1000),
  body: z.string().max(200_000, "msg:communications.err.tooLong").transform(toNfc).default(""),
  tags: z
    .preprocess((v) => (typeof v === "string" ? v.split(",") : v), z.array(z.string()).max(20))
    .transform((a) => [...new Set(a.map(cleanSpaces).filter((s) => s.length > 0 && s.length <= 60))])
    .default([]),
});
export type ItemInput = z.infer<typeof ItemInput>;

/** A local date-time from a form ("YYYY-MM-DDTHH:MM", Asia/Ho_Chi_Minh) or an ISO instant. */
export const PublishAt = z
  .string({ error: "msg:communications.err.dateTime" })
  .transform((s, ctx) => {
    const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(s) ? `${s}:00+07:00` : s;
    const d = new Date(local);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: "msg:communications.err.dateTime" });
      return z.NEVER;
    }
    return d;
  });

export const ItemActionInput = z.object({
  action: z.enum(["submit", "withdraw", "send_back", "publish", "schedule", "unschedule", "unpublish", "reopen"], { error: "msg:communications.err.action" }),
  note: optionalText(1000),
  publishAt: z.preprocess(blankToUndefined, PublishAt.optional()),
});
export type ItemActionInput = z.infer<typeof ItemActionInput>;

export const Period = z
  .object({ from: IsoDate, to: IsoDate })
  .refine((p) => p.from <= p.to, { message: "msg:communications.err.reversed", path: ["to"] });
export type Period = z.infer<typeof Period>;

export const SummaryQuery = z
  .object({ agency: z.string().min(1).max(40), from: IsoDate, to: IsoDate })
  .refine((p) => p.from <= p.to, { message: "msg:communications.err.reversed", path: ["to"] });

export const SlotInput = z.object({
  date: IsoDate,
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "msg:communications.err.time"),
  durationMinutes: intFrom(1, 240),
  topic: requiredText(300),
  itemId: z.preprocess(blankToUndefined, intFrom(1, 2_000_000_000).optional()),
  bulletinId: z.preprocess(blankToUndefined, intFrom(1, 2_000_000_000).optional()),
  note: optionalText(1000),
});
export type SlotInput = z.infer<typeof SlotInput>;

export const BulletinInput = z.object({
  title: requiredText(300),
  text: z.string().transform((s) => toNfc(s).trim()).pipe(z.string().min(1, "msg:communications.err.required").max(20_000, "msg:communications.err.tooLong")),
  itemId: z.preprocess(blankToUndefined, intFrom(1, 2_000_000_000).optional()),
});
export type BulletinInput = z.infer<typeof BulletinInput>;

export const SIGNAGE_KINDS = ["panel", "poster", "slogan", "banner"] as const;
export type SignageKind = (typeof SIGNAGE_KINDS)[number];
export const SignageInput = z
  .object({
    kind: z.enum(SIGNAGE_KINDS, { error: "msg:communications.err.kind" }),
    title: requiredText(300),
    text: optionalText(2000),
    place: requiredText(200),
    lat: z.preprocess(blankToUndefined, z.coerce.number().min(-90).max(90).optional()),
    lng: z.preprocess(blankToUndefined, z.coerce.number().min(-180).max(180).optional()),
    size: optionalText(60),
    quantity: z.preprocess(blankToUndefined, intFrom(1, 10_000).default(1)),
    installedOn: IsoDate,
    removedOn: optionalDate,
  })
  .refine((s) => !s.removedOn || s.removedOn >= s.installedOn, { message: "msg:communications.err.removedBeforeInstalled", path: ["removedOn"] })
  .refine((s) => (s.lat === undefined) === (s.lng === undefined), { message: "msg:communications.err.coordinates", path: ["lng"] });
export type SignageInput = z.infer<typeof SignageInput>;

export const SignageCheckInput = z.object({
  checkedOn: IsoDate,
  condition: z.enum(["good", "worn", "damaged", "missing"], { error: "msg:communications.err.condition" }),
  note: optionalText(1000),
});
export type SignageCheckInput = z.infer<typeof SignageCheckInput>;

export const AUDIENCES = ["officials", "citizens", "businesses", "mixed"] as const;
export const ConferenceInput = z.object({
  kind: z.enum(["conference", "briefing"], { error: "msg:communications.err.kind" }),
  date: IsoDate,
  topic: requiredText(300),
  organiser: requiredText(200),
  audience: z.enum(AUDIENCES, { error: "msg:communications.err.audience" }),
  attendees: intFrom(0, 100_000),
  minutes: z.preprocess(blankToUndefined, text(50_000).optional()),
});
export type ConferenceInput = z.infer<typeof ConferenceInput>;
