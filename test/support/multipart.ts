import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { Client } from "./app";

export type Part = { name: string; value: string } | { name: string; filename: string; type: string; data: Buffer };

/** A multipart/form-data body as a browser sends it. */
export function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----motcua${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if ("data" in p) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`), p.data, Buffer.from("\r\n"));
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Posts a multipart form as the signed-in client (the CSRF token in the body, as the pages' hidden field sends it). */
export function postMultipart(app: FastifyInstance, c: Client, url: string, parts: Part[], headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  const { body, contentType } = multipart([{ name: "_csrf", value: c.csrf }, ...parts]);
  return app.inject({
    method: "POST",
    url,
    payload: body,
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "), "content-type": contentType, ...headers },
  });
}
