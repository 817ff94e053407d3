import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from "fastify";
import { z } from "zod";
import type { Permission } from "../domain/auth/permissions";
import { parseWith, requirePermission, requireUser } from "./http";

/** Who may call an operation: anyone, any signed-in account, or holders of a permission. */
export type ApiAuth = "public" | "authenticated" | Permission;

export type ApiSpec<Q extends z.ZodType, P extends z.ZodType, B extends z.ZodType> = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Fastify path, e.g. "/api/v1/dossiers/:code". */
  url: string;
  summary: string;
  tags: string[];
  auth: ApiAuth;
  query?: Q;
  params?: P;
  body?: B;
  /**
   * A multipart/form-data body that the handler reads itself (files are streamed, not parsed
   * here): its text fields and file fields, for the OpenAPI document.
   */
  multipart?: { fields: z.ZodObject; files: { name: string; required: boolean; description: string }[] };
  /** Schema of the success body, for the OpenAPI document. */
  response?: z.ZodType;
  successStatus?: number;
  /** Other statuses this operation answers, with a description. */
  errors?: Record<number, string>;
  bodyLimit?: number;
  /** Runs before the body is read (e.g. largeBodyGuard for routes taking uploads). */
  onRequest?: onRequestHookHandler;
  handler: (ctx: {
    req: FastifyRequest;
    reply: FastifyReply;
    query: z.infer<Q>;
    params: z.infer<P>;
    body: z.infer<B>;
  }) => Promise<unknown>;
};

export type ApiOperation = { method: string; path: string; operation: Record<string, unknown> };

declare module "fastify" {
  interface FastifyInstance {
    apiOperations: ApiOperation[];
  }
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): unknown {
  try {
    return z.toJSONSchema(schema, { io, unrepresentable: "any" });
  } catch {
    return {};
  }
}

const ErrorBody = z.object({
  error: z.object({
    status: z.number(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

function multipartSchema(m: NonNullable<ApiSpec<z.ZodType, z.ZodType, z.ZodType>["multipart"]>): unknown {
  const js = jsonSchema(m.fields, "input") as { properties?: Record<string, unknown>; required?: string[] };
  const properties: Record<string, unknown> = { ...js.properties };
  for (const f of m.files) properties[f.name] = { type: "string", format: "binary", description: f.description };
  return { type: "object", properties, required: [...m.files.filter((f) => f.required).map((f) => f.name), ...(js.required ?? [])] };
}

/** Registers a JSON operation: zod validation of query/params/body, auth, and its OpenAPI entry. */
export function defineApi<Q extends z.ZodType = z.ZodUnknown, P extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown>(
  app: FastifyInstance,
  spec: ApiSpec<Q, P, B>,
): void {
  const openapiPath = spec.url.replace(/:([A-Za-z_]+)/g, "{$1}");
  const parameters: unknown[] = [];
  const addParams = (schema: z.ZodType | undefined, where: "query" | "path") => {
    if (!schema) return;
    const js = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      parameters.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), schema: s });
    }
  };
  addParams(spec.query, "query");
  addParams(spec.params, "path");
  const responses: Record<string, unknown> = {
    [String(spec.successStatus ?? 200)]: {
      description: "OK",
      ...(spec.response ? { content: { "application/json": { schema: jsonSchema(spec.response, "output") } } } : {}),
    },
    "400": { description: "Invalid input", content: { "application/json": { schema: jsonSchema(ErrorBody, "output") } } },
  };
  if (spec.auth !== "public") {
    responses["401"] = { description: "Not signed in" };
    responses["403"] = { description: "Not allowed" };
  }
  for (const [status, description] of Object.entries(spec.errors ?? {})) responses[status] = { description };
  app.apiOperations.push({
    method: spec.method.toLowerCase(),
    path: openapiPath,
    operation: {
      summary: spec.summary,
      tags: spec.tags,
      parameters,
      ...(spec.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(spec.body, "input") } } } } : {}),
      ...(spec.multipart ? { requestBody: { required: true, content: { "multipart/form-data": { schema: multipartSchema(spec.multipart) } } } } : {}),
      responses,
      ...(spec.auth === "public" ? { security: [] } : {}),
    },
  });

  app.route({
    method: spec.method,
    url: spec.url,
    ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
    ...(spec.onRequest ? { onRequest: spec.onRequest } : {}),
    handler: async (req, reply) => {
      if (spec.auth === "authenticated") requireUser(req);
      else if (spec.auth !== "public") requirePermission(req, spec.auth);
      const query = spec.query ? parseWith(spec.query, req.query, req) : req.query;
      const params = spec.params ? parseWith(spec.params, req.params, req) : req.params;
      const body = spec.body ? parseWith(spec.body, req.body ?? {}, req) : req.body;
      const result = await spec.handler({ req, reply, query, params, body } as never);
      if (reply.sent) return reply;
      if (spec.successStatus) reply.code(spec.successStatus);
      return result;
    },
  });
}

export function openApiDocument(app: FastifyInstance, info: { version: string; baseUrl: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of app.apiOperations) {
    paths[op.path] ??= {};
    paths[op.path]![op.method] = op.operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Một Cửa API",
      version: info.version,
      description: "JSON API of Một Cửa. Errors: { error: { status, message, details? } } with messages in the language of Accept-Language or ?lang=.",
    },
    servers: [{ url: info.baseUrl }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "Staff API token created by `motcua token create`." },
        session: { type: "apiKey", in: "cookie", name: "mc_session" },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}
