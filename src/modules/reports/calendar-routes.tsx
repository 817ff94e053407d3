// The reporting calendar's pages and API (issue 16): the province sets what its communes owe and
// sees who has sent, late or not at all; a commune sees what it owes and when.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import { vnToday } from "../../domain/documents/numbering";
import { FREQUENCIES, type Frequency, REPORT_KIND_CODES, REPORT_KINDS, type ReportKind } from "../../domain/reports/kinds";
import { OBLIGATION_STATUSES, type ObligationStatus } from "../../domain/reports/obligations";
import { periodLabel } from "../../domain/reports/period";
import { defineApi } from "../../web/api";
import type { PageCtx } from "../../web/context";
import { asHttpError, parseForm, parseWith, requirePermission } from "../../web/http";
import { formatDate, formatNumber } from "../../web/i18n";
import { registerDashboard } from "../../web/registry";
import { CsrfField, ErrorSummary, Layout } from "../../web/views/layout";
import { communeObligations, communesOf, listSchedules, type ObligationRow, obligations, runReportReminders, type Schedule, ScheduleInput, saveSchedule } from "./calendar";
import { registerJob } from "../../jobs/queue";

const YearQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  kind: z.string().optional(),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});

registerJob({
  name: "reports.reminders",
  // Every morning, before office hours: reminders of the day, once each.
  cron: "0 6 * * *",
  run: async ({ db }) => {
    await runReportReminders(db, vnToday());
  },
});

// A commune's staff who write its reports see what is due soon or missing on their dashboard.
registerDashboard(async (req, tx) => {
  const u = req.user;
  if (!u || !(can(u.role, "report.draft") || can(u.role, "report.approve"))) return [];
  const a = await tx.one<{ kind: string }>("select kind from agencies where id = $1", [u.agencyId]);
  if (a.kind !== "commune") return [];
  const today = vnToday();
  const rows = await communeObligations(tx, { communeId: u.agencyId, from: `${Number(today.slice(0, 4)) - 1}-01-01`, to: `${today.slice(0, 4)}-12-31`, today });
  const open = rows.filter((r) => r.status === "due_soon" || r.status === "missing").length;
  return [{ labelKey: "reportcal.dashboard", value: open, href: "/staff/reports/calendar", tone: open > 0 ? "warn" : "normal" }];
});

async function agencyKind(req: FastifyRequest): Promise<string> {
  return req.tx(async (tx) => (await tx.one<{ kind: string }>("select kind from agencies where id = $1", [req.user!.agencyId])).kind);
}

const StatusTag = ({ ctx, status }: { ctx: PageCtx; status: ObligationStatus }) => (
  <span class={`tag ${status === "sent" ? "ok" : status === "missing" ? "bad" : status === "late" || status === "due_soon" ? "warn" : ""}`}>{ctx.t(`reportcal.status.${status}`)}</span>
);

function dueRuleText(ctx: PageCtx, s: { month: "last" | "next"; day: number }): string {
  return ctx.t(`reportcal.due.${s.month}`, { day: s.day });
}

type Summary = { kind: ReportKind; from: string; to: string; due: string; counts: Record<ObligationStatus, number> };

function summarise(rows: readonly ObligationRow[]): Summary[] {
  const out = new Map<string, Summary>();
  for (const r of rows) {
    const key = `${r.kind}|${r.from}|${r.to}`;
    const s = out.get(key) ?? { kind: r.kind, from: r.from, to: r.to, due: r.due, counts: Object.fromEntries(OBLIGATION_STATUSES.map((x) => [x, 0])) as Record<ObligationStatus, number> };
    s.counts[r.status]++;
    out.set(key, s);
  }
  return [...out.values()];
}

function ProvincePage({
  ctx,
  year,
  schedules,
  rows,
  detail,
  errors,
  values,
  saved,
}: {
  ctx: PageCtx;
  year: number;
  schedules: Schedule[];
  rows: ObligationRow[];
  detail?: { kind: ReportKind; from: string } | undefined;
  errors?: Record<string, string> | undefined;
  values?: Record<string, string> | undefined;
  saved?: boolean;
}) {
  const t = ctx.t;
  const v = values ?? {};
  const summaries = summarise(rows);
  const shown = detail ? rows.filter((r) => r.kind === detail.kind && r.from === detail.from) : [];
  return (
    <Layout ctx={ctx} title={t("reportcal.title")} area="staff">
      <p>
        <a href="/staff/reports">← {t("reports.title")}</a>
      </p>
      <h1>{t("reportcal.title")}</h1>
      <p class="lead">{t("reportcal.provinceIntro")}</p>
      {saved ? (
        <p class="notice" role="status">
          {t("plans.saved")}
        </p>
      ) : null}
      <h2>{t("reportcal.schedules")}</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("reports.kindLabel")}</th>
              <th scope="col">{t("reportcal.frequency")}</th>
              <th scope="col">{t("reportcal.dueRule")}</th>
              <th scope="col">{t("reportcal.remindDays")}</th>
              <th scope="col">{t("reportcal.communes")}</th>
            </tr>
          </thead>
          <tbody>
            {REPORT_KIND_CODES.flatMap((k) => {
              const own = schedules.filter((s) => s.kind === k);
              if (own.length === 0)
                return [
                  <tr key={k}>
                    <td>{t(`reports.kind.${k}`)}</td>
                    <td colSpan={4}>{REPORT_KINDS[k].owedByDefault ? t("reportcal.byDefault", { frequency: t(`reportcal.frequency.${REPORT_KINDS[k].frequencies[0]}`), due: dueRuleText(ctx, REPORT_KINDS[k].deadline) }) : t("reportcal.notOwed")}</td>
                  </tr>,
                ];
              return own.map((s) => (
                <tr key={s.id}>
                  <td>{t(`reports.kind.${k}`)}</td>
                  <td>{t(`reportcal.frequency.${s.frequency}`)}</td>
                  <td>{s.active ? dueRuleText(ctx, s) : t("reportcal.inactive")}</td>
                  <td>{formatNumber(s.remindDays)}</td>
                  <td>{s.communes ? formatNumber(s.communes.length) : t("reportcal.allCommunes")}</td>
                </tr>
              ));
            })}
          </tbody>
        </table>
      </div>
      {can(ctx.user?.role, "report.schedule") ? (
        <section class="panel">
          <h2>{t("reportcal.set")}</h2>
          <ErrorSummary ctx={ctx} errors={errors} />
          <form method="post" action="/staff/reports/calendar" novalidate>
            <CsrfField ctx={ctx} />
            <div class="search-row">
              <div class="field">
                <label for="f-kind">{t("reports.kindLabel")}</label>
                <select id="f-kind" name="kind">
                  {REPORT_KIND_CODES.map((k) => (
                    <option key={k} value={k} selected={v.kind === k}>
                      {t(`reports.kind.${k}`)}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="f-frequency">{t("reportcal.frequency")}</label>
                <select id="f-frequency" name="frequency">
                  {(Object.keys(FREQUENCIES) as Frequency[]).map((f) => (
                    <option key={f} value={f} selected={v.frequency === f}>
                      {t(`reportcal.frequency.${f}`)}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="f-dueMonth">{t("reportcal.dueMonth")}</label>
                <select id="f-dueMonth" name="dueMonth">
                  <option value="last" selected={v.dueMonth !== "next"}>
                    {t("reportcal.dueMonth.last")}
                  </option>
                  <option value="next" selected={v.dueMonth === "next"}>
                    {t("reportcal.dueMonth.next")}
                  </option>
                </select>
              </div>
              <div class="field">
                <label for="f-dueDay">{t("reportcal.dueDay")}</label>
                <input id="f-dueDay" name="dueDay" inputMode="numeric" maxLength={2} value={v.dueDay ?? "15"} />
              </div>
              <div class="field">
                <label for="f-remindDays">{t("reportcal.remindDays")}</label>
                <input id="f-remindDays" name="remindDays" inputMode="numeric" maxLength={2} value={v.remindDays ?? "5"} />
              </div>
            </div>
            <div class="field">
              <label for="f-communes">{t("reportcal.communesField")}</label>
              <p class="hint">{t("reportcal.communesHint")}</p>
              <textarea id="f-communes" name="communes" maxLength={100000}>
                {v.communes ?? ""}
              </textarea>
            </div>
            <label class="check-row">
              <input type="checkbox" name="active" value="on" checked={v.active !== "off"} /> {t("reportcal.active")}
            </label>
            <input type="hidden" name="activeSent" value="1" />
            <button type="submit">{t("reportcal.save")}</button>
          </form>
        </section>
      ) : null}
      <h2>{t("reportcal.status", { year })}</h2>
      <form method="get" action="/staff/reports/calendar" class="search-row">
        <div class="field">
          <label for="f-year">{t("plans.year")}</label>
          <input id="f-year" name="year" type="number" min={2000} max={2100} value={year} />
        </div>
        <button type="submit" class="secondary">
          {t("plans.filter")}
        </button>
      </form>
      {summaries.length === 0 ? (
        <p>{t("reportcal.nothingDue")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("reports.kindLabel")}</th>
                <th scope="col">{t("reports.period")}</th>
                <th scope="col">{t("reportcal.dueOn")}</th>
                {OBLIGATION_STATUSES.map((st) => (
                  <th scope="col" key={st}>
                    {t(`reportcal.status.${st}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {summaries.map((s) => (
                <tr key={`${s.kind}${s.from}`}>
                  <td>{t(`reports.kind.${s.kind}`)}</td>
                  <td>
                    <a href={`/staff/reports/calendar?year=${year}&kind=${s.kind}&from=${s.from}`}>{periodLabel(s.from, s.to)}</a>
                  </td>
                  <td>{formatDate(s.due)}</td>
                  {OBLIGATION_STATUSES.map((st) => (
                    <td key={st}>{formatNumber(s.counts[st])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {detail ? (
        <section aria-labelledby="detail-h">
          <h2 id="detail-h">
            {t(`reports.kind.${detail.kind}`)} · {shown[0] ? periodLabel(shown[0].from, shown[0].to) : formatDate(detail.from)}
          </h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("reportcal.commune")}</th>
                  <th scope="col">{t("reports.status")}</th>
                  <th scope="col">{t("reportcal.sentOn")}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.communeId}>
                    <td>{r.unitName}</td>
                    <td>
                      <StatusTag ctx={ctx} status={r.status} />
                    </td>
                    <td>{r.reportId ? <a href={`/staff/reports/${r.reportId}`}>{formatDate(r.sentOn)}</a> : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </Layout>
  );
}

function CommunePage({ ctx, year, rows }: { ctx: PageCtx; year: number; rows: ObligationRow[] }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t("reportcal.title")} area="staff">
      <p>
        <a href="/staff/reports">← {t("reports.title")}</a>
      </p>
      <h1>{t("reportcal.title")}</h1>
      <p class="lead">{t("reportcal.communeIntro")}</p>
      <form method="get" action="/staff/reports/calendar" class="search-row">
        <div class="field">
          <label for="f-year">{t("plans.year")}</label>
          <input id="f-year" name="year" type="number" min={2000} max={2100} value={year} />
        </div>
        <button type="submit" class="secondary">
          {t("plans.filter")}
        </button>
      </form>
      {rows.length === 0 ? (
        <p>{t("reportcal.nothingDue")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("reports.kindLabel")}</th>
                <th scope="col">{t("reports.period")}</th>
                <th scope="col">{t("reportcal.dueOn")}</th>
                <th scope="col">{t("reports.status")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.kind}${r.from}`}>
                  <td>{t(`reports.kind.${r.kind}`)}</td>
                  <td>{periodLabel(r.from, r.to)}</td>
                  <td>{formatDate(r.due)}</td>
                  <td>
                    <StatusTag ctx={ctx} status={r.status} />
                    {r.reportId ? (
                      <>
                        {" "}
                        <a href={`/staff/reports/${r.reportId}`}>{formatDate(r.sentOn)}</a>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

const ObligationJson = z.object({
  commune: z.object({ id: z.number(), name: z.string() }),
  kind: z.enum(REPORT_KIND_CODES as [ReportKind, ...ReportKind[]]),
  period: z.object({ from: z.string(), to: z.string(), label: z.string() }),
  due: z.string(),
  status: z.enum(OBLIGATION_STATUSES),
  sentOn: z.string().nullable(),
  reportId: z.number().nullable(),
});
const obligationJson = (r: ObligationRow) => ({
  commune: { id: r.communeId, name: r.unitName },
  kind: r.kind,
  period: { from: r.from, to: r.to, label: periodLabel(r.from, r.to) },
  due: r.due,
  status: r.status,
  sentOn: r.sentOn,
  reportId: r.reportId,
});

const ScheduleJson = z.object({
  id: z.number(),
  kind: z.string(),
  frequency: z.string(),
  month: z.enum(["last", "next"]),
  day: z.number(),
  remindDays: z.number(),
  communes: z.array(z.number()).nullable(),
  active: z.boolean(),
});

/** Obligations the caller sees for a year: a province's communes', or a commune's own. */
async function yearRows(req: FastifyRequest, year: number, kind?: ReportKind): Promise<ObligationRow[]> {
  const user = req.user!;
  const from = `${year}-01-01`;
  const to = `${year + 1}-01-31`;
  return req.tx(async (tx) => {
    const a = await tx.one<{ kind: string }>("select kind from agencies where id = $1", [user.agencyId]);
    if (a.kind === "commune") return communeObligations(tx, { communeId: user.agencyId, from, to });
    return obligations(tx, { provinceId: user.agencyId, communes: await communesOf(tx, user.agencyId), from, to, ...(kind ? { kind } : {}) });
  });
}

export async function calendarRoutes(app: FastifyInstance): Promise<void> {
  async function provincePage(req: FastifyRequest, extra: { errors?: Record<string, string>; values?: Record<string, string>; status?: number } = {}) {
    const user = req.user!;
    const q = parseWith(YearQuery, req.query, req);
    const year = q.year ?? Number(vnToday().slice(0, 4));
    const detail = q.kind && (REPORT_KIND_CODES as string[]).includes(q.kind) && q.from ? { kind: q.kind as ReportKind, from: q.from } : undefined;
    const [schedules, rows] = [await req.tx((tx) => listSchedules(tx, user.agencyId)), await yearRows(req, year)];
    return { year, schedules, rows, detail, ...extra };
  }

  app.get("/staff/reports/calendar", async (req, reply) => {
    requirePermission(req, "report.view");
    const ctx = req.pageCtx();
    if ((await agencyKind(req)) === "commune") {
      const q = parseWith(YearQuery, req.query, req);
      const year = q.year ?? Number(vnToday().slice(0, 4));
      return reply.page(<CommunePage ctx={ctx} year={year} rows={await yearRows(req, year)} />);
    }
    const p = await provincePage(req);
    return reply.page(<ProvincePage ctx={ctx} {...p} saved={(req.query as Record<string, string>).saved === "1"} />);
  });

  app.post("/staff/reports/calendar", async (req, reply) => {
    const user = requirePermission(req, "report.schedule");
    const body = (req.body ?? {}) as Record<string, string>;
    const form = parseForm(ScheduleInput, { ...body, active: body.active ?? (body.activeSent ? "off" : undefined) }, req);
    const again = async (errors: Record<string, string>, status: number) => {
      const p = await provincePage(req);
      return reply.page(<ProvincePage ctx={req.pageCtx()} {...p} errors={errors} values={{ ...body, active: body.active ? "on" : "off" }} />, status);
    };
    if (!form.ok) return again(form.errors, 400);
    try {
      await req.tx((tx) => saveSchedule(tx, user.agencyId, form.data, { userId: user.id, label: user.username }));
    } catch (e) {
      const he = asHttpError(e);
      if (he?.status === 400) return again({ communes: req.t(he.messageKey, he.vars) }, 400);
      throw e;
    }
    return reply.code(303).redirect("/staff/reports/calendar?saved=1");
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/reports/calendar",
    summary: "The reporting calendar of a year: for a province every commune's obligations (kind, period, due date, sent / late / missing / due soon / upcoming), for a commune its own",
    tags: ["reports"],
    auth: "report.view",
    query: YearQuery,
    response: z.object({ year: z.number(), items: z.array(ObligationJson) }),
    handler: async ({ req, query }) => {
      const year = query.year ?? Number(vnToday().slice(0, 4));
      const kind = query.kind && (REPORT_KIND_CODES as string[]).includes(query.kind) ? (query.kind as ReportKind) : undefined;
      return { year, items: (await yearRows(req, year, kind)).map(obligationJson) };
    },
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/reports/schedules",
    summary: "The province's reporting schedules (which kinds its communes owe, how often, by when)",
    tags: ["reports"],
    auth: "report.view",
    response: z.object({ items: z.array(ScheduleJson) }),
    handler: async ({ req }) => ({ items: await req.tx((tx) => listSchedules(tx, req.user!.agencyId)) }),
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/reports/schedules",
    summary: "Set (or replace) the schedule of a report kind and frequency for the province's communes (all, or the listed agency codes)",
    tags: ["reports"],
    auth: "report.schedule",
    body: ScheduleInput,
    response: ScheduleJson,
    errors: { 400: "Unknown kind, a frequency the kind does not have, a due day outside 1–28, or a commune not in the province" },
    handler: async ({ req, body }) => {
      const user = req.user!;
      return req.tx((tx) => saveSchedule(tx, user.agencyId, body, { userId: user.id, label: user.username }));
    },
  });
}
