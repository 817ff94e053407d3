// The citizen's data as a readable PDF (A4, Tinos: full Vietnamese coverage), the same content as
// the JSON export in sections a person can read and keep.

import path from "node:path";
import { fileURLToPath } from "node:url";
import PDFDocument from "pdfkit";
import { formatDateTime } from "../../domain/text/format";
import { type Lang, translator } from "../../web/i18n";
import type { MyData } from "./export";

const FONTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../assets/fonts");
const MM = 72 / 25.4;

export async function renderMyDataPdf(data: MyData, lang: Lang): Promise<Buffer> {
  const t = translator(lang);
  const doc = new PDFDocument({ size: "A4", margins: { top: 20 * MM, bottom: 20 * MM, left: 25 * MM, right: 20 * MM }, info: { Title: t("privacy.my.pdfTitle"), Creator: "Một Cửa" } });
  doc.registerFont("R", path.join(FONTS, "Tinos-Regular.ttf"));
  doc.registerFont("B", path.join(FONTS, "Tinos-Bold.ttf"));
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on("end", () => resolve());
    doc.on("error", reject);
  });
  const when = (s: string | null) => (s ? formatDateTime(new Date(s)) : "—");
  const h1 = (s: string) => doc.font("B").fontSize(16).text(s, { paragraphGap: 6 });
  const h2 = (s: string) => {
    if (doc.y > doc.page.height - 120) doc.addPage();
    doc.moveDown(0.6).font("B").fontSize(13).text(s, { paragraphGap: 4 });
  };
  const line = (label: string, value: string) => doc.font("B").fontSize(11).text(`${label}: `, { continued: true }).font("R").text(value || "—");
  const para = (s: string) => doc.font("R").fontSize(11).text(s, { paragraphGap: 2 });

  h1(t("privacy.my.pdfTitle"));
  para(t("privacy.my.pdfGenerated", { at: when(data.generatedAt) }));
  h2(t("privacy.my.account"));
  line(t("privacy.f.username"), data.account.username);
  line(t("dossier.f.fullName"), data.account.fullName);
  line(t("dossier.f.email"), data.account.email ?? "");
  line(t("dossier.f.phone"), data.account.phone ?? "");
  line(t("privacy.f.createdAt"), when(data.account.createdAt));

  h2(t("privacy.my.dossiers", { n: data.dossiers.length }));
  for (const d of data.dossiers) {
    if (doc.y > doc.page.height - 200) doc.addPage();
    doc.moveDown(0.4).font("B").fontSize(12).text(`${d.code} — ${d.procedure.name}`);
    line(t("dossier.my.agency"), d.agency);
    line(t("dossier.f.status"), d.statusText);
    line(t("dossier.f.channel"), d.channel);
    line(t("dossier.f.submittedAt"), when(d.submittedAt));
    line(t("dossier.f.receivedAt"), when(d.receivedAt));
    line(t("dossier.f.dueAt"), when(d.dueAt));
    if (d.anonymisedAt) line(t("privacy.f.anonymisedAt"), when(d.anonymisedAt));
    line(t("dossier.f.fullName"), d.applicant.fullName);
    line(t("dossier.f.idNumber"), d.applicant.idNumber);
    line(t("dossier.f.phone"), d.applicant.phone);
    line(t("dossier.f.email"), d.applicant.email ?? "");
    line(t("dossier.f.addressLine"), d.applicant.address);
    line(t("privacy.consent.title"), d.consent ? t("privacy.consent.given", { version: d.consent.version, at: when(d.consent.at) }) : t("privacy.consent.none"));
    if (d.attachments.length) line(t("dossier.detail.attachments"), d.attachments.map((a) => `${a.documentName} (${a.fileName || "—"})`).join("; "));
    for (const h of d.history) para(`• ${when(h.at)} · ${h.action} → ${h.status}${h.note ? ` — ${h.note}` : ""}`);
  }

  h2(t("privacy.my.accessLog", { n: data.accessLog.length }));
  if (data.accessLog.length === 0) para(t("privacy.my.accessNone"));
  for (const a of data.accessLog) para(`• ${when(a.at)} · ${a.dossierCode} · ${a.who} · ${a.kind}${a.reason ? ` — ${t("privacy.my.reason")}: ${a.reason}` : ""}`);

  h2(t("privacy.my.requests"));
  if (data.requests.length === 0) para(t("privacy.my.requestsNone"));
  for (const r of data.requests) para(`• ${when(r.createdAt)} · ${r.dossierCode} · ${r.kind} · ${r.status}${r.answer ? ` — ${r.answer}` : ""}`);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
