import type { FastifyInstance } from "fastify";
import { can, canAccess } from "../domain/auth/permissions";
import { AUDIT_ACCESS } from "../modules/audit/routes";
import { pendingMigrations } from "../db/migrate";
import { countCommunesBelow, findAgencyByCode } from "../modules/agencies/agencies";
import { openApiDocument } from "./api";
import type { PageCtx } from "./context";
import { notFound, requirePermission } from "./http";
import { formatNumber } from "./i18n";
import { type DashboardCard, getDashboardPanels, getDashboardSources, getHomeSections } from "./registry";
import type { VNode } from "preact";
import type { FastifyRequest } from "fastify";
import { type AlternateLink, ASSET_VERSION, Layout } from "./views/layout";
import { publicBaseUrl } from "../config";
import type { Agency } from "../modules/agencies/agencies";
import type { Tx } from "../db/scope";
import type { Role } from "../domain/auth/roles";

/** The agency whose public portal "/" shows (set by `seed --demo` or an administrator). */
export async function siteAgency(app: FastifyInstance): Promise<Agency | undefined> {
  return app.deps.db.system(async (tx) => {
    const s = await tx.maybeOne<{ value: string }>("select value #>> '{}' as value from app_settings where key = 'site_agency_code'");
    return s ? findAgencyByCode(tx, s.value) : undefined;
  });
}

function HomePage({ ctx, agency, communes, sections, alternates }: { ctx: PageCtx; agency?: Agency; communes?: { code: string; unit_name: string }[]; sections?: VNode[]; alternates?: AlternateLink[] }) {
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={agency ? agency.name : t("app.name")} alternates={alternates}>
      <h1>{agency ? agency.name : t("app.name")}</h1>
      <p class="lead">{agency ? t("home.intro", { name: agency.unit_name }) : t("app.tagline")}</p>
      <div class="grid2">
        <section class="panel" aria-labelledby="track-h">
          <h2 id="track-h">{t("home.track.title")}</h2>
          <form method="get" action="/track">
            <div class="field">
              <label for="track-code">{t("home.track.code")}</label>
              <p class="hint">{t("home.track.help")}</p>
              <input id="track-code" name="code" autoComplete="off" maxLength={60} required />
            </div>
            <div class="field">
              <label for="track-phone">{t("home.track.phone")}</label>
              <input id="track-phone" name="phone" type="text" inputMode="numeric" pattern="[0-9]{4}" autoComplete="off" maxLength={4} required />
            </div>
            <button type="submit">{t("home.track.submit")}</button>
          </form>
        </section>
        <section class="panel" aria-labelledby="search-h">
          <h2 id="search-h">{t("home.search.label")}</h2>
          <form method="get" action="/procedures" role="search">
            <div class="field">
              <label for="home-q">{t("home.search.label")}</label>
              <input id="home-q" name="q" type="search" placeholder={t("home.search.placeholder")} maxLength={200} />
            </div>
            {agency ? <input type="hidden" name="agency" value={agency.code} /> : null}
            <button type="submit">{t("home.search.submit")}</button>
          </form>
        </section>
      </div>
      {sections}
      {agency ? (
        <section aria-labelledby="contact-h">
          <h2 id="contact-h">{t("home.contact")}</h2>
          <dl>
            {agency.address ? (
              <>
                <dt>{t("home.address")}</dt>
                <dd>{agency.address}</dd>
              </>
            ) : null}
            {agency.phone ? (
              <>
                <dt>{t("home.phone")}</dt>
                <dd>{agency.phone}</dd>
              </>
            ) : null}
            {agency.working_hours ? (
              <>
                <dt>{t("home.hours")}</dt>
                <dd>{agency.working_hours}</dd>
              </>
            ) : null}
          </dl>
        </section>
      ) : null}
      {communes && communes.length > 0 ? (
        <section aria-labelledby="communes-h">
          <h2 id="communes-h">{t("home.communes")}</h2>
          <ul>
            {communes.map((c) => (
              <li key={c.code}>
                <a href={`/c/${encodeURIComponent(c.code)}`}>{c.unit_name}</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}

async function homeSections(req: FastifyRequest, agency: Agency): Promise<VNode[]> {
  return req.tx(async (tx) => {
    const out: VNode[] = [];
    for (const s of getHomeSections()) {
      const v = await s.render({ req, tx, agency: { id: agency.id, code: agency.code, name: agency.name, unitName: agency.unit_name } });
      if (v) out.push(v);
    }
    return out;
  });
}

function homeAlternates(req: FastifyRequest, agency: Agency): AlternateLink[] {
  return getHomeSections().flatMap((s) => s.alternates?.({ req, agency: { code: agency.code, name: agency.name } }) ?? []);
}

async function coreCards(tx: Tx, agencyId: number, role: Role): Promise<DashboardCard[]> {
  const staff = await tx.one<{ n: number }>("select count(*) as n from users where agency_id = $1 and role <> 'citizen' and active", [agencyId]);
  const audit = await tx.one<{ n: number }>(
    "select count(*) as n from audit_log where agency_id = $1 and at >= date_trunc('day', now() at time zone 'Asia/Ho_Chi_Minh') at time zone 'Asia/Ho_Chi_Minh'",
    [agencyId],
  );
  const cards: DashboardCard[] = [
    { labelKey: "dashboard.staffCount", value: staff.n },
    { labelKey: "dashboard.auditToday", value: audit.n, ...(canAccess(role, AUDIT_ACCESS) ? { href: "/staff/audit" } : {}) },
  ];
  if (can(role, "province.supervise")) cards.push({ labelKey: "dashboard.communes", value: await countCommunesBelow(tx, agencyId), href: "/staff/supervision" });
  return cards;
}

const READY_TIMEOUT_MS = 2000;

export async function coreRoutes(app: FastifyInstance): Promise<void> {
  app.get("/healthz", async () => ({ status: "ok" }));
  // Clients that look for the icon at the conventional address (feed readers, bookmarks) find the SVG.
  app.get("/favicon.ico", async (_req, reply) => reply.code(301).redirect(`/assets/favicon.svg?v=${ASSET_VERSION}`));

  app.get("/readyz", async (_req, reply) => {
    if (app.deps.draining) return reply.code(503).send({ status: "shutting_down" });
    try {
      // A database that does not answer (a failover under way, a lost network) is unreachable
      // within two seconds, not whenever the connection attempt gives up.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("database did not answer")), READY_TIMEOUT_MS);
      });
      await Promise.race([app.deps.db.pool.query("select 1"), late]).finally(() => clearTimeout(timer));
      const pending = await pendingMigrations(app.deps.db.pool);
      if (pending.length > 0) return reply.code(503).send({ status: "migrations_pending", pending });
      return { status: "ready" };
    } catch {
      return reply.code(503).send({ status: "database_unreachable" });
    }
  });

  app.get("/api/v1/openapi.json", async () => openApiDocument(app, { version: app.deps.version, baseUrl: publicBaseUrl(app.deps.config) }));

  app.get("/", async (req, reply) => {
    const agency = await siteAgency(app);
    const communes = agency
      ? undefined
      : await req.tx((tx) => tx.query<{ code: string; unit_name: string }>("select code, unit_name from agencies where kind = 'province' order by unit_name"));
    const sections = agency ? await homeSections(req, agency) : [];
    return reply.page(<HomePage ctx={req.pageCtx()} agency={agency} communes={communes} sections={sections} alternates={agency ? homeAlternates(req, agency) : []} />);
  });

  app.get("/c/:code", async (req, reply) => {
    const { code } = req.params as { code: string };
    const agency = await req.tx((tx) => findAgencyByCode(tx, code));
    if (!agency) throw notFound();
    const communes = await req.tx((tx) =>
      tx.query<{ code: string; unit_name: string }>("select code, unit_name from agencies where parent_id = $1 order by unit_name limit 500", [agency.id]),
    );
    const sections = await homeSections(req, agency);
    return reply.page(<HomePage ctx={req.pageCtx()} agency={agency} communes={communes} sections={sections} alternates={homeAlternates(req, agency)} />);
  });

  app.get("/staff", async (req, reply) => {
    const user = requirePermission(req, "staff.dashboard");
    const { cards, panels } = await req.tx(async (tx) => {
      const all = await coreCards(tx, user.agencyId, user.role);
      for (const source of getDashboardSources()) all.push(...(await source(req, tx)));
      const shown: VNode[] = [];
      for (const panel of getDashboardPanels()) {
        const v = await panel.render({ req, tx });
        if (v) shown.push(v);
      }
      return { cards: all, panels: shown };
    });
    const ctx = req.pageCtx();
    const t = ctx.t;
    return reply.page(
      <Layout ctx={ctx} title={t("dashboard.title")} area="staff">
        <h1>{t("dashboard.welcome", { name: user.fullName })}</h1>
        <p class="lead">
          {t(`role.${user.role}`)} · {user.agencyName}
        </p>
        <h2>{t("dashboard.title")}</h2>
        <ul class="cards">
          {cards.map((c) => (
            <li key={c.labelKey} class={`card ${c.tone ?? ""}`}>
              <span class="num">{typeof c.value === "number" ? formatNumber(c.value) : c.value}</span>
              {c.href ? <a href={c.href}>{t(c.labelKey)}</a> : <span>{t(c.labelKey)}</span>}
            </li>
          ))}
        </ul>
        {panels}
        <p>
          <a href="/account/password">{t("nav.password")}</a>
          {can(user.role, "agency.edit") ? (
            <>
              {" · "}
              <a href="/staff/agency">{t("agency.settings")}</a>
            </>
          ) : null}
        </p>
      </Layout>,
    );
  });
}
