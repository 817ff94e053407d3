// Stored results of the offering rule (src/domain/catalog/offering.ts) and the catalog's desk time
// limit, per procedure, so that lists and the agency_offering() function need no JSON parsing.
// Written by every import for the procedures it touches, and at start for procedures computed by
// an older version of the rule.
import { defaultOffer, OFFERING_RULE_VERSION } from "../../domain/catalog/offering";
import type { Procedure } from "../../domain/catalog/model";
import { catalogDeskTerms } from "../../domain/catalog/terms";
import type { Tx } from "../../db/scope";

const CHUNK = 500;

/** Recomputes the defaults of the given procedures, or of every one computed by an older rule. Returns how many. */
export async function refreshProcedureDefaults(tx: Tx, opts: { procedureIds?: readonly number[] } = {}): Promise<number> {
  const rows = await tx.query<{ id: number; content: Procedure }>(
    `select p.id, v.content from procedures p
     join lateral (select content from procedure_versions where procedure_id = p.id order by version_no desc limit 1) v on true
     where ${opts.procedureIds ? "p.id = any($1::int[])" : "p.offering_rule_version < $1"}`,
    [opts.procedureIds ? [...opts.procedureIds] : OFFERING_RULE_VERSION],
  );
  for (let i = 0; i < rows.length; i += CHUNK) {
    const values = rows.slice(i, i + CHUNK).map((r) => {
      const d = defaultOffer(r.content);
      return { id: r.id, offered: d.offered, level: d.onlineLevel, reason: d.reason, time_limit: catalogDeskTerms(r.content).timeLimit };
    });
    // updated_at is not bumped: the search index does not depend on these columns.
    await tx.exec(
      `update procedures p set commune_default = x.offered, default_online_level = x.level, offer_reason = x.reason,
         catalog_time_limit = x.time_limit, offering_rule_version = $2
       from jsonb_to_recordset($1::jsonb) as x(id int, offered boolean, level text, reason text, time_limit jsonb)
       where p.id = x.id`,
      [JSON.stringify(values), OFFERING_RULE_VERSION],
    );
  }
  return rows.length;
}
