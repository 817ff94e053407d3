// The staff's work queues of dossiers, and the queue counts on the staff dashboard.

import type { FastifyInstance } from "fastify";
import { can } from "../../domain/auth/permissions";
import { requirePermission } from "../../web/http";
import { formatDateTime } from "../../web/i18n";
import { registerDashboard } from "../../web/registry";
import { Layout } from "../../web/views/layout";
import { foldSearch } from "./route-support";
import { listQueue, QUEUES, type Queue, queueCounts } from "./service";
import { StatusTag, TimeTag } from "./views";
import { RegisterDownload } from "../dossier-docs/register-link";
import "../privacy/messages";

const DASH_QUEUES: { queue: Exclude<Queue, "all">; roles: readonly string[]; tone?: "warn" | "bad" }[] = [
  { queue: "to_accept", roles: ["desk_officer", "leader", "commune_admin"] },
  { queue: "to_process", roles: ["desk_officer", "specialist", "leader"] },
  { queue: "to_approve", roles: ["leader"] },
  { queue: "to_return", roles: ["desk_officer", "leader"] },
  { queue: "due_soon", roles: ["desk_officer", "specialist", "leader", "commune_admin"], tone: "warn" },
  { queue: "overdue", roles: ["desk_officer", "specialist", "leader", "commune_admin"], tone: "bad" },
];

registerDashboard(async (req, tx) => {
  const user = req.user;
  if (!user || !can(user.role, "dossier.view")) return [];
  const counts = await queueCounts(tx, { agencyId: user.agencyId, userId: user.id, role: user.role });
  return DASH_QUEUES.filter((q) => q.roles.includes(user.role)).map((q) => ({
    labelKey: `dossier.dash.${q.queue}`,
    value: counts[q.queue],
    href: `/staff/dossiers?queue=${q.queue}`,
    ...(q.tone && counts[q.queue] > 0 ? { tone: q.tone } : {}),
  }));
});

export async function staffQueueRoutes(app: FastifyInstance): Promise<void> {
  app.get("/staff/dossiers", async (req, reply) => {
    const user = requirePermission(req, "dossier.view");
    const q = req.query as Record<string, string | undefined>;
    const queue = (QUEUES as readonly string[]).includes(q.queue ?? "") ? (q.queue as Queue) : defaultQueue(user.role);
    const page = Math.max(0, Math.min(10_000, Number(q.page) || 0));
    const search = (q.q ?? "").slice(0, 100);
    const { items, counts } = await req.tx(async (tx) => ({
      items: await listQueue(tx, {
        agencyId: user.agencyId,
        userId: user.id,
        role: user.role,
        queue,
        limit: 50,
        offset: page * 50,
        ...(search ? { search: foldSearch(search) } : {}),
      }),
      counts: await queueCounts(tx, { agencyId: user.agencyId, userId: user.id, role: user.role }),
    }));
    const ctx = req.pageCtx();
    const t = ctx.t;
    return reply.page(
      <Layout ctx={ctx} title={t("dossier.list.title")} area="staff">
        <h1>{t("dossier.list.title")}</h1>
        {can(user.role, "province.supervise") ? (
          <p class="notice" role="note">
            {t("supervision.queueNotice")} <a href="/staff/supervision">{t("supervision.nav")}</a>
          </p>
        ) : null}
        <nav aria-label={t("dossier.list.title")}>
          <ul class="nav queue-tabs">
            {QUEUES.map((name) => (
              <li key={name}>
                <a href={`/staff/dossiers?queue=${name}`} aria-current={name === queue ? "page" : undefined}>
                  {t(`dossier.queue.${name}`)}
                  {name !== "all" ? ` (${counts[name]})` : ""}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <form method="get" action="/staff/dossiers" class="search-row" role="search">
          <input type="hidden" name="queue" value={queue} />
          <label class="sr-only" for="dq">
            {t("dossier.f.search")}
          </label>
          <input id="dq" name="q" type="search" value={search} placeholder={t("dossier.f.search")} maxLength={100} />
          <button type="submit" class="secondary">
            {t("dossier.track.submit")}
          </button>
        </form>
        {items.length === 0 ? (
          <p>{t("dossier.list.empty")}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t("dossier.f.code")}</th>
                  <th>{t("dossier.f.procedure")}</th>
                  <th>{t("dossier.f.applicant")}</th>
                  <th>{t("dossier.f.status")}</th>
                  <th>{t("dossier.f.dueAt")}</th>
                  <th>{t("dossier.f.timeliness")}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((i) => (
                  <tr key={i.code}>
                    <td>
                      <a href={`/staff/dossiers/${encodeURIComponent(i.code)}`}>{i.code}</a>
                    </td>
                    <td>{i.procedureName}</td>
                    <td>
                      {i.anonymised ? <span class="muted">{t("privacy.anonymised")}</span> : i.applicantName}
                      {i.anonymised ? null : (
                        <>
                          <br />
                          <small class="muted">{[i.applicantIdMasked, i.applicantPhoneMasked].filter(Boolean).join(" · ")}</small>
                        </>
                      )}
                    </td>
                    <td>
                      <StatusTag ctx={ctx} status={i.status} />
                    </td>
                    <td>{formatDateTime(i.dueAt ?? null)}</td>
                    <td>
                      <TimeTag ctx={ctx} value={i.timeliness} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {items.length === 50 ? (
          <p class="pager">
            <a href={`/staff/dossiers?queue=${queue}&page=${page + 1}${search ? `&q=${encodeURIComponent(search)}` : ""}`}>{t("dossier.list.more")}</a>
          </p>
        ) : null}
        <RegisterDownload ctx={ctx} />
      </Layout>,
    );
  });
}

function defaultQueue(role: string): Queue {
  if (role === "specialist") return "to_process";
  if (role === "leader") return "to_approve";
  if (role === "desk_officer") return "to_accept";
  return "all";
}
