/** A monitor's state in one region, as monitors.states answers it. */
export interface RegionState {
  region: string;
  state: string;
  since: string | null;
  lastReportAt: string | null;
  lastSummary: string | null;
}

export interface MonitorStanding {
  /** up; degraded (slow); down; or no_data: nothing heard yet from any region. */
  state: "up" | "degraded" | "down" | "no_data";
  /** Since when it has been so, where known (the earliest region to get there). */
  since: string | null;
  /** What the failing check said last (a failing region's summary). */
  lastError: string | null;
  /** Not up, and not merely silent: a row the console offers to declare an incident from. */
  failing: boolean;
}

const WORST_FIRST = ["down", "degraded", "up"] as const;

/**
 * One line for a monitor across its regions, worst first: the on-call
 * person's question is "is anything failing, since when, saying what".
 */
export function monitorStanding(regions: readonly RegionState[]): MonitorStanding {
  const heard = regions.filter((r) => r.lastReportAt !== null && r.state !== "unknown");
  for (const state of WORST_FIRST) {
    const there = heard.filter((r) => r.state === state);
    if (there.length === 0) continue;
    const since =
      there
        .map((r) => r.since)
        .filter((s): s is string => s !== null)
        .sort()[0] ?? null;
    const lastError = state === "up" ? null : (there.find((r) => r.lastSummary)?.lastSummary ?? null);
    return { state, since, lastError, failing: state !== "up" };
  }
  return { state: "no_data", since: null, lastError: null, failing: false };
}
