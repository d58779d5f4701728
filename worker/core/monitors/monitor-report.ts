import type { ProviderObservation } from "../providers/provider-observation.ts";
import type { DailyRollup } from "./rollup.ts";
import type { MonitorState } from "./state-machine.ts";

/**
 * What a Monitor object tells the StatusPage object: its state (on every
 * transition, and every few minutes as a sign of life), recent latency, and
 * finished days. Raw samples never leave the monitor.
 */
export interface MonitorReport {
  monitorId: string;
  region: string;
  at: number;
  state: MonitorState;
  since: number;
  transition: {
    from: MonitorState;
    to: MonitorState;
    at: number;
    summary: string;
    firstFailure: { at: number; summary: string } | null;
  } | null;
  /** Checks since the previous report. */
  latency: { from: number; to: number; checks: number; failures: number; meanMs: number | null } | null;
  rollups: DailyRollup[];
  /** A statuspage monitor's reading of its provider, sent whenever it changes (and with every report). */
  provider?: ProviderObservation;
}

/** A monitor reports at least this often, so the heartbeat can tell a silent one from a healthy one. */
export const REPORT_EVERY_MS = 5 * 60_000;

/** The name of the Monitor object for one monitor in one region. */
export function monitorObjectName(monitorId: string, region: string): string {
  return `${monitorId}@${region}`;
}

/** Regions a monitor runs in; one unnamed region when it names none. */
export function regionsOf(monitor: { regions: readonly string[] }): string[] {
  return monitor.regions.length > 0 ? [...monitor.regions] : ["default"];
}
