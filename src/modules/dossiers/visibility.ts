/**
 * Which dossiers a member of staff sees: those their own agency holds, or that another agency
 * transferred to it (liên thông). Row-level security confines a transaction to the caller's scope —
 * a province supervisor's scope covers its communes — and this rule confines staff reads further:
 * a dossier carries a citizen's personal data, which only the agency handling it sees. The dossier
 * pages and API, the slips and the register (Mẫu 06) all select through it, so a dossier that does
 * not open for someone is in none of their downloads either.
 *
 * `alias` is the dossiers table's alias in the query, `agencyParam` the placeholder of the caller's
 * agency id ("$1").
 */
export function visibleToAgency(alias: string, agencyParam: string): string {
  return `(${alias}.agency_id = ${agencyParam} or ${alias}.transfer_agency_id = ${agencyParam})`;
}

/** Of two matches (the holder's own dossier and one transferred in with the same code), the own one first. */
export function ownFirst(alias: string, agencyParam: string): string {
  return `(${alias}.agency_id = ${agencyParam}) desc`;
}
