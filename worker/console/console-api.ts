import type { Context } from "hono";
import { fieldProblems } from "../api/zod-problems.ts";
import { allows } from "../core/access/scopes.ts";
import { sha256Hex } from "../core/access/sha256.ts";
import type { ApiCall, ApiResult, ErrorBody, FieldProblem } from "../core/api/contract.ts";
import { OPERATIONS, type OperationId, type OperationSpec } from "../core/api/operations.ts";
import { statusPageStub } from "../platform/stubs.ts";
import type { ConsoleEnv } from "./console-env.ts";
import type { Once } from "./once.ts";

export type ApiOutcome<T> =
  | { ok: true; status: number; body: T; etag: string | undefined }
  | { ok: false; status: number; message: string; fields: FieldProblem[] };

export interface OperationInput {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  ifMatch?: string | null;
  /** The form's one-time key and what it said (once.ts): the same form posted twice writes once. */
  once?: Once | null;
}

/**
 * One communicator API operation on the signed-in person's behalf: the
 * same schemas validate what the form said, and the StatusPage object
 * authorises (the session acts as its token), writes and audits exactly as
 * for /api/v1. The console has no powers of its own.
 */
export async function callOperation<T = unknown>(
  c: Context<ConsoleEnv>,
  operation: OperationId,
  input: OperationInput = {},
): Promise<ApiOutcome<T>> {
  const spec: OperationSpec = OPERATIONS[operation];
  // Whoever may not call it hears so, not what else is wrong with the request (as /api/v1 answers).
  if (!allows(c.var.viewer.scopes, spec)) {
    return { ok: false, status: 403, message: `Your role lacks the "${spec.scope}" scope this needs.`, fields: [] };
  }
  const query = spec.query.safeParse(input.query ?? {});
  if (!query.success)
    return { ok: false, status: 400, message: "The filter is not valid.", fields: fieldProblems(query.error) };
  let body: unknown;
  if (spec.body) {
    const parsed = spec.body.safeParse(input.body ?? {});
    if (!parsed.success) {
      return { ok: false, status: 400, message: "Some fields need a fix.", fields: fieldProblems(parsed.error) };
    }
    body = parsed.data;
  }
  // One key per operation: a form whose post makes two calls must not meet its own first one.
  const once = spec.method === "post" ? (input.once ?? null) : null;
  const idempotencyKey = once ? `console:${operation}:${once.key}` : null;
  const params = input.params ?? {};
  const call: ApiCall = {
    operation,
    credentialHash: c.var.viewer.sessionHash,
    credentialKind: "session",
    params,
    query: query.data,
    body,
    ifMatch: input.ifMatch ?? null,
    idempotencyKey,
    requestHash: once ? await sha256Hex(`${operation} ${JSON.stringify(params)}\n${once.typed}`) : null,
  };
  // Reads made together travel together (read-batch.ts); a write goes at once, on its own.
  const result: ApiResult =
    spec.method === "get" ? await c.var.reads.read(call) : await statusPageStub(c.env).api(call);
  if (result.status < 300) {
    if (spec.method !== "get") c.var.noteWrite();
    return { ok: true, status: result.status, body: result.body as T, etag: result.etag };
  }
  const error = (result.body as ErrorBody).error;
  if (error.code === "idempotency_key_reused") {
    // The same form sent again with other words (after going back to it): the page shown next has a new key.
    return {
      ok: false,
      status: 409,
      message: "This form was already sent once with other words. Check what it says below and send it again.",
      fields: [],
    };
  }
  return { ok: false, status: result.status, message: error.message, fields: error.fields ?? [] };
}
