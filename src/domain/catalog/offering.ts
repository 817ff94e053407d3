// Which procedures a commune offers by default. The national catalog's "commune level" set also
// holds procedures that other bodies carry out in the commune (commune police, tax, customs,
// social insurance, the treasury…); the commune People's Committee's one-stop desk receives only
// its own. Since 1 July 2025 (two-tier local government) the commune People's Committee also
// carries out what the district used to (Nghị định 120/2025/NĐ-CP for civil status, Nghị định
// 121/2025/NĐ-CP on the division of powers), so a district body named by an older record does not
// take a procedure away from the commune when the field is the commune's own.
import { fold } from "../text/fold";
import type { OnlineLevel, Procedure } from "./model";

/**
 * Fields whose procedures the commune People's Committee itself carries out (Bộ Tư pháp's civil
 * status, certification, adoption, grassroots mediation; poverty lists; household businesses,
 * registered by the commune since 1 July 2025). Data, not code: a province can ship its own.
 */
export const COMMUNE_COMMITTEE_FIELDS = [
  "Hộ tịch",
  "Chứng thực",
  "Nuôi con nuôi",
  "Hòa giải ở cơ sở",
  "Giảm nghèo",
  "Bồi thường nhà nước",
  "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)",
] as const satisfies readonly string[];

// The commune People's Committee, its chair, or one of its own offices, as the catalog names them:
// "Ủy ban Nhân dân xã, phường, thị trấn", "UBND cấp xã", "Chủ tịch Ủy ban nhân dân xã",
// "Cơ quan chuyên môn … thuộc UBND cấp xã", "Cơ quan quản lý đất đai cấp xã", "Công chức tư pháp - hộ tịch".
const COMMITTEE = /(?:uy ban nhan dan|ubnd)(?: cap)? (?:xa|phuong)|chu tich (?:uy ban nhan dan|ubnd)(?: cap)? xa|thuoc (?:uy ban nhan dan|ubnd)(?: cap)? xa|co quan quan ly dat dai cap xa|cong chuc (?:tu phap|dia chinh|van hoa)/;

export const OFFER_REASONS = ["field", "executing_agency", "competent_agency", "other_agency", "not_commune_level"] as const;
export type OfferReason = (typeof OFFER_REASONS)[number];

export type DefaultOffer = { offered: boolean; reason: OfferReason; onlineLevel: OnlineLevel };

/**
 * Fields the national portal serves end to end (toàn trình) for communes. Others with an online
 * channel are partial (submit online, collect in person).
 */
export const FULL_ONLINE_FIELDS = ["Hộ tịch", "Chứng thực", "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)"] as const satisfies readonly string[];

function namesCommittee(text: string | null): boolean {
  return text !== null && COMMITTEE.test(fold(text).replace(/[\s.,;:-]+/g, " "));
}

/** The online level a commune starts from: none without an online channel in the catalog. */
export function defaultOnlineLevel(p: Pick<Procedure, "channels" | "field">): OnlineLevel {
  if (!p.channels.some((c) => c.channel === "online")) return "none";
  return (FULL_ONLINE_FIELDS as readonly string[]).includes(p.field) ? "full" : "partial";
}

/**
 * Whether a commune offers the procedure unless its administrator decides otherwise, and why
 * (shown on the staff page). Never guesses from the name: field first, then the agencies named.
 */
export function defaultOffer(p: Pick<Procedure, "levels" | "field" | "executingAgency" | "competentAgency" | "channels">): DefaultOffer {
  const onlineLevel = defaultOnlineLevel(p);
  const no = (reason: OfferReason): DefaultOffer => ({ offered: false, reason, onlineLevel: "none" });
  if (!p.levels.some((l) => fold(l) === "cap xa")) return no("not_commune_level");
  if ((COMMUNE_COMMITTEE_FIELDS as readonly string[]).includes(p.field)) return { offered: true, reason: "field", onlineLevel };
  if (namesCommittee(p.executingAgency)) return { offered: true, reason: "executing_agency", onlineLevel };
  if (p.executingAgency === null && namesCommittee(p.competentAgency)) return { offered: true, reason: "competent_agency", onlineLevel };
  return no("other_agency");
}

/** Bump when the rule changes: stored defaults computed by an older rule are recomputed at start. */
export const OFFERING_RULE_VERSION = 1;
