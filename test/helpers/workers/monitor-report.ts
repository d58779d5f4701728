import type { MonitorReport } from "../../../worker/core/monitors/monitor-report.ts";

/**
 * A report as a Monitor object sends it to the StatusPage object, for tests
 * that drive the page's side of monitoring by hand: in `state` at `at`, with
 * the transition that led there if there was one, no latency, no roll-ups.
 */
export function monitorReport(
  monitorId: string,
  at: number,
  state: MonitorReport["state"],
  transition: MonitorReport["transition"] = null,
): MonitorReport {
  return {
    monitorId,
    region: "default",
    at: transition?.at ?? at,
    state,
    since: transition?.at ?? at,
    transition,
    latency: null,
    rollups: [],
  };
}
