// Page pieces of personal data protection that the dossier pages use.

import { findConsent } from "../../domain/privacy/consent";
import { REVEAL_MINUTES } from "../../domain/privacy/exposure";
import type { PageCtx } from "../../web/context";
import { formatDateTime } from "../../web/i18n";
import { CsrfField } from "../../web/views/layout";
import type { Dossier } from "../dossiers/types";
import { applicantAsSeen, type Exposure } from "./access-log";
import "./messages";

/**
 * The applicant on the staff's dossier page: whole for the officers handling the dossier (or after
 * a reason), masked otherwise, with the form that asks for the reason. Every view is in the log.
 */
export function ApplicantFacts({ ctx, d, exposure }: { ctx: PageCtx; d: Dossier; exposure: Exposure }) {
  const t = ctx.t;
  if (d.anonymisedAt) return <span class="muted">{t("privacy.anonymisedOn", { at: formatDateTime(d.anonymisedAt) })}</span>;
  const a = applicantAsSeen(d, exposure);
  return (
    <>
      {a.fullName} · {a.idNumber} · {a.phone}
      {a.email ? ` · ${a.email}` : ""}
      {a.address.line ? (
        <>
          <br />
          {a.address.line}
        </>
      ) : null}
      {exposure.whole ? (
        exposure.revealedUntil ? (
          <>
            <br />
            <small class="muted">{t("privacy.revealedUntil", { at: formatDateTime(exposure.revealedUntil) })}</small>
          </>
        ) : null
      ) : (
        <form method="post" action={`/staff/dossiers/${encodeURIComponent(d.code)}/reveal`} class="panel reveal-form">
          <CsrfField ctx={ctx} />
          <p class="hint">{t("privacy.masked", { minutes: REVEAL_MINUTES })}</p>
          <label for="f-reveal-reason">{t("privacy.revealReason")}</label>
          <input id="f-reveal-reason" name="reason" required minLength={5} maxLength={500} />
          <button type="submit" class="secondary">
            {t("privacy.reveal")}
          </button>
        </form>
      )}
    </>
  );
}

/** What the applicant agreed to, and when; or that nothing was recorded (dossiers from before). */
export function ConsentFact({ ctx, d }: { ctx: PageCtx; d: Dossier }) {
  const t = ctx.t;
  const c = d.consent;
  if (!c) return <>{t("privacy.consent.none")}</>;
  return (
    <>
      {t(c.channel === "counter" ? "privacy.consent.atCounter" : "privacy.consent.online", { at: formatDateTime(c.at), version: c.version })}
      {findConsent(c.version) ? null : ` (${t("privacy.err.consentVersion")})`}
    </>
  );
}
