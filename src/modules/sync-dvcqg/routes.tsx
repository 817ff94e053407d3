// The administrator's page of the national portal synchronisation (connection, share, failures
// with the portal's error and "resend", reconciliation, catalog comparison), its jobs, and the API
// the index issue reads (status) and integrations call (resend).

import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Access } from "../../domain/auth/permissions";
import { DOSSIER_STATUSES } from "../../domain/dossiers/state-machine";
import { type CatalogDifference, DEFAULT_MAPPING, PORTAL_STATUSES, type SyncMapping } from "../../domain/sync/dvcqg";
import { registerJob } from "../../jobs/queue";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { asHttpError, HttpError, parseForm, redirect, requireAccess } from "../../web/http";
import { formatDateTime, formatNumber } from "../../web/i18n";
import { registerNav } from "../../web/registry";
import { CsrfField, ErrorSummary, Field, Layout } from "../../web/views/layout";
import { checkCatalog } from "./catalog-check";
import "./messages";
import { drainSyncOutbox, resend } from "./outbox";
import { reconcileAgency, reconcileAll } from "./reconcile";
import { findSyncSettings, listEnabledSettings, SettingsInput, saveSyncSettings, type SyncSettings } from "./settings";
import { listSyncProblems, outboxBacklog, type SyncCounts, syncCounts } from "./status";
import { appendAudit } from "../audit/audit";

export const SYNC_ACCESS: Access = "sync.manage";

registerNav({ href: "/staff/sync", labelKey: "sync.nav", area: "staff", permission: SYNC_ACCESS, order: 88 });

registerJob({ name: "sync.dvcqg.push", cron: "* * * * *", run: async ({ db }) => void (await drainSyncOutbox(db)) });
registerJob({ name: "sync.dvcqg.reconcile", cron: "15 1 * * *", run: async ({ db }) => void (await reconcileAll(db)) });
registerJob({
  name: "sync.dvcqg.catalog",
  cron: "30 2 * * 1",
  run: async ({ db }) => {
    for (const s of await db.system((tx) => listEnabledSettings(tx))) await checkCatalog(db, s);
  },
});

function localDay(d: Date): string {
  return new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

function rate(c: SyncCounts): string {
  return c.received === 0 ? "—" : `${formatNumber(Math.round((c.synced / c.received) * 1000) / 10)} %`;
}

type PageData = {
  settings: SyncSettings | undefined;
  month: SyncCounts;
  last30: SyncCounts;
  backlog: { pending: number; failed: number; lastSent: Date | null };
  problems: Awaited<ReturnType<typeof listSyncProblems>>;
  runs: { ran_at: Date; period_from: string; period_to: string; received: number; synced: number; checked_at_portal: number; missing_at_portal: number; resent: number; error: string | null }[];
  lastCheck: { checked_at: Date; compared: number; differing: number; national_count: number; error: string | null } | undefined;
  diffs: { procedure_code: string; name: string | null; differences: CatalogDifference[] }[];
};

async function loadPage(req: FastifyRequest, agencyId: number): Promise<PageData> {
  const now = new Date();
  const today = localDay(now);
  return req.tx(async (tx) => ({
    settings: await findSyncSettings(tx, agencyId),
    month: await syncCounts(tx, { agencyId, from: `${today.slice(0, 8)}01`, to: today }),
    last30: await syncCounts(tx, { agencyId, from: localDay(new Date(now.getTime() - 29 * 86_400_000)), to: today }),
    backlog: await outboxBacklog(tx, agencyId),
    problems: await listSyncProblems(tx, { agencyId }),
    runs: await tx.query("select ran_at, period_from, period_to, received, synced, checked_at_portal, missing_at_portal, resent, error from sync_dvcqg_reconciliations where agency_id = $1 order by ran_at desc limit 5", [agencyId]),
    lastCheck: await tx.maybeOne("select checked_at, compared, differing, national_count, error from sync_dvcqg_catalog_checks where agency_id = $1 order by id desc limit 1", [agencyId]),
    diffs: await tx.query(
      `select d.procedure_code, p.name, d.differences from sync_dvcqg_catalog_diffs d left join procedures p on p.code = d.procedure_code
       where d.agency_id = $1 order by d.procedure_code limit 300`,
      [agencyId],
    ),
  }));
}

function CountsTable({ ctx, rows }: { ctx: PageCtx; rows: [string, SyncCounts][] }) {
  const t = ctx.t;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("sync.share")}</th>
            <th scope="col">{t("sync.received")}</th>
            <th scope="col">{t("sync.synced")}</th>
            <th scope="col">{t("sync.pending")}</th>
            <th scope="col">{t("sync.failed")}</th>
            <th scope="col">{t("sync.rate")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, c]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{formatNumber(c.received)}</td>
              <td>{formatNumber(c.synced)}</td>
              <td>{formatNumber(c.pending)}</td>
              <td>{c.failed > 0 ? <span class="tag bad">{formatNumber(c.failed)}</span> : "0"}</td>
              <td>{rate(c)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SettingsForm({ ctx, s, errors, values }: { ctx: PageCtx; s: SyncSettings | undefined; errors?: Record<string, string>; values?: Record<string, string> }) {
  const t = ctx.t;
  const v = (k: string, fallback: string) => values?.[k] ?? fallback;
  const mapping: SyncMapping = s?.mapping ?? DEFAULT_MAPPING;
  const enabled = values ? values.enabled === "yes" : (s?.enabled ?? false);
  return (
    <form method="post" action="/staff/sync/settings" class="panel" novalidate>
      <CsrfField ctx={ctx} />
      <h2>{t("sync.settings")}</h2>
      <ErrorSummary ctx={ctx} errors={errors} />
      <label class="check-row">
        <input type="checkbox" name="enabled" value="yes" checked={enabled} /> {t("sync.f.enabled")}
      </label>
      <Field name="endpoint" label={t("sync.f.endpoint")} value={v("endpoint", s?.endpoint ?? "")} error={errors?.endpoint} required maxLength={300} />
      <Field name="username" label={t("sync.f.username")} value={v("username", s?.username ?? "")} error={errors?.username} required maxLength={200} autoComplete="off" />
      <Field name="password" type="password" label={t("sync.f.password")} hint={t("sync.f.passwordHint")} error={errors?.password} maxLength={500} autoComplete="new-password" />
      <Field name="unitCode" label={t("sync.f.unitCode")} value={v("unitCode", s?.unitCode ?? "")} error={errors?.unitCode} required maxLength={100} />
      <Field name="dstCode" label={t("sync.f.dstCode")} value={v("dstCode", s?.dstCode ?? "")} error={errors?.dstCode} required maxLength={100} />
      <details>
        <summary>{t("sync.mapping")}</summary>
        <p class="hint">{t("sync.mappingHint")}</p>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("sync.mapping.status")}</th>
                <th scope="col">{t("sync.mapping.portal")}</th>
              </tr>
            </thead>
            <tbody>
              {DOSSIER_STATUSES.map((st) => (
                <tr key={st}>
                  <td>
                    <label for={`f-map-${st}`}>{t(`dossier.status.${st}`)}</label>
                  </td>
                  <td>
                    <select id={`f-map-${st}`} name={`status_${st}`}>
                      {Object.entries(PORTAL_STATUSES).map(([code, name]) => (
                        <option key={code} value={code} selected={v(`status_${st}`, mapping.status[st]) === code}>
                          {code} — {name}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {(["in_person", "online", "post"] as const).map((ch) => (
          <Field
            key={ch}
            name={`channel_${ch}`}
            label={`${t("sync.mapping.channel")}: ${t(`dossier.channel.${ch}`)}`}
            value={v(`channel_${ch}`, mapping.channel[ch])}
            error={errors?.[`mapping.channel.${ch}`]}
            inputMode="numeric"
            maxLength={2}
          />
        ))}
      </details>
      <button type="submit">{t("sync.save")}</button>
    </form>
  );
}

function SyncPage({ ctx, data, notice, errors, values }: { ctx: PageCtx; data: PageData; notice?: string | undefined; errors?: Record<string, string>; values?: Record<string, string> }) {
  const t = ctx.t;
  const { settings: s } = data;
  return (
    <Layout ctx={ctx} title={t("sync.title")} area="staff">
      <h1>{t("sync.title")}</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <p class="lead">{t("sync.intro")}</p>
      {!s?.enabled ? <p class="notice">{t("sync.off")}</p> : null}
      <CountsTable
        ctx={ctx}
        rows={[
          [t("sync.period.month"), data.month],
          [t("sync.period.30days"), data.last30],
        ]}
      />
      <p>{t("sync.backlog", { pending: formatNumber(data.backlog.pending), failed: formatNumber(data.backlog.failed), last: formatDateTime(data.backlog.lastSent) })}</p>
      <section aria-labelledby="problems-h">
        <h2 id="problems-h">{t("sync.problems")}</h2>
        {data.problems.length === 0 ? (
          <p>{t("sync.problemsNone")}</p>
        ) : (
          <>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("sync.p.dossier")}</th>
                    <th scope="col">{t("sync.p.state")}</th>
                    <th scope="col">{t("sync.p.error")}</th>
                    <th scope="col">{t("sync.resend")}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.problems.map((p) => (
                    <tr key={p.id}>
                      <td>
                        <a href={`/staff/dossiers/${encodeURIComponent(p.dossierCode)}`}>{p.dossierCode}</a>
                      </td>
                      <td>
                        {p.status === "failed" ? (
                          <span class="tag bad">{t("sync.p.failed")}</span>
                        ) : (
                          <span class="tag warn">{t("sync.p.retrying", { n: p.attempts, at: formatDateTime(p.nextAttemptAt) })}</span>
                        )}
                      </td>
                      <td>{p.lastError ?? ""}</td>
                      <td>
                        <form method="post" action="/staff/sync/resend" class="inline">
                          <CsrfField ctx={ctx} />
                          <input type="hidden" name="dossierCode" value={p.dossierCode} />
                          <button type="submit" class="link">
                            {t("sync.resend")}
                          </button>
                        </form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <form method="post" action="/staff/sync/resend">
              <CsrfField ctx={ctx} />
              <button type="submit">{t("sync.resendAll")}</button>
            </form>
          </>
        )}
        <form method="post" action="/staff/sync/resend" class="search-row">
          <CsrfField ctx={ctx} />
          <label for="f-resend-code">{t("sync.resendDossier")}</label>
          <input id="f-resend-code" name="dossierCode" maxLength={80} required aria-describedby="f-resend-hint" />
          <button type="submit" class="secondary">
            {t("sync.resend")}
          </button>
          <p class="hint" id="f-resend-hint">
            {t("sync.resendDossierHint")}
          </p>
        </form>
      </section>
      <SettingsForm ctx={ctx} s={s} {...(errors ? { errors } : {})} {...(values ? { values } : {})} />
      <section aria-labelledby="rec-h">
        <h2 id="rec-h">{t("sync.reconcile")}</h2>
        <p class="hint">{t("sync.reconcileHint")}</p>
        {data.runs.length > 0 ? (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("sync.r.at")}</th>
                  <th scope="col">{t("sync.r.period")}</th>
                  <th scope="col">{t("sync.r.counts")}</th>
                  <th scope="col">{t("sync.r.checked")}</th>
                  <th scope="col">{t("sync.r.resent")}</th>
                  <th scope="col">{t("sync.r.error")}</th>
                </tr>
              </thead>
              <tbody>
                {data.runs.map((r) => (
                  <tr key={r.ran_at.toISOString()}>
                    <td>{formatDateTime(r.ran_at)}</td>
                    <td>
                      {r.period_from.split("-").reverse().join("/")} – {r.period_to.split("-").reverse().join("/")}
                    </td>
                    <td>
                      {formatNumber(r.received)} / {formatNumber(r.synced)}
                    </td>
                    <td>
                      {formatNumber(r.checked_at_portal)} / {formatNumber(r.missing_at_portal)}
                    </td>
                    <td>{formatNumber(r.resent)}</td>
                    <td>{r.error ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {s?.enabled ? (
          <form method="post" action="/staff/sync/reconcile">
            <CsrfField ctx={ctx} />
            <button type="submit" class="secondary">
              {t("sync.reconcileNow")}
            </button>
          </form>
        ) : null}
      </section>
      <section aria-labelledby="cat-h">
        <h2 id="cat-h">{t("sync.catalog")}</h2>
        <p class="hint">{t("sync.catalogHint")}</p>
        <p>
          {data.lastCheck
            ? t("sync.catalogLast", { at: formatDateTime(data.lastCheck.checked_at), compared: data.lastCheck.compared, differing: data.lastCheck.differing })
            : t("sync.catalogNever")}
          {data.lastCheck?.error ? ` — ${data.lastCheck.error}` : ""}
        </p>
        {data.lastCheck && !data.lastCheck.error ? (
          data.diffs.length === 0 ? (
            <p>{t("sync.catalogNone")}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("sync.d.procedure")}</th>
                    <th scope="col">{t("sync.d.what")}</th>
                    <th scope="col">{t("sync.d.local")}</th>
                    <th scope="col">{t("sync.d.national")}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.diffs.flatMap((d) =>
                    d.differences.map((x, i) => (
                      <tr key={`${d.procedure_code}-${i}`}>
                        <td>
                          {i === 0 ? (
                            <>
                              <a href={`/procedures/${encodeURIComponent(d.procedure_code)}`}>{d.name ?? d.procedure_code}</a> <small class="muted">{d.procedure_code}</small>
                            </>
                          ) : null}
                        </td>
                        <td>{t(`sync.diff.${x.what}`)}</td>
                        <td>{x.local}</td>
                        <td>{x.national}</td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
          )
        ) : null}
        {s?.enabled ? (
          <form method="post" action="/staff/sync/catalog-check">
            <CsrfField ctx={ctx} />
            <button type="submit" class="secondary">
              {t("sync.catalogNow")}
            </button>
          </form>
        ) : null}
      </section>
    </Layout>
  );
}

function formToInput(body: Record<string, unknown>): { raw: Record<string, string>; input: unknown } {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) raw[k] = typeof v === "string" ? v : "";
  return {
    raw,
    input: {
      enabled: raw.enabled === "yes",
      endpoint: raw.endpoint ?? "",
      username: raw.username ?? "",
      password: raw.password ?? "",
      unitCode: raw.unitCode ?? "",
      dstCode: raw.dstCode ?? "",
      mapping: {
        status: Object.fromEntries(DOSSIER_STATUSES.map((s) => [s, raw[`status_${s}`] ?? DEFAULT_MAPPING.status[s]])),
        channel: { in_person: (raw.channel_in_person ?? "").trim(), online: (raw.channel_online ?? "").trim(), post: (raw.channel_post ?? "").trim() },
      },
    },
  };
}

const Period = z
  .object({
    agency: z.string().trim().max(60).optional(),
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "msg:sync.err.period" }).optional(),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "msg:sync.err.period" }).optional(),
  })
  .refine((q) => !q.from || !q.to || (q.from <= q.to && Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000 && !Number.isNaN(Date.parse(q.from)) && !Number.isNaN(Date.parse(q.to))), {
    error: "msg:sync.err.period",
    path: ["from"],
  });

export async function syncRoutes(app: FastifyInstance): Promise<void> {
  const page = async (req: FastifyRequest, opts: { notice?: string; errors?: Record<string, string>; values?: Record<string, string>; status?: number } = {}) => {
    const user = requireAccess(req, SYNC_ACCESS);
    const data = await loadPage(req, user.agencyId);
    return { status: opts.status ?? 200, vnode: <SyncPage ctx={req.pageCtx()} data={data} notice={opts.notice} {...(opts.errors ? { errors: opts.errors } : {})} {...(opts.values ? { values: opts.values } : {})} /> };
  };

  app.get("/staff/sync", async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const notice = q.saved ? req.t("sync.saved") : q.resent !== undefined ? req.t("sync.resent", { n: Number(q.resent) || 0 }) : undefined;
    const p = await page(req, notice ? { notice } : {});
    return reply.page(p.vnode, p.status);
  });

  app.post("/staff/sync/settings", async (req, reply) => {
    const user = requireAccess(req, SYNC_ACCESS);
    const { raw, input } = formToInput((req.body ?? {}) as Record<string, unknown>);
    const parsed = parseForm(SettingsInput, input, req);
    if (!parsed.ok) {
      const p = await page(req, { errors: parsed.errors, values: raw, status: 400 });
      return reply.page(p.vnode, p.status);
    }
    try {
      await req.tx((tx) => saveSyncSettings(tx, { agencyId: user.agencyId, input: parsed.data, actor: { userId: user.id, label: user.username } }));
    } catch (e) {
      const he = asHttpError(e);
      if (he && he.status < 500) {
        const p = await page(req, { errors: { password: req.t(he.messageKey) }, values: raw, status: he.status });
        return reply.page(p.vnode, p.status);
      }
      throw e;
    }
    return redirect(reply, "/staff/sync?saved=1");
  });

  app.post("/staff/sync/resend", async (req, reply) => {
    const user = requireAccess(req, SYNC_ACCESS);
    const code = String((req.body as Record<string, unknown> | undefined)?.dossierCode ?? "").trim().slice(0, 80);
    const n = await req.tx(async (tx) => {
      const r = await resend(tx, { agencyId: user.agencyId, ...(code ? { dossierCode: code } : {}) });
      if (r >= 0) await appendAudit(tx, { agencyId: user.agencyId, actorUserId: user.id, actor: user.username, action: "sync.resend", entity: "sync_settings", entityId: "dvcqg", data: { dossierCode: code || null, rows: r } });
      return r;
    });
    if (n < 0) {
      const p = await page(req, { notice: req.t("sync.err.dossier", { code }), status: 404 });
      return reply.page(p.vnode, p.status);
    }
    return redirect(reply, `/staff/sync?resent=${n}`);
  });

  app.post("/staff/sync/reconcile", async (req, reply) => {
    const user = requireAccess(req, SYNC_ACCESS);
    const s = await req.tx((tx) => findSyncSettings(tx, user.agencyId));
    if (!s?.enabled) throw new HttpError(409, "sync.err.notConfigured");
    const r = await reconcileAgency(app.deps.db, s, { actor: { userId: user.id, label: user.username }, timeoutMs: 15_000 });
    const p = await page(req, { notice: req.t("sync.reconciled", { received: r.received, synced: r.synced, checked: r.checked, missing: r.missing, resent: r.resent }) });
    return reply.page(p.vnode, p.status);
  });

  app.post("/staff/sync/catalog-check", async (req, reply) => {
    const user = requireAccess(req, SYNC_ACCESS);
    const s = await req.tx((tx) => findSyncSettings(tx, user.agencyId));
    if (!s?.enabled) throw new HttpError(409, "sync.err.notConfigured");
    const r = await checkCatalog(app.deps.db, s, { actor: { userId: user.id, label: user.username }, timeoutMs: 15_000 });
    const notice = r.error ?? req.t("sync.catalogChecked", { compared: r.compared, national: r.nationalCount, differing: r.differing });
    const p = await page(req, { notice });
    return reply.page(p.vnode, p.status);
  });

  const Counts = z.object({ agency: z.string(), from: z.string(), to: z.string(), received: z.number(), synced: z.number(), pending: z.number(), failed: z.number() });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/sync/dvcqg/status",
    summary:
      "Dossiers of an agency registered in a period (Vietnam dates, inclusive; default this month) and how many are synchronised with the National Public Service Portal: the share synced ÷ received is QĐ 766 indicator 1.4",
    tags: ["sync"],
    auth: "sync.view",
    query: Period,
    response: Counts,
    errors: { 404: "Agency not in the caller's scope" },
    handler: async ({ req, query }) => {
      const user = req.user!;
      const today = localDay(new Date());
      const from = query.from ?? `${(query.to ?? today).slice(0, 8)}01`;
      const to = query.to ?? today;
      if (from > to) throw new HttpError(400, "sync.err.period");
      const agency = query.agency
        ? await app.deps.db.system((tx) => tx.maybeOne<{ id: number; code: string }>("select id, code from agencies where code = $1", [query.agency]))
        : await app.deps.db.system((tx) => tx.maybeOne<{ id: number; code: string }>("select id, code from agencies where id = $1", [user.agencyId]));
      const inScope = agency && (req.scope.allAgencies || req.scope.agencyIds.includes(agency.id));
      if (!agency || !inScope) throw new HttpError(404, "sync.err.agency", { code: query.agency ?? "" });
      const c = await req.tx((tx) => syncCounts(tx, { agencyId: agency.id, from, to }));
      return { agency: agency.code, from, to, ...c };
    },
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/sync/dvcqg/resend",
    summary: "Puts the agency's dossiers the portal refused back in the queue (or one dossier, whole, by its code); they are sent at once",
    tags: ["sync"],
    auth: "sync.manage",
    body: z.object({ dossierCode: z.string().trim().min(1).max(80).optional() }).default({}),
    response: z.object({ resent: z.number() }),
    errors: { 404: "Unknown dossier" },
    handler: async ({ req, body }) => {
      const user = req.user!;
      const n = await req.tx(async (tx) => {
        const r = await resend(tx, { agencyId: user.agencyId, dossierCode: body.dossierCode });
        if (r >= 0) await appendAudit(tx, { agencyId: user.agencyId, actorUserId: user.id, actor: user.username, action: "sync.resend", entity: "sync_settings", entityId: "dvcqg", data: { dossierCode: body.dossierCode ?? null, rows: r } });
        return r;
      });
      if (n < 0) throw new HttpError(404, "sync.err.dossier", { code: body.dossierCode ?? "" });
      return { resent: n };
    },
  });
}
