// Sending a stored attachment: always as a download (never rendered inline, never type-sniffed,
// never cached by a shared cache), the Vietnamese name kept for browsers that read filename*.

import type { FastifyReply } from "fastify";
import type { Db } from "../../db/scope";
import { nameForType } from "../../domain/files/names";
import { fileStore } from "../storage/storage";
import { notFound } from "../../web/http";

/** Sends the stored file, or 404 when the store has none under its key (removed by retention, lost outside the app). */
export async function sendAttachment(reply: FastifyReply, f: { db: Db; key: string; fileName: string; contentType: string }): Promise<FastifyReply> {
  const stored = await fileStore(f.db).open(f.key);
  if (!stored) throw notFound();
  // Rows stored before names followed their type (a PDF called "x.html") download as what they are.
  const fileName = nameForType(f.fileName, f.contentType);
  const ascii = fileName.normalize("NFD").replace(/[^\x20-\x7e]/g, "").replace(/["\\]/g, "_") || "file";
  return reply
    .type(f.contentType)
    .header("content-disposition", `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .header("x-content-type-options", "nosniff")
    .header("cache-control", "private, no-store")
    .header("content-length", String(stored.size))
    .send(stored.body);
}
