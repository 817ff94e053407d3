// Pieces the feedback pages share: tags, text in paragraphs, the rating form, the history, figures.

import type { VNode } from "preact";
import { ITEM_POINTS, OVERALL_LEVELS, RATING_ITEMS } from "../../domain/feedback/rating";
import type { FeedbackStatus } from "../../domain/feedback/workflow";
import type { PageCtx } from "../../web/context";
import { formatDateTime } from "../../web/i18n";
import { describeActor, type People } from "../accounts/people";
import type { FeedbackEvent } from "./service";

export function FeedbackStatusTag({ ctx, status }: { ctx: PageCtx; status: FeedbackStatus }): VNode {
  const tone = status === "published" || status === "answered" || status === "closed" ? "ok" : status === "rejected" || status === "transferred" ? "" : "warn";
  return <span class={`tag ${tone}`}>{ctx.t(`feedback.status.${status}`)}</span>;
}

export function OverdueTag({ ctx, overdue }: { ctx: PageCtx; overdue: boolean }): VNode | null {
  return overdue ? <span class="tag bad">{ctx.t("feedback.overdue")}</span> : null;
}

/** Plain text as paragraphs: blank lines separate them, single line breaks stay. */
export function Paragraphs({ text }: { text: string }): VNode {
  return (
    <div class="fb-text">
      {text
        .split(/\n{2,}/)
        .filter((p) => p.trim())
        .map((p, i) => (
          <p key={`${i}`}>
            {p.split("\n").map((line, j) => (
              <span key={`${j}`}>
                {j > 0 ? <br /> : null}
                {line}
              </span>
            ))}
          </p>
        ))}
    </div>
  );
}

/** "82,5 %" in Vietnamese, "82.5%" in English; "—" without a figure. */
export function share(ctx: PageCtx, v: number | null): string {
  if (v === null) return "—";
  return new Intl.NumberFormat(ctx.lang === "vi" ? "vi-VN" : "en-GB", { style: "percent", maximumFractionDigits: 1 }).format(v);
}

/** "1,75" — an average of points, two decimals at most. */
export function points(ctx: PageCtx, v: number | null): string {
  if (v === null) return "—";
  return new Intl.NumberFormat(ctx.lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 2 }).format(v);
}

export type RatingValues = { overall?: string; comment?: string } & Record<`item${number}`, string | undefined>;

/**
 * The evaluation form: the overall level and the 9 items, each a group of three choices (0, 1, 2
 * points) with the words the form gives them; a comment. Plain radio buttons: works without
 * JavaScript, on a phone and on the desk's tablet alike.
 */
export function RatingFields({ ctx, values, errors, large }: { ctx: PageCtx; values: RatingValues; errors: Record<string, string>; large?: boolean }): VNode {
  const t = ctx.t;
  return (
    <div class={`rating-form${large ? " rating-large" : ""}`}>
      <fieldset class={`field rating-overall${errors.overall ? " has-error" : ""}`} id="f-overall">
        <legend>{t("feedback.rating.overall")}</legend>
        {errors.overall ? <p class="error">{errors.overall}</p> : null}
        {OVERALL_LEVELS.map((level) => (
          <label key={level} class="choice">
            <input type="radio" name="overall" value={level} checked={values.overall === level} required /> {t(`feedback.rating.level.${level}`)}
          </label>
        ))}
      </fieldset>
      <h2>{t("feedback.rating.items")}</h2>
      <p class="hint">{t("feedback.rating.itemsHint")}</p>
      <ol class="rating-items">
        {RATING_ITEMS.map((item, i) => {
          const name = `item${i + 1}` as const;
          const error = errors[name] ?? errors[`items.${i + 1}`];
          return (
            <li key={item}>
              <fieldset class={`field${error ? " has-error" : ""}`} id={`f-${name}`}>
                <legend>{t(`feedback.item.${item}`)}</legend>
                {error ? <p class="error">{error}</p> : null}
                {ITEM_POINTS.map((p) => (
                  <label key={p} class="choice">
                    <input type="radio" name={name} value={String(p)} checked={values[name] === String(p)} required /> {t(`feedback.item.${item}.${p}`)}{" "}
                    <small class="muted">({t("feedback.rating.points", { n: p })})</small>
                  </label>
                ))}
              </fieldset>
            </li>
          );
        })}
      </ol>
      <div class={`field${errors.comment ? " has-error" : ""}`}>
        <label for="f-comment">{t("feedback.rating.comment")}</label>
        <p class="hint" id="f-comment-hint">
          {t("feedback.rating.commentHint")}
        </p>
        {errors.comment ? <p class="error">{errors.comment}</p> : null}
        <textarea id="f-comment" name="comment" rows={3} maxLength={1000} aria-describedby="f-comment-hint">
          {values.comment ?? ""}
        </textarea>
      </div>
    </div>
  );
}

/** A posted rating form as the API's shape (items keyed "1".."9"). */
export function ratingFromForm(values: Record<string, unknown>): { overall: unknown; items: Record<string, unknown>; comment: unknown } {
  const items: Record<string, unknown> = {};
  RATING_ITEMS.forEach((_, i) => {
    const v = values[`item${i + 1}`];
    items[String(i + 1)] = typeof v === "string" && v !== "" ? v : undefined;
  });
  return { overall: values.overall, items, comment: typeof values.comment === "string" ? values.comment : undefined };
}

/** Rating form errors by field name (items.3 → item3). */
export function ratingErrors(details: readonly { path: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of details) {
    const key = /^items\.(\d)$/.exec(d.path) ? `item${d.path.slice(6)}` : d.path === "items" ? "item1" : d.path || "_";
    if (!(key in out)) out[key] = d.message;
  }
  return out;
}

/** Events whose note is meant for the petitioner: what was asked, why refused, where sent. */
const NOTE_FOR_PETITIONER: ReadonlySet<string> = new Set(["request_info", "reject", "transfer", "supply_info"]);

export function eventWords(ctx: PageCtx, action: string): string {
  return ctx.t(action === "submit" ? "feedback.action.submit" : `feedback.action.${action}`);
}

/** The PAKN's history. The petitioner's view shows only what is written for them. */
export function FeedbackHistory(p: { ctx: PageCtx; events: readonly FeedbackEvent[]; people: People; forPetitioner?: boolean }): VNode {
  const { ctx } = p;
  const words = { t: ctx.t, lang: ctx.lang };
  const events = p.forPetitioner ? p.events.filter((e) => e.fromStatus !== e.toStatus || e.action === "submit") : p.events;
  return (
    <ol class="fb-history">
      {events.map((e) => {
        const who = p.forPetitioner
          ? e.actorUserId === null || e.action === "submit" || e.action === "supply_info"
            ? ctx.t("people.petitioner")
            : ctx.t("feedback.history.agency")
          : describeActor({ userId: e.actorUserId, label: e.actorLabel }, p.people, words);
        const showNote = e.note && (!p.forPetitioner || NOTE_FOR_PETITIONER.has(e.action));
        const to = typeof e.data.transferTo === "string" ? e.data.transferTo : undefined;
        return (
          <li key={e.id}>
            {formatDateTime(e.at)} · {eventWords(ctx, e.action)} · {who} → <FeedbackStatusTag ctx={ctx} status={e.toStatus} />
            {to ? ` — ${to}` : ""}
            {showNote ? ` — ${e.note}` : ""}
          </li>
        );
      })}
    </ol>
  );
}
