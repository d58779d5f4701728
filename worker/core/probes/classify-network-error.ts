import { oneLine } from "./describe-failure.ts";
import type { ProbeFailure } from "./probe-result.ts";

/**
 * Turns what workerd throws from fetch() and connect() into a ProbeFailure.
 *
 * workerd hides the cause from JavaScript. Measured against real servers on
 * 127.0.0.1 (workerd 1.20261023.1, test/integration/probe-*.test.ts); the
 * cause in brackets is only in workerd's own log:
 *
 *   fetch, connection refused         Error "Network connection lost."   [Connection refused (os error 111)]
 *   fetch, reset before the answer    Error "Network connection lost."   [Connection reset by peer (os error 104)]
 *   fetch, DNS lookup failed          Error "internal error; reference = <id>"   [failed to lookup address information]
 *   fetch, TLS certificate rejected   Error "internal error; reference = <id>"   [TLS handshake failed: invalid peer certificate]
 *   fetch, TLS to a plain-HTTP port   Error "internal error; reference = <id>"   [TLS handshake failed: received corrupt message]
 *   connect(), refused or DNS failed  Error "proxy request failed, cannot connect to the specified address"
 *                                     (plus "It looks like you might be trying to connect to a HTTP-based
 *                                     service — consider using fetch instead" on ports 80 and 443)
 *
 * So one message stands for two causes, and the probes settle which with a
 * second, cheaper look (`reachable` / `resolvable` below). Messages that do
 * name the cause (other workerd versions, Node-style codes) are matched first.
 */

export const CONNECTION_LOST = "Network connection lost.";
const INTERNAL_ERROR = /^internal error(; reference = (\S+))?/;
const SOCKET_CONNECT_FAILED = "proxy request failed, cannot connect to the specified address";

/** Which of the two ambiguous fetch errors this is, if either. */
export function ambiguousFetchError(error: unknown): "connection_lost" | "internal_error" | null {
  const message = messageOf(error);
  if (message === CONNECTION_LOST) return "connection_lost";
  if (INTERNAL_ERROR.test(message)) return "internal_error";
  return null;
}

export function isSocketConnectFailure(error: unknown): boolean {
  return messageOf(error).startsWith(SOCKET_CONNECT_FAILED);
}

export interface FetchErrorContext {
  /** The URL whose request failed. */
  url: string;
  /** Whether the response headers had arrived (the error came while reading the body). */
  duringBody: boolean;
  /** Whether a plain TCP connection to the URL's host and port opened just after; null if not tried or no answer. */
  reachable: boolean | null;
}

export function classifyFetchError(error: unknown, context: FetchErrorContext): ProbeFailure {
  const url = new URL(context.url);
  const named = failureNamedIn(messageOf(error), url.hostname);
  if (named) return named;
  const ambiguous = ambiguousFetchError(error);
  if (ambiguous === "connection_lost") {
    // Once the headers are in, the connection was open: losing it is a reset.
    if (context.duringBody || context.reachable === true) return { kind: "reset" };
    if (context.reachable === false) return { kind: "refused" };
    return { kind: "network", detail: "connection lost (refused or reset)" };
  }
  if (ambiguous === "internal_error") {
    const https = url.protocol === "https:";
    if (context.reachable === true) {
      return https
        ? { kind: "tls", detail: "handshake failed or certificate rejected" }
        : { kind: "network", detail: oneLine(messageOf(error)) };
    }
    // Refused connections say "Network connection lost.", so an internal error
    // with nothing listening reachable is the name that did not resolve.
    if (context.reachable === false && !isIpLiteral(url.hostname)) return { kind: "dns", host: url.hostname };
    return { kind: "network", detail: https ? "DNS lookup or TLS handshake failed" : oneLine(messageOf(error)) };
  }
  return { kind: "network", detail: oneLine(messageOf(error) || "fetch failed") };
}

export interface SocketErrorContext {
  hostname: string;
  /**
   * Whether the name resolves, judged by a fetch to the same host and port
   * just after (it says "Network connection lost." when the name resolved and
   * "internal error" when it did not); null if not tried or no answer.
   */
  resolvable: boolean | null;
}

export function classifySocketError(error: unknown, context: SocketErrorContext): ProbeFailure {
  const named = failureNamedIn(messageOf(error), context.hostname);
  if (named) return named;
  if (isSocketConnectFailure(error)) {
    if (isIpLiteral(context.hostname) || context.resolvable === true) return { kind: "refused" };
    if (context.resolvable === false) return { kind: "dns", host: context.hostname };
    return { kind: "network", detail: "cannot connect (refused or DNS lookup failed)" };
  }
  return { kind: "network", detail: oneLine(messageOf(error) || "connect failed") };
}

/** Causes spelled out in the message: workerd's log lines, other workerd versions, Node-style error codes. */
function failureNamedIn(message: string, host: string): ProbeFailure | null {
  if (/connection refused|ECONNREFUSED/i.test(message)) return { kind: "refused" };
  if (/connection reset|ECONNRESET|EPIPE/i.test(message)) return { kind: "reset" };
  if (/failed to lookup address|name or service not known|nodename nor servname|ENOTFOUND|EAI_AGAIN/i.test(message)) {
    return { kind: "dns", host };
  }
  const tls = /\b(?:TLS|SSL|certificate)\b.*$/i.exec(message);
  if (tls) return { kind: "tls", detail: oneLine(tls[0].replace(/^TLS\s+/i, "")) };
  return null;
}

/** IPv4 dotted quad or an IPv6 literal (URL.hostname keeps its brackets). */
export function isIpLiteral(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.includes(":");
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  return "";
}
