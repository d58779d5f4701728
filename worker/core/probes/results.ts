import { describeFailure } from "./describe-failure.ts";
import type { ProbeFailure, ProbeResult } from "./probe-result.ts";

/** A check that failed: the outcome is down and the summary says why. */
export function failedResult(input: {
  at: number;
  latencyMs: number;
  statusCode: number | null;
  failure: ProbeFailure;
}): ProbeResult {
  return {
    at: input.at,
    outcome: "down",
    latencyMs: Math.max(0, Math.round(input.latencyMs)),
    statusCode: input.statusCode,
    failure: input.failure,
    summary: describeFailure(input.failure),
  };
}

/**
 * A check whose target answered as expected: up, or degraded when it took
 * longer than the monitor's threshold ("too slow: 2300 ms > 1000 ms").
 */
export function answeredResult(input: {
  at: number;
  latencyMs: number;
  statusCode: number | null;
  degradedAboveMs: number | undefined;
  /** What an up check says, e.g. "200 in 45 ms". */
  upSummary: (latencyMs: number) => string;
}): ProbeResult {
  const latencyMs = Math.max(0, Math.round(input.latencyMs));
  const slow = input.degradedAboveMs !== undefined && latencyMs > input.degradedAboveMs;
  return {
    at: input.at,
    outcome: slow ? "degraded" : "up",
    latencyMs,
    statusCode: input.statusCode,
    failure: null,
    summary: slow ? `too slow: ${latencyMs} ms > ${input.degradedAboveMs} ms` : input.upSummary(latencyMs),
  };
}
