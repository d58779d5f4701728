import type { HttpMonitorConfig } from "../monitors/monitor-config.ts";
import { EDGE_ERROR_BODY_BYTES, mayBeCloudflareEdgeError } from "./cloudflare-edge-errors.ts";
import { statusMatches } from "./expected-status.ts";

type BodyChecks = Pick<HttpMonitorConfig, "expectedStatus" | "keyword" | "keywordAbsent" | "json" | "maxBodyBytes">;

/** Whether any check looks at the body; when none does, the probe never reads it. */
export function checksNeedBody(checks: Omit<BodyChecks, "expectedStatus" | "maxBodyBytes">): boolean {
  return checks.keyword !== undefined || checks.keywordAbsent !== undefined || checks.json !== undefined;
}

/**
 * How many bytes of a response's body the probe reads: none when no check
 * needs them or the status already failed the check, maxBodyBytes for the
 * keyword and JSON checks, and just enough of a 52x/530 to see whether it is
 * Cloudflare's own error (cloudflare-edge-errors.ts).
 */
export function bodyBytesToRead(checks: BodyChecks, status: number): number {
  if (!statusMatches(status, checks.expectedStatus)) {
    return mayBeCloudflareEdgeError(status) ? EDGE_ERROR_BODY_BYTES : 0;
  }
  return checksNeedBody(checks) ? checks.maxBodyBytes : 0;
}
