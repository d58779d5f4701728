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
  const streak = countStreak(memory.streak, result.outcome);
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

function countStreak(previous: MonitorMemory["streak"], outcome: ProbeOutcome): MonitorMemory["streak"] {
  return {
    down: outcome === "down" ? previous.down + 1 : 0,
    degraded: outcome === "degraded" ? previous.degraded + 1 : 0,
    up: outcome === "up" ? previous.up + 1 : 0,
    notDown: outcome === "down" ? 0 : previous.notDown + 1,
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
