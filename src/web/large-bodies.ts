// Bounded memory under large uploads from anonymous callers. Bodies are buffered before they are
// parsed (JSON with base64 files, multipart forms read into memory), so a few concurrent large
// bodies could take the process to a gigabyte (issue 19: six 56 MB posts → 923 MB). A route that
// takes uploads from the public declares its limit; before any byte is read, a declared length
// above it is refused (413), and at most MAX_CONCURRENT_LARGE bodies above LARGE_BYTES are read at
// once per process — the next caller is asked to retry in a few seconds (503 + Retry-After).
// Memory for bodies therefore stays below MAX_CONCURRENT_LARGE × the largest route limit.
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from "fastify";
import { HttpError } from "./http";

export const LARGE_BYTES = 1024 * 1024;
export const MAX_CONCURRENT_LARGE = 4;
export const RETRY_AFTER_SECONDS = 5;

let inFlight = 0;

/** Bodies above LARGE_BYTES being read now (for tests and /readyz). */
export function largeBodiesInFlight(): number {
  return inFlight;
}

function declaredLength(req: FastifyRequest): number | undefined {
  const raw = req.headers["content-length"];
  const n = typeof raw === "string" ? Number(raw) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * The onRequest hook of a route taking uploads: `maxBytes` for the whole body (the route's
 * fastify bodyLimit stays as the hard stop for bodies sent without a length).
 */
export function largeBodyGuard(maxBytes: number): onRequestHookHandler {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const length = declaredLength(req);
    // A refused body is not read: the connection is closed after the answer instead of draining it.
    if (length !== undefined && length > maxBytes) {
      reply.header("connection", "close");
      throw new HttpError(413, "error.413");
    }
    if (length !== undefined && length <= LARGE_BYTES) return;
    if (inFlight >= MAX_CONCURRENT_LARGE) {
      reply.header("retry-after", String(RETRY_AFTER_SECONDS));
      reply.header("connection", "close");
      throw new HttpError(503, "error.busyUploads", { seconds: RETRY_AFTER_SECONDS });
    }
    inFlight++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight--;
    };
    reply.raw.once("close", release);
    reply.raw.once("finish", release);
  };
}
