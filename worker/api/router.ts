import { type Context, Hono } from "hono";
import { sha256Hex } from "../core/access/sha256.ts";
import { type ApiCall, type ApiResult, type ErrorBody, problem } from "../core/api/contract.ts";
import { DEFAULT_BODY_LIMIT, OPERATIONS, type OperationId, type OperationSpec } from "../core/api/operations.ts";
import { log } from "../platform/log.ts";
import { statusPageStub } from "../platform/stubs.ts";
import type { AppEnv } from "../site.ts";
import { paramNoun, paramPattern } from "./path-params.ts";
import { readJsonBody } from "./read-body.ts";
import { fieldProblems } from "./zod-problems.ts";

/** How the edge reaches the StatusPage object; tests put a failing one here. */
export interface ApiBackend {
  call(env: Env, call: ApiCall): Promise<ApiResult>;
  /** Who may do what, without doing it: asked before reading a big body or refusing at the edge. */
  authorize(env: Env, credentialHash: string, operation: OperationId): Promise<ApiResult | null>;
}

export interface ApiOptions {
  backend?: ApiBackend | undefined;
  /** Told after every successful write, so this isolate's cached pages are refreshed. */
  onWrite?: () => void;
}

const statusPageBackend: ApiBackend = {
  call: (env, request) => statusPageStub(env).api(request),
  authorize: (env, credentialHash, operation) => statusPageStub(env).authorize(credentialHash, operation),
};

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/i;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The communicator API, built from the operations table: bearer token,
 * query and body validated with the operation's zod schemas, then one call
 * into the StatusPage object, which authorises, writes and audits in one
 * transaction. Everything a client can get wrong is a 4xx naming the fault.
 */
export function apiV1(options: ApiOptions = {}) {
  const backend = options.backend ?? statusPageBackend;
  const app = new Hono<AppEnv>();

  for (const [id, spec] of Object.entries(OPERATIONS) as [OperationId, OperationSpec][]) {
    app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      const response = await handle(c, id, spec, backend);
      if (spec.method !== "get" && response.ok && response.headers.get("idempotent-replayed") === null) {
        options.onWrite?.();
      }
      return response;
    });
  }

  // A catch-all rather than notFound: a mounted sub-app's notFound is not consulted by the parent.
  app.all("*", (c) => {
    const path = new URL(c.req.url).pathname.replace(/^\/api\/v1/, "") || "/";
    const allowed = Object.values(OPERATIONS as Record<string, OperationSpec>)
      .filter((spec) => pathPattern(spec.path).test(path))
      .map((spec) => spec.method.toUpperCase());
    if (allowed.length > 0) {
      return json(c, problem(405, "method_not_allowed", `use ${allowed.join(" or ")} here`), {
        allow: allowed.join(", "),
      });
    }
    return json(c, problem(404, "not_found", "no such API endpoint; see /api/v1/openapi.json"));
  });

  return app;
}

async function handle(
  c: Context<AppEnv>,
  operation: OperationId,
  spec: OperationSpec,
  backend: ApiBackend,
): Promise<Response> {
  const token = BEARER.exec(c.req.header("authorization") ?? "")?.[1];
  if (!token) {
    return json(c, problem(401, "unauthorized", "send a valid token: Authorization: Bearer <token>"));
  }
  const credentialHash = await sha256Hex(token);
  // Whoever is not allowed hears 401 or 403, not what else is wrong with the request.
  const refuse = async (result: ApiResult) =>
    json(c, (await accessRefused(c, backend, credentialHash, operation)) ?? result);

  const params = c.req.param() as Record<string, string>;
  for (const [name, value] of Object.entries(params)) {
    if (!paramPattern(name).test(value)) {
      return refuse(problem(404, "not_found", `there is no ${paramNoun(name)} "${value.slice(0, 60)}"`));
    }
  }

  const url = new URL(c.req.url);
  const query = spec.query.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) {
    return refuse(problem(400, "invalid_query", "the query string is not valid", fieldProblems(query.error)));
  }

  let body: unknown;
  let bodyHash = "";
  if (spec.body) {
    const limit = spec.bodyLimit ?? DEFAULT_BODY_LIMIT;
    // A big body is read only for someone allowed to send it.
    if (limit > DEFAULT_BODY_LIMIT) {
      const refused = await accessRefused(c, backend, credentialHash, operation);
      if (refused) return json(c, refused);
    }
    const read = await readJsonBody(c.req.raw, limit);
    if (!read.ok) return refuse(problem(read.status, read.code, read.message, read.fields));
    const parsed = spec.body.safeParse(read.value);
    if (!parsed.success) {
      return refuse(problem(400, "validation_failed", "the body is not valid", fieldProblems(parsed.error)));
    }
    body = parsed.data;
    bodyHash = await sha256Hex(read.bytes);
  }

  const ifMatch = c.req.header("if-match") ?? null;
  if (spec.ifMatch === "required" && !ifMatch) {
    return refuse(
      problem(
        428,
        "if_match_required",
        "send If-Match with the ETag you read, so a colleague's change is not overwritten",
      ),
    );
  }

  const idempotencyKey = spec.method === "post" ? (c.req.header("idempotency-key") ?? null) : null;
  if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    return refuse(problem(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 visible ASCII characters"));
  }

  let result: ApiResult;
  try {
    result = await backend.call(c.env, {
      operation,
      credentialHash,
      params,
      query: query.data,
      body,
      ifMatch,
      idempotencyKey,
      requestHash: idempotencyKey ? await sha256Hex(`${spec.method} ${url.pathname}\n${bodyHash}`) : null,
    });
  } catch (error) {
    log.error("api.unavailable", { operation, error });
    return unavailable(c);
  }
  const headers: Record<string, string> = {};
  if (result.etag) headers.etag = result.etag;
  if (result.replayed) headers["idempotent-replayed"] = "true";
  return json(c, result, headers);
}

/** 401 or 403 when the token may not do this, else null; an unreachable object answers 503 like any call. */
async function accessRefused(
  c: Context<AppEnv>,
  backend: ApiBackend,
  credentialHash: string,
  operation: OperationId,
): Promise<ApiResult | null> {
  try {
    return await backend.authorize(c.env, credentialHash, operation);
  } catch (error) {
    log.error("api.unavailable", { operation: "authorize", error });
    return problem(503, "unavailable", "the page's storage did not answer; retry with the same Idempotency-Key");
  }
}

function unavailable(c: Context<AppEnv>): Response {
  return json(
    c,
    problem(503, "unavailable", "the page's storage did not answer; retry with the same Idempotency-Key"),
    {
      "retry-after": "2",
    },
  );
}

/** Every 401 says how to authenticate (RFC 6750 §3), whether the token was missing, unknown or revoked. */
const CHALLENGE = { "www-authenticate": 'Bearer realm="lookout"' };

function json(c: Context<AppEnv>, result: ApiResult, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(result.body as ErrorBody), result.status as 200, {
    ...(result.status === 401 ? CHALLENGE : {}),
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  });
}

function pathPattern(path: string): RegExp {
  return new RegExp(`^${path.replace(/:[a-z]+/g, "[^/]+")}$`);
}
