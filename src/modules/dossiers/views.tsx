// Pieces of the dossier pages that the desk's and the citizen's pages share.

import type { FastifyRequest } from "fastify";
import { CREATION, isDossierAction } from "../../domain/dossiers/state-machine";
import type { PageCtx } from "../../web/context";
import { asHttpError, HttpError } from "../../web/http";
import { formatDateTime } from "../../web/i18n";
import { describeActor, type People } from "../accounts/people";
import type { Dossier, DossierEvent } from "./types";

export function StatusTag({ ctx, status }: { ctx: PageCtx; status: string }) {
  return <span class={`tag st-${status}`}>{ctx.t(`dossier.status.${status}`)}</span>;
}

/** How a dossier stands against its deadline (on time, due soon, overdue). */
export function TimeTag({ ctx, value }: { ctx: PageCtx; value: string }) {
  const tone = value === "overdue" ? "bad" : value === "due_soon" ? "warn" : "";
  return <span class={`tag ${tone}`}>{ctx.t(`dossier.time.${value}`)}</span>;
}

/** The required documents and whether each was received. */
export function DocumentChecklist({ ctx, documents }: { ctx: PageCtx; documents: Dossier["documents"] }) {
  const t = ctx.t;
  return (
    <ul>
      {documents.map((doc, i) => (
        <li key={`${i}`}>
          {doc.name} — {doc.received ? t("dossier.detail.receivedMark") : t("dossier.detail.missingMark")}
        </li>
      ))}
    </ul>
  );
}

/** An event's action in words; rows of other origins (the demo's generated history) read as a status update. */
export function eventActionWords(t: PageCtx["t"], action: string): string {
  return isDossierAction(action) || Object.hasOwn(CREATION, action) ? t(`dossier.action.${action}`) : t("dossier.my.history.other");
}

/**
 * The dossier's history, one line per event: when, what, who (in words: a name and title, the
 * applicant, "theo phân công lĩnh vực" — never a stored label) and the status it led to.
 * `you` marks the viewer's own steps; `showNote` says which notes this reader may see.
 */
export function EventHistory(p: { ctx: PageCtx; events: readonly DossierEvent[]; people: People; you?: number | undefined; showNote?: (e: DossierEvent) => boolean }) {
  const { ctx } = p;
  const words = { t: ctx.t, lang: ctx.lang };
  return (
    <ol>
      {p.events.map((e) => (
        <li key={e.id}>
          {formatDateTime(e.at)} · {eventActionWords(ctx.t, e.action)} ·{" "}
          {p.you !== undefined && e.actorUserId === p.you ? ctx.t("dossier.my.history.you") : describeActor({ userId: e.actorUserId, label: e.actorLabel }, p.people, words)} →{" "}
          <StatusTag ctx={ctx} status={e.toStatus} />
          {e.note && (p.showNote?.(e) ?? true) ? ` — ${e.note}` : ""}
        </li>
      ))}
    </ol>
  );
}

/**
 * An HttpError, or a DomainError as one, with its catalog-key variables (action, status names) and
 * details in the reader's language; anything else, or an error without variables, as it is.
 */
export function localise(e: unknown, req: FastifyRequest): unknown {
  const he = asHttpError(e);
  if (!he?.vars) return e;
  const vars: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(he.vars)) vars[k] = typeof v === "string" && v.startsWith("dossier.") ? req.t(v) : v;
  const details = he.details?.map((d) => ({ ...d, message: d.message.startsWith("msg:") ? req.t(d.message.slice(4)) : d.message }));
  return new HttpError(he.status, he.messageKey, vars, details);
}
