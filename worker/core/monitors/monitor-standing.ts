import { combineRegions } from "./quorum.ts";
import type { MonitorState } from "./state-machine.ts";

/** A monitor's state in one region, as monitors.states answers it. */
export interface RegionState {
  region: string;
  state: string;
  since: string | null;
  lastReportAt: string | null;
  lastSummary: string | null;
}

export interface MonitorStanding {
  /**
   * Lookout's own verdict across the regions (combineRegions, as alerts and
   * components use): up; degraded (slow); down; or no_data: nothing heard
   * yet, or too few regions heard to call it.
   */
  state: "up" | "degraded" | "down" | "no_data";
  /** Since when it has been so, where known: when the quorum-th region got there. */
  since: string | null;
  /** What the failing check said last (a failing region's summary). */
  lastError: string | null;
  /** Not up, and not merely silent: a row the console offers to declare an incident from. */
  failing: boolean;
  /** Regions heard from that see it otherwise: a hint, never the verdict. */
  others: { region: string; state: string }[];
}

const AGREES: Record<"up" | "degraded" | "down", readonly string[]> = {
  up: ["up"],
  // A down region counts towards "at least degraded", as in combineRegions.
  degraded: ["down", "degraded"],
  down: ["down"],
};

/**
 * One line for a monitor across its regions, by the same quorum rule as
 * everything else in Lookout (README "Monitors": down only when a quorum
 * agrees), so the dashboard never offers to declare what Lookout calls up.
 */
export function monitorStanding(regions: readonly RegionState[], quorum: number): MonitorStanding {
  const heard = regions.filter((r) => r.lastReportAt !== null && r.state !== "unknown");
  const verdict = combineRegions(
    heard.map((r) => r.state as MonitorState),
    quorum,
  );
  if (verdict === "unknown") {
    return { state: "no_data", since: null, lastError: null, failing: false, others: heard.map(regionOf) };
  }
  const agreeing = heard.filter((r) => AGREES[verdict].includes(r.state));
  const sinces = agreeing
    .map((r) => r.since)
    .filter((s): s is string => s !== null)
    .sort();
  // The verdict began when enough regions agreed: the quorum-th of them (or the last, when fewer had to).
  const since = sinces[Math.min(quorum, sinces.length) - 1] ?? null;
  const lastError =
    verdict === "up"
      ? null
      : ((agreeing.find((r) => r.state === verdict && r.lastSummary) ?? agreeing.find((r) => r.lastSummary))
          ?.lastSummary ?? null);
  return {
    state: verdict,
    since,
    lastError,
    failing: verdict !== "up",
    others: heard.filter((r) => r.state !== verdict).map(regionOf),
  };
}

function regionOf(r: RegionState) {
  return { region: r.region, state: r.state };
}
