import type { MonitorState } from "./state-machine.ts";

/** A majority of the regions, the default quorum. */
export function defaultQuorum(regionCount: number): number {
  return Math.floor(Math.max(1, regionCount) / 2) + 1;
}

/**
 * One monitor's state across its regions: down only when at least `quorum`
 * regions say down, so one region's bad network does not declare an outage.
 * Degraded when a quorum sees at least degraded; unknown regions do not vote.
 */
export function combineRegions(states: readonly MonitorState[], quorum: number): MonitorState {
  const known = states.filter((s) => s !== "unknown");
  if (known.length === 0) return "unknown";
  const down = known.filter((s) => s === "down").length;
  if (down >= quorum) return "down";
  const atLeastDegraded = known.filter((s) => s === "down" || s === "degraded").length;
  if (atLeastDegraded >= quorum) return "degraded";
  // Not enough votes to call it either way while regions are still starting: wait.
  if (known.length < quorum && atLeastDegraded > 0) return "unknown";
  return "up";
}
