// Where an issued document goes (issue 16): each line of "Nơi nhận" is an agency of the
// installation — the document lands in that agency's incoming register — or a recipient outside
// it (a Party committee, the mass organisations, the commune's own bodies), which gets the paper
// copy; the last line, "Lưu: VT", is the file copy and goes nowhere.
import { fold } from "../text/fold";

/** An agency a document may be sent to through the system, by the name documents use for it. */
export type RouteCandidate = { id: number; unitName: string };

export type Route = { line: string; channel: "system"; agencyId: number } | { line: string; channel: "paper" } | { line: string; channel: "file" };

const words = (s: string) => fold(s).replace(/[^a-z0-9]+/g, " ").trim();

/**
 * Routes each line to the candidate whose name it contains as whole words ("UBND tỉnh Thái
 * Nguyên (b/c)" → Tỉnh Thái Nguyên), the longest name first; `self` (the sender) is never a
 * system recipient — a line naming it is its own distribution, on paper.
 */
export function routeRecipients(lines: readonly string[], candidates: readonly RouteCandidate[], self?: RouteCandidate): Route[] {
  const named = [...candidates, ...(self ? [self] : [])]
    .map((c) => ({ c, key: ` ${words(c.unitName)} ` }))
    .filter((x) => x.key.trim().length > 0)
    .sort((a, b) => b.key.length - a.key.length);
  return lines
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line): Route => {
      if (/^lưu\s*:/iu.test(line)) return { line, channel: "file" };
      const text = ` ${words(line)} `;
      const hit = named.find((x) => text.includes(x.key));
      if (!hit || (self && hit.c.id === self.id)) return { line, channel: "paper" };
      return { line, channel: "system", agencyId: hit.c.id };
    });
}

/** One delivery per agency, however many lines name it (UBND tỉnh and Sở Nội vụ of one installation agency). */
export function deliveries(routes: readonly Route[]): { agencyId: number; line: string }[] {
  const byAgency = new Map<number, string[]>();
  for (const r of routes) if (r.channel === "system") byAgency.set(r.agencyId, [...(byAgency.get(r.agencyId) ?? []), r.line]);
  return [...byAgency].map(([agencyId, ls]) => ({ agencyId, line: ls.join(" ").slice(0, 300) }));
}
