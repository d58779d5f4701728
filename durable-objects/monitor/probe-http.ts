import { connect as socketsConnect } from "cloudflare:sockets";
import type { HttpMonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import { bodyBytesToRead } from "../../worker/core/probes/body-budget.ts";
import { ambiguousFetchError, classifyFetchError } from "../../worker/core/probes/classify-network-error.ts";
import { type BodySample, judgeHttpResponse } from "../../worker/core/probes/judge-http.ts";
import type { ProbeFailure, ProbeResult } from "../../worker/core/probes/probe-result.ts";
import { CREDENTIAL_HEADERS, nextRedirect, requestKey } from "../../worker/core/probes/redirects.ts";
import { failedResult } from "../../worker/core/probes/results.ts";
import { readAtMost } from "../../worker/platform/bounded-read.ts";
import { opensTcp } from "../shared/opens-tcp.ts";

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
        ? await opensTcp(progress.url, {
            connect: options.connect ?? socketsConnect,
            race: (step) => deadline.race(step),
            gaveUp: () => deadline.passed,
          })
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
  // The rest is cancelled, so it is never downloaded; each read is raced against the check's time.
  const { bytes, truncated } = await readAtMost(response.body, limit, { race: (step) => deadline.race(step) });
  return { text: new TextDecoder().decode(bytes), truncatedAt: truncated ? limit : null };
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
