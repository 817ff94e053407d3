// Text PostgreSQL cannot store never reaches it. A NUL character (U+0000) in any string of the
// query, the path parameters, a form or a JSON body is refused here with a 400 naming the field,
// once for every route, instead of reaching the database as error 22021 (a 500). The multipart
// reader applies the same check to the fields it reads (src/modules/dossiers/route-support.ts).

/** The first place in a value (path like "applicant.fullName" or "items[3]") holding a NUL, if any. */
export function findNul(value: unknown, path = "", depth = 0): string | undefined {
  if (depth > 64) return undefined;
  if (typeof value === "string") return value.includes("\u0000") ? path || "_" : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = findNul(value[i], `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const here = path ? `${path}.${k}` : k;
      if (k.includes("\u0000")) return here;
      const p = findNul(v, here, depth + 1);
      if (p) return p;
    }
  }
  return undefined;
}

/** Deepest nesting of arrays and objects, stopping at `limit + 1`. */
export function depthOf(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || !value || typeof value !== "object") return depth;
  let max = depth;
  for (const v of Array.isArray(value) ? value : Object.values(value as Record<string, unknown>)) {
    max = Math.max(max, depthOf(v, limit, depth + 1));
    if (max > limit) break;
  }
  return max;
}

/** No form or API body of this product nests deeper than this. */
export const MAX_BODY_DEPTH = 32;
