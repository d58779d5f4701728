import type { ComponentStatus } from "../statuses.ts";

/**
 * What one check of a monitor found. Produced by the probes at the edge of the
 * system (durable-objects/monitor/probe-*.ts), consumed by the pure state
 * machine and stored as a sample.
 */

/** Why a check failed, in terms a person can act on. */
export type ProbeFailure =
  | { kind: "timeout"; afterMs: number }
  | { kind: "dns"; host: string }
  | { kind: "refused" }
  | { kind: "reset" }
  | { kind: "tls"; detail: string }
  | { kind: "status"; status: number; expected: string }
  /** `searchedBytes` is set when the body was longer than the probe reads (maxBodyBytes). */
  | { kind: "keyword_missing"; keyword: string; searchedBytes?: number }
  | { kind: "keyword_present"; keyword: string }
  | { kind: "not_json"; searchedBytes?: number }
  /** `actual` is undefined when the path does not exist in the body. */
  | { kind: "json_mismatch"; path: string; expected: unknown; actual: unknown }
  /** `loopAt` is set when a redirect led back to a URL already visited. */
  | { kind: "redirects"; count: number; loopAt?: string }
  | { kind: "heartbeat_missed"; lastAt: number | null; silentForMs: number | null; expectedEveryMs: number }
  | { kind: "network"; detail: string }
  /** A provider's page states an outage of what a statuspage monitor follows. */
  | { kind: "provider"; status: ComponentStatus; incident: string | null };

export type ProbeOutcome = "up" | "degraded" | "down";

export interface ProbeResult {
  /** When the check started (ms since epoch). */
  at: number;
  outcome: ProbeOutcome;
  /** Time to the response headers (HTTP) or to the open connection (TCP). */
  latencyMs: number;
  statusCode: number | null;
  /** Set when the outcome is down. */
  failure: ProbeFailure | null;
  /** One line for people: "timeout after 10000 ms", "unexpected status 503 (expected 2xx)", "too slow: 2300 ms > 1000 ms". */
  summary: string;
}
