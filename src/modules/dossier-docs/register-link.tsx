import type { VNode } from "preact";
import { type Access, canAccess } from "../../domain/auth/permissions";
import type { PageCtx } from "../../web/context";
import { registerMessages } from "../../web/i18n";

/**
 * Who downloads the register (Mẫu 06) and the slips: the route checks it, the link shows to the same
 * people. A province supervisor downloads a commune's, masked (src/modules/dossiers/visibility.ts).
 */
export const REGISTER_ACCESS = ["dossier.view", "province.supervise"] as const satisfies Access;

export const REGISTER_PATH = "/staff/dossiers/register.xlsx";

registerMessages({
  vi: {
    "register.title": "Sổ theo dõi hồ sơ (Mẫu 06)",
    "register.intro": "Tải sổ theo dõi hồ sơ của cơ quan dưới dạng Excel: các hồ sơ tiếp nhận trong khoảng thời gian đã chọn (tối đa 366 ngày).",
    "register.from": "Từ ngày",
    "register.to": "Đến ngày",
    "register.download": "Tải sổ (Excel)",
  },
  en: {
    "register.title": "Dossier register (form 06)",
    "register.intro": "Download the agency's dossier register as an Excel file: the dossiers received in the chosen period (366 days at most).",
    "register.from": "From",
    "register.to": "To",
    "register.download": "Download the register (Excel)",
  },
});

/** The current month up to today, Vietnam time: the register route's default period. */
function currentMonth(now = new Date()): { from: string; to: string } {
  const today = new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
  return { from: `${today.slice(0, 8)}01`, to: today };
}

/**
 * The register download as a small GET form (a period, then the file), for the pages where the
 * desk looks for it; nothing for those who may not download it.
 */
export function RegisterDownload({ ctx }: { ctx: PageCtx }): VNode | null {
  if (!canAccess(ctx.user?.role, REGISTER_ACCESS)) return null;
  const t = ctx.t;
  const period = currentMonth();
  return (
    <section class="panel no-print" aria-labelledby="register-h">
      <h2 id="register-h">{t("register.title")}</h2>
      <p class="hint">{t("register.intro")}</p>
      <form method="get" action={REGISTER_PATH} class="search-row">
        <div class="field">
          <label for="register-from">{t("register.from")}</label>
          <input id="register-from" name="from" type="date" value={period.from} required />
        </div>
        <div class="field">
          <label for="register-to">{t("register.to")}</label>
          <input id="register-to" name="to" type="date" value={period.to} required />
        </div>
        <button type="submit" class="secondary">
          {t("register.download")}
        </button>
      </form>
    </section>
  );
}
