// The yearly review of a procedure (rà soát, đánh giá thủ tục hành chính) under Nghị định
// 63/2010/NĐ-CP (Điều 28–30, as amended by Nghị định 92/2017/NĐ-CP) and Thông tư 02/2017/TT-VPCP,
// whose review form (Biểu mẫu 02/RS-KSTT) asks, for each part of the procedure, whether it is
// necessary, reasonable and lawful, and what should change and why. Pure: the parts, the answers'
// shape, what a complete review is, and each part's current content read from the catalog.
import { z } from "zod";
import { CHANNEL_LABELS, type Procedure } from "./model";
import type { EffectiveTerms } from "./terms";

/** The parts of a procedure the form goes through, in the order of the published procedure. */
export const REVIEW_PARTS = [
  "name",
  "steps",
  "channels",
  "documents",
  "timeLimit",
  "applicants",
  "agency",
  "result",
  "fees",
  "forms",
  "conditions",
  "legalBasis",
] as const;
export type ReviewPart = (typeof REVIEW_PARTS)[number];

/** The words of the form and of the documents (a state document has words, not codes). */
export const REVIEW_PART_WORDS = {
  name: "Tên thủ tục hành chính",
  steps: "Trình tự thực hiện",
  channels: "Cách thức thực hiện",
  documents: "Thành phần, số lượng hồ sơ",
  timeLimit: "Thời hạn giải quyết",
  applicants: "Đối tượng thực hiện",
  agency: "Cơ quan thực hiện",
  result: "Kết quả thực hiện",
  fees: "Phí, lệ phí",
  forms: "Mẫu đơn, mẫu tờ khai",
  conditions: "Yêu cầu, điều kiện",
  legalBasis: "Căn cứ pháp lý",
} as const satisfies Record<ReviewPart, string>;

/** The three questions the form asks of each part. */
export const REVIEW_CRITERIA = ["necessary", "reasonable", "lawful"] as const;
export type ReviewCriterion = (typeof REVIEW_CRITERIA)[number];
export const REVIEW_CRITERION_WORDS = { necessary: "Cần thiết", reasonable: "Hợp lý", lawful: "Hợp pháp" } as const satisfies Record<ReviewCriterion, string>;

export const Answer = z.enum(["yes", "no"]).nullable();
export type Answer = z.infer<typeof Answer>;

const text = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) => s.normalize("NFC").trim());

export const PartAssessment = z.object({
  necessary: Answer.default(null),
  reasonable: Answer.default(null),
  lawful: Answer.default(null),
  /** The proposed change ("" = keep as it is). */
  proposal: text(4000).default(""),
  reason: text(4000).default(""),
});
export type PartAssessment = z.infer<typeof PartAssessment>;

export const EMPTY_PART: PartAssessment = { necessary: null, reasonable: null, lawful: null, proposal: "", reason: "" };

export const Assessment = z.partialRecord(z.enum(REVIEW_PARTS), PartAssessment);
export type Assessment = z.infer<typeof Assessment>;

/** What the review concludes for the procedure as a whole. */
export const CONCLUSIONS = ["keep", "amend", "abolish", "replace"] as const;
export type Conclusion = (typeof CONCLUSIONS)[number];
export const CONCLUSION_WORDS = {
  keep: "Giữ nguyên",
  amend: "Sửa đổi, bổ sung",
  abolish: "Bãi bỏ",
  replace: "Thay thế",
} as const satisfies Record<Conclusion, string>;

export function partOf(a: Assessment, part: ReviewPart): PartAssessment {
  return a[part] ?? EMPTY_PART;
}

/** Parts whose three questions are all answered, out of all twelve. */
export function answeredParts(a: Assessment): number {
  return REVIEW_PARTS.filter((p) => REVIEW_CRITERIA.every((c) => partOf(a, p)[c] !== null)).length;
}

/** The parts with a proposed change. */
export function proposedChanges(a: Assessment): { part: ReviewPart; proposal: string; reason: string }[] {
  return REVIEW_PARTS.map((part) => ({ part, ...partOf(a, part) }))
    .filter((p) => p.proposal !== "")
    .map(({ part, proposal, reason }) => ({ part, proposal, reason }));
}

export type ReviewProblem = { part: ReviewPart | "conclusion" | "cost"; key: string; vars?: Record<string, string> };

/**
 * What keeps a review from being complete: a question left unanswered, a "no" without a
 * proposal and its reason (the form asks why), a proposal without its reason, no conclusion, a
 * conclusion to change nothing with proposals (or the reverse), no cost line.
 */
export function reviewProblems(r: { assessment: Assessment; conclusion: Conclusion | null; costLines: number }): ReviewProblem[] {
  const out: ReviewProblem[] = [];
  for (const part of REVIEW_PARTS) {
    const a = partOf(r.assessment, part);
    if (REVIEW_CRITERIA.some((c) => a[c] === null)) out.push({ part, key: "reviews.problem.unanswered" });
    else if (REVIEW_CRITERIA.some((c) => a[c] === "no") && a.proposal === "") out.push({ part, key: "reviews.problem.noProposal" });
    if (a.proposal !== "" && a.reason === "") out.push({ part, key: "reviews.problem.noReason" });
  }
  if (r.conclusion === null) out.push({ part: "conclusion", key: "reviews.problem.noConclusion" });
  else if (r.conclusion === "keep" && proposedChanges(r.assessment).length > 0) out.push({ part: "conclusion", key: "reviews.problem.keepWithProposals" });
  else if (r.conclusion === "amend" && proposedChanges(r.assessment).length === 0) out.push({ part: "conclusion", key: "reviews.problem.amendWithout" });
  if (r.costLines === 0) out.push({ part: "cost", key: "reviews.problem.noCost" });
  return out;
}

const joinLines = (xs: readonly string[]) => xs.filter(Boolean).join("\n");

/** Each part's content as the procedure stands (the version in force, with the agency's own terms). */
export function currentContent(p: Procedure, terms: EffectiveTerms | null, words: { timeLimit: string; fees: string }): Record<ReviewPart, string> {
  const templates = p.documents.flatMap((g) => g.items.flatMap((i) => i.templates.map((t) => t.fileName)));
  return {
    name: p.name,
    steps: joinLines(p.steps),
    channels: joinLines(p.channels.map((c) => `${CHANNEL_LABELS[c.channel]}${c.timeLimitText ? `: ${c.timeLimitText}` : ""}${c.description ? ` — ${c.description}` : ""}`)),
    documents: terms
      ? joinLines(terms.requirements.groups.flatMap((g) => g.items.filter((i) => i.kind !== "form").map((i) => `${g.title ? `${g.title}: ` : ""}${i.name}`)))
      : joinLines(p.documents.flatMap((g) => g.items.map((i) => i.name))),
    timeLimit: words.timeLimit,
    applicants: p.applicants.join("; "),
    agency: joinLines([p.executingAgency ? `Cơ quan thực hiện: ${p.executingAgency}` : "", p.competentAgency ? `Cơ quan có thẩm quyền: ${p.competentAgency}` : ""]),
    result: p.result ?? "",
    fees: words.fees,
    forms: templates.length ? joinLines([...new Set(templates)]) : "",
    conditions: p.conditions ?? "",
    legalBasis: joinLines(p.legalBasis.map((l) => (l.number ? `${l.title} (${l.number})` : l.title))),
  };
}
