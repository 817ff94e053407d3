import type { FastifyRequest } from "fastify";
import { DomainError } from "../../domain/errors";
import { verifyCsrf } from "../../web/http";
import type { Upload } from "./media";

export type FormData = { fields: Record<string, string>; files: Record<string, Upload[]> };

/**
 * Reads a form whether it came as multipart (with files) or urlencoded. Files over the app's
 * per-file limit (10 MB) become a 413 that names the file; empty file inputs are ignored.
 */
export async function readForm(req: FastifyRequest): Promise<FormData> {
  const fields: Record<string, string> = {};
  const files: Record<string, Upload[]> = {};
  if (!req.isMultipart()) {
    for (const [k, v] of Object.entries((req.body as Record<string, unknown>) ?? {})) {
      if (typeof v === "string") fields[k] = v;
      else if (Array.isArray(v)) fields[k] = v.map(String).join(",");
    }
    return { fields, files };
  }
  for await (const part of req.parts()) {
    if (part.type === "file") {
      let data: Buffer;
      try {
        data = await part.toBuffer();
      } catch (e) {
        if ((e as { code?: string }).code === "FST_REQ_FILE_TOO_LARGE") throw new DomainError("too_large", "communications.err.fileTooLarge", { vars: { name: part.filename || "?" } });
        throw e;
      }
      if (!part.filename || data.length === 0) continue;
      const list = files[part.fieldname] ?? [];
      list.push({ filename: part.filename, mimetype: part.mimetype, data });
      files[part.fieldname] = list;
    } else if (typeof part.value === "string") {
      // Text PostgreSQL cannot store is refused as the input guard refuses it elsewhere.
      if (part.value.includes("\u0000")) throw new DomainError("invalid", "error.nul", { vars: { field: part.fieldname } });
      fields[part.fieldname] = fields[part.fieldname] !== undefined && part.fieldname === "tags" ? `${fields[part.fieldname]},${part.value}` : part.value;
    }
  }
  // A multipart form's token travels in its body, not in its URL (src/web/app.tsx checks the origin before).
  if (req.isMultipart()) verifyCsrf(req, fields._csrf);
  return { fields, files };
}
