// What the dossier route files share: the actor of a request, error localisation, the tracking
// limiter, multipart reading and the one way an action is run (pages and API alike).

import type { MultipartFile } from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Tx } from "../../db/scope";
import type { ActorRole, DossierAction } from "../../domain/dossiers/state-machine";
import type { CurrentUser } from "../../web/context";
import { HttpError, issueMessages, notFound, verifyCsrf } from "../../web/http";
import { hitBucket } from "../limits/buckets";
import { finaliseFiles, MAX_FILE_BYTES, stageFiles, type UploadInput, withStagedFiles } from "./files";
import { applyAction, type Dossier, type DossierActor, findOwnDossier } from "./service";
import { localise } from "./views";

export function actorOf(user: CurrentUser): DossierActor {
  return { userId: user.id, role: user.role as ActorRole, label: user.username, agencyId: user.agencyId };
}

/** Message variables that are catalog keys (status and action names) shown in the reader's language. */
export async function localised<T>(req: FastifyRequest, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw localise(e, req);
  }
}

/**
 * A fixed-window limit per client address, shared by every instance (PostgreSQL, not one
 * process's memory): tracking must not become a code oracle.
 */
export const TRACK_LIMIT = { max: 30, windowMs: 60_000 };
export async function rateLimit(app: FastifyInstance, req: FastifyRequest, bucket: string): Promise<void> {
  await localised(req, () => hitBucket(app.deps.db, { key: `${bucket}:${req.ip}`, limit: TRACK_LIMIT.max, windowSeconds: TRACK_LIMIT.windowMs / 1000 }));
}

export const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, { error: "msg:dossier.err.idempotencyKey" });

export function fieldErrors(error: z.ZodError, req: FastifyRequest): Record<string, string> {
  const map: Record<string, string> = { "address.line": "addressLine", "address.communeCode": "addressCommune" };
  const errors: Record<string, string> = {};
  for (const d of issueMessages(error, req.t)) {
    const k = map[d.path] ?? d.path;
    if (!(k in errors)) errors[k] = d.message;
  }
  return errors;
}

export type MultipartForm = {
  values: Record<string, string>;
  files: { field: string; fileName: string; data: Buffer }[];
  /** Files over 10 MB: cut off while streaming and dropped, so the rest of the form is still read. */
  tooLarge: { field: string; fileName: string }[];
  /** More files than the form allows: reading stopped there; what came before is kept. */
  tooManyFiles?: boolean;
};

/** Per-form limits; the default suits forms with a single file input. */
export type MultipartLimits = { files?: number; totalBytes?: number };

/** What a whole form with files may weigh (its files are held in memory until checked). */
export const MAX_FORM_BYTES = 60 * 1024 * 1024;

/** Text fields a form may have besides its files (applicant, consent, drop boxes…). */
const MAX_FIELDS = 300;

/**
 * Reads a multipart form: text fields and files (each at most 10 MB, enforced while streaming).
 * The number of files follows the form (`limits.files`): browsers send a part for every file
 * input, chosen or not. Past it, reading stops and the form is returned as read so far, marked.
 */
export async function readMultipart(req: FastifyRequest, limits: MultipartLimits = {}): Promise<MultipartForm> {
  const values: Record<string, string> = {};
  const files: MultipartForm["files"] = [];
  const tooLarge: MultipartForm["tooLarge"] = [];
  if (!req.isMultipart()) {
    const body = (req.body ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(body)) values[k] = Array.isArray(v) ? String(v[0]) : String(v ?? "");
    return { values, files, tooLarge };
  }
  // throwFileSizeLimit (read by @fastify/multipart per call, missing from its types): mark, not throw.
  const maxFiles = limits.files ?? 20;
  const maxTotal = limits.totalBytes ?? MAX_FORM_BYTES;
  let total = 0;
  const options = {
    limits: { fileSize: MAX_FILE_BYTES, files: maxFiles, fields: MAX_FIELDS, parts: maxFiles + MAX_FIELDS },
    throwFileSizeLimit: false,
  } as Parameters<FastifyRequest["parts"]>[0];
  try {
    for await (const part of req.parts(options)) {
      if (part.type === "file") {
        const f = part as MultipartFile;
        const data = await f.toBuffer();
        total += data.length;
        if (f.file.truncated) tooLarge.push({ field: f.fieldname, fileName: f.filename || "tep" });
        else if (total > maxTotal) {
          // Past the form's weight the rest is read and dropped, each file named, so memory stays bounded.
          tooLarge.push({ field: f.fieldname, fileName: f.filename || "tep" });
          total -= data.length;
        } else if (data.length > 0) files.push({ field: f.fieldname, fileName: f.filename || "tep", data });
      } else {
        const value = String((part as { value: unknown }).value ?? "");
        // The same refusal as the input guard gives JSON and forms (src/web/input-guard.ts).
        if (value.includes("\u0000") || part.fieldname.includes("\u0000")) throw new HttpError(400, "error.nul", { field: part.fieldname.replace(/\u0000/g, "") });
        values[part.fieldname] = value;
      }
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== "FST_FILES_LIMIT" && code !== "FST_PARTS_LIMIT" && code !== "FST_FIELDS_LIMIT") throw e;
    verifyCsrf(req, values._csrf);
    return { values, files, tooLarge, tooManyFiles: true };
  }
  // The form's token travels in its body, not in its URL (src/web/app.tsx checks the origin before).
  verifyCsrf(req, values._csrf);
  return { values, files, tooLarge };
}

/** The 413 of the first file over the limit, for forms that cannot use the rest without it. */
export function tooLargeError(form: MultipartForm): HttpError | undefined {
  const f = form.tooLarge[0];
  return f ? new HttpError(413, "dossier.err.fileTooLarge", { name: f.fileName }) : undefined;
}

/** Search text is stored folded (no tones, đ → d): fold the query the same way. */
export function foldSearch(s: string): string {
  return s
    .replace(/[đĐ]/g, "d")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[%_\\]/g, "")
    .trim();
}

/** An action of the state table by a staff member or a citizen, with its uploaded files (pages and API). */
export async function runAction(
  app: FastifyInstance,
  req: FastifyRequest,
  a: { code: string; action: DossierAction; user: CurrentUser; input: Record<string, unknown>; uploads: UploadInput[] },
): Promise<Dossier> {
  // A citizen acts on their own dossier within the agency that holds it (their scope has no agency).
  let agencyId = a.user.agencyId;
  let run = <T,>(fn: (tx: Tx) => Promise<T>) => req.tx(fn);
  if (a.user.role === "citizen") {
    const own = await req.tx((tx) => findOwnDossier(tx, { userId: a.user.id, code: a.code }));
    if (!own) throw notFound("dossier.err.notFound");
    agencyId = own.agencyId;
    run = (fn) => app.deps.db.scoped({ agencyIds: [own.agencyId], userId: a.user.id }, fn);
  }
  const staged = a.uploads.length ? await stageFiles({ db: app.deps.db, agencyId, uploads: a.uploads }) : [];
  return localised(req, () =>
    withStagedFiles(app.deps.db, staged, () =>
      run(async (tx) => {
        const d = await applyAction(tx, { dossierCode: a.code, agencyId, action: a.action, actor: { ...actorOf(a.user), agencyId }, input: a.input, files: staged });
        await finaliseFiles(tx, staged);
        return d;
      }),
    ),
  );
}
