import { z } from "zod";
import { SCOPE_DESCRIPTIONS, scopesNeeded } from "../core/access/scopes.ts";
import { OPERATIONS, type OperationSpec } from "../core/api/operations.ts";
import { paramPattern } from "./path-params.ts";

const ERROR = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        fields: {
          type: "array",
          items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } },
        },
      },
    },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

function schemaOf(type: z.ZodType): unknown {
  const { $schema: _, ...schema } = z.toJSONSchema(type, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return schema;
}

/** A body is required when its schema requires a field; otherwise an absent body reads as `{}`. */
function requestBodyOf(body: z.ZodType) {
  const schema = schemaOf(body) as { required?: string[] };
  return { required: (schema.required?.length ?? 0) > 0, content: { "application/json": { schema } } };
}

const documents = new Map<string, ReturnType<typeof buildDocument>>();

/** Built once per address it is served under: the schemas do not change while the Worker runs. */
export function openApiDocument(serverUrl: string) {
  let document = documents.get(serverUrl);
  if (!document) {
    document = buildDocument(serverUrl);
    if (documents.size < 16) documents.set(serverUrl, document);
  }
  return document;
}

/**
 * The OpenAPI 3.1 document, generated from the operations table and the very
 * zod schemas that validate requests, so it says exactly what the code accepts.
 */
function buildDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [id, spec] of Object.entries(OPERATIONS) as [string, OperationSpec][]) {
    const path = spec.path.replace(/:([a-z]+)/g, "{$1}");
    const pathParams = [...spec.path.matchAll(/:([a-z]+)/g)].map(([, name]) => ({
      name,
      in: "path",
      required: true,
      // The router's own patterns: anything else is a 404 before it is looked up.
      schema: { type: "string", pattern: paramPattern(name ?? "id").source },
    }));
    const query = schemaOf(spec.query) as { properties?: Record<string, unknown>; required?: string[] };
    const queryParams = Object.entries(query.properties ?? {}).map(([name, schema]) => ({
      name,
      in: "query",
      required: query.required?.includes(name) ?? false,
      schema,
    }));
    const headers = [
      ...(spec.ifMatch
        ? [{ name: "If-Match", in: "header", required: spec.ifMatch === "required", schema: { type: "string" } }]
        : []),
      ...(spec.method === "post"
        ? [{ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 255 } }]
        : []),
    ];
    paths[path] ??= {};
    paths[path][spec.method] = {
      operationId: id,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: [spec.scope],
      security: [{ bearer: [...scopesNeeded(spec.scope)] }],
      parameters: [...pathParams, ...queryParams, ...headers],
      ...(spec.body ? { requestBody: requestBodyOf(spec.body) } : {}),
      responses: {
        [spec.success]: { description: "Done", content: { "application/json": { schema: {} } } },
        "400": errorResponse("The body or query is not valid; `fields` names each fault"),
        "401": errorResponse("No valid token"),
        "403": errorResponse(
          scopesNeeded(spec.scope).length > 1
            ? "The token lacks one of the scopes: a backup needs every scope"
            : `The token lacks the "${spec.scope}" scope`,
        ),
        ...(spec.path.includes(":") ? { "404": errorResponse("No such item") } : {}),
        ...(spec.method !== "get" ? { "409": errorResponse("Not possible in the current state; says why") } : {}),
        ...(spec.ifMatch ? { "412": errorResponse("Changed since you read it (If-Match)") } : {}),
        ...(spec.ifMatch === "required" ? { "428": errorResponse("If-Match is required") } : {}),
        ...(spec.body
          ? {
              "413": errorResponse("Body too large"),
              "415": errorResponse("Body is not application/json"),
              "422": errorResponse("Refers to something that does not exist, or reuses an Idempotency-Key"),
            }
          : {}),
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Lookout communicator API",
      version: "1",
      description: "Incidents, maintenances, post-incident reports, ops flags, tokens, audit log and backups.",
    },
    servers: [{ url: serverUrl }],
    tags: Object.entries(SCOPE_DESCRIPTIONS).map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { Error: ERROR },
    },
    paths,
  };
}
