import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { publicBaseUrl } from "../../config";
import { buildSlipLayout, SlipDataMissingError } from "../../domain/slips/layout";
import { isSlipForm } from "../../domain/slips/types";
import { HttpError, notFound, parseWith, requireAccess } from "../../web/http";
import { REGISTER_ACCESS } from "./register-link";
import { registerMessages } from "../../web/i18n";
import { dossierViewer, registerRowFor, slipFor } from "../dossiers/visibility";
import { loadRegisterRows, loadSlipData } from "./data";
import { renderSlipPdf } from "./render";
import { renderRegisterXlsx } from "./register-xlsx";
import { maskEmail, maskIdNumber, maskPhone } from "../../domain/privacy/mask";
import { findDossier } from "../dossiers/service";
import { viewDossier, viewerOf } from "../privacy/access-log";

registerMessages({
  vi: {
    "slips.err.form": "Mẫu phiếu không tồn tại (chỉ có Mẫu 01 đến 05)",
    "slips.err.missing": "Chưa thể lập {form}: {what}",
    "slips.err.date": "Ngày phải có dạng yyyy-mm-dd",
    "slips.err.range": "Khoảng thời gian không hợp lệ: ngày kết thúc phải sau ngày bắt đầu và không quá 366 ngày",
  },
  en: {
    "slips.err.form": "No such slip (forms 01 to 05 only)",
    "slips.err.missing": "Cannot issue {form} yet: {what}",
    "slips.err.date": "Dates must look like yyyy-mm-dd",
    "slips.err.range": "Invalid period: the end must follow the start and span at most 366 days",
  },
});

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "msg:slips.err.date" }).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), { error: "msg:slips.err.date" });

export const RegisterQuery = z
  .object({ from: IsoDate.optional(), to: IsoDate.optional(), agency: z.string().trim().max(40).optional() })
  .transform((q) => {
    // Default: the current month, Vietnam time.
    const now = new Date(Date.now() + 7 * 3600_000);
    const y = now.getUTCFullYear();
    const m = String(now.getUTCMonth() + 1).padStart(2, "0");
    return { from: q.from ?? `${y}-${m}-01`, to: q.to ?? now.toISOString().slice(0, 10), agency: q.agency };
  })
  .refine((q) => {
    const span = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
    return span >= 0 && span <= 366;
  }, { error: "msg:slips.err.range" });
export type RegisterQuery = z.infer<typeof RegisterQuery>;

/** Links the dossier page shows (the core's page adds them). */
export function slipUrl(code: string, form: string): string {
  return `/staff/dossiers/${encodeURIComponent(code)}/slips/${form}.pdf`;
}

export async function dossierDocsRoutes(app: FastifyInstance): Promise<void> {
  const baseUrl = publicBaseUrl(app.deps.config);

  // Mẫu 06 (static path: registered before the core's /staff/dossiers/:code and preferred by the router).
  app.get("/staff/dossiers/register.xlsx", async (req, reply) => {
    const user = requireAccess(req, REGISTER_ACCESS);
    const q = parseWith(RegisterQuery, req.query, req);
    // Whose register, and how it reads: the one visibility rule (a supervisor names a commune: masked).
    const found = await req.tx(async (tx) => {
      const viewer = await dossierViewer(tx, user, q.agency);
      if (!viewer) return undefined;
      return {
        rows: (await loadRegisterRows(tx, { from: q.from, to: q.to, agencyId: viewer.agencyId })).map((r) => registerRowFor(viewer, r)),
        agency: await tx.one<{ name: string; parent_name: string | null }>(
          "select a.name, p.name as parent_name from agencies a left join agencies p on p.id = a.parent_id where a.id = $1",
          [viewer.agencyId],
        ),
      };
    });
    if (!found) throw notFound();
    const { rows, agency } = found;
    const xlsx = await renderRegisterXlsx({ agencyName: agency.name, parentName: agency.parent_name ?? undefined, from: q.from, to: q.to, rows });
    return reply
      .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      .header("content-disposition", `attachment; filename="so-theo-doi-ho-so_${q.from}_${q.to}.xlsx"`)
      .header("cache-control", "private, no-store")
      .send(xlsx);
  });

  // Mẫu 01–05, A5 PDF.
  app.get<{ Params: { code: string; file: string } }>("/staff/dossiers/:code/slips/:file", async (req, reply) => {
    const user = requireAccess(req, REGISTER_ACCESS);
    const m = /^(\d{2})\.pdf$/.exec(req.params.file);
    const form = m?.[1];
    if (!isSlipForm(form)) throw new HttpError(404, "slips.err.form");
    const now = new Date();
    let data: Awaited<ReturnType<typeof loadSlipData>>;
    try {
      const agency = (req.query as Record<string, unknown>).agency;
      data = await req.tx(async (tx) => {
        // Whose dossier, read how: the one visibility rule (a supervisor names a commune: masked).
        const viewer = await dossierViewer(tx, user, typeof agency === "string" ? agency : undefined);
        if (!viewer) return undefined;
        const slip = await loadSlipData(tx, { code: req.params.code, agencyId: viewer.agencyId, form, baseUrl, now });
        const d = slip ? await findDossier(tx, { agencyId: viewer.agencyId, code: req.params.code }) : undefined;
        if (!slip || !d) return slip;
        // A slip prints the applicant's identifiers: logged, and masked for whoever would see them masked on the page.
        const e = await viewDossier(tx, { viewer: viewerOf(user), dossier: d, kind: "slip" });
        // A supervisor's slip is masked by the supervision rule (stricter: not even the phone's last digits).
        if (viewer.view !== "staff") return slipFor(viewer, slip);
        return e.whole ? slip : { ...slip, applicant: { ...slip.applicant, idNumber: maskIdNumber(slip.applicant.idNumber), phone: maskPhone(slip.applicant.phone), email: maskEmail(slip.applicant.email) || null } };
      });
    } catch (e) {
      if (e instanceof SlipDataMissingError) throw new HttpError(409, "slips.err.missing", { form: `Mẫu ${e.form}`, what: e.message.replace(/^Mẫu \d+: /, "") });
      throw e;
    }
    if (!data) throw notFound();
    let layout: ReturnType<typeof buildSlipLayout>;
    try {
      layout = buildSlipLayout(form, data);
    } catch (e) {
      if (e instanceof SlipDataMissingError) throw new HttpError(409, "slips.err.missing", { form: `Mẫu ${e.form}`, what: e.message.replace(/^Mẫu \d+: /, "") });
      throw e;
    }
    const pdf = await renderSlipPdf(layout);
    const download = (req.query as Record<string, unknown>).download === "1";
    return reply
      .type("application/pdf")
      .header("content-disposition", `${download ? "attachment" : "inline"}; filename="mau-${form}_${data.dossier.code}.pdf"`)
      .header("cache-control", "private, no-store")
      .send(pdf);
  });
}
