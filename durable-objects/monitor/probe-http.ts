import { connect as socketsConnect } from "cloudflare:sockets";
import type { HttpMonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import { bodyBytesToRead } from "../../worker/core/probes/body-budget.ts";
import {
  ambiguousFetchError,
  classifyFetchError,
  isSocketConnectFailure,
} from "../../worker/core/probes/classify-network-error.ts";
import { type BodySample, judgeHttpResponse } from "../../worker/core/probes/judge-http.ts";
import type { ProbeFailure, ProbeResult } from "../../worker/core/probes/probe-result.ts";
import { CREDENTIAL_HEADERS, nextRedirect, requestKey } from "../../worker/core/probes/redirects.ts";
import { failedResult } from "../../worker/core/probes/results.ts";

/**
 * One check of an HTTP monitor, built so that a bad target cannot hurt
 * Lookout: one deadline covers every redirect hop and the body, the body is
 * read only as far as a check needs and then cancelled, and every way of
 * failing ends as a ProbeResult, never as an exception.
 */

export const USER_AGENT = "Lookout/0.1 (+healthcheck)";

export interface HttpProbeOptions {
  fetch?: typeof fetch;
  /** Only used to tell apart failures workerd reports with one message (see classify-network-error.ts). */
  connect?: typeof socketsConnect;
  now?: () => number;
}

export async function runHttpProbe(monitor: HttpMonitorConfig, options: HttpProbeOptions = {}): Promise<ProbeResult> {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;
  const at = now();
  const deadline = new Deadline(monitor.timeoutMs);
  // Where the check got to, so a failure can say what failed.
  const progress = { url: monitor.url, statusCode: null as number | null, duringBody: false };
  let response: Response | null = null;
  try {
    response = await requestFollowingRedirects(monitor, doFetch, deadline, progress);
    const latencyMs = now() - at;
    progress.duringBody = true;
    const body = await readNeededBody(monitor, response, deadline);
    return judgeHttpResponse(monitor, { at, url: progress.url, status: response.status, latencyMs, body });
  } catch (error) {
    const failedAt = { at, latencyMs: now() - at, statusCode: progress.statusCode };
    if (error instanceof RedirectFailed) return failedResult({ ...failedAt, failure: error.failure });
    if (deadline.passed) return failedResult({ ...failedAt, failure: { kind: "timeout", afterMs: monitor.timeoutMs } });
    const reachable =
      ambiguousFetchError(error) && !progress.duringBody
        ? await opensTcp(progress.url, options.connect ?? socketsConnect, deadline)
        : null;
    const failure = classifyFetchError(error, { url: progress.url, duringBody: progress.duringBody, reachable });
    return failedResult({ ...failedAt, failure });
  } finally {
    deadline.clear();
    if (response) discardBody(response);
  }
}

/** Thrown into every pending step when the check's time is up. */
class DeadlinePassed extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * One time limit for the whole check. Each await on the target is raced
 * against it as well as aborted by its signal, so a target that never answers
 * or trickles its body cannot hold the probe whatever the runtime does with
 * the signal.
 */
export class Deadline {
  readonly signal: AbortSignal;
  readonly #expired: Promise<never>;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(ms: number) {
    const controller = new AbortController();
    this.signal = controller.signal;
    this.#expired = new Promise<never>((_, reject) => {
      this.#timer = setTimeout(() => {
        const reason = new DeadlinePassed(ms);
        controller.abort(reason);
        reject(reason);
      }, ms);
    });
    // Nobody may be racing when it fires; that must not surface as an unhandled rejection.
    this.#expired.catch(() => undefined);
  }

  get passed(): boolean {
    return this.signal.aborted;
  }

  race<T>(step: Promise<T>): Promise<T> {
    return Promise.race([step, this.#expired]);
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}

async function requestFollowingRedirects(
  monitor: HttpMonitorConfig,
  doFetch: typeof fetch,
  deadline: Deadline,
  progress: { url: string; statusCode: number | null },
): Promise<Response> {
  const headers = new Headers(monitor.headers);
  if (!headers.has("user-agent")) headers.set("user-agent", USER_AGENT);
  let method: string = monitor.method;
  let body = monitor.body;
  const visited = new Set<string>();
  for (let hops = 0; ; hops++) {
    visited.add(requestKey(method, progress.url));
    const response = await deadline.race(
      doFetch(progress.url, {
        method,
        headers,
        body: method === "GET" || method === "HEAD" ? undefined : body,
        redirect: "manual",
        signal: deadline.signal,
      }),
    );
    progress.statusCode = response.status;
    const step = nextRedirect({
      url: progress.url,
      method,
      status: response.status,
      location: response.headers.get("location"),
      hops,
      visited,
      followRedirects: monitor.followRedirects,
      maxRedirects: monitor.maxRedirects,
    });
    if (step.kind === "final") return response;
    discardBody(response);
    if (step.kind === "fail") throw new RedirectFailed(step.failure);
    if (!step.keepBody) body = undefined;
    if (!step.keepCredentials) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
    method = step.method;
    progress.url = step.url;
  }
}

/** Reads what the checks need and no more (see body-budget.ts). */
async function readNeededBody(
  monitor: HttpMonitorConfig,
  response: Response,
  deadline: Deadline,
): Promise<BodySample | null> {
  const limit = bodyBytesToRead(monitor, response.status);
  if (limit === 0 || response.body === null) return null;
  const { bytes, truncated } = await readAtMost(response.body, limit, deadline);
  return { text: new TextDecoder().decode(bytes), truncatedAt: truncated ? limit : null };
}

async function readAtMost(
  body: ReadableStream<Uint8Array>,
  limit: number,
  deadline: Deadline,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await deadline.race(reader.read());
      if (done) return { bytes: concat(chunks, total), truncated: false };
      chunks.push(value);
      total += value.byteLength;
      // Strictly more than the limit: a body of exactly the limit is complete, not cut.
      if (total > limit) return { bytes: concat(chunks, limit), truncated: true };
    }
  } finally {
    // Done, cut short, failed or out of time: the rest is never downloaded.
    reader.cancel().catch(() => undefined);
  }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= length) break;
    const part = chunk.subarray(0, length - offset);
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** Lets go of a body nobody will read, so its connection closes instead of downloading it. */
function discardBody(response: Response): void {
  if (response.body && !response.body.locked) response.body.cancel().catch(() => undefined);
}

/** A redirect the policy refuses to follow, carried to the catch as its failure. */
class RedirectFailed extends Error {
  readonly failure: ProbeFailure;
  constructor(failure: ProbeFailure) {
    super("redirect refused");
    this.failure = failure;
  }
}

/**
 * Whether a plain TCP connection to the URL's host and port opens: tells a
 * refused connection from a reset one, and a DNS failure from a TLS one, when
 * workerd's fetch error does not (see classify-network-error.ts). Null when
 * the answer did not come within the check's time.
 */
async function opensTcp(url: string, connect: typeof socketsConnect, deadline: Deadline): Promise<boolean | null> {
  const target = new URL(url);
  const port = Number(target.port) || (target.protocol === "https:" ? 443 : 80);
  let socket: ReturnType<typeof socketsConnect> | undefined;
  try {
    socket = connect({ hostname: target.hostname.replace(/^\[|\]$/g, ""), port });
    // closed rejects too when the connection fails; only opened is the answer.
    socket.closed.catch(() => undefined);
    await deadline.race(socket.opened);
    return true;
  } catch (error) {
    return !deadline.passed && isSocketConnectFailure(error) ? false : null;
  } finally {
    socket?.close().catch(() => undefined);
  }
}
