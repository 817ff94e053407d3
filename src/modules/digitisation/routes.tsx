// Digitisation on the dossier pages: the desk scans the papers it received (OCR follows in the
// background), and the desk or the citizen reuses a document already in the applicant's store.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { VNode } from "preact";
import { z } from "zod";
import { can } from "../../domain/auth/permissions";
import { DomainError } from "../../domain/errors";
import { registerJob } from "../../jobs/queue";
import type { PageCtx } from "../../web/context";
import { asHttpError, HttpError, notFound, parseWith, requirePermission } from "../../web/http";
import { formatDateTime, registerMessages } from "../../web/i18n";
import { CsrfField } from "../../web/views/layout";
import { maskIdNumber } from "../../domain/privacy/mask";
import { unseal } from "../privacy/sealing";
import { finaliseFiles, stageFiles, withStagedFiles } from "../dossiers/files";
import { registerDossierPanel } from "../dossiers/panels";
import { readMultipart } from "../dossiers/route-support";
import { localise } from "../dossiers/views";
import { dossierAccess } from "../payments/access";
import { listDigitised, listReuses, listStored, recordScans, reuseStored, runOcr, type StoredDocument } from "./store";

registerMessages({
  vi: {
    "digitise.title": "Số hóa giấy tờ",
    "digitise.none": "Chưa có giấy tờ số hóa.",
    "digitise.ocr.pending": "đang nhận dạng chữ",
    "digitise.ocr.done": "đã nhận dạng chữ",
    "digitise.ocr.failed": "không nhận dạng được chữ (tệp vẫn được lưu)",
    "digitise.ocr.not_needed": "văn bản điện tử",
    "digitise.scan.title": "Số hóa giấy tờ đã nhận",
    "digitise.scan.hint": "Quét giấy tờ bản giấy (PDF, JPEG, PNG, tối đa 10 MB mỗi tệp). Nội dung được nhận dạng chữ để tra cứu; việc nhận dạng không ảnh hưởng đến hồ sơ.",
    "digitise.scan.document": "Giấy tờ",
    "digitise.scan.files": "Tệp quét",
    "digitise.scan.submit": "Lưu bản số hóa",
    "digitise.stored.title": "Giấy tờ đã lưu của người nộp (số định danh {id})",
    "digitise.stored.hint": "Giấy tờ, kết quả đã số hóa trong các hồ sơ trước: dùng lại thay cho nộp lại.",
    "digitise.stored.from": "từ hồ sơ {code}",
    "digitise.stored.reuse": "Dùng lại cho hồ sơ này",
    "digitise.stored.as": "Dùng làm",
    "digitise.reused.title": "Giấy tờ dùng lại",
    "digitise.reused.line": "{name} — từ hồ sơ {code}, {at}",
    "digitise.done.scan": "Đã lưu bản số hóa; nội dung sẽ được nhận dạng trong ít phút.",
    "digitise.done.reuse": "Đã dùng lại giấy tờ đã lưu cho hồ sơ này.",
    "digitise.err.closed": "Hồ sơ đã kết thúc hoặc không còn nhận giấy tờ.",
    "digitise.err.notFound": "Không tìm thấy giấy tờ đã lưu của người nộp này.",
    "digitise.err.reused": "Giấy tờ này đã được dùng lại cho hồ sơ.",
    "digitise.err.noFiles": "Chọn ít nhất một tệp quét.",
    "digitise.err.document": "Chọn hoặc nhập tên giấy tờ (tối đa 4000 ký tự).",
  },
  en: {
    "digitise.title": "Digitised documents",
    "digitise.none": "No digitised document yet.",
    "digitise.ocr.pending": "text being read",
    "digitise.ocr.done": "text read",
    "digitise.ocr.failed": "text could not be read (the file is kept)",
    "digitise.ocr.not_needed": "electronic document",
    "digitise.scan.title": "Digitise the papers received",
    "digitise.scan.hint": "Scan the paper documents (PDF, JPEG, PNG, at most 10 MB each). Their text is read for searching; reading it never affects the dossier.",
    "digitise.scan.document": "Document",
    "digitise.scan.files": "Scanned files",
    "digitise.scan.submit": "Save the scans",
    "digitise.stored.title": "Documents stored for the applicant (ID {id})",
    "digitise.stored.hint": "Documents and results digitised in earlier dossiers: reuse them instead of submitting again.",
    "digitise.stored.from": "from dossier {code}",
    "digitise.stored.reuse": "Reuse for this dossier",
    "digitise.stored.as": "Use as",
    "digitise.reused.title": "Reused documents",
    "digitise.reused.line": "{name} — from dossier {code}, {at}",
    "digitise.done.scan": "Scans saved; their text will be read within minutes.",
    "digitise.done.reuse": "The stored document is reused for this dossier.",
    "digitise.err.closed": "The dossier is closed or takes no more documents.",
    "digitise.err.notFound": "No such stored document of this applicant.",
    "digitise.err.reused": "This document is already reused for the dossier.",
    "digitise.err.noFiles": "Choose at least one scanned file.",
    "digitise.err.document": "Choose or type the document's name (at most 4000 characters).",
  },
});

registerJob({ name: "digitisation.ocr", cron: "* * * * *", run: async ({ db }) => void (await runOcr(db)) });

function StoredList({ ctx, items, reuse }: { ctx: PageCtx; items: StoredDocument[]; reuse?: { action: string; names: string[] } | undefined }): VNode {
  const t = ctx.t;
  return (
    <ul class="stored-docs">
      {items.map((s) => (
        <li key={s.id}>
          <strong>{s.documentName}</strong>{" "}
          <small class="muted">
            {s.fileName} · {formatDateTime(s.createdAt)}
            {s.sourceDossierCode ? ` · ${t("digitise.stored.from", { code: s.sourceDossierCode })}` : ""} · {t(`digitise.ocr.${s.ocrStatus}`)}
          </small>
          {reuse ? (
            <form method="post" action={reuse.action} class="row">
              <CsrfField ctx={ctx} />
              <input type="hidden" name="storedId" value={String(s.id)} />
              {reuse.names.length ? (
                <label>
                  {t("digitise.stored.as")}{" "}
                  <select name="documentName">
                    <option value="">{s.documentName}</option>
                    {reuse.names.map((n) => (
                      <option key={n} value={n}>
                        {n.length > 90 ? `${n.slice(0, 90)}…` : n}
                      </option>
                    ))}
                  </select>
                </label>
              ) : null}
              <button type="submit" class="secondary">
                {t("digitise.stored.reuse")}
              </button>
            </form>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

registerDossierPanel({
  order: 30,
  places: ["staff", "citizen"],
  render: async ({ app, req, place, code }) => {
    const ctx = req.pageCtx();
    const t = ctx.t;
    const data = await app.deps.db.system(async (tx) => {
      const d = await tx.maybeOne<{ id: number; agency_id: number; status: string; applicant_id_number: string; applicant_id_hash: string | null; documents: { name: string; received: boolean }[] }>(
        "select id, agency_id, status, applicant_id_number, applicant_id_hash, documents from dossiers where code = $1 order by id limit 1",
        [code],
      );
      if (!d) return undefined;
      const mine = await listDigitised(tx, d.id);
      const reused = await listReuses(tx, d.id);
      const usedIds = new Set([...reused.map((r) => r.storedId), ...mine.map((m) => m.id)]);
      const stored = (await listStored(tx, { agencyId: d.agency_id, idHash: d.applicant_id_hash })).filter((s) => s.sourceDossierId !== d.id && !usedIds.has(s.id));
      return { d, mine, reused, stored };
    });
    if (!data) return null;
    const { d, mine, reused, stored } = data;
    const open = ["submitted", "received", "in_progress", "supplement_requested"].includes(d.status);
    const staffCan = place === "staff" && req.user !== undefined && can(req.user.role, "dossier.receive") && req.user.agencyId === d.agency_id;
    const base = place === "staff" ? `/staff/dossiers/${encodeURIComponent(code)}` : `/my/dossiers/${encodeURIComponent(code)}`;
    const missing = d.documents.filter((x) => !x.received).map((x) => x.name);
    if (place === "citizen" && (!open || stored.length === 0) && reused.length === 0) return null;
    return (
      <section class="panel" aria-labelledby="digitise-title" id="digitise">
        <h2 id="digitise-title">{t("digitise.title")}</h2>
        {place === "staff" ? mine.length ? <StoredList ctx={ctx} items={mine} /> : <p class="muted">{t("digitise.none")}</p> : null}
        {reused.length ? (
          <>
            <h3>{t("digitise.reused.title")}</h3>
            <ul>
              {reused.map((r) => (
                <li key={r.storedId}>{t("digitise.reused.line", { name: r.documentName, code: r.sourceDossierCode ?? "—", at: formatDateTime(r.at) })}</li>
              ))}
            </ul>
          </>
        ) : null}
        {staffCan && open ? (
          <form method="post" action={`${base}/scans`} enctype="multipart/form-data" class="stack">
            <CsrfField ctx={ctx} />
            <h3>{t("digitise.scan.title")}</h3>
            <p class="hint">{t("digitise.scan.hint")}</p>
            <div class="field">
              <label for="f-scan-doc">{t("digitise.scan.document")}</label>
              <select id="f-scan-doc" name="documentName">
                {d.documents.map((x) => (
                  <option key={x.name} value={x.name}>
                    {x.name.length > 90 ? `${x.name.slice(0, 90)}…` : x.name}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-scan-files">{t("digitise.scan.files")}</label>
              <input id="f-scan-files" type="file" name="files" multiple accept="application/pdf,image/jpeg,image/png" />
            </div>
            <button type="submit">{t("digitise.scan.submit")}</button>
          </form>
        ) : null}
        {stored.length && open && (staffCan || place === "citizen") ? (
          <>
            <h3>{t("digitise.stored.title", { id: maskIdNumber(unseal(d.applicant_id_number)) })}</h3>
            <p class="hint">{t("digitise.stored.hint")}</p>
            <StoredList ctx={ctx} items={stored} reuse={{ action: `${base}/reuse`, names: missing }} />
          </>
        ) : null}
      </section>
    );
  },
});

async function localisedCall<T>(req: FastifyRequest, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DomainError || asHttpError(e)) throw localise(e, req);
    throw e;
  }
}

const CodeParam = z.object({ code: z.string().min(1).max(80) });
const ReuseForm = z.object({
  storedId: z.coerce.number({ error: "msg:digitise.err.notFound" }).int().positive({ error: "msg:digitise.err.notFound" }),
  documentName: z.string().max(4000, { error: "msg:digitise.err.document" }).optional(),
  _csrf: z.string().optional(),
});

export async function digitisationRoutes(app: FastifyInstance): Promise<void> {
  const db = app.deps.db;

  app.post("/staff/dossiers/:code/scans", async (req, reply) => {
    const user = requirePermission(req, "dossier.receive");
    const { code } = parseWith(CodeParam, req.params, req);
    const a = await dossierAccess(app, req, code);
    if (a?.via !== "staff" || a.dossier.agencyId !== user.agencyId) throw notFound("dossier.err.notFound");
    const form = await readMultipart(req, { files: 20 });
    if (form.tooLarge.length) throw new HttpError(413, "dossier.err.fileTooLarge", { name: form.tooLarge[0]!.fileName });
    const name = (form.values.documentName ?? "").trim();
    if (!name || name.length > 4000) throw new HttpError(400, "digitise.err.document");
    if (form.files.length === 0) throw new HttpError(400, "digitise.err.noFiles");
    // Checked as every upload is (type by content, size, image bombs): a scan that is not a document is refused.
    const staged = await localisedCall(req, () =>
      stageFiles({ db, agencyId: a.dossier.agencyId, uploads: form.files.map((f, i) => ({ documentName: form.files.length > 1 ? `${name} (${i + 1})` : name, fileName: f.fileName, data: f.data })) }),
    );
    await localisedCall(req, () =>
      withStagedFiles(db, staged, () =>
        req.tx(async (tx) => {
          await recordScans(tx, { dossierId: a.dossier.id, files: staged, actor: { userId: user.id, label: user.username } });
          await finaliseFiles(tx, staged);
        }),
      ),
    );
    await app.deps.jobs?.send("digitisation.ocr").catch(() => {});
    return reply.code(303).redirect(`/staff/dossiers/${encodeURIComponent(code)}?scanned=1#digitise`);
  });

  async function reuse(req: FastifyRequest, code: string, place: "staff" | "citizen") {
    const a = await dossierAccess(app, req, code);
    if (!a || a.via !== place) throw notFound("dossier.err.notFound");
    const form = parseWith(ReuseForm, req.body, req);
    const run = (fn: (tx: import("../../db/scope").Tx) => Promise<void>) => (place === "staff" ? req.tx(fn) : db.scoped({ agencyIds: [a.dossier.agencyId], userId: a.actor.userId }, fn));
    await localisedCall(req, () => run((tx) => reuseStored(tx, { dossierId: a.dossier.id, storedId: form.storedId, documentName: form.documentName || null, actor: { userId: a.actor.userId, label: a.actor.label } })));
  }

  app.post("/staff/dossiers/:code/reuse", async (req, reply) => {
    requirePermission(req, "dossier.receive");
    const { code } = parseWith(CodeParam, req.params, req);
    await reuse(req, code, "staff");
    return reply.code(303).redirect(`/staff/dossiers/${encodeURIComponent(code)}?reused=1#digitise`);
  });

  app.post("/my/dossiers/:code/reuse", async (req, reply) => {
    requirePermission(req, "dossier.track_own");
    const { code } = parseWith(CodeParam, req.params, req);
    await reuse(req, code, "citizen");
    return reply.code(303).redirect(`/my/dossiers/${encodeURIComponent(code)}?reused=1#digitise`);
  });
}
