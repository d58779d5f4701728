import { connect as socketsConnect } from "cloudflare:sockets";
import type { TcpMonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import {
  ambiguousFetchError,
  classifySocketError,
  isIpLiteral,
  isSocketConnectFailure,
} from "../../worker/core/probes/classify-network-error.ts";
import {
  cloudflareEdgeFailure,
  EDGE_ERROR_BODY_BYTES,
  mayBeCloudflareEdgeError,
} from "../../worker/core/probes/cloudflare-edge-errors.ts";
import type { ProbeResult } from "../../worker/core/probes/probe-result.ts";
import { answeredResult, failedResult } from "../../worker/core/probes/results.ts";
import { Deadline } from "./probe-http.ts";

/**
 * One check of a TCP monitor: up when a connection to host:port opens within
 * the timeout. Nothing is sent; the socket is closed at once, whatever happened.
 */

export interface TcpProbeOptions {
  connect?: typeof socketsConnect;
  /** Only used to tell a DNS failure from a refused connection (see classify-network-error.ts). */
  fetch?: typeof fetch;
  now?: () => number;
}

export async function runTcpProbe(monitor: TcpMonitorConfig, options: TcpProbeOptions = {}): Promise<ProbeResult> {
  const connect = options.connect ?? socketsConnect;
  const now = options.now ?? Date.now;
  const at = now();
  const deadline = new Deadline(monitor.timeoutMs);
  let socket: ReturnType<typeof socketsConnect> | undefined;
  try {
    socket = connect({ hostname: monitor.host, port: monitor.port });
    // closed rejects too when the connection fails; only opened is the answer.
    socket.closed.catch(() => undefined);
    await deadline.race(socket.opened);
    return answeredResult({
      at,
      latencyMs: now() - at,
      statusCode: null,
      degradedAboveMs: monitor.degradedAboveMs,
      upSummary: (ms) => `connected in ${ms} ms`,
    });
  } catch (error) {
    const latencyMs = now() - at;
    if (deadline.passed) {
      return failedResult({
        at,
        latencyMs,
        statusCode: null,
        failure: { kind: "timeout", afterMs: monitor.timeoutMs },
      });
    }
    const resolvable =
      isSocketConnectFailure(error) && !isIpLiteral(monitor.host)
        ? await resolves(monitor, options.fetch ?? ((input, init) => fetch(input, init)), deadline)
        : null;
    const failure = classifySocketError(error, { hostname: monitor.host, resolvable });
    return failedResult({ at, latencyMs, statusCode: null, failure });
  } finally {
    deadline.clear();
    socket?.close().catch(() => undefined);
  }
}

/**
 * Whether the host name resolves, asked of fetch(), whose errors tell a DNS
 * failure ("internal error") from a refused connection ("Network connection
 * lost.") where connect()'s do not. It only runs after connect() failed, so
 * normally nothing reaches the service. In production an unknown name may
 * come back as Cloudflare's 530 "error code: 1016" instead. Null when the
 * answer says neither or comes too late.
 */
async function resolves(monitor: TcpMonitorConfig, doFetch: typeof fetch, deadline: Deadline): Promise<boolean | null> {
  const host = monitor.host.includes(":") ? `[${monitor.host}]` : monitor.host;
  let response: Response | undefined;
  try {
    response = await deadline.race(
      doFetch(`http://${host}:${monitor.port}/`, { redirect: "manual", signal: deadline.signal }),
    );
    if (!mayBeCloudflareEdgeError(response.status) || !response.body) return true;
    const reader = response.body.getReader();
    try {
      const { value } = await deadline.race(reader.read());
      const text = new TextDecoder().decode(value?.subarray(0, EDGE_ERROR_BODY_BYTES));
      return cloudflareEdgeFailure(response.status, text, monitor.host)?.kind !== "dns";
    } finally {
      reader.cancel().catch(() => undefined);
    }
  } catch (error) {
    if (deadline.passed) return null;
    const ambiguous = ambiguousFetchError(error);
    return ambiguous === "internal_error" ? false : ambiguous === "connection_lost" ? true : null;
  } finally {
    if (response?.body && !response.body.locked) response.body.cancel().catch(() => undefined);
  }
}
