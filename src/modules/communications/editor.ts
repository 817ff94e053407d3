import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import type { PageCtx } from "../../web/context";

/**
 * The article editor (editor.client.js): a small rich-text editor over the body textarea, written
 * for this form — toolbar, paste from Word cleaned by the server's sanitiser, an HTML view. The
 * form works without it. Served as a file of its own so only the article form loads it.
 */
export const EDITOR_JS = readFileSync(new URL("./editor.client.js", import.meta.url), "utf8");
export const EDITOR_PATH = "/communications/editor.js";

/** The editor's words in the page's language, handed to the script on the form (data-editor). */
export function editorLabels(ctx: PageCtx): string {
  const t = ctx.t;
  const keys = ["toolbar", "p", "h2", "h3", "bold", "italic", "ul", "ol", "quote", "link", "linkTitle", "linkPrompt", "badLink", "unlink", "unlinkTitle", "source", "sourceTitle", "cleaning", "cleaned", "pastedText"];
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, t(`communications.editor.${k}`)])));
}

export async function editorScriptRoute(app: FastifyInstance): Promise<void> {
  app.get(EDITOR_PATH, async (_req, reply) =>
    reply.type("text/javascript; charset=utf-8").header("cache-control", "public, max-age=86400").send(EDITOR_JS),
  );
}
