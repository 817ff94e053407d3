import type { FastifyInstance, FastifyRequest } from "fastify";
import { addDays, endTime, weekStart } from "../../domain/communications/radio";
import { BulletinInput, IsoDate, Period, SlotInput } from "../../domain/communications/schemas";
import type { PageCtx } from "../../web/context";
import { asHttpError, HttpError, parseForm, requireAccess } from "../../web/http";
import { formatDate, formatNumber } from "../../web/i18n";
import { CsrfField, ErrorSummary, Field, Layout } from "../../web/views/layout";
import { broadcastTotals, type Bulletin, createBulletin, createSlot, deleteSlot, draftBulletinFromItem, getBulletin, listBulletins, listSlots, makeSpokenVersion, type Slot } from "./radio";
import { actingOf } from "./staff-items";
import { Notice, Select, SubNav, TextArea, todayLocal } from "./views";
import { COMM_ACCESS } from "./access";

export function weekOf(q: unknown): string {
  const w = (q as Record<string, unknown>).week;
  return typeof w === "string" && IsoDate.safeParse(w).success ? weekStart(w) : weekStart(todayLocal());
}

/** The week's slots as a table; staff and public pages share it. */
export function ProgrammeTable({ ctx, slots, audioBase, editable }: { ctx: PageCtx; slots: Slot[]; audioBase: string; editable?: boolean }) {
  const t = ctx.t;
  if (!slots.length) return <p>{t("communications.radio.none")}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{t("communications.radio.date")}</th>
            <th>{t("communications.radio.time")}</th>
            <th>{t("communications.radio.duration")}</th>
            <th>{t("communications.radio.topic")}</th>
            <th class="no-print">{t("communications.radio.bulletin")}</th>
          </tr>
        </thead>
        <tbody>
          {slots.map((s) => (
            <tr key={s.id}>
              <td>{formatDate(s.date)}</td>
              <td>
                {s.time}–{endTime({ date: s.date, time: s.time, durationMinutes: s.duration_minutes })}
              </td>
              <td>{s.duration_minutes}</td>
              <td>
                {s.topic}
                {s.item_title ? <div class="muted">{s.item_title}</div> : null}
              </td>
              <td class="no-print">
                {s.bulletin_title ? <div>{s.bulletin_title}</div> : null}
                {s.audio_file_id ? (
                  <audio controls preload="none" src={`${audioBase}${s.audio_file_id}`}>
                    <track kind="captions" srcLang="vi" label="Tiếng Việt" src={`${audioBase}${s.audio_file_id}/captions`} />
                  </audio>
                ) : null}
                {editable ? (
                  <form method="post" action={`/staff/communications/radio/slots/${s.id}/delete`}>
                    <CsrfField ctx={ctx} />
                    <button type="submit" class="secondary">
                      {t("communications.radio.deleteSlot")}
                    </button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RadioPage(p: { ctx: PageCtx; week: string; slots: Slot[]; bulletins: Bulletin[]; totals: { count: number; minutes: number }; period: { from: string; to: string; count: number; minutes: number } | { error: string }; errors?: Record<string, string> | undefined; values?: Record<string, string>; notice?: string | undefined }) {
  const { ctx } = p;
  const t = ctx.t;
  const v = p.values ?? { date: p.week, time: "06:00", durationMinutes: "15" };
  return (
    <Layout ctx={ctx} title={t("communications.radio.programme")} area="staff">
      <SubNav ctx={ctx} />
      <h1>{t("communications.radio.programme")}</h1>
      <p class="lead">{t("communications.radio.week", { from: formatDate(p.week), to: formatDate(addDays(p.week, 6)) })}</p>
      <p class="no-print">
        <a href={`/staff/communications/radio?week=${addDays(p.week, -7)}`}>{t("communications.radio.prevWeek")}</a> ·{" "}
        <a href={`/staff/communications/radio?week=${addDays(p.week, 7)}`}>{t("communications.radio.nextWeek")}</a> ·{" "}
        <a href={`/c/${encodeURIComponent(ctx.user?.agencyCode ?? "")}/radio/print?week=${p.week}`}>{t("communications.radio.print")}</a>
      </p>
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <ProgrammeTable ctx={ctx} slots={p.slots} audioBase="/media/communications/" editable />
      <p>{t("communications.radio.totals", { count: formatNumber(p.totals.count), minutes: formatNumber(p.totals.minutes) })}</p>
      <section aria-labelledby="add-slot-h" class="panel">
        <h2 id="add-slot-h">{t("communications.radio.addSlot")}</h2>
        <ErrorSummary ctx={ctx} errors={p.errors} />
        <form method="post" action="/staff/communications/radio/slots" novalidate>
          <CsrfField ctx={ctx} />
          <Field name="date" type="date" label={t("communications.radio.date")} value={v.date} required error={p.errors?.date} />
          <Field name="time" type="time" label={t("communications.radio.time")} value={v.time} required error={p.errors?.time} />
          <Field name="durationMinutes" type="number" inputMode="numeric" label={t("communications.radio.duration")} value={v.durationMinutes} required error={p.errors?.durationMinutes} />
          <Field name="topic" label={t("communications.radio.topic")} value={v.topic} required maxLength={300} error={p.errors?.topic} />
          <Select name="bulletinId" label={t("communications.radio.bulletin")} value={v.bulletinId} options={[{ value: "", label: "—" }, ...p.bulletins.map((b) => ({ value: b.id, label: b.title }))]} />
          <button type="submit">{t("communications.radio.addSlot")}</button>
        </form>
      </section>
      <section aria-labelledby="period-h">
        <h2 id="period-h">{t("communications.radio.period")}</h2>
        <form method="get" action="/staff/communications/radio" class="search-row">
          <input type="hidden" name="week" value={p.week} />
          <Field name="from" type="date" label={t("communications.summary.from")} value={"from" in p.period ? p.period.from : ""} />
          <Field name="to" type="date" label={t("communications.summary.to")} value={"to" in p.period ? p.period.to : ""} />
          <button type="submit">{t("communications.show")}</button>
        </form>
        {"error" in p.period ? <p class="error">{p.period.error}</p> : <p>{t("communications.radio.totals", { count: formatNumber(p.period.count), minutes: formatNumber(p.period.minutes) })}</p>}
      </section>
      <section aria-labelledby="bulletins-h">
        <h2 id="bulletins-h">{t("communications.radio.bulletins")}</h2>
        <p>
          <a class="button" href="/staff/communications/radio/bulletins/new">
            {t("communications.radio.newBulletin")}
          </a>
        </p>
        <ul>
          {p.bulletins.map((b) => (
            <li key={b.id}>
              <a href={`/staff/communications/radio/bulletins/${b.id}`}>{b.title}</a>
              {b.audio_seconds ? ` · ${Math.round(b.audio_seconds)} s` : ""}
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}

function BulletinForm({ ctx, values, errors }: { ctx: PageCtx; values: Record<string, string | undefined>; errors?: Record<string, string> | undefined }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t("communications.radio.newBulletin")} area="staff">
      <SubNav ctx={ctx} />
      <h1>{t("communications.radio.newBulletin")}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action="/staff/communications/radio/bulletins" class="panel" novalidate>
        <CsrfField ctx={ctx} />
        {values.itemId ? <input type="hidden" name="itemId" value={values.itemId} /> : null}
        <Field name="title" label={t("communications.f.title")} value={values.title} required maxLength={300} error={errors?.title} />
        <TextArea name="text" label={t("communications.radio.text")} value={values.text} rows={14} required error={errors?.text} />
        <button type="submit">{t("common.save")}</button>
      </form>
    </Layout>
  );
}

function BulletinPage({ ctx, bulletin, notice, error }: { ctx: PageCtx; bulletin: Bulletin; notice?: string | undefined; error?: string | undefined }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={bulletin.title} area="staff">
      <SubNav ctx={ctx} />
      <h1>{bulletin.title}</h1>
      {notice ? <Notice>{notice}</Notice> : null}
      {error ? <p class="error">{error}</p> : null}
      {bulletin.audio_file_id ? (
        <p>
          <audio controls preload="none" src={`/media/communications/${bulletin.audio_file_id}`}>
            <track kind="captions" srcLang="vi" label="Tiếng Việt" src={`/media/communications/${bulletin.audio_file_id}/captions`} />
          </audio>
          <br />
          {t("communications.radio.spoken", { seconds: Math.round(bulletin.audio_seconds ?? 0), kb: Math.round((bulletin.audio_size ?? 0) / 1024) })}
        </p>
      ) : (
        <p>{t("communications.radio.noAudio")}</p>
      )}
      <form method="post" action={`/staff/communications/radio/bulletins/${bulletin.id}/speak`} class="no-print">
        <CsrfField ctx={ctx} />
        <button type="submit">{t("communications.radio.speak")}</button>
      </form>
      <div class="comm-bulletin">
        {bulletin.text.split("\n").map((l, i) => (
          <p key={i}>{l}</p>
        ))}
      </div>
    </Layout>
  );
}

export async function staffRadioRoutes(app: FastifyInstance): Promise<void> {
  const load = async (req: FastifyRequest) => {
    const u = requireAccess(req, COMM_ACCESS.radio);
    const week = weekOf(req.query);
    const q = req.query as Record<string, string>;
    return req.tx(async (tx) => {
      const slots = await listSlots(tx, { agencyId: u.agencyId, from: week, to: addDays(week, 6) });
      const bulletins = await listBulletins(tx, u.agencyId);
      const totals = await broadcastTotals(tx, { agencyId: u.agencyId, from: week, to: addDays(week, 6) });
      let period: { from: string; to: string; count: number; minutes: number } | { error: string } = { from: week, to: addDays(week, 6), ...totals };
      if (q.from || q.to) {
        const pr = parseForm(Period, { from: q.from, to: q.to }, req);
        period = pr.ok ? { ...pr.data, ...(await broadcastTotals(tx, { agencyId: u.agencyId, ...pr.data })) } : { error: Object.values(pr.errors)[0] ?? req.t("error.validation") };
      }
      return { week, slots, bulletins, totals, period };
    });
  };

  app.get("/staff/communications/radio", async (req, reply) => {
    const data = await load(req);
    const notice = (req.query as Record<string, string>).saved ? req.t("communications.saved") : undefined;
    return reply.page(<RadioPage ctx={req.pageCtx()} {...data} notice={notice} />);
  });

  app.post("/staff/communications/radio/slots", async (req, reply) => {
    requireAccess(req, COMM_ACCESS.radio);
    const values = req.body as Record<string, string>;
    const parsed = parseForm(SlotInput, values, req);
    let errors: Record<string, string> | undefined;
    let status = 400;
    if (parsed.ok) {
      try {
        await req.tx((tx) => createSlot(tx, { acting: actingOf(req), input: parsed.data }));
        return reply.code(303).redirect(`/staff/communications/radio?week=${weekStart(parsed.data.date)}&saved=1`);
      } catch (e) {
        const he = asHttpError(e);
        if (!he || he.status >= 500) throw e;
        errors = { _: req.t(he.messageKey, he.vars) };
        status = he.status;
      }
    } else errors = parsed.errors;
    (req.query as Record<string, string>).week = values.date ?? "";
    const data = await load(req);
    return reply.page(<RadioPage ctx={req.pageCtx()} {...data} values={values} errors={errors} />, status);
  });

  app.post("/staff/communications/radio/slots/:id/delete", async (req, reply) => {
    requireAccess(req, COMM_ACCESS.radio);
    const id = Number((req.params as { id: string }).id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, "error.404.body");
    await req.tx((tx) => deleteSlot(tx, { acting: actingOf(req), id }));
    return reply.code(303).redirect("/staff/communications/radio?saved=1");
  });

  app.get("/staff/communications/radio/bulletins/new", async (req, reply) => {
    requireAccess(req, COMM_ACCESS.radio);
    const itemId = Number((req.query as Record<string, string>).item);
    let values: Record<string, string | undefined> = {};
    if (Number.isSafeInteger(itemId) && itemId > 0) {
      const draft = await req.tx((tx) => draftBulletinFromItem(tx, itemId));
      values = { ...draft, itemId: String(itemId) };
    }
    return reply.page(<BulletinForm ctx={req.pageCtx()} values={values} />);
  });

  app.post("/staff/communications/radio/bulletins", async (req, reply) => {
    requireAccess(req, COMM_ACCESS.radio);
    const values = req.body as Record<string, string>;
    const parsed = parseForm(BulletinInput, values, req);
    if (!parsed.ok) return reply.page(<BulletinForm ctx={req.pageCtx()} values={values} errors={parsed.errors} />, 400);
    const id = await req.tx((tx) => createBulletin(tx, { acting: actingOf(req), input: parsed.data }));
    return reply.code(303).redirect(`/staff/communications/radio/bulletins/${id}?saved=1`);
  });

  const bulletinId = (req: FastifyRequest) => {
    const id = Number((req.params as { id: string }).id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, "error.404.body");
    return id;
  };

  app.get("/staff/communications/radio/bulletins/:id", async (req, reply) => {
    const u = requireAccess(req, COMM_ACCESS.radio);
    const b = await req.tx((tx) => getBulletin(tx, bulletinId(req)));
    if (b.agency_id !== u.agencyId) throw new HttpError(404, "error.404.body");
    const notice = (req.query as Record<string, string>).saved ? req.t("communications.saved") : undefined;
    return reply.page(<BulletinPage ctx={req.pageCtx()} bulletin={b} notice={notice} />);
  });

  app.post("/staff/communications/radio/bulletins/:id/speak", async (req, reply) => {
    requireAccess(req, COMM_ACCESS.radio);
    const id = bulletinId(req);
    await makeSpokenVersion((fn) => req.tx(fn), { acting: actingOf(req), id });
    return reply.code(303).redirect(`/staff/communications/radio/bulletins/${id}?saved=1`);
  });
}
