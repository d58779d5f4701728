import { type Context, Hono } from "hono";
import { sha256Hex } from "../../durable-objects/status-page/api/authenticate.ts";
import { type Env, statusPageStub } from "../env.ts";
import { log } from "../log.ts";
import type { AppEnv } from "../site.ts";
import { type ApiCall, type ApiResult, type ErrorBody, problem } from "./contract.ts";
import { DEFAULT_BODY_LIMIT, OPERATIONS, type OperationId, type OperationSpec } from "./operations.ts";
import { readJsonBody } from "./read-body.ts";
import { fieldProblems } from "./zod-problems.ts";

export interface ApiOptions {
  /** The StatusPage object's API entry; tests put a failing one here. */
  call?: ((env: Env, call: ApiCall) => Promise<ApiResult>) | undefined;
  /** Told after every successful write, so this isolate's cached pages are refreshed. */
  onWrite?: () => void;
}

const ID = /^[a-z0-9]{1,40}$/;
const FLAG_NAME = /^[a-z_]{1,60}$/;
const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/i;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The communicator API, built from the operations table: bearer token,
 * query and body validated with the operation's zod schemas, then one call
 * into the StatusPage object, which authorises, writes and audits in one
 * transaction. Everything a client can get wrong is a 4xx naming the fault.
 */
export function apiV1(options: ApiOptions = {}) {
  const call = options.call ?? ((env: Env, request: ApiCall) => statusPageStub(env).api(request));
  const app = new Hono<AppEnv>();

  for (const [id, spec] of Object.entries(OPERATIONS) as [OperationId, OperationSpec][]) {
    app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      const response = await handle(c, id, spec, call);
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
  call: (env: Env, request: ApiCall) => Promise<ApiResult>,
): Promise<Response> {
  const token = BEARER.exec(c.req.header("authorization") ?? "")?.[1];
  if (!token) {
    return json(c, problem(401, "unauthorized", "send a valid token: Authorization: Bearer <token>"), {
      "www-authenticate": 'Bearer realm="lookout"',
    });
  }

  const params = c.req.param() as Record<string, string>;
  for (const [name, value] of Object.entries(params)) {
    if (!(name === "name" ? FLAG_NAME : ID).test(value)) {
      return json(
        c,
        problem(404, "not_found", `there is no ${name === "name" ? "flag" : "item"} "${value.slice(0, 60)}"`),
      );
    }
  }

  const url = new URL(c.req.url);
  const query = spec.query.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) {
    return json(c, problem(400, "invalid_query", "the query string is not valid", fieldProblems(query.error)));
  }

  let body: unknown;
  let raw = "";
  if (spec.body) {
    const read = await readJsonBody(c.req.raw, spec.bodyLimit ?? DEFAULT_BODY_LIMIT);
    if (!read.ok) return json(c, problem(read.status, read.code, read.message, read.fields));
    const parsed = spec.body.safeParse(read.value);
    if (!parsed.success) {
      return json(c, problem(400, "validation_failed", "the body is not valid", fieldProblems(parsed.error)));
    }
    body = parsed.data;
    raw = read.raw;
  }

  const ifMatch = c.req.header("if-match") ?? null;
  if (spec.ifMatch === "required" && !ifMatch) {
    return json(
      c,
      problem(
        428,
        "if_match_required",
        "send If-Match with the ETag you read, so a colleague's change is not overwritten",
      ),
    );
  }

  const idempotencyKey = spec.method === "post" ? (c.req.header("idempotency-key") ?? null) : null;
  if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    return json(
      c,
      problem(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 visible ASCII characters"),
    );
  }

  let result: ApiResult;
  try {
    result = await call(c.env, {
      operation,
      credentialHash: await sha256Hex(token),
      params,
      query: query.data,
      body,
      ifMatch,
      idempotencyKey,
      requestHash: idempotencyKey ? await sha256Hex(`${spec.method} ${url.pathname}\n${raw}`) : null,
    });
  } catch (error) {
    log.error("api.unavailable", { operation, error });
    return json(
      c,
      problem(503, "unavailable", "the page's storage did not answer; retry with the same Idempotency-Key"),
      {
        "retry-after": "2",
      },
    );
  }
  const headers: Record<string, string> = {};
  if (result.etag) headers.etag = result.etag;
  if (result.replayed) headers["idempotent-replayed"] = "true";
  return json(c, result, headers);
}

function json(c: Context<AppEnv>, result: ApiResult, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(result.body as ErrorBody), result.status as 200, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  });
}

function pathPattern(path: string): RegExp {
  return new RegExp(`^${path.replace(/:[a-z]+/g, "[^/]+")}$`);
}
