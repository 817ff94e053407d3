// A plan (kế hoạch) as an administrative document in the layout of Nghị định 30/2020/NĐ-CP, drawn
// by the same DOCX and PDF renderers as the reports: "KẾ HOẠCH", its subject, the purpose, the
// tasks table (task, owner, deadline, status) and how it is carried out.
import type { DocBlock, OfficialDocument } from "../documents/model";
import { agencyLines, documentCode, placeDate, placeName, symbolOf, vnDate } from "../documents/numbering";

export type PlanTaskStatus = "todo" | "in_progress" | "done" | "cancelled";

/** The document's words for task statuses (the tables store codes; a state document has words). */
export const TASK_STATUS_WORDS = {
  todo: "Chưa thực hiện",
  in_progress: "Đang thực hiện",
  done: "Đã hoàn thành",
  cancelled: "Không thực hiện",
} as const satisfies Record<PlanTaskStatus, string>;

export type PlanForDocument = {
  agency: { name: string; unitName: string };
  title: string;
  goals: string;
  /** Number and date once issued (approved, or recorded from paper); absent on a draft. */
  issued?: { number: number; symbol: string; date: string };
  draftDate: string;
  tasks: { title: string; owner: string; deadline: string | null; status: PlanTaskStatus; overdue: boolean }[];
  signer: { mode: "TM" | "KT"; name: string } | null;
  recipients?: string[];
};

/**
 * The subject printed under "KẾ HOẠCH": the title without a leading "Kế hoạch", which the kind
 * title already says ("Kế hoạch cải cách hành chính … năm 2024" → "Cải cách hành chính … năm 2024").
 */
export function planSubject(title: string): string {
  const rest = title.replace(/^\s*kế hoạch\s+/iu, "").trim();
  return rest ? rest.charAt(0).toLocaleUpperCase("vi") + rest.slice(1) : title;
}

function statusWords(t: PlanForDocument["tasks"][number]): string {
  return t.overdue ? `${TASK_STATUS_WORDS[t.status]} (quá hạn)` : TASK_STATUS_WORDS[t.status];
}

export function defaultPlanRecipients(unitName: string): string[] {
  const xa = unitName.replace(/^X/u, "x").replace(/^P/u, "p");
  return [`TT Đảng ủy, HĐND, UBND ${xa};`, "Chủ tịch, các Phó Chủ tịch UBND;", "Cán bộ, công chức, bộ phận được phân công;", "Lưu: VT."];
}

export function composePlan(p: PlanForDocument): OfficialDocument {
  const xa = p.agency.unitName.replace(/^X/u, "x").replace(/^P/u, "p");
  const goals = p.goals
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l): DocBlock => (/^[-–•]\s+/u.test(l) ? { type: "bullet", text: l.replace(/^[-–•]\s+/u, "") } : { type: "paragraph", text: l }));
  const sections: { title: string; blocks: DocBlock[] }[] = [];
  if (goals.length) sections.push({ title: "MỤC ĐÍCH, YÊU CẦU", blocks: goals });
  sections.push({
    title: "NHIỆM VỤ VÀ PHÂN CÔNG THỰC HIỆN",
    blocks: p.tasks.length
      ? [
          {
            type: "table",
            table: {
              columns: [
                { label: "STT", width: 6 },
                { label: "Nhiệm vụ", width: 44 },
                { label: "Người, đơn vị thực hiện", width: 22 },
                { label: "Thời hạn", width: 13 },
                { label: "Tình trạng", width: 15 },
              ],
              rows: p.tasks.map((t, i) => [String(i + 1), t.title, t.owner, t.deadline ? vnDate(t.deadline) : "", statusWords(t)]),
            },
          },
        ]
      : [{ type: "paragraph", text: "Kế hoạch chưa có nhiệm vụ." }],
  });
  sections.push({
    title: "TỔ CHỨC THỰC HIỆN",
    blocks: [
      {
        type: "paragraph",
        text: `Cán bộ, công chức và bộ phận được phân công chủ động triển khai các nhiệm vụ trên đúng thời hạn, cập nhật tiến độ và minh chứng kết quả; trong quá trình thực hiện, nếu có khó khăn, vướng mắc, kịp thời báo cáo Chủ tịch UBND ${xa} để chỉ đạo giải quyết./.`,
      },
    ],
  });
  const roman = ["I", "II", "III", "IV"];
  const body: DocBlock[] = sections.flatMap((s, i) => [{ type: "heading", level: 1, text: `${roman[i]}. ${s.title}` } as DocBlock, ...s.blocks]);
  const symbol = p.issued?.symbol ?? symbolOf("KH");
  return {
    header: {
      parentLines: [],
      agencyLines: agencyLines(p.agency.name),
      numberLine: p.issued ? `Số: ${documentCode(p.issued.number, symbol)}` : `Số:       /${symbol}`,
      placeDate: placeDate(placeName(p.agency.unitName), p.issued?.date ?? p.draftDate),
    },
    kindTitle: "KẾ HOẠCH",
    subject: planSubject(p.title),
    body,
    signature: {
      authorityLines: p.signer?.mode === "KT" ? ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] : ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
      name: p.signer?.name ?? "",
    },
    recipients: p.recipients ?? defaultPlanRecipients(p.agency.unitName),
    ...(p.issued ? {} : { draftMark: "DỰ THẢO" }),
  };
}
