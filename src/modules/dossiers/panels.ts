// Sections other modules add to the pages of one dossier (fees and payments, signed results,
// digitised documents…), so that the dossier pages need one line each, not an edit per capability.
// A panel is given only what the page already proved: the page has checked who may see the dossier
// (staff scope, the citizen's own account, code + phone digits, or the confirmation token).
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { VNode } from "preact";

/** The staff dossier page, the citizen's own dossier, the public tracking page, the confirmation after online submission. */
export type DossierPlace = "staff" | "citizen" | "tracking" | "submitted";

export type DossierPanelContext = {
  app: FastifyInstance;
  req: FastifyRequest;
  place: DossierPlace;
  /** The dossier's code as stored (canonical). */
  code: string;
  /** Tracking: the phone digits the visitor proved; submitted: the confirmation token. */
  proof?: { phoneLast4?: string; token?: string };
};

export type DossierPanel = { order: number; places: readonly DossierPlace[]; render: (c: DossierPanelContext) => Promise<VNode | null> };

const panels: DossierPanel[] = [];

export function registerDossierPanel(panel: DossierPanel): void {
  panels.push(panel);
  panels.sort((a, b) => a.order - b.order);
}

/** The panels of a place, rendered; a panel that fails is left out (logged), the page still shows. */
export async function dossierPanels(c: DossierPanelContext): Promise<VNode[]> {
  const out: VNode[] = [];
  for (const p of panels) {
    if (!p.places.includes(c.place)) continue;
    try {
      const v = await p.render(c);
      if (v) out.push(v);
    } catch (e) {
      c.req.log.error({ err: e }, "dossier panel failed");
    }
  }
  return out;
}
