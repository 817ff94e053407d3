// Signed electronic results (kết quả điện tử): when the leader approves, the result document — the
// specialist's draft (PDF, or a scan turned into PDF) or one generated from the dossier — is
// stamped and signed, then stored as a result attachment with its verification id, and put in the
// applicant's document store. Signing happens before the transaction: a result that fails to sign
// leaves the dossier where it was; the approval, the files and their records commit together.
import path from "node:path";
import type { Db, Tx } from "../../db/scope";
import { DomainError } from "../../domain/errors";
import { formatDate } from "../../domain/text/format";
import type { CurrentUser } from "../accounts/sessions";
import { appendAudit } from "../audit/audit";
import { checkUpload, discardFiles, finaliseFiles, type StagedFile, stageFiles, type UploadInput } from "../dossiers/files";
import { getStoredFile as storedBytes } from "../storage/storage";
import { applyAction, findDossier, listAttachments } from "../dossiers/service";
import type { Dossier } from "../dossiers/types";
import { newPublicId } from "../payments/payments";
import { newPdf, pdfBuffer } from "../payments/receipts";
import type { CertificateInfo } from "./cms";
import { verifyPdfSignature } from "./verify";
import type { Signer } from "./signer";
import { idLookupHash, seal } from "../privacy/sealing";

export type EResult = {
  publicId: string;
  dossierId: number;
  agencyId: number;
  documentName: string;
  fileName: string;
  sha256: string;
  source: "uploaded" | "template";
  signerName: string;
  signerTitle: string | null;
  certificateSubject: string;
  certificateIssuer: string;
  certificateSerial: string;
  signedAt: Date;
  storagePath: string;
  contentType: string;
};

const COLS = `e.public_id as "publicId", e.dossier_id as "dossierId", e.agency_id as "agencyId", e.document_name as "documentName", a.file_name as "fileName",
  e.sha256, e.source, e.signer_name as "signerName", e.signer_title as "signerTitle", e.certificate_subject as "certificateSubject",
  e.certificate_issuer as "certificateIssuer", e.certificate_serial as "certificateSerial", e.signed_at as "signedAt", a.storage_path as "storagePath", a.content_type as "contentType"`;

export async function listEResults(tx: Tx, dossierId: number): Promise<EResult[]> {
  return tx.query<EResult>(`select ${COLS} from e_results e join dossier_attachments a on a.id = e.attachment_id where e.dossier_id = $1 order by e.id`, [dossierId]);
}

export async function findEResult(tx: Tx, publicId: string): Promise<(EResult & { agencyName: string; dossierCode: string }) | undefined> {
  if (!/^[A-Za-z0-9_-]{16,40}$/.test(publicId)) return undefined;
  return tx.maybeOne(
    `select ${COLS}, g.name as "agencyName", d.code as "dossierCode" from e_results e join dossier_attachments a on a.id = e.attachment_id
     join agencies g on g.id = e.agency_id join dossiers d on d.id = e.dossier_id where e.public_id = $1`,
    [publicId],
  );
}

/** The result generated from the dossier when the specialist sent no draft: an A4 notice of the decision. */
export async function templateResult(o: { agencyName: string; parentName: string | null; placeName: string; d: Dossier; leader: { fullName: string; title: string | null }; note: string | null; at: Date }): Promise<Buffer> {
  const doc = await newPdf("A4");
  doc.info.Title = `Kết quả giải quyết hồ sơ ${o.d.code}`;
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const half = width * 0.45;
  const top = doc.page.margins.top;
  if (o.parentName) doc.font("regular").fontSize(11).text(o.parentName.toUpperCase(), left, top, { width: half, align: "center" });
  doc.font("bold").fontSize(11).text(o.agencyName.toUpperCase(), left, doc.y, { width: half, align: "center" });
  doc.font("regular").fontSize(11).text(`Số: ${o.d.code}`, left, doc.y + 4, { width: half, align: "center" });
  doc.font("bold").fontSize(11).text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", left + half, top, { width: width - half, align: "center" });
  doc.text("Độc lập - Tự do - Hạnh phúc", left + half, doc.y, { width: width - half, align: "center" });
  const [dd, mm, yyyy] = formatDate(o.at).split("/");
  doc.font("italic").fontSize(11).text(`${o.placeName}, ngày ${dd} tháng ${mm} năm ${yyyy}`, left + half, doc.y + 6, { width: width - half, align: "center" });
  doc.font("bold").fontSize(14).text("KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", left, doc.y + 28, { width, align: "center" });
  doc.font("regular").fontSize(12).moveDown(1.2);
  const para = (s: string) => doc.text(s, left, doc.y, { width, align: "justify" }).moveDown(0.5);
  para(`Xét hồ sơ số ${o.d.code} của Ông/Bà ${o.d.applicant.fullName} (số định danh cá nhân ${o.d.applicant.idNumber}), địa chỉ: ${o.d.applicant.address.line}, đề nghị giải quyết thủ tục "${o.d.procedureName}" (mã ${o.d.procedureCode});`);
  para(`${o.agencyName} đã xem xét và chấp thuận yêu cầu của Ông/Bà ${o.d.applicant.fullName} theo quy định.`);
  if (o.note) para(`Ý kiến của người có thẩm quyền: ${o.note}`);
  para("Văn bản này là kết quả giải quyết thủ tục hành chính dạng điện tử, được ký số, có giá trị pháp lý như bản giấy (Nghị định 45/2020/NĐ-CP).");
  const y = doc.y + 18;
  doc.font("bold").fontSize(12).text((o.leader.title ?? "").toUpperCase(), left + half, y, { width: width - half, align: "center" });
  doc.font("italic").fontSize(11).text("(Đã ký số)", left + half, doc.y + 4, { width: width - half, align: "center" });
  doc.font("bold").fontSize(12).text(o.leader.fullName, left + half, doc.y + 30, { width: width - half, align: "center" });
  return pdfBuffer(doc);
}

export type SignContext = { db: Db; dataDir: string; baseUrl: string; signer: Signer | undefined };

type Source = { documentName: string; fileName: string; pdf: Buffer; source: "uploaded" | "template" };

/** The documents to sign: what the leader uploads now, else the specialist's drafts, else one generated from the dossier. */
async function sourcesOf(ctx: SignContext, o: { d: Dossier; user: CurrentUser; note: string | null; uploads: readonly UploadInput[]; now: Date }): Promise<Source[]> {
  const toPdf = async (name: string, fileName: string, data: Buffer): Promise<Source> => {
    const type = await checkUpload({ documentName: name, fileName, data });
    const pdf = type === "application/pdf" ? data : await (await import("./pdf")).imageToPdf(data, type);
    return { documentName: name, fileName: `${path.parse(fileName).name}.pdf`, pdf, source: "uploaded" };
  };
  if (o.uploads.length) return Promise.all(o.uploads.map((u) => toPdf(u.documentName || u.fileName, u.fileName, u.data)));
  const drafts = await ctx.db.scoped({ agencyIds: [o.d.agencyId], userId: o.user.id }, async (tx) => (await listAttachments(tx, o.d.id)).filter((a) => a.kind === "result"));
  if (drafts.length) {
    return Promise.all(drafts.map(async (a) => toPdf(a.documentName, a.fileName, await storedBytes(ctx.db, a.storagePath))));
  }
  const agency = await ctx.db.system((tx) =>
    tx.one<{ name: string; unit_name: string; parent: string | null }>("select a.name, a.unit_name, p.name as parent from agencies a left join agencies p on p.id = a.parent_id where a.id = $1", [o.d.agencyId]),
  );
  const pdf = await templateResult({
    agencyName: agency.name,
    parentName: agency.parent,
    placeName: agency.unit_name.replace(/^(xã|phường|thị trấn|đặc khu)\s+/iu, ""),
    d: o.d,
    leader: { fullName: o.user.fullName, title: o.user.title },
    note: o.note,
    at: o.now,
  });
  return [{ documentName: `Kết quả giải quyết: ${o.d.procedureName}`.slice(0, 400), fileName: `ket-qua-${o.d.code}.pdf`, pdf, source: "template" }];
}

/**
 * The leader approves the dossier and signs its result. Refused without changing anything when
 * the dossier is not awaiting approval, no signer is configured, a document cannot be read as PDF
 * or the signer fails.
 */
export async function approveAndSign(ctx: SignContext, o: { code: string; user: CurrentUser; note?: string | null; uploads?: readonly UploadInput[]; now?: Date }): Promise<EResult[]> {
  const now = o.now ?? new Date();
  const note = o.note?.trim().normalize("NFC") || null;
  const scope = { agencyIds: [o.user.agencyId], userId: o.user.id };
  const d = await ctx.db.scoped(scope, (tx) => findDossier(tx, { agencyId: o.user.agencyId, code: o.code }));
  if (!d) throw new DomainError("not_found", "dossier.err.notFound");
  if (d.status !== "awaiting_approval" || d.agencyId !== o.user.agencyId) {
    throw new DomainError("conflict", "dossier.err.status", { vars: { action: "dossier.action.approve", status: `dossier.status.${d.status}` } });
  }
  if (o.user.role !== "leader") throw new DomainError("forbidden", "dossier.err.role", { vars: { action: "dossier.action.approve" } });
  if (!ctx.signer) throw new DomainError("unprocessable", "esign.err.noSigner");
  const sources = await sourcesOf(ctx, { d, user: o.user, note, uploads: o.uploads ?? [], now });
  const signer = ctx.signer;
  const signed: (Source & { publicId: string; bytes: Buffer; certificate: CertificateInfo })[] = [];
  // pdf-lib, @signpdf and fontkit load with the first signature, not with the server.
  const { signPdf } = await import("./pdf");
  for (const s of sources) {
    const publicId = newPublicId();
    let bytes: Buffer;
    try {
      bytes = await signPdf(s.pdf, signer, {
        stamp: { verifyUrl: `${ctx.baseUrl}/verify/${publicId}`, signerName: o.user.fullName, signerTitle: o.user.title, agencyName: o.user.agencyName, signedAt: now },
        reason: `Phê duyệt kết quả giải quyết hồ sơ ${d.code}`,
        location: o.user.agencyName,
      });
    } catch (e) {
      throw new DomainError("unprocessable", (e as { messageKey?: string }).messageKey?.startsWith("esign.") ? (e as { messageKey: string }).messageKey : "esign.err.sign", { vars: { name: s.documentName } });
    }
    const check = verifyPdfSignature(bytes);
    if (!check.valid || !check.certificate) throw new DomainError("unprocessable", "esign.err.sign", { vars: { name: s.documentName } });
    signed.push({ ...s, publicId, bytes, certificate: check.certificate });
  }
  const staged: StagedFile[] = await stageFiles({
    db: ctx.db,
    agencyId: d.agencyId,
    uploads: signed.map((s) => ({ documentName: s.documentName, fileName: s.fileName.replace(/\.pdf$/i, "-ky-so.pdf"), data: s.bytes })),
  });
  try {
    return await ctx.db.scoped(scope, async (tx) => {
      await applyAction(tx, { dossierCode: d.code, agencyId: o.user.agencyId, action: "approve", actor: { userId: o.user.id, role: "leader", label: o.user.username, agencyId: o.user.agencyId }, input: note ? { note } : {}, now });
      for (const [i, s] of signed.entries()) {
        const f = staged[i]!;
        const att = await tx.one<{ id: number }>(
          `insert into dossier_attachments (agency_id, dossier_id, kind, document_name, file_name, content_type, size, sha256, storage_path, created_by)
           values ($1, $2, 'result', $3, $4, $5, $6, $7, $8, $9) returning id`,
          [d.agencyId, d.id, f.documentName, f.fileName, f.contentType, f.size, f.sha256, f.storagePath, o.user.id],
        );
        await tx.exec(
          `insert into e_results (public_id, agency_id, dossier_id, attachment_id, document_name, sha256, source, signer_kind, signer_name, signer_title,
             certificate_subject, certificate_serial, certificate_issuer, signed_by, signed_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
          [s.publicId, d.agencyId, d.id, att.id, f.documentName, f.sha256, s.source, signer.kind, o.user.fullName, o.user.title, s.certificate.subject, s.certificate.serial, s.certificate.issuer, o.user.id, now],
        );
        // The applicant's document store: a later dossier of the same person may reuse the result.
        if (/^\d{9,12}$/.test(d.applicant.idNumber)) {
          await tx.exec(
            `insert into applicant_documents (agency_id, id_number, id_hash, kind, document_name, file_name, content_type, size, sha256, storage_path, source_dossier_id, source_attachment_id, ocr_status, created_by)
             values ($1, $2, $3, 'result', $4, $5, $6, $7, $8, $9, $10, $11, 'not_needed', $12)`,
            [d.agencyId, seal(d.applicant.idNumber), idLookupHash(d.applicant.idNumber), f.documentName, f.fileName, f.contentType, f.size, f.sha256, f.storagePath, d.id, att.id, o.user.id],
          );
        }
      }
      await appendAudit(tx, {
        agencyId: d.agencyId,
        actorUserId: o.user.id,
        actor: o.user.username,
        action: "result.sign",
        entity: "dossier",
        entityId: d.code,
        data: { results: signed.map((s, i) => ({ id: s.publicId, name: s.documentName, sha256: staged[i]!.sha256, source: s.source })), signer: signer.kind, certificate: signed[0]?.certificate.serial },
      });
      await finaliseFiles(tx, staged);
      return listEResults(tx, d.id);
    });
  } catch (e) {
    await discardFiles(ctx.db, staged);
    throw e;
  }
}
