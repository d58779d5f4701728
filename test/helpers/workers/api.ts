import { ADMIN_TOKEN_FOR_TESTS } from "../test-secrets.ts";
import { fetchWorker } from "./worker.ts";

export const ADMIN = ADMIN_TOKEN_FOR_TESTS;

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies field by field and assert on them.
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** One communicator API request through the deployed Worker, as a client would send it. */
// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function api<T = any>(
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? ADMIN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetchWorker(`/api/v1${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}
