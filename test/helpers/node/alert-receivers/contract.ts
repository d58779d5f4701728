/**
 * What a provider's contract is made of, free of Node APIs so that unit
 * tests in workerd can run the very checks the receivers run.
 */
import type { AlertProvider } from "./addresses.ts";

/** A request as a contract sees it. */
export interface IncomingAlert {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** One provider: how it checks a request and how it answers. */
export interface ProviderContract {
  provider: AlertProvider;
  /** The violations of the documented contract; empty when valid. */
  check(request: IncomingAlert): string[];
  ok(request: IncomingAlert): Answer;
  /** The provider's answer to a malformed request (400, or Opsgenie's 422). */
  invalid(violations: string[]): Answer;
  tooMany(retryAfterSeconds: number): Answer;
}

/** The zod issues of a failed parse as "path: message" lines. */
export function issues(error: { issues: { path: PropertyKey[]; message: string }[] }): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join(".") || "(body)"}: ${issue.message}`);
}

/** The body as JSON, or a violation. */
export function jsonBody(request: IncomingAlert): { json: unknown } | { violations: string[] } {
  if (!/^application\/json\b/i.test(request.headers["content-type"] ?? "")) {
    return { violations: [`content-type must be application/json, was ${request.headers["content-type"] ?? "none"}`] };
  }
  try {
    return { json: JSON.parse(request.body) };
  } catch {
    return { violations: ["the body is not JSON"] };
  }
}
