import type { ApiCall, ApiResult } from "../worker/core/api/contract.ts";
import { OPERATIONS, type OperationId, type OperationSpec } from "../worker/core/api/operations.ts";

/**
 * The communicator API as the edge serves it (worker/api/router.ts: bearer
 * token hashed, query and body parsed with the operation's zod schemas, one
 * `api()` call into the StatusPage object, which authorises, writes and audits),
 * aimed at a StatusPage object named by the benchmark. The benchmark writes
 * the way a communicator does, through the object's API, but Lookout's own
 * `/api/v1` reaches only the object named "page" (worker/platform/stubs.ts),
 * and figure 3 writes to a second one. Served from the bench driver, the
 * writes also come from another isolate than the one serving readers, as a
 * communicator's writes usually do: Lookout's router tells its own isolate's
 * cache of every write, which would make the freshness figure measure a
 * single-isolate shortcut. Bench-only: JSON errors are short, and no body limit.
 */

interface StatusPageApi {
  api(call: ApiCall): Promise<ApiResult>;
}

/** As worker/core/access/sha256.ts hashes a token (not imported: its types are the Worker's, not Node's). */
async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/i;

/** The operation `method path` names, with its path parameters, or null. */
function route(method: string, path: string): { id: OperationId; params: Record<string, string> } | null {
  for (const [id, spec] of Object.entries(OPERATIONS) as [OperationId, OperationSpec][]) {
    if (spec.method !== method.toLowerCase()) continue;
    const names: string[] = [];
    const pattern = new RegExp(
      `^${spec.path.replace(/:([a-z]+)/g, (_, name: string) => {
        names.push(name);
        return "([^/]+)";
      })}$`,
    );
    const match = pattern.exec(path);
    if (match) return { id, params: Object.fromEntries(names.map((name, i) => [name, match[i + 1] as string])) };
  }
  return null;
}

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers });

export async function communicatorApi(request: Request, path: string, stub: StatusPageApi): Promise<Response> {
  const found = route(request.method, path);
  if (!found) return answer(404, { error: { code: "not_found", message: `no ${request.method} ${path}` } });
  const spec: OperationSpec = OPERATIONS[found.id];
  const token = BEARER.exec(request.headers.get("authorization") ?? "")?.[1];
  if (!token) return answer(401, { error: { code: "unauthorized", message: "no bearer token" } });

  const query = spec.query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return answer(400, { error: { code: "invalid_query", message: query.error.message } });
  let body: unknown;
  if (spec.body) {
    const parsed = spec.body.safeParse(await request.json());
    if (!parsed.success) return answer(400, { error: { code: "validation_failed", message: parsed.error.message } });
    body = parsed.data;
  }
  const ifMatch = request.headers.get("if-match");
  if (spec.ifMatch === "required" && !ifMatch) {
    return answer(428, { error: { code: "if_match_required", message: "send If-Match" } });
  }
  const result = await stub.api({
    operation: found.id,
    credentialHash: await sha256Hex(token),
    params: found.params,
    query: query.data,
    body,
    ifMatch,
    idempotencyKey: null,
    requestHash: null,
  });
  const response = answer(result.status, result.body, result.etag ? { etag: result.etag } : {});
  // An RPC result holds a disposer; releasing it now keeps workerd from warning about leaked stubs.
  (result as Partial<Disposable>)[Symbol.dispose]?.();
  return response;
}
