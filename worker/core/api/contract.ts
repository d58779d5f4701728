import type { OperationId } from "./operations.ts";

/**
 * What crosses from the edge to the StatusPage object for one API request:
 * already authenticated as far as the edge can (a hash of the presented
 * token, never the token), already validated against the operation's schemas.
 */
export interface ApiCall {
  operation: OperationId;
  /** SHA-256 (hex) of the bearer token presented, or null when none was. */
  credentialHash: string | null;
  /**
   * What the hash is of: an API token (the default; all /api/v1 sees), or a
   * console session's cookie (only the console sends these: a session is no
   * API token, so its cookie is useless as a bearer).
   */
  credentialKind?: "token" | "session";
  params: Record<string, string>;
  query: unknown;
  body: unknown;
  ifMatch: string | null;
  idempotencyKey: string | null;
  /** SHA-256 of method, path and body: a reused Idempotency-Key must come with the same request. */
  requestHash: string | null;
}

export interface ApiResult {
  status: number;
  body: unknown;
  etag?: string;
  /** True when an Idempotency-Key replayed the first response. */
  replayed?: boolean;
}

export interface FieldProblem {
  path: string;
  message: string;
}

/** The one error shape every 4xx carries: a code for programs, a sentence for people, and the fields at fault. */
export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldProblem[] };
}

export function problem(status: number, code: string, message: string, fields?: FieldProblem[]): ApiResult {
  const body: ErrorBody = { error: { code, message, ...(fields ? { fields } : {}) } };
  return { status, body };
}

/** Thrown inside a handler to refuse; the transaction rolls back and nothing is written. */
export class ApiProblem extends Error {
  override name = "ApiProblem";
  readonly status: number;
  readonly code: string;
  readonly fields: FieldProblem[] | undefined;

  constructor(status: number, code: string, message: string, fields?: FieldProblem[]) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }

  toResult(): ApiResult {
    return problem(this.status, this.code, this.message, this.fields);
  }
}

/** Revisions travel as strong ETags: "r12". */
export function etagOf(revision: number): string {
  return `"r${revision}"`;
}
