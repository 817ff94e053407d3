// The purpose and consent block of the online form and of the counter intake: the text in force,
// in the reader's language, and its version in the form, so the dossier records what was agreed.

import { currentConsent, findConsent } from "../../domain/privacy/consent";
import type { PageCtx } from "../../web/context";
import "./messages";

export function ConsentBlock({ ctx, checked, error, counter }: { ctx: PageCtx; checked: boolean; error?: string | undefined; counter?: boolean }) {
  const c = currentConsent();
  const lang = ctx.lang;
  return (
    <div class={`field consent${error ? " has-error" : ""}`} id="f-consent">
      <p class="hint">
        <strong>{ctx.t("privacy.consent.purpose")}</strong> {c.purpose[lang]}
      </p>
      {error ? <p class="error">{error}</p> : null}
      <input type="hidden" name="consentVersion" value={c.version} />
      <label class="consent-row">
        <input type="checkbox" name="consent" value="yes" checked={checked} /> {counter ? ctx.t("privacy.consent.counter") : ""}
        {counter ? <q>{c.text[lang]}</q> : c.text[lang]}
      </label>
      <p class="hint muted">{ctx.t("privacy.consent.version", { version: c.version })}</p>
    </div>
  );
}

/** The version a form posted, if it is one we know; else the one in force (the form showed it). */
export function postedConsentVersion(value: unknown): string {
  return findConsent(typeof value === "string" ? value : undefined)?.version ?? currentConsent().version;
}
