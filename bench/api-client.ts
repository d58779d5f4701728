import { randomBytes } from "node:crypto";

/** The bootstrap token (the ADMIN_TOKEN secret) the benchmarks' Workers get: a new one each run. */
export const ADMIN_TOKEN = `bench-${randomBytes(16).toString("hex")}`;

export interface Answer {
  status: number;
  text: string;
  /** From sending the request to the last byte of the answer. */
  ms: number;
  /** performance.now() when the answer had fully arrived. */
  endedAt: number;
}

/**
 * One communicator API request, as a client sends it, to `/api/v1{path}` below
 * `base` (Lookout's address, or RunningWorker.apiAt's for another object).
 */
export async function api(
  base: URL,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...extraHeaders, authorization: `Bearer ${ADMIN_TOKEN}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const started = performance.now();
  const response = await fetch(new URL(`api/v1${path}`, base), {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  const endedAt = performance.now();
  return { status: response.status, text, ms: endedAt - started, endedAt };
}

export function expectStatus(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status) throw new Error(`${what} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  return answer;
}

/** Declares an incident through the API as a communicator would; times the call from sending to its 201. */
export async function declareIncident(
  base: URL,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; ms: number; sentAt: number }> {
  const sentAt = performance.now();
  const answer = expectStatus(
    await api(base, "POST", "/incidents", {
      name,
      message: "We are investigating reports of elevated error rates.",
      ...extra,
    }),
    201,
    "declaring an incident",
  );
  return { id: (JSON.parse(answer.text) as { id: string }).id, ms: answer.ms, sentAt };
}
