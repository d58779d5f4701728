import type { ProbeFailure } from "./probe-result.ts";

/**
 * In production a Worker's fetch() reaches other hosts through Cloudflare's
 * edge, which reports some connection failures as a response rather than an
 * exception: a 52x or 530 status whose short text body is "error code: NNNN"
 * (for example 530 with 1016 when the host's DNS lookup fails). These turn
 * such a response back into the failure it stands for. Not seen locally:
 * workerd throws instead (see classify-fetch-error.ts).
 */

/** Statuses worth reading a few bytes of body for, to tell an edge error from the target's own 5xx. */
export function mayBeCloudflareEdgeError(status: number): boolean {
  return (status >= 520 && status <= 527) || status === 530;
}

/** Bytes of body enough to hold "error code: 1016". */
export const EDGE_ERROR_BODY_BYTES = 256;

export function cloudflareEdgeFailure(status: number, bodyText: string, host: string): ProbeFailure | null {
  if (!mayBeCloudflareEdgeError(status)) return null;
  const match = /^\s*error code: (\d{3,4})\s*$/i.exec(bodyText);
  if (!match) return null;
  const code = Number(match[1]);
  switch (code) {
    case 1016:
      return { kind: "dns", host };
    case 521:
      return { kind: "refused" };
    case 525:
      return { kind: "tls", detail: "handshake failed (Cloudflare 525)" };
    case 526:
      return { kind: "tls", detail: "certificate not valid (Cloudflare 526)" };
    case 522:
      return { kind: "network", detail: "connection timed out (Cloudflare 522)" };
    case 523:
      return { kind: "network", detail: "origin unreachable (Cloudflare 523)" };
    case 524:
      return { kind: "network", detail: "no answer in time (Cloudflare 524)" };
    default:
      return { kind: "network", detail: `Cloudflare error ${code} (status ${status})` };
  }
}
