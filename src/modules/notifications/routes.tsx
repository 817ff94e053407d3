import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { publicBaseUrl } from "../../config";
import { registerJob } from "../../jobs/queue";
import { defineApi } from "../../web/api";
import { parseWith, redirect, requirePermission } from "../../web/http";
import { formatDateTime, registerMessages } from "../../web/i18n";
import { registerDashboard, registerNav } from "../../web/registry";
import { CsrfField, Layout } from "../../web/views/layout";
import { onDossierEvent } from "../dossiers/events";
import { configureNotifications, handleDossierEvent, handleDossierEvents, notificationBaseUrl } from "./dossier-notify";
import { deliverPending, recordSmsDeliveryReport } from "./outbox";
import { runOverdueSweep } from "./sweep";
import { transportsFromEnv } from "./transports";

registerMessages({
  vi: {
    "notifications.title": "Thông báo",
    "notifications.unread": "Thông báo chưa đọc",
    "notifications.tasks": "Việc cần làm",
    "notifications.none": "Không có thông báo.",
    "notifications.markRead": "Đánh dấu đã đọc",
    "notifications.markAllRead": "Đánh dấu tất cả đã đọc",
    "notifications.markDone": "Đã xong",
    "notifications.open": "Mở",
    "notifications.task": "Việc cần làm",
    "notifications.done": "Đã xong",
  },
  en: {
    "notifications.title": "Notifications",
    "notifications.unread": "Unread notifications",
    "notifications.tasks": "Open tasks",
    "notifications.none": "No notifications.",
    "notifications.markRead": "Mark as read",
    "notifications.markAllRead": "Mark all as read",
    "notifications.markDone": "Done",
    "notifications.open": "Open",
    "notifications.task": "Task",
    "notifications.done": "Done",
  },
});

registerNav({ href: "/staff/notifications", labelKey: "notifications.title", area: "staff", permission: "staff.dashboard", order: 12 });

registerDashboard(async (req, tx) => {
  if (!req.user) return [];
  const r = await tx.one<{ unread: number; tasks: number }>(
    "select count(*) filter (where read_at is null)::int as unread, count(*) filter (where is_task and done_at is null)::int as tasks from staff_notifications where user_id = $1",
    [req.user.id],
  );
  const cards: { labelKey: string; value: number; href: string; tone: "normal" | "warn" }[] = [
    { labelKey: "notifications.unread", value: r.unread, href: "/staff/notifications", tone: r.unread > 0 ? "warn" : "normal" },
  ];
  if (r.tasks > 0) cards.push({ labelKey: "notifications.tasks", value: r.tasks, href: "/staff/notifications", tone: "warn" });
  return cards;
});

onDossierEvent(handleDossierEvent, { many: handleDossierEvents });

registerJob({
  name: "notifications.deliver",
  cron: "* * * * *",
  run: async ({ db }) => {
    await deliverPending(db, transportsFromEnv(process.env, notificationBaseUrl()), { includeDemo: process.env.NOTIFY_DEMO_AGENCIES === "1" });
  },
});

registerJob({
  name: "dossiers.overdue-sweep",
  cron: "*/15 * * * *",
  run: async ({ db }) => {
    await runOverdueSweep(db, new Date());
  },
});

type NoticeRow = { id: number; kind: string; title: string; body: string; href: string | null; is_task: boolean; created_at: Date; read_at: Date | null; done_at: Date | null };

const IdParams = z.object({ id: z.coerce.number().int().positive() });

// eSMS delivery report (GET with query parameters).
const DeliveryReport = z.object({
  SMSID: z.string().min(1).max(100),
  SendStatus: z.string().regex(/^\d{1,2}$/),
  RequestId: z.string().min(1).max(100),
});

export async function notificationsRoutes(app: FastifyInstance): Promise<void> {
  configureNotifications({ baseUrl: publicBaseUrl(app.deps.config) });

  app.get("/staff/notifications", async (req, reply) => {
    const user = requirePermission(req, "staff.dashboard");
    const rows = await req.tx((tx) =>
      tx.query<NoticeRow>(
        "select id, kind, title, body, href, is_task, created_at, read_at, done_at from staff_notifications where user_id = $1 order by (is_task and done_at is null) desc, created_at desc, id desc limit 200",
        [user.id],
      ),
    );
    const ctx = req.pageCtx();
    const t = ctx.t;
    return reply.page(
      <Layout ctx={ctx} title={t("notifications.title")} area="staff">
        <h1>{t("notifications.title")}</h1>
        {rows.some((r) => !r.read_at) && (
          <form method="post" action="/staff/notifications/read-all">
            <CsrfField ctx={ctx} />
            <button type="submit">{t("notifications.markAllRead")}</button>
          </form>
        )}
        {rows.length === 0 ? (
          <p>{t("notifications.none")}</p>
        ) : (
          <ul class="notice-list">
            {rows.map((r) => (
              <li key={r.id} class={r.read_at ? "notice read" : "notice unread"}>
                <p>
                  {r.is_task && <strong>{r.done_at ? `[${t("notifications.done")}] ` : `[${t("notifications.task")}] `}</strong>}
                  {r.href ? <a href={r.href}>{r.title}</a> : <strong>{r.title}</strong>}
                  <br />
                  <small>
                    {formatDateTime(r.created_at)} — {r.body}
                  </small>
                </p>
                {!r.read_at && (
                  <form method="post" action={`/staff/notifications/${r.id}/read`} class="inline">
                    <CsrfField ctx={ctx} />
                    <button type="submit" class="link">
                      {t("notifications.markRead")}
                    </button>
                  </form>
                )}
                {r.is_task && !r.done_at && (
                  <form method="post" action={`/staff/notifications/${r.id}/done`} class="inline">
                    <CsrfField ctx={ctx} />
                    <button type="submit" class="link">
                      {t("notifications.markDone")}
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        )}
      </Layout>,
    );
  });

  // RLS lets a user update only their own notifications; the user_id condition makes it explicit.
  app.post("/staff/notifications/read-all", async (req, reply) => {
    const user = requirePermission(req, "staff.dashboard");
    await req.tx((tx) => tx.exec("update staff_notifications set read_at = now() where user_id = $1 and read_at is null", [user.id]));
    return redirect(reply, "/staff/notifications");
  });

  app.post("/staff/notifications/:id/read", async (req, reply) => {
    const user = requirePermission(req, "staff.dashboard");
    const { id } = parseWith(IdParams, req.params, req);
    await req.tx((tx) => tx.exec("update staff_notifications set read_at = coalesce(read_at, now()) where id = $1 and user_id = $2", [id, user.id]));
    return redirect(reply, "/staff/notifications");
  });

  app.post("/staff/notifications/:id/done", async (req, reply) => {
    const user = requirePermission(req, "staff.dashboard");
    const { id } = parseWith(IdParams, req.params, req);
    await req.tx((tx) =>
      tx.exec("update staff_notifications set done_at = coalesce(done_at, now()), read_at = coalesce(read_at, now()) where id = $1 and user_id = $2 and is_task", [id, user.id]),
    );
    return redirect(reply, "/staff/notifications");
  });

  defineApi(app, {
    method: "GET",
    url: "/api/v1/notifications",
    summary: "The signed-in officer's notifications (newest first) and the unread count",
    tags: ["notifications"],
    auth: "staff.dashboard",
    response: z.object({
      unread: z.number(),
      items: z.array(z.object({ id: z.number(), kind: z.string(), title: z.string(), body: z.string(), href: z.string().nullable(), isTask: z.boolean(), createdAt: z.string(), read: z.boolean() })),
    }),
    handler: async ({ req }) => {
      const rows = await req.tx((tx) =>
        tx.query<NoticeRow>("select id, kind, title, body, href, is_task, created_at, read_at, done_at from staff_notifications where user_id = $1 order by created_at desc, id desc limit 100", [
          req.user!.id,
        ]),
      );
      return {
        unread: rows.filter((r) => !r.read_at).length,
        items: rows.map((r) => ({ id: r.id, kind: r.kind, title: r.title, body: r.body, href: r.href, isTask: r.is_task, createdAt: r.created_at.toISOString(), read: Boolean(r.read_at) })),
      };
    },
  });

  // Delivery reports of the SMS gateway (eSMS protocol). Public by nature; trusted only when the
  // SMSID and the random RequestId both match a message we sent.
  app.get("/hooks/sms/esms", { config: { rateLimit: { max: 600, timeWindow: "1 minute" } } }, async (req, reply) => {
    const parsed = DeliveryReport.safeParse(req.query);
    if (!parsed.success) return reply.code(400).send({ ok: false });
    const ok = await recordSmsDeliveryReport(app.deps.db, { smsId: parsed.data.SMSID, requestId: parsed.data.RequestId, sendStatus: parsed.data.SendStatus });
    return reply.code(ok ? 200 : 404).send({ ok });
  });
}
