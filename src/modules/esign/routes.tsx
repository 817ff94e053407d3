// Signed results on the web: the leader's "approve and sign" on the dossier page and in the API,
// the result panel of every dossier page, downloads (staff, the citizen's account, or the tracking
// page with a one-time code sent by SMS or e-mail), and the public verification page of the QR code.
import { createHash, createHmac, randomInt, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { VNode } from "preact";
import { z } from "zod";
import { publicBaseUrl } from "../../config";
import { DomainError } from "../../domain/errors";
import { defineApi } from "../../web/api";
import { asHttpError, HttpError, notFound, parseWith, requirePermission } from "../../web/http";
import { formatDateTime } from "../../web/i18n";
import { CsrfField, Layout } from "../../web/views/layout";
import { appendAudit } from "../audit/audit";
import { sendAttachment } from "../dossiers/download";
import type { UploadInput } from "../dossiers/files";
import { fileStore } from "../storage/storage";
import { registerDossierPanel } from "../dossiers/panels";
import { rateLimit, readMultipart } from "../dossiers/route-support";
import { localise } from "../dossiers/views";
import { enqueueMessage } from "../notifications/outbox";
import { type Access, dossierAccess } from "../payments/access";
import { findDossierFee } from "../payments/fees";
import { translator } from "../../web/i18n";
import "./messages";
import { verifyPdfSignature } from "./verify";
import { approveAndSign, type EResult, findEResult, listEResults } from "./results";
import { configuredSigner, type Signer } from "./signer";

const signers = new WeakMap<FastifyInstance, Promise<Signer | undefined>>();

/** The installation's signer (configured, else the demo soft token outside production); tests may set another. */
export function signerOf(app: FastifyInstance): Promise<Signer | undefined> {
  let s = signers.get(app);
  if (!s) {
    s = configuredSigner({ env: process.env, nodeEnv: app.deps.config.nodeEnv, dataDir: app.deps.config.dataDir });
    signers.set(app, s);
  }
  return s;
}

export function configureSigner(app: FastifyInstance, signer: Signer | undefined): void {
  signers.set(app, Promise.resolve(signer));
}

function baseUrl(app: FastifyInstance): string {
  return (app.deps.config.baseUrl ?? publicBaseUrl(app.deps.config)).replace(/\/$/, "");
}

// One-time codes and the grant they give -----------------------------------------------------

const OTP_MINUTES = 10;
const GRANT_MINUTES = 30;

function otpHash(secret: string, dossierId: number, code: string): string {
  return createHmac("sha256", secret).update(`otp:${dossierId}:${code}`).digest("hex");
}

export function resultGrant(secret: string, dossierCode: string, expires: number): string {
  return `${expires}.${createHmac("sha256", secret).update(`eresult:${dossierCode}:${expires}`).digest("base64url").slice(0, 32)}`;
}

export function isResultGrant(secret: string, dossierCode: string, grant: unknown, now = Date.now()): boolean {
  if (typeof grant !== "string") return false;
  const m = /^(\d{10,14})\.([A-Za-z0-9_-]{32})$/.exec(grant);
  if (!m || Number(m[1]) < now) return false;
  const want = Buffer.from(resultGrant(secret, dossierCode, Number(m[1])));
  const got = Buffer.from(grant);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Sends a code to the applicant's phone (and e-mail, if given), through the notification outbox. */
async function sendOtp(app: FastifyInstance, a: Access, lang: "vi" | "en"): Promise<void> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const t = translator(lang);
  await app.deps.db.system(async (tx) => {
    const agency = await tx.one<{ name: string }>("select name from agencies where id = $1", [a.dossier.agencyId]);
    await tx.exec("update result_otps set used_at = now() where dossier_id = $1 and used_at is null", [a.dossier.id]);
    await tx.exec("insert into result_otps (agency_id, dossier_id, code_hash, channel, expires_at) values ($1, $2, $3, 'sms', now() + make_interval(mins => $4))", [
      a.dossier.agencyId,
      a.dossier.id,
      otpHash(app.deps.secret, a.dossier.id, code),
      OTP_MINUTES,
    ]);
    const vars = { agency: agency.name.replace(/^Ủy ban nhân dân /u, "UBND "), code: a.dossier.code, otp: code };
    const ascii = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D");
    await enqueueMessage(tx, { agencyId: a.dossier.agencyId, dossierId: a.dossier.id, kind: "result_otp", channel: "sms", recipient: a.dossier.applicantPhone, lang, body: ascii(t("esign.otp.sms", vars)) });
    if (a.dossier.applicantEmail) {
      await enqueueMessage(tx, {
        agencyId: a.dossier.agencyId,
        dossierId: a.dossier.id,
        kind: "result_otp",
        channel: "email",
        recipient: a.dossier.applicantEmail,
        lang,
        subject: t("esign.otp.mailSubject", vars),
        body: t("esign.otp.mailBody", vars),
      });
    }
    await appendAudit(tx, { agencyId: a.dossier.agencyId, actor: a.actor.label, action: "result.otp", entity: "dossier", entityId: a.dossier.code, data: { channels: a.dossier.applicantEmail ? ["sms", "email"] : ["sms"] } });
  });
}

/** Checks a code (at most five tries per code); a good one is used up and gives a grant. */
async function checkOtp(app: FastifyInstance, a: Access, code: string): Promise<string | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const ok = await app.deps.db.system(async (tx) => {
    const row = await tx.maybeOne<{ id: number; code_hash: string; attempts: number }>(
      "select id, code_hash, attempts from result_otps where dossier_id = $1 and used_at is null and expires_at > now() order by id desc limit 1 for update",
      [a.dossier.id],
    );
    if (!row || row.attempts >= 5) return false;
    const good = timingSafeEqual(Buffer.from(row.code_hash), Buffer.from(otpHash(app.deps.secret, a.dossier.id, code)));
    await tx.exec(good ? "update result_otps set used_at = now() where id = $1" : "update result_otps set attempts = attempts + 1 where id = $1", [row.id]);
    return good;
  });
  return ok ? resultGrant(app.deps.secret, a.dossier.code, Date.now() + GRANT_MINUTES * 60_000) : undefined;
}

// Downloads ---------------------------------------------------------------------------------

/** The applicant gets the result once a known fee is paid; staff always see it. */
async function feeBlocks(app: FastifyInstance, dossierId: number): Promise<boolean> {
  const fee = await app.deps.db.system((tx) => findDossierFee(tx, dossierId));
  return fee?.status === "due" && fee.outstandingVnd > 0;
}

function fileUrl(r: EResult, q: { code?: string; grant?: string } = {}): string {
  const qs = q.grant && q.code ? `?${new URLSearchParams({ code: q.code, grant: q.grant }).toString()}` : "";
  return `/results/${r.publicId}/file${qs}`;
}

function ResultList({ ctx, items, links }: { ctx: ReturnType<FastifyRequest["pageCtx"]>; items: EResult[]; links: ((r: EResult) => string) | undefined }): VNode {
  const t = ctx.t;
  return (
    <ul>
      {items.map((r) => (
        <li key={r.publicId}>
          {links ? <a href={links(r)}>{r.documentName}</a> : <span>{r.documentName}</span>} <small class="muted">{t("esign.panel.signedBy", { name: r.signerName, at: formatDateTime(r.signedAt) })}</small> ·{" "}
          <a href={`/verify/${r.publicId}`}>{t("esign.panel.verify")}</a>
        </li>
      ))}
    </ul>
  );
}

registerDossierPanel({
  order: 20,
  places: ["staff", "citizen", "tracking"],
  render: async ({ app, req, place, code, proof }) => {
    const ctx = req.pageCtx();
    const t = ctx.t;
    const d = await app.deps.db.system((tx) => tx.maybeOne<{ id: number; agency_id: number; status: string }>("select id, agency_id, status from dossiers where code = $1 order by id limit 1", [code]));
    if (!d) return null;
    const items = await app.deps.db.system((tx) => listEResults(tx, d.id));
    const user = req.user;
    const canSign = place === "staff" && user?.role === "leader" && d.status === "awaiting_approval" && d.agency_id === user.agencyId;
    if (items.length === 0 && !canSign) return null;
    const q = req.query as Record<string, string | undefined>;
    let body: VNode;
    if (place === "staff") {
      body = items.length ? <ResultList ctx={ctx} items={items} links={(r) => fileUrl(r)} /> : <p class="muted">{t("esign.panel.none")}</p>;
    } else if (await feeBlocks(app, d.id)) {
      body = (
        <>
          <ResultList ctx={ctx} items={items} links={undefined} />
          <p class="notice warn">{t("esign.unpaid")}</p>
        </>
      );
    } else if (place === "citizen") {
      body = <ResultList ctx={ctx} items={items} links={(r) => fileUrl(r)} />;
    } else if (isResultGrant(app.deps.secret, code, q.grant)) {
      body = <ResultList ctx={ctx} items={items} links={(r) => fileUrl(r, { code, grant: q.grant! })} />;
    } else {
      body = (
        <>
          <ResultList ctx={ctx} items={items} links={undefined} />
          {q.otp === "wrong" ? (
            <p class="error" role="alert">
              {t("esign.otp.wrong")}
            </p>
          ) : null}
          {q.otp === "sent" || q.otp === "wrong" ? (
            <form method="post" action="/track/results/verify" class="stack">
              <CsrfField ctx={ctx} />
              <input type="hidden" name="code" value={code} />
              <input type="hidden" name="phone" value={proof?.phoneLast4 ?? ""} />
              <p class="notice">{t("esign.otp.sent")}</p>
              <div class="field">
                <label for="f-otp">{t("esign.otp.code")}</label>
                <input id="f-otp" name="otp" inputMode="numeric" pattern="[0-9]{6}" maxLength={6} autoComplete="one-time-code" required />
              </div>
              <button type="submit">{t("esign.otp.verify")}</button>
            </form>
          ) : (
            <form method="post" action="/track/results/code">
              <CsrfField ctx={ctx} />
              <input type="hidden" name="code" value={code} />
              <input type="hidden" name="phone" value={proof?.phoneLast4 ?? ""} />
              <p>{t("esign.otp.intro")}</p>
              <button type="submit">{t("esign.otp.send")}</button>
            </form>
          )}
        </>
      );
    }
    return (
      <section class="panel" aria-labelledby="eresult-title" id="results">
        <h2 id="eresult-title">{t("esign.panel.title")}</h2>
        {body}
        {canSign ? (
          <form method="post" action={`/staff/dossiers/${encodeURIComponent(code)}/sign`} enctype="multipart/form-data" class="stack action-form">
            <CsrfField ctx={ctx} />
            <h3>{t("esign.sign.title")}</h3>
            <p class="hint">{t("esign.sign.hint")}</p>
            <div class="field">
              <label for="f-sign-file">{t("esign.sign.file")}</label>
              <input id="f-sign-file" type="file" name="file" accept="application/pdf,image/jpeg,image/png" />
            </div>
            <div class="field">
              <label for="f-sign-note">{t("esign.sign.note")}</label>
              <textarea id="f-sign-note" name="note" maxLength={2000} />
            </div>
            <button type="submit">{t("esign.sign.submit")}</button>
          </form>
        ) : null}
      </section>
    );
  },
});

const CodeParam = z.object({ code: z.string().min(1).max(80) });

async function localisedCall<T>(req: FastifyRequest, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DomainError || asHttpError(e)) throw localise(e, req);
    throw e;
  }
}

export async function esignRoutes(app: FastifyInstance): Promise<void> {
  const db = app.deps.db;
  const ctxOf = async () => ({ db, dataDir: app.deps.config.dataDir, baseUrl: baseUrl(app), signer: await signerOf(app) });

  async function access(req: FastifyRequest, code: string, phone?: string): Promise<Access> {
    if (!req.user && phone) await rateLimit(app, req, "track");
    const a = await dossierAccess(app, req, code, { phoneLast4: phone });
    if (!a) throw notFound("dossier.err.notFound");
    return a;
  }

  app.post("/staff/dossiers/:code/sign", async (req, reply) => {
    const user = requirePermission(req, "dossier.approve");
    const { code } = parseWith(CodeParam, req.params, req);
    const form = await readMultipart(req, { files: 1 });
    if (form.tooLarge.length) throw new HttpError(413, "dossier.err.fileTooLarge", { name: form.tooLarge[0]!.fileName });
    const uploads: UploadInput[] = form.files.map((f) => ({ documentName: `Kết quả giải quyết: ${f.fileName}`, fileName: f.fileName, data: f.data }));
    await localisedCall(req, async () => approveAndSign(await ctxOf(), { code, user, note: form.values.note ?? null, uploads }));
    return reply.code(303).redirect(`/staff/dossiers/${encodeURIComponent(code)}?done=approve#results`);
  });

  app.post("/track/results/code", async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    await rateLimit(app, req, "track");
    const a = await access(req, String(body.code ?? ""), String(body.phone ?? ""));
    await sendOtp(app, a, req.lang);
    return reply.code(303).redirect(`/track?${new URLSearchParams({ code: a.dossier.code, phone: String(body.phone ?? ""), otp: "sent" }).toString()}#results`);
  });

  app.post("/track/results/verify", async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    await rateLimit(app, req, "track");
    const a = await access(req, String(body.code ?? ""), String(body.phone ?? ""));
    const grant = await checkOtp(app, a, String(body.otp ?? "").trim());
    const qs = new URLSearchParams({ code: a.dossier.code, phone: String(body.phone ?? ""), ...(grant ? { grant } : { otp: "wrong" }) });
    return reply.code(303).redirect(`/track?${qs.toString()}#results`);
  });

  app.get("/results/:id/file", async (req, reply) => {
    const { id } = req.params as { id: string };
    const q = req.query as Record<string, string | undefined>;
    const r = await db.system((tx) => findEResult(tx, id));
    if (!r) throw notFound();
    const a = await dossierAccess(app, req, r.dossierCode, {});
    const granted = isResultGrant(app.deps.secret, r.dossierCode, q.grant) && q.code === r.dossierCode;
    if (!a && !granted) throw notFound();
    if (a?.via !== "staff" && (await feeBlocks(app, r.dossierId))) throw new HttpError(409, "esign.unpaid");
    return sendAttachment(reply, { db: app.deps.db, key: r.storagePath, fileName: r.fileName, contentType: r.contentType });
  });

  // The QR code's page: who issued it, when, whether the stored file still matches its signature.
  async function verifyPage(req: FastifyRequest, id: string, compared?: boolean) {
    const r = await db.system((tx) => findEResult(tx, id));
    if (!r) throw notFound();
    const file = await fileStore(db).get(r.storagePath);
    const intact = file !== undefined && createHash("sha256").update(file).digest("hex") === r.sha256 && verifyPdfSignature(file).valid;
    const ctx = req.pageCtx();
    const t = ctx.t;
    return (
      <Layout ctx={ctx} title={t("esign.verify.title")}>
        <h1>{t("esign.verify.title")}</h1>
        <p class={intact ? "notice" : "error"} role="status">
          {intact ? t("esign.verify.valid") : t("esign.verify.invalid")}
        </p>
        {compared !== undefined ? (
          <p class={compared ? "notice" : "error"} role="alert">
            {compared ? t("esign.verify.same") : t("esign.verify.different")}
          </p>
        ) : null}
        <dl class="proc-facts">
          <dt>{t("esign.verify.issuer")}</dt>
          <dd>{r.agencyName}</dd>
          <dt>{t("esign.verify.document")}</dt>
          <dd>{r.documentName.replace(/^Kết quả giải quyết: /u, "")}</dd>
          <dt>{t("esign.verify.signedAt")}</dt>
          <dd>{formatDateTime(r.signedAt)}</dd>
          <dt>{t("esign.verify.signer")}</dt>
          <dd>
            {r.signerName}
            {r.signerTitle ? `, ${r.signerTitle}` : ""}
          </dd>
          <dt>{t("esign.verify.certificate")}</dt>
          <dd>
            {r.certificateSubject} <small class="muted">({r.certificateSerial})</small>
          </dd>
          <dt>{t("esign.verify.hash")}</dt>
          <dd>
            <code>{r.sha256}</code>
          </dd>
        </dl>
        <form method="post" action={`/verify/${r.publicId}`} enctype="multipart/form-data" class="panel stack">
          <CsrfField ctx={ctx} />
          <h2>{t("esign.verify.compare")}</h2>
          <p class="hint">{t("esign.verify.compareHint")}</p>
          <div class="field">
            <label for="f-copy">{t("esign.verify.file")}</label>
            <input id="f-copy" type="file" name="file" accept="application/pdf" required />
          </div>
          <button type="submit">{t("esign.verify.check")}</button>
        </form>
      </Layout>
    );
  }

  app.get("/verify/:id", async (req, reply) => reply.page(await verifyPage(req, (req.params as { id: string }).id)));

  app.post("/verify/:id", async (req, reply) => {
    const { id } = req.params as { id: string };
    const r = await db.system((tx) => findEResult(tx, id));
    if (!r) throw notFound();
    const form = await readMultipart(req, { files: 1 });
    const f = form.files[0];
    if (form.tooLarge.length) throw new HttpError(413, "dossier.err.fileTooLarge", { name: form.tooLarge[0]!.fileName });
    const same = f !== undefined && createHash("sha256").update(f.data).digest("hex") === r.sha256;
    return reply.page(await verifyPage(req, id, same));
  });

  // API ---------------------------------------------------------------------------------------

  const ResultItem = z.object({
    id: z.string(),
    documentName: z.string(),
    fileName: z.string(),
    sha256: z.string(),
    signedAt: z.string(),
    signer: z.string(),
    certificate: z.string(),
    verifyUrl: z.string(),
    downloadUrl: z.string().nullable(),
  });
  const Results = z.object({ items: z.array(ResultItem) });

  function itemsOf(items: EResult[], download: (r: EResult) => string | null) {
    return {
      items: items.map((r) => ({
        id: r.publicId,
        documentName: r.documentName,
        fileName: r.fileName,
        sha256: r.sha256,
        signedAt: r.signedAt.toISOString(),
        signer: r.signerName,
        certificate: r.certificateSubject,
        verifyUrl: `${baseUrl(app)}/verify/${r.publicId}`,
        downloadUrl: download(r),
      })),
    };
  }

  defineApi(app, {
    method: "GET",
    url: "/api/v1/dossiers/:code/results",
    summary:
      "A dossier's signed electronic results. Staff and the citizen who submitted it get download links; the applicant with the phone digits gets them with a grant from …/results/grant (one-time code), once a known fee is paid.",
    tags: ["results"],
    auth: "public",
    params: CodeParam,
    query: z.object({ phone: z.string().max(20).optional(), grant: z.string().max(80).optional() }),
    response: Results,
    errors: { 404: "Unknown code or wrong phone digits", 429: "Too many attempts" },
    handler: async ({ req, params, query }) => {
      const a = await access(req, params.code, query.phone);
      const items = await db.system((tx) => listEResults(tx, a.dossier.id));
      const blocked = a.via !== "staff" && (await feeBlocks(app, a.dossier.id));
      const granted = isResultGrant(app.deps.secret, a.dossier.code, query.grant);
      return itemsOf(items, (r) => (blocked ? null : a.via !== "applicant" ? fileUrl(r) : granted ? fileUrl(r, { code: a.dossier.code, grant: query.grant! }) : null));
    },
  });

  const SignBody = z
    .object({
      note: z.string().max(2000).optional(),
      attachments: z.array(z.object({ documentName: z.string().max(400), fileName: z.string().max(300), dataBase64: z.string() })).max(5).optional(),
    })
    .default({});

  defineApi(app, {
    method: "POST",
    url: "/api/v1/dossiers/:code/results",
    summary:
      "The leader approves the dossier and signs its result: the attached PDF or image, else the specialist's draft, else one generated from the dossier. A result that fails to sign leaves the dossier awaiting approval.",
    tags: ["results"],
    auth: "dossier.approve",
    params: CodeParam,
    body: SignBody,
    bodyLimit: 30 * 1024 * 1024,
    successStatus: 201,
    response: Results,
    errors: { 404: "Unknown or not visible", 409: "Not awaiting approval", 422: "No signer configured, or a document that cannot be signed" },
    handler: async ({ req, params, body }) => {
      const user = requirePermission(req, "dossier.approve");
      const uploads = (body.attachments ?? []).map((a) => ({ documentName: a.documentName, fileName: a.fileName, data: Buffer.from(a.dataBase64, "base64") }));
      const items = await localisedCall(req, async () => approveAndSign(await ctxOf(), { code: params.code, user, note: body.note ?? null, uploads }));
      return itemsOf(items, (r) => fileUrl(r));
    },
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/dossiers/:code/results/otp",
    summary: "Send the applicant a one-time code (SMS, and e-mail if given) to download the electronic result; proven with the phone digits.",
    tags: ["results"],
    auth: "public",
    params: CodeParam,
    body: z.object({ phone: z.string().max(20) }),
    successStatus: 202,
    response: z.object({ sent: z.boolean() }),
    errors: { 404: "Unknown code or wrong phone digits", 429: "Too many attempts" },
    handler: async ({ req, params, body }) => {
      await rateLimit(app, req, "track");
      const a = await access(req, params.code, body.phone);
      await sendOtp(app, a, req.lang);
      return { sent: true };
    },
  });

  defineApi(app, {
    method: "POST",
    url: "/api/v1/dossiers/:code/results/grant",
    summary: "Exchange the one-time code for a grant (valid 30 minutes) that the results' download links carry.",
    tags: ["results"],
    auth: "public",
    params: CodeParam,
    body: z.object({ phone: z.string().max(20), otp: z.string().max(10) }),
    response: z.object({ grant: z.string() }),
    errors: { 404: "Unknown code or wrong phone digits", 422: "Wrong or expired code", 429: "Too many attempts" },
    handler: async ({ req, params, body }) => {
      await rateLimit(app, req, "track");
      const a = await access(req, params.code, body.phone);
      const grant = await checkOtp(app, a, body.otp.trim());
      if (!grant) throw new HttpError(422, "esign.otp.wrong");
      return { grant };
    },
  });

}
