// Versioning of procedures across re-imports: a content hash decides whether a re-imported
// record is a new version, and a field diff feeds the "sửa đổi, bổ sung" announcement.
import { createHash } from "node:crypto";
import { CHANNEL_LABELS, FEE_BASIS_LABELS, type Fee, PROCEDURE_FIELD_LABELS, type Procedure } from "./model";

/** JSON with sorted keys, so two equal procedures hash equally whatever their key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 of the content. The source URL is left out: the portal re-issues URLs without
 * changing the procedure, and that must not announce a new version.
 */
export function procedureContentHash(p: Procedure): string {
  const { sourceUrl: _ignored, ...content } = p;
  return createHash("sha256").update(stableJson(content)).digest("hex");
}

export type ProcedureChange = {
  field: keyof Procedure;
  label_vi: string;
  before: string;
  after: string;
};

const vnd = (n: number) => `${n.toLocaleString("de-DE")} đồng`;

function feeText(f: Fee): string {
  switch (f.kind) {
    case "free":
      return "Miễn phí";
    case "unknown":
      return "Không có thông tin";
    case "local":
      return "Theo mức do HĐND tỉnh quy định";
    case "fixed":
      return `${vnd(f.amountVnd)}${f.per ? `/${FEE_BASIS_LABELS[f.per]}` : ""}${f.capVnd !== null ? ` (tối đa ${vnd(f.capVnd)})` : ""}`;
    case "foreign":
      return `${f.amount} ${f.currency}`;
    case "unparsed":
      return f.text;
  }
}

/** One line per element, so the announcement reads like the portal's own page. */
function render(field: keyof Procedure, p: Procedure): string {
  switch (field) {
    case "channels":
      return p.channels
        .map((c) => `${CHANNEL_LABELS[c.channel]}: ${c.timeLimitText ?? "không rõ thời hạn"}; ${c.fees.map(feeText).join(", ")}`)
        .join("\n");
    case "documents":
      return p.documents
        .flatMap((g) => [
          ...(g.case ? [`${g.case}:`] : []),
          ...g.items.map((d) => `- ${d.name} (${d.copies.original} bản chính, ${d.copies.copy} bản sao)`),
        ])
        .join("\n");
    case "legalBasis":
      return p.legalBasis.map((l) => (l.number && l.number !== l.title ? `${l.title} (${l.number})` : l.title)).join("\n");
    default: {
      const value = p[field];
      if (Array.isArray(value)) return value.join("\n");
      return value === null ? "" : String(value);
    }
  }
}

/** Fields that changed between two versions, with Vietnamese labels and readable values. */
export function diffProcedures(before: Procedure, after: Procedure): ProcedureChange[] {
  const changes: ProcedureChange[] = [];
  for (const field of Object.keys(PROCEDURE_FIELD_LABELS) as (keyof Procedure)[]) {
    if (stableJson(before[field]) === stableJson(after[field])) continue;
    let b = render(field, before);
    let a = render(field, after);
    // Structured fields can differ where the rendering does not (a note, a template file).
    if (a === b) {
      b = stableJson(before[field]);
      a = stableJson(after[field]);
    }
    changes.push({ field, label_vi: PROCEDURE_FIELD_LABELS[field], before: b, after: a });
  }
  return changes;
}
