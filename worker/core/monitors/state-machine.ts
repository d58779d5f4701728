import type { ProbeOutcome, ProbeResult } from "../probes/probe-result.ts";

/**
 * The up/degraded/down state machine of one monitor in one region. A single
 * bad check never changes the state: it takes `failuresToDown` failures in a
 * row to go down (or degraded checks in a row to go degraded) and
 * `successesToUp` good checks in a row to come back, so a flapping target
 * does not flap the page.
 */

export type MonitorState = "unknown" | "up" | "degraded" | "down";

export interface Thresholds {
  failuresToDown: number;
  successesToUp: number;
}

export interface MonitorMemory {
  state: MonitorState;
  /** When the current state began (ms). */
  since: number;
  /** Consecutive checks with each outcome, and consecutive checks that were not down. */
  streak: { down: number; degraded: number; up: number; notDown: number };
  /** The first failing check of the current run of failures: the evidence an incident cites. */
  firstFailure: ProbeResult | null;
}

export interface Transition {
  from: MonitorState;
  to: MonitorState;
  at: number;
  /** The check that tipped it. */
  result: ProbeResult;
  /** For a move to down: the first failing check of the run. */
  firstFailure: ProbeResult | null;
}

export function initialMemory(now: number): MonitorMemory {
  return { state: "unknown", since: now, streak: { down: 0, degraded: 0, up: 0, notDown: 0 }, firstFailure: null };
}

export function advance(
  memory: MonitorMemory,
  result: ProbeResult,
  thresholds: Thresholds,
): { memory: MonitorMemory; transition: Transition | null } {
  const streak = countStreak(
    memory.streak,
    result.outcome,
    Math.max(thresholds.failuresToDown, thresholds.successesToUp),
  );
  const firstFailure = result.outcome === "down" ? (memory.firstFailure ?? result) : null;
  const next = nextState(memory.state, result.outcome, streak, thresholds);
  if (next === memory.state) return { memory: { ...memory, streak, firstFailure }, transition: null };
  return {
    memory: { state: next, since: result.at, streak, firstFailure },
    transition: {
      from: memory.state,
      to: next,
      at: result.at,
      result,
      firstFailure: memory.firstFailure ?? firstFailure,
    },
  };
}

/**
 * Counts stop at the largest threshold: past it no decision changes, and a
 * healthy monitor's memory stays the same from check to check, so it is not
 * rewritten (a row written per check, decision 0038).
 */
function countStreak(previous: MonitorMemory["streak"], outcome: ProbeOutcome, cap: number): MonitorMemory["streak"] {
  const more = (n: number) => Math.min(n + 1, cap);
  return {
    down: outcome === "down" ? more(previous.down) : 0,
    degraded: outcome === "degraded" ? more(previous.degraded) : 0,
    up: outcome === "up" ? more(previous.up) : 0,
    notDown: outcome === "down" ? 0 : more(previous.notDown),
  };
}

function nextState(
  state: MonitorState,
  outcome: ProbeOutcome,
  streak: MonitorMemory["streak"],
  { failuresToDown, successesToUp }: Thresholds,
): MonitorState {
  if (outcome === "down") return streak.down >= failuresToDown ? "down" : state;
  switch (state) {
    case "unknown":
      // Nothing to protect yet: the first good answer is the truth.
      return outcome;
    case "down":
      return streak.notDown >= successesToUp ? outcome : "down";
    case "up":
      return outcome === "degraded" && streak.degraded >= failuresToDown ? "degraded" : "up";
    case "degraded":
      return outcome === "up" && streak.up >= successesToUp ? "up" : "degraded";
  }
}
