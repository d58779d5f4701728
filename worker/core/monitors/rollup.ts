import type { ProbeOutcome } from "../probes/probe-result.ts";
import type { MonitorState } from "./state-machine.ts";

/** Daily roll-ups are kept this long (a year and a margin), in the Monitor objects and the StatusPage alike. */
export const ROLLUP_DAYS = 400;

/** One stored check: what it saw and the monitor's state after it. */
export interface Sample {
  at: number;
  outcome: ProbeOutcome;
  latencyMs: number;
  state: MonitorState;
}

/** What a monitor keeps per day for a year once its raw samples are gone. */
export interface DailyRollup {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  checks: number;
  downChecks: number;
  degradedChecks: number;
  /** Seconds the monitor's (debounced) state was down. */
  downSeconds: number;
  meanLatencyMs: number | null;
  p95LatencyMs: number | null;
}

/**
 * Rolls one UTC day of samples (ascending) up. A down state lasts until the
 * next check, but never longer than two intervals: a gap in checking is not
 * counted as downtime.
 */
export function rollUpDay(day: string, samples: readonly Sample[], intervalMs: number): DailyRollup {
  const dayEnd = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
  let downMs = 0;
  samples.forEach((sample, i) => {
    if (sample.state !== "down") return;
    const until = samples[i + 1]?.at ?? Math.min(dayEnd, sample.at + intervalMs);
    downMs += Math.min(until - sample.at, 2 * intervalMs);
  });
  const latencies = samples.filter((s) => s.outcome !== "down").map((s) => s.latencyMs);
  return {
    day,
    checks: samples.length,
    downChecks: samples.filter((s) => s.outcome === "down").length,
    degradedChecks: samples.filter((s) => s.outcome === "degraded").length,
    downSeconds: Math.round(downMs / 1000),
    meanLatencyMs: latencies.length ? Math.round(latencies.reduce((a, b) => a + b, 0) / latencies.length) : null,
    p95LatencyMs: percentile(latencies, 0.95),
  };
}

/** Nearest-rank percentile; null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? null;
}
