// Sending a stored attachment: always as a download (never rendered inline, never type-sniffed,
// never cached by a shared cache), the Vietnamese name kept for browsers that read filename*.

import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { FastifyReply } from "fastify";
import { nameForType } from "../../domain/files/names";
import { notFound } from "../../web/http";

/** Sends the file, or 404 when it is missing on disk (a file lost outside the app is not a 500). */
export async function sendAttachment(reply: FastifyReply, f: { path: string; fileName: string; contentType: string }): Promise<FastifyReply> {
  const exists = await stat(f.path).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!exists) throw notFound();
  // Rows stored before names followed their type (a PDF called "x.html") download as what they are.
  const fileName = nameForType(f.fileName, f.contentType);
  const ascii = fileName.normalize("NFD").replace(/[^\x20-\x7e]/g, "").replace(/["\\]/g, "_") || "file";
  return reply
    .type(f.contentType)
    .header("content-disposition", `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .header("x-content-type-options", "nosniff")
    .header("cache-control", "private, no-store")
    .send(createReadStream(f.path));
}
