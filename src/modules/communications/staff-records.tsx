import type { FastifyInstance, FastifyRequest } from "fastify";
import { AUDIENCES, ConferenceInput, IsoDate, Period, SIGNAGE_KINDS, SignageCheckInput, SignageInput } from "../../domain/communications/schemas";
import type { CommunicationsSummary } from "../../domain/reports/contracts";
import type { PageCtx } from "../../web/context";
import { asHttpError, HttpError, parseForm, requireAccess, requireUser } from "../../web/http";
import { formatDate, formatNumber } from "../../web/i18n";
import { CsrfField, ErrorSummary, Field, Layout } from "../../web/views/layout";
import { type Conference, createConference, listConferences } from "./conferences";
import { readForm } from "./multipart";
import { addSignageCheck, createSignage, listSignage, removeSignage, type Signage } from "./signage";
import { actingOf } from "./staff-items";
import { communicationsByMonth, communicationsSummary } from "./summary";
import { SummaryCharts } from "./summary-charts";
import { FileInput, Notice, Select, SubNav, TextArea, todayLocal } from "./views";
import { COMM_ACCESS } from "./access";

function SignagePage(p: { ctx: PageCtx; rows: Signage[]; place?: string | undefined; errors?: Record<string, string> | undefined; values?: Record<string, string>; notice?: string | undefined }) {
  const { ctx } = p;
  const t = ctx.t;
  const v = p.values ?? { installedOn: todayLocal(), quantity: "1" };
  const byPlace = new Map<string, Signage[]>();
  for (const r of p.rows) byPlace.set(r.place, [...(byPlace.get(r.place) ?? []), r]);
  return (
    <Layout ctx={ctx} title={t("communications.signage")} area="staff">
      <SubNav ctx={ctx} />
      <h1>{t("communications.signage")}</h1>
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <form method="get" action="/staff/communications/signage" class="search-row no-print">
        <Field name="place" label={t("communications.signage.filterPlace")} value={p.place} />
        <button type="submit">{t("common.search")}</button>
      </form>
      {[...byPlace].map(([place, rows]) => (
        <section key={place}>
          <h2>{place}</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t("communications.signage.kind")}</th>
                  <th>{t("communications.signage.title")}</th>
                  <th>{t("communications.signage.size")}</th>
                  <th>{t("communications.signage.installedOn")}</th>
                  <th>{t("communications.signage.removedOn")}</th>
                  <th>{t("communications.signage.lastCheck")}</th>
                  <th class="no-print">{t("communications.signage.check")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>
                      {t(`communications.signage.kind.${r.kind}`)}
                      {r.quantity > 1 ? ` × ${r.quantity}` : ""}
                    </td>
                    <td>
                      {r.title}
                      {r.text ? <div class="muted">{r.text}</div> : null}
                      {r.photo_file_id ? <img src={`/media/communications/${r.photo_file_id}/thumb`} alt="" class="comm-thumb" loading="lazy" /> : null}
                    </td>
                    <td>{r.size ?? ""}</td>
                    <td>{formatDate(r.installed_on)}</td>
                    <td>{r.removed_on ? formatDate(r.removed_on) : <span class="tag ok">{t("communications.signage.standing")}</span>}</td>
                    <td>{r.last_check_on ? `${formatDate(r.last_check_on)}: ${t(`communications.signage.condition.${r.last_condition}`)}` : "—"}</td>
                    <td class="no-print">
                      {r.removed_on ? null : (
                        <>
                          <form method="post" action={`/staff/communications/signage/${r.id}/check`}>
                            <CsrfField ctx={ctx} />
                            <input type="hidden" name="checkedOn" value={todayLocal()} />
                            <select name="condition" aria-label={t("communications.signage.check")}>
                              {["good", "worn", "damaged", "missing"].map((c) => (
                                <option key={c} value={c}>
                                  {t(`communications.signage.condition.${c}`)}
                                </option>
                              ))}
                            </select>
                            <button type="submit" class="secondary">
                              {t("communications.signage.check")}
                            </button>
                          </form>
                          <form method="post" action={`/staff/communications/signage/${r.id}/remove`}>
                            <CsrfField ctx={ctx} />
                            <input type="date" name="removedOn" value={todayLocal()} aria-label={t("communications.signage.removedOn")} />
                            <button type="submit" class="secondary">
                              {t("communications.signage.remove")}
                            </button>
                          </form>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
      {p.rows.length === 0 ? <p>{t("common.none")}</p> : null}
      <section class="panel no-print" aria-labelledby="add-sign-h">
        <h2 id="add-sign-h">{t("communications.signage.add")}</h2>
        <ErrorSummary ctx={ctx} errors={p.errors} />
        <form method="post" action="/staff/communications/signage" enctype="multipart/form-data" novalidate>
          <CsrfField ctx={ctx} />
          <Select name="kind" label={t("communications.signage.kind")} value={v.kind} options={SIGNAGE_KINDS.map((k) => ({ value: k, label: t(`communications.signage.kind.${k}`) }))} />
          <Field name="title" label={t("communications.signage.title")} value={v.title} required error={p.errors?.title} />
          <TextArea name="text" label={t("communications.signage.text")} value={v.text} rows={3} error={p.errors?.text} />
          <Field name="place" label={t("communications.signage.place")} value={v.place} required error={p.errors?.place} />
          <Field name="lat" label={t("communications.signage.lat")} value={v.lat} inputMode="text" error={p.errors?.lat} />
          <Field name="lng" label={t("communications.signage.lng")} value={v.lng} inputMode="text" error={p.errors?.lng} />
          <Field name="size" label={t("communications.signage.size")} value={v.size} error={p.errors?.size} />
          <Field name="quantity" type="number" label={t("communications.signage.quantity")} value={v.quantity} error={p.errors?.quantity} />
          <Field name="installedOn" type="date" label={t("communications.signage.installedOn")} value={v.installedOn} required error={p.errors?.installedOn} />
          <Field name="removedOn" type="date" label={t("communications.signage.removedOn")} value={v.removedOn} error={p.errors?.removedOn} />
          <FileInput name="photo" label={t("communications.signage.photo")} accept="image/jpeg,image/png,image/webp" />
          <button type="submit">{t("common.save")}</button>
        </form>
      </section>
    </Layout>
  );
}

function ConferencesPage(p: { ctx: PageCtx; rows: Conference[]; errors?: Record<string, string> | undefined; values?: Record<string, string>; notice?: string | undefined }) {
  const { ctx } = p;
  const t = ctx.t;
  const v = p.values ?? { date: todayLocal(), kind: "conference", audience: "officials", attendees: "0" };
  return (
    <Layout ctx={ctx} title={t("communications.conferences")} area="staff">
      <SubNav ctx={ctx} />
      <h1>{t("communications.conferences")}</h1>
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      {p.rows.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("communications.conference.date")}</th>
                <th>{t("communications.conference.topic")}</th>
                <th>{t("communications.conference.organiser")}</th>
                <th>{t("communications.conference.audience")}</th>
                <th>{t("communications.conference.attendees")}</th>
                <th>{t("communications.conference.materials")}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((c) => (
                <tr key={c.id}>
                  <td>{formatDate(c.date)}</td>
                  <td>
                    <span class="tag">{t(`communications.conference.kind.${c.kind}`)}</span> {c.topic}
                    {c.minutes ? <details><summary>{t("communications.conference.minutes")}</summary><p>{c.minutes}</p></details> : null}
                  </td>
                  <td>{c.organiser}</td>
                  <td>{t(`communications.conference.audience.${c.audience}`)}</td>
                  <td>{formatNumber(c.attendees)}</td>
                  <td>
                    {c.files.map((f) => (
                      <div key={f.id}>
                        <a href={`/media/communications/${f.id}`}>{f.name}</a>
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{t("common.none")}</p>
      )}
      <section class="panel no-print" aria-labelledby="add-conf-h">
        <h2 id="add-conf-h">{t("communications.conference.add")}</h2>
        <ErrorSummary ctx={ctx} errors={p.errors} />
        <form method="post" action="/staff/communications/conferences" enctype="multipart/form-data" novalidate>
          <CsrfField ctx={ctx} />
          <Select name="kind" label={t("communications.f.kind")} value={v.kind} options={["conference", "briefing"].map((k) => ({ value: k, label: t(`communications.conference.kind.${k}`) }))} />
          <Field name="date" type="date" label={t("communications.conference.date")} value={v.date} required error={p.errors?.date} />
          <Field name="topic" label={t("communications.conference.topic")} value={v.topic} required error={p.errors?.topic} />
          <Field name="organiser" label={t("communications.conference.organiser")} value={v.organiser} required error={p.errors?.organiser} />
          <Select name="audience" label={t("communications.conference.audience")} value={v.audience} options={AUDIENCES.map((a) => ({ value: a, label: t(`communications.conference.audience.${a}`) }))} />
          <Field name="attendees" type="number" label={t("communications.conference.attendees")} value={v.attendees} required error={p.errors?.attendees} />
          <TextArea name="minutes" label={t("communications.conference.minutes")} value={v.minutes} rows={5} error={p.errors?.minutes} />
          <FileInput name="materials" label={t("communications.conference.materials")} multiple accept=".pdf,.doc,.docx,.xls,.xlsx,.pptx,.zip" />
          <button type="submit">{t("common.save")}</button>
        </form>
      </section>
    </Layout>
  );
}

export function SummaryTable({ ctx, s }: { ctx: PageCtx; s: CommunicationsSummary }) {
  const t = ctx.t;
  const n = formatNumber;
  return (
    <table>
      <tbody>
        {s.itemsByColumn.map((c) => (
          <tr key={c.columnSlug}>
            <th scope="row">
              {t("communications.summary.items")}: {c.columnName}
            </th>
            <td>{n(c.items)}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">{t("communications.summary.items")}</th>
          <td>{n(s.itemsTotal)}</td>
        </tr>
        <tr>
          <th scope="row">{t("communications.summary.announcements")}</th>
          <td>
            {n(s.procedureAnnouncements.new)} / {n(s.procedureAnnouncements.amended)} / {n(s.procedureAnnouncements.abolished)}
          </td>
        </tr>
        <tr>
          <th scope="row">{t("communications.summary.broadcasts")}</th>
          <td>
            {n(s.broadcasts.count)} / {n(s.broadcasts.minutes)}
          </td>
        </tr>
        <tr>
          <th scope="row">{t("communications.summary.signageInstalled")}</th>
          <td>{n(s.signage.installed)}</td>
        </tr>
        <tr>
          <th scope="row">{t("communications.summary.signageStanding")}</th>
          <td>{n(s.signage.standing)}</td>
        </tr>
        {s.signage.byPlace.map((p) => (
          <tr key={p.place}>
            <th scope="row">
              {t("communications.signage.place")}: {p.place}
            </th>
            <td>
              {n(p.count)} ({p.kinds.map((k) => t(`communications.signage.kind.${k}`)).join(", ")})
            </td>
          </tr>
        ))}
        <tr>
          <th scope="row">{t("communications.summary.conferences")}</th>
          <td>
            {n(s.conferences.count)} / {n(s.conferences.attendees)}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function defaultPeriod(): { from: string; to: string } {
  const today = todayLocal();
  const y = today.slice(0, 4);
  return today.slice(5) <= "06-30" ? { from: `${y}-01-01`, to: `${y}-06-30` } : { from: `${y}-07-01`, to: `${y}-12-31` };
}

export async function staffRecordRoutes(app: FastifyInstance): Promise<void> {
  const signagePage = async (req: FastifyRequest, extra: { errors?: Record<string, string>; values?: Record<string, string> } = {}, status = 200) => {
    const u = requireAccess(req, COMM_ACCESS.signage);
    const q = req.query as Record<string, string>;
    const place = q.place?.trim() || undefined;
    const rows = await req.tx((tx) => listSignage(tx, { agencyId: u.agencyId, place }));
    return { page: <SignagePage ctx={req.pageCtx()} rows={rows} place={place} notice={q.saved ? req.t("communications.saved") : undefined} {...extra} />, status };
  };

  app.get("/staff/communications/signage", async (req, reply) => {
    const r = await signagePage(req);
    return reply.page(r.page);
  });

  app.post("/staff/communications/signage", async (req, reply) => {
    requireAccess(req, COMM_ACCESS.signage);
    const form = await readForm(req);
    const parsed = parseForm(SignageInput, form.fields, req);
    if (parsed.ok) {
      try {
        await req.tx((tx) => createSignage(tx, { acting: actingOf(req), input: parsed.data, photo: form.files.photo?.[0] }));
        return reply.code(303).redirect("/staff/communications/signage?saved=1");
      } catch (e) {
        const he = asHttpError(e);
        if (!he || he.status >= 500) throw e;
        const r = await signagePage(req, { errors: { photo: req.t(he.messageKey, he.vars) }, values: form.fields });
        return reply.page(r.page, he.status);
      }
    }
    const r = await signagePage(req, { errors: parsed.errors, values: form.fields });
    return reply.page(r.page, 400);
  });

  const idOf = (req: FastifyRequest) => {
    const id = Number((req.params as { id: string }).id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, "error.404.body");
    return id;
  };

  app.post("/staff/communications/signage/:id/check", async (req, reply) => {
    requireAccess(req, COMM_ACCESS.signage);
    const parsed = parseForm(SignageCheckInput, req.body, req);
    if (!parsed.ok) throw new HttpError(400, "error.validation", undefined, Object.entries(parsed.errors).map(([path, message]) => ({ path, message })));
    await req.tx((tx) => addSignageCheck(tx, { acting: actingOf(req), id: idOf(req), input: parsed.data }));
    return reply.code(303).redirect("/staff/communications/signage?saved=1");
  });

  app.post("/staff/communications/signage/:id/remove", async (req, reply) => {
    requireAccess(req, COMM_ACCESS.signage);
    const removedOn = IsoDate.safeParse((req.body as Record<string, unknown>)?.removedOn);
    if (!removedOn.success) throw new HttpError(400, "communications.err.date");
    await req.tx((tx) => removeSignage(tx, { acting: actingOf(req), id: idOf(req), removedOn: removedOn.data }));
    return reply.code(303).redirect("/staff/communications/signage?saved=1");
  });

  const conferencesPage = async (req: FastifyRequest, extra: { errors?: Record<string, string>; values?: Record<string, string> } = {}) => {
    const u = requireAccess(req, COMM_ACCESS.conferences);
    const rows = await req.tx((tx) => listConferences(tx, { agencyId: u.agencyId }));
    const saved = (req.query as Record<string, string>).saved;
    return <ConferencesPage ctx={req.pageCtx()} rows={rows} notice={saved ? req.t("communications.saved") : undefined} {...extra} />;
  };

  app.get("/staff/communications/conferences", async (req, reply) => reply.page(await conferencesPage(req)));

  app.post("/staff/communications/conferences", async (req, reply) => {
    requireAccess(req, COMM_ACCESS.conferences);
    const form = await readForm(req);
    const parsed = parseForm(ConferenceInput, form.fields, req);
    if (!parsed.ok) return reply.page(await conferencesPage(req, { errors: parsed.errors, values: form.fields }), 400);
    try {
      await req.tx((tx) => createConference(tx, { acting: actingOf(req), input: parsed.data, materials: form.files.materials ?? [] }));
    } catch (e) {
      const he = asHttpError(e);
      if (!he || he.status >= 500) throw e;
      return reply.page(await conferencesPage(req, { errors: { materials: req.t(he.messageKey, he.vars) }, values: form.fields }), he.status);
    }
    return reply.code(303).redirect("/staff/communications/conferences?saved=1");
  });

  app.get("/staff/communications/summary", async (req, reply) => {
    const u = requireUser(req);
    requireAccess(req, COMM_ACCESS.summary);
    const q = req.query as Record<string, string>;
    const parsed = parseForm(Period, q.from || q.to ? { from: q.from, to: q.to } : defaultPeriod(), req);
    const ctx = req.pageCtx();
    const t = ctx.t;
    const period = parsed.ok ? parsed.data : { from: q.from ?? "", to: q.to ?? "" };
    const figures = parsed.ok
      ? await req.tx(async (tx) => {
          const p = { agencyId: u.agencyId, ...parsed.data };
          return { summary: await communicationsSummary(tx, p), months: await communicationsByMonth(tx, p) };
        })
      : undefined;
    return reply.page(
      <Layout ctx={ctx} title={t("communications.summary")} area="staff">
        <SubNav ctx={ctx} />
        <h1>{t("communications.summary")}</h1>
        <form method="get" action="/staff/communications/summary" class="search-row no-print">
          <Field name="from" type="date" label={t("communications.summary.from")} value={period.from} />
          <Field name="to" type="date" label={t("communications.summary.to")} value={period.to} error={parsed.ok ? undefined : Object.values(parsed.errors)[0]} />
          <button type="submit">{t("communications.show")}</button>
        </form>
        {figures ? (
          <>
            <SummaryTable ctx={ctx} s={figures.summary} />
            <SummaryCharts ctx={ctx} s={figures.summary} months={figures.months} />
          </>
        ) : null}
      </Layout>,
      parsed.ok ? 200 : 400,
    );
  });
}
