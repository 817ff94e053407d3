import type { FastifyInstance, FastifyRequest } from "fastify";
import type { VNode } from "preact";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import { daysInMonth, parseClock } from "../../domain/calendar/civil";
import { DayOffReasonCode, YearSchedule } from "../../domain/calendar/schedules";
import type { DayInfo, WorkingCalendar } from "../../domain/calendar/working-calendar";
import type { PageCtx } from "../../web/context";
import { formatDate } from "../../web/i18n";
import { HttpError, requirePermission } from "../../web/http";
import { registerDashboard, registerNav } from "../../web/registry";
import { CsrfField, ErrorSummary, Field, Layout, TextAreaField } from "../../web/views/layout";
import { registerCalendarApi } from "./api";
import { safeParseCalendar } from "./input";
import "./messages";
import { AgencyOffice, type EffectiveSchedule, deleteSchedule, getAgencyCalendar, getAgencyOffice, getEffectiveSchedule, saveAgencyOffice, saveSchedule } from "./service";

registerNav({ href: "/staff/calendar", labelKey: "calendar.nav", area: "staff", permission: "calendar.view", order: 85 });

registerDashboard(async (req, tx) => {
  if (!req.user || !can(req.user.role, "calendar.view")) return [];
  const calendar = await getAgencyCalendar(tx, req.user.agencyId);
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  const year = Number(today.slice(0, 4));
  if (year >= 2100) return [];
  const days = calendar.days(today, `${year + 1}-12-31`);
  const next = days.find((d) => !d.working && d.reason && !["saturday", "sunday", "weekly_rest"].includes(d.reason.code));
  if (!next) return [];
  return [{ labelKey: "calendar.dash.nextOff", value: `${formatDate(next.date)} · ${req.lang === "en" ? next.reason!.en : next.reason!.vi}`, href: `/staff/calendar?year=${next.date.slice(0, 4)}` }];
});

const REST_CODES = new Set(["saturday", "sunday", "weekly_rest"]);
const SOFT_OFF = new Set(["compensatory", "swapped"]);

function cellClass(d: DayInfo): string | undefined {
  const code = d.reason?.code;
  if (!code) return undefined;
  if (code === "make_up") return "cal-makeup";
  if (REST_CODES.has(code)) return "cal-rest";
  if (SOFT_OFF.has(code)) return "cal-comp";
  return "cal-off";
}

function MonthGrid({ ctx, year, month, days }: { ctx: PageCtx; year: number; month: number; days: DayInfo[] }): VNode {
  const t = ctx.t;
  const weeks: (DayInfo | undefined)[][] = [];
  let week: (DayInfo | undefined)[] = Array.from({ length: days[0]!.weekday - 1 }, () => undefined);
  for (const d of days) {
    week.push(d);
    if (week.length === 7) {
      weeks.push(week);
      week = [];
    }
  }
  if (week.length > 0) weeks.push([...week, ...Array.from({ length: 7 - week.length }, () => undefined)]);
  return (
    <table class="cal-month">
      <caption>{t("calendar.month", { month, year })}</caption>
      <thead>
        <tr>
          {[1, 2, 3, 4, 5, 6, 7].map((wd) => (
            <th scope="col" key={wd}>
              <abbr title={t(`calendar.weekday.${wd}`)}>{t(`calendar.wd.${wd}`)}</abbr>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((w, i) => (
          <tr key={i}>
            {w.map((d, j) =>
              d ? (
                <td key={j} class={cellClass(d)}>
                  {Number(d.date.slice(8))}
                  {d.reason && !REST_CODES.has(d.reason.code) ? <small>{ctx.lang === "en" ? d.reason.en : d.reason.vi}</small> : null}
                </td>
              ) : (
                <td key={j} />
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type ScheduleFormValues = {
  docNumber: string;
  docTitle: string;
  docDate: string;
  docIssuer: string;
  daysOff: string;
  workingDays: string;
};

function scheduleFormValues(calendar: WorkingCalendar, year: number, effective: EffectiveSchedule): ScheduleFormValues {
  const s = effective.schedule;
  if (s) {
    return {
      docNumber: s.document.number,
      docTitle: s.document.title,
      docDate: s.document.date,
      docIssuer: s.document.issuer,
      daysOff: s.daysOff.map((d) => `${d.date} ${d.reason}${d.label ? ` ${d.label.vi}${d.label.en !== d.label.vi ? ` | ${d.label.en}` : ""}` : ""}`).join("\n"),
      workingDays: s.workingDays.map((w) => `${w.date} ${w.reason}`).join("\n"),
    };
  }
  // Default rules: start the form from the days they give, so the administrator only adjusts.
  const days = calendar.days(`${year}-01-01`, `${year}-12-31`);
  return {
    docNumber: "",
    docTitle: "",
    docDate: "",
    docIssuer: "",
    daysOff: days
      .filter((d) => !d.working && d.reason && !REST_CODES.has(d.reason.code))
      .map((d) => `${d.date} ${d.reason!.code}`)
      .join("\n"),
    workingDays: "",
  };
}

function TextArea(p: { name: string; label: string; hint: string; value: string; error?: string | undefined }): VNode {
  return <TextAreaField {...p} rows={8} />;
}

type OfficeFormValues = { weekdays: number[]; hours: string; saturdayMorning: boolean; cutoff: string; pattern: string };

function officeFormValues(office: AgencyOffice): OfficeFormValues {
  return {
    weekdays: [...office.workingWeekdays],
    hours: office.hours.map((h) => `${h.start}-${h.end}`).join(", "),
    saturdayMorning: office.saturdayMorningOnly === true,
    cutoff: office.receiptCutoff ?? "",
    pattern: office.dossierCodePattern ?? "",
  };
}

type PageProps = {
  ctx: PageCtx;
  year: number;
  calendar: WorkingCalendar;
  effective: EffectiveSchedule;
  canManage: boolean;
  schedule: { values: ScheduleFormValues; errors?: Record<string, string> | undefined };
  office: { values: OfficeFormValues; errors?: Record<string, string> | undefined };
  notice?: string | undefined;
};

function CalendarPage(p: PageProps): VNode {
  const { ctx, year, calendar, effective } = p;
  const t = ctx.t;
  const doc = effective.schedule?.document;
  const months = Array.from({ length: 12 }, (_, i) => i + 1);
  const sv = p.schedule.values;
  const ov = p.office.values;
  return (
    <Layout ctx={ctx} title={t("calendar.title", { year })} area="staff">
      <h1>{t("calendar.title", { year })}</h1>
      <p class="pager">
        {year > 1900 ? <a href={`/staff/calendar?year=${year - 1}`}>← {t("calendar.prev")}</a> : null}
        {year < 2100 ? <a href={`/staff/calendar?year=${year + 1}`}>{t("calendar.next")} →</a> : null}
      </p>
      {p.notice ? (
        <p class="notice" role="status">
          {p.notice}
        </p>
      ) : null}
      <p>
        <strong>{t("calendar.source")}:</strong> {t(`calendar.source.${effective.source}`)}
        {doc ? ` — ${doc.number} (${formatDate(doc.date)}, ${doc.issuer})` : ""}
        {effective.source === "shipped" && effective.schedule ? ` · ${t(`calendar.verification.${effective.schedule.verification}`)}` : ""}
      </p>
      {effective.schedule?.note ? <p class="muted">{effective.schedule.note}</p> : null}
      <h2 id="legend">{t("calendar.legend")}</h2>
      <ul class="cal-legend">
        <li>
          <span class="cal-key cal-off" aria-hidden="true">1</span> {t("calendar.legend.holiday")}
        </li>
        <li>
          <span class="cal-key cal-comp" aria-hidden="true">1</span> {t("calendar.legend.compensatory")}
        </li>
        <li>
          <span class="cal-key cal-makeup" aria-hidden="true">1</span> {t("calendar.legend.makeup")}
        </li>
        <li>
          <span class="cal-key cal-rest" aria-hidden="true">1</span> {t("calendar.legend.rest")}
        </li>
        <li>
          <span class="cal-key" aria-hidden="true">1</span> {t("calendar.legend.work")}
        </li>
      </ul>
      <div class="cal-year">
        {months.map((m) => (
          <MonthGrid key={m} ctx={ctx} year={year} month={m} days={calendar.days(`${year}-${String(m).padStart(2, "0")}-01`, `${year}-${String(m).padStart(2, "0")}-${daysInMonth(year, m)}`)} />
        ))}
      </div>
      {p.canManage ? (
        <div class="grid2">
          <form method="post" action={`/staff/calendar/schedule?year=${year}`} class="panel" id="schedule" novalidate>
            <h2>{t("calendar.schedule.edit", { year })}</h2>
            <ErrorSummary ctx={ctx} errors={p.schedule.errors} />
            <CsrfField ctx={ctx} />
            <fieldset>
              <legend>{t("calendar.document")}</legend>
              <Field name="docNumber" label={t("calendar.doc.number")} value={sv.docNumber} required error={p.schedule.errors?.docNumber} />
              <Field name="docTitle" label={t("calendar.doc.title")} value={sv.docTitle} required error={p.schedule.errors?.docTitle} />
              <Field name="docDate" label={t("calendar.doc.date")} value={sv.docDate} required error={p.schedule.errors?.docDate} />
              <Field name="docIssuer" label={t("calendar.doc.issuer")} value={sv.docIssuer} required error={p.schedule.errors?.docIssuer} />
            </fieldset>
            <TextArea name="daysOff" label={t("calendar.schedule.daysOff")} hint={t("calendar.schedule.daysOffHint")} value={sv.daysOff} error={p.schedule.errors?.daysOff} />
            <TextArea
              name="workingDays"
              label={t("calendar.schedule.workingDays")}
              hint={t("calendar.schedule.workingDaysHint")}
              value={sv.workingDays}
              error={p.schedule.errors?.workingDays}
            />
            <button type="submit">{t("common.save")}</button>
            {effective.source === "agency" ? (
              <button type="submit" name="remove" value="1" class="secondary">
                {t("calendar.schedule.delete")}
              </button>
            ) : null}
          </form>
          <form method="post" action={`/staff/calendar/office?year=${year}`} class="panel" id="office" novalidate>
            <h2>{t("calendar.office")}</h2>
            <ErrorSummary ctx={ctx} errors={p.office.errors} />
            <CsrfField ctx={ctx} />
            <fieldset id="f-workingWeekdays">
              <legend>{t("calendar.office.weekdays")}</legend>
              {[1, 2, 3, 4, 5, 6, 7].map((wd) => (
                <label key={wd} class="cal-check">
                  <input type="checkbox" name="weekday" value={String(wd)} checked={ov.weekdays.includes(wd)} /> {t(`calendar.weekday.${wd}`)}
                </label>
              ))}
              <label class="cal-check">
                <input type="checkbox" name="saturdayMorning" value="1" checked={ov.saturdayMorning} /> {t("calendar.office.saturdayMorning")}
              </label>
            </fieldset>
            <Field name="hours" label={t("calendar.office.hours")} value={ov.hours} error={p.office.errors?.hours} />
            <Field name="receiptCutoff" label={t("calendar.office.cutoff")} hint={t("calendar.office.cutoffHint")} value={ov.cutoff} error={p.office.errors?.receiptCutoff} />
            <Field
              name="dossierCodePattern"
              label={t("calendar.office.pattern")}
              hint={t("calendar.office.patternHint")}
              value={ov.pattern}
              error={p.office.errors?.dossierCodePattern}
            />
            <button type="submit">{t("common.save")}</button>
          </form>
        </div>
      ) : null}
    </Layout>
  );
}

const YearQuery = z.object({ year: z.coerce.number().int().min(1900).max(2100).optional() });

function yearOf(req: FastifyRequest): number {
  const r = YearQuery.safeParse(req.query);
  if (!r.success) throw new HttpError(400, "calendar.year_invalid");
  return r.data.year ?? Number(new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 4));
}

async function renderPage(req: FastifyRequest, opts: { year: number; schedule?: PageProps["schedule"]; office?: PageProps["office"]; notice?: string }): Promise<VNode> {
  const user = req.user!;
  const { calendar, effective, office } = await req.tx(async (tx) => ({
    calendar: await getAgencyCalendar(tx, user.agencyId),
    effective: await getEffectiveSchedule(tx, user.agencyId, opts.year),
    office: await getAgencyOffice(tx, user.agencyId),
  }));
  return (
    <CalendarPage
      ctx={req.pageCtx()}
      year={opts.year}
      calendar={calendar}
      effective={effective}
      canManage={can(user.role, "calendar.manage")}
      schedule={opts.schedule ?? { values: scheduleFormValues(calendar, opts.year, effective) }}
      office={opts.office ?? { values: officeFormValues(office) }}
      notice={opts.notice}
    />
  );
}

type Form = Record<string, string | string[] | undefined>;

function str(form: Form, key: string): string {
  const v = form[key];
  return (Array.isArray(v) ? v[0] : v) ?? "";
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

/** Turns the schedule form into a YearSchedule, or field errors to show the form again. */
function scheduleFromForm(req: FastifyRequest, year: number, form: Form): { ok: true; schedule: YearSchedule } | { ok: false; errors: Record<string, string> } {
  const t = req.t;
  const errors: Record<string, string> = {};
  const daysOff: { date: string; reason: string; label?: { vi: string; en: string } }[] = [];
  lines(str(form, "daysOff")).forEach((line, i) => {
    const m = /^(\S+)\s+(\S+)(?:\s+(.+))?$/.exec(line);
    if (!m) {
      errors.daysOff ??= t("calendar.schedule.lineFormat", { line: i + 1 });
      return;
    }
    if (!DayOffReasonCode.safeParse(m[2]).success) {
      errors.daysOff ??= t("calendar.schedule.reasonInvalid", { line: i + 1 });
      return;
    }
    // "Tên tiếng Việt | English name"; without "|" the Vietnamese name serves both languages.
    const [vi, en] = (m[3] ?? "").split("|").map((x) => x.trim().normalize("NFC"));
    daysOff.push({ date: m[1]!, reason: m[2]!, ...(vi ? { label: { vi, en: en || vi } } : {}) });
  });
  const workingDays: { date: string; reason: string }[] = [];
  lines(str(form, "workingDays")).forEach((line, i) => {
    const m = /^(\S+)\s+(.+)$/.exec(line);
    if (!m) {
      errors.workingDays ??= t("calendar.schedule.lineFormat", { line: i + 1 });
      return;
    }
    workingDays.push({ date: m[1]!, reason: m[2]!.normalize("NFC") });
  });
  const candidate = {
    year,
    document: {
      number: str(form, "docNumber").normalize("NFC"),
      title: str(form, "docTitle").normalize("NFC"),
      date: str(form, "docDate").trim(),
      issuer: str(form, "docIssuer").normalize("NFC"),
    },
    verification: "official_text",
    daysOff,
    workingDays,
  };
  const r = safeParseCalendar(YearSchedule, candidate, req);
  if (!r.ok) {
    const field: Record<string, string> = { "document.number": "docNumber", "document.title": "docTitle", "document.date": "docDate", "document.issuer": "docIssuer" };
    for (const d of r.details) {
      const [list, index] = d.path.split(".");
      const name = field[d.path] ?? (list === "daysOff" || list === "workingDays" ? list : "_");
      const message = list === "daysOff" || list === "workingDays" ? t("calendar.schedule.line", { line: Number(index) + 1, message: d.message }) : d.message;
      errors[name] ??= message;
    }
  }
  if (Object.keys(errors).length > 0 || !r.ok) return { ok: false, errors };
  return { ok: true, schedule: r.data };
}

function officeFromForm(req: FastifyRequest, form: Form): { ok: true; office: AgencyOffice } | { ok: false; errors: Record<string, string> } {
  const raw = form.weekday;
  const weekdays = (Array.isArray(raw) ? raw : raw ? [raw] : []).map(Number);
  const hoursText = str(form, "hours").trim();
  const hours = hoursText.split(/[,;]/).map((part) => {
    const [start, end] = part.split(/[-–]/).map((s) => s.trim());
    return { start: start ?? "", end: end ?? "" };
  });
  if (hours.some((h) => parseClock(h.start) === undefined || parseClock(h.end) === undefined)) {
    return { ok: false, errors: { hours: req.t("calendar.office.hoursInvalid") } };
  }
  const cutoff = str(form, "receiptCutoff").trim();
  const pattern = str(form, "dossierCodePattern").trim();
  const saturdayMorning = str(form, "saturdayMorning") === "1";
  const candidate = {
    // A Saturday-morning desk works Saturday through saturdayMorningOnly, not as a full day.
    workingWeekdays: saturdayMorning ? weekdays.filter((d) => d !== 6) : weekdays,
    hours,
    ...(saturdayMorning ? { saturdayMorningOnly: true } : {}),
    ...(cutoff ? { receiptCutoff: cutoff } : {}),
    ...(pattern ? { dossierCodePattern: pattern } : {}),
  };
  const r = safeParseCalendar(AgencyOffice, candidate, req);
  if (r.ok) return { ok: true, office: r.data };
  const errors: Record<string, string> = {};
  for (const d of r.details) {
    const top = d.path.split(".")[0] ?? "_";
    const name = top === "workingWeekdays" ? "workingWeekdays" : top === "hours" ? "hours" : top === "receiptCutoff" ? "receiptCutoff" : top === "dossierCodePattern" ? "dossierCodePattern" : "_";
    errors[name] ??= d.message;
  }
  return { ok: false, errors };
}

export async function calendarRoutes(app: FastifyInstance): Promise<void> {
  registerCalendarApi(app);

  app.get("/staff/calendar", async (req, reply) => {
    requirePermission(req, "calendar.view");
    const year = yearOf(req);
    const q = req.query as Record<string, string>;
    const notice = q.saved === "schedule" ? req.t("calendar.schedule.saved") : q.saved === "office" ? req.t("calendar.office.saved") : q.saved === "removed" ? req.t("calendar.schedule.deleted") : undefined;
    return reply.page(await renderPage(req, { year, ...(notice ? { notice } : {}) }));
  });

  app.post("/staff/calendar/schedule", async (req, reply) => {
    const user = requirePermission(req, "calendar.manage");
    const year = yearOf(req);
    const form = (req.body ?? {}) as Form;
    const actor = { userId: user.id, label: user.username };
    if (str(form, "remove") === "1") {
      await req.tx((tx) => deleteSchedule(tx, { agencyId: user.agencyId, year, actor }));
      return reply.code(303).redirect(`/staff/calendar?year=${year}&saved=removed`);
    }
    const parsed = scheduleFromForm(req, year, form);
    if (!parsed.ok) {
      const values: ScheduleFormValues = {
        docNumber: str(form, "docNumber"),
        docTitle: str(form, "docTitle"),
        docDate: str(form, "docDate"),
        docIssuer: str(form, "docIssuer"),
        daysOff: str(form, "daysOff"),
        workingDays: str(form, "workingDays"),
      };
      return reply.page(await renderPage(req, { year, schedule: { values, errors: parsed.errors } }), 400);
    }
    await req.tx(async (tx) => {
      // The form edits days and the main document; a schedule under the same document keeps its
      // related documents and note (e.g. a shipped schedule the administrator adjusts).
      const previous = (await getEffectiveSchedule(tx, user.agencyId, year)).schedule;
      const keep = previous && previous.document.number === parsed.schedule.document.number;
      const schedule: YearSchedule = keep
        ? {
            ...parsed.schedule,
            ...(previous.relatedDocuments ? { relatedDocuments: previous.relatedDocuments } : {}),
            ...(previous.note ? { note: previous.note } : {}),
          }
        : parsed.schedule;
      await saveSchedule(tx, { agencyId: user.agencyId, schedule, actor });
    });
    return reply.code(303).redirect(`/staff/calendar?year=${year}&saved=schedule#schedule`);
  });

  app.post("/staff/calendar/office", async (req, reply) => {
    const user = requirePermission(req, "calendar.manage");
    const year = yearOf(req);
    const form = (req.body ?? {}) as Form;
    const parsed = officeFromForm(req, form);
    if (!parsed.ok) {
      const raw = form.weekday;
      const values: OfficeFormValues = {
        weekdays: (Array.isArray(raw) ? raw : raw ? [raw] : []).map(Number),
        hours: str(form, "hours"),
        saturdayMorning: str(form, "saturdayMorning") === "1",
        cutoff: str(form, "receiptCutoff"),
        pattern: str(form, "dossierCodePattern"),
      };
      return reply.page(await renderPage(req, { year, office: { values, errors: parsed.errors } }), 400);
    }
    await req.tx(async (tx) => {
      // The page does not edit per-weekday hours (API only): keep them.
      const current = await getAgencyOffice(tx, user.agencyId);
      const office = current.hoursByWeekday ? { ...parsed.office, hoursByWeekday: current.hoursByWeekday } : parsed.office;
      await saveAgencyOffice(tx, { agencyId: user.agencyId, office, actor: { userId: user.id, label: user.username } });
    });
    return reply.code(303).redirect(`/staff/calendar?year=${year}&saved=office#office`);
  });
}
