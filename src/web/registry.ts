import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Access } from "../domain/auth/permissions";
import type { Tx } from "../db/scope";

/**
 * Extension points the modules fill in, so the shell (navigation, dashboard) needs no edit when a
 * capability is added: a module registers its nav entries and dashboard figures at import time.
 */
/** `permission` is what the page's route checks (see Access): the entry shows to exactly those it lets in. */
export type NavItem = { href: string; labelKey: string; area: "public" | "staff"; permission?: Access; order: number };
const navItems: NavItem[] = [];
export function registerNav(...items: NavItem[]): void {
  navItems.push(...items);
  navItems.sort((a, b) => a.order - b.order);
}
export function getNav(): readonly NavItem[] {
  return navItems;
}

export type DashboardCard = { labelKey: string; value: number | string; href?: string; tone?: "normal" | "warn" | "bad" };
export type DashboardSource = (req: FastifyRequest, tx: Tx) => Promise<DashboardCard[]>;
const dashboardSources: DashboardSource[] = [];
export function registerDashboard(source: DashboardSource): void {
  dashboardSources.push(source);
}
export function getDashboardSources(): readonly DashboardSource[] {
  return dashboardSources;
}

/**
 * Larger pieces of the staff dashboard (charts), shown under the figures. A panel returns null
 * when it has nothing for this user (a role without the permission, an agency without data).
 */
export type DashboardPanel = { order: number; render: (ctx: { req: FastifyRequest; tx: Tx }) => Promise<import("preact").VNode | null> };
const dashboardPanels: DashboardPanel[] = [];
export function registerDashboardPanel(panel: DashboardPanel): void {
  dashboardPanels.push(panel);
  dashboardPanels.sort((a, b) => a.order - b.order);
}
export function getDashboardPanels(): readonly DashboardPanel[] {
  return dashboardPanels;
}

export type ModulePlugin = (app: FastifyInstance) => Promise<void>;

/** Sections a module adds to a commune's public home page (latest news, announcements…). */
export type HomeSection = {
  order: number;
  render: (ctx: { req: FastifyRequest; tx: Tx; agency: { id: number; code: string; name: string; unitName: string } }) => Promise<import("preact").VNode | null>;
  /** Feeds the section's content is also published as: the home page announces them to feed readers. */
  alternates?: (ctx: { req: FastifyRequest; agency: { code: string; name: string } }) => import("./views/layout").AlternateLink[];
};
const homeSections: HomeSection[] = [];
export function registerHomeSection(section: HomeSection): void {
  homeSections.push(section);
  homeSections.sort((a, b) => a.order - b.order);
}
export function getHomeSections(): readonly HomeSection[] {
  return homeSections;
}
